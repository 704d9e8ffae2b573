//! Outcomes as clinical.md ("Outcomes", the NHS Talking Therapies definitions) defines them,
//! by example and against an implementation written here from the definitions.

use stegvis_content::instruments::{by_id, Instrument};
use stegvis_content::outcomes::{finished_treatment, outcome, Outcome, Series, FINISHED_TREATMENT_CONTACTS};

fn get(id: &str) -> &'static Instrument {
    by_id(id).unwrap_or_else(|| panic!("instrument {id}"))
}

fn series<'a>(id: &str, totals: &'a [u16]) -> Series<'a> {
    Series { instrument: get(id), totals }
}

/// PHQ-9 and one anxiety measure, first and last.
fn pair(anxiety: &str, phq9: [u16; 2], anx: [u16; 2]) -> Option<Outcome> {
    outcome(&[series("phq9", &phq9), series(anxiety, &anx)], 5)
}

#[derive(Debug, PartialEq)]
struct Flags {
    case_at_start: bool,
    recovered: bool,
    reliable_improvement: bool,
    reliable_recovery: bool,
    reliable_deterioration: bool,
}

fn flags(o: &Outcome) -> Flags {
    Flags {
        case_at_start: o.case_at_start,
        recovered: o.recovered,
        reliable_improvement: o.reliable_improvement,
        reliable_recovery: o.reliable_recovery,
        reliable_deterioration: o.reliable_deterioration,
    }
}

fn expect(case_at_start: bool, recovered: bool, reliable_improvement: bool, reliable_recovery: bool, reliable_deterioration: bool) -> Flags {
    Flags { case_at_start, recovered, reliable_improvement, reliable_recovery, reliable_deterioration }
}

#[test]
fn no_outcome_without_paired_scores_on_both_measures() {
    assert_eq!(outcome(&[], 5), None);
    assert_eq!(outcome(&[series("phq9", &[15])], 5), None);
    assert_eq!(outcome(&[series("phq9", &[15]), series("gad7", &[12, 3])], 5), None);
    assert_eq!(outcome(&[series("phq9", &[15, 4]), series("gad7", &[12])], 5), None);
    assert_eq!(outcome(&[series("phq9", &[15, 4])], 5), None);
    assert_eq!(outcome(&[series("phq9", &[15, 4]), series("gad7", &[])], 5), None);
    // MADRS-S measures depression but is not the depression measure of the outcome.
    assert_eq!(outcome(&[series("madrs-s", &[30, 5]), series("gad7", &[12, 3])], 5), None);
    // WSAS and LSAS-SR are no anxiety measure for it.
    assert_eq!(outcome(&[series("phq9", &[15, 4]), series("wsas", &[30, 5]), series("lsas-sr", &[90, 20])], 5), None);
    assert!(outcome(&[series("phq9", &[15, 4]), series("gad7", &[12, 3])], 5).is_some());
}

#[test]
fn the_anxiety_measure() {
    let used = |s: &[Series]| outcome(s, 5).map(|o| (o.depression, o.anxiety));
    let phq9 = series("phq9", &[15, 4]);
    let some = |a: &str| Some(("phq9".to_string(), a.to_string()));
    assert_eq!(used(&[phq9.clone(), series("gad7", &[12, 3])]), some("gad7"));
    // The disorder-specific measure where paired, in either order.
    assert_eq!(used(&[phq9.clone(), series("gad7", &[12, 3]), series("pdss-sr", &[14, 3])]), some("pdss-sr"));
    assert_eq!(used(&[series("pdss-sr", &[14, 3]), series("gad7", &[12, 3]), phq9.clone()]), some("pdss-sr"));
    assert_eq!(used(&[phq9.clone(), series("spin", &[40, 10]), series("gad7", &[12, 3])]), some("spin"));
    assert_eq!(used(&[phq9.clone(), series("spin", &[40, 10])]), some("spin"));
    // Not paired: GAD-7.
    assert_eq!(used(&[phq9.clone(), series("gad7", &[12, 3]), series("pdss-sr", &[14])]), some("gad7"));
    assert_eq!(used(&[phq9.clone(), series("gad7", &[12, 3]), series("spin", &[])]), some("gad7"));
    // LSAS-SR has no reliable-change value: never used.
    assert_eq!(used(&[phq9.clone(), series("lsas-sr", &[90, 20]), series("gad7", &[12, 3])]), some("gad7"));
    assert_eq!(used(&[phq9.clone(), series("lsas-sr", &[90, 20])]), None);
    // The totals between first and last do not matter.
    assert_eq!(
        outcome(&[series("phq9", &[15, 27, 0, 4]), series("gad7", &[12, 21, 0, 3])], 5).map(|o| flags(&o)),
        outcome(&[series("phq9", &[15, 4]), series("gad7", &[12, 3])], 5).map(|o| flags(&o)),
    );
}

