//! The questionnaires (instruments): one file per instrument with its items, answer scales,
//! scoring, bands, caseness, reliable change, risk items, LOINC codes, licence and the source
//! of its wording, in the spirit of CamCOPS. A new instrument is one new file, a line in
//! [`ALL`], and its row in the tests.
//!
//! Free instruments (PHQ-9, GAD-7) carry their text. Licensed ones ship only what is needed to
//! score them — item identifiers and answer scales — and get their text from the instrument
//! pack an organisation uploads ([`pack`]); without one they are unavailable there.

mod gad7;
mod lsas_sr;
mod madrs_s;
pub mod pack;
mod pdss_sr;
mod phq9;
mod spin;
mod wsas;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Text;

/// Every instrument Stegvis knows, in the order they are listed to users.
pub static ALL: &[&Instrument] = &[&phq9::PHQ9, &gad7::GAD7, &pdss_sr::PDSS_SR, &spin::SPIN, &lsas_sr::LSAS_SR, &madrs_s::MADRS_S, &wsas::WSAS];

pub fn by_id(id: &str) -> Option<&'static Instrument> {
    ALL.iter().copied().find(|i| i.id == id)
}

/// A text written into the code (free instruments, and names and bands of every instrument).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub nb: &'static str,
    pub en: &'static str,
}

impl Label {
    pub fn get(&self, locale: &str) -> &'static str {
        if locale == "en" {
            self.en
        } else {
            self.nb
        }
    }

    pub fn text(&self) -> Text {
        Text { nb: self.nb.to_string(), en: self.en.to_string() }
    }
}

/// What the instrument measures; decides which measure an outcome uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Domain {
    Depression,
    /// General anxiety (GAD-7).
    Anxiety,
    /// A measure specific to one anxiety disorder (NHS Talking Therapies' "ADSM").
    Panic,
    SocialAnxiety,
    Functioning,
}

#[derive(Debug)]
pub enum Licence {
    /// Free to reproduce and translate; the text ships with Stegvis.
    Free {
        /// The credit the instrument's terms ask for, shown with the questionnaire.
        credit: Label,
        /// Where the wording in each language comes from.
        wording: &'static str,
    },
    /// The text is licensed; an organisation uploads it as an instrument pack.
    Pack { holder: &'static str },
}

/// An answer scale: whole numbers from 0 to `max`. Free instruments carry the option labels.
#[derive(Debug)]
pub struct Scale {
    pub id: &'static str,
    pub max: u8,
    pub labels: &'static [Label],
    /// LOINC answer codes, one per value, where they exist.
    pub loinc_answers: &'static [&'static str],
}

#[derive(Debug)]
pub struct Item {
    pub id: &'static str,
    pub scale: &'static str,
    /// Items shown together under a common question (LSAS-SR: fear and avoidance of one situation).
    pub group: Option<&'static str>,
    /// The item's text, for free instruments.
    pub text: Option<Label>,
    pub loinc: Option<&'static str>,
    /// The patient may answer "does not apply" (WSAS' work item); the score then follows
    /// [`Missing`].
    pub may_not_apply: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Band {
    pub key: &'static str,
    pub min: u16,
    pub max: u16,
    pub label: Label,
}

/// An answer at or above `at_least` on `item` is a risk answer.
#[derive(Debug)]
pub struct RiskItem {
    pub item: &'static str,
    pub at_least: u8,
}

/// What the instrument's manual says about missing answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Complete or not scored.
    NotScored,
    /// Up to `at_most` missing items are replaced by the mean of the answered ones.
    MeanOfAnswered { at_most: usize },
}

#[derive(Debug)]
pub struct Instrument {
    /// Stable identifier, used in the database, the packs and FHIR (`phq9`).
    pub id: &'static str,
    pub abbreviation: &'static str,
    pub name: Label,
    pub domain: Domain,
    /// The instructions above the items, for free instruments.
    pub instructions: Option<Label>,
    pub scales: &'static [Scale],
    pub items: &'static [Item],
    pub bands: &'static [Band],
    /// Total at or above which a person counts as a case.
    pub caseness: Option<u16>,
    /// The smallest change in the total that counts as reliable.
    pub reliable_change: Option<u16>,
    pub risk: &'static [RiskItem],
    pub missing: Missing,
    pub loinc_panel: Option<&'static str>,
    pub loinc_total: Option<&'static str>,
    pub licence: Licence,
    /// Where the scoring rules, bands and thresholds come from.
    pub source: &'static str,
}

