//! Measurement: which questionnaires an organisation can use (free ones, and licensed ones
//! once their pack is loaded), when they are due in each programme, the questionnaires put in
//! front of a patient, their answers (never changed; a correction is a new response), and the
//! score series the charts and outcomes are drawn from.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};
use stegvis_content::{
    fhir,
    flags::Kind,
    instruments::{self, pack, Instrument, InstrumentText},
    outcomes::{self, Outcome, Series},
    schedule::{self, Occasion, When},
    Measure, Programme,
};

use crate::{
    access::{PatientAccess, Viewer},
    audit::{self, Action},
    content::Content,
    dates,
    enrolments::{self, Enrolment},
    flags,
    notify::Notifier,
    now, Error, FieldError, Result,
};

// ---- instruments and packs -----------------------------------------------------------------

#[derive(Clone, Debug, FromRow)]
struct PackRow {
    instrument_id: String,
    source: String,
    uploaded_at: i64,
    uploaded_by_name: String,
}

/// An instrument as an organisation has it: its text if it can be used there.
#[derive(Clone, Debug)]
pub struct Available {
    pub instrument: &'static Instrument,
    pub text: Option<InstrumentText>,
    /// When and by whom the organisation's pack was uploaded.
    pub pack: Option<(i64, String)>,
}

/// Every instrument, with the organisation's text where it has one.
pub async fn instruments(pool: &AnyPool, organisation_id: i64) -> Result<Vec<Available>> {
    let packs: Vec<PackRow> = sqlx::query_as(
        "SELECT p.instrument_id, p.source, p.uploaded_at, u.display_name AS uploaded_by_name
           FROM instrument_packs p JOIN users u ON u.id = p.uploaded_by WHERE p.organisation_id = $1",
    )
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    Ok(instruments::ALL
        .iter()
        .map(|instrument| {
            let row = packs.iter().find(|p| p.instrument_id == instrument.id);
            let text = instrument.builtin_text().or_else(|| row.and_then(|r| pack::parse(&r.source).ok()).map(|p| p.text));
            Available { instrument, text, pack: row.map(|r| (r.uploaded_at, r.uploaded_by_name.clone())) }
        })
        .collect())
}

/// The text of one instrument in an organisation, if it can be used there.
pub async fn text(pool: &AnyPool, organisation_id: i64, instrument: &'static Instrument) -> Result<Option<InstrumentText>> {
    if let Some(text) = instrument.builtin_text() {
        return Ok(Some(text));
    }
    let source: Option<String> = sqlx::query_scalar("SELECT source FROM instrument_packs WHERE organisation_id = $1 AND instrument_id = $2")
        .bind(organisation_id)
        .bind(instrument.id)
        .fetch_optional(pool)
        .await?;
    Ok(source.and_then(|s| pack::parse(&s).ok()).map(|p| p.text))
}

/// Checks and stores an organisation's pack (replacing an earlier one for the instrument).
/// Every problem comes back as an error of the `pack` field, coded
/// `pack.<problem>:<language>:<expected>:<got>:<line>:<place in the file>`.
pub async fn upload_pack(pool: &AnyPool, viewer: &Viewer, source: &str) -> Result<&'static Instrument> {
    let organisation_id = viewer.organisation_id()?;
    let pack = pack::parse(source).map_err(|problems| {
        let n = |v: Option<usize>| v.map(|v| v.to_string()).unwrap_or_default();
        Error::Invalid(
            problems
                .into_iter()
                .map(|p| FieldError {
                    field: "pack".into(),
                    code: format!("pack.{}:{}:{}:{}:{}:{}", p.code, p.language.unwrap_or_default(), n(p.expected), n(p.got), n(p.line), p.what),
                })
                .collect(),
        )
    })?;
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM instrument_packs WHERE organisation_id = $1 AND instrument_id = $2").bind(organisation_id).bind(pack.instrument.id).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO instrument_packs (organisation_id, instrument_id, source, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(organisation_id)
        .bind(pack.instrument.id)
        .bind(source)
        .bind(viewer.user.id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(pack.instrument)
}

