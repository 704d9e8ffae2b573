//! Escalation flags: the rules that put a task in front of a clinician, each with its
//! thresholds as organisation settings and safe defaults (`clinical.md`, "Escalation flags").
//! A flag is never a verdict; a clinician closes it with a decision ([`crate::ladder`]).
//!
//! A new rule is a [`Kind`], its [`Setting`]s in [`settings`], where it is evaluated (on
//! answers in [`on_answers`], or over time in one of the functions below), and its tests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{
    calendar,
    instruments::{self, Change, Domain, Instrument},
    outcomes::Series,
};

/// What a flag is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// A risk item answered at or above its threshold (PHQ-9 item 9, MADRS-S item 9).
    Risk,
    /// A total at or above the severe threshold (PHQ-9, GAD-7).
    Severe,
    /// A reliable rise against the first score of the programme, on any measure.
    Deterioration,
    /// At week N still a case and no reliable improvement.
    NonResponse,
    /// No activity for N days.
    Inactivity,
    /// The patient pressed "I need more help".
    HelpRequest,
    /// Homework or a message unanswered after N working days.
    OverdueGuidance,
}

/// How soon someone must look; the order is the order of the caseload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Urgency {
    /// The patient sees crisis information at once; the therapist is mailed, and the team lead
    /// too if nobody has acknowledged it within [`ESCALATION`] working days.
    Urgent,
    High,
    Normal,
}

impl Kind {
    pub const ALL: [Kind; 7] = [Kind::Risk, Kind::Severe, Kind::Deterioration, Kind::NonResponse, Kind::Inactivity, Kind::HelpRequest, Kind::OverdueGuidance];

    pub fn key(self) -> &'static str {
        match self {
            Kind::Risk => "risk",
            Kind::Severe => "severe",
            Kind::Deterioration => "deterioration",
            Kind::NonResponse => "non_response",
            Kind::Inactivity => "inactivity",
            Kind::HelpRequest => "help_request",
            Kind::OverdueGuidance => "overdue_guidance",
        }
    }

    pub fn parse(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn urgency(self) -> Urgency {
        match self {
            Kind::Risk => Urgency::Urgent,
            Kind::Severe | Kind::Deterioration | Kind::HelpRequest => Urgency::High,
            Kind::NonResponse | Kind::Inactivity | Kind::OverdueGuidance => Urgency::Normal,
        }
    }

    /// Overdue guidance is about the team's work, not the patient: it goes to the team lead.
    pub fn for_team_lead(self) -> bool {
        self == Kind::OverdueGuidance
    }
}

impl Urgency {
    pub fn key(self) -> &'static str {
        match self {
            Urgency::Urgent => "urgent",
            Urgency::High => "high",
            Urgency::Normal => "normal",
        }
    }
}

/// The setting: weeks into a programme at which non-response is judged.
pub const NON_RESPONSE_WEEK: &str = "non_response.week";
/// The setting: days without activity before a flag (a reminder goes to the patient at 7).
pub const INACTIVITY_DAYS: &str = "inactivity.days";
/// The setting: working days a homework or message may wait for an answer.
pub const OVERDUE_WORKING_DAYS: &str = "overdue.working_days";
/// The setting: working days an urgent flag may stay unacknowledged before the team lead is told.
pub const ESCALATION: &str = "escalation.working_days";

/// One threshold an organisation may set.
#[derive(Clone, Debug)]
pub struct Setting {
    /// `risk.phq9_9`, `severe.gad7`, `deterioration.phq9`, `non_response.week`, …
    pub key: String,
    pub kind: Kind,
    /// The instrument (and item) it applies to, for the per-measure ones.
    pub instrument: Option<&'static Instrument>,
    pub item: Option<&'static str>,
    pub default: u16,
    pub min: u16,
    pub max: u16,
}

/// Severe totals (`clinical.md`: PHQ-9 ≥ 20 or GAD-7 ≥ 15; the top band of each).
const SEVERE: &[(&str, u16)] = &[("phq9", 20), ("gad7", 15)];

