//! The instruments against clinical.md ("Instruments"): exhaustive scoring of PHQ-9 and GAD-7, a
//! pinned table of every instrument's numbers, band boundaries, missing answers, reliable change,
//! the built-in texts, the schedule of occasions and the instrument packs.

use stegvis_content::instruments::{self, pack, pack::PackProblem, Change, Domain, Instrument, Licence, Missing, ScoreError, ALL};
use stegvis_content::schedule::{occasions, Occasion, When};

const PDSS_SR_PACK: &str = include_str!("../instrument-packs/examples/pdss-sr.synthetic.toml");
const LSAS_SR_PACK: &str = include_str!("fixtures/packs/lsas-sr.synthetic.toml");
const WSAS_PACK: &str = include_str!("fixtures/packs/wsas.synthetic.toml");
const SPIN_PACK: &str = include_str!("fixtures/packs/spin.synthetic.toml");
const MADRS_S_PACK: &str = include_str!("fixtures/packs/madrs-s.synthetic.toml");

fn get(id: &str) -> &'static Instrument {
    instruments::by_id(id).unwrap_or_else(|| panic!("instrument {id}"))
}

fn item_max(instrument: &Instrument, index: usize) -> u8 {
    instrument.item_scale(&instrument.items[index]).max
}

/// An answer vector with the given total: each item as high as it goes, first to last.
fn with_total(instrument: &Instrument, total: u16) -> Vec<Option<u8>> {
    let mut left = total;
    let answers: Vec<Option<u8>> = (0..instrument.items.len())
        .map(|i| {
            let v = left.min(u16::from(item_max(instrument, i)));
            left -= v;
            Some(v as u8)
        })
        .collect();
    assert_eq!(left, 0, "{} cannot reach {total}", instrument.id);
    answers
}

// ---- exhaustive PHQ-9 and GAD-7 ------------------------------------------------------------

/// Every answer vector in {0..3}^N: total, band (from a table written here from clinical.md),
/// caseness and risk items.
fn exhaustive<const N: usize>(id: &str, bands: &[(&str, u16, u16)], caseness: u16, risk_item: Option<&str>) -> usize {
    let instrument = get(id);
    assert_eq!(instrument.items.len(), N);
    let mut answers = [Some(0u8); N];
    let mut seen = 0;
    for code in 0..4usize.pow(N as u32) {
        let mut rest = code;
        let mut sum = 0u16;
        for a in answers.iter_mut() {
            let v = (rest % 4) as u8;
            rest /= 4;
            *a = Some(v);
            sum += u16::from(v);
        }
        let score = instrument.score(&answers).unwrap_or_else(|e| panic!("{id} {answers:?}: {e:?}"));
        assert_eq!(score.total, sum, "{id} {answers:?}");
        assert!(!score.imputed, "{id} {answers:?}");
        let expected = bands.iter().find(|(_, min, max)| (*min..=*max).contains(&sum)).map(|b| b.0);
        assert_eq!(score.band.map(|b| b.key), expected, "{id} {answers:?}");
        assert!(expected.is_some(), "{id}: the table covers {sum}");
        assert_eq!(score.case, Some(sum >= caseness), "{id} {answers:?}");
        let risk = instrument.risk_items(&answers);
        match risk_item {
            Some(item) => {
                let at_risk = answers[N - 1].unwrap() >= 1;
                assert_eq!(risk.len(), usize::from(at_risk), "{id} {answers:?}");
                assert!(risk.iter().all(|r| *r == item), "{id} {answers:?}");
            }
            None => assert!(risk.is_empty(), "{id} {answers:?}"),
        }
        seen += 1;
    }
    seen
}

#[test]
fn phq9_every_answer_vector() {
    let bands = [("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("moderately_severe", 15, 19), ("severe", 20, 27)];
    assert_eq!(exhaustive::<9>("phq9", &bands, 10, Some("phq9_9")), 262_144);
}

#[test]
fn gad7_every_answer_vector() {
    let bands = [("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21)];
    assert_eq!(exhaustive::<7>("gad7", &bands, 8, None), 16_384);
}

// ---- the pinned table ---------------------------------------------------------------------

struct Row {
    id: &'static str,
    domain: Domain,
    items: usize,
    /// The highest answer of every item.
    item_max: u8,
    max_total: u16,
    caseness: Option<u16>,
    reliable_change: Option<u16>,
    bands: &'static [(&'static str, u16, u16)],
    risk: &'static [(&'static str, u8)],
    loinc_panel: Option<&'static str>,
    loinc_total: Option<&'static str>,
    free: bool,
}

