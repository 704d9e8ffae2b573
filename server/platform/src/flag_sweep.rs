//! The time-based flag rules, run by a periodic job: inactivity, non-response at week N, overdue
//! guidance, and the escalation of urgent flags nobody has acknowledged. Every flag is raised
//! once per cause (its once-key) and every escalation is a conditional update, so several
//! instances running the job at once raise and mail nothing twice. `at` is injected, so the
//! rules can be run over years of a fake clock.

use std::collections::HashSet;

use sqlx::{AnyPool, FromRow};
use stegvis_content::flags::{self, Kind};

use crate::{
    dates,
    enrolments::Enrolment,
    flags::{raise, thresholds, Raise},
    measurement,
    patients,
    notify::{Notice, Notifier},
    Result,
};

/// What one run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub raised: usize,
    pub escalated: usize,
}

#[derive(FromRow)]
struct Active {
    patient_id: i64,
    last_active_at: Option<i64>,
    enrolment_id: i64,
    programme_version_id: i64,
    guided: i64,
    start_date: String,
    end_date: String,
}

/// Runs every time-based rule for every organisation as of `at` (now, in production).
pub async fn run(pool: &AnyPool, notifier: &Notifier, at: i64) -> Result<Swept> {
    let mut swept = Swept::default();
    let organisations: Vec<i64> = sqlx::query_scalar("SELECT id FROM organisations ORDER BY id").fetch_all(pool).await?;
    for organisation_id in organisations {
        let mut conn = pool.acquire().await?;
        let thresholds = thresholds(&mut conn, organisation_id).await?;
        drop(conn);
        // What the rules raised before: not raised (nor written) again, and a programme already
        // judged non-responding is not read again.
        let raised: Raised = sqlx::query_as(
            "SELECT f.patient_id, f.once_key FROM flags f JOIN patients p ON p.id = f.patient_id
              WHERE p.organisation_id = $1 AND f.kind IN ('inactivity', 'non_response', 'overdue_guidance')",
        )
        .bind(organisation_id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
        let rule = Rule { pool, notifier, raised: &raised, at };
        swept.raised += programme_rules(&rule, organisation_id, &thresholds).await?;
        swept.raised += overdue_guidance(&rule, organisation_id, &thresholds).await?;
        swept.escalated += escalate(pool, notifier, organisation_id, &thresholds, at).await?;
    }
    Ok(swept)
}

/// Inactivity and non-response, for patients in a programme that runs on `at`'s date.
/// (patient, once-key) of the flags the time-based rules have raised.
type Raised = HashSet<(i64, String)>;

/// What every time-based rule needs.
struct Rule<'a> {
    pool: &'a AnyPool,
    notifier: &'a Notifier,
    raised: &'a Raised,
    at: i64,
}

impl Rule<'_> {
    /// Raises the flag unless it was raised before; 1 if this call raised it.
    async fn raise(&self, patient_id: i64, kind: Kind, reason: &str, once_key: &str) -> Result<usize> {
        if self.raised.contains(&(patient_id, once_key.to_string())) {
            return Ok(0);
        }
        let mut tx = self.pool.begin().await?;
        let raised = raise(&mut tx, self.notifier, Raise { patient_id, kind, reason, once_key, response_id: None, message: None }, self.at).await?;
        tx.commit().await?;
        Ok(usize::from(raised.is_some()))
    }
}

