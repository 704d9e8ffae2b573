//! The patient's rights over their record: everything Stegvis holds about them, to download
//! (JSON) and to read (the "Mine data" page); a request to delete, which becomes a task for a
//! clinician (journal-type data is never hard-deleted through the application); and the
//! retention schedule for what is not journal: old drafts and the log of notifications sent.

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::{
    access::Viewer,
    audit::{self, AccessEntry},
    enrolments::{self, Enrolment},
    flags::{self, Flag},
    homework::{self, Submission},
    intake::{self, Referral},
    journal::{self, Contact, Note},
    measurement::{self, Response},
    messages::{self, Message},
    now,
    org::Role,
    steps::{self, StepChange},
    Error, Result,
};

/// Everything about one patient, as they may download it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Everything {
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub exported_at: i64,
    pub referrals: Vec<Referral>,
    /// The screening answers of each referral: (referral id, instrument, answers, total, time).
    pub screenings: Vec<(i64, String, Vec<Option<u8>>, i64, i64)>,
    pub enrolments: Vec<Enrolment>,
    pub homework: Vec<Submission>,
    pub questionnaires: Vec<Response>,
    pub messages: Vec<Message>,
    pub contacts: Vec<Contact>,
    pub journal_notes: Vec<Note>,
    pub flags: Vec<Flag>,
    pub steps: Vec<StepChange>,
    pub deletion_requests: Vec<DeletionRequest>,
    /// Who has looked at the record (pasientjournalloven § 18).
    pub accesses: Vec<AccessEntry>,
}

/// The viewer's own record, whole. Patients only.
pub async fn everything(pool: &AnyPool, viewer: &Viewer) -> Result<Everything> {
    let membership = viewer.membership()?;
    let patient_id = membership.patient_id.ok_or(Error::NotFound)?;
    let referrals = intake::of_patient(pool, patient_id).await?;
    let mut screenings = Vec::new();
    for referral in &referrals {
        for (instrument, answers, total, at) in intake::screening_answers(pool, referral.id).await? {
            screenings.push((referral.id, instrument, answers, total, at));
        }
    }
    let mut homework = Vec::new();
    let handed_in: Vec<(i64, i64)> = sqlx::query_as("SELECT s.enrolment_id, s.position FROM submissions s JOIN enrolments e ON e.id = s.enrolment_id WHERE e.patient_id = $1 ORDER BY s.id")
        .bind(patient_id)
        .fetch_all(pool)
        .await?;
    for (enrolment, position) in handed_in {
        homework.extend(homework::submission(pool, enrolment, position as usize).await?);
    }
    Ok(Everything {
        name: viewer.user.display_name.clone(),
        email: viewer.user.email.clone(),
        organisation: membership.organisation.name.clone(),
        exported_at: now(),
        referrals,
        screenings,
        enrolments: enrolments::of_patient(pool, patient_id).await?,
        homework,
        questionnaires: measurement::responses(pool, patient_id, false).await?,
        messages: messages::thread(pool, patient_id, viewer.user.id).await?.messages,
        contacts: journal::contacts(pool, patient_id).await?,
        journal_notes: journal::notes(pool, patient_id).await?,
        flags: flags::of_patient(pool, patient_id).await?,
        steps: steps::history(pool, patient_id).await?,
        deletion_requests: deletion_requests_of(pool, patient_id).await?,
        accesses: audit::accesses_to(pool, patient_id).await?,
    })
}

// ---- deletion requests ------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct DeletionRequest {
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub message: String,
    pub requested_at: i64,
    pub handled_at: Option<i64>,
    pub handled_by_name: Option<String>,
    pub answer: Option<String>,
}

const REQUEST_SELECT: &str = "SELECT d.id, d.patient_id, u.display_name AS patient_name, d.message, d.requested_at, d.handled_at, h.display_name AS handled_by_name, d.answer
   FROM deletion_requests d JOIN patients p ON p.id = d.patient_id JOIN users u ON u.id = p.user_id LEFT JOIN users h ON h.id = d.handled_by";

pub const MAX_REQUEST_TEXT: usize = 2_000;

async fn deletion_requests_of(pool: &AnyPool, patient_id: i64) -> Result<Vec<DeletionRequest>> {
    Ok(sqlx::query_as(&format!("{REQUEST_SELECT} WHERE d.patient_id = $1 ORDER BY d.id DESC")).bind(patient_id).fetch_all(pool).await?)
}

