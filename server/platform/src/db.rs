//! One connection pool over SQLite or PostgreSQL, chosen by the URL at start-up.
//!
//! Queries are written once, with `$1` placeholders (SQLite reads them as numbered parameters),
//! and run through sqlx's `Any` driver. The session store needs typed pools, so it gets its own.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    any::{AnyPoolOptions, install_default_drivers},
    migrate::Migrator,
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    AnyPool, Executor,
};
use tower_sessions::{
    session::{Id, Record},
    session_store, ExpiredDeletion, SessionStore,
};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    sessions: Sessions,
}

/// Why the database could not be opened: each names what the operator must fix.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (got a URL with scheme `{0}`)")]
    UnsupportedScheme(String),
    #[error("DATABASE_URL is not a valid URL: {0}")]
    Malformed(String),
    #[error("cannot create the directory {path} for the SQLite database: {source}")]
    Directory { path: String, source: std::io::Error },
    #[error("cannot open the database: {0}")]
    Open(sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens (creating a SQLite file and its directory if need be) and migrates the database.
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        install_default_drivers();
        let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
        let db = match scheme {
            "sqlite" => Self::connect_sqlite(url).await?,
            "postgres" | "postgresql" => Self::connect_postgres(url).await?,
            other => return Err(ConnectError::UnsupportedScheme(other.to_string())),
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn connect_sqlite(url: &str) -> Result<Db, ConnectError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| ConnectError::Malformed(e.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let file = options.get_filename().to_path_buf();
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            ensure_writable_dir(dir)?;
        }
        // The typed pool creates the file and switches it to WAL before the Any pool opens it.
        let typed = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(ConnectError::Open)?;
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;")
                        .await?;
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(ConnectError::Open)?;
        Ok(Db { pool, backend: Backend::Sqlite, sessions: Sessions::Sqlite(SqliteStore::new(typed)) })
    }

    async fn connect_postgres(url: &str) -> Result<Db, ConnectError> {
        url::Url::parse(url).map_err(|e| ConnectError::Malformed(e.to_string()))?;
        let acquire = Duration::from_secs(10);
        let typed = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(acquire)
            .connect(url)
            .await
            .map_err(ConnectError::Open)?;
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(acquire)
            .connect(url)
            .await
            .map_err(ConnectError::Open)?;
        Ok(Db { pool, backend: Backend::Postgres, sessions: Sessions::Postgres(PostgresStore::new(typed)) })
    }

    /// Runs the migrations. On PostgreSQL sqlx holds an advisory lock meanwhile, so several
    /// instances starting together migrate once.
    async fn migrate(&self) -> Result<(), ConnectError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        self.sessions.migrate().await.map_err(|e| ConnectError::Open(sqlx::Error::Protocol(e.to_string())))?;
        Ok(())
    }

    /// The session store over this database.
    pub fn session_store(&self) -> Sessions {
        self.sessions.clone()
    }
}

fn ensure_writable_dir(dir: &Path) -> Result<(), ConnectError> {
    let fail = |source| ConnectError::Directory { path: dir.display().to_string(), source };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = dir.join(".stegvis-write-probe");
    std::fs::write(&probe, b"").map_err(fail)?;
    std::fs::remove_file(&probe).map_err(fail)?;
    Ok(())
}

/// Sessions live in the database, so a log-in survives a restart and works on every instance.
#[derive(Clone, Debug)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    async fn migrate(&self) -> sqlx::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.migrate().await,
            Sessions::Postgres(s) => s.migrate().await,
        }
    }
}

#[async_trait::async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.create(record).await,
            Sessions::Postgres(s) => s.create(record).await,
        }
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.save(record).await,
            Sessions::Postgres(s) => s.save(record).await,
        }
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Sessions::Sqlite(s) => s.load(id).await,
            Sessions::Postgres(s) => s.load(id).await,
        }
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.delete(id).await,
            Sessions::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            Sessions::Sqlite(s) => s.delete_expired().await,
            Sessions::Postgres(s) => s.delete_expired().await,
        }
    }
}
