//! Staff authentication: Argon2id password hashes, sessions in a cookie that
//! scripts cannot read and other sites cannot send, and the scope checks every
//! staff server function starts with.

use super::state::{AppState, Db};
use crate::domain::ids::{SchoolId, StaffId};
use crate::error::AppError;
use crate::staff::Role;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "hocphi_session";
/// A working day: staff sign in again the next morning.
pub const SESSION_TTL_SECS: i64 = 12 * 3600;
/// One-time links (invitations, password resets) are good for three days.
pub const LINK_TTL_SECS: i64 = 3 * 24 * 3600;

/// The session cookie's value on this request, if any (set by the server's RPC handler).
#[derive(Clone, Debug, Default)]
pub struct SessionCookie(pub Option<String>);

pub fn hash_password(password: &str) -> String {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).expect("the operating system's random source");
    let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes make a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters")
        .to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`hash_password`] on the heavy-work pool: Argon2 takes tens of milliseconds
/// of a core, which an async worker must not spend.
pub async fn hash_password_pooled(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    Ok(super::heavy::run(move || hash_password(&password)).await?)
}

/// [`verify_password`] on the heavy-work pool.
pub async fn verify_password_pooled(password: &str, hash: &str) -> Result<bool, AppError> {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    Ok(super::heavy::run(move || verify_password(&password, &hash)).await?)
}

/// A hash of nothing anyone knows: checked against when the user name is unknown,
/// so that a wrong name takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password"))
}

/// 32 random bytes, URL-safe: session cookies and one-time links.
pub fn random_secret() -> String {
    random_secrets(1).remove(0)
}

/// `count` secrets as [`random_secret`] makes them, 32 bytes each, from one
/// request to the operating system's random source (a statement's receipts
/// need hundreds).
pub fn random_secrets(count: usize) -> Vec<String> {
    const BYTES: usize = 32;
    let mut bytes = vec![0u8; BYTES * count];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
        .chunks(BYTES)
        .map(|b| URL_SAFE_NO_PAD.encode(b))
        .collect()
}

/// Secrets are stored only as their SHA-256.
pub fn secret_hash(secret: &str) -> String {
    crate::domain::hex::encode(&Sha256::digest(secret.as_bytes()))
}

/// The `Set-Cookie` value for a session (empty value and `Max-Age=0` to end one).
pub fn session_cookie_header(value: &str, max_age: i64) -> String {
    format!(
        "{SESSION_COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
    )
}

/// The signed-in staff member behind a request.
#[derive(Clone, Debug)]
pub struct Staff {
    pub id: StaffId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub office_id: i64,
    pub school_id: Option<SchoolId>,
    /// An officer doing the work of a school that has no active accountant:
    /// every change is recorded as such (see `check_write`).
    pub acting_for_school: bool,
}

#[derive(sqlx::FromRow)]
struct StaffRecord {
    id: StaffId,
    username: String,
    display_name: String,
    role: String,
    office_id: i64,
    school_id: Option<SchoolId>,
}

fn staff_from(row: StaffRecord) -> Result<Staff, AppError> {
    Ok(Staff {
        acting_for_school: false,
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        role: Role::parse(&row.role).ok_or(AppError::Internal)?,
        office_id: row.office_id,
        school_id: row.school_id,
    })
}

pub const STAFF_COLUMNS: &str =
    "s.id, s.username, s.display_name, s.role, s.office_id, s.school_id";

