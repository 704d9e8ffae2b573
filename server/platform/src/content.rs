//! Treatment content in the database: a snapshot of every programme as it was when a patient
//! enrolled. Enrolments point at their snapshot for life, so editing the content folder never
//! changes what a patient is reading or what they already submitted.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use sqlx::AnyPool;
use stegvis_content::{Library, Programme};

use crate::{now, Error, Result};

/// The programmes new enrolments get, and a cache of the snapshots enrolments point at.
/// Snapshots never change once written, so caching them in the process is safe with several
/// instances.
pub struct Content {
    current: Vec<(i64, Arc<Programme>)>,
    snapshots: RwLock<HashMap<i64, Arc<Programme>>>,
}

impl Content {
    /// Stores a snapshot of each programme of `library` whose content is new (by fingerprint);
    /// the newest snapshot of each becomes the one new enrolments get.
    pub async fn install(pool: &AnyPool, library: Library) -> Result<Content> {
        let mut current = Vec::new();
        for programme in library.programmes {
            let fingerprint = programme.fingerprint();
            let definition = serde_json::to_string(&programme).map_err(|e| Error::Internal(e.to_string()))?;
            sqlx::query(
                "INSERT INTO programme_versions (programme_id, label, fingerprint, definition, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (programme_id, fingerprint) DO NOTHING",
            )
            .bind(&programme.id)
            .bind(&programme.version)
            .bind(&fingerprint)
            .bind(&definition)
            .bind(now())
            .execute(pool)
            .await?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM programme_versions WHERE programme_id = $1 AND fingerprint = $2")
                .bind(&programme.id)
                .bind(&fingerprint)
                .fetch_one(pool)
                .await?;
            current.push((id, Arc::new(programme)));
        }
        let snapshots = RwLock::new(current.iter().cloned().collect());
        Ok(Content { current, snapshots })
    }

    /// The programmes offered for new enrolments, with their snapshot ids.
    pub fn programmes(&self) -> &[(i64, Arc<Programme>)] {
        &self.current
    }

    pub fn current(&self, programme_id: &str) -> Option<&(i64, Arc<Programme>)> {
        self.current.iter().find(|(_, p)| p.id == programme_id)
    }

    /// The snapshot an enrolment points at.
    pub async fn snapshot(&self, pool: &AnyPool, version_id: i64) -> Result<Arc<Programme>> {
        if let Some(p) = self.snapshots.read().expect("snapshot cache").get(&version_id) {
            return Ok(p.clone());
        }
        let definition: String = sqlx::query_scalar("SELECT definition FROM programme_versions WHERE id = $1")
            .bind(version_id)
            .fetch_optional(pool)
            .await?
            .ok_or(Error::NotFound)?;
        let programme: Arc<Programme> =
            Arc::new(serde_json::from_str(&definition).map_err(|e| Error::Internal(format!("snapshot {version_id}: {e}")))?);
        self.snapshots.write().expect("snapshot cache").insert(version_id, programme.clone());
        Ok(programme)
    }
}
