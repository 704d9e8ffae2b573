//! The demo organisations: a municipal RPH team a few months in, and a DPS clinic, so that
//! every screen can be judged as its users would see it. Fictional people only.

mod escalation;
mod guidance;
mod homework;
mod intake;

use std::sync::Arc;

use sqlx::AnyConnection;
use stegvis_content::{
    answers,
    instruments::{self, Instrument},
    schedule::Occasion,
    Programme, Worksheet,
};
use stegvis_platform::{
    accounts::{self, NewInvitation},
    audit::Action,
    content::Content,
    dates,
    db::Db,
    enrolments, measurement, now,
    org::{self, Role},
    Error,
};
use time::Date;

use homework::{Homework, Part};

pub const DEMO_PASSWORD: &str = "stegvis-demo";
const DAY: i64 = 24 * 60 * 60;

/// The log-ins printed at start: (role, e-mail).
pub const DEMO_LOGINS: [(&str, &str); 7] = [
    ("patient", "pasient@stegvis.demo"),
    ("therapist", "behandler@stegvis.demo"),
    ("team lead", "teamleder@stegvis.demo"),
    ("organisation admin", "admin@stegvis.demo"),
    ("new patient (panic)", "ny.panikk@stegvis.demo"),
    ("new patient (social)", "ny.sosial@stegvis.demo"),
    ("new patient (depr.)", "ny.depresjon@stegvis.demo"),
];

struct Person {
    email: &'static str,
    name: &'static str,
    roles: &'static [(&'static str, Role)],
    /// Days since the person joined (patients' records are dated by it).
    days_ago: i64,
}

const BERGVIK: &str = "bergvik-rph";
const FJORDHEIM: &str = "fjordheim-dps";

const PEOPLE: &[Person] = &[
    Person { email: "admin@stegvis.demo", name: "Siri Haugland", roles: &[(BERGVIK, Role::OrgAdmin)], days_ago: 120 },
    Person { email: "teamleder@stegvis.demo", name: "Erik Nilsen", roles: &[(BERGVIK, Role::TeamLead), (BERGVIK, Role::Therapist)], days_ago: 120 },
    // Works in both services: shows the organisation switch.
    Person { email: "behandler@stegvis.demo", name: "Maria Johansen", roles: &[(BERGVIK, Role::Therapist), (FJORDHEIM, Role::Therapist)], days_ago: 110 },
    Person { email: "ola.berg@stegvis.demo", name: "Ola Berg", roles: &[(BERGVIK, Role::Therapist)], days_ago: 95 },
    Person { email: "hanne.moe@stegvis.demo", name: "Hanne Moe", roles: &[(FJORDHEIM, Role::OrgAdmin), (FJORDHEIM, Role::TeamLead)], days_ago: 100 },
    Person { email: "pasient@stegvis.demo", name: "Kari Nordmann", roles: &[(BERGVIK, Role::Patient)], days_ago: 38 },
    Person { email: "jonas.lie@stegvis.demo", name: "Jonas Lie", roles: &[(BERGVIK, Role::Patient)], days_ago: 82 },
    Person { email: "amina.hassan@stegvis.demo", name: "Amina Hassan", roles: &[(BERGVIK, Role::Patient)], days_ago: 61 },
    Person { email: "per.olsen@stegvis.demo", name: "Per Olsen", roles: &[(BERGVIK, Role::Patient)], days_ago: 17 },
    Person { email: "line.dahl@stegvis.demo", name: "Line Dahl", roles: &[(BERGVIK, Role::Patient)], days_ago: 9 },
    Person { email: "thomas.vik@stegvis.demo", name: "Thomas Vik", roles: &[(BERGVIK, Role::Patient)], days_ago: 2 },
    Person { email: "sara.lunde@stegvis.demo", name: "Sara Lunde", roles: &[(BERGVIK, Role::Patient)], days_ago: 8 },
    Person { email: "henrik.moen@stegvis.demo", name: "Henrik Moen", roles: &[(BERGVIK, Role::Patient)], days_ago: 7 },
    Person { email: "nils.aas@stegvis.demo", name: "Nils Aas", roles: &[(FJORDHEIM, Role::Patient)], days_ago: 44 },
    // Started today: what a therapist's first week with a patient looks like.
    Person { email: "ny.panikk@stegvis.demo", name: "Emma Solberg", roles: &[(BERGVIK, Role::Patient)], days_ago: 0 },
    Person { email: "ny.sosial@stegvis.demo", name: "Ali Rahimi", roles: &[(BERGVIK, Role::Patient)], days_ago: 0 },
    Person { email: "ny.depresjon@stegvis.demo", name: "Lise Berge", roles: &[(BERGVIK, Role::Patient)], days_ago: 0 },
    // Started today with Erik; their first questionnaires are due (the browser tests of a risk
    // answer use them, one per project).
    Person { email: "mona.strand@stegvis.demo", name: "Mona Strand", roles: &[(BERGVIK, Role::Patient)], days_ago: 0 },
    Person { email: "tor.haug@stegvis.demo", name: "Tor Haug", roles: &[(BERGVIK, Role::Patient)], days_ago: 0 },
];