#[test]
fn not_a_case_at_start_does_not_recover() {
    // Below caseness on both at start: improvement and deterioration still count, recovery not.
    let o = pair("gad7", [9, 0], [7, 0]).unwrap();
    assert_eq!(flags(&o), expect(false, false, true, false, false));
    let o = pair("gad7", [9, 9], [7, 7]).unwrap();
    assert_eq!(flags(&o), expect(false, false, false, false, false));
    let o = pair("gad7", [3, 9], [0, 7]).unwrap();
    assert_eq!(flags(&o), expect(false, false, false, false, true));
}

#[test]
fn caseness_boundaries() {
    // PHQ-9 10 is a case, 9 is not; GAD-7 8 is, 7 is not.
    assert!(pair("gad7", [10, 10], [0, 0]).unwrap().case_at_start);
    assert!(!pair("gad7", [9, 9], [0, 0]).unwrap().case_at_start);
    assert!(pair("gad7", [0, 0], [8, 8]).unwrap().case_at_start);
    assert!(!pair("gad7", [0, 0], [7, 7]).unwrap().case_at_start);
    // Disorder-specific measures: PDSS-SR 8, SPIN 19.
    assert!(pair("pdss-sr", [0, 0], [8, 8]).unwrap().case_at_start);
    assert!(!pair("pdss-sr", [0, 0], [7, 7]).unwrap().case_at_start);
    assert!(pair("spin", [0, 0], [19, 19]).unwrap().case_at_start);
    assert!(!pair("spin", [0, 0], [18, 18]).unwrap().case_at_start);
    // Recovery: below caseness on both at the last score; exactly at caseness is still a case.
    assert!(pair("gad7", [12, 9], [9, 7]).unwrap().recovered);
    assert!(!pair("gad7", [12, 10], [9, 7]).unwrap().recovered);
    assert!(!pair("gad7", [12, 9], [9, 8]).unwrap().recovered);
    assert!(pair("spin", [12, 9], [30, 18]).unwrap().recovered);
    assert!(!pair("spin", [12, 9], [30, 19]).unwrap().recovered);
    // A case on one measure only at start, both below at the end: recovered.
    assert!(pair("gad7", [4, 2], [15, 7]).unwrap().recovered);
}

#[test]
fn reliable_change_boundaries() {
    // PHQ-9 reliable change 6, GAD-7 4.
    assert_eq!(flags(&pair("gad7", [15, 9], [12, 12]).unwrap()), expect(true, false, true, false, false));
    assert_eq!(flags(&pair("gad7", [15, 10], [12, 12]).unwrap()), expect(true, false, false, false, false));
    assert_eq!(flags(&pair("gad7", [15, 15], [12, 8]).unwrap()), expect(true, false, true, false, false));
    assert_eq!(flags(&pair("gad7", [15, 15], [12, 9]).unwrap()), expect(true, false, false, false, false));
    assert_eq!(flags(&pair("gad7", [10, 16], [5, 5]).unwrap()), expect(true, false, false, false, true));
    assert_eq!(flags(&pair("gad7", [10, 15], [5, 5]).unwrap()), expect(true, false, false, false, false));
    assert_eq!(flags(&pair("gad7", [5, 5], [5, 9]).unwrap()), expect(false, false, false, false, true));
    assert_eq!(flags(&pair("gad7", [5, 5], [5, 8]).unwrap()), expect(false, false, false, false, false));
    // PDSS-SR 5, SPIN 10.
    assert!(pair("pdss-sr", [5, 5], [13, 8]).unwrap().reliable_improvement);
    assert!(!pair("pdss-sr", [5, 5], [13, 9]).unwrap().reliable_improvement);
    assert!(pair("pdss-sr", [5, 5], [3, 8]).unwrap().reliable_deterioration);
    assert!(!pair("pdss-sr", [5, 5], [3, 7]).unwrap().reliable_deterioration);
    assert!(pair("spin", [5, 5], [40, 30]).unwrap().reliable_improvement);
    assert!(!pair("spin", [5, 5], [40, 31]).unwrap().reliable_improvement);
    assert!(pair("spin", [5, 5], [20, 30]).unwrap().reliable_deterioration);
    assert!(!pair("spin", [5, 5], [20, 29]).unwrap().reliable_deterioration);
    // Reliable recovery: recovered and reliably improved.
    assert_eq!(flags(&pair("gad7", [15, 9], [10, 7]).unwrap()), expect(true, true, true, true, false));
    assert_eq!(flags(&pair("gad7", [14, 9], [10, 7]).unwrap()), expect(true, true, false, false, false));
    assert_eq!(flags(&pair("pdss-sr", [12, 6], [8, 7]).unwrap()), expect(true, true, true, true, false));
}

