//! When questionnaires are due in a programme: the kinds of occasion an organisation can
//! choose per instrument, and the occasions they give for a programme of a given length.

use serde::{Deserialize, Serialize};

/// A kind of occasion, as chosen in the settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum When {
    /// At the start (the screening/baseline score).
    #[serde(rename = "start")]
    Start,
    #[serde(rename = "weekly")]
    Weekly,
    /// Halfway through.
    #[serde(rename = "middle")]
    Middle,
    #[serde(rename = "end")]
    End,
    #[serde(rename = "3m")]
    After3Months,
    #[serde(rename = "6m")]
    After6Months,
    #[serde(rename = "12m")]
    After12Months,
}

impl When {
    pub const ALL: [When; 7] = [When::Start, When::Weekly, When::Middle, When::End, When::After3Months, When::After6Months, When::After12Months];

    pub fn key(self) -> &'static str {
        match self {
            When::Start => "start",
            When::Weekly => "weekly",
            When::Middle => "middle",
            When::End => "end",
            When::After3Months => "3m",
            When::After6Months => "6m",
            When::After12Months => "12m",
        }
    }

    pub fn parse(key: &str) -> Option<When> {
        When::ALL.into_iter().find(|w| w.key() == key)
    }

    /// A comma-separated list, as stored; unknown words are skipped.
    pub fn parse_list(list: &str) -> Vec<When> {
        let mut out: Vec<When> = list.split(',').filter_map(|w| When::parse(w.trim())).collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn list(whens: &[When]) -> String {
        whens.iter().map(|w| w.key()).collect::<Vec<_>>().join(",")
    }
}

/// One occasion in an enrolment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Occasion {
    Start,
    /// The start of programme week n + 1 (n weeks after the start date), 1 ≤ n < weeks.
    Week(u32),
    End,
    /// Months after the end.
    FollowUp(u32),
}

impl Occasion {
    pub fn key(self) -> String {
        match self {
            Occasion::Start => "start".into(),
            Occasion::Week(n) => format!("week-{n}"),
            Occasion::End => "end".into(),
            Occasion::FollowUp(m) => format!("followup-{m}"),
        }
    }

    /// The occasion of a key, written exactly as [`Occasion::key`] writes it.
    pub fn parse(key: &str) -> Option<Occasion> {
        Self::read(key).filter(|o| o.key() == key)
    }

    fn read(key: &str) -> Option<Occasion> {
        match key {
            "start" => Some(Occasion::Start),
            "end" => Some(Occasion::End),
            _ => {
                if let Some(n) = key.strip_prefix("week-") {
                    n.parse().ok().filter(|n| *n > 0).map(Occasion::Week)
                } else {
                    key.strip_prefix("followup-")?.parse().ok().filter(|m| [3, 6, 12].contains(m)).map(Occasion::FollowUp)
                }
            }
        }
    }
}

/// The occasions `whens` give in a programme of `weeks` weeks, in time order, each once.
pub fn occasions(whens: &[When], weeks: u32) -> Vec<Occasion> {
    let mut out = Vec::new();
    for when in whens {
        match when {
            When::Start => out.push(Occasion::Start),
            When::Weekly => out.extend((1..weeks).map(Occasion::Week)),
            When::Middle if weeks >= 2 => out.push(Occasion::Week(weeks / 2)),
            When::Middle => {}
            When::End => out.push(Occasion::End),
            When::After3Months => out.push(Occasion::FollowUp(3)),
            When::After6Months => out.push(Occasion::FollowUp(6)),
            When::After12Months => out.push(Occasion::FollowUp(12)),
        }
    }
    out.sort();
    out.dedup();
    out
}
