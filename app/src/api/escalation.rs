//! Escalation and stepped care: the patient's "I need more help", a clinician's decision on a
//! flag, a change of step after an assessment, and the organisation's ladder and thresholds.

use std::collections::BTreeMap;

use leptos::prelude::*;
use stegvis_content::{
    ladder::{Step, StepKind},
    Text,
};
use stegvis_platform::{flags, org::Role, steps, Error};

use super::{guidance::patient_section, redirect_with_notice, respond};
use crate::context::{request_id, require_viewer, services};

pub const HELP_PATH: &str = "/help";

/// The patient asks for more help, with an optional message.
#[server(prefix = "/api", endpoint = "help")]
pub async fn request_help(#[server(default)] message: String, client_key: String) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        let services = services();
        flags::request_help(&services.db.pool, &services.notifier, &viewer, &message, &client_key).await?;
        redirect_with_notice(HELP_PATH, "help_requested").await
    }
    .await;
    respond(HELP_PATH, vec![("message", message.clone())], outcome).await
}

/// A clinician closes a flag with a decision and a note.
#[server(prefix = "/api", endpoint = "flag")]
pub async fn close_flag(patient_id: i64, flag_id: i64, #[server(default)] decision: String, #[server(default)] to_step: String, note: String) -> Result<(), ServerFnError> {
    let back = patient_section(patient_id, &format!("flag-{flag_id}"));
    let outcome = async {
        let viewer = require_viewer()?;
        let services = services();
        let pool = &services.db.pool;
        let access = viewer.patient(pool, patient_id).await?;
        flags::close(pool, &services.content, &access, flag_id, &decision, &to_step, &note, &request_id()).await?;
        redirect_with_notice(&patient_section(patient_id, "flags"), "flag_closed").await
    }
    .await;
    let values = vec![("flag_id", flag_id.to_string()), ("decision", decision.clone()), ("to_step", to_step.clone()), ("note", note.clone())];
    respond(&back, values, outcome).await
}

/// Sets the patient's step after an assessment (the start step, or a review).
#[server(prefix = "/api", endpoint = "step")]
pub async fn change_step(patient_id: i64, #[server(default)] new_step: String, step_note: String) -> Result<(), ServerFnError> {
    let back = patient_section(patient_id, "step");
    let outcome = async {
        let viewer = require_viewer()?;
        let services = services();
        let pool = &services.db.pool;
        let access = viewer.patient(pool, patient_id).await?;
        steps::change(pool, &services.content, &access, &new_step, &step_note, &request_id()).await?;
        redirect_with_notice(&back, "step_changed").await
    }
    .await;
    respond(&back, vec![("new_step", new_step.clone()), ("step_note", step_note.clone())], outcome).await
}

/// The organisation's ladder from the admin form: `step.<n>.key`, `.kind`, `.name_nb`,
/// `.name_en`, `.next_nb`, `.next_en` for each row, in order; a row with every field empty is
/// left out (the form's blank row for a new step), and `step.<n>.remove` removes one.
#[server(prefix = "/api", endpoint = "ladder")]
pub async fn save_ladder(#[server(flatten)] form: BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let back = "/admin#ladder";
    let outcome = async {
        let viewer = require_viewer()?;
        viewer.require(&[Role::OrgAdmin])?;
        let get = |n: usize, field: &str| form.get(&format!("step.{n}.{field}")).map(|v| v.trim().to_string()).unwrap_or_default();
        let mut ladder = Vec::new();
        for n in 0.. {
            if !form.contains_key(&format!("step.{n}.key")) {
                break;
            }
            let fields = ["key", "name_nb", "name_en", "next_nb", "next_en"].map(|f| get(n, f));
            if fields.iter().all(String::is_empty) || form.contains_key(&format!("step.{n}.remove")) {
                continue;
            }
            let [key, name_nb, name_en, next_nb, next_en] = fields;
            let kind = StepKind::parse(&get(n, "kind")).ok_or_else(|| Error::invalid(&format!("step.{n}.kind"), "required"))?;
            ladder.push(Step { key, kind, name: Text { nb: name_nb, en: name_en }, next: Text { nb: next_nb, en: next_en } });
        }
        steps::set_ladder(&services().db.pool, &viewer, &ladder).await?;
        redirect_with_notice(back, "settings_saved").await
    }
    .await;
    let values = form.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    respond(back, values, outcome).await
}

/// The organisation's flag thresholds from the admin form (`flag.<setting>`).
#[server(prefix = "/api", endpoint = "flag-rules")]
pub async fn save_flag_rules(#[server(flatten)] form: BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let back = "/admin#flag-rules";
    let outcome = async {
        let viewer = require_viewer()?;
        let typed: Vec<(String, String)> = form.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        flags::set_thresholds(&services().db.pool, &viewer, &typed).await?;
        redirect_with_notice(back, "settings_saved").await
    }
    .await;
    let values = form.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    respond(back, values, outcome).await
}
