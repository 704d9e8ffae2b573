//! A service's outcome report: how many were referred, assessed, started, finished and dropped
//! out in a period, how long they waited, the outcome rates (see [`crate::outcomes`]) and the
//! therapist time per patient, in total and broken down by programme, therapist and the
//! background dimensions. Pure: the platform builds one [`Course`] per referral and gets back
//! figures that may be published, with small groups suppressed so no patient can be recognised.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::outcomes::Outcome;

/// Fewer people than this in a cell and it is suppressed (shown as "<5").
pub const MIN_CELL: u32 = 5;

/// One referral's path through the service: the facts the report counts. Built by the platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Course {
    #[serde(with = "iso_date")]
    pub referred_on: Date,
    #[serde(with = "iso_date::option")]
    pub assessed_on: Option<Date>,
    #[serde(with = "iso_date::option")]
    pub started_on: Option<Date>,
    /// The day treatment ended (finished or dropped out); None while still in treatment or waiting.
    #[serde(with = "iso_date::option")]
    pub ended_on: Option<Date>,
    /// Ended with fewer than [`crate::outcomes::FINISHED_TREATMENT_CONTACTS`] treatment
    /// contacts, as the platform decides; the report just counts it.
    pub dropped_out: bool,
    /// The outcome (first and last scores), if the course has paired scores. Only counted for
    /// courses that ended in the period and did not drop out.
    pub outcome: Option<Outcome>,
    /// Therapist minutes over the whole course.
    pub therapist_minutes: u32,
    /// Keys of the groups this course belongs to, per dimension, e.g. `("programme", "panic")`,
    /// `("therapist", "Maria Johansen")`, `("age", "18-25")`. A dimension without a key is
    /// reported under "unknown"; one with several keys (two therapists) is counted under each.
    pub groups: Vec<(String, String)>,
}

/// A report period, inclusive of both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    #[serde(with = "iso_date")]
    pub from: Date,
    #[serde(with = "iso_date")]
    pub to: Date,
}

impl Period {
    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }
}

/// A count or a rate as it may be published.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Cell<T> {
    Value(T),
    Suppressed,
}

/// A rate: numerator and denominator, with the percentage (0–100, one decimal, rounded half up)
/// for display.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub numerator: u32,
    pub denominator: u32,
    pub percent: f64,
}

/// Raw figures for a set of courses in a period (before suppression).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Referred in the period.
    pub referrals: u32,
    /// Assessed in the period.
    pub assessed: u32,
    /// Started treatment in the period.
    pub started: u32,
    /// Ended in the period, not dropped out.
    pub finished: u32,
    /// Ended in the period, dropped out.
    pub dropped_out: u32,
    /// Days from referral to assessment of the courses assessed in the period, sorted ascending
    /// (the raw list, so medians can be recomputed, e.g. over several periods).
    pub days_to_assessment: Vec<u32>,
    /// Days from referral to start of the courses started in the period, sorted ascending.
    pub days_to_start: Vec<u32>,
    /// Finished courses with an outcome: the denominator of reliable improvement and reliable
    /// deterioration.
    pub with_outcome: u32,
    /// Of those, the cases at start: the denominator of recovery and reliable recovery.
    pub case_at_start: u32,
    pub recovered: u32,
    pub reliable_improvement: u32,
    pub reliable_recovery: u32,
    pub reliable_deterioration: u32,
    /// Therapist minutes of the courses ended (finished or dropped out) in the period; minutes
    /// per patient = this / (finished + dropped_out).
    pub therapist_minutes: u64,
}

/// Days from `from` to `to`; a date before the referral (a data error) counts as 0 rather than
/// wrapping around into an absurd wait.
fn days(from: Date, to: Date) -> u32 {
    u32::try_from((to - from).whole_days()).unwrap_or(0)
}

pub fn figures<'a>(courses: impl IntoIterator<Item = &'a Course>, period: Period) -> Figures {
    let mut f = Figures::default();
    for c in courses {
        f.referrals += u32::from(period.contains(c.referred_on));
        if let Some(on) = c.assessed_on.filter(|d| period.contains(*d)) {
            f.assessed += 1;
            f.days_to_assessment.push(days(c.referred_on, on));
        }
        if let Some(on) = c.started_on.filter(|d| period.contains(*d)) {
            f.started += 1;
            f.days_to_start.push(days(c.referred_on, on));
        }
        if !c.ended_on.is_some_and(|d| period.contains(d)) {
            continue;
        }
        f.therapist_minutes += u64::from(c.therapist_minutes);
        if c.dropped_out {
            f.dropped_out += 1;
            continue;
        }
        f.finished += 1;
        if let Some(o) = &c.outcome {
            f.with_outcome += 1;
            f.case_at_start += u32::from(o.case_at_start);
            f.recovered += u32::from(o.recovered);
            f.reliable_improvement += u32::from(o.reliable_improvement);
            f.reliable_recovery += u32::from(o.reliable_recovery);
            f.reliable_deterioration += u32::from(o.reliable_deterioration);
        }
    }
    f.days_to_assessment.sort_unstable();
    f.days_to_start.sort_unstable();
    f
}

