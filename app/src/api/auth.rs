//! Logging in and out, forgotten passwords and invitations.

use leptos::prelude::*;
use stegvis_platform::{
    accounts::{self, Credentials},
    AuthSession, Error,
};

use super::{redirect_with_notice, respond};
use crate::{
    context::{client_ip, local_path, services, set_cookie, set_locale_cookie, url_encode, SIGNED_IN_COOKIE},
    mails,
};

fn required(fields: &[(&str, &str)]) -> Result<(), Error> {
    let errors: Vec<_> = fields
        .iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(f, _)| stegvis_platform::FieldError::new(f, "required"))
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(Error::Invalid(errors)) }
}

async fn auth_session() -> Result<AuthSession, Error> {
    leptos_axum::extract::<AuthSession>().await.map_err(|e| Error::Session(e.to_string()))
}

/// Logs the person in; the session id is replaced (axum-login cycles it) and their language
/// becomes the interface language.
async fn log_in(auth: &mut AuthSession, user: &accounts::User) -> Result<(), Error> {
    auth.login(user).await?;
    set_locale_cookie(&user.locale);
    set_cookie(SIGNED_IN_COOKIE, "1", 24 * 60 * 60);
    Ok(())
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), ServerFnError> {
    let outcome = async {
        required(&[("email", &email), ("password", &password)])?;
        let mut auth = auth_session().await?;
        let creds = Credentials { email: email.clone(), password, client_ip: client_ip() };
        match auth.authenticate(creds).await {
            Ok(Some(user)) => {
                log_in(&mut auth, &user).await?;
                Ok(local_path(next.as_deref()))
            }
            Ok(None) => Err(Error::invalid("form", "bad_credentials")),
            Err(e) => Err(e.into()),
        }
    }
    .await;
    let back = match &next {
        Some(n) => format!("/login?next={}", url_encode(&local_path(Some(n)))),
        None => "/login".into(),
    };
    respond(&back, vec![("email", email)], outcome).await
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), ServerFnError> {
    let outcome = async {
        auth_session().await?.logout().await?;
        set_cookie(SIGNED_IN_COOKIE, "", 0);
        redirect_with_notice("/login", "logged_out").await
    }
    .await;
    respond("/", vec![], outcome).await
}

#[server(prefix = "/api", endpoint = "forgot-password")]
pub async fn forgot_password(email: String) -> Result<(), ServerFnError> {
    let outcome = async {
        required(&[("email", &email)])?;
        if !accounts::valid_email(&accounts::normalise_email(&email)) {
            return Err(Error::invalid("email", "invalid_email"));
        }
        let services = services();
        accounts::begin_password_reset(&services.db.pool, &email, |user, token| {
            mails::password_reset(&user.email, mails::locale_of(&user.locale), &services.public_origin, token)
        })
        .await?;
        // The same answer whether or not the address has an account.
        redirect_with_notice("/forgot-password", "reset_sent").await
    }
    .await;
    respond("/forgot-password", vec![("email", email)], outcome).await
}

#[server(prefix = "/api", endpoint = "reset-password")]
pub async fn reset_password(token: String, password: String, password_repeat: String) -> Result<(), ServerFnError> {
    let outcome = async {
        let user = accounts::complete_password_reset(&services().db.pool, &token, &password, &password_repeat).await?;
        log_in(&mut auth_session().await?, &user).await?;
        redirect_with_notice("/", "reset_done").await
    }
    .await;
    respond(&format!("/reset-password?token={}", url_encode(&token)), vec![], outcome).await
}

#[server(prefix = "/api", endpoint = "accept-invitation")]
pub async fn accept_invitation(
    token: String,
    #[server(default)] password: String,
    #[server(default)] password_repeat: String,
) -> Result<(), ServerFnError> {
    let outcome = async {
        let (user, had_password) =
            accounts::accept_invitation(&services().db.pool, &services().content, &token, &password, &password_repeat).await?;
        if had_password {
            return redirect_with_notice("/login", "invitation_accepted").await;
        }
        log_in(&mut auth_session().await?, &user).await?;
        redirect_with_notice("/", "invitation_accepted").await
    }
    .await;
    respond(&format!("/invitation?token={}", url_encode(&token)), vec![], outcome).await
}
