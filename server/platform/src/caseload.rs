//! The caseload: a therapist's patients, most urgent first, with what each is waiting for.
//! A fixed handful of queries serves the whole list, however many patients are on it (the
//! benchmark in tests/benches/caseload.rs holds it to that).

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};
use stegvis_content::flags::{self, Kind, Urgency};

use crate::{
    access::Viewer,
    audit::{self, Action},
    covers, dates,
    enrolments::Enrolment,
    now,
    org::Role,
    time_spent, Result,
};

/// A patient in a programme who has done nothing for this long is inactive.
pub const INACTIVE_DAYS: i64 = 7;

/// What needs doing first, most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// An open urgent flag (a risk answer).
    UrgentFlag,
    /// Another open flag about the patient (overdue guidance is the team lead's, and shows as
    /// [`Priority::Overdue`] here).
    Flag,
    /// Homework or a message unanswered past the reply time.
    Overdue,
    NewHomework,
    NewMessage,
    Inactive,
    Rest,
}

impl Priority {
    pub const ALL: [Priority; 7] = [Priority::UrgentFlag, Priority::Flag, Priority::Overdue, Priority::NewHomework, Priority::NewMessage, Priority::Inactive, Priority::Rest];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::UrgentFlag => "urgent_flag",
            Priority::Flag => "flag",
            Priority::Overdue => "overdue",
            Priority::NewHomework => "new_homework",
            Priority::NewMessage => "new_message",
            Priority::Inactive => "inactive",
            Priority::Rest => "rest",
        }
    }

    pub fn parse(code: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.as_str() == code)
    }
}

/// A measure's latest total, with the one before (for the trend).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestScore {
    pub instrument_id: String,
    pub previous: Option<i64>,
    pub latest: i64,
}

/// An open flag on a caseload row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct OpenFlag {
    pub patient_id: i64,
    pub id: i64,
    pub kind: String,
    pub urgency: String,
    pub raised_at: i64,
}

impl OpenFlag {
    pub fn is_urgent(&self) -> bool {
        self.urgency == Urgency::Urgent.key()
    }

    /// Overdue guidance is the team lead's flag; the caseload shows it as overdue instead.
    pub fn on_caseload(&self) -> bool {
        !Kind::parse(&self.kind).is_some_and(Kind::for_team_lead)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadRow {
    pub patient_id: i64,
    pub name: String,
    /// Who guides the patient (names), for a team lead's or a covering colleague's view.
    pub therapists: String,
    pub therapist_ids: Vec<i64>,
    /// The programme of the latest enrolment (an active one before an ended one).
    pub programme_id: Option<String>,
    pub week: i64,
    pub days_left: i64,
    pub ended: bool,
    pub scores: Vec<LatestScore>,
    pub last_active_at: Option<i64>,
    pub homework_waiting: i64,
    pub homework_since: Option<i64>,
    pub messages_waiting: i64,
    pub messages_since: Option<i64>,
    pub overdue: bool,
    pub inactive: bool,
    pub priority: Priority,
    pub minutes_this_week: i64,
    /// Open flags, most urgent first.
    pub flags: Vec<OpenFlag>,
    /// The step of the ladder the patient is on (none before assessment).
    pub step: Option<String>,
}

/// Whose patients: one therapist's (with those of colleagues they cover for), everyone's, or
/// one patient's (the record's "waiting for you").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Therapists(Vec<i64>),
    Organisation,
    Patient(i64),
}

impl Scope {
    /// `AND …` limiting patients `p` to the scope; binds start at `$2` (`$1` is the organisation).
    fn filter(&self) -> String {
        match self {
            Scope::Organisation => "AND EXISTS (SELECT 1 FROM assignments a WHERE a.patient_id = p.id)".into(),
            Scope::Patient(_) => "AND p.id = $2".into(),
            Scope::Therapists(ids) => {
                let list: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
                // Driven from the therapists' assignments (indexed by therapist), not from every patient.
                format!("AND p.id IN (SELECT a.patient_id FROM assignments a WHERE a.therapist_id IN ({}))", list.join(", "))
            }
        }
    }

