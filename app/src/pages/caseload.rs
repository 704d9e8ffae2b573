//! The therapist's caseload, most urgent first, and the team lead's view of the team's
//! caseloads; holiday cover. It is the staff home page: a morning's work starts here.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;
use stegvis_content::instruments;
use stegvis_platform::{
    access::Viewer,
    caseload::{self, CaseloadRow, Filter, Priority, TeamLine},
    covers, dates, patients,
    org::Role,
    Error,
};

use crate::{
    api::guidance::{CancelCover, SetCover},
    components::{date, Table},
    context::{locale, request_id, services, Flash},
    i18n::*,
    pages::guidance::{described, field_error},
};

/// The caseload page's search form, read from the address.
#[derive(Clone, Debug, Default)]
pub struct CaseloadQuery {
    pub filter: Filter,
    /// A team lead looking at one therapist's caseload.
    pub therapist: Option<i64>,
}

/// Reads the query (call it where the page's component starts, not in its async part).
pub fn read_query() -> CaseloadQuery {
    let query = use_query_map().read_untracked().clone();
    let text = |key: &str| query.get(key).filter(|v| !v.is_empty());
    CaseloadQuery {
        filter: Filter {
            search: text("q").unwrap_or_default(),
            programme: text("programme"),
            priority: text("status").and_then(|s| Priority::parse(&s)),
            step: text("step"),
        },
        therapist: text("therapist").and_then(|t| t.parse().ok()),
    }
}

pub fn priority_text(priority: Priority) -> String {
    let i18n = locale();
    match priority {
        Priority::UrgentFlag => td_string!(i18n, caseload.priority_urgent_flag),
        Priority::Flag => td_string!(i18n, caseload.priority_flag),
        Priority::Overdue => td_string!(i18n, caseload.priority_overdue),
        Priority::NewHomework => td_string!(i18n, caseload.priority_homework),
        Priority::NewMessage => td_string!(i18n, caseload.priority_message),
        Priority::Inactive => td_string!(i18n, caseload.priority_inactive),
        Priority::Rest => td_string!(i18n, caseload.priority_rest),
    }
    .to_string()
}

/// "today", "yesterday", "N days ago".
pub fn days_ago(unix: i64) -> String {
    let i18n = locale();
    match dates::days_between(dates::oslo_date(unix), dates::today()) {
        0 => td_string!(i18n, caseload.today).to_string(),
        1 => td_string!(i18n, caseload.yesterday).to_string(),
        n => td_string!(i18n, caseload.days_ago).replace("{days}", &n.to_string()),
    }
}

/// The staff home page's work: the team (team leads), a caseload, and holiday cover.
pub async fn staff_work(viewer: &Viewer, query: CaseloadQuery, flash: &Flash) -> Result<AnyView, Error> {
    let pool = &services().db.pool;
    let rid = request_id();
    let team = if viewer.has(Role::TeamLead) { Some(caseload::team(pool, viewer, &rid).await?) } else { None };
    let (rows, whose) = match (query.therapist, viewer.has(Role::TeamLead), viewer.has(Role::Therapist)) {
        (Some(therapist), true, _) => {
            let name = team.as_ref().and_then(|t| t.iter().find(|l| l.therapist_id == therapist)).map(|l| l.name.clone()).ok_or(Error::NotFound)?;
            (Some(caseload::of_therapist(pool, viewer, therapist, &query.filter, &rid).await?), Some(name))
        }
        (_, _, true) => (Some(caseload::own(pool, viewer, &query.filter, &rid).await?), None),
        _ => (None, None),
    };
    let lang = locale().as_str();
    let steps: Vec<(String, String)> = stegvis_platform::steps::ladder(&mut *pool.acquire().await?, viewer.organisation_id()?)
        .await?
        .into_iter()
        .map(|s| (s.key, s.name.get(lang).to_string()))
        .collect();
    let cover = if viewer.has(Role::Therapist) || viewer.has(Role::TeamLead) { Some(cover_section(viewer, flash).await?) } else { None };
    Ok(view! {
        {team.map(|lines| view! { <TeamTable lines/> })}
        {rows.map(|rows| view! { <CaseloadSection rows whose query viewer_id=viewer.user.id steps/> })}
        {cover}
    }
    .into_any())
}

