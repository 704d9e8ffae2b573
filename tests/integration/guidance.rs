//! The guiding therapist's workday over real HTTP: the caseload's order and filters, secure
//! messages (stored once, never changed, unread on both sides, drafts), content-free
//! notifications and their settings, journal notes corrected by new versions, contacts,
//! minutes, holiday cover in the audit trail, reassignment, and the reminders job.

use stegvis_platform::{dates, enrolments, measurement, notify::Notifier, reminders, time_spent};
use stegvis_tests::{location, on_both, Backend, Browser, TestServer};

const KARI: &str = "pasient@stegvis.demo";
const MARIA: &str = "behandler@stegvis.demo";
const OLA: &str = "ola.berg@stegvis.demo";
const ERIK: &str = "teamleder@stegvis.demo";

/// Words no notification may contain: clinical, diagnostic or service-revealing terms.
pub const FORBIDDEN_IN_MAIL: &[&str] = &[
    "phq", "gad", "pdss", "madrs", "spin", "lsas", "wsas", "skår", "score", "panikk", "panic", "angst", "anxiety", "depresj", "depress",
    "psyk", "terapi", "therap", "behandl", "treat", "diagnos", "symptom", "selvmord", "suicid", "mestring", "innlevering", "homework",
    "modul", "module", "program", "journal", "dps", "rask psykisk",
];

fn order_of(page: &str, names: &[&str]) -> Vec<usize> {
    names.iter().map(|n| page.find(n).unwrap_or_else(|| panic!("{n} is not on the page"))).collect()
}

