//! Reads a content folder and checks everything that can be checked before a patient sees it.

use std::{
    collections::{HashMap, HashSet},
    fs,
    path::{Path, PathBuf},
};

use serde::{de::DeserializeOwned, Deserialize};
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::{
    instruments, line_of,
    markdown::{self, is_identifier, Document, LinkTargets},
    model::*,
    schedule::When,
    Problem, Problems,
};

/// Every programme of a content folder, validated.
#[derive(Clone, Debug)]
pub struct Library {
    pub programmes: Vec<Programme>,
}

impl Library {
    pub fn programme(&self, id: &str) -> Option<&Programme> {
        self.programmes.iter().find(|p| p.id == id)
    }
}

impl Programme {
    /// A hash of the whole programme as stored: equal content, equal fingerprint.
    pub fn fingerprint(&self) -> String {
        let json = serde_json::to_vec(self).expect("content serialises");
        hex::encode(Sha256::digest(json))
    }
}

/// Loads and validates the content folder at `root`; on failure, every problem found.
pub fn load(root: &Path) -> Result<Library, Vec<Problem>> {
    let mut all = Vec::new();
    let worksheets = load_worksheets(&root.join("worksheets"), &mut all);
    let optional = load_optional(&root.join("optional"), &worksheets, &mut all);

    let mut programmes = Vec::new();
    let programme_dir = root.join("programmes");
    for dir in subfolders(&programme_dir, &mut all) {
        if let Some(p) = load_programme(&dir, &worksheets, &optional, &mut all) {
            programmes.push(p);
        }
    }
    if programmes.is_empty() && all.is_empty() {
        all.push(Problem { file: programme_dir, line: None, message: "no programmes found".into() });
    }
    if all.is_empty() {
        Ok(Library { programmes })
    } else {
        all.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(all)
    }
}

fn subfolders(dir: &Path, all: &mut Vec<Problem>) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect();
            dirs.sort();
            dirs
        }
        Err(e) => {
            all.push(Problem { file: dir.to_path_buf(), line: None, message: format!("cannot read the folder: {e}") });
            Vec::new()
        }
    }
}

fn folder_name(path: &Path) -> String {
    path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string()
}

/// Reads and parses a TOML file; problems name the line.
fn read_toml<T: DeserializeOwned>(path: &Path, all: &mut Vec<Problem>) -> Option<(T, String)> {
    let source = match fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            all.push(Problem { file: path.to_path_buf(), line: None, message: format!("cannot read the file: {e}") });
            return None;
        }
    };
    match toml::from_str(&source) {
        Ok(value) => Some((value, source)),
        Err(e) => {
            let line = e.span().map(|s| line_of(&source, s.start));
            all.push(Problem { file: path.to_path_buf(), line, message: e.message().trim().to_string() });
            None
        }
    }
}

// ---- worksheets ----------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorksheet {
    title: Spanned<Text>,
    intro: Spanned<Text>,
    fields: Vec<RawField>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    id: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    required: bool,
    label: Spanned<Text>,
    help: Option<Spanned<Text>>,
    max_length: Option<usize>,
    min: Option<i64>,
    max: Option<i64>,
    unit: Option<String>,
    options: Option<Vec<RawChoice>>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    min_rows: Option<usize>,
    max_rows: Option<usize>,
    sort_by: Option<Spanned<String>>,
    columns: Option<Vec<RawField>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChoice {
    id: Spanned<String>,
    label: Spanned<Text>,
}

fn load_worksheets(dir: &Path, all: &mut Vec<Problem>) -> HashMap<String, Worksheet> {
    let mut worksheets = HashMap::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            all.push(Problem { file: dir.to_path_buf(), line: None, message: format!("cannot read the folder: {e}") });
            return worksheets;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            all.push(Problem { file: path, line: None, message: "only worksheet files named `<id>.toml` belong here".into() });
            continue;
        }
        let Some((raw, source)) = read_toml::<RawWorksheet>(&path, all) else { continue };
        let mut problems = Problems::new(path.clone());
        if !is_identifier(&id) {
            problems.file("the file name is the worksheet id: lowercase letters, digits and `-`");
        }
        check_text(&raw.title, "title", &source, &mut problems);
        check_text(&raw.intro, "intro", &source, &mut problems);
        if raw.fields.is_empty() {
            problems.file("a worksheet needs at least one field");
        }
        let fields = fields(&raw.fields, false, &source, &mut problems);
        if problems.is_empty() {
            worksheets.insert(id.clone(), Worksheet { id, title: raw.title.into_inner(), intro: raw.intro.into_inner(), fields });
        } else {
            all.extend(problems.into_vec());
        }
    }
    worksheets
}