// ---- schedules -----------------------------------------------------------------------------

/// The questionnaires of a programme in an organisation: the programme's measures with the
/// organisation's choices over them.
pub async fn measures(pool: &AnyPool, organisation_id: i64, programme: &Programme) -> Result<Vec<Measure>> {
    let own: Vec<(String, String)> = sqlx::query_as("SELECT instrument_id, occasions FROM measure_schedules WHERE organisation_id = $1 AND programme_id = $2")
        .bind(organisation_id)
        .bind(&programme.id)
        .fetch_all(pool)
        .await?;
    Ok(programme
        .measures
        .iter()
        .map(|m| match own.iter().find(|(i, _)| *i == m.instrument) {
            Some((_, occasions)) => Measure { instrument: m.instrument.clone(), when: When::parse_list(occasions) },
            None => m.clone(),
        })
        .collect())
}

pub async fn set_measure(pool: &AnyPool, organisation_id: i64, programme: &Programme, instrument_id: &str, when: &[When]) -> Result<()> {
    if !programme.measures.iter().any(|m| m.instrument == instrument_id) {
        return Err(Error::invalid("instrument", "unknown_instrument"));
    }
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM measure_schedules WHERE organisation_id = $1 AND programme_id = $2 AND instrument_id = $3")
        .bind(organisation_id)
        .bind(&programme.id)
        .bind(instrument_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO measure_schedules (organisation_id, programme_id, instrument_id, occasions) VALUES ($1, $2, $3, $4)")
        .bind(organisation_id)
        .bind(&programme.id)
        .bind(instrument_id)
        .bind(When::list(when))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The day an occasion's questionnaire is due and the first day it is no longer asked for.
pub fn window(enrolment: &Enrolment, occasion: Occasion) -> Option<(time::Date, time::Date)> {
    Some(window_between(dates::parse(&enrolment.start_date)?, dates::parse(&enrolment.end_date)?, occasion))
}

/// [`window`] for a programme running from `start` to `end`.
pub fn window_between(start: time::Date, end: time::Date, occasion: Occasion) -> (time::Date, time::Date) {
    match occasion {
        Occasion::Start => (start, dates::add_days(start, 7)),
        Occasion::Week(n) => {
            let due = dates::add_days(start, 7 * i64::from(n));
            (due, dates::add_days(due, 7))
        }
        Occasion::End => (end, dates::add_days(end, 14)),
        Occasion::FollowUp(months) => {
            let due = dates::add_months(end, months);
            (due, dates::add_days(due, 28))
        }
    }
}

/// A questionnaire that was answered outside the form, in the caller's transaction: the
/// screening copied in as a waiting-list programme's first scores, or the demo's history.
/// `answers` is the stored JSON of the answers. Returns the response's id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_answered(
    conn: &mut sqlx::AnyConnection,
    enrolment_id: i64,
    instrument_id: &str,
    occasion: Occasion,
    (due_on, closes_on): (time::Date, time::Date),
    answers: &str,
    total: i64,
    submitted_at: i64,
) -> Result<i64> {
    let questionnaire_id: i64 = sqlx::query_scalar(
        "INSERT INTO questionnaires (enrolment_id, instrument_id, occasion, due_on, closes_on, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(enrolment_id)
    .bind(instrument_id)
    .bind(occasion.key())
    .bind(dates::format(due_on))
    .bind(dates::format(closes_on))
    .bind(submitted_at - 60)
    .fetch_one(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar("INSERT INTO responses (questionnaire_id, revision, answers, total, submitted_at) VALUES ($1, 0, $2, $3, $4) RETURNING id")
        .bind(questionnaire_id)
        .bind(answers)
        .bind(total)
        .bind(submitted_at)
        .fetch_one(&mut *conn)
        .await?)
}

// ---- what is due -----------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Questionnaire {
    pub id: i64,
    pub enrolment_id: i64,
    pub instrument_id: String,
    pub occasion: String,
    pub due_on: String,
    pub closes_on: String,
    pub postponed_until: Option<i64>,
}

impl Questionnaire {
    pub fn instrument(&self) -> Result<&'static Instrument> {
        instruments::by_id(&self.instrument_id).ok_or_else(|| Error::Internal(format!("unknown instrument {}", self.instrument_id)))
    }

    /// Postponing is allowed once.
    pub fn can_postpone(&self) -> bool {
        self.postponed_until.is_none()
    }

    /// Asked for before the patient reaches their modules: not postponed, or postponed and
    /// that day has passed.
    pub fn blocks(&self, at: i64) -> bool {
        self.postponed_until.is_none_or(|until| until <= at)
    }
}

