//! The parent's side: the list of schools and a school's public page, finding a
//! child by student code and date of birth, and the device access tokens that
//! stand for a child (issued, checked, ended by the school or forgotten by the
//! device). What a parent reads of a child's invoices and receipts, declining a
//! voluntary fee and paying several invoices with one code are in [`invoices`].
//! The server functions of `api::parent` (and the class links, complaints and
//! online payment, which take the same tokens) are thin layers over it. Plain
//! SQL with numbered parameters, portable between SQLite and PostgreSQL.

pub mod invoices;

pub use invoices::{
    add_payment_group, declinable_invoice, decline_line, fee_line, invoice_detail, invoice_school,
    invoices_of, receipts_of, DeclinableInvoice, FeeLine,
};

use crate::domain::date::Date;
use crate::domain::ids::{SchoolId, StudentId};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::time::UnixTime;
use crate::error::{AppError, Field};
use crate::model::{ChildAccess, SchoolPublic, SchoolSummary};
use crate::server::state::{AppState, Db};
use sqlx::AnyConnection;

/// How long a device keeps access to a child without looking them up again.
pub const ACCESS_TTL_SECS: i64 = 180 * 24 * 3600;

/// An invoice code as the page sent it.
pub fn invoice_code(code: &str) -> Result<InvoiceCode, AppError> {
    InvoiceCode::parse(code).map_err(|_| AppError::InvalidInput(Field::InvoiceCode))
}

/// What ended a child's tokens: the school's last cut-off, and whether this
/// very token was forgotten by its device.
#[derive(sqlx::FromRow)]
struct Revocation {
    revoked_before: Option<i64>,
    forgotten: i64,
    /// 1 if the student is there with their data (not anonymised).
    present: i64,
}

/// The child a device's access token stands for, if it is still valid: ours,
/// unexpired, issued after the school last ended the child's access (links
/// revoked, birth date or code corrected), for a child whose data is still
/// there (an anonymised child's family may write nothing more against it).
pub async fn child_of(state: &AppState, token: &str) -> Result<StudentId, AppError> {
    let (student_id, expires_at) = state
        .tokens
        .verify_with_expiry(token, state.clock.now())
        .ok_or(AppError::AccessExpired)?;
    let student_id = StudentId(student_id);
    let issued_at = expires_at - ACCESS_TTL_SECS;
    let revocation: Revocation = sqlx::query_as(
        "SELECT (SELECT revoked_before FROM child_access_revoked WHERE student_id = $1) AS revoked_before, \
         (SELECT COUNT(*) FROM child_token_revoked WHERE token_digest = $2) AS forgotten, \
         (SELECT COUNT(*) FROM student WHERE id = $1 AND erased_at IS NULL) AS present",
    )
    .bind(student_id)
    .bind(token_digest(token))
    .fetch_one(&state.db)
    .await?;
    match revocation.revoked_before {
        _ if revocation.forgotten > 0 || revocation.present == 0 => Err(AppError::AccessExpired),
        Some(before) if issued_at <= before => Err(AppError::AccessExpired),
        _ => Ok(student_id),
    }
}

/// What is kept of a token a parent ended: its SHA-256, never the token.
pub fn token_digest(token: &str) -> String {
    use sha2::Digest;
    crate::domain::hex::encode(&sha2::Sha256::digest(token.trim().as_bytes()))
}

/// [`end_child_access`] if the school is correcting the birth date or the
/// code that parents look the child up with (called before the update).
pub async fn end_child_access_if_changed(
    conn: &mut AnyConnection,
    student_id: StudentId,
    code: &str,
    date_of_birth: &str,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO child_access_revoked (student_id, revoked_before) \
         SELECT id, $2 FROM student WHERE id = $1 AND (date_of_birth <> $3 OR code <> $4) \
         ON CONFLICT (student_id) DO UPDATE SET revoked_before = excluded.revoked_before",
    )
    .bind(student_id)
    .bind(now)
    .bind(date_of_birth)
    .bind(code)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends every access token issued for this child until now: each device must
