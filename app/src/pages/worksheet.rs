//! Worksheets: the form a patient fills in (from the worksheet's definition and their draft)
//! and the read-only view of submitted answers that patient and therapist both see.

use leptos::{prelude::*, server_fn::ServerFn};
use stegvis_content::{
    answers::{self, Answers, RawAnswers, Value},
    Field, FieldKind, Worksheet,
};

use crate::{
    api::programmes::SaveHomework,
    components::{clock, error_text, iso_date},
    context::{locale, Flash},
    i18n::*,
    islands::Autosave,
};

/// Everything the homework form needs.
pub struct FormState {
    pub enrolment_id: i64,
    pub position: usize,
    pub pages: usize,
    pub guided: bool,
    pub raw: RawAnswers,
    pub saved_at: Option<i64>,
    pub flash: Flash,
}

#[component]
pub fn WorksheetForm(worksheet: Worksheet, state: FormState) -> impl IntoView {
    let i18n = locale();
    let lang = i18n.as_str();
    let saved = state.saved_at.map(|t| td_string!(i18n, homework.saved_at).replace("{time}", &clock(t))).unwrap_or_default();
    let fields = worksheet.fields.iter().map(|f| field_input(f, answers::key(&f.id), &state.raw, &state.flash, lang, true)).collect_view();
    let submit = if state.guided { td_string!(i18n, homework.submit) } else { td_string!(i18n, homework.submit_unguided) };
    view! {
        <form method="post" action=SaveHomework::PATH id="homework-form" class="stack worksheet" novalidate=true>
            <input type="hidden" name="enrolment" value=state.enrolment_id.to_string()/>
            <input type="hidden" name="module" value=state.position.to_string()/>
            <input type="hidden" name="pages" value=state.pages.to_string()/>
            // First in the form, so that Enter in a field saves the draft.
            <div class="save-bar">
                <Autosave
                    form_id="homework-form".to_string()
                    endpoint=crate::api::programmes::Autosave::PATH.to_string()
                    initial=saved
                    saved=td_string!(i18n, homework.saved_at).to_string()
                    failed=td_string!(i18n, homework.autosave_failed).to_string()
                />
                <button type="submit" name="action" value="save" class="button secondary">{td_string!(i18n, homework.save).to_string()}</button>
            </div>
            {fields}
            <p class="hint">{td_string!(i18n, homework.submit_hint).to_string()}</p>
            <div class="actions">
                <button type="submit" name="action" value="save" class="button secondary">{td_string!(i18n, homework.save).to_string()}</button>
                <button type="submit" name="action" value="submit" class="button">{submit.to_string()}</button>
            </div>
        </form>
    }
}

/// The label text with "(must be filled in)" where the answer is required.
fn label_text(field: &Field, lang: &str) -> String {
    let i18n = locale();
    let label = field.label.get(lang).to_string();
    if field.required {
        format!("{label} {}", td_string!(i18n, homework.required_marker))
    } else {
        label
    }
}

/// The error under a field and the ids that describe it.
fn described(key: &str, flash: &Flash, hint: Option<&str>) -> (Option<AnyView>, Option<String>, bool) {
    let error = flash.error(key);
    let error_id = format!("{key}-error");
    let ids: Vec<String> = hint.map(|h| h.to_string()).into_iter().chain(error.as_ref().map(|_| error_id.clone())).collect();
    let invalid = error.is_some();
    let view = error.map(|code| view! { <p class="field-error" id=error_id>{error_text(&code)}</p> }.into_any());
    (view, (!ids.is_empty()).then(|| ids.join(" ")), invalid)
}

