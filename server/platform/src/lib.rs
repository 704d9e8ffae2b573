//! The services under Stegvis' server functions: database, accounts and sessions, access
//! control, audit trail, mail outbox and notifications, and the clinical work on top of them
//! (programmes, homework, measurement, messages, the caseload). No Leptos here, so it can be
//! tested on its own and never reaches the wasm build.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod caseload;
pub mod content;
pub mod covers;
pub mod dates;
pub mod db;
pub mod enrolments;
pub mod error;
pub mod flag_sweep;
pub mod flags;
pub mod homework;
pub mod intake;
pub mod journal;
pub mod mail;
pub mod measurement;
pub mod messages;
pub mod notify;
pub mod org;
pub mod patients;
pub mod records;
pub mod reminders;
pub mod report;
pub mod staff;
pub mod steps;
pub mod time_spent;
pub mod timeline;
pub mod tokens;

pub use error::{Error, FieldError, Result};
// The app's server functions reach sessions and log-in through these.
pub use axum_login;
pub use tower_sessions;

pub type AuthSession = axum_login::AuthSession<accounts::Accounts>;

/// A whole number typed into `field`, within `range`; otherwise the translated range error.
pub(crate) fn number_in(field: &str, text: &str, range: std::ops::RangeInclusive<i64>) -> Result<i64> {
    match text.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(Error::invalid(field, &format!("out_of_range:{}:{}", range.start(), range.end()))),
    }
}

/// Text typed into `field`, trimmed: required, and at most `max` characters.
pub(crate) fn required_text<'a>(field: &str, text: &'a str, max: usize) -> Result<&'a str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(field, "required"));
    }
    if text.chars().count() > max {
        return Err(Error::invalid(field, &format!("too_long:{max}")));
    }
    Ok(text)
}

/// Current time as Unix seconds, the unit every timestamp column uses.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "stegvis";

/// What every request handler needs, handed to pages and server functions as context.
#[derive(Clone)]
pub struct Services {
    pub db: db::Db,
    /// Scheme, host and port the public reaches us at, e.g. `https://stegvis.kommune.no`.
    pub public_origin: String,
    /// The treatment content: programmes for new enrolments and the snapshots enrolments use.
    pub content: std::sync::Arc<content::Content>,
    /// Writes the content-free "something new" mails.
    pub notifier: notify::Notifier,
}

/// The person behind a request, loaded once per request by the server's middleware.
#[derive(Clone, Debug, Default)]
pub struct CurrentViewer(pub Option<std::sync::Arc<access::Viewer>>);

/// The request id (also in the logs) that audit rows carry.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The client's address: the socket peer, or taken from X-Forwarded-For only when the peer is
/// a configured trusted proxy (so the log-in limit cannot be dodged with a forged header).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub std::net::IpAddr);
