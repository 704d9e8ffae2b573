//! Team administration by the organisation's administrators: a staff member's roles, and
//! deactivation, which ends every session of theirs at once. Both are refused while a
//! therapist still guides patients in a running programme (move them first), and nobody can
//! take away their own administration.

use sqlx::AnyPool;

use crate::{
    access::Viewer,
    audit::{self, Action},
    dates, now,
    org::Role,
    Error, Result,
};

/// Patients in a running programme whom this therapist guides in the organisation.
async fn active_patients(pool: &AnyPool, organisation_id: i64, user_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(DISTINCT a.patient_id) FROM assignments a JOIN patients p ON p.id = a.patient_id JOIN enrolments e ON e.patient_id = p.id
          WHERE a.therapist_id = $1 AND p.organisation_id = $2 AND e.ended_at IS NULL AND e.end_date >= $3",
    )
    .bind(user_id)
    .bind(organisation_id)
    .bind(dates::format(dates::today()))
    .fetch_one(pool)
    .await?)
}

/// Sets a staff member's roles in the viewer's organisation; no roles is a deactivation.
pub async fn set_roles(pool: &AnyPool, viewer: &Viewer, user_id: i64, roles: &[Role], request_id: &str) -> Result<()> {
    viewer.require(&[Role::OrgAdmin])?;
    let organisation_id = viewer.organisation_id()?;
    let before: Vec<String> = sqlx::query_scalar("SELECT role FROM staff_roles WHERE user_id = $1 AND organisation_id = $2 ORDER BY role").bind(user_id).bind(organisation_id).fetch_all(pool).await?;
    if before.is_empty() {
        return Err(Error::NotFound);
    }
    let mut after: Vec<Role> = roles.iter().copied().filter(|r| r.is_staff()).collect();
    after.sort_by_key(|r| r.as_str());
    after.dedup();
    if user_id == viewer.user.id && !after.contains(&Role::OrgAdmin) {
        return Err(Error::invalid("roles", "own_admin"));
    }
    if before.iter().any(|r| r == "therapist") && !after.contains(&Role::Therapist) {
        let guided = active_patients(pool, organisation_id, user_id).await?;
        if guided > 0 {
            return Err(Error::invalid("roles", &format!("move_patients_first:{guided}")));
        }
    }
    let after_text = after.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM staff_roles WHERE user_id = $1 AND organisation_id = $2").bind(user_id).bind(organisation_id).execute(&mut *tx).await?;
    for role in &after {
        crate::accounts::grant_role(&mut tx, user_id, organisation_id, *role).await?;
    }
    if after.is_empty() {
        sqlx::query("UPDATE users SET session_epoch = session_epoch + 1 WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
    }
    sqlx::query("INSERT INTO staff_changes (organisation_id, user_id, roles_before, roles_after, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(organisation_id)
        .bind(user_id)
        .bind(before.join(","))
        .bind(&after_text)
        .bind(viewer.user.id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    let action = if after.is_empty() { Action::DeactivateStaff } else { Action::ChangeRoles };
    audit::write(&mut tx, viewer.user.id, Role::OrgAdmin, organisation_id, None, action, request_id).await?;
    tx.commit().await?;
    Ok(())
}
