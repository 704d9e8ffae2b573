//! PDSS-SR, the Panic Disorder Severity Scale – Self Report (Houck, Spegg, Shear & Rucci 2002).
//!
//! Seven items, each 0–4 with its own anchors. Total 0–28; no severity bands in Stegvis.
//! Caseness ≥ 8 and reliable change 5 are the values NHS Talking Therapies uses for its
//! panic measure (verify against the current manual). © M. Katherine Shear: the item text
//! and anchors are licensed and come from the organisation's instrument pack.

use super::{coded, Domain, Instrument, Label, Licence, Missing, Scale};

pub static PDSS_SR: Instrument = Instrument {
    id: "pdss-sr",
    abbreviation: "PDSS-SR",
    name: Label { nb: "PDSS-SR (panikk)", en: "PDSS-SR (Panic Disorder Severity Scale – Self Report)" },
    domain: Domain::Panic,
    instructions: None,
    scales: &[Scale { id: "severity", max: 4, labels: &[], loinc_answers: &[] }],
    items: &[
        coded("pdss_sr_1", "severity"),
        coded("pdss_sr_2", "severity"),
        coded("pdss_sr_3", "severity"),
        coded("pdss_sr_4", "severity"),
        coded("pdss_sr_5", "severity"),
        coded("pdss_sr_6", "severity"),
        coded("pdss_sr_7", "severity"),
    ],
    bands: &[],
    caseness: Some(8),
    reliable_change: Some(5),
    risk: &[],
    missing: Missing::NotScored,
    loinc_panel: None,
    loinc_total: None,
    licence: Licence::Pack { holder: "M. Katherine Shear" },
    source: "Houck PR et al. Reliability of the self-report version of the Panic Disorder Severity Scale. Depress Anxiety 2002;15:183–5. Caseness 8 and reliable change 5: NHS Talking Therapies Manual (verify).",
};