    fn ids(&self) -> &[i64] {
        match self {
            Scope::Therapists(ids) => ids,
            Scope::Organisation => &[],
            Scope::Patient(id) => std::slice::from_ref(id),
        }
    }
}

/// Filters from the caseload page's search form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub search: String,
    pub programme: Option<String>,
    pub priority: Option<Priority>,
    pub step: Option<String>,
}

impl Filter {
    fn keeps(&self, row: &CaseloadRow) -> bool {
        let search = self.search.trim().to_lowercase();
        (search.is_empty() || row.name.to_lowercase().contains(&search))
            && self.programme.as_ref().is_none_or(|p| row.programme_id.as_ref() == Some(p))
            && self.priority.is_none_or(|p| row.priority == p)
            && self.step.as_ref().is_none_or(|s| row.step.as_ref() == Some(s))
    }
}

#[derive(FromRow)]
struct PatientRow {
    patient_id: i64,
    name: String,
    last_active_at: Option<i64>,
    therapists: Option<String>,
    therapist_ids: Option<String>,
    enrolment_id: Option<i64>,
    programme_version_id: Option<i64>,
    programme_id: Option<String>,
    guided: Option<i64>,
    start_date: Option<String>,
    end_date: Option<String>,
    ended_at: Option<i64>,
    step: Option<String>,
}

#[derive(FromRow)]
struct WaitingRow {
    patient_id: i64,
    kind: String,
    waiting: i64,
    since: i64,
}

#[derive(FromRow)]
struct ScoreRow {
    patient_id: i64,
    instrument_id: String,
    total: i64,
}

/// Runs one query with the organisation and the scope's therapist ids bound.
macro_rules! scoped {
    ($kind:ty, $sql:expr, $pool:expr, $organisation:expr, $scope:expr) => {{
        let sql = $sql;
        let mut query = sqlx::query_as::<_, $kind>(&sql).bind($organisation);
        for id in $scope.ids() {
            query = query.bind(*id);
        }
        query.fetch_all($pool).await?
    }};
}

/// The patients in `scope`, most urgent first, unfiltered. Five queries whatever their number.
pub async fn rows(pool: &AnyPool, organisation_id: i64, scope: &Scope) -> Result<Vec<CaseloadRow>> {
    let filter = scope.filter();
    let patients = scoped!(
        PatientRow,
        format!(
            "SELECT x.patient_id, x.name, x.last_active_at, x.therapists, x.therapist_ids,
                    e.id AS enrolment_id, e.programme_version_id, v.programme_id, e.guided, e.start_date, e.end_date, e.ended_at, x.step
               FROM (SELECT p.id AS patient_id, u.display_name AS name, p.last_active_at, p.step,
                            (SELECT STRING_AGG(t.display_name, ', ') FROM assignments a2 JOIN users t ON t.id = a2.therapist_id WHERE a2.patient_id = p.id) AS therapists,
                            (SELECT STRING_AGG(CAST(a3.therapist_id AS TEXT), ',') FROM assignments a3 WHERE a3.patient_id = p.id) AS therapist_ids,
                            (SELECT e2.id FROM enrolments e2 WHERE e2.patient_id = p.id
                              ORDER BY CASE WHEN e2.ended_at IS NULL THEN 0 ELSE 1 END, e2.guided DESC, e2.id DESC LIMIT 1) AS latest_enrolment
                       FROM patients p JOIN users u ON u.id = p.user_id
                      WHERE p.organisation_id = $1 {filter}) x
               -- The latest enrolment (an active one first), joined once the patients are chosen.
               LEFT JOIN enrolments e ON e.id = x.latest_enrolment
               LEFT JOIN programme_versions v ON v.id = e.programme_version_id"
        ),
        pool,
        organisation_id,
        scope
    );
    // Homework without feedback, and patients' messages after the last answer from staff.
    let waiting = scoped!(
        WaitingRow,
        format!(
            "SELECT e.patient_id, 'homework' AS kind, COUNT(*) AS waiting, MIN(s.submitted_at) AS since
               FROM submissions s JOIN enrolments e ON e.id = s.enrolment_id JOIN patients p ON p.id = e.patient_id
              WHERE p.organisation_id = $1 {filter} AND e.guided = 1
                AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.submission_id = s.id)
              GROUP BY e.patient_id
             UNION ALL
             SELECT m.patient_id, 'message' AS kind, COUNT(*) AS waiting, MIN(m.created_at) AS since
               FROM messages m JOIN patients p ON p.id = m.patient_id
              WHERE p.organisation_id = $1 {filter} AND m.from_patient = 1
                AND m.id > COALESCE((SELECT MAX(r.id) FROM messages r WHERE r.patient_id = m.patient_id AND r.from_patient = 0), 0)
              GROUP BY m.patient_id"
        ),
        pool,
        organisation_id,
        scope
    );
    // The current version of every answered questionnaire, oldest first.
    let scores = scoped!(
        ScoreRow,
        format!(
            "SELECT e.patient_id, q.instrument_id, r.total
               FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id
               JOIN enrolments e ON e.id = q.enrolment_id JOIN patients p ON p.id = e.patient_id
              WHERE p.organisation_id = $1 {filter}
                AND NOT EXISTS (SELECT 1 FROM responses later WHERE later.questionnaire_id = r.questionnaire_id AND later.revision > r.revision)
              ORDER BY e.patient_id, q.instrument_id, r.submitted_at, r.id"
        ),
        pool,
        organisation_id,
        scope
    );
    let flags = scoped!(
        OpenFlag,
        format!(
            "SELECT f.patient_id, f.id, f.kind, f.urgency, f.raised_at FROM flags f JOIN patients p ON p.id = f.patient_id
              WHERE p.organisation_id = $1 {filter} AND f.closed_at IS NULL
              ORDER BY CASE f.urgency WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, f.raised_at"
        ),
        pool,
        organisation_id,
        scope
    );
    let minutes = match scope {
        Scope::Therapists(ids) => time_spent::this_week(pool, ids[0]).await?,
        Scope::Organisation | Scope::Patient(_) => Default::default(),
    };
    let thresholds = crate::flags::thresholds(&mut *pool.acquire().await?, organisation_id).await?;
    Ok(assemble(patients, waiting, scores, flags, &thresholds, &minutes, now()))
}