fn check_text(text: &Spanned<Text>, what: &str, source: &str, problems: &mut Problems) {
    let line = line_of(source, text.span().start);
    for (lang, value) in [("nb", &text.get_ref().nb), ("en", &text.get_ref().en)] {
        if value.trim().is_empty() {
            problems.at(line, &format!("`{what}` has no text in `{lang}`"));
        }
    }
}

fn fields(raw: &[RawField], in_rows: bool, source: &str, problems: &mut Problems) -> Vec<Field> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for f in raw {
        let line = line_of(source, f.id.span().start);
        let id = f.id.get_ref().clone();
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            problems.at(line, &format!("field id `{id}` may only hold lowercase letters, digits and `_`"));
        }
        if !seen.insert(id.clone()) {
            problems.at(line, &format!("field id `{id}` is used twice"));
        }
        check_text(&f.label, "label", source, problems);
        if let Some(help) = &f.help {
            check_text(help, "help", source, problems);
        }
        if let Some(kind) = field_kind(f, in_rows, line, source, problems) {
            out.push(Field {
                id,
                label: f.label.get_ref().clone(),
                help: f.help.as_ref().map(|h| h.get_ref().clone()),
                required: f.required,
                kind,
            });
        }
    }
    out
}

fn field_kind(f: &RawField, in_rows: bool, line: usize, source: &str, problems: &mut Problems) -> Option<FieldKind> {
    let kind = f.kind.get_ref().as_str();
    let kind_line = line_of(source, f.kind.span().start);
    // Which settings each kind takes; any other setting is a mistake worth naming.
    let allowed: &[&str] = match kind {
        "text" | "long-text" => &["max_length"],
        "rating" => &["min", "max", "unit"],
        "date" | "time" => &[],
        "choice" | "choices" => &["options"],
        "list" => &["min_items", "max_items", "max_length"],
        "rows" => &["min_rows", "max_rows", "sort_by", "columns"],
        other => {
            problems.at(kind_line, &format!("unknown field kind `{other}` (text, long-text, rating, date, time, choice, choices, list, rows)"));
            return None;
        }
    };
    let present = [
        ("max_length", f.max_length.is_some()),
        ("min", f.min.is_some()),
        ("max", f.max.is_some()),
        ("unit", f.unit.is_some()),
        ("options", f.options.is_some()),
        ("min_items", f.min_items.is_some()),
        ("max_items", f.max_items.is_some()),
        ("min_rows", f.min_rows.is_some()),
        ("max_rows", f.max_rows.is_some()),
        ("sort_by", f.sort_by.is_some()),
        ("columns", f.columns.is_some()),
    ];
    for (setting, is_set) in present {
        if is_set && !allowed.contains(&setting) {
            problems.at(line, &format!("`{setting}` does not apply to a {kind} field"));
        }
    }
    if in_rows && matches!(kind, "list" | "rows") {
        problems.at(kind_line, &format!("a {kind} field cannot be a column of rows"));
        return None;
    }
    if f.max_length == Some(0) {
        problems.at(line, "`max_length` must be at least 1");
    }
    let limit = |value: Option<usize>, default: usize| value.unwrap_or(default);
    Some(match kind {
        "text" => FieldKind::Text { max_length: limit(f.max_length, 300) },
        "long-text" => FieldKind::LongText { max_length: limit(f.max_length, 4000) },
        "rating" => {
            let (Some(min), Some(max)) = (f.min, f.max) else {
                problems.at(line, "a rating needs `min` and `max`");
                return None;
            };
            if min >= max {
                problems.at(line, &format!("`min` ({min}) must be below `max` ({max})"));
            }
            FieldKind::Rating { min, max, unit: f.unit.clone() }
        }
        "date" => FieldKind::Date,
        "time" => FieldKind::Time,
        "choice" | "choices" => {
            let options = choices(f.options.as_deref().unwrap_or_default(), line, source, problems);
            if kind == "choice" {
                FieldKind::Choice { options }
            } else {
                FieldKind::Choices { options }
            }
        }
        "list" => {
            let (min_items, max_items) = (f.min_items.unwrap_or(0), f.max_items.unwrap_or(10));
            if max_items == 0 || min_items > max_items {
                problems.at(line, &format!("`min_items` ({min_items}) and `max_items` ({max_items}) do not make a range"));
            }
            FieldKind::List { min_items, max_items, max_length: limit(f.max_length, 300) }
        }
        _ => {
            let columns = fields(f.columns.as_deref().unwrap_or_default(), true, source, problems);
            if columns.is_empty() {
                problems.at(line, "rows need at least one `[[fields.columns]]`");
            }
            let (min_rows, max_rows) = (f.min_rows.unwrap_or(0), f.max_rows.unwrap_or(10));
            if max_rows == 0 || min_rows > max_rows {
                problems.at(line, &format!("`min_rows` ({min_rows}) and `max_rows` ({max_rows}) do not make a range"));
            }
            let sort_by = f.sort_by.as_ref().map(|s| {
                let name = s.get_ref();
                if !columns.iter().any(|c| &c.id == name && matches!(c.kind, FieldKind::Rating { .. })) {
                    problems.at(line_of(source, s.span().start), &format!("`sort_by` names `{name}`, which is not a rating column of these rows"));
                }
                name.clone()
            });
            FieldKind::Rows { min_rows, max_rows, sort_by, columns }
        }
    })
}

