//! FHIR R4: every instrument as a Questionnaire (with its built-in text, a synthetic pack, or as
//! a skeleton) and responses that survive JSON and read back to the same answers.

use serde_json::Value;
use stegvis_content::fhir::{
    self, answers_of, bundle, questionnaire, questionnaire_response, questionnaire_url, FhirError, Questionnaire, QuestionnaireItem, QuestionnaireResponse,
    ResponseRecord, ANSWER_SYSTEM, LOINC, NOT_APPLICABLE, TOTAL_LINK,
};
use stegvis_content::instruments::{by_id, pack, Instrument, InstrumentText, ALL};

/// The synthetic packs of the licensed instruments.
fn pack_text(id: &str) -> Option<InstrumentText> {
    let source = match id {
        "pdss-sr" => include_str!("../instrument-packs/examples/pdss-sr.synthetic.toml"),
        "lsas-sr" => include_str!("fixtures/packs/lsas-sr.synthetic.toml"),
        "wsas" => include_str!("fixtures/packs/wsas.synthetic.toml"),
        "spin" => include_str!("fixtures/packs/spin.synthetic.toml"),
        "madrs-s" => include_str!("fixtures/packs/madrs-s.synthetic.toml"),
        _ => return None,
    };
    let pack = pack::parse(source).unwrap_or_else(|p| panic!("{id}: {p:#?}"));
    assert_eq!(pack.instrument.id, id);
    Some(pack.text)
}

/// The text an organisation would show: built in for free instruments, its pack otherwise.
fn text_of(instrument: &'static Instrument) -> Option<InstrumentText> {
    instrument.builtin_text().or_else(|| pack_text(instrument.id))
}

fn get(id: &str) -> &'static Instrument {
    by_id(id).unwrap_or_else(|| panic!("instrument {id}"))
}

/// Questionnaire → JSON → Questionnaire, equal; and the JSON.
fn round_trip(q: &Questionnaire) -> Value {
    let json = serde_json::to_string(q).unwrap();
    let back: Questionnaire = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, q);
    serde_json::from_str(&json).unwrap()
}

/// The question items, groups flattened, in order.
fn questions(q: &Questionnaire) -> Vec<&QuestionnaireItem> {
    q.item.iter().flat_map(|i| if i.kind == "group" { i.item.iter().collect() } else { vec![i] }).filter(|i| i.link_id != TOTAL_LINK).collect()
}

