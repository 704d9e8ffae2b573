//! Building blocks shared by the pages: the data-loading frame, form fields, notices, errors.

use std::future::Future;

use leptos::prelude::*;
use leptos_meta::Title;
use stegvis_platform::{dates, org::Role, Error};

use crate::{
    context::{locale, Flash},
    i18n::*,
};

/// Renders `content` once its data has loaded; an error becomes the translated error page with
/// its status code (or, when not logged in, a redirect to the log-in page).
pub fn load<Fut, V>(content: Fut) -> impl IntoView
where
    Fut: Future<Output = Result<V, Error>> + Send + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match content.await {
                    Ok(view) => view.into_any(),
                    Err(error) => error_view(error).into_any(),
                }
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    NotFound,
    Forbidden,
    Server,
}

pub fn error_view(error: Error) -> impl IntoView {
    let problem = match error {
        Error::Unauthenticated => {
            leptos_axum::redirect(&crate::context::login_redirect());
            return ().into_any();
        }
        Error::NotFound => Problem::NotFound,
        Error::Forbidden => Problem::Forbidden,
        other => {
            tracing::error!(error = %other, "page failed");
            Problem::Server
        }
    };
    view! { <ProblemPage problem/> }.into_any()
}

/// The 404 / 403 / 500 page, inside the normal layout, with the matching status code.
#[component]
pub fn ProblemPage(problem: Problem) -> impl IntoView {
    let i18n = locale();
    let (status, title, text) = match problem {
        Problem::NotFound => (404, td_string!(i18n, error_page.not_found_title), td_string!(i18n, error_page.not_found)),
        Problem::Forbidden => (403, td_string!(i18n, error_page.forbidden_title), td_string!(i18n, error_page.forbidden)),
        Problem::Server => (500, td_string!(i18n, error_page.server_title), td_string!(i18n, error_page.server)),
    };
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::from_u16(status).expect("valid status"));
    }
    let title = title.to_string();
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        <p>{text.to_string()}</p>
        <p><a href="/">{td_string!(i18n, error_page.home_link).to_string()}</a></p>
    }
}

