//! Access control in one place: who is asking, in which organisation, with which roles, and
//! whether they may see a given patient. Every server function and page goes through here.

use sqlx::AnyPool;

use crate::{
    accounts::User,
    org::{self, Membership, Role},
    Error, Result,
};

/// Session key of the organisation a person with roles in several acts in.
pub const ORGANISATION_KEY: &str = "organisation_id";

/// The logged-in person and the organisation this session acts in.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub user: User,
    pub memberships: Vec<Membership>,
    current: Option<usize>,
}

/// Proof that a staff member may see one patient, and in which role: what the audit row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatientAccess {
    pub actor_user_id: i64,
    pub acting_role: Role,
    pub organisation_id: i64,
    pub patient_id: i64,
    /// The absent therapist a colleague acts for (holiday cover); None when acting as oneself.
    pub on_behalf_of: Option<i64>,
}

impl Viewer {
    /// `chosen` is the organisation picked in this session; the first one otherwise.
    pub async fn load(pool: &AnyPool, user: User, chosen: Option<i64>) -> Result<Viewer> {
        let memberships = org::memberships(pool, user.id).await?;
        let current = chosen
            .and_then(|id| memberships.iter().position(|m| m.organisation.id == id))
            .or(if memberships.is_empty() { None } else { Some(0) });
        Ok(Viewer { user, memberships, current })
    }

    /// The organisation this session acts in; a person with no role anywhere has none.
    pub fn membership(&self) -> Result<&Membership> {
        self.current.map(|i| &self.memberships[i]).ok_or(Error::NotFound)
    }

    pub fn organisation_id(&self) -> Result<i64> {
        Ok(self.membership()?.organisation.id)
    }

    pub fn roles(&self) -> &[Role] {
        self.current.map(|i| self.memberships[i].roles.as_slice()).unwrap_or(&[])
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    /// The first of `roles` the viewer holds here.
    pub fn require(&self, roles: &[Role]) -> Result<Role> {
        if let Some(role) = roles.iter().copied().find(|r| self.has(*r)) {
            return Ok(role);
        }
        Err(self.denied())
    }

    /// May this viewer see this patient's data? Another organisation's patient is 404 whoever
    /// asks. Team leads see every patient of their organisation; therapists those assigned to them.
    pub async fn patient(&self, pool: &AnyPool, patient_id: i64) -> Result<PatientAccess> {
        let organisation_id = self.organisation_id()?;
        let in_org: Option<i64> = sqlx::query_scalar("SELECT id FROM patients WHERE id = $1 AND organisation_id = $2")
            .bind(patient_id)
            .bind(organisation_id)
            .fetch_optional(pool)
            .await?;
        if in_org.is_none() {
            return Err(Error::NotFound);
        }
        let grant = |acting_role, on_behalf_of| PatientAccess { actor_user_id: self.user.id, acting_role, organisation_id, patient_id, on_behalf_of };
        if self.has(Role::TeamLead) {
            return Ok(grant(Role::TeamLead, None));
        }
        if self.has(Role::Therapist) {
            if let Some(on_behalf_of) = guiding(pool, self.user.id, patient_id).await? {
                return Ok(grant(Role::Therapist, on_behalf_of));
            }
        }
        Err(self.denied())
    }

    /// Access as the one who guides the patient (their therapist, or a colleague covering for
    /// them): for feedback, opening modules and messages, whatever other roles the viewer holds.
    pub async fn assigned_therapist(&self, pool: &AnyPool, patient_id: i64) -> Result<PatientAccess> {
        let access = self.patient(pool, patient_id).await?;
        if access.acting_role == Role::Therapist {
            return Ok(access);
        }
        if self.has(Role::Therapist) {
            if let Some(on_behalf_of) = guiding(pool, self.user.id, patient_id).await? {
                return Ok(PatientAccess { acting_role: Role::Therapist, on_behalf_of, ..access });
            }
        }
        Err(Error::Forbidden)
    }

    /// Patients are not told what staff pages exist (404); staff without access get 403.
    fn denied(&self) -> Error {
        if self.roles().iter().any(|r| r.is_staff()) { Error::Forbidden } else { Error::NotFound }
    }
}

/// Does this therapist guide the patient today? `Some(None)`: assigned to them;
/// `Some(Some(absent))`: covering for the assigned `absent` therapist; `None`: neither.
async fn guiding(pool: &AnyPool, therapist_id: i64, patient_id: i64) -> Result<Option<Option<i64>>> {
    Ok(sqlx::query_scalar(
        "SELECT CASE WHEN a.therapist_id = $1 THEN NULL ELSE a.therapist_id END
           FROM assignments a
          WHERE a.patient_id = $2
            AND (a.therapist_id = $1 OR a.therapist_id IN (
                 SELECT c.absent_id FROM covers c
                  WHERE c.cover_id = $1 AND c.cancelled_at IS NULL AND c.starts_on <= $3 AND c.ends_on >= $3
                    AND c.organisation_id = (SELECT organisation_id FROM patients WHERE id = $2)))
          ORDER BY CASE WHEN a.therapist_id = $1 THEN 0 ELSE 1 END
          LIMIT 1",
    )
    .bind(therapist_id)
    .bind(patient_id)
    .bind(crate::dates::format(crate::dates::today()))
    .fetch_optional(pool)
    .await?)
}
