//! The person's own pages: settings, and (for patients) who has seen their record.

use leptos::{prelude::*, server_fn::ServerFn};
use stegvis_platform::{audit, messages, notify::{self, Notice}, org::Role, Error};

use crate::{
    api::{
        account::SetLanguage,
        guidance::{day_key, notice_key, offered, SaveNotifications},
    },
    components::{date, load, role_name, FlashMessages, Heading, LanguageChoices, Table},
    context::{locale, require_viewer, services, Flash},
    i18n::*,
    pages::messages::weekdays,
};

pub fn notice_name(notice: Notice) -> String {
    let i18n = locale();
    match notice {
        Notice::Feedback => td_string!(i18n, notifications.feedback),
        Notice::Message => td_string!(i18n, notifications.message),
        Notice::ModuleOpened => td_string!(i18n, notifications.module_opened),
        Notice::QuestionnaireDue => td_string!(i18n, notifications.questionnaire_due),
        Notice::Reminder => td_string!(i18n, notifications.reminder),
        Notice::NewHomework => td_string!(i18n, notifications.new_homework),
        Notice::NewMessage => td_string!(i18n, notifications.new_message),
        Notice::HelpRequest => td_string!(i18n, notifications.help_request),
        Notice::UrgentFlag => td_string!(i18n, notifications.urgent_flag),
        Notice::UnacknowledgedFlag => td_string!(i18n, notifications.unacknowledged_flag),
    }
    .to_string()
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        let flash = Flash::take().await;
        let current = viewer.user.locale.clone();
        let pool = &services().db.pool;
        let choices = notify::settings(pool, viewer.user.id, &offered(viewer.roles())).await?;
        let days = if viewer.has(Role::Therapist) { Some(messages::reply_days(pool, viewer.user.id).await?) } else { None };
        let notifications = (!choices.is_empty()).then(|| view! {
            <form method="post" action=SaveNotifications::PATH class="stack" id="notifications">
                <fieldset>
                    <legend>{td_string!(i18n, notifications.title).to_string()}</legend>
                    <p class="hint">{td_string!(i18n, notifications.intro).to_string()}</p>
                    {choices.into_iter().map(|(notice, on)| {
                        let id = notice_key(notice);
                        let fixed = !notice.can_switch_off();
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=id.clone() name=id.clone() value="1" checked=on disabled=fixed
                                    aria-describedby=fixed.then_some("urgent-fixed")/>
                                <label for=id>{notice_name(notice)}</label>
                            </div>
                            {fixed.then(|| view! { <p class="hint" id="urgent-fixed">{td_string!(i18n, notifications.urgent_fixed).to_string()}</p> })}
                        }
                    }).collect_view()}
                </fieldset>
                {days.map(|days| view! {
                    <fieldset>
                        <legend>{td_string!(i18n, notifications.reply_days).to_string()}</legend>
                        <p class="hint">{td_string!(i18n, notifications.reply_days_hint).to_string()}</p>
                        {weekdays().into_iter().map(|(day, name)| {
                            let id = day_key(day);
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name=id.clone() value="1" checked=days.contains(&day)/>
                                    <label for=id>{name}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                })}
                <button type="submit" class="button">{td_string!(i18n, notifications.save).to_string()}</button>
            </form>
        });
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, settings.title).to_string()/>
            <FlashMessages flash/>
            <form method="post" action=SetLanguage::PATH class="stack">
                <input type="hidden" name="back" value="/settings"/>
                <fieldset>
                    <legend>{td_string!(i18n, language).to_string()}</legend>
                    <p class="hint">{td_string!(i18n, settings.language_intro).to_string()}</p>
                    <LanguageChoices current/>
                </fieldset>
                <button type="submit" class="button">{td_string!(i18n, settings.save).to_string()}</button>
            </form>
            {notifications}
        })
    })
}

fn action_text(code: &str) -> String {
    let i18n = locale();
    match code {
        "view_patient" => td_string!(i18n, actions.view_patient),
        "assign_therapist" => td_string!(i18n, actions.assign_therapist),
        "enrol" => td_string!(i18n, actions.enrol),
        "view_homework" => td_string!(i18n, actions.view_homework),
        "view_responses" => td_string!(i18n, actions.view_responses),
        "write_feedback" => td_string!(i18n, actions.write_feedback),
        "open_module" => td_string!(i18n, actions.open_module),
        "add_module" => td_string!(i18n, actions.add_module),
        "end_enrolment" => td_string!(i18n, actions.end_enrolment),
        "send_message" => td_string!(i18n, actions.send_message),
        "record_contact" => td_string!(i18n, actions.record_contact),
        "write_note" => td_string!(i18n, actions.write_note),
        "correct_time" => td_string!(i18n, actions.correct_time),
        "reassign_therapist" => td_string!(i18n, actions.reassign_therapist),
        "close_flag" => td_string!(i18n, actions.close_flag),
        "change_step" => td_string!(i18n, actions.change_step),
        "view_handover" => td_string!(i18n, actions.view_handover),
        "refer" => td_string!(i18n, actions.refer),
        "view_referral" => td_string!(i18n, actions.view_referral),
        "waiting_list" => td_string!(i18n, actions.waiting_list),
        "book_assessment" => td_string!(i18n, actions.book_assessment),
        "close_referral" => td_string!(i18n, actions.close_referral),
        "answer_deletion_request" => td_string!(i18n, actions.answer_deletion_request),
        _ => td_string!(i18n, actions.other),
    }
    .to_string()
}

#[component]
pub fn AccessLogPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        viewer.require(&[Role::Patient])?;
        let patient_id = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
        let entries = audit::accesses_to(&services().db.pool, patient_id).await?;
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, access_log.title).to_string()/>
            <p>{td_string!(i18n, access_log.intro).to_string()}</p>
            {if entries.is_empty() {
                view! { <p>{td_string!(i18n, access_log.empty).to_string()}</p> }.into_any()
            } else {
                let headings = vec![
                    td_string!(i18n, access_log.when).to_string(),
                    td_string!(i18n, access_log.who).to_string(),
                    td_string!(i18n, access_log.role).to_string(),
                    td_string!(i18n, access_log.what).to_string(),
                ];
                view! {
                    <Table headings>
                        {entries.into_iter().map(|e| view! {
                            <tr>
                                <td>{date(e.at)}</td>
                                <td>{match e.on_behalf_of_name {
                                    Some(name) => format!("{} ({})", e.actor_name, td_string!(i18n, access_log.covering_for).replace("{name}", &name)),
                                    None => e.actor_name,
                                }}</td>
                                <td>{Role::parse(&e.actor_role).map(role_name).unwrap_or_default()}</td>
                                <td>{action_text(&e.action)}</td>
                            </tr>
                        }).collect_view()}
                    </Table>
                }.into_any()
            }}
        })
    })
}
