//! The home page: what each role starts its day with.

use leptos::prelude::*;
use stegvis_platform::{access::Viewer, enrolments, homework, org::Role, patients, Error};

use crate::{
    api::programmes::{module_path, staff_homework_path},
    components::{date, load, FlashMessages, Heading, Table},
    context::{locale, request_id, require_viewer, services, Flash},
    i18n::*,
    pages::{
        measurement::{due_now, questionnaires_first},
        patients::PatientTable,
        programmes::{plan_link, ProgrammeFacts},
    },
};

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        let name = viewer.user.display_name.clone();
        let greeting = td!(i18n, home.greeting, name = move || name.clone());
        let body = match viewer.membership() {
            Err(_) => view! { <p>{td_string!(i18n, home.no_organisation).to_string()}</p> }.into_any(),
            Ok(m) if m.roles == [Role::Patient] => {
                let due = due_now().await?;
                if let Some(redirect) = questionnaires_first(&due) {
                    return Ok(redirect);
                }
                patient_home(&viewer, !due.is_empty()).await?.into_any()
            }
            Ok(_) => staff_home(&viewer).await?.into_any(),
        };
        // Taken after the questionnaires' redirect, so that a notice follows it there.
        let flash = Flash::take().await;
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, home.title).to_string()/>
            <FlashMessages flash/>
            <p class="lead">{greeting}</p>
            {body}
        }
        .into_any())
    })
}

/// `questionnaires`: some are due, put off for now.
async fn patient_home(viewer: &Viewer, questionnaires: bool) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let membership = viewer.membership()?;
    let patient_id = membership.patient_id.ok_or(Error::NotFound)?;
    let mut conn = services().db.pool.acquire().await?;
    let me = patients::row(&mut conn, membership.organisation.id, patient_id).await?.ok_or(Error::NotFound)?;
    let services = services();
    let mut programmes = Vec::new();
    for enrolment in enrolments::of_viewer(&services.db.pool, viewer).await? {
        let overview = enrolments::overview(&services.db.pool, &services.content, enrolment).await?;
        let lang = i18n.as_str();
        let id = overview.enrolment.id;
        let next = overview.current().map(|m| {
            let title = overview.programme.module(m.position).map(|x| x.title.get(lang).to_string()).unwrap_or_default();
            view! { <p><a class="button" href=module_path(id, m.position)>{td_string!(i18n, programme.continue_with).replace("{title}", &title)}</a></p> }
        });
        let plan = plan_link(&overview).map(|href| view! { <p><a href=href>{td_string!(i18n, programme.my_plan).to_string()}</a></p> });
        let heading_id = format!("programme-{id}");
        let labelled_by = heading_id.clone();
        programmes.push(view! {
            <section aria-labelledby=labelled_by class="card">
                <h2 id=heading_id><a href=format!("/programmes/{id}")>{overview.programme.title.get(lang).to_string()}</a></h2>
                <ProgrammeFacts overview=overview.clone()/>
                {next}
                {plan}
            </section>
        });
    }
    let questionnaires = questionnaires.then(|| view! {
        <section aria-labelledby="due-heading" class="card">
            <h2 id="due-heading">{td_string!(i18n, measures.due_title).to_string()}</h2>
            <p>{td_string!(i18n, measures.due_postponed).to_string()}</p>
            <p><a class="button" href="/questionnaires">{td_string!(i18n, measures.start_answering).to_string()}</a></p>
        </section>
    });
    Ok(view! {
        <p>{td_string!(i18n, home.patient_intro).to_string()}</p>
        {questionnaires}
        {programmes}
        <p><a href="/progress">{td_string!(i18n, measures.see_progress).to_string()}</a></p>
        <section aria-labelledby="guide-heading" class="card">
            <h2 id="guide-heading">{td_string!(i18n, home.patient_guided_by).to_string()}</h2>
            {if me.therapists.is_empty() {
                view! { <p>{td_string!(i18n, home.patient_not_started).to_string()}</p> }.into_any()
            } else {
                view! { <p>{me.therapists}</p> }.into_any()
            }}
        </section>
    })
}

async fn staff_home(viewer: &Viewer) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let pool = &services().db.pool;
    let organisation_id = viewer.organisation_id()?;
    let waiting = if viewer.has(Role::Therapist) || viewer.has(Role::TeamLead) {
        let mine = (!viewer.has(Role::TeamLead)).then_some(viewer.user.id);
        let rows = homework::waiting_for_feedback(pool, organisation_id, mine).await?;
        Some(view! {
            <section aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">{td_string!(i18n, home.waiting_title).to_string()}</h2>
                {if rows.is_empty() {
                    view! { <p>{td_string!(i18n, home.waiting_empty).to_string()}</p> }.into_any()
                } else {
                    view! {
                        <Table headings=vec![
                            td_string!(i18n, patients.name).to_string(),
                            td_string!(i18n, programme.module).to_string(),
                            td_string!(i18n, home.waiting_since).to_string(),
                        ]>
                            {rows.into_iter().map(|w| view! {
                                <tr>
                                    <td><a href=staff_homework_path(w.patient_id, w.enrolment_id, w.position as usize)>{w.patient_name}</a></td>
                                    <td>{w.position}</td>
                                    <td>{date(w.submitted_at)}</td>
                                </tr>
                            }).collect_view()}
                        </Table>
                    }.into_any()
                }}
            </section>
        })
    } else {
        None
    };
    let caseload = if viewer.has(Role::Therapist) {
        let rows = patients::list_as(pool, viewer, Role::Therapist, &request_id()).await?;
        Some(view! {
            <section aria-labelledby="caseload-heading">
                <h2 id="caseload-heading">{td_string!(i18n, home.therapist_title).to_string()}</h2>
                {if rows.is_empty() {
                    view! { <p>{td_string!(i18n, home.therapist_empty).to_string()}</p> }.into_any()
                } else {
                    view! { <PatientTable rows/> }.into_any()
                }}
            </section>
        })
    } else {
        None
    };
    let counts = if viewer.has(Role::TeamLead) || viewer.has(Role::OrgAdmin) {
        patients::counts(pool, organisation_id).await?
    } else {
        patients::Counts::default()
    };
    let team = viewer.has(Role::TeamLead).then(|| {
        view! {
            <section aria-labelledby="team-heading" class="card">
                <h2 id="team-heading">{td_string!(i18n, home.team_title).to_string()}</h2>
                <p>{td!(i18n, home.team_summary, patients = move || counts.patients, unassigned = move || counts.unassigned)}</p>
                <p><a href="/patients">{td_string!(i18n, nav.patients).to_string()}</a></p>
            </section>
        }
    });
    let admin = viewer.has(Role::OrgAdmin).then(|| {
        view! {
            <section aria-labelledby="admin-heading" class="card">
                <h2 id="admin-heading">{td_string!(i18n, home.admin_title).to_string()}</h2>
                <p>{td!(i18n, home.admin_summary, staff = move || counts.staff, patients = move || counts.patients)}</p>
                <p><a href="/admin">{td_string!(i18n, nav.admin).to_string()}</a></p>
            </section>
        }
    });
    Ok(view! { {waiting} {caseload} {team} {admin} })
}
