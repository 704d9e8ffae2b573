//! WSAS, the Work and Social Adjustment Scale (Mundt, Marks, Shear & Greist 2002).
//!
//! Five items, 0–8. Total 0–40; < 10 subclinical, 10–20 significant impairment, > 20 severe.
//! No caseness or reliable-change value in Stegvis. The work item may be answered "does not
//! apply" (retired, or not working for reasons unrelated to the problem); one missing item is
//! replaced by the mean of the other four, as the scale's users do. The item text is licensed
//! (© I. Marks) and comes from the organisation's pack.

use super::{Band, Domain, Instrument, Item, Label, Licence, Missing, Scale};

const fn item(id: &'static str, may_not_apply: bool) -> Item {
    Item { id, scale: "impairment", group: None, text: None, loinc: None, may_not_apply }
}

pub static WSAS: Instrument = Instrument {
    id: "wsas",
    abbreviation: "WSAS",
    name: Label { nb: "WSAS (arbeid og sosial fungering)", en: "WSAS (Work and Social Adjustment Scale)" },
    domain: Domain::Functioning,
    instructions: None,
    scales: &[Scale { id: "impairment", max: 8, labels: &[], loinc_answers: &[] }],
    items: &[item("wsas_1", true), item("wsas_2", false), item("wsas_3", false), item("wsas_4", false), item("wsas_5", false)],
    bands: &[
        Band { key: "subclinical", min: 0, max: 9, label: Label { nb: "under klinisk nivå", en: "subclinical" } },
        Band { key: "significant", min: 10, max: 20, label: Label { nb: "betydelig nedsatt fungering", en: "significant impairment" } },
        Band { key: "severe", min: 21, max: 40, label: Label { nb: "alvorlig nedsatt fungering", en: "severe impairment" } },
    ],
    caseness: None,
    reliable_change: None,
    risk: &[],
    missing: Missing::MeanOfAnswered { at_most: 1 },
    loinc_panel: None,
    loinc_total: None,
    licence: Licence::Pack { holder: "Isaac Marks" },
    source: "Mundt JC, Marks IM, Shear MK, Greist JH. The Work and Social Adjustment Scale. Br J Psychiatry 2002;180:461–4.",
};
