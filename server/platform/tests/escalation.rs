//! Escalation flags and the stepped-care ladder against real databases (`clinical.md`,
//! "Escalation flags" and "The stepped-care ladder"): flags raised in the transaction of the
//! answers that trigger them (also when the process is killed mid-submit), the time-based rules
//! run over a fake clock in Oslo working days, several instances raising each flag once,
//! organisation thresholds, closing a flag with a decision and a note, step changes with their
//! handover, the patient's "I need more help", the caseload order and an organisation's ladder.
//! Every scenario runs on SQLite and on PostgreSQL.
//!
//! PostgreSQL: `STEGVIS_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`); each
//! test makes its own database there and drops it. Unreachable, the PostgreSQL half is skipped
//! loudly, or fails with `STEGVIS_REQUIRE_POSTGRES=1`.

mod support;

use support::on_both_databases;
use std::{
    collections::BTreeSet,
    future::Future,
    path::PathBuf,
    sync::{Arc, OnceLock},
    time::{Duration, Instant},
};

use sqlx::AnyPool;
use stegvis_content::{
    calendar,
    flags::{self as rules, Kind, Thresholds},
    ladder::{self, Step, StepKind},
    Library, Text,
};
use stegvis_platform::{
    access::{PatientAccess, Viewer},
    accounts,
    caseload::{self, Filter, Priority},
    content::Content,
    covers, dates,
    db::Db,
    enrolments,
    flag_sweep::{self, Swept},
    flags, journal,
    measurement::{self, Questionnaire, Submitted},
    notify::{Notice, Notifier},
    now,
    org::{self, Role},
    steps, Error,
};
use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

// ----- the scenarios, each on both databases (tests/support) ---------------------------------

on_both_databases!(
    "stegvis_escalation", std::time::Duration::from_secs(120);
    flags_raised_with_the_answers,
    risk_flag_survives_killed_submits,
    escalation_over_three_years,
    escalation_pinned_by_hand,
    inactivity_in_oslo_days,
    overdue_guidance_after_working_days,
    non_response_at_week_four,
    several_instances_raise_once,
    organisation_thresholds,
    closing_a_flag_needs_a_decision_and_a_note,
    decisions_move_the_patient_with_a_handover,
    help_request_once_per_form,
    urgent_mail_only_to_covers_in_the_patients_organisation,
    caseload_puts_urgent_flags_first,
    ladder_per_organisation,
    two_clinicians_close_at_once,
);

// ----- the world a scenario stands on ---------------------------------------------------------

const ORIGIN: &str = "https://stegvis.kommune.test";
/// Words no notification may contain: it must not reveal a mental-health service or a flag.
const CLINICAL_WORDS: [&str; 8] = ["phq", "risk", "selvmord", "suicid", "flag", "flagg", "depresj", "psyk"];

/// The notices by a number, so a mail says which it is without a telling word.
fn notice_number(notice: Notice) -> usize {
    Notice::FOR_PATIENTS.iter().chain(Notice::FOR_STAFF.iter()).position(|n| *n == notice).expect("every notice is listed")
}

/// A content-free mail, as the app's catalogue writes them.
fn compose(notice: Notice, locale: &str, origin: &str, own_text: Option<&str>) -> (String, String) {
    let subject = if locale == "en" { "Something new in Stegvis" } else { "Noe nytt i Stegvis" };
    let text = own_text.unwrap_or("Hei! Det er noe nytt til deg.");
    (subject.to_string(), format!("{text} Logg inn på {origin} for å se det. (Ref. {})", notice_number(notice)))
}

fn notifier() -> Notifier {
    Notifier { compose, public_origin: ORIGIN.into() }
}

/// The real content folder, read once per test process.
fn library() -> Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY
        .get_or_init(|| {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../content-modules/content");
            stegvis_content::load(&root).unwrap_or_else(|problems| panic!("the content folder loads: {problems:?}"))
        })
        .clone()
}

/// An Oslo calendar date.
fn date(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
}

/// Unix seconds of an Oslo wall-clock time, with its UTC offset written out by hand (+1 in
/// winter, +2 in summer), so the test does not lean on the code's own time-zone rules.
fn oslo(y: i32, m: u8, d: u8, h: u8, min: u8, offset: i8) -> i64 {
    let at = PrimitiveDateTime::new(date(y, m, d), Time::from_hms(h, min, 0).unwrap()).assume_offset(UtcOffset::from_hms(offset, 0, 0).unwrap()).unix_timestamp();
    assert_eq!(dates::oslo_clock(at), (h, min), "{y}-{m}-{d} {h}:{min} is written with Oslo's offset then");
    at
}

const DAY: i64 = 24 * 60 * 60;

struct World {
    db: Db,
    notifier: Notifier,
    org: i64,
    admin: i64,
    lead: i64,
    therapist: i64,
}

impl World {
    /// An organisation with an administrator, a team lead and a therapist.
    async fn new(url: &str) -> World {
        let db = Db::connect(url).await.unwrap();
        let org = org::create(&db.pool, "mestring", "Mestring kommune", "rph").await.unwrap();
        let mut w = World { db, notifier: notifier(), org, admin: 0, lead: 0, therapist: 0 };
        w.admin = w.person("admin@kommune.test", "Ada Admin", Role::OrgAdmin).await;
        w.lead = w.person("leder@kommune.test", "Lars Leder", Role::TeamLead).await;
        w.therapist = w.person("terapeut@kommune.test", "Tora Terapeut", Role::Therapist).await;
        w
    }

    fn pool(&self) -> &AnyPool {
        &self.db.pool
    }

    async fn person(&self, email: &str, name: &str, role: Role) -> i64 {
        let mut conn = self.pool().acquire().await.unwrap();
        let id = accounts::create_user(&mut conn, email, name, None, "nb").await.unwrap();
        accounts::grant_role(&mut conn, id, self.org, role).await.unwrap();
        id
    }

    /// A patient assigned to the therapist: (user id, patient id).
    async fn patient(&self, name: &str) -> (i64, i64) {
        let email = format!("{}@pasient.test", name.to_lowercase().replace(' ', "."));
        let user = self.person(&email, name, Role::Patient).await;
        let patient = count(self.pool(), "SELECT id FROM patients WHERE user_id = $1", &[user]).await;
        sqlx::query("INSERT INTO assignments (patient_id, therapist_id, created_at) VALUES ($1, $2, $3)")
            .bind(patient)
            .bind(self.therapist)
            .bind(now())
            .execute(self.pool())
            .await
            .unwrap();
        (user, patient)
    }

    async fn viewer(&self, user_id: i64) -> Viewer {
        let user = accounts::user_by_id(self.pool(), user_id).await.unwrap().unwrap();
        Viewer::load(self.pool(), user, Some(self.org)).await.unwrap()
    }

    /// Access to the patient as `staff` (their therapist, or the team lead).
    async fn access(&self, staff: i64, patient: i64) -> PatientAccess {
        self.viewer(staff).await.patient(self.pool(), patient).await.unwrap()
    }

    async fn content(&self) -> Content {
        Content::install(self.pool(), library()).await.unwrap()
    }

    /// A guided enrolment in `programme` from `start`.
    async fn enrol(&self, content: &Content, patient: i64, programme: &str, start: Date) -> i64 {
        let (version, programme) = content.current(programme).unwrap();
        let mut conn = self.pool().acquire().await.unwrap();
        enrolments::create(&mut conn, self.org, patient, *version, programme, true, Some(self.therapist), start).await.unwrap()
    }

    /// The time-based rules as the periodic job runs them, at a fake `at`.
    async fn sweep(&self, at: i64) -> Swept {
        flag_sweep::run(self.pool(), &self.notifier, at).await.unwrap()
    }

    async fn set_last_active(&self, patient: i64, at: i64) {
        sqlx::query("UPDATE patients SET last_active_at = $1 WHERE id = $2").bind(at).bind(patient).execute(self.pool()).await.unwrap();
    }

    /// The flags of one kind the patient has (open or closed).
    async fn flags_of(&self, patient: i64, kind: Kind) -> Vec<flags::Flag> {
        flags::of_patient(self.pool(), patient).await.unwrap().into_iter().filter(|f| f.kind == kind.key()).collect()
    }

    async fn audit_count(&self, patient: i64, action: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE patient_id = $1 AND action = $2").bind(patient).bind(action).fetch_one(self.pool()).await.unwrap()
    }
}

