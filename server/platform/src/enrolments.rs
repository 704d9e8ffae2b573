//! A patient's place in a programme: the enrolment, its modules, how they open, and the
//! organisation's settings for pacing and the waiting list.

use std::{collections::HashMap, sync::Arc};

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool, FromRow};
use stegvis_content::{schedule::Occasion, Programme, ProgrammeKind};

use crate::{
    access::{PatientAccess, Viewer},
    audit::{self, Action},
    content::Content,
    dates, now,
    notify::{Notice, Notifier},
    Error, Result,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Enrolment {
    pub id: i64,
    pub patient_id: i64,
    pub programme_version_id: i64,
    pub guided: i64,
    pub start_date: String,
    pub end_date: String,
    pub ended_at: Option<i64>,
}

impl Enrolment {
    pub fn is_guided(&self) -> bool {
        self.guided == 1
    }

    /// After the end date (or once a therapist has ended it) everything is read-only.
    pub fn has_ended(&self, today: &str) -> bool {
        self.ended_at.is_some() || today > self.end_date.as_str()
    }

    /// The programme week `today` falls in (1 on the start date; 0 before it) and the days
    /// left to the end date.
    pub fn week_and_days_left(&self, today: time::Date) -> Result<(i64, i64)> {
        let start = dates::parse(&self.start_date).ok_or_else(|| Error::Internal("bad start date".into()))?;
        let end = dates::parse(&self.end_date).ok_or_else(|| Error::Internal("bad end date".into()))?;
        let since_start = dates::days_between(start, today);
        let week = if since_start < 0 { 0 } else { since_start / 7 + 1 };
        Ok((week, dates::days_between(today, end).max(0)))
    }
}

const ENROLMENT_COLUMNS: &str = "e.id, e.patient_id, e.programme_version_id, e.guided, e.start_date, e.end_date, e.ended_at";

/// Where a module stands for the patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModuleStatus {
    Locked,
    Open,
    InProgress,
    Submitted,
    Reviewed,
}