fn choices(raw: &[RawChoice], line: usize, source: &str, problems: &mut Problems) -> Vec<Choice> {
    if raw.len() < 2 {
        problems.at(line, "a choice needs at least two `options`");
    }
    let mut seen = HashSet::new();
    raw.iter()
        .map(|c| {
            let id = c.id.get_ref().clone();
            let option_line = line_of(source, c.id.span().start);
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                problems.at(option_line, &format!("option id `{id}` may only hold lowercase letters, digits and `_`"));
            }
            if !seen.insert(id.clone()) {
                problems.at(option_line, &format!("option id `{id}` is used twice"));
            }
            check_text(&c.label, "label", source, problems);
            Choice { id, label: c.label.get_ref().clone() }
        })
        .collect()
}

// ---- modules and programmes ----------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModule {
    worksheet: Option<Spanned<String>>,
    #[serde(default = "yes")]
    requires_feedback: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgramme {
    id: Spanned<String>,
    version: String,
    kind: ProgrammeKind,
    weeks: Spanned<u32>,
    modules: Vec<Spanned<String>>,
    #[serde(default)]
    optional: Vec<Spanned<String>>,
    title: Spanned<Text>,
    description: Spanned<Text>,
    #[serde(default, rename = "measure")]
    measures: Vec<RawMeasure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    instrument: Spanned<String>,
    when: Vec<Spanned<String>>,
}

/// The programme's questionnaires: known instruments, each once, on known occasions.
fn check_measures(raw: &[RawMeasure], source: &str, problems: &mut Problems) -> Vec<Measure> {
    let mut measures: Vec<Measure> = Vec::new();
    for m in raw {
        let id = m.instrument.get_ref();
        let line = line_of(source, m.instrument.span().start);
        if instruments::by_id(id).is_none() {
            let known: Vec<_> = instruments::ALL.iter().map(|i| i.id).collect();
            problems.at(line, &format!("unknown instrument `{id}` ({})", known.join(", ")));
            continue;
        }
        if measures.iter().any(|x| &x.instrument == id) {
            problems.at(line, &format!("instrument `{id}` is listed twice"));
            continue;
        }
        let mut when = Vec::new();
        for w in &m.when {
            match When::parse(w.get_ref()) {
                Some(w) => when.push(w),
                None => problems.at(line_of(source, w.span().start), &format!("unknown occasion `{}` (start, weekly, middle, end, 3m, 6m, 12m)", w.get_ref())),
            }
        }
        when.sort();
        when.dedup();
        measures.push(Measure { instrument: id.clone(), when });
    }
    measures
}

fn load_optional(dir: &Path, worksheets: &HashMap<String, Worksheet>, all: &mut Vec<Problem>) -> HashMap<String, Module> {
    let mut modules = HashMap::new();
    if !dir.exists() {
        return modules;
    }
    let no_modules = HashMap::new();
    for folder in subfolders(dir, all) {
        let id = folder_name(&folder);
        if !is_identifier(&id) {
            all.push(Problem { file: folder, line: None, message: "a module folder's name is its id: lowercase letters, digits and `-`".into() });
            continue;
        }
        if let Some(module) = load_module(&folder, &id, true, worksheets, &LinkTargets { modules: &no_modules }, all) {
            modules.insert(id, module);
        }
    }
    modules
}