#[test]
fn every_instrument_as_a_questionnaire() {
    for instrument in ALL {
        let id = instrument.id;
        let text = text_of(instrument);
        assert!(text.is_some(), "{id}: every instrument has a built-in text or a synthetic pack here");
        for locale in ["nb", "en"] {
            let q = questionnaire(instrument, text.as_ref(), locale);
            let json = round_trip(&q);
            assert_eq!(json["resourceType"], "Questionnaire", "{id}");
            assert_eq!(json["url"], questionnaire_url(instrument).as_str(), "{id}");
            assert_eq!(json["url"], format!("https://stegvis.no/fhir/Questionnaire/{id}").as_str());
            assert_eq!(json["status"], "active");
            assert_eq!(json["language"], locale);
            assert_eq!(q.id, id);
            let text = text.as_ref().unwrap();
            assert_eq!(q.title, text.title.get(locale), "{id}");
            assert_eq!(q.copyright.as_deref(), Some(text.notice.get(locale)), "{id}");
            assert_eq!(q.description.as_deref(), text.instructions.as_ref().map(|t| t.get(locale)), "{id}");

            // Items in the instrument's order, groups flattened, the total last.
            let flat = questions(&q);
            assert_eq!(flat.iter().map(|i| i.link_id.as_str()).collect::<Vec<_>>(), instrument.items.iter().map(|i| i.id).collect::<Vec<_>>(), "{id}");
            let total = q.item.last().unwrap();
            assert_eq!((total.link_id.as_str(), total.kind.as_str(), total.read_only), (TOTAL_LINK, "integer", Some(true)), "{id}");
            assert_eq!(total.code.first().map(|c| c.code.as_str()), instrument.loinc_total, "{id}");
            let mut groups: Vec<&str> = instrument.items.iter().filter_map(|i| i.group).collect();
            groups.dedup();
            let q_groups: Vec<&str> = q.item.iter().filter(|i| i.kind == "group").map(|i| i.link_id.as_str()).collect();
            assert_eq!(q_groups, groups, "{id}");
            for group in q.item.iter().filter(|i| i.kind == "group") {
                assert_eq!(group.text.as_deref(), Some(text.groups[&group.link_id].get(locale)), "{id}");
                assert!(group.answer_option.is_empty());
            }

            for (item, qi) in instrument.items.iter().zip(&flat) {
                let max = instrument.item_scale(item).max;
                assert_eq!(qi.kind, "choice");
                assert_eq!(qi.required, Some(true));
                assert_eq!(qi.text.as_deref(), text.question(item).map(|t| t.get(locale)), "{id} {}", item.id);
                assert!(qi.text.as_ref().is_some_and(|t| !t.is_empty()), "{id} {}", item.id);
                assert_eq!(qi.answer_option.len(), usize::from(max) + 1 + usize::from(item.may_not_apply), "{id} {}", item.id);
                let labels = text.labels(item);
                for (v, option) in qi.answer_option.iter().take(usize::from(max) + 1).enumerate() {
                    let coding = &option.value_coding;
                    assert_eq!(option.extension.len(), 1, "{id}");
                    assert_eq!(option.extension[0].url, "http://hl7.org/fhir/StructureDefinition/ordinalValue");
                    assert_eq!(option.extension[0].value_decimal, v as f64, "{id}");
                    assert_eq!(coding.display.as_deref(), Some(labels[v].get(locale)), "{id} {} {v}", item.id);
                    match instrument.item_scale(item).loinc_answers {
                        [] => assert_eq!((coding.system.as_deref(), coding.code.as_str()), (Some(ANSWER_SYSTEM), v.to_string().as_str()), "{id}"),
                        codes => assert_eq!((coding.system.as_deref(), coding.code.as_str()), (Some(LOINC), codes[v]), "{id}"),
                    }
                }
                if item.may_not_apply {
                    let na = &qi.answer_option.last().unwrap().value_coding;
                    assert_eq!((na.system.as_deref(), na.code.as_str()), (Some(ANSWER_SYSTEM), NOT_APPLICABLE));
                    assert_eq!(na.display.as_deref(), text.not_applicable.as_ref().map(|t| t.get(locale)));
                    assert!(na.display.is_some(), "{id}");
                }
                assert_eq!(qi.code.first().map(|c| c.code.as_str()), item.loinc, "{id} {}", item.id);
            }
        }
    }
}

#[test]
fn loinc_codes_of_phq9_and_gad7() {
    let phq9 = get("phq9");
    let q = questionnaire(phq9, phq9.builtin_text().as_ref(), "en");
    assert_eq!(q.code.len(), 1);
    assert_eq!((q.code[0].system.as_deref(), q.code[0].code.as_str()), (Some(LOINC), "44249-1"));
    assert_eq!(q.name, "PHQ9");
    let item9 = &q.item[8];
    assert_eq!(item9.link_id, "phq9_9");
    assert_eq!((item9.code[0].system.as_deref(), item9.code[0].code.as_str()), (Some(LOINC), "44260-8"));
    let total = q.item.iter().find(|i| i.link_id == TOTAL_LINK).unwrap();
    assert_eq!(total.code[0].code, "44261-6");
    assert_eq!(total.text.as_deref(), Some("Total score"));
    assert_eq!(questionnaire(phq9, None, "nb").item.last().unwrap().text.as_deref(), Some("Totalskår"));
    let json = serde_json::to_value(&q).unwrap();
    assert_eq!(json["item"][8]["code"][0]["system"], "http://loinc.org");
    assert_eq!(json["item"][8]["answerOption"][1]["valueCoding"]["code"], "LA6569-3");
    assert_eq!(json["item"][8]["answerOption"][1]["valueCoding"]["display"], "Several days");
    assert_eq!(json["item"][8]["answerOption"][1]["extension"][0]["valueDecimal"], 1.0);

    let gad7 = get("gad7");
    let q = questionnaire(gad7, gad7.builtin_text().as_ref(), "en");
    assert_eq!(q.code[0].code, "69737-5");
    assert_eq!(q.item.last().unwrap().code[0].code, "70274-6");
    assert_eq!(q.item[0].answer_option[0].value_coding.display.as_deref(), Some("Not at all"));
    for q in [questionnaire(phq9, None, "en"), q] {
        for item in questions(&q) {
            let codes: Vec<_> = item.answer_option.iter().map(|o| (o.value_coding.system.as_deref(), o.value_coding.code.as_str())).collect();
            assert_eq!(codes, [(Some(LOINC), "LA6568-5"), (Some(LOINC), "LA6569-3"), (Some(LOINC), "LA6570-1"), (Some(LOINC), "LA6571-9")], "{}", item.link_id);
        }
    }
}

