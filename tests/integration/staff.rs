//! Team administration over real HTTP: an administrator changes a staff member's roles and
//! deactivates them, which ends their session at once; a therapist who still guides patients
//! in a programme, and the administrator's own role, are protected; the team lead sees each
//! therapist's reply time; an administrator words the notification mails.

use stegvis_app::mails;
use stegvis_platform::notify::Notice;
use stegvis_tests::{location, on_both, Backend, TestServer};

async fn deactivation_ends_the_session_at_once(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let ola = server.id_of("SELECT id FROM users WHERE email = $1", "ola.berg@stegvis.demo").await;
    let admin_id = server.id_of("SELECT id FROM users WHERE email = $1", "admin@stegvis.demo").await;
    let ola_browser = server.client();
    ola_browser.login_demo("ola.berg@stegvis.demo").await;
    assert_eq!(ola_browser.get("/").await.status(), 200);
    let admin = server.client();
    admin.login_demo("admin@stegvis.demo").await;
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains("Deaktiver Ola Berg") && !page.contains("Deaktiver Siri Haugland"), "no button to deactivate oneself");

    // Ola guides patients in a programme: neither deactivated nor stripped of the therapist role.
    let guided = server.scalar(&format!("SELECT COUNT(*) FROM assignments WHERE therapist_id = {ola}")).await;
    assert!(guided > 0);
    let id = ola.to_string();
    assert_eq!(location(&admin.post("/api/staff-roles", &[("user_id", &id), ("deactivate", "yes")]).await), "/admin#staff");
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains("Flytt dem til en annen behandler først"), "the refusal says why");
    assert_eq!(ola_browser.get("/").await.status(), 200, "still logged in");
    // Roles can be added; the administrator cannot remove their own.
    admin.post("/api/staff-roles", &[("user_id", &id), ("role~therapist", "on"), ("role~team_lead", "on")]).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM staff_roles WHERE user_id = {ola}")).await, 2);
    admin.post("/api/staff-roles", &[("user_id", &admin_id.to_string()), ("role~therapist", "on")]).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM staff_roles WHERE user_id = {admin_id} AND role = 'org_admin'")).await, 1);

    // Once his patients have moved to Maria, he is deactivated and his session ends at once.
    let maria = server.id_of("SELECT id FROM users WHERE email = $1", "behandler@stegvis.demo").await;
    let lead = server.client();
    lead.login_demo("teamleder@stegvis.demo").await;
    let patients: Vec<i64> = sqlx::query_scalar("SELECT patient_id FROM assignments WHERE therapist_id = $1").bind(ola).fetch_all(&server.db.pool).await.unwrap();
    for patient in patients {
        lead.post("/api/assign-therapist", &[("patient_id", &patient.to_string()), ("therapist_id", &maria.to_string()), ("instead", "on")]).await;
    }
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM assignments WHERE therapist_id = {ola}")).await, 0, "the team lead moved them");
    admin.post("/api/staff-roles", &[("user_id", &id), ("deactivate", "yes")]).await;
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM staff_roles WHERE user_id = {ola}")).await, 0);
    assert!(location(&ola_browser.get("/").await).starts_with("/login"), "his session has ended");
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM staff_changes WHERE user_id = {ola} AND roles_after = ''")).await, 1);
    assert_eq!(server.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'deactivate_staff'").await, 1);
    // Another organisation's administrator cannot touch Bergvik's staff (Erik works only there).
    let erik = server.id_of("SELECT id FROM users WHERE email = $1", "teamleder@stegvis.demo").await;
    let other = server.client();
    other.login_demo("hanne.moe@stegvis.demo").await;
    assert_eq!(other.post("/api/staff-roles", &[("user_id", &erik.to_string()), ("deactivate", "yes")]).await.status(), 404);
    assert_eq!(server.scalar(&format!("SELECT COUNT(*) FROM staff_roles WHERE user_id = {erik}")).await, 2);
    // The team lead's overview has each therapist's reply time.
    let (_, home) = lead.text("/").await;
    assert!(home.contains("Svartid (median, 90 dager)"));
    server.stop().await;
    cleanup.run().await;
}

/// An administrator words a notification mail the organisation's own way: a link is refused and
/// nothing changes; a therapist cannot; the own text goes out in the next mail, with the subject,
/// link and closing still Stegvis's; the built-in text can be taken back.
async fn an_administrator_words_the_notification_texts(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let admin = server.client();
    admin.login_demo("admin@stegvis.demo").await;
    let (_, page) = admin.text("/admin").await;
    let nb_default = mails::default_text(Notice::Message, mails::locale_of("nb"));
    let en_default = mails::default_text(Notice::Message, mails::locale_of("en"));
    assert!(page.contains("Varslingstekster") && page.contains("id=\"notice-message-nb\"") && page.contains(&nb_default), "each text, as it is now");
    let stored = || server.scalar("SELECT COUNT(*) FROM notification_texts");

    let r = admin.post("/api/notification-texts", &[("kind", "message"), ("notice-message-nb", "Se www.eksempel.no"), ("notice-message-en", &en_default)]).await;
    assert_eq!(location(&r), "/admin#notice-texts");
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains("Teksten kan ikke inneholde lenker") && page.contains("Se www.eksempel.no"), "refused, with the text kept to correct");
    assert_eq!(stored().await, 0);
    let own = "Hei! Det har kommet en ny melding til deg fra oss i Bergvik kommune.";
    let maria = server.client();
    maria.login_demo("behandler@stegvis.demo").await;
    maria.post("/api/notification-texts", &[("kind", "message"), ("notice-message-nb", own), ("notice-message-en", &en_default)]).await;
    assert_eq!(stored().await, 0, "only an administrator words the texts");

    // Saved: only the language that differs from the built-in text is kept.
    admin.post("/api/notification-texts", &[("kind", "message"), ("notice-message-nb", own), ("notice-message-en", &en_default)]).await;
    assert_eq!(server.scalar("SELECT COUNT(*) FROM notification_texts WHERE kind = 'message' AND locale = 'nb'").await, 1);
    assert_eq!(stored().await, 1);
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains(own) && page.contains("(egen tekst)"));
    let fjordheim = server.client();
    fjordheim.login_demo("hanne.moe@stegvis.demo").await;
    let (_, page) = fjordheim.text("/admin").await;
    assert!(page.contains(&nb_default) && !page.contains(own), "the other organisation keeps its own wording");

    // The next message to Kari says it, under the same neutral subject, with the link.
    let kari = server.patient_id("pasient@stegvis.demo").await;
    maria.post("/api/message", &[("patient_id", &kari.to_string()), ("body", "Hei, Kari."), ("client_key", "staff-key-00000000000077"), ("action", "send")]).await;
    let mail = server.mail_to("pasient@stegvis.demo").await;
    assert!(mail.contains(own) && !mail.contains(&nb_default), "{mail}");
    assert!(mail.contains("Subject: Nytt i Stegvis") && mail.contains(&format!("{}/", server.base)));

    admin.post("/api/notification-texts", &[("kind", "message"), ("reset", "yes")]).await;
    assert_eq!(stored().await, 0, "the built-in text again");
    assert_eq!(server.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'set_notification_text'").await, 2);
    server.stop().await;
    cleanup.run().await;
}

on_both!(deactivation_ends_the_session_at_once, an_administrator_words_the_notification_texts);