/// One number from a query with integer parameters.
fn count<'a>(pool: &'a AnyPool, sql: &'a str, binds: &[i64]) -> impl Future<Output = i64> + 'a {
    let binds = binds.to_vec();
    async move {
        let mut query = sqlx::query_scalar::<_, i64>(sql);
        for b in binds {
            query = query.bind(b);
        }
        query.fetch_one(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// The reasons of the patient's flags of a kind, sorted.
async fn reasons(w: &World, patient: i64, kind: Kind) -> Vec<String> {
    let mut reasons: Vec<String> = w.flags_of(patient, kind).await.into_iter().map(|f| f.reason).collect();
    reasons.sort();
    reasons
}

/// A questionnaire put in front of the patient (as `measurement::due` would create it).
async fn questionnaire(pool: &AnyPool, enrolment: i64, instrument: &str, occasion: &str, due_on: Date) -> Questionnaire {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO questionnaires (enrolment_id, instrument_id, occasion, due_on, closes_on, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(enrolment)
    .bind(instrument)
    .bind(occasion)
    .bind(dates::format(due_on))
    .bind(dates::format(dates::add_days(due_on, 7)))
    .bind(now())
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_as("SELECT id, enrolment_id, instrument_id, occasion, due_on, closes_on, postponed_until FROM questionnaires WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// PHQ-9 answers with `total` spread over items 1–8 and item 9 (thoughts of self-harm) at `item9`.
fn phq9(total: u8, item9: u8) -> Vec<Option<u8>> {
    let mut rest = total - item9;
    let mut answers: Vec<Option<u8>> = (0..8)
        .map(|_| {
            let v = rest.min(3);
            rest -= v;
            Some(v)
        })
        .collect();
    assert_eq!(rest, 0, "PHQ-9 items 1–8 add up to at most 24");
    answers.push(Some(item9));
    answers
}

/// GAD-7 answers adding up to `total`.
fn gad7(total: u8) -> Vec<Option<u8>> {
    let mut rest = total;
    let answers = (0..7)
        .map(|_| {
            let v = rest.min(3);
            rest -= v;
            Some(v)
        })
        .collect();
    assert_eq!(rest, 0);
    answers
}

/// Submits new answers: the response id and the kinds of flag raised with them.
async fn answer(w: &World, questionnaire: &Questionnaire, answers: &[Option<u8>]) -> (i64, Vec<Kind>) {
    match measurement::submit(w.pool(), &w.notifier, questionnaire, answers, None).await.unwrap() {
        Submitted::New(id, kinds) => (id, kinds),
        other => panic!("a new response, not {other:?}"),
    }
}

/// The field errors of an invalid input (field, code).
fn fields<T: std::fmt::Debug>(result: Result<T, Error>) -> Vec<(String, String)> {
    match result {
        Err(Error::Invalid(fields)) => fields.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[derive(sqlx::FromRow, Debug)]
struct OutboxRow {
    user_id: Option<i64>,
    kind: Option<String>,
    once_key: Option<String>,
    to_address: String,
    subject: String,
    body: String,
}

async fn outbox(pool: &AnyPool) -> Vec<OutboxRow> {
    sqlx::query_as("SELECT user_id, kind, once_key, to_address, subject, body FROM outbox ORDER BY id").fetch_all(pool).await.unwrap()
}

/// An urgent flag raised at `raised_at` without answers (the sweep only looks at the row).
async fn insert_urgent_flag(conn: &mut sqlx::AnyConnection, patient: i64, once_key: &str, raised_at: i64) -> i64 {
    sqlx::query_scalar("INSERT INTO flags (patient_id, kind, urgency, reason, once_key, raised_at) VALUES ($1, 'risk', 'urgent', 'phq9_9', $2, $3) RETURNING id")
        .bind(patient)
        .bind(once_key)
        .bind(raised_at)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

async fn insert_message(pool: &AnyPool, patient: i64, author: i64, from_patient: bool, at: i64) -> i64 {
    sqlx::query_scalar("INSERT INTO messages (patient_id, author_id, from_patient, body, client_key, created_at) VALUES ($1, $2, $3, 'Hei', $4, $5) RETURNING id")
        .bind(patient)
        .bind(author)
        .bind(from_patient as i64)
        .bind(format!("key-{}", rand::random::<u64>()))
        .bind(at)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Homework handed in for module `position` at `at` (a worksheet nobody needs to read here).
async fn insert_submission(pool: &AnyPool, enrolment: i64, position: i64, at: i64) -> i64 {
    sqlx::query_scalar("INSERT INTO submissions (enrolment_id, position, worksheet, answers, submitted_at) VALUES ($1, $2, '{}', '[]', $3) RETURNING id")
        .bind(enrolment)
        .bind(position)
        .bind(at)
        .fetch_one(pool)
        .await
        .unwrap()
}

// ----- 1. flags raised in the transaction of the answers ----------------------------------------

/// PHQ-9 item 9 ≥ 1 raises one urgent risk flag with the response, and mails (content-free) the
/// therapist and the colleague covering today, nobody else; item 9 = 0 raises nothing; PHQ-9 ≥ 20
/// and GAD-7 ≥ 15 raise "severe"; a rise of 6 over the programme's first PHQ-9 raises
/// "deterioration" (5 does not).
async fn flags_raised_with_the_answers(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    let today = dates::today();
    let day = |n: i64| dates::format(dates::add_days(today, n));

    // One colleague covers for the therapist today; one from tomorrow; one cover was cancelled.
    let covering = w.person("kollega@kommune.test", "Kari Kollega", Role::Therapist).await;
    let from_tomorrow = w.person("senere@kommune.test", "Sigurd Senere", Role::Therapist).await;
    let cancelled = w.person("avlyst@kommune.test", "Anne Avlyst", Role::Therapist).await;
    let therapist = w.viewer(w.therapist).await;
    covers::create(pool, &therapist, w.therapist, covering, &day(0), &day(7), "req-cover-1").await.unwrap();
    covers::create(pool, &therapist, w.therapist, from_tomorrow, &day(1), &day(7), "req-cover-2").await.unwrap();
    let cover = covers::create(pool, &therapist, w.therapist, cancelled, &day(0), &day(7), "req-cover-3").await.unwrap();
    covers::cancel(pool, &therapist, cover, "req-cover-4").await.unwrap();

    // Risk: the flag and the mails are there as soon as the answers are.
    let (patient_user, rita) = w.patient("Rita Risiko").await;
    let enrolment = w.enrol(&content, rita, "depression", today).await;
    let q = questionnaire(pool, enrolment, "phq9", "start", today).await;
    let submitted = measurement::submit(pool, &w.notifier, &q, &phq9(9, 1), None).await.unwrap();
    assert!(submitted.is_risk(), "{submitted:?}");
    let Submitted::New(response, kinds) = submitted else { unreachable!() };
    assert_eq!(kinds, vec![Kind::Risk], "a total of 9 is neither severe nor a rise");
    let all = flags::of_patient(pool, rita).await.unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    let risk = &all[0];
    assert_eq!((risk.kind.as_str(), risk.urgency.as_str(), risk.reason.as_str()), ("risk", "urgent", "phq9_9"));
    assert_eq!(risk.response_id, Some(response));
    assert!(risk.closed_at.is_none() && risk.escalated_at.is_none() && risk.is_urgent());
    assert_eq!(flags::open_in(pool, w.org).await.unwrap().iter().map(|f| f.id).collect::<Vec<_>>(), vec![risk.id]);
    // The same submit again (a double click) stores and raises nothing.
    assert_eq!(measurement::submit(pool, &w.notifier, &q, &phq9(9, 1), None).await.unwrap(), Submitted::Already(response));
    assert_eq!(flags::of_patient(pool, rita).await.unwrap().len(), 1);

    let mails = outbox(pool).await;
    let mut told: Vec<i64> = mails.iter().map(|m| m.user_id.unwrap()).collect();
    told.sort();
    let mut guides = vec![w.therapist, covering];
    guides.sort();
    assert_eq!(told, guides, "the therapist and today's cover, once each; not tomorrow's, not a cancelled one, not the patient ({patient_user})");
    let (subject, body) = compose(Notice::UrgentFlag, "nb", ORIGIN, None);
    for mail in &mails {
        assert_eq!(mail.kind.as_deref(), Some("urgent_flag"));
        assert_eq!(mail.once_key.as_deref(), Some(format!("flag:{}", risk.id).as_str()));
        assert_eq!((&mail.subject, &mail.body), (&subject, &body), "what the notifier composed for Notice::UrgentFlag is what is stored");
        let text = format!("{} {}", mail.subject, mail.body).to_lowercase();
        for word in CLINICAL_WORDS {
            assert!(!text.contains(word), "a notification says nothing clinical ({word}): {text}");
        }
    }
    let emails: Vec<&str> = mails.iter().map(|m| m.to_address.as_str()).collect();
    assert!(emails.contains(&"terapeut@kommune.test") && emails.contains(&"kollega@kommune.test"), "{emails:?}");

    // Item 9 = 0: no flag, no mail.
    let (_, nils) = w.patient("Nils Null").await;
    let enrolment = w.enrol(&content, nils, "depression", today).await;
    let (_, kinds) = answer(&w, &questionnaire(pool, enrolment, "phq9", "start", today).await, &phq9(9, 0)).await;
    assert!(kinds.is_empty(), "{kinds:?}");
    assert!(flags::of_patient(pool, nils).await.unwrap().is_empty());

    // Severe: PHQ-9 20 (19 is not), GAD-7 15 (14 is not); high, not urgent, so no mail.
    let (_, siri) = w.patient("Siri Alvorlig").await;
    let enrolment = w.enrol(&content, siri, "depression", today).await;
    let (_, kinds) = answer(&w, &questionnaire(pool, enrolment, "phq9", "start", today).await, &phq9(19, 0)).await;
    assert!(kinds.is_empty(), "19 is not severe: {kinds:?}");
    let (phq, kinds) = answer(&w, &questionnaire(pool, enrolment, "phq9", "week-1", dates::add_days(today, 7)).await, &phq9(20, 0)).await;
    assert_eq!(kinds, vec![Kind::Severe]);
    let (_, kinds) = answer(&w, &questionnaire(pool, enrolment, "gad7", "start", today).await, &gad7(14)).await;
    assert!(kinds.is_empty(), "GAD-7 14 is not severe: {kinds:?}");
    let (gad, kinds) = answer(&w, &questionnaire(pool, enrolment, "gad7", "week-1", dates::add_days(today, 7)).await, &gad7(15)).await;
    assert_eq!(kinds, vec![Kind::Severe]);
    let severe = w.flags_of(siri, Kind::Severe).await;
    let mut got: Vec<(String, String, Option<i64>)> = severe.iter().map(|f| (f.urgency.clone(), f.reason.clone(), f.response_id)).collect();
    got.sort();
    assert_eq!(got, vec![("high".into(), "gad7".into(), Some(gad)), ("high".into(), "phq9".into(), Some(phq))]);
    assert_eq!(flags::of_patient(pool, siri).await.unwrap().len(), 2);

    // Deterioration: against the first PHQ-9 of the programme, 4 → 9 (+5) nothing, 4 → 10 (+6) a flag.
    let (_, dag) = w.patient("Dag Dårligere").await;
    let enrolment = w.enrol(&content, dag, "depression", today).await;
    let (_, kinds) = answer(&w, &questionnaire(pool, enrolment, "phq9", "start", today).await, &phq9(4, 0)).await;
    assert!(kinds.is_empty());
    let (_, kinds) = answer(&w, &questionnaire(pool, enrolment, "phq9", "week-1", dates::add_days(today, 7)).await, &phq9(9, 0)).await;
    assert!(kinds.is_empty(), "a rise of 5 is not reliable: {kinds:?}");
    let (third, kinds) = answer(&w, &questionnaire(pool, enrolment, "phq9", "week-2", dates::add_days(today, 14)).await, &phq9(10, 0)).await;
    assert_eq!(kinds, vec![Kind::Deterioration]);
    let all = flags::of_patient(pool, dag).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].kind.as_str(), all[0].urgency.as_str(), all[0].reason.as_str(), all[0].response_id), ("deterioration", "high", "phq9", Some(third)));

    assert_eq!(outbox(pool).await.len(), 2, "only the urgent flag mailed anyone");
}

// ----- 2. a killed process never leaves a risk answer without its flag --------------------------

const CRASH_URL: &str = "STEGVIS_ESCALATION_CRASH_URL";
const CRASH_ENROLMENT: &str = "STEGVIS_ESCALATION_CRASH_ENROLMENT";
const CRASH_MARKER: &str = "crash-child: submitting";

/// The child process of `risk_flag_survives_killed_submits`: submits PHQ-9 answers (three in four
/// with a risk answer) on new questionnaires until it is killed. Does nothing when run by hand.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a child process of risk_flag_survives_killed_submits, which kills it"]
async fn crash_child() {
    let (Ok(url), Ok(enrolment)) = (std::env::var(CRASH_URL), std::env::var(CRASH_ENROLMENT)) else { return };
    let enrolment: i64 = enrolment.parse().unwrap();
    let db = Db::connect(&url).await.unwrap();
    let notifier = notifier();
    // Occasions above every questionnaire id so far are new (the UNIQUE of a questionnaire).
    let first = count(&db.pool, "SELECT COALESCE(MAX(id), 0) FROM questionnaires", &[]).await;
    println!("{CRASH_MARKER}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut n: i64 = 0;
    while Instant::now() < deadline {
        n += 1;
        let q = questionnaire(&db.pool, enrolment, "phq9", &format!("week-{}", first + n), dates::today()).await;
        let item9 = (n % 4) as u8;
        let submitted = measurement::submit(&db.pool, &notifier, &q, &phq9(item9 + (n % 7) as u8, item9), None).await.unwrap();
        assert_eq!(submitted.is_risk(), item9 >= 1);
    }
}

/// Runs `crash_child` as a process and kills it (SIGKILL) 100–600 ms after it began submitting.
fn run_and_kill(url: &str, enrolment: i64) -> Duration {
    use std::{
        io::{BufRead, BufReader, Read},
        os::unix::process::ExitStatusExt,
        process::{Child, Command, Stdio},
    };
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["crash_child", "--exact", "--nocapture", "--include-ignored"])
        .env(CRASH_URL, url)
        .env(CRASH_ENROLMENT, enrolment.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = |child: &mut Child| {
        let mut text = String::new();
        let _ = child.stderr.take().unwrap().read_to_string(&mut text);
        text
    };
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = loop {
        match lines.next() {
            Some(Ok(line)) if line.contains(CRASH_MARKER) => break true,
            Some(Ok(_)) => continue,
            _ => break false,
        }
    };
    if !started {
        let status = child.wait().unwrap();
        panic!("the child ended before it submitted anything ({status}): {}", stderr(&mut child));
    }
    let delay = Duration::from_millis(rand::random_range(100..=600));
    std::thread::sleep(delay);
    if let Some(status) = child.try_wait().unwrap() {
        panic!("the child ended on its own ({status}) before it was killed: {}", stderr(&mut child));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL: {status}");
    delay
}

/// Kills a process submitting risk answers five times at random moments; afterwards every
/// stored PHQ-9 response with item 9 ≥ 1 has its risk flag (with its response id), no other
/// response has one, and every risk flag mailed the therapist: all in one transaction.
async fn risk_flag_survives_killed_submits(url: String) {
    let w = World::new(&url).await;
    let content = w.content().await;
    let (_, patient) = w.patient("Kari Krasj").await;
    let enrolment = w.enrol(&content, patient, "depression", dates::today()).await;
    let therapist = w.therapist;
    w.db.pool.close().await;
    drop(w);

    for round in 0..5 {
        let url = url.clone();
        let delay = tokio::task::spawn_blocking(move || run_and_kill(&url, enrolment)).await.unwrap();
        eprintln!("round {round}: killed after {} ms", delay.as_millis());
    }

    let db = Db::connect(&url).await.unwrap();
    let pool = &db.pool;
    let rows: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT r.id, r.answers, f.id FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id
           LEFT JOIN flags f ON f.response_id = r.id AND f.kind = 'risk'
          WHERE q.instrument_id = 'phq9' ORDER BY r.id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let (mut risky, mut missing, mut unfounded) = (0, Vec::new(), Vec::new());
    for (id, answers, flag) in &rows {
        let values: Vec<Option<u8>> = serde_json::from_str(answers).unwrap();
        let risk = values[8].is_some_and(|v| v >= 1);
        risky += usize::from(risk);
        match (risk, flag) {
            (true, None) => missing.push(*id),
            (false, Some(_)) => unfounded.push(*id),
            _ => {}
        }
    }
    eprintln!("{} responses stored, {risky} with a risk answer", rows.len());
    assert!(risky > 0 && rows.len() > risky, "the children stored risk and other answers before they were killed: {} responses, {risky} risky", rows.len());
    assert!(missing.is_empty(), "risk answers stored without their flag: {missing:?}");
    assert!(unfounded.is_empty(), "risk flags on answers without risk: {unfounded:?}");
    assert_eq!(count(pool, "SELECT COUNT(*) FROM flags WHERE kind = 'risk'", &[]).await, risky as i64, "one risk flag per risk response");
    assert_eq!(count(pool, "SELECT COUNT(*) FROM flags WHERE kind = 'risk' AND response_id IS NULL", &[]).await, 0);
    let unmailed = count(
        pool,
        "SELECT COUNT(*) FROM flags f WHERE f.kind = 'risk'
            AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.user_id = $1 AND o.kind = 'urgent_flag' AND o.once_key = 'flag:' || CAST(f.id AS TEXT))",
        &[therapist],
    )
    .await;
    assert_eq!(unmailed, 0, "every risk flag's mail to the therapist was written with it");
    assert_eq!(count(pool, "SELECT COUNT(*) FROM outbox", &[]).await, risky as i64, "and no mail without its flag");
}

// ----- 3. the time-based rules over a fake clock -------------------------------------------------

/// Urgent flags raised every 7 h 13 min from 2025 through 2027: each reaches the team leads
/// (both of them, once each, `escalation:<id>`) exactly at `escalates_at` — the Oslo midnight
/// ending the first working day after the raise — and not a second before; running again, or
/// on two instances at once, escalates nothing more. Closed and non-urgent flags never escalate.
async fn escalation_over_three_years(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let second_lead = w.person("leder2@kommune.test", "Lise Leder", Role::TeamLead).await;
    let leads = [w.lead, second_lead];
    let (_, patient) = w.patient("Ulla Urgent").await;
    let instance = Db::connect(&url).await.unwrap();
    let thresholds = Thresholds::default();

    // Raised at the start: a closed urgent flag and an open high one; neither ever escalates.
    let note: i64 = sqlx::query_scalar(
        "INSERT INTO journal_notes (patient_id, written_on, kind, body, author_id, created_at) VALUES ($1, '2025-01-01', 'assessment', 'Ringt.', $2, $3) RETURNING id",
    )
    .bind(patient)
    .bind(w.therapist)
    .bind(now())
    .fetch_one(pool)
    .await
    .unwrap();
    let start = oslo(2025, 1, 1, 0, 0, 1);
    let closed: i64 = sqlx::query_scalar(
        "INSERT INTO flags (patient_id, kind, urgency, reason, once_key, raised_at, closed_at, closed_by, decision, note_id)
         VALUES ($1, 'risk', 'urgent', 'phq9_9', 'closed', $2, $3, $4, 'continue', $5) RETURNING id",
    )
    .bind(patient)
    .bind(start)
    .bind(start + 60)
    .bind(w.therapist)
    .bind(note)
    .fetch_one(pool)
    .await
    .unwrap();
    let high: i64 = sqlx::query_scalar("INSERT INTO flags (patient_id, kind, urgency, reason, once_key, raised_at) VALUES ($1, 'severe', 'high', 'phq9', 'high', $2) RETURNING id")
        .bind(patient)
        .bind(start)
        .fetch_one(pool)
        .await
        .unwrap();

    // The raise instants, grouped by the moment they escalate (later raises never escalate sooner).
    let step = 7 * 60 * 60 + 13 * 60;
    let last = oslo(2027, 12, 31, 23, 59, 1);
    let mut groups: Vec<(i64, Vec<i64>)> = Vec::new();
    for raised in (start..=last).step_by(step) {
        let escalates = rules::escalates_at(&thresholds, raised);
        // Independently of the sweep: an Oslo midnight, ending a working day that is the first
        // working day after the day of the raise.
        let last_day = calendar::oslo_date(escalates - 1);
        assert_eq!(dates::oslo_clock(escalates), (0, 0), "raised {raised}: escalates at an Oslo midnight");
        assert!(calendar::is_working_day(last_day), "raised {raised}: the day before escalation, {last_day}, is a working day");
        assert_eq!(calendar::working_days_between(calendar::oslo_date(raised), last_day), 1, "raised {raised}: one working day after the raise, ending {last_day}");
        match groups.last_mut() {
            Some((at, raises)) if *at == escalates => raises.push(raised),
            Some((at, _)) if *at > escalates => panic!("a later raise escalates sooner: {raised}"),
            _ => groups.push((escalates, vec![raised])),
        }
    }
    let raised_total: usize = groups.iter().map(|(_, r)| r.len()).sum();
    eprintln!("{raised_total} urgent flags escalating at {} moments", groups.len());

    let mut all_ids = Vec::new();
    for (escalates, raises) in &groups {
        let mut tx = pool.begin().await.unwrap();
        let mut ids = Vec::new();
        for raised in raises {
            ids.push(insert_urgent_flag(&mut tx, patient, &format!("test:{raised}"), *raised).await);
        }
        tx.commit().await.unwrap();
        assert_eq!(w.sweep(escalates - 1).await, Swept::default(), "a second early: nothing escalates ({raises:?})");
        assert_eq!(w.sweep(*escalates).await, Swept { raised: 0, escalated: ids.len() }, "on time: each escalates ({raises:?})");
        let (a, b) = tokio::join!(flag_sweep::run(pool, &w.notifier, *escalates), flag_sweep::run(&instance.pool, &w.notifier, *escalates));
        assert_eq!((a.unwrap(), b.unwrap()), (Swept::default(), Swept::default()), "again, on two instances: nothing more");
        all_ids.extend(ids.iter().copied());
        // What is stored: this group escalated exactly at its moment (not a second early), and
        // no flag anywhere escalated out of turn.
        let (now_escalated, ever_escalated): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN escalated_at = $1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN escalated_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM flags",
        )
        .bind(*escalates)
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!((now_escalated, ever_escalated), (ids.len() as i64, all_ids.len() as i64), "{raises:?}");
    }

    let stored: Vec<(Option<i64>, Option<String>)> = sqlx::query_as("SELECT user_id, once_key FROM outbox WHERE kind = 'unacknowledged_flag'").fetch_all(pool).await.unwrap();
    let got: BTreeSet<(i64, String)> = stored.iter().map(|(u, k)| (u.unwrap(), k.clone().unwrap())).collect();
    let expected: BTreeSet<(i64, String)> = all_ids.iter().flat_map(|id| leads.iter().map(move |lead| (*lead, format!("escalation:{id}")))).collect();
    assert_eq!(stored.len(), expected.len(), "one mail per flag and team lead, no more");
    assert!(got == expected, "each team lead told once about each flag");
    assert_eq!(count(pool, "SELECT COUNT(*) FROM outbox", &[]).await, expected.len() as i64, "nobody else was mailed");

    assert_eq!(w.sweep(oslo(2028, 6, 1, 12, 0, 2)).await, Swept::default());
    for id in [closed, high] {
        assert_eq!(count(pool, "SELECT COUNT(*) FROM flags WHERE id = $1 AND escalated_at IS NULL", &[id]).await, 1, "flag {id} never escalates");
    }
}

/// Escalation instants pinned by hand: a Friday before summer time begins (Monday is the
/// working day), the Wednesday before Easter (Thursday to Monday are holidays), a Saturday
/// before winter time.
async fn escalation_pinned_by_hand(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let (_, patient) = w.patient("Pia Presis").await;
    let defaults = Thresholds::default();
    let cases = [
        ("Friday 27 March 2026, 14:00", oslo(2026, 3, 27, 14, 0, 1), oslo(2026, 3, 30, 23, 59, 2), oslo(2026, 3, 31, 0, 0, 2)),
        ("Wednesday 1 April 2026, 10:00", oslo(2026, 4, 1, 10, 0, 2), oslo(2026, 4, 7, 23, 59, 2), oslo(2026, 4, 8, 0, 0, 2)),
        ("Saturday 24 October 2026, 12:00", oslo(2026, 10, 24, 12, 0, 2), oslo(2026, 10, 26, 23, 59, 1), oslo(2026, 10, 27, 0, 0, 1)),
    ];
    let mut ids = Vec::new();
    for (name, raised, _, escalates) in &cases {
        assert_eq!(rules::escalates_at(&defaults, *raised), *escalates, "{name}");
        let mut conn = pool.acquire().await.unwrap();
        ids.push(insert_urgent_flag(&mut conn, patient, name, *raised).await);
    }
    for ((name, _, not_yet, escalates), id) in cases.iter().zip(&ids) {
        assert_eq!(w.sweep(*not_yet).await, Swept::default(), "{name}: not at 23:59 the day before");
        assert_eq!(w.sweep(escalates - 1).await, Swept::default(), "{name}: not a second before midnight");
        assert_eq!(w.sweep(*escalates).await.escalated, 1, "{name}: at midnight");
        let at: Option<i64> = sqlx::query_scalar("SELECT escalated_at FROM flags WHERE id = $1").bind(*id).fetch_one(pool).await.unwrap();
        assert_eq!(at, Some(*escalates), "{name}");
        assert_eq!(w.sweep(escalates + DAY).await, Swept::default(), "{name}: once");
    }
    let mails: Vec<String> = outbox(pool).await.into_iter().map(|m| m.once_key.unwrap()).collect();
    assert_eq!(mails, ids.iter().map(|id| format!("escalation:{id}")).collect::<Vec<_>>(), "one mail to the one team lead per flag");
}

/// Inactivity is counted in Oslo calendar days: 13 days after the last visit nothing, 14 days
/// (from the Oslo midnight) one flag, once per spell of quiet; also across both summer-time
/// changes (where counting in 24-hour periods would be an hour off), for a patient never seen
/// (from the start date), and never for an ended programme.
async fn inactivity_in_oslo_days(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    struct Case {
        name: &'static str,
        patient: i64,
        not_yet: i64,
        due: i64,
    }
    let mut cases = Vec::new();
    for (name, start, last_active, not_yet, due) in [
        ("January", date(2026, 1, 5), Some(oslo(2026, 1, 7, 10, 0, 1)), oslo(2026, 1, 20, 23, 59, 1), oslo(2026, 1, 21, 0, 0, 1)),
        // 13 d 22 h 30 min by the clock, but 14 Oslo days.
        ("March", date(2026, 3, 2), Some(oslo(2026, 3, 20, 23, 30, 1)), oslo(2026, 4, 2, 23, 59, 2), oslo(2026, 4, 3, 0, 0, 2)),
        // 14 d 0 h 29 min by the clock at `not_yet`, but only 13 Oslo days.
        ("October", date(2026, 10, 5), Some(oslo(2026, 10, 20, 0, 30, 2)), oslo(2026, 11, 2, 23, 59, 1), oslo(2026, 11, 3, 0, 0, 1)),
        // Never seen: counted from the start date.
        ("June, never seen", date(2026, 6, 1), None, oslo(2026, 6, 14, 23, 59, 2), oslo(2026, 6, 15, 0, 0, 2)),
    ] {
        let (_, patient) = w.patient(&format!("Stille {}", name.split(',').next().unwrap())).await;
        w.enrol(&content, patient, "depression", start).await;
        if let Some(at) = last_active {
            w.set_last_active(patient, at).await;
        }
        cases.push(Case { name, patient, not_yet, due });
    }
    // An ended programme is not watched, however quiet the patient.
    let (_, ended) = w.patient("Stille Avsluttet").await;
    let enrolment = w.enrol(&content, ended, "depression", date(2026, 1, 5)).await;
    sqlx::query("UPDATE enrolments SET ended_at = $1 WHERE id = $2").bind(oslo(2026, 1, 6, 12, 0, 1)).bind(enrolment).execute(pool).await.unwrap();

    for case in &cases {
        assert_eq!(w.sweep(case.not_yet).await, Swept::default(), "{}: 13 days", case.name);
        assert!(w.flags_of(case.patient, Kind::Inactivity).await.is_empty(), "{}", case.name);
        assert_eq!(w.sweep(case.due).await, Swept { raised: 1, escalated: 0 }, "{}: 14 days", case.name);
        let raised = w.flags_of(case.patient, Kind::Inactivity).await;
        assert_eq!(raised.len(), 1, "{}", case.name);
        assert_eq!((raised[0].urgency.as_str(), raised[0].raised_at), ("normal", case.due), "{}", case.name);
        assert_eq!(w.sweep(case.due).await, Swept::default(), "{}: again", case.name);
        assert_eq!(w.sweep(case.due + 3 * DAY).await, Swept::default(), "{}: three days on, the same spell", case.name);
        assert_eq!(w.flags_of(case.patient, Kind::Inactivity).await.len(), 1, "{}", case.name);
    }
    assert!(w.flags_of(ended, Kind::Inactivity).await.is_empty(), "an ended programme raises nothing");

    // Back for a visit, then quiet again: a new spell, a new flag, 14 days after the visit.
    let march = &cases[1];
    w.set_last_active(march.patient, oslo(2026, 4, 10, 9, 0, 2)).await;
    assert_eq!(w.sweep(oslo(2026, 4, 23, 23, 59, 2)).await, Swept::default());
    assert_eq!(w.sweep(oslo(2026, 4, 24, 0, 0, 2)).await, Swept { raised: 1, escalated: 0 });
    assert_eq!(w.flags_of(march.patient, Kind::Inactivity).await.len(), 2);
    assert_eq!(outbox(pool).await.len(), 0, "inactivity is not urgent: nobody is mailed");
}

/// A patient's message or homework unanswered after 2 working days raises an overdue-guidance
/// flag: one that came on a Friday not on Tuesday at 23:59, but at Wednesday 00:00 (Oslo); one
/// that came the Wednesday before Easter on the Thursday after. Once each; not when answered.
async fn overdue_guidance_after_working_days(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;

    let (friday_user, friday) = w.patient("Frida Fredag").await;
    let enrolment = w.enrol(&content, friday, "depression", date(2026, 2, 2)).await;
    insert_message(pool, friday, friday_user, true, oslo(2026, 2, 6, 14, 0, 1)).await;
    insert_submission(pool, enrolment, 1, oslo(2026, 2, 6, 16, 0, 1)).await;
    // Answered on Monday: nothing is overdue.
    let (answered_user, answered) = w.patient("Are Besvart").await;
    insert_message(pool, answered, answered_user, true, oslo(2026, 2, 6, 14, 0, 1)).await;
    insert_message(pool, answered, w.therapist, false, oslo(2026, 2, 9, 9, 0, 1)).await;
    // Before Easter: Maundy Thursday, Good Friday and Easter Monday are no working days.
    let (easter_user, easter) = w.patient("Påske Petter").await;
    insert_message(pool, easter, easter_user, true, oslo(2026, 4, 1, 9, 0, 2)).await;

    assert_eq!(w.sweep(oslo(2026, 2, 10, 23, 59, 1)).await.raised, 0, "Tuesday 23:59");
    assert!(reasons(&w, friday, Kind::OverdueGuidance).await.is_empty());
    assert_eq!(w.sweep(oslo(2026, 2, 11, 0, 0, 1)).await.raised, 2, "Wednesday 00:00");
    assert_eq!(reasons(&w, friday, Kind::OverdueGuidance).await, vec!["message".to_string(), "submission".to_string()]);
    assert_eq!(w.sweep(oslo(2026, 2, 11, 0, 0, 1)).await.raised, 0, "again");
    assert_eq!(w.sweep(oslo(2026, 2, 13, 12, 0, 1)).await.raised, 0, "two days later (before the programme's 14 quiet days)");
    assert_eq!(reasons(&w, friday, Kind::OverdueGuidance).await.len(), 2);
    assert!(reasons(&w, answered, Kind::OverdueGuidance).await.is_empty(), "an answered message is not waiting");
    let flag = &w.flags_of(friday, Kind::OverdueGuidance).await[0];
    assert_eq!(flag.urgency, "normal");

    // (Frida's programme still runs in April and she has been quiet: the sweeps also raise her
    // inactivity flag, so these count the overdue flags themselves.)
    w.sweep(oslo(2026, 4, 8, 23, 59, 2)).await;
    assert!(reasons(&w, easter, Kind::OverdueGuidance).await.is_empty(), "Wednesday after Easter, 23:59");
    w.sweep(oslo(2026, 4, 9, 0, 0, 2)).await;
    assert_eq!(reasons(&w, easter, Kind::OverdueGuidance).await, vec!["message".to_string()], "Thursday after Easter, 00:00");
    w.sweep(oslo(2026, 4, 9, 0, 0, 2)).await;
    assert_eq!(reasons(&w, easter, Kind::OverdueGuidance).await.len(), 1, "once");
    assert_eq!(reasons(&w, friday, Kind::OverdueGuidance).await.len(), 2, "Frida's stay two");
    assert!(reasons(&w, answered, Kind::OverdueGuidance).await.is_empty());
    assert_eq!(outbox(pool).await.len(), 0, "not urgent: nobody is mailed");
}

/// Non-response at week 4: PHQ-9 15, 14, 15 (still a case, no reliable improvement) raises one
/// flag, in week 4 and not in week 3; 20 → 10 (a reliable fall) and PHQ-9 15 → 15 with GAD-7
/// 12 → 6 (a reliable fall on the other measure) raise none.
async fn non_response_at_week_four(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    let start = date(2026, 9, 7);
    let week = |n: i64| dates::add_days(start, 7 * n);
    let mut patients = Vec::new();
    for (name, phq, gad) in [("Ingen Bedring", vec![15, 14, 15], vec![]), ("Bra Bedring", vec![20, 10], vec![]), ("Angst Bedring", vec![15, 15], vec![12, 6])] {
        let (_, patient) = w.patient(name).await;
        let enrolment = w.enrol(&content, patient, "depression", start).await;
        for (n, total) in phq.iter().enumerate() {
            let occasion = if n == 0 { "start".to_string() } else { format!("week-{n}") };
            answer(&w, &questionnaire(pool, enrolment, "phq9", &occasion, week(n as i64)).await, &phq9(*total, 0)).await;
        }
        for (n, total) in gad.iter().enumerate() {
            let occasion = if n == 0 { "start".to_string() } else { format!("week-{n}") };
            answer(&w, &questionnaire(pool, enrolment, "gad7", &occasion, week(n as i64)).await, &gad7(*total)).await;
        }
        patients.push((name, patient));
    }

    w.sweep(oslo(2026, 9, 27, 23, 59, 2)).await;
    for (name, patient) in &patients {
        assert_eq!(reasons(&w, *patient, Kind::NonResponse).await.len(), 0, "{name}: week 3");
    }
    w.sweep(oslo(2026, 9, 28, 0, 0, 2)).await;
    w.sweep(oslo(2026, 9, 28, 0, 0, 2)).await;
    w.sweep(oslo(2026, 10, 12, 12, 0, 2)).await;
    assert_eq!(reasons(&w, patients[0].1, Kind::NonResponse).await.len(), 1, "15, 14, 15: one flag from week 4 on");
    let flag = &w.flags_of(patients[0].1, Kind::NonResponse).await[0];
    assert_eq!((flag.urgency.as_str(), flag.raised_at), ("normal", oslo(2026, 9, 28, 0, 0, 2)));
    assert_eq!(reasons(&w, patients[1].1, Kind::NonResponse).await.len(), 0, "20 → 10 is a reliable improvement");
    assert_eq!(reasons(&w, patients[2].1, Kind::NonResponse).await.len(), 0, "a reliable fall on GAD-7 with PHQ-9 unchanged is an improvement");
}

/// Four instances run the sweep at the same moment: every flag is raised once and every
/// escalation mailed once (the UNIQUE once-keys and the conditional update), and the counts
/// the runs report add up to exactly that.
async fn several_instances_raise_once(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    let second_lead = w.person("leder2@kommune.test", "Lise Leder", Role::TeamLead).await;
    let patients = 8;
    for n in 0..patients {
        let (user, patient) = w.patient(&format!("Pasient {n}")).await;
        w.enrol(&content, patient, "depression", date(2026, 1, 5)).await;
        insert_message(pool, patient, user, true, oslo(2026, 1, 9, 12, 0, 1)).await;
        let mut conn = pool.acquire().await.unwrap();
        insert_urgent_flag(&mut conn, patient, "urgent", oslo(2026, 1, 12, 10, 0, 1)).await;
    }
    let at = oslo(2026, 2, 16, 12, 0, 1);
    let mut instances = Vec::new();
    for _ in 0..4 {
        instances.push(Db::connect(&url).await.unwrap());
    }
    for round in 0..2 {
        let start = Arc::new(tokio::sync::Barrier::new(instances.len()));
        let mut runs = Vec::new();
        for instance in &instances {
            let (pool, notifier, start) = (instance.pool.clone(), w.notifier.clone(), start.clone());
            runs.push(tokio::spawn(async move {
                start.wait().await;
                flag_sweep::run(&pool, &notifier, at).await.unwrap()
            }));
        }
        let mut total = Swept::default();
        for run in runs {
            let swept = run.await.unwrap();
            total.raised += swept.raised;
            total.escalated += swept.escalated;
        }
        let expected = if round == 0 { Swept { raised: 2 * patients, escalated: patients } } else { Swept::default() };
        assert_eq!(total, expected, "round {round}: inactivity and overdue guidance for each patient, each urgent flag escalated, once");
    }
    for (kind, n) in [("inactivity", patients), ("overdue_guidance", patients), ("risk", patients), ("non_response", 0)] {
        let got: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM flags WHERE kind = $1").bind(kind).fetch_one(pool).await.unwrap();
        assert_eq!(got, n as i64, "{kind}");
    }
    assert_eq!(count(pool, "SELECT COUNT(*) FROM flags WHERE escalated_at = $1", &[at]).await, patients as i64);
    let mails = outbox(pool).await;
    assert_eq!(mails.len(), 2 * patients, "each escalation to each of the two team leads once");
    assert!(mails.iter().all(|m| m.kind.as_deref() == Some("unacknowledged_flag") && [w.lead, second_lead].contains(&m.user_id.unwrap())));
}

/// An organisation's own thresholds: only admins set them; invalid values ("3", "abc") are
/// refused and nothing is stored, not even the valid ones beside them; inactivity at 21 days
/// raises nothing at 14 or 20 days and a flag at 21; escalation after 2 working days.
async fn organisation_thresholds(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    let admin = w.viewer(w.admin).await;
    let typed = |list: &[(&str, &str)]| list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    let stored = || count(pool, "SELECT COUNT(*) FROM flag_settings", &[]);

    assert_eq!(fields(flags::set_thresholds(pool, &admin, &typed(&[("flag.inactivity.days", "3")])).await), pairs(&[("flag.inactivity.days", "out_of_range:8:90")]));
    assert_eq!(fields(flags::set_thresholds(pool, &admin, &typed(&[("flag.inactivity.days", "abc")])).await), pairs(&[("flag.inactivity.days", "out_of_range:8:90")]));
    assert_eq!(
        fields(flags::set_thresholds(pool, &admin, &typed(&[("flag.escalation.working_days", "2"), ("flag.inactivity.days", "91")])).await),
        pairs(&[("flag.inactivity.days", "out_of_range:8:90")])
    );
    assert_eq!(stored().await, 0, "nothing stored while anything is invalid");
    for (who, expected) in [(w.therapist, "forbidden"), (w.lead, "forbidden")] {
        let result = flags::set_thresholds(pool, &w.viewer(who).await, &typed(&[("flag.inactivity.days", "21")])).await;
        assert!(matches!(result, Err(Error::Forbidden)), "{expected}: {result:?}");
    }
    let (patient_user, patient) = w.patient("Terskel Tone").await;
    let result = flags::set_thresholds(pool, &w.viewer(patient_user).await, &typed(&[("flag.inactivity.days", "21")])).await;
    assert!(matches!(result, Err(Error::NotFound)), "a patient is not told the page exists: {result:?}");
    assert_eq!(stored().await, 0);

    flags::set_thresholds(pool, &admin, &typed(&[("flag.inactivity.days", "21"), ("flag.escalation.working_days", "2")])).await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let thresholds = flags::thresholds(&mut conn, w.org).await.unwrap();
    drop(conn);
    assert_eq!((thresholds.get(rules::INACTIVITY_DAYS), thresholds.get(rules::ESCALATION)), (21, 2));
    assert_eq!(thresholds.get(rules::OVERDUE_WORKING_DAYS), 2, "the rest keep their defaults");
    // An invalid change later leaves the stored values alone.
    assert!(matches!(flags::set_thresholds(pool, &admin, &typed(&[("flag.inactivity.days", "14"), ("flag.escalation.working_days", "x")])).await, Err(Error::Invalid(_))));
    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(flags::thresholds(&mut conn, w.org).await.unwrap().get(rules::INACTIVITY_DAYS), 21);
    drop(conn);

    w.enrol(&content, patient, "depression", date(2026, 1, 5)).await;
    w.set_last_active(patient, oslo(2026, 1, 7, 10, 0, 1)).await;
    w.sweep(oslo(2026, 1, 21, 0, 0, 1)).await;
    assert!(w.flags_of(patient, Kind::Inactivity).await.is_empty(), "14 days is not enough here");
    w.sweep(oslo(2026, 1, 27, 23, 59, 1)).await;
    assert!(w.flags_of(patient, Kind::Inactivity).await.is_empty(), "20 days");
    w.sweep(oslo(2026, 1, 28, 0, 0, 1)).await;
    assert_eq!(w.flags_of(patient, Kind::Inactivity).await.len(), 1, "21 days");

    // Escalation after two working days: Friday's flag waits for Monday and Tuesday.
    let mut conn = pool.acquire().await.unwrap();
    let flag = insert_urgent_flag(&mut conn, patient, "urgent", oslo(2026, 3, 27, 14, 0, 1)).await;
    drop(conn);
    assert_eq!(w.sweep(oslo(2026, 3, 31, 0, 0, 2)).await.escalated, 0, "one working day is not enough here");
    assert_eq!(w.sweep(oslo(2026, 4, 1, 0, 0, 2)).await.escalated, 1);
    assert_eq!(count(pool, "SELECT COUNT(*) FROM flags WHERE id = $1 AND escalated_at IS NOT NULL", &[flag]).await, 1);
}

// ----- 4. closing a flag, changing a step ------------------------------------------------------------

/// A flag is closed only with a decision and a note: either missing is refused field by field
/// and nothing is written. Closed ("contact the patient"), the note is an assessment note in the
/// record, the close is audited, it cannot be closed twice, and the database refuses to change a
/// closed flag or delete any flag.
async fn closing_a_flag_needs_a_decision_and_a_note(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    let today = dates::today();
    let (_, patient) = w.patient("Per Pasient").await;
    let enrolment = w.enrol(&content, patient, "depression", today).await;
    let access = w.access(w.therapist, patient).await;
    let (_, kinds) = answer(&w, &questionnaire(pool, enrolment, "phq9", "start", today).await, &phq9(16, 1)).await;
    assert_eq!(kinds, vec![Kind::Risk]);
    let risk = w.flags_of(patient, Kind::Risk).await[0].id;
    let close = |decision: &'static str, to_step: &'static str, note: &'static str| flags::close(pool, &content, &access, risk, decision, to_step, note, "req-close");

    assert_eq!(fields(close("contact_patient", "", "   ").await), pairs(&[("note", "required")]));
    assert_eq!(fields(close("", "", "Ringte pasienten.").await), pairs(&[("decision", "choose_decision")]));
    assert_eq!(fields(close("think_about_it", "", "").await), pairs(&[("decision", "choose_decision"), ("note", "required")]));
    let flag = &w.flags_of(patient, Kind::Risk).await[0];
    assert!(flag.closed_at.is_none() && flag.decision.is_none() && flag.note.is_none(), "still open: {flag:?}");
    assert_eq!(count(pool, "SELECT COUNT(*) FROM journal_notes", &[]).await, 0);
    assert_eq!(w.audit_count(patient, "close_flag").await, 0);

    let note = "Ringte pasienten. Ingen planer; avtalt videosamtale i morgen.";
    close("contact_patient", "", note).await.unwrap();
    let flag = &w.flags_of(patient, Kind::Risk).await[0];
    assert!(flag.closed_at.is_some());
    assert_eq!((flag.decision.as_deref(), flag.to_step.as_deref(), flag.note.as_deref()), (Some("contact_patient"), None, Some(note)));
    assert_eq!(flag.closed_by_name.as_deref(), Some("Tora Terapeut"));
    let notes = journal::notes(pool, patient).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!((notes[0].current.kind.as_str(), notes[0].current.body.as_str(), notes[0].current.author_name.as_str()), ("assessment", note, "Tora Terapeut"));
    assert_eq!(notes[0].current.written_on, dates::format(today));
    assert_eq!(w.audit_count(patient, "close_flag").await, 1);
    assert_eq!(count(pool, "SELECT COUNT(*) FROM step_changes", &[]).await, 0, "contacting the patient moves nobody");
    assert!(flags::open_in(pool, w.org).await.unwrap().is_empty());

    assert_eq!(fields(close("continue", "", "En gang til.").await), pairs(&[("form", "flag_already_closed")]));
    assert_eq!(w.audit_count(patient, "close_flag").await, 1);
    assert_eq!(count(pool, "SELECT COUNT(*) FROM journal_notes", &[]).await, 1);
    // Another patient's flag is not closed through this patient's access.
    let (_, other) = w.patient("Olga Annen").await;
    let other_enrolment = w.enrol(&content, other, "depression", today).await;
    answer(&w, &questionnaire(pool, other_enrolment, "phq9", "start", today).await, &phq9(5, 1)).await;
    let others = w.flags_of(other, Kind::Risk).await[0].id;
    assert_eq!(fields(flags::close(pool, &content, &access, others, "continue", "", "Feil pasient.", "req").await), pairs(&[("form", "flag_already_closed")]));

    // The database itself: a closed flag is never changed, no flag is ever deleted.
    for sql in ["UPDATE flags SET reason = 'endret' WHERE id = $1", "UPDATE flags SET closed_at = NULL, decision = NULL, note_id = NULL WHERE id = $1", "DELETE FROM flags WHERE id = $1"] {
        assert!(sqlx::query(sql).bind(risk).execute(pool).await.is_err(), "refused: {sql}");
    }
    assert!(sqlx::query("DELETE FROM flags WHERE id = $1").bind(others).execute(pool).await.is_err(), "an open flag is not deleted either");
    assert_eq!(count(pool, "SELECT COUNT(*) FROM flags", &[]).await, 2);
    assert_eq!(w.flags_of(patient, Kind::Risk).await[0].decision.as_deref(), Some("contact_patient"));
}

/// Decisions that move the patient. The start step after assessment; "step up" to a higher step
/// (a lower or unknown one refused) records the change with the flag, keeps the programme going;
/// "refer to specialist care" ends it, and the stored handover names from and to, the scores,
/// every flag with its decision (the one being closed included) and the modules done. Step
/// changes are refused for unknown and unchanged steps and are never altered.
async fn decisions_move_the_patient_with_a_handover(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    let today = dates::today();
    let (patient_user, patient) = w.patient("Per Pasient").await;
    let enrolment = w.enrol(&content, patient, "depression", today).await;
    let access = w.access(w.therapist, patient).await;
    let step_of = move || async move { sqlx::query_scalar::<_, Option<String>>("SELECT step FROM patients WHERE id = $1").bind(patient).fetch_one(pool).await.unwrap() };
    let enrolment_ended = || count(pool, "SELECT COUNT(*) FROM enrolments WHERE id = $1 AND ended_at IS NOT NULL", &[enrolment]);

    // The step after assessment; wrong steps refused.
    assert_eq!(step_of().await, None);
    steps::change(pool, &content, &access, "guided", "Vurdert: veiledet internettbehandling.", "req-1").await.unwrap();
    assert_eq!(step_of().await.as_deref(), Some("guided"));
    assert_eq!(fields(steps::change(pool, &content, &access, "nowhere", "Notat.", "req").await), pairs(&[("new_step", "choose_step")]));
    assert_eq!(fields(steps::change(pool, &content, &access, "guided", "Notat.", "req").await), pairs(&[("new_step", "same_step")]));
    assert_eq!(fields(steps::change(pool, &content, &access, "consultations", " ", "req").await), pairs(&[("step_note", "required")]));
    assert_eq!(steps::history(pool, patient).await.unwrap().len(), 1);
    assert_eq!(w.audit_count(patient, "change_step").await, 1);

    // Scores 16 (with a risk answer) and 20 (severe); the risk flag closed by a contact.
    answer(&w, &questionnaire(pool, enrolment, "phq9", "start", today).await, &phq9(16, 1)).await;
    let risk = w.flags_of(patient, Kind::Risk).await[0].id;
    flags::close(pool, &content, &access, risk, "contact_patient", "", "Ringte; trygg nok.", "req-2").await.unwrap();
    let (_, kinds) = answer(&w, &questionnaire(pool, enrolment, "phq9", "week-1", dates::add_days(today, 7)).await, &phq9(20, 0)).await;
    assert_eq!(kinds, vec![Kind::Severe]);
    let severe = w.flags_of(patient, Kind::Severe).await[0].id;
    // Module 2 handed in.
    let handed_in = now() - 3600;
    insert_submission(pool, enrolment, 2, handed_in).await;

    // Step up: only to a higher step of the ladder.
    let close_severe = |to: &'static str| flags::close(pool, &content, &access, severe, "step_up", to, "Trenger samtaler i tillegg.", "req-3");
    assert_eq!(fields(close_severe("self_help").await), pairs(&[("to_step", "wrong_direction")]));
    assert_eq!(fields(close_severe("guided").await), pairs(&[("to_step", "wrong_direction")]));
    assert_eq!(fields(close_severe("").await), pairs(&[("to_step", "choose_step")]));
    assert_eq!(fields(close_severe("nowhere").await), pairs(&[("to_step", "unknown_step")]));
    assert!(w.flags_of(patient, Kind::Severe).await[0].closed_at.is_none(), "still open");
    assert_eq!(step_of().await.as_deref(), Some("guided"));
    close_severe("consultations").await.unwrap();
    let history = steps::history(pool, patient).await.unwrap();
    assert_eq!(history.len(), 2);
    let up = &history[0];
    assert_eq!((up.from_step.as_deref(), up.to_step.as_str(), up.reason.as_str(), up.flag_id), (Some("guided"), "consultations", "flag", Some(severe)));
    assert_eq!((up.note.as_str(), up.changed_by_name.as_str()), ("Trenger samtaler i tillegg.", "Tora Terapeut"));
    assert_eq!((history[1].from_step.as_deref(), history[1].to_step.as_str(), history[1].reason.as_str(), history[1].flag_id), (None, "guided", "assessment", None));
    assert_eq!(step_of().await.as_deref(), Some("consultations"));
    assert_eq!(enrolment_ended().await, 0, "a step up keeps the programme");
    assert_eq!((w.audit_count(patient, "change_step").await, w.audit_count(patient, "end_enrolment").await), (2, 0));
    let flag = &w.flags_of(patient, Kind::Severe).await[0];
    assert_eq!((flag.decision.as_deref(), flag.to_step.as_deref()), (Some("step_up"), Some("consultations")));

    // The patient asks for more help; the answer is a referral to specialist care.
    let help = flags::request_help(pool, &w.notifier, &w.viewer(patient_user).await, "Jeg klarer ikke dette alene.", "help-form-key-0001").await.unwrap();
    flags::close(pool, &content, &access, help, "refer_specialist", "", "Henvist til DPS.", "req-4").await.unwrap();
    assert_eq!(step_of().await.as_deref(), Some("specialist"));
    assert_eq!(enrolment_ended().await, 1, "a referral ends the programme");
    assert_eq!((w.audit_count(patient, "change_step").await, w.audit_count(patient, "end_enrolment").await, w.audit_count(patient, "close_flag").await), (3, 1, 3));
    let referral = steps::history(pool, patient).await.unwrap().remove(0);
    assert_eq!((referral.from_step.as_deref(), referral.to_step.as_str(), referral.reason.as_str(), referral.flag_id), (Some("consultations"), "specialist", "flag", Some(help)));

    let handover = steps::handover(pool, &access, referral.id, "req-5").await.unwrap();
    assert_eq!(w.audit_count(patient, "view_handover").await, 1);
    assert_eq!((handover.patient_name.as_str(), handover.organisation_name.as_str()), ("Per Pasient", "Mestring kommune"));
    assert_eq!(handover.head.from.as_ref().map(|s| s.key.as_str()), Some("consultations"));
    assert_eq!(handover.head.to.as_ref().map(|s| s.key.as_str()), Some("specialist"));
    assert_eq!((handover.head.reason.as_str(), handover.head.note.as_str(), handover.head.made_by.as_str()), ("flag", "Henvist til DPS.", "Tora Terapeut"));
    assert_eq!(handover.programmes.len(), 1);
    let programme = &handover.programmes[0];
    let (_, depression) = content.current("depression").unwrap();
    assert_eq!(programme.title, depression.title);
    let phq = programme.measures.iter().find(|m| m.instrument_id == "phq9").expect("PHQ-9 scores in the handover");
    assert_eq!(phq.points.iter().map(|(_, occasion, total)| (occasion.as_str(), *total)).collect::<Vec<_>>(), vec![("start", 16), ("week-1", 20)]);
    assert_eq!(programme.modules_done, vec![(depression.module(2).unwrap().title.clone(), handed_in)]);
    let mut decided: Vec<(String, Option<String>, Option<String>, bool)> =
        handover.flags.iter().map(|f| (f.kind.clone(), f.decision.clone(), f.to_step.clone(), f.closed_at.is_some() && f.note.is_some())).collect();
    decided.sort();
    assert_eq!(
        decided,
        vec![
            ("help_request".into(), Some("refer_specialist".into()), Some("specialist".into()), true),
            ("risk".into(), Some("contact_patient".into()), None, true),
            ("severe".into(), Some("step_up".into()), Some("consultations".into()), true),
        ],
        "every flag with its decision, the one just closed included"
    );
    // A handover of another patient is not found through this access.
    assert!(matches!(steps::handover(pool, &access, referral.id + 1000, "req").await, Err(Error::NotFound)));

    // Step changes are never altered or removed.
    assert!(sqlx::query("UPDATE step_changes SET note = 'endret' WHERE id = $1").bind(referral.id).execute(pool).await.is_err());
    assert!(sqlx::query("DELETE FROM step_changes WHERE id = $1").bind(referral.id).execute(pool).await.is_err());
    assert_eq!(steps::history(pool, patient).await.unwrap().len(), 3);
}

/// Two clinicians (on two instances) close the same flag at the same moment, with different
/// decisions: one wins, the other is told it was closed already, and the record holds one
/// decision, one journal note and one audit row per flag.
async fn two_clinicians_close_at_once(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = Arc::new(w.content().await);
    let (user, patient) = w.patient("Dobbel Lukking").await;
    let colleague = w.person("kollega@kommune.test", "Kari Kollega", Role::TeamLead).await;
    let accesses = [w.access(w.therapist, patient).await, w.access(colleague, patient).await];
    let instances = [Db::connect(&url).await.unwrap(), Db::connect(&url).await.unwrap()];
    let viewer = w.viewer(user).await;
    let rounds = 12;
    let mut outcomes = Vec::new();
    for round in 0..rounds {
        let flag = flags::request_help(pool, &w.notifier, &viewer, "Hjelp", &format!("help-form-key-{round:04}")).await.unwrap();
        let start = Arc::new(tokio::sync::Barrier::new(2));
        let mut closes = Vec::new();
        for (n, decision) in ["continue", "contact_patient"].into_iter().enumerate() {
            let (pool, content, access, start) = (instances[n].pool.clone(), content.clone(), accesses[n], start.clone());
            closes.push(tokio::spawn(async move {
                start.wait().await;
                flags::close(&pool, &content, &access, flag, decision, "", &format!("Vurdert av {n}."), "req-race").await
            }));
        }
        let mut results = Vec::new();
        for close in closes {
            results.push(close.await.unwrap());
        }
        let won = results.iter().filter(|r| r.is_ok()).count();
        let told = results.iter().filter(|r| matches!(r, Err(Error::Invalid(f)) if f.len() == 1 && f[0].code == "flag_already_closed")).count();
        outcomes.push((won, told, results.iter().filter_map(|r| r.as_ref().err().map(|e| e.to_string())).collect::<Vec<_>>()));
    }
    eprintln!("outcomes (won, told closed already, errors): {outcomes:?}");
    let closed = count(pool, "SELECT COUNT(*) FROM flags WHERE closed_at IS NOT NULL", &[]).await;
    assert_eq!(closed, rounds, "every flag closed");
    assert_eq!(count(pool, "SELECT COUNT(*) FROM journal_notes", &[]).await, rounds, "one journal note per decision");
    assert_eq!(w.audit_count(patient, "close_flag").await, rounds, "one audit row per decision");
    assert!(outcomes.iter().all(|(won, told, _)| (*won, *told) == (1, 1)), "one wins, the other is told: {outcomes:?}");
}

/// A therapist who also works in another organisation has a colleague covering for them there:
/// that colleague, who cannot see this organisation's patients, is not told of an urgent flag
/// here (as `access` lets only a cover in the patient's organisation act for the therapist).
async fn urgent_mail_only_to_covers_in_the_patients_organisation(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    let today = dates::today();
    let elsewhere = org::create(pool, "annet", "Annet DPS", "dps").await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    accounts::grant_role(&mut conn, w.therapist, elsewhere, Role::Therapist).await.unwrap();
    let colleague = accounts::create_user(&mut conn, "kollega@annet.test", "Kari Kollega", None, "nb").await.unwrap();
    accounts::grant_role(&mut conn, colleague, elsewhere, Role::Therapist).await.unwrap();
    drop(conn);
    let user = accounts::user_by_id(pool, w.therapist).await.unwrap().unwrap();
    let there = Viewer::load(pool, user, Some(elsewhere)).await.unwrap();
    covers::create(pool, &there, w.therapist, colleague, &dates::format(today), &dates::format(dates::add_days(today, 7)), "req-cover").await.unwrap();

    let (_, patient) = w.patient("Rita Risiko").await;
    let enrolment = w.enrol(&content, patient, "depression", today).await;
    // The colleague in the other organisation cannot act for the therapist here.
    let colleague_viewer = Viewer::load(pool, accounts::user_by_id(pool, colleague).await.unwrap().unwrap(), Some(elsewhere)).await.unwrap();
    assert!(colleague_viewer.patient(pool, patient).await.is_err());
    let (_, kinds) = answer(&w, &questionnaire(pool, enrolment, "phq9", "start", today).await, &phq9(3, 1)).await;
    assert_eq!(kinds, vec![Kind::Risk]);
    let told: Vec<i64> = outbox(pool).await.iter().map(|m| m.user_id.unwrap()).collect();
    assert_eq!(told, vec![w.therapist], "only the therapist; not a colleague covering in another organisation");
}

// ----- 5. "I need more help" ---------------------------------------------------------------------

/// The patient's "I need more help": one high flag with the message per form (a second press of
/// the same form is the same flag), the therapist told; a message over 4,000 characters
/// refused (counted in characters, not bytes); an empty one allowed; staff cannot press it.
async fn help_request_once_per_form(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let (user, patient) = w.patient("Hanne Hjelp").await;
    let viewer = w.viewer(user).await;

    let id = flags::request_help(pool, &w.notifier, &viewer, "  Jeg trenger mer hjelp nå.  ", "help-form-key-0001").await.unwrap();
    assert_eq!(flags::request_help(pool, &w.notifier, &viewer, "  Jeg trenger mer hjelp nå.  ", "help-form-key-0001").await.unwrap(), id, "the same form again");
    let all = flags::of_patient(pool, patient).await.unwrap();
    assert_eq!(all.len(), 1);
    let flag = &all[0];
    assert_eq!((flag.id, flag.kind.as_str(), flag.urgency.as_str(), flag.message.as_deref()), (id, "help_request", "high", Some("Jeg trenger mer hjelp nå.")));
    assert_eq!(flag.response_id, None);
    let mails = outbox(pool).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!((mails[0].user_id, mails[0].kind.as_deref()), (Some(w.therapist), Some("help_request")));
    assert_eq!((&mails[0].subject, &mails[0].body), (&compose(Notice::HelpRequest, "nb", ORIGIN, None).0, &compose(Notice::HelpRequest, "nb", ORIGIN, None).1));

    assert_eq!(fields(flags::request_help(pool, &w.notifier, &viewer, &"ø".repeat(4001), "help-form-key-0002").await), pairs(&[("message", "too_long:4000")]));
    assert_eq!(fields(flags::request_help(pool, &w.notifier, &viewer, "Hjelp", "").await), pairs(&[("form", "stale_form")]));
    assert_eq!(flags::of_patient(pool, patient).await.unwrap().len(), 1, "nothing stored");
    let long = flags::request_help(pool, &w.notifier, &viewer, &"ø".repeat(4000), "help-form-key-0003").await.unwrap();
    let silent = flags::request_help(pool, &w.notifier, &viewer, "   ", "help-form-key-0004").await.unwrap();
    let all = flags::of_patient(pool, patient).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all.iter().find(|f| f.id == long).unwrap().message.as_ref().map(|m| m.chars().count()), Some(4000));
    assert_eq!(all.iter().find(|f| f.id == silent).unwrap().message, None, "no message: none stored");

    let staff = flags::request_help(pool, &w.notifier, &w.viewer(w.therapist).await, "Hjelp", "help-form-key-0005").await;
    assert!(matches!(staff, Err(Error::NotFound)), "{staff:?}");
    assert_eq!(count(pool, "SELECT COUNT(*) FROM flags", &[]).await, 3);
}

// ----- 6. the caseload -----------------------------------------------------------------------------

/// In the therapist's caseload an open risk flag comes first (UrgentFlag), then another flag
/// (Flag), then overdue homework (Overdue; a team lead's overdue-guidance flag does not lift it);
/// once the flags are closed the patients fall back.
async fn caseload_puts_urgent_flags_first(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    let today = dates::today();
    let viewer = w.viewer(w.therapist).await;

    // Overdue homework, waiting ten days, with the team lead's overdue-guidance flag on it.
    let (_, homework) = w.patient("Anna Hjemmeoppgave").await;
    let enrolment = w.enrol(&content, homework, "depression", dates::add_days(today, -7)).await;
    insert_submission(pool, enrolment, 1, now() - 10 * DAY).await;
    w.sweep(now()).await;
    assert_eq!(w.flags_of(homework, Kind::OverdueGuidance).await.len(), 1);
    // A help request, and a risk answer.
    let (help_user, help) = w.patient("Cecilie Hjelp").await;
    let help_flag = flags::request_help(pool, &w.notifier, &w.viewer(help_user).await, "Hjelp", "help-form-key-0001").await.unwrap();
    let (_, risk) = w.patient("Bjørn Risiko").await;
    let risk_enrolment = w.enrol(&content, risk, "depression", today).await;
    answer(&w, &questionnaire(pool, risk_enrolment, "phq9", "start", today).await, &phq9(6, 2)).await;
    let risk_flag = w.flags_of(risk, Kind::Risk).await[0].id;

    let order = |rows: &[caseload::CaseloadRow]| rows.iter().map(|r| (r.patient_id, r.priority)).collect::<Vec<_>>();
    let rows = caseload::own(pool, &viewer, &Filter::default(), "req-1").await.unwrap();
    assert_eq!(order(&rows), vec![(risk, Priority::UrgentFlag), (help, Priority::Flag), (homework, Priority::Overdue)]);
    let first = &rows[0];
    assert_eq!(first.flags.iter().map(|f| (f.id, f.kind.as_str(), f.urgency.as_str())).collect::<Vec<_>>(), vec![(risk_flag, "risk", "urgent")]);
    assert!(rows[2].overdue && rows[2].homework_waiting == 1);
    let urgent_only = Filter { priority: Some(Priority::UrgentFlag), ..Filter::default() };
    assert_eq!(order(&caseload::own(pool, &viewer, &urgent_only, "req-2").await.unwrap()), vec![(risk, Priority::UrgentFlag)]);
    // The team lead sees the same order for the organisation.
    let lead_rows = caseload::rows(pool, w.org, &caseload::Scope::Organisation).await.unwrap();
    assert_eq!(order(&lead_rows), order(&rows));

    for (patient, flag) in [(risk, risk_flag), (help, help_flag)] {
        let access = w.access(w.therapist, patient).await;
        flags::close(pool, &content, &access, flag, "continue", "", "Vurdert; fortsetter som før.", "req-3").await.unwrap();
    }
    let rows = caseload::own(pool, &viewer, &Filter::default(), "req-4").await.unwrap();
    assert_eq!(order(&rows)[0], (homework, Priority::Overdue), "overdue homework first once the flags are closed");
    let fallen: Vec<(i64, Priority)> = order(&rows)[1..].to_vec();
    assert!(fallen.contains(&(risk, Priority::Rest)) && fallen.contains(&(help, Priority::Rest)), "{fallen:?}");
    assert!(rows.iter().filter(|r| r.patient_id != homework).all(|r| r.flags.is_empty()));
}

// ----- 7. an organisation's ladder ----------------------------------------------------------------

/// An administrator renames and adds steps (and the ladder reads back so, in order); a step a
/// patient is or has been on cannot be removed, one nobody used can; nobody else may edit it.
async fn ladder_per_organisation(url: String) {
    let w = World::new(&url).await;
    let pool = w.pool();
    let content = w.content().await;
    let admin = w.viewer(w.admin).await;
    let org = w.org;
    let read = move || async move {
        let mut conn = pool.acquire().await.unwrap();
        steps::ladder(&mut conn, org).await.unwrap()
    };
    assert_eq!(read().await, ladder::default_ladder(), "the default until an organisation has its own");

    let mut edited = ladder::default_ladder();
    let guided = edited.iter_mut().find(|s| s.key == "guided").unwrap();
    guided.name = Text { nb: "Internettbehandling med veileder".into(), en: "Internet treatment with a guide".into() };
    edited.insert(
        3,
        Step {
            key: "follow_up".into(),
            kind: StepKind::WithContacts,
            name: Text { nb: "Oppfølging hos fastlegen".into(), en: "Follow-up with the GP".into() },
            next: Text { nb: "Fastlegen din tar kontakt.".into(), en: "Your GP will contact you.".into() },
        },
    );
    steps::set_ladder(pool, &admin, &edited).await.unwrap();
    assert_eq!(read().await, edited);
    assert_eq!(read().await[3].key, "follow_up");

    // A patient goes guided → follow-up: both steps are now in someone's record.
    let (patient_user, patient) = w.patient("Stig Stige").await;
    let access = w.access(w.therapist, patient).await;
    steps::change(pool, &content, &access, "guided", "Vurdert.", "req-1").await.unwrap();
    steps::change(pool, &content, &access, "follow_up", "Videre til fastlegen.", "req-2").await.unwrap();
    let without: Vec<Step> = edited.iter().filter(|s| s.key != "guided").cloned().collect();
    assert_eq!(fields(steps::set_ladder(pool, &admin, &without).await), pairs(&[("ladder", "step_in_use:guided")]));
    let without: Vec<Step> = edited.iter().filter(|s| s.key != "follow_up").cloned().collect();
    assert_eq!(fields(steps::set_ladder(pool, &admin, &without).await), pairs(&[("ladder", "step_in_use:follow_up")]));
    assert_eq!(read().await, edited, "unchanged");
    let without_group: Vec<Step> = edited.iter().filter(|s| s.key != "group").cloned().collect();
    steps::set_ladder(pool, &admin, &without_group).await.unwrap();
    assert_eq!(read().await, without_group, "a step nobody was on can go");

    for (who, name) in [(w.therapist, "therapist"), (w.lead, "team lead")] {
        let result = steps::set_ladder(pool, &w.viewer(who).await, &edited).await;
        assert!(matches!(result, Err(Error::Forbidden)), "{name}: {result:?}");
    }
    let result = steps::set_ladder(pool, &w.viewer(patient_user).await, &edited).await;
    assert!(matches!(result, Err(Error::NotFound)), "patient: {result:?}");
    assert_eq!(read().await, without_group);
}
