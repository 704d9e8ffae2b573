//! Questionnaires and progress. The patient's: what is due (asked for before they reach
//! their modules), the questionnaire form, and their progress with charts in plain words. The
//! therapist's: each measure with its numbers and bands, the outcome so far, and the answers
//! item by item. Addresses carry ids only: an instrument's name can say what someone is
//! treated for.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use stegvis_content::{
    instruments::{Change, Instrument, InstrumentText, Item, NOT_APPLICABLE},
    outcomes::Outcome,
    schedule::Occasion,
};
use stegvis_platform::{
    access::PatientAccess,
    dates,
    enrolments::{self, Overview},
    measurement::{self, Measured, Questionnaire, Response},
    Error,
};

use crate::{
    api::measurement::{questionnaire_path, AnswerQuestionnaire, PendingAnswers, PostponeQuestionnaires, MY_ANSWERS_PATH, PENDING_ANSWERS_KEY},
    chart::{Cell, ChartBand, ChartPoint, ScoreChart},
    components::{date, error_text, iso_date, load, FlashMessages, Heading},
    context::{locale, request_id, require_viewer, services, session, Flash},
    i18n::*,
    pages::programmes::ProgrammeFacts,
};

/// The viewer's questionnaires due now (none for staff).
pub async fn due_now() -> Result<Vec<Questionnaire>, Error> {
    let services = services();
    measurement::due_for_viewer(&services.db.pool, &services.content, &*require_viewer()?).await
}

/// Sends a patient with questionnaires due (and not put off) to them first. Pages on the way
/// to the modules return what this gives them, if anything.
pub fn questionnaires_first(due: &[Questionnaire]) -> Option<AnyView> {
    let at = stegvis_platform::now();
    due.iter().any(|q| q.blocks(at)).then(|| {
        leptos_axum::redirect("/questionnaires");
        ().into_any()
    })
}

/// "Uke 4" for the chart's axis.
fn occasion_short(occasion: Occasion) -> String {
    let i18n = locale();
    match occasion {
        Occasion::Start => td_string!(i18n, measures.at_start_short).to_string(),
        Occasion::Week(n) => td_string!(i18n, measures.week_short).replace("{n}", &(n + 1).to_string()),
        Occasion::End => td_string!(i18n, measures.at_end_short).to_string(),
        Occasion::FollowUp(m) => td_string!(i18n, measures.follow_up_short).replace("{n}", &m.to_string()),
    }
}

/// "Oppfølging etter 3 måneder" for lists.
fn occasion_long(key: &str) -> String {
    let i18n = locale();
    match Occasion::parse(key) {
        Some(Occasion::Start) => td_string!(i18n, measures.at_start).to_string(),
        Some(Occasion::Week(n)) => td_string!(i18n, measures.week).replace("{n}", &(n + 1).to_string()),
        Some(Occasion::End) => td_string!(i18n, measures.at_end).to_string(),
        Some(Occasion::FollowUp(m)) => td_string!(i18n, measures.follow_up).replace("{n}", &m.to_string()),
        None => key.to_string(),
    }
}

fn instrument_title(instrument: &Instrument, text: Option<&InstrumentText>) -> String {
    let lang = locale().as_str();
    text.map(|t| t.title.get(lang).to_string()).unwrap_or_else(|| instrument.name.get(lang).to_string())
}

// ---- the patient's questionnaires ---------------------------------------------------------