/// An error code in words. Codes may carry numbers after colons (`out_of_range:0:100`,
/// `too_long:300`), which fill the message's `{min}` and `{max}`.
pub fn error_text(code: &str) -> String {
    let i18n = locale();
    if let Some(pack) = code.strip_prefix("pack.") {
        return pack_problem_text(pack);
    }
    let mut parts = code.split(':');
    let base = parts.next().unwrap_or_default();
    let numbers: Vec<&str> = parts.collect();
    let text = match base {
        "required" => td_string!(i18n, errors.required),
        "invalid_email" => td_string!(i18n, errors.invalid_email),
        "password_too_short" => td_string!(i18n, errors.password_too_short),
        "password_too_long" => td_string!(i18n, errors.password_too_long),
        "password_mismatch" => td_string!(i18n, errors.password_mismatch),
        "bad_credentials" => td_string!(i18n, errors.bad_credentials),
        "rate_limited" => td_string!(i18n, errors.rate_limited),
        "link_expired" => td_string!(i18n, errors.link_expired),
        "not_a_therapist" => td_string!(i18n, errors.not_a_therapist),
        "invalid_choice" => td_string!(i18n, errors.invalid_choice),
        "no_links" => td_string!(i18n, errors.no_links),
        "module_closed" => td_string!(i18n, errors.module_closed),
        "unknown_programme" => td_string!(i18n, errors.unknown_programme),
        "already_enrolled" => td_string!(i18n, errors.already_enrolled),
        "start_in_past" => td_string!(i18n, errors.start_in_past),
        "invalid_date" => td_string!(i18n, errors.invalid_date),
        "invalid_time" => td_string!(i18n, errors.invalid_time),
        "not_a_whole_number" => td_string!(i18n, errors.not_a_whole_number),
        "out_of_range" => td_string!(i18n, errors.out_of_range),
        "too_long" => td_string!(i18n, errors.too_long),
        "unknown_option" => td_string!(i18n, errors.unknown_option),
        "too_few_rows" => td_string!(i18n, errors.too_few_rows),
        "too_many_rows" => td_string!(i18n, errors.too_many_rows),
        "too_few_items" => td_string!(i18n, errors.too_few_items),
        "too_many_items" => td_string!(i18n, errors.too_many_items),
        "not_optional" => td_string!(i18n, errors.not_optional),
        "not_unguided" => td_string!(i18n, errors.not_unguided),
        "choose_answer" => td_string!(i18n, errors.choose_answer),
        "already_postponed" => td_string!(i18n, errors.already_postponed),
        "unknown_instrument" => td_string!(i18n, errors.unknown_instrument),
        "stale_form" => td_string!(i18n, errors.stale_form),
        "in_future" => td_string!(i18n, errors.in_future),
        "note_already_corrected" => td_string!(i18n, errors.note_already_corrected),
        "choose_decision" => td_string!(i18n, errors.choose_decision),
        "flag_already_closed" => td_string!(i18n, errors.flag_already_closed),
        "choose_step" => td_string!(i18n, errors.choose_step),
        "unknown_step" => td_string!(i18n, errors.unknown_step),
        "wrong_direction" => td_string!(i18n, errors.wrong_direction),
        "no_referral_step" => td_string!(i18n, errors.no_referral_step),
        "same_step" => td_string!(i18n, errors.same_step),
        "ladder_empty" => td_string!(i18n, errors.ladder_empty),
        "bad_step_key" => td_string!(i18n, errors.bad_step_key),
        "duplicate_step_key" => td_string!(i18n, errors.duplicate_step_key),
        "step_text_required" => td_string!(i18n, errors.step_text_required),
        "step_in_use" => td_string!(i18n, errors.step_in_use),
        "cover_self" => td_string!(i18n, errors.cover_self),
        "ends_before_start" => td_string!(i18n, errors.ends_before_start),
        "in_past" => td_string!(i18n, errors.in_past),
        "invalid_phone" => td_string!(i18n, errors.invalid_phone),
        "consent_required" => td_string!(i18n, errors.consent_required),
        "referral_moved_on" => td_string!(i18n, errors.referral_moved_on),
        "date_not_past" => td_string!(i18n, errors.date_not_past),
        "choose_clinician" => td_string!(i18n, errors.choose_clinician),
        "request_answered" => td_string!(i18n, errors.request_answered),
        "own_admin" => td_string!(i18n, errors.own_admin),
        "move_patients_first" => td_string!(i18n, errors.move_patients_first),
        "choose_role" => td_string!(i18n, errors.choose_role),
        _ => td_string!(i18n, errors.unexpected),
    };
    // Ranges name both ends; a single number is a minimum or a maximum, as the message says.
    match numbers[..] {
        [min, max] => text.replace("{min}", min).replace("{max}", max),
        [n] => text.replace("{min}", n).replace("{max}", n),
        _ => text.to_string(),
    }
}

/// A problem in an uploaded instrument pack: `<problem>:<language>:<expected>:<got>:<line>:<place>`.
fn pack_problem_text(code: &str) -> String {
    let i18n = locale();
    let parts: Vec<&str> = code.splitn(6, ':').collect();
    let part = |n: usize| parts.get(n).copied().unwrap_or_default();
    let text = match part(0) {
        "not_toml" => td_string!(i18n, pack_problems.not_toml),
        "unknown_instrument" => td_string!(i18n, pack_problems.unknown_instrument),
        "not_licensed" => td_string!(i18n, pack_problems.not_licensed),
        "unknown_language" => td_string!(i18n, pack_problems.unknown_language),
        "no_languages" => td_string!(i18n, pack_problems.no_languages),
        "missing" => td_string!(i18n, pack_problems.missing),
        "missing_text" => td_string!(i18n, pack_problems.missing_text),
        "unknown_id" => td_string!(i18n, pack_problems.unknown_id),
        "label_count" => td_string!(i18n, pack_problems.label_count),
        "missing_labels" => td_string!(i18n, pack_problems.missing_labels),
        _ => td_string!(i18n, errors.unexpected),
    };
    text.replace("{language}", part(1)).replace("{expected}", part(2)).replace("{got}", part(3)).replace("{line}", part(4)).replace("{place}", part(5))
}

