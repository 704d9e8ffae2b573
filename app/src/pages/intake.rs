//! Intake in the interface: the public self-referral form with its screening, the receipt
//! (with the crisis numbers after a risk answer), the team's intake queue, one referral with
//! its decisions, and the form staff use to enter a referral.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_params_map;
use stegvis_content::{instruments, ProgrammeKind};
use stegvis_platform::{
    dates,
    intake::{self, Referral},
    measurement, now,
    org::Role,
    patients, steps, Error,
};

use crate::{
    api::{
        intake::{Assess, BookAssessment, CloseReferral, PutOnWaitingList, SelfRefer, StaffRefer},
        records::AnswerDeletion,
    },
    components::{clock, date, load, Field, FlashMessages, Heading, Table},
    context::{locale, request_id, require_viewer, services, Flash},
    i18n::*,
    pages::{
        escalation::{flag_kind_text, CrisisNumbers},
        guidance::{described, field_error},
        measurement::item_fieldset,
    },
};

include!("intake_labels.rs");

/// A structured question as a fieldset of radio buttons; the first carries the field's id, so
/// the error summary's link lands on it.
#[component]
fn ChoiceGroup(field: &'static str, choices: &'static [&'static str], flash: Flash) -> impl IntoView {
    let i18n = locale();
    let chosen = flash.value(field);
    let error = flash.error(field);
    let invalid = error.is_some();
    view! {
        <fieldset class="item" class:invalid=invalid aria-describedby=described(&flash, field)>
            <legend>{question_label(i18n, field)}</legend>
            {field_error(&flash, field)}
            <div class="options">
                {choices.iter().enumerate().map(|(i, key)| {
                    let id = if i == 0 { field.to_string() } else { format!("{field}-{key}") };
                    let checked = chosen.as_deref() == Some(*key);
                    view! {
                        <div class="choice">
                            <input type="radio" id=id.clone() name=field value=*key checked=checked/>
                            <label for=id>{choice_label(i18n, field, key)}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// The fields of a referral, shared by the public form and the staff form: who, about them,
/// what they want help with, the screening questionnaires and consent.
async fn referral_fields(organisation_id: i64, flash: &Flash, staff: bool) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let pool = &services().db.pool;
    let mut screening = Vec::new();
    let always = intake::SCREENING.iter().map(|id| (None, instruments::by_id(id).expect("screening instruments exist")));
    let by_problem = intake::problem_measures(pool, organisation_id).await?.into_iter().map(|(problem, instrument)| (Some(problem), instrument));
    for (problem, instrument) in always.chain(by_problem) {
        let text = measurement::text(pool, organisation_id, instrument).await?.ok_or(Error::NotFound)?;
        let lang = i18n.as_str();
        let id = instrument.id;
        let title = text.title.get(lang).to_string();
        let instructions = text.instructions.as_ref().map(|t| t.get(lang).to_string());
        let items = instrument
            .items
            .iter()
            .map(|item| item_fieldset(item, &text, instrument.question_number(item.id), flash.value(&instruments::Instrument::form_key(item)), flash.error(item.id)))
            .collect_view();
        let notice = text.notice.get(lang).to_string();
        // Asked only of those who name this main problem; the style sheet hides it otherwise.
        let only_for = problem.map(|p| td_string!(i18n, intake.only_for_problem).replace("{problem}", &choice_label(i18n, "main_problem", p)));
        screening.push(view! {
            <section class="card questionnaire" aria-labelledby=format!("{id}-heading") data-problem=problem>
                <h2 id=format!("{id}-heading")>{title}</h2>
                {only_for.map(|t| view! { <p class="lead">{t}</p> })}
                {instructions.map(|t| view! { <p class="lead">{t}</p> })}
                {items}
                <p class="hint licence">{notice}</p>
            </section>
        });
    }
    let message_value = flash.value("message").unwrap_or_default();
    let consent_checked = flash.value("consent").as_deref() == Some("yes");
    Ok(view! {
        <section class="card stack" aria-labelledby="who-heading">
            <h2 id="who-heading">{td_string!(i18n, intake.who_title).to_string()}</h2>
            <Field name="name" label=td_string!(i18n, intake.name).to_string() flash=flash.clone() autocomplete="name" keep_value=true/>
            <Field name="email" label=td_string!(i18n, intake.email).to_string() flash=flash.clone() kind="email" autocomplete="email" keep_value=true hint=td_string!(i18n, intake.email_hint).to_string()/>
            <div class="field" class:invalid=flash.error("phone").is_some()>
                <label for="phone">{td_string!(i18n, intake.phone).to_string()}</label>
                {field_error(flash, "phone")}
                <input id="phone" name="phone" type="tel" autocomplete="tel" value=flash.value("phone") aria-describedby=described(flash, "phone")/>
            </div>
            <div class="field" class:invalid=flash.error("birth_year").is_some()>
                <label for="birth_year">{td_string!(i18n, intake.birth_year).to_string()}</label>
                <p class="hint" id="birth_year-hint">{td_string!(i18n, intake.birth_year_hint).to_string()}</p>
                {field_error(flash, "birth_year")}
                <input id="birth_year" name="birth_year" inputmode="numeric" autocomplete="bday-year" size="4" value=flash.value("birth_year")
                    aria-describedby=format!("birth_year-hint{}", described(flash, "birth_year").map(|d| format!(" {d}")).unwrap_or_default())/>
            </div>
            {staff.then(|| view! { <ChoiceGroup field="source" choices=intake::SOURCES flash=flash.clone()/> })}
        </section>
        <section class="card stack" aria-labelledby="about-heading">
            <h2 id="about-heading">{td_string!(i18n, intake.about_title).to_string()}</h2>
            <p class="hint">{td_string!(i18n, intake.about_why).to_string()}</p>
            <ChoiceGroup field="gender" choices=intake::GENDERS flash=flash.clone()/>
            <ChoiceGroup field="education" choices=intake::EDUCATION flash=flash.clone()/>
            <ChoiceGroup field="work" choices=intake::WORK flash=flash.clone()/>
            <ChoiceGroup field="immigrant" choices=intake::IMMIGRANT flash=flash.clone()/>
        </section>
        <section class="card stack" aria-labelledby="help-heading">
            <h2 id="help-heading">{td_string!(i18n, intake.help_title).to_string()}</h2>
            <ChoiceGroup field="main_problem" choices=intake::MAIN_PROBLEMS flash=flash.clone()/>
            <ChoiceGroup field="duration" choices=intake::DURATIONS flash=flash.clone()/>
            <ChoiceGroup field="earlier_help" choices=intake::EARLIER_HELP flash=flash.clone()/>
            <ChoiceGroup field="medication" choices=intake::MEDICATION flash=flash.clone()/>
            <div class="field" class:invalid=flash.error("message").is_some()>
                <label for="message">{td_string!(i18n, intake.message).to_string()}</label>
                <p class="hint" id="message-hint">{td_string!(i18n, intake.message_hint).to_string()}</p>
                {field_error(flash, "message")}
                <textarea id="message" name="message" rows="4"
                    aria-describedby=format!("message-hint{}", described(flash, "message").map(|d| format!(" {d}")).unwrap_or_default())>{message_value}</textarea>
            </div>
        </section>
        {screening}
        <section class="card stack" aria-labelledby="consent-heading">
            <h2 id="consent-heading">{td_string!(i18n, intake.consent_title).to_string()}</h2>
            <p>{td_string!(i18n, intake.consent_text).to_string()}</p>
            {field_error(flash, "consent")}
            <div class="choice">
                <input type="checkbox" id="consent" name="consent" value="yes" checked=consent_checked required=true aria-describedby=described(flash, "consent")/>
                <label for="consent">{if staff { td_string!(i18n, intake.consent_staff) } else { td_string!(i18n, intake.consent_label) }.to_string()}</label>
            </div>
        </section>
    })
}

/// The public self-referral form of an organisation: no log-in, no referral needed.
#[component]
pub fn ReferralFormPage() -> impl IntoView {
    let i18n = locale();
    let slug = use_params_map().read_untracked().get("organisation").unwrap_or_default();
    load(async move {
        let organisation = intake::open_form(&services().db.pool, &slug).await?;
        let flash = Flash::take().await;
        let fields = referral_fields(organisation.id, &flash, false).await?;
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, intake.form_title).to_string()/>
            <p class="lead">{td_string!(i18n, intake.form_intro).replace("{organisation}", &organisation.name)}</p>
            <p>{td_string!(i18n, intake.form_no_referral).to_string()}</p>
            <aside class="card crisis" aria-labelledby="urgent-heading">
                <h2 id="urgent-heading">{td_string!(i18n, intake.urgent_title).to_string()}</h2>
                <p>{td_string!(i18n, intake.urgent_text).to_string()}</p>
            </aside>
            <FlashMessages flash=flash.clone()/>
            <form method="post" action=SelfRefer::PATH class="stack referral-form">
                <input type="hidden" name="organisation" value=slug.clone()/>
                // Only scripts fill this in; people never see it.
                <div class="trap" aria-hidden="true">
                    <label for="website">{td_string!(i18n, intake.trap).to_string()}</label>
                    <input id="website" name="website" tabindex="-1" autocomplete="off"/>
                </div>
                {fields}
                <button type="submit" class="button">{td_string!(i18n, intake.send).to_string()}</button>
            </form>
        })
    })
}

/// What happens next, after a self-referral. After a risk answer: where to get help now first.
#[component]
pub fn ReferralReceivedPage() -> impl IntoView {
    let i18n = locale();
    let slug = use_params_map().read_untracked().get("organisation").unwrap_or_default();
    load(async move {
        let organisation = intake::open_form(&services().db.pool, &slug).await?;
        let flash = Flash::take().await;
        let risk = flash.notice.as_deref() == Some("referral_received_risk");
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, intake.received_title).to_string()/>
            {risk.then(|| view! { <p class="lead">{td_string!(i18n, intake.received_risk).to_string()}</p><CrisisNumbers/> })}
            <section class="card">
                <p>{td_string!(i18n, intake.received_text).replace("{organisation}", &organisation.name)}</p>
                <p>{td_string!(i18n, intake.received_next).to_string()}</p>
            </section>
        })
    })
}

