//! The stepped-care ladder and the decisions that close a flag (`clinical.md`, "The
//! stepped-care ladder"). An organisation edits its own ladder; the default is the one RPH
//! teams describe, lowest step first.

use serde::{Deserialize, Serialize};

use crate::Text;

/// What a step means for the patient's place in Stegvis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Self-help without a therapist.
    Unguided,
    /// A therapist reads homework and answers messages.
    Guided,
    /// Guided, with contacts added (phone/video consultations, a group course, sessions).
    WithContacts,
    /// Referral to specialist care (DPS): the programme ends, the patient keeps read access.
    Specialist,
    /// Referral to acute or inpatient care: as [`StepKind::Specialist`].
    Emergency,
}

impl StepKind {
    pub const ALL: [StepKind; 5] = [StepKind::Unguided, StepKind::Guided, StepKind::WithContacts, StepKind::Specialist, StepKind::Emergency];

    pub fn key(self) -> &'static str {
        match self {
            StepKind::Unguided => "unguided",
            StepKind::Guided => "guided",
            StepKind::WithContacts => "with_contacts",
            StepKind::Specialist => "specialist",
            StepKind::Emergency => "emergency",
        }
    }

    pub fn parse(key: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Referral steps end the active programme; care goes on elsewhere.
    pub fn is_referral(self) -> bool {
        matches!(self, StepKind::Specialist | StepKind::Emergency)
    }
}

/// One step of an organisation's ladder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Stable identifier, kept in the record of every step change.
    pub key: String,
    pub kind: StepKind,
    pub name: Text,
    /// What happens next, told to the patient after they are moved to this step.
    pub next: Text,
}

fn text(nb: &str, en: &str) -> Text {
    Text { nb: nb.to_string(), en: en.to_string() }
}

/// The default ladder, lowest first.
pub fn default_ladder() -> Vec<Step> {
    let step = |key: &str, kind, name: Text, next: Text| Step { key: key.to_string(), kind, name, next };
    vec![
        step(
            "self_help",
            StepKind::Unguided,
            text("Selvhjelp mens du venter", "Self-help while you wait"),
            text("Du kan lese og gjøre øvelsene på egen hånd. Vi tar kontakt når det er din tur.", "You can read and do the exercises on your own. We will contact you when it is your turn."),
        ),
        step(
            "guided",
            StepKind::Guided,
            text("Veiledet internettbehandling", "Guided internet treatment"),
            text("Behandleren din leser det du sender inn og svarer skriftlig, vanligvis innen to arbeidsdager.", "Your therapist reads what you send and answers in writing, usually within two working days."),
        ),
        step(
            "consultations",
            StepKind::WithContacts,
            text("Veiledet behandling med samtaler på telefon eller video", "Guided treatment with phone or video consultations"),
            text("Behandleren din tar kontakt for å avtale samtaler på telefon eller video, i tillegg til programmet.", "Your therapist will contact you to arrange phone or video consultations, alongside the programme."),
        ),
        step(
            "group",
            StepKind::WithContacts,
            text("Kurs i gruppe (for eksempel KiD eller KiB)", "Group course (such as KiD or KiB)"),
            text("Du får tilbud om et kurs i gruppe. Behandleren din tar kontakt om tid og sted.", "You will be offered a group course. Your therapist will contact you about the time and place."),
        ),
        step(
            "therapy",
            StepKind::WithContacts,
            text("Kort individuell behandling i kommunen", "Short individual therapy in the municipality"),
            text("Du får samtaler med en behandler i kommunen. Du blir kontaktet for å avtale første time.", "You will have sessions with a therapist in the municipality. You will be contacted to book the first appointment."),
        ),
        step(
            "specialist",
            StepKind::Specialist,
            text("Spesialisthelsetjenesten (DPS)", "Specialist mental health care (DPS)"),
            text("Du er henvist videre til spesialisthelsetjenesten, som tar kontakt med deg. Programmet ditt er avsluttet, men du kan fortsatt lese alt du har gjort.", "You have been referred to specialist care, who will contact you. Your programme has ended, but you can still read everything you did."),
        ),
        step(
            "acute",
            StepKind::Emergency,
            text("Akutt hjelp eller innleggelse", "Acute or inpatient care"),
            text("Du er henvist til akutt hjelp. Programmet ditt er avsluttet, men du kan fortsatt lese alt du har gjort.", "You have been referred to acute care. Your programme has ended, but you can still read everything you did."),
        ),
    ]
}

/// The step after a discharge: no step at all.
pub const DISCHARGED: &str = "discharged";

