//! HL7 FHIR R4: every instrument as a Questionnaire and every response as a
//! QuestionnaireResponse (JSON), with LOINC codes where they exist. Only the parts of the
//! resources Stegvis fills in are modelled; [`answers_of`] reads a response back.

use serde::{Deserialize, Serialize};

use crate::instruments::{self, Instrument, InstrumentText, Item};

pub const LOINC: &str = "http://loinc.org";
/// Stegvis' own code system for answer values without a LOINC answer code.
pub const ANSWER_SYSTEM: &str = "https://stegvis.no/fhir/CodeSystem/answer-value";
const ORDINAL: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
pub const NOT_APPLICABLE: &str = "not-applicable";
pub const TOTAL_LINK: &str = "total";

pub fn questionnaire_url(instrument: &Instrument) -> String {
    format!("https://stegvis.no/fhir/Questionnaire/{}", instrument.id)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coding {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    pub url: String,
    pub value_decimal: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerOption {
    pub value_coding: Coding,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<Extension>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireItem {
    pub link_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer_option: Vec<AnswerOption>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<QuestionnaireItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Questionnaire {
    pub resource_type: String,
    pub id: String,
    pub url: String,
    pub name: String,
    pub title: String,
    pub status: String,
    pub language: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copyright: Option<String>,
    pub item: Vec<QuestionnaireItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_coding: Option<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_integer: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseItem {
    pub link_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer: Vec<Answer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item: Vec<ResponseItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub reference: String,
}

/// Stegvis' extension naming the response a correction replaces.
pub const CORRECTS: &str = "https://stegvis.no/fhir/StructureDefinition/corrects";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceExtension {
    pub url: String,
    pub value_reference: Reference,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireResponse {
    pub resource_type: String,
    pub id: String,
    pub questionnaire: String,
    pub status: String,
    pub authored: String,
    /// The response this one corrects (Stegvis keeps both; the newer one counts), as the
    /// [`CORRECTS`] extension: R4's `partOf` may not point at another response.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extension: Vec<ReferenceExtension>,
    pub item: Vec<ResponseItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BundleEntry {
    pub resource: QuestionnaireResponse,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    pub resource_type: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub timestamp: String,
    pub entry: Vec<BundleEntry>,
}

fn answer_coding(instrument: &Instrument, item: &Item, value: u8, display: Option<String>) -> Coding {
    match instrument.item_scale(item).loinc_answers.get(usize::from(value)) {
        Some(code) => Coding { system: Some(LOINC.into()), code: code.to_string(), display },
        None => Coding { system: Some(ANSWER_SYSTEM.into()), code: value.to_string(), display },
    }
}

fn not_applicable(display: Option<String>) -> Coding {
    Coding { system: Some(ANSWER_SYSTEM.into()), code: NOT_APPLICABLE.into(), display }
}

/// The instrument as a Questionnaire in `locale`. With `text` (built in, or the organisation's
/// pack) it carries the wording; without, a licensed instrument is exported as a skeleton:
/// identifiers, codes and answer values only.
pub fn questionnaire(instrument: &'static Instrument, text: Option<&InstrumentText>, locale: &str) -> Questionnaire {
    let question = |item: &Item| {
        let labels = text.map(|t| t.labels(item)).unwrap_or(&[]);
        let mut options: Vec<AnswerOption> = (0..=instrument.item_scale(item).max)
            .map(|v| AnswerOption {
                value_coding: answer_coding(instrument, item, v, labels.get(usize::from(v)).map(|l| l.get(locale).to_string())),
                extension: vec![Extension { url: ORDINAL.into(), value_decimal: f64::from(v) }],
            })
            .collect();
        if item.may_not_apply {
            let display = text.and_then(|t| t.not_applicable.as_ref()).map(|l| l.get(locale).to_string());
            options.push(AnswerOption { value_coding: not_applicable(display), extension: vec![] });
        }
        QuestionnaireItem {
            link_id: item.id.into(),
            text: text.and_then(|t| t.question(item)).map(|t| t.get(locale).to_string()),
            kind: "choice".into(),
            code: item.loinc.map(|c| vec![Coding { system: Some(LOINC.into()), code: c.into(), display: None }]).unwrap_or_default(),
            required: Some(true),
            read_only: None,
            answer_option: options,
            item: vec![],
        }
    };
    let mut items: Vec<QuestionnaireItem> = Vec::new();
    for item in instrument.items {
        match item.group {
            Some(group) => match items.last_mut() {
                Some(last) if last.link_id == group => last.item.push(question(item)),
                _ => items.push(QuestionnaireItem {
                    link_id: group.into(),
                    text: text.and_then(|t| t.groups.get(group)).map(|t| t.get(locale).to_string()),
                    kind: "group".into(),
                    code: vec![],
                    required: None,
                    read_only: None,
                    answer_option: vec![],
                    item: vec![question(item)],
                }),
            },
            None => items.push(question(item)),
        }
    }
    items.push(QuestionnaireItem {
        link_id: TOTAL_LINK.into(),
        text: Some(if locale == "en" { "Total score" } else { "Totalskår" }.into()),
        kind: "integer".into(),
        code: instrument.loinc_total.map(|c| vec![Coding { system: Some(LOINC.into()), code: c.into(), display: None }]).unwrap_or_default(),
        required: None,
        read_only: Some(true),
        answer_option: vec![],
        item: vec![],
    });
    Questionnaire {
        resource_type: "Questionnaire".into(),
        id: instrument.id.into(),
        url: questionnaire_url(instrument),
        name: instrument.abbreviation.replace('-', ""),
        title: text.map(|t| t.title.get(locale).to_string()).unwrap_or_else(|| instrument.name.get(locale).to_string()),
        status: "active".into(),
        language: if locale == "en" { "en" } else { "nb" }.into(),
        code: instrument.loinc_panel.map(|c| vec![Coding { system: Some(LOINC.into()), code: c.into(), display: None }]).unwrap_or_default(),
        description: text.and_then(|t| t.instructions.as_ref()).map(|t| t.get(locale).to_string()),
        copyright: Some(match (&instrument.licence, text) {
            (_, Some(t)) => t.notice.get(locale).to_string(),
            (instruments::Licence::Pack { holder }, None) => format!("© {holder}. Item text not included: licensed."),
            (instruments::Licence::Free { credit, .. }, None) => credit.get(locale).to_string(),
        }),
        item: items,
    }
}

/// A stored response, as FHIR needs it.
#[derive(Clone, Debug)]
pub struct ResponseRecord<'a> {
    pub id: i64,
    pub instrument: &'static Instrument,
    pub answers: &'a [Option<u8>],
    pub total: Option<u16>,
    /// RFC 3339.
    pub authored: String,
    pub corrects: Option<i64>,
}

pub fn questionnaire_response(record: &ResponseRecord) -> QuestionnaireResponse {
    let instrument = record.instrument;
    // An item left unanswered (kept for its risk answer, or imputed) has no answer at all;
    // "does not apply" only where the item offers it.
    let answer = |item: &Item, value: Option<u8>| ResponseItem {
        link_id: item.id.into(),
        answer: match value {
            Some(v) => vec![Answer { value_coding: Some(answer_coding(instrument, item, v, None)), value_integer: None }],
            None if item.may_not_apply => vec![Answer { value_coding: Some(not_applicable(None)), value_integer: None }],
            None => vec![],
        },
        item: vec![],
    };
    let mut items: Vec<ResponseItem> = Vec::new();
    for (item, value) in instrument.items.iter().zip(record.answers.iter().copied()) {
        match item.group {
            Some(group) => match items.last_mut() {
                Some(last) if last.link_id == group => last.item.push(answer(item, value)),
                _ => items.push(ResponseItem { link_id: group.into(), answer: vec![], item: vec![answer(item, value)] }),
            },
            None => items.push(answer(item, value)),
        }
    }
    if let Some(total) = record.total {
        items.push(ResponseItem { link_id: TOTAL_LINK.into(), answer: vec![Answer { value_coding: None, value_integer: Some(i64::from(total)) }], item: vec![] });
    }
    QuestionnaireResponse {
        resource_type: "QuestionnaireResponse".into(),
        id: record.id.to_string(),
        questionnaire: questionnaire_url(instrument),
        status: "completed".into(),
        authored: record.authored.clone(),
        extension: record
            .corrects
            .map(|id| vec![ReferenceExtension { url: CORRECTS.into(), value_reference: Reference { reference: format!("QuestionnaireResponse/{id}") } }])
            .unwrap_or_default(),
        item: items,
    }
}

pub fn bundle(responses: Vec<QuestionnaireResponse>, timestamp: String) -> Bundle {
    Bundle { resource_type: "Bundle".into(), kind: "collection".into(), timestamp, entry: responses.into_iter().map(|resource| BundleEntry { resource }).collect() }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FhirError {
    UnknownQuestionnaire(String),
    MissingItem(String),
    BadAnswer(String),
}

/// Reads the instrument and the answers (in item order) back out of a response.
pub fn answers_of(response: &QuestionnaireResponse) -> Result<(&'static Instrument, Vec<Option<u8>>), FhirError> {
    let instrument = instruments::ALL
        .iter()
        .copied()
        .find(|i| questionnaire_url(i) == response.questionnaire)
        .ok_or_else(|| FhirError::UnknownQuestionnaire(response.questionnaire.clone()))?;
    let flat: Vec<&ResponseItem> = response.item.iter().flat_map(|i| std::iter::once(i).chain(i.item.iter())).collect();
    let answers = instrument
        .items
        .iter()
        .map(|item| {
            let found = flat.iter().find(|r| r.link_id == item.id).ok_or_else(|| FhirError::MissingItem(item.id.into()))?;
            if found.answer.is_empty() {
                return Ok(None);
            }
            let coding = found.answer.first().and_then(|a| a.value_coding.as_ref()).ok_or_else(|| FhirError::BadAnswer(item.id.into()))?;
            if coding.code == NOT_APPLICABLE && item.may_not_apply {
                return Ok(None);
            }
            let scale = instrument.item_scale(item);
            let value = match coding.system.as_deref() {
                Some(LOINC) => scale.loinc_answers.iter().position(|c| *c == coding.code).map(|v| v as u8),
                _ => coding.code.parse::<u8>().ok().filter(|v| *v <= scale.max),
            };
            value.map(Some).ok_or_else(|| FhirError::BadAnswer(item.id.into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((instrument, answers))
}
