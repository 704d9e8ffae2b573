//! Escalation flags in the record: raised by the rules in `stegvis_content::flags` (on answers,
//! in the same transaction as the answers; over time, by [`crate::flag_sweep`]; by the
//! patient's "I need more help"), shown to the clinicians, and closed only with a decision and
//! a journal note.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool, FromRow};
use stegvis_content::{
    flags::{self, Kind, Thresholds},
    instruments::Instrument,
    ladder::{self, Decision},
};

use crate::{
    access::{PatientAccess, Viewer},
    audit::{self, Action},
    content::Content,
    dates, journal,
    notify::{Notice, Notifier},
    now,
    org::Role,
    steps, Error, Result,
};

/// The longest note with a request for help or with a decision.
pub const MAX_FLAG_TEXT: usize = 4_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Flag {
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    pub kind: String,
    pub urgency: String,
    /// The item or instrument that raised it (`phq9_9`, `gad7`), or empty.
    pub reason: String,
    pub response_id: Option<i64>,
    /// What the patient wrote with a request for help.
    pub message: Option<String>,
    pub raised_at: i64,
    /// When the team lead was told that nobody had acknowledged it.
    pub escalated_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub closed_by_name: Option<String>,
    pub decision: Option<String>,
    pub to_step: Option<String>,
    pub note: Option<String>,
}

impl Flag {
    pub fn kind(&self) -> Option<Kind> {
        Kind::parse(&self.kind)
    }

    pub fn is_urgent(&self) -> bool {
        self.urgency == flags::Urgency::Urgent.key()
    }
}

const FLAG_COLUMNS: &str = "f.id, f.patient_id, u.display_name AS patient_name, f.kind, f.urgency, f.reason, f.response_id, f.message, f.raised_at,
        f.escalated_at, f.closed_at, c.display_name AS closed_by_name, f.decision, f.to_step, n.body AS note";
const FLAG_FROM: &str = "flags f JOIN patients p ON p.id = f.patient_id JOIN users u ON u.id = p.user_id
        LEFT JOIN users c ON c.id = f.closed_by LEFT JOIN journal_notes n ON n.id = f.note_id";

// ---- thresholds ------------------------------------------------------------------------------

/// The organisation's thresholds (its own values over the defaults).
pub async fn thresholds(conn: &mut AnyConnection, organisation_id: i64) -> Result<Thresholds> {
    let stored: Vec<(String, i64)> = sqlx::query_as("SELECT key, value FROM flag_settings WHERE organisation_id = $1").bind(organisation_id).fetch_all(&mut *conn).await?;
    Ok(Thresholds::from_stored(stored.iter().map(|(k, v)| (k.as_str(), *v))))
}

/// Stores an organisation's thresholds from the settings form (`flag.<key>` = value); every
/// value is checked first, and nothing is stored unless all are valid. Admins only.
pub async fn set_thresholds(pool: &AnyPool, viewer: &Viewer, typed: &[(String, String)]) -> Result<()> {
    viewer.require(&[Role::OrgAdmin])?;
    let organisation_id = viewer.organisation_id()?;
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for setting in flags::settings() {
        let field = format!("flag.{}", setting.key);
        let Some((_, text)) = typed.iter().find(|(k, _)| *k == field) else { continue };
        match Thresholds::check(&setting.key, text) {
            Ok(value) => values.push((setting.key, value)),
            Err(flags::SettingError::OutOfRange { min, max }) => problems.push(Error::invalid(&field, &format!("out_of_range:{min}:{max}"))),
            Err(_) => problems.push(Error::invalid(&field, &format!("out_of_range:{}:{}", setting.min, setting.max))),
        }
    }
    if !problems.is_empty() {
        return Err(Error::merge(problems));
    }
    let mut tx = pool.begin().await?;
    for (key, value) in values {
        sqlx::query(
            "INSERT INTO flag_settings (organisation_id, key, value) VALUES ($1, $2, $3)
             ON CONFLICT (organisation_id, key) DO UPDATE SET value = excluded.value",
        )
        .bind(organisation_id)
        .bind(key)
        .bind(i64::from(value))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---- raising ------------------------------------------------------------------------------

/// What raised a flag, for [`raise`].
pub struct Raise<'a> {
    pub patient_id: i64,
    pub kind: Kind,
    pub reason: &'a str,
    /// One flag per key and patient, however often or on however many instances the rule fires.
    pub once_key: &'a str,
    pub response_id: Option<i64>,
    pub message: Option<&'a str>,
}

/// Raises a flag in the caller's transaction, unless this rule already raised it for the same
/// cause. An urgent flag tells the staff who guide the patient today (content-free, never
/// coalesced and never switched off). Returns the new flag's id.
pub async fn raise(conn: &mut AnyConnection, notifier: &Notifier, flag: Raise<'_>, at: i64) -> Result<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO flags (patient_id, kind, urgency, reason, once_key, response_id, message, raised_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (patient_id, once_key) DO NOTHING RETURNING id",
    )
    .bind(flag.patient_id)
    .bind(flag.kind.key())
    .bind(flag.kind.urgency().key())
    .bind(flag.reason)
    .bind(flag.once_key)
    .bind(flag.response_id)
    .bind(flag.message)
    .bind(at)
    .fetch_optional(&mut *conn)
    .await?;
    if let (Some(id), flags::Urgency::Urgent) = (id, flag.kind.urgency()) {
        let mut told = guides_today(conn, flag.patient_id, at).await?;
        // Nobody guides a person who is still in the intake queue: the team leads hear at once.
        if told.is_empty() {
            told = sqlx::query_scalar("SELECT s.user_id FROM staff_roles s JOIN patients p ON p.organisation_id = s.organisation_id WHERE p.id = $1 AND s.role = 'team_lead'")
                .bind(flag.patient_id)
                .fetch_all(&mut *conn)
                .await?;
        }
        let organisation_id: i64 = sqlx::query_scalar("SELECT organisation_id FROM patients WHERE id = $1").bind(flag.patient_id).fetch_one(&mut *conn).await?;
        for user_id in told {
            notifier.notify(conn, organisation_id, user_id, Notice::UrgentFlag, Some(&format!("flag:{id}"))).await?;
        }
    }
    Ok(id)
}