/// What a clinician decides when closing a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Decision {
    Continue,
    /// Phone or video contact with the patient.
    ContactPatient,
    /// To a higher step, which the clinician names.
    StepUp,
    ReferSpecialist,
    ReferEmergency,
    /// To a lower step, which the clinician names, or out of the service ([`DISCHARGED`]).
    StepDown,
}

impl Decision {
    pub const ALL: [Decision; 6] = [Decision::Continue, Decision::ContactPatient, Decision::StepUp, Decision::ReferSpecialist, Decision::ReferEmergency, Decision::StepDown];

    pub fn key(self) -> &'static str {
        match self {
            Decision::Continue => "continue",
            Decision::ContactPatient => "contact_patient",
            Decision::StepUp => "step_up",
            Decision::ReferSpecialist => "refer_specialist",
            Decision::ReferEmergency => "refer_emergency",
            Decision::StepDown => "step_down",
        }
    }

    pub fn parse(key: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.key() == key)
    }

    /// The clinician names the step.
    pub fn needs_step(self) -> bool {
        matches!(self, Decision::StepUp | Decision::StepDown)
    }
}

/// Why a decision's step is not possible (a field error code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepError {
    /// The decision needs a step and none was chosen.
    Missing,
    /// The named step is not on the ladder.
    Unknown,
    /// "Step up" to a step that is not higher (or "step down" to one not lower).
    WrongDirection,
    /// The ladder has no step of the kind the referral needs.
    NoReferralStep,
}

impl StepError {
    pub fn code(self) -> &'static str {
        match self {
            StepError::Missing => "choose_step",
            StepError::Unknown => "unknown_step",
            StepError::WrongDirection => "wrong_direction",
            StepError::NoReferralStep => "no_referral_step",
        }
    }
}

/// The step a decision moves the patient to: `None` if it does not move them. `current` is
/// their step now (none before assessment), `chosen` what the clinician picked.
pub fn target(ladder: &[Step], decision: Decision, current: Option<&str>, chosen: Option<&str>) -> Result<Option<String>, StepError> {
    let position = |key: &str| ladder.iter().position(|s| s.key == key);
    let current = current.and_then(position);
    let referral = |kind| ladder.iter().find(|s| s.kind == kind).map(|s| Some(s.key.clone())).ok_or(StepError::NoReferralStep);
    match decision {
        Decision::Continue | Decision::ContactPatient => Ok(None),
        Decision::ReferSpecialist => referral(StepKind::Specialist),
        Decision::ReferEmergency => referral(StepKind::Emergency),
        Decision::StepUp | Decision::StepDown => {
            let chosen = chosen.filter(|c| !c.is_empty()).ok_or(StepError::Missing)?;
            if decision == Decision::StepDown && chosen == DISCHARGED {
                return Ok(Some(DISCHARGED.to_string()));
            }
            let to = position(chosen).ok_or(StepError::Unknown)?;
            let right_way = match (decision, current) {
                (_, None) => true,
                (Decision::StepUp, Some(from)) => to > from,
                (_, Some(from)) => to < from,
            };
            if right_way {
                Ok(Some(chosen.to_string()))
            } else {
                Err(StepError::WrongDirection)
            }
        }
    }
}

/// Why an edited ladder cannot be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LadderError {
    Empty,
    /// A key that is empty, not lowercase letters, digits and `_`, or [`DISCHARGED`].
    BadKey(usize),
    DuplicateKey(usize),
    /// A name or "what happens next" text missing in a language.
    MissingText(usize),
    /// A step in use by a patient (its key) was removed.
    InUse(String),
}

/// Checks an edited ladder; `in_use` are the steps patients are on now or have been on.
pub fn check_ladder(steps: &[Step], in_use: &[String]) -> Result<(), Vec<LadderError>> {
    let mut problems = Vec::new();
    if steps.is_empty() {
        problems.push(LadderError::Empty);
    }
    for (n, step) in steps.iter().enumerate() {
        let good_key = !step.key.is_empty() && step.key != DISCHARGED && step.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !good_key {
            problems.push(LadderError::BadKey(n));
        } else if steps[..n].iter().any(|s| s.key == step.key) {
            problems.push(LadderError::DuplicateKey(n));
        }
        let filled = |t: &Text| !t.nb.trim().is_empty() && !t.en.trim().is_empty();
        if !filled(&step.name) || !filled(&step.next) {
            problems.push(LadderError::MissingText(n));
        }
    }
    for key in in_use {
        if key != DISCHARGED && !steps.iter().any(|s| &s.key == key) {
            problems.push(LadderError::InUse(key.clone()));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
