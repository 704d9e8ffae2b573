//! Intake and the service report over real HTTP: the public self-referral form (refused when
//! incomplete, a trap field, a rate limit, a risk answer met with the crisis numbers and an
//! urgent flag in the same transaction), the team's waiting list with the screening as the
//! first scores and re-screening every two weeks, the assessment that starts a programme, and
//! the report against figures counted independently here, with its CSV and JSON.

use std::collections::BTreeMap;

use serde_json::Value;
use stegvis_content::instruments;
use stegvis_tests::{location, on_both, token_in, Backend, TestServer};

const FORM: &str = "/refer/bergvik-rph";
const TEAM_LEAD: &str = "teamleder@stegvis.demo";

/// A complete self-referral with every PHQ-9 item at `phq9` (item 9 at `item9`) and every
/// GAD-7 item at `gad7`.
fn referral(email: &str, phq9: u8, item9: u8, gad7: u8) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = [
        ("organisation", "bergvik-rph"),
        ("name", "Vera Testesen"),
        ("email", email),
        ("phone", "+47 900 00 000"),
        ("birth_year", "1951"),
        ("gender", "female"),
        ("education", "primary"),
        ("work", "retired"),
        ("immigrant", "no"),
        ("main_problem", "depression"),
        ("duration", "1_5y"),
        ("earlier_help", "gp"),
        ("medication", "no"),
        ("message", "Best å ringe etter kl. 12."),
        ("consent", "yes"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for item in instruments::by_id("phq9").unwrap().items {
        form.push((format!("i.{}", item.id), if item.id == "phq9_9" { item9 } else { phq9 }.to_string()));
    }
    for item in instruments::by_id("gad7").unwrap().items {
        form.push((format!("i.{}", item.id), gad7.to_string()));
    }
    form
}

fn refs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn referrals(server: &TestServer) -> i64 {
    server.scalar("SELECT COUNT(*) FROM referrals").await
}

async fn self_referral_to_a_programme(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let public = server.client();
    let (status, page) = public.text(FORM).await;
    assert_eq!(status, 200);
    assert!(page.contains("<fieldset") && page.contains("name=\"i.phq9_9\"") && page.contains("name=\"i.gad7_7\""), "the screening is on the form");
    let before = referrals(&server).await;

    // Incomplete: nothing is stored, every missing answer is named, what was typed stays.
    let mut incomplete = referral("vera@example.no", 1, 0, 1);
    incomplete.retain(|(k, _)| k != "i.phq9_4" && k != "consent");
    let r = public.post("/api/refer", &refs(&incomplete)).await;
    assert_eq!(location(&r), FORM);
    let (_, page) = public.text(FORM).await;
    assert!(page.contains("error-summary") && page.contains("href=\"#phq9_4\"") && page.contains("href=\"#consent\""), "the refusal names the fields");
    assert!(page.contains("value=\"vera@example.no\""), "typed values are kept");
    assert_eq!(referrals(&server).await, before);

    // A script filling the hidden field is refused, and nothing is stored.
    let mut trapped = referral("bot@example.no", 1, 0, 1);
    trapped.push(("website".into(), "http://spam.example".into()));
    assert_eq!(location(&public.post("/api/refer", &refs(&trapped)).await), FORM);
    assert_eq!(referrals(&server).await, before);

    // Complete: stored with its screening; the person has no password yet.
    let email = "vera@example.no";
    let r = public.post("/api/refer", &refs(&referral(email, 1, 0, 2))).await;
    assert_eq!(location(&r), "/refer/bergvik-rph/received");
    let (_, receipt) = public.text("/refer/bergvik-rph/received").await;
    assert!(receipt.contains("Takk") && !receipt.contains("116 123"), "no crisis box without a risk answer");
    assert_eq!(referrals(&server).await, before + 1);
    let referral_id = server.id_of("SELECT r.id FROM referrals r JOIN patients p ON p.id = r.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1", email).await;
    let totals: Vec<(String, i64)> = sqlx::query_as("SELECT instrument_id, total FROM screenings WHERE referral_id = $1 ORDER BY instrument_id").bind(referral_id).fetch_all(&server.db.pool).await.unwrap();
    assert_eq!(totals, vec![("gad7".to_string(), 14), ("phq9".to_string(), 8)]);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM referrals WHERE id = {referral_id} AND source = 'self' AND status = 'new' AND birth_year = 1951")).await, 1);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM users WHERE email = '{email}' AND password_hash IS NULL")).await, 1);

    // The team lead finds it in the queue and puts it on the waiting list: an invitation.
    let lead = server.client();
    lead.login_demo(TEAM_LEAD).await;
    let (_, queue) = lead.text("/intake").await;
    assert!(queue.contains("Vera Testesen") && queue.contains(&format!("/intake/{referral_id}")));
    let (_, detail) = lead.text(&format!("/intake/{referral_id}")).await;
    assert!(detail.contains("Best å ringe etter kl. 12.") && detail.contains("PHQ-9 8"));
    assert_eq!(location(&lead.post("/api/intake-wait", &[("referral_id", &referral_id.to_string())]).await), format!("/intake/{referral_id}"));
    let mail = server.mail_to(email).await;
    assert!(!mail.contains("PHQ") && !mail.contains("Vera") && !mail.contains("depresjon"), "the invitation says nothing clinical");
    let token = token_in(&mail, "/invitation");

    // Accepting it enrols her in the waiting-list programme with the screening as its first scores.
    let vera = server.client();
    let r = vera.post("/api/accept-invitation", &[("token", &token), ("password", "a long password"), ("password_repeat", "a long password")]).await;
    assert_eq!(location(&r), "/");
    let patient = server.patient_id(email).await;
    let enrolment = server.scalar(&format!("SELECT e.id FROM enrolments e JOIN programme_versions v ON v.id = e.programme_version_id WHERE e.patient_id = {patient} AND v.programme_id = 'waiting-list'")).await;
    let baseline: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT q.instrument_id, q.occasion, r.total FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id WHERE q.enrolment_id = $1 ORDER BY q.instrument_id",
    )
    .bind(enrolment)
    .fetch_all(&server.db.pool)
    .await
    .unwrap();
    assert_eq!(baseline, vec![("gad7".into(), "start".into(), 14), ("phq9".into(), "start".into(), 8)]);

    // Two weeks later (the enrolment is moved back in time) the screening is asked again, and a
    // reliable rise raises a deterioration flag for the team.
    let two_weeks_ago = stegvis_platform::dates::format(stegvis_platform::dates::add_days(stegvis_platform::dates::today(), -14));
    sqlx::query("UPDATE enrolments SET start_date = $1 WHERE id = $2").bind(&two_weeks_ago).bind(enrolment).execute(&server.db.pool).await.unwrap();
    let (_, list) = vera.text("/questionnaires").await;
    let due: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, instrument_id, occasion FROM questionnaires WHERE enrolment_id = $1 AND occasion = 'week-2' ORDER BY instrument_id")
        .bind(enrolment)
        .fetch_all(&server.db.pool)
        .await
        .unwrap();
    assert_eq!(due.iter().map(|(_, i, _)| i.as_str()).collect::<Vec<_>>(), vec!["gad7", "phq9"], "re-screening at week 2: {list}");
    let phq9 = due.iter().find(|(_, i, _)| i == "phq9").unwrap().0;
    let mut answers = vec![("questionnaire".to_string(), phq9.to_string())];
    answers.extend(instruments::by_id("phq9").unwrap().items.iter().map(|i| (format!("i.{}", i.id), if i.id == "phq9_9" { "0" } else { "2" }.to_string())));
    vera.post("/api/questionnaire", &refs(&answers)).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM flags WHERE patient_id = {patient} AND kind = 'deterioration' AND closed_at IS NULL")).await, 1);
    let (_, queue) = lead.text("/intake").await;
    assert!(queue.contains("Vera Testesen") && queue.contains("På venteliste"));

    // The assessment is booked, then its outcome starts her in the panic programme with Maria.
    let maria = server.id_of("SELECT id FROM users WHERE email = $1", "behandler@stegvis.demo").await;
    let today = stegvis_platform::dates::format(stegvis_platform::dates::today());
    let id = referral_id.to_string();
    let r = lead.post("/api/intake-book", &[("referral_id", &id), ("assessment_day", "2020-01-01"), ("assessment_time", "10:00"), ("assessment_with", &maria.to_string())]).await;
    assert_eq!(location(&r), format!("/intake/{referral_id}#book"), "a day in the past is refused");
    lead.post("/api/intake-book", &[("referral_id", &id), ("assessment_day", &today), ("assessment_time", "23:30"), ("assessment_with", &maria.to_string())]).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM referrals WHERE id = {referral_id} AND assessment_with = {maria}")).await, 1);
    let missing_note = [("referral_id", id.as_str()), ("programme", "panic"), ("guidance", "guided"), ("therapist_id", &maria.to_string()), ("new_step", "guided"), ("start_date", &today), ("assessment_note", "")];
    assert_eq!(location(&lead.post("/api/intake-assess", &missing_note).await), format!("/intake/{referral_id}#assess"));
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM enrolments WHERE patient_id = {patient}")).await, 1, "a refused assessment changes nothing");
    let mut assess = missing_note;
    assess[6] = ("assessment_note", "Panikkanfall i to år, motivert for veiledet program.");
    assert_eq!(location(&lead.post("/api/intake-assess", &assess).await), format!("/intake/{referral_id}"));
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM enrolments WHERE id = {enrolment} AND ended_at IS NOT NULL")).await, 1, "the waiting-list programme ends");
    assert_eq!(
        server.scalar(&format!("SELECT COUNT(*) FROM enrolments e JOIN programme_versions v ON v.id = e.programme_version_id WHERE e.patient_id = {patient} AND v.programme_id = 'panic' AND e.guided = 1 AND e.ended_at IS NULL")).await,
        1
    );
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM assignments WHERE patient_id = {patient} AND therapist_id = {maria}")).await, 1);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM patients WHERE id = {patient} AND step = 'guided'")).await, 1);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM referrals WHERE id = {referral_id} AND status = 'started' AND enrolment_id IS NOT NULL AND assessed_at IS NOT NULL")).await, 1);
    // A second decision on the same referral is refused.
    assert_eq!(location(&lead.post("/api/intake-close", &[("referral_id", &id), ("close_reason", "declined")]).await), format!("/intake/{referral_id}#close"));
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM referrals WHERE id = {referral_id} AND status = 'started'")).await, 1);
    // Maria has her on the caseload; the audit trail has the team lead's acts.
    let m = server.client();
    m.login_demo("behandler@stegvis.demo").await;
    let (_, caseload) = m.text("/").await;
    assert!(caseload.contains("Vera Testesen"));
    for action in ["view_referral", "waiting_list", "book_assessment", "enrol", "assign_therapist", "change_step"] {
        assert!(server.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE patient_id = {patient} AND action = '{action}'")).await >= 1, "{action} audited");
    }
    server.stop().await;
    cleanup.run().await;
}