/// The therapists assigned to the patient and the colleagues covering for them on `at`'s date.
async fn guides_today(conn: &mut AnyConnection, patient_id: i64, at: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT a.therapist_id FROM assignments a WHERE a.patient_id = $1
         UNION
         SELECT c.cover_id FROM covers c JOIN assignments a ON a.therapist_id = c.absent_id
          WHERE a.patient_id = $1 AND c.cancelled_at IS NULL AND c.starts_on <= $2 AND c.ends_on >= $2 AND c.organisation_id = (SELECT organisation_id FROM patients WHERE id = $1)",
    )
    .bind(patient_id)
    .bind(dates::format(dates::oslo_date(at)))
    .fetch_all(&mut *conn)
    .await?)
}

/// The flags a questionnaire response raises, in the transaction that stores it: risk items,
/// a severe total, a reliable rise from the first score of the programme. Returns the kinds
/// raised.
#[allow(clippy::too_many_arguments)]
pub async fn on_response(
    conn: &mut AnyConnection,
    notifier: &Notifier,
    patient_id: i64,
    enrolment_id: i64,
    instrument: &'static Instrument,
    answers: &[Option<u8>],
    total: Option<u16>,
    response_id: i64,
    at: i64,
) -> Result<Vec<Kind>> {
    let organisation_id: i64 = sqlx::query_scalar("SELECT organisation_id FROM patients WHERE id = $1").bind(patient_id).fetch_one(&mut *conn).await?;
    let thresholds = thresholds(conn, organisation_id).await?;
    // The first current score of the measure in this programme, other than this one.
    let baseline: Option<i64> = sqlx::query_scalar(
        "SELECT r.total FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id
          WHERE q.enrolment_id = $1 AND q.instrument_id = $2 AND r.questionnaire_id <> (SELECT questionnaire_id FROM responses WHERE id = $3)
            AND NOT EXISTS (SELECT 1 FROM responses c WHERE c.corrects = r.id)
          ORDER BY q.due_on, r.submitted_at, r.id LIMIT 1",
    )
    .bind(enrolment_id)
    .bind(instrument.id)
    .bind(response_id)
    .fetch_optional(&mut *conn)
    .await?;
    let baseline = baseline.and_then(|b| u16::try_from(b).ok());
    let mut kinds = Vec::new();
    for raised in flags::on_answers(&thresholds, instrument, answers, total, baseline) {
        let once_key = format!("response:{response_id}:{}:{}", raised.kind.key(), raised.reason);
        let flag = Raise { patient_id, kind: raised.kind, reason: &raised.reason, once_key: &once_key, response_id: Some(response_id), message: None };
        raise(conn, notifier, flag, at).await?;
        kinds.push(raised.kind);
    }
    Ok(kinds)
}

