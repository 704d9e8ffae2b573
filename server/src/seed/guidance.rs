//! The guidance side of the demo: messages (some waiting for an answer, one past the reply
//! time), contacts, journal notes with a correction, the days therapists reply, a planned
//! holiday cover, and when each patient was last active. Written after the programmes.

use sqlx::AnyConnection;
use stegvis_platform::{audit::Action, dates, now, Error};

use super::{Staff, DAY, HOUR};

/// Who wrote, to whom, how long ago (days, hours of the day) and what.
struct DemoMessage {
    patient: &'static str,
    /// None: the patient wrote it.
    staff: Option<&'static str>,
    days_ago: i64,
    hour: i64,
    body: &'static str,
}

const MARIA: &str = "behandler@stegvis.demo";
const ERIK: &str = "teamleder@stegvis.demo";

const MESSAGES: &[DemoMessage] = &[
    DemoMessage { patient: "pasient@stegvis.demo", staff: Some(MARIA), days_ago: 20, hour: 10, body: "Hei Kari! Fint at du er i gang. Panikkdagboken din var tydelig og godt utfylt. Si gjerne fra hvis noe er uklart i modulen om kroppens alarmsystem." },
    DemoMessage { patient: "pasient@stegvis.demo", staff: None, days_ago: 19, hour: 20, body: "Takk! Det hjalp å lese om hvorfor hjertet slår fort. Jeg har fortsatt litt angst for å ta bussen alene." },
    DemoMessage { patient: "pasient@stegvis.demo", staff: Some(MARIA), days_ago: 18, hour: 9, body: "Det er helt vanlig på dette tidspunktet. Bussen kan bli et godt trinn i eksponeringstrappen din senere. Vi tar det steg for steg." },
    // Yesterday evening, not yet answered.
    DemoMessage { patient: "pasient@stegvis.demo", staff: None, days_ago: 1, hour: 21, body: "Jeg prøvde å ta bussen to stopp i dag. Pulsen gikk opp, men jeg gikk ikke av! Er det greit å prøve fire stopp neste gang?" },
    DemoMessage { patient: "jonas.lie@stegvis.demo", staff: Some(MARIA), days_ago: 30, hour: 13, body: "Hei Jonas. Aktivitetsplanen din viser at gåturene gir deg mestring. Kan du legge inn en tur til neste uke også?" },
    DemoMessage { patient: "jonas.lie@stegvis.demo", staff: None, days_ago: 29, hour: 18, body: "Ja, jeg har lagt inn tirsdag og torsdag." },
    // Per wrote six days ago and has had no answer: past the two working days.
    DemoMessage { patient: "per.olsen@stegvis.demo", staff: None, days_ago: 6, hour: 16, body: "Hei. Jeg fikk ikke til aktivitetsplanen denne uken. Kan vi snakke om det?" },
    DemoMessage { patient: "ny.depresjon@stegvis.demo", staff: None, days_ago: 0, hour: 8, body: "Hei, jeg lurer på hvor mye tid jeg bør bruke på modulene hver uke?" },
];

/// Contacts: (patient, therapist, kind, days ago, minutes, summary).
const CONTACTS: &[(&str, &str, &str, i64, i64, &str)] = &[
    ("pasient@stegvis.demo", MARIA, "video", 36, 45, "Vurderingssamtale. Panikkanfall siden i vår, unngår buss og butikker. Motivert for internettbehandling. Avtalt oppstart i panikkprogrammet med veiledning hver uke."),
    ("jonas.lie@stegvis.demo", MARIA, "phone", 25, 20, "Telefonsamtale etter at Jonas ba om det. Gått gjennom aktivitetsplanen; vansker med å komme i gang om morgenen. Avtalt små, faste aktiviteter før kl. 10."),
    ("per.olsen@stegvis.demo", ERIK, "meeting", 15, 50, "Vurderingssamtale på kontoret. Nedstemt i to måneder, sykmeldt 50 %. Starter i depresjonsprogrammet."),
];

/// Journal notes: (patient, author, kind, days ago, text, corrected text and days ago).
struct DemoNote {
    patient: &'static str,
    author: &'static str,
    kind: &'static str,
    days_ago: i64,
    body: &'static str,
    correction: Option<(i64, &'static str)>,
}

const NOTES: &[DemoNote] = &[
    DemoNote { patient: "pasient@stegvis.demo", author: MARIA, kind: "assessment", days_ago: 36, body: "Vurdering: panikklidelse med agorafobisk unngåelse. PHQ-9 12, GAD-7 15 ved start. Ingen tidligere behandling. Trinn: veiledet internettbehandling.", correction: None },
    DemoNote {
        patient: "jonas.lie@stegvis.demo",
        author: MARIA,
        kind: "treatment",
        days_ago: 20,
        body: "Jevn fremgang. Gjennomfører aktivitetene tre dager i uken.",
        correction: Some((19, "Jevn fremgang. Gjennomfører aktivitetene fire dager i uken (rettet etter ny gjennomgang av planen).")),
    },
];

async fn id_of(conn: &mut AnyConnection, email: &str) -> Result<i64, Error> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email).fetch_one(&mut *conn).await?)
}

/// The patient's record and organisation.
async fn patient_of(conn: &mut AnyConnection, email: &str) -> Result<(i64, i64, i64), Error> {
    Ok(sqlx::query_as("SELECT p.id, p.organisation_id, u.id FROM patients p JOIN users u ON u.id = p.user_id WHERE u.email = $1")
        .bind(email)
        .fetch_one(&mut *conn)
        .await?)
}