/// clinical.md, "Instruments" and "Escalation flags" (risk).
const TABLE: &[Row] = &[
    Row {
        id: "phq9",
        domain: Domain::Depression,
        items: 9,
        item_max: 3,
        max_total: 27,
        caseness: Some(10),
        reliable_change: Some(6),
        bands: &[("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("moderately_severe", 15, 19), ("severe", 20, 27)],
        risk: &[("phq9_9", 1)],
        loinc_panel: Some("44249-1"),
        loinc_total: Some("44261-6"),
        free: true,
    },
    Row {
        id: "gad7",
        domain: Domain::Anxiety,
        items: 7,
        item_max: 3,
        max_total: 21,
        caseness: Some(8),
        reliable_change: Some(4),
        bands: &[("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21)],
        risk: &[],
        loinc_panel: Some("69737-5"),
        loinc_total: Some("70274-6"),
        free: true,
    },
    Row {
        id: "pdss-sr",
        domain: Domain::Panic,
        items: 7,
        item_max: 4,
        max_total: 28,
        caseness: Some(8),
        reliable_change: Some(5),
        bands: &[],
        risk: &[],
        loinc_panel: None,
        loinc_total: None,
        free: false,
    },
    Row {
        id: "spin",
        domain: Domain::SocialAnxiety,
        items: 17,
        item_max: 4,
        max_total: 68,
        caseness: Some(19),
        reliable_change: Some(10),
        bands: &[],
        risk: &[],
        loinc_panel: None,
        loinc_total: None,
        free: false,
    },
    Row {
        id: "lsas-sr",
        domain: Domain::SocialAnxiety,
        items: 48,
        item_max: 3,
        max_total: 144,
        caseness: Some(30),
        reliable_change: None,
        bands: &[("below", 0, 29), ("probable", 30, 59), ("generalised", 60, 144)],
        risk: &[],
        loinc_panel: None,
        loinc_total: None,
        free: false,
    },
    Row {
        id: "madrs-s",
        domain: Domain::Depression,
        items: 9,
        item_max: 6,
        max_total: 54,
        caseness: Some(13),
        reliable_change: None,
        bands: &[("minimal", 0, 12), ("mild", 13, 19), ("moderate", 20, 34), ("severe", 35, 54)],
        risk: &[("madrs_s_9", 4)],
        loinc_panel: None,
        loinc_total: None,
        free: false,
    },
    Row {
        id: "wsas",
        domain: Domain::Functioning,
        items: 5,
        item_max: 8,
        max_total: 40,
        caseness: None,
        reliable_change: None,
        bands: &[("subclinical", 0, 9), ("significant", 10, 20), ("severe", 21, 40)],
        risk: &[],
        loinc_panel: None,
        loinc_total: None,
        free: false,
    },
];

#[test]
fn every_instrument_matches_the_pinned_table() {
    assert_eq!(ALL.iter().map(|i| i.id).collect::<Vec<_>>(), TABLE.iter().map(|r| r.id).collect::<Vec<_>>());
    assert!(instruments::by_id("bogus").is_none());
    for row in TABLE {
        let i = get(row.id);
        let id = row.id;
        assert_eq!(i.domain, row.domain, "{id}");
        assert_eq!(i.items.len(), row.items, "{id}");
        for item in i.items {
            assert_eq!(i.item_scale(item).max, row.item_max, "{id} {}", item.id);
            assert!(item.id.starts_with(&id.replace('-', "_")), "{id}: item {}", item.id);
        }
        let mut ids: Vec<_> = i.items.iter().map(|x| x.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), row.items, "{id}: item ids are unique");
        assert_eq!(i.max_total(), row.max_total, "{id}");
        assert_eq!(i.caseness, row.caseness, "{id}");
        assert_eq!(i.reliable_change, row.reliable_change, "{id}");
        assert_eq!(i.loinc_panel, row.loinc_panel, "{id}");
        assert_eq!(i.loinc_total, row.loinc_total, "{id}");
        assert_eq!(i.risk.iter().map(|r| (r.item, r.at_least)).collect::<Vec<_>>(), row.risk, "{id}");
        assert_eq!(i.missing, if id == "wsas" { Missing::MeanOfAnswered { at_most: 1 } } else { Missing::NotScored }, "{id}");

        // Bands: as in the table, each bounded, tiling 0..=max total.
        assert_eq!(i.bands.iter().map(|b| (b.key, b.min, b.max)).collect::<Vec<_>>(), row.bands, "{id}");
        for band in i.bands {
            assert_eq!(i.band(band.min), Some(band), "{id} {}", band.key);
            assert_eq!(i.band(band.max), Some(band), "{id} {}", band.key);
            if band.min > 0 {
                assert_ne!(i.band(band.min - 1), Some(band), "{id} {}", band.key);
            }
            assert_ne!(i.band(band.max + 1), Some(band), "{id} {}", band.key);
            assert!(!band.label.nb.is_empty() && !band.label.en.is_empty(), "{id} {}", band.key);
        }
        if !row.bands.is_empty() {
            assert_eq!(row.bands[0].1, 0, "{id}");
            assert_eq!(row.bands.last().unwrap().2, row.max_total, "{id}");
            for pair in row.bands.windows(2) {
                assert_eq!(pair[1].1, pair[0].2 + 1, "{id}: no gap or overlap");
            }
            for total in 0..=row.max_total {
                assert!(i.band(total).is_some(), "{id} {total}");
            }
        } else {
            assert!((0..=row.max_total).all(|t| i.band(t).is_none()), "{id}");
        }
        assert_eq!(i.band(row.max_total + 1), None, "{id}");

        // Never ship licensed text.
        assert_eq!(i.is_free(), row.free, "{id}");
        match &i.licence {
            Licence::Free { credit, wording } => {
                assert!(row.free, "{id}");
                assert!(!credit.nb.is_empty() && !credit.en.is_empty() && !wording.is_empty(), "{id}");
                assert!(i.builtin_text().is_some(), "{id}");
                assert!(i.items.iter().all(|x| x.text.is_some()), "{id}");
                assert!(i.scales.iter().all(|s| s.labels.len() == usize::from(s.max) + 1), "{id}");
            }
            Licence::Pack { holder } => {
                assert!(!row.free, "{id}");
                assert!(!holder.is_empty(), "{id}");
                assert!(i.builtin_text().is_none(), "{id}");
                assert!(i.instructions.is_none(), "{id}");
                assert!(i.items.iter().all(|x| x.text.is_none()), "{id}: an item carries text");
                assert!(i.scales.iter().all(|s| s.labels.is_empty()), "{id}: a scale carries labels");
            }
        }
    }
    let phq9 = get("phq9");
    assert_eq!(phq9.items[8].id, "phq9_9");
    assert_eq!(phq9.items[8].loinc, Some("44260-8"));
    assert!(phq9.items.iter().all(|x| x.loinc.is_some()));
    assert_eq!(phq9.scales[0].loinc_answers, ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]);
    assert_eq!(get("gad7").scales[0].loinc_answers, ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]);
    // Only WSAS' work item may be answered "does not apply"; only LSAS-SR groups its items.
    let not_applicable: Vec<_> = ALL.iter().flat_map(|i| i.items).filter(|x| x.may_not_apply).map(|x| x.id).collect();
    assert_eq!(not_applicable, ["wsas_1"]);
    for i in ALL {
        assert_eq!(i.items.iter().any(|x| x.group.is_some()), i.id == "lsas-sr", "{}", i.id);
    }
    let lsas = get("lsas-sr");
    for (n, pair) in lsas.items.chunks(2).enumerate() {
        let group = format!("lsas_sr_{}", n + 1);
        assert_eq!((pair[0].scale, pair[0].group), ("fear", Some(group.as_str())));
        assert_eq!((pair[1].scale, pair[1].group), ("avoidance", Some(group.as_str())));
    }
}

#[test]
fn every_band_boundary_and_caseness() {
    for row in TABLE {
        let i = get(row.id);
        for &(key, min, max) in row.bands {
            for total in [min, max] {
                let score = i.score(&with_total(i, total)).unwrap();
                assert_eq!(score.total, total, "{}", row.id);
                assert_eq!(score.band.map(|b| b.key), Some(key), "{} {total}", row.id);
            }
            if min > 0 {
                assert_ne!(i.score(&with_total(i, min - 1)).unwrap().band.map(|b| b.key), Some(key), "{} {}", row.id, min - 1);
            }
            if max < row.max_total {
                assert_ne!(i.score(&with_total(i, max + 1)).unwrap().band.map(|b| b.key), Some(key), "{} {}", row.id, max + 1);
            }
        }
        match row.caseness {
            Some(c) => {
                assert_eq!(i.score(&with_total(i, c - 1)).unwrap().case, Some(false), "{}", row.id);
                assert_eq!(i.score(&with_total(i, c)).unwrap().case, Some(true), "{}", row.id);
                assert_eq!(i.score(&with_total(i, 0)).unwrap().case, Some(false), "{}", row.id);
                assert_eq!(i.score(&with_total(i, row.max_total)).unwrap().case, Some(true), "{}", row.id);
            }
            None => assert_eq!(i.score(&with_total(i, 20)).unwrap().case, None, "{}", row.id),
        }
        let top = i.score(&with_total(i, row.max_total)).unwrap();
        assert_eq!(top.total, row.max_total, "{}", row.id);
        assert!(!top.imputed, "{}", row.id);
    }
}

// ---- missing and wrong answers ------------------------------------------------------------

#[test]
fn a_missing_answer_is_not_scored_unless_the_manual_says_how() {
    for i in ALL.iter().filter(|i| i.missing == Missing::NotScored) {
        let n = i.items.len();
        for k in 0..n {
            let mut answers = vec![Some(1); n];
            answers[k] = None;
            assert_eq!(i.score(&answers), Err(ScoreError::Incomplete { missing: vec![i.items[k].id] }), "{} {k}", i.id);
        }
        let mut answers = vec![Some(0); n];
        answers[0] = None;
        answers[n - 1] = None;
        assert_eq!(i.score(&answers), Err(ScoreError::Incomplete { missing: vec![i.items[0].id, i.items[n - 1].id] }), "{}", i.id);
        assert_eq!(i.score(&vec![None; n]), Err(ScoreError::Incomplete { missing: i.items.iter().map(|x| x.id).collect() }), "{}", i.id);
    }
}

#[test]
fn out_of_range_and_wrong_count() {
    for i in ALL {
        let n = i.items.len();
        for k in 0..n {
            let mut answers = vec![Some(0); n];
            answers[k] = Some(item_max(i, k));
            assert!(i.score(&answers).is_ok(), "{} {k}", i.id);
            answers[k] = Some(item_max(i, k) + 1);
            assert_eq!(i.score(&answers), Err(ScoreError::OutOfRange { item: i.items[k].id }), "{} {k}", i.id);
            answers[k] = Some(u8::MAX);
            assert_eq!(i.score(&answers), Err(ScoreError::OutOfRange { item: i.items[k].id }), "{} {k}", i.id);
        }
        for got in [0, n - 1, n + 1] {
            assert_eq!(i.score(&vec![Some(0); got]), Err(ScoreError::WrongCount { expected: n, got }), "{} {got}", i.id);
        }
    }
}

#[test]
fn wsas_replaces_one_missing_item_by_the_mean_rounded_half_up() {
    let wsas = get("wsas");
    let score = |a: &[Option<u8>]| wsas.score(a).map(|s| (s.total, s.imputed));
    assert_eq!(score(&[None, Some(4), Some(4), Some(4), Some(4)]), Ok((20, true)));
    // 5 × 5/4 = 6.25 → 6.
    assert_eq!(score(&[None, Some(1), Some(1), Some(1), Some(2)]), Ok((6, true)));
    // 6 × 5/4 = 7.5 → 8 (half up).
    assert_eq!(score(&[None, Some(1), Some(1), Some(2), Some(2)]), Ok((8, true)));
    // 2 × 5/4 = 2.5 → 3; any item may be the missing one.
    assert_eq!(score(&[Some(0), Some(0), None, Some(1), Some(1)]), Ok((3, true)));
    assert_eq!(score(&[Some(8), Some(8), Some(8), Some(8), None]), Ok((40, true)));
    assert_eq!(score(&[Some(1), Some(1), Some(1), Some(1), Some(2)]), Ok((6, false)));
    assert_eq!(wsas.score(&[None, Some(4), Some(4), Some(4), Some(4)]).unwrap().band.map(|b| b.key), Some("significant"));
    assert_eq!(wsas.score(&[None, Some(4), Some(4), Some(4), Some(4)]).unwrap().case, None);
    assert_eq!(wsas.score(&[None, None, Some(4), Some(4), Some(4)]), Err(ScoreError::Incomplete { missing: vec!["wsas_1", "wsas_2"] }));
    assert_eq!(wsas.score(&[Some(4), Some(4), None, Some(4), None]), Err(ScoreError::Incomplete { missing: vec!["wsas_3", "wsas_5"] }));
    // Out of range wins over imputation.
    assert_eq!(wsas.score(&[None, Some(9), Some(4), Some(4), Some(4)]), Err(ScoreError::OutOfRange { item: "wsas_2" }));

    // Every vector with one item missing, against round(sum × 5 / 4) computed here.
    for missing in 0..5 {
        for code in 0..9u32.pow(4) {
            let mut rest = code;
            let mut answers = [None; 5];
            let mut sum = 0u32;
            for (k, a) in answers.iter_mut().enumerate() {
                if k != missing {
                    *a = Some((rest % 9) as u8);
                    sum += rest % 9;
                    rest /= 9;
                }
            }
            let expected = (f64::from(sum) * 5.0 / 4.0 + 0.5).floor() as u16;
            let s = wsas.score(&answers).unwrap();
            assert_eq!((s.total, s.imputed), (expected, true), "{answers:?}");
            assert!(s.total <= 40);
            assert_eq!(s.band, wsas.band(expected));
        }
    }
}

#[test]
fn risk_items_work_on_incomplete_answers() {
    let phq9 = get("phq9");
    let mut answers = vec![None; 9];
    assert!(phq9.risk_items(&answers).is_empty());
    answers[8] = Some(0);
    assert!(phq9.risk_items(&answers).is_empty());
    for v in 1..=3 {
        answers[8] = Some(v);
        assert_eq!(phq9.risk_items(&answers), ["phq9_9"]);
        assert!(matches!(phq9.score(&answers), Err(ScoreError::Incomplete { .. })));
    }
    // Item 9 is the last one: an answer vector cut short before it carries no risk answer.
    assert!(phq9.risk_items(&[Some(3); 8]).is_empty());

    let madrs = get("madrs-s");
    let mut answers = vec![None; 9];
    for v in 0..=6 {
        answers[8] = Some(v);
        let expected: &[&str] = if v >= 4 { &["madrs_s_9"] } else { &[] };
        assert_eq!(madrs.risk_items(&answers), expected, "{v}");
    }
    // Other items at their maximum are not risk answers.
    assert!(madrs.risk_items(&[Some(6), Some(6), Some(6), Some(6), Some(6), Some(6), Some(6), Some(6), Some(3)]).is_empty());
    for i in ALL.iter().filter(|i| !["phq9", "madrs-s"].contains(&i.id)) {
        let top: Vec<_> = (0..i.items.len()).map(|k| Some(item_max(i, k))).collect();
        assert!(i.risk_items(&top).is_empty(), "{}", i.id);
    }
}

// ---- reliable change ----------------------------------------------------------------------

#[test]
fn reliable_change_at_the_threshold() {
    let phq9 = get("phq9");
    assert_eq!(phq9.change(15, 9), Change::Improved);
    assert_eq!(phq9.change(15, 10), Change::NoReliableChange);
    assert_eq!(phq9.change(10, 16), Change::Deteriorated);
    assert_eq!(phq9.change(10, 15), Change::NoReliableChange);
    assert_eq!(phq9.change(12, 12), Change::NoReliableChange);
    assert_eq!(phq9.change(27, 0), Change::Improved);
    assert_eq!(phq9.change(0, 27), Change::Deteriorated);
    for row in TABLE {
        let i = get(row.id);
        match row.reliable_change {
            Some(rc) => {
                for first in 0..=row.max_total {
                    for last in 0..=row.max_total {
                        let expected = if i32::from(first) - i32::from(last) >= i32::from(rc) {
                            Change::Improved
                        } else if i32::from(last) - i32::from(first) >= i32::from(rc) {
                            Change::Deteriorated
                        } else {
                            Change::NoReliableChange
                        };
                        assert_eq!(i.change(first, last), expected, "{} {first} → {last}", row.id);
                    }
                }
            }
            None => {
                for (first, last) in [(0, 0), (row.max_total, 0), (0, row.max_total), (20, 19)] {
                    assert_eq!(i.change(first, last), Change::Unknown, "{}", row.id);
                }
            }
        }
    }
}

// ---- built-in texts -----------------------------------------------------------------------

#[test]
fn free_instruments_carry_every_text_in_both_languages() {
    for (id, n) in [("phq9", 9), ("gad7", 7)] {
        let i = get(id);
        let text = i.builtin_text().unwrap();
        let filled = |t: &stegvis_content::Text| !t.nb.trim().is_empty() && !t.en.trim().is_empty();
        assert!(filled(&text.title) && filled(&text.notice), "{id}");
        assert!(text.instructions.as_ref().is_some_and(filled), "{id}");
        assert_eq!(text.items.len(), n, "{id}");
        for item in i.items {
            assert!(text.question(item).is_some_and(filled), "{id} {}", item.id);
            assert_ne!(text.items[item.id].nb, text.items[item.id].en, "{id} {}: translated", item.id);
            let labels = text.labels(item);
            assert_eq!(labels.len(), 4, "{id} {}", item.id);
            assert!(labels.iter().all(filled), "{id} {}", item.id);
        }
        assert_eq!(text.scales.len(), 1, "{id}");
        assert_eq!(text.scales["frequency"].labels.len(), 4, "{id}");
        assert!(text.groups.is_empty() && text.item_labels.is_empty() && text.not_applicable.is_none(), "{id}");
        assert!(text.notice.en.contains("Pfizer"), "{id}: the credit the terms ask for");
    }
    let gad7 = get("gad7").builtin_text().unwrap();
    assert_eq!(gad7.scales["frequency"].labels[0].en, "Not at all");
    let en: Vec<_> = gad7.scales["frequency"].labels.iter().map(|l| l.en.as_str()).collect();
    assert_eq!(en, ["Not at all", "Several days", "More than half the days", "Nearly every day"]);
}

// ---- schedule -----------------------------------------------------------------------------

#[test]
fn occasions_in_time_order_each_once() {
    let mut expected = vec![Occasion::Start];
    expected.extend((1..=11).map(Occasion::Week));
    expected.extend([Occasion::End, Occasion::FollowUp(3), Occasion::FollowUp(6), Occasion::FollowUp(12)]);
    let all = [When::Start, When::Weekly, When::End, When::After3Months, When::After6Months, When::After12Months];
    assert_eq!(occasions(&all, 12), expected);
    let mut reversed = all;
    reversed.reverse();
    assert_eq!(occasions(&reversed, 12), expected);
    assert_eq!(occasions(&When::ALL, 12), expected, "middle adds no second week 6");
    assert_eq!(occasions(&[When::Middle, When::Weekly, When::Middle], 12), (1..=11).map(Occasion::Week).collect::<Vec<_>>());
    assert_eq!(occasions(&[When::Middle], 12), [Occasion::Week(6)]);
    assert_eq!(occasions(&[When::Middle], 13), [Occasion::Week(6)]);
    assert_eq!(occasions(&[When::Middle], 2), [Occasion::Week(1)]);
    assert_eq!(occasions(&[When::Middle, When::Weekly], 1), Vec::<Occasion>::new());
    assert_eq!(occasions(&[When::Start, When::Middle, When::End], 14), [Occasion::Start, Occasion::Week(7), Occasion::End]);
    assert_eq!(occasions(&[], 12), Vec::<Occasion>::new());

    for weeks in 1..=20 {
        let all = occasions(&When::ALL, weeks);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "{weeks}: sorted, no duplicates");
        assert_eq!(all.len(), 1 + (weeks as usize - 1) + 1 + 3, "{weeks}");
        for o in all {
            assert_eq!(Occasion::parse(&o.key()), Some(o), "{}", o.key());
        }
    }
    assert_eq!(Occasion::Week(3).key(), "week-3");
    assert_eq!(Occasion::FollowUp(12).key(), "followup-12");
    for bad in ["", "bogus", "week-0", "week-", "week-x", "followup-4", "followup-", "Start"] {
        assert_eq!(Occasion::parse(bad), None, "{bad}");
    }
}