async fn programme_rules(rule: &Rule<'_>, organisation_id: i64, thresholds: &flags::Thresholds) -> Result<usize> {
    let (pool, at) = (rule.pool, rule.at);
    let today = dates::oslo_date(at);
    let today_text = dates::format(today);
    let active: Vec<Active> = sqlx::query_as(
        "SELECT p.id AS patient_id, p.last_active_at, e.id AS enrolment_id, e.programme_version_id, e.guided, e.start_date, e.end_date
           FROM patients p JOIN enrolments e ON e.patient_id = p.id
          WHERE p.organisation_id = $1 AND e.ended_at IS NULL AND e.start_date <= $2 AND e.end_date >= $2
          ORDER BY p.id, e.id",
    )
    .bind(organisation_id)
    .bind(&today_text)
    .fetch_all(pool)
    .await?;
    let mut raised = 0;
    let mut seen = std::collections::HashSet::new();
    for a in active {
        let since = patients::quiet_since(a.last_active_at, &a.start_date).unwrap_or(at);
        // Once per patient, whatever the number of their programmes.
        if seen.insert(a.patient_id) && flags::inactive(thresholds, since, at) {
            raised += rule.raise(a.patient_id, Kind::Inactivity, "", &format!("inactive:{since}")).await?;
        }
        let enrolment = Enrolment {
            id: a.enrolment_id,
            patient_id: a.patient_id,
            programme_version_id: a.programme_version_id,
            guided: a.guided,
            start_date: a.start_date,
            end_date: a.end_date,
            ended_at: None,
        };
        let Ok((week, _)) = enrolment.week_and_days_left(today) else { continue };
        // Judged once per programme: an enrolment already flagged is not read again.
        let non_response_key = format!("non_response:{}", enrolment.id);
        if week < i64::from(thresholds.get(flags::NON_RESPONSE_WEEK)) || rule.raised.contains(&(a.patient_id, non_response_key.clone())) {
            continue;
        }
        let responses = measurement::responses(pool, a.patient_id, true).await?;
        let measured = measurement::progress(&responses, enrolment.id);
        if measurement::with_series(&measured, |series| flags::non_response(thresholds, week as u32, series)) {
            raised += rule.raise(a.patient_id, Kind::NonResponse, "", &non_response_key).await?;
        }
    }
    Ok(raised)
}

/// Homework without feedback and patients' messages without an answer, past the working days
/// the organisation allows (the team lead's flag).
async fn overdue_guidance(rule: &Rule<'_>, organisation_id: i64, thresholds: &flags::Thresholds) -> Result<usize> {
    let waiting: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT e.patient_id, 'submission' AS what, s.id, s.submitted_at
           FROM submissions s JOIN enrolments e ON e.id = s.enrolment_id JOIN patients p ON p.id = e.patient_id
          WHERE p.organisation_id = $1 AND e.guided = 1 AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.submission_id = s.id)
         UNION ALL
         SELECT m.patient_id, 'message' AS what, m.id, m.created_at
           FROM messages m JOIN patients p ON p.id = m.patient_id
          WHERE p.organisation_id = $1 AND m.from_patient = 1
            AND m.id > COALESCE((SELECT MAX(r.id) FROM messages r WHERE r.patient_id = m.patient_id AND r.from_patient = 0), 0)",
    )
    .bind(organisation_id)
    .fetch_all(rule.pool)
    .await?;
    let mut raised = 0;
    for (patient_id, what, id, arrived) in waiting {
        if flags::guidance_overdue_from(thresholds, arrived) <= rule.at {
            raised += rule.raise(patient_id, Kind::OverdueGuidance, &what, &format!("overdue:{what}:{id}")).await?;
        }
    }
    Ok(raised)
}

/// Urgent flags still open past the working days allowed go to the organisation's team leads,
/// once (content-free, cannot be switched off).
async fn escalate(pool: &AnyPool, notifier: &Notifier, organisation_id: i64, thresholds: &flags::Thresholds, at: i64) -> Result<usize> {
    let open: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT f.id, f.raised_at FROM flags f JOIN patients p ON p.id = f.patient_id
          WHERE p.organisation_id = $1 AND f.urgency = 'urgent' AND f.closed_at IS NULL AND f.escalated_at IS NULL",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let mut escalated = 0;
    for (flag_id, raised_at) in open {
        if flags::escalates_at(thresholds, raised_at) > at {
            continue;
        }
        let mut tx = pool.begin().await?;
        let updated = sqlx::query("UPDATE flags SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL AND closed_at IS NULL")
            .bind(at)
            .bind(flag_id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 1 {
            let leads: Vec<i64> = sqlx::query_scalar("SELECT user_id FROM staff_roles WHERE organisation_id = $1 AND role = 'team_lead'")
                .bind(organisation_id)
                .fetch_all(&mut *tx)
                .await?;
            for lead in leads {
                notifier.notify(&mut tx, organisation_id, lead, Notice::UnacknowledgedFlag, Some(&format!("escalation:{flag_id}"))).await?;
            }
            escalated += 1;
        }
        tx.commit().await?;
    }
    Ok(escalated)
}