/// Figures as they may be published. A count of 1 to `MIN_CELL - 1` people is suppressed (0 is
/// shown: it reveals no one). A median, mean or rate resting on fewer than `MIN_CELL` people is
/// suppressed, and so is a rate whose numerator or complement (denominator − numerator) is 1 to
/// `MIN_CELL - 1`, since "100 % of 7 recovered but 2" names a small group as surely as "2" does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub referrals: Cell<u32>,
    pub assessed: Cell<u32>,
    pub started: Cell<u32>,
    pub finished: Cell<u32>,
    pub dropped_out: Cell<u32>,
    /// Medians in whole days; of an even count the mean of the two middle values, rounded down.
    pub median_days_to_assessment: Cell<u32>,
    pub median_days_to_start: Cell<u32>,
    pub recovery: Cell<Rate>,
    pub reliable_improvement: Cell<Rate>,
    pub reliable_recovery: Cell<Rate>,
    pub reliable_deterioration: Cell<Rate>,
    /// Mean minutes per patient, whole minutes rounded half up.
    pub minutes_per_patient: Cell<u32>,
}

fn small(n: u32) -> bool {
    (1..MIN_CELL).contains(&n)
}

fn count(n: u32) -> Cell<u32> {
    if small(n) {
        Cell::Suppressed
    } else {
        Cell::Value(n)
    }
}

fn rate(numerator: u32, denominator: u32) -> Cell<Rate> {
    if denominator < MIN_CELL || small(numerator) || small(denominator.saturating_sub(numerator)) {
        return Cell::Suppressed;
    }
    // Whole tenths of a percent, rounded half up in integers: in floating point 7/80 could come
    // out a hair under 8.75 % and round to 8.7.
    let (n, d) = (u64::from(numerator), u64::from(denominator));
    let tenths = (2000 * n + d) / (2 * d);
    Cell::Value(Rate { numerator, denominator, percent: tenths as f64 / 10.0 })
}

/// The median in whole days; for an even count the mean of the two middle values, rounded down
/// to a whole day (waits of 10 and 11 days give 10). Sorted here rather than trusted, since
/// figures may be put together by hand, e.g. from several periods.
fn median(days: &[u32]) -> Cell<u32> {
    if days.len() < MIN_CELL as usize {
        return Cell::Suppressed;
    }
    let mut sorted = days.to_vec();
    sorted.sort_unstable();
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        Cell::Value(sorted[mid])
    } else {
        Cell::Value(((u64::from(sorted[mid - 1]) + u64::from(sorted[mid])) / 2) as u32)
    }
}

pub fn publish(f: &Figures) -> Published {
    let ended = f.finished + f.dropped_out;
    let minutes_per_patient = if ended < MIN_CELL {
        Cell::Suppressed
    } else {
        let n = u64::from(ended);
        Cell::Value(u32::try_from((2 * f.therapist_minutes + n) / (2 * n)).unwrap_or(u32::MAX))
    };
    Published {
        referrals: count(f.referrals),
        assessed: count(f.assessed),
        started: count(f.started),
        finished: count(f.finished),
        dropped_out: count(f.dropped_out),
        median_days_to_assessment: median(&f.days_to_assessment),
        median_days_to_start: median(&f.days_to_start),
        recovery: rate(f.recovered, f.case_at_start),
        reliable_improvement: rate(f.reliable_improvement, f.with_outcome),
        reliable_recovery: rate(f.reliable_recovery, f.case_at_start),
        reliable_deterioration: rate(f.reliable_deterioration, f.with_outcome),
        minutes_per_patient,
    }
}

/// One breakdown: a dimension with a row per group key, sorted by key with "unknown" last.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    pub dimension: String,
    pub rows: Vec<(String, Published)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub period: Period,
    pub total: Published,
    pub breakdowns: Vec<Breakdown>,
}

/// The key of courses without a key for a dimension.
const UNKNOWN: &str = "unknown";

