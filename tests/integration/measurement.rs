//! Questionnaires over real HTTP: due at log-in before the modules and put off once, refused
//! when incomplete, stored once, corrected by a new response, charts and bands for staff
//! (audited), instrument packs coming into use, schedules, and the FHIR downloads.

use stegvis_content::fhir::{self, Bundle, Questionnaire};
use stegvis_tests::{location, on_both, Backend, Browser, TestServer};

const NEW_PATIENT: &str = "ny.panikk@stegvis.demo";
const SYNTHETIC_PDSS_SR: &str = include_str!("../../content-modules/instrument-packs/examples/pdss-sr.synthetic.toml");

/// The ids of the questionnaires linked from the patient's list, in order.
async fn due_ids(b: &Browser) -> Vec<i64> {
    let (_, page) = b.text("/questionnaires").await;
    let mut ids: Vec<i64> = page.split("href=\"/questionnaires/").skip(1).filter_map(|s| s.split('"').next()?.parse().ok()).collect();
    ids.dedup();
    ids
}

async fn instrument_of(server: &TestServer, questionnaire: i64) -> String {
    sqlx::query_scalar("SELECT instrument_id FROM questionnaires WHERE id = $1").bind(questionnaire).fetch_one(&server.db.pool).await.unwrap()
}

/// A complete form for `instrument` with every item at `value` (PHQ-9 item 9 at 0).
fn filled(questionnaire: i64, instrument: &str, value: &str) -> Vec<(String, String)> {
    let inst = stegvis_content::instruments::by_id(instrument).unwrap();
    let mut form = vec![("questionnaire".to_string(), questionnaire.to_string())];
    form.extend(inst.items.iter().map(|i| (format!("i.{}", i.id), if i.id == "phq9_9" { "0".to_string() } else { value.to_string() })));
    form
}

fn as_refs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn questionnaires_come_first_and_are_put_off_once(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let patient = server.client();
    patient.login_demo(NEW_PATIENT).await;
    // Home and the modules both lead to the questionnaires first.
    assert_eq!(location(&patient.get("/").await), "/questionnaires");
    let enrolment: i64 = server.id_of("SELECT e.id FROM enrolments e JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1", NEW_PATIENT).await;
    assert_eq!(location(&patient.get(&format!("/programmes/{enrolment}/modules/1")).await), "/questionnaires");
    let (_, page) = patient.text("/questionnaires").await;
    assert!(page.contains("PHQ-9") && page.contains("GAD-7") && page.contains("Svar senere"));
    // Licensed instruments without a pack are not asked for.
    assert!(!page.contains("PDSS-SR"));
    // Put off once: the modules open, and nothing can be put off again.
    assert_eq!(location(&patient.post("/api/postpone", &[]).await), "/");
    assert_eq!(patient.get(&format!("/programmes/{enrolment}/modules/1")).await.status(), 200);
    let (_, page) = patient.text("/").await;
    assert!(page.contains("Spørreskjema å svare på"), "home still offers them");
    assert_eq!(location(&patient.post("/api/postpone", &[]).await), "/questionnaires");
    assert!(patient.text("/questionnaires").await.1.contains("Du har allerede utsatt"));
    // A day later they come first again, with no way to put them off.
    sqlx::query("UPDATE questionnaires SET postponed_until = $1").bind(stegvis_platform::now() - 1).execute(&server.db.pool).await.unwrap();
    assert_eq!(location(&patient.get("/").await), "/questionnaires");
    assert!(!patient.text("/questionnaires").await.1.contains("Svar senere"));
    server.stop().await;
    cleanup.run().await;
}

