//! The service report for a team, its municipality, NAPHA and the quality registers: each
//! referral's path (waits, start, end, outcome, therapist minutes) read from the record, and
//! counted and suppressed by `stegvis_content::service`. Only counts leave this module.

use std::collections::BTreeMap;

use sqlx::{AnyPool, FromRow};
use stegvis_content::{
    instruments,
    outcomes::{self, Series},
    service::{self, Course, Period, Report},
};

use crate::{
    access::Viewer,
    audit::{self, Action},
    dates,
    measurement::treatment_contacts,
    org::Role,
    time_spent, Result,
};

/// The dimensions a report is broken down by, in the order shown: by programme and therapist,
/// then reach and equity (the groups RPH is known to miss: over 67, low education, immigrant
/// background, men).
pub const DIMENSIONS: &[&str] = &["programme", "therapist", "age", "gender", "education", "work", "immigrant"];

#[derive(FromRow)]
struct Row {
    patient_id: i64,
    referred_at: i64,
    assessed_at: Option<i64>,
    birth_year: Option<i64>,
    gender: String,
    education: String,
    work: String,
    immigrant: String,
    enrolment_id: Option<i64>,
    start_date: Option<String>,
    end_date: Option<String>,
    ended_at: Option<i64>,
    programme_id: Option<String>,
    therapist: Option<String>,
    contacts: Option<i64>,
}

/// Every referral of the organisation as a course. A course has ended when its programme was
/// ended or its end date has passed; ended with fewer than two treatment contacts, it counts
/// as dropped out (clinical.md: finished treatment is two or more).
pub async fn courses(pool: &AnyPool, organisation_id: i64) -> Result<Vec<Course>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT r.patient_id, r.referred_at, r.assessed_at, r.birth_year, r.gender, r.education, r.work, r.immigrant,
                e.id AS enrolment_id, e.start_date, e.end_date, e.ended_at, v.programme_id,
                (SELECT MIN(t.display_name) FROM assignments a JOIN users t ON t.id = a.therapist_id WHERE a.patient_id = r.patient_id) AS therapist,
                CASE WHEN e.id IS NULL THEN NULL ELSE {} END AS contacts
           FROM referrals r LEFT JOIN enrolments e ON e.id = r.enrolment_id LEFT JOIN programme_versions v ON v.id = e.programme_version_id
          WHERE r.organisation_id = $1",
        treatment_contacts("e.id")
    ))
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    // Current answers of the referrals' programmes, in time order, per enrolment and measure.
    let answers: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT q.enrolment_id, q.instrument_id, r.total FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id
           JOIN referrals f ON f.enrolment_id = q.enrolment_id
          WHERE f.organisation_id = $1 AND NOT EXISTS (SELECT 1 FROM responses c WHERE c.corrects = r.id)
          ORDER BY q.enrolment_id, q.due_on, r.submitted_at, r.id",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let mut totals: BTreeMap<i64, Vec<(&'static instruments::Instrument, Vec<u16>)>> = BTreeMap::new();
    for (enrolment, instrument_id, total) in answers {
        let (Some(instrument), Ok(total)) = (instruments::by_id(&instrument_id), u16::try_from(total)) else { continue };
        let measures = totals.entry(enrolment).or_default();
        match measures.iter_mut().find(|(i, _)| i.id == instrument.id) {
            Some((_, list)) => list.push(total),
            None => measures.push((instrument, vec![total])),
        }
    }
    let minutes = time_spent::totals(pool, organisation_id).await?;
    let today = dates::today();
    Ok(rows
        .into_iter()
        .map(|row| {
            let started_on = row.start_date.as_deref().and_then(dates::parse);
            let end_date = row.end_date.as_deref().and_then(dates::parse);
            let ended_on = match (row.ended_at, end_date) {
                (Some(at), _) => Some(dates::oslo_date(at)),
                (None, Some(end)) if end < today => Some(end),
                _ => None,
            };
            let contacts = u32::try_from(row.contacts.unwrap_or(0)).unwrap_or(0);
            let outcome = row.enrolment_id.and_then(|e| totals.get(&e)).and_then(|measures| {
                let series: Vec<Series> = measures.iter().map(|(instrument, totals)| Series { instrument, totals }).collect();
                outcomes::outcome(&series, contacts)
            });
            let referred_on = dates::oslo_date(row.referred_at);
            let mut groups = vec![
                ("age".to_string(), row.birth_year.and_then(|y| i32::try_from(y).ok()).map(|y| service::age_group(y, referred_on).to_string())),
                ("gender".to_string(), Some(row.gender)),
                ("education".to_string(), Some(row.education)),
                ("work".to_string(), Some(row.work)),
                ("immigrant".to_string(), Some(row.immigrant)),
                ("programme".to_string(), row.programme_id),
                ("therapist".to_string(), row.therapist),
            ];
            // "Would rather not say" is reported with the unknowns.
            groups.retain(|(_, v)| v.as_deref().is_some_and(|v| v != "not_said" && !v.is_empty()));
            Course {
                referred_on,
                assessed_on: row.assessed_at.map(dates::oslo_date),
                started_on,
                ended_on,
                dropped_out: ended_on.is_some() && !outcomes::finished_treatment(contacts),
                outcome,
                therapist_minutes: u32::try_from(minutes.get(&row.patient_id).copied().unwrap_or(0)).unwrap_or(0),
                groups: groups.into_iter().map(|(k, v)| (k, v.unwrap_or_default())).collect(),
            }
        })
        .collect())
}

/// The organisation's report for a period (team leads and administrators); audited as a view
/// of the report, with no patient named.
pub async fn for_viewer(pool: &AnyPool, viewer: &Viewer, period: Period, request_id: &str) -> Result<Report> {
    let role = viewer.require(&[Role::TeamLead, Role::OrgAdmin])?;
    let organisation_id = viewer.organisation_id()?;
    let courses = courses(pool, organisation_id).await?;
    let mut conn = pool.acquire().await?;
    audit::write(&mut conn, viewer.user.id, role, organisation_id, None, Action::ViewReport, request_id).await?;
    Ok(service::report(&courses, period, DIMENSIONS))
}

/// The default period: the twelve months up to today.
pub fn last_year() -> Period {
    let to = dates::today();
    Period { from: dates::add_days(to, -364), to }
}
