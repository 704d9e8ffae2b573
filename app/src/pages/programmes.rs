//! Programme pages. The patient's: the overview of their programme and each module, page by
//! page, ending in the week's homework. The therapist's: a patient's programmes, the submitted
//! homework and the feedback form. Page titles stay neutral ("Module 3"): module names say
//! what a person is treated for, and titles end up in browser history.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use stegvis_content::{Module, ProgrammeKind};
use stegvis_platform::{
    access::PatientAccess,
    enrolments::{self, ModuleState, ModuleStatus, Overview},
    homework::{self, Submission},
    Error,
};

use crate::{
    api::programmes::{
        homework_path, module_path, own_overview, staff_homework_path, staff_overview, EndProgramme, Enrol, GiveFeedback, OpenModule, PendingHomework,
        PENDING_KEY,
    },
    components::{date, iso_date, load, FlashMessages, Heading},
    context::{locale, request_id, require_viewer, services, session, Flash},
    i18n::*,
    pages::{
        measurement::{due_now, questionnaires_first},
        worksheet::{AnswersView, FormState, WorksheetForm},
    },
};

fn param(name: &str) -> Option<i64> {
    use_params_map().read_untracked().get(name).and_then(|s| s.parse().ok())
}

pub fn status_text(status: ModuleStatus) -> String {
    let i18n = locale();
    match status {
        ModuleStatus::Locked => td_string!(i18n, programme.status_locked),
        ModuleStatus::Open => td_string!(i18n, programme.status_open),
        ModuleStatus::InProgress => td_string!(i18n, programme.status_in_progress),
        ModuleStatus::Submitted => td_string!(i18n, programme.status_submitted),
        ModuleStatus::Reviewed => td_string!(i18n, programme.status_reviewed),
    }
    .to_string()
}

fn status_class(status: ModuleStatus) -> &'static str {
    match status {
        ModuleStatus::Locked => "badge locked",
        ModuleStatus::Open | ModuleStatus::InProgress => "badge open",
        ModuleStatus::Submitted => "badge submitted",
        ModuleStatus::Reviewed => "badge reviewed",
    }
}

/// "Module 3" for the programme's own modules; optional ones are named as such.
fn module_label(overview: &Overview, position: usize) -> String {
    let i18n = locale();
    if overview.programme.module(position).is_some_and(|m| m.optional) {
        td_string!(i18n, programme.optional_module).to_string()
    } else {
        td_string!(i18n, programme.module_n).replace("{n}", &position.to_string())
    }
}

/// Week, days left and progress: what the patient and the therapist both see first.
#[component]
pub fn ProgrammeFacts(overview: Overview) -> impl IntoView {
    let i18n = locale();
    let core = overview.programme.core_modules();
    let done = overview.modules.iter().filter(|m| m.position <= core && matches!(m.status, ModuleStatus::Submitted | ModuleStatus::Reviewed)).count();
    let week = if overview.week == 0 {
        td_string!(i18n, programme.starts_on).replace("{date}", &iso_date(&overview.enrolment.start_date))
    } else {
        td_string!(i18n, programme.week_of).replace("{week}", &overview.week.min(overview.programme.weeks as i64).to_string()).replace("{weeks}", &overview.programme.weeks.to_string())
    };
    let progress = td_string!(i18n, programme.progress).replace("{done}", &done.to_string()).replace("{total}", &core.to_string());
    view! {
        <dl class="facts">
            <dt>{td_string!(i18n, programme.week).to_string()}</dt><dd>{week}</dd>
            <dt>{td_string!(i18n, programme.end_date).to_string()}</dt>
            <dd>{iso_date(&overview.enrolment.end_date)}
                {(!overview.ended).then(|| format!(" ({})", td_string!(i18n, programme.days_left).replace("{days}", &overview.days_left.to_string())))}
            </dd>
            <dt>{td_string!(i18n, programme.progress_label).to_string()}</dt>
            <dd><progress max=core.to_string() value=done.to_string()>{progress.clone()}</progress>" "{progress}</dd>
        </dl>
        {overview.ended.then(|| view! { <p class="notice">{td_string!(i18n, programme.ended).to_string()}</p> })}
    }
}