/// Every threshold with its default and allowed range, in the order they are listed to admins.
pub fn settings() -> Vec<Setting> {
    let mut all = Vec::new();
    // Risk: each instrument's risk items, defaulting to the instrument's own threshold. The
    // minimum is 1: "never" cannot be set.
    for instrument in instruments::ALL {
        for risk in instrument.risk {
            let item = instrument.items.iter().find(|i| i.id == risk.item).expect("risk items name an item");
            let max = u16::from(instrument.item_scale(item).max);
            all.push(Setting { key: format!("risk.{}", risk.item), kind: Kind::Risk, instrument: Some(instrument), item: Some(risk.item), default: risk.at_least.into(), min: 1, max });
        }
    }
    for (id, default) in SEVERE {
        let instrument = instruments::by_id(id).expect("severe thresholds name an instrument");
        all.push(Setting { key: format!("severe.{id}"), kind: Kind::Severe, instrument: Some(instrument), item: None, default: *default, min: 1, max: instrument.max_total() });
    }
    // Deterioration: a rise of the instrument's reliable-change value, or what the organisation sets.
    for instrument in instruments::ALL.iter().filter(|i| i.reliable_change.is_some()) {
        let rc = instrument.reliable_change.expect("filtered");
        all.push(Setting { key: format!("deterioration.{}", instrument.id), kind: Kind::Deterioration, instrument: Some(instrument), item: None, default: rc, min: 1, max: instrument.max_total() });
    }
    let plain = |key: &str, kind, default, min, max| Setting { key: key.to_string(), kind, instrument: None, item: None, default, min, max };
    all.push(plain(NON_RESPONSE_WEEK, Kind::NonResponse, 4, 2, 26));
    all.push(plain(INACTIVITY_DAYS, Kind::Inactivity, 14, 8, 90));
    all.push(plain(OVERDUE_WORKING_DAYS, Kind::OverdueGuidance, 2, 1, 10));
    all.push(plain(ESCALATION, Kind::Risk, 1, 1, 5));
    all
}

/// Why a setting could not be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingError {
    Unknown,
    NotANumber,
    /// Outside `min..=max`.
    OutOfRange { min: u16, max: u16 },
}

/// An organisation's thresholds: its own values over the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thresholds {
    values: BTreeMap<String, u16>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { values: settings().into_iter().map(|s| (s.key, s.default)).collect() }
    }
}

impl Thresholds {
    /// The defaults with the stored values over them. A stored value that is no longer valid
    /// (an unknown key, out of range) is ignored: the safe default applies.
    pub fn from_stored<'a>(stored: impl IntoIterator<Item = (&'a str, i64)>) -> Self {
        let mut thresholds = Thresholds::default();
        let all = settings();
        for (key, value) in stored {
            if let Some(setting) = all.iter().find(|s| s.key == key) {
                if let Ok(value) = u16::try_from(value) {
                    if (setting.min..=setting.max).contains(&value) {
                        thresholds.values.insert(setting.key.clone(), value);
                    }
                }
            }
        }
        thresholds
    }

    /// The value of a setting (its default unless the organisation changed it).
    pub fn get(&self, key: &str) -> u16 {
        *self.values.get(key).unwrap_or_else(|| panic!("no flag setting {key}"))
    }

    fn find(&self, key: &str) -> Option<u16> {
        self.values.get(key).copied()
    }

    /// Checks a value typed for a setting.
    pub fn check(key: &str, typed: &str) -> Result<u16, SettingError> {
        let setting = settings().into_iter().find(|s| s.key == key).ok_or(SettingError::Unknown)?;
        let value: u16 = typed.trim().parse().map_err(|_| SettingError::NotANumber)?;
        if (setting.min..=setting.max).contains(&value) {
            Ok(value)
        } else {
            Err(SettingError::OutOfRange { min: setting.min, max: setting.max })
        }
    }
}

/// A flag a rule raises, with what raised it (an item or instrument id: no clinical text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raised {
    pub kind: Kind,
    pub reason: String,
}