/// A reliable change between two totals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    Improved,
    Deteriorated,
    NoReliableChange,
    /// The instrument has no reliable-change value.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Score {
    pub total: u16,
    /// A missing answer was replaced as the manual allows.
    pub imputed: bool,
    pub band: Option<&'static Band>,
    /// At or above caseness (None: the instrument has no caseness).
    pub case: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoreError {
    WrongCount { expected: usize, got: usize },
    OutOfRange { item: &'static str },
    /// Items not answered, beyond what the manual allows.
    Incomplete { missing: Vec<&'static str> },
}

impl Instrument {
    pub fn is_free(&self) -> bool {
        matches!(self.licence, Licence::Free { .. })
    }

    pub fn scale(&self, id: &str) -> &'static Scale {
        self.scales.iter().find(|s| s.id == id).expect("items name a scale of their instrument")
    }

    pub fn item_scale(&self, item: &Item) -> &'static Scale {
        self.scale(item.scale)
    }

    pub fn max_total(&self) -> u16 {
        self.items.iter().map(|i| u16::from(self.item_scale(i).max)).sum()
    }

    pub fn band(&self, total: u16) -> Option<&'static Band> {
        self.bands.iter().find(|b| (b.min..=b.max).contains(&total))
    }

    /// Scores a complete answer vector (in item order; `None` = not answered or "does not
    /// apply"). An incomplete questionnaire is not scored unless the manual says how.
    pub fn score(&'static self, answers: &[Option<u8>]) -> Result<Score, ScoreError> {
        if answers.len() != self.items.len() {
            return Err(ScoreError::WrongCount { expected: self.items.len(), got: answers.len() });
        }
        let mut sum = 0u32;
        let mut missing = Vec::new();
        for (item, answer) in self.items.iter().zip(answers) {
            match answer {
                Some(v) if *v > self.item_scale(item).max => return Err(ScoreError::OutOfRange { item: item.id }),
                Some(v) => sum += u32::from(*v),
                None => missing.push(item.id),
            }
        }
        let allowed = match self.missing {
            Missing::NotScored => 0,
            Missing::MeanOfAnswered { at_most } => at_most,
        };
        if missing.len() > allowed {
            return Err(ScoreError::Incomplete { missing });
        }
        let answered = (answers.len() - missing.len()) as u32;
        // The total over all items with each missing one at the answered items' mean, rounded
        // half up: sum × n / answered.
        let n = answers.len() as u32;
        let total = if missing.is_empty() { sum } else { (2 * sum * n + answered) / (2 * answered) };
        let total = total as u16;
        Ok(Score { total, imputed: !missing.is_empty(), band: self.band(total), case: self.caseness.map(|c| total >= c) })
    }

    /// The risk items answered at or above their threshold; works on incomplete answers too,
    /// since a risk answer matters whether or not the rest was filled in.
    pub fn risk_items(&self, answers: &[Option<u8>]) -> Vec<&'static str> {
        self.risk
            .iter()
            .filter(|r| {
                let index = self.items.iter().position(|i| i.id == r.item).expect("risk items name an item");
                answers.get(index).copied().flatten().is_some_and(|v| v >= r.at_least)
            })
            .map(|r| r.item)
            .collect()
    }

    /// Reliable change from `first` to `last`.
    pub fn change(&self, first: u16, last: u16) -> Change {
        match self.reliable_change {
            None => Change::Unknown,
            Some(rc) if first >= last + rc => Change::Improved,
            Some(rc) if last >= first + rc => Change::Deteriorated,
            Some(_) => Change::NoReliableChange,
        }
    }

    /// The text of a free instrument; licensed ones get theirs from a pack.
    pub fn builtin_text(&'static self) -> Option<InstrumentText> {
        let Licence::Free { credit, .. } = &self.licence else { return None };
        Some(InstrumentText {
            title: self.name.text(),
            instructions: self.instructions.map(|l| l.text()),
            notice: credit.text(),
            items: self.items.iter().filter_map(|i| Some((i.id.to_string(), i.text?.text()))).collect(),
            groups: BTreeMap::new(),
            scales: self.scales.iter().map(|s| (s.id.to_string(), ScaleText { name: None, labels: s.labels.iter().map(Label::text).collect() })).collect(),
            item_labels: BTreeMap::new(),
            not_applicable: None,
        })
    }
}