async fn risk_answer_at_screening(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let public = server.client();
    let r = public.post("/api/refer", &refs(&referral("risk@example.no", 1, 2, 1))).await;
    // The address says nothing; the receipt shows where to get help now.
    assert_eq!(location(&r), "/refer/bergvik-rph/received");
    let (_, receipt) = public.text("/refer/bergvik-rph/received").await;
    assert!(receipt.contains("113") && receipt.contains("116 117") && receipt.contains("116 123") && receipt.contains("22 40 00 40"));
    let patient = server.patient_id("risk@example.no").await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM flags WHERE patient_id = {patient} AND kind = 'risk' AND urgency = 'urgent' AND closed_at IS NULL")).await, 1);
    // Nobody guides her yet: the team lead is told at once, in a mail that says nothing clinical.
    let mail = server.mail_to(TEAM_LEAD).await;
    assert!(!mail.contains("Vera") && !mail.contains("PHQ") && !mail.contains("risiko"), "{mail}");
    // The queue puts her first, marked urgent.
    let lead = server.client();
    lead.login_demo(TEAM_LEAD).await;
    let (_, queue) = lead.text("/intake").await;
    let first_row = queue.split("<tbody>").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(first_row.contains("Vera Testesen") && first_row.contains("Haster"), "{first_row}");
    server.stop().await;
    cleanup.run().await;
}

