//! The service report: the period's bounds, medians, the suppression rules against a statement of
//! them written here, secondary suppression, the whole report against counts made here over
//! generated courses, the CSV read back by a reader written here, the FHIR MeasureReport, and the age groups.

use stegvis_content::outcomes::Outcome;
use stegvis_content::service::{
    age_group, figures, publish, report, to_csv, to_fhir, Breakdown, Cell, Course, Figures, Period, Published, Rate, Report, MIN_CELL,
};
use time::{Date, Duration, Month};

fn date(year: i32, month: u8, day: u8) -> Date {
    Date::from_calendar_date(year, Month::try_from(month).unwrap(), day).unwrap()
}

/// The first half of 2025.
fn half_year() -> Period {
    Period { from: date(2025, 1, 1), to: date(2025, 6, 30) }
}

/// A course referred on `referred_on`, nothing else yet.
fn referred(referred_on: Date) -> Course {
    Course {
        referred_on,
        assessed_on: None,
        started_on: None,
        ended_on: None,
        dropped_out: false,
        outcome: None,
        therapist_minutes: 0,
        groups: Vec::new(),
    }
}

fn an_outcome(case_at_start: bool, recovered: bool, improved: bool, deteriorated: bool) -> Outcome {
    Outcome {
        depression: "phq9".into(),
        anxiety: "gad7".into(),
        case_at_start,
        recovered,
        reliable_improvement: improved,
        reliable_recovery: recovered && improved,
        reliable_deterioration: deteriorated,
        finished_treatment: true,
    }
}

// ---- The rules, stated here independently of the crate ----

fn few(n: u32) -> bool {
    n >= 1 && n <= 4
}

fn expected_count(n: u32) -> Cell<u32> {
    if few(n) {
        Cell::Suppressed
    } else {
        Cell::Value(n)
    }
}

/// Published only with at least 5 people behind it, and neither the numerator nor the rest
/// (denominator − numerator) between 1 and 4.
fn expected_rate(n: u32, d: u32) -> Cell<Rate> {
    if d < 5 || few(n) || few(d - n) {
        return Cell::Suppressed;
    }
    let percent = (1000.0 * f64::from(n) / f64::from(d) + 0.5).floor() / 10.0;
    Cell::Value(Rate { numerator: n, denominator: d, percent })
}

/// The median by peeling off the smallest and the largest until one or two are left; of two,
/// their mean rounded down.
fn expected_median(values: &[u32]) -> Cell<u32> {
    if values.len() < 5 {
        return Cell::Suppressed;
    }
    let mut left = values.to_vec();
    while left.len() > 2 {
        let min = left.iter().enumerate().min_by_key(|(_, v)| **v).unwrap().0;
        left.remove(min);
        let max = left.iter().enumerate().max_by_key(|(_, v)| **v).unwrap().0;
        left.remove(max);
    }
    Cell::Value(if left.len() == 1 { left[0] } else { ((f64::from(left[0]) + f64::from(left[1])) / 2.0).floor() as u32 })
}

fn expected_mean(total: u64, people: u32) -> Cell<u32> {
    if people < 5 {
        Cell::Suppressed
    } else {
        Cell::Value((total as f64 / f64::from(people) + 0.5).floor() as u32)
    }
}

// ---- Period ----

#[test]
fn each_count_includes_both_ends_of_the_period_and_nothing_outside() {
    let p = Period { from: date(2025, 3, 1), to: date(2025, 3, 31) };
    let edges = [date(2025, 2, 28), date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 1)];
    assert_eq!(edges.map(|d| p.contains(d)), [false, true, true, false]);
    let long_ago = date(2024, 1, 1);
    let on = |set: fn(&mut Course, Date)| -> Figures {
        let courses: Vec<Course> = edges
            .iter()
            .map(|&d| {
                let mut c = referred(long_ago);
                c.therapist_minutes = 100;
                set(&mut c, d);
                c
            })
            .collect();
        figures(&courses, p)
    };

    let f = on(|c, d| c.referred_on = d);
    assert_eq!((f.referrals, f.assessed, f.started, f.finished, f.dropped_out), (2, 0, 0, 0, 0));

    let f = on(|c, d| c.assessed_on = Some(d));
    assert_eq!((f.referrals, f.assessed, f.started), (0, 2, 0));
    let from_long_ago = (date(2025, 3, 1) - long_ago).whole_days() as u32;
    assert_eq!(f.days_to_assessment, [from_long_ago, from_long_ago + 30]);

    let f = on(|c, d| c.started_on = Some(d));
    assert_eq!((f.assessed, f.started), (0, 2));
    assert_eq!(f.days_to_start, [from_long_ago, from_long_ago + 30]);

    let f = on(|c, d| {
        c.ended_on = Some(d);
        c.outcome = Some(an_outcome(true, true, true, false));
    });
    assert_eq!((f.finished, f.dropped_out, f.with_outcome, f.recovered, f.therapist_minutes), (2, 0, 2, 2, 200));

    let f = on(|c, d| {
        c.ended_on = Some(d);
        c.dropped_out = true;
        c.outcome = Some(an_outcome(true, true, true, false));
    });
    assert_eq!((f.finished, f.dropped_out, f.with_outcome, f.therapist_minutes), (0, 2, 0, 200));
}

