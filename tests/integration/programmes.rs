//! A patient's path through a programme and the therapist's side of it, over real HTTP:
//! drafts, refused answers that are kept, idempotent submission, feedback that opens the next
//! module, audit rows, content versions, pacing and the waiting list.

use stegvis_platform::{content::Content, enrolments};
use stegvis_tests::{location, on_both, Backend, Browser, TestServer};

/// The new demo patient who starts the panic programme today, with module 1 open.
const NEW_PATIENT: &str = "ny.panikk@stegvis.demo";
const THERAPIST: &str = "behandler@stegvis.demo";

async fn enrolment_of(server: &TestServer, email: &str, programme: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT e.id FROM enrolments e JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = p.user_id
           JOIN programme_versions v ON v.id = e.programme_version_id
          WHERE u.email = $1 AND v.programme_id = $2",
    )
    .bind(email)
    .bind(programme)
    .fetch_one(&server.db.pool)
    .await
    .unwrap()
}

fn homework_form<'a>(enrolment: &'a str, action: &'a str, answers: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("enrolment", enrolment), ("module", "1"), ("pages", "7"), ("action", action)];
    form.extend_from_slice(answers);
    form
}

async fn a_module_from_draft_to_feedback(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let enrolment = enrolment_of(&server, NEW_PATIENT, "panic").await;
    let e = enrolment.to_string();
    let patient = server.client();
    patient.login_demo(NEW_PATIENT).await;
    patient.answer_later().await;
    let module_page = format!("/programmes/{enrolment}/modules/1?page=7");
    let (status, page) = patient.text(&module_page).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"name="a.goals.0.goal""#) && page.contains("Mine mål"), "the goals worksheet is on the last page");
    // Page titles stay neutral: no module name in the browser history.
    let title = page.split("<title>").nth(1).unwrap().split("</title>").next().unwrap();
    assert!(title.starts_with("Modul 1") && !title.contains("mål"), "{title}");

    // A draft without JavaScript: saved, and shown again.
    let goal = "Ta bussen til jobb to dager i uka";
    let r = patient.post("/api/homework", &homework_form(&e, "save", &[("a.goals.0.goal", goal), ("a.goals.0.importance", "8")])).await;
    assert_eq!(location(&r), format!("{module_page}#homework"));
    assert!(patient.text(&module_page).await.1.contains(goal));

    // Out of range: refused with a translated message at the field; what was typed is kept; nothing submitted.
    let r = patient.post("/api/homework", &homework_form(&e, "submit", &[("a.goals.0.goal", goal), ("a.goals.0.importance", "11"), ("a.why_now", "Jeg vil klare meg selv")])).await;
    assert_eq!(location(&r), module_page, "no fragment: the error summary takes the focus");
    let (_, page) = patient.text(&module_page).await;
    assert!(page.contains("Skriv et tall fra 0 til 10."), "the range is named");
    assert!(page.contains(r#"id="a.goals.0.importance-error""#) && page.contains(r#"value="11""#) && page.contains("Jeg vil klare meg selv"));
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM submissions WHERE enrolment_id = {enrolment}")).await, 0);

    // Submitted twice at once (a double click): one submission.
    let valid = homework_form(&e, "submit", &[("a.goals.0.goal", goal), ("a.goals.0.importance", "8"), ("a.why_now", "Jeg vil klare meg selv")]);
    let (a, b) = tokio::join!(patient.post("/api/homework", &valid), patient.post("/api/homework", &valid));
    assert_eq!((a.status(), b.status()), (reqwest::StatusCode::SEE_OTHER, reqwest::StatusCode::SEE_OTHER));
    let again = patient.post("/api/homework", &valid).await;
    assert_eq!(again.status(), 303);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM submissions WHERE enrolment_id = {enrolment}")).await, 1);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM drafts WHERE enrolment_id = {enrolment}")).await, 0);
    let (_, page) = patient.text(&module_page).await;
    assert!(page.contains("Levert. Behandleren din gir tilbakemelding") && !page.contains(r#"name="a.goals.0.goal""#), "read-only once submitted");
    // Module 2 waits for the feedback.
    assert_eq!(patient.get(&format!("/programmes/{enrolment}/modules/2")).await.status(), 200);
    assert!(patient.text(&format!("/programmes/{enrolment}/modules/2")).await.1.contains("Denne modulen er ikke åpnet ennå."));

    // The therapist sees it waiting, reads it (audited) and answers, opening module 2.
    let therapist = server.client();
    therapist.login_demo(THERAPIST).await;
    let patient_id = server.patient_id(NEW_PATIENT).await;
    let staff_page = format!("/patients/{patient_id}/programmes/{enrolment}/modules/1");
    assert!(therapist.text("/").await.1.contains(&format!("/patients/{patient_id}#waiting")), "on the therapist's caseload as waiting");
    assert!(therapist.text(&format!("/patients/{patient_id}")).await.1.contains(&staff_page), "and on the record's list of what waits");
    let (status, page) = therapist.text(&staff_page).await;
    assert_eq!(status, 200);
    assert!(page.contains(goal));
    let feedback = "Godt formulert mål. Neste uke ser vi på panikksirkelen.";
    let r = therapist.post("/api/feedback", &[("enrolment", &e), ("module", "1"), ("body", feedback), ("open_next", "on")]).await;
    assert_eq!(location(&r), staff_page);
    therapist.post("/api/feedback", &[("enrolment", &e), ("module", "1"), ("body", "En gang til"), ("open_next", "on")]).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM feedback f JOIN submissions s ON s.id = f.submission_id WHERE s.enrolment_id = {enrolment}")).await, 1);
    assert!(!therapist.text("/").await.1.contains(&staff_page), "no longer waiting");
    for action in ["view_homework", "write_feedback", "open_module"] {
        let n = server.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE patient_id = {patient_id} AND action = '{action}'")).await;
        assert_eq!(n, 1, "one audit row for {action}");
    }

    // The patient sees the feedback and the next module.
    let (_, page) = patient.text(&module_page).await;
    assert!(page.contains(feedback) && page.contains("Maria Johansen"));
    let (_, page) = patient.text(&format!("/programmes/{enrolment}/modules/2")).await;
    assert!(!page.contains("ikke åpnet ennå") && page.contains("Panikksirkelen"));
    server.stop().await;
    cleanup.run().await;
}

async fn nothing_typed_is_lost_when_the_session_has_run_out(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let enrolment = enrolment_of(&server, NEW_PATIENT, "panic").await;
    let e = enrolment.to_string();
    // A browser whose session is gone posts the form: it is kept until they log in again.
    let browser = Browser::new(&server.base);
    let typed = "Skrev lenge uten å lagre";
    let r = browser.post("/api/homework", &homework_form(&e, "save", &[("a.goals.0.goal", typed)])).await;
    assert!(location(&r).starts_with("/login?expired=1&next=/programmes/"), "{}", location(&r));
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM drafts WHERE enrolment_id = {enrolment}")).await, 0, "not saved for anyone yet");
    browser.login_demo(NEW_PATIENT).await;
    browser.answer_later().await;
    let (_, page) = browser.text(&format!("/programmes/{enrolment}/modules/1")).await;
    assert!(page.contains("Det du skrev før du ble logget ut, er lagret som utkast."), "{page}");
    assert!(browser.text(&format!("/programmes/{enrolment}/modules/1?page=7")).await.1.contains(typed));
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM drafts WHERE enrolment_id = {enrolment}")).await, 1);
    // Another patient's session cannot carry it into their own enrolment.
    let other = server.client();
    other.login_demo("pasient@stegvis.demo").await;
    other.answer_later().await;
    assert_eq!(other.get(&format!("/programmes/{enrolment}/modules/1")).await.status(), 404);
    server.stop().await;
    cleanup.run().await;
}

async fn autosave_keeps_the_draft_and_refuses_what_it_cannot_save(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let enrolment = enrolment_of(&server, NEW_PATIENT, "panic").await;
    let e = enrolment.to_string();
    let patient = server.client();
    patient.login_demo(NEW_PATIENT).await;
    patient.answer_later().await;
    let form = [("enrolment", e.as_str()), ("module", "1"), ("a.goals.0.goal", "Autolagret")];
    let r = patient.post_with("/api/autosave", &form, &[("Accept", "application/json")]).await;
    assert_eq!(r.status(), 200);
    let time = r.text().await.unwrap();
    assert!(time.trim_matches('"').len() == 5, "answers the time saved, HH:MM: {time}");
    let raw: String = sqlx::query_scalar("SELECT answers FROM drafts WHERE enrolment_id = $1").bind(enrolment).fetch_one(&server.db.pool).await.unwrap();
    assert!(raw.contains("Autolagret"));
    // A module that is not open, another person's enrolment, or no session: refused, not saved.
    let locked = [("enrolment", e.as_str()), ("module", "3"), ("a.x", "y")];
    assert_eq!(patient.post_with("/api/autosave", &locked, &[("Accept", "application/json")]).await.status(), 409);
    let stranger = server.client();
    stranger.login_demo("pasient@stegvis.demo").await;
    stranger.answer_later().await;
    assert_eq!(stranger.post_with("/api/autosave", &form, &[("Accept", "application/json")]).await.status(), 409);
    let nobody = Browser::new(&server.base);
    assert_eq!(nobody.post_with("/api/autosave", &form, &[("Accept", "application/json")]).await.status(), 409);
    assert_eq!(server.scalar("SELECT COUNT(*) FROM drafts WHERE position = 3").await, 0);
    server.stop().await;
    cleanup.run().await;
}

/// An enrolment keeps the content it started with; new enrolments get the edited content.
async fn enrolments_keep_their_content_version(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let enrolment = enrolment_of(&server, NEW_PATIENT, "panic").await;
    let pool = &server.db.pool;
    let mut library = stegvis_content::load(&server.config.content_dir).unwrap();
    let panic = library.programmes.iter_mut().find(|p| p.id == "panic").unwrap();
    panic.modules[0].title.nb = "Endret tittel".into();
    let edited = Content::install(pool, library).await.unwrap();
    assert_eq!(server.scalar("SELECT COUNT(*) FROM programme_versions WHERE programme_id = 'panic'").await, 2);
    let old = enrolments::overview(pool, &edited, sqlx::query_as(&format!("SELECT id, patient_id, programme_version_id, guided, start_date, end_date, ended_at FROM enrolments WHERE id = {enrolment}")).fetch_one(pool).await.unwrap()).await.unwrap();
    assert_ne!(old.programme.modules[0].title.nb, "Endret tittel", "the running enrolment reads what it started with");
    let (new_version, programme) = edited.current("panic").unwrap();
    assert_ne!(*new_version, old.enrolment.programme_version_id);
    assert_eq!(programme.modules[0].title.nb, "Endret tittel");
    // Installing the same content again adds nothing.
    Content::install(pool, stegvis_content::load(&server.config.content_dir).unwrap()).await.unwrap();
    assert_eq!(server.scalar("SELECT COUNT(*) FROM programme_versions WHERE programme_id = 'panic'").await, 2);
    server.stop().await;
    cleanup.run().await;
}

/// The organisation's pacing applies to new enrolments; unguided programmes open weekly; the
/// waiting-list setting enrols a new patient when they accept their invitation.
async fn pacing_and_the_waiting_list(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let admin = server.client();
    admin.login_demo("admin@stegvis.demo").await;
    // Module 2 of the depression programme opens on the schedule in this organisation.
    let r = admin.post("/api/pacing", &[("programme", "depression"), ("feedback~introduction", "on"), ("feedback~activity-monitoring", "on")]).await;
    assert_eq!(location(&r), "/admin#programmes");
    let therapist = server.client();
    therapist.login_demo(THERAPIST).await;
    let patient_id = server.patient_id("pasient@stegvis.demo").await;
    let today = stegvis_platform::dates::format(stegvis_platform::dates::today());
    let r = therapist.post("/api/enrol", &[("patient_id", &patient_id.to_string()), ("programme", "depression"), ("start_date", &today)]).await;
    assert_eq!(location(&r), format!("/patients/{patient_id}"));
    let enrolment = enrolment_of(&server, "pasient@stegvis.demo", "depression").await;
    let opens = |position: i64| {
        let pool = server.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, Option<String>>("SELECT opens_on FROM enrolment_modules WHERE enrolment_id = $1 AND position = $2")
                .bind(enrolment)
                .bind(position)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let start = stegvis_platform::dates::today();
    assert_eq!(opens(1).await, Some(today.clone()));
    assert_eq!(opens(2).await, Some(stegvis_platform::dates::format(stegvis_platform::dates::add_days(start, 7))), "module 2 is on the schedule");
    assert_eq!(opens(3).await, None, "module 3 waits for feedback");
    // Enrolling again in the same programme is refused, and the form says why.
    therapist.post("/api/enrol", &[("patient_id", &patient_id.to_string()), ("programme", "depression"), ("start_date", &today)]).await;
    assert!(therapist.text(&format!("/patients/{patient_id}")).await.1.contains("Pasienten er allerede med i dette programmet."));

    // The waiting list: an invited patient starts the unguided introduction on accepting.
    admin.post("/api/waiting-list", &[("programme", "waiting-list")]).await;
    admin.post("/api/invite", &[("email", "venter@stegvis.demo"), ("display_name", "Vera Venter"), ("role", "patient"), ("locale", "nb")]).await;
    let mail = server.mail_to("venter@stegvis.demo").await;
    let token = stegvis_tests::token_in(&mail, "/invitation");
    let newcomer = server.client();
    let r = newcomer.post("/api/accept-invitation", &[("token", &token), ("password", "a long password"), ("password_repeat", "a long password")]).await;
    assert_eq!(location(&r), "/");
    let waiting = enrolment_of(&server, "venter@stegvis.demo", "waiting-list").await;
    assert_eq!(server.scalar(&format!("SELECT guided FROM enrolments WHERE id = {waiting}")).await, 0);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM enrolment_modules WHERE enrolment_id = {waiting} AND opens_on IS NOT NULL")).await, 3, "every module on the schedule");
    newcomer.answer_later().await;
    let (_, home) = newcomer.text("/").await;
    assert!(home.contains("Mens du venter"));
    server.stop().await;
    cleanup.run().await;
}

on_both!(
    a_module_from_draft_to_feedback,
    nothing_typed_is_lost_when_the_session_has_run_out,
    autosave_keeps_the_draft_and_refuses_what_it_cannot_save,
    enrolments_keep_their_content_version,
    pacing_and_the_waiting_list,
);