#[test]
fn a_licensed_instrument_without_a_pack_is_a_skeleton() {
    for instrument in ALL.iter().filter(|i| !i.is_free()) {
        let id = instrument.id;
        let q = questionnaire(instrument, None, "nb");
        let json = round_trip(&q);
        assert_eq!(json["resourceType"], "Questionnaire");
        assert_eq!(q.title, instrument.name.nb, "{id}");
        assert_eq!(q.description, None, "{id}");
        let copyright = q.copyright.as_deref().unwrap();
        assert!(copyright.contains("not included") && copyright.starts_with('©'), "{id}: {copyright}");
        for item in q.item.iter().filter(|i| i.link_id != TOTAL_LINK) {
            assert_eq!(item.text, None, "{id} {}", item.link_id);
            for child in &item.item {
                assert_eq!(child.text, None, "{id} {}", child.link_id);
            }
        }
        let flat = questions(&q);
        assert_eq!(flat.len(), instrument.items.len(), "{id}");
        for (item, qi) in instrument.items.iter().zip(flat) {
            assert_eq!(qi.link_id, item.id);
            assert_eq!(qi.answer_option.len(), usize::from(instrument.item_scale(item).max) + 1 + usize::from(item.may_not_apply), "{id}");
            assert!(qi.answer_option.iter().all(|o| o.value_coding.display.is_none()), "{id} {}", item.id);
        }
        // Nothing of a pack leaks into the skeleton: the JSON has no text but the total's.
        let raw = serde_json::to_string(&q).unwrap();
        assert_eq!(raw.matches("\"text\"").count(), 1, "{id}");
        assert!(!raw.contains("\"display\""), "{id}");
        assert!(!raw.contains("ynthetic") && !raw.contains("yntetisk"), "{id}");
    }
}

// ---- responses ----------------------------------------------------------------------------

/// A tiny deterministic generator (Knuth's MMIX LCG), high bits out.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u32) -> u8 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % u64::from(n)) as u8
    }
}

fn record<'a>(instrument: &'static Instrument, answers: &'a [Option<u8>], id: i64, corrects: Option<i64>) -> ResponseRecord<'a> {
    ResponseRecord { id, instrument, answers, total: instrument.score(answers).ok().map(|s| s.total), authored: "2026-11-25T10:15:00+01:00".into(), corrects }
}

/// Response → JSON → response, equal; and the JSON.
fn response_round_trip(r: &QuestionnaireResponse) -> Value {
    let json = serde_json::to_string(r).unwrap();
    let back: QuestionnaireResponse = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, r);
    serde_json::from_str(&json).unwrap()
}

