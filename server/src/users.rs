//! Creating staff accounts outside the web app: an office's first officer (from
//! the command line) and the demo accounts.

use hocphi_app::domain::validate;
use hocphi_app::server::auth::hash_password;
use hocphi_app::server::state::Db;
use hocphi_app::staff::Role;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("the user name must be 3 to 32 lower-case letters, digits, '.', '-' or '_'")]
    BadUsername,
    #[error(
        "the password needs at least {} characters",
        validate::MIN_PASSWORD_CHARS
    )]
    WeakPassword,
    #[error("the display name must not be empty")]
    BadName,
    #[error("no office with id {0} (see `hocphi office list`)")]
    NoOffice(i64),
    #[error("an officer belongs to an office: give --office")]
    OfficeNeeded,
    #[error("no school '{0}' under that office")]
    NoSchool(String),
    #[error("{0:?} accounts belong to a school: give --school")]
    SchoolNeeded(Role),
    #[error("officers belong to no school: leave out --school")]
    NoSchoolForOfficer,
    #[error("the user name '{0}' is taken")]
    Taken(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    /// An officer's office; for a school's staff, optional (the school's office is
    /// used), and if given the school must be one it supervises.
    pub office_id: Option<i64>,
    pub school_slug: Option<&'a str>,
}

/// The new account's password for `user add`: `HOCPHI_PASSWORD`, or else the
/// first line of standard input (asked for on standard error).
pub fn password_from_env_or_stdin(username: &str) -> std::io::Result<String> {
    match std::env::var("HOCPHI_PASSWORD") {
        Ok(p) => Ok(p),
        Err(_) => {
            eprint!("Password for {username}: ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            Ok(line.trim_end_matches(['\r', '\n']).to_string())
        }
    }
}

pub async fn add(db: &Db, user: NewUser<'_>, now: i64) -> Result<i64, UserError> {
    let username = validate::username(user.username).ok_or(UserError::BadUsername)?;
    if !validate::password_ok(user.password) {
        return Err(UserError::WeakPassword);
    }
    let display_name = validate::text(user.display_name, 80).ok_or(UserError::BadName)?;
    if let Some(office_id) = user.office_id {
        let office: Option<(i64,)> = sqlx::query_as("SELECT id FROM office WHERE id = $1")
            .bind(office_id)
            .fetch_optional(db)
            .await?;
        office.ok_or(UserError::NoOffice(office_id))?;
    }
    let (office_id, school_id) = match (user.role, user.school_slug) {
        (Role::Officer, None) => (user.office_id.ok_or(UserError::OfficeNeeded)?, None),
        (Role::Officer, Some(_)) => return Err(UserError::NoSchoolForOfficer),
        (role, None) => return Err(UserError::SchoolNeeded(role)),
        (_, Some(slug)) => {
            // The school's own office; a given --office must supervise it.
            let row: Option<(i64, i64)> = sqlx::query_as(
                "SELECT sc.id, sc.office_id FROM school sc WHERE sc.slug = $1 \
                 AND ($2 IS NULL OR sc.id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $2))",
            )
            .bind(slug)
            .bind(user.office_id)
            .fetch_optional(db)
            .await?;
            let (school_id, office_id) =
                row.ok_or_else(|| UserError::NoSchool(slug.to_string()))?;
            (office_id, Some(school_id))
        }
    };
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO staff (username, display_name, password_hash, role, office_id, school_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&username)
    .bind(&display_name)
    .bind(hash_password(user.password))
    .bind(user.role.as_str())
    .bind(office_id)
    .bind(school_id)
    .bind(now)
    .fetch_one(db)
    .await;
    match inserted {
        Ok((id,)) => Ok(id),
        Err(e) if hocphi_app::server::is_unique_violation(&e) => Err(UserError::Taken(username)),
        Err(e) => Err(e.into()),
    }
}