#[test]
fn outcomes_count_only_for_finished_courses_and_recovery_only_for_cases() {
    let p = half_year();
    let ended = |outcome: Option<Outcome>, dropped_out: bool| Course {
        ended_on: Some(date(2025, 2, 1)),
        dropped_out,
        outcome,
        therapist_minutes: 60,
        ..referred(date(2024, 10, 1))
    };
    let courses = [
        ended(Some(an_outcome(true, true, true, false)), false),
        ended(Some(an_outcome(true, false, true, false)), false),
        ended(Some(an_outcome(false, false, true, false)), false), // not a case: improves, can't recover
        ended(Some(an_outcome(false, false, false, true)), false),
        ended(None, false),
        ended(Some(an_outcome(true, true, true, false)), true), // dropped out: outcome not counted
        Course { ended_on: Some(date(2025, 7, 1)), ..ended(Some(an_outcome(true, true, true, false)), false) },
    ];
    let f = figures(&courses, p);
    let expected = Figures {
        finished: 5,
        dropped_out: 1,
        with_outcome: 4,
        case_at_start: 2,
        recovered: 1,
        reliable_improvement: 3,
        reliable_recovery: 1,
        reliable_deterioration: 1,
        therapist_minutes: 6 * 60,
        ..Figures::default()
    };
    assert_eq!(f, expected);
}

#[test]
fn waits_are_whole_days_sorted_and_a_date_before_the_referral_is_zero() {
    let r = date(2025, 1, 10);
    let courses = [
        Course { assessed_on: Some(date(2025, 3, 1)), started_on: Some(date(2025, 1, 10)), ..referred(r) },
        Course { assessed_on: Some(date(2025, 1, 11)), started_on: Some(date(2025, 1, 9)), ..referred(r) },
    ];
    let f = figures(&courses, half_year());
    assert_eq!(f.days_to_assessment, [1, 50]);
    assert_eq!(f.days_to_start, [0, 0]);
}

// ---- Medians, means, suppression ----

#[test]
fn medians_of_odd_and_even_lists_and_suppressed_below_five() {
    let median = |days: &[u32]| publish(&Figures { days_to_assessment: days.to_vec(), ..Figures::default() }).median_days_to_assessment;
    assert_eq!(median(&[]), Cell::Suppressed);
    assert_eq!(median(&[1, 2, 3, 4]), Cell::Suppressed);
    assert_eq!(median(&[1, 2, 3, 10, 50]), Cell::Value(3));
    assert_eq!(median(&[50, 10, 3, 2, 1]), Cell::Value(3), "sorted before taking the middle");
    assert_eq!(median(&[1, 2, 3, 4, 10, 11]), Cell::Value(3), "3.5 rounds down");
    assert_eq!(median(&[1, 2, 10, 12, 30, 40]), Cell::Value(11));
    assert_eq!(median(&[0, 0, 7, 7, 7, 7, 9]), Cell::Value(7));
    let start = |days: &[u32]| publish(&Figures { days_to_start: days.to_vec(), ..Figures::default() }).median_days_to_start;
    assert_eq!(start(&[]), Cell::Suppressed);
    assert_eq!(start(&[5, 6, 7, 8, 9, 10]), Cell::Value(7));
    // Against the peeling statement, for every list of up to 8 values from a small range.
    let mut list = Vec::new();
    for n in 0..=8u32 {
        for seed in 0..50u32 {
            list.clear();
            list.extend((0..n).map(|i| (seed * 7 + i * i * 13 + i) % 23));
            assert_eq!(median(&list), expected_median(&list), "{list:?}");
        }
    }
}

