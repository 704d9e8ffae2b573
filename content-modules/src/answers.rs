//! What a patient enters into a worksheet: the raw form values of a draft (kept exactly as typed,
//! so nothing is lost) and the checked, typed answers of a submission.
//!
//! Form keys: `a.<field>` for a single value, `a.<field>.<n>` for item n of a list and
//! `a.<field>.<n>.<column>` for a cell of row n (n from 0). A `choices` field posts one key per
//! ticked option, `<key>~<option>` (every key is posted at most once, so a form decodes into a map).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Field, FieldKind, Worksheet};

/// The form values as posted, in order. Keys that are not answers are dropped by [`keep_answers`].
pub type RawAnswers = Vec<(String, String)>;

/// A checked answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Value {
    /// Text, a date (`YYYY-MM-DD`), a time (`HH:MM`) or a chosen option's id.
    Text(String),
    Number(i64),
    /// Option ids, or the lines of a list.
    Many(Vec<String>),
    Rows(Vec<BTreeMap<String, Value>>),
}

/// A submission's answers by field id; fields left empty are absent.
pub type Answers = BTreeMap<String, Value>;

/// Why a value was refused. The interface words each one in the patient's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum AnswerProblem {
    Required,
    TooLong { max: usize },
    NotAWholeNumber,
    OutOfRange { min: i64, max: i64 },
    InvalidDate,
    InvalidTime,
    UnknownOption,
    TooFewRows { min: usize },
    TooManyRows { max: usize },
    TooFewItems { min: usize },
    TooManyItems { max: usize },
}

impl AnswerProblem {
    /// A stable code with its numbers, e.g. `out_of_range:0:100`, that the interface words.
    pub fn code(&self) -> String {
        match self {
            AnswerProblem::Required => "required".into(),
            AnswerProblem::TooLong { max } => format!("too_long:{max}"),
            AnswerProblem::NotAWholeNumber => "not_a_whole_number".into(),
            AnswerProblem::OutOfRange { min, max } => format!("out_of_range:{min}:{max}"),
            AnswerProblem::InvalidDate => "invalid_date".into(),
            AnswerProblem::InvalidTime => "invalid_time".into(),
            AnswerProblem::UnknownOption => "unknown_option".into(),
            AnswerProblem::TooFewRows { min } => format!("too_few_rows:{min}"),
            AnswerProblem::TooManyRows { max } => format!("too_many_rows:{max}"),
            AnswerProblem::TooFewItems { min } => format!("too_few_items:{min}"),
            AnswerProblem::TooManyItems { max } => format!("too_many_items:{max}"),
        }
    }
}

/// A refused value: the form key of the input it belongs to, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub key: String,
    pub problem: AnswerProblem,
}

pub const PREFIX: &str = "a.";

pub fn key(field: &str) -> String {
    format!("{PREFIX}{field}")
}

pub fn item_key(field: &str, n: usize) -> String {
    format!("{PREFIX}{field}.{n}")
}

pub fn cell_key(field: &str, n: usize, column: &str) -> String {
    format!("{PREFIX}{field}.{n}.{column}")
}

/// Only the answer values of a posted form, with line endings made uniform.
pub fn keep_answers(form: impl IntoIterator<Item = (String, String)>) -> RawAnswers {
    form.into_iter().filter(|(k, _)| k.starts_with(PREFIX)).map(|(k, v)| (k, v.replace("\r\n", "\n"))).collect()
}

/// The first value posted under `key`, or "".
pub fn value<'a>(raw: &'a RawAnswers, key: &str) -> &'a str {
    raw.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}

/// Where the form remembers how many rows (or lines) the patient asked to see.
pub fn count_key(field: &str) -> String {
    format!("{PREFIX}{field}.count")
}

