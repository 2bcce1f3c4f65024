//! Creating staff accounts outside the web app: the first district officer (from
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
    #[error("no district with id {0}")]
    NoDistrict(i64),
    #[error("no school '{0}' in that district")]
    NoSchool(String),
    #[error("{0:?} accounts belong to a school: give --school")]
    SchoolNeeded(Role),
    #[error("district officers belong to no school: leave out --school")]
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
    pub district_id: i64,
    pub school_slug: Option<&'a str>,
}

pub async fn add(db: &Db, user: NewUser<'_>, now: i64) -> Result<i64, UserError> {
    let username = validate::username(user.username).ok_or(UserError::BadUsername)?;
    if !validate::password_ok(user.password) {
        return Err(UserError::WeakPassword);
    }
    let display_name = validate::text(user.display_name, 80).ok_or(UserError::BadName)?;
    let district: Option<(i64,)> = sqlx::query_as("SELECT id FROM district WHERE id = $1")
        .bind(user.district_id)
        .fetch_optional(db)
        .await?;
    district.ok_or(UserError::NoDistrict(user.district_id))?;
    let school_id = match (user.role, user.school_slug) {
        (Role::DistrictOfficer, None) => None,
        (Role::DistrictOfficer, Some(_)) => return Err(UserError::NoSchoolForOfficer),
        (role, None) => return Err(UserError::SchoolNeeded(role)),
        (_, Some(slug)) => {
            let row: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM school WHERE slug = $1 AND district_id = $2")
                    .bind(slug)
                    .bind(user.district_id)
                    .fetch_optional(db)
                    .await?;
            Some(row.ok_or_else(|| UserError::NoSchool(slug.to_string()))?.0)
        }
    };
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO staff (username, display_name, password_hash, role, district_id, school_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&username)
    .bind(&display_name)
    .bind(hash_password(user.password))
    .bind(user.role.as_str())
    .bind(user.district_id)
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
