//! Holiday cover: a colleague acts for an absent therapist for a period. While it runs the
//! colleague sees the absent therapist's patients in their caseload and may act on them; every
//! such act's audit row names the therapist they covered for.

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::{
    access::Viewer,
    audit::{self, Action},
    dates, now,
    org::Role,
    Error, Result,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Cover {
    pub id: i64,
    pub absent_id: i64,
    pub absent_name: String,
    pub cover_id: i64,
    pub cover_name: String,
    pub starts_on: String,
    pub ends_on: String,
}

const COVER_LIST: &str = "SELECT c.id, c.absent_id, a.display_name AS absent_name, c.cover_id, b.display_name AS cover_name, c.starts_on, c.ends_on
   FROM covers c JOIN users a ON a.id = c.absent_id JOIN users b ON b.id = c.cover_id
  WHERE c.organisation_id = $1 AND c.cancelled_at IS NULL AND c.ends_on >= $2";

/// Current and planned covers the viewer may see: a team lead all of the organisation's,
/// a therapist those they are absent from or cover in.
pub async fn visible(pool: &AnyPool, viewer: &Viewer) -> Result<Vec<Cover>> {
    let organisation_id = viewer.organisation_id()?;
    let today = dates::format(dates::today());
    let rows: Vec<Cover> = if viewer.has(Role::TeamLead) {
        sqlx::query_as(&format!("{COVER_LIST} ORDER BY c.starts_on, c.id")).bind(organisation_id).bind(today).fetch_all(pool).await?
    } else {
        sqlx::query_as(&format!("{COVER_LIST} AND (c.absent_id = $3 OR c.cover_id = $3) ORDER BY c.starts_on, c.id"))
            .bind(organisation_id)
            .bind(today)
            .bind(viewer.user.id)
            .fetch_all(pool)
            .await?
    };
    Ok(rows)
}

/// The therapists `user_id` covers for today.
pub async fn covering_for(pool: &AnyPool, organisation_id: i64, user_id: i64) -> Result<Vec<i64>> {
    let today = dates::format(dates::today());
    Ok(sqlx::query_scalar(
        "SELECT absent_id FROM covers WHERE organisation_id = $1 AND cover_id = $2 AND cancelled_at IS NULL AND starts_on <= $3 AND ends_on >= $3",
    )
    .bind(organisation_id)
    .bind(user_id)
    .bind(today)
    .fetch_all(pool)
    .await?)
}

async fn is_therapist(pool: &AnyPool, organisation_id: i64, user_id: i64) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar("SELECT user_id FROM staff_roles WHERE organisation_id = $1 AND user_id = $2 AND role = 'therapist'")
        .bind(organisation_id)
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

/// Names `cover_id` to act for `absent_id` from `starts_on` to `ends_on`. A therapist arranges
/// cover for their own absence; a team lead for anyone in the team.
pub async fn create(pool: &AnyPool, viewer: &Viewer, absent_id: i64, cover_id: i64, starts_on: &str, ends_on: &str, request_id: &str) -> Result<i64> {
    let organisation_id = viewer.organisation_id()?;
    let role = viewer.require(&[Role::TeamLead, Role::Therapist])?;
    if role == Role::Therapist && absent_id != viewer.user.id {
        return Err(Error::Forbidden);
    }
    let mut problems = Vec::new();
    if !is_therapist(pool, organisation_id, absent_id).await? {
        problems.push(Error::invalid("absent_id", "not_a_therapist"));
    }
    if absent_id == cover_id {
        problems.push(Error::invalid("cover_id", "cover_self"));
    } else if !is_therapist(pool, organisation_id, cover_id).await? {
        problems.push(Error::invalid("cover_id", "not_a_therapist"));
    }
    let starts = dates::parse(starts_on);
    let ends = dates::parse(ends_on);
    if starts.is_none() {
        problems.push(Error::invalid("starts_on", "invalid_date"));
    }
    match (starts, ends) {
        (_, None) => problems.push(Error::invalid("ends_on", "invalid_date")),
        (Some(s), Some(e)) if e < s => problems.push(Error::invalid("ends_on", "ends_before_start")),
        (_, Some(e)) if e < dates::today() => problems.push(Error::invalid("ends_on", "in_past")),
        _ => {}
    }
    let (Some(starts), Some(ends), true) = (starts, ends, problems.is_empty()) else { return Err(Error::merge(problems)) };
    let mut tx = pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO covers (organisation_id, absent_id, cover_id, starts_on, ends_on, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(organisation_id)
    .bind(absent_id)
    .bind(cover_id)
    .bind(dates::format(starts))
    .bind(dates::format(ends))
    .bind(viewer.user.id)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    audit::write(&mut tx, viewer.user.id, role, organisation_id, None, Action::SetCover, request_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Ends a cover arrangement early (the absent therapist, the colleague or a team lead).
pub async fn cancel(pool: &AnyPool, viewer: &Viewer, id: i64, request_id: &str) -> Result<()> {
    let organisation_id = viewer.organisation_id()?;
    let role = viewer.require(&[Role::TeamLead, Role::Therapist])?;
    let cover = visible(pool, viewer).await?.into_iter().find(|c| c.id == id).ok_or(Error::NotFound)?;
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE covers SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL").bind(now()).bind(cover.id).execute(&mut *tx).await?;
    audit::write(&mut tx, viewer.user.id, role, organisation_id, None, Action::CancelCover, request_id).await?;
    tx.commit().await?;
    Ok(())
}
