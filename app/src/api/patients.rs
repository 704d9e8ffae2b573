//! Work on a patient's record by staff. Every function here writes an audit row with its change.

use leptos::prelude::*;
use stegvis_platform::{org::Role, patients, Error};

use super::{redirect_with_notice, respond};
use crate::context::{request_id, require_viewer, services};

#[server(prefix = "/api", endpoint = "assign-therapist")]
/// Adds a therapist to the patient, or (`instead`) moves the patient to them.
pub async fn assign_therapist(patient_id: i64, therapist_id: i64, #[server(default)] instead: String) -> Result<(), ServerFnError> {
    let back = format!("/patients/{patient_id}");
    let outcome = async {
        let viewer = require_viewer()?;
        let pool = &services().db.pool;
        let access = viewer.patient(pool, patient_id).await?;
        if access.acting_role != Role::TeamLead {
            return Err(Error::Forbidden);
        }
        patients::assign(pool, &access, therapist_id, !instead.is_empty(), &request_id()).await?;
        redirect_with_notice(&back, "assigned").await
    }
    .await;
    respond(&back, vec![], outcome).await
}
