//! A real Stegvis server for tests: its own fresh database (a SQLite file, or a new PostgreSQL
//! database), the demo data, a random port on 127.0.0.1, and an HTTP client that behaves like a
//! browser's form posts (cookies, Origin, Accept: text/html, no redirect following).

use std::{path::PathBuf, time::Duration};

use reqwest::{header, redirect::Policy, Client, Response, StatusCode};
use stegvis_platform::db::Db;
use stegvis_server::{seed, Cli, Config};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

pub use stegvis_platform::db::Backend;

/// Where PostgreSQL is found; each test creates its own database there.
pub fn postgres_admin_url() -> String {
    std::env::var("STEGVIS_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn postgres_required() -> bool {
    std::env::var("STEGVIS_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}_{:08x}", std::process::id(), rand::random::<u32>())
}

/// A fresh, empty database of the given kind: its URL, or None when PostgreSQL is not
/// reachable here (said loudly; an error when STEGVIS_REQUIRE_POSTGRES=1, as in CI).
pub async fn fresh_database(backend: Backend) -> Option<(String, Cleanup)> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique("stegvis-test"));
            std::fs::create_dir_all(&dir).unwrap();
            Some((format!("sqlite://{}/stegvis.db", dir.display()), Cleanup::Dir(dir)))
        }
        Backend::Postgres => {
            let admin = postgres_admin_url();
            let pool = match sqlx::PgPool::connect(&admin).await {
                Ok(p) => p,
                Err(e) if !postgres_required() => {
                    eprintln!("\n*** SKIPPED (PostgreSQL): cannot reach {admin}: {e}. Set STEGVIS_TEST_POSTGRES to run the PostgreSQL half. ***\n");
                    return None;
                }
                Err(e) => panic!("PostgreSQL is required here (STEGVIS_REQUIRE_POSTGRES=1) but {admin} is unreachable: {e}"),
            };
            let name = unique("stegvis_t");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&pool).await.unwrap();
            let mut url = url::Url::parse(&admin).unwrap();
            url.set_path(&name);
            Some((url.to_string(), Cleanup::Postgres { admin, name }))
        }
    }
}

pub enum Cleanup {
    Dir(PathBuf),
    Postgres { admin: String, name: String },
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
                }
            }
        }
    }
}

pub struct TestServer {
    pub base: String,
    pub db: Db,
    pub content: std::sync::Arc<stegvis_platform::content::Content>,
    pub config: Config,
    pub mail_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// The configuration a test server runs with; `extra` are further command-line flags.
pub fn config(database_url: &str, mail_dir: &std::path::Path, extra: &[&str]) -> Config {
    let mut args = vec![
        "stegvis".to_string(),
        "--database-url".into(),
        database_url.into(),
        "--public-origin".into(),
        "http://127.0.0.1:3999".into(),
        "--mail-dir".into(),
        mail_dir.display().to_string(),
        "--site-root".into(),
        "target/site".into(),
        "--content-dir".into(),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../content-modules/content").into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    use clap::Parser;
    Cli::try_parse_from(args).expect("test configuration parses").config
}

impl TestServer {
    /// Starts a server over an existing database URL (so a second instance, or a restart, can
    /// share it). The public origin is the server's own address.
    pub async fn on(database_url: &str, mail_dir: PathBuf, extra: &[&str]) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let mut config = config(database_url, &mail_dir, extra);
        config.public_origin = base.clone();
        config.addr = addr;
        let db = Db::connect(database_url).await.expect("database opens");
        let content = stegvis_server::open_content(&config, &db).await.expect("the shipped content loads");
        let (stop, stopped) = oneshot::channel::<()>();
        let (c, d, k) = (config.clone(), db.clone(), content.clone());
        let task = tokio::spawn(async move {
            stegvis_server::serve(&c, d, k, listener, async {
                let _ = stopped.await;
            })
            .await
            .expect("server runs");
        });
        TestServer { base, db, content, config, mail_dir, stop: Some(stop), task: Some(task) }
    }

    /// A new server on a fresh database with the demo organisations; None if the backend is
    /// not available here.
    pub async fn start(backend: Backend) -> Option<(TestServer, Cleanup)> {
        Self::start_with(backend, &[]).await
    }

    pub async fn start_with(backend: Backend, extra: &[&str]) -> Option<(TestServer, Cleanup)> {
        let (url, cleanup) = fresh_database(backend).await?;
        let mail_dir = std::env::temp_dir().join(unique("stegvis-mail"));
        let server = TestServer::on(&url, mail_dir, extra).await;
        seed::demo(&server.db, &server.content, &server.base).await.expect("demo data loads");
        Some((server, cleanup))
    }

    pub fn client(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Stops the server (finishing requests in flight) and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.db.pool.close().await;
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db.pool).await.unwrap()
    }

