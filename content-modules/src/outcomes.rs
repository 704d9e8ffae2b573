//! Outcomes per patient, as NHS Talking Therapies defines them (and RPH reports them):
//! case at start, recovery, reliable improvement, reliable recovery, reliable deterioration and
//! finished treatment. Pure: it takes each measure's totals in time order.

use serde::{Deserialize, Serialize};

use crate::instruments::{Change, Domain, Instrument};

/// A course of treatment is finished after this many treatment contacts.
pub const FINISHED_TREATMENT_CONTACTS: u32 = 2;

/// One measure's totals for a patient, first to last.
#[derive(Clone, Debug)]
pub struct Series<'a> {
    pub instrument: &'static Instrument,
    pub totals: &'a [u16],
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The depression measure (PHQ-9) and the anxiety measure the outcome uses.
    pub depression: String,
    pub anxiety: String,
    pub case_at_start: bool,
    /// Only cases at start can recover; `false` for the others (they are left out of the
    /// recovery denominator, see [`Outcome::case_at_start`]).
    pub recovered: bool,
    pub reliable_improvement: bool,
    pub reliable_recovery: bool,
    pub reliable_deterioration: bool,
    pub finished_treatment: bool,
}

pub fn finished_treatment(treatment_contacts: u32) -> bool {
    treatment_contacts >= FINISHED_TREATMENT_CONTACTS
}

/// The anxiety measure: the disorder-specific one where it has caseness and a reliable-change
/// value and was given at least twice, otherwise GAD-7.
fn anxiety_series<'a, 'b>(series: &'b [Series<'a>]) -> Option<&'b Series<'a>> {
    let paired = |s: &&Series| s.totals.len() >= 2;
    series
        .iter()
        .filter(paired)
        .find(|s| matches!(s.instrument.domain, Domain::Panic | Domain::SocialAnxiety) && s.instrument.caseness.is_some() && s.instrument.reliable_change.is_some())
        .or_else(|| series.iter().filter(paired).find(|s| s.instrument.domain == Domain::Anxiety))
}

/// The patient's outcome, or `None` without paired (first and last) scores on both the
/// depression and the anxiety measure.
pub fn outcome(series: &[Series], treatment_contacts: u32) -> Option<Outcome> {
    let depression = series.iter().find(|s| s.instrument.id == "phq9" && s.totals.len() >= 2)?;
    let anxiety = anxiety_series(series)?;
    let pair = |s: &Series| {
        let (first, last) = (s.totals[0], *s.totals.last().expect("paired"));
        let caseness = s.instrument.caseness.expect("outcome measures have caseness");
        (first >= caseness, last >= caseness, s.instrument.change(first, last))
    };
    let (dep_case, dep_case_last, dep_change) = pair(depression);
    let (anx_case, anx_case_last, anx_change) = pair(anxiety);
    let case_at_start = dep_case || anx_case;
    let recovered = case_at_start && !dep_case_last && !anx_case_last;
    let deteriorated = dep_change == Change::Deteriorated || anx_change == Change::Deteriorated;
    let reliable_improvement = (dep_change == Change::Improved || anx_change == Change::Improved) && !deteriorated;
    Some(Outcome {
        depression: depression.instrument.id.to_string(),
        anxiety: anxiety.instrument.id.to_string(),
        case_at_start,
        recovered,
        reliable_improvement,
        reliable_recovery: recovered && reliable_improvement,
        reliable_deterioration: deteriorated,
        finished_treatment: finished_treatment(treatment_contacts),
    })
}