/// The flags a complete or incomplete answer vector raises. `total` is its score if it could
/// be scored; `baseline` the first total of the same measure in the same programme (none if
/// this is the first).
pub fn on_answers(thresholds: &Thresholds, instrument: &Instrument, answers: &[Option<u8>], total: Option<u16>, baseline: Option<u16>) -> Vec<Raised> {
    let mut raised = Vec::new();
    for risk in instrument.risk {
        let index = instrument.items.iter().position(|i| i.id == risk.item).expect("risk items name an item");
        let at_least = thresholds.find(&format!("risk.{}", risk.item)).unwrap_or(risk.at_least.into());
        if answers.get(index).copied().flatten().is_some_and(|v| u16::from(v) >= at_least) {
            raised.push(Raised { kind: Kind::Risk, reason: risk.item.to_string() });
        }
    }
    let Some(total) = total else { return raised };
    if thresholds.find(&format!("severe.{}", instrument.id)).is_some_and(|at_least| total >= at_least) {
        raised.push(Raised { kind: Kind::Severe, reason: instrument.id.to_string() });
    }
    if let (Some(rise), Some(baseline)) = (thresholds.find(&format!("deterioration.{}", instrument.id)), baseline) {
        if total >= baseline + rise {
            raised.push(Raised { kind: Kind::Deterioration, reason: instrument.id.to_string() });
        }
    }
    raised
}

/// Non-response (`clinical.md`, "Escalation flags" and "Outcomes"): `week` (of the programme)
/// has reached the organisation's week, the patient is still a case, and there is no reliable
/// improvement. The judged measures are the depression and anxiety measures (depression,
/// anxiety, panic, social anxiety) with caseness and at least two scores; only their first and
/// latest scores count. Still a case: a case at the start (a first score at or above caseness
/// on any judged measure) and a case at the latest score (a latest score at or above caseness
/// on any judged measure). Reliable improvement: a reliable fall on at least one judged measure
/// and no reliable rise on any other, so a reliable fall on one measure with a reliable rise on
/// another is no improvement. No judged measure, nothing to judge (inactivity covers silence).
pub fn non_response(thresholds: &Thresholds, week: u32, series: &[Series]) -> bool {
    if week < u32::from(thresholds.get(NON_RESPONSE_WEEK)) {
        return false;
    }
    let outcome_measure = |s: &&Series| matches!(s.instrument.domain, Domain::Depression | Domain::Anxiety | Domain::Panic | Domain::SocialAnxiety) && s.instrument.caseness.is_some() && s.totals.len() >= 2;
    let judged: Vec<&Series> = series.iter().filter(outcome_measure).collect();
    if judged.is_empty() {
        return false;
    }
    let first = |s: &&Series| s.totals[0];
    let latest = |s: &&Series| *s.totals.last().expect("two or more");
    let a_case = |total: &dyn Fn(&&Series) -> u16| judged.iter().any(|s| s.instrument.caseness.is_some_and(|c| total(s) >= c));
    let still_a_case = a_case(&first) && a_case(&latest);
    let changes: Vec<Change> = judged.iter().map(|s| s.instrument.change(first(s), latest(s))).collect();
    let reliable_improvement = changes.contains(&Change::Improved) && !changes.contains(&Change::Deteriorated);
    still_a_case && !reliable_improvement
}

/// Inactivity: at `at`, the Oslo calendar days since `last_active` (both Unix seconds) have
/// reached the organisation's number. Counted in dates, so a summer-time change does not move it.
pub fn inactive(thresholds: &Thresholds, last_active: i64, at: i64) -> bool {
    let days = (calendar::oslo_date(at) - calendar::oslo_date(last_active)).whole_days();
    days >= i64::from(thresholds.get(INACTIVITY_DAYS))
}

/// When homework or a message that arrived at `arrived` becomes overdue guidance.
pub fn guidance_overdue_from(thresholds: &Thresholds, arrived: i64) -> i64 {
    calendar::overdue_from(arrived, thresholds.get(OVERDUE_WORKING_DAYS).into())
}

/// When an urgent flag raised at `raised` and still unacknowledged goes to the team lead:
/// the start of the day after the organisation's number of working days.
pub fn escalates_at(thresholds: &Thresholds, raised: i64) -> i64 {
    calendar::overdue_from(raised, thresholds.get(ESCALATION).into())
}