fn status_text(status: &str) -> String {
    choice_label(locale(), "status", status)
}

/// The screening totals with their bands, e.g. "PHQ-9 14 (moderat)".
fn screening_text(referral: &Referral) -> String {
    let lang = locale().as_str();
    referral
        .totals()
        .into_iter()
        .map(|(instrument, total)| {
            let band = instrument.band(total).map(|b| format!(" ({})", b.label.get(lang))).unwrap_or_default();
            format!("{} {total}{band}", instrument.abbreviation)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn ReferralTable(rows: Vec<Referral>, waiting: bool) -> impl IntoView {
    let i18n = locale();
    let at = now();
    let headings = vec![
        td_string!(i18n, intake.col_name).to_string(),
        td_string!(i18n, intake.col_referred).to_string(),
        td_string!(i18n, intake.col_source).to_string(),
        td_string!(i18n, intake.col_screening).to_string(),
        td_string!(i18n, intake.col_waited).to_string(),
        td_string!(i18n, intake.col_next).to_string(),
    ];
    view! {
        <Table headings>
            {rows.into_iter().map(|r| {
                let urgent = r.urgent_flags > 0;
                let flags = (r.open_flags > 0).then(|| {
                    let text = if urgent { td_string!(i18n, flags.urgent) } else { td_string!(i18n, intake.has_flags) };
                    view! { " "<span class="badge" class:urgent=urgent>{text.to_string()}</span> }
                });
                let next = match (r.assessment_at, waiting) {
                    (Some(at), _) => format!("{} {} {} {}", td_string!(i18n, intake.assessment_on), date(at), clock(at), r.assessment_with_name.clone().unwrap_or_default()),
                    (None, true) => status_text("waiting"),
                    (None, false) => td_string!(i18n, intake.needs_triage).to_string(),
                };
                view! {
                    <tr class:urgent=urgent>
                        <td><a href=format!("/intake/{}", r.id)>{r.name.clone()}</a>{flags}</td>
                        <td>{date(r.referred_at)}</td>
                        <td>{choice_label(i18n, "source", &r.source)}</td>
                        <td>{screening_text(&r)}</td>
                        <td>{td_string!(i18n, intake.days).replace("{n}", &r.days_waited(at).to_string())}</td>
                        <td>{next}</td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
}

/// The team's intake queue: new referrals to look at, the waiting list with how long each has
/// waited, and what was decided lately.
#[component]
pub fn IntakePage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        viewer.require(&[Role::TeamLead])?;
        let services = services();
        let pool = &services.db.pool;
        let queue = intake::queue(pool, &viewer, &request_id()).await?;
        let recent = intake::recent(pool, &viewer).await?;
        let deletions = stegvis_platform::records::open_requests(pool, &viewer).await?;
        let flash = Flash::take().await;
        let slug = viewer.membership()?.organisation.slug.clone();
        let (new, waiting): (Vec<Referral>, Vec<Referral>) = queue.into_iter().partition(|r| r.status == "new");
        let at = now();
        let longest = waiting.iter().map(|r| r.days_waited(at)).max();
        let empty = |text: String| view! { <p class="hint">{text}</p> };
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, intake.queue_title).to_string()/>
            <FlashMessages flash=flash/>
            <p class="actions">
                <a class="button" href="/intake/new">{td_string!(i18n, intake.new_referral).to_string()}</a>
                " "
                <a href=format!("/refer/{slug}")>{td_string!(i18n, intake.public_form_link).to_string()}</a>
            </p>
            <section aria-labelledby="new-heading">
                <h2 id="new-heading">{td_string!(i18n, intake.new_title).to_string()}" ("{new.len()}")"</h2>
                {if new.is_empty() { empty(td_string!(i18n, intake.none_new).to_string()).into_any() } else { view! { <ReferralTable rows=new waiting=false/> }.into_any() }}
            </section>
            <section aria-labelledby="waiting-heading">
                <h2 id="waiting-heading">{td_string!(i18n, intake.waiting_title).to_string()}" ("{waiting.len()}")"</h2>
                {longest.map(|d| view! { <p>{td_string!(i18n, intake.longest_wait).replace("{n}", &d.to_string())}</p> })}
                {if waiting.is_empty() { empty(td_string!(i18n, intake.none_waiting).to_string()).into_any() } else { view! { <ReferralTable rows=waiting waiting=true/> }.into_any() }}
            </section>
            {(!deletions.is_empty()).then(|| view! {
                <section aria-labelledby="deletion-requests-heading" id="deletion-requests">
                    <h2 id="deletion-requests-heading">{td_string!(i18n, records.requests_title).to_string()}" ("{deletions.len()}")"</h2>
                    <p class="hint">{td_string!(i18n, records.requests_intro).to_string()}</p>
                    {deletions.into_iter().map(|d| {
                        let field = format!("deletion_answer-{}", d.id);
                        view! {
                            <article class="card">
                                <h3><a href=format!("/patients/{}", d.patient_id)>{d.patient_name.clone()}</a>" · "{date(d.requested_at)}</h3>
                                {(!d.message.is_empty()).then(|| view! { <p class="written">{d.message.clone()}</p> })}
                                <form method="post" action=AnswerDeletion::PATH class="stack">
                                    <input type="hidden" name="request" value=d.id.to_string()/>
                                    <div class="field">
                                        <label for=field.clone()>{td_string!(i18n, records.answer_label).to_string()}</label>
                                        <textarea id=field name="deletion_answer" rows="3" required=true></textarea>
                                    </div>
                                    <button type="submit" class="button secondary">{td_string!(i18n, records.answer_button).to_string()}</button>
                                </form>
                            </article>
                        }
                    }).collect_view()}
                </section>
            })}
            <section aria-labelledby="recent-heading">
                <h2 id="recent-heading">{td_string!(i18n, intake.recent_title).to_string()}</h2>
                {if recent.is_empty() { empty(td_string!(i18n, intake.none_recent).to_string()).into_any() } else {
                    let headings = vec![td_string!(i18n, intake.col_name).to_string(), td_string!(i18n, intake.col_referred).to_string(), td_string!(i18n, intake.col_status).to_string()];
                    view! {
                        <Table headings>
                            {recent.into_iter().map(|r| view! {
                                <tr>
                                    <td><a href=format!("/intake/{}", r.id)>{r.name.clone()}</a></td>
                                    <td>{date(r.referred_at)}</td>
                                    <td>{status_text(&r.status)}{r.close_reason.as_deref().map(|c| format!(": {}", choice_label(i18n, "close_reason", c)))}</td>
                                </tr>
                            }).collect_view()}
                        </Table>
                    }.into_any()
                }}
            </section>
        })
    })
}

/// A referral entered by the team.
#[component]
pub fn NewReferralPage() -> impl IntoView {
    let i18n = locale();
    load(async move {
        let viewer = require_viewer()?;
        viewer.require(&[Role::TeamLead])?;
        let flash = Flash::take().await;
        let fields = referral_fields(viewer.organisation_id()?, &flash, true).await?;
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, intake.new_referral).to_string()/>
            <p><a href="/intake">{td_string!(i18n, intake.back_to_queue).to_string()}</a></p>
            <FlashMessages flash=flash.clone()/>
            <form method="post" action=StaffRefer::PATH class="stack referral-form">
                {fields}
                <button type="submit" class="button">{td_string!(i18n, intake.save_referral).to_string()}</button>
            </form>
        })
    })
}

