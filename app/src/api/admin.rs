//! Organisation administration: inviting staff and patients, staff roles, mails that could not
//! be sent, and the wording of notification mails.

use leptos::prelude::*;
use stegvis_platform::{
    accounts::{self, NewInvitation},
    mail,
    org::Role,
    Error,
};

use super::{redirect_with_notice, respond};
use crate::{
    context::{require_viewer, services},
    mails,
};

#[server(prefix = "/api", endpoint = "invite")]
pub async fn invite(email: String, display_name: String, role: String, locale: String) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        viewer.require(&[Role::OrgAdmin])?;
        let role = Role::parse(&role).ok_or_else(|| Error::invalid("role", "invalid_choice"))?;
        let services = services();
        let new = NewInvitation {
            organisation_id: viewer.organisation_id()?,
            invited_by: viewer.user.id,
            email: &email,
            display_name: &display_name,
            role,
            locale: &locale,
        };
        let to = accounts::normalise_email(&email);
        let mail_locale = mails::locale_of(&locale);
        accounts::invite(&services.db.pool, new, |token| mails::invitation(&to, mail_locale, &services.public_origin, token)).await?;
        redirect_with_notice("/admin", "invited").await
    }
    .await;
    respond(
        "/admin",
        vec![("email", email.clone()), ("display_name", display_name.clone()), ("role", role.clone()), ("locale", locale.clone())],
        outcome,
    )
    .await
}

/// An administrator's "try now" for a mail the worker could not send.
#[server(prefix = "/api", endpoint = "retry-mail")]
pub async fn retry_mail(id: i64) -> Result<(), ServerFnError> {
    let back = "/admin#mail";
    let outcome = async {
        let viewer = require_viewer()?;
        viewer.require(&[Role::OrgAdmin])?;
        let pool = &services().db.pool;
        // Only a mail to this organisation's people; anything else is 404.
        if !mail::stuck_in(pool, viewer.organisation_id()?).await?.iter().any(|m| m.id == id) {
            return Err(Error::NotFound);
        }
        mail::retry_now(pool, id).await?;
        redirect_with_notice(back, "mail_retried").await
    }
    .await;
    respond(back, vec![], outcome).await
}

/// An administrator sets a staff member's roles (`role~<role>` ticked), or deactivates them
/// (`deactivate`), which ends their sessions at once.
#[server(prefix = "/api", endpoint = "staff-roles")]
pub async fn set_staff_roles(#[server(flatten)] form: std::collections::BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let back = "/admin#staff";
    let outcome = async {
        let viewer = require_viewer()?;
        let user_id: i64 = form.get("user_id").and_then(|v| v.parse().ok()).ok_or(Error::NotFound)?;
        let roles: Vec<Role> = if form.contains_key("deactivate") {
            Vec::new()
        } else {
            form.keys().filter_map(|k| k.strip_prefix("role~")).filter_map(Role::parse).collect()
        };
        if roles.is_empty() && !form.contains_key("deactivate") {
            return Err(Error::invalid("roles", "choose_role"));
        }
        stegvis_platform::staff::set_roles(&services().db.pool, &viewer, user_id, &roles, &crate::context::request_id()).await?;
        redirect_with_notice(back, if roles.is_empty() { "staff_deactivated" } else { "roles_saved" }).await
    }
    .await;
    respond(back, vec![], outcome).await
}

/// An administrator words one notification's text in each language (`notice-<kind>-<locale>`),
/// or takes the built-in text back (`reset`). A text left as the built-in one is not stored, so
/// later improvements to the built-in text reach the organisation.
#[server(prefix = "/api", endpoint = "notification-texts")]
pub async fn set_notification_texts(#[server(flatten)] form: std::collections::BTreeMap<String, String>) -> Result<(), ServerFnError> {
    use stegvis_platform::notify::{self, Notice};
    let back = "/admin#notice-texts";
    let kind = form.get("kind").cloned().unwrap_or_default();
    let notice = Notice::parse(&kind);
    // (field, locale, text as typed), kept for the form if it is refused.
    let texts: Vec<(String, &str, String)> = notice
        .map(|n| {
            notify::LOCALES
                .iter()
                .map(|l| {
                    let field = notify::text_field(n, l);
                    let text = form.get(&field).map(|t| t.replace("\r\n", "\n").trim().to_string()).unwrap_or_default();
                    (field, *l, text)
                })
                .collect()
        })
        .unwrap_or_default();
    let outcome = async {
        let viewer = require_viewer()?;
        let notice = notice.ok_or(Error::NotFound)?;
        let reset = form.contains_key("reset");
        let own: Vec<(&str, Option<&str>)> = texts
            .iter()
            .map(|(_, locale, text)| (*locale, (!reset && *text != mails::default_text(notice, mails::locale_of(locale))).then_some(text.as_str())))
            .collect();
        notify::set_own_texts(&services().db.pool, &viewer, notice, &own, &crate::context::request_id()).await?;
        redirect_with_notice(back, "notice_text_saved").await
    }
    .await;
    let kept = std::iter::once(("kind", kind.clone())).chain(texts.iter().map(|(field, _, text)| (field.as_str(), text.clone()))).collect();
    respond(back, kept, outcome).await
}
