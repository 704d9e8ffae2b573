//! The mail outbox. A mail is written in the same transaction as what caused it; a worker sends
//! it (file transport by default, SMTP when configured) and retries with back-off. Mails never
//! carry clinical content.
//!
//! Delivery is at least once, never at most once: a mail is retried until it is sent, however
//! long the SMTP server is down (the back-off is capped at an hour), and one that keeps failing or
//! waits too long shows up in [`stuck`] for an administrator. A worker that dies mid-send leaves
//! its claim behind; when the claim runs out another worker sends the mail again with the same
//! `Message-ID`, so receivers can drop the copy. With several instances each claims its own rows
//! (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the single writer on SQLite), and a send is given up
//! well before its claim ends, so a live worker never sends a mail that someone else has claimed.
//!
//! Logs name outbox ids and error text only, never an address or what a mail says.

use std::{path::PathBuf, time::Duration};

use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::PoolConfig,
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::{db::Backend, now, Error, Result};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

pub async fn enqueue(conn: &mut sqlx::AnyConnection, mail: &Mail) -> Result<()> {
    sqlx::query("INSERT INTO outbox (created_at, to_address, subject, body, next_attempt_at) VALUES ($1, $2, $3, $4, $1)")
        .bind(now())
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.body)
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(Clone)]
pub enum Transport {
    /// Each mail becomes one `.eml` file in the directory.
    File(PathBuf),
    /// Build it with [`Transport::smtp`]: that one never reuses a connection, because lettre
    /// would put a connection whose send was cut off (timed out, or the task aborted) back into
    /// its pool half-way through a message.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Transport {
    /// `smtp://user:pass@host:587` (STARTTLS required), `smtps://…` (TLS from the start),
    /// `smtp://host:587?tls=opportunistic` (STARTTLS when offered) or `smtp://host:25?tls=none`
    /// (no TLS at all: a relay on the same machine).
    pub fn smtp(url: &str) -> std::result::Result<Transport, String> {
        let mut parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
        let tls = parsed.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let others: Vec<(String, String)> =
            parsed.query_pairs().filter(|(k, _)| k != "tls").map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        // lettre reads `smtp://` without `tls=` as plain text and has no `tls=none`; here plain
        // text must be asked for, so credentials never cross the network unencrypted by default.
        let tls = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => Some("required"),
            ("smtp", Some("none")) => None,
            (_, tls) => tls,
        };
        parsed.set_query(None);
        if tls.is_some() || !others.is_empty() {
            let mut query = parsed.query_pairs_mut();
            query.extend_pairs(others);
            if let Some(tls) = tls {
                query.append_pair("tls", tls);
            }
        }
        AsyncSmtpTransport::<Tokio1Executor>::from_url(parsed.as_str())
            .map(|b| Transport::Smtp(b.pool_config(PoolConfig::new().max_size(0)).build()))
            .map_err(|e| e.to_string())
    }

    async fn send(&self, message: Message) -> std::result::Result<(), String> {
        match self {
            Transport::File(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(|e| e.to_string())?;
                AsyncFileTransport::<Tokio1Executor>::new(dir).send(message).await.map(drop).map_err(|e| e.to_string())
            }
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|e| e.to_string()),
        }
    }
}

#[derive(FromRow)]
struct Due {
    id: i64,
    created_at: i64,
    to_address: String,
    subject: String,
    body: String,
    attempts: i64,
}

pub struct Outbox {
    pub pool: AnyPool,
    pub backend: Backend,
    pub transport: Transport,
    pub from: Mailbox,
    /// Right-hand side of every `Message-ID`: the host of the public origin.
    pub message_id_domain: String,
    /// How long a claimed mail is reserved for this worker before another may try it
    /// ([`CLAIM_SECONDS`] in production; tests shorten it to play a worker that died).
    pub claim_seconds: i64,
}

/// How long a claim lasts in production.
pub const CLAIM_SECONDS: i64 = 120;
/// A mail that has failed this often is shown to an administrator as stuck …
pub const STUCK_AFTER_ATTEMPTS: i64 = 3;
/// … and so is one still unsent this long (seconds) after it was written.
pub const STUCK_AFTER_SECONDS: i64 = 30 * 60;
/// The longest wait between two attempts.
pub const MAX_BACKOFF_SECONDS: i64 = 3600;