fn load_programme(
    dir: &Path,
    worksheets: &HashMap<String, Worksheet>,
    optional: &HashMap<String, Module>,
    all: &mut Vec<Problem>,
) -> Option<Programme> {
    let path = dir.join("programme.toml");
    let (raw, source) = read_toml::<RawProgramme>(&path, all)?;
    let mut problems = Problems::new(path.clone());
    let line = |offset: usize| line_of(&source, offset);
    let id = raw.id.get_ref().clone();
    if id != folder_name(dir) {
        problems.at(line(raw.id.span().start), &format!("the id `{id}` must equal the folder name `{}`", folder_name(dir)));
    }
    check_text(&raw.title, "title", &source, &mut problems);
    check_text(&raw.description, "description", &source, &mut problems);
    if *raw.weeks.get_ref() == 0 {
        problems.at(line(raw.weeks.span().start), "`weeks` must be at least 1");
    }
    if raw.modules.is_empty() {
        problems.file("`modules` lists no modules");
    }
    let measures = check_measures(&raw.measures, &source, &mut problems);

    // Positions in addresses: the programme's modules, then the optional ones it offers.
    let mut positions = HashMap::new();
    for (n, m) in raw.modules.iter().chain(&raw.optional).enumerate() {
        let name = m.get_ref();
        if positions.insert(name.clone(), n + 1).is_some() {
            problems.at(line(m.span().start), &format!("module `{name}` is listed twice"));
        }
    }
    for m in &raw.modules {
        if !dir.join(m.get_ref()).is_dir() {
            problems.at(line(m.span().start), &format!("module `{}` has no folder beside programme.toml", m.get_ref()));
        }
    }
    for m in &raw.optional {
        if !optional.contains_key(m.get_ref()) {
            problems.at(line(m.span().start), &format!("optional module `{}` is not in content/optional/ (or is invalid)", m.get_ref()));
        }
    }
    for folder in subfolders(dir, all) {
        let name = folder_name(&folder);
        if !raw.modules.iter().any(|m| m.get_ref() == &name) {
            problems.file(&format!("the folder `{name}` is not listed in `modules`"));
        }
    }
    let problems_in_programme = !problems.is_empty();
    all.extend(problems.into_vec());

    let targets = LinkTargets { modules: &positions };
    let mut modules = Vec::new();
    for m in &raw.modules {
        let folder = dir.join(m.get_ref());
        if folder.is_dir() {
            modules.extend(load_module(&folder, m.get_ref(), false, worksheets, &targets, all));
        }
    }
    modules.extend(raw.optional.iter().filter_map(|m| optional.get(m.get_ref()).cloned()));
    if problems_in_programme || modules.len() != raw.modules.len() + raw.optional.len() {
        return None;
    }
    Some(Programme {
        id,
        version: raw.version,
        kind: raw.kind,
        weeks: raw.weeks.into_inner(),
        title: raw.title.into_inner(),
        description: raw.description.into_inner(),
        modules,
        measures,
    })
}

fn load_module(
    dir: &Path,
    id: &str,
    optional: bool,
    worksheets: &HashMap<String, Worksheet>,
    targets: &LinkTargets,
    all: &mut Vec<Problem>,
) -> Option<Module> {
    let path = dir.join("module.toml");
    let (raw, source) = read_toml::<RawModule>(&path, all)?;
    let worksheet = match &raw.worksheet {
        Some(w) => match worksheets.get(w.get_ref()) {
            Some(ws) => Some(ws.clone()),
            None => {
                let line = line_of(&source, w.span().start);
                all.push(Problem { file: path, line: Some(line), message: format!("worksheet `{}` does not exist in content/worksheets/ (or is invalid)", w.get_ref()) });
                return None;
            }
        },
        None => None,
    };

    let mut documents = Vec::new();
    for lang in ["nb", "en"] {
        let file = dir.join(format!("{lang}.md"));
        let source = match fs::read_to_string(&file) {
            Ok(s) => s,
            Err(_) => {
                all.push(Problem { file, line: None, message: format!("the module `{id}` has no text in `{lang}`: this file is missing") });
                continue;
            }
        };
        let mut problems = Problems::new(file.clone());
        let doc = markdown::parse(&source, &mut problems, targets);
        if problems.is_empty() {
            documents.extend(doc.map(|d| (file, d)));
        } else {
            all.extend(problems.into_vec());
        }
    }
    let [(_, nb), (en_file, en)]: [(PathBuf, Document); 2] = documents.try_into().ok()?;

    // Both languages must have the same pages in the same order.
    let mut same = true;
    for n in 0..nb.pages.len().max(en.pages.len()) {
        let (a, b) = (nb.pages.get(n), en.pages.get(n));
        if a.map(|p| &p.id) != b.map(|p| &p.id) {
            let line = b.map(|p| p.line);
            let message = match (a, b) {
                (Some(a), Some(b)) => format!("page {} is `{}` here but `{}` in nb.md: both languages need the same pages in the same order", n + 1, b.id, a.id),
                (Some(a), None) => format!("page `{}` of nb.md is missing here", a.id),
                (None, Some(b)) => format!("page `{}` is not in nb.md", b.id),
                (None, None) => unreachable!(),
            };
            all.push(Problem { file: en_file.clone(), line, message });
            same = false;
            break;
        }
    }
    if !same {
        return None;
    }
    let pages = nb
        .pages
        .into_iter()
        .zip(en.pages)
        .map(|(a, b)| Page { id: a.id, title: Text { nb: a.title, en: b.title }, html: Text { nb: a.html, en: b.html } })
        .collect();
    Some(Module {
        id: id.to_string(),
        optional,
        title: Text { nb: nb.title, en: en.title },
        summary: Text { nb: nb.summary, en: en.summary },
        pages,
        worksheet,
        requires_feedback: raw.requires_feedback,
    })
}
