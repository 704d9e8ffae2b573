//! The patient's request to delete their data, and a team lead's answer to it.

use leptos::prelude::*;
use stegvis_platform::records;

use super::{redirect_with_notice, respond};
use crate::context::{request_id, require_viewer, services};

#[server(prefix = "/api", endpoint = "request-deletion")]
pub async fn request_deletion(#[server(default)] deletion_message: String) -> Result<(), ServerFnError> {
    let back = "/my-data#deletion";
    let outcome = async {
        let viewer = require_viewer()?;
        records::request_deletion(&services().db.pool, &viewer, &deletion_message).await?;
        redirect_with_notice(back, "deletion_requested").await
    }
    .await;
    respond(back, vec![("deletion_message", deletion_message.clone())], outcome).await
}

#[server(prefix = "/api", endpoint = "answer-deletion")]
pub async fn answer_deletion(request: i64, #[server(default)] deletion_answer: String) -> Result<(), ServerFnError> {
    let back = "/intake#deletion-requests";
    let outcome = async {
        let viewer = require_viewer()?;
        records::answer_request(&services().db.pool, &viewer, request, &deletion_answer, &request_id()).await?;
        redirect_with_notice(back, "deletion_answered").await
    }
    .await;
    respond(back, vec![("deletion_answer", deletion_answer.clone())], outcome).await
}