#[test]
fn when_lists() {
    assert_eq!(When::parse_list("end, start,bogus,start"), [When::Start, When::End]);
    assert_eq!(When::parse_list(""), Vec::<When>::new());
    assert_eq!(When::parse_list(&When::list(&When::ALL)), When::ALL);
    assert_eq!(When::list(&[When::Start, When::After3Months, When::After12Months]), "start,3m,12m");
    for w in When::ALL {
        assert_eq!(When::parse(w.key()), Some(w));
        assert_eq!(serde_json::to_string(&w).unwrap(), format!("\"{}\"", w.key()));
    }
    assert_eq!(When::parse("weeks"), None);
}

// ---- instrument packs ---------------------------------------------------------------------

fn parse_ok(source: &str) -> pack::Pack {
    pack::parse(source).unwrap_or_else(|p| panic!("{p:#?}"))
}

fn problems(source: &str) -> Vec<PackProblem> {
    match pack::parse(source) {
        Ok(p) => panic!("parsed {}", p.instrument.id),
        Err(p) => p,
    }
}

fn problem(code: &'static str, what: &str) -> PackProblem {
    PackProblem { code, what: what.into(), language: None, expected: None, got: None, line: None }
}

fn in_language(p: PackProblem, language: &str) -> PackProblem {
    PackProblem { language: Some(language.into()), ..p }
}

