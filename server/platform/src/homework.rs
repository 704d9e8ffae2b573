//! Homework: drafts saved as the patient types, one idempotent submission per module, and the
//! therapist's written feedback.

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};
use stegvis_content::{
    answers::{self, Answers, RawAnswers},
    Worksheet,
};

use crate::{
    access::PatientAccess,
    audit::{self, Action},
    enrolments::{self, ModuleStatus, Overview},
    notify::{Notice, Notifier},
    now, Error, FieldError, Result,
};

/// Longest feedback a therapist can write, in characters.
pub const MAX_FEEDBACK_CHARS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub answers: RawAnswers,
    pub revision: i64,
    pub updated_at: i64,
}

pub async fn draft(pool: &AnyPool, enrolment_id: i64, position: usize) -> Result<Option<Draft>> {
    let row: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT answers, revision, updated_at FROM drafts WHERE enrolment_id = $1 AND position = $2")
            .bind(enrolment_id)
            .bind(position as i64)
            .fetch_optional(pool)
            .await?;
    row.map(|(json, revision, updated_at)| {
        let answers = serde_json::from_str(&json).map_err(|e| Error::Internal(format!("draft: {e}")))?;
        Ok(Draft { answers, revision, updated_at })
    })
    .transpose()
}

/// The patient may still write in a module: it is open, not yet submitted, and the programme
/// has not ended.
fn check_writable(overview: &Overview, position: usize) -> Result<()> {
    let state = overview.module(position).ok_or(Error::NotFound)?;
    if overview.ended || !matches!(state.status, ModuleStatus::Open | ModuleStatus::InProgress) {
        return Err(Error::invalid("homework", "module_closed"));
    }
    Ok(())
}

/// Stores what the patient has typed, exactly as typed (valid or not).
pub async fn save_draft(pool: &AnyPool, overview: &Overview, position: usize, raw: RawAnswers) -> Result<Draft> {
    check_writable(overview, position)?;
    let json = to_json(&raw)?;
    let (revision, updated_at): (i64, i64) = sqlx::query_as(
        "INSERT INTO drafts (enrolment_id, position, answers, revision, updated_at) VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (enrolment_id, position)
         DO UPDATE SET answers = excluded.answers, revision = drafts.revision + 1, updated_at = excluded.updated_at
         RETURNING revision, updated_at",
    )
    .bind(overview.enrolment.id)
    .bind(position as i64)
    .bind(json)
    .bind(now())
    .fetch_one(pool)
    .await?;
    Ok(Draft { answers: raw, revision, updated_at })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Submitted {
    New(i64),
    /// A repeated submit (double click, retried request): the first one stands.
    Already(i64),
}

/// Submits the module's worksheet and tells the therapist (guided programmes). Invalid answers
/// are refused with an error per field, and kept as the draft so that nothing typed is lost.
pub async fn submit(pool: &AnyPool, notifier: &Notifier, overview: &Overview, position: usize, raw: RawAnswers) -> Result<Submitted> {
    if let Some(id) = submission_id(pool, overview.enrolment.id, position).await? {
        return Ok(Submitted::Already(id));
    }
    check_writable(overview, position)?;
    let module = overview.programme.module(position).ok_or(Error::NotFound)?;
    let worksheet = module.worksheet.as_ref().ok_or(Error::NotFound)?;
    let checked = match answers::validate(worksheet, &raw) {
        Ok(checked) => checked,
        Err(errors) => {
            save_draft(pool, overview, position, raw).await?;
            return Err(Error::Invalid(errors.into_iter().map(|e| FieldError::new(&e.key, &e.problem.code())).collect()));
        }
    };
    let mut tx = pool.begin().await?;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO submissions (enrolment_id, position, worksheet, answers, submitted_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (enrolment_id, position) DO NOTHING RETURNING id",
    )
    .bind(overview.enrolment.id)
    .bind(position as i64)
    .bind(to_json(worksheet)?)
    .bind(to_json(&checked)?)
    .bind(now())
    .fetch_optional(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM drafts WHERE enrolment_id = $1 AND position = $2").bind(overview.enrolment.id).bind(position as i64).execute(&mut *tx).await?;
    if inserted.is_some() && overview.enrolment.is_guided() {
        notifier.notify_therapists(&mut tx, overview.enrolment.patient_id, Notice::NewHomework).await?;
    }
    tx.commit().await?;
    match inserted {
        Some(id) => Ok(Submitted::New(id)),
        // Another request submitted between our check and our insert.
        None => Ok(Submitted::Already(submission_id(pool, overview.enrolment.id, position).await?.ok_or(Error::NotFound)?)),
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))
}

async fn submission_id(pool: &AnyPool, enrolment_id: i64, position: usize) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM submissions WHERE enrolment_id = $1 AND position = $2")
        .bind(enrolment_id)
        .bind(position as i64)
        .fetch_optional(pool)
        .await?)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub therapist_name: String,
    pub body: String,
    pub created_at: i64,
}

