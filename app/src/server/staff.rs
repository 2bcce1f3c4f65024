//! Staff accounts: who a signed-in person is, their password and sessions, the
//! one-time links that create accounts (invitations) and reset passwords, the
//! schools an office creates and the people it (or an accountant) manages.
//! Every read and write of `staff`, `staff_session` and `one_time_link` outside
//! the session and scope checks of `server::auth`. The server functions in
//! `api::staff_auth` and `api::staff_admin` check who asks and write most
//! audit lines.

use crate::domain::ids::{SchoolId, StaffId};
use crate::domain::time::UnixTime;
use crate::error::{AppError, Field};
use crate::server::audit::{self, Entry};
use crate::server::auth::{hash_password_pooled, secret_hash, Staff};
use crate::server::state::{AppState, Db};
use crate::staff::{Me, Role, SchoolRow, StaffRow};
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct PlaceRecord {
    office_name: String,
    level: String,
    school_name: Option<String>,
}

/// Who the signed-in staff member is, with their office and school.
pub async fn me(db: &Db, staff: &Staff, today: crate::domain::date::Date) -> Result<Me, AppError> {
    let place: PlaceRecord = sqlx::query_as(
        "SELECT o.name AS office_name, o.level, (SELECT sc.name FROM school sc WHERE sc.id = $2) AS school_name \
         FROM office o WHERE o.id = $1",
    )
    .bind(staff.office_id)
    .bind(staff.school_id)
    .fetch_one(db)
    .await?;
    Ok(Me {
        id: staff.id.get(),
        username: staff.username.clone(),
        display_name: staff.display_name.clone(),
        role: staff.role,
        office_id: staff.office_id,
        office_name: place.office_name,
        office_level: crate::domain::office::OfficeLevel::parse(&place.level)
            .ok_or(AppError::Internal)?,
        school_id: staff.school_id.map(SchoolId::get),
        school_name: place.school_name,
        today,
    })
}

/// An account as signing in sees it.
#[derive(sqlx::FromRow)]
pub struct SignInRecord {
    pub id: StaffId,
    pub password_hash: String,
    /// 1: active; 0: deactivated.
    pub active: i64,
}

/// The account of this user name (already trimmed and lower-cased), if any.
pub async fn by_username(db: &Db, username: &str) -> Result<Option<SignInRecord>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, password_hash, active FROM staff WHERE username = $1")
            .bind(username)
            .fetch_optional(db)
            .await?,
    )
}

/// The stored password hash of an account.
pub async fn password_hash(db: &Db, staff_id: StaffId) -> Result<String, AppError> {
    Ok(
        sqlx::query_scalar("SELECT password_hash FROM staff WHERE id = $1")
            .bind(staff_id)
            .fetch_one(db)
            .await?,
    )
}

/// Ends the session of this cookie secret.
pub async fn end_session(db: &Db, token: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM staff_session WHERE token_hash = $1")
        .bind(secret_hash(token))
        .execute(db)
        .await?;
    Ok(())
}

/// A new password must be strong enough.
pub fn check_new_password(password: &str) -> Result<(), AppError> {
    if crate::domain::validate::password_ok(password) {
        Ok(())
    } else {
        Err(AppError::InvalidInput(Field::Password))
    }
}

