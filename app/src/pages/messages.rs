//! Secure messages: the thread and the form to write in it, for the patient (their own page)
//! and for staff (a section of the patient's record).

use leptos::{prelude::*, server_fn::ServerFn};
use stegvis_platform::{
    messages::{self, Thread},
    Error,
};

use crate::{
    api::guidance::{client_key, AutosaveMessage, PendingMessage, SendMessage, PENDING_MESSAGE_KEY},
    components::{clock, date, load, FlashMessages, Heading},
    context::{locale, require_viewer, services, session, Flash},
    i18n::*,
    islands::Autosave,
};

/// The messages, oldest first; those the reader had not seen are marked new.
#[component]
pub fn MessageList(thread: Thread, reader_id: i64) -> impl IntoView {
    let i18n = locale();
    if thread.messages.is_empty() {
        return view! { <p>{td_string!(i18n, messages.empty).to_string()}</p> }.into_any();
    }
    let read_up_to = thread.read_up_to;
    view! {
        <ol class="thread">
            {thread.messages.into_iter().map(|m| {
                let new = m.id > read_up_to && m.author_id != reader_id;
                let side = if m.is_from_patient() { "message from-patient" } else { "message from-staff" };
                view! {
                    <li class=side>
                        <p class="message-meta">
                            <strong>{m.author_name}</strong>" · "{date(m.created_at)}" "{clock(m.created_at)}
                            {new.then(|| view! { " "<span class="badge open">{td_string!(i18n, messages.new).to_string()}</span> })}
                        </p>
                        <p class="message-body">{m.body}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}

/// The form to write a message: send, or keep as a draft (saved as one types with JavaScript).
/// `patient_id` is set when staff write.
#[component]
pub fn MessageForm(patient_id: Option<i64>, draft: Option<String>, flash: Flash) -> impl IntoView {
    let i18n = locale();
    let error = flash.error("body");
    let text = flash.value("body").or(draft.clone()).unwrap_or_default();
    let invalid = error.is_some();
    let saved = if draft.is_some() { td_string!(i18n, messages.draft_kept).to_string() } else { String::new() };
    view! {
        <form method="post" action=SendMessage::PATH id="message-form" class="stack">
            {patient_id.map(|id| view! { <input type="hidden" name="patient_id" value=id.to_string()/> })}
            <input type="hidden" name="client_key" value=client_key()/>
            <div class="field" class:invalid=invalid>
                <label for="body">{td_string!(i18n, messages.write).to_string()}</label>
                {error.map(|code| view! { <p class="field-error" id="body-error">{crate::components::error_text(&code)}</p> })}
                <textarea id="body" name="body" rows="6" maxlength=messages::MAX_MESSAGE_CHARS.to_string()
                    aria-invalid=invalid.then_some("true") aria-describedby=invalid.then_some("body-error")>{text}</textarea>
            </div>
            <Autosave
                form_id="message-form".to_string()
                endpoint=AutosaveMessage::PATH.to_string()
                initial=saved
                saved=td_string!(i18n, messages.saved_at).to_string()
                failed=td_string!(i18n, messages.autosave_failed).to_string()
            />
            <div class="actions">
                <button type="submit" name="action" value="save" class="button secondary">{td_string!(i18n, messages.save_draft).to_string()}</button>
                <button type="submit" name="action" value="send" class="button">{td_string!(i18n, messages.send).to_string()}</button>
            </div>
        </form>
    }
}

fn weekday_name(day: u8) -> String {
    let i18n = locale();
    match day {
        1 => td_string!(i18n, weekdays.mon),
        2 => td_string!(i18n, weekdays.tue),
        3 => td_string!(i18n, weekdays.wed),
        4 => td_string!(i18n, weekdays.thu),
        5 => td_string!(i18n, weekdays.fri),
        6 => td_string!(i18n, weekdays.sat),
        _ => td_string!(i18n, weekdays.sun),
    }
    .to_string()
}

/// The days of the week, by name, for the settings form.
pub fn weekdays() -> Vec<(u8, String)> {
    (1..=7).map(|d| (d, weekday_name(d))).collect()
}

/// The patient's messages page.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        let patient_id = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
        let pool = &services().db.pool;
        // A message written as the session ran out becomes the draft, now they are back.
        if let Ok(s) = session().await {
            if let Ok(Some(pending)) = s.remove::<PendingMessage>(PENDING_MESSAGE_KEY).await {
                messages::save_draft(pool, patient_id, viewer.user.id, &pending.body).await?;
            }
        }
        let flash = Flash::take().await;
        let thread = messages::thread(pool, patient_id, viewer.user.id).await?;
        if let Some(last) = thread.messages.last() {
            messages::mark_read(pool, patient_id, viewer.user.id, last.id).await?;
        }
        let days = messages::reply_days_for_patient(pool, patient_id).await?;
        let replies = days.into_iter().map(|(name, days)| {
            let text = if days.is_empty() {
                td_string!(i18n, messages.replies_soon).replace("{name}", &name)
            } else {
                let list: Vec<String> = days.into_iter().map(weekday_name).collect();
                td_string!(i18n, messages.replies_on).replace("{name}", &name).replace("{days}", &list.join(", "))
            };
            view! { <li>{text}</li> }
        }).collect_view();
        let draft = thread.draft.clone();
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, messages.title).to_string()/>
            <FlashMessages flash=flash.clone()/>
            <p>{td_string!(i18n, messages.intro).to_string()}</p>
            <ul class="plain hint">{replies}</ul>
            <p class="hint">{td_string!(i18n, messages.not_emergency).to_string()}</p>
            <section aria-labelledby="thread-heading">
                <h2 id="thread-heading">{td_string!(i18n, messages.thread).to_string()}</h2>
                <MessageList thread reader_id=viewer.user.id/>
            </section>
            <section aria-labelledby="write-heading">
                <h2 id="write-heading">{td_string!(i18n, messages.new_message).to_string()}</h2>
                <MessageForm patient_id=None draft flash/>
            </section>
        })
    })
}
