//! The stepped-care ladder against clinical.md ("The stepped-care ladder", "Escalation flags"):
//! the default ladder pinned, every decision × current step × chosen step, the checks on an
//! edited ladder, and the keys of decisions and step kinds.

use stegvis_content::ladder::{check_ladder, default_ladder, target, Decision, LadderError, Step, StepError, StepKind, DISCHARGED};
use stegvis_content::Text;

const KEYS: [&str; 7] = ["self_help", "guided", "consultations", "group", "therapy", "specialist", "acute"];

fn text(nb: &str, en: &str) -> Text {
    Text { nb: nb.to_string(), en: en.to_string() }
}

fn step(key: &str, kind: StepKind) -> Step {
    Step { key: key.to_string(), kind, name: text("Trinn", "Step"), next: text("Neste", "Next") }
}

// ---- the default ladder --------------------------------------------------------------------

#[test]
fn the_default_ladder_is_pinned() {
    // Seven steps, lowest first, with their kinds; every text in both languages; it passes its own check.
    let ladder = default_ladder();
    assert_eq!(ladder.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), KEYS);
    use StepKind::*;
    assert_eq!(ladder.iter().map(|s| s.kind).collect::<Vec<_>>(), [Unguided, Guided, WithContacts, WithContacts, WithContacts, Specialist, Emergency]);
    for s in &ladder {
        for t in [&s.name, &s.next] {
            assert!(!t.nb.trim().is_empty() && !t.en.trim().is_empty(), "{}", s.key);
            assert_ne!(t.nb, t.en, "{}: bokmål differs from English", s.key);
        }
    }
    assert_eq!(ladder[1].name.en, "Guided internet treatment");
    assert_eq!(ladder[5].name.nb, "Spesialisthelsetjenesten (DPS)");
    assert_eq!(check_ladder(&ladder, &[]), Ok(()));
    let all_in_use: Vec<String> = KEYS.iter().map(|k| k.to_string()).chain([DISCHARGED.to_string()]).collect();
    assert_eq!(check_ladder(&ladder, &all_in_use), Ok(()));
}

// ---- target: every decision × current × chosen ---------------------------------------------

/// What `target` must give, written here from the rules.
fn expected(decision: Decision, current: Option<&str>, chosen: Option<&str>) -> Result<Option<String>, StepError> {
    let position = |key: &str| KEYS.iter().position(|k| *k == key);
    match decision {
        Decision::Continue | Decision::ContactPatient => Ok(None),
        Decision::ReferSpecialist => Ok(Some("specialist".to_string())),
        Decision::ReferEmergency => Ok(Some("acute".to_string())),
        Decision::StepUp | Decision::StepDown => {
            let Some(chosen) = chosen.filter(|c| !c.is_empty()) else { return Err(StepError::Missing) };
            if decision == Decision::StepDown && chosen == DISCHARGED {
                return Ok(Some(DISCHARGED.to_string()));
            }
            let Some(to) = position(chosen) else { return Err(StepError::Unknown) };
            let ok = match current.map(|c| position(c).unwrap()) {
                None => true,
                Some(from) if decision == Decision::StepUp => to > from,
                Some(from) => to < from,
            };
            if ok {
                Ok(Some(chosen.to_string()))
            } else {
                Err(StepError::WrongDirection)
            }
        }
    }
}

#[test]
fn target_for_every_decision_current_and_chosen_step() {
    // 6 decisions × 8 current steps (none and each) × 11 choices (none, empty, discharged, unknown, each step).
    let ladder = default_ladder();
    let currents: Vec<Option<&str>> = std::iter::once(None).chain(KEYS.iter().map(|k| Some(*k))).collect();
    let choices: Vec<Option<&str>> = [None, Some(""), Some(DISCHARGED), Some("nope")].into_iter().chain(KEYS.iter().map(|k| Some(*k))).collect();
    let mut seen = 0;
    let (mut moved, mut wrong_way) = (0, 0);
    for decision in Decision::ALL {
        for current in &currents {
            for chosen in &choices {
                let got = target(&ladder, decision, *current, *chosen);
                assert_eq!(got, expected(decision, *current, *chosen), "{decision:?} from {current:?} to {chosen:?}");
                moved += usize::from(decision.needs_step() && got.as_ref().is_ok_and(|t| t.is_some()));
                wrong_way += usize::from(got == Err(StepError::WrongDirection));
                seen += 1;
            }
        }
    }
    assert_eq!(seen, 6 * 8 * 11);
    // Up from none: 7; up from step i: 6 - i (21); down from none: 7 + discharged; down from i: i (21) + discharged.
    assert_eq!(moved, 7 + 21 + 8 + 21 + 7);
    // 7 × 7 pairs per direction, less the right-way 21 each.
    assert_eq!(wrong_way, 2 * (49 - 21));
}

