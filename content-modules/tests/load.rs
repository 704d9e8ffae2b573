//! Loading content folders: the shipped content passes, and each kind of broken content fails
//! with a message naming the file, the line and what is wrong.

use std::{
    fs,
    path::{Path, PathBuf},
    sync::atomic::{AtomicUsize, Ordering},
};

use stegvis_content::{load, FieldKind, ProgrammeKind};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_shipped_programme_is_valid_and_complete() {
    let library = match load(&manifest().join("content")) {
        Ok(l) => l,
        Err(problems) => panic!("{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")),
    };
    let count = |id: &str| library.programme(id).map(|p| p.core_modules());
    assert_eq!(count("panic"), Some(9));
    assert_eq!(count("social-anxiety"), Some(9));
    assert_eq!(count("depression"), Some(8));
    assert_eq!(library.programme("waiting-list").map(|p| p.kind), Some(ProgrammeKind::Unguided));
    for p in &library.programmes {
        for m in &p.modules {
            assert!(m.worksheet.is_some(), "{}/{} has homework", p.id, m.id);
            assert_eq!(m.pages.last().map(|pg| pg.id.as_str()), Some("homework"), "{}/{} ends with its homework page", p.id, m.id);
        }
        if p.kind == ProgrammeKind::Guided {
            let optional: Vec<&str> = p.modules.iter().filter(|m| m.optional).map(|m| m.id.as_str()).collect();
            assert_eq!(optional, ["back-to-work", "sleep"], "{}", p.id);
        }
    }
}

