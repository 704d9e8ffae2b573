//! The notification e-mails: a translated text, the one-time link, a translated closing.
//! Mails carry no clinical content and a neutral subject; only a link into the service.

use stegvis_platform::{mail::Mail, notify::Notice};

use crate::i18n::*;

/// The language a mail is written in, from a stored code ("nb", "en"); bokmål otherwise.
pub fn locale_of(code: &str) -> Locale {
    code.parse().unwrap_or_default()
}

fn body(intro: impl std::fmt::Display, link: &str, outro: impl std::fmt::Display) -> String {
    format!("{intro}\n\n{link}\n\n{outro}\n")
}

fn compose(to: &str, subject: impl std::fmt::Display, intro: impl std::fmt::Display, link: &str, outro: impl std::fmt::Display) -> Mail {
    Mail { to: to.to_string(), subject: subject.to_string(), body: body(intro, link, outro) }
}

pub fn password_reset(to: &str, locale: Locale, public_origin: &str, token: &str) -> Mail {
    let link = format!("{public_origin}/reset-password?token={token}");
    compose(to, td_string!(locale, mail.reset_subject), td_string!(locale, mail.reset_intro), &link, td_string!(locale, mail.reset_outro))
}

pub fn invitation(to: &str, locale: Locale, public_origin: &str, token: &str) -> Mail {
    let link = format!("{public_origin}/invitation?token={token}");
    compose(to, td_string!(locale, mail.invite_subject), td_string!(locale, mail.invite_intro), &link, td_string!(locale, mail.invite_outro))
}

/// The built-in text of a notification, which an organisation may word its own way.
pub fn default_text(notice: Notice, locale: Locale) -> String {
    match notice {
        Notice::Feedback => td_string!(locale, mail.notice_feedback),
        Notice::Message => td_string!(locale, mail.notice_message),
        Notice::ModuleOpened => td_string!(locale, mail.notice_module),
        Notice::QuestionnaireDue => td_string!(locale, mail.notice_questionnaire),
        Notice::Reminder => td_string!(locale, mail.notice_reminder),
        Notice::NewHomework | Notice::NewMessage | Notice::HelpRequest => td_string!(locale, mail.notice_staff),
        // Says that it should be seen soon, and nothing about what or whom.
        Notice::UrgentFlag | Notice::UnacknowledgedFlag => td_string!(locale, mail.notice_staff_soon),
    }
    .to_string()
}

/// A notification: only that there is something new, and a link to log in. No names, no
/// programme, no text from the record (`Notifier` sends it; see `stegvis_platform::notify`).
/// The subject, link and closing are always Stegvis's own; the text may be the organisation's.
pub fn notification(notice: Notice, locale: &str, public_origin: &str, own_text: Option<&str>) -> (String, String) {
    let locale = locale_of(locale);
    let text = own_text.map(str::to_string).unwrap_or_else(|| default_text(notice, locale));
    let link = format!("{public_origin}/");
    (td_string!(locale, mail.notice_subject).to_string(), body(text, &link, td_string!(locale, mail.notice_outro)))
}
