//! Organisation administration: inviting staff and patients.

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
