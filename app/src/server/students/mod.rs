//! The students area's persistence: the school year a school is in, classes
//! and enrolments, the register (listing, adding and editing students, marking
//! one as having left), and the REST API's reads (students by change number,
//! classes with their head counts). Spreadsheet imports and the REST bulk
//! upsert are in [`import`]. The server functions of `api::students` and the
//! REST handlers of `/api/v1/students` and `/api/v1/classes` are thin layers
//! over it.

pub mod import;

pub use import::upsert_records;

use crate::domain::date::Date;
use crate::domain::ids::{SchoolId, StaffId, StudentId};
use crate::domain::student_import::{self, Cell, StudentRecord};
use crate::domain::time::UnixTime;
use crate::error::{AppError, Field};
use crate::server::audit::Entry;
use crate::server::state::{AppState, Db};
use crate::staff::StudentRow;
use std::collections::HashMap;

/// The school year the school is in: of the years it has classes in, the
/// one covering today, else its latest. Years belong to each school: one
/// school preparing 2027-2028 in July moves its own lists, not every
/// school's into a year where they have no classes. A school with no
/// classes yet takes the year covering today (else the latest).
pub async fn current_year(state: &AppState, school_id: SchoolId) -> Result<i64, AppError> {
    let today = state.clock.today().to_string();
    let year: Option<i64> = sqlx::query_scalar(
        "SELECT y.id FROM school_year y \
         WHERE EXISTS (SELECT 1 FROM class c WHERE c.school_id = $2 AND c.school_year_id = y.id) \
            OR NOT EXISTS (SELECT 1 FROM class c WHERE c.school_id = $2) \
         ORDER BY (y.starts_on <= $1 AND y.ends_on >= $1) DESC, y.starts_on DESC LIMIT 1",
    )
    .bind(&today)
    .bind(school_id)
    .fetch_optional(&state.db)
    .await?;
    year.ok_or(AppError::Internal)
}

/// A student already in the register, as an import compares rows with it.
#[derive(sqlx::FromRow)]
pub struct Existing {
    pub id: StudentId,
    pub code: String,
    pub full_name: String,
    /// `YYYY-MM-DD`, as stored.
    pub birth_date: String,
    /// Their class in the school year asked for.
    pub class_name: Option<String>,
}

/// The school's students by code, with their class in school year `year_id`.
pub async fn existing(
    db: &Db,
    school_id: SchoolId,
    year_id: i64,
) -> Result<HashMap<String, Existing>, AppError> {
    let rows: Vec<Existing> = sqlx::query_as(
        "SELECT s.id AS id, s.code AS code, s.full_name AS full_name, s.date_of_birth AS birth_date, \
            (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
             WHERE e.student_id = s.id AND e.school_year_id = $2) AS class_name \
         FROM student s WHERE s.school_id = $1",
    )
    .bind(school_id)
    .bind(year_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|e| (e.code.clone(), e)).collect())
}

/// The names of the school's classes in school year `year`.
pub async fn class_names<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    school_id: SchoolId,
    year: i64,
) -> Result<Vec<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT name FROM class WHERE school_id = $1 AND school_year_id = $2")
            .bind(school_id)
            .bind(year)
            .fetch_all(db)
            .await?,
    )
}

/// The name a class typed as `typed` has at the school this year: one the
/// school writes but for case and spaces is that class
/// (`student_import::as_known_class`).
pub async fn known_class(
    conn: &mut sqlx::AnyConnection,
    school_id: SchoolId,
    year: i64,
    typed: &str,
) -> Result<String, AppError> {
    let known = class_names(&mut *conn, school_id, year).await?;
    Ok(crate::domain::student_import::as_known_class(typed, &known))
}

