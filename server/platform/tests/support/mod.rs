//! What the platform's database tests share: a fresh SQLite or PostgreSQL database per test,
//! removed afterwards, and one test per database for each scenario.
//!
//! PostgreSQL: `STEGVIS_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`); each
//! test makes its own database there and drops it. Unreachable, the PostgreSQL half is skipped
//! loudly, or fails with `STEGVIS_REQUIRE_POSTGRES=1`.

use std::{
    future::Future,
    path::PathBuf,
    time::{Duration, Instant},
};

use stegvis_platform::db::Backend;

fn postgres_admin_url() -> String {
    std::env::var("STEGVIS_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn postgres_required() -> bool {
    std::env::var("STEGVIS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}_{:08x}", std::process::id(), rand::random::<u32>())
}

pub enum Cleanup {
    Dir(PathBuf),
    Postgres { admin: String, name: String },
}

/// A fresh database's URL (named after `prefix`), or None when PostgreSQL is unreachable (and
/// not required).
pub async fn fresh_database(backend: Backend, prefix: &str) -> Option<(String, Cleanup)> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique(prefix));
            std::fs::create_dir_all(&dir).unwrap();
            Some((format!("sqlite://{}/stegvis.db", dir.display()), Cleanup::Dir(dir)))
        }
        Backend::Postgres => {
            let admin = postgres_admin_url();
            let options = sqlx::postgres::PgPoolOptions::new().max_connections(1).acquire_timeout(Duration::from_secs(3));
            let pool = match options.connect(&admin).await {
                Ok(pool) => pool,
                Err(e) if !postgres_required() => {
                    eprintln!("\n*** SKIPPED (PostgreSQL): cannot reach {admin}: {e}. Set STEGVIS_TEST_POSTGRES to run the PostgreSQL half. ***\n");
                    return None;
                }
                Err(e) => panic!("PostgreSQL is required here (STEGVIS_REQUIRE_POSTGRES=1) but {admin} is unreachable: {e}"),
            };
            let name = unique(prefix);
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&pool).await.unwrap();
            // A throw-away database need not wait for the disk on every commit; locking and
            // visibility, which these tests are about, are the same.
            sqlx::query(&format!("ALTER DATABASE {name} SET synchronous_commit = off")).execute(&pool).await.unwrap();
            pool.close().await;
            let mut url = url::Url::parse(&admin).unwrap();
            url.set_path(&name);
            Some((url.to_string(), Cleanup::Postgres { admin, name }))
        }
    }
}

impl Cleanup {
    pub async fn run(self) {
        match self {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin, name } => {
                if let Ok(pool) = sqlx::PgPool::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&pool).await;
                    pool.close().await;
                }
            }
        }
    }
}

/// Runs `scenario` on a fresh database of the kind and removes the database even if it fails;
/// a scenario still running after `limit` (a hang) fails instead of stalling the run.
pub async fn run_on<F: Future<Output = ()> + Send + 'static>(backend: Backend, prefix: &str, limit: Duration, scenario: fn(String) -> F) {
    let Some((url, cleanup)) = fresh_database(backend, prefix).await else { return };
    let started = Instant::now();
    let outcome = tokio::spawn(async move { tokio::time::timeout(limit, scenario(url)).await.expect("the scenario finishes in time") }).await;
    eprintln!("{backend:?}: {:.2} s", started.elapsed().as_secs_f64());
    cleanup.run().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("scenario did not finish: {e}"),
        }
    }
}

/// One test per database for a scenario: `<scenario>::sqlite` and `<scenario>::postgres`, each
/// on a fresh database named after `$prefix`, failing after `$limit`.
macro_rules! on_both_databases {
    ($prefix:literal, $limit:expr; $($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::support::run_on(stegvis_platform::db::Backend::Sqlite, $prefix, $limit, super::$scenario).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::support::run_on(stegvis_platform::db::Backend::Postgres, $prefix, $limit, super::$scenario).await
            }
        }
    )*};
}
pub(crate) use on_both_databases;