/// One referral: what the person told us, their screening item by item, open flags, and the
/// team's decisions (waiting list, assessment booked, its outcome, or closed).
#[component]
pub fn ReferralPage() -> impl IntoView {
    let i18n = locale();
    let id = use_params_map().read_untracked().get("referral").and_then(|s| s.parse::<i64>().ok());
    load(async move {
        let viewer = require_viewer()?;
        let services = services();
        let pool = &services.db.pool;
        let (referral, access) = intake::open(pool, &viewer, id.ok_or(Error::NotFound)?, &request_id()).await?;
        let flash = Flash::take().await;
        let lang = i18n.as_str();
        let answers = intake::screening_answers(pool, referral.id).await?;
        let open_flags: Vec<_> = stegvis_platform::flags::of_patient(pool, referral.patient_id).await?.into_iter().filter(|f| f.closed_at.is_none()).collect();
        let mut detail = vec![
            (td_string!(i18n, intake.email).to_string(), referral.email.clone()),
            (td_string!(i18n, intake.phone).to_string(), referral.phone.clone()),
            (td_string!(i18n, intake.birth_year).to_string(), referral.birth_year.map(|y| y.to_string()).unwrap_or_default()),
            (question_label(i18n, "source"), choice_label(i18n, "source", &referral.source)),
        ];
        if let Some(by) = &referral.created_by_name {
            detail.push((td_string!(i18n, intake.entered_by).to_string(), by.clone()));
        }
        for (field, _) in intake::QUESTIONS {
            let value = match *field {
                "gender" => &referral.gender,
                "education" => &referral.education,
                "work" => &referral.work,
                "immigrant" => &referral.immigrant,
                "main_problem" => &referral.main_problem,
                "duration" => &referral.duration,
                "earlier_help" => &referral.earlier_help,
                _ => &referral.medication,
            };
            detail.push((question_label(i18n, field), choice_label(i18n, field, value)));
        }
        let screening = answers.into_iter().filter_map(|(instrument_id, values, total, _)| {
            let instrument = instruments::by_id(&instrument_id)?;
            let band = instrument.band(u16::try_from(total).ok()?).map(|b| format!(" ({})", b.label.get(lang))).unwrap_or_default();
            let items = instrument.items.iter().zip(values).map(|(item, v)| {
                view! { <tr><td>{instrument.question_number(item.id).unwrap_or_default()}</td><td>{item.id}</td><td>{v.map(|v| v.to_string()).unwrap_or_default()}</td></tr> }
            }).collect_view();
            let headings = vec![td_string!(i18n, intake.col_question).to_string(), td_string!(i18n, intake.col_item).to_string(), td_string!(i18n, intake.col_answer).to_string()];
            Some(view! {
                <details>
                    <summary>{format!("{} {total}{band}", instrument.abbreviation)}</summary>
                    <Table headings>{items}</Table>
                </details>
            })
        }).collect_view();
        let open = matches!(referral.status.as_str(), "new" | "waiting");
        let decisions = if open { Some(decision_forms(&referral, &viewer, &flash, access.organisation_id).await?) } else { None };
        let enrolment = referral.enrolment_id.map(|_| view! {
            <p><a href=format!("/patients/{}", referral.patient_id)>{td_string!(i18n, intake.to_record).to_string()}</a></p>
        });
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, intake.referral_title).to_string()/>
            <p><a href="/intake">{td_string!(i18n, intake.back_to_queue).to_string()}</a></p>
            <FlashMessages flash=flash.clone()/>
            <section class="card" aria-labelledby="referral-heading">
                <h2 id="referral-heading">{referral.name.clone()}</h2>
                <p>{td_string!(i18n, intake.referred_on).replace("{date}", &date(referral.referred_at))}" · "{status_text(&referral.status)}</p>
                {(!open_flags.is_empty()).then(|| view! {
                    <div class="flag-list">
                        <p><strong>{td_string!(i18n, intake.open_flags).to_string()}</strong></p>
                        <ul>{open_flags.iter().map(|f| view! { <li class:urgent=f.is_urgent()>{flag_kind_text(&f.kind)}" – "<a href=format!("/patients/{}#flags", f.patient_id)>{td_string!(i18n, intake.decide_flag).to_string()}</a></li> }).collect_view()}</ul>
                    </div>
                })}
                <dl class="facts">
                    {detail.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
                {(!referral.message.is_empty()).then(|| view! { <p><strong>{td_string!(i18n, intake.message).to_string()}</strong></p><p class="written">{referral.message.clone()}</p> })}
                {referral.assessment_at.map(|at| view! { <p>{format!("{} {} {} – {}", td_string!(i18n, intake.assessment_on), date(at), clock(at), referral.assessment_with_name.clone().unwrap_or_default())}</p> })}
                {enrolment}
            </section>
            <section class="card" aria-labelledby="screening-heading">
                <h2 id="screening-heading">{td_string!(i18n, intake.screening_title).to_string()}</h2>
                {screening}
            </section>
            {decisions}
        })
    })
}