#[component]
pub fn QuestionnairesPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        let organisation_id = viewer.organisation_id()?;
        viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
        let pool = &services().db.pool;
        let due = due_now().await?;
        let flash = Flash::take().await;
        let at = stegvis_platform::now();
        let can_postpone = due.iter().any(Questionnaire::can_postpone);
        let mut items = Vec::new();
        for q in &due {
            let instrument = q.instrument()?;
            let text = measurement::text(pool, organisation_id, instrument).await?;
            let postponed = q.postponed_until.filter(|until| *until > at).map(|until| {
                view! { <p class="hint">{td_string!(i18n, measures.postponed_until).replace("{date}", &date(until)).replace("{time}", &crate::components::clock(until))}</p> }
            });
            items.push(view! {
                <li class="card">
                    <h2 class="h3"><a href=questionnaire_path(q.id)>{instrument_title(instrument, text.as_ref())}</a></h2>
                    <p>{occasion_long(&q.occasion)}" · "{td_string!(i18n, measures.items_count).replace("{n}", &instrument.items.len().to_string())}</p>
                    {postponed}
                </li>
            });
        }
        let body = if due.is_empty() {
            view! {
                <p>{td_string!(i18n, measures.nothing_due).to_string()}</p>
                <p><a href="/progress">{td_string!(i18n, measures.see_progress).to_string()}</a></p>
            }
            .into_any()
        } else {
            view! {
                <p class="lead">{td_string!(i18n, measures.due_intro).to_string()}</p>
                <ul class="plain stack">{items}</ul>
                <p><a class="button" href=questionnaire_path(due[0].id)>{td_string!(i18n, measures.start_answering).to_string()}</a></p>
                {can_postpone.then(|| view! {
                    <form method="post" action=PostponeQuestionnaires::PATH class="stack">
                        <p class="hint">{td_string!(i18n, measures.postpone_hint).to_string()}</p>
                        <button type="submit" class="button secondary">{td_string!(i18n, measures.postpone).to_string()}</button>
                    </form>
                })}
            }
            .into_any()
        };
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, measures.due_title).to_string()/>
            <FlashMessages flash/>
            {body}
        })
    })
}

#[component]
pub fn QuestionnairePage() -> impl IntoView {
    let i18n = locale();
    let id = use_params_map().read_untracked().get("id").and_then(|s| s.parse::<i64>().ok());
    let correct = use_query_map().read_untracked().get("correct").and_then(|s| s.parse::<i64>().ok());
    load(async move {
        let viewer = require_viewer()?;
        let services = services();
        let pool = &services.db.pool;
        let questionnaire = measurement::own(pool, &viewer, id.ok_or(Error::NotFound)?).await?;
        let instrument = questionnaire.instrument()?;
        let text = measurement::text(pool, viewer.organisation_id()?, instrument).await?.ok_or(Error::NotFound)?;
        let answered: Vec<Response> = measurement::responses(pool, viewer.membership()?.patient_id.ok_or(Error::NotFound)?, true)
            .await?
            .into_iter()
            .filter(|r| r.questionnaire_id == questionnaire.id)
            .collect();
        let corrects = match correct {
            Some(r) => Some(answered.iter().find(|a| a.id == r).cloned().ok_or(Error::NotFound)?),
            None => None,
        };
        let title = instrument_title(instrument, Some(&text));
        let flash = Flash::take().await;
        let closed = dates::format(dates::today()) >= questionnaire.closes_on;
        if corrects.is_none() && !answered.is_empty() || closed {
            return Ok::<_, Error>(view! {
                <Title text=td_string!(i18n, measures.questionnaire).to_string()/>
                <h1>{title}</h1>
                <p>{if closed { td_string!(i18n, measures.closed) } else { td_string!(i18n, measures.already_answered) }.to_string()}</p>
                <p><a href="/progress">{td_string!(i18n, measures.see_progress).to_string()}</a></p>
            }
            .into_any());
        }
        // What to show ticked: the answers just refused, or typed before a new log-in, or
        // (for a correction) the answers being corrected.
        let pending = match session().await {
            Ok(s) => s.remove::<PendingAnswers>(PENDING_ANSWERS_KEY).await.ok().flatten().filter(|p| p.questionnaire == questionnaire.id),
            Err(_) => None,
        };
        let chosen = |item: &Item| -> Option<String> {
            let key = Instrument::form_key(item);
            flash.value(&key).or_else(|| pending.as_ref().and_then(|p| p.values.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()))).or_else(|| {
                let old = corrects.as_ref()?;
                let index = instrument.items.iter().position(|i| i.id == item.id)?;
                Some(match old.values().get(index).copied().flatten() {
                    Some(v) => v.to_string(),
                    None => NOT_APPLICABLE.to_string(),
                })
            })
        };
        let lang = i18n.as_str();
        let mut blocks = Vec::new();
        let mut items = instrument.items.iter().peekable();
        while let Some(item) = items.next() {
            let number = instrument.question_number(item.id).unwrap_or_default();
            match item.group {
                None => {
                    blocks.push(item_fieldset(item, &text, Some(number), chosen(item), flash.error(item.id)).into_any());
                }
                Some(group) => {
                    let mut members = vec![item];
                    while let Some(next) = items.next_if(|i| i.group == Some(group)) {
                        members.push(next);
                    }
                    let inner = members.into_iter().map(|m| item_fieldset(m, &text, None, chosen(m), flash.error(m.id))).collect_view();
                    blocks.push(view! {
                        <fieldset class="item-group" id=group.to_string()>
                            <legend><span class="item-number">{format!("{number}.")}</span>" "{text.groups.get(group).map(|t| t.get(lang).to_string()).unwrap_or_default()}</legend>
                            {inner}
                        </fieldset>
                    }.into_any());
                }
            }
        }
        Ok(view! {
            <Title text=td_string!(i18n, measures.questionnaire).to_string()/>
            <h1>{title}</h1>
            <FlashMessages flash=flash.clone()/>
            {corrects.is_some().then(|| view! { <p class="notice">{td_string!(i18n, measures.correcting).to_string()}</p> })}
            <p class="hint">{occasion_long(&questionnaire.occasion)}</p>
            {text.instructions.as_ref().map(|t| view! { <p class="lead">{t.get(lang).to_string()}</p> })}
            <form method="post" action=AnswerQuestionnaire::PATH class="questionnaire stack">
                <input type="hidden" name="questionnaire" value=questionnaire.id.to_string()/>
                {corrects.as_ref().map(|r| view! { <input type="hidden" name="corrects" value=r.id.to_string()/> })}
                {blocks}
                <button type="submit" class="button">{td_string!(i18n, measures.submit).to_string()}</button>
            </form>
            <p class="hint licence">{text.notice.get(lang).to_string()}</p>
        }
        .into_any())
    })
}