/// Stores a new password hash and ends the account's other sessions (all of
/// them, or all but `keep`, the session making the change), with an audit entry.
pub async fn set_password(
    conn: &mut AnyConnection,
    state: &AppState,
    staff: &Staff,
    password: &str,
    action: &str,
    keep: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
        .bind(hash_password_pooled(password).await?)
        .bind(staff.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM staff_session WHERE staff_id = $1 AND token_hash <> $2")
        .bind(staff.id)
        .bind(keep.map(secret_hash).unwrap_or_default())
        .execute(&mut *conn)
        .await?;
    // A new password ends every link for the account and every link it
    // made: a password changed because it leaked leaves nothing behind.
    void_links(&mut *conn, staff.id, state.clock.now_time()).await?;
    let entry = Entry {
        school_id: staff.school_id,
        action,
        entity: "staff",
        entity_id: Some(staff.id.to_string()),
        before: None,
        after: None,
    };
    self::audit(conn, state, Some(staff), staff.office_id, entry).await
}

/// An audit line for a staff change, at the state's clock, under `office_id`
/// (`who`: none when the person who acted is gone).
pub async fn audit(
    conn: &mut AnyConnection,
    state: &AppState,
    who: Option<&Staff>,
    office_id: i64,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    audit::record(conn, state.clock.now_time(), who, office_id, entry).await
}

pub fn role_of(s: &str) -> Result<Role, AppError> {
    Role::parse(s).ok_or(AppError::Internal)
}

#[derive(sqlx::FromRow)]
pub struct LinkRow {
    pub purpose: String,
    pub role: Option<String>,
    pub office_id: Option<i64>,
    pub school_id: Option<SchoolId>,
    pub staff_id: Option<StaffId>,
    pub created_by: StaffId,
}

/// A link that exists, is unused and has not expired.
pub async fn live_link(state: &AppState, token: &str) -> Result<LinkRow, AppError> {
    let row: Option<LinkRow> = sqlx::query_as(
        // A link is as good as the person who made it: an invitation or
        // reset link from someone since deactivated opens nothing.
        "SELECT l.purpose, l.role, l.office_id, l.school_id, l.staff_id, l.created_by FROM one_time_link l \
         JOIN staff by_whom ON by_whom.id = l.created_by AND by_whom.active = 1 \
         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2",
    )
    .bind(secret_hash(token))
    .bind(state.clock.now())
    .fetch_optional(&state.db)
    .await?;
    row.ok_or(AppError::LinkInvalid)
}

/// Where a link leads (the school's name, else the office's) and, for a reset
/// link, the account's user name.
pub async fn link_place(db: &Db, link: &LinkRow) -> Result<(String, Option<String>), AppError> {
    Ok(sqlx::query_as(
        "SELECT COALESCE((SELECT name FROM school WHERE id = $1), (SELECT name FROM office WHERE id = $2), ''), \
                (SELECT username FROM staff WHERE id = $3)",
    )
    .bind(link.school_id)
    .bind(link.office_id)
    .bind(link.staff_id)
    .fetch_one(db)
    .await?)
}

/// Ends the unused one-time links for this account (reset links) and the ones
/// it made (invitations, others' reset links).
pub async fn void_links(
    conn: &mut AnyConnection,
    staff_id: StaffId,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE one_time_link SET used_at = $1 \
         WHERE used_at IS NULL AND (staff_id = $2 OR created_by = $2)",
    )
    .bind(now)
    .bind(staff_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a link used inside the transaction that uses it; `false` if another
/// request used it first.
pub async fn consume_link(
    conn: &mut AnyConnection,
    token: &str,
    now: UnixTime,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE one_time_link SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(secret_hash(token))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new account, from an invitation.
pub struct NewStaff<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: String,
    pub role: Role,
    pub office_id: i64,
    pub school_id: Option<SchoolId>,
    pub created_at: UnixTime,
}

/// Adds an account; `UsernameTaken` if the name is someone's already.
pub async fn insert_staff(
    conn: &mut AnyConnection,
    new: NewStaff<'_>,
) -> Result<StaffId, AppError> {
    let inserted: Result<StaffId, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO staff (username, display_name, password_hash, role, office_id, school_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.username)
    .bind(new.display_name)
    .bind(new.password_hash)
    .bind(new.role.as_str())
    .bind(new.office_id)
    .bind(new.school_id)
    .bind(new.created_at)
    .fetch_one(conn)
    .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(e) if crate::server::is_unique_violation(&e) => Err(AppError::UsernameTaken),
        Err(e) => Err(e.into()),
    }
}

#[derive(sqlx::FromRow)]
struct SchoolRecord {
    id: SchoolId,
    slug: String,
    name: String,
    office: String,
    contacts: i64,
    accountants: i64,
}

/// The schools an office supervises (only `school_id`, if given), by name,
/// with how ready each is to take cashless payments.
pub async fn schools_overview(
    db: &Db,
    office_id: i64,
    school_id: Option<SchoolId>,
) -> Result<Vec<SchoolRow>, AppError> {
    let rows: Vec<SchoolRecord> = sqlx::query_as(
        "SELECT sc.id, sc.slug, sc.name, (SELECT o.name FROM office o WHERE o.id = sc.office_id) AS office, \
            (SELECT COUNT(*) FROM school_contact c WHERE c.school_id = sc.id) AS contacts, \
            (SELECT COUNT(*) FROM staff s WHERE s.school_id = sc.id AND s.role = 'accountant' AND s.active = 1) AS accountants \
         FROM school sc WHERE sc.id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1) \
           AND ($2 IS NULL OR sc.id = $2) ORDER BY sc.name",
    )
    .bind(office_id)
    .bind(school_id)
    .fetch_all(db)
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let readiness = crate::server::schools::readiness(db, row.id).await?;
        out.push(SchoolRow {
            id: row.id.get(),
            slug: row.slug,
            name: row.name,
            office: row.office,
            // Ready: accepted and set up, as the school's own page shows.
            cashless_methods: crate::staff::cashless_ready_count(&readiness),
            ready_methods: readiness
                .iter()
                .filter(|r| r.method.is_cashless() && r.ready())
                .map(|r| r.method)
                .collect(),
            contacts: row.contacts as usize,
            accountants: row.accountants as usize,
        });
    }
    Ok(out)
}

