//! The caseload page at scale: an organisation of 10,000 patients and 150 therapists, with
//! weeks of questionnaires, homework, feedback and messages; the therapist with 80 patients
//! opens the staff home page, which is their caseload. Prints the median and 95th percentile
//! render time and the database queries per request (counted from sqlx's own statement events),
//! on SQLite and on PostgreSQL (skipped, said loudly, where none is reachable).
//! Then the team lead's service report over the same organisation, every patient referred and
//! every fourth course ended. Run with `cargo bench -p stegvis-tests --bench caseload`.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

use stegvis_platform::dates;
use stegvis_tests::{Backend, TestServer};
use tracing::{subscriber::Interest, Metadata};
use tracing_subscriber::{layer::Context, prelude::*, Layer};

const PATIENTS: usize = 10_000;
const THERAPISTS: usize = 150;
/// Patients of the therapist whose caseload is measured.
const CASELOAD: usize = 80;
const ROUNDS: usize = 40;
const CHUNK: usize = 500;

/// Counts sqlx's statement events while `COUNTING` is on (and asks for them only then, so the
/// timed rounds do not pay for formatting them).
static COUNTING: AtomicBool = AtomicBool::new(false);
static QUERIES: AtomicUsize = AtomicUsize::new(0);
/// The statements counted, with their time in ms (for the slowest-statements line).
static TIMED: Mutex<Vec<(String, f64)>> = Mutex::new(Vec::new());

/// Reads the summary and time sqlx puts on a statement event.
#[derive(Default)]
struct Statement {
    summary: String,
    ms: f64,
}

impl tracing::field::Visit for Statement {
    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.ms = value * 1000.0;
        }
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "db.statement" && !value.trim().is_empty() {
            self.summary = value.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(110).collect();
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "summary" && self.summary.is_empty() {
            self.summary = format!("{value:?}");
        }
    }
}

struct QueryCounter;

impl<S: tracing::Subscriber> Layer<S> for QueryCounter {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.target() == "sqlx::query" { Interest::sometimes() } else { Interest::never() }
    }

    /// Every statement while counting; sqlx's warning of a slow statement at any time (the
    /// background jobs run over the large organisation too).
    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target() == "sqlx::query" && (COUNTING.load(Ordering::Relaxed) || *metadata.level() <= tracing::Level::WARN)
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut statement = Statement::default();
        event.record(&mut statement);
        if *event.metadata().level() <= tracing::Level::WARN {
            println!("slow statement, {:.0} ms: {}", statement.ms, statement.summary);
        }
        if COUNTING.load(Ordering::Relaxed) {
            QUERIES.fetch_add(1, Ordering::Relaxed);
            TIMED.lock().unwrap().push((statement.summary, statement.ms));
        }
    }
}