/// One item: a fieldset whose legend is the question, with a native radio button per answer.
/// The first radio button carries the item's id, so the error summary's link lands on it.
pub(crate) fn item_fieldset(item: &'static Item, text: &InstrumentText, number: Option<usize>, chosen: Option<String>, error: Option<String>) -> impl IntoView {
    let lang = locale().as_str();
    let name = Instrument::form_key(item);
    let question = text.question(item).map(|t| t.get(lang).to_string()).unwrap_or_default();
    let mut options: Vec<(String, String)> = text.labels(item).iter().enumerate().map(|(v, l)| (v.to_string(), l.get(lang).to_string())).collect();
    if item.may_not_apply {
        options.push((NOT_APPLICABLE.to_string(), text.not_applicable.as_ref().map(|t| t.get(lang).to_string()).unwrap_or_default()));
    }
    let error_id = format!("{}-error", item.id);
    let invalid = error.is_some();
    view! {
        <fieldset class="item" class:invalid=invalid aria-describedby=invalid.then(|| error_id.clone())>
            <legend>{number.map(|n| view! { <span class="item-number">{format!("{n}.")}</span>" " })}{question}</legend>
            {error.map(|code| view! { <p class="field-error" id=error_id.clone()>{error_text(&code)}</p> })}
            <div class="options">
                {options.into_iter().enumerate().map(|(i, (value, label))| {
                    let id = if i == 0 { item.id.to_string() } else { format!("{}-{}", item.id, value) };
                    let checked = chosen.as_deref() == Some(value.as_str());
                    view! {
                        <div class="choice">
                            <input type="radio" id=id.clone() name=name.clone() value=value checked=checked/>
                            <label for=id>{label}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

// ---- progress -----------------------------------------------------------------------------

/// Who the chart is for: the patient gets plain words, staff the numbers and bands.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Patient,
    Staff { patient_id: i64 },
}

fn chart_for(measured: &Measured, text: Option<&InstrumentText>, audience: Audience, id: String) -> impl IntoView {
    let i18n = locale();
    let lang = i18n.as_str();
    let instrument = measured.instrument;
    let first = measured.points[0].total;
    let last = measured.points.last().map(|p| p.total).unwrap_or(first);
    let staff = matches!(audience, Audience::Staff { .. });
    let bands: Vec<ChartBand> = instrument.bands.iter().map(|b| ChartBand { min: b.min, max: b.max, label: if staff { b.label.get(lang).to_string() } else { String::new() } }).collect();
    let band_name = |total: u16| instrument.band(total).map(|b| b.label.get(lang).to_string()).unwrap_or_else(|| "–".into());
    let change = instrument.change(first, last);
    let summary = if staff {
        let mut s = td_string!(i18n, measures.staff_summary)
            .replace("{first}", &first.to_string())
            .replace("{first_band}", &band_name(first))
            .replace("{last}", &last.to_string())
            .replace("{last_band}", &band_name(last))
            .replace("{n}", &measured.points.len().to_string());
        s.push(' ');
        s.push_str(&match change {
            Change::Improved => td_string!(i18n, measures.change_improved),
            Change::Deteriorated => td_string!(i18n, measures.change_deteriorated),
            Change::NoReliableChange => td_string!(i18n, measures.change_none),
            Change::Unknown => td_string!(i18n, measures.change_unknown),
        }.replace("{rc}", &instrument.reliable_change.unwrap_or_default().to_string()));
        s
    } else if measured.points.len() == 1 {
        td_string!(i18n, measures.patient_one).replace("{first}", &first.to_string())
    } else if last < first {
        td_string!(i18n, measures.patient_better).replace("{first}", &first.to_string()).replace("{last}", &last.to_string())
    } else if last > first && change != Change::NoReliableChange {
        td_string!(i18n, measures.patient_worse).replace("{first}", &first.to_string()).replace("{last}", &last.to_string())
    } else {
        td_string!(i18n, measures.patient_same).replace("{first}", &first.to_string()).replace("{last}", &last.to_string())
    };
    let mut headings = vec![td_string!(i18n, measures.when).to_string(), td_string!(i18n, measures.score).to_string(), td_string!(i18n, measures.date).to_string()];
    if staff {
        headings.push(td_string!(i18n, measures.band).to_string());
        headings.push(td_string!(i18n, measures.change_from_start).to_string());
        headings.push(td_string!(i18n, measures.answers).to_string());
    }
    let points = measured
        .points
        .iter()
        .map(|p| {
            let mut cells = vec![Cell::Text(iso_date(&p.due_on))];
            if let Audience::Staff { patient_id } = audience {
                cells.push(Cell::Text(band_name(p.total)));
                cells.push(Cell::Text(format!("{:+}", i32::from(p.total) - i32::from(first)).replace('-', "−")));
                cells.push(Cell::Link(format!("/patients/{patient_id}/responses/{}", p.response_id), td_string!(i18n, measures.see_answers).to_string()));
            }
            ChartPoint { label: occasion_short(p.occasion), value: p.total, cells }
        })
        .collect();
    let threshold = instrument.caseness.filter(|_| staff).map(|c| (c, td_string!(i18n, measures.caseness).replace("{n}", &c.to_string())));
    let title = format!("{}{}", instrument_title(instrument, text), if staff { String::new() } else { format!(" – {}", td_string!(i18n, measures.lower_is_better)) });
    view! { <ScoreChart id title max=instrument.max_total() bands threshold points summary headings/> }
}

fn abbreviation(id: &str) -> &'static str {
    stegvis_content::instruments::by_id(id).map(|i| i.abbreviation).unwrap_or_default()
}

/// The outcome so far, by the service's definitions.
fn outcome_view(outcome: Option<Outcome>) -> impl IntoView {
    let i18n = locale();
    let yes_no = |b: bool| if b { td_string!(i18n, measures.yes) } else { td_string!(i18n, measures.no) }.to_string();
    match outcome {
        None => view! { <p class="hint">{td_string!(i18n, measures.outcome_not_yet).to_string()}</p> }.into_any(),
        Some(o) => view! {
            <dl class="facts">
                <dt>{td_string!(i18n, measures.case_at_start).to_string()}</dt><dd>{yes_no(o.case_at_start)}</dd>
                <dt>{td_string!(i18n, measures.recovered).to_string()}</dt><dd>{if o.case_at_start { yes_no(o.recovered) } else { td_string!(i18n, measures.not_a_case).to_string() }}</dd>
                <dt>{td_string!(i18n, measures.reliable_improvement).to_string()}</dt><dd>{yes_no(o.reliable_improvement)}</dd>
                <dt>{td_string!(i18n, measures.reliable_recovery).to_string()}</dt><dd>{yes_no(o.reliable_recovery)}</dd>
                <dt>{td_string!(i18n, measures.reliable_deterioration).to_string()}</dt><dd>{yes_no(o.reliable_deterioration)}</dd>
                <dt>{td_string!(i18n, measures.finished_treatment).to_string()}</dt><dd>{yes_no(o.finished_treatment)}</dd>
            </dl>
            <p class="hint">{td_string!(i18n, measures.outcome_basis).replace("{depression}", abbreviation(&o.depression)).replace("{anxiety}", abbreviation(&o.anxiety))}</p>
        }
        .into_any(),
    }
}

/// Each measure of an enrolment as a chart, for the patient or for staff.
async fn measures_of(overview: &Overview, responses: &[Response], audience: Audience) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let services = services();
    let pool = &services.db.pool;
    let organisation_id = require_viewer()?.organisation_id()?;
    let measured = measurement::progress(responses, overview.enrolment.id);
    let mut charts = Vec::new();
    for m in &measured {
        let text = measurement::text(pool, organisation_id, m.instrument).await?;
        charts.push(chart_for(m, text.as_ref(), audience, format!("chart-{}-{}", overview.enrolment.id, m.instrument.id)));
    }
    let outcome = match audience {
        Audience::Staff { .. } => Some(outcome_view(measurement::outcome(pool, &measured, overview.enrolment.id).await?)),
        Audience::Patient => None,
    };
    Ok(view! {
        {if measured.is_empty() { Some(view! { <p class="hint">{td_string!(i18n, measures.no_scores).to_string()}</p> }) } else { None }}
        {charts}
        {outcome.map(|o| view! { <h4>{td_string!(i18n, measures.outcome).to_string()}</h4> {o} })}
    })
}

/// The patient's progress: each programme with its modules and weeks beside the scores.
#[component]
pub fn ProgressPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        let patient_id = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
        let services = services();
        let pool = &services.db.pool;
        let responses = measurement::responses(pool, patient_id, true).await?;
        let lang = i18n.as_str();
        let mut sections = Vec::new();
        for enrolment in enrolments::of_viewer(pool, &viewer).await? {
            let overview = enrolments::overview(pool, &services.content, enrolment).await?;
            let heading_id = format!("progress-{}", overview.enrolment.id);
            let charts = measures_of(&overview, &responses, Audience::Patient).await?;
            sections.push(view! {
                <section class="card" aria-labelledby=heading_id.clone()>
                    <h2 id=heading_id.clone()>{overview.programme.title.get(lang).to_string()}</h2>
                    <ProgrammeFacts overview=overview.clone()/>
                    {charts}
                </section>
            });
        }
        let today = dates::format(dates::today());
        let correctable = corrections(&responses, &today);
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, measures.progress_title).to_string()/>
            <FlashMessages flash=Flash::take().await/>
            <p class="lead">{td_string!(i18n, measures.progress_intro).to_string()}</p>
            {if sections.is_empty() { Some(view! { <p>{td_string!(i18n, measures.no_scores).to_string()}</p> }) } else { None }}
            {sections}
            {correctable}
            <section class="card" aria-labelledby="download-heading">
                <h2 id="download-heading">{td_string!(i18n, measures.download_title).to_string()}</h2>
                <p>{td_string!(i18n, measures.download_intro).to_string()}</p>
                <p><a href=MY_ANSWERS_PATH download="stegvis-svar.json">{td_string!(i18n, measures.download).to_string()}</a></p>
            </section>
        })
    })
}

