//! The service report: referrals, starts, ends, waits and outcomes for a chosen period, by
//! programme and therapist and by the groups a low-threshold service must not miss (reach and
//! equity), with every cell of fewer than five people suppressed. Charts are server-drawn SVG
//! beside the tables they summarise; the same figures download as CSV and JSON.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use stegvis_content::service::{Breakdown, Cell, Published, Rate};
use stegvis_platform::{dates, report, Error};

use crate::{
    components::{load, Heading, Table},
    context::{locale, request_id, require_viewer, services},
    i18n::*,
    pages::intake::choice_label,
};

fn count(cell: &Cell<u32>) -> String {
    match cell {
        Cell::Value(n) => n.to_string(),
        Cell::Suppressed => "<5".into(),
    }
}

fn rate(cell: &Cell<Rate>) -> String {
    let i18n = locale();
    match cell {
        Cell::Value(r) => td_string!(i18n, report.rate).replace("{percent}", &format!("{:.1}", r.percent)).replace("{n}", &r.numerator.to_string()).replace("{of}", &r.denominator.to_string()),
        Cell::Suppressed => "<5".into(),
    }
}

fn dimension_title(dimension: &str) -> String {
    let i18n = locale();
    match dimension {
        "programme" => td_string!(i18n, report.by_programme),
        "therapist" => td_string!(i18n, report.by_therapist),
        "age" => td_string!(i18n, report.by_age),
        "gender" => td_string!(i18n, report.by_gender),
        "education" => td_string!(i18n, report.by_education),
        "work" => td_string!(i18n, report.by_work),
        _ => td_string!(i18n, report.by_immigrant),
    }
    .to_string()
}

/// A group's name: the translated choice, or the programme's title, or the therapist's name.
fn group_name(dimension: &str, key: &str) -> String {
    if dimension == "programme" {
        if let Some((_, p)) = services().content.current(key) {
            return p.title.get(locale().as_str()).to_string();
        }
    }
    choice_label(locale(), dimension, key)
}

/// Every measure of a published row, in the order of the CSV.
fn cells(p: &Published) -> Vec<String> {
    vec![
        count(&p.referrals),
        count(&p.assessed),
        count(&p.started),
        count(&p.finished),
        count(&p.dropped_out),
        count(&p.median_days_to_assessment),
        count(&p.median_days_to_start),
        rate(&p.recovery),
        rate(&p.reliable_improvement),
        rate(&p.reliable_recovery),
        rate(&p.reliable_deterioration),
        count(&p.minutes_per_patient),
    ]
}

fn measure_names() -> Vec<String> {
    let i18n = locale();
    vec![
        td_string!(i18n, report.m_referrals).to_string(),
        td_string!(i18n, report.m_assessed).to_string(),
        td_string!(i18n, report.m_started).to_string(),
        td_string!(i18n, report.m_finished).to_string(),
        td_string!(i18n, report.m_dropped_out).to_string(),
        td_string!(i18n, report.m_days_to_assessment).to_string(),
        td_string!(i18n, report.m_days_to_start).to_string(),
        td_string!(i18n, report.m_recovery).to_string(),
        td_string!(i18n, report.m_reliable_improvement).to_string(),
        td_string!(i18n, report.m_reliable_recovery).to_string(),
        td_string!(i18n, report.m_reliable_deterioration).to_string(),
        td_string!(i18n, report.m_minutes).to_string(),
    ]
}

