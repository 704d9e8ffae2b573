//! Treatment content as data: programmes → modules → pages and worksheets, in bokmål and
//! English. [`load`] reads and validates a content folder (see this crate's README for the
//! format); [`answers`] checks what a patient enters into a worksheet. [`instruments`] are the
//! questionnaires and their scoring, [`outcomes`] the outcome definitions, [`schedule`] when
//! questionnaires are due, [`fhir`] their FHIR R4 form, and [`calendar`] the Norwegian
//! working days (Europe/Oslo, public holidays) that answer deadlines are counted in. [`flags`]
//! are the escalation rules and [`ladder`] the stepped-care ladder and the decisions on a flag.
//! [`service`] is a service's outcome report, with small groups suppressed.

pub mod answers;
pub mod calendar;
pub mod fhir;
pub mod flags;
pub mod instruments;
pub mod ladder;
mod load;
mod markdown;
mod model;
pub mod outcomes;
pub mod schedule;
pub mod service;

use std::{fmt, path::PathBuf};

pub use load::{load, Library};
pub use model::{Choice, Field, FieldKind, Measure, Module, Page, Programme, ProgrammeKind, Text, Worksheet};

/// One thing wrong with the content, with the file and (where known) the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// The problems found in one file.
pub(crate) struct Problems {
    file: PathBuf,
    list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn new(file: PathBuf) -> Self {
        Problems { file, list: Vec::new() }
    }

    /// Records a problem; the same problem on the same line again (e.g. an opening and a closing
    /// HTML tag) is recorded once.
    pub(crate) fn at(&mut self, line: usize, message: &str) {
        if self.list.last().is_some_and(|p| p.line == Some(line) && p.message == message) {
            return;
        }
        self.list.push(Problem { file: self.file.clone(), line: Some(line), message: message.to_string() });
    }

    pub(crate) fn file(&mut self, message: &str) {
        self.list.push(Problem { file: self.file.clone(), line: None, message: message.to_string() });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn into_vec(self) -> Vec<Problem> {
        self.list
    }
}

/// The 1-based line of a byte offset.
pub(crate) fn line_of(source: &str, offset: usize) -> usize {
    1 + source.as_bytes()[..offset.min(source.len())].iter().filter(|b| **b == b'\n').count()
}
