//! People's accounts: log-in (with rate limiting), password reset and invitations.

use std::net::IpAddr;

use axum_login::{AuthUser, AuthnBackend};
use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, FromRow};

use crate::{
    content::Content,
    mail::{self, Mail},
    now,
    org::Role,
    tokens, Error, FieldError, Result,
};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 200;
/// How long e-mailed links stay valid.
pub const RESET_LINK_SECONDS: i64 = 60 * 60;
pub const INVITATION_SECONDS: i64 = 7 * 24 * 60 * 60;

#[derive(Clone, Serialize, Deserialize, FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub locale: String,
    password_hash: Option<String>,
    /// The password hash and the session epoch: a session is valid while it matches, so a new
    /// password or a deactivation ends every session of the person at once.
    session_key: String,
}

// Never print the password hash, not even in debug output.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User").field("id", &self.id).finish_non_exhaustive()
    }
}

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// Changing the password ends every other session of the person.
    fn session_auth_hash(&self) -> &[u8] {
        self.session_key.as_bytes()
    }
}

const USER_COLUMNS: &str = "id, email, display_name, locale, password_hash, COALESCE(password_hash, '') || ':' || CAST(session_epoch AS TEXT) AS session_key";

pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A deliberately plain check: one @, something on both sides, a dot in the domain.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub fn check_password(field: &str, password: &str, repeated: &str) -> Vec<FieldError> {
    let chars = password.chars().count();
    let mut errors = Vec::new();
    if chars < MIN_PASSWORD_CHARS {
        errors.push(FieldError::new(field, "password_too_short"));
    } else if chars > MAX_PASSWORD_CHARS {
        errors.push(FieldError::new(field, "password_too_long"));
    } else if password != repeated {
        errors.push(FieldError::new(&format!("{field}_repeat"), "password_mismatch"));
    }
    errors
}

pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

