//! The school year: what starting the next one would do (classes move up a
//! grade, the last grade leaves) and the year's own row. The server function in
//! `api::school_year` checks who asks, enrols the students and writes the audit line.

use crate::domain::date::Date;
use crate::domain::ids::{SchoolId, StudentId};
use crate::error::AppError;
use crate::server::state::Db;
use crate::staff::NewYearPlan;
use sqlx::AnyConnection;

#[derive(sqlx::FromRow)]
struct YearRecord {
    label: String,
    starts_on: String,
    ends_on: String,
}

#[derive(sqlx::FromRow)]
struct ClassRecord {
    id: i64,
    name: String,
    grade: i64,
}

/// A class of next year and the students moving into it.
pub struct Move {
    pub class_name: String,
    pub grade: i64,
    pub students: Vec<StudentId>,
}

/// What starting the school year after `current` would do.
pub struct NextYear {
    /// What the accountant is shown (and the audit line records).
    pub plan: NewYearPlan,
    /// The current year's label and last day, for the audit line.
    pub current_label: String,
    pub current_ends_on: String,
    /// The calendar year the next school year starts in.
    pub next_start: i32,
    pub moves: Vec<Move>,
}

/// The school year after `current` (the school's current year), as it would be
/// started today: each class moves up a grade, the last grade leaves. In the
/// summer the prepared year is already the school's (it is the latest): the
/// plan then says so, so that a second click does not prepare the year after it too.
pub async fn plan_next(
    db: &Db,
    school_id: SchoolId,
    current: i64,
    today: Date,
) -> Result<NextYear, AppError> {
    use crate::domain::school_year::{next_class, next_label};
    let year: YearRecord =
        sqlx::query_as("SELECT label, starts_on, ends_on FROM school_year WHERE id = $1")
            .bind(current)
            .fetch_one(db)
            .await?;
    if year.starts_on > today.to_string() {
        return Ok(NextYear {
            plan: NewYearPlan {
                label: year.label.clone(),
                classes: vec![],
                students_moving: 0,
                graduating: vec![],
                students_graduating: 0,
                already_started: true,
            },
            current_label: year.label,
            current_ends_on: year.ends_on,
            next_start: 0,
            moves: vec![],
        });
    }
    let next = next_label(&year.label).ok_or(AppError::Internal)?;
    let next_start: i32 = next
        .get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or(AppError::Internal)?;
    let classes: Vec<ClassRecord> = sqlx::query_as(
        "SELECT id, name, grade FROM class WHERE school_id = $1 AND school_year_id = $2 ORDER BY grade, name",
    )
    .bind(school_id)
    .bind(current)
    .fetch_all(db)
    .await?;
    let last_grade = classes.iter().map(|c| c.grade).max().unwrap_or(0);
    let existing: Option<i64> = sqlx::query_scalar(
        "SELECT COUNT(*) FROM class c JOIN school_year y ON y.id = c.school_year_id WHERE c.school_id = $1 AND y.label = $2",
    )
    .bind(school_id)
    .bind(&next)
    .fetch_optional(db)
    .await?;
    let already_started = existing.is_some_and(|n| n > 0);
    let mut plan = NewYearPlan {
        label: next.clone(),
        classes: vec![],
        students_moving: 0,
        graduating: vec![],
        students_graduating: 0,
        already_started,
    };
    let mut moves = Vec::new();
    for class in &classes {
        let students: Vec<StudentId> = sqlx::query_scalar(
            "SELECT e.student_id FROM enrolment e JOIN student s ON s.id = e.student_id \
             WHERE e.class_id = $1 AND s.left_on IS NULL",
        )
        .bind(class.id)
        .fetch_all(db)
        .await?;
        match next_class(&class.name, class.grade, last_grade) {
            Some((next_name, next_grade)) => {
                plan.classes.push((class.name.clone(), next_name.clone()));
                plan.students_moving += students.len();
                moves.push(Move {
                    class_name: next_name,
                    grade: next_grade,
                    students,
                });
            }
            None => {
                plan.graduating.push(class.name.clone());
                plan.students_graduating += students.len();
            }
        }
    }
    Ok(NextYear {
        plan,
        current_label: year.label,
        current_ends_on: year.ends_on,
        next_start,
        moves,
    })
}

/// The school year with this label (`2026-2027`), created if new (1 September
/// to 31 May): its id.
pub async fn ensure_year(
    conn: &mut AnyConnection,
    label: &str,
    start_year: i32,
) -> Result<i64, AppError> {
    sqlx::query(
        "INSERT INTO school_year (label, starts_on, ends_on) VALUES ($1, $2, $3) ON CONFLICT (label) DO NOTHING",
    )
    .bind(label)
    .bind(format!("{start_year}-09-01"))
    .bind(format!("{}-05-31", start_year + 1))
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM school_year WHERE label = $1")
            .bind(label)
            .fetch_one(conn)
            .await?,
    )
}