/// The patient presses "I need more help", with an optional message. `client_key` (chosen by
/// the form) makes a repeated press of the same form one flag.
pub async fn request_help(pool: &AnyPool, notifier: &Notifier, viewer: &Viewer, message: &str, client_key: &str) -> Result<i64> {
    let patient_id = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
    let message = message.trim();
    if message.chars().count() > MAX_FLAG_TEXT {
        return Err(Error::invalid("message", &format!("too_long:{MAX_FLAG_TEXT}")));
    }
    crate::messages::check_key(client_key)?;
    let once_key = format!("help:{client_key}");
    let mut tx = pool.begin().await?;
    let flag = Raise { patient_id, kind: Kind::HelpRequest, reason: "", once_key: &once_key, response_id: None, message: Some(message).filter(|m| !m.is_empty()) };
    let id = match raise(&mut tx, notifier, flag, now()).await? {
        Some(id) => {
            notifier.notify_therapists(&mut tx, patient_id, Notice::HelpRequest).await?;
            id
        }
        None => sqlx::query_scalar("SELECT id FROM flags WHERE patient_id = $1 AND once_key = $2").bind(patient_id).bind(&once_key).fetch_one(&mut *tx).await?,
    };
    tx.commit().await?;
    Ok(id)
}

// ---- reading -------------------------------------------------------------------------------

/// Every flag of a patient, open ones first, then newest first. Callers have checked access.
pub async fn of_patient(pool: &AnyPool, patient_id: i64) -> Result<Vec<Flag>> {
    of_patient_in(&mut *pool.acquire().await?, patient_id).await
}

/// [`of_patient`] in a transaction.
pub(crate) async fn of_patient_in(conn: &mut AnyConnection, patient_id: i64) -> Result<Vec<Flag>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {FLAG_COLUMNS} FROM {FLAG_FROM} WHERE f.patient_id = $1
          ORDER BY CASE WHEN f.closed_at IS NULL THEN 0 ELSE 1 END, f.raised_at DESC, f.id DESC"
    ))
    .bind(patient_id)
    .fetch_all(conn)
    .await?)
}

/// The open flags of an organisation, most urgent and oldest first (a team lead's list).
pub async fn open_in(pool: &AnyPool, organisation_id: i64) -> Result<Vec<Flag>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {FLAG_COLUMNS} FROM {FLAG_FROM} WHERE p.organisation_id = $1 AND f.closed_at IS NULL
          ORDER BY CASE f.urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, f.raised_at, f.id"
    ))
    .bind(organisation_id)
    .fetch_all(pool)
    .await?)
}

// ---- closing -------------------------------------------------------------------------------

/// Closes an open flag with a decision and a note. The note becomes a journal note; a decision
/// that moves the patient (step up or down, a referral) changes their step with its handover
/// summary; all in one transaction with its audit rows.
#[allow(clippy::too_many_arguments)]
pub async fn close(pool: &AnyPool, content: &Content, access: &PatientAccess, flag_id: i64, decision: &str, chosen_step: &str, note: &str, request_id: &str) -> Result<()> {
    let mut problems = Vec::new();
    let decision = Decision::parse(decision).ok_or_else(|| problems.push(Error::invalid("decision", "choose_decision"))).ok();
    let note = crate::required_text("note", note, MAX_FLAG_TEXT).map_err(|e| problems.push(e)).ok();
    let mut tx = pool.begin().await?;
    // The first statement writes, so the flag is locked before it is read: of two clinicians
    // deciding at once, the second waits and is then told it is closed (on SQLite it would
    // otherwise fail to upgrade its read to a write).
    let claimed = sqlx::query("UPDATE flags SET escalated_at = escalated_at WHERE id = $1 AND patient_id = $2 AND closed_at IS NULL")
        .bind(flag_id)
        .bind(access.patient_id)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        // Closed by a colleague a moment ago, or not this patient's.
        return Err(Error::invalid("form", "flag_already_closed"));
    }
    let ladder = steps::ladder(&mut tx, access.organisation_id).await?;
    let current = steps::current(&mut tx, access.patient_id).await?;
    let target = match decision {
        Some(d) => ladder::target(&ladder, d, current.as_deref(), Some(chosen_step)).map_err(|e| problems.push(Error::invalid("to_step", e.code()))).ok().flatten(),
        None => None,
    };
    let (Some(decision), Some(note), true) = (decision, note, problems.is_empty()) else { return Err(Error::merge(problems)) };
    let at = now();
    let note_id = journal::insert_note(&mut tx, access.patient_id, &dates::format(dates::oslo_date(at)), "assessment", note, access.actor_user_id).await?;
    sqlx::query("UPDATE flags SET closed_at = $1, closed_by = $2, decision = $3, to_step = $4, note_id = $5 WHERE id = $6 AND closed_at IS NULL")
        .bind(at)
        .bind(access.actor_user_id)
        .bind(decision.key())
        .bind(target.as_deref())
        .bind(note_id)
        .bind(flag_id)
        .execute(&mut *tx)
        .await?;
    audit::record(&mut tx, access, Action::CloseFlag, request_id).await?;
    if let Some(to) = target {
        steps::change_in(&mut tx, pool, content, access, &ladder, steps::Why::Flag(flag_id), &to, note, request_id).await?;
    }
    tx.commit().await?;
    Ok(())
}