/// The source with one exact piece replaced (the piece must be there, once).
fn edit(source: &str, from: &str, to: &str) -> String {
    assert_eq!(source.matches(from).count(), 1, "{from}");
    source.replacen(from, to, 1)
}

#[test]
fn the_synthetic_packs_parse() {
    let pdss = parse_ok(PDSS_SR_PACK);
    assert_eq!(pdss.instrument.id, "pdss-sr");
    assert_eq!(pdss.languages, ["nb", "en"]);
    assert_eq!(pdss.text.items.len(), 7);
    assert_eq!(pdss.text.items["pdss_sr_3"].nb, "Syntetisk testledd 3 – ikke instrumentets tekst");
    assert_eq!(pdss.text.items["pdss_sr_3"].en, "Synthetic test item 3 – not the instrument's text");
    assert_eq!(pdss.text.title.en, "Synthetic panic questionnaire – not the instrument's title");
    assert_eq!(pdss.text.instructions.as_ref().map(|t| t.nb.as_str()), Some("Syntetisk instruksjon – ikke instrumentets tekst"));
    assert_eq!(pdss.text.notice.en, "Synthetic notice – no licensed text in this file");
    assert!(pdss.text.not_applicable.is_none() && pdss.text.groups.is_empty());
    for item in pdss.instrument.items {
        assert_eq!(pdss.text.labels(item).len(), 5, "{}", item.id);
    }
    // Items 1–3 have their own anchors, the others the scale's.
    assert_eq!(pdss.text.item_labels.keys().collect::<Vec<_>>(), ["pdss_sr_1", "pdss_sr_2", "pdss_sr_3"]);
    assert_eq!(pdss.text.labels(&pdss.instrument.items[1])[4].en, "Synthetic answer 2.4");
    assert_eq!(pdss.text.labels(&pdss.instrument.items[6])[0].nb, "Syntetisk svar 0");
    assert_eq!(pdss.text.scales["severity"].labels[4].en, "Synthetic answer 4");
    assert_eq!(pdss.text.scales["severity"].name, None);

    let lsas = parse_ok(LSAS_SR_PACK);
    assert_eq!(lsas.instrument.id, "lsas-sr");
    assert_eq!(lsas.text.groups.len(), 24);
    assert_eq!(lsas.text.groups["lsas_sr_24"].en, "Synthetic situation 24 – not the instrument's text");
    assert!(lsas.text.items.is_empty(), "grouped items go by their scale's name");
    assert_eq!(lsas.text.scales["fear"].name.as_ref().map(|t| t.nb.as_str()), Some("Syntetisk skalanavn frykt"));
    assert_eq!(lsas.text.scales["avoidance"].name.as_ref().map(|t| t.en.as_str()), Some("Synthetic scale name avoidance"));
    for item in lsas.instrument.items {
        let name = &lsas.text.scales[item.scale].name;
        assert_eq!(lsas.text.question(item), name.as_ref(), "{}", item.id);
        assert_eq!(lsas.text.labels(item).len(), 4, "{}", item.id);
    }
    assert_eq!(lsas.text.labels(&lsas.instrument.items[1])[3].en, "Synthetic avoidance answer 3");

    let wsas = parse_ok(WSAS_PACK);
    assert_eq!(wsas.text.not_applicable.as_ref().map(|t| t.nb.as_str()), Some("Syntetisk «gjelder ikke»"));
    assert_eq!(wsas.text.not_applicable.as_ref().map(|t| t.en.as_str()), Some("Synthetic \"does not apply\""));
    assert!(wsas.instrument.items.iter().all(|i| wsas.text.labels(i).len() == 9));

    for (source, id, labels) in [(SPIN_PACK, "spin", 5), (MADRS_S_PACK, "madrs-s", 7)] {
        let p = parse_ok(source);
        assert_eq!(p.instrument.id, id);
        assert_eq!(p.text.items.len(), p.instrument.items.len(), "{id}");
        assert!(p.instrument.items.iter().all(|i| p.text.labels(i).len() == labels), "{id}");
    }
}

