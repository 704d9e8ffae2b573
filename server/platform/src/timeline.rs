//! Everything that has happened in a patient's record, newest first, from one query over the
//! tables that hold it: enrolments, modules opened, homework and feedback, messages,
//! questionnaire answers, contacts and journal notes.

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::Result;

/// How many events the record shows.
pub const LIMIT: i64 = 300;

/// One event. What `detail`, `number` and `reference` hold depends on `kind`:
/// `enrolled` (programme id, –, enrolment), `module_opened` (–, module, enrolment),
/// `homework` and `feedback` (–, module, enrolment), `patient_message` and `staff_message`
/// (–, –, message), `response` (instrument id, total, response), `contact` (kind, minutes,
/// contact), `note` (kind, –, note; `corrects` the version it replaced).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Event {
    pub at: i64,
    pub kind: String,
    pub detail: Option<String>,
    pub number: Option<i64>,
    pub reference: i64,
    pub corrects: Option<i64>,
    pub who: Option<String>,
}

/// The patient's events. Callers have checked access.
pub async fn events(pool: &AnyPool, patient_id: i64) -> Result<Vec<Event>> {
    Ok(sqlx::query_as(
        "SELECT e.created_at AS at, 'enrolled' AS kind, v.programme_id AS detail, CAST(NULL AS BIGINT) AS number, e.id AS reference,
                CAST(NULL AS BIGINT) AS corrects, u.display_name AS who
           FROM enrolments e JOIN programme_versions v ON v.id = e.programme_version_id LEFT JOIN users u ON u.id = e.enrolled_by
          WHERE e.patient_id = $1
         UNION ALL
         SELECT m.opened_at, 'module_opened', NULL, m.position, m.enrolment_id, NULL, u.display_name
           FROM enrolment_modules m JOIN enrolments e ON e.id = m.enrolment_id LEFT JOIN users u ON u.id = m.opened_by
          WHERE e.patient_id = $1 AND m.opened_at IS NOT NULL
         UNION ALL
         SELECT s.submitted_at, 'homework', NULL, s.position, s.enrolment_id, NULL, NULL
           FROM submissions s JOIN enrolments e ON e.id = s.enrolment_id
          WHERE e.patient_id = $1
         UNION ALL
         SELECT f.created_at, 'feedback', NULL, s.position, s.enrolment_id, NULL, u.display_name
           FROM feedback f JOIN submissions s ON s.id = f.submission_id JOIN enrolments e ON e.id = s.enrolment_id JOIN users u ON u.id = f.therapist_id
          WHERE e.patient_id = $1
         UNION ALL
         SELECT m.created_at, CASE WHEN m.from_patient = 1 THEN 'patient_message' ELSE 'staff_message' END, NULL, NULL, m.id, NULL, u.display_name
           FROM messages m JOIN users u ON u.id = m.author_id
          WHERE m.patient_id = $1
         UNION ALL
         SELECT r.submitted_at, 'response', q.instrument_id, r.total, r.id, r.corrects, NULL
           FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id JOIN enrolments e ON e.id = q.enrolment_id
          WHERE e.patient_id = $1
         UNION ALL
         SELECT c.created_at, 'contact', c.kind, c.minutes, c.id, NULL, u.display_name
           FROM contacts c JOIN users u ON u.id = c.therapist_id
          WHERE c.patient_id = $1
         UNION ALL
         SELECT n.created_at, 'note', n.kind, NULL, n.id, n.replaces_id, u.display_name
           FROM journal_notes n JOIN users u ON u.id = n.author_id
          WHERE n.patient_id = $1
         ORDER BY at DESC, kind, reference DESC
         LIMIT $2",
    )
    .bind(patient_id)
    .bind(LIMIT)
    .fetch_all(pool)
    .await?)
}
