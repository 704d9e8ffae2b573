//! SPIN, the Social Phobia Inventory (Connor et al. 2000).
//!
//! Seventeen items, 0–4. Total 0–68; no severity bands in Stegvis. Caseness ≥ 19 and reliable
//! change 10 as NHS Talking Therapies uses them (verify against the current manual). The item
//! text is licensed (Duke University / J. R. T. Davidson) and comes from the organisation's pack.

use super::{coded, Domain, Instrument, Label, Licence, Missing, Scale};

pub static SPIN: Instrument = Instrument {
    id: "spin",
    abbreviation: "SPIN",
    name: Label { nb: "SPIN (sosial angst)", en: "SPIN (Social Phobia Inventory)" },
    domain: Domain::SocialAnxiety,
    instructions: None,
    scales: &[Scale { id: "distress", max: 4, labels: &[], loinc_answers: &[] }],
    items: &[
        coded("spin_1", "distress"),
        coded("spin_2", "distress"),
        coded("spin_3", "distress"),
        coded("spin_4", "distress"),
        coded("spin_5", "distress"),
        coded("spin_6", "distress"),
        coded("spin_7", "distress"),
        coded("spin_8", "distress"),
        coded("spin_9", "distress"),
        coded("spin_10", "distress"),
        coded("spin_11", "distress"),
        coded("spin_12", "distress"),
        coded("spin_13", "distress"),
        coded("spin_14", "distress"),
        coded("spin_15", "distress"),
        coded("spin_16", "distress"),
        coded("spin_17", "distress"),
    ],
    bands: &[],
    caseness: Some(19),
    reliable_change: Some(10),
    risk: &[],
    missing: Missing::NotScored,
    loinc_panel: None,
    loinc_total: None,
    licence: Licence::Pack { holder: "Duke University (J. R. T. Davidson)" },
    source: "Connor KM et al. Psychometric properties of the Social Phobia Inventory (SPIN). Br J Psychiatry 2000;176:379–86. Caseness 19 and reliable change 10: NHS Talking Therapies Manual (verify).",
};