/// Seconds to wait after a mail's `attempts + 1`-th failure: 30 s, 1 min, 2 min, … capped at an
/// hour. There is no last attempt.
pub fn backoff_seconds(attempts: i64) -> i64 {
    (30i64 << attempts.clamp(0, 7)).min(MAX_BACKOFF_SECONDS)
}

/// The `Message-ID` of the outbox row: the same on every attempt, so a resend after a crash is
/// recognisably the same mail.
pub fn message_id(id: i64, created_at: i64, domain: &str) -> String {
    format!("<outbox.{id}.{created_at}@{domain}>")
}

/// An error for the log: the server's answer may quote an address, and logs never name one.
fn without_addresses(error: &str) -> String {
    error.split(' ').map(|word| if word.contains('@') { "<address>" } else { word }).collect::<Vec<_>>().join(" ")
}

impl Outbox {
    /// Claims one due mail; returns it with the claim's end, which marks the claim as ours. On
    /// PostgreSQL `SKIP LOCKED` lets several instances drain together; on SQLite the statement
    /// runs under the database's single write lock.
    async fn claim(&self) -> Result<Option<(Due, i64)>> {
        let pick = match self.backend {
            Backend::Postgres => "SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 AND claimed_until <= $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 AND claimed_until <= $1 ORDER BY id LIMIT 1",
        };
        let sql = format!(
            "UPDATE outbox SET claimed_until = $2 WHERE id = ({pick}) RETURNING id, created_at, to_address, subject, body, attempts"
        );
        let t = now();
        let until = t + self.claim_seconds.max(1);
        let due: Option<Due> = sqlx::query_as(&sql).bind(t).bind(until).fetch_optional(&self.pool).await?;
        Ok(due.map(|due| (due, until)))
    }

    /// How long one send may take: three quarters of the claim less a second, so it is given up
    /// before the claim can run out and another worker may take the mail.
    fn send_timeout(&self) -> Duration {
        Duration::from_millis((self.claim_seconds - 1).max(1) as u64 * 750)
    }

    /// Sends every due mail; returns how many were sent.
    pub async fn drain(&self) -> Result<usize> {
        let mut sent = 0;
        while let Some((due, claim)) = self.claim().await? {
            let outcome = match tokio::time::timeout(self.send_timeout(), self.deliver(&due)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(format!("no answer from the mail server within {:?}", self.send_timeout())),
            };
            match outcome {
                Ok(()) => {
                    sqlx::query("UPDATE outbox SET sent_at = $1, body = '', last_error = NULL, claimed_until = 0 WHERE id = $2 AND sent_at IS NULL")
                        .bind(now())
                        .bind(due.id)
                        .execute(&self.pool)
                        .await?;
                    tracing::debug!(outbox_id = due.id, "mail sent");
                    sent += 1;
                }
                Err(error) => {
                    let attempts = due.attempts + 1;
                    // Only while the claim is still ours: if it ran out, another worker has the
                    // mail now, and resetting its claim would let a third send it as well.
                    let recorded = sqlx::query("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, claimed_until = 0, last_error = $2 WHERE id = $3 AND sent_at IS NULL AND claimed_until = $4")
                        .bind(now() + backoff_seconds(due.attempts))
                        .bind(&error)
                        .bind(due.id)
                        .bind(claim)
                        .execute(&self.pool)
                        .await?
                        .rows_affected();
                    let error = without_addresses(&error);
                    if recorded == 0 {
                        tracing::warn!(outbox_id = due.id, %error, "mail not sent, and its claim ran out meanwhile");
                    } else if attempts == STUCK_AFTER_ATTEMPTS {
                        tracing::error!(outbox_id = due.id, attempts, %error, "mail keeps failing; administrators now see it as stuck");
                    } else {
                        tracing::warn!(outbox_id = due.id, attempts, %error, "mail not sent; will retry");
                    }
                }
            }
        }
        Ok(sent)
    }

    async fn deliver(&self, due: &Due) -> std::result::Result<(), String> {
        let to: Mailbox = due.to_address.parse().map_err(|e: lettre::address::AddressError| e.to_string())?;
        let domain = if self.message_id_domain.is_empty() { "stegvis.invalid" } else { &self.message_id_domain };
        let message = Message::builder()
            .message_id(Some(message_id(due.id, due.created_at, domain)))
            .from(self.from.clone())
            .to(to)
            .subject(&due.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(due.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await
    }

    /// Drains the outbox every `interval` until `shutdown` resolves.
    pub async fn run(self, interval: Duration, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            if let Err(error) = self.drain().await {
                tracing::error!(%error, "outbox worker");
            }
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(interval) => {}
            }
        }
    }
}

