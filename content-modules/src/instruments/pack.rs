//! Instrument packs: an organisation's licensed text for an instrument whose text Stegvis may
//! not ship. A pack is a TOML file (format in this crate's README); [`parse`] checks it against
//! the instrument's item identifiers and scales and names every problem it finds.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{Instrument, InstrumentText, ScaleText};
use crate::Text;

const LANGUAGES: [&str; 2] = ["nb", "en"];
const TOP_LEVEL: [&str; 9] = ["instrument", "languages", "title", "notice", "instructions", "not_applicable", "scales", "groups", "items"];

/// One thing wrong with a pack. `code` names the problem for translation; `what` is the place
/// in the file (`items.pdss_sr_3.text`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackProblem {
    pub code: &'static str,
    pub what: String,
    pub language: Option<String>,
    pub expected: Option<usize>,
    pub got: Option<usize>,
    pub line: Option<usize>,
}

impl PackProblem {
    fn new(code: &'static str, what: impl Into<String>) -> Self {
        PackProblem { code, what: what.into(), language: None, expected: None, got: None, line: None }
    }

    fn language(mut self, language: &str) -> Self {
        self.language = Some(language.to_string());
        self
    }
}

/// A checked pack.
#[derive(Clone, Debug)]
pub struct Pack {
    pub instrument: &'static Instrument,
    /// The languages the licence covers; the other falls back to the first of these.
    pub languages: Vec<String>,
    pub text: InstrumentText,
}

/// Reads and checks a pack. Either every problem, or the pack.
pub fn parse(source: &str) -> Result<Pack, Vec<PackProblem>> {
    let table: Table = source.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map(|s| crate::line_of(source, s.start));
        vec![PackProblem { line, ..PackProblem::new("not_toml", e.message().to_string()) }]
    })?;
    let mut problems = Vec::new();
    let id = table.get("instrument").and_then(Value::as_str).unwrap_or_default();
    let Some(instrument) = super::by_id(id) else {
        return Err(vec![PackProblem::new("unknown_instrument", id)]);
    };
    if instrument.is_free() {
        return Err(vec![PackProblem::new("not_licensed", instrument.abbreviation)]);
    }
    let languages: Vec<String> = table.get("languages").and_then(Value::as_array).map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()).unwrap_or_default();
    for language in &languages {
        if !LANGUAGES.contains(&language.as_str()) {
            problems.push(PackProblem::new("unknown_language", "languages").language(language));
        }
    }
    // Unknown languages are named once above, not again at every text.
    let languages: Vec<String> = languages.into_iter().filter(|l| LANGUAGES.contains(&l.as_str())).collect();
    if languages.is_empty() {
        problems.push(PackProblem::new("no_languages", "languages"));
    }
    // A misspelt key would otherwise be ignored without a word.
    for key in table.keys().filter(|k| !TOP_LEVEL.contains(&k.as_str())) {
        problems.push(PackProblem::new("unknown_id", key.as_str()));
    }
    for (section, allowed) in [("items", &["text", "labels"][..]), ("scales", &["name", "labels"][..])] {
        for (id, entry) in table.get(section).and_then(Value::as_table).into_iter().flatten() {
            for key in entry.as_table().into_iter().flat_map(|t| t.keys()).filter(|k| !allowed.contains(&k.as_str())) {
                problems.push(PackProblem::new("unknown_id", format!("{section}.{id}.{key}")));
            }
        }
    }
    let reader = Reader { languages: &languages };
    let empty = Table::new();
    let section = |name: &str| table.get(name).and_then(Value::as_table).unwrap_or(&empty);

    let title = reader.text(table.get("title"), "title", &mut problems);
    let notice = reader.text(table.get("notice"), "notice", &mut problems);
    let instructions = table.get("instructions").map(|v| reader.text(Some(v), "instructions", &mut problems));
    let not_applicable = if instrument.items.iter().any(|i| i.may_not_apply) {
        Some(reader.text(table.get("not_applicable"), "not_applicable", &mut problems))
    } else {
        None
    };

    let items_table = section("items");
    let scales_table = section("scales");
    let groups_table = section("groups");
    for (key, known) in [
        ("items", items_table.keys().filter(|k| !instrument.items.iter().any(|i| i.id == k.as_str())).collect::<Vec<_>>()),
        ("scales", scales_table.keys().filter(|k| !instrument.scales.iter().any(|s| s.id == k.as_str())).collect()),
        ("groups", groups_table.keys().filter(|k| !instrument.items.iter().any(|i| i.group == Some(k.as_str()))).collect()),
    ] {
        for unknown in known {
            problems.push(PackProblem::new("unknown_id", format!("{key}.{unknown}")));
        }
    }

    let mut scales = BTreeMap::new();
    for scale in instrument.scales {
        let place = format!("scales.{}", scale.id);
        let entry = scales_table.get(scale.id).and_then(Value::as_table);
        let name = entry.and_then(|t| t.get("name")).map(|v| reader.text(Some(v), &format!("{place}.name"), &mut problems));
        let labels = match entry.and_then(|t| t.get("labels")) {
            Some(v) => reader.labels(v, &format!("{place}.labels"), usize::from(scale.max) + 1, &mut problems),
            None => Vec::new(),
        };
        scales.insert(scale.id.to_string(), ScaleText { name, labels });
    }

    let mut groups = BTreeMap::new();
    let mut items = BTreeMap::new();
    let mut item_labels = BTreeMap::new();
    for item in instrument.items {
        if let Some(group) = item.group {
            if !groups.contains_key(group) {
                groups.insert(group.to_string(), reader.text(groups_table.get(group), &format!("groups.{group}"), &mut problems));
            }
        }
        let place = format!("items.{}", item.id);
        let entry = items_table.get(item.id).and_then(Value::as_table);
        match entry.and_then(|t| t.get("text")) {
            Some(v) => {
                items.insert(item.id.to_string(), reader.text(Some(v), &format!("{place}.text"), &mut problems));
            }
            // A grouped item may go by its scale's name ("Fear or anxiety").
            None if item.group.is_some() && scales[item.scale].name.is_some() => {}
            None => problems.push(PackProblem::new("missing", format!("{place}.text"))),
        }
        let count = usize::from(instrument.item_scale(item).max) + 1;
        match entry.and_then(|t| t.get("labels")) {
            Some(v) => {
                item_labels.insert(item.id.to_string(), reader.labels(v, &format!("{place}.labels"), count, &mut problems));
            }
            None if !scales[item.scale].labels.is_empty() => {}
            None => problems.push(PackProblem::new("missing_labels", format!("{place}.labels"))),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Pack { instrument, languages, text: InstrumentText { title, instructions, notice, items, groups, scales, item_labels, not_applicable } })
}

