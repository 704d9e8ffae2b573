//! Rate-limited log-in, password reset through the outbox, invitations, language.

use stegvis_server::seed::DEMO_PASSWORD;
use stegvis_tests::{location, on_both, token_in, Backend, Browser, TestServer};

/// Five failures lock the account for the window, even with the right password after.
async fn login_is_rate_limited_per_account(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    for _ in 0..5 {
        b.login("ola.berg@stegvis.demo", "not the password").await;
    }
    let r = b.login("ola.berg@stegvis.demo", DEMO_PASSWORD).await;
    assert_eq!(location(&r), "/login", "locked");
    let (_, page) = b.text("/login").await;
    assert!(page.contains("For mange mislykkede forsøk"));
    assert_eq!(b.get("/").await.status(), 302);
    // Another account from the same address is not locked by it.
    b.login_demo("behandler@stegvis.demo").await;
    server.stop().await;
    cleanup.run().await;
}

/// The per-address limit counts the socket's address: a forged X-Forwarded-For changes nothing
/// unless the peer is a configured trusted proxy.
async fn forged_forwarded_for_does_not_dodge_the_limit(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start_with(backend, &["--login-limit-per-ip", "3"]).await else { return };
    let b = server.client();
    for i in 0..3 {
        let (forged, email) = (format!("198.51.100.{i}"), format!("nobody{i}@stegvis.demo"));
        b.post_with("/api/login", &[("email", &email), ("password", "guess guess")], &[("x-forwarded-for", &forged)]).await;
    }
    let genuine = [("email", "behandler@stegvis.demo"), ("password", DEMO_PASSWORD)];
    let r = b.post_with("/api/login", &genuine, &[("x-forwarded-for", "203.0.113.77")]).await;
    assert_eq!(location(&r), "/login", "the address is limited whatever the header says");
    let url = server.config.database_url.clone();
    server.stop().await;

    // Behind a trusted proxy (here: the loopback peer), the header's client is the one limited.
    let proxied = TestServer::on(&url, std::env::temp_dir(), &["--login-limit-per-ip", "3", "--trusted-proxies", "127.0.0.1"]).await;
    let b = proxied.client();
    let r = b.post_with("/api/login", &genuine, &[("x-forwarded-for", "203.0.113.77")]).await;
    assert_eq!(location(&r), "/", "a different client behind the proxy is not limited");
    proxied.stop().await;
    cleanup.run().await;
}