const QUESTIONNAIRE_COLUMNS: &str = "q.id, q.enrolment_id, q.instrument_id, q.occasion, q.due_on, q.closes_on, q.postponed_until";

/// The questionnaires a patient has to answer today, oldest first: for each of their
/// enrolments, each measure the organisation uses whose window is open and that has no answer.
/// Creates them as their windows open.
pub async fn due(pool: &AnyPool, content: &Content, organisation_id: i64, patient_id: i64) -> Result<Vec<Questionnaire>> {
    let today = dates::today();
    let today_text = dates::format(today);
    // A pack is stored only once it has passed its checks: its row says the instrument is usable.
    let packs: Vec<String> = sqlx::query_scalar("SELECT instrument_id FROM instrument_packs WHERE organisation_id = $1").bind(organisation_id).fetch_all(pool).await?;
    let usable = |id: &str| instruments::by_id(id).is_some_and(|i| i.is_free() || packs.iter().any(|p| p == id));
    let open: HashSet<(i64, String, String)> = sqlx::query_as(
        "SELECT q.enrolment_id, q.instrument_id, q.occasion FROM questionnaires q JOIN enrolments e ON e.id = q.enrolment_id
          WHERE e.patient_id = $1 AND q.closes_on > $2",
    )
    .bind(patient_id)
    .bind(&today_text)
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    // While a referral waits, the waiting-list programme asks the screening again every few weeks.
    let rescreen_every: Option<i64> = sqlx::query_scalar(
        "SELECT o.rescreen_weeks FROM referrals r JOIN organisations o ON o.id = r.organisation_id WHERE r.patient_id = $1 AND r.status = 'waiting' LIMIT 1",
    )
    .bind(patient_id)
    .fetch_optional(pool)
    .await?;
    for enrolment in enrolments::of_patient(pool, patient_id).await? {
        let programme = content.snapshot(pool, enrolment.programme_version_id).await?;
        let rescreen: Vec<Occasion> = match (rescreen_every, enrolment.is_guided() || enrolment.ended_at.is_some(), dates::parse(&enrolment.start_date)) {
            (Some(every), false, Some(start)) => crate::intake::rescreen_weeks(every, dates::days_between(start, today)).into_iter().map(Occasion::Week).collect(),
            _ => Vec::new(),
        };
        for measure in measures(pool, organisation_id, &programme).await?.into_iter().filter(|m| usable(&m.instrument)) {
            let screening = crate::intake::SCREENING.contains(&measure.instrument.as_str());
            let mut occasions = schedule::occasions(&measure.when, programme.weeks);
            if screening {
                occasions.extend(rescreen.iter().copied());
                occasions.sort();
                occasions.dedup();
            }
            for occasion in occasions {
                // Once a therapist has ended the programme, the weekly questionnaires stop.
                if enrolment.ended_at.is_some() && matches!(occasion, Occasion::Start | Occasion::Week(_)) {
                    continue;
                }
                let Some((due_on, closes_on)) = window(&enrolment, occasion) else { continue };
                let key = (enrolment.id, measure.instrument.clone(), occasion.key());
                // Created once, as its window opens (another request may have just done it).
                if due_on <= today && today < closes_on && !open.contains(&key) {
                    sqlx::query(
                        "INSERT INTO questionnaires (enrolment_id, instrument_id, occasion, due_on, closes_on, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (enrolment_id, instrument_id, occasion) DO NOTHING",
                    )
                    .bind(key.0)
                    .bind(&key.1)
                    .bind(&key.2)
                    .bind(dates::format(due_on))
                    .bind(dates::format(closes_on))
                    .bind(now())
                    .execute(pool)
                    .await?;
                }
            }
        }
    }
    let order: BTreeMap<&str, usize> = instruments::ALL.iter().enumerate().map(|(n, i)| (i.id, n)).collect();
    let mut rows: Vec<Questionnaire> = sqlx::query_as(&format!(
        "SELECT {QUESTIONNAIRE_COLUMNS} FROM questionnaires q JOIN enrolments e ON e.id = q.enrolment_id
          WHERE e.patient_id = $1 AND q.due_on <= $2 AND q.closes_on > $2
            AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.questionnaire_id = q.id)"
    ))
    .bind(patient_id)
    .bind(&today_text)
    .fetch_all(pool)
    .await?;
    rows.sort_by_key(|q| (q.due_on.clone(), q.enrolment_id, order.get(q.instrument_id.as_str()).copied().unwrap_or(usize::MAX)));
    Ok(rows)
}

