//! The home page: what each role starts its day with.

use leptos::prelude::*;
use stegvis_platform::{access::Viewer, enrolments, messages, org::Role, patients, Error};

use crate::{
    api::{guidance::MESSAGES_PATH, programmes::module_path},
    components::{load, FlashMessages, Heading},
    context::{locale, require_viewer, services, Flash},
    i18n::*,
    pages::{
        caseload::{read_query, staff_work, CaseloadQuery},
        measurement::{due_now, questionnaires_first},
        programmes::{plan_link, ProgrammeFacts},
    },
};

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = locale();
    let query = read_query();
    load(async move {
        let viewer = require_viewer()?;
        let name = viewer.user.display_name.clone();
        let greeting = td!(i18n, home.greeting, name = move || name.clone());
        let (body, flash) = match viewer.membership() {
            Err(_) => (view! { <p>{td_string!(i18n, home.no_organisation).to_string()}</p> }.into_any(), Flash::take().await),
            Ok(m) if m.roles == [Role::Patient] => {
                let due = due_now().await?;
                if let Some(redirect) = questionnaires_first(&due) {
                    return Ok(redirect);
                }
                // Taken after the questionnaires' redirect, so that a notice follows it there.
                (patient_home(&viewer, !due.is_empty()).await?.into_any(), Flash::take().await)
            }
            Ok(_) => {
                let flash = Flash::take().await;
                (staff_home(&viewer, query, &flash).await?.into_any(), flash)
            }
        };
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
    let unread = messages::unread_by_patient(&services.db.pool, patient_id, viewer.user.id).await?;
    let messages = view! {
        <section aria-labelledby="messages-heading" class="card">
            <h2 id="messages-heading">{td_string!(i18n, messages.title).to_string()}</h2>
            <p>{if unread > 0 {
                td_string!(i18n, messages.unread).replace("{n}", &unread.to_string())
            } else {
                td_string!(i18n, messages.none_unread).to_string()
            }}</p>
            <p><a class="button secondary" href=MESSAGES_PATH>{td_string!(i18n, messages.open).to_string()}</a></p>
        </section>
    };
    let questionnaires = questionnaires.then(|| view! {
        <section aria-labelledby="due-heading" class="card">
            <h2 id="due-heading">{td_string!(i18n, measures.due_title).to_string()}</h2>
            <p>{td_string!(i18n, measures.due_postponed).to_string()}</p>
            <p><a class="button" href="/questionnaires">{td_string!(i18n, measures.start_answering).to_string()}</a></p>
        </section>
    });
    let step = crate::pages::escalation::patient_step(viewer).await?;
    Ok(view! {
        <p>{td_string!(i18n, home.patient_intro).to_string()}</p>
        {questionnaires}
        {step}
        {messages}
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

async fn staff_home(viewer: &Viewer, query: CaseloadQuery, flash: &Flash) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let pool = &services().db.pool;
    let organisation_id = viewer.organisation_id()?;
    let work = staff_work(viewer, query, flash).await?;
    let counts = if viewer.has(Role::TeamLead) || viewer.has(Role::OrgAdmin) {
        patients::counts(pool, organisation_id).await?
    } else {
        patients::Counts::default()
    };
    let team = viewer.has(Role::TeamLead).then(|| {
        view! {
            <section aria-labelledby="team-card-heading" class="card">
                <h2 id="team-card-heading">{td_string!(i18n, home.team_title).to_string()}</h2>
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
    let flags = crate::pages::escalation::team_flags(viewer).await?;
    Ok(view! { {flags} {work} {team} {admin} })
}
