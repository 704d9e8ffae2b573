//! The binary as an operator meets it: --help, clear errors and exit status 2 on bad
//! configuration, and a clean stop on SIGTERM.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

fn stegvis() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_stegvis"));
    // Only what each test sets: nothing from the developer's shell.
    for var in ["DATABASE_URL", "PUBLIC_ORIGIN", "LEPTOS_SITE_ADDR", "SMTP_URL", "MAIL_FROM", "STEGVIS_DEMO_DATA"] {
        c.env_remove(var);
    }
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
        "MAIL_FROM", "LOG_FORMAT", "STEGVIS_DEMO_DATA",
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
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = stegvis()
        .env("DATABASE_URL", format!("sqlite://{}/stegvis.db", dir.display()))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PUBLIC_ORIGIN", format!("http://127.0.0.1:{port}"))
        .env("MAIL_DIR", dir.join("mail"))
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    let mut serving = false;
    while started.elapsed() < Duration::from_secs(30) {
        let Some(Ok(line)) = lines.next() else { break };
        if line.contains("Stegvis is serving") {
            // Logs are JSON for collectors when asked.
            assert!(line.trim_start().starts_with('{'), "json log line: {line}");
            serving = true;
            break;
        }
    }
    assert!(serving, "the server did not start");
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

/// Sends SIGTERM with the `kill` command (no libc dependency for one signal).
fn sigterm(pid: u32) {
    let ok = Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap().success();
    assert!(ok);
}
