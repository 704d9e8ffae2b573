//! Organisations and the roles people hold in them.

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Patient,
    Therapist,
    TeamLead,
    OrgAdmin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Patient, Role::Therapist, Role::TeamLead, Role::OrgAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Patient => "patient",
            Role::Therapist => "therapist",
            Role::TeamLead => "team_lead",
            Role::OrgAdmin => "org_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_staff(self) -> bool {
        self != Role::Patient
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Organisation {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
}

/// The organisations a person belongs to, with the roles held in each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub organisation: Organisation,
    pub roles: Vec<Role>,
    /// Set when the person is a patient of this organisation.
    pub patient_id: Option<i64>,
}

#[derive(FromRow)]
struct MembershipRow {
    id: i64,
    slug: String,
    name: String,
    kind: String,
    role: String,
    patient_id: Option<i64>,
}

pub async fn memberships(pool: &AnyPool, user_id: i64) -> Result<Vec<Membership>> {
    let rows: Vec<MembershipRow> = sqlx::query_as(
        "SELECT o.id, o.slug, o.name, o.kind, s.role, NULL AS patient_id
           FROM staff_roles s JOIN organisations o ON o.id = s.organisation_id
          WHERE s.user_id = $1
         UNION ALL
         SELECT o.id, o.slug, o.name, o.kind, 'patient' AS role, p.id AS patient_id
           FROM patients p JOIN organisations o ON o.id = p.organisation_id
          WHERE p.user_id = $2
         ORDER BY 3, 1",
    )
    .bind(user_id)
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    let mut out: Vec<Membership> = Vec::new();
    for row in rows {
        let Some(role) = Role::parse(&row.role) else { continue };
        if out.last().map(|m| m.organisation.id) != Some(row.id) {
            out.push(Membership {
                organisation: Organisation { id: row.id, slug: row.slug, name: row.name, kind: row.kind },
                roles: Vec::new(),
                patient_id: None,
            });
        }
        let m = out.last_mut().expect("pushed above");
        m.roles.push(role);
        m.roles.sort();
        if row.patient_id.is_some() {
            m.patient_id = row.patient_id;
        }
    }
    Ok(out)
}

pub async fn create(pool: &AnyPool, slug: &str, name: &str, kind: &str) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (slug, name, kind, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .bind(kind)
    .bind(crate::now())
    .fetch_one(pool)
    .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
        assert!(!Role::Patient.is_staff());
        assert!(Role::TeamLead.is_staff());
    }
}

pub async fn name(pool: &AnyPool, organisation_id: i64) -> Result<String> {
    Ok(sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1").bind(organisation_id).fetch_one(pool).await?)
}

/// A trivial query, for the health check.
pub async fn ping(pool: &AnyPool) -> Result<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}