/// The questionnaires due for the viewer, if they are a patient (staff have none).
pub async fn due_for_viewer(pool: &AnyPool, content: &Content, viewer: &Viewer) -> Result<Vec<Questionnaire>> {
    let membership = viewer.membership()?;
    match membership.patient_id {
        Some(patient_id) => due(pool, content, membership.organisation.id, patient_id).await,
        None => Ok(Vec::new()),
    }
}

/// One of the viewer's own questionnaires (anyone else's is 404).
pub async fn own(pool: &AnyPool, viewer: &Viewer, id: i64) -> Result<Questionnaire> {
    let patient_id = viewer.membership()?.patient_id.ok_or(Error::NotFound)?;
    sqlx::query_as(&format!("SELECT {QUESTIONNAIRE_COLUMNS} FROM questionnaires q JOIN enrolments e ON e.id = q.enrolment_id WHERE q.id = $1 AND e.patient_id = $2"))
        .bind(id)
        .bind(patient_id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)
}

/// Puts a questionnaire off until the same time tomorrow; only once.
pub async fn postpone(pool: &AnyPool, questionnaire: &Questionnaire) -> Result<()> {
    if !questionnaire.can_postpone() {
        return Err(Error::invalid("form", "already_postponed"));
    }
    sqlx::query("UPDATE questionnaires SET postponed_until = $1 WHERE id = $2 AND postponed_until IS NULL")
        .bind(now() + 24 * 60 * 60)
        .bind(questionnaire.id)
        .execute(pool)
        .await?;
    Ok(())
}

// ---- answers ----------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Response {
    pub id: i64,
    pub questionnaire_id: i64,
    pub revision: i64,
    pub corrects: Option<i64>,
    pub answers: String,
    pub total: i64,
    pub submitted_at: i64,
    pub enrolment_id: i64,
    pub instrument_id: String,
    pub occasion: String,
    pub due_on: String,
    pub closes_on: String,
}

impl Response {
    pub fn values(&self) -> Vec<Option<u8>> {
        serde_json::from_str(&self.answers).unwrap_or_default()
    }

    pub fn instrument(&self) -> Option<&'static Instrument> {
        instruments::by_id(&self.instrument_id)
    }
}

const RESPONSE_COLUMNS: &str = "r.id, r.questionnaire_id, r.revision, r.corrects, r.answers, r.total, r.submitted_at, q.enrolment_id, q.instrument_id, q.occasion, q.due_on, q.closes_on";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submitted {
    /// Stored, with the flags it raised (in the same transaction).
    New(i64, Vec<Kind>),
    /// The same submit again (a double click, a retried request): nothing changed.
    Already(i64),
}

impl Submitted {
    /// A risk answer: the patient is shown crisis information at once.
    pub fn is_risk(&self) -> bool {
        matches!(self, Submitted::New(_, kinds) if kinds.contains(&Kind::Risk))
    }
}

