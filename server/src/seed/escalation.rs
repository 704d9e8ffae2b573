//! The demo's escalation work: every patient's step set at their assessment, a patient who was
//! stepped up after asking for more help (with the handover summary of the time), and open
//! flags waiting: Kari's request for more help and Nils's reliable deterioration. Written
//! after the rest of the demo is committed, since a handover summary reads the record.

use sqlx::AnyPool;
use stegvis_content::{flags::Kind, ladder};
use stegvis_platform::{
    access::PatientAccess,
    audit::Action,
    content::Content,
    dates,
    org::Role,
    steps::{self, HandoverHead},
    Error,
};

use super::{Staff, DAY, HOUR};

/// Each patient's start step, set by their therapist (or the team lead) at the assessment.
const START_STEPS: &[(&str, &str, &str)] = &[
    ("pasient@stegvis.demo", "behandler@stegvis.demo", "guided"),
    ("jonas.lie@stegvis.demo", "behandler@stegvis.demo", "guided"),
    ("amina.hassan@stegvis.demo", "ola.berg@stegvis.demo", "guided"),
    ("per.olsen@stegvis.demo", "teamleder@stegvis.demo", "guided"),
    ("line.dahl@stegvis.demo", "ola.berg@stegvis.demo", "guided"),
    ("sara.lunde@stegvis.demo", "behandler@stegvis.demo", "guided"),
    ("henrik.moen@stegvis.demo", "behandler@stegvis.demo", "guided"),
    ("nils.aas@stegvis.demo", "behandler@stegvis.demo", "guided"),
    ("thomas.vik@stegvis.demo", "teamleder@stegvis.demo", "self_help"),
    ("mona.strand@stegvis.demo", "teamleder@stegvis.demo", "guided"),
    ("tor.haug@stegvis.demo", "teamleder@stegvis.demo", "guided"),
];

struct Person {
    patient_id: i64,
    organisation_id: i64,
    staff_id: i64,
    started: i64,
}

async fn person(pool: &AnyPool, patient: &str, staff: &str) -> Result<Person, Error> {
    let (patient_id, organisation_id, created): (i64, i64, i64) =
        sqlx::query_as("SELECT p.id, p.organisation_id, p.created_at FROM patients p JOIN users u ON u.id = p.user_id WHERE u.email = $1").bind(patient).fetch_one(pool).await?;
    let staff_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(staff).fetch_one(pool).await?;
    // The assessment: a day after they were registered, before the programme began.
    Ok(Person { patient_id, organisation_id, staff_id, started: created + DAY + 10 * HOUR })
}

