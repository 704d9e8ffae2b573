//! Request middleware: request ids, the client's address, the same-origin rule for changes,
//! the server-function guard, security headers, and translated error pages.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use rand::RngCore;
use stegvis_app::error_page::{render, request_locale, Refusal};
use stegvis_platform::{ClientIp, RequestId};

/// What the middleware needs to know, fixed at start-up.
#[derive(Clone, Debug)]
pub struct Policy {
    pub origin: String,
    pub trusted_proxies: Arc<Vec<IpAddr>>,
}

/// The per-request nonce that lets the page's own inline hydration script run under the CSP.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

pub fn refusal_page(refusal: Refusal, status: StatusCode, headers: &HeaderMap) -> Response {
    let cookie = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let html = render(refusal, request_locale(cookie, accept));
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], html).into_response()
}

/// The client's address. X-Forwarded-For is read only when the peer is a trusted proxy, and
/// then from the right, skipping trusted proxies, so a client cannot choose its own address.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    forwarded_for
        .into_iter()
        .flat_map(|v| v.rsplit(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

pub async fn identify(State(policy): State<Policy>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
    let ip = client_ip(peer, forwarded, &policy.trusted_proxies);
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| "-".into());
    let locale = {
        let header = |name| req.headers().get(name).and_then(|v: &HeaderValue| v.to_str().ok());
        request_locale(header(header::COOKIE), header(header::ACCEPT_LANGUAGE))
    };
    req.extensions_mut().insert(locale);
    req.extensions_mut().insert(ClientIp(ip));
    req.extensions_mut().insert(RequestId(id));
    next.run(req).await
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Leptos server functions have no CSRF protection of their own: every state-changing request
/// must come from our own pages (Origin, or else Sec-Fetch-Site, must say so).
pub fn same_origin(method: &Method, headers: &HeaderMap, origin: &str) -> bool {
    if is_safe(method) {
        return true;
    }
    if let Some(o) = headers.get(header::ORIGIN) {
        return o.to_str().is_ok_and(|o| o == origin);
    }
    matches!(headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()), Some("same-origin" | "none"))
}

pub async fn require_same_origin(State(policy): State<Policy>, req: Request, next: Next) -> Response {
    if same_origin(req.method(), req.headers(), &policy.origin) {
        next.run(req).await
    } else {
        tracing::warn!(method = %req.method(), path = req.uri().path(), "refused a cross-site request");
        refusal_page(Refusal::CrossSite, StatusCode::FORBIDDEN, req.headers())
    }
}

/// Server functions take URL-encoded forms (the pages' own forms) and nothing else.
///
/// Leptos treats a request that accepts HTML as a plain form post and then redirects every
/// answer, errors included, back to the Referer with the error in the URL. Stegvis' server
/// functions instead answer each form themselves (a redirect, with errors kept in the session),
/// so they are always called as an API here, and their redirect is turned into a 303 below.
pub async fn guard_server_functions(mut req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    if !is_safe(req.method()) {
        let form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")));
        if !form {
            return refusal_page(Refusal::UnsupportedType, StatusCode::UNSUPPORTED_MEDIA_TYPE, req.headers());
        }
    }
    req.headers_mut().insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    req.headers_mut().remove(header::REFERER);
    let mut response = next.run(req).await;
    if response.headers_mut().remove(SERVER_FN_REDIRECT).is_some() && response.headers().contains_key(header::LOCATION) {
        *response.status_mut() = StatusCode::SEE_OTHER;
    }
    response
}

/// The header Leptos sets (instead of a redirect status) when a server function redirects.
const SERVER_FN_REDIRECT: &str = "serverfnredirect";

/// Error answers that are not already a page (a refused body size, an unreadable form, an
/// unknown server function) become a translated page with the same status.
pub async fn error_pages(req: Request, next: Next) -> Response {
    let headers = req.headers().clone();
    let response = next.run(req).await;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return response;
    }
    let refusal = match status {
        StatusCode::PAYLOAD_TOO_LARGE => Refusal::TooLarge,
        StatusCode::NOT_FOUND => Refusal::NotFound,
        StatusCode::FORBIDDEN => Refusal::Forbidden,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Refusal::UnsupportedType,
        s if s.is_server_error() => Refusal::Server,
        _ => Refusal::BadRequest,
    };
    // Server functions report unreadable arguments as 500; that is the client's bad input.
    let (refusal, status) = if refusal == Refusal::Server && response.headers().contains_key("serverfnerror") {
        (Refusal::BadRequest, StatusCode::BAD_REQUEST)
    } else {
        (refusal, status)
    };
    refusal_page(refusal, status, &headers)
}

pub async fn security_headers(mut req: Request, next: Next) -> Response {
    let mut bytes = [0u8; 18];
    rand::rng().fill_bytes(&mut bytes);
    let nonce: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let set = |h: &mut HeaderMap, name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(h, "content-security-policy", &csp);
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "DENY");
    set(h, "referrer-policy", "same-origin");
    set(h, "permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    set(h, "cross-origin-opener-policy", "same-origin");
    let html = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("text/html"));
    if html || !h.contains_key(header::CACHE_CONTROL) {
        // Pages may show a person's data: never kept by the browser or a proxy.
        set(h, "cache-control", "no-store");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_ignored_without_a_trusted_proxy() {
        assert_eq!(client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &[]), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("203.0.113.9"), Some("1.2.3.4"), &[ip("10.0.0.1")]), ip("203.0.113.9"));
    }

    #[test]
    fn forwarded_for_is_read_from_the_right_behind_a_trusted_proxy() {
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // The client forged "1.2.3.4"; the proxy appended the real address.
        assert_eq!(client_ip(ip("10.0.0.1"), Some("1.2.3.4, 198.51.100.7"), &proxies), ip("198.51.100.7"));
        assert_eq!(client_ip(ip("10.0.0.1"), Some("198.51.100.7, 10.0.0.2"), &proxies), ip("198.51.100.7"));
        assert_eq!(client_ip(ip("10.0.0.1"), None, &proxies), ip("10.0.0.1"));
        assert_eq!(client_ip(ip("10.0.0.1"), Some("garbage"), &proxies), ip("10.0.0.1"));
    }

    #[test]
    fn changes_need_our_origin() {
        let origin = "https://stegvis.example.no";
        let mut h = HeaderMap::new();
        assert!(same_origin(&Method::GET, &h, origin));
        assert!(!same_origin(&Method::POST, &h, origin));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&Method::POST, &h, origin));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://stegvis.example.no"));
        assert!(same_origin(&Method::POST, &h, origin));
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&Method::POST, &h, origin));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(same_origin(&Method::POST, &h, origin));
    }
}