async fn password_reset_through_the_outbox(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    let r = b.post("/api/forgot-password", &[("email", "Jonas.Lie@stegvis.demo")]).await;
    assert_eq!(location(&r), "/forgot-password");
    let (_, page) = b.text("/forgot-password").await;
    assert!(page.contains("Hvis adressen har en konto hos oss"));
    // Unknown addresses get the same answer and no mail.
    b.post("/api/forgot-password", &[("email", "nobody@stegvis.demo")]).await;
    let (_, page) = b.text("/forgot-password").await;
    assert!(page.contains("Hvis adressen har en konto hos oss"));

    let mail = server.mail_to("jonas.lie@stegvis.demo").await;
    assert!(mail.contains("Subject: Lenke for nytt passord"), "a neutral subject, in the person's language");
    assert!(!mail.to_lowercase().contains("psyk"), "nothing reveals a mental-health service");
    let token = token_in(&mail, "/reset-password");
    assert_eq!(token.len(), 64);
    // Once sent, the body (with the link) is no longer kept in the database.
    assert_eq!(server.scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND body <> ''").await, 0);

    let path = format!("/reset-password?token={token}");
    let (status, page) = b.text(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Lag nytt passord"));

    // A mismatch is refused and changes nothing.
    b.post("/api/reset-password", &[("token", &token), ("password", "a new long password"), ("password_repeat", "something else")]).await;
    let (_, page) = b.text(&path).await;
    assert!(page.contains("Passordene er ikke like."));
    b.post("/api/reset-password", &[("token", &token), ("password", "short"), ("password_repeat", "short")]).await;
    let (_, page) = b.text(&path).await;
    assert!(page.contains("Passordet må ha minst 10 tegn."));

    let r = b.post("/api/reset-password", &[("token", &token), ("password", "a new long password"), ("password_repeat", "a new long password")]).await;
    assert_eq!(location(&r), "/", "logged in after the reset");
    b.answer_later().await;
    let (_, home) = b.text("/").await;
    assert!(home.contains("Jonas Lie"));

    // The link works once.
    let (_, page) = Browser::new(&server.base).text(&path).await;
    assert!(page.contains("Lenken er brukt eller har gått ut."));
    let again = Browser::new(&server.base);
    let r = again.post("/api/reset-password", &[("token", &token), ("password", "yet another password"), ("password_repeat", "yet another password")]).await;
    assert!(location(&r).starts_with("/reset-password"));

    let fresh = Browser::new(&server.base);
    assert_eq!(location(&fresh.login("jonas.lie@stegvis.demo", DEMO_PASSWORD).await), "/login", "old password gone");
    assert_eq!(location(&fresh.login("jonas.lie@stegvis.demo", "a new long password").await), "/");
    server.stop().await;
    cleanup.run().await;
}

async fn reset_links_expire(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    b.post("/api/forgot-password", &[("email", "per.olsen@stegvis.demo")]).await;
    let token = token_in(&server.mail_to("per.olsen@stegvis.demo").await, "/reset-password");
    sqlx::query("UPDATE password_resets SET expires_at = $1").bind(stegvis_platform::now() - 1).execute(&server.db.pool).await.unwrap();
    let r = b.post("/api/reset-password", &[("token", &token), ("password", "a new long password"), ("password_repeat", "a new long password")]).await;
    assert!(location(&r).starts_with("/reset-password"));
    let (_, page) = b.text(&format!("/reset-password?token={token}")).await;
    assert!(page.contains("Lenken er brukt eller har gått ut."));
    assert_eq!(location(&b.login("per.olsen@stegvis.demo", DEMO_PASSWORD).await), "/", "password unchanged");
    server.stop().await;
    cleanup.run().await;
}

async fn admins_invite_people_who_set_their_own_password(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let admin = server.client();
    admin.login_demo("admin@stegvis.demo").await;
    let r = admin
        .post("/api/invite", &[("email", "Ny.Pasient@stegvis.demo"), ("display_name", "Nora Ny"), ("role", "patient"), ("locale", "en")])
        .await;
    assert_eq!(location(&r), "/admin");
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains("Invitasjonen er sendt."));
    assert!(page.contains("Nora Ny"));

    let mail = server.mail_to("ny.pasient@stegvis.demo").await;
    assert!(mail.contains("Subject: Invitation to Stegvis"), "in the language chosen for the person");
    let token = token_in(&mail, "/invitation");
    let invited = Browser::new(&server.base);
    let (_, page) = invited.text(&format!("/invitation?token={token}")).await;
    assert!(page.contains("Velg et passord") || page.contains("Choose a password"));
    let r = invited.post("/api/accept-invitation", &[("token", &token), ("password", "my own password"), ("password_repeat", "my own password")]).await;
    assert_eq!(location(&r), "/");
    // Enrolled in the waiting-list programme: its start questionnaires come first.
    assert_eq!(location(&invited.get("/").await), "/questionnaires");
    let (_, due) = invited.text("/questionnaires").await;
    assert!(due.contains("PHQ-9") && due.contains("GAD-7"), "{due}");
    invited.answer_later().await;
    let (_, home) = invited.text("/").await;
    assert!(home.contains("Nora Ny"));
    assert!(home.contains("lang=\"en\""), "the interface uses the person's language");
    assert_eq!(server.scalar("SELECT COUNT(*) FROM patients p JOIN users u ON u.id = p.user_id WHERE u.email = 'ny.pasient@stegvis.demo'").await, 1);
    // Used once.
    let r = Browser::new(&server.base).post("/api/accept-invitation", &[("token", &token), ("password", "x".repeat(12).as_str()), ("password_repeat", "x".repeat(12).as_str())]).await;
    assert!(location(&r).starts_with("/invitation"));

    // An invalid address is refused with the values kept, and nothing is stored.
    let before = server.scalar("SELECT COUNT(*) FROM invitations").await;
    admin.post("/api/invite", &[("email", "not-an-address"), ("display_name", "Test Person"), ("role", "therapist"), ("locale", "nb")]).await;
    let (_, page) = admin.text("/admin").await;
    assert!(page.contains("Skriv en gyldig e-postadresse"));
    assert!(page.contains("value=\"Test Person\""));
    assert_eq!(server.scalar("SELECT COUNT(*) FROM invitations").await, before);
    server.stop().await;
    cleanup.run().await;
}

/// The language choice is stored on the person, and used after the next log-in.
async fn language_is_stored_on_the_person(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    b.login_demo("pasient@stegvis.demo").await;
    let r = b.post("/api/language", &[("locale", "en"), ("back", "/settings")]).await;
    assert_eq!(location(&r), "/settings");
    let (_, page) = b.text("/settings").await;
    assert!(page.contains("lang=\"en\"") && page.contains("Settings"));
    assert_eq!(server.scalar("SELECT COUNT(*) FROM users WHERE email = 'pasient@stegvis.demo' AND locale = 'en'").await, 1);

    let other_browser = Browser::new(&server.base);
    other_browser.login_demo("pasient@stegvis.demo").await;
    other_browser.answer_later().await;
    let (_, home) = other_browser.text("/").await;
    assert!(home.contains("Hello, "), "English after logging in elsewhere");

    // Anyone may switch, but only to a language we have; a bad value changes nothing.
    let anon = Browser::new(&server.base);
    let r = anon.post("/api/language", &[("locale", "xx"), ("back", "//evil.example")]).await;
    assert_eq!(location(&r), "/", "never redirected off-site");
    let (_, page) = anon.text("/login").await;
    assert!(page.contains("lang=\"nb\""));
    server.stop().await;
    cleanup.run().await;
}

on_both!(
    login_is_rate_limited_per_account,
    forged_forwarded_for_does_not_dodge_the_limit,
    password_reset_through_the_outbox,
    reset_links_expire,
    admins_invite_people_who_set_their_own_password,
    language_is_stored_on_the_person,
);
