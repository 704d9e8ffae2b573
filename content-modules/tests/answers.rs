//! Worksheet answers at every boundary: what is accepted, what is refused and why.

use std::path::PathBuf;

use stegvis_content::{
    answers::{self, validate, AnswerProblem::*, FieldError, RawAnswers, Value},
    Choice, Field, FieldKind, Text, Worksheet,
};

fn text(s: &str) -> Text {
    Text { nb: s.into(), en: s.into() }
}

fn field(id: &str, required: bool, kind: FieldKind) -> Field {
    Field { id: id.into(), label: text(id), help: None, required, kind }
}

fn options(ids: &[&str]) -> Vec<Choice> {
    ids.iter().map(|id| Choice { id: (*id).into(), label: text(id) }).collect()
}

fn sheet(fields: Vec<Field>) -> Worksheet {
    Worksheet { id: "w".into(), title: text("w"), intro: text("w"), fields }
}

fn raw(pairs: &[(&str, &str)]) -> RawAnswers {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn problems(w: &Worksheet, pairs: &[(&str, &str)]) -> Vec<(String, stegvis_content::answers::AnswerProblem)> {
    match validate(w, &raw(pairs)) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|FieldError { key, problem }| (key, problem)).collect(),
    }
}

fn one(w: &Worksheet, pairs: &[(&str, &str)], id: &str) -> Option<Value> {
    validate(w, &raw(pairs)).unwrap().remove(id)
}

#[test]
fn ratings_accept_every_whole_number_in_range_and_nothing_outside() {
    for (min, max) in [(0, 10), (0, 100)] {
        let w = sheet(vec![field("r", true, FieldKind::Rating { min, max, unit: Some("%".into()) })]);
        for n in min..=max {
            assert_eq!(one(&w, &[("a.r", &n.to_string())], "r"), Some(Value::Number(n)));
        }
        for n in [min - 1, max + 1, -1000, 1_000_000] {
            assert_eq!(problems(&w, &[("a.r", &n.to_string())]), [("a.r".to_string(), OutOfRange { min, max })]);
        }
        for bad in ["5.5", "5,5", "fem", "1e2", "--1", "0x10", "99999999999999999999"] {
            assert_eq!(problems(&w, &[("a.r", bad)]), [("a.r".to_string(), NotAWholeNumber)], "{bad}");
        }
        assert_eq!(one(&w, &[("a.r", " 7 ")], "r"), Some(Value::Number(7)), "spaces are trimmed");
        assert_eq!(one(&w, &[("a.r", &format!("{max} %"))], "r"), Some(Value::Number(max)), "the unit may be typed");
        assert_eq!(problems(&w, &[("a.r", "")]), [("a.r".to_string(), Required)]);
        assert_eq!(problems(&w, &[]), [("a.r".to_string(), Required)]);
    }
}

#[test]
fn text_length_is_counted_in_characters_at_the_limit() {
    let w = sheet(vec![field("t", false, FieldKind::Text { max_length: 5 }), field("l", true, FieldKind::LongText { max_length: 3 })]);
    assert!(validate(&w, &raw(&[("a.t", "ææææø"), ("a.l", "abc")])).is_ok(), "five letters of two bytes each are five");
    assert_eq!(problems(&w, &[("a.t", "ææææøå"), ("a.l", "abcd")]), [("a.t".to_string(), TooLong { max: 5 }), ("a.l".to_string(), TooLong { max: 3 })]);
    assert_eq!(problems(&w, &[("a.l", "   ")]), [("a.l".to_string(), Required)], "blank is empty");
    assert_eq!(one(&w, &[("a.l", " x ")], "t"), None, "an optional empty field is left out");
    assert_eq!(one(&w, &[("a.l", " x ")], "l"), Some(Value::Text("x".into())));
}

#[test]
fn dates_and_times() {
    let w = sheet(vec![field("d", false, FieldKind::Date), field("t", false, FieldKind::Time)]);
    for (typed, stored) in [("2026-11-25", "2026-11-25"), ("25.11.2026", "2026-11-25"), ("1.2.2026", "2026-02-01"), ("2024-02-29", "2024-02-29"), ("2000-02-29", "2000-02-29")] {
        assert_eq!(one(&w, &[("a.d", typed)], "d"), Some(Value::Text(stored.into())), "{typed}");
    }
    for bad in ["2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-32", "26-11-2026", "1899-12-31", "2101-01-01", "i dag", "25.11", "25.11.26", "2026-11-25T10:00"] {
        assert_eq!(problems(&w, &[("a.d", bad)]), [("a.d".to_string(), InvalidDate)], "{bad}");
    }
    for (typed, stored) in [("00:00", "00:00"), ("23:59", "23:59"), ("7:05", "07:05"), ("07.05", "07:05"), ("07:05:00", "07:05")] {
        assert_eq!(one(&w, &[("a.t", typed)], "t"), Some(Value::Text(stored.into())), "{typed}");
    }
    for bad in ["24:00", "12:60", "12", "123:00", "12:5", "ab:cd", "12:00:0", "12:00:00:00"] {
        assert_eq!(problems(&w, &[("a.t", bad)]), [("a.t".to_string(), InvalidTime)], "{bad}");
    }
}

