//! Server functions: the endpoints the pages' forms post to (`/api/…`). Each answers like a
//! plain HTML form — a redirect, with errors and typed values kept in the session — so they
//! work with JavaScript off, and each authorises inside itself.

pub mod account;
pub mod admin;
pub mod auth;
pub mod escalation;
pub mod guidance;
pub mod intake;
pub mod measurement;
pub mod patients;
pub mod programmes;
pub mod records;

use leptos::prelude::*;
use stegvis_platform::Error;

use crate::context::Flash;

/// Turns a form's outcome into the answer: on success a redirect to the path returned; invalid
/// input goes back to `back` with the errors and the values typed; 404/403 become error pages.
pub async fn respond(back: &str, values: Vec<(&str, String)>, outcome: Result<String, Error>) -> Result<(), ServerFnError> {
    let keep = |errors| Flash { errors, values: values.iter().map(|(f, v)| (f.to_string(), v.clone())).collect(), notice: None };
    let flash = match outcome {
        Ok(to) => {
            leptos_axum::redirect(&to);
            return Ok(());
        }
        Err(Error::Invalid(errors)) => keep(errors),
        Err(Error::RateLimited) => keep(vec![stegvis_platform::FieldError::new("form", "rate_limited")]),
        Err(Error::Unauthenticated) => {
            leptos_axum::redirect(&crate::context::login_redirect());
            return Ok(());
        }
        Err(error @ (Error::NotFound | Error::Forbidden)) => {
            let status = if matches!(error, Error::NotFound) { http::StatusCode::NOT_FOUND } else { http::StatusCode::FORBIDDEN };
            expect_context::<leptos_axum::ResponseOptions>().set_status(status);
            return Err(ServerFnError::new(error.to_string()));
        }
        Err(other) => {
            tracing::error!(error = %other, "form failed");
            keep(vec![stegvis_platform::FieldError::new("form", "unexpected")])
        }
    };
    if let Err(error) = flash.store().await {
        tracing::error!(%error, "could not keep form state");
    }
    leptos_axum::redirect(back);
    Ok(())
}

/// Stores a notice for the next page and redirects there.
pub async fn redirect_with_notice(to: &str, notice: &str) -> Result<String, Error> {
    Flash::notice(notice).store().await?;
    Ok(to.to_string())
}

/// The answer to an autosave request: the time it saved (HH:MM), or 409 when it may not be
/// saved (logged out, not theirs, invalid), so the page says it was not saved.
pub fn saved_at(saved: Result<i64, Error>) -> Result<String, ServerFnError> {
    match saved {
        Ok(at) => Ok(crate::components::clock(at)),
        Err(error) => {
            if matches!(error, Error::Unauthenticated | Error::NotFound | Error::Forbidden | Error::Invalid(_)) {
                expect_context::<leptos_axum::ResponseOptions>().set_status(http::StatusCode::CONFLICT);
            } else {
                tracing::error!(%error, "autosave failed");
            }
            Err(ServerFnError::new("not saved"))
        }
    }
}
