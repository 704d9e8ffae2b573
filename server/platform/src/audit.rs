//! The audit trail: one row for every read or write of a patient's data by staff. Rows are only
//! ever inserted; the database refuses updates and deletes (see the migrations).

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::{access::PatientAccess, now, org::Role, Result};

/// What was done, as a stable code (translated in the interface).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    ViewPatient,
    AssignTherapist,
    /// A list of patients (names only) was shown; written with no patient id.
    ListPatients,
    Enrol,
    ViewHomework,
    WriteFeedback,
    OpenModule,
    AddModule,
    EndEnrolment,
    ViewResponses,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ViewPatient => "view_patient",
            Action::AssignTherapist => "assign_therapist",
            Action::ListPatients => "list_patients",
            Action::Enrol => "enrol",
            Action::ViewHomework => "view_homework",
            Action::WriteFeedback => "write_feedback",
            Action::OpenModule => "open_module",
            Action::AddModule => "add_module",
            Action::EndEnrolment => "end_enrolment",
            Action::ViewResponses => "view_responses",
        }
    }
}

/// Writes the audit row. Pass the transaction of the write it records, so both or neither land.
pub async fn record(conn: &mut sqlx::AnyConnection, access: &PatientAccess, action: Action, request_id: &str) -> Result<()> {
    write(conn, access.actor_user_id, access.acting_role, access.organisation_id, Some(access.patient_id), action, request_id).await
}

pub async fn write(
    conn: &mut sqlx::AnyConnection,
    actor_user_id: i64,
    acting_role: Role,
    organisation_id: i64,
    patient_id: Option<i64>,
    action: Action,
    request_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor_role, organisation_id, patient_id, action, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now())
    .bind(actor_user_id)
    .bind(acting_role.as_str())
    .bind(organisation_id)
    .bind(patient_id)
    .bind(action.as_str())
    .bind(request_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// One access to a patient's record, as the patient may see it (pasientjournalloven § 18).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct AccessEntry {
    pub at: i64,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
}

pub async fn accesses_to(pool: &AnyPool, patient_id: i64) -> Result<Vec<AccessEntry>> {
    Ok(sqlx::query_as(
        "SELECT a.at, u.display_name AS actor_name, a.actor_role, a.action
           FROM audit_log a JOIN users u ON u.id = a.actor_user_id
          WHERE a.patient_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT 200",
    )
    .bind(patient_id)
    .fetch_all(pool)
    .await?)
}
