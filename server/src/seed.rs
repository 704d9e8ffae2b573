//! The demo organisations: a municipal RPH team a few months in, and a DPS clinic, so that
//! every screen can be judged as its users would see it. Fictional people only.

use stegvis_platform::{
    accounts::{self, NewInvitation},
    content::Content,
    db::Db,
    now,
    org::{self, Role},
    Error,
};

pub const DEMO_PASSWORD: &str = "stegvis-demo";
const DAY: i64 = 24 * 60 * 60;

/// The log-ins printed at start: (role, e-mail).
pub const DEMO_LOGINS: [(&str, &str); 4] = [
    ("patient", "pasient@stegvis.demo"),
    ("therapist", "behandler@stegvis.demo"),
    ("team lead", "teamleder@stegvis.demo"),
    ("organisation admin", "admin@stegvis.demo"),
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
    Person { email: "nils.aas@stegvis.demo", name: "Nils Aas", roles: &[(FJORDHEIM, Role::Patient)], days_ago: 44 },
];

/// (patient e-mail, therapist e-mail). Thomas Vik, new this week, is still waiting for one.
const ASSIGNMENTS: &[(&str, &str)] = &[
    ("pasient@stegvis.demo", "behandler@stegvis.demo"),
    ("jonas.lie@stegvis.demo", "behandler@stegvis.demo"),
    ("amina.hassan@stegvis.demo", "ola.berg@stegvis.demo"),
    ("per.olsen@stegvis.demo", "teamleder@stegvis.demo"),
    ("line.dahl@stegvis.demo", "ola.berg@stegvis.demo"),
    ("nils.aas@stegvis.demo", "behandler@stegvis.demo"),
];

/// Loads the demo data unless it is there already. Returns whether anything was added.
pub async fn demo(db: &Db, _content: &Content, public_origin: &str) -> Result<bool, Error> {
    let pool = &db.pool;
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE slug = $1")
        .bind(BERGVIK)
        .fetch_optional(pool)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
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
    tx.commit().await?;
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