fn assemble(patients: Vec<PatientRow>, waiting: Vec<WaitingRow>, scores: Vec<ScoreRow>, flags: Vec<OpenFlag>, thresholds: &flags::Thresholds, minutes: &BTreeMap<i64, i64>, at: i64) -> Vec<CaseloadRow> {
    let mut latest: HashMap<i64, Vec<LatestScore>> = HashMap::new();
    for s in scores {
        let list = latest.entry(s.patient_id).or_default();
        match list.iter_mut().find(|l| l.instrument_id == s.instrument_id) {
            Some(l) => {
                l.previous = Some(l.latest);
                l.latest = s.total;
            }
            None => list.push(LatestScore { instrument_id: s.instrument_id, previous: None, latest: s.total }),
        }
    }
    let mut waits: HashMap<(i64, &str), (i64, i64)> = HashMap::new();
    for w in &waiting {
        waits.insert((w.patient_id, if w.kind == "homework" { "homework" } else { "message" }), (w.waiting, w.since));
    }
    let mut open: HashMap<i64, Vec<OpenFlag>> = HashMap::new();
    for f in flags {
        open.entry(f.patient_id).or_default().push(f);
    }
    let today = dates::oslo_date(at);
    let today_text = dates::format(today);
    let mut rows: Vec<CaseloadRow> = patients
        .into_iter()
        .map(|p| {
            let enrolment = match (p.enrolment_id, p.programme_version_id, p.guided, p.start_date, p.end_date) {
                (Some(id), Some(programme_version_id), Some(guided), Some(start_date), Some(end_date)) => {
                    Some(Enrolment { id, patient_id: p.patient_id, programme_version_id, guided, start_date, end_date, ended_at: p.ended_at })
                }
                _ => None,
            };
            let (week, days_left) = enrolment.as_ref().and_then(|e| e.week_and_days_left(today).ok()).unwrap_or((0, 0));
            let ended = enrolment.as_ref().is_some_and(|e| e.has_ended(&today_text));
            let (homework_waiting, homework_since) = waits.get(&(p.patient_id, "homework")).map(|(n, s)| (*n, Some(*s))).unwrap_or((0, None));
            let (messages_waiting, messages_since) = waits.get(&(p.patient_id, "message")).map(|(n, s)| (*n, Some(*s))).unwrap_or((0, None));
            let overdue = [homework_since, messages_since].into_iter().flatten().any(|since| flags::guidance_overdue_from(thresholds, since) <= at);
            // Inactive: in a programme that has started, and nothing done for a week (counting
            // from the start if they have never been seen).
            let active_since = enrolment.as_ref().filter(|_| week > 0 && !ended).and_then(|e| crate::patients::quiet_since(p.last_active_at, &e.start_date));
            let inactive = active_since.is_some_and(|since| at - since >= INACTIVE_DAYS * 24 * 60 * 60);
            let flags = open.remove(&p.patient_id).unwrap_or_default();
            let priority = if flags.iter().any(|f| f.on_caseload() && f.is_urgent()) {
                Priority::UrgentFlag
            } else if flags.iter().any(OpenFlag::on_caseload) {
                Priority::Flag
            } else if overdue {
                Priority::Overdue
            } else if homework_waiting > 0 {
                Priority::NewHomework
            } else if messages_waiting > 0 {
                Priority::NewMessage
            } else if inactive {
                Priority::Inactive
            } else {
                Priority::Rest
            };
            CaseloadRow {
                patient_id: p.patient_id,
                name: p.name,
                therapists: p.therapists.unwrap_or_default(),
                therapist_ids: p.therapist_ids.unwrap_or_default().split(',').filter_map(|t| t.parse().ok()).collect(),
                programme_id: enrolment.and(p.programme_id),
                week,
                days_left,
                ended,
                scores: latest.remove(&p.patient_id).unwrap_or_default(),
                last_active_at: p.last_active_at,
                homework_waiting,
                homework_since,
                messages_waiting,
                messages_since,
                overdue,
                inactive,
                priority,
                minutes_this_week: minutes.get(&p.patient_id).copied().unwrap_or(0),
                flags,
                step: p.step,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let waited = |r: &CaseloadRow| match r.priority {
            Priority::UrgentFlag | Priority::Flag => r.flags.iter().map(|f| f.raised_at).min().unwrap_or(0),
            Priority::Overdue | Priority::NewHomework | Priority::NewMessage => [r.homework_since, r.messages_since].into_iter().flatten().min().unwrap_or(i64::MAX),
            Priority::Inactive => r.last_active_at.unwrap_or(0),
            Priority::Rest => 0,
        };
        (a.priority, waited(a), a.name.to_lowercase(), a.patient_id).cmp(&(b.priority, waited(b), b.name.to_lowercase(), b.patient_id))
    });
    rows
}

/// A therapist's caseload as they see it: their own patients and those of colleagues they
/// cover for today, filtered; one audit row for the list.
pub async fn own(pool: &AnyPool, viewer: &Viewer, filter: &Filter, request_id: &str) -> Result<Vec<CaseloadRow>> {
    viewer.require(&[Role::Therapist])?;
    let organisation_id = viewer.organisation_id()?;
    let mut ids = vec![viewer.user.id];
    ids.extend(covers::covering_for(pool, organisation_id, viewer.user.id).await?);
    list(pool, viewer, Role::Therapist, &Scope::Therapists(ids), filter, request_id).await
}

/// One therapist's caseload as their team lead sees it.
pub async fn of_therapist(pool: &AnyPool, viewer: &Viewer, therapist_id: i64, filter: &Filter, request_id: &str) -> Result<Vec<CaseloadRow>> {
    viewer.require(&[Role::TeamLead])?;
    list(pool, viewer, Role::TeamLead, &Scope::Therapists(vec![therapist_id]), filter, request_id).await
}

async fn list(pool: &AnyPool, viewer: &Viewer, role: Role, scope: &Scope, filter: &Filter, request_id: &str) -> Result<Vec<CaseloadRow>> {
    let organisation_id = viewer.organisation_id()?;
    let mut rows = rows(pool, organisation_id, scope).await?;
    rows.retain(|r| filter.keeps(r));
    let mut conn = pool.acquire().await?;
    audit::write(&mut conn, viewer.user.id, role, organisation_id, None, Action::ListPatients, request_id).await?;
    Ok(rows)
}

/// What the patient is waiting for (callers have checked access; no audit row of its own:
/// it is part of the record's page).
pub async fn of_patient(pool: &AnyPool, organisation_id: i64, patient_id: i64) -> Result<Option<CaseloadRow>> {
    Ok(rows(pool, organisation_id, &Scope::Patient(patient_id)).await?.into_iter().next())
}

/// One line per therapist of the team: their caseload's size and what waits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamLine {
    pub therapist_id: i64,
    pub name: String,
    pub patients: usize,
    pub overdue: usize,
    pub homework: usize,
    pub messages: usize,
    pub inactive: usize,
    /// Patients with an open flag.
    pub flagged: usize,
    /// Median hours from homework handed in or a patient's message to this therapist's written
    /// answer, over the last 90 days; None without answers.
    pub reply_hours: Option<i64>,
}