/// The words of one instrument in both languages: built in for free instruments, from the
/// organisation's pack for licensed ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrumentText {
    pub title: Text,
    pub instructions: Option<Text>,
    /// The copyright or licence notice shown under the questionnaire.
    pub notice: Text,
    pub items: BTreeMap<String, Text>,
    /// Common questions of grouped items.
    pub groups: BTreeMap<String, Text>,
    pub scales: BTreeMap<String, ScaleText>,
    /// Option labels of items whose options differ from their scale's.
    pub item_labels: BTreeMap<String, Vec<Text>>,
    /// The "does not apply" option, where an item allows it.
    pub not_applicable: Option<Text>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleText {
    /// Shown as an item's question when grouped items have no text of their own.
    pub name: Option<Text>,
    pub labels: Vec<Text>,
}

impl InstrumentText {
    /// The option labels for an item, one per value from 0.
    pub fn labels(&self, item: &Item) -> &[Text] {
        self.item_labels.get(item.id).or_else(|| self.scales.get(item.scale).map(|s| &s.labels)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The question of an item: its own text, or for grouped items the scale's name.
    pub fn question(&self, item: &Item) -> Option<&Text> {
        self.items.get(item.id).or_else(|| self.scales.get(item.scale).and_then(|s| s.name.as_ref()))
    }
}

/// An item of a licensed instrument: its identifier and scale, no text.
pub(crate) const fn coded(id: &'static str, scale: &'static str) -> Item {
    Item { id, scale, group: None, text: None, loinc: None, may_not_apply: false }
}

/// An item shown with others under a common question (the group's id).
pub(crate) const fn grouped(id: &'static str, scale: &'static str, group: &'static str) -> Item {
    Item { id, scale, group: Some(group), text: None, loinc: None, may_not_apply: false }
}

/// A PHQ-9 or GAD-7 item: its text and LOINC code, on the frequency scale.
pub(crate) const fn frequency_item(id: &'static str, loinc: &'static str, nb: &'static str, en: &'static str) -> Item {
    Item { id, scale: "frequency", group: None, text: Some(Label { nb, en }), loinc: Some(loinc), may_not_apply: false }
}

/// The answer options PHQ-9 and GAD-7 share, with their LOINC answer codes.
pub(crate) static FREQUENCY: Scale = Scale {
    id: "frequency",
    max: 3,
    labels: &[
        Label { nb: "Ikke i det hele tatt", en: "Not at all" },
        Label { nb: "Flere dager", en: "Several days" },
        Label { nb: "Mer enn halvparten av dagene", en: "More than half the days" },
        Label { nb: "Nesten hver dag", en: "Nearly every day" },
    ],
    loinc_answers: &["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"],
};

/// Where the Norwegian and English wording of PHQ-9 and GAD-7 comes from.
pub(crate) const PFIZER_WORDING: &str = "English: the original PHQ-9/GAD-7 (Spitzer, Williams, Kroenke; phqscreeners.com). \
Bokmål: the Norwegian translation distributed by Pfizer through phqscreeners.com, as used in Norwegian primary care \
and RPH; transcribed for Stegvis — compare against the current official PDF before clinical use and correct here.";

/// The form value of "does not apply".
pub const NOT_APPLICABLE: &str = "na";

impl Instrument {
    /// The form field of an item's answer.
    pub fn form_key(item: &Item) -> String {
        format!("i.{}", item.id)
    }

    /// The number a question is shown with: items count one each, grouped items one per group.
    pub fn question_number(&self, item_id: &str) -> Option<usize> {
        let mut number = 0;
        for (i, item) in self.items.iter().enumerate() {
            let starts_block = item.group.is_none() || i == 0 || self.items[i - 1].group != item.group;
            number += usize::from(starts_block);
            if item.id == item_id {
                return Some(number);
            }
        }
        None
    }

    /// Reads a submitted questionnaire form: every item needs one of its values (or "does not
    /// apply" where the item allows it). Otherwise the items still to answer.
    pub fn read_form<'a>(&self, value: impl Fn(&str) -> Option<&'a str>) -> Result<Vec<Option<u8>>, Vec<&'static str>> {
        let mut answers = Vec::with_capacity(self.items.len());
        let mut unanswered = Vec::new();
        for item in self.items {
            match value(&Self::form_key(item)).map(str::trim) {
                Some(NOT_APPLICABLE) if item.may_not_apply => answers.push(None),
                Some(v) => match v.parse::<u8>() {
                    Ok(n) if n <= self.item_scale(item).max => answers.push(Some(n)),
                    _ => unanswered.push(item.id),
                },
                None => unanswered.push(item.id),
            }
        }
        if unanswered.is_empty() {
            Ok(answers)
        } else {
            Err(unanswered)
        }
    }
}
