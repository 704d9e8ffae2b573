//! Patients of an organisation and who guides them.

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::{access::PatientAccess, audit, now, org::Role, Error, Result};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct PatientRow {
    pub id: i64,
    pub display_name: String,
    pub created_at: i64,
    /// Names of the assigned therapists, comma-separated; empty when none.
    pub therapists: String,
}

const PATIENT_LIST: &str = "SELECT p.id, u.display_name, p.created_at,
        COALESCE((SELECT STRING_AGG(t.display_name, ', ') FROM assignments a2 JOIN users t ON t.id = a2.therapist_id
                   WHERE a2.patient_id = p.id), '') AS therapists
   FROM patients p JOIN users u ON u.id = p.user_id";

fn list_sql(filter: &str) -> String {
    format!("{PATIENT_LIST} WHERE p.organisation_id = $1 {filter} ORDER BY u.display_name, p.id")
}

/// One patient of an organisation.
pub async fn row(conn: &mut sqlx::AnyConnection, organisation_id: i64, patient_id: i64) -> Result<Option<PatientRow>> {
    Ok(sqlx::query_as(&list_sql("AND p.id = $2")).bind(organisation_id).bind(patient_id).fetch_optional(conn).await?)
}

/// Head counts for the team lead's and administrator's overviews (no names: not patient data).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Counts {
    pub patients: i64,
    pub unassigned: i64,
    pub staff: i64,
}

pub async fn counts(pool: &AnyPool, organisation_id: i64) -> Result<Counts> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM patients WHERE organisation_id = $1) AS patients,
                (SELECT COUNT(*) FROM patients p WHERE p.organisation_id = $1
                    AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.patient_id = p.id)) AS unassigned,
                (SELECT COUNT(DISTINCT user_id) FROM staff_roles WHERE organisation_id = $1) AS staff",
    )
    .bind(organisation_id)
    .fetch_one(pool)
    .await?)
}

/// The patients assigned to one therapist (a caseload list: names only, no clinical data).
pub async fn assigned_to(pool: &AnyPool, organisation_id: i64, therapist_id: i64) -> Result<Vec<PatientRow>> {
    let sql = list_sql("AND EXISTS (SELECT 1 FROM assignments a WHERE a.patient_id = p.id AND a.therapist_id = $2)");
    Ok(sqlx::query_as(&sql).bind(organisation_id).bind(therapist_id).fetch_all(pool).await?)
}

/// Every patient of the organisation, for team leads and administrators.
pub async fn all(pool: &AnyPool, organisation_id: i64) -> Result<Vec<PatientRow>> {
    Ok(sqlx::query_as(&list_sql("")).bind(organisation_id).fetch_all(pool).await?)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct StaffRow {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub roles: String,
}

/// Staff of the organisation with their roles (comma-separated role codes).
pub async fn staff(pool: &AnyPool, organisation_id: i64) -> Result<Vec<StaffRow>> {
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.display_name, u.email, STRING_AGG(s.role, ',') AS roles
           FROM staff_roles s JOIN users u ON u.id = s.user_id
          WHERE s.organisation_id = $1
          GROUP BY u.id, u.display_name, u.email
          ORDER BY u.display_name, u.id",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?)
}

/// How many patients each therapist of the organisation guides now (for choosing one).
pub async fn caseload_sizes(pool: &AnyPool, organisation_id: i64) -> Result<std::collections::BTreeMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT a.therapist_id, COUNT(*) FROM assignments a JOIN patients p ON p.id = a.patient_id WHERE p.organisation_id = $1 GROUP BY a.therapist_id",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

/// The patient's record as staff see it in this foundation: who they are and who guides them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRecord {
    pub patient: PatientRow,
    pub email: String,
}