/// (patient e-mail, therapist e-mail). Thomas Vik, new this week, is still waiting for one.
const ASSIGNMENTS: &[(&str, &str)] = &[
    ("pasient@stegvis.demo", "behandler@stegvis.demo"),
    ("jonas.lie@stegvis.demo", "behandler@stegvis.demo"),
    ("amina.hassan@stegvis.demo", "ola.berg@stegvis.demo"),
    ("per.olsen@stegvis.demo", "teamleder@stegvis.demo"),
    ("line.dahl@stegvis.demo", "ola.berg@stegvis.demo"),
    ("nils.aas@stegvis.demo", "behandler@stegvis.demo"),
    ("sara.lunde@stegvis.demo", "behandler@stegvis.demo"),
    ("henrik.moen@stegvis.demo", "behandler@stegvis.demo"),
    ("ny.panikk@stegvis.demo", "behandler@stegvis.demo"),
    ("ny.sosial@stegvis.demo", "behandler@stegvis.demo"),
    ("ny.depresjon@stegvis.demo", "behandler@stegvis.demo"),
    ("mona.strand@stegvis.demo", "teamleder@stegvis.demo"),
    ("tor.haug@stegvis.demo", "teamleder@stegvis.demo"),
];

/// Loads the demo data unless it is there already. Returns whether anything was added.
pub async fn demo(db: &Db, content: &Content, public_origin: &str) -> Result<bool, Error> {
    let pool = &db.pool;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1")
        .bind(BERGVIK)
        .fetch_optional(pool)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    // Checked before anything is written: demo homework that fails its worksheet stops the seed.
    let plans = prepare(content)?;
    let bergvik = org::create(pool, BERGVIK, "Bergvik kommune – Rask psykisk helsehjelp", "rph").await?;
    let fjordheim = org::create(pool, FJORDHEIM, "Fjordheim DPS – poliklinikk", "dps").await?;
    let org_id = |slug: &str| if slug == BERGVIK { bergvik } else { fjordheim };
    // One Argon2 hash serves every demo account (each hash takes 19 MiB and a moment).
    let hash = accounts::hash_password(DEMO_PASSWORD.to_string()).await?;
    let mut tx = pool.begin().await?;
    for person in PEOPLE {
        let id = accounts::create_user(&mut tx, person.email, person.name, None, "nb").await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(&hash).bind(id).execute(&mut *tx).await?;
        let joined = now() - person.days_ago * DAY;
        for (slug, role) in person.roles {
            accounts::grant_role(&mut tx, id, org_id(slug), *role).await?;
        }
        for table in ["users SET created_at = $1 WHERE id = $2", "patients SET created_at = $1 WHERE user_id = $2", "staff_roles SET created_at = $1 WHERE user_id = $2"] {
            sqlx::query(&format!("UPDATE {table}")).bind(joined).bind(id).execute(&mut *tx).await?;
        }
    }
    // Seeding is not a staff member's act, so these assignments carry no audit rows.
    for (patient, therapist) in ASSIGNMENTS {
        sqlx::query(
            "INSERT INTO assignments (patient_id, therapist_id, created_at)
             SELECT p.id, t.id, p.created_at FROM patients p JOIN users pu ON pu.id = p.user_id, users t
              WHERE pu.email = $1 AND t.email = $2",
        )
        .bind(patient)
        .bind(therapist)
        .execute(&mut *tx)
        .await?;
    }
    // Bergvik starts new patients on the unguided waiting-list programme (Thomas Vik is on it).
    sqlx::query("UPDATE organisations SET waiting_list_programme = $1 WHERE id = $2").bind(WAITING_LIST).bind(bergvik).execute(&mut *tx).await?;
    for plan in &plans {
        write(&mut tx, plan).await?;
    }
    guidance::write(&mut tx).await?;
    intake::write(&mut tx, content, &hash).await?;
    tx.commit().await?;
    escalation::write(pool, content).await?;
    // An invitation still waiting to be accepted.
    let admin = accounts::user_by_email(pool, "admin@stegvis.demo").await?.ok_or(Error::NotFound)?;
    let invite = NewInvitation {
        organisation_id: bergvik,
        invited_by: admin.id,
        email: "sofie.strand@stegvis.demo",
        display_name: "Sofie Strand",
        role: Role::Therapist,
        locale: "nb",
    };
    accounts::invite(pool, invite, |token| {
        stegvis_app::mails::invitation("sofie.strand@stegvis.demo", Default::default(), public_origin, token)
    })
    .await?;
    Ok(true)
}