#[test]
fn counts_from_zero_to_twenty_are_published_except_one_to_four() {
    for n in 0..=20 {
        let p = publish(&Figures { referrals: n, assessed: n, started: n, finished: n, dropped_out: n, ..Figures::default() });
        let c = expected_count(n);
        assert_eq!([p.referrals, p.assessed, p.started, p.finished, p.dropped_out], [c; 5], "{n}");
    }
    assert_eq!(MIN_CELL, 5);
}

#[test]
fn every_rate_up_to_twenty_people_follows_the_rule() {
    for d in 0..=20 {
        for n in 0..=d {
            let f = Figures {
                with_outcome: d,
                case_at_start: d,
                recovered: n,
                reliable_improvement: n,
                reliable_recovery: n,
                reliable_deterioration: n,
                ..Figures::default()
            };
            let p = publish(&f);
            let r = expected_rate(n, d);
            assert_eq!([p.recovery, p.reliable_improvement, p.reliable_recovery, p.reliable_deterioration], [r; 4], "{n}/{d}");
        }
    }
}

#[test]
fn each_rate_has_its_own_numerator_and_denominator_and_rounds_half_up() {
    let f = Figures {
        with_outcome: 80,
        case_at_start: 16,
        recovered: 5,
        reliable_recovery: 6,
        reliable_improvement: 7,
        reliable_deterioration: 30,
        ..Figures::default()
    };
    let p = publish(&f);
    let rate = |numerator, denominator, percent| Cell::Value(Rate { numerator, denominator, percent });
    assert_eq!(p.recovery, rate(5, 16, 31.3), "31.25 rounds up");
    assert_eq!(p.reliable_recovery, rate(6, 16, 37.5));
    assert_eq!(p.reliable_improvement, rate(7, 80, 8.8), "8.75 rounds up");
    assert_eq!(p.reliable_deterioration, rate(30, 80, 37.5));
    let all = publish(&Figures { with_outcome: 20, reliable_improvement: 20, ..Figures::default() });
    assert_eq!(all.reliable_improvement, rate(20, 20, 100.0));
    assert_eq!(all.reliable_deterioration, rate(0, 20, 0.0));
}

#[test]
fn minutes_per_patient_is_the_rounded_mean_over_finished_and_dropped_out() {
    for ended in 0..=20u32 {
        for minutes in [0u64, 1, 299, 450, 603, 1000] {
            let f = Figures { finished: ended / 2, dropped_out: ended - ended / 2, therapist_minutes: minutes * u64::from(ended.max(1)) / 4, ..Figures::default() };
            assert_eq!(publish(&f).minutes_per_patient, expected_mean(f.therapist_minutes, ended), "{f:?}");
        }
    }
    let f = Figures { finished: 4, dropped_out: 2, therapist_minutes: 603, ..Figures::default() };
    assert_eq!(publish(&f).minutes_per_patient, Cell::Value(101), "100.5 rounds up");
}

// ---- Breakdowns and secondary suppression ----

/// `n` courses referred in the period, with these groups.
fn referrals(n: usize, groups: &[(&str, &str)]) -> Vec<Course> {
    let groups: Vec<(String, String)> = groups.iter().map(|(d, k)| (d.to_string(), k.to_string())).collect();
    (0..n).map(|_| Course { groups: groups.clone(), ..referred(date(2025, 2, 1)) }).collect()
}

fn referral_rows(courses: &[Course]) -> Vec<(String, Cell<u32>)> {
    let r = report(courses, half_year(), &["programme"]);
    assert_eq!(r.breakdowns.len(), 1);
    r.breakdowns[0].rows.iter().map(|(k, p)| (k.clone(), p.referrals)).collect()
}

fn programmes(sizes: &[(&str, usize)]) -> Vec<Course> {
    sizes.iter().flat_map(|&(k, n)| referrals(n, &[("programme", k)])).collect()
}

