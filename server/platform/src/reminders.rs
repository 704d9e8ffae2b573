//! Time-based notifications to patients, run by a periodic job: a questionnaire has come due,
//! and a reminder after a week without activity. Each is sent once (the outbox's once-key), so
//! several instances running the job at once send nothing twice. Mails go out in the daytime only.

use sqlx::AnyPool;

use crate::{
    caseload::INACTIVE_DAYS,
    content::Content,
    dates, measurement,
    notify::{Notice, Notifier},
    Result,
};

/// Oslo hours in which patients may be mailed.
const DAYTIME: std::ops::Range<u8> = 9..20;

/// Sends what is due at `at` (now, in production); returns how many mails were written.
pub async fn run(pool: &AnyPool, content: &Content, notifier: &Notifier, at: i64) -> Result<usize> {
    if !DAYTIME.contains(&dates::oslo_clock(at).0) {
        return Ok(0);
    }
    let today = dates::format(dates::oslo_date(at));
    // Patients in a programme that runs today.
    let patients: Vec<(i64, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT p.id, p.organisation_id, p.last_active_at, MIN(e.start_date)
           FROM patients p JOIN enrolments e ON e.patient_id = p.id
          WHERE e.ended_at IS NULL AND e.start_date <= $1 AND e.end_date >= $1
          GROUP BY p.id, p.organisation_id, p.last_active_at",
    )
    .bind(&today)
    .fetch_all(pool)
    .await?;
    let mut written = 0;
    for (patient_id, organisation_id, last_active_at, started) in patients {
        let mut conn = pool.acquire().await?;
        for questionnaire in measurement::due(pool, content, organisation_id, patient_id).await? {
            let once = format!("questionnaire:{}", questionnaire.id);
            written += notifier.notify_patient(&mut conn, patient_id, Notice::QuestionnaireDue, Some(&once)).await? as usize;
        }
        let since = crate::patients::quiet_since(last_active_at, &started).unwrap_or(at);
        if at - since >= INACTIVE_DAYS * 24 * 60 * 60 {
            // Once for each spell of inactivity.
            let once = format!("reminder:{since}");
            written += notifier.notify_patient(&mut conn, patient_id, Notice::Reminder, Some(&once)).await? as usize;
        }
    }
    Ok(written)
}
