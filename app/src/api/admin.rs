//! Organisation administration: inviting staff and patients.

use leptos::prelude::*;
use stegvis_platform::{
    accounts::{self, NewInvitation},
    mail::Mail,
    org::Role,
    Error,
};

use super::{redirect_with_notice, respond};
use crate::{
    context::{require_viewer, services},
    i18n::*,
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
        let mail_locale: Locale = locale.parse().unwrap_or_default();
        let to = accounts::normalise_email(&email);
        accounts::invite(&services.db.pool, new, |token| Mail {
            to,
            subject: td_string!(mail_locale, mail.invite_subject).to_string(),
            body: crate::mail_body(
                td_string!(mail_locale, mail.invite_intro),
                &format!("{}/invitation?token={token}", services.public_origin),
                td_string!(mail_locale, mail.invite_outro),
            ),
        })
        .await?;
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