fn field_input(field: &Field, key: String, raw: &RawAnswers, flash: &Flash, lang: &str, top: bool) -> AnyView {
    let i18n = locale();
    let help_id = format!("{key}-help");
    let help_text = field.help.as_ref().map(|h| h.get(lang).to_string());
    let (error, describedby, invalid) = described(&key, flash, help_text.as_ref().map(|_| help_id.as_str()));
    let help = help_text.map(|text| view! { <p class="hint" id=help_id.clone()>{text}</p> });
    let value = answers::value(raw, &key).to_string();
    let label = label_text(field, lang);
    let class = if top { "field" } else { "field cell" };
    let aria_invalid = invalid.then_some("true");
    // Single inputs get a label; choices, lists and rows are groups with a legend.
    let (grouped, input) = match &field.kind {
        FieldKind::Text { max_length } => (false,
            view! { <input type="text" id=key.clone() name=key.clone() value=value maxlength=max_length.to_string() aria-describedby=describedby.clone() aria-invalid=aria_invalid/> }.into_any()),
        FieldKind::LongText { max_length } => (false,
            view! { <textarea id=key.clone() name=key.clone() rows="4" maxlength=max_length.to_string() aria-describedby=describedby.clone() aria-invalid=aria_invalid>{value}</textarea> }.into_any()),
        FieldKind::Rating { min, max, .. } => (false,
            view! { <input type="number" inputmode="numeric" step="1" min=min.to_string() max=max.to_string() id=key.clone() name=key.clone() value=value class="number" aria-describedby=describedby.clone() aria-invalid=aria_invalid/> }.into_any()),
        FieldKind::Date => (false, view! { <input type="date" id=key.clone() name=key.clone() value=value aria-describedby=describedby.clone() aria-invalid=aria_invalid/> }.into_any()),
        FieldKind::Time => (false, view! { <input type="time" id=key.clone() name=key.clone() value=value aria-describedby=describedby.clone() aria-invalid=aria_invalid/> }.into_any()),
        FieldKind::Choice { options } | FieldKind::Choices { options } => {
            let many = matches!(field.kind, FieldKind::Choices { .. });
            let boxes = options
                .iter()
                .map(|o| {
                    let (name, checked) = if many {
                        let name = answers::option_key(&key, &o.id);
                        let checked = !answers::value(raw, &name).is_empty();
                        (name, checked)
                    } else {
                        (key.clone(), value == o.id)
                    };
                    let id = format!("{key}~{}", o.id);
                    view! {
                        <div class="choice">
                            <input type=if many { "checkbox" } else { "radio" } id=id.clone() name=name value=if many { "on".to_string() } else { o.id.clone() } checked=checked/>
                            <label for=id>{o.label.get(lang).to_string()}</label>
                        </div>
                    }
                })
                .collect_view();
            (true, view! { <div class="choices">{boxes}</div> }.into_any())
        }
        FieldKind::List { max_items, .. } => {
            let shown = answers::shown(raw, field);
            let lines = (0..shown)
                .map(|n| {
                    let item = answers::item_key(&field.id, n);
                    let line_label = td_string!(i18n, homework.line).replace("{n}", &(n + 1).to_string());
                    view! {
                        <li class="field cell">
                            <label for=item.clone() class="visually-hidden">{format!("{label}: {line_label}")}</label>
                            <input type="text" id=item.clone() name=item.clone() value=answers::value(raw, &item).to_string()/>
                        </li>
                    }
                })
                .collect_view();
            let add = add_button(&field.id, shown < *max_items, td_string!(i18n, homework.add_line).to_string());
            (true, view! { <ol class="lines">{lines}</ol> {add} }.into_any())
        }
        FieldKind::Rows { max_rows, columns, .. } => {
            let shown = answers::shown(raw, field);
            let rows = (0..shown)
                .map(|n| {
                    let cells = columns.iter().map(|c| field_input(c, answers::cell_key(&field.id, n, &c.id), raw, flash, lang, false)).collect_view();
                    let row_label = td_string!(i18n, homework.row).replace("{n}", &(n + 1).to_string());
                    view! {
                        <fieldset class="row" id=answers::item_key(&field.id, n)>
                            <legend>{row_label}</legend>
                            {cells}
                        </fieldset>
                    }
                })
                .collect_view();
            let add = add_button(&field.id, shown < *max_rows, td_string!(i18n, homework.add_row).to_string());
            (true, view! { {rows} {add} }.into_any())
        }
    };
    if grouped {
        view! {
            <fieldset id=key.clone() class=class class:invalid=invalid aria-describedby=describedby>
                <legend>{label}</legend>
                {help}
                {error}
                {input}
            </fieldset>
        }
        .into_any()
    } else {
        view! {
            <div class=class class:invalid=invalid>
                <label for=key.clone()>{label}</label>
                {help}
                {error}
                {input}
            </div>
        }
        .into_any()
    }
}

/// Shows one more row or line: a plain submit, so it works without JavaScript (the draft is
/// saved on the way).
fn add_button(field: &str, room: bool, text: String) -> Option<impl IntoView> {
    room.then(|| view! { <button type="submit" name="action" value=format!("add:{field}") class="button secondary small">{text}</button> })
}

/// Submitted answers, read-only, laid out like the form.
#[component]
pub fn AnswersView(worksheet: Worksheet, answers: Answers) -> impl IntoView {
    let i18n = locale();
    let lang = i18n.as_str();
    let empty = td_string!(i18n, homework.not_answered).to_string();
    let items = worksheet
        .fields
        .iter()
        .map(|f| {
            let value = answers.get(&f.id).map(|v| answer_text(f, v, lang)).unwrap_or_else(|| view! { <span class="muted">{empty.clone()}</span> }.into_any());
            view! { <dt>{f.label.get(lang).to_string()}</dt><dd>{value}</dd> }
        })
        .collect_view();
    view! { <dl class="answers">{items}</dl> }
}

fn answer_text(field: &Field, value: &Value, lang: &str) -> AnyView {
    let option = |id: &str| match &field.kind {
        FieldKind::Choice { options } | FieldKind::Choices { options } => {
            options.iter().find(|o| o.id == id).map(|o| o.label.get(lang).to_string()).unwrap_or_else(|| id.to_string())
        }
        _ => id.to_string(),
    };
    match (value, &field.kind) {
        (Value::Text(t), FieldKind::Date) => iso_date(t).into_any(),
        (Value::Text(t), FieldKind::Choice { .. }) => option(t).into_any(),
        (Value::Text(t), _) => view! { <span class="written">{t.clone()}</span> }.into_any(),
        (Value::Number(n), FieldKind::Rating { unit, .. }) => format!("{n}{}", unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default()).into_any(),
        (Value::Number(n), _) => n.to_string().into_any(),
        (Value::Many(items), FieldKind::List { .. }) => {
            view! { <ol>{items.iter().map(|i| view! { <li>{i.clone()}</li> }).collect_view()}</ol> }.into_any()
        }
        (Value::Many(items), _) => items.iter().map(|i| option(i)).collect::<Vec<_>>().join(", ").into_any(),
        (Value::Rows(rows), FieldKind::Rows { columns, .. }) => {
            let rows = rows
                .iter()
                .map(|row| {
                    let cells = columns
                        .iter()
                        .filter_map(|c| row.get(&c.id).map(|v| view! { <dt>{c.label.get(lang).to_string()}</dt><dd>{answer_text(c, v, lang)}</dd> }))
                        .collect_view();
                    view! { <li><dl class="answers compact">{cells}</dl></li> }
                })
                .collect_view();
            view! { <ol class="answer-rows">{rows}</ol> }.into_any()
        }
        (Value::Rows(_), _) => ().into_any(),
    }
}