/// Reads a patient's record and writes the audit row for the read, in one transaction.
pub async fn read_record(pool: &AnyPool, access: &PatientAccess, request_id: &str) -> Result<PatientRecord> {
    let mut tx = pool.begin().await?;
    let patient = row(&mut tx, access.organisation_id, access.patient_id).await?.ok_or(Error::NotFound)?;
    let email: String = sqlx::query_scalar("SELECT u.email FROM patients p JOIN users u ON u.id = p.user_id WHERE p.id = $1")
        .bind(access.patient_id)
        .fetch_one(&mut *tx)
        .await?;
    audit::record(&mut tx, access, audit::Action::ViewPatient, request_id).await?;
    tx.commit().await?;
    Ok(PatientRecord { patient, email })
}

/// Assigns a therapist of the same organisation to the patient (a write, audited with it).
/// `instead` moves the patient: the therapists they had are no longer assigned.
pub async fn assign(pool: &AnyPool, access: &PatientAccess, therapist_id: i64, instead: bool, request_id: &str) -> Result<()> {
    let mut tx = pool.begin().await?;
    assign_in(&mut tx, access, therapist_id, instead, request_id).await?;
    tx.commit().await?;
    Ok(())
}

/// [`assign`] in the caller's transaction (an assessment that starts a programme).
pub async fn assign_in(tx: &mut sqlx::AnyConnection, access: &PatientAccess, therapist_id: i64, instead: bool, request_id: &str) -> Result<()> {
    let is_therapist: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM staff_roles WHERE user_id = $1 AND organisation_id = $2 AND role = 'therapist'",
    )
    .bind(therapist_id)
    .bind(access.organisation_id)
    .fetch_optional(&mut *tx)
    .await?;
    if is_therapist.is_none() {
        return Err(Error::invalid("therapist_id", "not_a_therapist"));
    }
    if instead {
        sqlx::query("DELETE FROM assignments WHERE patient_id = $1 AND therapist_id <> $2").bind(access.patient_id).bind(therapist_id).execute(&mut *tx).await?;
    }
    sqlx::query("INSERT INTO assignments (patient_id, therapist_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(access.patient_id)
        .bind(therapist_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    let action = if instead { audit::Action::ReassignTherapist } else { audit::Action::AssignTherapist };
    audit::record(tx, access, action, request_id).await?;
    Ok(())
}

/// Notes that the patient is active now; written at most every few minutes, so that a busy
/// patient does not write on every request.
/// Since when a patient in a programme that started on `start_date` has been quiet: their last
/// activity, or the start if they have not been seen since (inactivity, reminders, flags).
pub fn quiet_since(last_active_at: Option<i64>, start_date: &str) -> Option<i64> {
    let start = crate::dates::parse(start_date).map(stegvis_content::calendar::oslo_midnight)?;
    Some(last_active_at.unwrap_or(start).max(start))
}

pub async fn touch(pool: &AnyPool, patient_id: i64) -> Result<()> {
    let at = now();
    sqlx::query("UPDATE patients SET last_active_at = $1 WHERE id = $2 AND (last_active_at IS NULL OR last_active_at < $3)")
        .bind(at)
        .bind(patient_id)
        .bind(at - 5 * 60)
        .execute(pool)
        .await?;
    Ok(())
}

/// The patients a staff member may list in `role` (team leads and administrators: all;
/// therapists: their own), with one audit row for the read.
pub async fn list_as(pool: &AnyPool, viewer: &crate::access::Viewer, role: Role, request_id: &str) -> Result<Vec<PatientRow>> {
    let organisation_id = viewer.organisation_id()?;
    let role = viewer.require(&[role])?;
    if role == Role::Patient {
        return Err(Error::NotFound);
    }
    let rows = if role == Role::Therapist {
        assigned_to(pool, organisation_id, viewer.user.id).await?
    } else {
        all(pool, organisation_id).await?
    };
    let mut conn = pool.acquire().await?;
    audit::write(&mut conn, viewer.user.id, role, organisation_id, None, audit::Action::ListPatients, request_id).await?;
    Ok(rows)
}