/// When a locked module will open.
fn opens_text(state: &ModuleState) -> String {
    let i18n = locale();
    match &state.opens_on {
        Some(d) => td_string!(i18n, programme.opens_on).replace("{date}", &iso_date(d)),
        None => td_string!(i18n, programme.opens_after_feedback).to_string(),
    }
}

// ---- the patient's pages -------------------------------------------------------------------

/// Where the patient's relapse-prevention plan is, once written: it stays easy to find.
pub fn plan_link(overview: &Overview) -> Option<String> {
    overview.modules.iter().find_map(|state| {
        let module = overview.programme.module(state.position)?;
        let is_plan = module.worksheet.as_ref().is_some_and(|w| w.id == "relapse-prevention-plan");
        (is_plan && state.submission_id.is_some()).then(|| homework_path(overview.enrolment.id, state.position, module.pages.len()))
    })
}

#[component]
pub fn ProgrammePage() -> impl IntoView {
    let i18n = locale();
    let id = param("enrolment");
    load(async move {
        if let Some(redirect) = questionnaires_first(&due_now().await?) {
            return Ok(redirect);
        }
        let overview = own_overview(id.ok_or(Error::NotFound)?).await?;
        let lang = i18n.as_str();
        let programme = overview.programme.clone();
        let link = |state: &ModuleState| {
            let module = programme.module(state.position)?;
            let title = module.title.get(lang).to_string();
            let label = module_label(&overview, state.position);
            let body = if state.status.is_open() {
                view! { <a href=module_path(overview.enrolment.id, state.position)>{title}</a> }.into_any()
            } else {
                view! { <span>{title}</span> }.into_any()
            };
            let when = (state.status == ModuleStatus::Locked).then(|| view! { <p class="hint">{opens_text(state)}</p> });
            Some(view! {
                <li class="module-item">
                    <p class="module-label">{label}</p>
                    <p class="module-title">{body}</p>
                    <p><span class=status_class(state.status)>{status_text(state.status)}</span></p>
                    {when}
                    <p class="hint">{module.summary.get(lang).to_string()}</p>
                </li>
            })
        };
        let core: Vec<_> = overview.modules.iter().filter(|m| !programme.module(m.position).is_some_and(|x| x.optional)).filter_map(link).collect();
        let extra: Vec<_> = overview.modules.iter().filter(|m| programme.module(m.position).is_some_and(|x| x.optional)).filter_map(link).collect();
        let plan = plan_link(&overview).map(|href| view! { <p class="card"><a href=href>{td_string!(i18n, programme.my_plan).to_string()}</a></p> });
        let next = overview.current().map(|m| view! { <p><a class="button" href=module_path(overview.enrolment.id, m.position)>{td_string!(i18n, programme.continue_module).to_string()}</a></p> });
        let flash = Flash::take().await;
        Ok::<_, Error>(view! {
            <Title text=td_string!(i18n, programme.title).to_string()/>
            <h1>{programme.title.get(lang).to_string()}</h1>
            <FlashMessages flash/>
            <p class="lead">{programme.description.get(lang).to_string()}</p>
            <ProgrammeFacts overview=overview.clone()/>
            {next}
            {plan}
            <h2>{td_string!(i18n, programme.modules).to_string()}</h2>
            <ol class="modules">{core}</ol>
            {(!extra.is_empty()).then(|| view! {
                <h2>{td_string!(i18n, programme.optional_modules).to_string()}</h2>
                <ul class="modules">{extra}</ul>
            })}
        }
        .into_any())
    })
}

