//! The stepped-care ladder in the record: an organisation's ladder, each patient's step, and
//! every change of step with who, when, from, to, why and the handover summary that goes with
//! the patient (kept as it stood, so the summary a GP or DPS received can be printed again).

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool, FromRow};
use stegvis_content::{
    ladder::{self, Step, StepKind, DISCHARGED},
    Text,
};

use crate::{
    access::{PatientAccess, Viewer},
    audit::{self, Action},
    content::Content,
    dates, flags,
    homework::{self, Submission},
    measurement, now,
    org::{self, Role},
    Error, Result,
};

/// The longest note with a step change.
pub const MAX_STEP_NOTE: usize = 4_000;
/// The worksheets whose answers are the key points of a handover: goals, the exposure
/// hierarchy and the relapse-prevention plan.
pub const KEY_WORKSHEETS: [&str; 3] = ["goals", "exposure-hierarchy", "relapse-prevention-plan"];

// ---- the ladder -------------------------------------------------------------------------------

#[derive(FromRow)]
struct StepRow {
    key: String,
    kind: String,
    name_nb: String,
    name_en: String,
    next_nb: String,
    next_en: String,
}

/// The organisation's ladder, lowest first: its own, or the default.
pub async fn ladder(conn: &mut AnyConnection, organisation_id: i64) -> Result<Vec<Step>> {
    let rows: Vec<StepRow> = sqlx::query_as("SELECT key, kind, name_nb, name_en, next_nb, next_en FROM ladder_steps WHERE organisation_id = $1 ORDER BY position")
        .bind(organisation_id)
        .fetch_all(&mut *conn)
        .await?;
    if rows.is_empty() {
        return Ok(ladder::default_ladder());
    }
    Ok(rows
        .into_iter()
        .map(|r| Step {
            kind: StepKind::parse(&r.kind).unwrap_or(StepKind::Guided),
            key: r.key,
            name: Text { nb: r.name_nb, en: r.name_en },
            next: Text { nb: r.next_nb, en: r.next_en },
        })
        .collect())
}