impl ModuleStatus {
    /// Can the patient read it?
    pub fn is_open(self) -> bool {
        self != ModuleStatus::Locked
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleState {
    pub position: usize,
    pub status: ModuleStatus,
    /// When the schedule opens it, if it is paced by the calendar.
    pub opens_on: Option<String>,
    pub requires_feedback: bool,
    pub submission_id: Option<i64>,
}

#[derive(FromRow)]
struct ModuleRow {
    position: i64,
    requires_feedback: i64,
    opens_on: Option<String>,
    opened_at: Option<i64>,
    has_draft: i64,
    submission_id: Option<i64>,
    feedback_at: Option<i64>,
}

/// An enrolment with its programme and the state of each of its modules.
#[derive(Clone, Debug)]
pub struct Overview {
    pub enrolment: Enrolment,
    pub programme: Arc<Programme>,
    pub modules: Vec<ModuleState>,
    /// The programme week today falls in (1 on the start date; 0 before it).
    pub week: i64,
    pub days_left: i64,
    pub ended: bool,
}

impl Overview {
    pub fn module(&self, position: usize) -> Option<&ModuleState> {
        self.modules.iter().find(|m| m.position == position)
    }

    /// The first module the patient has yet to finish: where "continue" leads.
    pub fn current(&self) -> Option<&ModuleState> {
        self.modules.iter().find(|m| matches!(m.status, ModuleStatus::Open | ModuleStatus::InProgress))
    }
}

pub async fn overview(pool: &AnyPool, content: &Content, enrolment: Enrolment) -> Result<Overview> {
    let programme = content.snapshot(pool, enrolment.programme_version_id).await?;
    let rows: Vec<ModuleRow> = sqlx::query_as(
        "SELECT m.position, m.requires_feedback, m.opens_on, m.opened_at,
                (SELECT COUNT(*) FROM drafts d WHERE d.enrolment_id = m.enrolment_id AND d.position = m.position) AS has_draft,
                s.id AS submission_id, f.created_at AS feedback_at
           FROM enrolment_modules m
           LEFT JOIN submissions s ON s.enrolment_id = m.enrolment_id AND s.position = m.position
           LEFT JOIN feedback f ON f.submission_id = s.id
          WHERE m.enrolment_id = $1 ORDER BY m.position",
    )
    .bind(enrolment.id)
    .fetch_all(pool)
    .await?;
    let today = dates::today();
    let today_text = dates::format(today);
    let modules = rows
        .into_iter()
        .map(|r| {
            let opened = r.opened_at.is_some() || r.opens_on.as_deref().is_some_and(|d| d <= today_text.as_str());
            let status = match (r.feedback_at, r.submission_id, opened, r.has_draft > 0) {
                (Some(_), ..) => ModuleStatus::Reviewed,
                (None, Some(_), ..) => ModuleStatus::Submitted,
                (None, None, false, _) => ModuleStatus::Locked,
                (None, None, true, true) => ModuleStatus::InProgress,
                (None, None, true, false) => ModuleStatus::Open,
            };
            ModuleState {
                position: r.position as usize,
                status,
                opens_on: r.opens_on,
                requires_feedback: r.requires_feedback == 1,
                submission_id: r.submission_id,
            }
        })
        .collect();
    let (week, days_left) = enrolment.week_and_days_left(today)?;
    let ended = enrolment.has_ended(&today_text);
    Ok(Overview { enrolment, programme, modules, week, days_left, ended })
}

// ---- who may see which enrolment ---------------------------------------------------------

/// The viewer's own enrolments in the organisation they act in, newest first.
pub async fn of_viewer(pool: &AnyPool, viewer: &Viewer) -> Result<Vec<Enrolment>> {
    match viewer.membership()?.patient_id {
        Some(patient_id) => of_patient(pool, patient_id).await,
        None => Ok(Vec::new()),
    }
}

/// A patient's enrolments, newest first. Callers have checked access.
pub async fn of_patient(pool: &AnyPool, patient_id: i64) -> Result<Vec<Enrolment>> {
    Ok(sqlx::query_as(&format!("SELECT {ENROLMENT_COLUMNS} FROM enrolments e WHERE e.patient_id = $1 ORDER BY e.id DESC")).bind(patient_id).fetch_all(pool).await?)
}

async fn by_id(pool: &AnyPool, enrolment_id: i64) -> Result<Enrolment> {
    sqlx::query_as(&format!("SELECT {ENROLMENT_COLUMNS} FROM enrolments e WHERE e.id = $1"))
        .bind(enrolment_id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)
}

/// An enrolment of the viewer themself; anyone else's is 404.
pub async fn own(pool: &AnyPool, viewer: &Viewer, enrolment_id: i64) -> Result<Enrolment> {
    let patient_id = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
    let enrolment = by_id(pool, enrolment_id).await?;
    if enrolment.patient_id != patient_id {
        return Err(Error::NotFound);
    }
    Ok(enrolment)
}

/// An enrolment of a patient the viewer (staff) may see, with the access for the audit row.
pub async fn of_staff(pool: &AnyPool, viewer: &Viewer, enrolment_id: i64) -> Result<(Enrolment, PatientAccess)> {
    let enrolment = by_id(pool, enrolment_id).await?;
    let access = viewer.patient(pool, enrolment.patient_id).await?;
    Ok((enrolment, access))
}

// ---- enrolling and opening ---------------------------------------------------------------

/// Enrols a patient in the current version of a programme, guided by the staff member in
/// `access` (their therapist or the team lead), from `start` (an Oslo date). One active enrolment per programme.
pub async fn enrol(pool: &AnyPool, content: &Content, access: &PatientAccess, programme_id: &str, start: &str, request_id: &str) -> Result<i64> {
    let start = dates::parse(start).ok_or_else(|| Error::invalid("start_date", "invalid_date"))?;
    if dates::days_between(dates::today(), start) < -7 {
        return Err(Error::invalid("start_date", "start_in_past"));
    }
    let (version_id, programme) = content.current(programme_id).ok_or_else(|| Error::invalid("programme", "unknown_programme"))?;
    let mut tx = pool.begin().await?;
    let id = create(&mut tx, access.organisation_id, access.patient_id, *version_id, programme, true, Some(access.actor_user_id), start).await?;
    audit::record(&mut tx, access, Action::Enrol, request_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Enrols a new patient in the organisation's waiting-list programme, if it has one and the
/// patient has no programme yet (someone assessed before accepting their invitation goes
/// straight to treatment). Runs in the transaction that creates the patient. The screening
/// of their referral, if any, becomes the programme's first scores, so a re-screening while
/// waiting is compared with it.
pub async fn enrol_from_waiting_list(conn: &mut AnyConnection, content: &Content, organisation_id: i64, patient_id: i64) -> Result<()> {
    let programme_id: Option<String> = sqlx::query_scalar("SELECT waiting_list_programme FROM organisations WHERE id = $1")
        .bind(organisation_id)
        .fetch_one(&mut *conn)
        .await?;
    let Some((version_id, programme)) = programme_id.and_then(|p| content.current(&p)) else { return Ok(()) };
    let enrolled: Option<i64> = sqlx::query_scalar("SELECT id FROM enrolments WHERE patient_id = $1 LIMIT 1").bind(patient_id).fetch_optional(&mut *conn).await?;
    if enrolled.is_some() {
        return Ok(());
    }
    let today = dates::today();
    let enrolment_id = create(conn, organisation_id, patient_id, *version_id, programme, false, None, today).await?;
    let screening: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT s.instrument_id, s.answers, s.total, s.submitted_at FROM screenings s JOIN referrals r ON r.id = s.referral_id
          WHERE r.patient_id = $1 AND r.status IN ('new', 'waiting')
            AND r.id = (SELECT MAX(id) FROM referrals WHERE patient_id = $1 AND status IN ('new', 'waiting'))",
    )
    .bind(patient_id)
    .fetch_all(&mut *conn)
    .await?;
    let window = crate::measurement::window_between(today, dates::add_days(today, 7 * programme.weeks as i64), Occasion::Start);
    for (instrument_id, answers, total, submitted_at) in screening {
        crate::measurement::insert_answered(conn, enrolment_id, &instrument_id, Occasion::Start, window, &answers, total, submitted_at).await?;
    }
    Ok(())
}

/// Writes an enrolment and its modules (no access check, no audit row: callers do those).
#[allow(clippy::too_many_arguments)]
pub async fn create(
    conn: &mut AnyConnection,
    organisation_id: i64,
    patient_id: i64,
    version_id: i64,
    programme: &Programme,
    guided: bool,
    enrolled_by: Option<i64>,
    start: time::Date,
) -> Result<i64> {
    let active: Option<i64> = sqlx::query_scalar(
        "SELECT e.id FROM enrolments e JOIN programme_versions v ON v.id = e.programme_version_id
          WHERE e.patient_id = $1 AND v.programme_id = $2 AND e.ended_at IS NULL AND e.end_date >= $3",
    )
    .bind(patient_id)
    .bind(&programme.id)
    .bind(dates::format(dates::today()))
    .fetch_optional(&mut *conn)
    .await?;
    if active.is_some() {
        return Err(Error::invalid("programme", "already_enrolled"));
    }
    let guided = guided && programme.kind == ProgrammeKind::Guided;
    let end = dates::add_days(start, 7 * programme.weeks as i64);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO enrolments (patient_id, programme_version_id, guided, start_date, end_date, enrolled_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(patient_id)
    .bind(version_id)
    .bind(guided as i64)
    .bind(dates::format(start))
    .bind(dates::format(end))
    .bind(enrolled_by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    let overrides = pacing(&mut *conn, organisation_id, &programme.id).await?;
    for (index, module) in programme.modules.iter().enumerate().filter(|(_, m)| !m.optional) {
        let requires_feedback = guided && overrides.get(&module.id).copied().unwrap_or(module.requires_feedback);
        // The first module opens on the start date; a later one a week after the one before,
        // unless it waits for the therapist's feedback.
        let opens_on = (index == 0 || !requires_feedback).then(|| dates::format(dates::add_days(start, 7 * index as i64)));
        sqlx::query("INSERT INTO enrolment_modules (enrolment_id, position, requires_feedback, opens_on) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(index as i64 + 1)
            .bind(requires_feedback as i64)
            .bind(opens_on)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// Opens a locked module now (a therapist's decision, or their feedback on the module before).
/// Returns whether it was locked until now.
pub async fn open_module(conn: &mut AnyConnection, access: &PatientAccess, enrolment_id: i64, position: usize, request_id: &str) -> Result<bool> {
    let opened = sqlx::query(
        "UPDATE enrolment_modules SET opened_at = $1, opened_by = $2
          WHERE enrolment_id = $3 AND position = $4 AND opened_at IS NULL",
    )
    .bind(now())
    .bind(access.actor_user_id)
    .bind(enrolment_id)
    .bind(position as i64)
    .execute(&mut *conn)
    .await?;
    let opened = opened.rows_affected() == 1;
    if opened {
        audit::record(conn, access, Action::OpenModule, request_id).await?;
    }
    Ok(opened)
}

/// A therapist opens a module now, and the patient is told there is something new.
pub async fn open_now(pool: &AnyPool, notifier: &Notifier, access: &PatientAccess, enrolment_id: i64, position: usize, request_id: &str) -> Result<()> {
    let mut tx = pool.begin().await?;
    if open_module(&mut tx, access, enrolment_id, position, request_id).await? {
        notifier.notify_patient(&mut tx, access.patient_id, Notice::ModuleOpened, None).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Adds one of the programme's optional modules to the enrolment, open at once, and tells the patient.
pub async fn add_optional(pool: &AnyPool, content: &Content, notifier: &Notifier, access: &PatientAccess, enrolment: &Enrolment, position: usize, request_id: &str) -> Result<()> {
    let programme = content.snapshot(pool, enrolment.programme_version_id).await?;
    if !programme.module(position).is_some_and(|m| m.optional) {
        return Err(Error::invalid("module", "not_optional"));
    }
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO enrolment_modules (enrolment_id, position, requires_feedback, opened_at, opened_by)
         VALUES ($1, $2, 0, $3, $4) ON CONFLICT (enrolment_id, position) DO NOTHING",
    )
    .bind(enrolment.id)
    .bind(position as i64)
    .bind(now())
    .bind(access.actor_user_id)
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, access, Action::AddModule, request_id).await?;
    notifier.notify_patient(&mut tx, access.patient_id, Notice::ModuleOpened, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends an enrolment early; the patient keeps read-only access to everything in it.
pub async fn end(pool: &AnyPool, access: &PatientAccess, enrolment: &Enrolment, request_id: &str) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE enrolments SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL").bind(now()).bind(enrolment.id).execute(&mut *tx).await?;
    audit::record(&mut tx, access, Action::EndEnrolment, request_id).await?;
    tx.commit().await?;
    Ok(())
}

// ---- organisation settings ----------------------------------------------------------------

/// The organisation's pacing choices for a programme's modules (module id → requires feedback);
/// modules not named follow the content's default.
pub async fn pacing(conn: &mut AnyConnection, organisation_id: i64, programme_id: &str) -> Result<HashMap<String, bool>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT module_id, requires_feedback FROM module_pacing WHERE organisation_id = $1 AND programme_id = $2")
            .bind(organisation_id)
            .bind(programme_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(m, r)| (m, r == 1)).collect())
}

/// Sets, for every module of a programme, whether it waits for feedback. Applies to new
/// enrolments; current ones keep the pacing they started with.
pub async fn set_pacing(pool: &AnyPool, content: &Content, organisation_id: i64, programme_id: &str, requires_feedback: &[String]) -> Result<()> {
    let (_, programme) = content.current(programme_id).ok_or(Error::NotFound)?;
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM module_pacing WHERE organisation_id = $1 AND programme_id = $2").bind(organisation_id).bind(programme_id).execute(&mut *tx).await?;
    for module in programme.modules.iter().filter(|m| !m.optional) {
        sqlx::query("INSERT INTO module_pacing (organisation_id, programme_id, module_id, requires_feedback) VALUES ($1, $2, $3, $4)")
            .bind(organisation_id)
            .bind(programme_id)
            .bind(&module.id)
            .bind(requires_feedback.contains(&module.id) as i64)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn waiting_list_programme(pool: &AnyPool, organisation_id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT waiting_list_programme FROM organisations WHERE id = $1").bind(organisation_id).fetch_one(pool).await?)
}

/// Chooses the unguided programme new patients start in (or none).
pub async fn set_waiting_list_programme(pool: &AnyPool, content: &Content, organisation_id: i64, programme_id: Option<&str>) -> Result<()> {
    if let Some(id) = programme_id {
        if !content.current(id).is_some_and(|(_, p)| p.kind == ProgrammeKind::Unguided) {
            return Err(Error::invalid("programme", "not_unguided"));
        }
    }
    sqlx::query("UPDATE organisations SET waiting_list_programme = $1 WHERE id = $2").bind(programme_id).bind(organisation_id).execute(pool).await?;
    Ok(())
}