/// A time `days_ago` at `hour` Oslo time (about: good enough for demo data), never in the future.
fn at(days_ago: i64, hour: i64) -> i64 {
    let day = dates::add_days(dates::today(), -days_ago);
    (stegvis_content::calendar::oslo_midnight(day) + hour * HOUR).min(now() - 60)
}

pub async fn write(conn: &mut AnyConnection) -> Result<(), Error> {
    for (n, m) in MESSAGES.iter().enumerate() {
        let (patient_id, organisation_id, patient_user) = patient_of(conn, m.patient).await?;
        let (author, from_patient) = match m.staff {
            Some(email) => (id_of(conn, email).await?, 0),
            None => (patient_user, 1),
        };
        let sent = at(m.days_ago, m.hour);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (patient_id, author_id, from_patient, body, client_key, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(patient_id)
        .bind(author)
        .bind(from_patient)
        .bind(m.body)
        .bind(format!("demo-seed-message-{n:04}"))
        .bind(sent)
        .fetch_one(&mut *conn)
        .await?;
        // The writer has read everything up to their own message; a therapist's message was
        // read by the patient the next time they came.
        let mut readers = vec![author];
        if from_patient == 0 {
            readers.push(patient_user);
        }
        for reader in readers {
            sqlx::query(
                "INSERT INTO message_reads (patient_id, user_id, last_read_id) VALUES ($1, $2, $3)
                 ON CONFLICT (patient_id, user_id) DO UPDATE SET last_read_id = excluded.last_read_id",
            )
            .bind(patient_id)
            .bind(reader)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        if let Some(email) = m.staff {
            let staff = Staff { user_id: id_of(conn, email).await?, organisation_id, patient_id };
            staff.audit(conn, sent - 6 * 60, Action::ViewPatient).await?;
            staff.audit(conn, sent, Action::SendMessage).await?;
        }
    }
    for (patient, therapist, kind, days_ago, minutes, summary) in CONTACTS {
        let (patient_id, organisation_id, _) = patient_of(conn, patient).await?;
        let staff = Staff { user_id: id_of(conn, therapist).await?, organisation_id, patient_id };
        let written = at(*days_ago, 15);
        sqlx::query(
            "INSERT INTO contacts (patient_id, therapist_id, kind, held_on, minutes, summary, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(patient_id)
        .bind(staff.user_id)
        .bind(kind)
        .bind(dates::format(dates::add_days(dates::today(), -days_ago)))
        .bind(minutes)
        .bind(summary)
        .bind(written)
        .execute(&mut *conn)
        .await?;
        staff.audit(conn, written, Action::RecordContact).await?;
    }
    for note in NOTES {
        let (patient_id, organisation_id, _) = patient_of(conn, note.patient).await?;
        let staff = Staff { user_id: id_of(conn, note.author).await?, organisation_id, patient_id };
        let mut replaces: Option<i64> = None;
        for (days_ago, body) in std::iter::once((note.days_ago, note.body)).chain(note.correction) {
            let written = at(days_ago, 14);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO journal_notes (patient_id, replaces_id, written_on, kind, body, author_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(patient_id)
            .bind(replaces)
            .bind(dates::format(dates::add_days(dates::today(), -note.days_ago)))
            .bind(note.kind)
            .bind(body)
            .bind(staff.user_id)
            .bind(written)
            .fetch_one(&mut *conn)
            .await?;
            staff.audit(conn, written, Action::WriteNote).await?;
            replaces = Some(id);
        }
    }
    // The days therapists usually reply (shown to their patients).
    for (email, days) in [(MARIA, "1,3,4"), ("ola.berg@stegvis.demo", "2,4")] {
        sqlx::query("UPDATE users SET reply_days = $1 WHERE email = $2").bind(days).bind(email).execute(&mut *conn).await?;
    }
    // Ola covers for Erik during a week off next month.
    let (ola, erik) = (id_of(conn, "ola.berg@stegvis.demo").await?, id_of(conn, ERIK).await?);
    let organisation_id: i64 = sqlx::query_scalar("SELECT organisation_id FROM staff_roles WHERE user_id = $1").bind(erik).fetch_one(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO covers (organisation_id, absent_id, cover_id, starts_on, ends_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $2, $6)",
    )
    .bind(organisation_id)
    .bind(erik)
    .bind(ola)
    .bind(dates::format(dates::add_days(dates::today(), 14)))
    .bind(dates::format(dates::add_days(dates::today(), 20)))
    .bind(now() - 3 * DAY)
    .execute(&mut *conn)
    .await?;
    // When each patient was last active: their latest homework, draft, answer or message.
    sqlx::query(
        "UPDATE patients SET last_active_at = (
            SELECT MAX(at) FROM (
                SELECT s.submitted_at AS at FROM submissions s JOIN enrolments e ON e.id = s.enrolment_id WHERE e.patient_id = patients.id
                UNION ALL SELECT d.updated_at FROM drafts d JOIN enrolments e ON e.id = d.enrolment_id WHERE e.patient_id = patients.id
                UNION ALL SELECT r.submitted_at FROM responses r JOIN questionnaires q ON q.id = r.questionnaire_id
                          JOIN enrolments e ON e.id = q.enrolment_id WHERE e.patient_id = patients.id
                UNION ALL SELECT m.created_at FROM messages m WHERE m.patient_id = patients.id AND m.from_patient = 1
            ) activity)",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