#[test]
fn choices_accept_only_their_options() {
    let w = sheet(vec![
        field("one", true, FieldKind::Choice { options: options(&["yes", "no"]) }),
        field("many", false, FieldKind::Choices { options: options(&["a", "b", "c"]) }),
    ]);
    let ok = validate(&w, &raw(&[("a.one", "no"), ("a.many~c", "on"), ("a.many~a", "on"), ("a.many~b", ""), ("a.many~d", "on")])).unwrap();
    assert_eq!(ok["one"], Value::Text("no".into()));
    assert_eq!(ok["many"], Value::Many(vec!["a".into(), "c".into()]), "ticked options in the options' order; unknown ones ignored");
    assert_eq!(problems(&w, &[("a.one", "maybe")]), [("a.one".to_string(), UnknownOption)]);
    assert_eq!(problems(&w, &[]), [("a.one".to_string(), Required)]);
    let required = sheet(vec![field("many", true, FieldKind::Choices { options: options(&["a", "b"]) })]);
    assert_eq!(problems(&required, &[("a.many~x", "on")]), [("a.many".to_string(), Required)]);
    // A ticked box alone makes a row count.
    let rows = sheet(vec![field("r", false, FieldKind::Rows { min_rows: 0, max_rows: 2, sort_by: None, columns: vec![field("s", false, FieldKind::Choices { options: options(&["a", "b"]) })] })]);
    assert_eq!(one(&rows, &[("a.r.3.s~b", "on")], "r").map(|v| matches!(v, Value::Rows(r) if r.len() == 1)), Some(true));
}

#[test]
fn lists_count_only_filled_items_within_their_bounds() {
    let w = sheet(vec![field("l", false, FieldKind::List { min_items: 2, max_items: 3, max_length: 4 })]);
    assert_eq!(one(&w, &[("a.l.0", "en"), ("a.l.5", ""), ("a.l.2", "to")], "l"), Some(Value::Many(vec!["en".into(), "to".into()])));
    assert_eq!(problems(&w, &[("a.l.0", "en")]), [("a.l".to_string(), TooFewItems { min: 2 })]);
    assert_eq!(problems(&w, &[("a.l.0", "a"), ("a.l.1", "b"), ("a.l.2", "c"), ("a.l.3", "d")]), [("a.l".to_string(), TooManyItems { max: 3 })]);
    assert_eq!(problems(&w, &[("a.l.0", "a"), ("a.l.1", "fem!!")]), [("a.l.1".to_string(), TooLong { max: 4 })]);
    let required = sheet(vec![field("l", true, FieldKind::List { min_items: 0, max_items: 3, max_length: 4 })]);
    assert_eq!(problems(&required, &[("a.l.0", " ")]), [("a.l".to_string(), Required)]);
}

#[test]
fn rows_skip_empty_rows_check_each_cell_and_sort() {
    let columns = vec![field("what", true, FieldKind::Text { max_length: 20 }), field("level", false, FieldKind::Rating { min: 0, max: 100, unit: None })];
    let w = sheet(vec![field("r", false, FieldKind::Rows { min_rows: 2, max_rows: 3, sort_by: Some("level".into()), columns })]);
    let rows = one(&w, &[("a.r.0.what", "høyt"), ("a.r.0.level", "80"), ("a.r.1.what", ""), ("a.r.1.level", ""), ("a.r.2.what", "lavt"), ("a.r.2.level", "10")], "r");
    let Some(Value::Rows(rows)) = rows else { panic!() };
    assert_eq!(rows.iter().map(|r| r["what"].clone()).collect::<Vec<_>>(), [Value::Text("lavt".into()), Value::Text("høyt".into())]);
    assert_eq!(problems(&w, &[("a.r.0.what", "x")]), [("a.r".to_string(), TooFewRows { min: 2 })]);
    assert_eq!(
        problems(&w, &[("a.r.0.what", "x"), ("a.r.1.what", "y"), ("a.r.2.what", "z"), ("a.r.3.what", "æ")]),
        [("a.r".to_string(), TooManyRows { max: 3 })]
    );
    // A cell's problem points at that cell, by the row number the form used.
    assert_eq!(
        problems(&w, &[("a.r.0.what", "x"), ("a.r.4.level", "101"), ("a.r.7.level", "5")]),
        [("a.r.4.what".to_string(), Required), ("a.r.4.level".to_string(), OutOfRange { min: 0, max: 100 }), ("a.r.7.what".to_string(), Required)]
    );
}