/// Stores an organisation's edited ladder (admins). Steps that patients are or have been on
/// cannot be removed, since their record names them.
pub async fn set_ladder(pool: &AnyPool, viewer: &Viewer, steps: &[Step]) -> Result<()> {
    viewer.require(&[Role::OrgAdmin])?;
    let organisation_id = viewer.organisation_id()?;
    let mut tx = pool.begin().await?;
    let in_use: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT s.to_step FROM step_changes s JOIN patients p ON p.id = s.patient_id WHERE p.organisation_id = $1
         UNION SELECT DISTINCT s.from_step FROM step_changes s JOIN patients p ON p.id = s.patient_id WHERE p.organisation_id = $1 AND s.from_step IS NOT NULL",
    )
    .bind(organisation_id)
    .fetch_all(&mut *tx)
    .await?;
    ladder::check_ladder(steps, &in_use).map_err(|problems| {
        Error::Invalid(
            problems
                .into_iter()
                .map(|p| match p {
                    ladder::LadderError::Empty => crate::FieldError::new("ladder", "ladder_empty"),
                    ladder::LadderError::BadKey(n) => crate::FieldError::new(&format!("step.{n}.key"), "bad_step_key"),
                    ladder::LadderError::DuplicateKey(n) => crate::FieldError::new(&format!("step.{n}.key"), "duplicate_step_key"),
                    ladder::LadderError::MissingText(n) => crate::FieldError::new(&format!("step.{n}.name_nb"), "step_text_required"),
                    ladder::LadderError::InUse(key) => crate::FieldError::new("ladder", &format!("step_in_use:{key}")),
                })
                .collect(),
        )
    })?;
    sqlx::query("DELETE FROM ladder_steps WHERE organisation_id = $1").bind(organisation_id).execute(&mut *tx).await?;
    for (position, step) in steps.iter().enumerate() {
        sqlx::query(
            "INSERT INTO ladder_steps (organisation_id, position, key, kind, name_nb, name_en, next_nb, next_en)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(organisation_id)
        .bind(position as i64)
        .bind(&step.key)
        .bind(step.kind.key())
        .bind(step.name.nb.trim())
        .bind(step.name.en.trim())
        .bind(step.next.nb.trim())
        .bind(step.next.en.trim())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---- a patient's step -----------------------------------------------------------------------

/// The patient's step now; `None` before their assessment set one.
pub async fn current(conn: &mut AnyConnection, patient_id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar::<_, Option<String>>("SELECT step FROM patients WHERE id = $1").bind(patient_id).fetch_one(&mut *conn).await?)
}

/// Why a step changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// At or after an assessment (the start step, or a later review).
    Assessment,
    /// A decision on this flag.
    Flag(i64),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct StepChange {
    pub id: i64,
    pub from_step: Option<String>,
    pub to_step: String,
    pub reason: String,
    pub flag_id: Option<i64>,
    pub note: String,
    pub changed_by_name: String,
    pub on_behalf_of_name: Option<String>,
    pub changed_at: i64,
}

/// The patient's step changes, newest first. Callers have checked access.
pub async fn history(pool: &AnyPool, patient_id: i64) -> Result<Vec<StepChange>> {
    Ok(sqlx::query_as(
        "SELECT s.id, s.from_step, s.to_step, s.reason, s.flag_id, s.note, u.display_name AS changed_by_name, b.display_name AS on_behalf_of_name, s.changed_at
           FROM step_changes s JOIN users u ON u.id = s.changed_by LEFT JOIN users b ON b.id = s.on_behalf_of
          WHERE s.patient_id = $1 ORDER BY s.id DESC",
    )
    .bind(patient_id)
    .fetch_all(pool)
    .await?)
}

/// What the patient is told about their step: where they are and what happens next.
pub struct PatientStep {
    pub step: Step,
    pub since: i64,
}

/// The patient's own step and since when, if one has been set (and they were not discharged).
pub async fn of_viewer(pool: &AnyPool, viewer: &Viewer) -> Result<Option<PatientStep>> {
    let membership = viewer.membership()?;
    let Some(patient_id) = membership.patient_id else { return Ok(None) };
    let mut conn = pool.acquire().await?;
    let latest: Option<(String, i64)> = sqlx::query_as("SELECT to_step, changed_at FROM step_changes WHERE patient_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(patient_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((key, since)) = latest else { return Ok(None) };
    let ladder = ladder(&mut conn, membership.organisation.id).await?;
    Ok(ladder.into_iter().find(|s| s.key == key).map(|step| PatientStep { step, since }))
}

/// Sets the patient's step after an assessment (the start step, or a review), with a note.
pub async fn change(pool: &AnyPool, content: &Content, access: &PatientAccess, to: &str, note: &str, request_id: &str) -> Result<i64> {
    let mut problems = Vec::new();
    let note = crate::required_text("step_note", note, MAX_STEP_NOTE).map_err(|e| problems.push(e)).ok();
    let mut tx = pool.begin().await?;
    let ladder = ladder(&mut tx, access.organisation_id).await?;
    if to != DISCHARGED && !ladder.iter().any(|s| s.key == to) {
        problems.push(Error::invalid("new_step", "choose_step"));
    }
    let (Some(note), true) = (note, problems.is_empty()) else { return Err(Error::merge(problems)) };
    let id = change_in(&mut tx, pool, content, access, &ladder, Why::Assessment, to, note, request_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Moves the patient to `to` in the caller's transaction: the step change with its handover
/// summary, the patient's step, and for a referral or a discharge the end of the active
/// programmes (the patient keeps read access). Audited.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn change_in(tx: &mut AnyConnection, pool: &AnyPool, content: &Content, access: &PatientAccess, ladder: &[Step], why: Why, to: &str, note: &str, request_id: &str) -> Result<i64> {
    let from = current(tx, access.patient_id).await?;
    if from.as_deref() == Some(to) {
        // The field of the form that chose it: the step form's, or a flag's decision.
        let field = if why == Why::Assessment { "new_step" } else { "to_step" };
        return Err(Error::invalid(field, "same_step"));
    }
    let at = now();
    let (reason, flag_id) = match why {
        Why::Assessment => ("assessment", None),
        Why::Flag(id) => ("flag", Some(id)),
    };
    let find = |key: Option<&str>| key.and_then(|k| ladder.iter().find(|s| s.key == k).cloned());
    let made_by: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1").bind(access.actor_user_id).fetch_one(&mut *tx).await?;
    let handover = build_handover(tx, pool, content, access, HandoverHead { made_at: at, made_by, from: find(from.as_deref()), to: find(Some(to)), reason: reason.into(), note: note.into() }).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO step_changes (patient_id, from_step, to_step, reason, flag_id, note, changed_by, on_behalf_of, changed_at, handover)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(access.patient_id)
    .bind(from.as_deref())
    .bind(to)
    .bind(reason)
    .bind(flag_id)
    .bind(note)
    .bind(access.actor_user_id)
    .bind(access.on_behalf_of)
    .bind(at)
    .bind(serde_json::to_string(&handover).expect("a handover serialises"))
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE patients SET step = $1 WHERE id = $2").bind(to).bind(access.patient_id).execute(&mut *tx).await?;
    let leaves = to == DISCHARGED || find(Some(to)).is_some_and(|s| s.kind.is_referral());
    if leaves {
        let ended = sqlx::query("UPDATE enrolments SET ended_at = $1 WHERE patient_id = $2 AND ended_at IS NULL").bind(at).bind(access.patient_id).execute(&mut *tx).await?;
        if ended.rows_affected() > 0 {
            audit::record(tx, access, Action::EndEnrolment, request_id).await?;
        }
    }
    audit::record(tx, access, Action::ChangeStep, request_id).await?;
    Ok(id)
}

// ---- the handover summary ---------------------------------------------------------------------

/// What goes with the patient to whoever takes over: the step change itself, each programme
/// with its modules done, its scores over time and the key worksheets, and every flag with its
/// decision. Stored with the step change as it stood then.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub patient_name: String,
    pub organisation_name: String,
    #[serde(flatten)]
    pub head: HandoverHead,
    pub programmes: Vec<HandoverProgramme>,
    pub flags: Vec<flags::Flag>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverHead {
    pub made_at: i64,
    pub made_by: String,
    pub from: Option<Step>,
    /// `None`: discharged.
    pub to: Option<Step>,
    pub reason: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverProgramme {
    pub title: Text,
    pub start_date: String,
    pub end_date: String,
    /// The modules whose homework was handed in, with when.
    pub modules_done: Vec<(Text, i64)>,
    pub measures: Vec<HandoverMeasure>,
    pub key_points: Vec<Submission>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverMeasure {
    pub instrument_id: String,
    /// (due date, occasion key, total), first to last.
    pub points: Vec<(String, String, u16)>,
}

/// The handover summary as the record stands (committed data, and the flags as `conn` sees
/// them). Used by a step change; the demo seed uses it to write a backdated history.
pub async fn build_handover(conn: &mut AnyConnection, pool: &AnyPool, content: &Content, access: &PatientAccess, head: HandoverHead) -> Result<Handover> {
    let patient_name: String = sqlx::query_scalar("SELECT u.display_name FROM patients p JOIN users u ON u.id = p.user_id WHERE p.id = $1")
        .bind(access.patient_id)
        .fetch_one(&mut *conn)
        .await?;
    let organisation_name = org::name(pool, access.organisation_id).await?;
    let responses = measurement::responses(pool, access.patient_id, true).await?;
    let mut programmes = Vec::new();
    for enrolment in crate::enrolments::of_patient(pool, access.patient_id).await? {
        let programme = content.snapshot(pool, enrolment.programme_version_id).await?;
        let submitted: Vec<(i64, i64)> = sqlx::query_as("SELECT position, submitted_at FROM submissions WHERE enrolment_id = $1 ORDER BY position")
            .bind(enrolment.id)
            .fetch_all(&mut *conn)
            .await?;
        let mut modules_done = Vec::new();
        let mut key_points = Vec::new();
        for (position, submitted_at) in submitted {
            let Some(module) = programme.module(position as usize) else { continue };
            modules_done.push((module.title.clone(), submitted_at));
            if module.worksheet.as_ref().is_some_and(|w| KEY_WORKSHEETS.contains(&w.id.as_str())) {
                key_points.extend(homework::submission(pool, enrolment.id, position as usize).await?);
            }
        }
        let measures = measurement::progress(&responses, enrolment.id)
            .into_iter()
            .map(|m| HandoverMeasure { instrument_id: m.instrument.id.to_string(), points: m.points.into_iter().map(|p| (p.due_on, p.occasion.key(), p.total)).collect() })
            .collect();
        programmes.push(HandoverProgramme { title: programme.title.clone(), start_date: enrolment.start_date, end_date: enrolment.end_date, modules_done, measures, key_points });
    }
    // The flags as they stand in this transaction (the one being decided included).
    let flags = flags::of_patient_in(conn, access.patient_id).await?;
    Ok(Handover { patient_name, organisation_name, head, programmes, flags })
}

/// A step change's stored handover summary, for staff who may see the patient; audited.
pub async fn handover(pool: &AnyPool, access: &PatientAccess, step_change_id: i64, request_id: &str) -> Result<Handover> {
    let stored: String = sqlx::query_scalar("SELECT handover FROM step_changes WHERE id = $1 AND patient_id = $2")
        .bind(step_change_id)
        .bind(access.patient_id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)?;
    let handover = serde_json::from_str(&stored).map_err(|e| Error::Internal(format!("handover {step_change_id}: {e}")))?;
    let mut conn = pool.acquire().await?;
    audit::record(&mut conn, access, Action::ViewHandover, request_id).await?;
    Ok(handover)
}

/// The handover as a FHIR R4 document Bundle: a Composition whose sections carry the summary as
/// text, then an Observation for every score (LOINC-coded where the instrument has a code).
pub fn handover_fhir(handover: &Handover, step_change_id: i64, locale: &str, sections: &HandoverSections) -> serde_json::Value {
    use serde_json::json;
    let step_name = |s: &Option<Step>| s.as_ref().map(|s| s.name.get(locale).to_string()).unwrap_or_else(|| sections.discharged.clone());
    let mut observations = Vec::new();
    let mut measure_lines = Vec::new();
    for programme in &handover.programmes {
        for measure in &programme.measures {
            let Some(instrument) = stegvis_content::instruments::by_id(&measure.instrument_id) else { continue };
            let line: Vec<String> = measure.points.iter().map(|(due, _, total)| format!("{due}: {total}")).collect();
            measure_lines.push(format!("{}: {}", instrument.abbreviation, line.join(", ")));
            for (n, (due, occasion, total)) in measure.points.iter().enumerate() {
                let code = match instrument.loinc_total {
                    Some(loinc) => json!({"system": "http://loinc.org", "code": loinc, "display": instrument.abbreviation}),
                    None => json!({"system": INSTRUMENT_SYSTEM, "code": instrument.id, "display": instrument.abbreviation}),
                };
                observations.push(json!({
                    "fullUrl": format!("urn:uuid:observation-{step_change_id}-{}-{n}", instrument.id),
                    "resource": {
                        "resourceType": "Observation",
                        "status": "final",
                        "code": {"coding": [code], "text": format!("{} ({occasion})", instrument.abbreviation)},
                        "effectiveDateTime": due,
                        "valueInteger": total,
                    }
                }));
            }
        }
    }
    let modules: Vec<String> = handover
        .programmes
        .iter()
        .flat_map(|p| p.modules_done.iter().map(move |(title, _)| format!("{}: {}", p.title.get(locale), title.get(locale))))
        .collect();
    let flag_lines: Vec<String> = handover.flags.iter().map(|f| (sections.flag_line)(f, locale)).collect();
    let section = |title: &str, lines: &[String]| {
        let items: String = lines.iter().map(|l| format!("<li>{}</li>", escape(l))).collect();
        json!({"title": title, "text": {"status": "generated", "div": format!("<div xmlns=\"http://www.w3.org/1999/xhtml\"><ul>{items}</ul></div>")}})
    };
    let step_line = format!("{} → {}", step_name(&handover.head.from), step_name(&handover.head.to));
    let composition = json!({
        "fullUrl": format!("urn:uuid:composition-{step_change_id}"),
        "resource": {
            "resourceType": "Composition",
            "status": "final",
            "type": {"coding": [{"system": "http://loinc.org", "code": "18761-7", "display": "Transfer summary note"}]},
            "date": dates::rfc3339(handover.head.made_at),
            "title": sections.title,
            "subject": {"display": handover.patient_name},
            "author": [{"display": format!("{} ({})", handover.head.made_by, handover.organisation_name)}],
            "section": [
                section(&sections.step, &[step_line, handover.head.note.clone()]),
                section(&sections.scores, &measure_lines),
                section(&sections.modules, &modules),
                section(&sections.flags, &flag_lines),
            ],
        }
    });
    let mut entry = vec![composition];
    entry.extend(observations);
    json!({
        "resourceType": "Bundle",
        "type": "document",
        "identifier": {"system": "urn:stegvis:handover", "value": step_change_id.to_string()},
        "timestamp": dates::rfc3339(handover.head.made_at),
        "entry": entry,
    })
}

/// Codes a score of an instrument without a LOINC code for its total.
const INSTRUMENT_SYSTEM: &str = "https://stegvis.no/fhir/CodeSystem/instrument";

/// The translated words of the FHIR export, from the app's catalogue.
pub struct HandoverSections {
    pub title: String,
    pub step: String,
    pub scores: String,
    pub modules: String,
    pub flags: String,
    pub discharged: String,
    pub flag_line: fn(&flags::Flag, &str) -> String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