pub fn role_name(role: Role) -> String {
    let i18n = locale();
    match role {
        Role::Patient => td_string!(i18n, roles.patient),
        Role::Therapist => td_string!(i18n, roles.therapist),
        Role::TeamLead => td_string!(i18n, roles.team_lead),
        Role::OrgAdmin => td_string!(i18n, roles.org_admin),
    }
    .to_string()
}

pub fn notice_text(code: &str) -> String {
    let i18n = locale();
    match code {
        "reset_sent" => td_string!(i18n, forgot.sent),
        "reset_done" => td_string!(i18n, reset.done),
        "invitation_accepted" => td_string!(i18n, invitation.accepted),
        "invited" => td_string!(i18n, admin.invited),
        "assigned" => td_string!(i18n, patient.assigned),
        "settings_saved" => td_string!(i18n, settings.saved),
        "logged_out" => td_string!(i18n, login.logged_out),
        "homework_submitted" => td_string!(i18n, notices.homework_submitted),
        "homework_already_submitted" => td_string!(i18n, notices.homework_already_submitted),
        "draft_saved" => td_string!(i18n, notices.draft_saved),
        "pending_saved" => td_string!(i18n, notices.pending_saved),
        "feedback_sent" => td_string!(i18n, notices.feedback_sent),
        "module_opened" => td_string!(i18n, notices.module_opened),
        "programme_ended" => td_string!(i18n, notices.programme_ended),
        "enrolled" => td_string!(i18n, notices.enrolled),
        "questionnaire_saved" => td_string!(i18n, notices.questionnaire_saved),
        "questionnaire_saved_risk" => td_string!(i18n, notices.questionnaire_saved_risk),
        "questionnaire_already_saved" => td_string!(i18n, notices.questionnaire_already_saved),
        "questionnaires_postponed" => td_string!(i18n, notices.questionnaires_postponed),
        "pack_loaded" => td_string!(i18n, notices.pack_loaded),
        "message_sent" => td_string!(i18n, notices.message_sent),
        "message_already_sent" => td_string!(i18n, notices.message_already_sent),
        "contact_recorded" => td_string!(i18n, notices.contact_recorded),
        "note_written" => td_string!(i18n, notices.note_written),
        "note_corrected" => td_string!(i18n, notices.note_corrected),
        "minutes_saved" => td_string!(i18n, notices.minutes_saved),
        "cover_set" => td_string!(i18n, notices.cover_set),
        "cover_cancelled" => td_string!(i18n, notices.cover_cancelled),
        "mail_retried" => td_string!(i18n, notices.mail_retried),
        "help_requested" => td_string!(i18n, notices.help_requested),
        "flag_closed" => td_string!(i18n, notices.flag_closed),
        "step_changed" => td_string!(i18n, notices.step_changed),
        "referral_received" => td_string!(i18n, notices.referral_received),
        "referral_received_risk" => td_string!(i18n, notices.referral_received_risk),
        "referral_saved" => td_string!(i18n, notices.referral_saved),
        "waiting_list" => td_string!(i18n, notices.waiting_list),
        "waiting_list_invited" => td_string!(i18n, notices.waiting_list_invited),
        "assessment_booked" => td_string!(i18n, notices.assessment_booked),
        "assessment_recorded" => td_string!(i18n, notices.assessment_recorded),
        "referral_closed" => td_string!(i18n, notices.referral_closed),
        "deletion_requested" => td_string!(i18n, notices.deletion_requested),
        "deletion_answered" => td_string!(i18n, notices.deletion_answered),
        "roles_saved" => td_string!(i18n, notices.roles_saved),
        "notice_text_saved" => td_string!(i18n, notices.notice_text_saved),
        "staff_deactivated" => td_string!(i18n, notices.staff_deactivated),
        _ => td_string!(i18n, errors.unexpected),
    }
    .to_string()
}

