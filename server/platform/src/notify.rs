//! Notifications: a content-free mail saying there is something new, written into the outbox
//! in the transaction of what caused it. The text comes from the app (translated); what is
//! sent, to whom and how often is decided here.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool};

use crate::{
    access::Viewer,
    audit::{self, Action},
    now,
    org::Role,
    Error, FieldError, Result,
};

/// What a notification is about. The mail itself never says more than "something new".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Notice {
    // To patients.
    Feedback,
    Message,
    ModuleOpened,
    QuestionnaireDue,
    Reminder,
    // To staff.
    NewHomework,
    NewMessage,
    HelpRequest,
    UrgentFlag,
    /// An urgent flag nobody acknowledged in time (to the team lead).
    UnacknowledgedFlag,
}

impl Notice {
    pub const FOR_PATIENTS: [Notice; 5] = [Notice::Feedback, Notice::Message, Notice::ModuleOpened, Notice::QuestionnaireDue, Notice::Reminder];
    pub const FOR_STAFF: [Notice; 5] = [Notice::NewHomework, Notice::NewMessage, Notice::HelpRequest, Notice::UrgentFlag, Notice::UnacknowledgedFlag];

    pub fn all() -> impl Iterator<Item = Notice> {
        Notice::FOR_PATIENTS.into_iter().chain(Notice::FOR_STAFF)
    }

    pub fn parse(code: &str) -> Option<Notice> {
        Notice::all().find(|n| n.as_str() == code)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Notice::Feedback => "feedback",
            Notice::Message => "message",
            Notice::ModuleOpened => "module_opened",
            Notice::QuestionnaireDue => "questionnaire_due",
            Notice::Reminder => "reminder",
            Notice::NewHomework => "new_homework",
            Notice::NewMessage => "new_message",
            Notice::HelpRequest => "help_request",
            Notice::UrgentFlag => "urgent_flag",
            Notice::UnacknowledgedFlag => "unacknowledged_flag",
        }
    }

    /// Staff cannot switch off being told about an urgent flag.
    pub fn can_switch_off(self) -> bool {
        !matches!(self, Notice::UrgentFlag | Notice::UnacknowledgedFlag)
    }
}

/// The translated subject and body of a notification, in a locale ("nb", "en"), with the
/// service's address to link to, and the organisation's own wording of the text if it has one.
pub type Compose = fn(notice: Notice, locale: &str, public_origin: &str, own_text: Option<&str>) -> (String, String);

/// The languages a notification text is written in.
pub const LOCALES: [&str; 2] = ["nb", "en"];
/// An organisation's own text: a few sentences, no more.
pub const MAX_TEXT: usize = 500;

/// A burst of events (five messages in ten minutes) makes one mail.
const QUIET_SECONDS: i64 = 15 * 60;

#[derive(Clone)]
pub struct Notifier {
    pub compose: Compose,
    pub public_origin: String,
}

impl Notifier {
    /// Tells `user_id` that there is something new in `organisation_id` (whose wording of the
    /// text is used), unless they have switched this kind off or were told the same within the
    /// last quarter of an hour. `once` makes it once only (a questionnaire due, a reminder for
    /// one spell of inactivity). Returns whether a mail was written.
    pub async fn notify(&self, conn: &mut AnyConnection, organisation_id: i64, user_id: i64, notice: Notice, once: Option<&str>) -> Result<bool> {
        let recipient: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT u.email, u.locale,
                    COALESCE((SELECT s.enabled FROM notification_settings s WHERE s.user_id = u.id AND s.kind = $2), 1)
               FROM users u WHERE u.id = $1",
        )
        .bind(user_id)
        .bind(notice.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        let Some((email, locale, enabled)) = recipient else { return Ok(false) };
        if enabled == 0 && notice.can_switch_off() {
            return Ok(false);
        }
        if once.is_none() {
            let recent: Option<i64> = sqlx::query_scalar("SELECT id FROM outbox WHERE user_id = $1 AND kind = $2 AND created_at > $3 LIMIT 1")
                .bind(user_id)
                .bind(notice.as_str())
                .bind(now() - QUIET_SECONDS)
                .fetch_optional(&mut *conn)
                .await?;
            if recent.is_some() {
                return Ok(false);
            }
        }
        let own_text: Option<String> = sqlx::query_scalar("SELECT body FROM notification_texts WHERE organisation_id = $1 AND kind = $2 AND locale = $3")
            .bind(organisation_id)
            .bind(notice.as_str())
            .bind(&locale)
            .fetch_optional(&mut *conn)
            .await?;
        let (subject, body) = (self.compose)(notice, &locale, &self.public_origin, own_text.as_deref());
        let written = sqlx::query(
            "INSERT INTO outbox (created_at, to_address, subject, body, next_attempt_at, user_id, kind, once_key)
             VALUES ($1, $2, $3, $4, $1, $5, $6, $7) ON CONFLICT (user_id, once_key) DO NOTHING",
        )
        .bind(now())
        .bind(email)
        .bind(subject)
        .bind(body)
        .bind(user_id)
        .bind(notice.as_str())
        .bind(once)
        .execute(&mut *conn)
        .await?;
        Ok(written.rows_affected() == 1)
    }