/// How many rows (or list lines) the form shows for a field: enough for what was typed, for
/// what the patient asked for with "add", and for the minimum; never more than the maximum.
pub fn shown(raw: &RawAnswers, field: &Field) -> usize {
    let (min, max) = match &field.kind {
        FieldKind::Rows { min_rows, max_rows, .. } => (*min_rows, *max_rows),
        FieldKind::List { min_items, max_items, .. } => (*min_items, *max_items),
        _ => return 1,
    };
    let typed = indices(raw, &field.id).last().map_or(0, |n| n + 1);
    let asked = value(raw, &count_key(&field.id)).parse().unwrap_or(0);
    typed.max(asked).max(min).max(1).min(max)
}

/// The key of one option's checkbox in a `choices` field.
pub fn option_key(key: &str, option: &str) -> String {
    format!("{key}~{option}")
}

/// The row or item numbers present for a `rows` or `list` field, ascending.
pub fn indices(raw: &RawAnswers, field: &str) -> Vec<usize> {
    let prefix = format!("{}.", key(field));
    let mut found: Vec<usize> = raw
        .iter()
        .filter_map(|(k, _)| k.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('.').next()?.parse().ok())
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Checks a whole worksheet. On success the typed answers (rows sorted where the worksheet says
/// so); otherwise every problem, each tied to its input.
pub fn validate(worksheet: &Worksheet, raw: &RawAnswers) -> Result<Answers, Vec<FieldError>> {
    let mut answers = Answers::new();
    let mut errors = Vec::new();
    for field in &worksheet.fields {
        let field_key = key(&field.id);
        let checked = match &field.kind {
            FieldKind::List { min_items, max_items, max_length } => {
                list(raw, field, *min_items, *max_items, *max_length, &field_key, &mut errors)
            }
            FieldKind::Rows { min_rows, max_rows, sort_by, columns } => {
                rows(raw, field, *min_rows, *max_rows, sort_by.as_deref(), columns, &field_key, &mut errors)
            }
            _ => single(field, raw, &field_key, &mut errors),
        };
        if let Some(v) = checked {
            answers.insert(field.id.clone(), v);
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// One value (also one cell of a row). `None` when empty or refused.
fn single(field: &Field, raw: &RawAnswers, key: &str, errors: &mut Vec<FieldError>) -> Option<Value> {
    let mut refuse = |problem| {
        errors.push(FieldError { key: key.to_string(), problem });
        None
    };
    if let FieldKind::Choices { options } = &field.kind {
        // Keys of options that do not exist are not answers and are ignored, like any stray key.
        let chosen: Vec<String> =
            options.iter().filter(|o| !value(raw, &option_key(key, &o.id)).is_empty()).map(|o| o.id.clone()).collect();
        if chosen.is_empty() {
            return if field.required { refuse(AnswerProblem::Required) } else { None };
        }
        return Some(Value::Many(chosen));
    }
    let text = value(raw, key).trim();
    if text.is_empty() {
        return if field.required { refuse(AnswerProblem::Required) } else { None };
    }
    match &field.kind {
        FieldKind::Text { max_length } | FieldKind::LongText { max_length } => {
            if text.chars().count() > *max_length {
                refuse(AnswerProblem::TooLong { max: *max_length })
            } else {
                Some(Value::Text(text.to_string()))
            }
        }
        FieldKind::Rating { min, max, unit } => {
            let digits = match unit {
                Some(u) => text.strip_suffix(u.as_str()).unwrap_or(text).trim_end(),
                None => text,
            };
            match digits.parse::<i64>() {
                Err(_) => refuse(AnswerProblem::NotAWholeNumber),
                Ok(n) if n < *min || n > *max => refuse(AnswerProblem::OutOfRange { min: *min, max: *max }),
                Ok(n) => Some(Value::Number(n)),
            }
        }
        FieldKind::Date => match parse_date(text) {
            Some(date) => Some(Value::Text(date)),
            None => refuse(AnswerProblem::InvalidDate),
        },
        FieldKind::Time => match parse_time(text) {
            Some(time) => Some(Value::Text(time)),
            None => refuse(AnswerProblem::InvalidTime),
        },
        FieldKind::Choice { options } => {
            if options.iter().any(|o| o.id == text) {
                Some(Value::Text(text.to_string()))
            } else {
                refuse(AnswerProblem::UnknownOption)
            }
        }
        FieldKind::Choices { .. } | FieldKind::List { .. } | FieldKind::Rows { .. } => {
            unreachable!("handled by the caller")
        }
    }
}

fn list(
    raw: &RawAnswers,
    field: &Field,
    min_items: usize,
    max_items: usize,
    max_length: usize,
    field_key: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Value> {
    let before = errors.len();
    let mut items = Vec::new();
    for n in indices(raw, &field.id) {
        let k = item_key(&field.id, n);
        let text = value(raw, &k).trim();
        if text.is_empty() {
            continue;
        }
        if text.chars().count() > max_length {
            errors.push(FieldError { key: k, problem: AnswerProblem::TooLong { max: max_length } });
        }
        items.push(text.to_string());
    }
    let min = if field.required { min_items.max(1) } else { min_items };
    if items.len() < min {
        let problem = if min == 1 { AnswerProblem::Required } else { AnswerProblem::TooFewItems { min } };
        errors.push(FieldError { key: field_key.to_string(), problem });
    } else if items.len() > max_items {
        errors.push(FieldError { key: field_key.to_string(), problem: AnswerProblem::TooManyItems { max: max_items } });
    }
    (errors.len() == before && !items.is_empty()).then_some(Value::Many(items))
}

#[allow(clippy::too_many_arguments)]
fn rows(
    raw: &RawAnswers,
    field: &Field,
    min_rows: usize,
    max_rows: usize,
    sort_by: Option<&str>,
    columns: &[Field],
    field_key: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Value> {
    let before = errors.len();
    let mut rows = Vec::new();
    for n in indices(raw, &field.id) {
        // A row counts once any of its cells holds something.
        let row_prefix = format!("{}.", item_key(&field.id, n));
        let filled = raw.iter().any(|(k, v)| k.starts_with(&row_prefix) && !v.trim().is_empty());
        if !filled {
            continue;
        }
        let mut row = BTreeMap::new();
        for column in columns {
            if let Some(v) = single(column, raw, &cell_key(&field.id, n, &column.id), errors) {
                row.insert(column.id.clone(), v);
            }
        }
        rows.push(row);
    }
    let min = if field.required { min_rows.max(1) } else { min_rows };
    if rows.len() < min {
        let problem = if min == 1 { AnswerProblem::Required } else { AnswerProblem::TooFewRows { min } };
        errors.push(FieldError { key: field_key.to_string(), problem });
    } else if rows.len() > max_rows {
        errors.push(FieldError { key: field_key.to_string(), problem: AnswerProblem::TooManyRows { max: max_rows } });
    }
    if let Some(column) = sort_by {
        let number = |row: &BTreeMap<String, Value>| match row.get(column) {
            Some(Value::Number(n)) => *n,
            _ => i64::MAX,
        };
        rows.sort_by_key(number);
    }
    (errors.len() == before && !rows.is_empty()).then_some(Value::Rows(rows))
}

/// `YYYY-MM-DD` (what date inputs send) or `D.M.YYYY` (how Norwegians type a date), to ISO.
pub fn parse_date(text: &str) -> Option<String> {
    let (y, m, d) = if let Some((y, rest)) = text.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (y, m, d)
    } else {
        let mut parts = text.split('.');
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    let all_digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && y.len() == 4 && all_digits(m) && m.len() <= 2 && all_digits(d) && d.len() <= 2) {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1900..=2100).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// `H:MM`, `HH:MM` or `HH.MM` (and the seconds some browsers add), to `HH:MM`.
pub fn parse_time(text: &str) -> Option<String> {
    let mut parts = text.split([':', '.']);
    let (h, m) = (parts.next()?, parts.next()?);
    let seconds = parts.next();
    if parts.next().is_some() || seconds.is_some_and(|s| s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    if !(1..=2).contains(&h.len()) || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}
