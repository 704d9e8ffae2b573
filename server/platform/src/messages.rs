//! Secure messages: one thread per patient, between the patient and the staff who guide them.
//! A message is stored before the sender is told it was sent, a retried send stores nothing new
//! (the form's `client_key`), and a sent message is never changed (the database refuses it).

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::{
    access::PatientAccess,
    audit::{self, Action},
    notify::{Notice, Notifier},
    now, Error, Result,
};

/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 5_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Message {
    pub id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub from_patient: i64,
    pub body: String,
    pub created_at: i64,
}

impl Message {
    pub fn is_from_patient(&self) -> bool {
        self.from_patient == 1
    }
}

/// A thread as one reader sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub messages: Vec<Message>,
    /// The last message this reader had read before this view (0: none).
    pub read_up_to: i64,
    /// What this reader has written and not sent.
    pub draft: Option<String>,
}

/// Who sends: the patient themself, or staff with access to the patient.
#[derive(Clone, Copy, Debug)]
pub enum Sender<'a> {
    Patient { patient_id: i64, user_id: i64 },
    Staff(&'a PatientAccess),
}

impl Sender<'_> {
    fn patient_id(&self) -> i64 {
        match self {
            Sender::Patient { patient_id, .. } => *patient_id,
            Sender::Staff(access) => access.patient_id,
        }
    }

    fn user_id(&self) -> i64 {
        match self {
            Sender::Patient { user_id, .. } => *user_id,
            Sender::Staff(access) => access.actor_user_id,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sent {
    New(i64),
    /// The same send again (a retried request, a double click): nothing new was stored.
    Already(i64),
}

/// A client key is what the form was given when it was drawn: 16 to 64 letters, digits, `-`, `_`.
pub(crate) fn check_key(key: &str) -> Result<()> {
    let ok = (16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(Error::invalid("form", "stale_form")) }
}

/// Sends a message, clears the sender's draft, and tells the other side (content-free).
pub async fn send(pool: &AnyPool, notifier: &Notifier, sender: Sender<'_>, body: &str, client_key: &str, request_id: &str) -> Result<Sent> {
    check_key(client_key)?;
    let body = crate::required_text("body", body, MAX_MESSAGE_CHARS)?;
    let (patient_id, user_id) = (sender.patient_id(), sender.user_id());
    let mut tx = pool.begin().await?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO messages (patient_id, author_id, from_patient, body, client_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (author_id, client_key) DO NOTHING RETURNING id",
    )
    .bind(patient_id)
    .bind(user_id)
    .bind(matches!(sender, Sender::Patient { .. }) as i64)
    .bind(body)
    .bind(client_key)
    .bind(now())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = inserted else {
        tx.rollback().await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM messages WHERE author_id = $1 AND client_key = $2")
            .bind(user_id)
            .bind(client_key)
            .fetch_one(pool)
            .await?;
        return Ok(Sent::Already(id));
    };
    sqlx::query("DELETE FROM message_drafts WHERE patient_id = $1 AND user_id = $2").bind(patient_id).bind(user_id).execute(&mut *tx).await?;
    mark_read_in(&mut tx, patient_id, user_id, id).await?;
    match sender {
        Sender::Patient { .. } => notifier.notify_therapists(&mut tx, patient_id, Notice::NewMessage).await?,
        Sender::Staff(access) => {
            audit::record(&mut tx, access, Action::SendMessage, request_id).await?;
            notifier.notify_patient(&mut tx, patient_id, Notice::Message, None).await?;
        }
    }
    tx.commit().await?;
    Ok(Sent::New(id))
}

/// The thread as `reader_id` sees it, oldest first. Callers have checked access.
pub async fn thread(pool: &AnyPool, patient_id: i64, reader_id: i64) -> Result<Thread> {
    let messages: Vec<Message> = sqlx::query_as(
        "SELECT m.id, m.author_id, u.display_name AS author_name, m.from_patient, m.body, m.created_at
           FROM messages m JOIN users u ON u.id = m.author_id
          WHERE m.patient_id = $1 ORDER BY m.id",
    )
    .bind(patient_id)
    .fetch_all(pool)
    .await?;
    let read_up_to: Option<i64> = sqlx::query_scalar("SELECT last_read_id FROM message_reads WHERE patient_id = $1 AND user_id = $2")
        .bind(patient_id)
        .bind(reader_id)
        .fetch_optional(pool)
        .await?;
    let draft: Option<String> = sqlx::query_scalar("SELECT body FROM message_drafts WHERE patient_id = $1 AND user_id = $2")
        .bind(patient_id)
        .bind(reader_id)
        .fetch_optional(pool)
        .await?;
    Ok(Thread { messages, read_up_to: read_up_to.unwrap_or(0), draft })
}

/// Reading the thread: everything up to `up_to` has been seen by `reader_id`.
pub async fn mark_read(pool: &AnyPool, patient_id: i64, reader_id: i64, up_to: i64) -> Result<()> {
    let mut conn = pool.acquire().await?;
    mark_read_in(&mut conn, patient_id, reader_id, up_to).await
}

async fn mark_read_in(conn: &mut sqlx::AnyConnection, patient_id: i64, reader_id: i64, up_to: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO message_reads (patient_id, user_id, last_read_id) VALUES ($1, $2, $3)
         ON CONFLICT (patient_id, user_id) DO UPDATE SET last_read_id = excluded.last_read_id
          WHERE message_reads.last_read_id < excluded.last_read_id",
    )
    .bind(patient_id)
    .bind(reader_id)
    .bind(up_to)
    .execute(conn)
    .await?;
    Ok(())
}

/// Keeps what someone is writing (empty text removes the draft).
pub async fn save_draft(pool: &AnyPool, patient_id: i64, user_id: i64, body: &str) -> Result<i64> {
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err(Error::invalid("body", &format!("too_long:{MAX_MESSAGE_CHARS}")));
    }
    let at = now();
    if body.trim().is_empty() {
        sqlx::query("DELETE FROM message_drafts WHERE patient_id = $1 AND user_id = $2").bind(patient_id).bind(user_id).execute(pool).await?;
        return Ok(at);
    }
    sqlx::query(
        "INSERT INTO message_drafts (patient_id, user_id, body, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (patient_id, user_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(patient_id)
    .bind(user_id)
    .bind(body)
    .bind(at)
    .execute(pool)
    .await?;
    Ok(at)
}

/// Messages from staff the patient has not read yet.
pub async fn unread_by_patient(pool: &AnyPool, patient_id: i64, user_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages m
          WHERE m.patient_id = $1 AND m.from_patient = 0
            AND m.id > COALESCE((SELECT r.last_read_id FROM message_reads r WHERE r.patient_id = $1 AND r.user_id = $2), 0)",
    )
    .bind(patient_id)
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// The weekdays (ISO 1–7) each of the patient's therapists usually replies on.
pub async fn reply_days_for_patient(pool: &AnyPool, patient_id: i64) -> Result<Vec<(String, Vec<u8>)>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.display_name, u.reply_days FROM assignments a JOIN users u ON u.id = a.therapist_id
          WHERE a.patient_id = $1 ORDER BY u.display_name",
    )
    .bind(patient_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(name, days)| (name, parse_days(&days))).collect())
}

pub fn parse_days(text: &str) -> Vec<u8> {
    let mut days: Vec<u8> = text.split(',').filter_map(|d| d.trim().parse().ok()).filter(|d| (1..=7).contains(d)).collect();
    days.sort_unstable();
    days.dedup();
    days
}

pub async fn reply_days(pool: &AnyPool, user_id: i64) -> Result<Vec<u8>> {
    let text: String = sqlx::query_scalar("SELECT reply_days FROM users WHERE id = $1").bind(user_id).fetch_one(pool).await?;
    Ok(parse_days(&text))
}

pub async fn set_reply_days(pool: &AnyPool, user_id: i64, days: &[u8]) -> Result<()> {
    if days.iter().any(|d| !(1..=7).contains(d)) {
        return Err(Error::invalid("reply_days", "invalid"));
    }
    let mut days = days.to_vec();
    days.sort_unstable();
    days.dedup();
    let text = days.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(",");
    sqlx::query("UPDATE users SET reply_days = $1 WHERE id = $2").bind(text).bind(user_id).execute(pool).await?;
    Ok(())
}