/// A calendar date (dd.mm.yyyy) from Unix seconds, in Norwegian time.
pub fn date(unix_seconds: i64) -> String {
    let d = dates::oslo_date(unix_seconds);
    format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year())
}

/// A stored date (`YYYY-MM-DD`) the Norwegian way (dd.mm.yyyy).
pub fn iso_date(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>()[..] {
        [y, m, d] => format!("{d}.{m}.{y}"),
        _ => iso.to_string(),
    }
}

/// The time of day (HH:MM) of Unix seconds, in Norwegian time.
pub fn clock(unix_seconds: i64) -> String {
    let (h, m) = dates::oslo_clock(unix_seconds);
    format!("{h:02}:{m:02}")
}

/// The notice and error summary at the top of a form page. The summary is announced and links
/// to each field (WCAG 3.3.1); it takes the focus, so the page opens on what went wrong.
#[component]
pub fn FlashMessages(flash: Flash) -> impl IntoView {
    let i18n = locale();
    let notice = flash.notice.clone().map(|code| view! { <p class="notice" role="status">{notice_text(&code)}</p> });
    let summary = (!flash.errors.is_empty()).then(|| {
        let items = flash
            .errors
            .iter()
            .map(|e| {
                let href = format!("#{}", e.field);
                view! { <li><a href=href>{error_text(&e.code)}</a></li> }
            })
            .collect_view();
        view! {
            <div class="error-summary" role="alert" tabindex="-1" autofocus=true>
                <p>{td_string!(i18n, errors.summary).to_string()}</p>
                <ul>{items}</ul>
            </div>
        }
    });
    view! { {notice} {summary} }
}

/// A labelled input with its error tied to it (aria-describedby) and the value typed kept.
#[component]
pub fn Field(
    name: &'static str,
    label: String,
    flash: Flash,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional)] keep_value: bool,
) -> impl IntoView {
    let error = flash.error(name);
    let value = if keep_value { flash.value(name) } else { None };
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = [hint.as_ref().map(|_| hint_id.clone()), error.as_ref().map(|_| error_id.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let invalid = error.is_some();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            {error.map(|code| view! { <p class="field-error" id=error_id>{error_text(&code)}</p> })}
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required=true
                value=value
                aria-invalid=invalid.then_some("true")
                aria-describedby=(!described.is_empty()).then_some(described)
            />
        </div>
    }
}

/// A page heading with the matching document title.
#[component]
pub fn Heading(text: String) -> impl IntoView {
    view! {
        <Title text=text.clone()/>
        <h1>{text}</h1>
    }
}

/// A data table: column headings, and the rows (`<tr>`s) as children. Scrolls sideways on a
/// narrow phone rather than squeezing; the scroll box takes the focus, so a keyboard can
/// scroll it too (WCAG 2.1.1).
#[component]
pub fn Table(headings: Vec<String>, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap" tabindex="0">
            <table>
                <thead>
                    <tr>{headings.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// One radio button with its label; the id is `{name}-{value}`.
#[component]
pub fn Choice(name: &'static str, value: &'static str, label: String, checked: bool) -> impl IntoView {
    let id = format!("{name}-{value}");
    view! {
        <div class="choice">
            <input type="radio" id=id.clone() name=name value=value checked=checked/>
            <label for=id>{label}</label>
        </div>
    }
}

/// The interface languages as radio buttons named `locale`.
#[component]
pub fn LanguageChoices(current: String) -> impl IntoView {
    let i18n = locale();
    view! {
        <Choice name="locale" value="nb" label=td_string!(i18n, in_norwegian).to_string() checked=current == "nb"/>
        <Choice name="locale" value="en" label=td_string!(i18n, in_english).to_string() checked=current == "en"/>
    }
}