struct Reader<'a> {
    languages: &'a [String],
}

impl Reader<'_> {
    /// A text in every language of the pack; a language the pack leaves out shows the first.
    fn text(&self, value: Option<&Value>, place: &str, problems: &mut Vec<PackProblem>) -> Text {
        let table = value.and_then(Value::as_table);
        if value.is_none() {
            problems.push(PackProblem::new("missing", place));
            return Text { nb: String::new(), en: String::new() };
        }
        let mut found = BTreeMap::new();
        for language in self.languages {
            match table.and_then(|t| t.get(language.as_str())).and_then(Value::as_str).map(str::trim) {
                Some(s) if !s.is_empty() => {
                    found.insert(language.as_str(), s.to_string());
                }
                _ => problems.push(PackProblem::new("missing_text", place).language(language)),
            }
        }
        self.complete(found)
    }

    /// Option labels: `count` non-empty labels in every language of the pack.
    fn labels(&self, value: &Value, place: &str, count: usize, problems: &mut Vec<PackProblem>) -> Vec<Text> {
        let mut per_language = BTreeMap::new();
        for language in self.languages {
            let list: Option<Vec<String>> = value
                .as_table()
                .and_then(|t| t.get(language.as_str()))
                .and_then(Value::as_array)
                .map(|a| a.iter().map(|v| v.as_str().unwrap_or_default().trim().to_string()).collect());
            match list {
                Some(l) if l.len() == count && l.iter().all(|s| !s.is_empty()) => {
                    per_language.insert(language.as_str(), l);
                }
                Some(l) => problems.push(PackProblem { expected: Some(count), got: Some(l.iter().filter(|s| !s.is_empty()).count()), ..PackProblem::new("label_count", place).language(language) }),
                None => problems.push(PackProblem::new("missing_text", place).language(language)),
            }
        }
        (0..count).map(|i| self.complete(per_language.iter().map(|(l, v)| (*l, v.get(i).cloned().unwrap_or_default())).collect())).collect()
    }

    fn complete(&self, found: BTreeMap<&str, String>) -> Text {
        let fallback = self.languages.first().and_then(|l| found.get(l.as_str())).cloned().unwrap_or_default();
        let get = |l: &str| found.get(l).cloned().unwrap_or_else(|| fallback.clone());
        Text { nb: get("nb"), en: get("en") }
    }
}
