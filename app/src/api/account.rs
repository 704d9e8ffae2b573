//! The person's own settings: language and the organisation they act in.

use leptos::prelude::*;
use stegvis_platform::{access::ORGANISATION_KEY, accounts, Error};

use super::{redirect_with_notice, respond};
use crate::context::{local_path, services, session, set_locale_cookie, viewer};

/// Switches the interface language; stored on the person (and used for their e-mails) when
/// logged in, in a cookie either way.
#[server(prefix = "/api", endpoint = "language")]
pub async fn set_language(locale: String, back: Option<String>) -> Result<(), ServerFnError> {
    let back = local_path(back.as_deref());
    let outcome = async {
        if !matches!(locale.as_str(), "nb" | "en") {
            return Err(Error::invalid("locale", "invalid_choice"));
        }
        set_locale_cookie(&locale);
        if let Some(viewer) = viewer() {
            accounts::set_locale(&services().db.pool, viewer.user.id, &locale).await?;
        }
        if back == "/settings" {
            return redirect_with_notice(&back, "settings_saved").await;
        }
        Ok(back.clone())
    }
    .await;
    respond(&back, vec![], outcome).await
}

#[server(prefix = "/api", endpoint = "organisation")]
pub async fn switch_organisation(organisation_id: i64) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = viewer().ok_or(Error::Unauthenticated)?;
        // Only an organisation the person belongs to; anything else is 404.
        if !viewer.memberships.iter().any(|m| m.organisation.id == organisation_id) {
            return Err(Error::NotFound);
        }
        session().await?.insert(ORGANISATION_KEY, organisation_id).await?;
        Ok("/".to_string())
    }
    .await;
    respond("/", vec![], outcome).await
}
