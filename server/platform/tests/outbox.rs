//! The mail outbox against a real (small) SMTP server that misbehaves on demand: refusing
//! connections, dropping them in the middle of DATA, losing its final answer, answering 451, and
//! stalling. Every scenario runs on SQLite and on PostgreSQL. What must hold: every notification
//! is delivered, a copy is only ever sent with the same Message-ID, failures back off and show up
//! as stuck, a worker killed mid-send loses nothing, and several instances send each mail once.
//!
//! PostgreSQL: `STEGVIS_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`); each
//! test makes its own database there and drops it. Unreachable, the PostgreSQL half is skipped
//! loudly, or fails with `STEGVIS_REQUIRE_POSTGRES=1`.

mod support;

use support::on_both_databases;
use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{
        atomic::{AtomicUsize, Ordering::SeqCst},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use sqlx::AnyPool;
use stegvis_platform::{
    db::{Backend, Db},
    accounts,
    mail::{self, Mail, Outbox, OutboxCounts, Transport},
    now,
    org::{self, Role},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{tcp::OwnedReadHalf, TcpListener, TcpStream},
    task::JoinHandle,
};

const DOMAIN: &str = "stegvis.test";

// ----- the scenarios, each on both databases (tests/support) ---------------------------------

on_both_databases!(
    "stegvis_outbox", std::time::Duration::from_secs(60);
    faults_then_recovery,
    worker_killed_mid_send,
    stalled_server_times_out,
    several_instances,
    stuck_mail_per_organisation,
);

fn outbox(db: &Db, transport: Transport, claim_seconds: i64) -> Outbox {
    Outbox {
        pool: db.pool.clone(),
        backend: db.backend,
        transport,
        from: "Stegvis <ikke-svar@stegvis.test>".parse().unwrap(),
        message_id_domain: DOMAIN.into(),
        claim_seconds,
    }
}

/// Enqueues `n` mails in one transaction, to person{i}@example.test; returns recipient →
/// expected Message-ID.
async fn enqueue(db: &Db, n: usize) -> BTreeMap<String, String> {
    let mut tx = db.pool.begin().await.unwrap();
    for i in 0..n {
        let mail = Mail {
            to: format!("person{i}@example.test"),
            subject: format!("Ny melding i Stegvis ({i})"),
            // Non-ASCII and a line holding only a dot (lettre must stuff it).
            body: format!("Hei!\r\nDu har fått en ny melding. Logg inn for å lese den.\r\n.\r\nLenke {i}\r\n"),
        };
        mail::enqueue(&mut tx, &mail).await.unwrap();
    }
    tx.commit().await.unwrap();
    rows(&db.pool)
        .await
        .into_iter()
        .map(|r| (r.to_address.clone(), mail::message_id(r.id, r.created_at, DOMAIN)))
        .collect()
}

#[derive(sqlx::FromRow, Debug)]
struct Row {
    id: i64,
    created_at: i64,
    to_address: String,
    attempts: i64,
    next_attempt_at: i64,
    claimed_until: i64,
    sent_at: Option<i64>,
    last_error: Option<String>,
    body: String,
}

async fn rows(pool: &AnyPool) -> Vec<Row> {
    sqlx::query_as("SELECT id, created_at, to_address, attempts, next_attempt_at, claimed_until, sent_at, last_error, body FROM outbox ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Instead of waiting out the back-off: every unsent mail is due now.
async fn make_due(pool: &AnyPool) {
    sqlx::query("UPDATE outbox SET next_attempt_at = 0 WHERE sent_at IS NULL").execute(pool).await.unwrap();
}

/// One drain after `make_due`; checks that every mail it could not send backed off as it should.
async fn round(outbox: &Outbox) -> usize {
    make_due(&outbox.pool).await;
    let before = now();
    let sent = outbox.drain().await.unwrap();
    let after = now();
    for row in rows(&outbox.pool).await.iter().filter(|r| r.sent_at.is_none()) {
        let delay = mail::backoff_seconds(row.attempts - 1);
        assert!(row.attempts >= 1 && row.last_error.is_some(), "an unsent mail after a round has failed: {row:?}");
        assert!(
            (before + delay..=after + delay).contains(&row.next_attempt_at),
            "back-off of {delay} s after {} failures: {row:?}",
            row.attempts
        );
        assert_eq!(row.claimed_until, 0, "a failed mail's claim is released: {row:?}");
    }
    sent
}

async fn unsent_ids(pool: &AnyPool) -> Vec<i64> {
    rows(pool).await.iter().filter(|r| r.sent_at.is_none()).map(|r| r.id).collect()
}

async fn stuck_ids(pool: &AnyPool) -> Vec<i64> {
    mail::stuck(pool).await.unwrap().iter().map(|s| s.id).collect()
}

/// Polls `ready` until it holds, for at most five seconds.
async fn eventually(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !ready() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Checks what reached the sink against the outbox: every mail at least once, every copy of a
/// mail with that mail's Message-ID, nothing else. Returns how many mails arrived twice or more.
fn check_deliveries(delivered: &[Received], expected: &BTreeMap<String, String>) -> usize {
    let mut by_recipient: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in delivered {
        by_recipient.entry(&r.rcpt).or_default().push(&r.message_id);
    }
    assert_eq!(
        by_recipient.keys().copied().collect::<BTreeSet<_>>(),
        expected.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        "every mail is delivered, and only those"
    );
    for (rcpt, ids) in &by_recipient {
        assert!(ids.iter().all(|id| *id == expected[*rcpt]), "every copy to {rcpt} carries its Message-ID: {ids:?}");
    }
    let ids: BTreeSet<&str> = delivered.iter().map(|r| r.message_id.as_str()).collect();
    assert_eq!(ids, expected.values().map(String::as_str).collect(), "the Message-IDs are the expected ones");
    by_recipient.values().filter(|ids| ids.len() > 1).count()
}

// ----- scenarios ------------------------------------------------------------------------------

/// 50 mails through an outage that changes character, then recovery.
async fn faults_then_recovery(url: String) {
    let db = Db::connect(&url).await.unwrap();
    let pool = db.pool.clone();
    let sink = Sink::start().await;
    let expected = enqueue(&db, 50).await;
    let all: Vec<i64> = unsent_ids(&pool).await;
    assert_eq!(all.len(), 50);
    assert_eq!(mail::counts(&pool).await.unwrap(), OutboxCounts { waiting: 50, stuck: 0, sent_last_day: 0 });

    // Nobody listening at all.
    let nobody = outbox(&db, Transport::smtp(&format!("smtp://127.0.0.1:{}?tls=none", closed_port().await)).unwrap(), 120);
    assert_eq!(round(&nobody).await, 0);
    assert!(rows(&pool).await.iter().all(|r| r.attempts == 1), "one failure each");
    assert!(stuck_ids(&pool).await.is_empty(), "one failure is not yet stuck");

    // The server accepts connections and closes them at once, twice.
    let smtp = outbox(&db, sink.transport(), 120);
    sink.set(Mode::Refuse);
    assert_eq!(round(&smtp).await, 0);
    let connections = sink.connections();
    assert_eq!(smtp.drain().await.unwrap(), 0, "nothing is due during the back-off");
    assert_eq!(sink.connections(), connections, "the back-off is respected: no attempt at all");
    assert_eq!(round(&smtp).await, 0);
    assert!(rows(&pool).await.iter().all(|r| r.attempts == 3 && r.sent_at.is_none()));
    assert_eq!(stuck_ids(&pool).await, all, "three failures: every mail is stuck and an admin sees it");
    let listed = mail::stuck(&pool).await.unwrap();
    assert!(listed.iter().all(|s| s.attempts == 3 && s.last_error.is_some() && s.to_address.ends_with("@example.test")));
    assert_eq!(mail::counts(&pool).await.unwrap(), OutboxCounts { waiting: 0, stuck: 50, sent_last_day: 0 });

    // The connection drops in the middle of DATA.
    sink.set(Mode::DropMidData);
    assert_eq!(round(&smtp).await, 0);
    assert!(sink.delivered().is_empty());

    // Every other message arrives but the server's final answer is lost: the other half is sent.
    sink.set_flaky(Mode::AckLost);
    assert_eq!(round(&smtp).await, 25);
    assert_eq!(sink.delivered().len(), 50, "the server got every message; half of them without saying so");
    let unsent = unsent_ids(&pool).await;
    assert_eq!(unsent.len(), 25);
    assert_eq!(stuck_ids(&pool).await, unsent, "exactly the failing mails are stuck");
    assert_eq!(mail::counts(&pool).await.unwrap(), OutboxCounts { waiting: 0, stuck: 25, sent_last_day: 25 });

    // 451 to DATA: temporary failure.
    sink.set(Mode::TempFail);
    assert_eq!(round(&smtp).await, 0);
    assert!(rows(&pool)
        .await
        .iter()
        .filter(|r| r.sent_at.is_none())
        .all(|r| r.attempts == 6 && r.last_error.as_deref().unwrap_or("").contains("451")));

    // Healthy again. No UPDATE this time: an admin presses "try again now" on each stuck mail.
    sink.set(Mode::Healthy);
    assert_eq!(smtp.drain().await.unwrap(), 0, "still backing off");
    for stuck in mail::stuck(&pool).await.unwrap() {
        assert!(mail::retry_now(&pool, stuck.id).await.unwrap());
    }
    assert_eq!(smtp.drain().await.unwrap(), 25);

    let rows = rows(&pool).await;
    assert!(rows.iter().all(|r| r.sent_at.is_some() && r.body.is_empty() && r.last_error.is_none()), "all sent: {rows:?}");
    let mut attempts: Vec<i64> = rows.iter().map(|r| r.attempts).collect();
    attempts.sort();
    assert_eq!(attempts, [vec![4; 25], vec![6; 25]].concat(), "failed attempts are recorded");
    assert!(mail::stuck(&pool).await.unwrap().is_empty());
    assert_eq!(mail::counts(&pool).await.unwrap(), OutboxCounts { waiting: 0, stuck: 0, sent_last_day: 50 });
    assert!(!mail::retry_now(&pool, all[0]).await.unwrap(), "a sent mail is not retried");
    assert!(!mail::retry_now(&pool, 1_000_000).await.unwrap());

    let delivered = sink.delivered();
    assert_eq!(delivered.len(), 75);
    assert_eq!(check_deliveries(&delivered, &expected), 25, "the 25 unacknowledged ones arrived twice, same Message-ID");
}

/// A worker dies while the server has the message but has not answered.
async fn worker_killed_mid_send(url: String) {
    let db = Db::connect(&url).await.unwrap();
    let sink = Sink::start().await;
    let expected = enqueue(&db, 1).await;
    sink.set(Mode::Stall);

    let doomed = outbox(&db, sink.transport(), 3);
    let worker = tokio::spawn(async move { doomed.drain().await });
    eventually("the server has the message", || sink.stalled().len() == 1).await;
    worker.abort();
    assert!(worker.await.unwrap_err().is_cancelled());

    let row = &rows(&db.pool).await[0];
    assert!(row.sent_at.is_none() && row.attempts == 0, "{row:?}");
    assert!(row.claimed_until > now(), "the dead worker's claim is still in force: {row:?}");

    // Another instance: it leaves the mail alone while the claim holds, then sends it.
    sink.set(Mode::Healthy);
    let other = Db::connect(&url).await.unwrap();
    let survivor = outbox(&other, sink.transport(), 3);
    assert_eq!(survivor.drain().await.unwrap(), 0, "a claimed mail is not sent by another worker");
    assert!(sink.delivered().is_empty());
    let until = row.claimed_until;
    let deadline = Instant::now() + Duration::from_secs(5);
    while now() < until {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(survivor.drain().await.unwrap(), 1);

    let row = &rows(&db.pool).await[0];
    assert!(row.sent_at.is_some() && row.body.is_empty(), "{row:?}");
    let delivered = sink.delivered();
    assert_eq!(delivered.len(), 1, "sent once by the survivor");
    check_deliveries(&delivered, &expected);
    // Had the stalled server delivered what it got, the receiver would hold two copies with one id.
    check_deliveries(&[sink.stalled(), delivered].concat(), &expected);
}

/// A server that takes the message and never answers: the live worker gives up in time, records
/// the failure and sends the mail again later.
async fn stalled_server_times_out(url: String) {
    let db = Db::connect(&url).await.unwrap();
    let sink = Sink::start().await;
    let expected = enqueue(&db, 1).await;
    sink.set(Mode::Stall);

    let outbox = outbox(&db, sink.transport(), 2);
    let started = Instant::now();
    assert_eq!(outbox.drain().await.unwrap(), 0);
    assert!(started.elapsed() < Duration::from_secs(2), "gave up before the claim ran out");
    let row = &rows(&db.pool).await[0];
    assert!(row.sent_at.is_none() && row.attempts == 1 && row.claimed_until == 0, "{row:?}");
    assert!(row.last_error.as_deref().unwrap().contains("no answer"), "{row:?}");

    sink.set(Mode::Healthy);
    assert_eq!(round(&outbox).await, 1);
    check_deliveries(&[sink.stalled(), sink.delivered()].concat(), &expected);
    assert_eq!(sink.delivered().len(), 1);
}

/// Four instances, each with its own pool, drain 200 mails at once: each is sent exactly once.
async fn several_instances(url: String) {
    let db = Db::connect(&url).await.unwrap();
    let sink = Sink::start().await;
    let expected = enqueue(&db, 200).await;

    let start = Arc::new(tokio::sync::Barrier::new(4));
    let mut workers = Vec::new();
    for _ in 0..4 {
        let instance = outbox(&Db::connect(&url).await.unwrap(), sink.transport(), mail::CLAIM_SECONDS);
        let start = start.clone();
        workers.push(tokio::spawn(async move {
            start.wait().await;
            instance.drain().await.unwrap()
        }));
    }
    let mut sent = Vec::new();
    for worker in workers {
        sent.push(worker.await.unwrap());
    }
    assert_eq!(sent.iter().sum::<usize>(), 200, "per instance: {sent:?}");

    let delivered = sink.delivered();
    assert_eq!(delivered.len(), 200);
    assert_eq!(check_deliveries(&delivered, &expected), 0, "no mail sent twice");
    assert!(rows(&db.pool).await.iter().all(|r| r.sent_at.is_some() && r.attempts == 0));
}

/// What an organisation's administrator sees: stuck mails to its staff, its patients and the
/// people it invited, and nobody else's; a mail is stuck after three failures or half an hour.
async fn stuck_mail_per_organisation(url: String) {
    let db = Db::connect(&url).await.unwrap();
    let pool = &db.pool;
    let a = org::create(pool, "a", "A kommune", "rph").await.unwrap();
    let b = org::create(pool, "b", "B DPS", "dps").await.unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let mut person = async |email: &str, organisation: i64, role: Role| {
        let id = accounts::create_user(&mut conn, email, "Navn", None, "nb").await.unwrap();
        accounts::grant_role(&mut conn, id, organisation, role).await.unwrap();
        id
    };
    let therapist = person("behandler@a.test", a, Role::Therapist).await;
    person("pasient@a.test", a, Role::Patient).await;
    person("leder@b.test", b, Role::TeamLead).await;
    drop(conn);
    sqlx::query(
        "INSERT INTO invitations (organisation_id, email, display_name, role, locale, token_hash, invited_by, created_at, expires_at) \
         VALUES ($1, 'invitert@a.test', 'Ny', 'patient', 'nb', 'hash', $2, $3, $4)",
    )
    .bind(a)
    .bind(therapist)
    .bind(now())
    .bind(now() + 3600)
    .execute(pool)
    .await
    .unwrap();

    let mut conn = pool.acquire().await.unwrap();
    for to in ["behandler@a.test", "Pasient@A.test", "invitert@a.test", "leder@b.test", "ukjent@c.test"] {
        let mail = Mail { to: to.into(), subject: "Varsel".into(), body: "Hei".into() };
        mail::enqueue(&mut conn, &mail).await.unwrap();
    }
    drop(conn);
    assert!(mail::stuck(pool).await.unwrap().is_empty(), "new mails are not stuck");
    sqlx::query("UPDATE outbox SET attempts = 3, last_error = '451 4.3.0 Try again later'").execute(pool).await.unwrap();

    // Waiting half an hour makes a mail stuck as well, without a single failure.
    let mut conn = pool.acquire().await.unwrap();
    let late = Mail { to: "behandler@a.test".into(), subject: "Varsel".into(), body: "Hei".into() };
    mail::enqueue(&mut conn, &late).await.unwrap();
    drop(conn);
    assert_eq!(mail::stuck(pool).await.unwrap().len(), 5);
    sqlx::query("UPDATE outbox SET created_at = $1 WHERE attempts = 0").bind(now() - 31 * 60).execute(pool).await.unwrap();

    let to = |list: Vec<mail::StuckMail>| list.into_iter().map(|m| m.to_address).collect::<Vec<_>>();
    assert_eq!(to(mail::stuck(pool).await.unwrap()).len(), 6);
    assert_eq!(
        to(mail::stuck_in(pool, a).await.unwrap()),
        ["behandler@a.test", "Pasient@A.test", "invitert@a.test", "behandler@a.test"]
    );
    assert_eq!(to(mail::stuck_in(pool, b).await.unwrap()), ["leder@b.test"]);
    assert!(mail::stuck_in(pool, b + 1000).await.unwrap().is_empty());
    assert_eq!(mail::counts(pool).await.unwrap(), OutboxCounts { waiting: 0, stuck: 6, sent_last_day: 0 });
    let first = &mail::stuck(pool).await.unwrap()[0];
    assert_eq!((first.attempts, first.last_error.as_deref()), (3, Some("451 4.3.0 Try again later")));
    let json = serde_json::to_string(first).unwrap();
    assert_eq!(&serde_json::from_str::<mail::StuckMail>(&json).unwrap(), first);
}

/// Plain `smtp://` means STARTTLS, not clear text: against a server without STARTTLS nothing is
/// sent. The database does not matter here.
#[tokio::test]
async fn plain_smtp_url_insists_on_starttls() {
    assert!(Transport::smtp("smtp://127.0.0.1:25?tls=none").is_ok());
    assert!(Transport::smtp("smtps://smtp.example.test").is_ok());
    assert!(Transport::smtp("smtp://smtp.example.test:587?tls=opportunistic").is_ok());
    assert!(Transport::smtp("smtp://smtp.example.test?tls=sometimes").is_err());
    assert!(Transport::smtp("http://smtp.example.test").is_err());

    let Some((url, cleanup)) = support::fresh_database(Backend::Sqlite, "stegvis_outbox").await else { unreachable!() };
    let db = Db::connect(&url).await.unwrap();
    let sink = Sink::start().await;
    enqueue(&db, 1).await;
    let outbox = outbox(&db, Transport::smtp(&format!("smtp://user:secret@127.0.0.1:{}", sink.port)).unwrap(), 120);
    assert_eq!(outbox.drain().await.unwrap(), 0);
    let row = &rows(&db.pool).await[0];
    assert!(row.last_error.as_deref().unwrap().contains("STARTTLS"), "{row:?}");
    assert_eq!(sink.state.mail_commands.load(SeqCst), 0, "nothing was sent in clear text");
    cleanup.run().await;
}

// ----- the SMTP sink --------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Mode {
    #[default]
    Healthy,
    /// Close each connection right after accepting it.
    Refuse,
    /// Answer 354 to DATA, read a line of the message, close.
    DropMidData,
    /// Take the whole message (it counts as delivered), close without answering.
    AckLost,
    /// Answer 451 to DATA.
    TempFail,
    /// Take the whole message (kept apart from the delivered ones), never answer.
    Stall,
}

#[derive(Clone, Debug)]
struct Received {
    rcpt: String,
    message_id: String,
}

#[derive(Default)]
struct SinkState {
    /// The fault, and whether it hits only every other time.
    mode: Mutex<(Mode, bool)>,
    decisions: AtomicUsize,
    connections: AtomicUsize,
    mail_commands: AtomicUsize,
    delivered: Mutex<Vec<Received>>,
    stalled: Mutex<Vec<Received>>,
}

impl SinkState {
    /// The fault to play now, if the current one is of the kind `applies` asks about.
    fn fault(&self, applies: impl Fn(Mode) -> bool) -> Mode {
        let (mode, flaky) = *self.mode.lock().unwrap();
        if !applies(mode) || (flaky && self.decisions.fetch_add(1, SeqCst) % 2 == 1) {
            return Mode::Healthy;
        }
        mode
    }
}

struct Sink {
    port: u16,
    state: Arc<SinkState>,
    task: JoinHandle<()>,
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sink {
    async fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(SinkState::default());
        let shared = state.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                shared.connections.fetch_add(1, SeqCst);
                if shared.fault(|m| m == Mode::Refuse) == Mode::Refuse {
                    drop(stream);
                    continue;
                }
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = session(stream, &state).await;
                });
            }
        });
        Sink { port, state, task }
    }

    fn set(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = (mode, false);
    }

    /// The fault hits the first, third, fifth … time; the others go through.
    fn set_flaky(&self, mode: Mode) {
        self.state.decisions.store(0, SeqCst);
        *self.state.mode.lock().unwrap() = (mode, true);
    }

    fn transport(&self) -> Transport {
        Transport::smtp(&format!("smtp://127.0.0.1:{}?tls=none", self.port)).unwrap()
    }

    fn connections(&self) -> usize {
        self.state.connections.load(SeqCst)
    }

    fn delivered(&self) -> Vec<Received> {
        self.state.delivered.lock().unwrap().clone()
    }

    fn stalled(&self) -> Vec<Received> {
        self.state.stalled.lock().unwrap().clone()
    }
}

