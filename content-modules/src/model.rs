//! The validated content: what the server stores as a snapshot and renders.

use serde::{Deserialize, Serialize};

/// A text in both interface languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub nb: String,
    pub en: String,
}

impl Text {
    /// The text in `locale` ("nb" or "en"); bokmål for anything else.
    pub fn get(&self, locale: &str) -> &str {
        if locale == "en" {
            &self.en
        } else {
            &self.nb
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProgrammeKind {
    /// A therapist follows the patient and reviews the homework.
    Guided,
    /// Nobody reviews the homework; modules open on a weekly schedule.
    Unguided,
}

/// A programme with everything it needs, so that one snapshot renders on its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Programme {
    pub id: String,
    pub version: String,
    pub kind: ProgrammeKind,
    pub weeks: u32,
    pub title: Text,
    pub description: Text,
    /// The programme's own modules in order, then the optional modules it offers.
    pub modules: Vec<Module>,
    /// The questionnaires and when they are due, unless the organisation chooses otherwise.
    #[serde(default)]
    pub measures: Vec<Measure>,
}

/// A questionnaire in a programme and the occasions it is given on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub instrument: String,
    pub when: Vec<crate::schedule::When>,
}

impl Programme {
    /// The module at a 1-based position (the number used in addresses).
    pub fn module(&self, position: usize) -> Option<&Module> {
        position.checked_sub(1).and_then(|i| self.modules.get(i))
    }

    /// How many of the modules belong to the programme itself (the rest are optional).
    pub fn core_modules(&self) -> usize {
        self.modules.iter().filter(|m| !m.optional).count()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Module {
    pub id: String,
    pub optional: bool,
    pub title: Text,
    pub summary: Text,
    pub pages: Vec<Page>,
    pub worksheet: Option<Worksheet>,
    /// The next module opens when the therapist has given feedback (rather than on the schedule).
    pub requires_feedback: bool,
}

/// One page of a module: its heading and its body as HTML in each language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub id: String,
    pub title: Text,
    pub html: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Worksheet {
    pub id: String,
    pub title: Text,
    pub intro: Text,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub id: String,
    pub label: Text,
    pub help: Option<Text>,
    pub required: bool,
    pub kind: FieldKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub label: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FieldKind {
    Text { max_length: usize },
    LongText { max_length: usize },
    Rating { min: i64, max: i64, unit: Option<String> },
    Date,
    Time,
    Choice { options: Vec<Choice> },
    Choices { options: Vec<Choice> },
    List { min_items: usize, max_items: usize, max_length: usize },
    Rows { min_rows: usize, max_rows: usize, sort_by: Option<String>, columns: Vec<Field> },
}

impl FieldKind {
    /// The kind's name as written in worksheet files.
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text { .. } => "text",
            FieldKind::LongText { .. } => "long-text",
            FieldKind::Rating { .. } => "rating",
            FieldKind::Date => "date",
            FieldKind::Time => "time",
            FieldKind::Choice { .. } => "choice",
            FieldKind::Choices { .. } => "choices",
            FieldKind::List { .. } => "list",
            FieldKind::Rows { .. } => "rows",
        }
    }
}