/// How far back the team's response times look.
pub const REPLY_WINDOW_DAYS: i64 = 90;

/// Each therapist's answer times (seconds) in the organisation since `since`: feedback after the
/// homework it answers, and a staff message after the patient's message just before it.
async fn reply_times(pool: &AnyPool, organisation_id: i64, since: i64) -> Result<BTreeMap<i64, Vec<i64>>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT f.therapist_id, f.created_at - s.submitted_at FROM feedback f JOIN submissions s ON s.id = f.submission_id
           JOIN enrolments e ON e.id = s.enrolment_id JOIN patients p ON p.id = e.patient_id
          WHERE p.organisation_id = $1 AND f.created_at >= $2
         UNION ALL
         SELECT m.author_id, m.created_at - prev.created_at FROM messages m
           JOIN messages prev ON prev.id = (SELECT MAX(x.id) FROM messages x WHERE x.patient_id = m.patient_id AND x.id < m.id)
           JOIN patients p ON p.id = m.patient_id
          WHERE p.organisation_id = $1 AND m.from_patient = 0 AND prev.from_patient = 1 AND m.created_at >= $2",
    )
    .bind(organisation_id)
    .bind(since)
    .fetch_all(pool)
    .await?;
    let mut by_therapist: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (therapist, seconds) in rows {
        by_therapist.entry(therapist).or_default().push(seconds.max(0));
    }
    Ok(by_therapist)
}

