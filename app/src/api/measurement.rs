//! Questionnaires: the patient's answers and postponements, and the organisation's instrument
//! packs and questionnaire schedules.

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use stegvis_content::{instruments::Instrument, schedule::When};
use stegvis_platform::{
    measurement::{self, Submitted},
    org::Role,
    Error, FieldError,
};

use super::{redirect_with_notice, respond};
use crate::context::{require_viewer, services, session, url_encode, viewer};

pub fn questionnaire_path(id: i64) -> String {
    format!("/questionnaires/{id}")
}

/// Answers typed when the session had run out, kept until the patient has logged in again and
/// is back on the questionnaire.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingAnswers {
    pub questionnaire: i64,
    pub values: Vec<(String, String)>,
}

pub const PENDING_ANSWERS_KEY: &str = "pending_answers";

/// A questionnaire form: `questionnaire`, optionally `corrects` (the response being
/// corrected), and one `i.<item>` per item.
#[server(prefix = "/api", endpoint = "questionnaire")]
pub async fn answer_questionnaire(#[server(flatten)] form: BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let id: i64 = form.get("questionnaire").and_then(|v| v.parse().ok()).unwrap_or_default();
    let corrects: Option<i64> = form.get("corrects").and_then(|v| v.parse().ok());
    let back = match corrects {
        Some(r) => format!("{}?correct={r}", questionnaire_path(id)),
        None => questionnaire_path(id),
    };
    let values: Vec<(String, String)> = form.iter().filter(|(k, _)| k.starts_with("i.")).map(|(k, v)| (k.clone(), v.clone())).collect();
    if viewer().is_none() {
        if let Ok(s) = session().await {
            let _ = s.insert(PENDING_ANSWERS_KEY, PendingAnswers { questionnaire: id, values }).await;
        }
        leptos_axum::redirect(&format!("/login?expired=1&next={}", url_encode(&back)));
        return Ok(());
    }
    let outcome = async {
        let viewer = require_viewer()?;
        let services = services();
        let pool = &services.db.pool;
        let questionnaire = measurement::own(pool, &viewer, id).await?;
        let instrument = questionnaire.instrument()?;
        let answers = instrument.read_form(|key| form.get(key).map(String::as_str)).map_err(|unanswered| {
            Error::Invalid(unanswered.into_iter().map(|item| FieldError::new(item, &format!("choose_answer:{}", instrument.question_number(item).unwrap_or_default()))).collect())
        })?;
        let old = match corrects {
            Some(r) => Some(measurement::own_response(pool, &viewer, r).await?).filter(|r| r.questionnaire_id == questionnaire.id),
            None => None,
        };
        if corrects.is_some() && old.is_none() {
            return Err(Error::NotFound);
        }
        let submitted = measurement::submit(pool, &services.notifier, &questionnaire, &answers, old.as_ref()).await?;
        // A risk answer is met at once with where to get help now (the flag is already raised).
        if submitted.is_risk() {
            return redirect_with_notice(super::escalation::HELP_PATH, "questionnaire_saved_risk").await;
        }
        let notice = match submitted {
            Submitted::New(..) => "questionnaire_saved",
            Submitted::Already(_) => "questionnaire_already_saved",
        };
        // Straight on to the next one, if more are due.
        let next = measurement::due_for_viewer(pool, &services.content, &viewer).await?;
        let to = match next.first() {
            Some(q) => questionnaire_path(q.id),
            None => "/".to_string(),
        };
        redirect_with_notice(&to, notice).await
    }
    .await;
    respond(&back, values.iter().map(|(k, v)| (k.as_str(), v.clone())).collect(), outcome).await
}

/// "Answer later": puts off every questionnaire due now that has not been put off before.
#[server(prefix = "/api", endpoint = "postpone")]
pub async fn postpone_questionnaires() -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        let services = services();
        let pool = &services.db.pool;
        viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
        let due = measurement::due_for_viewer(pool, &services.content, &viewer).await?;
        let postponable: Vec<_> = due.iter().filter(|q| q.can_postpone()).collect();
        if postponable.is_empty() {
            return Err(Error::invalid("form", "already_postponed"));
        }
        for q in postponable {
            measurement::postpone(pool, q).await?;
        }
        redirect_with_notice("/", "questionnaires_postponed").await
    }
    .await;
    respond("/questionnaires", vec![], outcome).await
}

/// An organisation's licensed text for an instrument, pasted from its pack file.
#[server(prefix = "/api", endpoint = "instrument-pack")]
pub async fn upload_pack(source: String) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        viewer.require(&[Role::OrgAdmin])?;
        let instrument = measurement::upload_pack(&services().db.pool, &viewer, &source).await?;
        redirect_with_notice(&format!("/admin#instrument-{}", instrument.id), "pack_loaded").await
    }
    .await;
    respond("/admin#instruments", vec![("pack", source.clone())], outcome).await
}

/// The organisation's questionnaire schedule for one programme: a ticked
/// `when~<instrument>~<occasion>` box gives that instrument on that occasion.
#[server(prefix = "/api", endpoint = "measures")]
pub async fn set_measures(#[server(flatten)] form: BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        viewer.require(&[Role::OrgAdmin])?;
        let services = services();
        let programme_id = form.get("programme").cloned().unwrap_or_default();
        let (_, programme) = services.content.current(&programme_id).ok_or_else(|| Error::invalid("programme", "unknown_programme"))?;
        let organisation_id = viewer.organisation_id()?;
        for measure in &programme.measures {
            let when: Vec<When> = When::ALL.into_iter().filter(|w| form.contains_key(&schedule_key(&measure.instrument, *w))).collect();
            measurement::set_measure(&services.db.pool, organisation_id, programme, &measure.instrument, &when).await?;
        }
        redirect_with_notice("/admin#schedules", "settings_saved").await
    }
    .await;
    respond("/admin#schedules", vec![], outcome).await
}

pub fn schedule_key(instrument: &str, when: When) -> String {
    format!("when~{instrument}~{}", when.key())
}

/// Where the FHIR Questionnaire of an instrument is downloaded.
pub fn fhir_questionnaire_path(instrument: &Instrument, locale: &str) -> String {
    format!("/downloads/questionnaires/{}.json?lang={locale}", instrument.id)
}

pub const MY_ANSWERS_PATH: &str = "/downloads/my-answers.json";
