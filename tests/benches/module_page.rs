//! How long a module page takes to render, as a patient opens it: a real server on SQLite with
//! the demo data, a logged-in patient (questionnaires due but put off, so each page also checks
//! what is due), and each page of a module requested in turn. Prints the
//! median and the 95th percentile. Run with `cargo bench -p stegvis-tests --bench module_page`.

use std::time::{Duration, Instant};

use stegvis_tests::{Backend, TestServer};

const ROUNDS: usize = 60;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (server, cleanup) = TestServer::start(Backend::Sqlite).await.expect("SQLite is always available");
    let patient = server.client();
    patient.login_demo("pasient@stegvis.demo").await;
    // The week's questionnaires, put off: each module page still checks what is due.
    patient.answer_later().await;
    let enrolment: i64 = server
        .id_of(
            "SELECT e.id FROM enrolments e JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1",
            "pasient@stegvis.demo",
        )
        .await;
    // Module 4 is reviewed (its last page shows answers and feedback); module 5 holds a draft
    // (its last page is the worksheet form).
    let mut paths = Vec::new();
    for module in [4, 5] {
        for page in 1..=7 {
            paths.push(format!("/programmes/{enrolment}/modules/{module}?page={page}"));
        }
    }
    // Warm the snapshot cache and the connection pool.
    for path in &paths {
        assert_eq!(patient.get(path).await.status(), 200, "{path}");
    }
    let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS * paths.len());
    for _ in 0..ROUNDS {
        for path in &paths {
            let started = Instant::now();
            let response = patient.get(path).await;
            let body = response.bytes().await.unwrap();
            times.push(started.elapsed());
            assert!(body.len() > 1000);
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "module page render (SQLite, {} requests over {} pages): median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        times.len(),
        paths.len(),
        at(0.5).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        times.last().unwrap().as_secs_f64() * 1000.0
    );
    server.stop().await;
    cleanup.run().await;
}