/// The class of this name in this school year ([`known_class`]), created if
/// it is new, on every path that places a student.
pub async fn ensure_class(
    conn: &mut sqlx::AnyConnection,
    school_id: SchoolId,
    year: i64,
    name: &str,
    grade: i64,
) -> Result<i64, AppError> {
    let name = known_class(&mut *conn, school_id, year, name).await?;
    let name = name.as_str();
    sqlx::query(
        "INSERT INTO class (school_id, school_year_id, name, grade) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (school_id, school_year_id, name) DO NOTHING",
    )
    .bind(school_id)
    .bind(year)
    .bind(name)
    .bind(grade)
    .execute(&mut *conn)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM class WHERE school_id = $1 AND school_year_id = $2 AND name = $3",
    )
    .bind(school_id)
    .bind(year)
    .bind(name)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Adds a student (the caller tells a taken code from other failures).
pub async fn insert_student(
    conn: &mut sqlx::AnyConnection,
    school_id: SchoolId,
    r: &StudentRecord,
) -> Result<StudentId, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO student (school_id, code, full_name, date_of_birth) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(school_id)
    .bind(&r.code)
    .bind(&r.full_name)
    .bind(r.birth_date.to_string())
    .fetch_one(conn)
    .await
}

/// Corrects a student's name and date of birth from an import row (its code
/// is what found them). A corrected date of birth ends the access parents
/// had by the old one.
pub async fn update_from_record(
    conn: &mut sqlx::AnyConnection,
    student_id: StudentId,
    r: &StudentRecord,
    now: UnixTime,
) -> Result<(), AppError> {
    crate::server::parent::end_child_access_if_changed(
        &mut *conn,
        student_id,
        &r.code,
        &r.birth_date.to_string(),
        now,
    )
    .await?;
    sqlx::query("UPDATE student SET full_name = $1, date_of_birth = $2 WHERE id = $3")
        .bind(&r.full_name)
        .bind(r.birth_date.to_string())
        .bind(student_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Puts a student in a class for the school year (moving them if enrolled already).
pub async fn enrol(
    conn: &mut sqlx::AnyConnection,
    student_id: StudentId,
    class_id: i64,
    year: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO enrolment (student_id, class_id, school_year_id) VALUES ($1, $2, $3) \
         ON CONFLICT (student_id, school_year_id) DO UPDATE SET class_id = excluded.class_id",
    )
    .bind(student_id)
    .bind(class_id)
    .bind(year)
    .execute(conn)
    .await?;
    Ok(())
}

/// A date of birth as staff type it (`DD/MM/YYYY`, or `YYYY-MM-DD`).
pub fn parse_birth(text: &str) -> Result<Date, AppError> {
    Date::parse_dmy(text)
        .or_else(|_| Date::parse_iso(text.trim()))
        .map_err(|_| AppError::InvalidInput(Field::BirthDate))
}

/// A student of the register as stored.
#[derive(sqlx::FromRow)]
struct Registered {
    id: StudentId,
    code: String,
    full_name: String,
    date_of_birth: String,
    class_name: Option<String>,
    left_on: Option<String>,
}

/// The school's students, with their class in school year `year`, as
/// registers order them (class by grade, then given name in Vietnamese
/// order); only the classes of homeroom teacher `teacher` when given.
pub async fn list_students(
    db: &Db,
    school_id: SchoolId,
    year: i64,
    teacher: Option<StaffId>,
) -> Result<Vec<StudentRow>, AppError> {
    let rows: Vec<Registered> = sqlx::query_as(
        "SELECT s.id AS id, s.code AS code, s.full_name AS full_name, s.date_of_birth AS date_of_birth, \
            c.name AS class_name, s.left_on AS left_on FROM student s \
         LEFT JOIN enrolment e ON e.student_id = s.id AND e.school_year_id = $2 \
         LEFT JOIN class c ON c.id = e.class_id WHERE s.school_id = $1 \
         AND ($3 IS NULL OR e.class_id IN (SELECT class_id FROM class_teacher WHERE staff_id = $3)) \
         ORDER BY c.name, s.full_name",
    )
    .bind(school_id)
    .bind(year)
    .bind(teacher)
    .fetch_all(db)
    .await?;
    let mut students: Vec<StudentRow> = rows
        .into_iter()
        .filter_map(|r| {
            Some(StudentRow {
                id: r.id.get(),
                code: r.code,
                full_name: r.full_name,
                birth_date: Date::parse_iso(&r.date_of_birth).ok()?,
                class_name: r.class_name.unwrap_or_default(),
                left: r.left_on.is_some(),
            })
        })
        .collect();
    students.sort_by(|a, b| {
        use crate::domain::collate::{class_cmp, name_cmp};
        class_cmp(&a.class_name, &b.class_name).then_with(|| name_cmp(&a.full_name, &b.full_name))
    });
    Ok(students)
}

/// A student typed in by hand, checked by the same rules as an import row so
/// both ways in agree.
pub fn record_from_form(
    code: String,
    full_name: String,
    birth_date: &str,
    class_name: String,
    today: Date,
) -> Result<StudentRecord, AppError> {
    let rows = vec![
        vec![
            Cell::Text("Mã học sinh".into()),
            Cell::Text("Họ và tên".into()),
            Cell::Text("Ngày sinh".into()),
            Cell::Text("Lớp".into()),
        ],
        vec![
            Cell::Text(code),
            Cell::Text(full_name),
            Cell::Text(parse_birth(birth_date)?.dmy()),
            Cell::Text(class_name),
        ],
    ];
    let (records, errors) = student_import::parse(&rows, today).map_err(|_| AppError::Internal)?;
    if let Some(e) = errors.first() {
        use crate::domain::student_import::RowProblem::*;
        let field = match e.problem {
            MissingCode | BadCode(_) | DuplicateCode { .. } => Field::StudentCode,
            MissingName => Field::DisplayName,
            BadBirthDate(_) | BirthInFuture(_) | AgeUnlikelyForGrade { .. } => Field::BirthDate,
            MissingClass | BadGrade(_) => Field::ClassName,
        };
        return Err(AppError::InvalidInput(field));
    }
    records.into_iter().next().ok_or(AppError::Internal)
}

/// What a student was before an edit, their class this year included.
#[derive(sqlx::FromRow)]
struct StudentBefore {
    code: String,
    full_name: String,
    date_of_birth: String,
    class_name: Option<String>,
}

/// Adds a student (`student_id` None) or edits one, in the caller's
/// transaction, and puts them in their class of school year `year` (made if
/// new); returns their id and the audit entry to record. A code another
/// student has is an invalid student code.
pub async fn save_student(
    tx: &mut sqlx::AnyConnection,
    now: UnixTime,
    school_id: SchoolId,
    year: i64,
    student_id: Option<StudentId>,
    r: &StudentRecord,
) -> Result<(StudentId, Entry<'static>), AppError> {
    // The class as the school writes it, in the log too ("2B", not " 2 b").
    let r = &StudentRecord {
        class_name: known_class(&mut *tx, school_id, year, &r.class_name).await?,
        ..r.clone()
    };
    let class_id = ensure_class(&mut *tx, school_id, year, &r.class_name, r.grade).await?;
    // What the student was, their class this year included: a move reads "3A → 3B".
    let before: Option<StudentBefore> = match student_id {
        Some(id) => sqlx::query_as(
            "SELECT s.code AS code, s.full_name AS full_name, s.date_of_birth AS date_of_birth, \
                (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
                 WHERE e.student_id = s.id AND e.school_year_id = $3) AS class_name \
             FROM student s WHERE s.id = $1 AND s.school_id = $2",
        )
        .bind(id)
        .bind(school_id)
        .bind(year)
        .fetch_optional(&mut *tx)
        .await?,
        None => None,
    };
    let id = match student_id {
        Some(id) => {
            if before.is_none() {
                return Err(AppError::NotFound);
            }
            crate::server::parent::end_child_access_if_changed(
                &mut *tx,
                id,
                &r.code,
                &r.birth_date.to_string(),
                now,
            )
            .await?;
            let updated = sqlx::query(
                "UPDATE student SET code = $1, full_name = $2, date_of_birth = $3 WHERE id = $4",
            )
            .bind(&r.code)
            .bind(&r.full_name)
            .bind(r.birth_date.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await;
            if let Err(e) = updated {
                return Err(if crate::server::is_unique_violation(&e) {
                    AppError::InvalidInput(Field::StudentCodeTaken)
                } else {
                    e.into()
                });
            }
            id
        }
        None => match insert_student(&mut *tx, school_id, r).await {
            Ok(id) => id,
            Err(e) if crate::server::is_unique_violation(&e) => {
                return Err(AppError::InvalidInput(Field::StudentCodeTaken));
            }
            Err(e) => return Err(e.into()),
        },
    };
    enrol(&mut *tx, id, class_id, year).await?;
    let entry = Entry {
        school_id: Some(school_id),
        action: if student_id.is_some() {
            "update"
        } else {
            "create"
        },
        entity: "student",
        entity_id: Some(id.to_string()),
        before: before.map(|b| {
            serde_json::json!({"code": b.code, "full_name": b.full_name,
                "date_of_birth": b.date_of_birth, "class": b.class_name})
        }),
        after: Some(serde_json::json!({"code": r.code, "full_name": r.full_name,
            "date_of_birth": r.birth_date.to_string(), "class": r.class_name})),
    };
    Ok((id, entry))
}

/// Sets the day a student of this school left (None: back at school); not
/// found when no such student.
pub async fn set_left(
    tx: &mut sqlx::AnyConnection,
    school_id: SchoolId,
    student_id: StudentId,
    left_on: Option<&str>,
) -> Result<(), AppError> {
    let done = sqlx::query("UPDATE student SET left_on = $1 WHERE id = $2 AND school_id = $3")
        .bind(left_on)
        .bind(student_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// A student as the REST API reads them, with their change number.
#[derive(sqlx::FromRow)]
pub struct StudentChange {
    pub id: StudentId,
    pub code: String,
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// Their class in the school year asked for.
    pub class_name: Option<String>,
    pub left_on: Option<String>,
    pub updated_at: i64,
    pub change_no: i64,
}

const STUDENT_COLUMNS: &str = "SELECT s.id AS id, s.code AS code, s.full_name AS full_name, \
    s.date_of_birth AS date_of_birth, \
    (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id WHERE e.student_id = s.id AND e.school_year_id = $2) \
        AS class_name, \
    s.left_on AS left_on, s.updated_at AS updated_at, s.change_no AS change_no FROM student s";

/// A page of the school's students (erased ones never) by change number:
/// changed at or after `since`, with a change number above `after`; at most
/// `limit` rows; their class in school year `year`.
pub async fn changes(
    db: &Db,
    school_id: SchoolId,
    year: i64,
    since: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<StudentChange>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{STUDENT_COLUMNS} WHERE s.school_id = $1 AND s.erased_at IS NULL \
         AND s.updated_at >= $3 AND s.change_no > $4 ORDER BY s.change_no LIMIT $5"
    ))
    .bind(school_id)
    .bind(year)
    .bind(since)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

/// The school's student of this code (as typed: normalized here), unless erased.
pub async fn by_code(
    db: &Db,
    school_id: SchoolId,
    year: i64,
    code: &str,
) -> Result<Option<StudentChange>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{STUDENT_COLUMNS} WHERE s.school_id = $1 AND s.erased_at IS NULL AND s.code = $3"
    ))
    .bind(school_id)
    .bind(year)
    .bind(student_import::normalize_code(code))
    .fetch_optional(db)
    .await?)
}

/// A class of the school year with how many of its students are still at school.
#[derive(sqlx::FromRow)]
pub struct ClassCount {
    pub name: String,
    pub grade: i64,
    pub students: i64,
}

/// The school's classes in school year `year`, by grade and name, with their
/// students who have not left (erased ones not counted).
pub async fn classes(db: &Db, school_id: SchoolId, year: i64) -> Result<Vec<ClassCount>, AppError> {
    Ok(sqlx::query_as(
        "SELECT c.name AS name, c.grade AS grade, (SELECT COUNT(*) FROM enrolment e JOIN student s ON s.id = e.student_id \
            WHERE e.class_id = c.id AND s.left_on IS NULL AND s.erased_at IS NULL) AS students \
         FROM class c WHERE c.school_id = $1 AND c.school_year_id = $2 ORDER BY c.grade, c.name",
    )
    .bind(school_id)
    .bind(year)
    .fetch_all(db)
    .await?)
}
