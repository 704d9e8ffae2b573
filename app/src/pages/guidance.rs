//! The guiding therapist's parts of a patient's record: what is waiting, the messages, contacts,
//! journal notes, minutes and the timeline of everything.

use leptos::{prelude::*, server_fn::ServerFn};
use stegvis_content::instruments;
use stegvis_platform::{
    access::PatientAccess,
    caseload, dates, homework,
    journal::{self, Contact, Note, CONTACT_KINDS, NOTE_KINDS},
    messages,
    time_spent::{self, Week},
    timeline::{self, Event},
    Error,
};

use crate::{
    api::{
        guidance::{CorrectMinutes, RecordContact, WriteNote},
        programmes::staff_homework_path,
    },
    components::{clock, date, error_text, iso_date, Table},
    context::{locale, services, Flash},
    i18n::*,
    pages::{caseload::priority_text, messages::{MessageForm, MessageList}},
};

/// The record's table of contents: the sections below, in order.
pub fn section_nav() -> impl IntoView {
    let i18n = locale();
    let links = [
        ("flags", td_string!(i18n, flags.title)),
        ("step", td_string!(i18n, ladder.title)),
        ("waiting", td_string!(i18n, record.waiting)),
        ("messages", td_string!(i18n, messages.title)),
        ("programmes-heading", td_string!(i18n, programme.programmes)),
        ("measures-heading", td_string!(i18n, record.measures)),
        ("contacts", td_string!(i18n, record.contacts)),
        ("notes", td_string!(i18n, record.notes)),
        ("time", td_string!(i18n, record.time)),
        ("timeline", td_string!(i18n, record.timeline)),
    ];
    view! {
        <nav aria-label=td_string!(i18n, record.sections).to_string() class="section-nav">
            <ul>{links.into_iter().map(|(id, text)| view! { <li><a href=format!("#{id}")>{text.to_string()}</a></li> }).collect_view()}</ul>
        </nav>
    }
}