/// The forms for a referral still open: put on the waiting list, book the assessment, record
/// its outcome, or close it.
async fn decision_forms(referral: &Referral, viewer: &stegvis_platform::access::Viewer, flash: &Flash, organisation_id: i64) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let services = services();
    let pool = &services.db.pool;
    let lang = i18n.as_str();
    let staff = patients::staff(pool, organisation_id).await?;
    let caseloads = patients::caseload_sizes(pool, organisation_id).await?;
    let therapists: Vec<(i64, String)> = staff
        .iter()
        .filter(|s| s.roles.split(',').any(|r| r == "therapist"))
        .map(|s| (s.user_id, td_string!(i18n, intake.therapist_with_caseload).replace("{name}", &s.display_name).replace("{n}", &caseloads.get(&s.user_id).copied().unwrap_or(0).to_string())))
        .collect();
    let clinicians: Vec<(i64, String)> = staff.iter().filter(|s| s.roles.split(',').any(|r| r == "therapist" || r == "team_lead")).map(|s| (s.user_id, s.display_name.clone())).collect();
    let ladder = steps::ladder(&mut *pool.acquire().await?, organisation_id).await?;
    let programmes: Vec<(String, String, bool)> = services.content.programmes().iter().map(|(_, p)| (p.id.clone(), p.title.get(lang).to_string(), p.kind == ProgrammeKind::Guided)).collect();
    let today = dates::format(dates::today());
    let chosen = |field: &str| flash.value(field).unwrap_or_default();
    let select = move |field: &'static str, label: String, options: Vec<(String, String)>, chosen: String| {
        view! {
            <div class="field" class:invalid=flash.error(field).is_some()>
                <label for=field>{label}</label>
                {field_error(flash, field)}
                <select id=field name=field aria-describedby=described(flash, field)>
                    <option value="">{td_string!(i18n, intake.choose).to_string()}</option>
                    {options.into_iter().map(|(v, l)| { let selected = v == chosen; view! { <option value=v selected=selected>{l}</option> } }).collect_view()}
                </select>
            </div>
        }
    };
    let waiting = (referral.status == "new").then(|| view! {
        <section class="card" aria-labelledby="wait-heading" id="wait">
            <h2 id="wait-heading">{td_string!(i18n, intake.wait_title).to_string()}</h2>
            <p>{td_string!(i18n, intake.wait_text).to_string()}</p>
            <form method="post" action=PutOnWaitingList::PATH>
                <input type="hidden" name="referral_id" value=referral.id.to_string()/>
                <button type="submit" class="button secondary">{td_string!(i18n, intake.wait_button).to_string()}</button>
            </form>
        </section>
    });
    let book_day = flash.value("assessment_day").unwrap_or_else(|| today.clone());
    let book_time = flash.value("assessment_time").unwrap_or_else(|| "09:00".into());
    let book = view! {
        <section class="card" aria-labelledby="book-heading" id="book">
            <h2 id="book-heading">{td_string!(i18n, intake.book_title).to_string()}</h2>
            <form method="post" action=BookAssessment::PATH class="stack">
                <input type="hidden" name="referral_id" value=referral.id.to_string()/>
                <div class="field" class:invalid=flash.error("assessment_day").is_some()>
                    <label for="assessment_day">{td_string!(i18n, intake.book_day).to_string()}</label>
                    {field_error(flash, "assessment_day")}
                    <input type="date" id="assessment_day" name="assessment_day" value=book_day required=true aria-describedby=described(flash, "assessment_day")/>
                </div>
                <div class="field" class:invalid=flash.error("assessment_time").is_some()>
                    <label for="assessment_time">{td_string!(i18n, intake.book_time).to_string()}</label>
                    {field_error(flash, "assessment_time")}
                    <input type="time" id="assessment_time" name="assessment_time" value=book_time required=true aria-describedby=described(flash, "assessment_time")/>
                </div>
                {select("assessment_with", td_string!(i18n, intake.book_with).to_string(), clinicians.iter().map(|(id, n)| (id.to_string(), n.clone())).collect(), flash.value("assessment_with").unwrap_or_else(|| viewer.user.id.to_string()))}
                <button type="submit" class="button secondary">{td_string!(i18n, intake.book_button).to_string()}</button>
            </form>
        </section>
    };
    let guidance = chosen("guidance");
    let assess = view! {
        <section class="card" aria-labelledby="assess-heading" id="assess">
            <h2 id="assess-heading">{td_string!(i18n, intake.assess_title).to_string()}</h2>
            <p>{td_string!(i18n, intake.assess_text).to_string()}</p>
            <form method="post" action=Assess::PATH class="stack">
                <input type="hidden" name="referral_id" value=referral.id.to_string()/>
                {select("programme", td_string!(i18n, intake.programme).to_string(), programmes.iter().map(|(id, title, guided)| (id.clone(), if *guided { title.clone() } else { format!("{title} ({})", td_string!(i18n, intake.unguided_only)) })).collect(), chosen("programme"))}
                <fieldset class="item">
                    <legend>{td_string!(i18n, intake.guidance).to_string()}</legend>
                    <div class="options">
                        <div class="choice"><input type="radio" id="guidance" name="guidance" value="guided" checked=guidance != "unguided"/><label for="guidance">{td_string!(i18n, intake.guided).to_string()}</label></div>
                        <div class="choice"><input type="radio" id="guidance-unguided" name="guidance" value="unguided" checked=guidance == "unguided"/><label for="guidance-unguided">{td_string!(i18n, intake.unguided).to_string()}</label></div>
                    </div>
                </fieldset>
                {select("therapist_id", td_string!(i18n, intake.therapist).to_string(), therapists.iter().map(|(id, n)| (id.to_string(), n.clone())).collect(), chosen("therapist_id"))}
                {select("new_step", td_string!(i18n, intake.start_step).to_string(), ladder.iter().map(|s| (s.key.clone(), s.name.get(lang).to_string())).collect(), chosen("new_step"))}
                <div class="field" class:invalid=flash.error("start_date").is_some()>
                    <label for="start_date">{td_string!(i18n, intake.start_date).to_string()}</label>
                    {field_error(flash, "start_date")}
                    <input type="date" id="start_date" name="start_date" value=flash.value("start_date").unwrap_or_else(|| today.clone()) required=true aria-describedby=described(flash, "start_date")/>
                </div>
                <div class="field" class:invalid=flash.error("assessment_note").is_some()>
                    <label for="assessment_note">{td_string!(i18n, intake.assessment_note).to_string()}</label>
                    {field_error(flash, "assessment_note")}
                    <textarea id="assessment_note" name="assessment_note" rows="4" required=true aria-describedby=described(flash, "assessment_note")>{chosen("assessment_note")}</textarea>
                </div>
                <button type="submit" class="button">{td_string!(i18n, intake.assess_button).to_string()}</button>
            </form>
        </section>
    };
    let close = view! {
        <section class="card" aria-labelledby="close-heading" id="close">
            <h2 id="close-heading">{td_string!(i18n, intake.close_title).to_string()}</h2>
            <form method="post" action=CloseReferral::PATH class="stack">
                <input type="hidden" name="referral_id" value=referral.id.to_string()/>
                {select("close_reason", td_string!(i18n, intake.close_reason).to_string(), intake::CLOSE_REASONS.iter().map(|r| (r.to_string(), choice_label(i18n, "close_reason", r))).collect(), chosen("close_reason"))}
                <button type="submit" class="button secondary">{td_string!(i18n, intake.close_button).to_string()}</button>
            </form>
        </section>
    };
    Ok(view! { {waiting} {book} {assess} {close} })
}