#[test]
fn responses_round_trip() {
    let mut rng = Lcg(20261125);
    let mut n = 0;
    for instrument in ALL {
        let id = instrument.id;
        for k in 0..300 {
            let answers: Vec<Option<u8>> = instrument
                .items
                .iter()
                .map(|item| {
                    let max = instrument.item_scale(item).max;
                    if item.may_not_apply && rng.below(5) == 0 {
                        None
                    } else {
                        Some(rng.below(u32::from(max) + 1))
                    }
                })
                .collect();
            let rec = record(instrument, &answers, 1000 + k, None);
            assert!(rec.total.is_some(), "{id} {answers:?}");
            let response = questionnaire_response(&rec);
            let json = response_round_trip(&response);
            assert_eq!(json["resourceType"], "QuestionnaireResponse");
            assert_eq!(json["questionnaire"], questionnaire_url(instrument).as_str());
            assert_eq!(json["status"], "completed");
            assert_eq!(json["id"], (1000 + k).to_string().as_str());
            assert_eq!(json["authored"], "2026-11-25T10:15:00+01:00");
            assert!(json.get("extension").is_none());
            let back: QuestionnaireResponse = serde_json::from_value(json).unwrap();
            let (read, read_answers) = answers_of(&back).unwrap_or_else(|e| panic!("{id} {answers:?}: {e:?}"));
            assert_eq!(read.id, id);
            assert_eq!(read_answers, answers, "{id}");
            let total = back.item.last().unwrap();
            assert_eq!(total.link_id, TOTAL_LINK);
            assert_eq!(total.answer[0].value_integer, rec.total.map(i64::from), "{id}");
            n += 1;
        }
    }
    assert_eq!(n, 300 * ALL.len());
}

#[test]
fn responses_use_loinc_answer_codes_where_they_exist() {
    let phq9 = get("phq9");
    let answers = [Some(0), Some(1), Some(2), Some(3), Some(0), Some(1), Some(2), Some(3), Some(1)];
    let json = response_round_trip(&questionnaire_response(&record(phq9, &answers, 1, None)));
    assert_eq!(json["item"][1]["linkId"], "phq9_2");
    assert_eq!(json["item"][1]["answer"][0]["valueCoding"]["system"], "http://loinc.org");
    assert_eq!(json["item"][1]["answer"][0]["valueCoding"]["code"], "LA6569-3");
    assert_eq!(json["item"][3]["answer"][0]["valueCoding"]["code"], "LA6571-9");
    assert_eq!(json["item"][9]["linkId"], "total");
    assert_eq!(json["item"][9]["answer"][0]["valueInteger"], 13);

    // A licensed instrument: Stegvis' own code system; LSAS-SR nests the answers in groups.
    let lsas = get("lsas-sr");
    let answers: Vec<_> = (0..48).map(|k| Some((k % 4) as u8)).collect();
    let json = response_round_trip(&questionnaire_response(&record(lsas, &answers, 2, None)));
    assert_eq!(json["item"].as_array().unwrap().len(), 24 + 1);
    assert_eq!(json["item"][1]["linkId"], "lsas_sr_2");
    assert!(json["item"][1].get("answer").is_none());
    assert_eq!(json["item"][1]["item"][0]["linkId"], "lsas_sr_2_fear");
    assert_eq!(json["item"][1]["item"][1]["linkId"], "lsas_sr_2_avoidance");
    assert_eq!(json["item"][1]["item"][1]["answer"][0]["valueCoding"]["system"], ANSWER_SYSTEM);
    assert_eq!(json["item"][1]["item"][1]["answer"][0]["valueCoding"]["code"], "3");
    assert_eq!(json["item"][24]["answer"][0]["valueInteger"], 12 * (1 + 2 + 3));
    // No total where the answers are not scored.
    let mut incomplete = answers.clone();
    incomplete[5] = None;
    let response = questionnaire_response(&record(lsas, &incomplete, 3, None));
    assert!(response.item.iter().all(|i| i.link_id != TOTAL_LINK));
}

