//! Intake: how people come to the service without a GP referral (the public self-referral
//! form) or through a member of staff, the screening they answer, the team's intake queue, the
//! waiting list, and the assessment (vurderingssamtale) whose outcome sets the programme, the
//! guidance and the start step.
//!
//! A referral creates the person's patient record at once (an account without a password), so
//! a risk answer at screening raises a flag like any other, and the audit trail, the ladder and
//! the waiting-list programme all work for people who are still waiting.

use std::{collections::BTreeMap, net::IpAddr};

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool, FromRow};
use stegvis_content::{
    flags as rules,
    instruments::{self, Domain, Instrument},
};

use crate::{
    access::{PatientAccess, Viewer},
    accounts::{self, NewInvitation},
    audit::{self, Action},
    content::Content,
    dates, enrolments, flags,
    mail::Mail,
    measurement,
    notify::Notifier,
    now,
    org::Role,
    steps, Error, FieldError, Result,
};

/// The screening questionnaires every referral answers (free to reproduce, so always there).
pub const SCREENING: [&str; 2] = ["phq9", "gad7"];

/// The main problems that have a disorder-specific measure, and its domain.
const PROBLEM_DOMAINS: [(&str, Domain); 3] = [("panic", Domain::Panic), ("social_anxiety", Domain::SocialAnxiety), ("depression", Domain::Depression)];

/// The disorder-specific measure asked at screening for each main problem that has one, where
/// the organisation has loaded its pack (the first loaded, in the catalogue's order, where it
/// has two for one problem). Only the measure of the problem the person chooses is required
/// and stored.
pub async fn problem_measures(pool: &AnyPool, organisation_id: i64) -> Result<Vec<(&'static str, &'static Instrument)>> {
    let loaded: Vec<&'static Instrument> =
        measurement::instruments(pool, organisation_id).await?.into_iter().filter(|a| a.pack.is_some() && a.text.is_some()).map(|a| a.instrument).collect();
    Ok(PROBLEM_DOMAINS.iter().filter_map(|(problem, domain)| Some((*problem, *loaded.iter().find(|i| i.domain == *domain)?))).collect())
}

/// The choices of each structured question; the interface translates `intake.<field>.<key>`.
pub const SOURCES: &[&str] = &["self", "gp", "nav", "other_service", "other"];
pub const GENDERS: &[&str] = &["female", "male", "other", "not_said"];
pub const EDUCATION: &[&str] = &["primary", "upper_secondary", "vocational", "higher_short", "higher_long", "not_said"];
pub const WORK: &[&str] = &["working", "sick_leave", "aap", "unemployed", "student", "disability", "retired", "other", "not_said"];
pub const IMMIGRANT: &[&str] = &["no", "yes", "descendant", "not_said"];
pub const MAIN_PROBLEMS: &[&str] = &["panic", "social_anxiety", "depression", "worry", "other"];
pub const DURATIONS: &[&str] = &["under_3m", "3_12m", "1_5y", "over_5y"];
pub const EARLIER_HELP: &[&str] = &["none", "gp", "municipal", "specialist"];
pub const MEDICATION: &[&str] = &["no", "yes", "not_said"];

/// Every structured question with its choices, in the order of the form.
pub const QUESTIONS: &[(&str, &[&str])] = &[
    ("gender", GENDERS),
    ("education", EDUCATION),
    ("work", WORK),
    ("immigrant", IMMIGRANT),
    ("main_problem", MAIN_PROBLEMS),
    ("duration", DURATIONS),
    ("earlier_help", EARLIER_HELP),
    ("medication", MEDICATION),
];

/// Public form submissions per client address per hour: enough for a household sharing an
/// address, few enough to keep a script from filling the queue. No CAPTCHA: it shuts out
/// screen-reader users.
pub const PUBLIC_LIMIT_PER_HOUR: i64 = 5;
pub const MAX_MESSAGE: usize = 2_000;