#[test]
fn one_small_group_takes_the_smallest_other_group_with_it() {
    let rows = referral_rows(&programmes(&[("panic", 10), ("depression", 6), ("insomnia", 3), ("social", 7)]));
    let expected = [
        ("depression", Cell::Suppressed), // the smallest published
        ("insomnia", Cell::Suppressed),
        ("panic", Cell::Value(10)),
        ("social", Cell::Value(7)),
    ];
    assert_eq!(rows, expected.map(|(k, c)| (k.to_string(), c)));
}

#[test]
fn the_second_suppressed_row_is_never_a_zero_nor_needed_when_the_total_is_hidden() {
    // "sleep" has only a start in the period: a 0 for referrals, not a candidate to hide.
    let mut courses = programmes(&[("panic", 10), ("depression", 6), ("insomnia", 3)]);
    courses.push(Course { started_on: Some(date(2025, 3, 1)), groups: vec![("programme".into(), "sleep".into())], ..referred(date(2024, 1, 1)) });
    let r = report(&courses, half_year(), &["programme"]);
    let rows = &r.breakdowns[0].rows;
    let column = |f: fn(&Published) -> Cell<u32>| rows.iter().map(|(_, p)| f(p)).collect::<Vec<_>>();
    assert_eq!(column(|p| p.referrals), [Cell::Suppressed, Cell::Suppressed, Cell::Value(10), Cell::Value(0)]);
    // One start in all: the total is hidden, so the one hidden row needs no partner.
    assert_eq!(r.total.started, Cell::Suppressed);
    assert_eq!(column(|p| p.started), [Cell::Value(0), Cell::Value(0), Cell::Value(0), Cell::Suppressed]);
}

#[test]
fn two_small_groups_hide_each_other() {
    let rows = referral_rows(&programmes(&[("panic", 10), ("depression", 3), ("insomnia", 2), ("social", 6)]));
    let expected = [("depression", Cell::Suppressed), ("insomnia", Cell::Suppressed), ("panic", Cell::Value(10)), ("social", Cell::Value(6))];
    assert_eq!(rows, expected.map(|(k, c)| (k.to_string(), c)));
}

#[test]
fn no_small_group_hides_nothing() {
    let rows = referral_rows(&programmes(&[("panic", 10), ("depression", 5), ("social", 6)]));
    let expected = [("depression", Cell::Value(5)), ("panic", Cell::Value(10)), ("social", Cell::Value(6))];
    assert_eq!(rows, expected.map(|(k, c)| (k.to_string(), c)));
}

#[test]
fn rows_are_sorted_by_key_with_unknown_last_and_empty_groups_left_out() {
    let mut courses = programmes(&[("z", 5), ("unknown", 5), ("b", 5), ("a", 5)]);
    courses.extend(referrals(5, &[("therapist", "Kari")])); // no programme: unknown
    courses.push(Course { groups: vec![("programme".into(), "old".into())], ..referred(date(2023, 1, 1)) });
    let rows = referral_rows(&courses);
    let keys: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["a", "b", "z", "unknown"]);
    assert_eq!(rows[3].1, Cell::Value(10), "an explicit and a missing key are both unknown");
}

#[test]
fn a_course_with_two_keys_for_a_dimension_counts_under_each_once() {
    let mut courses = referrals(5, &[("therapist", "Kari"), ("therapist", "Ola"), ("therapist", "Kari")]);
    courses.extend(referrals(5, &[("therapist", "Ola")]));
    let r = report(&courses, half_year(), &["therapist"]);
    let rows: Vec<(&str, Cell<u32>)> = r.breakdowns[0].rows.iter().map(|(k, p)| (k.as_str(), p.referrals)).collect();
    assert_eq!(rows, [("Kari", Cell::Value(5)), ("Ola", Cell::Value(10))]);
    assert_eq!(r.total.referrals, Cell::Value(10));
}

// ---- The whole report against counts made here ----

/// A 64-bit linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const THERAPISTS: [&str; 6] = ["Maria Johansen", "Ola Nordmann", "=HYPERLINK(\"http://x\",\"y\")", "Hansen, \"Kari\"", "+47 Lie", "Per\nLine"];