#[test]
fn a_pack_in_one_language_fills_the_other() {
    let nb_only: String = PDSS_SR_PACK.lines().filter(|l| !l.starts_with("en = ")).map(|l| format!("{l}\n")).collect();
    assert!(!nb_only.lines().any(|l| !l.starts_with('#') && l.contains("Synthetic")), "no English left");
    let source = edit(&nb_only, "languages = [\"nb\", \"en\"]", "languages = [\"nb\"]");
    let p = parse_ok(&source);
    assert_eq!(p.languages, ["nb"]);
    assert_eq!(p.text.title.en, p.text.title.nb);
    assert_eq!(p.text.items["pdss_sr_3"].en, "Syntetisk testledd 3 – ikke instrumentets tekst");
    for t in p.text.items.values().chain([&p.text.title, &p.text.notice]) {
        assert!(!t.nb.is_empty());
        assert_eq!(t.en, t.nb);
    }
    for l in p.text.scales["severity"].labels.iter().chain(p.text.item_labels.values().flatten()) {
        assert!(!l.nb.is_empty());
        assert_eq!(l.en, l.nb);
    }

    // And the other way round: an English-only pack shows English in bokmål.
    let en_only: String = PDSS_SR_PACK.lines().filter(|l| !l.starts_with("nb = ")).map(|l| format!("{l}\n")).collect();
    let p = parse_ok(&edit(&en_only, "languages = [\"nb\", \"en\"]", "languages = [\"en\"]"));
    assert_eq!(p.text.items["pdss_sr_1"].nb, "Synthetic test item 1 – not the instrument's text");
}

