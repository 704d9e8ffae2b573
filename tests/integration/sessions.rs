//! Log-in, log-out, idle timeout, session rotation, and sessions shared across instances.

use stegvis_tests::{location, on_both, Backend, TestServer};

async fn login_and_logout(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    let r = b.get("/").await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(&r), "/login");

    b.login_demo("behandler@stegvis.demo").await;
    let (status, home) = b.text("/").await;
    assert_eq!(status, 200);
    assert!(home.contains("Maria Johansen"), "home greets the therapist");
    assert!(home.contains("Mine pasienter"));

    let r = b.post("/api/logout", &[]).await;
    assert_eq!(location(&r), "/login");
    let (_, login) = b.text("/login").await;
    assert!(login.contains("Du er logget ut."), "the log-in page says so");
    assert_eq!(b.get("/").await.status(), 302, "logged out");
    server.stop().await;
    cleanup.run().await;
}

async fn wrong_password_changes_nothing(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    let r = b.login("behandler@stegvis.demo", "wrong password").await;
    assert_eq!(location(&r), "/login");
    let (_, page) = b.text("/login").await;
    assert!(page.contains("E-postadressen eller passordet er feil."));
    assert!(page.contains("value=\"behandler@stegvis.demo\""), "the e-mail typed is kept");
    assert_eq!(b.get("/").await.status(), 302, "still logged out");
    // Unknown accounts answer exactly the same.
    let r = b.login("nobody@stegvis.demo", "whatever it is").await;
    assert_eq!(location(&r), "/login");
    let (_, page) = b.text("/login").await;
    assert!(page.contains("E-postadressen eller passordet er feil."));
    server.stop().await;
    cleanup.run().await;
}

/// The session id changes at log-in (no session fixation).
async fn session_id_rotates_at_login(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    // A failed log-in stores the form's errors, which starts an anonymous session.
    let r = b.login("behandler@stegvis.demo", "wrong password").await;
    let before = set_cookie(&r).expect("an anonymous session cookie");
    let r = b.login("behandler@stegvis.demo", stegvis_server::seed::DEMO_PASSWORD).await;
    let after = set_cookie(&r).expect("a new session cookie at log-in");
    assert_ne!(before, after);
    server.stop().await;
    cleanup.run().await;
}

fn set_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("stegvis="))
        .map(|c| c.split(';').next().unwrap().to_string())
}

/// A log-in survives a restart, and works on a second instance over the same database.
async fn sessions_survive_restart_and_span_instances(backend: Backend) {
    let Some((first, cleanup)) = TestServer::start(backend).await else { return };
    let url = first.config.database_url.clone();
    let b = first.client();
    b.login_demo("teamleder@stegvis.demo").await;
    assert_eq!(b.get("/").await.status(), 200);

    let second = TestServer::on(&url, first.mail_dir.clone(), &[]).await;
    let (status, page) = b.sharing_cookies_with(&second.base).text("/").await;
    assert_eq!(status, 200, "the second instance knows the session");
    assert!(page.contains("Erik Nilsen"));

    // Stop both and start again: still logged in.
    first.stop().await;
    second.stop().await;
    let again = TestServer::on(&url, std::env::temp_dir(), &[]).await;
    let (status, _) = b.sharing_cookies_with(&again.base).text("/").await;
    assert_eq!(status, 200, "the log-in survived the restart");
    again.stop().await;
    cleanup.run().await;
}

/// A session idle for longer than the timeout is over.
async fn idle_sessions_expire(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    b.login_demo("pasient@stegvis.demo").await;
    b.answer_later().await;
    assert_eq!(b.get("/").await.status(), 200);
    let (table, expiry) = match backend {
        Backend::Sqlite => ("tower_sessions", "CAST(strftime('%s', expiry_date) AS INTEGER)"),
        Backend::Postgres => ("tower_sessions.session", "CAST(EXTRACT(EPOCH FROM expiry_date) AS BIGINT)"),
    };
    // The stored expiry is 30 minutes (the default idle timeout) ahead…
    let ahead = server.scalar(&format!("SELECT MAX({expiry}) FROM {table}")).await - stegvis_platform::now();
    assert!((29 * 60..=30 * 60 + 5).contains(&ahead), "expiry {ahead} s ahead");
    // …and every page view moves it on (idle, not absolute, timeout).
    let soon = match backend {
        Backend::Sqlite => format!("UPDATE {table} SET expiry_date = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+60 seconds')"),
        Backend::Postgres => format!("UPDATE {table} SET expiry_date = now() + interval '60 seconds'"),
    };
    sqlx::query(&soon).execute(&server.db.pool).await.unwrap();
    assert_eq!(b.get("/settings").await.status(), 200);
    let ahead = server.scalar(&format!("SELECT MAX({expiry}) FROM {table}")).await - stegvis_platform::now();
    assert!(ahead > 29 * 60, "activity renewed the session: {ahead} s ahead");
    // Static files do not touch the session (they are served outside it).
    sqlx::query(&soon).execute(&server.db.pool).await.unwrap();
    b.get("/pkg/stegvis.css").await;
    let ahead = server.scalar(&format!("SELECT MAX({expiry}) FROM {table}")).await - stegvis_platform::now();
    assert!(ahead <= 120, "an asset request renewed the session: {ahead} s ahead");

    // …and once it has passed, the session is gone.
    let past = match backend {
        Backend::Sqlite => format!("UPDATE {table} SET expiry_date = '2000-01-01T00:00:00Z'"),
        Backend::Postgres => format!("UPDATE {table} SET expiry_date = now() - interval '1 minute'"),
    };
    sqlx::query(&past).execute(&server.db.pool).await.unwrap();
    let r = b.get("/access-log").await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(&r), "/login?expired=1&next=/access-log", "told why, and brought back afterwards");
    let (_, page) = b.text("/login?expired=1&next=/access-log").await;
    assert!(page.contains("Du ble logget ut fordi du ikke hadde vært aktiv"));
    let r = b.post("/api/login", &[("email", "pasient@stegvis.demo"), ("password", stegvis_server::seed::DEMO_PASSWORD), ("next", "/access-log")]).await;
    assert_eq!(location(&r), "/access-log");
    server.stop().await;
    cleanup.run().await;
}

on_both!(
    login_and_logout,
    wrong_password_changes_nothing,
    session_id_rotates_at_login,
    sessions_survive_restart_and_span_instances,
    idle_sessions_expire,
);

/// Several instances starting together on one PostgreSQL migrate it once (sqlx holds an
/// advisory lock while it migrates). SQLite serves one instance, so it is not asked to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_once() {
    let Some((url, cleanup)) = stegvis_tests::fresh_database(Backend::Postgres).await else { return };
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { stegvis_platform::db::Db::connect(&url).await.map(drop) })
        })
        .collect();
    for start in starts {
        start.await.unwrap().expect("every instance starts");
    }
    let db = stegvis_platform::db::Db::connect(&url).await.unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&db.pool).await.unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../server/platform/migrations/postgres")).unwrap().count();
    assert_eq!(applied as usize, files);
    db.pool.close().await;
    cleanup.run().await;
}