#[component]
pub fn ModulePage() -> impl IntoView {
    let i18n = locale();
    let id = param("enrolment");
    let position = param("module").unwrap_or(0) as usize;
    let asked_page: usize = use_query_map().read_untracked().get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    load(async move {
        if let Some(redirect) = questionnaires_first(&due_now().await?) {
            return Ok(redirect);
        }
        let overview = own_overview(id.ok_or(Error::NotFound)?).await?;
        let state = overview.module(position).ok_or(Error::NotFound)?.clone();
        let module = overview.programme.module(position).ok_or(Error::NotFound)?.clone();
        let lang = i18n.as_str();
        let enrolment_id = overview.enrolment.id;
        let label = module_label(&overview, position);
        let back = view! {
            <nav aria-label=td_string!(i18n, programme.breadcrumb).to_string() class="breadcrumb">
                <a href=format!("/programmes/{enrolment_id}")>{overview.programme.title.get(lang).to_string()}</a>
            </nav>
        };
        if !state.status.is_open() {
            return Ok(view! {
                <Title text=label.clone()/>
                {back}
                <h1>{module.title.get(lang).to_string()}</h1>
                <p>{td_string!(i18n, programme.locked).to_string()}" "{opens_text(&state)}</p>
            }
            .into_any());
        }
        let pending_saved = save_pending(&overview, position).await?;
        let pages = module.pages.len();
        let page_number = asked_page.clamp(1, pages);
        let page = &module.pages[page_number - 1];
        let last = page_number == pages;
        let homework = if last { homework_section(&overview, &state, &module).await? } else { None };
        let page_link = |n: usize| format!("{}?page={n}", module_path(enrolment_id, position));
        let page_list = module
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let current = i + 1 == page_number;
                view! { <li><a href=page_link(i + 1) aria-current=current.then_some("page")>{p.title.get(lang).to_string()}</a></li> }
            })
            .collect_view();
        let previous = (page_number > 1).then(|| view! { <a rel="prev" href=page_link(page_number - 1)>{td_string!(i18n, programme.previous_page).to_string()}</a> });
        let next = if last {
            view! { <a href=format!("/programmes/{enrolment_id}")>{td_string!(i18n, programme.back_to_overview).to_string()}</a> }.into_any()
        } else {
            view! { <a rel="next" class="button" href=page_link(page_number + 1)>{td_string!(i18n, programme.next_page).to_string()}</a> }.into_any()
        };
        let where_am_i = td_string!(i18n, programme.page_of).replace("{page}", &page_number.to_string()).replace("{pages}", &pages.to_string());
        Ok(view! {
            <Title text=format!("{label} · {where_am_i}")/>
            {back}
            <p class="module-label">{label}</p>
            <h1>{module.title.get(lang).to_string()}</h1>
            {pending_saved.then(|| view! { <p class="notice" role="status">{crate::components::notice_text("pending_saved")}</p> })}
            <nav aria-label=td_string!(i18n, programme.pages_label).to_string() class="page-list">
                <p>{where_am_i}</p>
                <ol>{page_list}</ol>
            </nav>
            <article class="module-text">
                <h2>{page.title.get(lang).to_string()}</h2>
                <div inner_html=page.html.get(lang).to_string()></div>
            </article>
            {homework}
            <nav class="pager" aria-label=td_string!(i18n, programme.pager_label).to_string()>{previous}{next}</nav>
        }
        .into_any())
    })
}

/// The homework under the module's last page: the form while it can be written in, else the
/// submitted answers and the therapist's feedback.
async fn homework_section(overview: &Overview, state: &ModuleState, module: &Module) -> Result<Option<AnyView>, Error> {
    let i18n = locale();
    let lang = i18n.as_str();
    let Some(worksheet) = module.worksheet.clone() else { return Ok(None) };
    let pool = &services().db.pool;
    let position = state.position;
    let heading = td_string!(i18n, homework.heading).replace("{title}", worksheet.title.get(lang));
    let intro = worksheet.intro.get(lang).to_string();
    if let Some(submission) = homework::submission(pool, overview.enrolment.id, position).await? {
        let flash = Flash::take().await;
        return Ok(Some(
            view! {
                <section id="homework" aria-labelledby="homework-heading" class="homework">
                    <h2 id="homework-heading">{heading}</h2>
                    <FlashMessages flash/>
                    <SubmissionView submission guided=overview.enrolment.is_guided()/>
                </section>
            }
            .into_any(),
        ));
    }
    if overview.ended {
        return Ok(Some(view! { <section id="homework" class="homework"><h2>{heading}</h2><p>{td_string!(i18n, programme.ended).to_string()}</p></section> }.into_any()));
    }
    let draft = homework::draft(pool, overview.enrolment.id, position).await?;
    let flash = Flash::take().await;
    let state = FormState {
        enrolment_id: overview.enrolment.id,
        position,
        pages: module.pages.len(),
        guided: overview.enrolment.is_guided(),
        raw: draft.as_ref().map(|d| d.answers.clone()).unwrap_or_default(),
        saved_at: draft.map(|d| d.updated_at),
        flash: flash.clone(),
    };
    let who_reads = if overview.enrolment.is_guided() { td_string!(i18n, homework.guided_note) } else { td_string!(i18n, homework.unguided_note) };
    Ok(Some(
        view! {
            <section id="homework" aria-labelledby="homework-heading" class="homework">
                <h2 id="homework-heading">{heading}</h2>
                <FlashMessages flash/>
                <p>{intro}</p>
                <p class="hint">{who_reads.to_string()}</p>
                <WorksheetForm worksheet state/>
            </section>
        }
        .into_any(),
    ))
}