async fn answers_are_checked_stored_once_and_corrected_by_a_new_response(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let patient = server.client();
    patient.login_demo(NEW_PATIENT).await;
    let ids = due_ids(&patient).await;
    let phq9 = *ids.iter().find(|_| true).unwrap();
    assert_eq!(instrument_of(&server, phq9).await, "phq9", "PHQ-9 first");
    let (_, form) = patient.text(&format!("/questionnaires/{phq9}")).await;
    // Each question a fieldset with a legend and native radio buttons.
    assert_eq!(form.matches("<fieldset").count(), 9);
    assert_eq!(form.matches("<legend").count(), 9);
    assert_eq!(form.matches(r#"type="radio""#).count(), 36);
    assert!(form.contains("Ikke i det hele tatt") && form.contains("© Pfizer Inc."));

    // Incomplete: refused, each missing question named, what was chosen kept, nothing stored.
    let r = patient.post("/api/questionnaire", &[("questionnaire", &phq9.to_string()), ("i.phq9_1", "2"), ("i.phq9_2", "7")]).await;
    assert_eq!(location(&r), format!("/questionnaires/{phq9}"));
    let (_, page) = patient.text(&format!("/questionnaires/{phq9}")).await;
    assert!(page.contains("Svar på spørsmål 2.") && page.contains("Svar på spørsmål 9.") && !page.contains("Svar på spørsmål 1."), "{page}");
    assert!(page.contains(r#"id="phq9_1-2" name="i.phq9_1" value="2" checked"#), "the answer given stays ticked");
    assert_eq!(server.scalar("SELECT COUNT(*) FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id WHERE q.occasion = 'start' AND q.enrolment_id IN (SELECT e.id FROM enrolments e JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = 'ny.panikk@stegvis.demo')").await, 0);

    // Complete, twice (a double click): one response, scored, and on to the next questionnaire.
    let answers = filled(phq9, "phq9", "2");
    let r = patient.post("/api/questionnaire", &as_refs(&answers)).await;
    let next = location(&r);
    assert!(next.starts_with("/questionnaires/") && next != format!("/questionnaires/{phq9}"), "{next}");
    patient.post("/api/questionnaire", &as_refs(&answers)).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM responses WHERE questionnaire_id = {phq9}")).await, 1);
    assert_eq!(server.scalar(&format!("SELECT total FROM responses WHERE questionnaire_id = {phq9}")).await, 16);
    assert!(patient.text(&format!("/questionnaires/{phq9}")).await.1.contains("Du har allerede svart"));

    // A correction is a new response that names the old one; the old one stays.
    let old = server.scalar(&format!("SELECT id FROM responses WHERE questionnaire_id = {phq9}")).await;
    let (_, page) = patient.text(&format!("/questionnaires/{phq9}?correct={old}")).await;
    assert!(page.contains("Du retter svarene dine") && page.contains(r#"value="2" checked"#), "the old answers to start from");
    let mut corrected = filled(phq9, "phq9", "1");
    corrected.push(("corrects".into(), old.to_string()));
    patient.post("/api/questionnaire", &as_refs(&corrected)).await;
    patient.post("/api/questionnaire", &as_refs(&corrected)).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM responses WHERE questionnaire_id = {phq9}")).await, 2);
    assert_eq!(server.scalar(&format!("SELECT total FROM responses WHERE questionnaire_id = {phq9} AND corrects = {old} AND revision = 1")).await, 8);
    // Answers are never changed in place, whatever asks.
    assert!(sqlx::query("UPDATE responses SET total = 0").execute(&server.db.pool).await.is_err());
    assert!(sqlx::query("DELETE FROM responses").execute(&server.db.pool).await.is_err());

    // GAD-7 too, then the modules open; the progress page shows the corrected score.
    let gad7 = ids[1];
    let r = patient.post("/api/questionnaire", &as_refs(&filled(gad7, "gad7", "1"))).await;
    assert_eq!(location(&r), "/", "nothing more due");
    let (_, progress) = patient.text("/progress").await;
    assert!(progress.contains("Du har svart én gang (8)") && progress.contains("Du har svart én gang (7)"), "{progress}");
    assert!(progress.contains("<svg") && progress.contains("<table"), "a chart with a table alternative");

    // The patient's own answers as FHIR: both responses of PHQ-9 and the GAD-7 one, read back exactly.
    let r = patient.get("/downloads/my-answers.json").await;
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let bundle: Bundle = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(bundle.entry.len(), 3);
    let last = bundle.entry.iter().find(|e| !e.resource.extension.is_empty()).expect("the correction names what it corrects");
    let (instrument, values) = fhir::answers_of(&last.resource).unwrap();
    assert_eq!(instrument.id, "phq9");
    assert_eq!(values, [Some(1), Some(1), Some(1), Some(1), Some(1), Some(1), Some(1), Some(1), Some(0)]);
    // Nobody else's, and not without a session.
    let other = server.client();
    other.login_demo("pasient@stegvis.demo").await;
    let theirs: Bundle = serde_json::from_str(&other.get("/downloads/my-answers.json").await.text().await.unwrap()).unwrap();
    assert!(theirs.entry.iter().all(|e| e.resource.id != old.to_string()));
    assert!(location(&Browser::new(&server.base).get("/downloads/my-answers.json").await).starts_with("/login"));
    server.stop().await;
    cleanup.run().await;
}

async fn staff_see_numbers_bands_and_answers(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let kari = server.patient_id("pasient@stegvis.demo").await;
    let therapist = server.client();
    therapist.login_demo("behandler@stegvis.demo").await;
    let (_, record) = therapist.text(&format!("/patients/{kari}")).await;
    // The seeded history: PHQ-9 12 → 8 and GAD-7 15 → 9, with bands and the caseness line.
    assert!(record.contains("Første skår 12 (moderat), siste 8 (mild); 5 målinger. Ingen pålitelig endring (grense 6)."), "{record}");
    assert!(record.contains("Første skår 15 (alvorlig), siste 9 (mild); 5 målinger. Pålitelig bedring (grense 4)."));
    assert!(record.contains("klinisk grense 10") && record.contains("10–14: moderat"));
    assert!(record.contains("Over klinisk grense ved start"), "the outcome so far");
    // Item by item, audited.
    let response = server.id_of(
        "SELECT MAX(r.id) FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id JOIN enrolments e ON e.id = q.enrolment_id JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1",
        "pasient@stegvis.demo",
    )
    .await;
    let before = server.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'view_responses'").await;
    let (status, page) = therapist.text(&format!("/patients/{kari}/responses/{response}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Flere dager") || page.contains("Ikke i det hele tatt"));
    assert_eq!(server.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'view_responses'").await, before + 1);
    // Another patient's response under Kari's address is not found.
    let other = server.id_of(
        "SELECT MAX(r.id) FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id JOIN enrolments e ON e.id = q.enrolment_id JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = p.user_id WHERE u.email = $1",
        "jonas.lie@stegvis.demo",
    )
    .await;
    assert_eq!(therapist.get(&format!("/patients/{kari}/responses/{other}")).await.status(), 404);
    server.stop().await;
    cleanup.run().await;
}

async fn a_pack_brings_a_licensed_instrument_into_use(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let admin = server.client();
    admin.login_demo("admin@stegvis.demo").await;
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains("Ikke tilgjengelig i denne organisasjonen"));
    // A skeleton without a pack: identifiers and values, no text.
    let skeleton: Questionnaire = serde_json::from_str(&admin.get("/downloads/questionnaires/pdss-sr.json").await.text().await.unwrap()).unwrap();
    assert_eq!(skeleton.item.len(), 8);
    assert!(skeleton.item.iter().take(7).all(|i| i.text.is_none()));

    // A broken pack: every problem named, nothing stored.
    let broken = SYNTHETIC_PDSS_SR.replace("[items.pdss_sr_3.text]", "[items.pdss_sr_8.text]").replace("languages = [\"nb\", \"en\"]", "languages = [\"nb\", \"en\", \"de\"]");
    let r = admin.post("/api/instrument-pack", &[("source", &broken)]).await;
    assert_eq!(location(&r), "/admin#instruments");
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains("items.pdss_sr_8 finnes ikke i instrumentet."), "{page}");
    assert!(page.contains("items.pdss_sr_3.text mangler."));
    assert!(page.contains("Ukjent språk «de»"));
    assert_eq!(server.scalar("SELECT COUNT(*) FROM instrument_packs").await, 0);

    // The synthetic pack: available at once, and asked of the panic patients.
    let r = admin.post("/api/instrument-pack", &[("source", SYNTHETIC_PDSS_SR)]).await;
    assert_eq!(location(&r), "/admin#instrument-pdss-sr");
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains("Tilgjengelig – pakke lastet inn"));
    let with_text: Questionnaire = serde_json::from_str(&admin.get("/downloads/questionnaires/pdss-sr.json").await.text().await.unwrap()).unwrap();
    assert!(with_text.item[0].text.as_deref().unwrap().contains("Syntetisk"));
    let patient = server.client();
    patient.login_demo(NEW_PATIENT).await;
    let ids = due_ids(&patient).await;
    let mut pdss = None;
    for id in &ids {
        if instrument_of(&server, *id).await == "pdss-sr" {
            pdss = Some(*id);
        }
    }
    let pdss = pdss.expect("PDSS-SR is due at the start of the panic programme");
    let (_, form) = patient.text(&format!("/questionnaires/{pdss}")).await;
    assert!(form.contains("Syntetisk testledd 1"));
    patient.post("/api/questionnaire", &as_refs(&filled(pdss, "pdss-sr", "3"))).await;
    assert_eq!(server.scalar(&format!("SELECT total FROM responses WHERE questionnaire_id = {pdss}")).await, 21);
    // The other organisation has no pack.
    let other_admin = server.client();
    other_admin.login_demo("hanne.moe@stegvis.demo").await;
    let q: Questionnaire = serde_json::from_str(&other_admin.get("/downloads/questionnaires/pdss-sr.json").await.text().await.unwrap()).unwrap();
    assert!(q.item[0].text.is_none());
    server.stop().await;
    cleanup.run().await;
}

async fn schedules_are_the_organisations_choice(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let admin = server.client();
    admin.login_demo("admin@stegvis.demo").await;
    // GAD-7 off in the panic programme; PHQ-9 at the start and the end only.
    let r = admin.post("/api/measures", &[("programme", "panic"), ("when~phq9~start", "on"), ("when~phq9~end", "on")]).await;
    assert_eq!(location(&r), "/admin#schedules");
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains(r#"id="panic-when-phq9-start" name="when~phq9~start" value="on" checked"#));
    assert!(page.contains(r#"id="panic-when-gad7-start" name="when~gad7~start" value="on">"#), "unticked");
    assert!(page.contains(r#"id="depression-when-gad7-start" name="when~gad7~start" value="on" checked"#), "other programmes unchanged");
    let patient = server.client();
    patient.login_demo(NEW_PATIENT).await;
    let ids = due_ids(&patient).await;
    assert_eq!(ids.len(), 1);
    assert_eq!(instrument_of(&server, ids[0]).await, "phq9");
    // A programme's instruments only.
    let r = admin.post("/api/measures", &[("programme", "nonsense")]).await;
    assert_eq!(location(&r), "/admin#schedules");
    server.stop().await;
    cleanup.run().await;
}

on_both!(
    questionnaires_come_first_and_are_put_off_once,
    answers_are_checked_stored_once_and_corrected_by_a_new_response,
    staff_see_numbers_bands_and_answers,
    a_pack_brings_a_licensed_instrument_into_use,
    schedules_are_the_organisations_choice,
);

/// A risk answer (PHQ-9 item 9) is met at once with the crisis numbers.
async fn a_risk_answer_is_met_with_crisis_numbers(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let patient = server.client();
    patient.login_demo(NEW_PATIENT).await;
    let phq9 = due_ids(&patient).await[0];
    let mut answers = filled(phq9, "phq9", "0");
    answers.retain(|(k, _)| k != "i.phq9_9");
    answers.push(("i.phq9_9".into(), "1".into()));
    let r = patient.post("/api/questionnaire", &as_refs(&answers)).await;
    let (_, page) = patient.text(&location(&r)).await;
    assert!(page.contains("Stegvis er ikke en akuttjeneste") && page.contains("113") && page.contains("116 123") && page.contains("22 40 00 40"), "{page}");
    server.stop().await;
    cleanup.run().await;
}

on_both!(a_risk_answer_is_met_with_crisis_numbers);