/// Who is sending the referral.
pub enum Referrer<'a> {
    /// The public self-referral form, from this client address.
    Public(IpAddr),
    /// A member of staff entering a referral (from a GP, NAV, another service, or a phone call).
    Staff(&'a Viewer),
}

/// What was stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referred {
    pub referral_id: i64,
    pub patient_id: i64,
    /// A risk answer: the person is shown the crisis numbers at once.
    pub risk: bool,
}

/// An organisation whose self-referral form is open, by the slug in its address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct OpenForm {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

pub async fn open_form(pool: &AnyPool, slug: &str) -> Result<OpenForm> {
    sqlx::query_as("SELECT id, name, kind FROM organisations WHERE slug = $1 AND self_referral_open = 1")
        .bind(slug)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)
}

fn choice<'a>(form: &'a BTreeMap<String, String>, field: &str, allowed: &[&str], problems: &mut Vec<FieldError>) -> &'a str {
    let value = form.get(field).map(|v| v.trim()).unwrap_or("");
    if !allowed.contains(&value) {
        problems.push(FieldError::new(field, "invalid_choice"));
    }
    value
}

/// Checks a referral form and stores it: the person (found by e-mail, or created without a
/// password), their patient record, the referral, the screening, and any flag the screening
/// raises — in one transaction. Nothing is stored when anything is wrong.
pub async fn refer(pool: &AnyPool, notifier: &Notifier, organisation_id: i64, form: &BTreeMap<String, String>, by: Referrer<'_>, request_id: &str) -> Result<Referred> {
    let get = |f: &str| form.get(f).map(|v| v.trim()).unwrap_or("");
    if let Referrer::Staff(viewer) = by {
        viewer.require(&[Role::TeamLead])?;
    }
    if let Referrer::Public(ip) = by {
        // A field people cannot see: only scripts fill it in. Refused like a rate limit, so a
        // script learns nothing.
        if !get("website").is_empty() {
            return Err(Error::RateLimited);
        }
        let recent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM referral_attempts WHERE client_ip = $1 AND at > $2")
            .bind(ip.to_string())
            .bind(now() - 3600)
            .fetch_one(pool)
            .await?;
        if recent >= PUBLIC_LIMIT_PER_HOUR {
            return Err(Error::RateLimited);
        }
    }
    let mut problems = Vec::new();
    let name = get("name");
    if name.is_empty() || name.chars().count() > 120 {
        problems.push(FieldError::new("name", "required"));
    }
    let email = accounts::normalise_email(get("email"));
    if !accounts::valid_email(&email) {
        problems.push(FieldError::new("email", "invalid_email"));
    }
    let phone = get("phone");
    if phone.chars().count() > 30 || !phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
        problems.push(FieldError::new("phone", "invalid_phone"));
    }
    let this_year = dates::today().year() as i64;
    let birth_year = match get("birth_year") {
        "" => None,
        text => match crate::number_in("birth_year", text, 1900..=this_year - 12) {
            Ok(year) => Some(year),
            Err(Error::Invalid(e)) => {
                problems.extend(e);
                None
            }
            Err(other) => return Err(other),
        },
    };
    let source = match by {
        Referrer::Public(_) => "self",
        Referrer::Staff(_) => choice(form, "source", SOURCES, &mut problems),
    };
    let answers: Vec<(String, &str)> = QUESTIONS.iter().map(|(field, allowed)| (field.to_string(), choice(form, field, allowed, &mut problems))).collect();
    let message = get("message");
    if message.chars().count() > MAX_MESSAGE {
        problems.push(FieldError::new("message", &format!("too_long:{MAX_MESSAGE}")));
    }
    let mut screening = Vec::new();
    let main_problem = answers.iter().find(|(f, _)| f == "main_problem").map(|(_, v)| *v).unwrap_or("");
    let problem_measure = problem_measures(pool, organisation_id).await?.into_iter().find(|(p, _)| *p == main_problem).map(|(_, i)| i);
    let asked = SCREENING.iter().map(|id| instruments::by_id(id).expect("screening instruments exist")).chain(problem_measure);
    for instrument in asked {
        match instrument.read_form(|key| form.get(key).map(String::as_str)) {
            Ok(values) => screening.push((instrument, values)),
            Err(unanswered) => {
                problems.extend(unanswered.into_iter().map(|item| FieldError::new(item, &format!("choose_answer:{}", instrument.question_number(item).unwrap_or_default()))))
            }
        }
    }
    if get("consent") != "yes" {
        problems.push(FieldError::new("consent", "consent_required"));
    }
    let locale = if get("locale") == "en" { "en" } else { "nb" };
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let at = now();
    let mut tx = pool.begin().await?;
    if let Referrer::Public(ip) = by {
        sqlx::query("INSERT INTO referral_attempts (at, client_ip) VALUES ($1, $2)").bind(at).bind(ip.to_string()).execute(&mut *tx).await?;
    }
    let user_id = match sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = $1").bind(&email).fetch_optional(&mut *tx).await? {
        Some(id) => id,
        None => accounts::create_user(&mut tx, &email, name, None, locale).await?,
    };
    accounts::grant_role(&mut tx, user_id, organisation_id, Role::Patient).await?;
    let patient_id: i64 = sqlx::query_scalar("SELECT id FROM patients WHERE user_id = $1 AND organisation_id = $2")
        .bind(user_id)
        .bind(organisation_id)
        .fetch_one(&mut *tx)
        .await?;
    let value = |field: &str| answers.iter().find(|(f, _)| f == field).map(|(_, v)| *v).unwrap_or("");
    let created_by = match by {
        Referrer::Public(_) => None,
        Referrer::Staff(viewer) => Some(viewer.user.id),
    };
    let referral_id: i64 = sqlx::query_scalar(
        "INSERT INTO referrals (organisation_id, patient_id, source, created_by, phone, birth_year, gender, education, work, immigrant,
                                main_problem, duration, earlier_help, medication, message, consent_at, referred_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, 'new') RETURNING id",
    )
    .bind(organisation_id)
    .bind(patient_id)
    .bind(source)
    .bind(created_by)
    .bind(phone)
    .bind(birth_year)
    .bind(value("gender"))
    .bind(value("education"))
    .bind(value("work"))
    .bind(value("immigrant"))
    .bind(value("main_problem"))
    .bind(value("duration"))
    .bind(value("earlier_help"))
    .bind(value("medication"))
    .bind(message)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?;
    let risk = store_screening(&mut tx, notifier, organisation_id, patient_id, referral_id, &screening, at).await?;
    if let Referrer::Staff(viewer) = by {
        let access = staff_access(viewer, organisation_id, patient_id)?;
        audit::record(&mut tx, &access, Action::Refer, request_id).await?;
    }
    tx.commit().await?;
    Ok(Referred { referral_id, patient_id, risk })
}