    /// Tells each therapist assigned to the patient (staff notices).
    pub async fn notify_therapists(&self, conn: &mut AnyConnection, patient_id: i64, notice: Notice) -> Result<()> {
        let therapists: Vec<(i64, i64)> =
            sqlx::query_as("SELECT p.organisation_id, a.therapist_id FROM assignments a JOIN patients p ON p.id = a.patient_id WHERE a.patient_id = $1")
                .bind(patient_id)
                .fetch_all(&mut *conn)
                .await?;
        for (organisation_id, therapist) in therapists {
            self.notify(conn, organisation_id, therapist, notice, None).await?;
        }
        Ok(())
    }

    /// Tells the patient (patient notices).
    pub async fn notify_patient(&self, conn: &mut AnyConnection, patient_id: i64, notice: Notice, once: Option<&str>) -> Result<bool> {
        let (organisation_id, user_id): (i64, i64) =
            sqlx::query_as("SELECT organisation_id, user_id FROM patients WHERE id = $1").bind(patient_id).fetch_one(&mut *conn).await?;
        self.notify(conn, organisation_id, user_id, notice, once).await
    }
}

/// A person's choices: every notice offered to them, on or off.
pub async fn settings(pool: &AnyPool, user_id: i64, offered: &[Notice]) -> Result<Vec<(Notice, bool)>> {
    let off: Vec<String> = sqlx::query_scalar("SELECT kind FROM notification_settings WHERE user_id = $1 AND enabled = 0")
        .bind(user_id)
        .fetch_all(pool)
        .await?;
    Ok(offered.iter().map(|n| (*n, !n.can_switch_off() || !off.iter().any(|k| k == n.as_str()))).collect())
}

/// Stores the choices for the notices `offered`: those in `enabled` on, the rest off.
pub async fn set_settings(pool: &AnyPool, user_id: i64, offered: &[Notice], enabled: &[Notice]) -> Result<()> {
    let mut tx = pool.begin().await?;
    for notice in offered.iter().filter(|n| n.can_switch_off()) {
        sqlx::query(
            "INSERT INTO notification_settings (user_id, kind, enabled) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, kind) DO UPDATE SET enabled = excluded.enabled",
        )
        .bind(user_id)
        .bind(notice.as_str())
        .bind(enabled.contains(notice) as i64)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// An organisation's own wording of each notification text it has changed: (kind, locale, text).
pub async fn own_texts(pool: &AnyPool, organisation_id: i64) -> Result<Vec<(Notice, String, String)>> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT kind, locale, body FROM notification_texts WHERE organisation_id = $1").bind(organisation_id).fetch_all(pool).await?;
    Ok(rows.into_iter().filter_map(|(kind, locale, body)| Some((Notice::parse(&kind)?, locale, body))).collect())
}

/// An administrator words a notification's text for their organisation, per language (`None`:
/// back to the built-in text). The text goes into mails that anyone near the person may read,
/// so it may not carry a link (Stegvis adds its own) and is kept short. Every language is
/// checked before any is stored.
pub async fn set_own_texts(pool: &AnyPool, viewer: &Viewer, notice: Notice, texts: &[(&str, Option<&str>)], request_id: &str) -> Result<()> {
    let role = viewer.require(&[Role::OrgAdmin])?;
    let organisation_id = viewer.organisation_id()?;
    let mut problems = Vec::new();
    for (locale, text) in texts {
        let field = text_field(notice, locale);
        if !LOCALES.contains(locale) {
            return Err(Error::NotFound);
        }
        let Some(text) = text else { continue };
        if text.trim().is_empty() {
            problems.push(FieldError::new(&field, "required"));
        } else if text.chars().count() > MAX_TEXT {
            problems.push(FieldError::new(&field, &format!("too_long:{MAX_TEXT}")));
        } else if ["://", "www."].iter().any(|link| text.to_lowercase().contains(link)) {
            problems.push(FieldError::new(&field, "no_links"));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut tx = pool.begin().await?;
    for (locale, text) in texts {
        sqlx::query("DELETE FROM notification_texts WHERE organisation_id = $1 AND kind = $2 AND locale = $3")
            .bind(organisation_id)
            .bind(notice.as_str())
            .bind(*locale)
            .execute(&mut *tx)
            .await?;
        if let Some(text) = text {
            sqlx::query("INSERT INTO notification_texts (organisation_id, kind, locale, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(organisation_id)
                .bind(notice.as_str())
                .bind(*locale)
                .bind(text.trim())
                .bind(viewer.user.id)
                .bind(now())
                .execute(&mut *tx)
                .await?;
        }
    }
    audit::write(&mut tx, viewer.user.id, role, organisation_id, None, Action::SetNotificationText, request_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The form field of a notification text (`notice-feedback-nb`).
pub fn text_field(notice: Notice, locale: &str) -> String {
    format!("notice-{}-{locale}", notice.as_str())
}