/// The patient's answers they can still correct: those whose questionnaire is still open.
fn corrections(responses: &[Response], today: &str) -> Option<impl IntoView + use<>> {
    let i18n = locale();
    let open: Vec<&Response> = responses.iter().filter(|r| r.closes_on.as_str() > today).collect();
    (!open.is_empty()).then(|| {
        let rows = open
            .into_iter()
            .map(|r| {
                let name = r.instrument().map(|i| i.abbreviation).unwrap_or_default();
                view! {
                    <li>
                        {format!("{name}, {}: {} ", occasion_long(&r.occasion), r.total)}
                        <a href=format!("{}?correct={}", questionnaire_path(r.questionnaire_id), r.id)>{td_string!(i18n, measures.correct).to_string()}</a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="card" aria-labelledby="correct-heading">
                <h2 id="correct-heading">{td_string!(i18n, measures.correct_title).to_string()}</h2>
                <p class="hint">{td_string!(i18n, measures.correct_intro).to_string()}</p>
                <ul>{rows}</ul>
            </section>
        }
    })
}

// ---- staff --------------------------------------------------------------------------------

/// The measures of each of a patient's programmes, for their record.
pub async fn patient_measures(access: &PatientAccess) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let lang = i18n.as_str();
    let services = services();
    let pool = &services.db.pool;
    let responses = measurement::responses(pool, access.patient_id, true).await?;
    let mut sections = Vec::new();
    for enrolment in enrolments::of_patient(pool, access.patient_id).await? {
        let overview = enrolments::overview(pool, &services.content, enrolment).await?;
        let charts = measures_of(&overview, &responses, Audience::Staff { patient_id: access.patient_id }).await?;
        sections.push(view! {
            <h3>{overview.programme.title.get(lang).to_string()}</h3>
            {charts}
        });
    }
    Ok(view! {
        <section aria-labelledby="measures-heading" id="measures">
            <h2 id="measures-heading">{td_string!(i18n, measures.title).to_string()}</h2>
            {if sections.is_empty() { Some(view! { <p>{td_string!(i18n, measures.no_scores).to_string()}</p> }) } else { None }}
            {sections}
        </section>
    })
}

/// One response item by item, for staff (audited).
#[component]
pub fn StaffResponsePage() -> impl IntoView {
    let i18n = locale();
    let params = use_params_map().read_untracked().clone();
    let patient = params.get("id").and_then(|s| s.parse::<i64>().ok());
    let response_id = params.get("response").and_then(|s| s.parse::<i64>().ok());
    load(async move {
        let viewer = require_viewer()?;
        let pool = &services().db.pool;
        let access = viewer.patient(pool, patient.ok_or(Error::NotFound)?).await?;
        let response = measurement::response_as_staff(pool, &access, response_id.ok_or(Error::NotFound)?, &request_id()).await?;
        let instrument = response.instrument().ok_or(Error::NotFound)?;
        let text = measurement::text(pool, access.organisation_id, instrument).await?;
        let lang = i18n.as_str();
        let values = response.values();
        let risk = instrument.risk_items(&values);
        let rows = instrument
            .items
            .iter()
            .zip(values.iter().copied())
            .enumerate()
            .map(|(n, (item, value))| {
                let question = text.as_ref().and_then(|t| t.question(item)).map(|t| t.get(lang).to_string()).unwrap_or_else(|| item.id.to_string());
                let label = match value {
                    Some(v) => text.as_ref().and_then(|t| t.labels(item).get(usize::from(v))).map(|l| format!("{v} – {}", l.get(lang))).unwrap_or_else(|| v.to_string()),
                    None => text.as_ref().and_then(|t| t.not_applicable.as_ref()).map(|t| t.get(lang).to_string()).unwrap_or_else(|| "–".into()),
                };
                let is_risk = risk.contains(&item.id);
                view! {
                    <tr class:risk=is_risk>
                        <td>{(n + 1).to_string()}</td>
                        <td>{question}</td>
                        <td>{label}{is_risk.then(|| view! { " " <strong class="badge risk">{td_string!(i18n, measures.risk_answer).to_string()}</strong> })}</td>
                    </tr>
                }
            })
            .collect_view();
        let total = u16::try_from(response.total).unwrap_or_default();
        let band = instrument.band(total).map(|b| format!(" ({})", b.label.get(lang))).unwrap_or_default();
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, measures.answers_title).to_string()/>
            <nav class="breadcrumb" aria-label=td_string!(i18n, programme.breadcrumb).to_string()>
                <a href=format!("/patients/{}#measures", access.patient_id)>{td_string!(i18n, patient.title).to_string()}</a>
            </nav>
            <dl class="facts">
                <dt>{td_string!(i18n, measures.questionnaire).to_string()}</dt><dd>{instrument_title(instrument, text.as_ref())}</dd>
                <dt>{td_string!(i18n, measures.when).to_string()}</dt><dd>{occasion_long(&response.occasion)}</dd>
                <dt>{td_string!(i18n, measures.submitted).to_string()}</dt><dd>{date(response.submitted_at)}" "{crate::components::clock(response.submitted_at)}</dd>
                <dt>{td_string!(i18n, measures.score).to_string()}</dt><dd>{format!("{total}{band}")}</dd>
            </dl>
            {response.corrects.map(|_| view! { <p class="notice">{td_string!(i18n, measures.is_correction).to_string()}</p> })}
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{td_string!(i18n, measures.item_number).to_string()}</th>
                        <th scope="col">{td_string!(i18n, measures.item).to_string()}</th>
                        <th scope="col">{td_string!(i18n, measures.answer).to_string()}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })
    })
}
