//! Error pages for answers made outside the Leptos router (by the server's middleware): a body
//! that is too large, a form that cannot be read, a request from another site.

use crate::i18n::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    BadRequest,
    NotFound,
    Forbidden,
    CrossSite,
    TooLarge,
    UnsupportedType,
    Server,
}

/// The cookie that holds the interface language chosen in this browser.
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// The value of the cookie `name` in a request's Cookie header(s); empty values count as absent.
pub fn cookie<'a>(headers: impl IntoIterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    headers
        .into_iter()
        .flat_map(|h| h.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v)
}

/// The language of a request from its locale cookie, else its Accept-Language, else bokmål.
pub fn request_locale(cookie_header: Option<&str>, accept_language: Option<&str>) -> Locale {
    let from_cookie = cookie(cookie_header, LOCALE_COOKIE).and_then(|v| v.parse::<Locale>().ok());
    let from_header = || {
        accept_language?.split(',').find_map(|part| {
            let tag = part.split(';').next()?.trim().to_ascii_lowercase();
            match tag.split('-').next()? {
                "nb" | "no" | "nn" => Some(Locale::nb),
                "en" => Some(Locale::en),
                _ => None,
            }
        })
    };
    from_cookie.or_else(from_header).unwrap_or_default()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A complete, styled HTML page for the refusal, in the request's language.
pub fn render(refusal: Refusal, locale: Locale) -> String {
    let (title, text) = match refusal {
        Refusal::BadRequest => (td_string!(locale, error_page.bad_request_title), td_string!(locale, error_page.bad_request)),
        Refusal::NotFound => (td_string!(locale, error_page.not_found_title), td_string!(locale, error_page.not_found)),
        Refusal::Forbidden => (td_string!(locale, error_page.forbidden_title), td_string!(locale, error_page.forbidden)),
        Refusal::CrossSite => (td_string!(locale, error_page.cross_site_title), td_string!(locale, error_page.cross_site)),
        Refusal::TooLarge => (td_string!(locale, error_page.too_large_title), td_string!(locale, error_page.too_large)),
        Refusal::UnsupportedType => (td_string!(locale, error_page.unsupported_title), td_string!(locale, error_page.unsupported)),
        Refusal::Server => (td_string!(locale, error_page.server_title), td_string!(locale, error_page.server)),
    };
    let (title, text) = (escape(&title.to_string()), escape(&text.to_string()));
    let home = escape(&td_string!(locale, error_page.home_link).to_string());
    let lang = match locale {
        Locale::nb => "nb",
        Locale::en => "en",
    };
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} – Stegvis</title><link rel=\"stylesheet\" href=\"/pkg/stegvis.css\"></head>\
         <body><header class=\"site-header\"><div class=\"bar\"><a href=\"/\" class=\"brand\">Stegvis</a></div></header>\
         <main id=\"main\"><h1>{title}</h1><p>{text}</p><p><a href=\"/\">{home}</a></p></main></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        assert_eq!(cookie(["a=1; b=2", "c=3"], "c"), Some("3"));
        assert_eq!(cookie(["ab=1; b=2"], "b"), Some("2"));
        assert_eq!(cookie(["b=; a=1"], "b"), None);
        assert_eq!(cookie(["a=1"], "b"), None);
    }

    #[test]
    fn locale_from_cookie_then_header() {
        assert_eq!(request_locale(Some("a=b; i18n_pref_locale=en"), Some("nb")), Locale::en);
        assert_eq!(request_locale(None, Some("en-GB,en;q=0.9")), Locale::en);
        assert_eq!(request_locale(None, Some("no;q=0.9,en")), Locale::nb);
        assert_eq!(request_locale(None, Some("de")), Locale::nb);
        assert_eq!(request_locale(None, None), Locale::nb);
    }

    #[test]
    fn page_is_translated_and_escaped() {
        let nb = render(Refusal::TooLarge, Locale::nb);
        assert!(nb.contains("lang=\"nb\"") && nb.contains("For mye innhold"));
        let en = render(Refusal::CrossSite, Locale::en);
        assert!(en.contains("The request was refused") && en.contains("Stegvis&#39;") || en.contains("Stegvis' own"));
    }
}
