//! The patient's rights over real HTTP: everything about them as JSON and on a readable page,
//! a request to delete that becomes a team lead's task and is answered (nothing journal-type is
//! deleted), and the retention schedule for drafts and the log of notifications.

use serde_json::Value;
use stegvis_platform::records;
use stegvis_tests::{location, on_both, Backend, TestServer};

const KARI: &str = "pasient@stegvis.demo";

async fn everything_downloads_and_deletion_is_a_task(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let kari = server.client();
    kari.login_demo(KARI).await;
    kari.answer_later().await;
    let patient = server.patient_id(KARI).await;
    let response = kari.get("/downloads/my-record.json").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let all: Value = response.json().await.unwrap();
    assert_eq!(all["name"], "Kari Nordmann");
    let count = |key: &str| all[key].as_array().map(|a| a.len()).unwrap_or(0) as i64;
    assert_eq!(count("questionnaires"), server.scalar(&format!("SELECT COUNT(*) FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id JOIN enrolments e ON e.id = q.enrolment_id WHERE e.patient_id = {patient}")).await);
    assert_eq!(count("homework"), server.scalar(&format!("SELECT COUNT(*) FROM submissions s JOIN enrolments e ON e.id = s.enrolment_id WHERE e.patient_id = {patient}")).await);
    assert_eq!(count("messages"), server.scalar(&format!("SELECT COUNT(*) FROM messages WHERE patient_id = {patient}")).await);
    assert_eq!(count("referrals"), 1);
    assert!(count("accesses") > 0 && count("enrolments") > 0 && count("flags") > 0);
    let (status, page) = kari.text("/my-data").await;
    assert_eq!(status, 200);
    assert!(page.contains("Mine data") && page.contains("Mestring av panikk"));

    // Asking twice is one request; it is a task for the team lead, not a deletion.
    let before = server.scalar(&format!("SELECT COUNT(*) FROM messages WHERE patient_id = {patient}")).await;
    for _ in 0..2 {
        let r = kari.post("/api/request-deletion", &[("deletion_message", "Slett meldingene mine.")]).await;
        assert_eq!(location(&r), "/my-data#deletion");
    }
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM deletion_requests WHERE patient_id = {patient}")).await, 1);
    let lead = server.client();
    lead.login_demo("teamleder@stegvis.demo").await;
    let (_, intake) = lead.text("/intake").await;
    assert!(intake.contains("Forespørsler om sletting") && intake.contains("Slett meldingene mine."));
    let request = server.scalar(&format!("SELECT id FROM deletion_requests WHERE patient_id = {patient}")).await.to_string();
    let r = lead.post("/api/answer-deletion", &[("request", &request), ("deletion_answer", "")]).await;
    assert_eq!(location(&r), "/intake#deletion-requests");
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM deletion_requests WHERE patient_id = {patient} AND handled_at IS NULL")).await, 1, "an empty answer is refused");
    lead.post("/api/answer-deletion", &[("request", &request), ("deletion_answer", "Meldingene er en del av journalen og må bevares.")]).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM deletion_requests WHERE patient_id = {patient} AND handled_at IS NOT NULL")).await, 1);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM messages WHERE patient_id = {patient}")).await, before, "nothing journal-type is deleted");
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE patient_id = {patient} AND action = 'answer_deletion_request'")).await, 1);
    let (_, page) = kari.text("/my-data").await;
    assert!(page.contains("Meldingene er en del av journalen og må bevares."));
    // Staff have no "my data"; another patient's request is not theirs to answer.
    assert_eq!(lead.get("/downloads/my-record.json").await.status(), 404);
    server.stop().await;
    cleanup.run().await;
}

async fn retention_removes_old_drafts_and_mail_log_only(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let pool = &server.db.pool;
    let now = stegvis_platform::now();
    const DAY: i64 = 24 * 3600;
    let kari = server.patient_id(KARI).await;
    let kari_user = server.id_of("SELECT id FROM users WHERE email = $1", KARI).await;
    // An ended programme with a draft left in it, long ago; Kari's own draft stays.
    let long_ago = stegvis_platform::dates::format(stegvis_platform::dates::add_days(stegvis_platform::dates::today(), -60));
    let old = server
        .scalar(&format!("SELECT MIN(e.id) FROM enrolments e JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = p.user_id WHERE u.email LIKE 'tidligere.%' AND e.ended_at IS NULL AND e.end_date < '{long_ago}'"))
        .await;
    sqlx::query("INSERT INTO drafts (enrolment_id, position, answers, revision, updated_at) VALUES ($1, 1, '[]', 1, $2)").bind(old).bind(now - 400 * DAY).execute(pool).await.unwrap();
    let kari_drafts = server.scalar(&format!("SELECT COUNT(*) FROM drafts d JOIN enrolments e ON e.id = d.enrolment_id WHERE e.patient_id = {kari}")).await;
    assert!(kari_drafts > 0, "the demo has Kari's half-written homework");
    sqlx::query("INSERT INTO message_drafts (patient_id, user_id, body, updated_at) VALUES ($1, $2, 'gammelt utkast', $3)")
        .bind(kari)
        .bind(kari_user)
        .bind(now - 100 * DAY)
        .execute(pool)
        .await
        .unwrap();
    for (age, sent) in [(100, true), (10, true), (100, false)] {
        sqlx::query("INSERT INTO outbox (created_at, to_address, subject, body, next_attempt_at, sent_at) VALUES ($1, 'x@example.no', 'Nytt i Stegvis', '', $1, $2)")
            .bind(now - age * DAY)
            .bind(sent.then_some(now - age * DAY))
            .execute(pool)
            .await
            .unwrap();
    }
    let responses = server.scalar("SELECT COUNT(*) FROM responses").await;
    let removed = records::apply_retention(pool, now).await.unwrap();
    assert_eq!(removed.drafts, 1);
    assert_eq!(removed.message_drafts, 1);
    assert_eq!(removed.sent_mail, 1, "only sent mail older than {} days", records::SENT_MAIL_DAYS);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM drafts d JOIN enrolments e ON e.id = d.enrolment_id WHERE e.patient_id = {kari}")).await, kari_drafts);
    assert_eq!(server.scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND to_address = 'x@example.no'").await, 1, "unsent mail is never removed");
    assert_eq!(server.scalar("SELECT COUNT(*) FROM responses").await, responses);
    // Run again: nothing more.
    assert_eq!(records::apply_retention(pool, now).await.unwrap(), records::Removed::default());
    server.stop().await;
    cleanup.run().await;
}

on_both!(everything_downloads_and_deletion_is_a_task, retention_removes_old_drafts_and_mail_log_only);