/// A copy of the minimal valid fixture that a test may break.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("stegvis-content-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
        let _ = fs::remove_dir_all(&dir);
        copy(&manifest().join("tests/fixtures/minimal"), &dir);
        Scratch(dir)
    }

    fn write(&self, file: &str, text: &str) -> &Self {
        fs::write(self.0.join(file), text).unwrap();
        self
    }

    fn edit(&self, file: &str, from: &str, to: &str) -> &Self {
        let text = fs::read_to_string(self.0.join(file)).unwrap();
        assert!(text.contains(from), "{file} contains {from:?}");
        self.write(file, &text.replacen(from, to, 1))
    }

    /// The problems, with the scratch folder's path left out.
    fn problems(&self) -> Vec<String> {
        match load(&self.0) {
            Ok(_) => Vec::new(),
            Err(problems) => {
                let prefix = format!("{}/", self.0.display());
                problems.iter().map(|p| p.to_string().replace(&prefix, "")).collect()
            }
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            copy(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn the_minimal_fixture_loads_with_optional_modules_after_the_programme_s_own() {
    let s = Scratch::new();
    assert_eq!(s.problems(), Vec::<String>::new());
    let library = load(&s.0).unwrap();
    let p = library.programme("demo").unwrap();
    assert_eq!(p.modules.iter().map(|m| (m.id.as_str(), m.optional)).collect::<Vec<_>>(), [("first", false), ("second", false), ("extra", true)]);
    assert_eq!(p.core_modules(), 2);
    assert!(!p.modules[1].requires_feedback && p.modules[0].requires_feedback);
    assert!(p.modules[0].pages[1].html.nb.contains(r#"<a href="2">neste modul</a>"#));
    assert_eq!(p.module(3).map(|m| m.id.as_str()), Some("extra"));
    assert!(p.module(0).is_none() && p.module(4).is_none());
    let FieldKind::Rows { sort_by, columns, .. } = &p.modules[0].worksheet.as_ref().unwrap().fields[0].kind else { panic!() };
    assert_eq!((sort_by.as_deref(), columns.len()), (Some("level"), 2));
}

#[test]
fn the_fingerprint_changes_with_the_content_and_only_then() {
    let s = Scratch::new();
    let before = load(&s.0).unwrap().programmes[0].fingerprint();
    assert_eq!(before, load(&s.0).unwrap().programmes[0].fingerprint());
    s.edit("programmes/demo/first/nb.md", "Mer tekst", "Annen tekst");
    assert_ne!(before, load(&s.0).unwrap().programmes[0].fingerprint());
}

#[test]
fn a_missing_translation_names_the_module_and_language() {
    let s = Scratch::new();
    fs::remove_file(s.0.join("programmes/demo/second/en.md")).unwrap();
    assert_eq!(s.problems(), ["programmes/demo/second/en.md: the module `second` has no text in `en`: this file is missing"]);
}

#[test]
fn pages_must_match_across_languages() {
    let s = Scratch::new();
    s.edit("programmes/demo/first/en.md", "{#two}", "{#three}");
    assert_eq!(
        s.problems(),
        [
            "programmes/demo/first/en.md:8: link to page `#two`, which this module does not have",
        ]
    );
    let s = Scratch::new();
    s.edit("programmes/demo/first/en.md", "{#two}", "{#three}").edit("programmes/demo/first/en.md", "(#two)", "(#three)");
    assert_eq!(s.problems(), ["programmes/demo/first/en.md:10: page 2 is `three` here but `two` in nb.md: both languages need the same pages in the same order"]);
    let s = Scratch::new();
    s.edit("programmes/demo/first/en.md", "# Second page {#two}\n\nMore text.\n", "");
    s.edit("programmes/demo/first/en.md", "(#two)", "(https://example.org)");
    assert_eq!(s.problems(), ["programmes/demo/first/en.md: page `two` of nb.md is missing here"]);
}

#[test]
fn a_worksheet_label_without_english_names_its_line() {
    let s = Scratch::new();
    s.edit("worksheets/diary.toml", r#"label = { nb = "Nivå", en = "Level" }"#, r#"label = { nb = "Nivå" }"#);
    let p = s.problems();
    assert!(p.last().unwrap().starts_with("worksheets/diary.toml:23: missing field `en`"), "{p:?}");
    // The module using it cannot load either, and says why.
    assert!(p.contains(&"programmes/demo/first/module.toml:1: worksheet `diary` does not exist in content/worksheets/ (or is invalid)".to_string()), "{p:?}");
}

#[test]
fn empty_labels_and_bad_settings_are_refused() {
    let s = Scratch::new();
    s.edit("worksheets/diary.toml", r#"en = "Note""#, r#"en = " ""#)
        .edit("worksheets/diary.toml", "max = 100", "max = 0")
        .edit("worksheets/diary.toml", "max_length = 10", "max_length = 10\nmin = 1")
        .edit("worksheets/diary.toml", r#"sort_by = "level""#, r#"sort_by = "date""#);
    assert_eq!(
        s.problems()[s.problems().len() - 4..],
        [
            "worksheets/diary.toml:9: `sort_by` names `date`, which is not a rating column of these rows",
            "worksheets/diary.toml:19: `min` (0) must be below `max` (0)",
            "worksheets/diary.toml:26: `min` does not apply to a text field",
            "worksheets/diary.toml:30: `label` has no text in `en`",
        ]
    );
}

#[test]
fn unknown_keys_kinds_and_duplicate_ids_are_refused() {
    let s = Scratch::new();
    s.edit("worksheets/diary.toml", r#"kind = "text""#, r#"kind = "txt""#)
        .edit("worksheets/diary.toml", r#"id = "level""#, r#"id = "date""#);
    let p = s.problems();
    assert_eq!(
        p[p.len() - 3..],
        [
            "worksheets/diary.toml:9: `sort_by` names `level`, which is not a rating column of these rows",
            "worksheets/diary.toml:19: field id `date` is used twice",
            "worksheets/diary.toml:27: unknown field kind `txt` (text, long-text, rating, date, time, choice, choices, list, rows)",
        ]
    );
    let s = Scratch::new();
    s.edit("programmes/demo/programme.toml", "weeks = 4", "weeks = 4\nlength = 3");
    let p = s.problems();
    assert!(p[0].starts_with("programmes/demo/programme.toml:5: unknown field `length`"), "{p:?}");
}

#[test]
fn programme_references_must_resolve() {
    let s = Scratch::new();
    s.edit("programmes/demo/programme.toml", r#"modules = ["first", "second"]"#, r#"modules = ["first", "second", "third", "first"]"#)
        .edit("programmes/demo/programme.toml", r#"optional = ["extra"]"#, r#"optional = ["sleep"]"#)
        .edit("programmes/demo/programme.toml", r#"id = "demo""#, r#"id = "demo2""#);
    assert_eq!(
        s.problems(),
        [
            "programmes/demo/programme.toml:1: the id `demo2` must equal the folder name `demo`",
            "programmes/demo/programme.toml:5: module `first` is listed twice",
            "programmes/demo/programme.toml:5: module `third` has no folder beside programme.toml",
            "programmes/demo/programme.toml:6: optional module `sleep` is not in content/optional/ (or is invalid)",
        ]
    );
    let s = Scratch::new();
    fs::create_dir(s.0.join("programmes/demo/stray")).unwrap();
    assert_eq!(s.problems(), ["programmes/demo/programme.toml: the folder `stray` is not listed in `modules`"]);
}

#[test]
fn module_text_problems_name_file_and_line() {
    let s = Scratch::new();
    s.edit("programmes/demo/second/nb.md", "Mer tekst.", "Mer <em>tekst</em> og [lenke](module:nowhere).");
    assert_eq!(
        s.problems(),
        [
            "programmes/demo/second/nb.md:12: raw HTML is not allowed in module text",
            "programmes/demo/second/nb.md:12: link to module `nowhere`, which this programme does not have",
        ]
    );
    let s = Scratch::new();
    s.edit("optional/extra/nb.md", "Mer tekst.", "Se [første](module:first).");
    assert_eq!(s.problems()[0], "optional/extra/nb.md:12: link to module `first`: an optional module may not link to other modules");
    let s = Scratch::new();
    s.write("programmes/demo/first/module.toml", "worksheet = \"nothing\"\n");
    assert_eq!(s.problems(), ["programmes/demo/first/module.toml:1: worksheet `nothing` does not exist in content/worksheets/ (or is invalid)"]);
}

#[test]
fn an_empty_folder_is_not_a_library() {
    let dir = std::env::temp_dir().join(format!("stegvis-content-empty-{}", std::process::id()));
    fs::create_dir_all(dir.join("programmes")).unwrap();
    fs::create_dir_all(dir.join("worksheets")).unwrap();
    let problems = load(&dir).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].to_string().ends_with("programmes: no programmes found"));
    fs::remove_dir_all(dir).unwrap();
}