/// Courses referred over 2024–2025, so the first half of 2025 sees some referred before it.
/// Insomnia is rare, so its row is small and takes another with it.
fn generated(seed: u64, n: usize) -> Vec<Course> {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|_| {
            let referred_on = date(2024, 1, 1) + Duration::days(rng.below(730) as i64);
            let mut c = referred(referred_on);
            let after = |rng: &mut Lcg, from: Option<Date>, percent, days| from.filter(|_| rng.chance(percent)).map(|d| d + Duration::days(rng.below(days) as i64));
            c.assessed_on = after(&mut rng, Some(referred_on), 80, 60);
            c.started_on = after(&mut rng, c.assessed_on, 75, 90);
            c.ended_on = after(&mut rng, c.started_on, 70, 200);
            c.dropped_out = c.ended_on.is_some() && rng.chance(20);
            if rng.chance(85) {
                let case = rng.chance(80);
                let improved = rng.chance(60);
                c.outcome = Some(an_outcome(case, case && rng.chance(50), improved, !improved && rng.chance(15)));
            }
            c.therapist_minutes = rng.below(1500) as u32;
            let programme = match rng.below(100) {
                0..=2 => Some("insomnia"),
                3..=40 => Some("panic"),
                41..=75 => Some("depression"),
                76..=92 => Some("social_anxiety"),
                _ => None,
            };
            c.groups.extend(programme.map(|p| ("programme".to_string(), p.to_string())));
            c.groups.push(("therapist".into(), THERAPISTS[rng.below(THERAPISTS.len() as u64) as usize].into()));
            c
        })
        .collect()
}

/// The published figures of `courses`, counted here.
fn counted(courses: &[&Course], p: Period) -> Option<Published> {
    let day = |d: Date| d.to_julian_day();
    let inside = |d: Option<Date>| d.is_some_and(|d| day(p.from) <= day(d) && day(d) <= day(p.to));
    let (mut referrals, mut assessed, mut started, mut finished, mut dropped) = (0, 0, 0, 0, 0);
    let (mut waits_assessment, mut waits_start) = (Vec::new(), Vec::new());
    let (mut outcomes, mut cases, mut recovered, mut improved, mut reliably_recovered, mut deteriorated) = (0, 0, 0, 0, 0, 0);
    let mut minutes = 0u64;
    for c in courses {
        if inside(Some(c.referred_on)) {
            referrals += 1;
        }
        if inside(c.assessed_on) {
            assessed += 1;
            waits_assessment.push((day(c.assessed_on.unwrap()) - day(c.referred_on)) as u32);
        }
        if inside(c.started_on) {
            started += 1;
            waits_start.push((day(c.started_on.unwrap()) - day(c.referred_on)) as u32);
        }
        if inside(c.ended_on) && c.dropped_out {
            dropped += 1;
            minutes += u64::from(c.therapist_minutes);
        }
        if inside(c.ended_on) && !c.dropped_out {
            finished += 1;
            minutes += u64::from(c.therapist_minutes);
            if let Some(o) = &c.outcome {
                outcomes += 1;
                cases += o.case_at_start as u32;
                recovered += o.recovered as u32;
                improved += o.reliable_improvement as u32;
                reliably_recovered += (o.recovered && o.reliable_improvement) as u32;
                deteriorated += o.reliable_deterioration as u32;
            }
        }
    }
    let anything = referrals + assessed + started + finished + dropped > 0;
    anything.then(|| Published {
        referrals: expected_count(referrals),
        assessed: expected_count(assessed),
        started: expected_count(started),
        finished: expected_count(finished),
        dropped_out: expected_count(dropped),
        median_days_to_assessment: expected_median(&waits_assessment),
        median_days_to_start: expected_median(&waits_start),
        recovery: expected_rate(recovered, cases),
        reliable_improvement: expected_rate(improved, outcomes),
        reliable_recovery: expected_rate(reliably_recovered, cases),
        reliable_deterioration: expected_rate(deteriorated, outcomes),
        minutes_per_patient: expected_mean(minutes, finished + dropped),
    })
}

fn count_field(p: &mut Published, i: usize) -> &mut Cell<u32> {
    [&mut p.referrals, &mut p.assessed, &mut p.started, &mut p.finished, &mut p.dropped_out].into_iter().nth(i).unwrap()
}

