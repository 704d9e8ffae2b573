//! The notification e-mails: a translated text, the one-time link, a translated closing.
//! Mails carry no clinical content and a neutral subject; only a link into the service.

use stegvis_platform::mail::Mail;

use crate::i18n::*;

/// The language a mail is written in, from a stored code ("nb", "en"); bokmål otherwise.
pub fn locale_of(code: &str) -> Locale {
    code.parse().unwrap_or_default()
}

fn compose(to: &str, subject: impl std::fmt::Display, intro: impl std::fmt::Display, link: &str, outro: impl std::fmt::Display) -> Mail {
    Mail { to: to.to_string(), subject: subject.to_string(), body: format!("{intro}\n\n{link}\n\n{outro}\n") }
}

pub fn password_reset(to: &str, locale: Locale, public_origin: &str, token: &str) -> Mail {
    let link = format!("{public_origin}/reset-password?token={token}");
    compose(to, td_string!(locale, mail.reset_subject), td_string!(locale, mail.reset_intro), &link, td_string!(locale, mail.reset_outro))
}

pub fn invitation(to: &str, locale: Locale, public_origin: &str, token: &str) -> Mail {
    let link = format!("{public_origin}/invitation?token={token}");
    compose(to, td_string!(locale, mail.invite_subject), td_string!(locale, mail.invite_intro), &link, td_string!(locale, mail.invite_outro))
}