// ---- a few months of treatment ------------------------------------------------------------

const WAITING_LIST: &str = "waiting-list";
/// The request id of the audit rows the demo backdates.
const REQUEST_ID: &str = "demo-seed";
const HOUR: i64 = 60 * 60;

/// A patient's programme so far.
struct History {
    patient: &'static str,
    programme: &'static str,
    /// Who enrolled them and reviews their homework; None: the waiting list enrolled them, unguided.
    therapist: Option<&'static str>,
    started_days_ago: i64,
    /// Days each module takes this patient: module N is handed in `pace·N − 2` days after the start.
    pace: i64,
    /// What they handed in, module 1 first. Each reviewed module opens the next.
    homework: &'static [Homework],
    /// Days ago the last module came in, when it still waits for feedback.
    waiting_since: Option<i64>,
    /// What they have typed into the module after the last one handed in (saved last night).
    draft: &'static [Part],
    /// Their PHQ-9 and GAD-7 totals at the start and each week after, as far as answered;
    /// the current week's are left for them to answer.
    scores: Scores,
}

struct Scores {
    phq9: &'static [u16],
    gad7: &'static [u16],
}

const NO_SCORES: Scores = Scores { phq9: &[], gad7: &[] };

const MARIA: Option<&str> = Some("behandler@stegvis.demo");
const OLA: Option<&str> = Some("ola.berg@stegvis.demo");
const ERIK: Option<&str> = Some("teamleder@stegvis.demo");

const HISTORIES: &[History] = &[
    History { patient: "pasient@stegvis.demo", programme: "panic", therapist: MARIA, started_days_ago: 35, pace: 7, homework: homework::KARI, waiting_since: None, draft: homework::KARI_DRAFT, scores: Scores { phq9: &[12, 12, 11, 9, 8], gad7: &[15, 14, 12, 11, 9] } },
    // Module 8 has waited five days for feedback: overdue guidance on Maria's list, whatever
    // the weekday the demo is loaded on. Nils's
    // scores rise week by week (a reliable deterioration); the others improve or hold. Amina
    // has done nothing for almost two weeks: inactive.
    History { patient: "jonas.lie@stegvis.demo", programme: "depression", therapist: MARIA, started_days_ago: 80, pace: 9, homework: homework::JONAS, waiting_since: Some(5), draft: &[], scores: Scores { phq9: &[19, 18, 18, 16, 15, 13, 12, 11, 10, 9, 8], gad7: &[12, 12, 11, 10, 10, 9, 9, 8, 7, 7, 6] } },
    History { patient: "amina.hassan@stegvis.demo", programme: "social-anxiety", therapist: OLA, started_days_ago: 56, pace: 8, homework: homework::AMINA, waiting_since: None, draft: &[], scores: Scores { phq9: &[9, 9, 8, 8, 7, 7, 6], gad7: &[14, 13, 13, 12, 10, 9, 9] } },
    History { patient: "per.olsen@stegvis.demo", programme: "depression", therapist: ERIK, started_days_ago: 14, pace: 7, homework: homework::PER, waiting_since: Some(1), draft: &[], scores: Scores { phq9: &[17, 18], gad7: &[10, 11] } },
    History { patient: "line.dahl@stegvis.demo", programme: "social-anxiety", therapist: OLA, started_days_ago: 7, pace: 7, homework: homework::LINE, waiting_since: Some(1), draft: &[], scores: Scores { phq9: &[8], gad7: &[13] } },
    // Handed in their first homework yesterday: waiting for Maria.
    History { patient: "sara.lunde@stegvis.demo", programme: "panic", therapist: MARIA, started_days_ago: 6, pace: 7, homework: homework::SARA, waiting_since: Some(1), draft: &[], scores: Scores { phq9: &[9], gad7: &[12] } },
    History { patient: "henrik.moen@stegvis.demo", programme: "depression", therapist: MARIA, started_days_ago: 5, pace: 7, homework: homework::HENRIK, waiting_since: Some(1), draft: &[], scores: Scores { phq9: &[14], gad7: &[7] } },
    History { patient: "thomas.vik@stegvis.demo", programme: WAITING_LIST, therapist: None, started_days_ago: 2, pace: 7, homework: &[], waiting_since: None, draft: &[], scores: NO_SCORES },
    History { patient: "nils.aas@stegvis.demo", programme: "panic", therapist: MARIA, started_days_ago: 42, pace: 10, homework: homework::NILS, waiting_since: None, draft: &[], scores: Scores { phq9: &[11, 12, 13, 15, 16, 17], gad7: &[12, 13, 14, 15, 16, 17] } },
    History { patient: "ny.panikk@stegvis.demo", programme: "panic", therapist: MARIA, started_days_ago: 0, pace: 7, homework: &[], waiting_since: None, draft: &[], scores: NO_SCORES },
    History { patient: "ny.sosial@stegvis.demo", programme: "social-anxiety", therapist: MARIA, started_days_ago: 0, pace: 7, homework: &[], waiting_since: None, draft: &[], scores: NO_SCORES },
    History { patient: "ny.depresjon@stegvis.demo", programme: "depression", therapist: MARIA, started_days_ago: 0, pace: 7, homework: &[], waiting_since: None, draft: &[], scores: NO_SCORES },
    History { patient: "mona.strand@stegvis.demo", programme: "depression", therapist: ERIK, started_days_ago: 0, pace: 7, homework: &[], waiting_since: None, draft: &[], scores: NO_SCORES },
    History { patient: "tor.haug@stegvis.demo", programme: "depression", therapist: ERIK, started_days_ago: 0, pace: 7, homework: &[], waiting_since: None, draft: &[], scores: NO_SCORES },
];