#[test]
fn target_by_example() {
    // The cases a clinician meets, spelled out.
    let ladder = default_ladder();
    assert_eq!(target(&ladder, Decision::StepUp, Some("guided"), Some("consultations")), Ok(Some("consultations".to_string())));
    assert_eq!(target(&ladder, Decision::StepUp, Some("guided"), Some("guided")), Err(StepError::WrongDirection));
    assert_eq!(target(&ladder, Decision::StepUp, Some("guided"), Some("self_help")), Err(StepError::WrongDirection));
    assert_eq!(target(&ladder, Decision::StepUp, Some("guided"), Some(DISCHARGED)), Err(StepError::Unknown));
    assert_eq!(target(&ladder, Decision::StepUp, Some("guided"), None), Err(StepError::Missing));
    assert_eq!(target(&ladder, Decision::StepDown, Some("guided"), Some("self_help")), Ok(Some("self_help".to_string())));
    assert_eq!(target(&ladder, Decision::StepDown, Some("self_help"), Some(DISCHARGED)), Ok(Some(DISCHARGED.to_string())));
    assert_eq!(target(&ladder, Decision::StepDown, None, Some(DISCHARGED)), Ok(Some(DISCHARGED.to_string())));
    assert_eq!(target(&ladder, Decision::StepDown, Some("self_help"), Some("self_help")), Err(StepError::WrongDirection));
    assert_eq!(target(&ladder, Decision::StepDown, Some("guided"), Some("")), Err(StepError::Missing));
    assert_eq!(target(&ladder, Decision::ReferSpecialist, Some("guided"), Some("self_help")), Ok(Some("specialist".to_string())));
    assert_eq!(target(&ladder, Decision::ReferEmergency, None, Some("nope")), Ok(Some("acute".to_string())));
    assert_eq!(target(&ladder, Decision::Continue, Some("guided"), Some("acute")), Ok(None));
}

#[test]
fn referral_without_a_step_of_its_kind() {
    // An organisation's ladder without an emergency (or specialist) step cannot refer there; the
    // referral goes to the organisation's own key for the kind.
    let no_emergency: Vec<Step> = default_ladder().into_iter().filter(|s| s.kind != StepKind::Emergency).collect();
    assert_eq!(check_ladder(&no_emergency, &[]), Ok(()));
    for chosen in [None, Some("acute"), Some("specialist")] {
        assert_eq!(target(&no_emergency, Decision::ReferEmergency, Some("guided"), chosen), Err(StepError::NoReferralStep));
    }
    assert_eq!(target(&no_emergency, Decision::ReferSpecialist, Some("guided"), None), Ok(Some("specialist".to_string())));
    let own = vec![step("internett", StepKind::Guided), step("dps", StepKind::Specialist)];
    assert_eq!(target(&own, Decision::ReferSpecialist, Some("internett"), None), Ok(Some("dps".to_string())));
    assert_eq!(target(&own, Decision::ReferEmergency, Some("internett"), None), Err(StepError::NoReferralStep));
    let none: Vec<Step> = vec![step("internett", StepKind::Guided)];
    assert_eq!(target(&none, Decision::ReferSpecialist, None, None), Err(StepError::NoReferralStep));
    assert_eq!(target(&[], Decision::ReferEmergency, None, None), Err(StepError::NoReferralStep));
}

#[test]
fn step_error_codes_are_pinned() {
    // The field error codes the form shows.
    let codes = [(StepError::Missing, "choose_step"), (StepError::Unknown, "unknown_step"), (StepError::WrongDirection, "wrong_direction"), (StepError::NoReferralStep, "no_referral_step")];
    for (error, code) in codes {
        assert_eq!(error.code(), code);
    }
}

// ---- check_ladder --------------------------------------------------------------------------

#[test]
fn an_empty_ladder() {
    assert_eq!(check_ladder(&[], &[]), Err(vec![LadderError::Empty]));
    assert_eq!(check_ladder(&[], &["guided".to_string()]), Err(vec![LadderError::Empty, LadderError::InUse("guided".to_string())]));
}

#[test]
fn bad_keys() {
    // Empty, spaces, capitals, non-ASCII letters, punctuation and the reserved "discharged", at each position.
    for bad in ["", "Has Space", "has space", "ÆØÅ", "æøå", "Guided", "step-up", "a.b", DISCHARGED, " guided"] {
        for n in 0..KEYS.len() {
            let mut ladder = default_ladder();
            ladder[n].key = bad.to_string();
            assert_eq!(check_ladder(&ladder, &[]), Err(vec![LadderError::BadKey(n)]), "{bad:?} at {n}");
        }
    }
    let mut ladder = default_ladder();
    ladder[2].key = "step_2b".to_string();
    assert_eq!(check_ladder(&ladder, &[]), Ok(()));
}

