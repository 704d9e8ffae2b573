//! The demo's way in: a referral behind every demo patient (with the screening they answered
//! and who they are), new referrals and a waiting list in Bergvik's intake queue, and a year of
//! ended courses with two therapists who have since moved on, so that the service report has
//! something to say. Deterministic: the same demo every time.

use sqlx::AnyConnection;
use stegvis_content::{instruments, schedule::Occasion};
use stegvis_platform::{accounts, content::Content, dates, enrolments, measurement, now, org::Role, Error};

use super::{demo_error, json, spread, DAY};

/// A small deterministic generator (the demo must be the same every time).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next(from.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &["Anne", "Bjørn", "Camilla", "Dag", "Eva", "Fredrik", "Guro", "Hans", "Ida", "Jan", "Kristin", "Lars", "Marte", "Nora", "Odd", "Pia", "Rune", "Silje", "Tone", "Vegard", "Yasmin", "Arne", "Berit", "Elin", "Geir", "Hilde", "Ingrid", "Kjell", "Mona", "Reza", "Fatima", "Mehmet", "Olga", "Tomasz", "Liv", "Sverre"];
const LAST: &[&str] = &["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen", "Berg", "Haugen", "Hagen", "Eriksen", "Bakken", "Lie", "Ali", "Nowak", "Ahmadi", "Strand", "Solheim", "Moe"];
const GENDERS: &[&str] = &["female", "female", "female", "male", "male", "other", "not_said"];
const EDUCATION: &[&str] = &["primary", "upper_secondary", "upper_secondary", "vocational", "higher_short", "higher_short", "higher_long", "not_said"];
const WORK: &[&str] = &["working", "working", "working", "sick_leave", "sick_leave", "aap", "unemployed", "student", "disability", "retired"];
const IMMIGRANT: &[&str] = &["no", "no", "no", "no", "no", "yes", "descendant", "not_said"];
const SOURCES: &[&str] = &["self", "self", "self", "gp", "gp", "nav", "other_service"];
const PROGRAMMES: &[(&str, &str)] = &[("panic", "panic"), ("social-anxiety", "social_anxiety"), ("depression", "depression")];

/// One referral row, with its screening.
struct Referral<'a> {
    organisation_id: i64,
    patient_id: i64,
    source: &'a str,
    status: &'a str,
    referred_at: i64,
    assessed_at: Option<i64>,
    enrolment_id: Option<i64>,
    main_problem: &'a str,
    phq9: u16,
    gad7: u16,
}