/// The caseload table only (the team and cover sections mention names too).
fn caseload(page: &str) -> &str {
    let start = page.find(r#"id="caseload-heading""#).expect("a caseload");
    let end = page[start..].find("</table>").map(|e| start + e).unwrap_or(page.len());
    &page[start..end]
}

async fn the_caseload_puts_the_most_urgent_first(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let maria = server.client();
    maria.login_demo(MARIA).await;
    let (status, page) = maria.text("/").await;
    assert_eq!(status, 200);
    let list = caseload(&page);
    // Kari asked for more help last night (an open flag: first); Jonas's homework is past two
    // working days; Lise wrote this morning; Ali and Emma started today with nothing waiting.
    let at = order_of(list, &["Kari Nordmann", "Jonas Lie", "Lise Berge", "Ali Rahimi", "Emma Solberg"]);
    assert!(at.windows(2).all(|w| w[0] < w[1]), "caseload order: {at:?}");
    // Sara and Henrik handed in homework yesterday: after the overdue, before the messages.
    for name in ["Sara Lunde", "Henrik Moen"] {
        let here = list.find(name).unwrap();
        assert!(at[1] < here && here < at[2], "{name} comes between Jonas and Lise");
    }
    let kari_row = &list[at[0]..at[1]];
    assert!(kari_row.contains("Høy: Ber om mer hjelp"), "Kari's row names her flag");
    let jonas_row = &list[at[1]..list.find("Sara Lunde").unwrap().min(list.find("Henrik Moen").unwrap())];
    assert!(jonas_row.contains("Svar på overtid") && jonas_row.contains("PHQ-9"), "Jonas's row says why and shows scores");
    assert!(!list.contains("Nils Aas"), "only this organisation's patients");
    // Filters: what is waiting, a step, a name, a programme.
    let (_, page) = maria.text("/?status=flag").await;
    let list = caseload(&page);
    assert!(list.contains("Kari Nordmann") && !list.contains("Jonas Lie"));
    let (_, page) = maria.text("/?status=new_message").await;
    let list = caseload(&page);
    assert!(list.contains("Lise Berge") && !list.contains("Kari Nordmann") && !list.contains("Jonas Lie") && !list.contains("Emma Solberg"));
    let (_, page) = maria.text("/?step=consultations").await;
    let list = caseload(&page);
    assert!(list.contains("Jonas Lie") && !list.contains("Kari Nordmann"), "Jonas was stepped up to consultations");
    let (_, page) = maria.text("/?q=kari").await;
    assert!(caseload(&page).contains("Kari Nordmann") && !caseload(&page).contains("Jonas Lie"));
    let (_, page) = maria.text("/?programme=depression").await;
    let list = caseload(&page);
    assert!(list.contains("Jonas Lie") && list.contains("Lise Berge") && !list.contains("Kari Nordmann"));
    let (_, page) = maria.text("/?q=nobody").await;
    assert!(page.contains("Ingen pasienter passer til søket."));

    // The team lead: every therapist's caseload with what waits, and one therapist's list.
    let erik = server.client();
    erik.login_demo(ERIK).await;
    let (_, page) = erik.text("/").await;
    assert!(page.contains("Behandlernes pasientlister") && page.contains("Maria Johansen") && page.contains("Ola Berg"));
    // Erik's own list: Per's message has waited six days.
    assert!(caseload(&page).contains("Per Olsen") && caseload(&page).contains("Svar på overtid"));
    let maria_id = server.id_of("SELECT id FROM users WHERE email = $1", MARIA).await;
    let (status, page) = erik.text(&format!("/?therapist={maria_id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Pasientene til Maria Johansen") && caseload(&page).contains("Jonas Lie"));
    // A therapist may not look at a colleague's list.
    let (_, page) = maria.text(&format!("/?therapist={}", server.id_of("SELECT id FROM users WHERE email = $1", ERIK).await)).await;
    assert!(!page.contains("Per Olsen"));
    server.stop().await;
    cleanup.run().await;
}

/// Checks what a reader sees of a mail (sender, subject, body; not the recipient's address).
fn has_no_clinical_content(mail: &str, also_not: &[&str]) {
    let (head, body) = mail.split_once("\r\n\r\n").or_else(|| mail.split_once("\n\n")).expect("headers and a body");
    let seen: Vec<&str> = head.lines().filter(|l| l.starts_with("From:") || l.starts_with("Subject:")).chain([body]).collect();
    let lower = seen.join("\n").to_lowercase();
    for word in FORBIDDEN_IN_MAIL.iter().chain(also_not) {
        assert!(!lower.contains(&word.to_lowercase()), "the mail contains `{word}`:\n{mail}");
    }
}

async fn messages_are_stored_once_never_changed_and_notified_without_content(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let kari_id = server.patient_id(KARI).await;
    let kari = server.client();
    kari.login_demo(KARI).await;
    kari.answer_later().await;
    let text = "Jeg klarte fire stopp med bussen i dag";
    let send = |key: &'static str, body: &'static str| {
        let kari = &kari;
        async move { kari.post("/api/message", &[("body", body), ("client_key", key), ("action", "send")]).await }
    };
    // Sent twice (a retried request): stored once.
    let r = send("patient-key-000000000001", text).await;
    assert_eq!(location(&r), "/messages");
    send("patient-key-000000000001", text).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM messages WHERE patient_id = {kari_id} AND body = '{text}'")).await, 1);
    let (_, page) = kari.text("/messages").await;
    assert!(page.contains(text) && page.contains("Maria Johansen svarer vanligvis på disse dagene: mandag, onsdag, torsdag."));
    // An empty message: a translated error, nothing stored.
    let before = server.scalar("SELECT COUNT(*) FROM messages").await;
    let r = send("patient-key-000000000002", "   ").await;
    assert_eq!(location(&r), "/messages");
    assert!(kari.text("/messages").await.1.contains("Fyll ut feltet."));
    assert_eq!(server.scalar("SELECT COUNT(*) FROM messages").await, before);
    // A draft without JavaScript: kept on the server and shown again.
    kari.post("/api/message", &[("body", "Et utkast jeg ikke er ferdig med"), ("client_key", "patient-key-000000000003"), ("action", "save")]).await;
    assert!(kari.text("/messages").await.1.contains("Et utkast jeg ikke er ferdig med"));
    assert_eq!(server.scalar("SELECT COUNT(*) FROM messages").await, before);

    // The therapist is told, without content.
    let mail = server.mail_to(MARIA).await;
    assert!(mail.contains("Subject: Nytt i Stegvis"));
    has_no_clinical_content(&mail, &[text, "Kari Nordmann", "buss"]);

    // The therapist sees it as waiting, answers on the record; a sent message cannot be changed.
    let maria = server.client();
    maria.login_demo(MARIA).await;
    let (_, record) = maria.text(&format!("/patients/{kari_id}")).await;
    assert!(record.contains(text) && record.contains("melding(er) venter på svar"));
    let reply = "Så bra! Prøv gjerne hele veien til sentrum neste gang.";
    let r = maria.post("/api/message", &[("patient_id", &kari_id.to_string()), ("body", reply), ("client_key", "staff-key-00000000000001"), ("action", "send")]).await;
    assert_eq!(location(&r), format!("/patients/{kari_id}#messages"));
    let (_, record) = maria.text(&format!("/patients/{kari_id}")).await;
    assert!(record.contains("Ingenting venter på deg her nå."), "answered: nothing waits");
    let changed = sqlx::query("UPDATE messages SET body = 'endret' WHERE patient_id = $1").bind(kari_id).execute(&server.db.pool).await;
    assert!(changed.is_err(), "the database refuses to change a message");
    assert!(sqlx::query("DELETE FROM messages WHERE patient_id = $1").bind(kari_id).execute(&server.db.pool).await.is_err());

    // The patient is told, without content; unread until they open the messages.
    let mail = server.mail_to(KARI).await;
    has_no_clinical_content(&mail, &[reply, "Maria Johansen", "sentrum"]);
    assert!(mail.contains(&format!("{}/", server.base)), "a link to the service");
    assert!(kari.text("/").await.1.contains("Du har 1 ny(e) melding(er)."));
    kari.text("/messages").await;
    assert!(kari.text("/").await.1.contains("Ingen nye meldinger."));
    // The audit trail has the therapist's message.
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE patient_id = {kari_id} AND action = 'send_message' AND request_id <> 'demo-seed'")).await, 1);

    // Switched off: no mail for the next message.
    kari.post("/api/notifications", &[("notify~feedback", "1")]).await;
    let kari_user = server.id_of("SELECT id FROM users WHERE email = $1", KARI).await;
    let mails = |kind: &str| format!("SELECT COUNT(*) FROM outbox WHERE user_id = {kari_user} AND kind = '{kind}'");
    let before = server.scalar(&mails("message")).await;
    sqlx::query("UPDATE outbox SET created_at = created_at - 3600 WHERE user_id = $1").bind(kari_user).execute(&server.db.pool).await.unwrap();
    maria.post("/api/message", &[("patient_id", &kari_id.to_string()), ("body", "En melding til."), ("client_key", "staff-key-00000000000002"), ("action", "send")]).await;
    assert_eq!(server.scalar(&mails("message")).await, before, "switched off");
    let (_, settings) = kari.text("/settings").await;
    assert!(settings.contains("Når jeg har fått tilbakemelding") && !settings.contains("Når noe haster"), "patients are offered their own notices");
    server.stop().await;
    cleanup.run().await;
}

async fn notes_contacts_and_minutes(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let kari_id = server.patient_id(KARI).await;
    let p = kari_id.to_string();
    let today = dates::format(dates::today());
    let maria = server.client();
    maria.login_demo(MARIA).await;

    // A note, then its correction: both versions kept, the record shows the new one.
    let r = maria.post("/api/note", &[("patient_id", &p), ("written_on", &today), ("note_kind", "treatment"), ("note_text", "Første versjon.")]).await;
    assert_eq!(location(&r), format!("/patients/{kari_id}#notes"));
    let first = server.scalar(&format!("SELECT MAX(id) FROM journal_notes WHERE patient_id = {kari_id}")).await;
    maria.post("/api/note", &[("patient_id", &p), ("written_on", &today), ("note_kind", "treatment"), ("note_text", "Rettet versjon."), ("replaces", &first.to_string())]).await;
    let (_, record) = maria.text(&format!("/patients/{kari_id}")).await;
    assert!(record.contains("Rettet versjon.") && record.contains("Tidligere versjoner (1)") && record.contains("Første versjon."));
    // Correcting the old version again is refused; nothing changes.
    let r = maria.post("/api/note", &[("patient_id", &p), ("written_on", &today), ("note_kind", "treatment"), ("note_text", "Tredje."), ("replaces", &first.to_string())]).await;
    assert!(location(&r).contains(&format!("correct={first}")));
    assert!(maria.text(&location(&r)).await.1.contains("Notatet er allerede rettet."));
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM journal_notes WHERE patient_id = {kari_id} AND body = 'Tredje.'")).await, 0);
    assert!(sqlx::query("UPDATE journal_notes SET body = 'x' WHERE id = $1").bind(first).execute(&server.db.pool).await.is_err(), "notes are never changed");
    // A note in the future and an empty one: refused with translated errors.
    let tomorrow = dates::format(dates::add_days(dates::today(), 1));
    maria.post("/api/note", &[("patient_id", &p), ("written_on", &tomorrow), ("note_kind", "treatment"), ("note_text", " ")]).await;
    let (_, record) = maria.text(&format!("/patients/{kari_id}")).await;
    assert!(record.contains("Datoen kan ikke være frem i tid.") && record.contains("Fyll ut feltet."));

    // Contacts count toward finished treatment: Per has had one feedback, then two calls.
    let per = server.patient_id("per.olsen@stegvis.demo").await;
    let p_per = per.to_string();
    let enrolment = enrolments::of_patient(&server.db.pool, per).await.unwrap().remove(0);
    let finished = || async {
        let responses = measurement::responses(&server.db.pool, per, true).await.unwrap();
        let measured = measurement::progress(&responses, enrolment.id);
        measurement::outcome(&server.db.pool, &measured, enrolment.id).await.unwrap().expect("Per has two PHQ-9 and GAD-7 scores").finished_treatment
    };
    assert!(!finished().await);
    let erik = server.client();
    erik.login_demo(ERIK).await;
    for minutes in ["30", "15"] {
        let r = erik.post("/api/contact", &[("patient_id", &p_per), ("contact_kind", "phone"), ("held_on", &today), ("contact_minutes", minutes), ("summary", "Samtale om oppstart.")]).await;
        assert_eq!(location(&r), format!("/patients/{per}#contacts"));
    }
    assert!(finished().await, "two contacts: finished treatment");
    // Out of range minutes: refused, named.
    erik.post("/api/contact", &[("patient_id", &p_per), ("contact_kind", "video"), ("held_on", &today), ("contact_minutes", "0"), ("summary", "x")]).await;
    assert!(erik.text(&format!("/patients/{per}")).await.1.contains("Skriv et tall fra 1 til 600."));
    // The assessment before the start, and the two calls; the refused one is not stored.
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM contacts WHERE patient_id = {per}")).await, 3);

    // Minutes: estimated from the audit trail, corrected by the therapist.
    let maria_id = server.id_of("SELECT id FROM users WHERE email = $1", MARIA).await;
    let weeks = time_spent::weeks(&server.db.pool, kari_id, maria_id).await.unwrap();
    assert!(weeks[0].estimated_minutes >= 2, "this week's reading and writing count: {weeks:?}");
    let r = maria.post("/api/minutes", &[("patient_id", &p), ("week", &today), ("week_minutes", "25")]).await;
    assert_eq!(location(&r), format!("/patients/{kari_id}#time"));
    let weeks = time_spent::weeks(&server.db.pool, kari_id, maria_id).await.unwrap();
    assert_eq!((weeks[0].corrected_minutes, weeks[0].minutes()), (Some(25), 25));
    maria.post("/api/minutes", &[("patient_id", &p), ("week", &today), ("week_minutes", "-5")]).await;
    assert!(maria.text(&format!("/patients/{kari_id}")).await.1.contains("Skriv et tall fra 0 til 6000."));
    // The timeline has everything, newest first.
    let (_, record) = maria.text(&format!("/patients/{kari_id}")).await;
    let timeline = &record[record.find("timeline-heading").unwrap()..];
    assert!(timeline.contains("Behandlingsnotat rettet av Maria Johansen") && timeline.contains("Svarte på PHQ-9") && timeline.contains("Leverte innlevering i modul 4"));
    server.stop().await;
    cleanup.run().await;
}

async fn a_colleague_covers_and_the_audit_trail_says_for_whom(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let kari_id = server.patient_id(KARI).await;
    let (maria_id, ola_id) = (server.id_of("SELECT id FROM users WHERE email = $1", MARIA).await, server.id_of("SELECT id FROM users WHERE email = $1", OLA).await);
    let ola = server.client();
    ola.login_demo(OLA).await;
    assert_eq!(ola.get(&format!("/patients/{kari_id}")).await.status(), 403, "not Ola's patient");

    // Maria arranges cover for her own absence, from today.
    let maria = server.client();
    maria.login_demo(MARIA).await;
    let today = dates::format(dates::today());
    let later = dates::format(dates::add_days(dates::today(), 3));
    let r = maria.post("/api/cover", &[("absent_id", &maria_id.to_string()), ("cover_id", &ola_id.to_string()), ("starts_on", &today), ("ends_on", &later)]).await;
    assert_eq!(location(&r), "/#cover");
    // Ending before starting: refused.
    maria.post("/api/cover", &[("absent_id", &maria_id.to_string()), ("cover_id", &ola_id.to_string()), ("starts_on", &later), ("ends_on", &today)]).await;
    assert!(maria.text("/").await.1.contains("Sluttdatoen må være etter startdatoen."));
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM covers WHERE absent_id = {maria_id}")).await, 1);

    // Ola sees Maria's patients in his caseload, marked, and may act for her.
    let (_, home) = ola.text("/").await;
    assert!(caseload(&home).contains("Kari Nordmann") && caseload(&home).contains("Du er vikar for Maria Johansen"));
    assert_eq!(ola.get(&format!("/patients/{kari_id}")).await.status(), 200);
    ola.post("/api/message", &[("patient_id", &kari_id.to_string()), ("body", "Hei, jeg svarer for Maria denne uken."), ("client_key", "cover-key-0000000000001"), ("action", "send")]).await;
    let on_behalf: i64 = server.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE actor_user_id = {ola_id} AND patient_id = {kari_id} AND on_behalf_of = {maria_id}")).await;
    assert!(on_behalf >= 2, "the read and the message name Maria");
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE actor_user_id = {maria_id} AND action = 'set_cover'")).await, 1);
    // The patient sees who covered for whom.
    let kari = server.client();
    kari.login_demo(KARI).await;
    kari.answer_later().await;
    assert!(kari.text("/access-log").await.1.contains("Ola Berg (vikar for Maria Johansen)"));

    // Ended: Ola is a stranger to Kari again.
    let cover = server.scalar(&format!("SELECT id FROM covers WHERE absent_id = {maria_id}")).await;
    maria.post("/api/cover-cancel", &[("id", &cover.to_string())]).await;
    assert_eq!(ola.get(&format!("/patients/{kari_id}")).await.status(), 403);

    // The team lead moves Kari to Ola for good.
    let erik = server.client();
    erik.login_demo(ERIK).await;
    erik.post("/api/assign-therapist", &[("patient_id", &kari_id.to_string()), ("therapist_id", &ola_id.to_string()), ("instead", "1")]).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM assignments WHERE patient_id = {kari_id}")).await, 1);
    assert_eq!(ola.get(&format!("/patients/{kari_id}")).await.status(), 200);
    assert_eq!(maria.get(&format!("/patients/{kari_id}")).await.status(), 403);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE patient_id = {kari_id} AND action = 'reassign_therapist'")).await, 1);
    server.stop().await;
    cleanup.run().await;
}

/// Feedback, an opened module and new homework each tell the other side, once per burst.
async fn every_event_notifies_and_reminders_go_once(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let pool = &server.db.pool;
    // Jonas's module 8 waits for feedback: the therapist gives it and opens the next.
    let jonas = server.patient_id("jonas.lie@stegvis.demo").await;
    let enrolment = enrolments::of_patient(pool, jonas).await.unwrap().remove(0);
    let maria = server.client();
    maria.login_demo(MARIA).await;
    let r = maria.post("/api/feedback", &[("enrolment", &enrolment.id.to_string()), ("module", "8"), ("body", "Godt jobbet med planen."), ("open_next", "on")]).await;
    assert!(location(&r).starts_with(&format!("/patients/{jonas}")), "{}", location(&r));
    let mail = server.mail_to("jonas.lie@stegvis.demo").await;
    has_no_clinical_content(&mail, &["Godt jobbet", "Jonas Lie"]);
    let jonas_user = server.id_of("SELECT id FROM users WHERE email = $1", "jonas.lie@stegvis.demo").await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM outbox WHERE user_id = {jonas_user} AND kind = 'feedback'")).await, 1);

    // The reminders job at midday: questionnaires due (once each) and a reminder to Amina,
    // inactive for almost two weeks, once for this spell however often it runs.
    let content = server.content.clone();
    let notifier = Notifier { compose: stegvis_app::mails::notification, public_origin: server.base.clone() };
    let noon = stegvis_content::calendar::oslo_midnight(dates::today()) + 12 * 3600;
    let first = reminders::run(pool, &content, &notifier, noon).await.unwrap();
    assert!(first > 0);
    assert_eq!(reminders::run(pool, &content, &notifier, noon).await.unwrap(), 0, "nothing twice");
    let amina = server.id_of("SELECT id FROM users WHERE email = $1", "amina.hassan@stegvis.demo").await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM outbox WHERE user_id = {amina} AND kind = 'reminder'")).await, 1);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM outbox WHERE user_id = {amina} AND kind = 'questionnaire_due'")).await, 2, "PHQ-9 and GAD-7");
    // At night nobody is mailed.
    assert_eq!(reminders::run(pool, &content, &notifier, noon + 11 * 3600).await.unwrap(), 0);
    let reminder = server.mail_to("amina.hassan@stegvis.demo").await;
    has_no_clinical_content(&reminder, &["Amina Hassan"]);
    server.stop().await;
    cleanup.run().await;
}

/// A message typed as the session ran out is kept and becomes the draft after log-in.
async fn a_message_outlives_the_session(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b: Browser = server.client();
    let r = b.post("/api/message", &[("body", "Skrevet mens økten gikk ut"), ("client_key", "expired-key-000000000001"), ("action", "send")]).await;
    assert!(location(&r).starts_with("/login?expired=1"));
    b.login_demo(KARI).await;
    b.answer_later().await;
    assert!(b.text("/messages").await.1.contains("Skrevet mens økten gikk ut"));
    server.stop().await;
    cleanup.run().await;
}

on_both!(
    the_caseload_puts_the_most_urgent_first,
    messages_are_stored_once_never_changed_and_notified_without_content,
    notes_contacts_and_minutes,
    a_colleague_covers_and_the_audit_trail_says_for_whom,
    every_event_notifies_and_reminders_go_once,
    a_message_outlives_the_session
);
