//! Classes: who may open one (its homeroom teacher, the school's office and
//! the offices supervising it), the class register with each child's payment
//! for a month, the per-student links for families, the public class notice,
//! the printed notices, and the class's own changes (homeroom teacher, name,
//! removal). The server functions in `api::class_view` check who asks and
//! write the audit lines.

use crate::domain::date::{Date, Month};
use crate::domain::ids::{InvoiceId, SchoolId, StaffId, StudentId};
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::auth::Staff;
use crate::server::state::{AppState, Db};
use crate::staff::{ClassViewRow, PrintedNotice, Role, TeacherClass};
use sqlx::AnyConnection;

/// The class's school, if this staff member may see the class: its homeroom
/// teacher, or the school's accountant or an officer supervising it.
pub async fn class_school(db: &Db, staff: &Staff, class_id: i64) -> Result<SchoolId, AppError> {
    let school_id: Option<SchoolId> =
        sqlx::query_scalar("SELECT school_id FROM class WHERE id = $1")
            .bind(class_id)
            .fetch_optional(db)
            .await?;
    let school_id = school_id.ok_or(AppError::Forbidden)?;
    staff.check_read(db, school_id).await?;
    if staff.role == Role::Teacher {
        let mine: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM class_teacher WHERE class_id = $1 AND staff_id = $2")
                .bind(class_id)
                .bind(staff.id)
                .fetch_optional(db)
                .await?;
        mine.ok_or(AppError::Forbidden)?;
    }
    Ok(school_id)
}

/// The school of a student whose family's access (private links) this staff
/// member may hand out or end: the homeroom teacher of the child's current
/// class, the school's accountant, or a supervising officer only where the
/// school has no accountant (it is a change, as `check_write` has it).
pub async fn family_access_school(
    db: &Db,
    staff: &Staff,
    student_id: StudentId,
) -> Result<SchoolId, AppError> {
    let class_id: Option<i64> = sqlx::query_scalar(
        "SELECT e.class_id FROM enrolment e WHERE e.student_id = $1 ORDER BY e.school_year_id DESC LIMIT 1",
    )
    .bind(student_id)
    .fetch_optional(db)
    .await?;
    let class_id = class_id.ok_or(AppError::Forbidden)?;
    let school_id = class_school(db, staff, class_id).await?;
    if staff.role == Role::Officer {
        staff.check_write(db, school_id).await?;
    }
    Ok(school_id)
}

/// A school's classes in a school year, in grade order; `teacher` narrows them
/// to the ones that teacher is the homeroom teacher of.
pub async fn year_classes(
    db: &Db,
    school_id: SchoolId,
    year: i64,
    teacher: Option<StaffId>,
) -> Result<Vec<TeacherClass>, AppError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, c.name FROM class c WHERE c.school_id = $1 AND c.school_year_id = $2 \
         AND ($3 IS NULL OR c.id IN (SELECT class_id FROM class_teacher WHERE staff_id = $3)) ORDER BY c.grade, c.name",
    )
    .bind(school_id)
    .bind(year)
    .bind(teacher)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| TeacherClass { id, name })
        .collect())
}

/// A class's name and its school.
#[derive(sqlx::FromRow)]
pub struct ClassHeader {
    pub class_name: String,
    pub school_slug: String,
    pub school_id: SchoolId,
}

pub async fn header(db: &Db, class_id: i64) -> Result<ClassHeader, AppError> {
    Ok(sqlx::query_as(
        "SELECT c.name AS class_name, sc.slug AS school_slug, sc.id AS school_id \
         FROM class c JOIN school sc ON sc.id = c.school_id WHERE c.id = $1",
    )
    .bind(class_id)
    .fetch_one(db)
    .await?)
}

/// The latest month a class has a live invoice for: none for a class with no
/// invoice yet (a class just imported).
pub async fn latest_period(db: &Db, class_id: i64) -> Result<Option<Month>, AppError> {
    let latest: Option<String> = sqlx::query_scalar(
        "SELECT MAX(period) FROM invoice WHERE class_id = $1 AND voided_at IS NULL",
    )
    .bind(class_id)
    .fetch_one(db)
    .await?;
    Ok(latest.and_then(|p| Month::parse(&p).ok()))
}