/// Stores the screening answers and raises what the flag rules say (risk, severe) in the same
/// transaction. Returns whether an answer was a risk answer.
async fn store_screening(
    tx: &mut AnyConnection,
    notifier: &Notifier,
    organisation_id: i64,
    patient_id: i64,
    referral_id: i64,
    screening: &[(&'static Instrument, Vec<Option<u8>>)],
    at: i64,
) -> Result<bool> {
    let thresholds = flags::thresholds(tx, organisation_id).await?;
    let mut risk = false;
    for (instrument, values) in screening {
        let total = instrument.score(values).map_err(|e| Error::Internal(format!("screening score: {e:?}")))?.total;
        let screening_id: i64 = sqlx::query_scalar(
            "INSERT INTO screenings (referral_id, instrument_id, answers, total, submitted_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(referral_id)
        .bind(instrument.id)
        .bind(serde_json::to_string(values).expect("answers serialise"))
        .bind(i64::from(total))
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for raised in rules::on_answers(&thresholds, instrument, values, Some(total), None) {
            risk |= raised.kind == rules::Kind::Risk;
            let once_key = format!("screening:{screening_id}:{}:{}", raised.kind.key(), raised.reason);
            let flag = flags::Raise { patient_id, kind: raised.kind, reason: &raised.reason, once_key: &once_key, response_id: None, message: None };
            flags::raise(tx, notifier, flag, at).await?;
        }
    }
    Ok(risk)
}

fn staff_access(viewer: &Viewer, organisation_id: i64, patient_id: i64) -> Result<PatientAccess> {
    let acting_role = viewer.require(&[Role::TeamLead])?;
    Ok(PatientAccess { actor_user_id: viewer.user.id, acting_role, organisation_id, patient_id, on_behalf_of: None })
}

// ---- the queue ---------------------------------------------------------------------------------

/// A referral as the intake queue and its page show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Referral {
    pub id: i64,
    pub patient_id: i64,
    pub name: String,
    pub email: String,
    pub has_account: i64,
    pub source: String,
    pub created_by_name: Option<String>,
    pub phone: String,
    pub birth_year: Option<i64>,
    pub gender: String,
    pub education: String,
    pub work: String,
    pub immigrant: String,
    pub main_problem: String,
    pub duration: String,
    pub earlier_help: String,
    pub medication: String,
    pub message: String,
    pub referred_at: i64,
    pub status: String,
    pub waiting_since: Option<i64>,
    pub assessment_at: Option<i64>,
    pub assessment_with_name: Option<String>,
    pub assessed_at: Option<i64>,
    pub enrolment_id: Option<i64>,
    pub closed_at: Option<i64>,
    pub close_reason: Option<String>,
    /// "phq9:12,gad7:9": the screening totals.
    pub screening: String,
    /// Open flags on the person (a risk answer at screening is one).
    pub open_flags: i64,
    pub urgent_flags: i64,
}

impl Referral {
    /// The screening totals by instrument id.
    pub fn totals(&self) -> Vec<(&'static Instrument, u16)> {
        self.screening
            .split(',')
            .filter_map(|pair| {
                let (id, total) = pair.split_once(':')?;
                Some((instruments::by_id(id)?, total.parse().ok()?))
            })
            .collect()
    }

    /// Days waited so far (or until the assessment).
    pub fn days_waited(&self, at: i64) -> i64 {
        dates::days_between(dates::oslo_date(self.referred_at), dates::oslo_date(self.assessed_at.unwrap_or(at)))
    }
}

const REFERRAL_SELECT: &str = "SELECT r.id, r.patient_id, u.display_name AS name, u.email,
        CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS has_account,
        r.source, c.display_name AS created_by_name, r.phone, r.birth_year, r.gender, r.education, r.work, r.immigrant,
        r.main_problem, r.duration, r.earlier_help, r.medication, r.message, r.referred_at, r.status, r.waiting_since,
        r.assessment_at, w.display_name AS assessment_with_name, r.assessed_at, r.enrolment_id, r.closed_at, r.close_reason,
        COALESCE((SELECT STRING_AGG(s.instrument_id || ':' || CAST(s.total AS TEXT), ',') FROM screenings s WHERE s.referral_id = r.id), '') AS screening,
        (SELECT COUNT(*) FROM flags f WHERE f.patient_id = r.patient_id AND f.closed_at IS NULL) AS open_flags,
        (SELECT COUNT(*) FROM flags f WHERE f.patient_id = r.patient_id AND f.closed_at IS NULL AND f.urgency = 'urgent') AS urgent_flags
   FROM referrals r JOIN patients p ON p.id = r.patient_id JOIN users u ON u.id = p.user_id
   LEFT JOIN users c ON c.id = r.created_by LEFT JOIN users w ON w.id = r.assessment_with";

/// The team's intake queue: new referrals first (urgent flags before the rest, then the longest
/// waiting), then the waiting list, longest waiting first. Team leads only; audited as a list.
pub async fn queue(pool: &AnyPool, viewer: &Viewer, request_id: &str) -> Result<Vec<Referral>> {
    let role = viewer.require(&[Role::TeamLead])?;
    let organisation_id = viewer.organisation_id()?;
    let rows: Vec<Referral> = sqlx::query_as(&format!(
        "{REFERRAL_SELECT} WHERE r.organisation_id = $1 AND r.status IN ('new', 'waiting')
          ORDER BY CASE r.status WHEN 'new' THEN 0 ELSE 1 END, urgent_flags DESC, r.referred_at, r.id"
    ))
    .bind(organisation_id)
    .fetch_all(pool)
    .await?;
    let mut conn = pool.acquire().await?;
    audit::write(&mut conn, viewer.user.id, role, organisation_id, None, Action::ListPatients, request_id).await?;
    Ok(rows)
}

/// The referrals recently closed or started, for the queue's history (newest first).
pub async fn recent(pool: &AnyPool, viewer: &Viewer) -> Result<Vec<Referral>> {
    viewer.require(&[Role::TeamLead])?;
    Ok(sqlx::query_as(&format!(
        "{REFERRAL_SELECT} WHERE r.organisation_id = $1 AND r.status IN ('started', 'closed')
          ORDER BY COALESCE(r.assessed_at, r.closed_at) DESC, r.id DESC LIMIT 20"
    ))
    .bind(viewer.organisation_id()?)
    .fetch_all(pool)
    .await?)
}

/// One referral with the access that opened it (audited as a look at the record).
pub async fn open(pool: &AnyPool, viewer: &Viewer, referral_id: i64, request_id: &str) -> Result<(Referral, PatientAccess)> {
    let organisation_id = viewer.organisation_id()?;
    let referral: Referral = sqlx::query_as(&format!("{REFERRAL_SELECT} WHERE r.id = $1 AND r.organisation_id = $2"))
        .bind(referral_id)
        .bind(organisation_id)
        .fetch_optional(pool)
        .await?
        .ok_or(Error::NotFound)?;
    let access = staff_access(viewer, organisation_id, referral.patient_id)?;
    let mut conn = pool.acquire().await?;
    audit::record(&mut conn, &access, Action::ViewReferral, request_id).await?;
    Ok((referral, access))
}

/// The screening answers of a referral, as stored, per instrument.
pub async fn screening_answers(pool: &AnyPool, referral_id: i64) -> Result<Vec<(String, Vec<Option<u8>>, i64, i64)>> {
    let rows: Vec<(String, String, i64, i64)> =
        sqlx::query_as("SELECT instrument_id, answers, total, submitted_at FROM screenings WHERE referral_id = $1 ORDER BY id").bind(referral_id).fetch_all(pool).await?;
    Ok(rows.into_iter().map(|(id, answers, total, at)| (id, serde_json::from_str(&answers).unwrap_or_default(), total, at)).collect())
}

/// The referrals of one patient (for their record), newest first. Callers have checked access.
pub async fn of_patient(pool: &AnyPool, patient_id: i64) -> Result<Vec<Referral>> {
    Ok(sqlx::query_as(&format!("{REFERRAL_SELECT} WHERE r.patient_id = $1 ORDER BY r.referred_at DESC, r.id DESC")).bind(patient_id).fetch_all(pool).await?)
}

// ---- the way in -------------------------------------------------------------------------------

/// Writes the invitation that lets a person without a password into Stegvis, unless one is open.
async fn invite_if_needed(tx: &mut AnyConnection, access: &PatientAccess, compose: &(dyn Fn(&str, &str, &str) -> Mail + Sync)) -> Result<bool> {
    let person: (String, String, String, Option<String>) =
        sqlx::query_as("SELECT u.email, u.display_name, u.locale, u.password_hash FROM patients p JOIN users u ON u.id = p.user_id WHERE p.id = $1")
            .bind(access.patient_id)
            .fetch_one(&mut *tx)
            .await?;
    let (email, name, locale, password) = person;
    let open: Option<i64> = sqlx::query_scalar("SELECT id FROM invitations WHERE email = $1 AND organisation_id = $2 AND accepted_at IS NULL AND expires_at > $3 LIMIT 1")
        .bind(&email)
        .bind(access.organisation_id)
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
    if password.is_some() || open.is_some() {
        return Ok(false);
    }
    let new = NewInvitation { organisation_id: access.organisation_id, invited_by: access.actor_user_id, email: &email, display_name: &name, role: Role::Patient, locale: &locale };
    accounts::invite_in(tx, new, |token| compose(&email, &locale, token)).await?;
    Ok(true)
}

/// Puts a new referral on the waiting list. Where the organisation offers its waiting-list
/// programme, the person is invited (and enrolled when they accept, with the screening as
/// their first scores, see [`enrolments::enrol_from_waiting_list`]). Returns whether an
/// invitation was sent.
pub async fn put_on_waiting_list(pool: &AnyPool, viewer: &Viewer, referral_id: i64, compose: &(dyn Fn(&str, &str, &str) -> Mail + Sync), request_id: &str) -> Result<bool> {
    let (referral, access) = open(pool, viewer, referral_id, request_id).await?;
    if referral.status != "new" {
        return Err(Error::invalid("form", "referral_moved_on"));
    }
    let mut tx = pool.begin().await?;
    let moved = sqlx::query("UPDATE referrals SET status = 'waiting', waiting_since = $1 WHERE id = $2 AND status = 'new'").bind(now()).bind(referral_id).execute(&mut *tx).await?;
    if moved.rows_affected() != 1 {
        return Err(Error::invalid("form", "referral_moved_on"));
    }
    let offers: Option<String> = sqlx::query_scalar("SELECT waiting_list_programme FROM organisations WHERE id = $1").bind(access.organisation_id).fetch_one(&mut *tx).await?;
    let invited = match offers {
        Some(_) => invite_if_needed(&mut tx, &access, compose).await?,
        None => false,
    };
    audit::record(&mut tx, &access, Action::WaitingList, request_id).await?;
    tx.commit().await?;
    Ok(invited)
}

/// Books the assessment (vurderingssamtale): an Oslo date and time with a clinician of the team.
pub async fn book_assessment(pool: &AnyPool, viewer: &Viewer, referral_id: i64, day: &str, time_of_day: &str, with: i64, request_id: &str) -> Result<()> {
    let (referral, access) = open(pool, viewer, referral_id, request_id).await?;
    if !matches!(referral.status.as_str(), "new" | "waiting") {
        return Err(Error::invalid("form", "referral_moved_on"));
    }
    let mut problems = Vec::new();
    let date = dates::parse(day.trim()).filter(|d| dates::days_between(dates::today(), *d) >= 0);
    if date.is_none() {
        problems.push(FieldError::new("assessment_day", "date_not_past"));
    }
    let clock = parse_clock(time_of_day);
    if clock.is_none() {
        problems.push(FieldError::new("assessment_time", "invalid_time"));
    }
    let clinician: Option<i64> = sqlx::query_scalar("SELECT user_id FROM staff_roles WHERE user_id = $1 AND organisation_id = $2 AND role IN ('therapist', 'team_lead') LIMIT 1")
        .bind(with)
        .bind(access.organisation_id)
        .fetch_optional(pool)
        .await?;
    if clinician.is_none() {
        problems.push(FieldError::new("assessment_with", "choose_clinician"));
    }
    let (Some(date), Some((h, m)), true) = (date, clock, problems.is_empty()) else { return Err(Error::Invalid(problems)) };
    let at = stegvis_content::calendar::oslo_midnight(date) + i64::from(h) * 3600 + i64::from(m) * 60;
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE referrals SET assessment_at = $1, assessment_with = $2 WHERE id = $3").bind(at).bind(with).bind(referral_id).execute(&mut *tx).await?;
    audit::record(&mut tx, &access, Action::BookAssessment, request_id).await?;
    tx.commit().await?;
    Ok(())
}

/// "HH:MM", 00:00–23:59.
fn parse_clock(text: &str) -> Option<(u8, u8)> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && text.trim().len() == 5).then_some((h, m))
}