/// Saves what the patient typed before their session ran out (see the homework server
/// function) as their draft of this module. True when there was something to save.
async fn save_pending(overview: &Overview, position: usize) -> Result<bool, Error> {
    let Ok(session) = session().await else { return Ok(false) };
    let Ok(Some(pending)) = session.remove::<PendingHomework>(PENDING_KEY).await else { return Ok(false) };
    if pending.enrolment_id != overview.enrolment.id || pending.position != position || overview.ended {
        return Ok(false);
    }
    homework::save_draft(&services().db.pool, overview, position, pending.answers).await?;
    Ok(true)
}

/// Submitted homework with its feedback (or word that it is waiting for it).
#[component]
fn SubmissionView(submission: Submission, guided: bool) -> impl IntoView {
    let i18n = locale();
    let feedback = match (&submission.feedback, guided) {
        (Some(f), _) => view! {
            <section class="feedback" aria-labelledby="feedback-heading">
                <h3 id="feedback-heading">{td_string!(i18n, homework.feedback_from).replace("{name}", &f.therapist_name).replace("{date}", &date(f.created_at))}</h3>
                <p class="written">{f.body.clone()}</p>
            </section>
        }
        .into_any(),
        (None, true) => view! { <p class="notice">{td_string!(i18n, homework.waiting_for_feedback).to_string()}</p> }.into_any(),
        (None, false) => ().into_any(),
    };
    view! {
        <p class="hint">{td_string!(i18n, homework.submitted_on).replace("{date}", &date(submission.submitted_at))}</p>
        <AnswersView worksheet=submission.worksheet answers=submission.answers/>
        {feedback}
    }
}

// ---- the therapist's pages -----------------------------------------------------------------

