//! Notifications: a content-free mail saying there is something new, written into the outbox
//! in the transaction of what caused it. The text comes from the app (translated); what is
//! sent, to whom and how often is decided here.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool};

use crate::{now, Result};

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
/// service's address to link to.
pub type Compose = fn(notice: Notice, locale: &str, public_origin: &str) -> (String, String);

/// A burst of events (five messages in ten minutes) makes one mail.
const QUIET_SECONDS: i64 = 15 * 60;

#[derive(Clone)]
pub struct Notifier {
    pub compose: Compose,
    pub public_origin: String,
}

impl Notifier {
    /// Tells `user_id` that there is something new, unless they have switched this kind off
    /// or were told the same within the last quarter of an hour. `once` makes it once only
    /// (a questionnaire due, a reminder for one spell of inactivity). Returns whether a mail
    /// was written.
    pub async fn notify(&self, conn: &mut AnyConnection, user_id: i64, notice: Notice, once: Option<&str>) -> Result<bool> {
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
        let (subject, body) = (self.compose)(notice, &locale, &self.public_origin);
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
        let therapists: Vec<i64> = sqlx::query_scalar("SELECT therapist_id FROM assignments WHERE patient_id = $1")
            .bind(patient_id)
            .fetch_all(&mut *conn)
            .await?;
        for therapist in therapists {
            self.notify(conn, therapist, notice, None).await?;
        }
        Ok(())
    }

    /// Tells the patient (patient notices).
    pub async fn notify_patient(&self, conn: &mut AnyConnection, patient_id: i64, notice: Notice, once: Option<&str>) -> Result<bool> {
        let user_id: i64 = sqlx::query_scalar("SELECT user_id FROM patients WHERE id = $1").bind(patient_id).fetch_one(&mut *conn).await?;
        self.notify(conn, user_id, notice, once).await
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