/// The programme breakdown counted here, with secondary suppression; and how many cells that
/// suppression hid.
fn counted_programmes(courses: &[Course], p: Period, total: &Published) -> (Breakdown, usize) {
    let mut keys: Vec<&str> = courses.iter().map(|c| programme_of(c)).collect();
    keys.sort();
    keys.dedup();
    keys.retain(|k| *k != "unknown");
    keys.push("unknown");
    let mut rows: Vec<(String, Published)> = keys
        .into_iter()
        .filter_map(|k| {
            let members: Vec<&Course> = courses.iter().filter(|c| programme_of(c) == k).collect();
            counted(&members, p).map(|published| (k.to_string(), published))
        })
        .collect();
    let mut secondary = 0;
    let mut total = total.clone();
    for i in 0..5 {
        let hidden = rows.iter_mut().map(|(_, r)| *count_field(r, i)).filter(|c| *c == Cell::Suppressed).count();
        if hidden != 1 || *count_field(&mut total, i) == Cell::Suppressed {
            continue;
        }
        let mut smallest: Option<(u32, usize)> = None;
        for (at, (_, r)) in rows.iter_mut().enumerate() {
            if let Cell::Value(n) = *count_field(r, i) {
                if n > 0 && smallest.is_none_or(|(m, _)| n < m) {
                    smallest = Some((n, at));
                }
            }
        }
        let (_, at) = smallest.expect("a published row to hide");
        *count_field(&mut rows[at].1, i) = Cell::Suppressed;
        secondary += 1;
    }
    (Breakdown { dimension: "programme".into(), rows }, secondary)
}

fn programme_of(c: &Course) -> &str {
    c.groups.iter().find(|(d, _)| d == "programme").map_or("unknown", |(_, k)| k.as_str())
}

fn generated_report() -> (Vec<Course>, Report) {
    let courses = generated(20250101, 400);
    let r = report(&courses, half_year(), &["programme", "therapist"]);
    (courses, r)
}

#[test]
fn the_report_agrees_with_counts_made_here() {
    let (courses, r) = generated_report();
    let all: Vec<&Course> = courses.iter().collect();
    let total = counted(&all, half_year()).unwrap();
    assert_eq!(r.period, half_year());
    assert_eq!(r.total, total);
    let (programmes, secondary) = counted_programmes(&courses, half_year(), &total);
    assert_eq!(r.breakdowns[0], programmes);
    assert_eq!(r.breakdowns[1].dimension, "therapist");
    assert_eq!(r.breakdowns.len(), 2);

    // The data exercises what it is meant to: published rates, and both kinds of suppression.
    assert!(matches!(r.total.recovery, Cell::Value(Rate { denominator, .. }) if denominator > 20), "{:?}", r.total.recovery);
    let row = |k: &str| &programmes.rows.iter().find(|(key, _)| key == k).unwrap().1;
    assert_eq!(row("insomnia").referrals, Cell::Suppressed);
    assert!(secondary > 0);
    assert_eq!(programmes.rows.last().unwrap().0, "unknown");
}

// ---- CSV ----

/// RFC 4180, strictly: CRLF after every record, a quote only opening a field or doubled inside one.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut chars, mut quoted) = (text.chars().peekable(), false);
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => {
                quoted = false;
                assert!(matches!(chars.peek(), Some(',' | '\r')), "text after a closing quote");
            }
            (true, c) => field.push(c),
            (false, '"') => {
                assert!(field.is_empty(), "a quote inside an unquoted field");
                quoted = true;
            }
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("LF without CR outside quotes"),
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted && field.is_empty() && record.is_empty(), "the last record is not ended");
    records
}

const MEASURES: [&str; 12] = [
    "referrals",
    "assessed",
    "started",
    "finished",
    "dropped_out",
    "median_days_to_assessment",
    "median_days_to_start",
    "recovery",
    "reliable_improvement",
    "reliable_recovery",
    "reliable_deterioration",
    "minutes_per_patient",
];

/// The published cells of a row as (measure, whole number or rate) in declaration order.
enum Any {
    Whole(Cell<u32>),
    Rate(Cell<Rate>),
}

fn cells(p: &Published) -> [Any; 12] {
    use Any::{Rate as R, Whole as W};
    [
        W(p.referrals),
        W(p.assessed),
        W(p.started),
        W(p.finished),
        W(p.dropped_out),
        W(p.median_days_to_assessment),
        W(p.median_days_to_start),
        R(p.recovery),
        R(p.reliable_improvement),
        R(p.reliable_recovery),
        R(p.reliable_deterioration),
        W(p.minutes_per_patient),
    ]
}