pub async fn user_by_id(pool: &AnyPool, id: i64) -> Result<Option<User>> {
    Ok(sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

pub async fn user_by_email(pool: &AnyPool, email: &str) -> Result<Option<User>> {
    Ok(sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"))
        .bind(normalise_email(email))
        .fetch_optional(pool)
        .await?)
}

/// Creates a person; `password` None leaves the account unusable until a link sets one.
pub async fn create_user(
    conn: &mut sqlx::AnyConnection,
    email: &str,
    display_name: &str,
    password: Option<&str>,
    locale: &str,
) -> Result<i64> {
    let hash = match password {
        Some(p) => Some(hash_password(p.to_string()).await?),
        None => None,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash, locale, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(normalise_email(email))
    .bind(display_name.trim())
    .bind(hash)
    .bind(locale)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Gives a person a role in an organisation (a patient role creates their patient record).
pub async fn grant_role(conn: &mut sqlx::AnyConnection, user_id: i64, organisation_id: i64, role: Role) -> Result<()> {
    let sql = if role == Role::Patient {
        "INSERT INTO patients (user_id, organisation_id, created_at) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING"
    } else {
        "INSERT INTO staff_roles (user_id, organisation_id, role, created_at) VALUES ($1, $2, $4, $3)
         ON CONFLICT DO NOTHING"
    };
    let query = sqlx::query(sql).bind(user_id).bind(organisation_id).bind(now());
    let query = if role == Role::Patient { query } else { query.bind(role.as_str()) };
    query.execute(&mut *conn).await?;
    Ok(())
}

pub async fn set_locale(pool: &AnyPool, user_id: i64, locale: &str) -> Result<()> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(())
}

async fn set_password(conn: &mut sqlx::AnyConnection, user_id: i64, password: &str) -> Result<()> {
    let hash = hash_password(password.to_string()).await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Failed log-ins allowed in a window, per account and per client address.
#[derive(Clone, Copy, Debug)]
pub struct LoginLimits {
    pub per_account: i64,
    pub per_ip: i64,
    pub window_seconds: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self { per_account: 5, per_ip: 30, window_seconds: 15 * 60 }
    }
}

/// The authentication backend for axum-login.
#[derive(Clone)]
pub struct Accounts {
    pool: AnyPool,
    limits: LoginLimits,
}

pub struct Credentials {
    pub email: String,
    pub password: String,
    pub client_ip: IpAddr,
}

impl Accounts {
    pub fn new(pool: AnyPool, limits: LoginLimits) -> Self {
        Self { pool, limits }
    }

    async fn recent_failures(&self, column: &str, key: &str) -> Result<i64> {
        let since = now() - self.limits.window_seconds;
        Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM login_failures WHERE {column} = $1 AND at > $2"))
            .bind(key)
            .bind(since)
            .fetch_one(&self.pool)
            .await?)
    }
}


impl AuthnBackend for Accounts {
    type User = User;
    type Credentials = Credentials;
    type Error = Error;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>> {
        let account = normalise_email(&creds.email);
        let ip = creds.client_ip.to_string();
        if self.recent_failures("account_key", &account).await? >= self.limits.per_account
            || self.recent_failures("client_ip", &ip).await? >= self.limits.per_ip
        {
            return Err(Error::RateLimited);
        }
        let user = user_by_email(&self.pool, &account).await?;
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        let password = creds.password;
        // Verify against a dummy hash when there is no account, so timing does not tell.
        let ok = tokio::task::spawn_blocking(move || match stored {
            Some(hash) => password_auth::verify_password(password, &hash).is_ok(),
            None => {
                let _ = password_auth::verify_password(password, DUMMY_HASH.as_str());
                false
            }
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
        if ok {
            sqlx::query("DELETE FROM login_failures WHERE account_key = $1")
                .bind(&account)
                .execute(&self.pool)
                .await?;
            Ok(user)
        } else {
            sqlx::query("INSERT INTO login_failures (at, account_key, client_ip) VALUES ($1, $2, $3)")
                .bind(now())
                .bind(&account)
                .bind(&ip)
                .execute(&self.pool)
                .await?;
            Ok(None)
        }
    }

    async fn get_user(&self, id: &i64) -> Result<Option<User>> {
        user_by_id(&self.pool, *id).await
    }
}

impl From<axum_login::Error<Accounts>> for Error {
    fn from(e: axum_login::Error<Accounts>) -> Self {
        match e {
            axum_login::Error::Backend(e) => e,
            axum_login::Error::Session(e) => Error::Session(e.to_string()),
        }
    }
}

static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash("not a real password"));

/// Starts a password reset. Unknown addresses do nothing, and the caller answers the same
/// either way, so the form does not tell who has an account.
pub async fn begin_password_reset(
    pool: &AnyPool,
    email: &str,
    compose: impl FnOnce(&User, &str) -> Mail,
) -> Result<()> {
    let Some(user) = user_by_email(pool, email).await? else { return Ok(()) };
    let (token, hash) = tokens::generate();
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(user.id)
        .bind(hash)
        .bind(now())
        .bind(now() + RESET_LINK_SECONDS)
        .execute(&mut *tx)
        .await?;
    mail::enqueue(&mut tx, &compose(&user, &token)).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a reset link is still usable (to show the form or a clear "expired" page).
pub async fn reset_token_valid(pool: &AnyPool, token: &str) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(tokens::hash(token))
    .bind(now())
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Sets a new password through a reset link; the link works once. Returns the person.
pub async fn complete_password_reset(pool: &AnyPool, token: &str, password: &str, repeated: &str) -> Result<User> {
    let errors = check_password("password", password, repeated);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let mut tx = pool.begin().await?;
    // Claiming the link and using it happen in one statement, so two submits cannot both win.
    let user_id: Option<i64> = sqlx::query_scalar(
        "UPDATE password_resets SET used_at = $1
          WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
          RETURNING user_id",
    )
    .bind(now())
    .bind(tokens::hash(token))
    .fetch_optional(&mut *tx)
    .await?;
    let user_id = user_id.ok_or_else(|| Error::invalid("token", "link_expired"))?;
    set_password(&mut tx, user_id, password).await?;
    tx.commit().await?;
    user_by_id(pool, user_id).await?.ok_or(Error::NotFound)
}

#[derive(Clone, Debug, Serialize, Deserialize, FromRow)]
pub struct Invitation {
    pub id: i64,
    pub organisation_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub locale: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
}

pub struct NewInvitation<'a> {
    pub organisation_id: i64,
    pub invited_by: i64,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub locale: &'a str,
}

/// Invites a person by e-mail; `compose` writes the mail around the one-time link token.
pub async fn invite(pool: &AnyPool, new: NewInvitation<'_>, compose: impl FnOnce(&str) -> Mail) -> Result<()> {
    let mut tx = pool.begin().await?;
    invite_in(&mut tx, new, compose).await?;
    tx.commit().await?;
    Ok(())
}

/// [`invite`] in the caller's transaction (an intake decision that lets the person in).
pub async fn invite_in(conn: &mut sqlx::AnyConnection, new: NewInvitation<'_>, compose: impl FnOnce(&str) -> Mail) -> Result<()> {
    let email = normalise_email(new.email);
    let name = new.display_name.trim();
    let mut errors = Vec::new();
    if !valid_email(&email) {
        errors.push(FieldError::new("email", "invalid_email"));
    }
    if name.is_empty() || name.chars().count() > 120 {
        errors.push(FieldError::new("display_name", "required"));
    }
    if !matches!(new.locale, "nb" | "en") {
        errors.push(FieldError::new("locale", "invalid_choice"));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let (token, hash) = tokens::generate();
    sqlx::query(
        "INSERT INTO invitations (organisation_id, email, display_name, role, locale, token_hash, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new.organisation_id)
    .bind(&email)
    .bind(name)
    .bind(new.role.as_str())
    .bind(new.locale)
    .bind(hash)
    .bind(new.invited_by)
    .bind(now())
    .bind(now() + INVITATION_SECONDS)
    .execute(&mut *conn)
    .await?;
    mail::enqueue(conn, &compose(&token)).await?;
    Ok(())
}

const INVITATION_COLUMNS: &str =
    "id, organisation_id, email, display_name, role, locale, created_at, expires_at, accepted_at";

/// An open invitation by its link token, with whether the person already has a password.
pub async fn open_invitation(pool: &AnyPool, token: &str) -> Result<Option<(Invitation, bool)>> {
    let invitation: Option<Invitation> = sqlx::query_as(&format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2"
    ))
    .bind(tokens::hash(token))
    .bind(now())
    .fetch_optional(pool)
    .await?;
    let Some(invitation) = invitation else { return Ok(None) };
    let has_password = user_by_email(pool, &invitation.email)
        .await?
        .is_some_and(|u| u.password_hash.is_some());
    Ok(Some((invitation, has_password)))
}

/// Accepts an invitation: creates the person (or finds them) and grants the role. A person
/// without a password must set one here; one who has a password keeps it, and the second value
/// returned is true: they log in as usual rather than by the link.
pub async fn accept_invitation(pool: &AnyPool, content: &Content, token: &str, password: &str, repeated: &str) -> Result<(User, bool)> {
    let (invitation, has_password) =
        open_invitation(pool, token).await?.ok_or_else(|| Error::invalid("token", "link_expired"))?;
    if !has_password {
        let errors = check_password("password", password, repeated);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
    }
    let role = Role::parse(&invitation.role).ok_or_else(|| Error::Internal("unknown role".into()))?;
    let mut tx = pool.begin().await?;
    let claimed = sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL")
        .bind(now())
        .bind(invitation.id)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() != 1 {
        return Err(Error::invalid("token", "link_expired"));
    }
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(&invitation.email)
        .fetch_optional(&mut *tx)
        .await?;
    let user_id = match existing {
        Some(id) => {
            if !has_password {
                set_password(&mut tx, id, password).await?;
            }
            id
        }
        None => create_user(&mut tx, &invitation.email, &invitation.display_name, Some(password), &invitation.locale).await?,
    };
    grant_role(&mut tx, user_id, invitation.organisation_id, role).await?;
    if role == Role::Patient {
        let patient_id: i64 = sqlx::query_scalar("SELECT id FROM patients WHERE user_id = $1 AND organisation_id = $2")
            .bind(user_id)
            .bind(invitation.organisation_id)
            .fetch_one(&mut *tx)
            .await?;
        crate::enrolments::enrol_from_waiting_list(&mut tx, content, invitation.organisation_id, patient_id).await?;
    }
    tx.commit().await?;
    Ok((user_by_id(pool, user_id).await?.ok_or(Error::NotFound)?, has_password))
}

pub async fn invitations(pool: &AnyPool, organisation_id: i64) -> Result<Vec<Invitation>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50"
    ))
    .bind(organisation_id)
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_checks() {
        assert!(valid_email("kari@example.no"));
        assert!(!valid_email("kari@example"));
        assert!(!valid_email("kari example@example.no"));
        assert!(!valid_email("@example.no"));
        assert!(!valid_email("kari@@example.no"));
        assert_eq!(normalise_email("  Kari@Example.NO "), "kari@example.no");
    }

    #[test]
    fn password_rules() {
        assert_eq!(check_password("p", "short", "short")[0].code, "password_too_short");
        assert_eq!(check_password("p", "long enough!", "long enough?")[0].field, "p_repeat");
        assert!(check_password("p", "long enough!", "long enough!").is_empty());
        let long = "x".repeat(MAX_PASSWORD_CHARS + 1);
        assert_eq!(check_password("p", &long, &long)[0].code, "password_too_long");
        // Counted in characters, not bytes: ten Norwegian letters are enough.
        assert!(check_password("p", "æøåæøåæøåæ", "æøåæøåæøåæ").is_empty());
    }
}