/// A history made concrete against today's date and the installed content.
struct Plan {
    history: &'static History,
    version_id: i64,
    programme: Arc<Programme>,
    start: Date,
    handed_in: Vec<HandIn>,
    /// The draft's module position and its raw form values as JSON.
    draft: Option<(usize, String)>,
}

/// A checked submission, ready to insert.
struct HandIn {
    position: usize,
    at: i64,
    worksheet: String,
    answers: String,
    feedback: Option<Reply>,
}

struct Reply {
    body: &'static str,
    at: i64,
}

/// An Oslo date and wall-clock time, for a backdated Unix time.
#[derive(Clone, Copy)]
struct Timing {
    on: Date,
    hour: i64,
    minute: i64,
}

/// Patients hand homework in at varied daytime hours; therapists answer in working hours.
const HAND_IN_HOURS: [i64; 6] = [19, 11, 21, 14, 20, 16];
const FEEDBACK_HOURS: [i64; 5] = [9, 13, 10, 14, 11];

impl Timing {
    /// Varied by module and patient (`salt`), so that the lists do not look machine-made.
    fn varied(on: Date, hours: &[i64], position: usize, salt: i64) -> Timing {
        let n = position as i64 + salt;
        Timing { on, hour: hours[n as usize % hours.len()], minute: (n * 17) % 60 }
    }

    /// The Unix time in Oslo (CET or CEST, whichever applies that day), at the latest now.
    fn unix(self) -> i64 {
        let midnight = self.on.midnight().assume_utc().unix_timestamp();
        // Summer time (UTC+2) if midnight at that offset already falls on the date in Oslo.
        let offset = if dates::oslo_date(midnight - 2 * HOUR) == self.on { 2 } else { 1 };
        (midnight + (self.hour - offset) * HOUR + self.minute * 60).min(now())
    }
}

fn demo_error(message: String) -> Error {
    Error::Internal(format!("demo data: {message}"))
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| demo_error(e.to_string()))
}

fn prepare(content: &Content) -> Result<Vec<Plan>, Error> {
    let today = dates::today();
    HISTORIES.iter().map(|history| prepare_one(content, history, today)).collect()
}

