//! The clinician's own entries in the record: journal notes (structured, never edited in place:
//! a correction is a new version that keeps the old one) and contacts (phone, video, meeting,
//! with their minutes). Both are only ever inserted; the database refuses changes.

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::{
    access::PatientAccess,
    audit::{self, Action},
    dates, now, Error, Result,
};

pub const MAX_NOTE_CHARS: usize = 20_000;
pub const NOTE_KINDS: [&str; 4] = ["treatment", "assessment", "coordination", "other"];
pub const CONTACT_KINDS: [&str; 3] = ["phone", "video", "meeting"];
/// Longest contact that can be recorded, in minutes.
pub const MAX_CONTACT_MINUTES: i64 = 600;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct NoteVersion {
    pub id: i64,
    pub replaces_id: Option<i64>,
    pub written_on: String,
    pub kind: String,
    pub body: String,
    pub author_name: String,
    pub created_at: i64,
}

/// A note as it stands now, with the versions it replaced (newest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub current: NoteVersion,
    pub earlier: Vec<NoteVersion>,
}

/// Writes a note, or (with `replaces`) a corrected version of the patient's note `replaces`,
/// which must be the current version. Returns the new version's id.
pub async fn write_note(pool: &AnyPool, access: &PatientAccess, written_on: &str, kind: &str, body: &str, replaces: Option<i64>, request_id: &str) -> Result<i64> {
    let mut problems = Vec::new();
    let written_on = dates::past_date("written_on", written_on).map(dates::format).map_err(|e| problems.push(e)).ok();
    if !NOTE_KINDS.contains(&kind) {
        problems.push(Error::invalid("note_kind", "required"));
    }
    let body = crate::required_text("note_text", body, MAX_NOTE_CHARS).map_err(|e| problems.push(e)).ok();
    let (Some(written_on), Some(body), true) = (written_on, body, problems.is_empty()) else { return Err(Error::merge(problems)) };
    let mut tx = pool.begin().await?;
    if let Some(old) = replaces {
        let current: Option<i64> = sqlx::query_scalar(
            "SELECT n.id FROM journal_notes n WHERE n.id = $1 AND n.patient_id = $2
                AND NOT EXISTS (SELECT 1 FROM journal_notes later WHERE later.replaces_id = n.id)",
        )
        .bind(old)
        .bind(access.patient_id)
        .fetch_optional(&mut *tx)
        .await?;
        if current.is_none() {
            return Err(Error::invalid("form", "note_already_corrected"));
        }
    }
    let id = insert(&mut tx, access.patient_id, replaces, &written_on, kind, body, access.actor_user_id).await?;
    let id = id.ok_or_else(|| Error::invalid("form", "note_already_corrected"))?;
    audit::record(&mut tx, access, Action::WriteNote, request_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes a new note (not a correction) in the caller's transaction: a decision on a flag.
pub(crate) async fn insert_note(conn: &mut sqlx::AnyConnection, patient_id: i64, written_on: &str, kind: &str, body: &str, author_id: i64) -> Result<i64> {
    insert(conn, patient_id, None, written_on, kind, body, author_id).await?.ok_or_else(|| Error::Internal("a new note conflicted".into()))
}

/// Inserts a version; `None` when `replaces` has been corrected already.
async fn insert(conn: &mut sqlx::AnyConnection, patient_id: i64, replaces: Option<i64>, written_on: &str, kind: &str, body: &str, author_id: i64) -> Result<Option<i64>> {
    // The unique `replaces_id` stops two corrections of one version racing each other.
    Ok(sqlx::query_scalar(
        "INSERT INTO journal_notes (patient_id, replaces_id, written_on, kind, body, author_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (replaces_id) DO NOTHING RETURNING id",
    )
    .bind(patient_id)
    .bind(replaces)
    .bind(written_on)
    .bind(kind)
    .bind(body)
    .bind(author_id)
    .bind(now())
    .fetch_optional(conn)
    .await?)
}

/// The patient's notes, newest first, each with its earlier versions. Callers have checked access.
pub async fn notes(pool: &AnyPool, patient_id: i64) -> Result<Vec<Note>> {
    let versions: Vec<NoteVersion> = sqlx::query_as(
        "SELECT n.id, n.replaces_id, n.written_on, n.kind, n.body, u.display_name AS author_name, n.created_at
           FROM journal_notes n JOIN users u ON u.id = n.author_id
          WHERE n.patient_id = $1 ORDER BY n.id DESC",
    )
    .bind(patient_id)
    .fetch_all(pool)
    .await?;
    let replaced: std::collections::HashSet<i64> = versions.iter().filter_map(|v| v.replaces_id).collect();
    let mut notes: Vec<Note> = versions
        .iter()
        .filter(|v| !replaced.contains(&v.id))
        .map(|current| {
            let mut earlier = Vec::new();
            let mut next = current.replaces_id;
            while let Some(id) = next {
                let Some(v) = versions.iter().find(|v| v.id == id) else { break };
                earlier.push(v.clone());
                next = v.replaces_id;
            }
            Note { current: current.clone(), earlier }
        })
        .collect();
    notes.sort_by(|a, b| (&b.current.written_on, b.current.id).cmp(&(&a.current.written_on, a.current.id)));
    Ok(notes)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Contact {
    pub id: i64,
    pub therapist_name: String,
    pub kind: String,
    pub held_on: String,
    pub minutes: i64,
    pub summary: String,
    pub created_at: i64,
}

/// Records a contact with the patient (the acting staff member held it).
pub async fn record_contact(pool: &AnyPool, access: &PatientAccess, kind: &str, held_on: &str, minutes: &str, summary: &str, request_id: &str) -> Result<i64> {
    let mut problems = Vec::new();
    if !CONTACT_KINDS.contains(&kind) {
        problems.push(Error::invalid("contact_kind", "required"));
    }
    let held_on = dates::past_date("held_on", held_on).map(dates::format).map_err(|e| problems.push(e)).ok();
    let minutes = crate::number_in("contact_minutes", minutes, 1..=MAX_CONTACT_MINUTES).map_err(|e| problems.push(e)).ok();
    let summary = crate::required_text("summary", summary, MAX_NOTE_CHARS).map_err(|e| problems.push(e)).ok();
    let (Some(held_on), Some(minutes), Some(summary), true) = (held_on, minutes, summary, problems.is_empty()) else { return Err(Error::merge(problems)) };
    let mut tx = pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (patient_id, therapist_id, kind, held_on, minutes, summary, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(access.patient_id)
    .bind(access.actor_user_id)
    .bind(kind)
    .bind(held_on)
    .bind(minutes)
    .bind(summary)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(&mut tx, access, Action::RecordContact, request_id).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn contacts(pool: &AnyPool, patient_id: i64) -> Result<Vec<Contact>> {
    Ok(sqlx::query_as(
        "SELECT c.id, u.display_name AS therapist_name, c.kind, c.held_on, c.minutes, c.summary, c.created_at
           FROM contacts c JOIN users u ON u.id = c.therapist_id
          WHERE c.patient_id = $1 ORDER BY c.held_on DESC, c.id DESC",
    )
    .bind(patient_id)
    .fetch_all(pool)
    .await?)
}