#[derive(sqlx::FromRow)]
struct PeriodRecord {
    period: String,
    unpaid: i64,
    outstanding: Vnd,
}

/// The months of this school year the class's children (in the class this
/// year; those who left too, whose invoices the register lists) have live
/// invoices for, newest first, with how many are not fully paid and what they
/// still owe: counted as the register counts them, and as the school's
/// figures do. Last year's months belong to last year's classes and teachers.
pub async fn periods_owing(
    db: &Db,
    class_id: i64,
    year: i64,
) -> Result<Vec<crate::staff::PeriodOwing>, AppError> {
    let rows: Vec<PeriodRecord> = sqlx::query_as(
        "SELECT period, \
            CAST(SUM(CASE WHEN total > paid THEN 1 ELSE 0 END) AS BIGINT) AS unpaid, \
            CAST(SUM(CASE WHEN total > paid THEN total - paid ELSE 0 END) AS BIGINT) AS outstanding \
         FROM (SELECT i.period, i.total, \
                 (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) AS paid \
               FROM enrolment e JOIN student s ON s.id = e.student_id \
               JOIN invoice i ON i.student_id = s.id AND i.voided_at IS NULL \
               JOIN class billed ON billed.id = i.class_id AND billed.school_year_id = $2 \
               WHERE e.class_id = $1 AND e.school_year_id = $2) owed \
         GROUP BY period ORDER BY period DESC",
    )
    .bind(class_id)
    .bind(year)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(crate::staff::PeriodOwing {
                period: Month::parse(&r.period).ok()?,
                unpaid: u32::try_from(r.unpaid).unwrap_or(u32::MAX),
                outstanding: r.outstanding,
            })
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct RegisterRecord {
    student_id: StudentId,
    code: String,
    full_name: String,
    total: Option<Vnd>,
    due_on: Option<String>,
    paid: Option<Vnd>,
    /// 1 if marked as having left (a number on both engines).
    has_left: i64,
    /// 1 if their personal data was anonymised.
    erased: i64,
}

/// The class register for a month, in the register's order: each child still
/// at school in that year, and each who left but has a live invoice for the
/// month (what they owe is still owed: the school's figures count it, and the
/// teacher should see it), with their invoice's total and what is paid, and
/// the due day of the first invoice found.
pub async fn register(
    db: &Db,
    class_id: i64,
    period: Month,
    year: i64,
    today: Date,
) -> Result<(Option<Date>, Vec<ClassViewRow>), AppError> {
    use crate::domain::invoice_status::InvoiceStatus;
    let mut rows: Vec<RegisterRecord> = sqlx::query_as(
        "SELECT s.id AS student_id, s.code, s.full_name, i.total, i.due_on, \
            (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) AS paid, \
            CAST(CASE WHEN s.left_on IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_left, \
            CAST(CASE WHEN s.erased_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS erased \
         FROM enrolment e JOIN student s ON s.id = e.student_id \
         LEFT JOIN invoice i ON i.student_id = s.id AND i.period = $2 AND i.voided_at IS NULL \
         WHERE e.class_id = $1 AND e.school_year_id = $3 AND (s.left_on IS NULL OR i.id IS NOT NULL) \
         ORDER BY s.full_name",
    )
    .bind(class_id)
    .bind(period.to_string())
    .bind(year)
    .fetch_all(db)
    .await?;
    // The register's order: given name first, Vietnamese alphabet.
    rows.sort_by(|a, b| crate::domain::collate::name_cmp(&a.full_name, &b.full_name));
    let mut due_on = None;
    let rows = rows
        .into_iter()
        .map(|r| {
            let due = r.due_on.and_then(|d| Date::parse_iso(&d).ok());
            due_on = due_on.or(due);
            let (total, paid) = (r.total.unwrap_or_default(), r.paid.unwrap_or_default());
            let status = due.map(|d| InvoiceStatus::derive(total, paid, d, today, false));
            ClassViewRow {
                student_id: r.student_id.get(),
                code: r.code,
                full_name: r.full_name,
                total,
                paid,
                status,
                has_left: r.has_left != 0,
                erased: r.erased != 0,
            }
        })
        .collect();
    Ok((due_on, rows))
}

/// Stores a per-student link by its hash. A student whose data was
/// anonymised gets none (`NotFound`): the link would open nothing.
pub async fn add_student_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    student_id: StudentId,
    created_by: StaffId,
    created_at: UnixTime,
    expires_at: UnixTime,
) -> Result<(), AppError> {
    let added = sqlx::query(
        "INSERT INTO student_link (token_hash, student_id, created_by, created_at, expires_at) \
         SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM student WHERE id = $2 AND erased_at IS NULL)",
    )
    .bind(token_hash)
    .bind(student_id)
    .bind(created_by)
    .bind(created_at)
    .bind(expires_at)
    .execute(conn)
    .await?;
    if added.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Ends every live link of a student: how many.
pub async fn revoke_student_links(
    conn: &mut AnyConnection,
    student_id: StudentId,
    now: UnixTime,
) -> Result<u64, AppError> {
    let done = sqlx::query(
        "UPDATE student_link SET revoked_at = $1 \
         WHERE student_id = $2 AND revoked_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(student_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The student a live link (by its hash) opens.
pub async fn linked_student(
    db: &Db,
    token_hash: &str,
    now: UnixTime,
) -> Result<Option<StudentId>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT student_id FROM student_link WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// What a class link shows anyone (`/s/<school>/<class>`): the class's
/// fees, no personal data. The class by its name this year, else the class
/// that had this name before it was renamed (a link sent before the
/// correction), under its new name. `None`: no such school or class.
pub async fn class_notice(
    state: &AppState,
    slug: &str,
    class_name: &str,
) -> Result<Option<crate::model::ClassNotice>, AppError> {
    let Some((school_id, school_name)) = school_by_slug(&state.db, slug.trim()).await? else {
        return Ok(None);
    };
    let year = crate::server::students::current_year(state, school_id).await?;
    let Some((class_name, grade)) =
        class_by_name(&state.db, school_id, year, class_name.trim()).await?
    else {
        return Ok(None);
    };
    let fees = crate::server::fees::list_fees(&state.db, school_id)
        .await?
        .into_iter()
        .filter(|f| f.active && f.scope.covers(grade, &class_name))
        .map(|f| (f.name, Vnd::new(f.amount.dong()), f.unit, f.mandatory))
        .collect();
    Ok(Some(crate::model::ClassNotice {
        school_name,
        class_name,
        fees,
    }))
}

/// A school's id and name by its slug.
pub async fn school_by_slug(db: &Db, slug: &str) -> Result<Option<(SchoolId, String)>, AppError> {
    Ok(
        sqlx::query_as("SELECT id, name FROM school WHERE slug = $1")
            .bind(slug)
            .fetch_optional(db)
            .await?,
    )
}

/// A class of the year by name (its name and grade): the class by its name,
/// else the class that had this name before it was renamed (a link sent before
/// the correction), under its new name.
pub async fn class_by_name(
    db: &Db,
    school_id: SchoolId,
    year: i64,
    name: &str,
) -> Result<Option<(String, i64)>, AppError> {
    let found: Option<(String, i64)> = sqlx::query_as(
        "SELECT name, grade FROM class WHERE school_id = $1 AND name = $2 AND school_year_id = $3",
    )
    .bind(school_id)
    .bind(name)
    .bind(year)
    .fetch_optional(db)
    .await?;
    Ok(match found {
        Some(class) => Some(class),
        None => sqlx::query_as(
            "SELECT c.name, c.grade FROM class_former_name f JOIN class c ON c.id = f.class_id \
                 WHERE c.school_id = $1 AND c.school_year_id = $2 AND f.name = $3 \
                 ORDER BY f.renamed_at DESC LIMIT 1",
        )
        .bind(school_id)
        .bind(year)
        .bind(name)
        .fetch_optional(db)
        .await?,
    })
}

#[derive(sqlx::FromRow)]
struct NoticeRecord {
    invoice_id: InvoiceId,
    student_id: StudentId,
    code: String,
    full_name: String,
    student_code: String,
    school_slug: String,
}

#[derive(sqlx::FromRow)]
struct NoticeLine {
    fee_item_id: Option<i64>,
    voluntary: i64,
    is_fee: i64,
    description: String,
    amount: Vnd,
    declined: i64,
}

/// The notices of a class for a period, for the print page and the class's PDF
/// (the server's `/staff/notices/…` address): the same figures on screen and on
/// paper, for whoever may see the class. `student_id` narrows it to one child.
pub async fn printed_notices(
    state: &AppState,
    staff: &Staff,
    class_id: i64,
    period: &str,
    student_id: Option<StudentId>,
) -> Result<Vec<PrintedNotice>, AppError> {
    use crate::domain::invoice_code::InvoiceCode;
    use crate::domain::notice;
    let school_id = class_school(&state.db, staff, class_id).await?;
    // Children's names and codes leave on paper or as a file: recorded as seen.
    // A child whose data was anonymised has no family to hand a notice to.
    crate::server::audit::viewed(state, staff, school_id, "class_notices", class_id).await?;
    let mut rows: Vec<NoticeRecord> = sqlx::query_as(
        "SELECT i.id AS invoice_id, i.student_id, i.code, s.full_name, s.code AS student_code, sc.slug AS school_slug \
         FROM invoice i JOIN student s ON s.id = i.student_id JOIN school sc ON sc.id = i.school_id \
         WHERE i.class_id = $1 AND i.period = $2 AND i.voided_at IS NULL AND ($3 IS NULL OR i.student_id = $3) \
           AND s.erased_at IS NULL",
    )
    .bind(class_id)
    .bind(period.trim())
    .bind(student_id)
    .fetch_all(&state.db)
    .await?;
    // The register's order: given name first, Vietnamese alphabet.
    rows.sort_by(|a, b| crate::domain::collate::name_cmp(&a.full_name, &b.full_name));
    let today = state.clock.today();
    let mut out = Vec::new();
    for row in rows {
        let code = InvoiceCode::parse(&row.code).map_err(|_| AppError::Internal)?;
        let detail =
            crate::server::parent::invoice_detail(&state.db, row.student_id, &code, today).await?;
        let lines: Vec<NoticeLine> = sqlx::query_as(
            "SELECT l.fee_item_id, CASE WHEN f.mandatory = 0 THEN 1 ELSE 0 END AS voluntary, \
                CASE WHEN l.kind = 'fee' THEN 1 ELSE 0 END AS is_fee, l.description, l.amount, l.declined \
             FROM invoice_line l LEFT JOIN fee_item f ON f.id = l.fee_item_id \
             WHERE l.invoice_id = $1 ORDER BY l.position",
        )
        .bind(row.invoice_id)
        .fetch_all(&state.db)
        .await?;
        let lines: Vec<notice::Line> = lines
            .into_iter()
            .map(|l| notice::Line {
                fee_item: l.fee_item_id,
                voluntary: l.voluntary == 1,
                is_fee: l.is_fee == 1,
                description: l.description,
                amount: l.amount,
                declined: l.declined == 1,
            })
            .collect();
        out.push(PrintedNotice {
            figures: notice::figures(&lines, detail.summary.paid),
            detail,
            student_code: row.student_code,
            school_slug: row.school_slug,
        });
    }
    Ok(out)
}

/// A class of the school's year by its exact name: its id. Read from the pool
/// or in the caller's transaction (`&mut *tx`).
pub async fn class_id_by_name<'e>(
    conn: impl sqlx::Executor<'e, Database = sqlx::Any>,
    school_id: SchoolId,
    year: i64,
    name: &str,
) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM class WHERE school_id = $1 AND school_year_id = $2 AND name = $3",
    )
    .bind(school_id)
    .bind(year)
    .bind(name)
    .fetch_optional(conn)
    .await?)
}

