//! Organisation administration: inviting staff and patients.

use leptos::prelude::*;
use stegvis_platform::{
    accounts::{self, NewInvitation},
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