    pub async fn id_of(&self, sql: &str, bind: &str) -> i64 {
        sqlx::query_scalar(sql).bind(bind).fetch_one(&self.db.pool).await.unwrap()
    }

    /// The patient record id of the demo person with this e-mail.
    pub async fn patient_id(&self, email: &str) -> i64 {
        self.id_of("SELECT p.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.email = $1", email).await
    }

    /// Waits for the outbox worker to write a mail to this address and returns its body.
    pub async fn mail_to(&self, address: &str) -> String {
        for _ in 0..100 {
            if let Ok(entries) = std::fs::read_dir(&self.mail_dir) {
                for entry in entries.flatten() {
                    let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                    if text.contains(&format!("To: {address}")) {
                        let _ = std::fs::remove_file(entry.path());
                        return decode_quoted_printable(&text);
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail to {address} within 10 s");
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The link token in a mail body.
pub fn token_in(mail: &str, path: &str) -> String {
    let start = mail.find(&format!("{path}?token=")).unwrap_or_else(|| panic!("no {path} link in: {mail}")) + path.len() + 7;
    mail[start..].chars().take_while(|c| c.is_ascii_hexdigit()).collect()
}

/// A browser-like client: keeps cookies, sends our Origin on posts, does not follow redirects.
pub struct Browser {
    pub base: String,
    pub http: Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Self::with_jar(base, Default::default())
    }

    /// A client for another instance that carries this one's cookies (same browser, other server).
    pub fn sharing_cookies_with(&self, base: &str) -> Browser {
        use reqwest::cookie::CookieStore;
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let theirs = self.jar.cookies(&self.base.parse().unwrap()).expect("cookies to share");
        for cookie in theirs.to_str().unwrap().split("; ") {
            jar.add_cookie_str(cookie, &base.parse().unwrap());
        }
        Self::with_jar(base, jar)
    }

    fn with_jar(base: &str, jar: std::sync::Arc<reqwest::cookie::Jar>) -> Browser {
        let mut headers = header::HeaderMap::new();
        headers.insert(header::ACCEPT, "text/html".parse().unwrap());
        let http = Client::builder()
            .cookie_provider(jar.clone())
            .redirect(Policy::none())
            .default_headers(headers)
            .build()
            .unwrap();
        Browser { base: base.to_string(), http, jar }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.post_with(path, form, &[]).await
    }

    /// A form post from our own pages, with extra request headers.
    pub async fn post_with(&self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Response {
        let mut request = self.http.post(format!("{}{path}", self.base)).header(header::ORIGIN, &self.base).form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    pub async fn text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        (r.status(), r.text().await.unwrap())
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post("/api/login", &[("email", email), ("password", password)]).await
    }

    /// Logs in with the demo password and checks that it worked.
    pub async fn login_demo(&self, email: &str) {
        let r = self.login(email, seed::DEMO_PASSWORD).await;
        assert_eq!(location(&r), "/", "log-in as {email} should succeed");
    }

    /// A patient with questionnaires due is sent to them first; this puts them off (once) so
    /// that the home page and the modules show.
    pub async fn answer_later(&self) {
        if location(&self.get("/").await) == "/questionnaires" {
            let r = self.post("/api/postpone", &[]).await;
            assert_eq!(location(&r), "/", "questionnaires put off");
        }
    }
}

pub fn location(r: &Response) -> String {
    r.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
}

/// Runs a test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await
                }
            }
        )*
    };
}
