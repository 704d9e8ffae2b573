//! PHQ-9, the Patient Health Questionnaire depression module (Kroenke, Spitzer & Williams 2001).
//!
//! Nine items on how often each problem bothered the person over the last two weeks, 0–3.
//! Total 0–27; bands 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 moderately severe, 20–27
//! severe; caseness ≥ 10 and reliable change 6 (NHS Talking Therapies manual). Item 9 (thoughts
//! of being better off dead or of self-harm) answered at all is a risk answer.
//! Free to reproduce, translate, display and distribute; © Pfizer Inc.

use super::{frequency_item, Band, Domain, Instrument, Label, Licence, Missing, RiskItem, FREQUENCY, PFIZER_WORDING};

pub static PHQ9: Instrument = Instrument {
    id: "phq9",
    abbreviation: "PHQ-9",
    name: Label { nb: "PHQ-9 (spørreskjema om humør)", en: "PHQ-9 (Patient Health Questionnaire)" },
    domain: Domain::Depression,
    instructions: Some(Label {
        nb: "I løpet av de siste 2 ukene, hvor ofte har du vært plaget av noen av de følgende problemene?",
        en: "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
    }),
    scales: std::slice::from_ref(&FREQUENCY),
    items: &[
        frequency_item("phq9_1", "44250-9", "Lite interesse for eller glede av å gjøre ting", "Little interest or pleasure in doing things"),
        frequency_item("phq9_2", "44255-8", "Følt deg nedfor, deprimert eller håpløs", "Feeling down, depressed, or hopeless"),
        frequency_item("phq9_3", "44259-0", "Vansker med å sovne eller sove igjennom natten, eller sovet for mye", "Trouble falling or staying asleep, or sleeping too much"),
        frequency_item("phq9_4", "44254-1", "Følt deg trett eller hatt lite energi", "Feeling tired or having little energy"),
        frequency_item("phq9_5", "44251-7", "Dårlig appetitt eller overspising", "Poor appetite or overeating"),
        frequency_item(
            "phq9_6",
            "44258-2",
            "Dårlig selvfølelse – eller følt at du er mislykket eller har sviktet deg selv eller familien din",
            "Feeling bad about yourself — or that you are a failure or have let yourself or your family down",
        ),
        frequency_item(
            "phq9_7",
            "44252-5",
            "Vansker med å konsentrere deg om ting, som å lese avisen eller se på TV",
            "Trouble concentrating on things, such as reading the newspaper or watching television",
        ),
        frequency_item(
            "phq9_8",
            "44253-3",
            "Beveget deg eller snakket så langsomt at andre kunne merke det? Eller det motsatte – at du har vært så rastløs eller urolig at du har beveget deg mye mer enn vanlig",
            "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual",
        ),
        frequency_item(
            "phq9_9",
            "44260-8",
            "Tanker om at det ville vært bedre om du var død, eller tanker om å skade deg selv på en eller annen måte",
            "Thoughts that you would be better off dead or of hurting yourself in some way",
        ),
    ],
    bands: &[
        Band { key: "minimal", min: 0, max: 4, label: Label { nb: "minimal", en: "minimal" } },
        Band { key: "mild", min: 5, max: 9, label: Label { nb: "mild", en: "mild" } },
        Band { key: "moderate", min: 10, max: 14, label: Label { nb: "moderat", en: "moderate" } },
        Band { key: "moderately_severe", min: 15, max: 19, label: Label { nb: "moderat alvorlig", en: "moderately severe" } },
        Band { key: "severe", min: 20, max: 27, label: Label { nb: "alvorlig", en: "severe" } },
    ],
    caseness: Some(10),
    reliable_change: Some(6),
    risk: &[RiskItem { item: "phq9_9", at_least: 1 }],
    missing: Missing::NotScored,
    loinc_panel: Some("44249-1"),
    loinc_total: Some("44261-6"),
    licence: Licence::Free {
        credit: Label {
            nb: "PHQ-9 er utviklet av dr. Robert L. Spitzer, dr. Janet B.W. Williams, dr. Kurt Kroenke og kolleger med et utdanningsstipend fra Pfizer Inc. © Pfizer Inc. Fritt til bruk; ingen tillatelse kreves for å gjengi, oversette, vise eller distribuere.",
            en: "PHQ-9 was developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. © Pfizer Inc. No permission required to reproduce, translate, display or distribute.",
        },
        wording: PFIZER_WORDING,
    },
    source: "Kroenke K, Spitzer RL, Williams JB. The PHQ-9. J Gen Intern Med 2001;16:606–13. Caseness and reliable change: NHS Talking Therapies Manual (v7, 2024).",
};