#[test]
fn pack_problem_not_toml() {
    let source = "instrument = \"pdss-sr\"\nlanguages = [\"nb\"]\ntitle = = \"x\"\n";
    let p = problems(source);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].code, "not_toml");
    assert_eq!(p[0].line, Some(3));
    assert!(!p[0].what.is_empty());
    let p = problems(&edit(PDSS_SR_PACK, "[items.pdss_sr_5.text]", "[items.pdss_sr_5.text"));
    let line = PDSS_SR_PACK.lines().position(|l| l == "[items.pdss_sr_5.text]").unwrap() + 1;
    assert_eq!((p.len(), p[0].code, p[0].line), (1, "not_toml", Some(line)));
}

#[test]
fn pack_problem_unknown_instrument() {
    assert_eq!(problems(&edit(PDSS_SR_PACK, "instrument = \"pdss-sr\"", "instrument = \"pdss\"")), [problem("unknown_instrument", "pdss")]);
    assert_eq!(problems(&edit(PDSS_SR_PACK, "instrument = \"pdss-sr\"", "")), [problem("unknown_instrument", "")]);
}

#[test]
fn pack_problem_not_licensed() {
    assert_eq!(problems(&edit(PDSS_SR_PACK, "instrument = \"pdss-sr\"", "instrument = \"phq9\"")), [problem("not_licensed", "PHQ-9")]);
    assert_eq!(problems(&edit(PDSS_SR_PACK, "instrument = \"pdss-sr\"", "instrument = \"gad7\"")), [problem("not_licensed", "GAD-7")]);
}

