//! Treatment programmes: the patient's homework (drafts and submissions), the therapist's
//! feedback and decisions about modules, and the organisation's programme settings.
//!
//! Worksheet forms have one input per answer, named by the worksheet (`a.<field>…`), so the
//! functions that take them receive the whole form as a map (`#[server(flatten)]`).

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use stegvis_content::answers::{self, RawAnswers};
use stegvis_platform::{
    access::PatientAccess,
    enrolments::{self, Enrolment, Overview},
    homework::{self, Submitted},
    org::Role,
    Error,
};

use super::{redirect_with_notice, respond};
use crate::context::{request_id, require_viewer, services, session, url_encode, viewer};

/// Addresses of the programme pages, in one place.
pub fn module_path(enrolment_id: i64, position: usize) -> String {
    format!("/programmes/{enrolment_id}/modules/{position}")
}

pub fn homework_path(enrolment_id: i64, position: usize, pages: usize) -> String {
    format!("{}?page={pages}#homework", module_path(enrolment_id, position))
}

pub fn staff_homework_path(patient_id: i64, enrolment_id: i64, position: usize) -> String {
    format!("/patients/{patient_id}/programmes/{enrolment_id}/modules/{position}")
}

fn number<T: std::str::FromStr>(form: &BTreeMap<String, String>, key: &str) -> Result<T, Error> {
    form.get(key).and_then(|v| v.trim().parse().ok()).ok_or(Error::NotFound)
}

/// What the patient typed, kept while they log in again after their session ran out
/// (without JavaScript nothing else would have saved it). Saved as their draft once they are
/// back on the module.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingHomework {
    pub enrolment_id: i64,
    pub position: usize,
    pub answers: RawAnswers,
}

pub const PENDING_KEY: &str = "pending_homework";

/// The patient's own enrolment with its module states (anyone else's is 404).
pub(crate) async fn own_overview(enrolment_id: i64) -> Result<Overview, Error> {
    let viewer = require_viewer()?;
    let services = services();
    let enrolment = enrolments::own(&services.db.pool, &viewer, enrolment_id).await?;
    enrolments::overview(&services.db.pool, &services.content, enrolment).await
}

/// The homework form: save the draft, add a row or a line, or submit.
#[server(prefix = "/api", endpoint = "homework")]
pub async fn save_homework(#[server(flatten)] form: BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let enrolment_id: i64 = number(&form, "enrolment").unwrap_or_default();
    let position: usize = number(&form, "module").unwrap_or_default();
    let pages: usize = number(&form, "pages").unwrap_or(1);
    // Errors come back without the #homework fragment: a fragment would stop the browser
    // from moving the focus to the error summary (autofocus).
    let back = format!("{}?page={pages}", module_path(enrolment_id, position));
    let done = homework_path(enrolment_id, position, pages);
    let action = form.get("action").cloned().unwrap_or_default();
    let mut raw = answers::keep_answers(form);
    if viewer().is_none() {
        // The session ran out while they wrote: keep the text in a fresh session until they
        // have logged in again, then it becomes their draft.
        let pending = PendingHomework { enrolment_id, position, answers: raw };
        if let Ok(s) = session().await {
            let _ = s.insert(PENDING_KEY, pending).await;
        }
        leptos_axum::redirect(&format!("/login?expired=1&next={}", url_encode(&back)));
        return Ok(());
    }
    let outcome = async {
        let overview = own_overview(enrolment_id).await?;
        let pool = &services().db.pool;
        if let Some(field) = action.strip_prefix("add:") {
            // One more row (or line) shown: remembered in the draft as `a.<field>.count`.
            let worksheet = overview.programme.module(position).and_then(|m| m.worksheet.as_ref()).ok_or(Error::NotFound)?;
            let shown = worksheet.fields.iter().find(|f| f.id == field).map(|f| answers::shown(&raw, f)).ok_or(Error::NotFound)?;
            raw.retain(|(k, _)| *k != answers::count_key(field));
            raw.push((answers::count_key(field), (shown + 1).to_string()));
            homework::save_draft(pool, &overview, position, raw).await?;
            return Ok(format!("{}?page={pages}#{}", module_path(enrolment_id, position), answers::item_key(field, shown)));
        }
        if action == "submit" {
            let notice = match homework::submit(pool, &services().notifier, &overview, position, raw).await? {
                Submitted::New(_) => "homework_submitted",
                Submitted::Already(_) => "homework_already_submitted",
            };
            return redirect_with_notice(&done, notice).await;
        }
        homework::save_draft(pool, &overview, position, raw).await?;
        redirect_with_notice(&done, "draft_saved").await
    }
    .await;
    respond(&back, vec![], outcome).await
}

/// Saves the draft as the patient types (called by the autosave island); answers the time
/// it was saved, as HH:MM.
#[server(prefix = "/api", endpoint = "autosave")]
pub async fn autosave(#[server(flatten)] form: BTreeMap<String, String>) -> Result<String, ServerFnError> {
    let enrolment_id: i64 = number(&form, "enrolment").map_err(|e| ServerFnError::new(e.to_string()))?;
    let position: usize = number(&form, "module").map_err(|e| ServerFnError::new(e.to_string()))?;
    let saved = async {
        let overview = own_overview(enrolment_id).await?;
        homework::save_draft(&services().db.pool, &overview, position, answers::keep_answers(form)).await
    }
    .await;
    super::saved_at(saved.map(|draft| draft.updated_at))
}

