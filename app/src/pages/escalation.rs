//! Escalation and stepped care in the interface: the patient's help page (crisis information,
//! with "I need more help"), their step; the record's flags with the decision form and the
//! step with its history; the printable handover summary; the organisation's ladder and
//! thresholds.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_params_map;
use stegvis_content::{
    flags::{self as rules, Kind},
    instruments,
    ladder::{Decision, Step, StepKind, DISCHARGED},
};
use stegvis_platform::{
    access::{PatientAccess, Viewer},
    flags::{self, Flag},
    measurement,
    org::Role,
    steps::{self, Handover},
    Error,
};

use crate::{
    api::{
        escalation::{ChangeStep, CloseFlag, RequestHelp, SaveFlagRules, SaveLadder},
        guidance::client_key,
    },
    chart::{ChartBand, ChartPoint, ScoreChart},
    components::{date, iso_date, load, FlashMessages, Heading, Table},
    context::{locale, request_id, require_viewer, services, Flash},
    i18n::*,
    pages::{
        guidance::{described, field_error},
        worksheet::AnswersView,
    },
};

pub fn flag_kind_text(kind: &str) -> String {
    flag_kind_in(locale(), kind)
}

fn flag_kind_in(i18n: Locale, kind: &str) -> String {
    match Kind::parse(kind) {
        Some(Kind::Risk) => td_string!(i18n, flags.kind_risk),
        Some(Kind::Severe) => td_string!(i18n, flags.kind_severe),
        Some(Kind::Deterioration) => td_string!(i18n, flags.kind_deterioration),
        Some(Kind::NonResponse) => td_string!(i18n, flags.kind_non_response),
        Some(Kind::Inactivity) => td_string!(i18n, flags.kind_inactivity),
        Some(Kind::HelpRequest) => td_string!(i18n, flags.kind_help_request),
        Some(Kind::OverdueGuidance) | None => td_string!(i18n, flags.kind_overdue_guidance),
    }
    .to_string()
}

pub fn urgency_text(urgency: &str) -> String {
    let i18n = locale();
    match urgency {
        "urgent" => td_string!(i18n, flags.urgent),
        "high" => td_string!(i18n, flags.high),
        _ => td_string!(i18n, flags.normal),
    }
    .to_string()
}

fn decision_text(decision: &str) -> String {
    decision_in(locale(), decision)
}

fn decision_in(i18n: Locale, decision: &str) -> String {
    match Decision::parse(decision) {
        Some(Decision::Continue) => td_string!(i18n, flags.decision_continue),
        Some(Decision::ContactPatient) => td_string!(i18n, flags.decision_contact_patient),
        Some(Decision::StepUp) => td_string!(i18n, flags.decision_step_up),
        Some(Decision::ReferSpecialist) => td_string!(i18n, flags.decision_refer_specialist),
        Some(Decision::ReferEmergency) => td_string!(i18n, flags.decision_refer_emergency),
        Some(Decision::StepDown) | None => td_string!(i18n, flags.decision_step_down),
    }
    .to_string()
}

fn step_kind_text(kind: StepKind) -> String {
    let i18n = locale();
    match kind {
        StepKind::Unguided => td_string!(i18n, ladder.kind_unguided),
        StepKind::Guided => td_string!(i18n, ladder.kind_guided),
        StepKind::WithContacts => td_string!(i18n, ladder.kind_with_contacts),
        StepKind::Specialist => td_string!(i18n, ladder.kind_specialist),
        StepKind::Emergency => td_string!(i18n, ladder.kind_emergency),
    }
    .to_string()
}

/// A step's name in the interface language; "discharged" and steps no longer on the ladder too.
fn step_name(ladder: &[Step], key: Option<&str>) -> String {
    let i18n = locale();
    match key {
        None => td_string!(i18n, ladder.no_step).to_string(),
        Some(DISCHARGED) => td_string!(i18n, ladder.discharged).to_string(),
        Some(key) => ladder.iter().find(|s| s.key == key).map(|s| s.name.get(i18n.as_str()).to_string()).unwrap_or_else(|| key.to_string()),
    }
}