/// A port on which nobody listens.
async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// One SMTP conversation, as much of RFC 5321 as lettre needs.
async fn session(stream: TcpStream, state: &SinkState) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut rcpt = String::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = text.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink.test\r\n250 8BITMIME\r\n",
            "HELO" | "RSET" | "NOOP" => b"250 OK\r\n",
            "MAIL" => {
                state.mail_commands.fetch_add(1, SeqCst);
                rcpt.clear();
                b"250 OK\r\n"
            }
            "RCPT" => {
                let address = text.split_once(':').map(|(_, a)| a.trim()).unwrap_or("");
                rcpt = address.trim_start_matches('<').trim_end_matches('>').to_owned();
                b"250 OK\r\n"
            }
            "DATA" => {
                let fault = state.fault(|m| matches!(m, Mode::DropMidData | Mode::AckLost | Mode::TempFail | Mode::Stall));
                if fault == Mode::TempFail {
                    write.write_all(b"451 4.3.0 Try again later\r\n").await?;
                    continue;
                }
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                if fault == Mode::DropMidData {
                    read.read_until(b'\n', &mut line).await?;
                    return Ok(());
                }
                let Some(message) = read_message(&mut read).await? else { return Ok(()) };
                let received = Received { rcpt: rcpt.clone(), message_id: message_id(&message) };
                match fault {
                    Mode::AckLost => {
                        state.delivered.lock().unwrap().push(received);
                        return Ok(());
                    }
                    Mode::Stall => {
                        state.stalled.lock().unwrap().push(received);
                        return std::future::pending().await;
                    }
                    _ => {
                        state.delivered.lock().unwrap().push(received);
                        b"250 2.0.0 Queued\r\n"
                    }
                }
            }
            "QUIT" => {
                write.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"500 5.5.1 Unknown command\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// The message up to the line holding only a dot; None if the connection ends first.
async fn read_message(read: &mut BufReader<OwnedReadHalf>) -> std::io::Result<Option<Vec<u8>>> {
    let mut message = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        if line == b".\r\n" {
            return Ok(Some(message));
        }
        message.extend_from_slice(&line);
    }
}

fn message_id(message: &[u8]) -> String {
    String::from_utf8_lossy(message)
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("message-id").then(|| value.trim().to_owned())
        })
        .unwrap_or_default()
}