#[test]
fn duplicate_keys() {
    // The second (and any later) step with a key already used is the one named.
    let mut ladder = default_ladder();
    ladder[3].key = "guided".to_string();
    assert_eq!(check_ladder(&ladder, &[]), Err(vec![LadderError::DuplicateKey(3)]));
    ladder[6].key = "guided".to_string();
    assert_eq!(check_ladder(&ladder, &[]), Err(vec![LadderError::DuplicateKey(3), LadderError::DuplicateKey(6)]));
    let mut ladder = default_ladder();
    ladder[0].key = "acute".to_string();
    assert_eq!(check_ladder(&ladder, &[]), Err(vec![LadderError::DuplicateKey(6)]));
}

#[test]
fn missing_texts() {
    // A name or "what happens next" empty (or blank) in either language, at each position.
    for n in 0..KEYS.len() {
        for (field, blank) in [(0, ""), (1, "  "), (2, ""), (3, "\n")] {
            let mut ladder = default_ladder();
            let s = &mut ladder[n];
            let t = match field {
                0 => &mut s.name.nb,
                1 => &mut s.name.en,
                2 => &mut s.next.nb,
                _ => &mut s.next.en,
            };
            *t = blank.to_string();
            assert_eq!(check_ladder(&ladder, &[]), Err(vec![LadderError::MissingText(n)]), "field {field} at {n}");
        }
    }
    // A bad key and missing text on one step: both reported.
    let mut ladder = default_ladder();
    ladder[1].key = String::new();
    ladder[1].next.en = String::new();
    assert_eq!(check_ladder(&ladder, &[]), Err(vec![LadderError::BadKey(1), LadderError::MissingText(1)]));
}

#[test]
fn removing_a_step_in_use() {
    // A step patients are or were on cannot be removed; one nobody used can; "discharged" is no step.
    let without_group: Vec<Step> = default_ladder().into_iter().filter(|s| s.key != "group").collect();
    let in_use = |keys: &[&str]| keys.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    assert_eq!(check_ladder(&without_group, &in_use(&["guided", "consultations"])), Ok(()));
    assert_eq!(check_ladder(&without_group, &in_use(&["guided", "group", DISCHARGED])), Err(vec![LadderError::InUse("group".to_string())]));
    assert_eq!(check_ladder(&without_group, &in_use(&[DISCHARGED])), Ok(()));
    let only_guided = vec![step("guided", StepKind::Guided)];
    assert_eq!(
        check_ladder(&only_guided, &in_use(&["self_help", "guided", "therapy"])),
        Err(vec![LadderError::InUse("self_help".to_string()), LadderError::InUse("therapy".to_string())])
    );
}

// ---- Decision and StepKind -----------------------------------------------------------------

#[test]
fn decision_keys_round_trip() {
    // Every decision's key parses back; only step up and step down name a step.
    let expected = [
        (Decision::Continue, "continue", false),
        (Decision::ContactPatient, "contact_patient", false),
        (Decision::StepUp, "step_up", true),
        (Decision::ReferSpecialist, "refer_specialist", false),
        (Decision::ReferEmergency, "refer_emergency", false),
        (Decision::StepDown, "step_down", true),
    ];
    assert_eq!(Decision::ALL.to_vec(), expected.iter().map(|e| e.0).collect::<Vec<_>>());
    for (decision, key, needs_step) in expected {
        assert_eq!(decision.key(), key);
        assert_eq!(Decision::parse(key), Some(decision));
        assert_eq!(decision.needs_step(), needs_step, "{key}");
    }
    for bad in ["", "Continue", "step-up", "discharge", "refer"] {
        assert_eq!(Decision::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn step_kind_keys_round_trip() {
    // Every kind's key parses back and is its serialised name; only the two referral kinds end the programme.
    let expected = [
        (StepKind::Unguided, "unguided", false),
        (StepKind::Guided, "guided", false),
        (StepKind::WithContacts, "with_contacts", false),
        (StepKind::Specialist, "specialist", true),
        (StepKind::Emergency, "emergency", true),
    ];
    assert_eq!(StepKind::ALL.to_vec(), expected.iter().map(|e| e.0).collect::<Vec<_>>());
    for (kind, key, referral) in expected {
        assert_eq!(kind.key(), key);
        assert_eq!(StepKind::parse(key), Some(kind));
        assert_eq!(kind.is_referral(), referral, "{key}");
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{key}\""));
    }
    for bad in ["", "Guided", "with-contacts", "acute"] {
        assert_eq!(StepKind::parse(bad), None, "{bad:?}");
    }
}