#[test]
fn improvement_on_one_measure_with_deterioration_on_the_other() {
    let o = pair("gad7", [20, 8], [4, 12]).unwrap();
    assert_eq!(flags(&o), expect(true, false, false, false, true));
    let o = pair("gad7", [3, 9], [16, 4]).unwrap();
    assert_eq!(flags(&o), expect(true, true, false, false, true), "recovered, but no reliable recovery");
    let o = pair("spin", [20, 8], [10, 20]).unwrap();
    assert_eq!(flags(&o), expect(true, false, false, false, true));
    // A rise below the reliable-change value does not cancel an improvement.
    let o = pair("gad7", [20, 8], [4, 7]).unwrap();
    assert_eq!(flags(&o), expect(true, true, true, true, false));
}

#[test]
fn finished_treatment_after_two_contacts() {
    assert_eq!(FINISHED_TREATMENT_CONTACTS, 2);
    assert!(!finished_treatment(0));
    assert!(!finished_treatment(1));
    assert!(finished_treatment(2));
    assert!(finished_treatment(30));
    let s = [series("phq9", &[15, 4]), series("gad7", &[12, 3])];
    assert!(!outcome(&s, 1).unwrap().finished_treatment);
    assert!(outcome(&s, 2).unwrap().finished_treatment);
    // Finishing treatment changes nothing else.
    assert_eq!(flags(&outcome(&s, 0).unwrap()), flags(&outcome(&s, 2).unwrap()));
}

#[test]
fn outcome_serialises() {
    let o = pair("gad7", [15, 9], [10, 7]).unwrap();
    let json = serde_json::to_value(&o).unwrap();
    assert_eq!(json["anxiety"], "gad7");
    assert_eq!(json["reliable_recovery"], true);
    assert_eq!(serde_json::from_value::<Outcome>(json).unwrap(), o);
}

// ---- against the definitions --------------------------------------------------------------

/// clinical.md, "Outcomes", with PHQ-9 (caseness 10, reliable change 6) and an anxiety measure.
fn by_definition(phq9: (u16, u16), anxiety: (u16, u16), caseness: u16, rc: u16, contacts: u32) -> (Flags, bool) {
    let (d0, d1) = (i32::from(phq9.0), i32::from(phq9.1));
    let (a0, a1) = (i32::from(anxiety.0), i32::from(anxiety.1));
    let (caseness, rc) = (i32::from(caseness), i32::from(rc));
    let case_at_start = d0 >= 10 || a0 >= caseness;
    let recovered = case_at_start && d1 < 10 && a1 < caseness;
    let (fall_d, rise_d) = (d0 - d1 >= 6, d1 - d0 >= 6);
    let (fall_a, rise_a) = (a0 - a1 >= rc, a1 - a0 >= rc);
    let reliable_improvement = (fall_d && !rise_a) || (fall_a && !rise_d);
    let flags = Flags {
        case_at_start,
        recovered,
        reliable_improvement,
        reliable_recovery: recovered && reliable_improvement,
        reliable_deterioration: rise_d || rise_a,
    };
    (flags, contacts >= 2)
}

fn compare(anxiety: &str, caseness: u16, rc: u16, anxiety_totals: impl Iterator<Item = u16> + Clone) -> usize {
    let instrument = get(anxiety);
    let mut n = 0;
    for d0 in 0..=27u16 {
        for d1 in 0..=27u16 {
            for a0 in anxiety_totals.clone() {
                for a1 in anxiety_totals.clone() {
                    let contacts = (n % 4) as u32;
                    let got = outcome(&[Series { instrument: get("phq9"), totals: &[d0, d1] }, Series { instrument, totals: &[a0, a1] }], contacts)
                        .unwrap_or_else(|| panic!("{anxiety} {d0}→{d1} {a0}→{a1}"));
                    assert_eq!((got.depression.as_str(), got.anxiety.as_str()), ("phq9", anxiety));
                    let expected = by_definition((d0, d1), (a0, a1), caseness, rc, contacts);
                    assert_eq!((flags(&got), got.finished_treatment), expected, "{anxiety} PHQ-9 {d0}→{d1}, {a0}→{a1}");
                    n += 1;
                }
            }
        }
    }
    n
}

#[test]
fn every_phq9_and_gad7_pair_against_the_definitions() {
    assert_eq!(compare("gad7", 8, 4, 0..=21), 28 * 28 * 22 * 22);
}

#[test]
fn phq9_and_the_disorder_specific_measures_against_the_definitions() {
    // Every PDSS-SR pair; SPIN on the totals around its caseness and reliable change.
    assert_eq!(compare("pdss-sr", 8, 5, 0..=28), 28 * 28 * 29 * 29);
    let spin = [0u16, 8, 9, 10, 18, 19, 20, 28, 29, 30, 38, 39, 68];
    assert_eq!(compare("spin", 19, 10, spin.iter().copied()), 28 * 28 * 13 * 13);
}