/// Horizontal bars of rates (0–100 %), one per labelled row; a suppressed rate has no bar and
/// says so. The table beside it holds the same numbers.
#[component]
fn RateBars(title: String, rows: Vec<(String, Cell<Rate>)>) -> impl IntoView {
    const LABEL: f64 = 150.0;
    const WIDTH: f64 = 320.0;
    const ROW: f64 = 26.0;
    let height = ROW * rows.len() as f64 + 8.0;
    let bars = rows.into_iter().enumerate().map(|(i, (label, cell))| {
        let y = 4.0 + ROW * i as f64;
        let (width, text) = match cell {
            Cell::Value(r) => ((WIDTH - LABEL - 50.0) * r.percent / 100.0, format!("{:.1} %", r.percent)),
            Cell::Suppressed => (0.0, "<5".to_string()),
        };
        view! {
            <g>
                <text x="0" y=y + 16.0 class="chart-label">{label}</text>
                <rect x=LABEL y=y + 3.0 width=width.max(0.0) height="16" class="bar"/>
                <text x=LABEL + width + 4.0 y=y + 16.0 class="chart-label">{text}</text>
            </g>
        }
    }).collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=title.clone() width="100%">
                {bars}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

#[component]
fn BreakdownTable(breakdown: Breakdown) -> impl IntoView {
    let i18n = locale();
    let mut headings = vec![td_string!(i18n, report.group).to_string()];
    headings.extend(measure_names());
    let id = format!("by-{}", breakdown.dimension);
    let title = dimension_title(&breakdown.dimension);
    let dimension = breakdown.dimension.clone();
    let bars: Vec<(String, Cell<Rate>)> = breakdown.rows.iter().map(|(key, p)| (group_name(&dimension, key), p.recovery)).collect();
    let chart_title = td_string!(i18n, report.recovery_by).replace("{dimension}", &title.to_lowercase());
    view! {
        <section aria-labelledby=format!("{id}-heading") id=id.clone()>
            <h2 id=format!("{id}-heading")>{title}</h2>
            <RateBars title=chart_title rows=bars/>
            <Table headings>
                {breakdown.rows.into_iter().map(|(key, p)| view! {
                    <tr>
                        <th scope="row">{group_name(&dimension, &key)}</th>
                        {cells(&p).into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </Table>
        </section>
    }
}

/// The report page (team leads and administrators): a period form (a plain GET form), the
/// figures for the whole service, reach, and each breakdown, with the downloads.
#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = locale();
    let query = use_query_map().read_untracked().clone();
    load(async move {
        let viewer = require_viewer()?;
        let default = report::last_year();
        let from = query.get("from").and_then(|d| dates::parse(&d)).unwrap_or(default.from);
        let to = query.get("to").and_then(|d| dates::parse(&d)).unwrap_or(default.to);
        let period = stegvis_content::service::Period { from: from.min(to), to: to.max(from) };
        let report = report::for_viewer(&services().db.pool, &viewer, period, &request_id()).await?;
        let (from, to) = (dates::format(period.from), dates::format(period.to));
        let download = |ext: &str| format!("/downloads/report.{ext}?from={from}&to={to}");
        let names = measure_names();
        let total_rows = names.into_iter().zip(cells(&report.total)).map(|(name, value)| view! { <tr><th scope="row">{name}</th><td>{value}</td></tr> }).collect_view();
        let t = &report.total;
        let outcome_bars = vec![
            (td_string!(i18n, report.m_recovery).to_string(), t.recovery),
            (td_string!(i18n, report.m_reliable_improvement).to_string(), t.reliable_improvement),
            (td_string!(i18n, report.m_reliable_recovery).to_string(), t.reliable_recovery),
            (td_string!(i18n, report.m_reliable_deterioration).to_string(), t.reliable_deterioration),
        ];
        // The groups RPH is known to miss, plainly: how many of the referrals they made.
        let referrals = |dimension: &str, keys: &[&str]| -> String {
            let rows = report.breakdowns.iter().find(|b| b.dimension == dimension).map(|b| b.rows.clone()).unwrap_or_default();
            let mut n = 0;
            for (_, p) in rows.iter().filter(|(k, _)| keys.contains(&k.as_str())) {
                match p.referrals {
                    Cell::Value(v) => n += v,
                    Cell::Suppressed => return "<5".into(),
                }
            }
            match (report.total.referrals, n) {
                (_, 1..=4) => "<5".into(),
                (Cell::Value(total), n) if total > 0 => td_string!(i18n, report.share).replace("{n}", &n.to_string()).replace("{percent}", &format!("{:.0}", 100.0 * f64::from(n) / f64::from(total))),
                _ => n.to_string(),
            }
        };
        let reach = vec![
            (td_string!(i18n, report.reach_older).to_string(), referrals("age", &["67+"])),
            (td_string!(i18n, report.reach_low_education).to_string(), referrals("education", &["primary"])),
            (td_string!(i18n, report.reach_immigrant).to_string(), referrals("immigrant", &["yes", "descendant"])),
            (td_string!(i18n, report.reach_men).to_string(), referrals("gender", &["male"])),
        ];
        Ok::<_, Error>(view! {
            <Heading text=td_string!(i18n, report.title).to_string()/>
            <form method="get" action="/reports" class="filters">
                <div class="field">
                    <label for="from">{td_string!(i18n, report.from).to_string()}</label>
                    <input type="date" id="from" name="from" value=from.clone()/>
                </div>
                <div class="field">
                    <label for="to">{td_string!(i18n, report.to).to_string()}</label>
                    <input type="date" id="to" name="to" value=to.clone()/>
                </div>
                <button type="submit" class="button secondary">{td_string!(i18n, report.show).to_string()}</button>
            </form>
            <p class="hint">{td_string!(i18n, report.definitions).to_string()}</p>
            <p class="hint">{td_string!(i18n, report.suppression).to_string()}</p>
            <p class="actions">
                <a href=download("csv") download="">{td_string!(i18n, report.download_csv).to_string()}</a>
                " · "
                <a href=download("json") download="">{td_string!(i18n, report.download_json).to_string()}</a>
                " · "
                <a href=download("fhir.json") download="">{td_string!(i18n, report.download_fhir).to_string()}</a>
            </p>
            <section aria-labelledby="total-heading">
                <h2 id="total-heading">{td_string!(i18n, report.total).to_string()}</h2>
                <RateBars title=td_string!(i18n, report.outcomes_chart).to_string() rows=outcome_bars/>
                <Table headings=vec![td_string!(i18n, report.measure).to_string(), td_string!(i18n, report.value).to_string()]>{total_rows}</Table>
            </section>
            <section aria-labelledby="reach-heading" class="card">
                <h2 id="reach-heading">{td_string!(i18n, report.reach_title).to_string()}</h2>
                <p>{td_string!(i18n, report.reach_intro).to_string()}</p>
                <dl class="facts">{reach.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}</dl>
            </section>
            {report.breakdowns.clone().into_iter().map(|b| view! { <BreakdownTable breakdown=b/> }).collect_view()}
        })
    })
}