fn check_line(line: &[String], dimension: &str, group: &str, measure: &str, cell: &Any) {
    assert_eq!(line.len(), 6, "{line:?}");
    assert_eq!((line[0].as_str(), line[1].as_str(), line[2].as_str()), (dimension, group, measure));
    let (value, numerator, denominator) = (&line[3], &line[4], &line[5]);
    match cell {
        Any::Whole(Cell::Suppressed) | Any::Rate(Cell::Suppressed) => assert_eq!([value, numerator, denominator], ["<5", "", ""]),
        Any::Whole(Cell::Value(n)) => {
            assert_eq!(value.parse::<u32>().unwrap(), *n);
            assert_eq!([numerator, denominator], ["", ""]);
        }
        Any::Rate(Cell::Value(r)) => {
            assert_eq!(value.find('.'), Some(value.len() - 2), "one decimal: {value}");
            assert_eq!(value.parse::<f64>().unwrap(), r.percent);
            assert_eq!((numerator.parse::<u32>().unwrap(), denominator.parse::<u32>().unwrap()), (r.numerator, r.denominator));
        }
    }
}

/// A group key as the CSV shows it: a leading formula character gets a single quote.
fn guarded(key: &str) -> String {
    if key.starts_with(['=', '+', '-', '@']) {
        format!("'{key}")
    } else {
        key.to_string()
    }
}

#[test]
fn the_csv_reads_back_to_the_report() {
    let (_, r) = generated_report();
    let csv = to_csv(&r);
    let records = read_csv(&csv);
    assert_eq!(records[0], ["dimension", "group", "measure", "value", "numerator", "denominator"]);
    let mut rows = vec![("total".to_string(), "all".to_string(), &r.total)];
    for b in &r.breakdowns {
        rows.extend(b.rows.iter().map(|(k, p)| (b.dimension.clone(), guarded(k), p)));
    }
    assert_eq!(records.len(), 1 + 12 * rows.len());
    let mut lines = records[1..].iter();
    for (dimension, group, p) in rows {
        for (measure, cell) in MEASURES.iter().zip(cells(p).iter()) {
            check_line(lines.next().unwrap(), &dimension, &group, measure, cell);
        }
    }
    // Every therapist has a row, so the awkward names were all written and read back.
    let groups: Vec<&str> = records.iter().filter(|l| l[0] == "therapist").map(|l| l[1].as_str()).collect();
    for name in THERAPISTS {
        assert!(groups.contains(&guarded(name).as_str()), "{name}");
    }
}

#[test]
fn the_csv_guards_formulas_and_quotes_commas_quotes_and_line_breaks() {
    let names = ["=HYPERLINK(\"http://x\",\"y\")", "Hansen, \"Kari\"", "@SUM(A1)", "-2+3", "+47", "\tTab", "Per\nLine", "Plain"];
    let courses: Vec<Course> = names.iter().flat_map(|name| referrals(5, &[("therapist", name)])).collect();
    let csv = to_csv(&report(&courses, half_year(), &["therapist"]));
    for expected in [
        "\r\ntherapist,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",referrals,5,,\r\n",
        "\r\ntherapist,\"Hansen, \"\"Kari\"\"\",referrals,5,,\r\n",
        "\r\ntherapist,'@SUM(A1),referrals,5,,\r\n",
        "\r\ntherapist,'-2+3,referrals,5,,\r\n",
        "\r\ntherapist,'+47,referrals,5,,\r\n",
        "\r\ntherapist,'\tTab,referrals,5,,\r\n",
        "\r\ntherapist,\"Per\nLine\",referrals,5,,\r\n",
        "\r\ntherapist,Plain,referrals,5,,\r\n",
        "\r\ntotal,all,referrals,40,,\r\n",
        "\r\ntotal,all,recovery,<5,,\r\n",
    ] {
        assert!(csv.contains(expected), "{expected:?} not in\n{csv}");
    }
    let read: Vec<String> = read_csv(&csv).into_iter().filter(|l| l[2] == "referrals" && l[0] == "therapist").map(|l| l[1].clone()).collect();
    assert_eq!(read, ["'\tTab", "'+47", "'-2+3", "'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "Hansen, \"Kari\"", "Per\nLine", "Plain"]);
}

// ---- Serialised form (the platform stores and sends these) ----