/// look the child up again (with the details as they are now).
pub async fn end_child_access(
    conn: &mut AnyConnection,
    student_id: StudentId,
    now: UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO child_access_revoked (student_id, revoked_before) VALUES ($1, $2) \
         ON CONFLICT (student_id) DO UPDATE SET revoked_before = excluded.revoked_before",
    )
    .bind(student_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Keeps the digests of tokens a device gave up, each until it would have
/// expired anyway (a token forgotten twice is kept once).
pub async fn forget_tokens(
    conn: &mut AnyConnection,
    tokens: &[(String, i64)],
) -> Result<(), AppError> {
    for (digest, expires_at) in tokens {
        sqlx::query(
            "INSERT INTO child_token_revoked (token_digest, expires_at) VALUES ($1, $2) \
             ON CONFLICT (token_digest) DO NOTHING",
        )
        .bind(digest)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SchoolListed {
    slug: String,
    name: String,
    office: String,
}

/// Every school, by name, with its supervising office.
pub async fn list_schools(db: &Db) -> Result<Vec<SchoolSummary>, AppError> {
    let rows: Vec<SchoolListed> = sqlx::query_as(
        "SELECT sc.slug AS slug, sc.name AS name, d.name AS office \
         FROM school sc JOIN office d ON d.id = sc.office_id ORDER BY sc.name",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SchoolSummary {
            slug: r.slug,
            name: r.name,
            office: r.office,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct SchoolPage {
    id: SchoolId,
    slug: String,
    name: String,
    has_logo: i64,
}

/// The school behind a school's link (`/s/<slug>`): its name and contacts.
pub async fn school_public(db: &Db, slug: &str) -> Result<SchoolPublic, AppError> {
    let row: Option<SchoolPage> = sqlx::query_as(
        "SELECT id, slug, name, CASE WHEN logo IS NULL THEN 0 ELSE 1 END AS has_logo \
         FROM school WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(db)
    .await?;
    let school = row.ok_or(AppError::NotFound)?;
    Ok(SchoolPublic {
        slug: school.slug,
        name: school.name,
        has_logo: school.has_logo == 1,
        contacts: crate::server::schools::contacts(db, school.id).await?,
    })
}

/// A student found by school and code, with the date of birth to check.
#[derive(sqlx::FromRow)]
pub struct StudentMatch {
    pub student_id: StudentId,
    pub date_of_birth: String,
}

pub async fn find_student(
    db: &Db,
    school_slug: &str,
    code: &str,
) -> Result<Option<StudentMatch>, AppError> {
    Ok(sqlx::query_as(
        "SELECT s.id AS student_id, s.date_of_birth AS date_of_birth \
         FROM student s JOIN school sc ON sc.id = s.school_id \
         WHERE sc.slug = $1 AND s.code = $2",
    )
    .bind(school_slug)
    .bind(code)
    .fetch_optional(db)
    .await?)
}

pub struct StudentHeader {
    pub student_name: String,
    pub class_name: String,
    pub school_id: SchoolId,
    pub school_name: String,
    pub school_slug: String,
    pub school_legal_name: String,
    pub school_address: String,
}

#[derive(sqlx::FromRow)]
struct HeaderRow {
    student_name: String,
    class_name: Option<String>,
    school_id: SchoolId,
    school_name: String,
    school_slug: String,
    school_legal_name: String,
    school_address: String,
}

/// The student with their current class: the enrolment of the school year that
/// contains `today`, else the latest (a year prepared in advance is not current yet).
pub async fn student_header(
    db: &Db,
    student_id: StudentId,
    today: Date,
) -> Result<StudentHeader, AppError> {
    let row: Option<HeaderRow> = sqlx::query_as(
        "SELECT s.full_name AS student_name, \
                (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
                 JOIN school_year y ON y.id = e.school_year_id WHERE e.student_id = s.id \
                 ORDER BY (y.starts_on <= $2 AND y.ends_on >= $2) DESC, y.starts_on DESC LIMIT 1) AS class_name, \
                sc.id AS school_id, sc.name AS school_name, sc.slug AS school_slug, \
                sc.legal_name AS school_legal_name, sc.address AS school_address \
         FROM student s JOIN school sc ON sc.id = s.school_id WHERE s.id = $1 AND s.erased_at IS NULL",
    )
    .bind(student_id)
    .bind(today.to_string())
    .fetch_optional(db)
    .await?;
    // A token for a student who no longer exists (or whose data was erased) is as good as expired.
    let row = row.ok_or(AppError::AccessExpired)?;
    Ok(StudentHeader {
        student_name: row.student_name,
        class_name: row.class_name.unwrap_or_default(),
        school_id: row.school_id,
        school_name: row.school_name,
        school_slug: row.school_slug,
        school_legal_name: row.school_legal_name,
        school_address: row.school_address,
    })
}

/// What a device keeps for a child it may see: a signed, expiring token and names.
pub async fn access_for(
    state: &AppState,
    student_id: StudentId,
    now: UnixTime,
) -> Result<ChildAccess, AppError> {
    let header = student_header(&state.db, student_id, state.clock.today()).await?;
    Ok(ChildAccess {
        token: state
            .tokens
            .issue(student_id.get(), now.seconds() + ACCESS_TTL_SECS),

        school_slug: header.school_slug,
        school_name: header.school_name,
        student_name: header.student_name,
        class_name: header.class_name,
    })
}