/// An unsent mail an administrator must see: it has failed [`STUCK_AFTER_ATTEMPTS`] times or has
/// waited [`STUCK_AFTER_SECONDS`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct StuckMail {
    pub id: i64,
    pub created_at: i64,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub to_address: String,
}

/// When an unsent mail counts as stuck (bind [`STUCK_AFTER_ATTEMPTS`] and now −
/// [`STUCK_AFTER_SECONDS`]); one definition for the lists and the counts.
const STUCK_IF: &str = "(attempts >= $1 OR created_at <= $2)";

/// The stuck mails, oldest first.
pub async fn stuck(pool: &AnyPool) -> Result<Vec<StuckMail>> {
    Ok(sqlx::query_as(&format!(
        "SELECT id, created_at, attempts, next_attempt_at, last_error, to_address FROM outbox WHERE sent_at IS NULL AND {STUCK_IF} ORDER BY id"
    ))
    .bind(STUCK_AFTER_ATTEMPTS)
    .bind(now() - STUCK_AFTER_SECONDS)
    .fetch_all(pool)
    .await?)
}

/// The stuck mails an organisation's administrator may see: those to someone who works there, is
/// a patient there or has been invited there (matched on the address, as the outbox row carries
/// no organisation). [`stuck`] lists them all, for the operator.
pub async fn stuck_in(pool: &AnyPool, organisation_id: i64) -> Result<Vec<StuckMail>> {
    Ok(sqlx::query_as(&format!(
        "SELECT o.id, o.created_at, o.attempts, o.next_attempt_at, o.last_error, o.to_address FROM outbox o \
         WHERE o.sent_at IS NULL AND {STUCK_IF} AND ( \
             EXISTS (SELECT 1 FROM users u JOIN staff_roles s ON s.user_id = u.id \
                     WHERE u.email = lower(o.to_address) AND s.organisation_id = $3) \
             OR EXISTS (SELECT 1 FROM users u JOIN patients p ON p.user_id = u.id \
                        WHERE u.email = lower(o.to_address) AND p.organisation_id = $3) \
             OR EXISTS (SELECT 1 FROM invitations i \
                        WHERE lower(i.email) = lower(o.to_address) AND i.organisation_id = $3)) \
         ORDER BY o.id"
    ))
    .bind(STUCK_AFTER_ATTEMPTS)
    .bind(now() - STUCK_AFTER_SECONDS)
    .bind(organisation_id)
    .fetch_all(pool)
    .await?)
}

/// An administrator's "try again now": makes an unsent mail due at once. False when there is no
/// such unsent mail. A claim in force is left alone (a worker is sending it right now).
pub async fn retry_now(pool: &AnyPool, id: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND sent_at IS NULL")
        .bind(now())
        .bind(id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxCounts {
    /// Unsent and not (yet) stuck.
    pub waiting: i64,
    /// Unsent and stuck, as [`stuck`] lists them.
    pub stuck: i64,
    /// Sent in the last 24 hours.
    pub sent_last_day: i64,
}

/// The outbox at a glance; both queries stay on the `(sent_at, next_attempt_at)` index.
pub async fn counts(pool: &AnyPool) -> Result<OutboxCounts> {
    let t = now();
    let (unsent, stuck): (i64, i64) = sqlx::query_as(&format!("SELECT COUNT(*), COUNT(CASE WHEN {STUCK_IF} THEN 1 END) FROM outbox WHERE sent_at IS NULL"))
    .bind(STUCK_AFTER_ATTEMPTS)
    .bind(t - STUCK_AFTER_SECONDS)
    .fetch_one(pool)
    .await?;
    let (sent_last_day,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE sent_at >= $1")
        .bind(t - 24 * 3600)
        .fetch_one(pool)
        .await?;
    Ok(OutboxCounts { waiting: unsent - stuck, stuck, sent_last_day })
}

impl From<lettre::error::Error> for Error {
    fn from(e: lettre::error::Error) -> Self {
        Error::Internal(e.to_string())
    }
}