async fn insert(conn: &mut AnyConnection, rng: &mut Lcg, r: Referral<'_>) -> Result<i64, Error> {
    let birth_year = 1948 + rng.next(58) as i64;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO referrals (organisation_id, patient_id, source, phone, birth_year, gender, education, work, immigrant, main_problem, duration,
                                earlier_help, medication, message, consent_at, referred_at, status, waiting_since, assessed_at, enrolment_id)
         VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, $9, $10, $11, $12, '', $13, $13, $14, $15, $16, $17) RETURNING id",
    )
    .bind(r.organisation_id)
    .bind(r.patient_id)
    .bind(r.source)
    .bind(birth_year)
    .bind(rng.pick(GENDERS))
    .bind(rng.pick(EDUCATION))
    .bind(rng.pick(WORK))
    .bind(rng.pick(IMMIGRANT))
    .bind(r.main_problem)
    .bind(rng.pick(&["under_3m", "3_12m", "3_12m", "1_5y", "over_5y"]))
    .bind(rng.pick(&["none", "none", "gp", "municipal", "specialist"]))
    .bind(rng.pick(&["no", "no", "yes", "not_said"]))
    .bind(r.referred_at)
    .bind(r.status)
    .bind((r.status == "waiting").then_some(r.referred_at + 2 * DAY))
    .bind(r.assessed_at)
    .bind(r.enrolment_id)
    .fetch_one(&mut *conn)
    .await?;
    for (instrument_id, total) in [("phq9", r.phq9), ("gad7", r.gad7)] {
        let instrument = instruments::by_id(instrument_id).ok_or_else(|| demo_error(format!("no {instrument_id}")))?;
        sqlx::query("INSERT INTO screenings (referral_id, instrument_id, answers, total, submitted_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(instrument_id)
            .bind(json(&spread(instrument, total))?)
            .bind(i64::from(total))
            .bind(r.referred_at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

async fn organisation(conn: &mut AnyConnection, slug: &str) -> Result<i64, Error> {
    Ok(sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1").bind(slug).fetch_one(&mut *conn).await?)
}

pub async fn write(conn: &mut AnyConnection, content: &Content, password_hash: &str) -> Result<(), Error> {
    let mut rng = Lcg(20261207);
    // Every demo patient came through a referral: screened with their first scores, assessed
    // the day they started.
    let patients: Vec<(i64, i64, i64, Option<i64>, Option<String>, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT p.id, p.organisation_id, p.created_at,
                (SELECT MAX(e.id) FROM enrolments e WHERE e.patient_id = p.id AND e.guided = 1),
                (SELECT v.programme_id FROM enrolments e JOIN programme_versions v ON v.id = e.programme_version_id WHERE e.patient_id = p.id ORDER BY e.id LIMIT 1),
                (SELECT r.total FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id JOIN enrolments e ON e.id = q.enrolment_id
                  WHERE e.patient_id = p.id AND q.instrument_id = 'phq9' ORDER BY q.due_on LIMIT 1),
                (SELECT r.total FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id JOIN enrolments e ON e.id = q.enrolment_id
                  WHERE e.patient_id = p.id AND q.instrument_id = 'gad7' ORDER BY q.due_on LIMIT 1)
           FROM patients p ORDER BY p.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (patient_id, organisation_id, created_at, guided, programme, phq9, gad7) in patients {
        let waited = 10 + rng.next(30) as i64;
        let main_problem = PROGRAMMES.iter().find(|(p, _)| Some(*p) == programme.as_deref()).map(|(_, m)| *m).unwrap_or("worry");
        let status = if guided.is_some() { "started" } else { "waiting" };
        let referral = Referral {
            organisation_id,
            patient_id,
            source: rng.pick(SOURCES),
            status,
            referred_at: created_at - waited * DAY,
            assessed_at: guided.map(|_| created_at - 2 * DAY),
            enrolment_id: guided,
            main_problem,
            phq9: phq9.and_then(|t| u16::try_from(t).ok()).unwrap_or(11),
            gad7: gad7.and_then(|t| u16::try_from(t).ok()).unwrap_or(9),
        };
        insert(conn, &mut rng, referral).await?;
    }

    let bergvik = organisation(conn, super::BERGVIK).await?;
    // Two therapists who guided Bergvik's first year and have since moved on to other work.
    let mut former = Vec::new();
    for (email, name) in [("anne.lunde@stegvis.demo", "Anne Lunde"), ("knut.aas@stegvis.demo", "Knut Ås")] {
        let id = accounts::create_user(conn, email, name, None, "nb").await?;
        accounts::grant_role(conn, id, bergvik, Role::Therapist).await?;
        former.push(id);
    }
    // A year of ended courses: referred, waited, assessed, treated for the programme's weeks
    // (or dropped out early), scored weekly, with contacts and the therapist's minutes.
    let today = dates::today();
    for n in 0..140 {
        let (programme_id, main_problem) = PROGRAMMES[rng.next(3) as usize];
        let (version_id, programme) = content.current(programme_id).ok_or_else(|| demo_error(format!("no programme {programme_id}")))?;
        let weeks = i64::from(programme.weeks);
        // Referred between 13 and 2.5 months before the end of treatment is today.
        let wait = 7 + rng.next(50) as i64;
        let start = dates::add_days(today, -(7 * weeks + 5 + rng.next(300) as i64));
        let referred = dates::add_days(start, -wait);
        let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
        let email = format!("tidligere.{n:03}@stegvis.demo");
        let user_id = accounts::create_user(conn, &email, &name, None, "nb").await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(user_id).execute(&mut *conn).await?;
        accounts::grant_role(conn, user_id, bergvik, Role::Patient).await?;
        let patient_id: i64 = sqlx::query_scalar("SELECT id FROM patients WHERE user_id = $1").bind(user_id).fetch_one(&mut *conn).await?;
        let referred_at = stegvis_content::calendar::oslo_midnight(referred) + 10 * 3600;
        sqlx::query("UPDATE patients SET created_at = $1 WHERE id = $2").bind(referred_at).bind(patient_id).execute(&mut *conn).await?;
        let therapist = former[n % 2];
        let enrolment_id = enrolments::create(conn, bergvik, patient_id, *version_id, programme, true, Some(therapist), start).await?;
        sqlx::query("INSERT INTO assignments (patient_id, therapist_id, created_at) VALUES ($1, $2, $3)").bind(patient_id).bind(therapist).bind(referred_at).execute(&mut *conn).await?;
        let dropped = rng.next(100) < 18;
        let answered_weeks = if dropped { 1 + rng.next(3) as i64 } else { weeks };
        if dropped {
            let ended = stegvis_content::calendar::oslo_midnight(dates::add_days(start, 7 * answered_weeks + 3)) + 12 * 3600;
            sqlx::query("UPDATE enrolments SET ended_at = $1 WHERE id = $2").bind(ended).bind(enrolment_id).execute(&mut *conn).await?;
        }
        // Starting scores mostly above caseness; most get better, a few worse.
        let phq_start = 6 + rng.next(17) as i64;
        let gad_start = 5 + rng.next(15) as i64;
        let outcome = rng.next(100);
        let change = |start: i64, rng: &mut Lcg| -> i64 {
            match outcome {
                0..=6 => (start + 4 + rng.next(4) as i64).min(27),
                7..=30 => start - rng.next(4) as i64,
                _ => (start - 5 - rng.next(10) as i64).max(0),
            }
        };
        let (phq_end, gad_end) = (change(phq_start, &mut rng), change(gad_start, &mut rng).min(21));
        let end = dates::add_days(start, 7 * weeks);
        // Scored at the start, halfway and at the end (or as far as they came): the report
        // needs the first and the last; the weeks between would only slow every test's seed.
        let points: Vec<i64> = if dropped { vec![0, answered_weeks] } else { vec![0, weeks / 2, weeks] };
        for (instrument_id, first, last) in [("phq9", phq_start, phq_end), ("gad7", gad_start, gad_end)] {
            let instrument = instruments::by_id(instrument_id).ok_or_else(|| demo_error(format!("no {instrument_id}")))?;
            for &week in &points {
                let occasion = match week {
                    0 => Occasion::Start,
                    w if w == weeks => Occasion::End,
                    w => Occasion::Week(w as u32),
                };
                let total = (first + (last - first) * week / weeks.max(1)) as u16;
                let window = measurement::window_between(start, end, occasion);
                let at = stegvis_content::calendar::oslo_midnight(window.0) + 19 * 3600;
                measurement::insert_answered(conn, enrolment_id, instrument_id, occasion, window, &json(&spread(instrument, total))?, i64::from(total), at).await?;
            }
        }
        // Contacts: a few phone or video calls for those who finished, at most one for the
        // others; and the therapist's minutes each week, as corrected on the record. Generated
        // values only (numbers, dates and fixed words), so one statement each.
        let calls = if dropped { rng.next(2) as i64 } else { 2 + rng.next(3) as i64 };
        let contacts: Vec<String> = (0..calls)
            .map(|c| {
                let held_on = dates::add_days(start, 7 * (1 + c * answered_weeks.max(1) / calls.max(1)).min(answered_weeks) + 1);
                format!(
                    "({patient_id}, {therapist}, '{}', '{}', {}, 'Oppfølgingssamtale om hjemmeoppgavene.', {})",
                    if c % 2 == 0 { "phone" } else { "video" },
                    dates::format(held_on),
                    15 + rng.next(20),
                    stegvis_content::calendar::oslo_midnight(held_on) + 11 * 3600
                )
            })
            .collect();
        if !contacts.is_empty() {
            sqlx::query(&format!("INSERT INTO contacts (patient_id, therapist_id, kind, held_on, minutes, summary, created_at) VALUES {}", contacts.join(", "))).execute(&mut *conn).await?;
        }
        let corrections: Vec<String> = (0..answered_weeks)
            .map(|week| {
                let day = dates::add_days(start, 7 * week);
                let monday = dates::add_days(day, -i64::from(day.weekday().number_days_from_monday()));
                format!("({patient_id}, {therapist}, '{}', {}, {})", dates::format(monday), 10 + rng.next(12), now())
            })
            .collect();
        sqlx::query(&format!("INSERT INTO time_corrections (patient_id, therapist_id, week, minutes, corrected_at) VALUES {}", corrections.join(", "))).execute(&mut *conn).await?;
        let referral = Referral {
            organisation_id: bergvik,
            patient_id,
            source: rng.pick(SOURCES),
            status: "started",
            referred_at,
            assessed_at: Some(stegvis_content::calendar::oslo_midnight(dates::add_days(start, -3)) + 13 * 3600),
            enrolment_id: Some(enrolment_id),
            main_problem,
            phq9: phq_start as u16,
            gad7: gad_start as u16,
        };
        insert(conn, &mut rng, referral).await?;
    }
    // Anne and Knut have left the team: their roles are gone, their patients' courses remain.
    for id in &former {
        sqlx::query("DELETE FROM staff_roles WHERE user_id = $1").bind(id).execute(&mut *conn).await?;
    }
    // This week's intake queue: new self-referrals and one from a GP, and people waiting,
    // who have never logged in.
    let queue: &[(&str, &str, &str, i64, u16, u16)] = &[
        ("Ingrid Sæther", "ingrid.saether@stegvis.demo", "new", 1, 14, 12),
        ("Mohammed Karimi", "mohammed.karimi@stegvis.demo", "new", 2, 17, 15),
        ("Astrid Holm", "astrid.holm@stegvis.demo", "new", 0, 9, 13),
        ("Bjørn Tangen", "bjorn.tangen@stegvis.demo", "new", 3, 12, 6),
        ("Kaja Rød", "kaja.rod@stegvis.demo", "waiting", 24, 15, 11),
        ("Petter Vold", "petter.vold@stegvis.demo", "waiting", 19, 11, 14),
        ("Sunniva Brekke", "sunniva.brekke@stegvis.demo", "waiting", 12, 13, 9),
        ("Leif Aune", "leif.aune@stegvis.demo", "waiting", 6, 10, 10),
    ];
    for (i, (name, email, status, days_ago, phq9, gad7)) in queue.iter().enumerate() {
        let user_id = accounts::create_user(conn, email, name, None, "nb").await?;
        accounts::grant_role(conn, user_id, bergvik, Role::Patient).await?;
        let patient_id: i64 = sqlx::query_scalar("SELECT id FROM patients WHERE user_id = $1").bind(user_id).fetch_one(&mut *conn).await?;
        let referred_at = now() - days_ago * DAY - 3 * 3600;
        sqlx::query("UPDATE patients SET created_at = $1 WHERE id = $2").bind(referred_at).bind(patient_id).execute(&mut *conn).await?;
        let referral = Referral {
            organisation_id: bergvik,
            patient_id,
            source: if i == 3 { "gp" } else { "self" },
            status,
            referred_at,
            assessed_at: None,
            enrolment_id: None,
            main_problem: PROGRAMMES[i % 3].1,
            phq9: *phq9,
            gad7: *gad7,
        };
        insert(conn, &mut rng, referral).await?;
    }
    Ok(())
}