fn prepare_one(content: &Content, history: &'static History, today: Date) -> Result<Plan, Error> {
    let (version_id, programme) = content.current(history.programme).ok_or_else(|| demo_error(format!("no programme `{}`", history.programme)))?;
    let start = dates::add_days(today, -history.started_days_ago);
    let salt = history.started_days_ago;
    let mut handed_in = Vec::new();
    for (index, homework) in history.homework.iter().enumerate() {
        let position = index + 1;
        let context = |problem: String| demo_error(format!("{} module {position}: {problem}", history.patient));
        let on = match (homework.feedback, history.waiting_since) {
            (Some(_), _) => dates::add_days(start, history.pace * position as i64 - 2),
            (None, Some(days_ago)) if position == history.homework.len() => dates::add_days(today, -days_ago),
            (None, _) => return Err(context("only the last module may wait for feedback, and it needs `waiting_since`".into())),
        };
        if homework.feedback.is_some() && history.therapist.is_none() {
            return Err(context("feedback, but no therapist to give it".into()));
        }
        let worksheet = worksheet(programme, position).map_err(context)?;
        let raw = homework::form(worksheet, homework.answers, on).map_err(context)?;
        let checked = answers::validate(worksheet, &raw).map_err(|errors| context(format!("answers refused: {errors:?}")))?;
        let at = Timing::varied(on, &HAND_IN_HOURS, position, salt).unix();
        // Read and answered a day or two later, never before the hand-in.
        let reply_on = dates::add_days(on, 1 + position as i64 % 2);
        let feedback = homework.feedback.map(|body| Reply { body, at: Timing::varied(reply_on, &FEEDBACK_HOURS, position, salt).unix().max(at + HOUR).min(now()) });
        handed_in.push(HandIn { position, at, worksheet: json(worksheet)?, answers: json(&checked)?, feedback });
    }
    let draft = match history.draft {
        [] => None,
        parts => {
            let position = history.homework.len() + 1;
            let context = |problem: String| demo_error(format!("{} draft of module {position}: {problem}", history.patient));
            let raw = homework::form(worksheet(programme, position).map_err(context)?, parts, dates::add_days(today, -1)).map_err(context)?;
            Some((position, json(&raw)?))
        }
    };
    Ok(Plan { history, version_id: *version_id, programme: programme.clone(), start, handed_in, draft })
}

fn worksheet(programme: &Programme, position: usize) -> Result<&Worksheet, String> {
    programme.module(position).and_then(|m| m.worksheet.as_ref()).ok_or_else(|| format!("`{}` has no worksheet at module {position}", programme.id))
}

/// A therapist acting on one patient: what the backdated audit rows are about.
#[derive(Clone, Copy)]
struct Staff {
    user_id: i64,
    organisation_id: i64,
    patient_id: i64,
}

impl Staff {
    async fn audit(self, conn: &mut AnyConnection, at: i64, action: Action) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_user_id, actor_role, organisation_id, patient_id, action, request_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(at)
        .bind(self.user_id)
        .bind(Role::Therapist.as_str())
        .bind(self.organisation_id)
        .bind(self.patient_id)
        .bind(action.as_str())
        .bind(REQUEST_ID)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// Feedback as `homework::give_feedback` writes it, backdated: the reading before it, and
    /// the next module opened with it where that module waits for feedback.
    async fn reply(self, conn: &mut AnyConnection, enrolment_id: i64, submission_id: i64, position: usize, reply: &Reply) -> Result<(), Error> {
        self.audit(conn, reply.at - 12 * 60, Action::ViewHomework).await?;
        sqlx::query("INSERT INTO feedback (submission_id, therapist_id, body, created_at) VALUES ($1, $2, $3, $4)")
            .bind(submission_id)
            .bind(self.user_id)
            .bind(reply.body)
            .bind(reply.at)
            .execute(&mut *conn)
            .await?;
        self.audit(conn, reply.at, Action::WriteFeedback).await?;
        let opened = sqlx::query(
            "UPDATE enrolment_modules SET opened_at = $1, opened_by = $2
              WHERE enrolment_id = $3 AND position = $4 AND opened_at IS NULL AND opens_on IS NULL",
        )
        .bind(reply.at)
        .bind(self.user_id)
        .bind(enrolment_id)
        .bind(position as i64 + 1)
        .execute(&mut *conn)
        .await?;
        if opened.rows_affected() == 1 {
            self.audit(conn, reply.at, Action::OpenModule).await?;
        }
        Ok(())
    }
}