/// A staff member's view of one enrolment, with the access to audit. `own_patient`: the act
/// is one for the patient's own therapist only.
pub(crate) async fn staff_overview(enrolment_id: i64, own_patient: bool) -> Result<(Overview, PatientAccess), Error> {
    let viewer = require_viewer()?;
    let services = services();
    let pool = &services.db.pool;
    let (enrolment, mut access) = enrolments::of_staff(pool, &viewer, enrolment_id).await?;
    if own_patient {
        access = viewer.assigned_therapist(pool, enrolment.patient_id).await?;
    }
    let overview = enrolments::overview(pool, &services.content, enrolment).await?;
    Ok((overview, access))
}

fn patient_page(enrolment: &Enrolment) -> String {
    format!("/patients/{}", enrolment.patient_id)
}

#[server(prefix = "/api", endpoint = "feedback")]
pub async fn give_feedback(enrolment: i64, module: usize, body: String, #[server(default)] open_next: String) -> Result<(), ServerFnError> {
    let mut back = String::from("/");
    let outcome = async {
        let (overview, access) = staff_overview(enrolment, true).await?;
        back = staff_homework_path(access.patient_id, enrolment, module);
        let services = services();
        homework::give_feedback(&services.db.pool, &services.notifier, &access, &overview, module, &body, !open_next.is_empty(), &request_id()).await?;
        redirect_with_notice(&back, "feedback_sent").await
    }
    .await;
    respond(&back, vec![("body", body.clone())], outcome).await
}

/// Opens a locked module now, or adds an optional module to the programme.
#[server(prefix = "/api", endpoint = "open-module")]
pub async fn open_module(enrolment: i64, module: usize) -> Result<(), ServerFnError> {
    let mut back = String::from("/");
    let outcome = async {
        let (overview, access) = staff_overview(enrolment, true).await?;
        back = patient_page(&overview.enrolment);
        let services = services();
        let pool = &services.db.pool;
        match overview.module(module) {
            Some(_) => enrolments::open_now(pool, &services.notifier, &access, enrolment, module, &request_id()).await?,
            None => enrolments::add_optional(pool, &services.content, &services.notifier, &access, &overview.enrolment, module, &request_id()).await?,
        }
        redirect_with_notice(&back, "module_opened").await
    }
    .await;
    respond(&back, vec![], outcome).await
}

#[server(prefix = "/api", endpoint = "end-programme")]
pub async fn end_programme(enrolment: i64) -> Result<(), ServerFnError> {
    let mut back = String::from("/");
    let outcome = async {
        let (overview, access) = staff_overview(enrolment, false).await?;
        back = patient_page(&overview.enrolment);
        enrolments::end(&services().db.pool, &access, &overview.enrolment, &request_id()).await?;
        redirect_with_notice(&back, "programme_ended").await
    }
    .await;
    respond(&back, vec![], outcome).await
}

#[server(prefix = "/api", endpoint = "enrol")]
pub async fn enrol(patient_id: i64, programme: String, start_date: String) -> Result<(), ServerFnError> {
    let back = format!("/patients/{patient_id}");
    let outcome = async {
        let viewer = require_viewer()?;
        let services = services();
        let access = viewer.patient(&services.db.pool, patient_id).await?;
        enrolments::enrol(&services.db.pool, &services.content, &access, &programme, &start_date, &request_id()).await?;
        redirect_with_notice(&back, "enrolled").await
    }
    .await;
    respond(&back, vec![("programme", programme.clone()), ("start_date", start_date.clone())], outcome).await
}

/// The organisation's pacing for one programme: a ticked `feedback~<module>` box means the
/// module waits for the therapist's feedback; unticked, it opens on the weekly schedule.
#[server(prefix = "/api", endpoint = "pacing")]
pub async fn set_pacing(#[server(flatten)] form: BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        viewer.require(&[Role::OrgAdmin])?;
        let programme = form.get("programme").cloned().unwrap_or_default();
        let waits: Vec<String> = form.keys().filter_map(|k| k.strip_prefix("feedback~")).map(str::to_string).collect();
        let services = services();
        enrolments::set_pacing(&services.db.pool, &services.content, viewer.organisation_id()?, &programme, &waits).await?;
        redirect_with_notice("/admin#programmes", "settings_saved").await
    }
    .await;
    respond("/admin#programmes", vec![], outcome).await
}

#[server(prefix = "/api", endpoint = "waiting-list")]
pub async fn set_waiting_list(#[server(default)] programme: String) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        viewer.require(&[Role::OrgAdmin])?;
        let services = services();
        let chosen = Some(programme.as_str()).filter(|p| !p.is_empty());
        enrolments::set_waiting_list_programme(&services.db.pool, &services.content, viewer.organisation_id()?, chosen).await?;
        redirect_with_notice("/admin#programmes", "settings_saved").await
    }
    .await;
    respond("/admin#programmes", vec![], outcome).await
}
