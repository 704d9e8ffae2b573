//! Every route and server function, for every kind of person: the table below is the access
//! policy. A route or server function missing from it fails the test.

use reqwest::Response;
use stegvis_tests::{location, on_both, Backend, Browser, TestServer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    Anonymous,
    Patient,
    AssignedTherapist,
    UnassignedTherapist,
    TeamLead,
    OrgAdmin,
    /// Administrator and team lead of the other organisation.
    OtherOrganisation,
}

use Actor::*;
const ACTORS: [Actor; 7] = [Anonymous, Patient, AssignedTherapist, UnassignedTherapist, TeamLead, OrgAdmin, OtherOrganisation];

impl Actor {
    fn email(self) -> Option<&'static str> {
        match self {
            Anonymous => None,
            Patient => Some("pasient@stegvis.demo"),
            AssignedTherapist => Some("behandler@stegvis.demo"),
            UnassignedTherapist => Some("ola.berg@stegvis.demo"),
            TeamLead => Some("teamleder@stegvis.demo"),
            OrgAdmin => Some("admin@stegvis.demo"),
            OtherOrganisation => Some("hanne.moe@stegvis.demo"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// 200 and the page.
    Shown,
    /// Sent to the log-in page.
    ToLogin,
    /// Redirected elsewhere (a form's normal answer).
    Redirected,
    NotFound,
    Forbidden,
    /// A background request (autosave) that could not be done: 409, nothing saved.
    Refused,
}
use Outcome::*;

fn outcome(r: &Response) -> Outcome {
    match r.status().as_u16() {
        200 => Shown,
        302 | 303 if location(r).starts_with("/login") => ToLogin,
        302 | 303 => Redirected,
        404 => NotFound,
        403 => Forbidden,
        409 => Refused,
        other => panic!("unexpected status {other}"),
    }
}

/// Page routes: one outcome per actor, in the order of `ACTORS`.
const PAGES: &[(&str, [Outcome; 7])] = &[
    ("/", [ToLogin, Shown, Shown, Shown, Shown, Shown, Shown]),
    ("/login", [Shown, Redirected, Redirected, Redirected, Redirected, Redirected, Redirected]),
    ("/forgot-password", [Shown; 7]),
    ("/reset-password", [Shown; 7]),
    ("/invitation", [Shown; 7]),
    ("/patients", [ToLogin, NotFound, Shown, Shown, Shown, Shown, Shown]),
    ("/patients/{id}", [ToLogin, NotFound, Shown, Forbidden, Shown, Forbidden, NotFound]),
    ("/admin", [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Shown, Shown]),
    ("/settings", [ToLogin, Shown, Shown, Shown, Shown, Shown, Shown]),
    ("/access-log", [ToLogin, Shown, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden]),
    // A patient's own programme: nobody else's, whoever asks.
    ("/programmes/{enrolment}", [ToLogin, Shown, NotFound, NotFound, NotFound, NotFound, NotFound]),
    ("/programmes/{enrolment}/modules/{module}", [ToLogin, Shown, NotFound, NotFound, NotFound, NotFound, NotFound]),
    ("/patients/{id}/programmes/{enrolment}/modules/{module}", [ToLogin, NotFound, Shown, Forbidden, Shown, Forbidden, NotFound]),
    // Questionnaires and progress are the patient's own; the answers item by item are staff's.
    ("/questionnaires", [ToLogin, Shown, NotFound, NotFound, NotFound, NotFound, NotFound]),
    ("/questionnaires/{id}", [ToLogin, Shown, NotFound, NotFound, NotFound, NotFound, NotFound]),
    ("/progress", [ToLogin, Shown, NotFound, NotFound, NotFound, NotFound, NotFound]),
    ("/patients/{id}/responses/{response}", [ToLogin, NotFound, Shown, Forbidden, Shown, Forbidden, NotFound]),
    // The patient's own messages; staff read and write them on the patient's record.
    ("/messages", [ToLogin, Shown, NotFound, NotFound, NotFound, NotFound, NotFound]),
    // The help page is the patient's; a handover summary is the record's.
    ("/help", [ToLogin, Shown, NotFound, NotFound, NotFound, NotFound, NotFound]),
    ("/patients/{id}/handovers/{change}", [ToLogin, NotFound, Shown, Forbidden, Shown, Forbidden, NotFound]),
    // Intake: the self-referral form is public; the queue and referrals are the team lead's;
    // the service report is the team lead's and the administrator's (counts only).
    ("/refer/{organisation}", [Shown; 7]),
    ("/refer/{organisation}/received", [Shown; 7]),
    ("/intake", [ToLogin, NotFound, Forbidden, Forbidden, Shown, Forbidden, Shown]),
    ("/intake/new", [ToLogin, NotFound, Forbidden, Forbidden, Shown, Forbidden, Shown]),
    ("/intake/{referral}", [ToLogin, NotFound, Forbidden, Forbidden, Shown, Forbidden, NotFound]),
    ("/reports", [ToLogin, NotFound, Forbidden, Forbidden, Shown, Shown, Shown]),
    // The patient's own data, whole.
    ("/my-data", [ToLogin, Shown, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden]),
];

/// Server functions: the form posted and one outcome per actor.
fn server_functions(ids: &Ids) -> Vec<(&'static str, Vec<(&'static str, String)>, [Outcome; 7])> {
    let s = |v: &str| v.to_string();
    vec![
        ("/api/login", vec![("email", s("behandler@stegvis.demo")), ("password", s("wrong password"))], [ToLogin; 7]),
        ("/api/logout", vec![], [ToLogin; 7]),
        ("/api/forgot-password", vec![("email", s("someone@example.no"))], [Redirected; 7]),
        ("/api/reset-password", vec![("token", s("0".repeat(64).as_str())), ("password", s("a long password")), ("password_repeat", s("a long password"))], [Redirected; 7]),
        ("/api/accept-invitation", vec![("token", s("0".repeat(64).as_str()))], [Redirected; 7]),
        ("/api/language", vec![("locale", s("nb")), ("back", s("/"))], [Redirected; 7]),
        (
            "/api/organisation",
            vec![("organisation_id", ids.other_organisation.to_string())],
            [ToLogin, NotFound, Redirected, NotFound, NotFound, NotFound, Redirected],
        ),
        (
            "/api/invite",
            vec![("email", s("new.person@stegvis.demo")), ("display_name", s("New Person")), ("role", s("therapist")), ("locale", s("nb"))],
            [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, Redirected],
        ),
        (
            "/api/assign-therapist",
            vec![("patient_id", ids.patient.to_string()), ("therapist_id", ids.unassigned_therapist.to_string())],
            [ToLogin, NotFound, Forbidden, Forbidden, Redirected, Forbidden, NotFound],
        ),
        (
            "/api/homework",
            vec![("enrolment", ids.enrolment.to_string()), ("module", s("5")), ("pages", s("7")), ("action", s("save")), ("a.exercises.0.exercise", s("Snurre på stolen"))],
            [ToLogin, Redirected, NotFound, NotFound, NotFound, NotFound, NotFound],
        ),
        (
            "/api/autosave",
            vec![("enrolment", ids.enrolment.to_string()), ("module", s("5")), ("a.exercises.0.exercise", s("Snurre på stolen"))],
            [Refused, Shown, Refused, Refused, Refused, Refused, Refused],
        ),
        (
            "/api/feedback",
            vec![("enrolment", ids.enrolment.to_string()), ("module", s("4")), ("body", s("Bra jobbet."))],
            [ToLogin, NotFound, Redirected, Forbidden, Forbidden, Forbidden, NotFound],
        ),
        (
            "/api/open-module",
            vec![("enrolment", ids.enrolment.to_string()), ("module", s("9"))],
            [ToLogin, NotFound, Redirected, Forbidden, Forbidden, Forbidden, NotFound],
        ),
        (
            "/api/end-programme",
            vec![("enrolment", ids.unassigned_enrolment.to_string())],
            [ToLogin, NotFound, Forbidden, Forbidden, Redirected, Forbidden, NotFound],
        ),
        (
            "/api/enrol",
            vec![("patient_id", ids.patient.to_string()), ("programme", s("depression")), ("start_date", ids.today.clone())],
            [ToLogin, NotFound, Redirected, Forbidden, Redirected, Forbidden, NotFound],
        ),
        (
            "/api/questionnaire",
            vec![("questionnaire", ids.questionnaire.to_string()), ("i.phq9_1", s("1"))],
            [ToLogin, Redirected, NotFound, NotFound, NotFound, NotFound, NotFound],
        ),
        ("/api/postpone", vec![], [ToLogin, Redirected, NotFound, NotFound, NotFound, NotFound, NotFound]),
        ("/api/instrument-pack", vec![("source", s("instrument = \"pdss-sr\""))], [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, Redirected]),
        (
            "/api/measures",
            vec![("programme", s("panic")), ("when~phq9~start", s("on")), ("when~phq9~weekly", s("on")), ("when~gad7~start", s("on")), ("when~gad7~weekly", s("on"))],
            [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, Redirected],
        ),
        ("/api/pacing", vec![("programme", s("panic")), ("feedback~introduction", s("on"))], [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, Redirected]),
        ("/api/waiting-list", vec![("programme", s("waiting-list"))], [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, Redirected]),
        // Guidance: staff name the patient; the patient (no patient_id) writes in their own thread.
        (
            "/api/message",
            vec![("patient_id", ids.patient.to_string()), ("body", s("Hei!")), ("client_key", s("access-table-key-0001")), ("action", s("send"))],
            [ToLogin, NotFound, Redirected, Forbidden, Redirected, Forbidden, NotFound],
        ),
        ("/api/message-draft", vec![("patient_id", ids.patient.to_string()), ("body", s("Utkast"))], [Refused, Refused, Shown, Refused, Shown, Refused, Refused]),
        (
            "/api/contact",
            vec![("patient_id", ids.patient.to_string()), ("contact_kind", s("phone")), ("held_on", ids.today.clone()), ("contact_minutes", s("15")), ("summary", s("Kort samtale."))],
            [ToLogin, NotFound, Redirected, Forbidden, Redirected, Forbidden, NotFound],
        ),
        (
            "/api/note",
            vec![("patient_id", ids.patient.to_string()), ("written_on", ids.today.clone()), ("note_kind", s("treatment")), ("note_text", s("Notat."))],
            [ToLogin, NotFound, Redirected, Forbidden, Redirected, Forbidden, NotFound],
        ),
        (
            "/api/minutes",
            vec![("patient_id", ids.patient.to_string()), ("week", ids.today.clone()), ("week_minutes", s("20"))],
            [ToLogin, NotFound, Redirected, Forbidden, Redirected, Forbidden, NotFound],
        ),
        // Cover for one's own absence (therapists) or anyone's (team leads); the form names the
        // absent therapist, here the assigned one.
        (
            "/api/cover",
            vec![("absent_id", ids.assigned_therapist.to_string()), ("cover_id", ids.unassigned_therapist.to_string()), ("starts_on", ids.next_month.clone()), ("ends_on", ids.next_month.clone())],
            // The other organisation's team lead cannot name Ola, who is not theirs: refused as invalid.
            [ToLogin, NotFound, Redirected, Forbidden, Redirected, Forbidden, Redirected],
        ),
        // The demo's cover of Erik by Ola: the colleague ends it; after that it is gone, for the
        // team lead too.
        ("/api/cover-cancel", vec![("id", ids.cover.to_string())], [ToLogin, NotFound, NotFound, Redirected, NotFound, Forbidden, NotFound]),
        ("/api/notifications", vec![("notify~message", s("1"))], [ToLogin, Redirected, Redirected, Redirected, Redirected, Redirected, Redirected]),
        ("/api/retry-mail", vec![("id", s("999999"))], [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, NotFound, NotFound]),
        // Escalation: the patient asks for help; staff who may see the patient decide on a flag
        // (the first to do so closes it, the others are told it is closed) and set the step.
        ("/api/help", vec![("message", s("Hjelp")), ("client_key", s("access-table-help-0001"))], [ToLogin, Redirected, NotFound, NotFound, NotFound, NotFound, NotFound]),
        (
            "/api/flag",
            vec![("patient_id", ids.patient.to_string()), ("flag_id", ids.flag.to_string()), ("decision", s("contact_patient")), ("note", s("Ringer i dag."))],
            [ToLogin, NotFound, Redirected, Forbidden, Redirected, Forbidden, NotFound],
        ),
        (
            "/api/step",
            vec![("patient_id", ids.patient.to_string()), ("new_step", s("consultations")), ("step_note", s("Ny vurdering."))],
            [ToLogin, NotFound, Redirected, Forbidden, Redirected, Forbidden, NotFound],
        ),
        ("/api/ladder", vec![], [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, Redirected]),
        ("/api/flag-rules", vec![("flag.inactivity.days", s("14"))], [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, Redirected]),
        // Intake: anyone may send the public form (this one comes back with its errors); the
        // team lead decides on referrals; the administrator sets the intake.
        ("/api/refer", vec![("organisation", s("bergvik-rph")), ("name", s("Test"))], [Redirected; 7]),
        ("/api/intake-refer", vec![("name", s("Test"))], [ToLogin, NotFound, Forbidden, Forbidden, Redirected, Forbidden, Redirected]),
        ("/api/intake-wait", vec![("referral_id", ids.referral.to_string())], [ToLogin, NotFound, Forbidden, Forbidden, Redirected, Forbidden, NotFound]),
        (
            "/api/intake-book",
            vec![("referral_id", ids.referral.to_string()), ("assessment_day", ids.next_month.clone()), ("assessment_time", s("10:00")), ("assessment_with", ids.assigned_therapist.to_string())],
            [ToLogin, NotFound, Forbidden, Forbidden, Redirected, Forbidden, NotFound],
        ),
        (
            "/api/intake-assess",
            vec![("referral_id", ids.referral.to_string()), ("start_date", ids.today.clone()), ("assessment_note", s(""))],
            [ToLogin, NotFound, Forbidden, Forbidden, Redirected, Forbidden, NotFound],
        ),
        ("/api/intake-close", vec![("referral_id", ids.referral.to_string()), ("close_reason", s("nonsense"))], [ToLogin, NotFound, Forbidden, Forbidden, Redirected, Forbidden, NotFound]),
        // Patient rights: the patient asks for deletion; a team lead answers (here: with no answer).
        ("/api/request-deletion", vec![("deletion_message", s("Slett meldingene mine."))], [ToLogin, Redirected, NotFound, NotFound, NotFound, NotFound, NotFound]),
        ("/api/answer-deletion", vec![("request", s("999999")), ("deletion_answer", s(""))], [ToLogin, NotFound, Forbidden, Forbidden, Redirected, Forbidden, Redirected]),
        // Team administration: the administrator of Ola's organisation sets his roles (unchanged).
        ("/api/staff-roles", vec![("user_id", ids.unassigned_therapist.to_string()), ("role~therapist", s("on"))], [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, NotFound]),
        ("/api/notification-texts", vec![("kind", s("reminder")), ("notice-reminder-nb", s("Hei! Det er noe nytt til deg.")), ("notice-reminder-en", s("Hello! There is something new for you."))], [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, Redirected]),
        ("/api/intake-settings", vec![("self_referral_open", s("yes")), ("rescreen_weeks", s("2"))], [ToLogin, NotFound, Forbidden, Forbidden, Forbidden, Redirected, Redirected]),
    ]
}

/// GET server functions, open to anyone (keeping a session alive).
const GET_FUNCTIONS: &[&str] = &["/api/keep-alive"];

struct Ids {
    patient: i64,
    assigned_therapist: i64,
    unassigned_therapist: i64,
    /// The demo's planned cover: Ola Berg for Erik Nilsen.
    cover: i64,
    other_organisation: i64,
    /// The patient's panic programme (module 4 reviewed, module 5 open).
    enrolment: i64,
    /// A waiting-list enrolment of a patient nobody is assigned to yet.
    unassigned_enrolment: i64,
    /// The patient's first questionnaire (answered) and its answers.
    questionnaire: i64,
    response: i64,
    /// The patient's open flag (their request for more help) and their step change.
    flag: i64,
    step_change: i64,
    /// A new referral in the team's intake queue.
    referral: i64,
    today: String,
    next_month: String,
}

const ENROLMENT_OF: &str = "SELECT e.id FROM enrolments e JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1";

async fn as_actor(server: &TestServer, actor: Actor) -> Browser {
    let b = server.client();
    if let Some(email) = actor.email() {
        b.login_demo(email).await;
    }
    // The week's questionnaires would send the patient to them first: put them off.
    if actor == Patient {
        b.post("/api/postpone", &[]).await;
    }
    b
}

async fn every_route_and_function_for_every_role(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let ids = Ids {
        patient: server.patient_id("pasient@stegvis.demo").await,
        assigned_therapist: server.id_of("SELECT id FROM users WHERE email = $1", "behandler@stegvis.demo").await,
        unassigned_therapist: server.id_of("SELECT id FROM users WHERE email = $1", "ola.berg@stegvis.demo").await,
        cover: server.id_of("SELECT c.id FROM covers c JOIN users u ON u.id = c.cover_id WHERE u.email = $1", "ola.berg@stegvis.demo").await,
        other_organisation: server.id_of("SELECT id FROM organisations WHERE slug = $1", "fjordheim-dps").await,
        enrolment: server.id_of(ENROLMENT_OF, "pasient@stegvis.demo").await,
        unassigned_enrolment: server.id_of(ENROLMENT_OF, "thomas.vik@stegvis.demo").await,
        questionnaire: server.id_of(&format!("SELECT MIN(q.id) FROM questionnaires q WHERE q.enrolment_id = ({ENROLMENT_OF})"), "pasient@stegvis.demo").await,
        response: server
            .id_of(&format!("SELECT MIN(r.id) FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id WHERE q.enrolment_id = ({ENROLMENT_OF})"), "pasient@stegvis.demo")
            .await,
        flag: server.id_of("SELECT MIN(f.id) FROM flags f JOIN patients p ON p.id = f.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1 AND f.closed_at IS NULL", "pasient@stegvis.demo").await,
        step_change: server.id_of("SELECT MIN(s.id) FROM step_changes s JOIN patients p ON p.id = s.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1", "pasient@stegvis.demo").await,
        referral: server.id_of("SELECT MIN(r.id) FROM referrals r JOIN patients p ON p.id = r.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1", "ingrid.saether@stegvis.demo").await,
        today: stegvis_platform::dates::format(stegvis_platform::dates::today()),
        next_month: stegvis_platform::dates::format(stegvis_platform::dates::add_days(stegvis_platform::dates::today(), 30)),
    };

    // The table must name every route the app has, and every server function.
    let mut routes: Vec<String> = leptos_axum::generate_route_list(stegvis_app::App).iter().map(|r| r.path().to_string()).collect();
    routes.sort();
    routes.dedup();
    let mut listed: Vec<String> = PAGES.iter().map(|(p, _)| p.to_string()).collect();
    listed.sort();
    assert_eq!(routes, listed, "a route is missing from the access table (or the table names one that is gone)");
    let functions = server_functions(&ids);
    let mut registered: Vec<String> = server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
    registered.sort();
    let mut in_table: Vec<String> = functions.iter().map(|(p, _, _)| p.to_string()).chain(GET_FUNCTIONS.iter().map(|p| p.to_string())).collect();
    in_table.sort();
    assert_eq!(registered, in_table, "a server function is missing from the access table");

    let mut failures = Vec::new();
    for (i, actor) in ACTORS.into_iter().enumerate() {
        let b = as_actor(&server, actor).await;
        for (path, expected) in PAGES {
            let url = path.replace("/questionnaires/{id}", &format!("/questionnaires/{}", ids.questionnaire)).replace("{response}", &ids.response.to_string()).replace("{change}", &ids.step_change.to_string());
            let url = url.replace("{referral}", &ids.referral.to_string()).replace("{organisation}", "bergvik-rph");
            let url = url.replace("{id}", &ids.patient.to_string()).replace("{enrolment}", &ids.enrolment.to_string()).replace("{module}", "1");
            let got = outcome(&b.get(&url).await);
            if got != expected[i] {
                failures.push(format!("GET {url} as {actor:?}: expected {:?}, got {got:?}", expected[i]));
            }
        }
        // The other organisation's lists never show this organisation's patients.
        if actor == OtherOrganisation {
            let (_, page) = b.text("/patients").await;
            assert!(!page.contains("Kari Nordmann"), "another organisation's patient list leaks");
        }
        for path in GET_FUNCTIONS {
            assert_eq!(b.get(path).await.status(), 200, "GET {path} as {actor:?}");
        }
        for (path, form, expected) in &functions {
            // A fresh log-in each time: some functions (log-out, organisation) change the session.
            let b = as_actor(&server, actor).await;
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let got = outcome(&b.post(path, &form).await);
            if got != expected[i] {
                failures.push(format!("POST {path} as {actor:?}: expected {:?}, got {got:?}", expected[i]));
            }
        }
    }
    assert!(failures.is_empty(), "access policy violated:\n{}", failures.join("\n"));

    // The therapist's and team lead's enrolments: the second was refused as a duplicate.
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM enrolments e JOIN programme_versions v ON v.id = e.programme_version_id WHERE e.patient_id = {} AND v.programme_id = 'depression'", ids.patient)).await, 1);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM enrolments WHERE id = {} AND ended_at IS NOT NULL", ids.unassigned_enrolment)).await, 1);
    // Ola ended the demo's cover; Maria and the team lead arranged cover for Maria next month.
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM covers WHERE id = {} AND cancelled_at IS NOT NULL", ids.cover)).await, 1);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM covers WHERE absent_id = {}", ids.assigned_therapist)).await, 2);
    // Messages, contacts, notes and minutes: from the assigned therapist and the team lead only.
    for table in ["messages WHERE client_key = 'access-table-key-0001'", "contacts WHERE summary = 'Kort samtale.'", "journal_notes WHERE body = 'Notat.'"] {
        assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM {table}")).await, 2, "{table}");
    }
    // Only the permitted changes happened: two invitations (one per organisation's admin) and
    // the team lead's assignment.
    assert_eq!(server.scalar("SELECT COUNT(*) FROM invitations WHERE email = 'new.person@stegvis.demo'").await, 2);
    let bergvik = server.id_of("SELECT id FROM organisations WHERE slug = $1", "bergvik-rph").await;
    assert_eq!(
        server.scalar(&format!("SELECT COUNT(*) FROM invitations WHERE email = 'new.person@stegvis.demo' AND organisation_id = {bergvik}")).await,
        1
    );
    assert_eq!(
        server
            .scalar(&format!("SELECT COUNT(*) FROM assignments WHERE patient_id = {} AND therapist_id = {}", ids.patient, ids.unassigned_therapist))
            .await,
        1
    );
    server.stop().await;
    cleanup.run().await;
}

/// A person with roles in two organisations switches between them; each shows only its own.
async fn staff_in_two_organisations_switch(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    b.login_demo("behandler@stegvis.demo").await;
    let (_, home) = b.text("/").await;
    assert!(home.contains("Kari Nordmann") && !home.contains("Nils Aas"));
    let other = server.id_of("SELECT id FROM organisations WHERE slug = $1", "fjordheim-dps").await;
    b.post("/api/organisation", &[("organisation_id", &other.to_string())]).await;
    let (_, home) = b.text("/").await;
    assert!(home.contains("Nils Aas") && !home.contains("Kari Nordmann"));
    let kari = server.patient_id("pasient@stegvis.demo").await;
    assert_eq!(b.get(&format!("/patients/{kari}")).await.status(), 404, "Bergvik's patient is 404 while acting for Fjordheim");
    server.stop().await;
    cleanup.run().await;
}

on_both!(every_route_and_function_for_every_role, staff_in_two_organisations_switch);