/// Makes a staff member a homeroom teacher of a class (again: nothing changes).
pub async fn add_class_teacher(
    conn: &mut AnyConnection,
    class_id: i64,
    staff_id: StaffId,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO class_teacher (class_id, staff_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(class_id)
    .bind(staff_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A class's name, school year and grade.
#[derive(sqlx::FromRow)]
pub struct ClassRecord {
    pub name: String,
    pub school_year_id: i64,
    pub grade: i64,
}

/// One of a school's classes.
pub async fn school_class(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    class_id: i64,
) -> Result<Option<ClassRecord>, AppError> {
    Ok(sqlx::query_as(
        "SELECT name, school_year_id, grade FROM class WHERE id = $1 AND school_id = $2",
    )
    .bind(class_id)
    .bind(school_id)
    .fetch_optional(conn)
    .await?)
}

/// Renames a class (`before` is its current name): the old name is kept as a
/// way in, the API's readers see the children's new class name, and fees
/// limited to the class by name follow it. The fees that moved.
pub async fn rename(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    class_id: i64,
    before: &str,
    name: &str,
    grade: i64,
    now: UnixTime,
) -> Result<Vec<i64>, AppError> {
    sqlx::query("UPDATE class SET name = $1, grade = $2 WHERE id = $3")
        .bind(name)
        .bind(grade)
        .bind(class_id)
        .execute(&mut *conn)
        .await?;
    // The old name still leads to the class: links sent to parents carry it.
    sqlx::query(
        "INSERT INTO class_former_name (class_id, name, renamed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (class_id, name) DO UPDATE SET renamed_at = excluded.renamed_at",
    )
    .bind(class_id)
    .bind(before)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    // The API's change numbers: its readers see the children's new class name.
    sqlx::query("UPDATE enrolment SET class_id = class_id WHERE class_id = $1")
        .bind(class_id)
        .execute(&mut *conn)
        .await?;
    // Fees limited to the class by name follow it, or next month would leave them out.
    let fees: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, grades FROM fee_item WHERE school_id = $1 AND grades <> ''")
            .bind(school_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut fees_moved = Vec::new();
    for (fee_id, grades) in fees {
        let Some(mut scope) = crate::domain::validate::FeeScope::parse(&grades) else {
            continue;
        };
        if scope.rename_class(before, name) {
            sqlx::query("UPDATE fee_item SET grades = $1 WHERE id = $2")
                .bind(scope.text())
                .bind(fee_id)
                .execute(&mut *conn)
                .await?;
            fees_moved.push(fee_id);
        }
    }
    Ok(fees_moved)
}

/// A class's name, and how many enrolments and invoices (voided included) name it.
#[derive(sqlx::FromRow)]
pub struct ClassUse {
    pub name: String,
    pub students: i64,
    pub invoices: i64,
}

pub async fn class_use(
    conn: &mut AnyConnection,
    school_id: SchoolId,

    class_id: i64,
) -> Result<Option<ClassUse>, AppError> {
    Ok(sqlx::query_as(
        "SELECT c.name, (SELECT COUNT(*) FROM enrolment e WHERE e.class_id = c.id) AS students, \
            (SELECT COUNT(*) FROM invoice i WHERE i.class_id = c.id) AS invoices \
         FROM class c WHERE c.id = $1 AND c.school_id = $2",
    )
    .bind(class_id)
    .bind(school_id)
    .fetch_optional(conn)
    .await?)
}

/// Deletes a class with its homeroom teachers and former names.
pub async fn delete_class(conn: &mut AnyConnection, class_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM class_teacher WHERE class_id = $1")
        .bind(class_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM class_former_name WHERE class_id = $1")
        .bind(class_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM class WHERE id = $1")
        .bind(class_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