/// Stores a complete questionnaire. `corrects` names the response being corrected (the
/// patient's latest for the same questionnaire); the answers of the old one stay. The flags the
/// answers raise are created in the same transaction: no stored risk answer is without its flag.
pub async fn submit(pool: &AnyPool, notifier: &Notifier, questionnaire: &Questionnaire, answers: &[Option<u8>], corrects: Option<&Response>) -> Result<Submitted> {
    let instrument = questionnaire.instrument()?;
    let score = instrument.score(answers).map_err(|_| Error::invalid("form", "incomplete"))?;
    let latest = latest_of(pool, questionnaire.id).await?;
    let revision = match (corrects, &latest) {
        (None, None) => 0,
        // Answered already: this is the same submit again.
        (None, Some(r)) => return Ok(Submitted::Already(r.id)),
        (Some(old), Some(r)) if old.id == r.id => r.revision + 1,
        // A correction of a response that has since been corrected: already done.
        (Some(_), Some(r)) => return Ok(Submitted::Already(r.id)),
        (Some(_), None) => return Err(Error::NotFound),
    };
    let at = now();
    let mut tx = pool.begin().await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO responses (questionnaire_id, revision, corrects, answers, total, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (questionnaire_id, revision) DO NOTHING RETURNING id",
    )
    .bind(questionnaire.id)
    .bind(revision)
    .bind(corrects.map(|r| r.id))
    .bind(serde_json::to_string(answers).expect("answers serialise"))
    .bind(i64::from(score.total))
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = inserted else {
        tx.rollback().await?;
        return Ok(Submitted::Already(latest_of(pool, questionnaire.id).await?.map(|r| r.id).ok_or(Error::NotFound)?));
    };
    let patient_id: i64 = sqlx::query_scalar("SELECT patient_id FROM enrolments WHERE id = $1").bind(questionnaire.enrolment_id).fetch_one(&mut *tx).await?;
    let kinds = flags::on_response(&mut tx, notifier, patient_id, questionnaire.enrolment_id, instrument, answers, Some(score.total), id, at).await?;
    tx.commit().await?;
    Ok(Submitted::New(id, kinds))
}

async fn latest_of(pool: &AnyPool, questionnaire_id: i64) -> Result<Option<Response>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {RESPONSE_COLUMNS} FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id
          WHERE r.questionnaire_id = $1 ORDER BY r.revision DESC LIMIT 1"
    ))
    .bind(questionnaire_id)
    .fetch_optional(pool)
    .await?)
}

/// A patient's responses, oldest occasion first. `current_only` leaves out those corrected since.
pub async fn responses(pool: &AnyPool, patient_id: i64, current_only: bool) -> Result<Vec<Response>> {
    let filter = if current_only { "AND NOT EXISTS (SELECT 1 FROM responses c WHERE c.corrects = r.id)" } else { "" };
    Ok(sqlx::query_as(&format!(
        "SELECT {RESPONSE_COLUMNS} FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id JOIN enrolments e ON e.id = q.enrolment_id
          WHERE e.patient_id = $1 {filter} ORDER BY q.due_on, r.questionnaire_id, r.revision"
    ))
    .bind(patient_id)
    .fetch_all(pool)
    .await?)
}

/// One response of a patient (another patient's is 404).
async fn response_of(pool: &AnyPool, patient_id: i64, id: i64) -> Result<Response> {
    sqlx::query_as(&format!(
        "SELECT {RESPONSE_COLUMNS} FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id JOIN enrolments e ON e.id = q.enrolment_id
          WHERE e.patient_id = $1 AND r.id = $2"
    ))
    .bind(patient_id)
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(Error::NotFound)
}

/// The patient's own response (for a correction, or to read it again).
pub async fn own_response(pool: &AnyPool, viewer: &Viewer, id: i64) -> Result<Response> {
    response_of(pool, viewer.membership()?.patient_id.ok_or(Error::NotFound)?, id).await
}

/// A response of a patient the viewer (staff) may see; audited.
pub async fn response_as_staff(pool: &AnyPool, access: &PatientAccess, id: i64, request_id: &str) -> Result<Response> {
    let response = response_of(pool, access.patient_id, id).await?;
    let mut conn = pool.acquire().await?;
    audit::record(&mut conn, access, Action::ViewResponses, request_id).await?;
    Ok(response)
}