/// The outcome of an assessment.
pub struct Assessment<'a> {
    pub programme: &'a str,
    /// Guided by a therapist, or unguided self-help.
    pub guided: bool,
    pub therapist_id: Option<i64>,
    pub step: &'a str,
    pub start_date: &'a str,
    pub note: &'a str,
}

/// Records the assessment: ends the waiting-list programme, enrols the person in the chosen
/// programme (guided or not) from the start date, assigns the therapist, sets the start step
/// with the note (and its handover summary), and invites a person who has no password yet —
/// all in one transaction. Returns the new enrolment.
pub async fn assess(pool: &AnyPool, content: &Content, viewer: &Viewer, referral_id: i64, outcome: Assessment<'_>, compose: &(dyn Fn(&str, &str, &str) -> Mail + Sync), request_id: &str) -> Result<i64> {
    let (referral, access) = open(pool, viewer, referral_id, request_id).await?;
    if !matches!(referral.status.as_str(), "new" | "waiting") {
        return Err(Error::invalid("form", "referral_moved_on"));
    }
    let mut problems = Vec::new();
    let programme = content.current(outcome.programme).filter(|(_, p)| !outcome.guided || p.kind == stegvis_content::ProgrammeKind::Guided);
    if programme.is_none() {
        problems.push(Error::invalid("programme", "unknown_programme"));
    }
    let start = dates::parse(outcome.start_date.trim()).filter(|d| dates::days_between(dates::today(), *d) >= -7);
    if start.is_none() {
        problems.push(Error::invalid("start_date", "start_in_past"));
    }
    if let Err(e) = crate::required_text("assessment_note", outcome.note, steps::MAX_STEP_NOTE) {
        problems.push(e);
    }
    let therapist = match (outcome.guided, outcome.therapist_id) {
        (true, None) => {
            problems.push(Error::invalid("therapist_id", "not_a_therapist"));
            None
        }
        (_, Some(id)) => {
            let found: Option<i64> = sqlx::query_scalar("SELECT user_id FROM staff_roles WHERE user_id = $1 AND organisation_id = $2 AND role = 'therapist'")
                .bind(id)
                .bind(access.organisation_id)
                .fetch_optional(pool)
                .await?;
            if found.is_none() {
                problems.push(Error::invalid("therapist_id", "not_a_therapist"));
            }
            found
        }
        (false, None) => None,
    };
    let mut tx = pool.begin().await?;
    let ladder = steps::ladder(&mut tx, access.organisation_id).await?;
    if !ladder.iter().any(|s| s.key == outcome.step) {
        problems.push(Error::invalid("new_step", "choose_step"));
    }
    let (Some((version_id, programme)), Some(start), true) = (programme, start, problems.is_empty()) else { return Err(Error::merge(problems)) };
    let at = now();
    let claimed = sqlx::query("UPDATE referrals SET status = 'started', assessed_at = $1, assessed_by = $2 WHERE id = $3 AND status IN ('new', 'waiting')")
        .bind(at)
        .bind(access.actor_user_id)
        .bind(referral_id)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        return Err(Error::invalid("form", "referral_moved_on"));
    }
    // The waiting-list programme ends where treatment begins; its material stays readable.
    sqlx::query("UPDATE enrolments SET ended_at = $1 WHERE patient_id = $2 AND guided = 0 AND ended_at IS NULL").bind(at).bind(access.patient_id).execute(&mut *tx).await?;
    let enrolment_id = enrolments::create(&mut tx, access.organisation_id, access.patient_id, *version_id, programme, outcome.guided, Some(access.actor_user_id), start).await?;
    sqlx::query("UPDATE referrals SET enrolment_id = $1 WHERE id = $2").bind(enrolment_id).bind(referral_id).execute(&mut *tx).await?;
    audit::record(&mut tx, &access, Action::Enrol, request_id).await?;
    if let Some(therapist_id) = therapist {
        crate::patients::assign_in(&mut tx, &access, therapist_id, false, request_id).await?;
    }
    steps::change_in(&mut tx, pool, content, &access, &ladder, steps::Why::Assessment, outcome.step, outcome.note.trim(), request_id).await?;
    invite_if_needed(&mut tx, &access, compose).await?;
    tx.commit().await?;
    Ok(enrolment_id)
}

