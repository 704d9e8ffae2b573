//! Intake: the public self-referral form, referrals entered by staff, and the team's decisions
//! on them (waiting list, assessment booked, assessment outcome, closed); the organisation's
//! intake settings.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_i18n::Locale as _;
use stegvis_platform::{
    intake::{self, Assessment, Referrer},
    mail::Mail,
};

use super::{redirect_with_notice, respond};
use crate::{
    context::{client_ip, locale, request_id, require_viewer, services},
    mails,
};

pub fn referral_path(id: i64) -> String {
    format!("/intake/{id}")
}

fn values(form: &BTreeMap<String, String>) -> Vec<(&str, String)> {
    form.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()
}

/// The invitation that lets a referred person into Stegvis, in their language.
fn invitation(origin: String) -> impl Fn(&str, &str, &str) -> Mail + Sync {
    move |to, locale, token| mails::invitation(to, mails::locale_of(locale), &origin, token)
}

/// The public self-referral form (no log-in). A risk answer leads to the crisis numbers on the
/// receipt page; the address says nothing about it.
#[server(prefix = "/api", endpoint = "refer")]
pub async fn self_refer(#[server(flatten)] form: BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let slug = form.get("organisation").cloned().unwrap_or_default();
    let back = format!("/refer/{slug}");
    let outcome = async {
        let services = services();
        let pool = &services.db.pool;
        let organisation = intake::open_form(pool, &slug).await?;
        let mut form = form.clone();
        form.insert("locale".into(), locale().as_str().into());
        let referred = intake::refer(pool, &services.notifier, organisation.id, &form, Referrer::Public(client_ip()), &request_id()).await?;
        let notice = if referred.risk { "referral_received_risk" } else { "referral_received" };
        redirect_with_notice(&format!("/refer/{slug}/received"), notice).await
    }
    .await;
    respond(&back, values(&form), outcome).await
}

/// A referral entered by the team (from a GP, NAV, another service, or a phone call).
#[server(prefix = "/api", endpoint = "intake-refer")]
pub async fn staff_refer(#[server(flatten)] form: BTreeMap<String, String>) -> Result<(), ServerFnError> {
    let outcome = async {
        let viewer = require_viewer()?;
        let services = services();
        let referred = intake::refer(&services.db.pool, &services.notifier, viewer.organisation_id()?, &form, Referrer::Staff(&viewer), &request_id()).await?;
        redirect_with_notice(&referral_path(referred.referral_id), "referral_saved").await
    }
    .await;
    respond("/intake/new", values(&form), outcome).await
}

#[server(prefix = "/api", endpoint = "intake-wait")]
pub async fn put_on_waiting_list(referral_id: i64) -> Result<(), ServerFnError> {
    let back = referral_path(referral_id);
    let outcome = async {
        let viewer = require_viewer()?;
        let services = services();
        let invited = intake::put_on_waiting_list(&services.db.pool, &viewer, referral_id, &invitation(services.public_origin.clone()), &request_id()).await?;
        redirect_with_notice(&back, if invited { "waiting_list_invited" } else { "waiting_list" }).await
    }
    .await;
    respond(&back, vec![], outcome).await
}

#[server(prefix = "/api", endpoint = "intake-book")]
pub async fn book_assessment(referral_id: i64, assessment_day: String, assessment_time: String, #[server(default)] assessment_with: String) -> Result<(), ServerFnError> {
    let back = format!("{}#book", referral_path(referral_id));
    let outcome = async {
        let viewer = require_viewer()?;
        let with = assessment_with.parse().unwrap_or_default();
        intake::book_assessment(&services().db.pool, &viewer, referral_id, &assessment_day, &assessment_time, with, &request_id()).await?;
        redirect_with_notice(&back, "assessment_booked").await
    }
    .await;
    let values = vec![("assessment_day", assessment_day.clone()), ("assessment_time", assessment_time.clone()), ("assessment_with", assessment_with.clone())];
    respond(&back, values, outcome).await
}

/// The outcome of the assessment: programme, guided or not (and by whom), start step and date.
#[server(prefix = "/api", endpoint = "intake-assess")]
pub async fn assess(
    referral_id: i64,
    #[server(default)] programme: String,
    #[server(default)] guidance: String,
    #[server(default)] therapist_id: String,
    #[server(default)] new_step: String,
    start_date: String,
    assessment_note: String,
) -> Result<(), ServerFnError> {
    let back = format!("{}#assess", referral_path(referral_id));
    let outcome = async {
        let viewer = require_viewer()?;
        let services = services();
        let guided = guidance != "unguided";
        let outcome = Assessment {
            programme: &programme,
            guided,
            therapist_id: therapist_id.parse().ok(),
            step: &new_step,
            start_date: &start_date,
            note: &assessment_note,
        };
        intake::assess(&services.db.pool, &services.content, &viewer, referral_id, outcome, &invitation(services.public_origin.clone()), &request_id()).await?;
        redirect_with_notice(&referral_path(referral_id), "assessment_recorded").await
    }
    .await;
    let values = vec![
        ("programme", programme.clone()),
        ("guidance", guidance.clone()),
        ("therapist_id", therapist_id.clone()),
        ("new_step", new_step.clone()),
        ("start_date", start_date.clone()),
        ("assessment_note", assessment_note.clone()),
    ];
    respond(&back, values, outcome).await
}

#[server(prefix = "/api", endpoint = "intake-close")]
pub async fn close_referral(referral_id: i64, #[server(default)] close_reason: String) -> Result<(), ServerFnError> {
    let back = format!("{}#close", referral_path(referral_id));
    let outcome = async {
        let viewer = require_viewer()?;
        intake::close(&services().db.pool, &viewer, referral_id, &close_reason, &request_id()).await?;
        redirect_with_notice("/intake", "referral_closed").await
    }
    .await;
    respond(&back, vec![("close_reason", close_reason.clone())], outcome).await
}

#[server(prefix = "/api", endpoint = "intake-settings")]
pub async fn save_intake_settings(#[server(default)] self_referral_open: String, rescreen_weeks: String) -> Result<(), ServerFnError> {
    let back = "/admin#intake";
    let outcome = async {
        let viewer = require_viewer()?;
        intake::set_settings(&services().db.pool, &viewer, self_referral_open == "yes", &rescreen_weeks).await?;
        redirect_with_notice(back, "settings_saved").await
    }
    .await;
    respond(back, vec![("rescreen_weeks", rescreen_weeks.clone())], outcome).await
}