/// A patient's programmes on their record page: for every enrolment its modules, with links to
/// submitted homework and the therapist's actions; and the form to enrol them in a programme.
/// `own_patient`: the viewer is the patient's own therapist (may open and add modules).
pub async fn patient_programmes(access: &PatientAccess, own_patient: bool, flash: &Flash) -> Result<impl IntoView + use<>, Error> {
    let i18n = locale();
    let lang = i18n.as_str();
    let services = services();
    let pool = &services.db.pool;
    let mut sections = Vec::new();
    // Part of the record page, whose view is audited once (patients::read_record).
    let list = enrolments::of_patient(pool, access.patient_id).await?;
    for enrolment in list {
        let overview = enrolments::overview(pool, &services.content, enrolment).await?;
        let enrolment_id = overview.enrolment.id;
        let rows = overview
            .modules
            .iter()
            .filter_map(|state| {
                let module = overview.programme.module(state.position)?;
                let title = module.title.get(lang).to_string();
                let cell = if state.submission_id.is_some() {
                    view! { <a href=staff_homework_path(access.patient_id, enrolment_id, state.position)>{title}</a> }.into_any()
                } else {
                    title.into_any()
                };
                let open = (own_patient && !overview.ended && state.status == ModuleStatus::Locked).then(|| {
                    view! {
                        <form method="post" action=OpenModule::PATH class="inline">
                            <input type="hidden" name="enrolment" value=enrolment_id.to_string()/>
                            <input type="hidden" name="module" value=state.position.to_string()/>
                            <button type="submit" class="button secondary small">{td_string!(i18n, programme.open_now).to_string()}</button>
                        </form>
                    }
                });
                Some(view! {
                    <tr>
                        <td>{module_label(&overview, state.position)}</td>
                        <td>{cell}</td>
                        <td><span class=status_class(state.status)>{status_text(state.status)}</span></td>
                        <td>{open}</td>
                    </tr>
                })
            })
            .collect_view();
        // Optional modules the programme offers and the enrolment does not have yet.
        let addable: Vec<_> = overview
            .programme
            .modules
            .iter()
            .enumerate()
            .filter(|(i, m)| m.optional && overview.module(i + 1).is_none())
            .map(|(i, m)| (i + 1, m.title.get(lang).to_string()))
            .collect();
        let add = (own_patient && !overview.ended && !addable.is_empty()).then(|| {
            let select_id = format!("add-module-{enrolment_id}");
            view! {
                <form method="post" action=OpenModule::PATH class="inline-form">
                    <input type="hidden" name="enrolment" value=enrolment_id.to_string()/>
                    <label for=select_id.clone()>{td_string!(i18n, programme.add_optional).to_string()}</label>
                    <select id=select_id name="module">
                        {addable.into_iter().map(|(p, t)| view! { <option value=p.to_string()>{t}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button secondary">{td_string!(i18n, programme.add).to_string()}</button>
                </form>
            }
        });
        let end = (!overview.ended).then(|| {
            view! {
                <form method="post" action=EndProgramme::PATH class="inline">
                    <input type="hidden" name="enrolment" value=enrolment_id.to_string()/>
                    <button type="submit" class="button secondary">{td_string!(i18n, programme.end).to_string()}</button>
                </form>
            }
        });
        let kind = if overview.enrolment.is_guided() { td_string!(i18n, programme.guided) } else { td_string!(i18n, programme.unguided) };
        let heading_id = format!("enrolment-{enrolment_id}");
        let labelled_by = heading_id.clone();
        sections.push(view! {
            <section aria-labelledby=labelled_by class="card">
                <h3 id=heading_id>{overview.programme.title.get(lang).to_string()}" "<span class="muted">{format!("({kind}, {})", overview.programme.version)}</span></h3>
                <ProgrammeFacts overview=overview.clone()/>
                <div class="table-wrap">
                    <table>
                        <caption class="visually-hidden">{td_string!(i18n, programme.modules).to_string()}</caption>
                        <thead><tr>
                            <th scope="col">{td_string!(i18n, programme.module).to_string()}</th>
                            <th scope="col">{td_string!(i18n, programme.title_column).to_string()}</th>
                            <th scope="col">{td_string!(i18n, programme.status).to_string()}</th>
                            <th scope="col"><span class="visually-hidden">{td_string!(i18n, programme.actions).to_string()}</span></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                {add}
                {end}
            </section>
        });
    }
    let enrol = {
        let options = services
            .content
            .programmes()
            .iter()
            .filter(|(_, p)| p.kind == ProgrammeKind::Guided)
            .map(|(_, p)| view! { <option value=p.id.clone() selected=flash.value("programme").as_deref() == Some(p.id.as_str())>{p.title.get(lang).to_string()}</option> })
            .collect_view();
        let start = flash.value("start_date").unwrap_or_else(|| stegvis_platform::dates::format(stegvis_platform::dates::today()));
        view! {
            <section aria-labelledby="enrol-heading" class="card">
                <h3 id="enrol-heading">{td_string!(i18n, programme.enrol).to_string()}</h3>
                <form method="post" action=Enrol::PATH class="stack">
                    <input type="hidden" name="patient_id" value=access.patient_id.to_string()/>
                    <div class="field">
                        <label for="programme">{td_string!(i18n, programme.choose).to_string()}</label>
                        {flash.error("programme").map(|c| view! { <p class="field-error" id="programme-error">{crate::components::error_text(&c)}</p> })}
                        <select id="programme" name="programme">{options}</select>
                    </div>
                    <div class="field">
                        <label for="start_date">{td_string!(i18n, programme.start_date).to_string()}</label>
                        {flash.error("start_date").map(|c| view! { <p class="field-error" id="start_date-error">{crate::components::error_text(&c)}</p> })}
                        <input type="date" id="start_date" name="start_date" value=start/>
                    </div>
                    <button type="submit" class="button">{td_string!(i18n, programme.enrol_submit).to_string()}</button>
                </form>
            </section>
        }
    };
    Ok(view! {
        <section aria-labelledby="programmes-heading">
            <h2 id="programmes-heading">{td_string!(i18n, programme.programmes).to_string()}</h2>
            {if sections.is_empty() { Some(view! { <p>{td_string!(i18n, programme.none).to_string()}</p> }) } else { None }}
            {sections}
            {enrol}
        </section>
    })
}

/// One submitted homework, for the therapist: the answers, and the feedback form (or the
/// feedback given). Reading it writes an audit row.
#[component]
pub fn StaffHomeworkPage() -> impl IntoView {
    let i18n = locale();
    let patient_id = param("id");
    let enrolment_id = param("enrolment");
    let position = param("module").unwrap_or(0) as usize;
    load(async move {
        let (overview, access) = staff_overview(enrolment_id.ok_or(Error::NotFound)?, false).await?;
        if Some(overview.enrolment.patient_id) != patient_id {
            return Err(Error::NotFound);
        }
        let viewer = require_viewer()?;
        let pool = &services().db.pool;
        let module = overview.programme.module(position).ok_or(Error::NotFound)?;
        let submission = homework::read_as_staff(pool, &access, overview.enrolment.id, position, &request_id()).await?.ok_or(Error::NotFound)?;
        let lang = i18n.as_str();
        let flash = Flash::take().await;
        let next_locked = overview.module(position + 1).is_some_and(|m| m.status == ModuleStatus::Locked && m.requires_feedback);
        let own_patient = viewer.assigned_therapist(pool, access.patient_id).await.is_ok();
        let form = (submission.feedback.is_none() && own_patient && overview.enrolment.is_guided()).then(|| {
            let error = flash.error("body");
            view! {
                <section aria-labelledby="feedback-form-heading" class="card">
                    <h2 id="feedback-form-heading">{td_string!(i18n, homework.write_feedback).to_string()}</h2>
                    <form method="post" action=GiveFeedback::PATH class="stack">
                        <input type="hidden" name="enrolment" value=overview.enrolment.id.to_string()/>
                        <input type="hidden" name="module" value=position.to_string()/>
                        <div class="field" class:invalid=error.is_some()>
                            <label for="body">{td_string!(i18n, homework.feedback_label).to_string()}</label>
                            <p class="hint" id="body-hint">{td_string!(i18n, homework.feedback_hint).to_string()}</p>
                            {error.clone().map(|c| view! { <p class="field-error" id="body-error">{crate::components::error_text(&c)}</p> })}
                            <textarea id="body" name="body" rows="8" aria-describedby=if error.is_some() { "body-hint body-error" } else { "body-hint" }>{flash.value("body").unwrap_or_default()}</textarea>
                        </div>
                        {overview.module(position + 1).is_some().then(|| view! {
                            <div class="choice">
                                <input type="checkbox" id="open_next" name="open_next" value="on" checked=next_locked/>
                                <label for="open_next">{td_string!(i18n, homework.open_next).to_string()}</label>
                            </div>
                        })}
                        <button type="submit" class="button">{td_string!(i18n, homework.send_feedback).to_string()}</button>
                    </form>
                </section>
            }
        });
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, homework.staff_title).to_string()/>
            <nav class="breadcrumb" aria-label=td_string!(i18n, programme.breadcrumb).to_string()>
                <a href=format!("/patients/{}", access.patient_id)>{td_string!(i18n, patient.title).to_string()}</a>
            </nav>
            <FlashMessages flash=flash.clone()/>
            <p class="hint">{td_string!(i18n, patient.audited).to_string()}</p>
            <p class="module-label">{module_label(&overview, position)}" · "{overview.programme.title.get(lang).to_string()}</p>
            <h2>{module.title.get(lang).to_string()}</h2>
            <SubmissionView submission guided=overview.enrolment.is_guided()/>
            {form}
        })
    })
}