/// What is waiting for the therapist, and the messages: the top of the record.
pub async fn waiting_and_messages(access: &PatientAccess, flash: &Flash) -> Result<AnyView, Error> {
    let i18n = locale();
    let pool = &services().db.pool;
    let row = caseload::of_patient(pool, access.organisation_id, access.patient_id).await?;
    let homework = homework::unreviewed(pool, access.patient_id).await?;
    let thread = messages::thread(pool, access.patient_id, access.actor_user_id).await?;
    if let Some(last) = thread.messages.last() {
        messages::mark_read(pool, access.patient_id, access.actor_user_id, last.id).await?;
    }
    let mut items = Vec::new();
    if row.as_ref().is_some_and(|r| r.overdue) {
        items.push(view! { <li><span class="badge risk">{priority_text(caseload::Priority::Overdue)}</span>" "{td_string!(i18n, record.overdue_hint).to_string()}</li> }.into_any());
    }
    for (enrolment, position, at) in homework {
        let text = td_string!(i18n, record.homework_item).replace("{module}", &position.to_string()).replace("{date}", &date(at));
        items.push(view! { <li><a href=staff_homework_path(access.patient_id, enrolment, position as usize)>{text}</a></li> }.into_any());
    }
    if let Some(r) = row.as_ref().filter(|r| r.messages_waiting > 0) {
        let text = td_string!(i18n, record.messages_item).replace("{n}", &r.messages_waiting.to_string());
        items.push(view! { <li><a href="#message-form">{text}</a></li> }.into_any());
    }
    if row.as_ref().is_some_and(|r| r.inactive) {
        let since = row.as_ref().and_then(|r| r.last_active_at).map(date).unwrap_or_default();
        items.push(view! { <li>{td_string!(i18n, record.inactive_item).replace("{date}", &since)}</li> }.into_any());
    }
    let draft = thread.draft.clone();
    Ok(view! {
        <section aria-labelledby="waiting-heading" class="card" id="waiting">
            <h2 id="waiting-heading">{td_string!(i18n, record.waiting).to_string()}</h2>
            {if items.is_empty() {
                view! { <p>{td_string!(i18n, record.nothing_waiting).to_string()}</p> }.into_any()
            } else {
                view! { <ul>{items}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="messages-heading" id="messages">
            <h2 id="messages-heading">{td_string!(i18n, messages.title).to_string()}</h2>
            <MessageList thread reader_id=access.actor_user_id/>
            <MessageForm patient_id=Some(access.patient_id) draft flash=flash.clone()/>
        </section>
    }
    .into_any())
}

fn contact_kind(kind: &str) -> String {
    let i18n = locale();
    match kind {
        "phone" => td_string!(i18n, record.contact_phone),
        "video" => td_string!(i18n, record.contact_video),
        _ => td_string!(i18n, record.contact_meeting),
    }
    .to_string()
}

fn note_kind(kind: &str) -> String {
    let i18n = locale();
    match kind {
        "treatment" => td_string!(i18n, record.note_treatment),
        "assessment" => td_string!(i18n, record.note_assessment),
        "coordination" => td_string!(i18n, record.note_coordination),
        _ => td_string!(i18n, record.note_other),
    }
    .to_string()
}

/// The error under a form control, if the form came back with one for it.
pub fn field_error(flash: &Flash, name: &str) -> Option<impl IntoView + use<>> {
    flash.error(name).map(|code| view! { <p class="field-error" id=format!("{name}-error")>{error_text(&code)}</p> })
}

/// `aria-describedby` for a control whose error is shown.
pub fn described(flash: &Flash, name: &str) -> Option<String> {
    flash.error(name).map(|_| format!("{name}-error"))
}

/// Contacts, journal notes, minutes and the timeline: the rest of the record.
pub async fn record_sections(access: &PatientAccess, flash: &Flash, correcting: Option<i64>) -> Result<AnyView, Error> {
    let pool = &services().db.pool;
    let contacts = journal::contacts(pool, access.patient_id).await?;
    let notes = journal::notes(pool, access.patient_id).await?;
    let weeks = time_spent::weeks(pool, access.patient_id, access.actor_user_id).await?;
    let events = timeline::events(pool, access.patient_id).await?;
    let correcting = correcting.and_then(|id| notes.iter().find(|n| n.current.id == id).map(|n| n.current.clone()));
    Ok(view! {
        <ContactsSection patient_id=access.patient_id contacts flash=flash.clone()/>
        <NotesSection patient_id=access.patient_id notes correcting flash=flash.clone()/>
        <TimeSection patient_id=access.patient_id weeks flash=flash.clone()/>
        <TimelineSection patient_id=access.patient_id events/>
    }
    .into_any())
}

#[component]
fn ContactsSection(patient_id: i64, contacts: Vec<Contact>, flash: Flash) -> impl IntoView {
    let i18n = locale();
    let chosen = flash.value("contact_kind").unwrap_or_else(|| "phone".into());
    let today = dates::format(dates::today());
    view! {
        <section aria-labelledby="contacts-heading" id="contacts">
            <h2 id="contacts-heading">{td_string!(i18n, record.contacts).to_string()}</h2>
            <p class="hint">{td_string!(i18n, record.contacts_intro).to_string()}</p>
            {if contacts.is_empty() {
                view! { <p>{td_string!(i18n, record.no_contacts).to_string()}</p> }.into_any()
            } else {
                view! {
                    <Table headings=vec![
                        td_string!(i18n, record.date).to_string(),
                        td_string!(i18n, record.kind).to_string(),
                        td_string!(i18n, record.minutes).to_string(),
                        td_string!(i18n, record.summary).to_string(),
                        td_string!(i18n, record.by).to_string(),
                    ]>
                        {contacts.into_iter().map(|c| view! {
                            <tr>
                                <td>{iso_date(&c.held_on)}</td>
                                <td>{contact_kind(&c.kind)}</td>
                                <td>{c.minutes}</td>
                                <td class="prose-cell">{c.summary}</td>
                                <td>{c.therapist_name}</td>
                            </tr>
                        }).collect_view()}
                    </Table>
                }.into_any()
            }}
            <form method="post" action=RecordContact::PATH class="stack" id="contact-form">
                <input type="hidden" name="patient_id" value=patient_id.to_string()/>
                <fieldset id="contact_kind">
                    <legend>{td_string!(i18n, record.kind).to_string()}</legend>
                    {field_error(&flash, "contact_kind")}
                    {CONTACT_KINDS.into_iter().map(|k| {
                        let id = format!("contact_kind-{k}");
                        view! {
                            <div class="choice">
                                <input type="radio" id=id.clone() name="contact_kind" value=k checked=chosen == k/>
                                <label for=id>{contact_kind(k)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="held_on">{td_string!(i18n, record.date).to_string()}</label>
                    {field_error(&flash, "held_on")}
                    <input id="held_on" name="held_on" type="date" required=true max=today.clone() value=flash.value("held_on").unwrap_or(today.clone())
                        aria-invalid=flash.error("held_on").map(|_| "true") aria-describedby=described(&flash, "held_on")/>
                </div>
                <div class="field">
                    <label for="contact_minutes">{td_string!(i18n, record.minutes).to_string()}</label>
                    {field_error(&flash, "contact_minutes")}
                    <input id="contact_minutes" name="contact_minutes" type="number" inputmode="numeric" min="1" max=journal::MAX_CONTACT_MINUTES.to_string() required=true
                        value=flash.value("contact_minutes") aria-invalid=flash.error("contact_minutes").map(|_| "true") aria-describedby=described(&flash, "contact_minutes")/>
                </div>
                <div class="field">
                    <label for="summary">{td_string!(i18n, record.summary).to_string()}</label>
                    {field_error(&flash, "summary")}
                    <textarea id="summary" name="summary" rows="4" required=true
                        aria-invalid=flash.error("summary").map(|_| "true") aria-describedby=described(&flash, "summary")>{flash.value("summary").unwrap_or_default()}</textarea>
                </div>
                <button type="submit" class="button">{td_string!(i18n, record.record_contact).to_string()}</button>
            </form>
        </section>
    }
}

#[component]
fn NotesSection(patient_id: i64, notes: Vec<Note>, correcting: Option<journal::NoteVersion>, flash: Flash) -> impl IntoView {
    let i18n = locale();
    let today = dates::format(dates::today());
    let (heading, written_on, kind, body) = match &correcting {
        Some(v) => (td_string!(i18n, record.correct_note).to_string(), v.written_on.clone(), v.kind.clone(), v.body.clone()),
        None => (td_string!(i18n, record.new_note).to_string(), today.clone(), "treatment".to_string(), String::new()),
    };
    let written_on = flash.value("written_on").unwrap_or(written_on);
    let kind = flash.value("note_kind").unwrap_or(kind);
    let body = flash.value("note_text").unwrap_or(body);
    view! {
        <section aria-labelledby="notes-heading" id="notes">
            <h2 id="notes-heading">{td_string!(i18n, record.notes).to_string()}</h2>
            <p class="hint">{td_string!(i18n, record.notes_intro).to_string()}</p>
            {if notes.is_empty() {
                view! { <p>{td_string!(i18n, record.no_notes).to_string()}</p> }.into_any()
            } else {
                view! {
                    <ol class="notes">
                        {notes.into_iter().map(|n| {
                            let v = n.current;
                            let earlier = (!n.earlier.is_empty()).then(|| {
                                let count = n.earlier.len();
                                view! {
                                    <details>
                                        <summary>{td_string!(i18n, record.earlier_versions).replace("{n}", &count.to_string())}</summary>
                                        <ol>
                                            {n.earlier.into_iter().map(|e| view! {
                                                <li>
                                                    <p class="message-meta">{iso_date(&e.written_on)}" · "{note_kind(&e.kind)}" · "{e.author_name}" · "{td_string!(i18n, record.written_at).replace("{date}", &date(e.created_at))}</p>
                                                    <p class="message-body">{e.body}</p>
                                                </li>
                                            }).collect_view()}
                                        </ol>
                                    </details>
                                }
                            });
                            view! {
                                <li class="card">
                                    <p class="message-meta">
                                        <strong>{iso_date(&v.written_on)}" · "{note_kind(&v.kind)}</strong>" · "{v.author_name}
                                        {v.replaces_id.map(|_| view! { " · "<span class="badge submitted">{td_string!(i18n, record.corrected).to_string()}</span> })}
                                    </p>
                                    <p class="message-body">{v.body}</p>
                                    <p><a href=format!("/patients/{patient_id}?correct={}#note-form", v.id)>{td_string!(i18n, record.correct).to_string()}</a></p>
                                    {earlier}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <form method="post" action=WriteNote::PATH class="stack" id="note-form">
                <h3>{heading}</h3>
                <input type="hidden" name="patient_id" value=patient_id.to_string()/>
                {correcting.as_ref().map(|v| view! {
                    <input type="hidden" name="replaces" value=v.id.to_string()/>
                    <p class="hint">{td_string!(i18n, record.correct_hint).to_string()}</p>
                })}
                <div class="field">
                    <label for="written_on">{td_string!(i18n, record.date).to_string()}</label>
                    {field_error(&flash, "written_on")}
                    <input id="written_on" name="written_on" type="date" required=true max=today value=written_on
                        aria-invalid=flash.error("written_on").map(|_| "true") aria-describedby=described(&flash, "written_on")/>
                </div>
                <div class="field">
                    <label for="note_kind">{td_string!(i18n, record.kind).to_string()}</label>
                    <select id="note_kind" name="note_kind">
                        {NOTE_KINDS.into_iter().map(|k| view! { <option value=k selected=kind == k>{note_kind(k)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="note_text">{td_string!(i18n, record.note_text).to_string()}</label>
                    {field_error(&flash, "note_text")}
                    <textarea id="note_text" name="note_text" rows="6" required=true
                        aria-invalid=flash.error("note_text").map(|_| "true") aria-describedby=described(&flash, "note_text")>{body}</textarea>
                </div>
                <button type="submit" class="button">{td_string!(i18n, record.save_note).to_string()}</button>
            </form>
        </section>
    }
}

#[component]
fn TimeSection(patient_id: i64, weeks: Vec<Week>, flash: Flash) -> impl IntoView {
    let i18n = locale();
    let today = dates::format(dates::today());
    view! {
        <section aria-labelledby="time-heading" id="time">
            <h2 id="time-heading">{td_string!(i18n, record.time).to_string()}</h2>
            <p class="hint">{td_string!(i18n, record.time_intro).to_string()}</p>
            {if weeks.is_empty() {
                view! { <p>{td_string!(i18n, record.no_time).to_string()}</p> }.into_any()
            } else {
                view! {
                    <Table headings=vec![
                        td_string!(i18n, record.week_of).to_string(),
                        td_string!(i18n, record.estimated).to_string(),
                        td_string!(i18n, record.corrected_minutes).to_string(),
                        td_string!(i18n, record.counted).to_string(),
                    ]>
                        {weeks.into_iter().map(|w| view! {
                            <tr>
                                <td>{iso_date(&w.week)}</td>
                                <td>{w.estimated_minutes}</td>
                                <td>{w.corrected_minutes.map(|m| m.to_string()).unwrap_or_else(|| "–".into())}</td>
                                <td>{w.minutes()}</td>
                            </tr>
                        }).collect_view()}
                    </Table>
                }.into_any()
            }}
            <form method="post" action=CorrectMinutes::PATH class="stack">
                <input type="hidden" name="patient_id" value=patient_id.to_string()/>
                <div class="field">
                    <label for="week">{td_string!(i18n, record.week_day).to_string()}</label>
                    {field_error(&flash, "week")}
                    <input id="week" name="week" type="date" required=true max=today.clone() value=flash.value("week").unwrap_or(today)
                        aria-invalid=flash.error("week").map(|_| "true") aria-describedby=described(&flash, "week")/>
                </div>
                <div class="field">
                    <label for="week_minutes">{td_string!(i18n, record.minutes).to_string()}</label>
                    {field_error(&flash, "week_minutes")}
                    <input id="week_minutes" name="week_minutes" type="number" inputmode="numeric" min="0" max="6000" required=true value=flash.value("week_minutes")
                        aria-invalid=flash.error("week_minutes").map(|_| "true") aria-describedby=described(&flash, "week_minutes")/>
                </div>
                <button type="submit" class="button secondary">{td_string!(i18n, record.save_minutes).to_string()}</button>
            </form>
        </section>
    }
}

/// One event in words, with a link to it where it has a page of its own.
fn event_view(patient_id: i64, e: Event) -> impl IntoView {
    let i18n = locale();
    let lang = i18n.as_str();
    let who = e.who.clone().unwrap_or_default();
    let module = e.number.unwrap_or_default().to_string();
    let (text, href) = match e.kind.as_str() {
        "enrolled" => {
            let title = e.detail.as_deref().and_then(|id| services().content.current(id).map(|(_, p)| p.title.get(lang).to_string())).unwrap_or_default();
            (td_string!(i18n, timeline.enrolled).replace("{programme}", &title), None)
        }
        "module_opened" => (td_string!(i18n, timeline.module_opened).replace("{module}", &module).replace("{who}", &who), None),
        "homework" => (td_string!(i18n, timeline.homework).replace("{module}", &module), Some(staff_homework_path(patient_id, e.reference, e.number.unwrap_or_default() as usize))),
        "feedback" => (td_string!(i18n, timeline.feedback).replace("{module}", &module).replace("{who}", &who), Some(staff_homework_path(patient_id, e.reference, e.number.unwrap_or_default() as usize))),
        "patient_message" => (td_string!(i18n, timeline.patient_message).to_string(), Some("#messages".to_string())),
        "staff_message" => (td_string!(i18n, timeline.staff_message).replace("{who}", &who), Some("#messages".to_string())),
        "response" => {
            let instrument = e.detail.as_deref().and_then(instruments::by_id);
            let name = instrument.map(|i| i.abbreviation).unwrap_or_default();
            let total = e.number.unwrap_or_default();
            let band = instrument.and_then(|i| i.band(u16::try_from(total).unwrap_or(0))).map(|b| format!(" ({})", b.label.get(lang))).unwrap_or_default();
            let key = if e.corrects.is_some() { td_string!(i18n, timeline.response_corrected) } else { td_string!(i18n, timeline.response) };
            (key.replace("{instrument}", name).replace("{total}", &total.to_string()).replace("{band}", &band), Some(format!("/patients/{patient_id}/responses/{}", e.reference)))
        }
        "contact" => (
            td_string!(i18n, timeline.contact)
                .replace("{kind}", &contact_kind(e.detail.as_deref().unwrap_or_default()))
                .replace("{minutes}", &e.number.unwrap_or_default().to_string())
                .replace("{who}", &who),
            Some("#contacts".to_string()),
        ),
        _ => {
            let key = if e.corrects.is_some() { td_string!(i18n, timeline.note_corrected) } else { td_string!(i18n, timeline.note) };
            (key.replace("{kind}", &note_kind(e.detail.as_deref().unwrap_or_default())).replace("{who}", &who), Some("#notes".to_string()))
        }
    };
    view! {
        <li>
            <span class="when">{date(e.at)}" "{clock(e.at)}</span>" "
            {match href {
                Some(href) => view! { <a href=href>{text}</a> }.into_any(),
                None => text.into_any(),
            }}
        </li>
    }
}

#[component]
fn TimelineSection(patient_id: i64, events: Vec<Event>) -> impl IntoView {
    let i18n = locale();
    view! {
        <section aria-labelledby="timeline-heading" id="timeline">
            <h2 id="timeline-heading">{td_string!(i18n, record.timeline).to_string()}</h2>
            <p class="hint">{td_string!(i18n, record.timeline_intro).replace("{n}", &timeline::LIMIT.to_string())}</p>
            {if events.is_empty() {
                view! { <p>{td_string!(i18n, record.no_events).to_string()}</p> }.into_any()
            } else {
                view! { <ol class="timeline">{events.into_iter().map(|e| event_view(patient_id, e)).collect_view()}</ol> }.into_any()
            }}
        </section>
    }
}