/// The report: the total, then one breakdown per dimension in `dimensions` order. A group with
/// nothing in the period (say a therapist who has left) gets no row.
///
/// Secondary suppression: within one breakdown, for each plain count, if exactly one row is
/// suppressed while the total is published, the smallest other published non-zero row is
/// suppressed too, so the hidden row cannot be worked out as the total minus the others.
pub fn report(courses: &[Course], period: Period, dimensions: &[&str]) -> Report {
    let total = publish(&figures(courses, period));
    let breakdowns = dimensions
        .iter()
        .map(|&dimension| {
            let mut groups: BTreeMap<&str, Vec<&Course>> = BTreeMap::new();
            for c in courses {
                let mut keys: Vec<&str> = c.groups.iter().filter(|(d, _)| d == dimension).map(|(_, k)| k.as_str()).collect();
                keys.sort_unstable();
                keys.dedup();
                if keys.is_empty() {
                    keys.push(UNKNOWN);
                }
                for k in keys {
                    groups.entry(k).or_default().push(c);
                }
            }
            let mut rows: Vec<(String, Published)> = groups
                .into_iter()
                .map(|(k, cs)| (k, figures(cs, period)))
                .filter(|(_, f)| *f != Figures::default())
                .map(|(k, f)| (k.to_string(), publish(&f)))
                .collect();
            rows.sort_by_key(|(k, _)| k == UNKNOWN); // stable: the rest stay sorted by key
            suppress_secondary(&total, &mut rows);
            Breakdown { dimension: dimension.to_string(), rows }
        })
        .collect();
    Report { period, total, breakdowns }
}

/// The plain counts of a published row, for secondary suppression.
const COUNTS: [fn(&mut Published) -> &mut Cell<u32>; 5] =
    [|p| &mut p.referrals, |p| &mut p.assessed, |p| &mut p.started, |p| &mut p.finished, |p| &mut p.dropped_out];

fn suppress_secondary(total: &Published, rows: &mut [(String, Published)]) {
    let mut total = total.clone(); // only read, but the accessors are `&mut`
    for field in COUNTS {
        if *field(&mut total) == Cell::Suppressed {
            continue;
        }
        if rows.iter_mut().map(|(_, p)| *field(p)).filter(|c| *c == Cell::Suppressed).count() != 1 {
            continue;
        }
        // The first of equal smallest rows, in the breakdown's order.
        let smallest = rows
            .iter_mut()
            .filter_map(|(_, p)| match *field(p) {
                Cell::Value(n) if n > 0 => Some((n, p)),
                _ => None,
            })
            .min_by_key(|(n, _)| *n);
        if let Some((_, p)) = smallest {
            *field(p) = Cell::Suppressed;
        }
    }
}

/// The report as CSV (RFC 4180, CRLF line ends): `dimension,group,measure,value,numerator,denominator`,
/// one line per row and measure, the total first as dimension "total", group "all". Counts,
/// medians and minutes are integers, rates a percentage with one decimal and '.' (whatever the
/// spreadsheet's locale) and their numerator and denominator; a suppressed cell is "<5" with
/// both left empty.
pub fn to_csv(report: &Report) -> String {
    let mut out = String::from("dimension,group,measure,value,numerator,denominator\r\n");
    let total = ("total", "all", &report.total);
    let rows = report.breakdowns.iter().flat_map(|b| b.rows.iter().map(move |(k, p)| (b.dimension.as_str(), k.as_str(), p)));
    for (dimension, group, p) in std::iter::once(total).chain(rows) {
        for (measure, cell) in measures(p) {
            let (value, numerator, denominator) = match cell {
                Shown::Count(n) => (n.to_string(), String::new(), String::new()),
                Shown::Rate(r) => (format!("{:.1}", r.percent), r.numerator.to_string(), r.denominator.to_string()),
                Shown::Suppressed => (format!("<{MIN_CELL}"), String::new(), String::new()),
            };
            let line = [dimension, group, measure, value.as_str(), numerator.as_str(), denominator.as_str()].map(csv_field).join(",");
            out.push_str(&line);
            out.push_str("\r\n");
        }
    }
    out
}

/// One published cell, whatever its kind.
#[derive(Clone, Copy)]
enum Shown {
    Count(u32),
    Rate(Rate),
    Suppressed,
}

