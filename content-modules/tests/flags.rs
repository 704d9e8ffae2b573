//! The escalation flags against clinical.md ("Escalation flags", "Outcomes"): every PHQ-9 and
//! GAD-7 answer vector, the MADRS-S risk item, every default threshold pinned, organisation
//! thresholds, deterioration, severe and non-response against rules written here, and inactivity,
//! escalation and overdue guidance over several years against an Oslo clock written here.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use proptest::prelude::*;
use stegvis_content::calendar::is_working_day;
use stegvis_content::flags::{
    escalates_at, guidance_overdue_from, inactive, non_response, on_answers, settings, Kind, Raised, SettingError, Thresholds, Urgency,
};
use stegvis_content::instruments::{self, Change, Instrument};
use stegvis_content::outcomes::Series;
use time::{Date, Month, OffsetDateTime};

fn get(id: &str) -> &'static Instrument {
    instruments::by_id(id).unwrap_or_else(|| panic!("instrument {id}"))
}

fn raised(kind: Kind, reason: &str) -> Raised {
    Raised { kind, reason: reason.to_string() }
}

fn kinds(flags: &[Raised], kind: Kind) -> usize {
    flags.iter().filter(|f| f.kind == kind).count()
}

/// Reliable change and caseness per instrument, written here from clinical.md ("Instruments").
const RELIABLE_CHANGE: &[(&str, u16)] = &[("phq9", 6), ("gad7", 4), ("pdss-sr", 5), ("spin", 10)];

// ---- an Oslo clock written here ------------------------------------------------------------

fn date(year: i32, month: u8, day: u8) -> Date {
    Date::from_calendar_date(year, Month::try_from(month).unwrap(), day).unwrap()
}

/// Unix seconds of a UTC date and time.
fn utc(year: i32, month: u8, day: u8, hour: u8, minute: u8) -> i64 {
    date(year, month, day).with_hms(hour, minute, 0).unwrap().assume_utc().unix_timestamp()
}

/// The last Sunday of a 31-day month: the one among days 25–31 (Julian day number mod 7 is 6 on Sundays).
fn last_sunday(year: i32, month: u8) -> Date {
    (25..=31).map(|d| date(year, month, d)).find(|d| d.to_julian_day().rem_euclid(7) == 6).unwrap()
}

/// Hours east of UTC in Oslo at a Unix time: +2 from 01:00 UTC on the last Sunday of March to
/// 01:00 UTC on the last Sunday of October, else +1. (The changes of 2000–2049 are worked out
/// once: the long runs below ask millions of times.)
fn oslo_hours(unix: i64) -> i64 {
    static SUMMER: OnceLock<Vec<(i64, i64)>> = OnceLock::new();
    let summer = SUMMER.get_or_init(|| {
        let at_one = |d: Date| d.with_hms(1, 0, 0).unwrap().assume_utc().unix_timestamp();
        (2000..2050).map(|year| (at_one(last_sunday(year, 3)), at_one(last_sunday(year, 10)))).collect()
    });
    let year = OffsetDateTime::from_unix_timestamp(unix).unwrap().year();
    let (start, end) = summer[usize::try_from(year - 2000).expect("2000–2049")];
    if (start..end).contains(&unix) {
        2
    } else {
        1
    }
}

/// The Oslo calendar date at a Unix time.
fn oslo_day(unix: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(unix + 3600 * oslo_hours(unix)).unwrap().date()
}

/// The Unix time of an Oslo wall-clock time (one that exists and is not ambiguous).
fn oslo(day: Date, hour: u8, minute: u8) -> i64 {
    let wall = day.with_hms(hour, minute, 0).unwrap().assume_utc().unix_timestamp();
    let fits: Vec<i64> = [1, 2].into_iter().map(|h| wall - 3600 * h).filter(|t| oslo_hours(*t) == (wall - t) / 3600).collect();
    assert_eq!(fits.len(), 1, "{day} {hour}:{minute} is not one Oslo time");
    fits[0]
}

/// The end of the `n`-th working day after the Oslo date of `at` (n ≥ 1): the Oslo midnight that
/// begins the next day.
fn after_working_days(at: i64, n: u32) -> i64 {
    let mut day = oslo_day(at);
    let mut left = n;
    while left > 0 {
        day = day.next_day().unwrap();
        if is_working_day(day) {
            left -= 1;
        }
    }
    oslo(day.next_day().unwrap(), 0, 0)
}

#[test]
fn the_clock_written_here_by_example() {
    // Pins the helpers themselves, so the long runs below compare against something known.
    assert_eq!(oslo(date(2026, 1, 15), 0, 0), utc(2026, 1, 14, 23, 0));
    assert_eq!(oslo(date(2026, 7, 15), 0, 0), utc(2026, 7, 14, 22, 0));
    assert_eq!(oslo(date(2026, 3, 29), 0, 0), utc(2026, 3, 28, 23, 0));
    assert_eq!(oslo(date(2026, 3, 30), 0, 0), utc(2026, 3, 29, 22, 0));
    assert_eq!(oslo(date(2026, 10, 25), 0, 0), utc(2026, 10, 24, 22, 0));
    assert_eq!(oslo(date(2026, 10, 26), 0, 0), utc(2026, 10, 25, 23, 0));
    assert_eq!(oslo_day(utc(2026, 3, 29, 0, 59)), date(2026, 3, 29));
    assert_eq!(oslo_day(utc(2026, 6, 30, 22, 0)), date(2026, 7, 1));
    assert_eq!(oslo_day(utc(2026, 12, 31, 22, 59)), date(2026, 12, 31));
    assert_eq!(oslo_day(utc(2026, 12, 31, 23, 0)), date(2027, 1, 1));
    assert_eq!((last_sunday(2027, 3), last_sunday(2027, 10)), (date(2027, 3, 28), date(2027, 10, 31)));
}

