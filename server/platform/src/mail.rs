//! The mail outbox. A mail is written in the same transaction as what caused it; a worker sends
//! it (file transport by default, SMTP when configured) and retries with back-off. Mails never
//! carry clinical content.

use std::{path::PathBuf, time::Duration};

use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
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
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Transport {
    /// `smtp://user:pass@host:587` (STARTTLS), `smtps://…` (TLS) or `smtp://host:25?tls=none`
    /// for a local relay.
    pub fn smtp(url: &str) -> std::result::Result<Transport, String> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|b| Transport::Smtp(b.build()))
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
}

const MAX_ATTEMPTS: i64 = 10;
/// How long a claimed mail is reserved for one worker before another may try it.
const CLAIM_SECONDS: i64 = 120;

impl Outbox {
    /// Claims one due mail. On PostgreSQL `SKIP LOCKED` lets several instances drain together.
    async fn claim(&self) -> Result<Option<Due>> {
        let pick = match self.backend {
            Backend::Postgres => "SELECT id FROM outbox WHERE sent_at IS NULL AND attempts < $3 AND next_attempt_at <= $1 AND claimed_until <= $1 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "SELECT id FROM outbox WHERE sent_at IS NULL AND attempts < $3 AND next_attempt_at <= $1 AND claimed_until <= $1 ORDER BY id LIMIT 1",
        };
        let sql = format!(
            "UPDATE outbox SET claimed_until = $2 WHERE id = ({pick}) RETURNING id, to_address, subject, body, attempts"
        );
        let t = now();
        Ok(sqlx::query_as(&sql).bind(t).bind(t + CLAIM_SECONDS).bind(MAX_ATTEMPTS).fetch_optional(&self.pool).await?)
    }

    /// Sends every due mail; returns how many were sent.
    pub async fn drain(&self) -> Result<usize> {
        let mut sent = 0;
        while let Some(due) = self.claim().await? {
            match self.deliver(&due).await {
                Ok(()) => {
                    sqlx::query("UPDATE outbox SET sent_at = $1, body = '', last_error = NULL WHERE id = $2")
                        .bind(now())
                        .bind(due.id)
                        .execute(&self.pool)
                        .await?;
                    sent += 1;
                }
                Err(error) => {
                    // Exponential back-off: 30 s, 1 min, 2 min, … capped at an hour.
                    let delay = (30i64 << due.attempts.min(7)).min(3600);
                    tracing::warn!(outbox_id = due.id, attempts = due.attempts + 1, %error, "mail not sent");
                    sqlx::query("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, claimed_until = 0, last_error = $2 WHERE id = $3")
                        .bind(now() + delay)
                        .bind(error)
                        .bind(due.id)
                        .execute(&self.pool)
                        .await?;
                }
            }
        }
        Ok(sent)
    }

    async fn deliver(&self, due: &Due) -> std::result::Result<(), String> {
        let to: Mailbox = due.to_address.parse().map_err(|e: lettre::address::AddressError| e.to_string())?;
        let message = Message::builder()
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

impl From<lettre::error::Error> for Error {
    fn from(e: lettre::error::Error) -> Self {
        Error::Internal(e.to_string())
    }
}