/// The patient asks for their data to be deleted. Nothing is deleted: a clinician weighs the
/// request against the duty to keep a record (helsepersonelloven § 39–40) and answers it.
pub async fn request_deletion(pool: &AnyPool, viewer: &Viewer, message: &str) -> Result<i64> {
    let patient_id = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
    let message = message.trim();
    if message.chars().count() > MAX_REQUEST_TEXT {
        return Err(Error::invalid("deletion_message", &format!("too_long:{MAX_REQUEST_TEXT}")));
    }
    let open: Option<i64> = sqlx::query_scalar("SELECT id FROM deletion_requests WHERE patient_id = $1 AND handled_at IS NULL").bind(patient_id).fetch_optional(pool).await?;
    if let Some(id) = open {
        return Ok(id);
    }
    Ok(sqlx::query_scalar("INSERT INTO deletion_requests (patient_id, message, requested_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(patient_id)
        .bind(message)
        .bind(now())
        .fetch_one(pool)
        .await?)
}

/// The open requests of the organisation, oldest first (team leads).
pub async fn open_requests(pool: &AnyPool, viewer: &Viewer) -> Result<Vec<DeletionRequest>> {
    viewer.require(&[Role::TeamLead])?;
    Ok(sqlx::query_as(&format!("{REQUEST_SELECT} WHERE p.organisation_id = $1 AND d.handled_at IS NULL ORDER BY d.requested_at, d.id"))
        .bind(viewer.organisation_id()?)
        .fetch_all(pool)
        .await?)
}

/// A team lead answers a request (what was done, or why the record must be kept); audited.
pub async fn answer_request(pool: &AnyPool, viewer: &Viewer, request_id: i64, answer: &str, http_request_id: &str) -> Result<()> {
    let role = viewer.require(&[Role::TeamLead])?;
    let answer = crate::required_text("deletion_answer", answer, MAX_REQUEST_TEXT)?;
    let organisation_id = viewer.organisation_id()?;
    let patient_id: i64 = sqlx::query_scalar("SELECT d.patient_id FROM deletion_requests d JOIN patients p ON p.id = d.patient_id WHERE d.id = $1 AND p.organisation_id = $2")
        .bind(request_id)
        .bind(organisation_id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)?;
    let mut tx = pool.begin().await?;
    let answered = sqlx::query("UPDATE deletion_requests SET handled_at = $1, handled_by = $2, answer = $3 WHERE id = $4 AND handled_at IS NULL")
        .bind(now())
        .bind(viewer.user.id)
        .bind(answer)
        .bind(request_id)
        .execute(&mut *tx)
        .await?;
    if answered.rows_affected() != 1 {
        return Err(Error::invalid("deletion_answer", "request_answered"));
    }
    audit::write(&mut tx, viewer.user.id, role, organisation_id, Some(patient_id), audit::Action::AnswerDeletionRequest, http_request_id).await?;
    tx.commit().await?;
    Ok(())
}

// ---- retention ---------------------------------------------------------------------------------

/// Drafts of homework in a programme that ended this long ago are removed.
pub const ENDED_DRAFT_DAYS: i64 = 30;
/// Message drafts untouched this long are removed.
pub const MESSAGE_DRAFT_DAYS: i64 = 90;
/// The log of notifications sent (the outbox rows, whose bodies are blanked once sent) is kept
/// this long: long enough to coalesce and to answer "did I get told", no longer.
pub const SENT_MAIL_DAYS: i64 = 90;

/// What the retention schedule removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub drafts: u64,
    pub message_drafts: u64,
    pub sent_mail: u64,
}

/// Applies the retention schedule at `at`. Journal-type data (answers, homework handed in,
/// messages sent, notes, contacts, flags, the audit trail) is never touched.
pub async fn apply_retention(pool: &AnyPool, at: i64) -> Result<Removed> {
    const DAY: i64 = 24 * 3600;
    let ended_before = at - ENDED_DRAFT_DAYS * DAY;
    let ended_on_before = crate::dates::format(crate::dates::add_days(crate::dates::oslo_date(at), -ENDED_DRAFT_DAYS));
    let drafts = sqlx::query(
        "DELETE FROM drafts WHERE enrolment_id IN (SELECT id FROM enrolments WHERE (ended_at IS NOT NULL AND ended_at < $1) OR end_date < $2)",
    )
    .bind(ended_before)
    .bind(ended_on_before)
    .execute(pool)
    .await?
    .rows_affected();
    let message_drafts = sqlx::query("DELETE FROM message_drafts WHERE updated_at < $1").bind(at - MESSAGE_DRAFT_DAYS * DAY).execute(pool).await?.rows_affected();
    let sent_mail = sqlx::query("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1").bind(at - SENT_MAIL_DAYS * DAY).execute(pool).await?.rows_affected();
    Ok(Removed { drafts, message_drafts, sent_mail })
}
