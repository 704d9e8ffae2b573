//! Minutes spent per patient. The estimate comes from the audit trail, which already records
//! every look at and every act on a patient's record: acts close together are one sitting,
//! and a sitting counts from its first act to its last, plus a little for the reading after.
//! The therapist corrects a week's figure where the estimate is wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::AnyPool;

use crate::{
    access::PatientAccess,
    audit::{self, Action},
    dates, now, Error, Result,
};

/// Acts further apart than this start a new sitting.
pub const SITTING_GAP_SECONDS: i64 = 10 * 60;
/// What a sitting's last act is taken to have cost (reading what was opened, writing).
pub const LAST_ACT_SECONDS: i64 = 2 * 60;

/// Seconds spent over the given act times (any order).
pub fn estimate(times: &[i64]) -> i64 {
    let mut times = times.to_vec();
    times.sort_unstable();
    let mut total = 0;
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        total += if gap > SITTING_GAP_SECONDS { LAST_ACT_SECONDS } else { gap };
    }
    if !times.is_empty() {
        total += LAST_ACT_SECONDS;
    }
    total
}

/// The Monday of the Oslo week `unix` falls in, as YYYY-MM-DD.
pub fn week_of(unix: i64) -> String {
    let day = dates::oslo_date(unix);
    dates::format(dates::add_days(day, -i64::from(day.weekday().number_days_from_monday())))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    /// Monday's date.
    pub week: String,
    pub estimated_minutes: i64,
    pub corrected_minutes: Option<i64>,
}

impl Week {
    pub fn minutes(&self) -> i64 {
        self.corrected_minutes.unwrap_or(self.estimated_minutes)
    }
}

fn minutes(seconds: i64) -> i64 {
    (seconds + 30) / 60
}

/// One therapist's weeks with one patient, newest first.
pub async fn weeks(pool: &AnyPool, patient_id: i64, therapist_id: i64) -> Result<Vec<Week>> {
    let times: Vec<i64> = sqlx::query_scalar("SELECT at FROM audit_log WHERE patient_id = $1 AND actor_user_id = $2 ORDER BY at")
        .bind(patient_id)
        .bind(therapist_id)
        .fetch_all(pool)
        .await?;
    let corrections: Vec<(String, i64)> = sqlx::query_as("SELECT week, minutes FROM time_corrections WHERE patient_id = $1 AND therapist_id = $2")
        .bind(patient_id)
        .bind(therapist_id)
        .fetch_all(pool)
        .await?;
    let mut by_week: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for at in times {
        by_week.entry(week_of(at)).or_default().push(at);
    }
    for (week, _) in &corrections {
        by_week.entry(week.clone()).or_default();
    }
    Ok(by_week
        .into_iter()
        .rev()
        .map(|(week, times)| {
            let corrected_minutes = corrections.iter().find(|(w, _)| *w == week).map(|(_, m)| *m);
            Week { week, estimated_minutes: minutes(estimate(&times)), corrected_minutes }
        })
        .collect())
}

/// A therapist's minutes this week, per patient (for the caseload): one query for all.
pub async fn this_week(pool: &AnyPool, therapist_id: i64) -> Result<BTreeMap<i64, i64>> {
    let week = week_of(now());
    let monday = dates::parse(&week).ok_or_else(|| Error::Internal("week".into()))?;
    let from = stegvis_content::calendar::oslo_midnight(monday);
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT patient_id, at FROM audit_log WHERE actor_user_id = $1 AND at >= $2 AND patient_id IS NOT NULL")
        .bind(therapist_id)
        .bind(from)
        .fetch_all(pool)
        .await?;
    let corrections: Vec<(i64, i64)> = sqlx::query_as("SELECT patient_id, minutes FROM time_corrections WHERE therapist_id = $1 AND week = $2")
        .bind(therapist_id)
        .bind(&week)
        .fetch_all(pool)
        .await?;
    let mut times: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (patient, at) in rows {
        times.entry(patient).or_default().push(at);
    }
    let mut result: BTreeMap<i64, i64> = times.into_iter().map(|(p, t)| (p, minutes(estimate(&t)))).collect();
    result.extend(corrections);
    Ok(result)
}

/// Every patient's therapist minutes in an organisation, all weeks (for the service report):
/// the same estimate per therapist and week as the record shows, corrections taking its place.
pub async fn totals(pool: &AnyPool, organisation_id: i64) -> Result<BTreeMap<i64, i64>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT patient_id, actor_user_id, at FROM audit_log WHERE organisation_id = $1 AND actor_role = 'therapist' AND patient_id IS NOT NULL",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let corrections: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT t.patient_id, t.therapist_id, t.week, t.minutes FROM time_corrections t JOIN patients p ON p.id = t.patient_id WHERE p.organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let mut weeks: BTreeMap<(i64, i64, String), i64> = BTreeMap::new();
    let mut times: BTreeMap<(i64, i64, String), Vec<i64>> = BTreeMap::new();
    for (patient, therapist, at) in rows {
        times.entry((patient, therapist, week_of(at))).or_default().push(at);
    }
    for (key, times) in times {
        weeks.insert(key, minutes(estimate(&times)));
    }
    for (patient, therapist, week, corrected) in corrections {
        weeks.insert((patient, therapist, week), corrected);
    }
    let mut totals = BTreeMap::new();
    for ((patient, _, _), minutes) in weeks {
        *totals.entry(patient).or_insert(0) += minutes;
    }
    Ok(totals)
}

/// The therapist's own figure for a week (`week`: any date in it).
pub async fn correct(pool: &AnyPool, access: &PatientAccess, week: &str, minutes: &str, request_id: &str) -> Result<()> {
    let day = dates::past_date("week", week)?;
    let monday = dates::format(dates::add_days(day, -i64::from(day.weekday().number_days_from_monday())));
    let minutes = crate::number_in("week_minutes", minutes, 0..=6000)?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO time_corrections (patient_id, therapist_id, week, minutes, corrected_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (patient_id, therapist_id, week) DO UPDATE SET minutes = excluded.minutes, corrected_at = excluded.corrected_at",
    )
    .bind(access.patient_id)
    .bind(access.actor_user_id)
    .bind(monday)
    .bind(minutes)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, access, Action::CorrectTime, request_id).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_close_together_are_one_sitting() {
        assert_eq!(estimate(&[]), 0);
        assert_eq!(estimate(&[1000]), LAST_ACT_SECONDS);
        // Read at 0, feedback at 8 minutes: 8 minutes and the last act.
        assert_eq!(estimate(&[480, 0]), 480 + LAST_ACT_SECONDS);
        // Two sittings an hour apart: each counts its span and its last act.
        assert_eq!(estimate(&[0, 300, 3900, 4200]), 300 + LAST_ACT_SECONDS + 300 + LAST_ACT_SECONDS);
        // A gap of exactly the limit still belongs to the sitting.
        assert_eq!(estimate(&[0, SITTING_GAP_SECONDS]), SITTING_GAP_SECONDS + LAST_ACT_SECONDS);
        assert_eq!(estimate(&[0, SITTING_GAP_SECONDS + 1]), 2 * LAST_ACT_SECONDS);
    }

    #[test]
    fn weeks_start_on_monday_in_oslo() {
        // Sunday 2026-11-29 23:30 Oslo is 22:30 UTC: still the week of Monday 23 November.
        assert_eq!(week_of(1_795_991_400), "2026-11-23");
        // Monday 2026-11-30 00:30 Oslo (23:30 UTC on the Sunday) is the next week.
        assert_eq!(week_of(1_795_995_000), "2026-11-30");
    }
}