/// Writes one plan: the enrolment, backdated, then its homework, feedback, draft and audit rows.
async fn write(conn: &mut AnyConnection, plan: &Plan) -> Result<(), Error> {
    let history = plan.history;
    let (patient_id, organisation_id, joined): (i64, i64, i64) =
        sqlx::query_as("SELECT p.id, p.organisation_id, p.created_at FROM patients p JOIN users u ON u.id = p.user_id WHERE u.email = $1")
            .bind(history.patient)
            .fetch_one(&mut *conn)
            .await?;
    let therapist_id = match history.therapist {
        Some(email) => Some(sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = $1").bind(email).fetch_one(&mut *conn).await?),
        None => None,
    };
    let enrolment_id = enrolments::create(conn, organisation_id, patient_id, plan.version_id, &plan.programme, therapist_id.is_some(), therapist_id, plan.start).await?;
    // The morning of the start date, but not before the patient existed (the waiting list
    // enrols them as they join).
    let enrolled_at = Timing { on: plan.start, hour: 10, minute: 15 }.unix().max(joined);
    sqlx::query("UPDATE enrolments SET created_at = $1 WHERE id = $2").bind(enrolled_at).bind(enrolment_id).execute(&mut *conn).await?;
    let staff = therapist_id.map(|user_id| Staff { user_id, organisation_id, patient_id });
    if let Some(staff) = staff {
        staff.audit(conn, enrolled_at, Action::Enrol).await?;
    }
    for hand_in in &plan.handed_in {
        let submission_id: i64 = sqlx::query_scalar(
            "INSERT INTO submissions (enrolment_id, position, worksheet, answers, submitted_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(enrolment_id)
        .bind(hand_in.position as i64)
        .bind(&hand_in.worksheet)
        .bind(&hand_in.answers)
        .bind(hand_in.at)
        .fetch_one(&mut *conn)
        .await?;
        if let (Some(reply), Some(staff)) = (&hand_in.feedback, staff) {
            staff.reply(conn, enrolment_id, submission_id, hand_in.position, reply).await?;
        }
    }
    write_scores(conn, plan, enrolment_id).await?;
    if let Some((position, raw)) = &plan.draft {
        let saved_at = Timing { on: dates::add_days(dates::today(), -1), hour: 20, minute: 40 }.unix();
        sqlx::query("INSERT INTO drafts (enrolment_id, position, answers, revision, updated_at) VALUES ($1, $2, $3, 3, $4)")
            .bind(enrolment_id)
            .bind(*position as i64)
            .bind(raw)
            .bind(saved_at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The patient's questionnaires so far: at the start and each week, answered on the day they
/// were due (or the day after), each total spread over the items (PHQ-9 item 9 left at 0).
async fn write_scores(conn: &mut AnyConnection, plan: &Plan, enrolment_id: i64) -> Result<(), Error> {
    let end = dates::add_days(plan.start, 7 * i64::from(plan.programme.weeks));
    for (instrument_id, totals) in [("phq9", plan.history.scores.phq9), ("gad7", plan.history.scores.gad7)] {
        let instrument = instruments::by_id(instrument_id).ok_or_else(|| demo_error(format!("no instrument {instrument_id}")))?;
        for (n, total) in totals.iter().enumerate() {
            let occasion = if n == 0 { Occasion::Start } else { Occasion::Week(n as u32) };
            let (due_on, closes_on) = measurement::window_between(plan.start, end, occasion);
            let answers = spread(instrument, *total);
            let score = instrument.score(&answers).map_err(|e| demo_error(format!("{instrument_id} {total}: {e:?}")))?;
            let on = dates::add_days(due_on, (n as i64 + plan.history.started_days_ago) % 2).min(dates::today());
            let at = Timing::varied(on, &HAND_IN_HOURS, n + 3, plan.history.started_days_ago).unix();
            measurement::insert_answered(conn, enrolment_id, instrument_id, occasion, (due_on, closes_on), &json(&answers)?, i64::from(score.total), at).await?;
        }
    }
    Ok(())
}

/// Answers adding up to `total`: one point at a time over the items in turn, risk items last.
fn spread(instrument: &Instrument, total: u16) -> Vec<Option<u8>> {
    let mut answers = vec![0u8; instrument.items.len()];
    let order: Vec<usize> = (0..answers.len()).filter(|i| !instrument.risk.iter().any(|r| r.item == instrument.items[*i].id)).collect();
    let mut left = total;
    while left > 0 {
        let before = left;
        for &i in &order {
            if left > 0 && answers[i] < instrument.item_scale(&instrument.items[i]).max {
                answers[i] += 1;
                left -= 1;
            }
        }
        if before == left {
            break;
        }
    }
    answers.into_iter().map(Some).collect()
}
