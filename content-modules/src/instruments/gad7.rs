//! GAD-7, the Generalized Anxiety Disorder scale (Spitzer, Kroenke, Williams & Löwe 2006).
//!
//! Seven items, 0–3, over the last two weeks. Total 0–21; bands 0–4 minimal, 5–9 mild, 10–14
//! moderate, 15–21 severe; caseness ≥ 8 and reliable change 4 (NHS Talking Therapies manual).
//! The first option reads "Not at all" (some reproductions wrongly print "Not at all sure").
//! Free to reproduce, translate, display and distribute; © Pfizer Inc.

use super::{frequency_item, Band, Domain, Instrument, Label, Licence, Missing, FREQUENCY, PFIZER_WORDING};

pub static GAD7: Instrument = Instrument {
    id: "gad7",
    abbreviation: "GAD-7",
    name: Label { nb: "GAD-7 (spørreskjema om bekymring og uro)", en: "GAD-7 (Generalized Anxiety Disorder scale)" },
    domain: Domain::Anxiety,
    instructions: Some(Label {
        nb: "I løpet av de siste 2 ukene, hvor ofte har du vært plaget av følgende problemer?",
        en: "Over the last 2 weeks, how often have you been bothered by the following problems?",
    }),
    scales: std::slice::from_ref(&FREQUENCY),
    items: &[
        frequency_item("gad7_1", "69725-0", "Følt deg nervøs, engstelig eller på tuppa", "Feeling nervous, anxious or on edge"),
        frequency_item("gad7_2", "68509-9", "Ikke klart å slutte å bekymre deg eller å kontrollere bekymringene", "Not being able to stop or control worrying"),
        frequency_item("gad7_3", "69733-4", "Bekymret deg for mye om forskjellige ting", "Worrying too much about different things"),
        frequency_item("gad7_4", "69734-2", "Hatt vanskelig for å slappe av", "Trouble relaxing"),
        frequency_item("gad7_5", "69735-9", "Vært så rastløs at det har vært vanskelig å sitte stille", "Being so restless that it is hard to sit still"),
        frequency_item("gad7_6", "69689-8", "Blitt lett irritert eller sint", "Becoming easily annoyed or irritable"),
        frequency_item("gad7_7", "69736-7", "Følt deg redd, som om noe forferdelig kunne skje", "Feeling afraid as if something awful might happen"),
    ],
    bands: &[
        Band { key: "minimal", min: 0, max: 4, label: Label { nb: "minimal", en: "minimal" } },
        Band { key: "mild", min: 5, max: 9, label: Label { nb: "mild", en: "mild" } },
        Band { key: "moderate", min: 10, max: 14, label: Label { nb: "moderat", en: "moderate" } },
        Band { key: "severe", min: 15, max: 21, label: Label { nb: "alvorlig", en: "severe" } },
    ],
    caseness: Some(8),
    reliable_change: Some(4),
    risk: &[],
    missing: Missing::NotScored,
    loinc_panel: Some("69737-5"),
    loinc_total: Some("70274-6"),
    licence: Licence::Free {
        credit: Label {
            nb: "GAD-7 er utviklet av dr. Robert L. Spitzer, dr. Janet B.W. Williams, dr. Kurt Kroenke og kolleger med et utdanningsstipend fra Pfizer Inc. © Pfizer Inc. Fritt til bruk; ingen tillatelse kreves for å gjengi, oversette, vise eller distribuere.",
            en: "GAD-7 was developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. © Pfizer Inc. No permission required to reproduce, translate, display or distribute.",
        },
        wording: PFIZER_WORDING,
    },
    source: "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092–7. Caseness and reliable change: NHS Talking Therapies Manual (v7, 2024).",
};