/// Each field of [`Published`] with its name, in declaration order (the CSV's and FHIR's order).
fn measures(p: &Published) -> [(&'static str, Shown); 12] {
    let whole = |measure, c: Cell<u32>| (measure, match c {
        Cell::Value(n) => Shown::Count(n),
        Cell::Suppressed => Shown::Suppressed,
    });
    let rate = |measure, c: Cell<Rate>| (measure, match c {
        Cell::Value(r) => Shown::Rate(r),
        Cell::Suppressed => Shown::Suppressed,
    });
    [
        whole("referrals", p.referrals),
        whole("assessed", p.assessed),
        whole("started", p.started),
        whole("finished", p.finished),
        whole("dropped_out", p.dropped_out),
        whole("median_days_to_assessment", p.median_days_to_assessment),
        whole("median_days_to_start", p.median_days_to_start),
        rate("recovery", p.recovery),
        rate("reliable_improvement", p.reliable_improvement),
        rate("reliable_recovery", p.reliable_recovery),
        rate("reliable_deterioration", p.reliable_deterioration),
        whole("minutes_per_patient", p.minutes_per_patient),
    ]
}

/// One CSV field. Group keys are user input (therapist names), so a field a spreadsheet would
/// take for a formula (starting with '=', '+', '-', '@', or tab or carriage return as OWASP also
/// lists) gets a leading single quote; then a field with a comma, quote or line break is quoted.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The age group of someone born in `birth_year`, on `on`. The age is the year-only age
/// (`on.year() - birth_year`), as the population register's birth year allows without a birth
/// date; the report shows the over-67s (pension age) as their own group.
pub fn age_group(birth_year: i32, on: Date) -> &'static str {
    match on.year() - birth_year {
        ..=17 => "under-18",
        18..=25 => "18-25",
        26..=35 => "26-35",
        36..=50 => "36-50",
        51..=66 => "51-66",
        _ => "67+",
    }
}

/// `time` is built here without its serde feature, so dates are (de)serialised by hand, as
/// ISO 8601 calendar dates (`2025-03-01`).
mod iso_date {
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};
    use time::{Date, Month};

    struct Iso(Date);

    impl Serialize for Iso {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let d = self.0;
            s.collect_str(&format_args!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        }
    }

    impl<'de> Deserialize<'de> for Iso {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            let parse = || {
                let (year, rest) = s.split_once('-')?;
                let (month, day) = rest.split_once('-')?;
                let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
                Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
            };
            parse().map(Iso).ok_or_else(|| D::Error::custom(format!("not a date (YYYY-MM-DD): {s:?}")))
        }
    }

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        Iso(*d).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        Iso::deserialize(d).map(|i| i.0)
    }

    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            d.map(Iso).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<Iso>::deserialize(d).map(|o| o.map(|i| i.0))
        }
    }
}

/// The report as a FHIR R4 MeasureReport (summary): one group per measure, with the total's
/// population counts (and, for rates, the score in per cent), and a stratifier per breakdown.
/// A suppressed cell has no count, only the data-absent reason "masked".
pub fn to_fhir(report: &Report, organisation: &str) -> serde_json::Value {
    use serde_json::json;
    let population = |code: &str, count: u32| json!({ "code": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/measure-population", "code": code }] }, "count": count });
    let masked = json!([{ "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason", "valueCode": "masked" }]);
    // The population and score of one cell, as the fields of a group or a stratum.
    let cell = |shown: Shown| -> serde_json::Map<String, serde_json::Value> {
        let mut out = serde_json::Map::new();
        match shown {
            Shown::Count(n) => {
                out.insert("population".into(), json!([population("initial-population", n)]));
            }
            Shown::Rate(r) => {
                out.insert("population".into(), json!([population("denominator", r.denominator), population("numerator", r.numerator)]));
                out.insert("measureScore".into(), json!({ "value": r.percent, "unit": "%", "system": "http://unitsofmeasure.org", "code": "%" }));
            }
            Shown::Suppressed => {
                out.insert("extension".into(), masked.clone());
            }
        }
        out
    };
    let groups: Vec<serde_json::Value> = measures(&report.total)
        .into_iter()
        .enumerate()
        .map(|(i, (measure, shown))| {
            let mut group = cell(shown);
            group.insert("code".into(), json!({ "coding": [{ "system": "urn:stegvis:service-measure", "code": measure }] }));
            let stratifier: Vec<serde_json::Value> = report
                .breakdowns
                .iter()
                .map(|b| {
                    let stratum: Vec<serde_json::Value> = b
                        .rows
                        .iter()
                        .map(|(key, p)| {
                            let mut s = cell(measures(p)[i].1);
                            s.insert("value".into(), json!({ "text": key }));
                            serde_json::Value::Object(s)
                        })
                        .collect();
                    json!({ "code": [{ "text": b.dimension }], "stratum": stratum })
                })
                .collect();
            group.insert("stratifier".into(), json!(stratifier));
            serde_json::Value::Object(group)
        })
        .collect();
    json!({
        "resourceType": "MeasureReport",
        "status": "complete",
        "type": "summary",
        "measure": "urn:stegvis:measure:service-outcomes",
        "reporter": { "display": organisation },
        "period": { "start": report.period.from.to_string(), "end": report.period.to.to_string() },
        "group": groups,
    })
}
