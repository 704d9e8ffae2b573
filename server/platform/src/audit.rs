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
    SendMessage,
    RecordContact,
    WriteNote,
    CorrectTime,
    /// A colleague was named to cover for an absent therapist (no patient id).
    SetCover,
    CancelCover,
    ReassignTherapist,
    CloseFlag,
    ChangeStep,
    ViewHandover,
    /// A member of staff entered a referral.
    Refer,
    ViewReferral,
    WaitingList,
    BookAssessment,
    CloseReferral,
    /// The service report (no patient id; counts only).
    ViewReport,
    AnswerDeletionRequest,
    /// An administrator changed a staff member's roles, or deactivated them (no patient id).
    ChangeRoles,
    DeactivateStaff,
    /// An administrator worded a notification text (no patient id).
    SetNotificationText,
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
            Action::SendMessage => "send_message",
            Action::RecordContact => "record_contact",
            Action::WriteNote => "write_note",
            Action::CorrectTime => "correct_time",
            Action::SetCover => "set_cover",
            Action::CancelCover => "cancel_cover",
            Action::ReassignTherapist => "reassign_therapist",
            Action::CloseFlag => "close_flag",
            Action::ChangeStep => "change_step",
            Action::ViewHandover => "view_handover",
            Action::Refer => "refer",
            Action::ViewReferral => "view_referral",
            Action::WaitingList => "waiting_list",
            Action::BookAssessment => "book_assessment",
            Action::CloseReferral => "close_referral",
            Action::ViewReport => "view_report",
            Action::AnswerDeletionRequest => "answer_deletion_request",
            Action::ChangeRoles => "change_roles",
            Action::DeactivateStaff => "deactivate_staff",
            Action::SetNotificationText => "set_notification_text",
        }
    }
}

/// Writes the audit row. Pass the transaction of the write it records, so both or neither land.
pub async fn record(conn: &mut sqlx::AnyConnection, access: &PatientAccess, action: Action, request_id: &str) -> Result<()> {
    insert(conn, access.actor_user_id, access.acting_role, access.organisation_id, Some(access.patient_id), access.on_behalf_of, action, request_id).await
}

/// An act on no single patient (a list, a cover arrangement).
pub async fn write(
    conn: &mut sqlx::AnyConnection,
    actor_user_id: i64,
    acting_role: Role,
    organisation_id: i64,
    patient_id: Option<i64>,
    action: Action,
    request_id: &str,
) -> Result<()> {
    insert(conn, actor_user_id, acting_role, organisation_id, patient_id, None, action, request_id).await
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    conn: &mut sqlx::AnyConnection,
    actor_user_id: i64,
    acting_role: Role,
    organisation_id: i64,
    patient_id: Option<i64>,
    on_behalf_of: Option<i64>,
    action: Action,
    request_id: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor_role, organisation_id, patient_id, on_behalf_of, action, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now())
    .bind(actor_user_id)
    .bind(acting_role.as_str())
    .bind(organisation_id)
    .bind(patient_id)
    .bind(on_behalf_of)
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
    /// The therapist the actor covered for, if they did.
    pub on_behalf_of_name: Option<String>,
}

pub async fn accesses_to(pool: &AnyPool, patient_id: i64) -> Result<Vec<AccessEntry>> {
    Ok(sqlx::query_as(
        "SELECT a.at, u.display_name AS actor_name, a.actor_role, a.action, b.display_name AS on_behalf_of_name
           FROM audit_log a JOIN users u ON u.id = a.actor_user_id LEFT JOIN users b ON b.id = a.on_behalf_of
          WHERE a.patient_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT 200",
    )
    .bind(patient_id)
    .fetch_all(pool)
    .await?)
}