/// A step change as it was made then, with the handover summary of that moment.
async fn step(pool: &AnyPool, content: &Content, p: &Person, from: Option<&str>, to: &str, flag_id: Option<i64>, note: &str, at: i64) -> Result<(), Error> {
    let ladder = ladder::default_ladder();
    let find = |key: Option<&str>| key.and_then(|k| ladder.iter().find(|s| s.key == k).cloned());
    let access = PatientAccess { actor_user_id: p.staff_id, acting_role: Role::Therapist, organisation_id: p.organisation_id, patient_id: p.patient_id, on_behalf_of: None };
    let made_by: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1").bind(p.staff_id).fetch_one(pool).await?;
    let reason = if flag_id.is_some() { "flag" } else { "assessment" };
    let head = HandoverHead { made_at: at, made_by, from: find(from), to: find(Some(to)), reason: reason.into(), note: note.into() };
    let mut tx = pool.begin().await?;
    let handover = steps::build_handover(&mut tx, pool, content, &access, head).await?;
    sqlx::query(
        "INSERT INTO step_changes (patient_id, from_step, to_step, reason, flag_id, note, changed_by, changed_at, handover)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(p.patient_id)
    .bind(from)
    .bind(to)
    .bind(reason)
    .bind(flag_id)
    .bind(note)
    .bind(p.staff_id)
    .bind(at)
    .bind(serde_json::to_string(&handover).expect("a handover serialises"))
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE patients SET step = $1 WHERE id = $2").bind(to).bind(p.patient_id).execute(&mut *tx).await?;
    Staff { user_id: p.staff_id, organisation_id: p.organisation_id, patient_id: p.patient_id }.audit(&mut tx, at, Action::ChangeStep).await?;
    tx.commit().await?;
    Ok(())
}

async fn open_flag(pool: &AnyPool, p: &Person, kind: Kind, reason: &str, response_id: Option<i64>, message: Option<&str>, at: i64) -> Result<i64, Error> {
    Ok(sqlx::query_scalar(
        "INSERT INTO flags (patient_id, kind, urgency, reason, once_key, response_id, message, raised_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(p.patient_id)
    .bind(kind.key())
    .bind(kind.urgency().key())
    .bind(reason)
    .bind(format!("demo:{}:{at}", kind.key()))
    .bind(response_id)
    .bind(message)
    .bind(at)
    .fetch_one(pool)
    .await?)
}

pub async fn write(pool: &AnyPool, content: &Content) -> Result<(), Error> {
    for (patient, staff, to) in START_STEPS {
        let p = person(pool, patient, staff).await?;
        let note = if *to == "self_help" {
            "Vurdering: lette plager, venter på oppstart. Selvhjelp i ventetiden, ny vurdering om to uker."
        } else {
            "Vurdering: passer for veiledet internettbehandling. Motivert, ingen risiko ved vurderingen."
        };
        step(pool, content, &p, None, to, None, note, p.started).await?;
    }
    // Jonas asked for more help three weeks ago; Maria called him and added consultations.
    let jonas = person(pool, "jonas.lie@stegvis.demo", "behandler@stegvis.demo").await?;
    let asked = stegvis_platform::now() - 21 * DAY - 5 * HOUR;
    let flag = open_flag(pool, &jonas, Kind::HelpRequest, "", None, Some("Jeg får ikke gjort aktivitetene alene. Kan vi snakke sammen?"), asked).await?;
    let decided = asked + 18 * HOUR;
    let note = "Ringte Jonas. Strever med å komme i gang alene på morgenen. Legger til samtale på telefon annenhver uke ved siden av programmet.";
    let note_id: i64 = sqlx::query_scalar(
        "INSERT INTO journal_notes (patient_id, written_on, kind, body, author_id, created_at) VALUES ($1, $2, 'assessment', $3, $4, $5) RETURNING id",
    )
    .bind(jonas.patient_id)
    .bind(dates::format(dates::oslo_date(decided)))
    .bind(note)
    .bind(jonas.staff_id)
    .bind(decided)
    .fetch_one(pool)
    .await?;
    sqlx::query("UPDATE flags SET closed_at = $1, closed_by = $2, decision = 'step_up', to_step = 'consultations', note_id = $3 WHERE id = $4")
        .bind(decided)
        .bind(jonas.staff_id)
        .bind(note_id)
        .bind(flag)
        .execute(pool)
        .await?;
    Staff { user_id: jonas.staff_id, organisation_id: jonas.organisation_id, patient_id: jonas.patient_id }.audit(&mut *pool.acquire().await?, decided, Action::CloseFlag).await?;
    step(pool, content, &jonas, Some("guided"), "consultations", Some(flag), note, decided + 60).await?;
    // Waiting for Maria: Kari asked for more help last night; Nils's latest PHQ-9 is a reliable
    // rise from his first.
    let kari = person(pool, "pasient@stegvis.demo", "behandler@stegvis.demo").await?;
    let last_night = (stegvis_content::calendar::oslo_midnight(dates::today()) - 2 * HOUR).min(stegvis_platform::now() - 60);
    open_flag(pool, &kari, Kind::HelpRequest, "", None, Some("Kveldene er tunge for tiden. Kan vi ta en prat på telefon denne uka?"), last_night).await?;
    let nils = person(pool, "nils.aas@stegvis.demo", "behandler@stegvis.demo").await?;
    let (response_id, submitted): (i64, i64) = sqlx::query_as(
        "SELECT r.id, r.submitted_at FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id JOIN enrolments e ON e.id = q.enrolment_id
          WHERE e.patient_id = $1 AND q.instrument_id = 'phq9' ORDER BY q.due_on DESC LIMIT 1",
    )
    .bind(nils.patient_id)
    .fetch_one(pool)
    .await?;
    open_flag(pool, &nils, Kind::Deterioration, "phq9", Some(response_id), None, submitted).await?;
    Ok(())
}
