//! The guiding therapist's work and the patient's side of it: messages, contacts, journal
//! notes, minutes, holiday cover, and each person's notification choices.

use std::collections::BTreeMap;

use leptos::prelude::*;
use stegvis_platform::{
    covers, journal,
    messages::{self, Sender, Sent},
    notify::{self, Notice},
    org::Role,
    time_spent, Error,
};

use super::{redirect_with_notice, respond};
use crate::context::{request_id, require_viewer, services, session, url_encode, viewer};

/// Where each part of the patient page starts (the forms return there).
pub fn patient_section(patient_id: i64, section: &str) -> String {
    format!("/patients/{patient_id}#{section}")
}

pub const MESSAGES_PATH: &str = "/messages";

/// A fresh key for a message form: a retried send of the same form finds its message.
pub fn client_key() -> String {
    stegvis_platform::tokens::generate().0
}

/// The patient the viewer writes to or as: `patient_id` for staff (checked), the viewer's
/// own record otherwise. Returns the sender and the page to go back to.
async fn thread_of(patient_id: Option<i64>) -> Result<(Option<stegvis_platform::access::PatientAccess>, i64, i64, String), Error> {
    let viewer = require_viewer()?;
    match patient_id {
        Some(id) => {
            let access = viewer.patient(&services().db.pool, id).await?;
            Ok((Some(access), id, viewer.user.id, patient_section(id, "messages")))
        }
        None => {
            let own = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
            Ok((None, own, viewer.user.id, MESSAGES_PATH.to_string()))
        }
    }
}

/// What the patient wrote while their session ran out: kept until they are back.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PendingMessage {
    pub body: String,
}

pub const PENDING_MESSAGE_KEY: &str = "pending_message";

/// Sends a message (`action` "send") or keeps it as a draft ("save"). Staff name the patient;
/// a patient writes in their own thread.
#[server(prefix = "/api", endpoint = "message")]
pub async fn send_message(
    #[server(default)] patient_id: Option<i64>,
    body: String,
    client_key: String,
    #[server(default)] action: String,
) -> Result<(), ServerFnError> {
    if viewer().is_none() && patient_id.is_none() {
        // The patient's session ran out while they wrote: keep the text until they are back.
        if let Ok(s) = session().await {
            let _ = s.insert(PENDING_MESSAGE_KEY, PendingMessage { body }).await;
        }
        leptos_axum::redirect(&format!("/login?expired=1&next={}", url_encode(MESSAGES_PATH)));
        return Ok(());
    }
    let mut back = MESSAGES_PATH.to_string();
    let outcome = async {
        let (access, patient, user_id, page) = thread_of(patient_id).await?;
        back = page.clone();
        let pool = &services().db.pool;
        if action == "save" {
            messages::save_draft(pool, patient, user_id, &body).await?;
            return redirect_with_notice(&page, "draft_saved").await;
        }
        let sender = match &access {
            Some(access) => Sender::Staff(access),
            None => Sender::Patient { patient_id: patient, user_id },
        };
        let notice = match messages::send(pool, &services().notifier, sender, &body, &client_key, &request_id()).await {
            Ok(Sent::New(_)) => "message_sent",
            Ok(Sent::Already(_)) => "message_already_sent",
            Err(error) => {
                // Nothing typed is lost: what could not be sent stays as the draft.
                if matches!(error, Error::Invalid(_)) && !body.trim().is_empty() {
                    messages::save_draft(pool, patient, user_id, &body).await?;
                }
                return Err(error);
            }
        };
        redirect_with_notice(&page, notice).await
    }
    .await;
    respond(&back, vec![("body", body.clone())], outcome).await
}

/// Keeps the message being written (called by the autosave island); answers the time, HH:MM.
#[server(prefix = "/api", endpoint = "message-draft")]
pub async fn autosave_message(#[server(default)] patient_id: Option<i64>, body: String) -> Result<String, ServerFnError> {
    let saved = async {
        let (_, patient, user_id, _) = thread_of(patient_id).await?;
        messages::save_draft(&services().db.pool, patient, user_id, &body).await
    }
    .await;
    super::saved_at(saved)
}

#[server(prefix = "/api", endpoint = "contact")]
pub async fn record_contact(patient_id: i64, #[server(default)] contact_kind: String, held_on: String, contact_minutes: String, summary: String) -> Result<(), ServerFnError> {
    let back = patient_section(patient_id, "contacts");
    let outcome = async {
        let viewer = require_viewer()?;
        let pool = &services().db.pool;
        let access = viewer.patient(pool, patient_id).await?;
        journal::record_contact(pool, &access, &contact_kind, &held_on, &contact_minutes, &summary, &request_id()).await?;
        redirect_with_notice(&back, "contact_recorded").await
    }
    .await;
    let values = vec![("contact_kind", contact_kind.clone()), ("held_on", held_on.clone()), ("contact_minutes", contact_minutes.clone()), ("summary", summary.clone())];
    respond(&back, values, outcome).await
}