#[test]
fn keys_that_are_not_answers_are_dropped_and_line_endings_made_uniform() {
    let form = vec![("token".to_string(), "x".to_string()), ("a.t".to_string(), "a\r\nb".to_string())];
    assert_eq!(answers::keep_answers(form), vec![("a.t".to_string(), "a\nb".to_string())]);
    assert_eq!(answers::indices(&raw(&[("a.r.10.x", ""), ("a.r.2.x", ""), ("a.r.2.y", ""), ("a.rr.1", ""), ("a.r.z", ""), ("a.r.count", "4")]), "r"), [2, 10]);
}

#[test]
fn the_form_shows_enough_rows_and_never_too_many() {
    let list = field("l", false, FieldKind::List { min_items: 2, max_items: 5, max_length: 10 });
    assert_eq!(answers::shown(&raw(&[]), &list), 2, "the minimum");
    assert_eq!(answers::shown(&raw(&[("a.l.2", "")]), &list), 3, "every line posted, even empty");
    assert_eq!(answers::shown(&raw(&[("a.l.count", "4")]), &list), 4, "as many as asked for");
    assert_eq!(answers::shown(&raw(&[("a.l.count", "9"), ("a.l.7", "x")]), &list), 5, "never above the maximum");
    let rows = field("r", false, FieldKind::Rows { min_rows: 0, max_rows: 3, sort_by: None, columns: vec![] });
    assert_eq!(answers::shown(&raw(&[]), &rows), 1, "at least one row to start in");
}

/// Every shipped worksheet accepts a complete, sensible set of answers and refuses an empty one
/// exactly where it has required fields.
#[test]
fn shipped_worksheets_accept_filled_answers() {
    let library = stegvis_content::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"));
    let Ok(library) = library else { return }; // the shipped-content test reports the problems
    let mut seen = std::collections::HashSet::new();
    for ws in library.programmes.iter().flat_map(|p| &p.modules).filter_map(|m| m.worksheet.as_ref()) {
        if !seen.insert(ws.id.clone()) {
            continue;
        }
        let mut pairs = RawAnswers::new();
        for f in &ws.fields {
            match &f.kind {
                FieldKind::List { min_items, .. } => {
                    for n in 0..(*min_items).max(1) {
                        pairs.push((answers::item_key(&f.id, n), "noe".into()));
                    }
                }
                FieldKind::Rows { min_rows, columns, .. } => {
                    for n in 0..(*min_rows).max(1) {
                        for c in columns {
                            let key = answers::cell_key(&f.id, n, &c.id);
                            match &c.kind {
                                FieldKind::Choices { options } => pairs.push((answers::option_key(&key, &options[0].id), "on".into())),
                                kind => pairs.push((key, sample(kind))),
                            }
                        }
                    }
                }
                FieldKind::Choices { options } => pairs.push((answers::option_key(&answers::key(&f.id), &options[0].id), "on".into())),
                kind => pairs.push((answers::key(&f.id), sample(kind))),
            }
        }
        let answers = validate(ws, &pairs).unwrap_or_else(|e| panic!("{}: {e:?}", ws.id));
        assert_eq!(answers.len(), ws.fields.len(), "{}", ws.id);
        let required = ws.fields.iter().filter(|f| f.required || matches!(f.kind, FieldKind::Rows { min_rows: 1.., .. } | FieldKind::List { min_items: 1.., .. })).count();
        assert_eq!(validate(ws, &RawAnswers::new()).map_err(|e| e.len()), if required == 0 { Ok(Default::default()) } else { Err(required) }, "{}", ws.id);
    }
    assert!(seen.len() >= 12, "{seen:?}");
}

fn sample(kind: &FieldKind) -> String {
    match kind {
        FieldKind::Rating { min, .. } => min.to_string(),
        FieldKind::Date => "2026-11-25".into(),
        FieldKind::Time => "08:30".into(),
        FieldKind::Choice { options } => options[0].id.clone(),
        _ => "Noe jeg skrev".into(),
    }
}
