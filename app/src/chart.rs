//! Score charts: inline SVG drawn on the server (no chart JavaScript), with severity bands, a
//! text summary beside it and the same numbers as a table for screen readers and anyone who
//! prefers one.

use leptos::prelude::*;

use crate::{context::locale, i18n::*};

/// One score on the chart.
#[derive(Clone, Debug)]
pub struct ChartPoint {
    /// Short label under the axis ("Uke 3").
    pub label: String,
    pub value: u16,
    /// Extra columns for the table (date, band, change…), after the label and the value.
    pub cells: Vec<Cell>,
}

/// A table cell: text, or a link.
#[derive(Clone, Debug)]
pub enum Cell {
    Text(String),
    Link(String, String),
}

#[derive(Clone, Debug)]
pub struct ChartBand {
    pub min: u16,
    pub max: u16,
    /// Shown in the legend and the table; empty on the patient's chart.
    pub label: String,
}

// Narrow enough that the labels stay legible when a phone shrinks the chart to its width.
const WIDTH: f64 = 420.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 40.0;

/// A measure over time. `id` makes the element ids unique on the page; `headings` are the
/// table's column headings (label, value, then one per cell of a point).
#[component]
pub fn ScoreChart(
    id: String,
    title: String,
    max: u16,
    bands: Vec<ChartBand>,
    /// A dashed line at the caseness threshold, with its label.
    threshold: Option<(u16, String)>,
    points: Vec<ChartPoint>,
    summary: String,
    headings: Vec<String>,
) -> impl IntoView {
    let i18n = locale();
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let max = f64::from(max.max(1));
    let y = move |v: f64| TOP + plot_h * (1.0 - v / max);
    let n = points.len().max(1) as f64;
    let x = move |i: usize| LEFT + plot_w * (i as f64 + 0.5) / n;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let band_rects = bands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            // Bands run from min to max inclusive: draw from min to max + 1, capped at the top.
            let top = y((f64::from(b.max) + 1.0).min(max));
            let bottom = y(f64::from(b.min));
            view! { <rect class=format!("band band-{}", i.min(4)) x=LEFT y=top width=plot_w height=(bottom - top).max(0.0)/> }
        })
        .collect_view();
    let ticks: Vec<u16> = {
        let mut t: Vec<u16> = bands.iter().map(|b| b.min).collect();
        t.push(max as u16);
        if t.is_empty() || t[0] != 0 {
            t.insert(0, 0);
        }
        t.dedup();
        t
    };
    let tick_marks = ticks
        .into_iter()
        .map(|t| view! { <text class="tick" x=LEFT - 6.0 y=y(f64::from(t)) + 4.0 text-anchor="end">{t.to_string()}</text> })
        .collect_view();
    let line = threshold.clone().map(|(t, label)| {
        let ty = y(f64::from(t));
        view! {
            <line class="threshold" x1=LEFT x2=WIDTH - RIGHT y1=ty y2=ty/>
            <text class="threshold-label" x=WIDTH - RIGHT - 4.0 y=ty - 4.0 text-anchor="end">{label}</text>
        }
    });
    let path = points.iter().enumerate().map(|(i, p)| format!("{:.1},{:.1}", x(i), y(f64::from(p.value)))).collect::<Vec<_>>().join(" ");
    // With many points, label only some under the axis (counting back from the latest) so
    // the labels stay readable.
    let every = points.len().div_ceil(6).max(1);
    let marks = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (px, py) = (x(i), y(f64::from(p.value)));
            let label = ((points.len() - 1 - i) % every == 0).then(|| view! { <text class="axis-label" x=px y=HEIGHT - BOTTOM + 18.0 text-anchor="middle">{p.label.clone()}</text> });
            view! {
                <circle class="point" cx=px cy=py r="5"/>
                <text class="value" x=px y=py - 10.0 text-anchor="middle">{p.value.to_string()}</text>
                {label}
            }
        })
        .collect_view();
    let legend = (!bands.iter().all(|b| b.label.is_empty())).then(|| {
        view! {
            <ul class="legend">
                {bands.iter().enumerate().map(|(i, b)| view! {
                    <li><span class=format!("swatch band-{}", i.min(4)) aria-hidden="true"></span>{format!("{}–{}: {}", b.min, b.max, b.label)}</li>
                }).collect_view()}
            </ul>
        }
    });
    let rows = points
        .into_iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">{p.label}</th>
                    <td>{p.value.to_string()}</td>
                    {p.cells.into_iter().map(|c| match c {
                        Cell::Text(t) => view! { <td>{t}</td> }.into_any(),
                        Cell::Link(href, text) => view! { <td><a href=href>{text}</a></td> }.into_any(),
                    }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" aria-labelledby=title_id.clone()>
            <figcaption id=title_id.clone()>{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled_by preserveAspectRatio="xMidYMid meet">
                <title>{title}</title>
                <desc id=desc_id>{summary.clone()}</desc>
                {band_rects}
                <line class="axis" x1=LEFT x2=LEFT y1=TOP y2=HEIGHT - BOTTOM/>
                <line class="axis" x1=LEFT x2=WIDTH - RIGHT y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM/>
                {tick_marks}
                {line}
                <polyline class="trend" points=path/>
                {marks}
            </svg>
            {legend}
            <p class="chart-summary">{summary}</p>
            <details class="chart-table">
                <summary>{td_string!(i18n, measures.show_table).to_string()}</summary>
                <div class="table-wrap">
                    <table>
                        <thead><tr>{headings.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}