#[test]
fn wsas_not_applicable_round_trips() {
    let wsas = get("wsas");
    let answers = [None, Some(4), Some(4), Some(4), Some(4)];
    let rec = record(wsas, &answers, 7, None);
    assert_eq!(rec.total, Some(20), "the work item imputed");
    let response = questionnaire_response(&rec);
    let json = response_round_trip(&response);
    let coding = &json["item"][0]["answer"][0]["valueCoding"];
    assert_eq!(json["item"][0]["linkId"], "wsas_1");
    assert_eq!((coding["system"].as_str(), coding["code"].as_str()), (Some(ANSWER_SYSTEM), Some(NOT_APPLICABLE)));
    assert_eq!(json["item"][5]["answer"][0]["valueInteger"], 20);
    let (instrument, read) = answers_of(&response).unwrap();
    assert_eq!(instrument.id, "wsas");
    assert_eq!(read, answers);
}

#[test]
fn bundles_round_trip() {
    let mut rng = Lcg(7);
    let mut responses = Vec::new();
    let mut all_answers = Vec::new();
    for (k, instrument) in ALL.iter().enumerate() {
        let answers: Vec<Option<u8>> = instrument.items.iter().map(|item| Some(rng.below(u32::from(instrument.item_scale(item).max) + 1))).collect();
        responses.push(questionnaire_response(&record(instrument, &answers, k as i64 + 1, None)));
        all_answers.push((instrument.id, answers));
    }
    let b = bundle(responses.clone(), "2026-11-25T12:00:00Z".into());
    let json = serde_json::to_string(&b).unwrap();
    let back: fhir::Bundle = serde_json::from_str(&json).unwrap();
    assert_eq!(back, b);
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["resourceType"], "Bundle");
    assert_eq!(value["type"], "collection");
    assert_eq!(value["timestamp"], "2026-11-25T12:00:00Z");
    assert_eq!(value["entry"].as_array().unwrap().len(), ALL.len());
    assert_eq!(value["entry"][2]["resource"]["resourceType"], "QuestionnaireResponse");
    assert_eq!(back.entry.iter().map(|e| e.resource.clone()).collect::<Vec<_>>(), responses);
    for (entry, (id, answers)) in back.entry.iter().zip(&all_answers) {
        let (instrument, read) = answers_of(&entry.resource).unwrap();
        assert_eq!((instrument.id, &read), (*id, answers));
    }
    let empty = bundle(vec![], "2026-11-25T12:00:00Z".into());
    assert_eq!(serde_json::from_str::<fhir::Bundle>(&serde_json::to_string(&empty).unwrap()).unwrap(), empty);
}

#[test]
fn a_correction_names_the_response_it_corrects() {
    let gad7 = get("gad7");
    let answers = [Some(1); 7];
    let response = questionnaire_response(&record(gad7, &answers, 42, Some(41)));
    let json = response_round_trip(&response);
    assert_eq!(json["id"], "42");
    // R4's partOf may only point at an Observation or a Procedure: an extension instead.
    assert!(json.get("partOf").is_none());
    assert_eq!(json["extension"].as_array().unwrap().len(), 1);
    assert_eq!(json["extension"][0]["url"], fhir::CORRECTS);
    assert_eq!(json["extension"][0]["valueReference"]["reference"], "QuestionnaireResponse/41");
    assert_eq!(answers_of(&response).unwrap().1, answers);
}

#[test]
fn unanswered_items_round_trip_without_an_answer() {
    // WSAS with an unanswered item other than the work item (mean-substituted), and a PHQ-9
    // kept only for its risk answer: no "does not apply" where the item does not offer it.
    for (id, answers) in [
        ("wsas", vec![Some(4), Some(4), None, Some(4), Some(4)]),
        ("phq9", vec![None, None, None, None, None, None, None, None, Some(1)]),
    ] {
        let instrument = get(id);
        let response = questionnaire_response(&record(instrument, &answers, 7, None));
        let json = response_round_trip(&response);
        let unanswered = &json["item"].as_array().unwrap()[if id == "wsas" { 2 } else { 0 }];
        assert!(unanswered.get("answer").is_none(), "{unanswered}");
        let back: QuestionnaireResponse = serde_json::from_value(json).unwrap();
        let (read, read_answers) = answers_of(&back).unwrap();
        assert_eq!(read.id, id);
        assert_eq!(read_answers, answers);
    }
}

// ---- reading back what is wrong ----------------------------------------------------------