/// What raised a flag, in words (an item or a measure; never the answer itself).
fn reason_text(flag: &Flag) -> String {
    let i18n = locale();
    let measure = |id: &str| instruments::by_id(id).map(|i| i.abbreviation.to_string());
    match flag.kind() {
        Some(Kind::Risk) => {
            let (instrument, number) = instruments::ALL
                .iter()
                .find_map(|i| i.question_number(&flag.reason).map(|n| (i.abbreviation, n)))
                .unwrap_or(("", 0));
            td_string!(i18n, flags.reason_item).replace("{measure}", instrument).replace("{n}", &number.to_string())
        }
        Some(Kind::Severe | Kind::Deterioration) => measure(&flag.reason).unwrap_or_default(),
        Some(Kind::OverdueGuidance) if flag.reason == "message" => td_string!(i18n, flags.reason_message).to_string(),
        Some(Kind::OverdueGuidance) => td_string!(i18n, flags.reason_homework).to_string(),
        _ => String::new(),
    }
}

// ---- the patient's side -------------------------------------------------------------------

/// The help page: crisis numbers, that Stegvis is not an emergency service and when the
/// therapist will see what they sent, and "I need more help". Plain HTML, no JavaScript needed.
#[component]
pub fn HelpPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        let membership = viewer.membership()?;
        membership.patient_id.ok_or(Error::NotFound)?;
        let flash = Flash::take().await;
        let services = services();
        let pool = &services.db.pool;
        let after_risk = flash.notice.as_deref() == Some("questionnaire_saved_risk");
        let thresholds = flags::thresholds(&mut *pool.acquire().await?, membership.organisation.id).await?;
        // The therapist is told at once, and the team lead at the end of the next working day
        // if nobody has acted: the patient is told that day.
        let seen_by = date(rules::escalates_at(&thresholds, stegvis_platform::now()) - 1);
        let due = measurement::due_for_viewer(pool, &services.content, &viewer).await?;
        let message_error = field_error(&flash, "message");
        Ok(view! {
            <Heading text=td_string!(i18n, help.title).to_string()/>
            <FlashMessages flash=flash.clone()/>
            {after_risk.then(|| view! { <p class="lead">{td_string!(i18n, help.after_risk).to_string()}</p> })}
            <CrisisNumbers/>
            <section aria-labelledby="when-heading" class="card">
                <h2 id="when-heading">{td_string!(i18n, help.when_title).to_string()}</h2>
                <p>{td_string!(i18n, help.when_text).replace("{date}", &seen_by)}</p>
            </section>
            <section aria-labelledby="more-help-heading" class="card" id="more-help">
                <h2 id="more-help-heading">{td_string!(i18n, help.more_title).to_string()}</h2>
                <p>{td_string!(i18n, help.more_intro).to_string()}</p>
                <form method="post" action=RequestHelp::PATH class="stack">
                    <input type="hidden" name="client_key" value=client_key()/>
                    <div class="field">
                        <label for="message">{td_string!(i18n, help.message_label).to_string()}</label>
                        <p class="hint" id="message-hint">{td_string!(i18n, help.message_hint).to_string()}</p>
                        {message_error}
                        <textarea id="message" name="message" rows="4" aria-describedby=format!("message-hint{}", described(&flash, "message").map(|d| format!(" {d}")).unwrap_or_default())
                            aria-invalid=flash.error("message").map(|_| "true")>{flash.value("message").unwrap_or_default()}</textarea>
                    </div>
                    <button type="submit" class="button">{td_string!(i18n, help.submit).to_string()}</button>
                </form>
            </section>
            {(!due.is_empty()).then(|| view! { <p><a class="button secondary" href="/questionnaires">{td_string!(i18n, help.continue_questionnaires).to_string()}</a></p> })}
            <p><a href="/">{td_string!(i18n, help.home).to_string()}</a></p>
        })
    })
}

