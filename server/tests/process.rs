//! The binary as an operator meets it: --help, clear errors and exit status 2 on bad
//! configuration, and a clean stop on SIGTERM.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const CONTENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content-modules/content");

fn stegvis() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_stegvis"));
    // Only what each test sets: nothing from the developer's shell.
    for var in ["DATABASE_URL", "PUBLIC_ORIGIN", "LEPTOS_SITE_ADDR", "SMTP_URL", "MAIL_FROM", "STEGVIS_DEMO_DATA"] {
        c.env_remove(var);
    }
    c.env("CONTENT_DIR", CONTENT);
    c
}

fn fails_with(args: &[&str], env: &[(&str, &str)], message: &str) {
    let out = stegvis().args(args).envs(env.iter().copied()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "exit status for {env:?}: {stderr}");
    assert!(stderr.contains(message), "{env:?}: expected “{message}” in: {stderr}");
}

#[test]
fn help_names_every_setting() {
    let out = stegvis().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "DATABASE_URL", "LEPTOS_SITE_ADDR", "PUBLIC_ORIGIN", "LEPTOS_SITE_ROOT", "SESSION_IDLE_MINUTES", "COOKIE_SECURE",
        "TRUSTED_PROXIES", "MAX_BODY_BYTES", "LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_IP", "SMTP_URL", "MAIL_DIR",
        "MAIL_FROM", "LOG_FORMAT", "STEGVIS_DEMO_DATA", "CONTENT_DIR",
    ] {
        assert!(help.contains(var), "--help does not mention {var}");
    }
}

#[test]
fn bad_configuration_is_a_clear_error() {
    fails_with(&["migrate"], &[("DATABASE_URL", "mysql://localhost/x")], "DATABASE_URL must start with sqlite:// or postgres://");
    fails_with(&["migrate"], &[("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")], "cannot open the database");
    fails_with(&["migrate"], &[("DATABASE_URL", "sqlite:///proc/stegvis/data.db")], "cannot create the directory /proc/stegvis");
    fails_with(&["migrate"], &[("PUBLIC_ORIGIN", "not a url")], "PUBLIC_ORIGIN is not a valid URL");
    fails_with(&["migrate"], &[("PUBLIC_ORIGIN", "https://stegvis.example.no/app")], "PUBLIC_ORIGIN must be http(s)://host[:port] with no path");
    fails_with(&["migrate"], &[("MAIL_FROM", "nobody")], "MAIL_FROM is not a valid address");
    let out = stegvis().env("SESSION_IDLE_MINUTES", "0").arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "clap refuses values out of range");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = std::env::temp_dir().join(format!("stegvis-process-{}", std::process::id()));
    let port = free_port();
    let (mut child, lines) = start(&dir, port, &[]);
    let health = std::net::TcpStream::connect(("127.0.0.1", port));
    assert!(health.is_ok());
    sigterm(child.id());
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(stopped.elapsed() < Duration::from_secs(10), "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")), "logged the shutdown: {rest:?}");
    let _ = std::fs::remove_dir_all(dir);
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

type Lines = std::io::Lines<BufReader<std::process::ChildStdout>>;

/// Starts the server on a SQLite database in `dir` and waits until it says it is serving.
fn start(dir: &std::path::Path, port: u16, env: &[(&str, &str)]) -> (std::process::Child, Lines) {
    let mut child = stegvis()
        .env("DATABASE_URL", format!("sqlite://{}/stegvis.db", dir.display()))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PUBLIC_ORIGIN", format!("http://127.0.0.1:{port}"))
        .env("MAIL_DIR", dir.join("mail"))
        .env("LOG_FORMAT", "json")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let Some(Ok(line)) = lines.next() else { break };
        if line.contains("Stegvis is serving") {
            // Logs are JSON for collectors when asked.
            assert!(line.trim_start().starts_with('{'), "json log line: {line}");
            return (child, lines);
        }
    }
    let _ = child.kill();
    panic!("the server did not start");
}