fn phq9_response() -> QuestionnaireResponse {
    questionnaire_response(&record(get("phq9"), &[Some(2); 9], 5, None))
}

#[test]
fn unknown_questionnaire() {
    let mut r = phq9_response();
    r.questionnaire = "https://stegvis.no/fhir/Questionnaire/phq8".into();
    assert_eq!(answers_of(&r).err(), Some(FhirError::UnknownQuestionnaire("https://stegvis.no/fhir/Questionnaire/phq8".into())));
    r.questionnaire = "phq9".into();
    assert_eq!(answers_of(&r).err(), Some(FhirError::UnknownQuestionnaire("phq9".into())));
}

#[test]
fn missing_item() {
    let mut r = phq9_response();
    r.item.retain(|i| i.link_id != "phq9_4");
    assert_eq!(answers_of(&r).err(), Some(FhirError::MissingItem("phq9_4".into())));
    // Inside a group.
    let lsas = get("lsas-sr");
    let mut r = questionnaire_response(&record(lsas, &[Some(1); 48], 6, None));
    r.item[9].item.retain(|i| i.link_id != "lsas_sr_10_avoidance");
    assert_eq!(answers_of(&r).err(), Some(FhirError::MissingItem("lsas_sr_10_avoidance".into())));
}

#[test]
fn bad_answers() {
    let bad = |change: &dyn Fn(&mut fhir::Coding)| {
        let mut r = phq9_response();
        change(r.item[1].answer[0].value_coding.as_mut().unwrap());
        answers_of(&r).err()
    };
    let phq9_2 = Some(FhirError::BadAnswer("phq9_2".into()));
    assert_eq!(bad(&|c| c.code = "LA9999-9".into()), phq9_2);
    assert_eq!(bad(&|c| c.code = NOT_APPLICABLE.into()), phq9_2, "PHQ-9 has no does-not-apply");
    assert_eq!(
        bad(&|c| {
            c.system = Some(ANSWER_SYSTEM.into());
            c.code = "4".into();
        }),
        phq9_2
    );
    // In range on Stegvis' own code system, it reads as the value.
    let mut r = phq9_response();
    r.item[1].answer[0].value_coding = Some(fhir::Coding { system: Some(ANSWER_SYSTEM.into()), code: "3".into(), display: None });
    assert_eq!(answers_of(&r).unwrap().1[1], Some(3));
    // No answer reads as unanswered; an answer without a coding is wrong.
    let mut r = phq9_response();
    r.item[1].answer.clear();
    assert_eq!(answers_of(&r).unwrap().1[1], None);
    let mut r = phq9_response();
    r.item[1].answer[0] = fhir::Answer { value_coding: None, value_integer: Some(2) };
    assert_eq!(answers_of(&r).err(), phq9_2);

    // Out of range on a licensed instrument's scale (PDSS-SR: 0–4).
    let pdss = get("pdss-sr");
    let mut r = questionnaire_response(&record(pdss, &[Some(0); 7], 8, None));
    r.item[6].answer[0].value_coding.as_mut().unwrap().code = "5".into();
    assert_eq!(answers_of(&r).err(), Some(FhirError::BadAnswer("pdss_sr_7".into())));
    r.item[6].answer[0].value_coding.as_mut().unwrap().code = "-1".into();
    assert_eq!(answers_of(&r).err(), Some(FhirError::BadAnswer("pdss_sr_7".into())));
    // A LOINC code on a scale that has none.
    r.item[6].answer[0].value_coding = Some(fhir::Coding { system: Some(LOINC.into()), code: "LA6568-5".into(), display: None });
    assert_eq!(answers_of(&r).err(), Some(FhirError::BadAnswer("pdss_sr_7".into())));
    // WSAS: only the work item may be "does not apply".
    let wsas = get("wsas");
    let mut r = questionnaire_response(&record(wsas, &[Some(1); 5], 9, None));
    r.item[2].answer[0].value_coding.as_mut().unwrap().code = NOT_APPLICABLE.into();
    assert_eq!(answers_of(&r).err(), Some(FhirError::BadAnswer("wsas_3".into())));
}