#[test]
fn pack_problem_unknown_language() {
    let source = edit(WSAS_PACK, "languages = [\"nb\", \"en\"]", "languages = [\"nb\", \"de\"]");
    let p = problems(&source);
    // Named once, not again at every text that lacks it.
    assert_eq!(p, [in_language(problem("unknown_language", "languages"), "de")]);
}

#[test]
fn pack_problem_misspelt_keys() {
    let source = edit(PDSS_SR_PACK, "[notice]", "[notise]");
    let p = problems(&source);
    assert!(p.contains(&problem("unknown_id", "notise")), "{p:#?}");
    assert!(p.contains(&problem("missing", "notice")), "{p:#?}");
    let source = format!("{PDSS_SR_PACK}\n[items.pdss_sr_1.label]\nnb = [\"x\"]\n");
    assert!(problems(&source).contains(&problem("unknown_id", "items.pdss_sr_1.label")));
}

#[test]
fn pack_problem_no_languages() {
    assert_eq!(problems(&edit(PDSS_SR_PACK, "languages = [\"nb\", \"en\"]", "languages = []")), [problem("no_languages", "languages")]);
    assert_eq!(problems(&edit(PDSS_SR_PACK, "languages = [\"nb\", \"en\"]", "")), [problem("no_languages", "languages")]);
}

#[test]
fn pack_problem_missing() {
    let no_title = edit(
        PDSS_SR_PACK,
        "[title]\nnb = \"Syntetisk panikkskjema – ikke instrumentets tittel\"\nen = \"Synthetic panic questionnaire – not the instrument's title\"\n",
        "",
    );
    assert_eq!(problems(&no_title), [problem("missing", "title")]);
    let no_item = edit(
        PDSS_SR_PACK,
        "[items.pdss_sr_6.text]\nnb = \"Syntetisk testledd 6 – ikke instrumentets tekst\"\nen = \"Synthetic test item 6 – not the instrument's text\"\n",
        "",
    );
    // Item 6 takes its labels from the scale, so only its text is missing.
    assert_eq!(problems(&no_item), [problem("missing", "items.pdss_sr_6.text")]);
    let no_na = edit(WSAS_PACK, "[not_applicable]", "[not_applicable_typo]");
    assert_eq!(problems(&no_na), [problem("unknown_id", "not_applicable_typo"), problem("missing", "not_applicable")]);
    // LSAS-SR: a group's text, and an item's text where its scale has no name to go by.
    let no_group = edit(
        LSAS_SR_PACK,
        "[groups.lsas_sr_5]\nnb = \"Syntetisk situasjon 5 – ikke instrumentets tekst\"\nen = \"Synthetic situation 5 – not the instrument's text\"\n",
        "",
    );
    assert_eq!(problems(&no_group), [problem("missing", "groups.lsas_sr_5")]);
    let no_name = edit(LSAS_SR_PACK, "[scales.fear.name]\nnb = \"Syntetisk skalanavn frykt\"\nen = \"Synthetic scale name fear\"\n", "");
    let expected: Vec<_> = (1..=24).map(|n| problem("missing", &format!("items.lsas_sr_{n}_fear.text"))).collect();
    assert_eq!(problems(&no_name), expected);
}

#[test]
fn pack_problem_missing_text() {
    let source = edit(PDSS_SR_PACK, "en = \"Synthetic test item 2 – not the instrument's text\"\n", "");
    assert_eq!(problems(&source), [in_language(problem("missing_text", "items.pdss_sr_2.text"), "en")]);
    // Blank counts as missing.
    let source = edit(PDSS_SR_PACK, "nb = \"Syntetisk testledd 2 – ikke instrumentets tekst\"", "nb = \"  \"");
    assert_eq!(problems(&source), [in_language(problem("missing_text", "items.pdss_sr_2.text"), "nb")]);
    // A label list missing in one language.
    let source = edit(
        PDSS_SR_PACK,
        "en = [\"Synthetic answer 1.0\", \"Synthetic answer 1.1\", \"Synthetic answer 1.2\", \"Synthetic answer 1.3\", \"Synthetic answer 1.4\"]\n",
        "",
    );
    assert_eq!(problems(&source), [in_language(problem("missing_text", "items.pdss_sr_1.labels"), "en")]);
}

