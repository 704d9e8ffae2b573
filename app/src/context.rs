//! What pages and server functions know about the request: services, the viewer, the session.

use std::sync::Arc;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use stegvis_platform::{
    access::Viewer, tower_sessions::Session, ClientIp, CurrentViewer, Error, FieldError, RequestId, Services,
};

pub fn services() -> Services {
    expect_context::<Services>()
}

/// A value the server's middleware put on this request (borrowed, not cloning the request).
fn from_request<T: Clone + Send + Sync + 'static>() -> Option<T> {
    with_context::<http::request::Parts, _>(|p| p.extensions.get::<T>().cloned()).flatten()
}

/// The logged-in person, loaded once per request by the server's middleware.
pub fn viewer() -> Option<Arc<Viewer>> {
    from_request::<CurrentViewer>().and_then(|c| c.0)
}

pub fn require_viewer() -> Result<Arc<Viewer>, Error> {
    viewer().ok_or(Error::Unauthenticated)
}

/// The language of this request: the server's middleware reads it from the language cookie,
/// else Accept-Language, else bokmål (see `error_page::request_locale`).
pub fn locale() -> crate::i18n::Locale {
    from_request::<crate::i18n::Locale>().unwrap_or_default()
}

pub fn request_id() -> String {
    from_request::<RequestId>().map(|r| r.0).unwrap_or_else(|| "-".into())
}

pub fn client_ip() -> std::net::IpAddr {
    from_request::<ClientIp>().map(|c| c.0).unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

pub async fn session() -> Result<Session, Error> {
    leptos_axum::extract::<Session>().await.map_err(|e| Error::Session(e.to_string()))
}

/// The idle timeout in seconds, for the warning island.
#[derive(Clone, Copy, Debug)]
pub struct IdleTimeout(pub u32);

/// What a form left behind for the page it returns to: errors, the values typed (never
/// passwords), or a notice. Kept in the session for exactly one page view.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Flash {
    pub errors: Vec<FieldError>,
    pub values: Vec<(String, String)>,
    pub notice: Option<String>,
}

const FLASH_KEY: &str = "flash";

impl Flash {
    pub fn notice(code: &str) -> Flash {
        Flash { notice: Some(code.into()), ..Default::default() }
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.code.clone())
    }

    pub fn value(&self, field: &str) -> Option<String> {
        self.values.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone())
    }

    pub async fn take() -> Flash {
        match session().await {
            Ok(s) => s.remove::<Flash>(FLASH_KEY).await.ok().flatten().unwrap_or_default(),
            Err(_) => Flash::default(),
        }
    }

    pub async fn store(self) -> Result<(), Error> {
        session().await?.insert(FLASH_KEY, self).await?;
        Ok(())
    }
}

/// Percent-encodes a value for a query string.
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A cookie that says only "this browser was logged in": when it comes with a request that
/// has no session (the session ran out), the log-in page can say why.
pub const SIGNED_IN_COOKIE: &str = "stegvis_signed_in";

fn request_has_cookie(name: &str) -> bool {
    with_context::<http::request::Parts, _>(|p| {
        crate::error_page::cookie(p.headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()), name).is_some()
    })
    .unwrap_or(false)
}

/// Where to send someone who must log in: back to this page afterwards, and told why when
/// their session ran out.
pub fn login_redirect() -> String {
    let path = with_context::<http::request::Parts, _>(|p| p.uri.path().to_string()).unwrap_or_else(|| "/".into());
    let mut query = Vec::new();
    if request_has_cookie(SIGNED_IN_COOKIE) {
        query.push("expired=1".to_string());
    }
    if path != "/" && !path.starts_with("/api/") {
        query.push(format!("next={}", url_encode(&path)));
    }
    if query.is_empty() { "/login".into() } else { format!("/login?{}", query.join("&")) }
}

/// A path inside this site to return to, or `/` (never another host: no open redirects).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".to_string(),
    }
}

/// Sets a cookie on the response (`max_age` 0 removes it). Our cookies hold no secrets; the
/// session cookie is set by the session layer.
pub fn set_cookie(name: &str, value: &str, max_age: u32) {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        let cookie = format!("{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax; HttpOnly");
        if let Ok(v) = http::HeaderValue::from_str(&cookie) {
            res.append_header(http::header::SET_COOKIE, v);
        }
    }
}

/// Makes the next requests render in `locale` (the middleware reads this cookie).
pub fn set_locale_cookie(locale: &str) {
    set_cookie(crate::error_page::LOCALE_COOKIE, locale, 365 * 24 * 60 * 60);
}