// ---- Kind and Urgency ----------------------------------------------------------------------

#[test]
fn kind_keys_round_trip_and_urgencies_are_pinned() {
    // Every kind's key parses back; the urgency and the team-lead routing of each, from clinical.md.
    let expected = [
        (Kind::Risk, "risk", Urgency::Urgent, false),
        (Kind::Severe, "severe", Urgency::High, false),
        (Kind::Deterioration, "deterioration", Urgency::High, false),
        (Kind::NonResponse, "non_response", Urgency::Normal, false),
        (Kind::Inactivity, "inactivity", Urgency::Normal, false),
        (Kind::HelpRequest, "help_request", Urgency::High, false),
        (Kind::OverdueGuidance, "overdue_guidance", Urgency::Normal, true),
    ];
    assert_eq!(Kind::ALL.to_vec(), expected.iter().map(|e| e.0).collect::<Vec<_>>());
    for (kind, key, urgency, team_lead) in expected {
        assert_eq!(kind.key(), key);
        assert_eq!(Kind::parse(key), Some(kind));
        assert_eq!(kind.urgency(), urgency, "{key}");
        assert_eq!(kind.for_team_lead(), team_lead, "{key}");
    }
    for bad in ["", "Risk", "RISK", "help-request", "overdue", " risk"] {
        assert_eq!(Kind::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn urgency_orders_urgent_before_high_before_normal() {
    // The caseload sorts by urgency: the derived order is the clinical order.
    assert!(Urgency::Urgent < Urgency::High);
    assert!(Urgency::High < Urgency::Normal);
    let mut sorted: Vec<Kind> = Kind::ALL.to_vec();
    sorted.sort_by_key(|k| k.urgency());
    assert_eq!(sorted[0], Kind::Risk);
    assert!(sorted[1..4].iter().all(|k| k.urgency() == Urgency::High));
    assert_eq!([Urgency::Urgent.key(), Urgency::High.key(), Urgency::Normal.key()], ["urgent", "high", "normal"]);
}

// ---- every default pinned ------------------------------------------------------------------

#[test]
fn every_setting_default_and_range_is_pinned() {
    // Fails if any default, minimum or maximum changes, or a setting appears or disappears.
    let expected: &[(&str, Kind, Option<&str>, Option<&str>, u16, u16, u16)] = &[
        ("risk.phq9_9", Kind::Risk, Some("phq9"), Some("phq9_9"), 1, 1, 3),
        ("risk.madrs_s_9", Kind::Risk, Some("madrs-s"), Some("madrs_s_9"), 4, 1, 6),
        ("severe.phq9", Kind::Severe, Some("phq9"), None, 20, 1, 27),
        ("severe.gad7", Kind::Severe, Some("gad7"), None, 15, 1, 21),
        ("deterioration.phq9", Kind::Deterioration, Some("phq9"), None, 6, 1, 27),
        ("deterioration.gad7", Kind::Deterioration, Some("gad7"), None, 4, 1, 21),
        ("deterioration.pdss-sr", Kind::Deterioration, Some("pdss-sr"), None, 5, 1, 28),
        ("deterioration.spin", Kind::Deterioration, Some("spin"), None, 10, 1, 68),
        ("non_response.week", Kind::NonResponse, None, None, 4, 2, 26),
        ("inactivity.days", Kind::Inactivity, None, None, 14, 8, 90),
        ("overdue.working_days", Kind::OverdueGuidance, None, None, 2, 1, 10),
        ("escalation.working_days", Kind::Risk, None, None, 1, 1, 5),
    ];
    let all = settings();
    let got: Vec<_> = all.iter().map(|s| (s.key.as_str(), s.kind, s.instrument.map(|i| i.id), s.item, s.default, s.min, s.max)).collect();
    assert_eq!(got, expected);
    let defaults = Thresholds::default();
    for s in &all {
        assert!((s.min..=s.max).contains(&s.default), "{}", s.key);
        assert!(s.min >= 1, "{}: a flag cannot be switched off", s.key);
        assert_eq!(defaults.get(&s.key), s.default, "{}", s.key);
    }
    let keys: BTreeSet<&str> = all.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys.len(), all.len(), "keys are unique");
}

#[test]
fn deterioration_defaults_follow_every_instruments_reliable_change() {
    // One deterioration setting per instrument with a reliable-change value, and none for the others.
    let all = settings();
    for instrument in instruments::ALL {
        let setting = all.iter().find(|s| s.key == format!("deterioration.{}", instrument.id));
        assert_eq!(setting.map(|s| s.default), instrument.reliable_change, "{}", instrument.id);
        if let Some(s) = setting {
            assert_eq!(s.max, instrument.max_total(), "{}", instrument.id);
        }
    }
    for (id, rc) in RELIABLE_CHANGE {
        assert_eq!(get(id).reliable_change, Some(*rc), "{id}");
    }
}

#[test]
#[should_panic(expected = "no flag setting")]
fn getting_an_unknown_setting_panics() {
    Thresholds::default().get("severe.wsas");
}

// ---- organisation thresholds ---------------------------------------------------------------

#[test]
fn stored_thresholds_that_are_not_valid_leave_the_defaults() {
    // Unknown keys, values out of range and negative or huge values are ignored.
    let stored = [
        ("risk.phq9_9", 0),
        ("risk.phq9_9", 4),
        ("risk.madrs_s_9", 7),
        ("severe.phq9", 99),
        ("severe.phq9", -1),
        ("severe.gad7", 0),
        ("deterioration.phq9", 28),
        ("non_response.week", 1),
        ("inactivity.days", 7),
        ("inactivity.days", 91),
        ("overdue.working_days", i64::from(u16::MAX) + 21),
        ("escalation.working_days", i64::MIN),
        ("nonsense", 3),
        ("severe.wsas", 20),
        ("", 1),
    ];
    assert_eq!(Thresholds::from_stored(stored), Thresholds::default());
    assert_eq!(Thresholds::from_stored([]), Thresholds::default());
}

#[test]
fn stored_thresholds_that_are_valid_replace_the_defaults() {
    // Each valid value, including both ends of its range, is what `get` gives afterwards.
    for s in settings() {
        for value in [s.min, s.max, (s.min + s.max) / 2] {
            let t = Thresholds::from_stored([(s.key.as_str(), i64::from(value)), ("nonsense", 5)]);
            assert_eq!(t.get(&s.key), value, "{}", s.key);
            for other in settings().iter().filter(|o| o.key != s.key) {
                assert_eq!(t.get(&other.key), other.default, "{} untouched by {}", other.key, s.key);
            }
        }
    }
}

#[test]
fn an_organisations_phq9_risk_threshold_of_2() {
    // Item 9 at 1 no longer raises the flag; at 2 or 3 it does, whatever the other items are.
    let t = Thresholds::from_stored([("risk.phq9_9", 2)]);
    assert_eq!(t.get("risk.phq9_9"), 2);
    let phq9 = get("phq9");
    for rest in [[0u8; 8], [3; 8], [1, 2, 3, 0, 1, 2, 3, 0]] {
        for item9 in 0..=3u8 {
            let mut answers: Vec<Option<u8>> = rest.iter().map(|v| Some(*v)).collect();
            answers.push(Some(item9));
            let total: u16 = answers.iter().map(|a| u16::from(a.unwrap())).sum();
            let flags = on_answers(&t, phq9, &answers, Some(total), None);
            assert_eq!(flags.contains(&raised(Kind::Risk, "phq9_9")), item9 >= 2, "{answers:?}");
        }
    }
}

#[test]
fn checking_a_typed_setting() {
    // The field errors an admin sees, and the values accepted.
    assert_eq!(Thresholds::check("nonsense", "3"), Err(SettingError::Unknown));
    assert_eq!(Thresholds::check("nonsense", "abc"), Err(SettingError::Unknown));
    assert_eq!(Thresholds::check("", ""), Err(SettingError::Unknown));
    for typed in ["", " ", "abc", "-1", "1.5", "2 0", "twenty"] {
        assert_eq!(Thresholds::check("severe.phq9", typed), Err(SettingError::NotANumber), "{typed:?}");
    }
    assert_eq!(Thresholds::check("severe.phq9", "0"), Err(SettingError::OutOfRange { min: 1, max: 27 }));
    assert_eq!(Thresholds::check("severe.phq9", "28"), Err(SettingError::OutOfRange { min: 1, max: 27 }));
    assert_eq!(Thresholds::check("risk.phq9_9", "4"), Err(SettingError::OutOfRange { min: 1, max: 3 }));
    assert_eq!(Thresholds::check("risk.madrs_s_9", "7"), Err(SettingError::OutOfRange { min: 1, max: 6 }));
    assert_eq!(Thresholds::check("inactivity.days", "7"), Err(SettingError::OutOfRange { min: 8, max: 90 }));
    assert_eq!(Thresholds::check("non_response.week", "1"), Err(SettingError::OutOfRange { min: 2, max: 26 }));
    assert_eq!(Thresholds::check("escalation.working_days", "6"), Err(SettingError::OutOfRange { min: 1, max: 5 }));
    assert_eq!(Thresholds::check("severe.phq9", "20"), Ok(20));
    assert_eq!(Thresholds::check("severe.phq9", " 19 "), Ok(19));
    assert_eq!(Thresholds::check("deterioration.spin", "68"), Ok(68));
    for s in settings() {
        assert_eq!(Thresholds::check(&s.key, &s.min.to_string()), Ok(s.min), "{}", s.key);
        assert_eq!(Thresholds::check(&s.key, &s.max.to_string()), Ok(s.max), "{}", s.key);
        assert_eq!(Thresholds::check(&s.key, &(s.max + 1).to_string()), Err(SettingError::OutOfRange { min: s.min, max: s.max }), "{}", s.key);
        assert_eq!(Thresholds::check(&s.key, &(s.min - 1).to_string()), Err(SettingError::OutOfRange { min: s.min, max: s.max }), "{}", s.key);
    }
}

// ---- flags on answers: exhaustive PHQ-9 and GAD-7 --------------------------------------------

/// Every answer vector in {0..3}^N, with the total summed here: the flags are exactly
/// `[Risk if item N ≥ 1 (risk item given)] + [Severe if total ≥ severe]`, with or without a
/// baseline that is never reached.
fn exhaustive<const N: usize>(id: &str, severe: u16, risk_item: Option<&str>) -> usize {
    let instrument = get(id);
    assert_eq!(instrument.items.len(), N);
    let t = Thresholds::default();
    let mut answers = [Some(0u8); N];
    let mut seen = 0;
    for code in 0..4usize.pow(N as u32) {
        let mut rest = code;
        let mut total = 0u16;
        for a in answers.iter_mut() {
            let v = (rest % 4) as u8;
            rest /= 4;
            *a = Some(v);
            total += u16::from(v);
        }
        let mut expected = Vec::new();
        if let Some(item) = risk_item {
            if answers[N - 1].unwrap() >= 1 {
                expected.push(raised(Kind::Risk, item));
            }
        }
        if total >= severe {
            expected.push(raised(Kind::Severe, id));
        }
        assert_eq!(on_answers(&t, instrument, &answers, Some(total), None), expected, "{id} {answers:?}");
        // A baseline equal to the total is no rise.
        assert_eq!(on_answers(&t, instrument, &answers, Some(total), Some(total)), expected, "{id} {answers:?} with baseline");
        seen += 1;
    }
    seen
}

#[test]
fn phq9_every_answer_vector() {
    // Risk (phq9_9) iff item 9 ≥ 1, Severe iff total ≥ 20, never Deterioration without a baseline.
    assert_eq!(exhaustive::<9>("phq9", 20, Some("phq9_9")), 262_144);
}

#[test]
fn gad7_every_answer_vector() {
    // Severe iff total ≥ 15; GAD-7 has no risk item.
    assert_eq!(exhaustive::<7>("gad7", 15, None), 16_384);
}

#[test]
fn risk_is_raised_on_incomplete_answers_without_a_total() {
    // An unscored questionnaire still raises the risk flag (and only that); no answer on item 9 raises nothing.
    let (t, phq9) = (Thresholds::default(), get("phq9"));
    let mut answers = vec![None; 9];
    assert_eq!(on_answers(&t, phq9, &answers, None, Some(0)), []);
    for v in 0..=3u8 {
        answers[8] = Some(v);
        let expected = if v >= 1 { vec![raised(Kind::Risk, "phq9_9")] } else { vec![] };
        assert_eq!(on_answers(&t, phq9, &answers, None, Some(0)), expected);
    }
    // Fewer answers than items (item 9 absent): nothing, and no panic.
    assert_eq!(on_answers(&t, phq9, &[Some(3); 8], None, None), []);
}

fn madrs_answers(rest: [u8; 8], item9: u8) -> (Vec<Option<u8>>, u16) {
    let answers: Vec<Option<u8>> = rest.iter().chain([&item9]).map(|v| Some(*v)).collect();
    let total = answers.iter().map(|a| u16::from(a.unwrap())).sum();
    (answers, total)
}

#[test]
fn madrs_s_risk_item_by_hand() {
    // Item 9 (index 8) at 4, 5 or 6 raises the risk flag, 0–3 does not; no severe threshold for
    // MADRS-S, and an organisation can lower the risk threshold to 3.
    let (t, madrs) = (Thresholds::default(), get("madrs-s"));
    let lower = Thresholds::from_stored([("risk.madrs_s_9", 3)]);
    for rest in [[0u8; 8], [6; 8], [3; 8], [0, 1, 2, 3, 4, 5, 6, 0], [6, 5, 4, 3, 2, 1, 0, 6]] {
        for item9 in 0..=6u8 {
            let (answers, total) = madrs_answers(rest, item9);
            let expected = if item9 >= 4 { vec![raised(Kind::Risk, "madrs_s_9")] } else { vec![] };
            assert_eq!(on_answers(&t, madrs, &answers, Some(total), Some(0)), expected, "{answers:?}");
            assert_eq!(kinds(&on_answers(&lower, madrs, &answers, Some(total), None), Kind::Risk), usize::from(item9 >= 3), "{answers:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// MADRS-S: Risk iff item 9 ≥ 4, whatever the other eight items; never another flag.
    #[test]
    fn madrs_s_risk_iff_item_9_at_least_4(rest in proptest::array::uniform8(0u8..=6), item9 in 0u8..=6, baseline in proptest::option::of(0u16..=54)) {
        let (answers, total) = madrs_answers(rest, item9);
        let flags = on_answers(&Thresholds::default(), get("madrs-s"), &answers, Some(total), baseline);
        let expected = if item9 >= 4 { vec![raised(Kind::Risk, "madrs_s_9")] } else { vec![] };
        prop_assert_eq!(flags, expected);
    }
}

// ---- deterioration and severe: properties --------------------------------------------------

fn with_rc() -> impl Strategy<Value = (&'static str, u16)> {
    proptest::sample::select(RELIABLE_CHANGE.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Every reliable deterioration detected and no flag below it: Deterioration iff
    /// total ≥ baseline + reliable change, never without a baseline.
    #[test]
    fn deterioration_iff_a_reliable_rise((id, rc) in with_rc(), baseline_frac in 0.0f64..=1.0, total_frac in 0.0f64..=1.0) {
        let instrument = get(id);
        let max = instrument.max_total();
        let (baseline, total) = ((baseline_frac * f64::from(max)).round() as u16, (total_frac * f64::from(max)).round() as u16);
        let answers = vec![None; instrument.items.len()];
        let t = Thresholds::default();
        let flags = on_answers(&t, instrument, &answers, Some(total), Some(baseline));
        let expected = i32::from(total) - i32::from(baseline) >= i32::from(rc);
        prop_assert_eq!(flags.contains(&raised(Kind::Deterioration, id)), expected);
        prop_assert_eq!(kinds(&flags, Kind::Deterioration), usize::from(expected));
        prop_assert_eq!(expected, instrument.change(baseline, total) == Change::Deteriorated);
        prop_assert_eq!(kinds(&on_answers(&t, instrument, &answers, Some(total), None), Kind::Deterioration), 0);
    }

    /// An organisation's own rise: Deterioration iff total ≥ baseline + the stored value.
    #[test]
    fn deterioration_with_an_organisations_rise((id, _) in with_rc(), rise_frac in 0.0f64..=1.0, baseline_frac in 0.0f64..=1.0, total_frac in 0.0f64..=1.0) {
        let instrument = get(id);
        let max = instrument.max_total();
        let scale = |f: f64| (f * f64::from(max)).round() as u16;
        let (rise, baseline, total) = (scale(rise_frac).max(1), scale(baseline_frac), scale(total_frac));
        let key = format!("deterioration.{id}");
        let t = Thresholds::from_stored([(key.as_str(), i64::from(rise))]);
        let flags = on_answers(&t, instrument, &[], Some(total), Some(baseline));
        prop_assert_eq!(kinds(&flags, Kind::Deterioration), usize::from(i32::from(total) - i32::from(baseline) >= i32::from(rise)));
    }

    /// Instruments without a reliable-change value never raise Deterioration.
    #[test]
    fn no_deterioration_without_a_reliable_change_value(id in proptest::sample::select(vec!["lsas-sr", "madrs-s", "wsas"]), baseline in 0u16..=40, total in 0u16..=144) {
        let flags = on_answers(&Thresholds::default(), get(id), &[], Some(total), Some(baseline));
        prop_assert_eq!(kinds(&flags, Kind::Deterioration), 0);
    }

    /// A generated series, each total against the first: the indices flagged are those with a
    /// rise of at least the reliable change, and agree with `Instrument::change`.
    #[test]
    fn deterioration_over_a_series((id, rc) in with_rc(), fracs in proptest::collection::vec(0.0f64..=1.0, 1..20)) {
        let instrument = get(id);
        let totals: Vec<u16> = fracs.iter().map(|f| (f * f64::from(instrument.max_total())).round() as u16).collect();
        let first = totals[0];
        let t = Thresholds::default();
        let flagged: BTreeSet<usize> = totals.iter().enumerate()
            .filter(|(_, total)| kinds(&on_answers(&t, instrument, &[], Some(**total), Some(first)), Kind::Deterioration) == 1)
            .map(|(i, _)| i).collect();
        let rises: BTreeSet<usize> = totals.iter().enumerate().filter(|(_, total)| i32::from(**total) - i32::from(first) >= i32::from(rc)).map(|(i, _)| i).collect();
        let changes: BTreeSet<usize> = totals.iter().enumerate().filter(|(_, total)| instrument.change(first, **total) == Change::Deteriorated).map(|(i, _)| i).collect();
        prop_assert!(!flagged.contains(&0));
        prop_assert_eq!(&flagged, &rises);
        prop_assert_eq!(&flagged, &changes);
    }

    /// Severe iff total ≥ the threshold, for the defaults (PHQ-9 20, GAD-7 15) and for any valid
    /// organisation threshold; the other measures never.
    #[test]
    fn severe_iff_total_at_threshold(id in proptest::sample::select(vec!["phq9", "gad7"]), total_frac in 0.0f64..=1.0, own_frac in 0.0f64..=1.0) {
        let instrument = get(id);
        let max = instrument.max_total();
        let total = (total_frac * f64::from(max)).round() as u16;
        let default = if id == "phq9" { 20 } else { 15 };
        let flags = on_answers(&Thresholds::default(), instrument, &[], Some(total), None);
        prop_assert_eq!(flags.contains(&raised(Kind::Severe, id)), total >= default);
        prop_assert_eq!(kinds(&flags, Kind::Severe), usize::from(total >= default));
        let own = ((own_frac * f64::from(max)).round() as u16).max(1);
        let key = format!("severe.{id}");
        let t = Thresholds::from_stored([(key.as_str(), i64::from(own))]);
        prop_assert_eq!(kinds(&on_answers(&t, instrument, &[], Some(total), None), Kind::Severe), usize::from(total >= own));
    }

    #[test]
    fn severe_never_on_other_measures(id in proptest::sample::select(vec!["pdss-sr", "spin", "lsas-sr", "madrs-s", "wsas"]), total in 0u16..=144) {
        prop_assert_eq!(kinds(&on_answers(&Thresholds::default(), get(id), &[], Some(total), None), Kind::Severe), 0);
    }
}

#[test]
fn severe_and_deterioration_at_their_boundaries() {
    // The exact edges by hand: 19/20 on PHQ-9, 14/15 on GAD-7, a rise of 5/6 and 3/4.
    let (t, phq9, gad7) = (Thresholds::default(), get("phq9"), get("gad7"));
    assert_eq!(on_answers(&t, phq9, &[], Some(19), None), []);
    assert_eq!(on_answers(&t, phq9, &[], Some(20), None), [raised(Kind::Severe, "phq9")]);
    assert_eq!(on_answers(&t, gad7, &[], Some(14), None), []);
    assert_eq!(on_answers(&t, gad7, &[], Some(15), None), [raised(Kind::Severe, "gad7")]);
    assert_eq!(on_answers(&t, phq9, &[], Some(15), Some(10)), []);
    assert_eq!(on_answers(&t, phq9, &[], Some(16), Some(10)), [raised(Kind::Deterioration, "phq9")]);
    assert_eq!(on_answers(&t, phq9, &[], Some(27), Some(21)), [raised(Kind::Severe, "phq9"), raised(Kind::Deterioration, "phq9")]);
    assert_eq!(on_answers(&t, gad7, &[], Some(7), Some(4)), []);
    assert_eq!(on_answers(&t, gad7, &[], Some(8), Some(4)), [raised(Kind::Deterioration, "gad7")]);
    // A fall is never deterioration.
    assert_eq!(on_answers(&t, phq9, &[], Some(0), Some(27)), []);
}

// ---- non-response --------------------------------------------------------------------------

/// (id, outcome measure, caseness, reliable change), written here from clinical.md.
const MEASURES: &[(&str, bool, Option<u16>, Option<u16>)] = &[
    ("phq9", true, Some(10), Some(6)),
    ("gad7", true, Some(8), Some(4)),
    ("pdss-sr", true, Some(8), Some(5)),
    ("spin", true, Some(19), Some(10)),
    ("lsas-sr", true, Some(30), None),
    ("madrs-s", true, Some(13), None),
    ("wsas", false, None, None),
];

/// Non-response as clinical.md states it: at or after the week, at least one outcome measure with
/// caseness and two scores, a case at the first score and a case at the latest score (each on any
/// of those), and no reliable improvement: not (a reliable fall on one of them and no reliable
/// rise on any other).
fn expected_non_response(judged_from: u32, week: u32, series: &[(&str, Vec<u16>)]) -> bool {
    if week < judged_from {
        return false;
    }
    let judged: Vec<(Option<u16>, Option<u16>, &Vec<u16>)> = series
        .iter()
        .filter_map(|(id, totals)| {
            let (_, outcome, caseness, rc) = MEASURES.iter().find(|m| m.0 == *id).unwrap();
            (*outcome && caseness.is_some() && totals.len() >= 2).then_some((*caseness, *rc, totals))
        })
        .collect();
    let case_at_start = judged.iter().any(|(c, _, totals)| totals[0] >= c.unwrap());
    let case_at_latest = judged.iter().any(|(c, _, totals)| *totals.last().unwrap() >= c.unwrap());
    let fall = |(_, rc, totals): &(Option<u16>, Option<u16>, &Vec<u16>)| rc.map(|rc| (i32::from(totals[0]) - i32::from(*totals.last().unwrap()), i32::from(rc)));
    let fell = judged.iter().filter_map(fall).any(|(fall, rc)| fall >= rc);
    let rose = judged.iter().filter_map(fall).any(|(fall, rc)| -fall >= rc);
    let reliable_improvement = fell && !rose;
    !judged.is_empty() && case_at_start && case_at_latest && !reliable_improvement
}

fn judge(t: &Thresholds, week: u32, series: &[(&str, Vec<u16>)]) -> bool {
    let series: Vec<Series> = series.iter().map(|(id, totals)| Series { instrument: get(id), totals }).collect();
    non_response(t, week, &series)
}

#[test]
fn non_response_by_hand() {
    let t = Thresholds::default();
    let phq = |totals: &[u16]| ("phq9", totals.to_vec());
    let gad = |totals: &[u16]| ("gad7", totals.to_vec());
    // Nothing, or one score only: nothing to judge.
    assert!(!judge(&t, 4, &[]));
    assert!(!judge(&t, 4, &[phq(&[20])]));
    assert!(!judge(&t, 4, &[phq(&[20]), gad(&[18])]));
    // A case and unchanged at week 4: non-response; at week 3 not yet; later still.
    assert!(judge(&t, 4, &[phq(&[15, 15])]));
    assert!(!judge(&t, 3, &[phq(&[15, 15])]));
    assert!(!judge(&t, 0, &[phq(&[15, 15])]));
    assert!(judge(&t, 12, &[phq(&[15, 14, 15])]));
    // Improved by 6 on PHQ-9 but still a case: a response; by 5: not.
    assert!(!judge(&t, 4, &[phq(&[22, 16])]));
    assert!(judge(&t, 4, &[phq(&[22, 17])]));
    // Not a case (any more) on any measure.
    assert!(!judge(&t, 4, &[phq(&[9, 9])]));
    assert!(!judge(&t, 4, &[phq(&[12, 9]), gad(&[7, 7])]));
    // Still a case on GAD-7 only, or on GAD-7 with one PHQ-9 score: non-response.
    assert!(judge(&t, 4, &[phq(&[9, 9]), gad(&[10, 10])]));
    assert!(judge(&t, 4, &[phq(&[20]), gad(&[10, 9])]));
    // Improved on one measure, still a case on the other: a response.
    assert!(!judge(&t, 4, &[phq(&[20, 14]), gad(&[12, 12])]));
    assert!(!judge(&t, 4, &[phq(&[20, 20]), gad(&[12, 8])]));
    // A reliable fall on one measure with a reliable rise on the other is no reliable
    // improvement: still a case, so non-response.
    assert!(judge(&t, 4, &[phq(&[20, 14]), gad(&[10, 14])]));
    assert!(!judge(&t, 3, &[phq(&[20, 14]), gad(&[10, 14])]));
    // A case at the latest score but not at the start: not still a case.
    assert!(!judge(&t, 4, &[phq(&[8, 12]), gad(&[5, 6])]));
    assert!(!judge(&t, 4, &[phq(&[9, 15])]));
    // A case at the start on one measure and at the latest on the other: still a case.
    assert!(judge(&t, 4, &[phq(&[12, 9]), gad(&[7, 9])]));
    // Only the first and latest scores count.
    assert!(judge(&t, 4, &[phq(&[20, 5, 20])]));
    assert!(!judge(&t, 4, &[phq(&[20, 25, 14])]));
    // MADRS-S (no reliable change) still a case; WSAS alone is nothing to judge.
    assert!(judge(&t, 4, &[("madrs-s", vec![30, 30])]));
    assert!(!judge(&t, 4, &[("wsas", vec![30, 30])]));
    // An organisation's week 6.
    let six = Thresholds::from_stored([("non_response.week", 6)]);
    assert!(!judge(&six, 4, &[phq(&[15, 15])]));
    assert!(!judge(&six, 5, &[phq(&[15, 15])]));
    assert!(judge(&six, 6, &[phq(&[15, 15])]));
    assert!(judge(&six, 7, &[phq(&[15, 15])]));
}

fn totals(max: u16) -> impl Strategy<Value = Vec<u16>> {
    proptest::collection::vec(0..=max, 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// PHQ-9 and GAD-7 series of 0–5 scores each, any week, default or organisation week.
    #[test]
    fn non_response_on_phq9_and_gad7(phq in totals(27), gad in totals(21), week in 0u32..30, own in proptest::option::of(2u16..=26)) {
        let t = match own { Some(w) => Thresholds::from_stored([("non_response.week", i64::from(w))]), None => Thresholds::default() };
        let from = u32::from(own.unwrap_or(4));
        let series = [("phq9", phq), ("gad7", gad)];
        prop_assert_eq!(judge(&t, week, &series), expected_non_response(from, week, &series));
    }

    /// Any mix of measures, including the licensed ones and WSAS.
    #[test]
    fn non_response_on_any_measures(
        picked in proptest::collection::vec((proptest::sample::select(MEASURES.iter().map(|m| m.0).collect::<Vec<_>>()), proptest::collection::vec(0.0f64..=1.0, 0..5)), 0..4),
        week in 0u32..30,
    ) {
        let series: Vec<(&str, Vec<u16>)> = picked.iter().map(|(id, fracs)| {
            let max = get(id).max_total();
            (*id, fracs.iter().map(|f| (f * f64::from(max)).round() as u16).collect())
        }).collect();
        prop_assert_eq!(judge(&Thresholds::default(), week, &series), expected_non_response(4, week, &series));
    }
}

// ---- inactivity ----------------------------------------------------------------------------

#[test]
fn inactivity_every_day_2024_to_2028() {
    // Last activity on every Oslo day of 2024–2028 at six local times (just after midnight, 00:30,
    // morning, noon, 23:30, 23:59), checked at four local times 0–30 days later: inactive iff the
    // Oslo dates are 14 or more days apart. Crosses every summer-time change and three New Years.
    let t = Thresholds::default();
    let times = [(0, 0), (0, 30), (9, 15), (12, 0), (23, 30), (23, 59)];
    let later = [(0, 0), (0, 30), (12, 0), (23, 30)];
    let mut day = date(2024, 1, 1);
    let mut checked = 0;
    while day <= date(2028, 12, 31) {
        for (h, m) in times {
            let last = oslo(day, h, m);
            for gap in [0i64, 1, 7, 12, 13, 14, 15, 30] {
                let then = day + time::Duration::days(gap);
                for (h2, m2) in later {
                    let at = oslo(then, h2, m2);
                    if at < last {
                        continue;
                    }
                    assert_eq!(inactive(&t, last, at), gap >= 14, "{day} {h}:{m} → {then} {h2}:{m2}");
                    checked += 1;
                }
            }
        }
        day = day.next_day().unwrap();
    }
    assert!(checked > 300_000, "{checked}");
}

#[test]
fn inactivity_boundary_by_hand() {
    // 13 Oslo days → no flag, 14 → flag, whatever the clock time; across the March change
    // (23-hour day) and the October change (25-hour day).
    let t = Thresholds::default();
    // Sunday 22 March 2026 23:30 CET (22:30 UTC) → Saturday 4 April 00:29 and 23:59 CEST: 13 days.
    assert!(!inactive(&t, utc(2026, 3, 22, 22, 30), utc(2026, 4, 3, 22, 29)));
    assert!(!inactive(&t, utc(2026, 3, 22, 22, 30), utc(2026, 4, 4, 21, 59)));
    // … Sunday 5 April 00:00 CEST (4 April 22:00 UTC): 14 days, though under 14 × 24 hours.
    assert!(inactive(&t, utc(2026, 3, 22, 22, 30), utc(2026, 4, 4, 22, 0)));
    // 00:30 CEST on Sunday 18 October (17 October 22:30 UTC) → 1 November 00:00 CET (31 October 23:00 UTC):
    // 14 days and more than 14 × 24 hours; one minute earlier 13 days.
    assert!(inactive(&t, utc(2026, 10, 17, 22, 30), utc(2026, 10, 31, 23, 0)));
    assert!(!inactive(&t, utc(2026, 10, 17, 22, 30), utc(2026, 10, 31, 22, 59)));
    // Almost 14 × 24 hours, but only 13 Oslo days: from 00:30 to 23:30 thirteen days on.
    assert!(!inactive(&t, oslo(date(2026, 6, 1), 0, 30), oslo(date(2026, 6, 14), 23, 30)));
    // An organisation's 8 and 90 days.
    let eight = Thresholds::from_stored([("inactivity.days", 8)]);
    assert!(!inactive(&eight, oslo(date(2026, 6, 1), 23, 30), oslo(date(2026, 6, 8), 23, 59)));
    assert!(inactive(&eight, oslo(date(2026, 6, 1), 23, 30), oslo(date(2026, 6, 9), 0, 0)));
    let ninety = Thresholds::from_stored([("inactivity.days", 90)]);
    assert!(!inactive(&ninety, oslo(date(2026, 1, 1), 12, 0), oslo(date(2026, 3, 31), 23, 59)));
    assert!(inactive(&ninety, oslo(date(2026, 1, 1), 12, 0), oslo(date(2026, 4, 1), 0, 0)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    /// Any two instants in 2023–2030, any valid organisation number of days: inactive iff the Oslo
    /// dates (from the clock written here) are that many days apart.
    #[test]
    fn inactivity_at_any_instant(last in utc(2023, 1, 1, 0, 0)..utc(2030, 1, 1, 0, 0), gap in 0i64..(120 * 86_400), days in proptest::option::of(8u16..=90)) {
        let t = match days { Some(d) => Thresholds::from_stored([("inactivity.days", i64::from(d))]), None => Thresholds::default() };
        let at = last + gap;
        let apart = (oslo_day(at) - oslo_day(last)).whole_days();
        prop_assert_eq!(inactive(&t, last, at), apart >= i64::from(days.unwrap_or(14)));
    }
}

// ---- escalation and overdue guidance -------------------------------------------------------

#[test]
fn escalation_by_example() {
    let t = Thresholds::default();
    let two = Thresholds::from_stored([("escalation.working_days", 2)]);
    // Friday 27 March 2026 14:00 CET → Monday 30 → Tuesday 31 March 00:00 CEST (30 March 22:00 UTC);
    // with 2: Tuesday 31 → Wednesday 1 April 00:00 CEST.
    let friday = utc(2026, 3, 27, 13, 0);
    assert_eq!(oslo(date(2026, 3, 27), 14, 0), friday);
    assert_eq!(escalates_at(&t, friday), utc(2026, 3, 30, 22, 0));
    assert_eq!(escalates_at(&two, friday), utc(2026, 3, 31, 22, 0));
    // Wednesday 1 April 2026 10:00 CEST: Maundy Thursday 2, Good Friday 3, the weekend and Easter
    // Monday 6 are not working days → Tuesday 7 → Wednesday 8 April 00:00 CEST; with 2: Thursday 9.
    let before_easter = utc(2026, 4, 1, 8, 0);
    assert_eq!(escalates_at(&t, before_easter), utc(2026, 4, 7, 22, 0));
    assert_eq!(escalates_at(&two, before_easter), utc(2026, 4, 8, 22, 0));
    // Saturday 24 October 2026 (CEST; the clocks go back on Sunday 25) → Monday 26 → Tuesday 27
    // October 00:00 CET (26 October 23:00 UTC); with 2: Wednesday 28.
    for saturday in [utc(2026, 10, 23, 22, 0), utc(2026, 10, 24, 12, 0), utc(2026, 10, 24, 21, 59)] {
        assert_eq!(oslo_day(saturday), date(2026, 10, 24));
        assert_eq!(escalates_at(&t, saturday), utc(2026, 10, 26, 23, 0));
        assert_eq!(escalates_at(&two, saturday), utc(2026, 10, 27, 23, 0));
    }
    // 00:30 CEST on Sunday 25 (before the change) counts from Monday 26 too.
    assert_eq!(escalates_at(&t, utc(2026, 10, 24, 22, 30)), utc(2026, 10, 26, 23, 0));
}

#[test]
fn overdue_guidance_by_example() {
    // Default 2 working days: Friday 27 March 2026 → Monday 30, Tuesday 31 → Wednesday 1 April
    // 00:00 CEST; Wednesday 1 April → Tuesday 7, Wednesday 8 → Thursday 9 April; an organisation's 1
    // is the escalation default.
    let t = Thresholds::default();
    assert_eq!(guidance_overdue_from(&t, utc(2026, 3, 27, 13, 0)), utc(2026, 3, 31, 22, 0));
    assert_eq!(guidance_overdue_from(&t, utc(2026, 4, 1, 8, 0)), utc(2026, 4, 8, 22, 0));
    assert_eq!(guidance_overdue_from(&t, utc(2026, 10, 24, 12, 0)), utc(2026, 10, 27, 23, 0));
    let one = Thresholds::from_stored([("overdue.working_days", 1)]);
    assert_eq!(guidance_overdue_from(&one, utc(2026, 4, 1, 8, 0)), utc(2026, 4, 7, 22, 0));
    // Wednesday 23 December 2026: Christmas Eve (a working day), then 25 and the weekend → Monday 28
    // → Tuesday 29 00:00 CET.
    assert_eq!(guidance_overdue_from(&t, utc(2026, 12, 23, 11, 0)), utc(2026, 12, 28, 23, 0));
}

#[test]
fn escalation_and_overdue_every_37_minutes_2025_to_2027() {
    // Every 37 minutes (so every minute of the hour comes round) of 2025–2027, against the
    // stepping written here: escalation with the default 1 and an organisation's 2 and 5, overdue
    // guidance with the default 2 and an organisation's 1 and 10.
    let cases = [
        (Thresholds::default(), 1, 2),
        (Thresholds::from_stored([("escalation.working_days", 2), ("overdue.working_days", 1)]), 2, 1),
        (Thresholds::from_stored([("escalation.working_days", 5), ("overdue.working_days", 10)]), 5, 10),
    ];
    let mut at = utc(2025, 1, 1, 0, 0);
    let mut checked = 0;
    while at < utc(2028, 1, 1, 0, 0) {
        for (t, escalation, overdue) in &cases {
            let e = escalates_at(t, at);
            assert_eq!(e, after_working_days(at, *escalation), "escalation {at} + {escalation}");
            assert!(e > at);
            assert_ne!(oslo_day(e), oslo_day(e - 1), "{at}: at an Oslo midnight");
            assert_eq!(guidance_overdue_from(t, at), after_working_days(at, *overdue), "overdue {at} + {overdue}");
        }
        // One more escalation day is one working day later.
        let (one, two) = (escalates_at(&cases[0].0, at), escalates_at(&cases[1].0, at));
        let mut next = oslo_day(one);
        while !is_working_day(next) {
            next = next.next_day().unwrap();
        }
        assert_eq!(oslo_day(two - 1), next, "{at}");
        checked += 1;
        at += 37 * 60;
    }
    assert!(checked > 42_000, "{checked}");
}