/// Runs `INSERT INTO {into} VALUES …` over the rows, `CHUNK` at a time, in one transaction.
async fn insert(pool: &sqlx::AnyPool, into: &str, rows: &[String]) {
    let mut tx = pool.begin().await.unwrap();
    for chunk in rows.chunks(CHUNK) {
        sqlx::query(&format!("INSERT INTO {into} VALUES {}", chunk.join(","))).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn ids(pool: &sqlx::AnyPool, sql: &str) -> Vec<(i64, String)> {
    sqlx::query_as(sql).fetch_all(pool).await.unwrap()
}

/// The large organisation, written straight into the database (generated, fictional).
async fn seed(server: &TestServer) -> String {
    let pool = &server.db.pool;
    let now = stegvis_platform::now();
    let today = dates::today();
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'behandler@stegvis.demo'").fetch_one(pool).await.unwrap();
    let org: i64 = sqlx::query_scalar("INSERT INTO organisations (slug, name, kind, created_at) VALUES ('stor-kommune', 'Stor kommune – RPH', 'rph', $1) RETURNING id")
        .bind(now)
        .fetch_one(pool)
        .await
        .unwrap();
    let mut users: Vec<String> = (0..THERAPISTS).map(|t| format!("('t{t:03}@stor.test', 'Terapeut {t:03}', '{hash}', 'nb', {now}, '')")).collect();
    users.extend((0..PATIENTS).map(|p| format!("('p{p:05}@stor.test', 'Pasient {p:05}', NULL, 'nb', {now}, '')")));
    insert(pool, "users (email, display_name, password_hash, locale, created_at, reply_days)", &users).await;
    let people = ids(pool, "SELECT id, email FROM users WHERE email LIKE '%@stor.test' ORDER BY email").await;
    let (patient_users, therapist_users) = people.split_at(PATIENTS);
    let roles: Vec<String> = therapist_users.iter().map(|(id, _)| format!("({id}, {org}, 'therapist', {now})")).collect();
    insert(pool, "staff_roles (user_id, organisation_id, role, created_at)", &roles).await;
    let patients: Vec<String> = patient_users
        .iter()
        .enumerate()
        .map(|(i, (id, _))| format!("({org}, {id}, {now}, {})", now - (i as i64 % 12) * 24 * 3600))
        .collect();
    insert(pool, "patients (organisation_id, user_id, created_at, last_active_at)", &patients).await;
    let patient_ids = ids(pool, &format!("SELECT p.id, u.email FROM patients p JOIN users u ON u.id = p.user_id WHERE p.organisation_id = {org} ORDER BY u.email")).await;
    // The first 80 patients are the measured therapist's; the rest spread over the others.
    let therapist_of = |i: usize| if i < CASELOAD { therapist_users[0].0 } else { therapist_users[1 + (i - CASELOAD) % (THERAPISTS - 1)].0 };
    let assignments: Vec<String> = patient_ids.iter().enumerate().map(|(i, (p, _))| format!("({p}, {}, {now})", therapist_of(i))).collect();
    insert(pool, "assignments (patient_id, therapist_id, created_at)", &assignments).await;
    let versions: Vec<(i64, String)> = server.content.programmes().iter().filter(|(_, p)| p.kind == stegvis_content::ProgrammeKind::Guided).map(|(v, p)| (*v, p.id.clone())).collect();
    let enrolments: Vec<String> = patient_ids
        .iter()
        .enumerate()
        .map(|(i, (p, _))| {
            let start = dates::add_days(today, -((i as i64 * 5) % 84));
            let end = dates::add_days(start, 84);
            format!("({p}, {}, 1, '{}', '{}', {now})", versions[i % versions.len()].0, dates::format(start), dates::format(end))
        })
        .collect();
    insert(pool, "enrolments (patient_id, programme_version_id, guided, start_date, end_date, created_at)", &enrolments).await;
    let enrolled = ids(pool, &format!("SELECT e.id, e.start_date FROM enrolments e JOIN patients p ON p.id = e.patient_id WHERE p.organisation_id = {org} ORDER BY e.id")).await;
    // Homework: the modules of each week so far handed in; every third patient's last waits.
    let mut submissions = Vec::new();
    let mut questionnaires = Vec::new();
    for (enrolment, start) in &enrolled {
        let weeks = dates::days_between(dates::parse(start).unwrap(), today) / 7;
        let at = |week: i64| dates::parse(start).map(stegvis_content::calendar::oslo_midnight).unwrap() + week * 7 * 24 * 3600 + 3600 * 18;
        for week in 0..weeks {
            submissions.push(format!("({enrolment}, {}, '{{}}', '[]', {})", week + 1, at(week).min(now)));
        }
        for week in 0..=weeks {
            let occasion = if week == 0 { "start".to_string() } else { format!("week-{week}") };
            let due = dates::format(dates::add_days(dates::parse(start).unwrap(), week * 7));
            let closes = dates::format(dates::add_days(dates::parse(start).unwrap(), week * 7 + 7));
            for instrument in ["phq9", "gad7"] {
                questionnaires.push(format!("({enrolment}, '{instrument}', '{occasion}', '{due}', '{closes}', {})", at(week).min(now)));
            }
        }
    }
    insert(pool, "submissions (enrolment_id, position, worksheet, answers, submitted_at)", &submissions).await;
    insert(pool, "questionnaires (enrolment_id, instrument_id, occasion, due_on, closes_on, created_at)", &questionnaires).await;
    let mut tx = pool.begin().await.unwrap();
    // Feedback on all homework but each third patient's latest.
    sqlx::query(&format!(
        "INSERT INTO feedback (submission_id, therapist_id, body, created_at)
         SELECT s.id, a.therapist_id, 'Fint arbeid.', s.submitted_at + 86400
           FROM submissions s JOIN enrolments e ON e.id = s.enrolment_id JOIN assignments a ON a.patient_id = e.patient_id
           JOIN patients p ON p.id = e.patient_id
          WHERE p.organisation_id = {org}
            AND NOT (e.patient_id % 3 = 0 AND s.position = (SELECT MAX(s2.position) FROM submissions s2 WHERE s2.enrolment_id = s.enrolment_id))"
    ))
    .execute(&mut *tx)
    .await
    .unwrap();
    // Answers to every questionnaire but this week's, with totals that vary.
    sqlx::query(&format!(
        "INSERT INTO responses (questionnaire_id, revision, answers, total, submitted_at)
         SELECT q.id, 0, '[]', CASE WHEN q.instrument_id = 'phq9' THEN (q.id * 7) % 28 ELSE (q.id * 5) % 22 END, q.created_at
           FROM questionnaires q JOIN enrolments e ON e.id = q.enrolment_id JOIN patients p ON p.id = e.patient_id
          WHERE p.organisation_id = {org} AND q.due_on < '{}'",
        dates::format(dates::add_days(today, -6))
    ))
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // Messages: a conversation for half of them; every fifth patient waits for an answer.
    let mut messages = Vec::new();
    for (i, (p, _)) in patient_ids.iter().enumerate() {
        let patient_user = patient_users[i].0;
        if i % 2 == 0 {
            messages.push(format!("({p}, {}, 0, 'Hei! Hvordan går det?', 'bench-s-{i}', {})", therapist_of(i), now - 5 * 24 * 3600));
            messages.push(format!("({p}, {patient_user}, 1, 'Det går bedre.', 'bench-p-{i}', {})", now - 4 * 24 * 3600));
        }
        if i % 5 == 0 {
            messages.push(format!("({p}, {patient_user}, 1, 'Jeg har et spørsmål.', 'bench-q-{i}', {})", now - (i as i64 % 4) * 24 * 3600 - 600));
        }
    }
    insert(pool, "messages (patient_id, author_id, from_patient, body, client_key, created_at)", &messages).await;
    // Statistics for the planner, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would
    // have gathered on a database that grew to this size.
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    therapist_users[0].1.clone()
}

async fn measure(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let started = Instant::now();
    let therapist = seed(&server).await;
    let rows = |table: &str| format!("SELECT COUNT(*) FROM {table}");
    println!(
        "{backend:?}: seeded in {:.1} s: {} patients, {} responses, {} submissions, {} messages",
        started.elapsed().as_secs_f64(),
        server.scalar(&rows("patients")).await,
        server.scalar(&rows("responses")).await,
        server.scalar(&rows("submissions")).await,
        server.scalar(&rows("messages")).await
    );
    let b = server.client();
    b.login_demo(&therapist).await;
    let (status, page) = b.text("/").await;
    assert_eq!(status, 200);
    assert_eq!(page.matches("<th scope=\"row\">").count(), CASELOAD, "the whole caseload is on the page");
    // Queries per request: the whole caseload, and a search that leaves one row. The least of
    // a few requests, so that a background job's query (the outbox) does not count.
    let mut counts = Vec::new();
    let mut slowest = Vec::new();
    for path in ["/", "/?q=Pasient%2000000"] {
        let mut least = usize::MAX;
        for _ in 0..5 {
            QUERIES.store(0, Ordering::SeqCst);
            TIMED.lock().unwrap().clear();
            COUNTING.store(true, Ordering::SeqCst);
            let response = b.get(path).await;
            response.bytes().await.unwrap();
            COUNTING.store(false, Ordering::SeqCst);
            least = least.min(QUERIES.load(Ordering::SeqCst));
            if path == "/" {
                slowest = TIMED.lock().unwrap().clone();
            }
        }
        counts.push(least);
    }
    slowest.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (summary, ms) in slowest.iter().take(4) {
        println!("{backend:?}:   {ms:7.1} ms  {summary}");
    }
    let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let body = b.get("/").await.bytes().await.unwrap();
        times.push(started.elapsed());
        assert!(body.len() > 10_000);
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "{backend:?}: caseload page of a therapist with {CASELOAD} patients ({PATIENTS} patients, {THERAPISTS} therapists): median {:.1} ms, p95 {:.1} ms over {ROUNDS} requests; {} queries per request ({} with one row shown)",
        at(0.5),
        at(0.95),
        counts[0],
        counts[1]
    );
    assert_eq!(counts[0], counts[1], "the number of queries must not grow with the rows");
    report(&server, backend).await;
    server.stop().await;
    cleanup.run().await;
}

/// Every patient of the large organisation came through a referral; every fourth course has
/// ended. The team lead opens the service report for the last twelve months.
async fn report(server: &TestServer, backend: Backend) {
    let pool = &server.db.pool;
    let now = stegvis_platform::now();
    let org: i64 = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = 'stor-kommune'").fetch_one(pool).await.unwrap();
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'behandler@stegvis.demo'").fetch_one(pool).await.unwrap();
    let lead: i64 = sqlx::query_scalar("INSERT INTO users (email, display_name, password_hash, locale, created_at) VALUES ('leder@stor.test', 'Teamleder', $1, 'nb', $2) RETURNING id")
        .bind(&hash)
        .bind(now)
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO staff_roles (user_id, organisation_id, role, created_at) VALUES ($1, $2, 'team_lead', $3)").bind(lead).bind(org).bind(now).execute(pool).await.unwrap();
    let genders = ["female", "male", "other", "not_said"];
    let work = ["working", "sick_leave", "aap", "unemployed", "student", "retired"];
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(&format!("SELECT p.id, e.id, p.created_at FROM patients p JOIN enrolments e ON e.patient_id = p.id WHERE p.organisation_id = {org}")).fetch_all(pool).await.unwrap();
    let referrals: Vec<String> = rows
        .iter()
        .map(|(p, e, at)| {
            let referred = at - (20 + p % 40) * 24 * 3600;
            format!(
                "({org}, {p}, 'self', '', {}, '{}', 'upper_secondary', '{}', 'no', 'panic', '1_5y', 'none', 'no', '', {referred}, {referred}, 'started', {}, {e})",
                1945 + p % 60,
                genders[*p as usize % genders.len()],
                work[*p as usize % work.len()],
                at - 3 * 24 * 3600
            )
        })
        .collect();
    insert(
        pool,
        "referrals (organisation_id, patient_id, source, phone, birth_year, gender, education, work, immigrant, main_problem, duration, earlier_help, medication, message, consent_at, referred_at, status, assessed_at, enrolment_id)",
        &referrals,
    )
    .await;
    sqlx::query(&format!("UPDATE enrolments SET ended_at = {now} WHERE id % 4 = 0 AND patient_id IN (SELECT id FROM patients WHERE organisation_id = {org})")).execute(pool).await.unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    let b = server.client();
    b.login_demo("leder@stor.test").await;
    let (status, page) = b.text("/reports").await;
    assert_eq!(status, 200);
    assert!(page.contains("Rapport for tjenesten") && page.contains("Henvisninger"));
    QUERIES.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    b.get("/reports").await.bytes().await.unwrap();
    COUNTING.store(false, Ordering::SeqCst);
    let queries = QUERIES.load(Ordering::SeqCst);
    let mut times = Vec::new();
    for _ in 0..REPORT_ROUNDS {
        let started = Instant::now();
        let body = b.get("/reports").await.bytes().await.unwrap();
        times.push(started.elapsed());
        assert!(body.len() > 10_000);
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    let started = Instant::now();
    let csv = b.get("/downloads/report.csv").await.text().await.unwrap();
    let csv_ms = started.elapsed().as_secs_f64() * 1000.0;
    println!(
        "{backend:?}: service report of {} referrals: median {:.0} ms, p95 {:.0} ms over {REPORT_ROUNDS} requests, {queries} queries; CSV ({} lines) {csv_ms:.0} ms",
        referrals.len(),
        at(0.5),
        at(0.95),
        csv.lines().count()
    );
}

const REPORT_ROUNDS: usize = 10;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    tracing_subscriber::registry().with(QueryCounter).init();
    measure(Backend::Sqlite).await;
    measure(Backend::Postgres).await;
}