#[test]
fn pack_problem_unknown_id() {
    let extra = format!("{PDSS_SR_PACK}\n[items.pdss_sr_8.text]\nnb = \"Syntetisk\"\nen = \"Synthetic\"\n");
    assert_eq!(problems(&extra), [problem("unknown_id", "items.pdss_sr_8")]);
    let extra = format!("{PDSS_SR_PACK}\n[scales.frequency.labels]\nnb = [\"a\"]\nen = [\"a\"]\n[groups.pdss_sr_1]\nnb = \"Syntetisk\"\nen = \"Synthetic\"\n");
    assert_eq!(problems(&extra), [problem("unknown_id", "scales.frequency"), problem("unknown_id", "groups.pdss_sr_1")]);
    let extra = format!("{LSAS_SR_PACK}\n[groups.lsas_sr_25]\nnb = \"Syntetisk\"\nen = \"Synthetic\"\n");
    assert_eq!(problems(&extra), [problem("unknown_id", "groups.lsas_sr_25")]);
}

#[test]
fn pack_problem_label_count() {
    let source = edit(PDSS_SR_PACK, ", \"Syntetisk svar 1.4\"]", "]");
    let expected = PackProblem { expected: Some(5), got: Some(4), ..in_language(problem("label_count", "items.pdss_sr_1.labels"), "nb") };
    assert_eq!(problems(&source), [expected]);
    // Six where five are needed, on the scale.
    let source = edit(PDSS_SR_PACK, "\"Synthetic answer 4\"]", "\"Synthetic answer 4\", \"Synthetic answer 5\"]");
    let expected = PackProblem { expected: Some(5), got: Some(6), ..in_language(problem("label_count", "scales.severity.labels"), "en") };
    assert_eq!(problems(&source), [expected]);
    // An empty label is not a label.
    let source = edit(PDSS_SR_PACK, "\"Synthetic answer 2.2\"", "\"\"");
    let expected = PackProblem { expected: Some(5), got: Some(4), ..in_language(problem("label_count", "items.pdss_sr_2.labels"), "en") };
    assert_eq!(problems(&source), [expected]);
}

#[test]
fn pack_problem_missing_labels() {
    // Without the scale's labels, items 4–7 (which have none of their own) have none at all.
    let source = edit(PDSS_SR_PACK, "[scales.severity.labels]", "[scales.severity.unused]");
    let mut expected = vec![problem("unknown_id", "scales.severity.unused")];
    expected.extend((4..=7).map(|n| problem("missing_labels", &format!("items.pdss_sr_{n}.labels"))));
    assert_eq!(problems(&source), expected);
}

#[test]
fn a_pack_with_several_problems_reports_all_of_them() {
    let mut source = edit(PDSS_SR_PACK, "languages = [\"nb\", \"en\"]", "languages = [\"nb\", \"en\", \"sv\"]");
    source = edit(&source, "[notice]", "[notice_typo]");
    source = edit(&source, "en = \"Synthetic test item 7 – not the instrument's text\"\n", "");
    source = edit(&source, ", \"Syntetisk svar 3.4\"]", "]");
    source.push_str("\n[items.pdss_sr_0.text]\nnb = \"Syntetisk\"\nen = \"Synthetic\"\n");
    let p = problems(&source);
    let codes = |code: &str| p.iter().filter(|x| x.code == code).cloned().collect::<Vec<_>>();
    assert_eq!(codes("unknown_language"), [in_language(problem("unknown_language", "languages"), "sv")]);
    assert_eq!(codes("missing"), [problem("missing", "notice")]);
    assert_eq!(codes("unknown_id"), [problem("unknown_id", "notice_typo"), problem("unknown_id", "items.pdss_sr_0")]);
    assert_eq!(codes("label_count"), [PackProblem { expected: Some(5), got: Some(4), ..in_language(problem("label_count", "items.pdss_sr_3.labels"), "nb") }]);
    assert!(p.contains(&in_language(problem("missing_text", "items.pdss_sr_7.text"), "en")));
    assert_eq!(p.len(), 6, "{p:#?}");
}

#[test]
fn questions_are_numbered_by_item_or_by_group() {
    let phq9 = instruments::by_id("phq9").unwrap();
    assert_eq!(phq9.question_number("phq9_1"), Some(1));
    assert_eq!(phq9.question_number("phq9_9"), Some(9));
    assert_eq!(phq9.question_number("nope"), None);
    let lsas = instruments::by_id("lsas-sr").unwrap();
    assert_eq!(lsas.question_number("lsas_sr_1_fear"), Some(1));
    assert_eq!(lsas.question_number("lsas_sr_1_avoidance"), Some(1));
    assert_eq!(lsas.question_number("lsas_sr_24_avoidance"), Some(24));
}

#[test]
fn forms_are_read_item_by_item() {
    let wsas = instruments::by_id("wsas").unwrap();
    let form: std::collections::HashMap<String, String> =
        [("i.wsas_1", "na"), ("i.wsas_2", "8"), ("i.wsas_3", "0"), ("i.wsas_4", " 3 "), ("i.wsas_5", "9")].into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    // 9 is beyond the scale: that item still needs an answer.
    assert_eq!(wsas.read_form(|k| form.get(k).map(String::as_str)), Err(vec!["wsas_5"]));
    let mut form = form;
    form.insert("i.wsas_5".into(), "2".into());
    assert_eq!(wsas.read_form(|k| form.get(k).map(String::as_str)), Ok(vec![None, Some(8), Some(0), Some(3), Some(2)]));
    // "Does not apply" only where the item offers it.
    let phq9 = instruments::by_id("phq9").unwrap();
    let mut answers: std::collections::HashMap<String, String> = (1..=9).map(|n| (format!("i.phq9_{n}"), "1".to_string())).collect();
    answers.insert("i.phq9_2".into(), "na".into());
    answers.remove("i.phq9_5");
    assert_eq!(phq9.read_form(|k| answers.get(k).map(String::as_str)), Err(vec!["phq9_2", "phq9_5"]));
}