/// Submitted homework with the worksheet it was answered on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: i64,
    pub enrolment_id: i64,
    pub position: usize,
    pub worksheet: Worksheet,
    pub answers: Answers,
    pub submitted_at: i64,
    pub feedback: Option<Feedback>,
}

#[derive(FromRow)]
struct SubmissionRow {
    id: i64,
    enrolment_id: i64,
    position: i64,
    worksheet: String,
    answers: String,
    submitted_at: i64,
    therapist_name: Option<String>,
    body: Option<String>,
    feedback_at: Option<i64>,
}

/// The submission of one module of an enrolment. Callers have checked access.
pub async fn submission(pool: &AnyPool, enrolment_id: i64, position: usize) -> Result<Option<Submission>> {
    let row: Option<SubmissionRow> = sqlx::query_as(
        "SELECT s.id, s.enrolment_id, s.position, s.worksheet, s.answers, s.submitted_at,
                u.display_name AS therapist_name, f.body, f.created_at AS feedback_at
           FROM submissions s
           LEFT JOIN feedback f ON f.submission_id = s.id
           LEFT JOIN users u ON u.id = f.therapist_id
          WHERE s.enrolment_id = $1 AND s.position = $2",
    )
    .bind(enrolment_id)
    .bind(position as i64)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        let parse = |what: &str, e: serde_json::Error| Error::Internal(format!("submission {} {what}: {e}", r.id));
        Ok(Submission {
            id: r.id,
            enrolment_id: r.enrolment_id,
            position: r.position as usize,
            worksheet: serde_json::from_str(&r.worksheet).map_err(|e| parse("worksheet", e))?,
            answers: serde_json::from_str(&r.answers).map_err(|e| parse("answers", e))?,
            submitted_at: r.submitted_at,
            feedback: match (r.therapist_name, r.body, r.feedback_at) {
                (Some(therapist_name), Some(body), Some(created_at)) => Some(Feedback { therapist_name, body, created_at }),
                _ => None,
            },
        })
    })
    .transpose()
}

/// A staff member reads a submission: audited.
pub async fn read_as_staff(pool: &AnyPool, access: &PatientAccess, enrolment_id: i64, position: usize, request_id: &str) -> Result<Option<Submission>> {
    let submission = submission(pool, enrolment_id, position).await?;
    if submission.is_some() {
        let mut conn = pool.acquire().await?;
        audit::record(&mut conn, access, Action::ViewHomework, request_id).await?;
    }
    Ok(submission)
}

/// The assigned therapist's written feedback on a submission (`access` from
/// `Viewer::assigned_therapist`); optionally opens the next module of the programme. The
/// patient is told there is something new. A second feedback on the same submission (a double
/// click) changes nothing.
#[allow(clippy::too_many_arguments)]
pub async fn give_feedback(
    pool: &AnyPool,
    notifier: &Notifier,
    access: &PatientAccess,
    overview: &Overview,
    position: usize,
    body: &str,
    open_next: bool,
    request_id: &str,
) -> Result<()> {
    let body = crate::required_text("body", body, MAX_FEEDBACK_CHARS)?;
    let submission_id = submission_id(pool, overview.enrolment.id, position).await?.ok_or(Error::NotFound)?;
    let mut tx = pool.begin().await?;
    let written = sqlx::query(
        "INSERT INTO feedback (submission_id, therapist_id, body, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (submission_id) DO NOTHING",
    )
    .bind(submission_id)
    .bind(access.actor_user_id)
    .bind(body)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    if written.rows_affected() == 1 {
        audit::record(&mut tx, access, Action::WriteFeedback, request_id).await?;
        let next = overview.module(position + 1).filter(|m| m.status == ModuleStatus::Locked);
        if let (true, Some(next)) = (open_next, next) {
            enrolments::open_module(&mut tx, access, overview.enrolment.id, next.position, request_id).await?;
        }
        notifier.notify_patient(&mut tx, access.patient_id, Notice::Feedback, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The patient's homework still waiting for feedback, oldest first: (enrolment, module, when).
pub async fn unreviewed(pool: &AnyPool, patient_id: i64) -> Result<Vec<(i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT s.enrolment_id, s.position, s.submitted_at FROM submissions s JOIN enrolments e ON e.id = s.enrolment_id
          WHERE e.patient_id = $1 AND e.guided = 1 AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.submission_id = s.id)
          ORDER BY s.submitted_at, s.id",
    )
    .bind(patient_id)
    .fetch_all(pool)
    .await?)
}