#[component]
fn TeamTable(lines: Vec<TeamLine>) -> impl IntoView {
    let i18n = locale();
    let headings = vec![
        td_string!(i18n, caseload.therapist).to_string(),
        td_string!(i18n, caseload.patients).to_string(),
        td_string!(i18n, caseload.flagged).to_string(),
        priority_text(Priority::Overdue),
        priority_text(Priority::NewHomework),
        priority_text(Priority::NewMessage),
        priority_text(Priority::Inactive),
        td_string!(i18n, caseload.reply_time).to_string(),
    ];
    view! {
        <section aria-labelledby="team-heading">
            <h2 id="team-heading">{td_string!(i18n, caseload.team_title).to_string()}</h2>
            <p class="hint">{td_string!(i18n, caseload.team_intro).to_string()}</p>
            <Table headings>
                {lines.into_iter().map(|l| view! {
                    <tr>
                        <td><a href=format!("/?therapist={}#caseload-heading", l.therapist_id)>{l.name}</a></td>
                        <td>{l.patients}</td>
                        <td>{l.flagged}</td>
                        <td>{l.overdue}</td>
                        <td>{l.homework}</td>
                        <td>{l.messages}</td>
                        <td>{l.inactive}</td>
                        <td>{l.reply_hours.map(|h| td_string!(i18n, caseload.hours).replace("{n}", &h.to_string())).unwrap_or_else(|| "–".into())}</td>
                    </tr>
                }).collect_view()}
            </Table>
        </section>
    }
}

#[component]
fn CaseloadSection(rows: Vec<CaseloadRow>, whose: Option<String>, query: CaseloadQuery, viewer_id: i64, steps: Vec<(String, String)>) -> impl IntoView {
    let i18n = locale();
    let heading = match &whose {
        Some(name) => td_string!(i18n, caseload.title_of).replace("{name}", name),
        None => td_string!(i18n, caseload.title).to_string(),
    };
    let count = |p: Priority| rows.iter().filter(|r| r.priority == p).count();
    let therapist_param = query.therapist.map(|t| format!("&therapist={t}")).unwrap_or_default();
    let summary = [Priority::UrgentFlag, Priority::Flag, Priority::Overdue, Priority::NewHomework, Priority::NewMessage, Priority::Inactive]
        .into_iter()
        .map(|p| {
            let n = count(p);
            let href = format!("/?status={}{therapist_param}#caseload-heading", p.as_str());
            view! { <li><a href=href>{priority_text(p)}": "<strong>{n}</strong></a></li> }
        })
        .collect_view();
    let filtered = query.filter != Filter::default();
    let empty = rows.is_empty();
    let minutes: i64 = rows.iter().map(|r| r.minutes_this_week).sum();
    let time = td_string!(i18n, caseload.minutes_total).replace("{n}", &minutes.to_string()).replace("{patients}", &rows.iter().filter(|r| r.minutes_this_week > 0).count().to_string());
    view! {
        <section aria-labelledby="caseload-heading">
            <h2 id="caseload-heading">{heading}</h2>
            <ul class="summary-list">{summary}</ul>
            <p class="hint">{time}</p>
            <CaseloadFilter query=query.clone() steps/>
            {if empty {
                let text = if filtered { td_string!(i18n, caseload.none_matching) } else { td_string!(i18n, caseload.empty) };
                view! { <p>{text.to_string()}</p> }.into_any()
            } else {
                view! { <CaseloadTable rows viewer_id/> }.into_any()
            }}
        </section>
    }
}