pub async fn staff_by_id(db: &Db, id: StaffId) -> Result<Option<Staff>, AppError> {
    let row: Option<StaffRecord> = sqlx::query_as(&format!(
        "SELECT {STAFF_COLUMNS} FROM staff s WHERE s.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.map(staff_from).transpose()
}

/// Who is signed in, or `NotSignedIn`. A deactivated account's sessions stop here.
pub async fn current_staff(state: &AppState) -> Result<Staff, AppError> {
    let session = leptos::prelude::use_context::<SessionCookie>().unwrap_or(SessionCookie(None));
    staff_of_session(state, &session).await
}

/// Who a session cookie belongs to, for a handler outside the server functions
/// (a download the browser asks for by address).
pub async fn staff_of_session(
    state: &AppState,
    session: &SessionCookie,
) -> Result<Staff, AppError> {
    let token = session.0.clone().ok_or(AppError::NotSignedIn)?;
    let row: Option<StaffRecord> = sqlx::query_as(&format!(
        "SELECT {STAFF_COLUMNS} FROM staff_session ss JOIN staff s ON s.id = ss.staff_id \
         WHERE ss.token_hash = $1 AND ss.expires_at > $2 AND s.active = 1"
    ))
    .bind(secret_hash(&token))
    .bind(state.clock.now())
    .fetch_optional(&state.db)
    .await?;
    row.map(staff_from)
        .transpose()?
        .ok_or(AppError::NotSignedIn)
}

/// Starts a session and returns the cookie's secret.
pub async fn start_session(state: &AppState, staff_id: StaffId) -> Result<String, AppError> {
    let secret = random_secret();
    let now = state.clock.now();
    let _turn = super::database::single_write_turn(&state.db).await;
    sqlx::query("DELETE FROM staff_session WHERE expires_at <= $1")
        .bind(now)
        .execute(&state.db)
        .await?;
    sqlx::query("INSERT INTO staff_session (token_hash, staff_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(secret_hash(&secret))
        .bind(staff_id)
        .bind(now)
        .bind(now + SESSION_TTL_SECS)
        .execute(&state.db)
        .await?;
    Ok(secret)
}

/// The application state and the signed-in staff member, if they may change
/// this school's data (every state-changing staff function starts here).
pub async fn school_writer(school_id: SchoolId) -> Result<(AppState, Staff), AppError> {
    let state = super::state::app_state()?;
    let mut staff = current_staff(&state).await?;
    staff.check_write(&state.db, school_id).await?;
    staff.acting_for_school = staff.role == Role::Officer;
    Ok((state, staff))
}

/// The same for reading a school's data (teachers included).
pub async fn school_reader(school_id: SchoolId) -> Result<(AppState, Staff), AppError> {
    let state = super::state::app_state()?;
    let staff = current_staff(&state).await?;
    staff.check_read(&state.db, school_id).await?;
    Ok((state, staff))
}

/// Reading what only the school's office and its supervisors see: complaints
/// (with parents' bank details), online orders, the school's figures and
/// reports. A teacher's screens show none of it, and neither does the server:
/// teachers read their own classes only (`api::class_view`).
pub async fn school_office_reader(school_id: SchoolId) -> Result<(AppState, Staff), AppError> {
    let (state, staff) = school_reader(school_id).await?;
    if staff.role == Role::Teacher {
        return Err(AppError::Forbidden);
    }
    Ok((state, staff))
}

/// The office that supervises a school directly (its commune, or the Department for a THPT).
pub async fn office_of_school(db: &Db, school_id: SchoolId) -> Result<i64, AppError> {
    let (office_id,): (i64,) = sqlx::query_as("SELECT office_id FROM school WHERE id = $1")
        .bind(school_id)
        .fetch_optional(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(office_id)
}

/// An office's level: what it supervises.
pub async fn office_level(
    db: &Db,
    office_id: i64,
) -> Result<crate::domain::office::OfficeLevel, AppError> {
    let (level,): (String,) = sqlx::query_as("SELECT level FROM office WHERE id = $1")
        .bind(office_id)
        .fetch_one(db)
        .await?;
    crate::domain::office::OfficeLevel::parse(&level).ok_or(AppError::Internal)
}

/// The schools an office supervises: its own, and for a Department also its communes'.
pub async fn supervised_schools(db: &Db, office_id: i64) -> Result<Vec<SchoolId>, AppError> {
    let ids: Vec<(SchoolId,)> = sqlx::query_as(
        "SELECT school_id FROM office_school WHERE office_id = $1 ORDER BY school_id",
    )
    .bind(office_id)
    .fetch_all(db)
    .await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

impl Staff {
    /// May this person read this school's data? Officers: any school their office
    /// supervises (a Department: also its communes' schools, `office_school`);
    /// accountants and teachers: their own school.
    pub async fn check_read(&self, db: &Db, school_id: SchoolId) -> Result<(), AppError> {
        match self.role {
            Role::Officer => {
                let seen: Option<(i64,)> = sqlx::query_as(
                    "SELECT school_id FROM office_school WHERE school_id = $1 AND office_id = $2",
                )
                .bind(school_id)
                .bind(self.office_id)
                .fetch_optional(db)
                .await?;
                seen.map(|_| ()).ok_or(AppError::Forbidden)
            }
            Role::Accountant | Role::Teacher if self.school_id == Some(school_id) => Ok(()),
            _ => Err(AppError::Forbidden),
        }
    }

    /// May this person change this school's data (profile, accounts, students,
    /// money)? Teachers never change anything about money or the school. The
    /// office supervises: an officer does the accountant's work only for a
    /// school with no active accountant (a new school, or one whose accountant
    /// left), and each such change is recorded as done for the school.
    pub async fn check_write(&self, db: &Db, school_id: SchoolId) -> Result<(), AppError> {
        match self.role {
            Role::Teacher => Err(AppError::Forbidden),
            Role::Accountant => self.check_read(db, school_id).await,
            Role::Officer => {
                self.check_read(db, school_id).await?;
                let (accountants,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM staff WHERE school_id = $1 AND role = 'accountant' AND active = 1",
                )
                .bind(school_id)
                .fetch_one(db)
                .await?;
                if accountants > 0 {
                    Err(AppError::Forbidden)
                } else {
                    Ok(())
                }
            }
        }
    }

    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.role == role {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_secrets() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("x", "not a hash"));
        let a = random_secret();
        assert_ne!(a, random_secret());
        let many = random_secrets(3);
        assert_eq!(many.len(), 3);
        assert!(many.iter().all(|s| s.len() == a.len()));
        assert!(many[0] != many[1] && many[1] != many[2] && many[0] != many[2]);
        assert_eq!(secret_hash(&a).len(), 64);
        let cookie = session_cookie_header("abc", 60);
        for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(flag), "{cookie}");
        }
    }
}