/// Copies a folder (the content fixtures) so a test can break the copy.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn content_check_validates_a_folder_and_names_file_and_line() {
    let out = stegvis().args(["content", "check"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid (4 programmes"));

    let dir = std::env::temp_dir().join(format!("stegvis-content-check-{}", std::process::id()));
    copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content-modules/tests/fixtures/minimal"), &dir);
    let page = dir.join("programmes/demo/second/en.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("{#two}", "{#Two}")).unwrap();
    let dir_text = dir.display().to_string();
    fails_with(&["content", "check", &dir_text], &[], "programmes/demo/second/en.md:10: page id `Two` may only hold lowercase letters, digits and `-`");
    // The server refuses to start on it, with the same message.
    let db = format!("sqlite://{}/db/stegvis.db", dir.display());
    fails_with(&[], &[("CONTENT_DIR", &dir_text), ("DATABASE_URL", &db)], "programmes/demo/second/en.md:10: page id `Two`");
    let _ = std::fs::remove_dir_all(dir);
}

/// What a patient saved survives the server being killed outright and started again.
#[tokio::test]
async fn a_draft_survives_sigkill_and_restart() {
    let dir = std::env::temp_dir().join(format!("stegvis-sigkill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let demo = [("STEGVIS_DEMO_DATA", "1")];
    let (mut child, _lines) = start(&dir, port, &demo);
    let client = |jar: std::sync::Arc<reqwest::cookie::Jar>| {
        reqwest::Client::builder().cookie_provider(jar).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    };
    let post = |c: &reqwest::Client, path: &str, form: &[(&str, &str)]| {
        c.post(format!("{base}{path}")).header("Origin", &base).form(form).send()
    };
    let browser = client(Default::default());
    let login = [("email", "ny.panikk@stegvis.demo"), ("password", "stegvis-demo")];
    assert_eq!(post(&browser, "/api/login", &login).await.unwrap().status(), 303);
    // The start questionnaires come first: answer the first, put the other off.
    let due = browser.get(format!("{base}/questionnaires")).send().await.unwrap().text().await.unwrap();
    let questionnaire = due.split("href=\"/questionnaires/").nth(1).and_then(|s| s.split('"').next()).expect("a questionnaire due").to_string();
    let mut answers = vec![("questionnaire".to_string(), questionnaire)];
    answers.extend((1..=9).map(|n| (format!("i.phq9_{n}"), if n == 9 { "0" } else { "2" }.to_string())));
    let answers: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(post(&browser, "/api/questionnaire", &answers).await.unwrap().status(), 303);
    assert_eq!(post(&browser, "/api/postpone", &[]).await.unwrap().status(), 303);
    let home = browser.get(format!("{base}/")).send().await.unwrap().text().await.unwrap();
    let module = home.split("href=\"/programmes/").nth(1).and_then(|s| s.split('"').next()).expect("a link to the module").to_string();
    let enrolment = module.split('/').next().unwrap().to_string();
    let typed = "Ta bussen til byen alene – skrevet like før strømbruddet";
    let form = [("enrolment", enrolment.as_str()), ("module", "1"), ("pages", "7"), ("action", "save"), ("a.goals.0.goal", typed)];
    assert_eq!(post(&browser, "/api/homework", &form).await.unwrap().status(), 303);
    // No graceful stop: SIGKILL.
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, _lines) = start(&dir, port, &demo);
    let browser = client(Default::default());
    assert_eq!(post(&browser, "/api/login", &login).await.unwrap().status(), 303);
    let page = browser.get(format!("{base}/programmes/{enrolment}/modules/1?page=7")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(typed), "the draft is back after the restart");
    let progress = browser.get(format!("{base}/progress")).send().await.unwrap().text().await.unwrap();
    assert!(progress.contains("Du har svart én gang (16)"), "the questionnaire answered before the kill is there, with its total (8 × 2)");
    sigterm(child.id());
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// Sends SIGTERM with the `kill` command (no libc dependency for one signal).
fn sigterm(pid: u32) {
    let ok = Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap().success();
    assert!(ok);
}