/// Where to get help now. The numbers are links that call on a phone.
#[component]
pub fn CrisisNumbers() -> impl IntoView {
    let i18n = locale();
    let numbers = [
        ("113", td_string!(i18n, help.emergency)),
        ("116117", td_string!(i18n, help.legevakt)),
        ("116123", td_string!(i18n, help.mental_helse)),
        ("22400040", td_string!(i18n, help.kirkens_sos)),
    ];
    let shown = |n: &str| match n {
        "116117" => "116 117".to_string(),
        "116123" => "116 123".to_string(),
        "22400040" => "22 40 00 40".to_string(),
        other => other.to_string(),
    };
    view! {
        <section aria-labelledby="crisis-heading" class="card crisis">
            <h2 id="crisis-heading">{td_string!(i18n, help.crisis_title).to_string()}</h2>
            <p><strong>{td_string!(i18n, help.not_emergency).to_string()}</strong></p>
            <ul class="crisis-numbers">
                {numbers.into_iter().map(|(number, text)| view! {
                    <li><a href=format!("tel:{number}")>{shown(number)}</a>" – "{text.to_string()}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The patient's step on their home page: where they are and what happens next.
pub async fn patient_step(viewer: &Viewer) -> Result<Option<AnyView>, Error> {
    let i18n = locale();
    let lang = i18n.as_str();
    Ok(steps::of_viewer(&services().db.pool, viewer).await?.map(|s| {
        view! {
            <section aria-labelledby="step-heading" class="card">
                <h2 id="step-heading">{td_string!(i18n, ladder.your_step).to_string()}</h2>
                <p><strong>{s.step.name.get(lang).to_string()}</strong>" "<span class="hint">{td_string!(i18n, ladder.since).replace("{date}", &date(s.since))}</span></p>
                <p>{s.step.next.get(lang).to_string()}</p>
            </section>
        }
        .into_any()
    }))
}

// ---- the record ------------------------------------------------------------------------------

/// The top of the record: open flags (urgent ones first and unmistakable) with the decision
/// form, earlier flags, and the step with its history.
pub async fn flags_and_step(access: &PatientAccess, flash: &Flash) -> Result<AnyView, Error> {
    let i18n = locale();
    let pool = &services().db.pool;
    let all = flags::of_patient(pool, access.patient_id).await?;
    let mut conn = pool.acquire().await?;
    let ladder = steps::ladder(&mut conn, access.organisation_id).await?;
    let current = steps::current(&mut conn, access.patient_id).await?;
    drop(conn);
    let history = steps::history(pool, access.patient_id).await?;
    let (open, closed): (Vec<Flag>, Vec<Flag>) = all.into_iter().partition(|f| f.closed_at.is_none());
    let none_open = open.is_empty();
    let open_view = open
        .into_iter()
        .map(|f| view! { <OpenFlagCard flag=f ladder=ladder.clone() current=current.clone() flash=flash.clone() patient_id=access.patient_id/> })
        .collect_view();
    let closed_view = (!closed.is_empty()).then(|| {
        let headings = vec![
            td_string!(i18n, flags.raised).to_string(),
            td_string!(i18n, flags.flag).to_string(),
            td_string!(i18n, flags.decision).to_string(),
            td_string!(i18n, flags.note).to_string(),
            td_string!(i18n, flags.closed_by).to_string(),
        ];
        let ladder = ladder.clone();
        view! {
            <details>
                <summary>{td_string!(i18n, flags.earlier).replace("{n}", &closed.len().to_string())}</summary>
                <Table headings>
                    {closed.into_iter().map(|f| {
                        let decision = f.decision.as_deref().map(decision_text).unwrap_or_default();
                        let to = f.to_step.as_deref().map(|s| format!(" → {}", step_name(&ladder, Some(s)))).unwrap_or_default();
                        view! {
                            <tr>
                                <td>{date(f.raised_at)}</td>
                                <td>{flag_kind_text(&f.kind)}" "<span class="hint">{reason_text(&f)}</span></td>
                                <td>{decision}{to}</td>
                                <td class="prose-cell">{f.note.clone().unwrap_or_default()}</td>
                                <td>{f.closed_by_name.clone().unwrap_or_default()}" "{f.closed_at.map(date).unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </Table>
            </details>
        }
    });
    Ok(view! {
        <section aria-labelledby="flags-heading" id="flags">
            <h2 id="flags-heading">{td_string!(i18n, flags.title).to_string()}</h2>
            {none_open.then(|| view! { <p>{td_string!(i18n, flags.none_open).to_string()}</p> })}
            {open_view}
            <p class="hint">{td_string!(i18n, flags.intro).to_string()}</p>
            {closed_view}
        </section>
        <StepSection patient_id=access.patient_id ladder current history flash=flash.clone()/>
    }
    .into_any())
}

/// The options for a step: every step of the ladder, and discharge when `discharge`.
fn step_options(ladder: &[Step], chosen: &str, discharge: bool) -> impl IntoView {
    let i18n = locale();
    let lang = i18n.as_str();
    let mut options: Vec<(String, String)> = ladder.iter().map(|s| (s.key.clone(), s.name.get(lang).to_string())).collect();
    if discharge {
        options.push((DISCHARGED.to_string(), td_string!(i18n, ladder.discharged).to_string()));
    }
    view! {
        <option value="">{td_string!(i18n, ladder.choose_step).to_string()}</option>
        {options.into_iter().map(|(key, name)| {
            let selected = key == chosen;
            view! { <option value=key selected=selected>{name}</option> }
        }).collect_view()}
    }
}

#[component]
fn OpenFlagCard(flag: Flag, ladder: Vec<Step>, current: Option<String>, flash: Flash, patient_id: i64) -> impl IntoView {
    let i18n = locale();
    // The form's errors belong to the flag it was sent for.
    let mine = flash.value("flag_id").as_deref() == Some(flag.id.to_string().as_str()) && !flash.errors.is_empty();
    let flash = if mine { flash } else { Flash::default() };
    let id = flag.id;
    let card_id = format!("flag-{id}");
    let heading_id = format!("flag-{id}-heading");
    let labelled_by = heading_id.clone();
    // The card the form came back to uses the field names as ids, so the error summary's links
    // land on them; the other cards' ids carry their flag's id.
    let field = |name: &str| if mine { name.to_string() } else { format!("{name}-{id}") };
    let chosen_decision = flash.value("decision").unwrap_or_default();
    let chosen_step = flash.value("to_step").unwrap_or_default();
    let urgent = flag.is_urgent();
    let class = format!("card flag flag-{}", flag.urgency);
    let mut facts = vec![td_string!(i18n, flags.raised_on).replace("{date}", &format!("{} {}", date(flag.raised_at), crate::components::clock(flag.raised_at)))];
    if let Some(at) = flag.escalated_at {
        facts.push(td_string!(i18n, flags.escalated_on).replace("{date}", &date(at)));
    }
    let response_link = flag.response_id.map(|r| view! { <p><a href=format!("/patients/{patient_id}/responses/{r}")>{td_string!(i18n, flags.see_answers).to_string()}</a></p> });
    let decision_id = field("decision");
    let step_id = field("to_step");
    let note_id = field("note");
    view! {
        <article class=class id=card_id aria-labelledby=labelled_by>
            <h3 id=heading_id>
                <span class=if urgent { "badge risk" } else { "badge" }>{urgency_text(&flag.urgency)}</span>" "
                {flag_kind_text(&flag.kind)}
            </h3>
            <p>{reason_text(&flag)}</p>
            {flag.message.clone().map(|m| view! { <blockquote class="prose-cell">{m}</blockquote> })}
            <p class="hint">{facts.join(" · ")}</p>
            {response_link}
            <p class="hint">{td_string!(i18n, ladder.current).replace("{step}", &step_name(&ladder, current.as_deref()))}</p>
            <form method="post" action=CloseFlag::PATH class="stack">
                <input type="hidden" name="patient_id" value=patient_id.to_string()/>
                <input type="hidden" name="flag_id" value=id.to_string()/>
                <fieldset id=decision_id.clone()>
                    <legend>{td_string!(i18n, flags.decision).to_string()}</legend>
                    {field_error(&flash, "decision")}
                    {Decision::ALL.into_iter().map(|d| {
                        let input_id = format!("{decision_id}-{}", d.key());
                        view! {
                            <div class="choice">
                                <input type="radio" id=input_id.clone() name="decision" value=d.key() checked=chosen_decision == d.key()/>
                                <label for=input_id>{decision_text(d.key())}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for=step_id.clone()>{td_string!(i18n, flags.to_step).to_string()}</label>
                    <p class="hint" id=format!("{step_id}-hint")>{td_string!(i18n, flags.to_step_hint).to_string()}</p>
                    {field_error(&flash, "to_step")}
                    <select id=step_id.clone() name="to_step" aria-describedby=format!("{step_id}-hint")>{step_options(&ladder, &chosen_step, true)}</select>
                </div>
                <div class="field">
                    <label for=note_id.clone()>{td_string!(i18n, flags.note).to_string()}</label>
                    {field_error(&flash, "note")}
                    <textarea id=note_id name="note" rows="4" required=true aria-invalid=flash.error("note").map(|_| "true") aria-describedby=described(&flash, "note")>{flash.value("note").unwrap_or_default()}</textarea>
                </div>
                <button type="submit" class="button">{td_string!(i18n, flags.close).to_string()}</button>
            </form>
        </article>
    }
}

#[component]
fn StepSection(patient_id: i64, ladder: Vec<Step>, current: Option<String>, history: Vec<steps::StepChange>, flash: Flash) -> impl IntoView {
    let i18n = locale();
    let chosen = flash.value("new_step").unwrap_or_default();
    let headings = vec![
        td_string!(i18n, ladder.when).to_string(),
        td_string!(i18n, ladder.from_to).to_string(),
        td_string!(i18n, ladder.why).to_string(),
        td_string!(i18n, ladder.by).to_string(),
        td_string!(i18n, ladder.handover).to_string(),
    ];
    let rows = history
        .into_iter()
        .map(|c| {
            let why = if c.reason == "flag" { td_string!(i18n, ladder.why_flag) } else { td_string!(i18n, ladder.why_assessment) };
            let by = match &c.on_behalf_of_name {
                Some(absent) => td_string!(i18n, ladder.by_cover).replace("{name}", &c.changed_by_name).replace("{absent}", absent),
                None => c.changed_by_name.clone(),
            };
            view! {
                <tr>
                    <td>{date(c.changed_at)}</td>
                    <td>{step_name(&ladder, c.from_step.as_deref())}" → "{step_name(&ladder, Some(&c.to_step))}</td>
                    <td>{why.to_string()}<br/><span class="prose-cell">{c.note.clone()}</span></td>
                    <td>{by}</td>
                    <td><a href=format!("/patients/{patient_id}/handovers/{}", c.id)>{td_string!(i18n, ladder.open_handover).to_string()}</a></td>
                </tr>
            }
        })
        .collect_view();
    let label = if current.is_none() { td_string!(i18n, ladder.set_start) } else { td_string!(i18n, ladder.change) };
    view! {
        <section aria-labelledby="step-heading" id="step">
            <h2 id="step-heading">{td_string!(i18n, ladder.title).to_string()}</h2>
            <p><strong>{td_string!(i18n, ladder.current).replace("{step}", &step_name(&ladder, current.as_deref()))}</strong></p>
            <Table headings>{rows}</Table>
            <form method="post" action=ChangeStep::PATH class="stack" id="step-form">
                <input type="hidden" name="patient_id" value=patient_id.to_string()/>
                <div class="field">
                    <label for="new_step">{label.to_string()}</label>
                    <p class="hint" id="new_step-hint">{td_string!(i18n, ladder.assessment_hint).to_string()}</p>
                    {field_error(&flash, "new_step")}
                    <select id="new_step" name="new_step" required=true aria-describedby="new_step-hint">{step_options(&ladder, &chosen, true)}</select>
                </div>
                <div class="field">
                    <label for="step_note">{td_string!(i18n, ladder.note).to_string()}</label>
                    {field_error(&flash, "step_note")}
                    <textarea id="step_note" name="step_note" rows="3" required=true aria-invalid=flash.error("step_note").map(|_| "true")
                        aria-describedby=described(&flash, "step_note")>{flash.value("step_note").unwrap_or_default()}</textarea>
                </div>
                <button type="submit" class="button">{td_string!(i18n, ladder.save).to_string()}</button>
            </form>
        </section>
    }
}

// ---- the handover summary --------------------------------------------------------------------

pub fn handover_fhir_path(patient_id: i64, change_id: i64) -> String {
    format!("/downloads/patients/{patient_id}/handovers/{change_id}.json")
}

/// The handover summary of one step change, made to be printed (see the print stylesheet) or
/// exported as a FHIR document Bundle.
#[component]
pub fn HandoverPage() -> impl IntoView {
    let params = use_params_map().read_untracked().clone();
    let id = params.get("id").and_then(|s| s.parse::<i64>().ok());
    let change = params.get("change").and_then(|s| s.parse::<i64>().ok());
    load(async move {
        let viewer = require_viewer()?;
        let pool = &services().db.pool;
        let access = viewer.patient(pool, id.ok_or(Error::NotFound)?).await?;
        let change = change.ok_or(Error::NotFound)?;
        let handover = steps::handover(pool, &access, change, &request_id()).await?;
        Ok(view! { <HandoverView handover patient_id=access.patient_id change/> })
    })
}

#[component]
fn HandoverView(handover: Handover, patient_id: i64, change: i64) -> impl IntoView {
    let i18n = locale();
    let lang = i18n.as_str();
    let head = handover.head.clone();
    let ladder: Vec<Step> = [head.from.clone(), head.to.clone()].into_iter().flatten().collect();
    let to = head.to.as_ref().map(|s| s.name.get(lang).to_string()).unwrap_or_else(|| step_name(&ladder, Some(DISCHARGED)));
    let from = step_name(&ladder, head.from.as_ref().map(|s| s.key.as_str()));
    let why = if head.reason == "flag" { td_string!(i18n, ladder.why_flag) } else { td_string!(i18n, ladder.why_assessment) };
    let programmes = handover
        .programmes
        .into_iter()
        .enumerate()
        .map(|(n, p)| {
            let charts = p
                .measures
                .iter()
                .filter_map(|m| {
                    let instrument = instruments::by_id(&m.instrument_id)?;
                    let points: Vec<ChartPoint> = m.points.iter().map(|(due, _, total)| ChartPoint { label: iso_date(due), value: *total, cells: Vec::new() }).collect();
                    let bands = instrument.bands.iter().map(|b| ChartBand { min: b.min, max: b.max, label: b.label.get(lang).to_string() }).collect();
                    let threshold = instrument.caseness.map(|c| (c, td_string!(i18n, measures.caseness).to_string()));
                    let values: Vec<String> = m.points.iter().map(|(_, _, t)| t.to_string()).collect();
                    let summary = format!("{}: {}", instrument.abbreviation, values.join(" → "));
                    let headings = vec![td_string!(i18n, measures.date).to_string(), td_string!(i18n, measures.score).to_string()];
                    Some(view! { <ScoreChart id=format!("handover-{n}-{}", instrument.id) title=instrument.abbreviation.to_string() max=instrument.max_total() bands threshold points summary headings/> })
                })
                .collect_view();
            let modules = p.modules_done.iter().map(|(title, at)| view! { <li>{title.get(lang).to_string()}" "<span class="hint">{date(*at)}</span></li> }).collect_view();
            let key_points = p
                .key_points
                .into_iter()
                .map(|s| {
                    let title = s.worksheet.title.get(lang).to_string();
                    view! { <h4>{title}</h4> <AnswersView worksheet=s.worksheet answers=s.answers/> }
                })
                .collect_view();
            view! {
                <section class="handover-programme">
                    <h3>{p.title.get(lang).to_string()}" "<span class="hint">{format!("{} – {}", iso_date(&p.start_date), iso_date(&p.end_date))}</span></h3>
                    <h4>{td_string!(i18n, ladder.scores).to_string()}</h4>
                    {charts}
                    <h4>{td_string!(i18n, ladder.modules_done).to_string()}</h4>
                    <ul>{modules}</ul>
                    {key_points}
                </section>
            }
        })
        .collect_view();
    let flag_rows = handover
        .flags
        .iter()
        .map(|f| {
            view! {
                <tr>
                    <td>{date(f.raised_at)}</td>
                    <td>{flag_kind_text(&f.kind)}" "{reason_text(f)}</td>
                    <td>{f.decision.as_deref().map(decision_text).unwrap_or_else(|| td_string!(i18n, flags.still_open).to_string())}</td>
                    <td class="prose-cell">{f.note.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let title = td_string!(i18n, ladder.handover_title).replace("{name}", &handover.patient_name);
    view! {
        <Heading text=title/>
        <p class="no-print"><a href=format!("/patients/{patient_id}#step")>{td_string!(i18n, ladder.back_to_record).to_string()}</a>" · "
            <a href=handover_fhir_path(patient_id, change) download="">{td_string!(i18n, ladder.export_fhir).to_string()}</a></p>
        <p class="hint no-print">{td_string!(i18n, ladder.print_hint).to_string()}</p>
        <dl class="facts">
            <dt>{td_string!(i18n, ladder.organisation).to_string()}</dt><dd>{handover.organisation_name.clone()}</dd>
            <dt>{td_string!(i18n, ladder.when).to_string()}</dt><dd>{date(head.made_at)}</dd>
            <dt>{td_string!(i18n, ladder.by).to_string()}</dt><dd>{head.made_by.clone()}</dd>
            <dt>{td_string!(i18n, ladder.from_to).to_string()}</dt><dd>{from}" → "{to}</dd>
            <dt>{td_string!(i18n, ladder.why).to_string()}</dt><dd>{why.to_string()}</dd>
            <dt>{td_string!(i18n, ladder.note).to_string()}</dt><dd class="prose-cell">{head.note.clone()}</dd>
        </dl>
        <h2>{td_string!(i18n, ladder.programmes).to_string()}</h2>
        {programmes}
        <h2>{td_string!(i18n, flags.title).to_string()}</h2>
        <Table headings=vec![
            td_string!(i18n, flags.raised).to_string(),
            td_string!(i18n, flags.flag).to_string(),
            td_string!(i18n, flags.decision).to_string(),
            td_string!(i18n, flags.note).to_string(),
        ]>{flag_rows}</Table>
    }
}

/// The words of the handover's FHIR export in a language ("nb", "en").
pub fn handover_words(code: &str) -> steps::HandoverSections {
    let i18n = crate::mails::locale_of(code);
    steps::HandoverSections {
        title: td_string!(i18n, ladder.handover).to_string(),
        step: td_string!(i18n, ladder.title).to_string(),
        scores: td_string!(i18n, ladder.scores).to_string(),
        modules: td_string!(i18n, ladder.modules_done).to_string(),
        flags: td_string!(i18n, flags.title).to_string(),
        discharged: td_string!(i18n, ladder.discharged).to_string(),
        flag_line: |flag, code| {
            let i18n = crate::mails::locale_of(code);
            let decision = flag.decision.as_deref().map(|d| decision_in(i18n, d)).unwrap_or_else(|| td_string!(i18n, flags.still_open).to_string());
            let note = flag.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
            format!("{} {} – {decision}{note}", crate::components::date(flag.raised_at), flag_kind_in(i18n, &flag.kind))
        },
    }
}

// ---- the organisation's settings -----------------------------------------------------------

/// The admin page's ladder editor: one row per step, and a blank row to add one.
pub async fn ladder_settings(organisation_id: i64, flash: &Flash) -> Result<AnyView, Error> {
    let i18n = locale();
    let ladder = steps::ladder(&mut *services().db.pool.acquire().await?, organisation_id).await?;
    let rows = ladder.len() + 1;
    let value = |n: usize, field: &str, stored: String| flash.value(&format!("step.{n}.{field}")).unwrap_or(stored);
    let problem = flash.error("ladder");
    let rows_view = (0..rows)
        .map(|n| {
            let step = ladder.get(n);
            let get = |f: fn(&Step) -> String| step.map(f).unwrap_or_default();
            let key = value(n, "key", get(|s| s.key.clone()));
            let kind = value(n, "kind", get(|s| s.kind.key().to_string()));
            let legend = match step {
                Some(s) => td_string!(i18n, ladder.step_n).replace("{n}", &(n + 1).to_string()).replace("{name}", s.name.get(i18n.as_str())),
                None => td_string!(i18n, ladder.new_step).to_string(),
            };
            let input = |field: &'static str, label: String, stored: String| {
                let name = format!("step.{n}.{field}");
                view! {
                    <div class="field">
                        <label for=name.clone()>{label}</label>
                        {field_error(flash, &name)}
                        <input id=name.clone() name=name.clone() type="text" value=value(n, field, stored) aria-describedby=described(flash, &name)/>
                    </div>
                }
            };
            let kind_name = format!("step.{n}.kind");
            view! {
                <fieldset id=format!("step-{n}")>
                    <legend>{legend}</legend>
                    {input("key", td_string!(i18n, ladder.key).to_string(), key)}
                    <div class="field">
                        <label for=kind_name.clone()>{td_string!(i18n, ladder.kind).to_string()}</label>
                        <select id=kind_name.clone() name=kind_name>
                            {StepKind::ALL.into_iter().map(|k| view! { <option value=k.key() selected=kind == k.key()>{step_kind_text(k)}</option> }).collect_view()}
                        </select>
                    </div>
                    {input("name_nb", td_string!(i18n, ladder.name_nb).to_string(), get(|s| s.name.nb.clone()))}
                    {input("name_en", td_string!(i18n, ladder.name_en).to_string(), get(|s| s.name.en.clone()))}
                    {input("next_nb", td_string!(i18n, ladder.next_nb).to_string(), get(|s| s.next.nb.clone()))}
                    {input("next_en", td_string!(i18n, ladder.next_en).to_string(), get(|s| s.next.en.clone()))}
                    {step.map(|_| {
                        let remove = format!("step.{n}.remove");
                        view! {
                            <div class="choice">
                                <input type="checkbox" id=remove.clone() name=remove.clone() value="1"/>
                                <label for=remove>{td_string!(i18n, ladder.remove).to_string()}</label>
                            </div>
                        }
                    })}
                </fieldset>
            }
        })
        .collect_view();
    Ok(view! {
        <section aria-labelledby="ladder-heading" id="ladder">
            <h2 id="ladder-heading">{td_string!(i18n, ladder.admin_title).to_string()}</h2>
            <p class="hint">{td_string!(i18n, ladder.admin_intro).to_string()}</p>
            {problem.map(|code| view! { <p class="field-error">{crate::components::error_text(&code)}</p> })}
            <form method="post" action=SaveLadder::PATH class="stack">
                {rows_view}
                <button type="submit" class="button">{td_string!(i18n, ladder.save_ladder).to_string()}</button>
            </form>
        </section>
    }
    .into_any())
}

/// The admin page's flag thresholds, each with its default and allowed range.
pub async fn flag_rule_settings(organisation_id: i64, flash: &Flash) -> Result<AnyView, Error> {
    let i18n = locale();
    let thresholds = flags::thresholds(&mut *services().db.pool.acquire().await?, organisation_id).await?;
    let rows = rules::settings()
        .into_iter()
        .map(|s| {
            let name = format!("flag.{}", s.key);
            let what = match (s.kind, s.instrument, s.item) {
                (_, Some(i), Some(item)) => td_string!(i18n, flags.setting_item).replace("{measure}", i.abbreviation).replace("{n}", &i.question_number(item).unwrap_or_default().to_string()),
                (_, Some(i), None) => i.abbreviation.to_string(),
                _ => String::new(),
            };
            let label = match s.key.as_str() {
                rules::NON_RESPONSE_WEEK => td_string!(i18n, flags.setting_non_response_week).to_string(),
                rules::INACTIVITY_DAYS => td_string!(i18n, flags.setting_inactivity_days).to_string(),
                rules::OVERDUE_WORKING_DAYS => td_string!(i18n, flags.setting_overdue_days).to_string(),
                rules::ESCALATION => td_string!(i18n, flags.setting_escalation_days).to_string(),
                _ => format!("{}: {what}", flag_kind_text(s.kind.key())),
            };
            let hint = td_string!(i18n, flags.setting_hint).replace("{default}", &s.default.to_string()).replace("{min}", &s.min.to_string()).replace("{max}", &s.max.to_string());
            let hint_id = format!("{name}-hint");
            let described_by = [Some(hint_id.clone()), described(flash, &name)].into_iter().flatten().collect::<Vec<_>>().join(" ");
            view! {
                <div class="field">
                    <label for=name.clone()>{label}</label>
                    <p class="hint" id=hint_id>{hint}</p>
                    {field_error(flash, &name)}
                    <input id=name.clone() name=name.clone() type="number" inputmode="numeric" min=s.min.to_string() max=s.max.to_string()
                        value=flash.value(&name).unwrap_or_else(|| thresholds.get(&s.key).to_string()) aria-describedby=described_by
                        aria-invalid=flash.error(&name).map(|_| "true")/>
                </div>
            }
        })
        .collect_view();
    Ok(view! {
        <section aria-labelledby="flag-rules-heading" id="flag-rules">
            <h2 id="flag-rules-heading">{td_string!(i18n, flags.admin_title).to_string()}</h2>
            <p class="hint">{td_string!(i18n, flags.admin_intro).to_string()}</p>
            <form method="post" action=SaveFlagRules::PATH class="stack">
                {rows}
                <button type="submit" class="button">{td_string!(i18n, flags.save_rules).to_string()}</button>
            </form>
        </section>
    }
    .into_any())
}

/// The team lead's list of every open flag in the organisation, most urgent first.
pub async fn team_flags(viewer: &Viewer) -> Result<Option<AnyView>, Error> {
    if !viewer.has(Role::TeamLead) {
        return Ok(None);
    }
    let i18n = locale();
    let open = flags::open_in(&services().db.pool, viewer.organisation_id()?).await?;
    let headings = vec![
        td_string!(i18n, flags.urgency).to_string(),
        td_string!(i18n, flags.flag).to_string(),
        td_string!(i18n, caseload.patient).to_string(),
        td_string!(i18n, flags.raised).to_string(),
    ];
    Ok(Some(
        view! {
            <section aria-labelledby="team-flags-heading" id="team-flags">
                <h2 id="team-flags-heading">{td_string!(i18n, flags.team_title).to_string()}</h2>
                {if open.is_empty() {
                    view! { <p>{td_string!(i18n, flags.none_open).to_string()}</p> }.into_any()
                } else {
                    view! {
                        <Table headings>
                            {open.into_iter().map(|f| view! {
                                <tr class=format!("flag-{}", f.urgency)>
                                    <td><span class=if f.is_urgent() { "badge risk" } else { "badge" }>{urgency_text(&f.urgency)}</span>
                                        {f.escalated_at.map(|_| view! { " "<span class="hint">{td_string!(i18n, flags.escalated).to_string()}</span> })}</td>
                                    <td>{flag_kind_text(&f.kind)}</td>
                                    <th scope="row"><a href=format!("/patients/{}#flag-{}", f.patient_id, f.id)>{f.patient_name.clone()}</a></th>
                                    <td>{date(f.raised_at)}</td>
                                </tr>
                            }).collect_view()}
                        </Table>
                    }.into_any()
                }}
            </section>
        }
        .into_any(),
    ))
}
