//! MADRS-S, the self-rated Montgomery–Åsberg Depression Rating Scale (Svanborg & Åsberg 1994).
//!
//! Nine items, 0–6. Total 0–54; bands 0–12 minimal, 13–19 mild, 20–34 moderate, 35–54 severe;
//! caseness ≥ 13; no reliable-change value in Stegvis. Item 9 (zest for life / suicidal
//! thoughts) at 4 or more is a risk answer. The item text is licensed and comes from the
//! organisation's pack.

use super::{coded, Band, Domain, Instrument, Label, Licence, Missing, RiskItem, Scale};

pub static MADRS_S: Instrument = Instrument {
    id: "madrs-s",
    abbreviation: "MADRS-S",
    name: Label { nb: "MADRS-S (depresjon, selvrapport)", en: "MADRS-S (Montgomery–Åsberg Depression Rating Scale, self-rated)" },
    domain: Domain::Depression,
    instructions: None,
    scales: &[Scale { id: "intensity", max: 6, labels: &[], loinc_answers: &[] }],
    items: &[
        coded("madrs_s_1", "intensity"),
        coded("madrs_s_2", "intensity"),
        coded("madrs_s_3", "intensity"),
        coded("madrs_s_4", "intensity"),
        coded("madrs_s_5", "intensity"),
        coded("madrs_s_6", "intensity"),
        coded("madrs_s_7", "intensity"),
        coded("madrs_s_8", "intensity"),
        coded("madrs_s_9", "intensity"),
    ],
    bands: &[
        Band { key: "minimal", min: 0, max: 12, label: Label { nb: "minimal", en: "minimal" } },
        Band { key: "mild", min: 13, max: 19, label: Label { nb: "mild", en: "mild" } },
        Band { key: "moderate", min: 20, max: 34, label: Label { nb: "moderat", en: "moderate" } },
        Band { key: "severe", min: 35, max: 54, label: Label { nb: "alvorlig", en: "severe" } },
    ],
    caseness: Some(13),
    reliable_change: None,
    risk: &[RiskItem { item: "madrs_s_9", at_least: 4 }],
    missing: Missing::NotScored,
    loinc_panel: None,
    loinc_total: None,
    licence: Licence::Pack { holder: "P. Svanborg and M. Åsberg" },
    source: "Svanborg P, Åsberg M. A new self-rating scale for depression and anxiety states based on the CPRS. Acta Psychiatr Scand 1994;89:21–8. Bands and caseness: Stegvis clinical model (clinical.md).",
};