/// A new school, as its office enters it (already checked).
pub struct NewSchool<'a> {
    pub office_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub legal_name: &'a str,
    pub address: &'a str,
    pub tax_code: &'a str,
    pub level: &'a str,
}

/// Adds a school; `SlugTaken` if its address is another school's.
pub async fn insert_school(
    conn: &mut AnyConnection,
    new: &NewSchool<'_>,
) -> Result<SchoolId, AppError> {
    let inserted: Result<SchoolId, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO school (office_id, slug, name, legal_name, address, tax_code, level) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.office_id)
    .bind(new.slug)
    .bind(new.name)
    .bind(new.legal_name)
    .bind(new.address)
    .bind(new.tax_code)
    .bind(new.level)
    .fetch_one(conn)
    .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(e) if crate::server::is_unique_violation(&e) => Err(AppError::SlugTaken),
        Err(e) => Err(e.into()),
    }
}

#[derive(sqlx::FromRow)]
struct StaffRecord {
    id: StaffId,
    username: String,
    display_name: String,
    role: String,
    school_name: Option<String>,
    active: i64,
}

/// Staff this person manages: an officer, the accountants of the schools their
/// office supervises; an accountant, their school's teachers.
pub async fn managed_by(db: &Db, by: &Staff) -> Result<Vec<StaffRow>, AppError> {
    let rows: Vec<StaffRecord> = sqlx::query_as(
        "SELECT s.id, s.username, s.display_name, s.role, sc.name AS school_name, s.active FROM staff s \
         LEFT JOIN school sc ON sc.id = s.school_id \
         WHERE (($2 = 'officer' AND s.role = 'accountant' \
                 AND s.school_id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1)) \
             OR ($2 = 'accountant' AND s.role = 'teacher' AND s.school_id = $3)) \
         ORDER BY sc.name, s.display_name",
    )
    .bind(by.office_id)
    .bind(by.role.as_str())
    .bind(by.school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(StaffRow {
                id: r.id.get(),
                username: r.username,
                display_name: r.display_name,
                role: Role::parse(&r.role)?,
                school_name: r.school_name,
                active: r.active == 1,
            })
        })
        .collect())
}

/// A one-time link to store (only its hash is kept).
pub struct NewLink<'a> {
    pub token_hash: String,
    pub purpose: &'a str,
    pub role: Option<Role>,
    pub office_id: i64,
    pub school_id: Option<SchoolId>,
    pub staff_id: Option<StaffId>,
    pub created_by: StaffId,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

/// Stores a one-time link. A reset link is the only one for its account: an
/// older one, maybe sent to the wrong person, ends now.
pub async fn insert_link(conn: &mut AnyConnection, link: &NewLink<'_>) -> Result<(), AppError> {
    if let (Some(target), "reset") = (link.staff_id, link.purpose) {
        sqlx::query(
            "UPDATE one_time_link SET used_at = $1 WHERE purpose = 'reset' AND staff_id = $2 AND used_at IS NULL",
        )
        .bind(link.created_at)
        .bind(target)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO one_time_link (token_hash, purpose, role, office_id, school_id, staff_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&link.token_hash)
    .bind(link.purpose)
    .bind(link.role.map(Role::as_str))
    .bind(link.office_id)
    .bind(link.school_id)
    .bind(link.staff_id)
    .bind(link.created_by)
    .bind(link.created_at)
    .bind(link.expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deactivates an account: it can no longer sign in, its sessions end, and the
/// links for it or made by it end too.
pub async fn deactivate(
    conn: &mut AnyConnection,
    staff_id: StaffId,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query("UPDATE staff SET active = 0 WHERE id = $1")
        .bind(staff_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM staff_session WHERE staff_id = $1")
        .bind(staff_id)
        .execute(&mut *conn)
        .await?;
    // Invitations they handed out, and reset links for them, end with them.
    void_links(conn, staff_id, now).await
}
