//! Bad input and hostile requests: a clear, translated error and no change in the database.

use stegvis_tests::{location, on_both, Backend, Browser, TestServer};

const INVITE: &[(&str, &str)] = &[("email", "x@stegvis.demo"), ("display_name", "X"), ("role", "patient"), ("locale", "nb")];

async fn invitations(server: &TestServer) -> i64 {
    server.scalar("SELECT COUNT(*) FROM invitations").await
}

async fn admin(server: &TestServer) -> Browser {
    let b = server.client();
    b.login_demo("admin@stegvis.demo").await;
    b
}

async fn forged_origin_is_refused(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = admin(&server).await;
    let before = invitations(&server).await;
    let url = format!("{}/api/invite", b.base);
    let forged = b.http.post(&url).header("origin", "https://evil.example").form(INVITE).send().await.unwrap();
    assert_eq!(forged.status(), 403);
    assert!(forged.text().await.unwrap().contains("Forespørselen ble avvist"));
    let bare = b.http.post(&url).form(INVITE).send().await.unwrap();
    assert_eq!(bare.status(), 403, "no Origin and no Sec-Fetch-Site");
    let cross = b.http.post(&url).header("sec-fetch-site", "cross-site").form(INVITE).send().await.unwrap();
    assert_eq!(cross.status(), 403);
    assert_eq!(invitations(&server).await, before);
    // Browsers that send only Sec-Fetch-Site: same-origin are let through.
    let same = b.http.post(&url).header("sec-fetch-site", "same-origin").form(INVITE).send().await.unwrap();
    assert_eq!(location(&same), "/admin");
    assert_eq!(invitations(&server).await, before + 1);
    server.stop().await;
    cleanup.run().await;
}

async fn malformed_oversized_and_mistyped_bodies(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = admin(&server).await;
    let before = invitations(&server).await;
    let url = format!("{}/api/invite", b.base);
    let post = || b.http.post(&url).header("origin", &b.base);

    // A form missing fields.
    let r = post().form(&[("email", "x@stegvis.demo")]).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Skjemaet kunne ikke leses"));
    // Not a form at all.
    let r = post().header("content-type", "application/x-www-form-urlencoded").body("%%%=&&=%zz").send().await.unwrap();
    assert_eq!(r.status(), 400);
    // JSON where a form belongs.
    let r = post().header("content-type", "application/json").body(r#"{"email":"x@stegvis.demo"}"#).send().await.unwrap();
    assert_eq!(r.status(), 415);
    assert!(r.text().await.unwrap().contains("Ukjent innholdstype"));
    // More than MAX_BODY_BYTES.
    let big = "x".repeat(100 * 1024);
    let r = post().form(&[("email", "x@stegvis.demo"), ("display_name", big.as_str()), ("role", "patient"), ("locale", "nb")]).send().await.unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("For mye innhold"));
    // In English for an English-speaking browser (one without a language cookie).
    let english = Browser::new(&server.base);
    let r = english.http.post(&url).header("origin", &english.base).header("accept-language", "en-GB,en").json(&()).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("Unknown content type"));
    // A value out of its set.
    let r = post().form(&[("email", "x@stegvis.demo"), ("display_name", "X"), ("role", "superuser"), ("locale", "nb")]).send().await.unwrap();
    assert_eq!(location(&r), "/admin");
    let (_, page) = b.text("/admin").await;
    assert!(page.contains("Velg et av alternativene."));

    assert_eq!(invitations(&server).await, before, "nothing was stored");
    server.stop().await;
    cleanup.run().await;
}

async fn pages_carry_security_headers(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    b.login_demo("pasient@stegvis.demo").await;
    let r = b.get("/").await;
    let h = r.headers();
    let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self' 'nonce-") && !csp.contains("unsafe-inline"));
    assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.get("referrer-policy").unwrap(), "same-origin");
    assert_eq!(h.get("cache-control").unwrap(), "no-store");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
    assert!(r.text().await.unwrap().contains(&format!("nonce=\"{nonce}\"")), "the page's script carries the nonce");
    // The title names the page, never the person.
    let kari = server.patient_id("pasient@stegvis.demo").await;
    let staff = server.client();
    staff.login_demo("behandler@stegvis.demo").await;
    let (_, page) = staff.text(&format!("/patients/{kari}")).await;
    let title = page.split("<title>").nth(1).unwrap().split("</title>").next().unwrap();
    assert!(!title.contains("Kari"), "title: {title}");
    server.stop().await;
    cleanup.run().await;
}

async fn error_pages_and_health(backend: Backend) {
    let Some((server, cleanup)) = TestServer::start(backend).await else { return };
    let b = server.client();
    let (status, page) = b.text("/no-such-page").await;
    assert_eq!(status, 404);
    assert!(page.contains("Fant ikke siden"));
    b.post("/api/language", &[("locale", "en"), ("back", "/")]).await;
    let (status, page) = b.text("/no-such-page").await;
    assert_eq!(status, 404);
    assert!(page.contains("Page not found"));
    let (status, body) = b.text("/health").await;
    assert_eq!((status.as_u16(), body.as_str()), (200, "ok"));
    server.stop().await;
    cleanup.run().await;
}

on_both!(forged_origin_is_refused, malformed_oversized_and_mistyped_bodies, pages_carry_security_headers, error_pages_and_health);