async fn public_form_rate_limit(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let public = server.client();
    let before = referrals(&server).await;
    for n in 0..6 {
        public.post("/api/refer", &refs(&referral(&format!("person{n}@example.no"), 1, 0, 1))).await;
    }
    assert_eq!(referrals(&server).await, before + stegvis_platform::intake::PUBLIC_LIMIT_PER_HOUR);
    let (_, page) = public.text(FORM).await;
    assert!(page.contains("error-summary"), "the sixth is told to wait");
    server.stop().await;
    cleanup.run().await;
}

// ---- the report ------------------------------------------------------------------------------

/// One course as counted independently of the platform, straight from the tables.
struct Counted {
    started: bool,
    ended: bool,
    contacts: i64,
    days_to_start: Option<i64>,
    /// (first, last) of PHQ-9 and GAD-7, where both were given at least twice.
    scores: Option<((i64, i64), (i64, i64))>,
}

async fn count_independently(server: &TestServer, organisation: i64) -> Vec<Counted> {
    let today = stegvis_platform::dates::format(stegvis_platform::dates::today());
    let rows: Vec<(i64, Option<i64>, Option<String>, Option<String>, Option<i64>, i64)> = sqlx::query_as(
        "SELECT r.id, e.id, e.start_date, e.end_date, e.ended_at, r.referred_at FROM referrals r LEFT JOIN enrolments e ON e.id = r.enrolment_id WHERE r.organisation_id = $1",
    )
    .bind(organisation)
    .fetch_all(&server.db.pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for (_, enrolment, start, end, ended_at, referred_at) in rows {
        let Some(enrolment) = enrolment else {
            out.push(Counted { started: false, ended: false, contacts: 0, days_to_start: None, scores: None });
            continue;
        };
        let (start, end) = (start.unwrap(), end.unwrap());
        let feedback = server.scalar(&format!("SELECT COUNT(*) FROM feedback f JOIN submissions s ON s.id = f.submission_id WHERE s.enrolment_id = {enrolment}")).await;
        let calls = server
            .scalar(&format!(
                "SELECT COUNT(*) FROM contacts c JOIN enrolments e ON e.patient_id = c.patient_id WHERE e.id = {enrolment} AND c.held_on >= '{start}' AND c.held_on <= '{end}'"
            ))
            .await;
        let mut series = BTreeMap::new();
        for instrument in ["phq9", "gad7"] {
            let totals: Vec<i64> = sqlx::query_scalar(
                "SELECT r.total FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id WHERE q.enrolment_id = $1 AND q.instrument_id = $2
                   AND r.id NOT IN (SELECT corrects FROM responses WHERE corrects IS NOT NULL) ORDER BY q.due_on, r.submitted_at, r.id",
            )
            .bind(enrolment)
            .bind(instrument)
            .fetch_all(&server.db.pool)
            .await
            .unwrap();
            if totals.len() >= 2 {
                series.insert(instrument, (totals[0], *totals.last().unwrap()));
            }
        }
        let start_date = stegvis_platform::dates::parse(&start).unwrap();
        let referred = stegvis_platform::dates::oslo_date(referred_at);
        out.push(Counted {
            started: true,
            ended: ended_at.is_some() || end < today,
            contacts: feedback + calls,
            days_to_start: Some(stegvis_platform::dates::days_between(referred, start_date).max(0)),
            scores: series.get("phq9").zip(series.get("gad7")).map(|(a, b)| (*a, *b)),
        });
    }
    out
}

fn value(cell: &Value) -> Option<i64> {
    (cell["kind"] == "value").then(|| cell["value"].as_i64()).flatten()
}

fn rate(cell: &Value) -> Option<(i64, i64)> {
    let rate = &cell["value"];
    (cell["kind"] == "value" && rate.is_object()).then(|| (rate["numerator"].as_i64().unwrap(), rate["denominator"].as_i64().unwrap()))
}

/// Every published count in a report is 0 or at least 5, and so is every rate's numerator,
/// denominator and their difference.
fn assert_no_small_cells(published: &Value, place: &str) {
    for (name, cell) in published.as_object().unwrap() {
        if let Some(n) = value(cell) {
            if !name.starts_with("median") && name != "minutes_per_patient" {
                assert!(n == 0 || n >= 5, "{place} {name} = {n} is a small cell");
            }
        }
        if let Some((n, d)) = rate(cell) {
            for x in [n, d, d - n] {
                assert!(x == 0 || x >= 5, "{place} {name} = {n}/{d} reveals a small group");
            }
        }
    }
}

async fn report_matches_an_independent_count(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let lead = server.client();
    lead.login_demo(TEAM_LEAD).await;
    let bergvik = server.id_of("SELECT id FROM organisations WHERE slug = $1", "bergvik-rph").await;
    // A period around everything, so that no course sits on its edge.
    let query = "from=2000-01-01&to=2100-01-01";
    let json: Value = lead.get(&format!("/downloads/report.json?{query}")).await.json().await.unwrap();
    let total = &json["total"];
    let courses = count_independently(&server, bergvik).await;

    assert_eq!(value(&total["referrals"]), Some(courses.len() as i64));
    assert_eq!(value(&total["started"]), Some(courses.iter().filter(|c| c.started).count() as i64));
    let finished: Vec<&Counted> = courses.iter().filter(|c| c.ended && c.contacts >= 2).collect();
    assert_eq!(value(&total["finished"]), Some(finished.len() as i64));
    assert_eq!(value(&total["dropped_out"]), Some(courses.iter().filter(|c| c.ended && c.contacts < 2).count() as i64));
    // NHS Talking Therapies, written out again: PHQ-9 caseness 10, reliable change 6; GAD-7 8 and 4.
    let with_outcome: Vec<((i64, i64), (i64, i64))> = finished.iter().filter_map(|c| c.scores).collect();
    let case = |((d0, _), (a0, _)): &((i64, i64), (i64, i64))| *d0 >= 10 || *a0 >= 8;
    let recovered = |s: &((i64, i64), (i64, i64))| case(s) && s.0 .1 < 10 && s.1 .1 < 8;
    let rose = |((d0, d1), (a0, a1)): &((i64, i64), (i64, i64))| d1 - d0 >= 6 || a1 - a0 >= 4;
    let improved = |s: &((i64, i64), (i64, i64))| (s.0 .0 - s.0 .1 >= 6 || s.1 .0 - s.1 .1 >= 4) && !rose(s);
    let cases = with_outcome.iter().filter(|s| case(s)).count() as i64;
    assert!(cases >= 50, "the demo year has enough ended courses to report on ({cases})");
    assert_eq!(rate(&total["recovery"]), Some((with_outcome.iter().filter(|s| recovered(s)).count() as i64, cases)));
    assert_eq!(rate(&total["reliable_improvement"]), Some((with_outcome.iter().filter(|s| improved(s)).count() as i64, with_outcome.len() as i64)));
    assert_eq!(rate(&total["reliable_recovery"]), Some((with_outcome.iter().filter(|s| recovered(s) && improved(s)).count() as i64, cases)));
    assert_eq!(rate(&total["reliable_deterioration"]), Some((with_outcome.iter().filter(|s| rose(s)).count() as i64, with_outcome.len() as i64)));
    let mut waits: Vec<i64> = courses.iter().filter_map(|c| c.days_to_start).collect();
    waits.sort();
    let median = if waits.len() % 2 == 1 { waits[waits.len() / 2] } else { (waits[waits.len() / 2 - 1] + waits[waits.len() / 2]) / 2 };
    assert_eq!(value(&total["median_days_to_start"]), Some(median));

    // No published cell is a small group, in the total or any breakdown; the over-67s are there.
    assert_no_small_cells(total, "total");
    let breakdowns = json["breakdowns"].as_array().unwrap();
    let dimensions: Vec<&str> = breakdowns.iter().map(|b| b["dimension"].as_str().unwrap()).collect();
    assert_eq!(dimensions, ["programme", "therapist", "age", "gender", "education", "work", "immigrant"]);
    let mut suppressed = 0;
    for b in breakdowns {
        for row in b["rows"].as_array().unwrap() {
            assert_no_small_cells(&row[1], &format!("{} {}", b["dimension"], row[0]));
            suppressed += row[1].as_object().unwrap().values().filter(|c| c["kind"] == "suppressed").count();
        }
    }
    assert!(suppressed > 0, "the demo has small groups, and they are hidden");
    let age = breakdowns.iter().find(|b| b["dimension"] == "age").unwrap();
    assert!(age["rows"].as_array().unwrap().iter().any(|r| r[0] == "67+"));

    // The CSV says the same as the JSON, line by line.
    let csv = lead.get(&format!("/downloads/report.csv?{query}")).await.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("dimension,group,measure,value,numerator,denominator"));
    let mut checked = 0;
    for line in lines.filter(|l| l.starts_with("total,all,")) {
        let fields: Vec<&str> = line.split(',').collect();
        let cell = &total[fields[2]];
        match (value(cell), rate(cell)) {
            (Some(n), _) => assert_eq!(fields[3], n.to_string(), "{line}"),
            (_, Some((n, d))) => assert_eq!((fields[4], fields[5]), (n.to_string().as_str(), d.to_string().as_str()), "{line}"),
            _ => assert_eq!(fields[3], "<5", "{line}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 12, "every measure of the total is in the CSV");
    // The FHIR MeasureReport has the same total.
    let fhir: Value = lead.get(&format!("/downloads/report.fhir.json?{query}")).await.json().await.unwrap();
    assert_eq!(fhir["resourceType"], "MeasureReport");
    let referrals = fhir["group"].as_array().unwrap().iter().find(|g| g["code"]["coding"][0]["code"] == "referrals").unwrap();
    assert_eq!(referrals["population"][0]["count"].as_i64(), value(&total["referrals"]));
    // The page shows the same figures, and only to those who may see them.
    let (status, page) = lead.text(&format!("/reports?{query}")).await;
    assert_eq!(status, 200);
    let (n, d) = rate(&total["recovery"]).unwrap();
    assert!(page.contains(&format!("({n} av {d})")) && page.contains("<svg"));
    let therapist = server.client();
    therapist.login_demo("behandler@stegvis.demo").await;
    assert_eq!(therapist.get(&format!("/downloads/report.json?{query}")).await.status(), 403);
    server.stop().await;
    cleanup.run().await;
}

/// The screening totals of a person's referrals, by instrument.
async fn screened(server: &TestServer, email: &str) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT s.instrument_id, s.total FROM screenings s JOIN referrals r ON r.id = s.referral_id JOIN patients p ON p.id = r.patient_id
           JOIN users u ON u.id = p.user_id WHERE u.email = $1 ORDER BY s.instrument_id",
    )
    .bind(email)
    .fetch_all(&server.db.pool)
    .await
    .unwrap()
}

/// Where the organisation has loaded the pack of a disorder-specific measure, the screening asks
/// it of those who name that main problem, and only of them.
async fn disorder_specific_measure_at_screening(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let public = server.client();
    let (_, page) = public.text(FORM).await;
    assert!(!page.contains("name=\"i.pdss_sr_1\""), "no pack, no PDSS-SR");
    let admin = server.client();
    admin.login_demo("admin@stegvis.demo").await;
    let pack = include_str!("../../content-modules/instrument-packs/examples/pdss-sr.synthetic.toml");
    assert_eq!(location(&admin.post("/api/instrument-pack", &[("source", pack)]).await), "/admin#instrument-pdss-sr");
    let (_, page) = public.text(FORM).await;
    assert!(page.contains("data-problem=\"panic\"") && page.contains("name=\"i.pdss_sr_7\"") && page.contains("Panikk"), "the PDSS-SR section, for panic");
    let pdss = |form: &mut Vec<(String, String)>, answer: u8| {
        form.extend(instruments::by_id("pdss-sr").unwrap().items.iter().map(|item| (format!("i.{}", item.id), answer.to_string())));
    };
    let with_problem = |email: &str, problem: &str| {
        let mut form = referral(email, 1, 0, 1);
        form.iter_mut().filter(|(k, _)| k == "main_problem").for_each(|(_, v)| *v = problem.to_string());
        form
    };

    // Panic without the PDSS-SR: refused, the first unanswered question named, nothing stored.
    let before = referrals(&server).await;
    assert_eq!(location(&public.post("/api/refer", &refs(&with_problem("panikk@example.no", "panic"))).await), FORM);
    let (_, page) = public.text(FORM).await;
    assert!(page.contains("error-summary") && page.contains("href=\"#pdss_sr_1\""), "the refusal names the PDSS-SR items");
    assert_eq!(referrals(&server).await, before);

    // Panic with it: stored beside PHQ-9 and GAD-7, and shown to the team with them.
    let mut panic = with_problem("panikk@example.no", "panic");
    pdss(&mut panic, 2);
    assert_eq!(location(&public.post("/api/refer", &refs(&panic)).await), "/refer/bergvik-rph/received");
    assert_eq!(screened(&server, "panikk@example.no").await, vec![("gad7".to_string(), 7), ("pdss-sr".to_string(), 14), ("phq9".to_string(), 8)]);
    let lead = server.client();
    lead.login_demo(TEAM_LEAD).await;
    let referral_id = server.id_of("SELECT r.id FROM referrals r JOIN patients p ON p.id = r.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1", "panikk@example.no").await;
    let (_, detail) = lead.text(&format!("/intake/{referral_id}")).await;
    assert!(detail.contains("PDSS-SR 14"), "the team sees it with the rest");

    // Depression: PDSS-SR answers sent along (the section was on the page) are not kept.
    let mut depression = with_problem("tung@example.no", "depression");
    pdss(&mut depression, 3);
    assert_eq!(location(&public.post("/api/refer", &refs(&depression)).await), "/refer/bergvik-rph/received");
    assert_eq!(screened(&server, "tung@example.no").await, vec![("gad7".to_string(), 7), ("phq9".to_string(), 8)]);
    server.stop().await;
    cleanup.run().await;
}

on_both!(self_referral_to_a_programme, risk_answer_at_screening, public_form_rate_limit, disorder_specific_measure_at_screening, report_matches_an_independent_count);