/// The median of whole hours (the lower middle of an even count: a figure that was reached).
fn median_hours(mut seconds: Vec<i64>) -> Option<i64> {
    seconds.sort_unstable();
    seconds.get(seconds.len().checked_sub(1)? / 2).map(|s| (s + 1800) / 3600)
}

/// The team lead's view of every therapist's caseload (no names of patients).
pub async fn team(pool: &AnyPool, viewer: &Viewer, request_id: &str) -> Result<Vec<TeamLine>> {
    viewer.require(&[Role::TeamLead])?;
    let organisation_id = viewer.organisation_id()?;
    let therapists: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.display_name FROM staff_roles s JOIN users u ON u.id = s.user_id
          WHERE s.organisation_id = $1 AND s.role = 'therapist' ORDER BY u.display_name, u.id",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let rows = list(pool, viewer, Role::TeamLead, &Scope::Organisation, &Filter::default(), request_id).await?;
    let mut replies = reply_times(pool, organisation_id, now() - REPLY_WINDOW_DAYS * 24 * 3600).await?;
    Ok(therapists
        .into_iter()
        .map(|(therapist_id, name)| {
            let theirs: Vec<&CaseloadRow> = rows.iter().filter(|r| r.therapist_ids.contains(&therapist_id)).collect();
            let count = |p: fn(&CaseloadRow) -> bool| theirs.iter().filter(|r| p(r)).count();
            TeamLine {
                therapist_id,
                name,
                patients: theirs.len(),
                overdue: count(|r| r.overdue),
                homework: count(|r| r.homework_waiting > 0),
                messages: count(|r| r.messages_waiting > 0),
                inactive: count(|r| r.inactive),
                flagged: count(|r| !r.flags.is_empty()),
                reply_hours: median_hours(replies.remove(&therapist_id).unwrap_or_default()),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_reply_in_hours() {
        assert_eq!(median_hours(vec![]), None);
        assert_eq!(median_hours(vec![3600]), Some(1));
        // The lower middle of an even count; half an hour rounds up.
        assert_eq!(median_hours(vec![7200, 1800, 90_000, 36_000]), Some(2));
        assert_eq!(median_hours(vec![5400, 1799, 90_000]), Some(2));
        assert_eq!(median_hours(vec![1799]), Some(0));
    }
}