// ---- progress ---------------------------------------------------------------------------------

/// One measure over an enrolment: its current totals in time order.
#[derive(Clone, Debug)]
pub struct Measured {
    pub instrument: &'static Instrument,
    pub points: Vec<Point>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    pub occasion: Occasion,
    pub due_on: String,
    pub total: u16,
    pub response_id: i64,
    pub submitted_at: i64,
}

/// The measures of one enrolment from the patient's current responses, in the order of
/// [`instruments::ALL`].
pub fn progress(responses: &[Response], enrolment_id: i64) -> Vec<Measured> {
    instruments::ALL
        .iter()
        .filter_map(|instrument| {
            let points: Vec<Point> = responses
                .iter()
                .filter(|r| r.enrolment_id == enrolment_id && r.instrument_id == instrument.id)
                .filter_map(|r| {
                    Some(Point {
                        occasion: Occasion::parse(&r.occasion)?,
                        due_on: r.due_on.clone(),
                        total: u16::try_from(r.total).ok()?,
                        response_id: r.id,
                        submitted_at: r.submitted_at,
                    })
                })
                .collect();
            (!points.is_empty()).then_some(Measured { instrument, points })
        })
        .collect()
}

/// The enrolment's outcome so far (first to latest score). Treatment contacts are the
/// therapist's written feedback on homework and the recorded contacts (phone, video, meeting)
/// within the programme's dates.
pub async fn outcome(pool: &AnyPool, measured: &[Measured], enrolment_id: i64) -> Result<Option<Outcome>> {
    let contacts: i64 = sqlx::query_scalar(&format!("SELECT {}", treatment_contacts("$1")))
    .bind(enrolment_id)
    .fetch_one(pool)
    .await?;
    Ok(with_series(measured, |series| outcomes::outcome(series, u32::try_from(contacts).unwrap_or(0))))
}

/// The SQL for the number of treatment contacts of the enrolment whose id is `enrolment` (a
/// placeholder or a column): the therapist's written feedback on homework and the recorded
/// contacts within the programme's dates.
pub fn treatment_contacts(enrolment: &str) -> String {
    format!(
        "((SELECT COUNT(*) FROM feedback f JOIN submissions s ON s.id = f.submission_id WHERE s.enrolment_id = {enrolment})
          + (SELECT COUNT(*) FROM contacts c JOIN enrolments ce ON ce.patient_id = c.patient_id
              WHERE ce.id = {enrolment} AND c.held_on >= ce.start_date AND c.held_on <= ce.end_date))"
    )
}

/// The measures as the outcome and flag rules take them: each measure's totals in time order.
pub fn with_series<R>(measured: &[Measured], f: impl FnOnce(&[Series]) -> R) -> R {
    let totals: Vec<Vec<u16>> = measured.iter().map(|m| m.points.iter().map(|p| p.total).collect()).collect();
    let series: Vec<Series> = measured.iter().zip(&totals).map(|(m, t)| Series { instrument: m.instrument, totals: t }).collect();
    f(&series)
}

// ---- FHIR -------------------------------------------------------------------------------------

/// Every response of a patient (corrections included, each naming what it corrects) as a
/// FHIR collection Bundle of QuestionnaireResponses.
pub async fn fhir_bundle(pool: &AnyPool, patient_id: i64) -> Result<fhir::Bundle> {
    let resources = responses(pool, patient_id, false)
        .await?
        .iter()
        .filter_map(|r| {
            let values = r.values();
            Some(fhir::questionnaire_response(&fhir::ResponseRecord {
                id: r.id,
                instrument: r.instrument()?,
                answers: &values,
                total: u16::try_from(r.total).ok(),
                authored: dates::rfc3339(r.submitted_at),
                corrects: r.corrects,
            }))
        })
        .collect();
    Ok(fhir::bundle(resources, dates::rfc3339(now())))
}