/// Closes a referral that will not start here (referred elsewhere, declined, not reached).
pub const CLOSE_REASONS: &[&str] = &["referred_elsewhere", "declined", "not_reached", "not_suitable"];

pub async fn close(pool: &AnyPool, viewer: &Viewer, referral_id: i64, reason: &str, request_id: &str) -> Result<()> {
    let (referral, access) = open(pool, viewer, referral_id, request_id).await?;
    if !CLOSE_REASONS.contains(&reason) {
        return Err(Error::invalid("close_reason", "invalid_choice"));
    }
    if !matches!(referral.status.as_str(), "new" | "waiting") {
        return Err(Error::invalid("form", "referral_moved_on"));
    }
    let mut tx = pool.begin().await?;
    let at = now();
    sqlx::query("UPDATE referrals SET status = 'closed', closed_at = $1, close_reason = $2 WHERE id = $3 AND status IN ('new', 'waiting')")
        .bind(at)
        .bind(reason)
        .bind(referral_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE enrolments SET ended_at = $1 WHERE patient_id = $2 AND guided = 0 AND ended_at IS NULL").bind(at).bind(access.patient_id).execute(&mut *tx).await?;
    audit::record(&mut tx, &access, Action::CloseReferral, request_id).await?;
    tx.commit().await?;
    Ok(())
}

// ---- settings --------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, FromRow)]
pub struct Settings {
    pub self_referral_open: i64,
    pub rescreen_weeks: i64,
}

pub async fn settings(conn: &mut AnyConnection, organisation_id: i64) -> Result<Settings> {
    Ok(sqlx::query_as("SELECT self_referral_open, rescreen_weeks FROM organisations WHERE id = $1").bind(organisation_id).fetch_one(conn).await?)
}

/// The organisation's intake settings (admins): the public form open or closed, and how many
/// weeks apart people on the waiting list are asked to answer the screening again (1–8).
pub async fn set_settings(pool: &AnyPool, viewer: &Viewer, open: bool, rescreen_weeks: &str) -> Result<()> {
    viewer.require(&[Role::OrgAdmin])?;
    let weeks = crate::number_in("rescreen_weeks", rescreen_weeks, 1..=8)?;
    sqlx::query("UPDATE organisations SET self_referral_open = $1, rescreen_weeks = $2 WHERE id = $3")
        .bind(open as i64)
        .bind(weeks)
        .bind(viewer.organisation_id()?)
        .execute(pool)
        .await?;
    Ok(())
}

/// The weeks of a waiting-list enrolment at which the screening is asked again, up to `today`:
/// every `every` weeks from the start, while the person's referral is still waiting.
pub fn rescreen_weeks(every: i64, days_since_start: i64) -> Vec<u32> {
    if every < 1 {
        return Vec::new();
    }
    (1..).map(|k| k * every).take_while(|w| w * 7 <= days_since_start).filter_map(|w| u32::try_from(w).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rescreening_every_n_weeks() {
        assert_eq!(rescreen_weeks(2, 13), Vec::<u32>::new());
        assert_eq!(rescreen_weeks(2, 14), vec![2]);
        assert_eq!(rescreen_weeks(2, 41), vec![2, 4]);
        assert_eq!(rescreen_weeks(2, 42), vec![2, 4, 6]);
        assert_eq!(rescreen_weeks(3, 42), vec![3, 6]);
        assert_eq!(rescreen_weeks(0, 42), Vec::<u32>::new());
    }

    #[test]
    fn clock_times() {
        assert_eq!(parse_clock("09:30"), Some((9, 30)));
        assert_eq!(parse_clock("23:59"), Some((23, 59)));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("9:30"), None);
        assert_eq!(parse_clock("09:60"), None);
    }
}
