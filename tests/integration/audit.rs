//! Each read or write of a patient's data by staff leaves exactly one audit row; the rows can
//! never be changed.

use stegvis_tests::{on_both, Backend, TestServer};

async fn audit_count(server: &TestServer) -> i64 {
    server.scalar("SELECT COUNT(*) FROM audit_log").await
}

async fn every_staff_read_leaves_exactly_one_row(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let kari = server.patient_id("pasient@stegvis.demo").await;
    let maria = server.client();
    maria.login_demo("behandler@stegvis.demo").await;

    // Opening a record: one row, with who, role, organisation, patient, action and request id.
    let before = audit_count(&server).await;
    let r = maria.get(&format!("/patients/{kari}")).await;
    assert_eq!(r.status(), 200);
    let request_id = r.headers().get("x-request-id").unwrap().to_str().unwrap().to_string();
    assert_eq!(audit_count(&server).await, before + 1);
    let row: (i64, String, i64, Option<i64>, String, String) = sqlx::query_as(
        "SELECT a.actor_user_id, a.actor_role, a.organisation_id, a.patient_id, a.action, a.request_id
           FROM audit_log a ORDER BY a.id DESC LIMIT 1",
    )
    .fetch_one(&server.db.pool)
    .await
    .unwrap();
    let maria_id = server.id_of("SELECT id FROM users WHERE email = $1", "behandler@stegvis.demo").await;
    let bergvik = server.id_of("SELECT id FROM organisations WHERE slug = $1", "bergvik-rph").await;
    assert_eq!(row, (maria_id, "therapist".into(), bergvik, Some(kari), "view_patient".into(), request_id));

    // The caseload on the home page and the patient list: one row each (no patient id).
    for path in ["/", "/patients"] {
        let before = audit_count(&server).await;
        assert_eq!(maria.get(path).await.status(), 200);
        assert_eq!(audit_count(&server).await, before + 1, "{path}");
        let action: String = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetch_one(&server.db.pool).await.unwrap();
        assert_eq!(action, "list_patients");
    }

    // A refused read leaves none; neither does a patient looking at their own pages.
    let ola = server.client();
    ola.login_demo("ola.berg@stegvis.demo").await;
    let before = audit_count(&server).await;
    assert_eq!(ola.get(&format!("/patients/{kari}")).await.status(), 403);
    let patient = server.client();
    patient.login_demo("pasient@stegvis.demo").await;
    patient.answer_later().await;
    assert_eq!(patient.get("/").await.status(), 200);
    let (_, log) = patient.text("/access-log").await;
    assert_eq!(audit_count(&server).await, before);
    // …who can see who opened their record.
    assert!(log.contains("Maria Johansen") && log.contains("Så journalen"));

    // A write (assigning a therapist) carries its row.
    let lead = server.client();
    lead.login_demo("teamleder@stegvis.demo").await;
    let ola_id = server.id_of("SELECT id FROM users WHERE email = $1", "ola.berg@stegvis.demo").await;
    let before = audit_count(&server).await;
    lead.post("/api/assign-therapist", &[("patient_id", &kari.to_string()), ("therapist_id", &ola_id.to_string())]).await;
    assert_eq!(audit_count(&server).await, before + 1);
    let action: String = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetch_one(&server.db.pool).await.unwrap();
    assert_eq!(action, "assign_therapist");
    server.stop().await;
    cleanup.run().await;
}

async fn audit_rows_cannot_be_changed(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let maria = server.client();
    maria.login_demo("behandler@stegvis.demo").await;
    maria.get("/patients").await;
    let rows = audit_count(&server).await;
    assert!(rows > 0);
    assert!(sqlx::query("UPDATE audit_log SET action = 'nothing'").execute(&server.db.pool).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(&server.db.pool).await.is_err());
    assert_eq!(audit_count(&server).await, rows);
    server.stop().await;
    cleanup.run().await;
}

on_both!(every_staff_read_leaves_exactly_one_row, audit_rows_cannot_be_changed);