#[component]
fn CaseloadFilter(query: CaseloadQuery, steps: Vec<(String, String)>) -> impl IntoView {
    let i18n = locale();
    let lang = i18n.as_str();
    let programmes: Vec<(String, String)> = services().content.programmes().iter().map(|(_, p)| (p.id.clone(), p.title.get(lang).to_string())).collect();
    let chosen_programme = query.filter.programme.clone().unwrap_or_default();
    let chosen_status = query.filter.priority.map(|p| p.as_str()).unwrap_or_default();
    let chosen_step = query.filter.step.clone().unwrap_or_default();
    view! {
        <form method="get" action="/" class="filters" role="search" aria-label=td_string!(i18n, caseload.filter_label).to_string()>
            {query.therapist.map(|t| view! { <input type="hidden" name="therapist" value=t.to_string()/> })}
            <div class="field">
                <label for="q">{td_string!(i18n, caseload.search).to_string()}</label>
                <input id="q" name="q" type="search" value=query.filter.search.clone() autocomplete="off"/>
            </div>
            <div class="field">
                <label for="programme">{td_string!(i18n, caseload.programme).to_string()}</label>
                <select id="programme" name="programme">
                    <option value="">{td_string!(i18n, caseload.all).to_string()}</option>
                    {programmes.into_iter().map(|(id, title)| {
                        let selected = id == chosen_programme;
                        view! { <option value=id selected=selected>{title}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="step">{td_string!(i18n, caseload.step).to_string()}</label>
                <select id="step" name="step">
                    <option value="">{td_string!(i18n, caseload.all).to_string()}</option>
                    {steps.into_iter().map(|(key, name)| {
                        let selected = key == chosen_step;
                        view! { <option value=key selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="status">{td_string!(i18n, caseload.status).to_string()}</label>
                <select id="status" name="status">
                    <option value="">{td_string!(i18n, caseload.all).to_string()}</option>
                    {Priority::ALL.into_iter().map(|p| {
                        let selected = p.as_str() == chosen_status;
                        view! { <option value=p.as_str() selected=selected>{priority_text(p)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">{td_string!(i18n, caseload.show).to_string()}</button>
        </form>
    }
}

/// A measure's latest score, its band and the change since the one before.
fn score_text(score: &caseload::LatestScore) -> impl IntoView {
    let i18n = locale();
    let instrument = instruments::by_id(&score.instrument_id);
    let name = instrument.map(|i| i.abbreviation).unwrap_or(&score.instrument_id).to_string();
    let band = instrument.and_then(|i| i.band(u16::try_from(score.latest).unwrap_or(0))).map(|b| format!(" ({})", b.label.get(i18n.as_str())));
    let trend = score.previous.map(|previous| {
        let delta = score.latest - previous;
        let (arrow, words) = match delta {
            d if d < 0 => ("↓", td_string!(i18n, caseload.trend_down).replace("{n}", &(-d).to_string())),
            d if d > 0 => ("↑", td_string!(i18n, caseload.trend_up).replace("{n}", &d.to_string())),
            _ => ("→", td_string!(i18n, caseload.trend_same).to_string()),
        };
        view! { " "<span aria-hidden="true">{arrow}{(delta != 0).then(|| delta.abs().to_string())}</span><span class="visually-hidden">{words}</span> }
    });
    view! { <li>{name}" "<strong>{score.latest}</strong>{band}{trend}</li> }
}

#[component]
fn CaseloadTable(rows: Vec<CaseloadRow>, viewer_id: i64) -> impl IntoView {
    let i18n = locale();
    let lang = i18n.as_str();
    let content = services().content;
    let headings = vec![
        td_string!(i18n, caseload.patient).to_string(),
        td_string!(i18n, caseload.programme_week).to_string(),
        td_string!(i18n, caseload.scores).to_string(),
        td_string!(i18n, caseload.last_active).to_string(),
        td_string!(i18n, caseload.waiting).to_string(),
        td_string!(i18n, caseload.minutes).to_string(),
    ];
    view! {
        <Table headings>
            {rows.into_iter().map(|r| {
                let covering = !r.therapist_ids.contains(&viewer_id);
                let programme = r.programme_id.as_ref().and_then(|id| content.current(id)).map(|(_, p)| {
                    let place = if r.ended {
                        td_string!(i18n, caseload.ended).to_string()
                    } else if r.week == 0 {
                        td_string!(i18n, caseload.not_started).to_string()
                    } else {
                        td_string!(i18n, caseload.week_days_left)
                            .replace("{week}", &r.week.min(i64::from(p.weeks)).to_string())
                            .replace("{weeks}", &p.weeks.to_string())
                            .replace("{days}", &r.days_left.to_string())
                    };
                    view! { {p.title.get(lang).to_string()}<br/><span class="hint">{place}</span> }
                });
                let mut waiting = Vec::new();
                for f in r.flags.iter().filter(|f| f.on_caseload()) {
                    let class = if f.is_urgent() { "badge risk" } else { "badge" };
                    let text = format!("{}: {}", crate::pages::escalation::urgency_text(&f.urgency), crate::pages::escalation::flag_kind_text(&f.kind));
                    waiting.push(view! { <li><a href=format!("/patients/{}#flag-{}", r.patient_id, f.id)><span class=class>{text}</span></a></li> }.into_any());
                }
                if r.overdue {
                    waiting.push(view! { <li><span class="badge risk">{priority_text(Priority::Overdue)}</span></li> }.into_any());
                }
                if let Some(since) = r.homework_since {
                    let text = td_string!(i18n, caseload.homework_waiting).replace("{n}", &r.homework_waiting.to_string()).replace("{date}", &date(since));
                    waiting.push(view! { <li><a href=format!("/patients/{}#waiting", r.patient_id)>{text}</a></li> }.into_any());
                }
                if let Some(since) = r.messages_since {
                    let text = td_string!(i18n, caseload.messages_waiting).replace("{n}", &r.messages_waiting.to_string()).replace("{date}", &date(since));
                    waiting.push(view! { <li><a href=format!("/patients/{}#messages", r.patient_id)>{text}</a></li> }.into_any());
                }
                if r.inactive {
                    waiting.push(view! { <li>{priority_text(Priority::Inactive)}</li> }.into_any());
                }
                let row_class = format!("priority-{}", r.priority.as_str());
                view! {
                    <tr class=row_class>
                        <th scope="row">
                            <a href=format!("/patients/{}", r.patient_id)>{r.name}</a>
                            {covering.then(|| view! { <br/><span class="hint">{td_string!(i18n, caseload.covering_for).replace("{name}", &r.therapists)}</span> })}
                        </th>
                        <td>{programme.map(|p| p.into_any()).unwrap_or_else(|| td_string!(i18n, caseload.no_programme).to_string().into_any())}</td>
                        <td><ul class="plain">{r.scores.iter().map(score_text).collect_view()}</ul></td>
                        <td>{r.last_active_at.map(days_ago).unwrap_or_else(|| td_string!(i18n, caseload.never).to_string())}</td>
                        <td>{if waiting.is_empty() { td_string!(i18n, caseload.nothing_waiting).to_string().into_any() } else { view! { <ul class="plain">{waiting}</ul> }.into_any() }}</td>
                        <td>{td_string!(i18n, caseload.minutes_value).replace("{n}", &r.minutes_this_week.to_string())}</td>
                    </tr>
                }
            }).collect_view()}
        </Table>
    }
}

/// Holiday cover: who acts for whom, and the form to arrange it.
async fn cover_section(viewer: &Viewer, flash: &Flash) -> Result<AnyView, Error> {
    let i18n = locale();
    let pool = &services().db.pool;
    let list = covers::visible(pool, viewer).await?;
    let therapists: Vec<(i64, String)> = patients::staff(pool, viewer.organisation_id()?)
        .await?
        .into_iter()
        .filter(|s| s.roles.split(',').any(|r| r == Role::Therapist.as_str()))
        .map(|s| (s.user_id, s.display_name))
        .collect();
    let team_lead = viewer.has(Role::TeamLead);
    let me = viewer.user.id;
    let chosen_cover: Option<i64> = flash.value("cover_id").and_then(|v| v.parse().ok());
    let options = move |skip: Option<i64>, chosen: Option<i64>| {
        therapists
            .iter()
            .filter(|(id, _)| Some(*id) != skip)
            .map(|(id, name)| view! { <option value=id.to_string() selected=Some(*id) == chosen>{name.clone()}</option> })
            .collect_view()
    };
    let absent = if team_lead {
        view! {
            <div class="field">
                <label for="absent_id">{td_string!(i18n, cover.absent).to_string()}</label>
                <select id="absent_id" name="absent_id">{options(None, Some(me))}</select>
            </div>
        }
        .into_any()
    } else {
        view! { <input type="hidden" name="absent_id" value=me.to_string()/> }.into_any()
    };
    Ok(view! {
        <section aria-labelledby="cover-heading" class="card" id="cover">
            <h2 id="cover-heading">{td_string!(i18n, cover.title).to_string()}</h2>
            <p class="hint">{td_string!(i18n, cover.intro).to_string()}</p>
            {if list.is_empty() {
                view! { <p>{td_string!(i18n, cover.none).to_string()}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {list.into_iter().map(|c| view! {
                            <li>
                                {td_string!(i18n, cover.line)
                                    .replace("{cover}", &c.cover_name)
                                    .replace("{absent}", &c.absent_name)
                                    .replace("{from}", &crate::components::iso_date(&c.starts_on))
                                    .replace("{to}", &crate::components::iso_date(&c.ends_on))}
                                " "
                                <form method="post" action=CancelCover::PATH class="inline">
                                    <input type="hidden" name="id" value=c.id.to_string()/>
                                    <button type="submit" class="button secondary">{td_string!(i18n, cover.cancel).to_string()}</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action=SetCover::PATH class="stack">
                {absent}
                <div class="field">
                    <label for="cover_id">{td_string!(i18n, cover.colleague).to_string()}</label>
                    {field_error(flash, "cover_id")}
                    <select id="cover_id" name="cover_id">{options((!team_lead).then_some(me), chosen_cover)}</select>
                </div>
                <div class="field">
                    <label for="starts_on">{td_string!(i18n, cover.from).to_string()}</label>
                    {field_error(flash, "starts_on")}
                    <input id="starts_on" name="starts_on" type="date" required=true value=flash.value("starts_on") aria-describedby=described(flash, "starts_on")/>
                </div>
                <div class="field">
                    <label for="ends_on">{td_string!(i18n, cover.to).to_string()}</label>
                    {field_error(flash, "ends_on")}
                    <input id="ends_on" name="ends_on" type="date" required=true value=flash.value("ends_on") aria-describedby=described(flash, "ends_on")/>
                </div>
                <button type="submit" class="button">{td_string!(i18n, cover.submit).to_string()}</button>
            </form>
            <p class="hint">{td_string!(i18n, cover.audited).to_string()}</p>
        </section>
    }
    .into_any())
}