/// Writes a journal note, or a corrected version of one (`replaces`).
#[server(prefix = "/api", endpoint = "note")]
pub async fn write_note(patient_id: i64, written_on: String, note_kind: String, note_text: String, #[server(default)] replaces: Option<i64>) -> Result<(), ServerFnError> {
    let back = match replaces {
        Some(id) => format!("/patients/{patient_id}?correct={id}#note-form"),
        None => patient_section(patient_id, "notes"),
    };
    let outcome = async {
        let viewer = require_viewer()?;
        let pool = &services().db.pool;
        let access = viewer.patient(pool, patient_id).await?;
        journal::write_note(pool, &access, &written_on, &note_kind, &note_text, replaces, &request_id()).await?;
        redirect_with_notice(&patient_section(patient_id, "notes"), if replaces.is_some() { "note_corrected" } else { "note_written" }).await
    }
    .await;
    let values = vec![("written_on", written_on.clone()), ("note_kind", note_kind.clone()), ("note_text", note_text.clone())];
    respond(&back, values, outcome).await
}

/// The therapist's own figure for their minutes with the patient in a week.
#[server(prefix = "/api", endpoint = "minutes")]
pub async fn correct_minutes(patient_id: i64, week: String, week_minutes: String) -> Result<(), ServerFnError> {
    let back = patient_section(patient_id, "time");
    let outcome = async {
        let viewer = require_viewer()?;
        let pool = &services().db.pool;
        let access = viewer.patient(pool, patient_id).await?;
        time_spent::correct(pool, &access, &week, &week_minutes, &request_id()).await?;
        redirect_with_notice(&back, "minutes_saved").await
    }
    .await;
    respond(&back, vec![("week", week.clone()), ("week_minutes", week_minutes.clone())], outcome).await
}

pub const COVER_PATH: &str = "/#cover";

#[server(prefix = "/api", endpoint = "cover")]
pub async fn set_cover(absent_id: i64, cover_id: i64, starts_on: String, ends_on: String) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        covers::create(&services().db.pool, &viewer, absent_id, cover_id, &starts_on, &ends_on, &request_id()).await?;
        redirect_with_notice(COVER_PATH, "cover_set").await
    }
    .await;
    let values = vec![("cover_id", cover_id.to_string()), ("starts_on", starts_on.clone()), ("ends_on", ends_on.clone())];
    respond(COVER_PATH, values, outcome).await
}

#[server(prefix = "/api", endpoint = "cover-cancel")]
pub async fn cancel_cover(id: i64) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        covers::cancel(&services().db.pool, &viewer, id, &request_id()).await?;
        redirect_with_notice(COVER_PATH, "cover_cancelled").await
    }
    .await;
    respond(COVER_PATH, vec![], outcome).await
}

/// The notices offered to the viewer: patients get their own; staff theirs.
pub fn offered(roles: &[Role]) -> Vec<Notice> {
    let mut offered = Vec::new();
    if roles.contains(&Role::Patient) {
        offered.extend(Notice::FOR_PATIENTS);
    }
    if roles.iter().any(|r| matches!(r, Role::Therapist | Role::TeamLead)) {
        offered.extend(Notice::FOR_STAFF);
    }
    offered
}

pub fn notice_key(notice: Notice) -> String {
    format!("notify~{}", notice.as_str())
}

pub fn day_key(day: u8) -> String {
    format!("day~{day}")
}

/// Which notifications to receive, and (therapists) the days they usually reply.
#[server(prefix = "/api", endpoint = "notifications")]
pub async fn save_notifications(#[server(flatten)] form: BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let back = "/settings#notifications";
    let outcome = async {
        let viewer = require_viewer()?;
        let pool = &services().db.pool;
        let offered = offered(viewer.roles());
        let enabled: Vec<Notice> = offered.iter().copied().filter(|n| form.contains_key(&notice_key(*n))).collect();
        notify::set_settings(pool, viewer.user.id, &offered, &enabled).await?;
        if viewer.has(Role::Therapist) {
            let days: Vec<u8> = (1..=7).filter(|d| form.contains_key(&day_key(*d))).collect();
            messages::set_reply_days(pool, viewer.user.id, &days).await?;
        }
        redirect_with_notice(back, "settings_saved").await
    }
    .await;
    respond(back, vec![], outcome).await
}