#[test]
fn dates_serialise_as_iso_and_cells_as_kind_and_value() {
    let c = Course { assessed_on: Some(date(2025, 3, 9)), groups: vec![("age".into(), "67+".into())], ..referred(date(2025, 2, 28)) };
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["referred_on"], "2025-02-28");
    assert_eq!(json["assessed_on"], "2025-03-09");
    assert_eq!(json["started_on"], serde_json::Value::Null);
    assert_eq!(serde_json::from_value::<Course>(json).unwrap(), c);
    assert!(serde_json::from_str::<Period>(r#"{"from":"2025-02-30","to":"2025-03-01"}"#).is_err());
    assert_eq!(serde_json::to_string(&Cell::Value(7u32)).unwrap(), r#"{"kind":"value","value":7}"#);
    assert_eq!(serde_json::to_string(&Cell::<u32>::Suppressed).unwrap(), r#"{"kind":"suppressed"}"#);
    let (_, r) = generated_report();
    assert_eq!(serde_json::from_str::<Report>(&serde_json::to_string(&r).unwrap()).unwrap(), r);
}

// ---- Age groups ----

#[test]
fn age_groups_at_every_boundary_by_year_alone() {
    let on = date(2025, 6, 15);
    let cases = [
        (0, "under-18"),
        (17, "under-18"),
        (18, "18-25"),
        (25, "18-25"),
        (26, "26-35"),
        (35, "26-35"),
        (36, "36-50"),
        (50, "36-50"),
        (51, "51-66"),
        (66, "51-66"),
        (67, "67+"),
        (104, "67+"),
    ];
    for (age, group) in cases {
        assert_eq!(age_group(2025 - age, on), group, "{age}");
        // The year alone: the same on New Year's Day and New Year's Eve.
        assert_eq!(age_group(2025 - age, date(2025, 1, 1)), group, "{age}");
        assert_eq!(age_group(2025 - age, date(2025, 12, 31)), group, "{age}");
    }
    assert_eq!(age_group(2026, on), "under-18", "a birth year after the date");
}

/// The FHIR MeasureReport carries the same numbers as the report, and nothing of a hidden cell.
#[test]
fn fhir_measure_report_matches_the_report() {
    let (_, report) = generated_report();
    let fhir = to_fhir(&report, "Bergvik");
    assert_eq!(fhir["resourceType"], "MeasureReport");
    assert_eq!(fhir["type"], "summary");
    let groups = fhir["group"].as_array().unwrap();
    assert_eq!(groups.len(), 12);
    let code = |g: &serde_json::Value| g["code"]["coding"][0]["code"].as_str().unwrap().to_string();
    let count = |g: &serde_json::Value, which: &str| {
        g["population"].as_array().and_then(|p| p.iter().find(|x| x["code"]["coding"][0]["code"] == which)).and_then(|x| x["count"].as_u64())
    };
    let referrals = groups.iter().find(|g| code(g) == "referrals").unwrap();
    assert_eq!(count(referrals, "initial-population"), match report.total.referrals { Cell::Value(n) => Some(u64::from(n)), Cell::Suppressed => None });
    let recovery = groups.iter().find(|g| code(g) == "recovery").unwrap();
    if let Cell::Value(r) = report.total.recovery {
        assert_eq!(count(recovery, "numerator"), Some(u64::from(r.numerator)));
        assert_eq!(count(recovery, "denominator"), Some(u64::from(r.denominator)));
        assert_eq!(recovery["measureScore"]["value"].as_f64(), Some(r.percent));
    }
    // Every stratum of every group: masked exactly where the report suppressed the cell.
    let mut masked = 0;
    for group in groups {
        for (b, stratifier) in group["stratifier"].as_array().unwrap().iter().enumerate() {
            for (r, stratum) in stratifier["stratum"].as_array().unwrap().iter().enumerate() {
                let published = &report.breakdowns[b].rows[r].1;
                let suppressed = serde_json::to_value(published).unwrap()[code(group).as_str()]["kind"] == "suppressed";
                let is_masked = stratum["extension"][0]["valueCode"] == "masked";
                assert_eq!(is_masked, suppressed, "{} {}", code(group), stratum["value"]["text"]);
                assert_eq!(stratum.get("population").is_none(), suppressed);
                masked += usize::from(is_masked);
            }
        }
    }
    assert!(masked > 0, "the generated data has small cells");
}
