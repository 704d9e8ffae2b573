//! The patient list and a patient's record, for staff.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::{use_params_map, use_query_map};
use stegvis_platform::{org::Role, patients, Error};

use crate::{
    api::patients::AssignTherapist,
    components::{date, load, FlashMessages, Heading, Table},
    context::{locale, request_id, require_viewer, services, Flash},
    i18n::*,
    pages::guidance,
};

#[component]
fn PatientTable(rows: Vec<patients::PatientRow>) -> impl IntoView {
    let i18n = locale();
    let none = td_string!(i18n, patients.none).to_string();
    let headings = vec![
        td_string!(i18n, patients.name).to_string(),
        td_string!(i18n, patients.therapists).to_string(),
        td_string!(i18n, patients.since).to_string(),
    ];
    view! {
        <Table headings>
            {rows.into_iter().map(|p| {
                let therapists = if p.therapists.is_empty() { none.clone() } else { p.therapists };
                view! {
                    <tr>
                        <td><a href=format!("/patients/{}", p.id)>{p.display_name}</a></td>
                        <td>{therapists}</td>
                        <td>{date(p.created_at)}</td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
}

#[component]
pub fn PatientsPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        let role = viewer.require(&[Role::TeamLead, Role::OrgAdmin, Role::Therapist])?;
        let rows = patients::list_as(&services().db.pool, &viewer, role, &request_id()).await?;
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, patients.title).to_string()/>
            {if rows.is_empty() {
                view! { <p>{td_string!(i18n, patients.empty).to_string()}</p> }.into_any()
            } else {
                view! { <PatientTable rows/> }.into_any()
            }}
        })
    })
}

#[component]
pub fn PatientPage() -> impl IntoView {
    let i18n = locale();
    let id = use_params_map().read_untracked().get("id").and_then(|s| s.parse::<i64>().ok());
    let correcting = use_query_map().read_untracked().get("correct").and_then(|s| s.parse::<i64>().ok());
    load(async move {
        let viewer = require_viewer()?;
        let pool = &services().db.pool;
        let access = viewer.patient(pool, id.ok_or(Error::NotFound)?).await?;
        let flash = Flash::take().await;
        let record = patients::read_record(pool, &access, &request_id()).await?;
        let assign = if access.acting_role == Role::TeamLead {
            let therapists: Vec<_> = patients::staff(pool, access.organisation_id)
                .await?
                .into_iter()
                .filter(|s| s.roles.split(',').any(|r| r == Role::Therapist.as_str()))
                .collect();
            Some(view! {
                <section aria-labelledby="assign-heading" class="card">
                    <h2 id="assign-heading">{td_string!(i18n, patient.assign).to_string()}</h2>
                    <form method="post" action=AssignTherapist::PATH class="stack">
                        <input type="hidden" name="patient_id" value=access.patient_id.to_string()/>
                        <div class="field">
                            <label for="therapist_id">{td_string!(i18n, patient.assign_to).to_string()}</label>
                            <select id="therapist_id" name="therapist_id" required=true>
                                {therapists.into_iter().map(|t| view! { <option value=t.user_id.to_string()>{t.display_name}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="choice">
                            <input type="checkbox" id="instead" name="instead" value="1"/>
                            <label for="instead">{td_string!(i18n, patient.assign_instead).to_string()}</label>
                        </div>
                        <button type="submit" class="button">{td_string!(i18n, patient.assign_submit).to_string()}</button>
                    </form>
                </section>
            })
        } else {
            None
        };
        let programmes = {
            let own_patient = viewer.assigned_therapist(pool, access.patient_id).await.is_ok();
            crate::pages::programmes::patient_programmes(&access, own_patient, &flash).await?
        };
        let measures = crate::pages::measurement::patient_measures(&access).await?;
        let flags = crate::pages::escalation::flags_and_step(&access, &flash).await?;
        let top = guidance::waiting_and_messages(&access, &flash).await?;
        let rest = guidance::record_sections(&access, &flash, correcting).await?;
        let none = td_string!(i18n, patients.none).to_string();
        let p = record.patient;
        Ok(view! {
            <Heading text=td_string!(i18n, patient.title).to_string()/>
            <FlashMessages flash/>
            <p class="hint">{td_string!(i18n, patient.audited).to_string()}</p>
            {guidance::section_nav()}
            <dl class="facts">
                <dt>{td_string!(i18n, patients.name).to_string()}</dt><dd>{p.display_name}</dd>
                <dt>{td_string!(i18n, patient.email).to_string()}</dt><dd>{record.email}</dd>
                <dt>{td_string!(i18n, patients.therapists).to_string()}</dt>
                <dd>{if p.therapists.is_empty() { none } else { p.therapists }}</dd>
                <dt>{td_string!(i18n, patients.since).to_string()}</dt><dd>{date(p.created_at)}</dd>
            </dl>
            {flags}
            {top}
            {programmes}
            {measures}
            {rest}
            {assign}
        })
    })
}
