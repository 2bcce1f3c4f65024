//! A new school year: classes move up a grade, the last grade leaves, last
//! year's invoices and payments stay as they were.

use crate::error::AppError;
use crate::staff::NewYearPlan;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Previews (`commit` false) or starts the school year after the current one.
#[server(prefix = "/rpc", endpoint = "school-year/next", input = Json)]
pub async fn start_next_year(school_id: i64, commit: bool) -> Result<NewYearPlan, AppError> {
    use crate::domain::school_year::{next_class, next_label};
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let current = crate::api::students::current_year_id(&state, school_id).await?;
    let (label, starts_on, ends_on): (String, String, String) =
        sqlx::query_as("SELECT label, starts_on, ends_on FROM school_year WHERE id = $1")
            .bind(current)
            .fetch_one(&state.db)
            .await?;
    // In the summer the prepared year is already the school's (it is the
    // latest); a second click must not prepare the year after it too.
    if starts_on > state.clock.today().to_string() {
        return Ok(NewYearPlan {
            label,
            classes: vec![],
            students_moving: 0,
            graduating: vec![],
            students_graduating: 0,
            already_started: true,
        });
    }
    let next = next_label(&label).ok_or(AppError::Internal)?;
    let next_start: i32 = next
        .get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or(AppError::Internal)?;
    let classes: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT id, name, grade FROM class WHERE school_id = $1 AND school_year_id = $2 ORDER BY grade, name")
            .bind(school_id)
            .bind(current)
            .fetch_all(&state.db)
            .await?;
    let last_grade = classes.iter().map(|c| c.2).max().unwrap_or(0);
    let existing: Option<(i64,)> = sqlx::query_as(
        "SELECT COUNT(*) FROM class c JOIN school_year y ON y.id = c.school_year_id WHERE c.school_id = $1 AND y.label = $2",
    )
    .bind(school_id)
    .bind(&next)
    .fetch_optional(&state.db)
    .await?;
    let already_started = existing.is_some_and(|(n,)| n > 0);
    let mut plan = NewYearPlan {
        label: next.clone(),
        classes: vec![],
        students_moving: 0,
        graduating: vec![],
        students_graduating: 0,
        already_started,
    };
    let mut moves = Vec::new();
    for (class_id, name, grade) in &classes {
        let students: Vec<(i64,)> = sqlx::query_as(
            "SELECT e.student_id FROM enrolment e JOIN student s ON s.id = e.student_id \
             WHERE e.class_id = $1 AND s.left_on IS NULL",
        )
        .bind(class_id)
        .fetch_all(&state.db)
        .await?;
        match next_class(name, *grade, last_grade) {
            Some((next_name, next_grade)) => {
                plan.classes.push((name.clone(), next_name.clone()));
                plan.students_moving += students.len();
                moves.push((next_name, next_grade, students));
            }
            None => {
                plan.graduating.push(name.clone());
                plan.students_graduating += students.len();
            }
        }
    }
    if !commit || already_started {
        return Ok(plan);
    }
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    sqlx::query(
        "INSERT INTO school_year (label, starts_on, ends_on) VALUES ($1, $2, $3) ON CONFLICT (label) DO NOTHING",
    )
    .bind(&next)
    .bind(format!("{next_start}-09-01"))
    .bind(format!("{}-05-31", next_start + 1))
    .execute(&mut *tx)
    .await?;
    let (year_id,): (i64,) = sqlx::query_as("SELECT id FROM school_year WHERE label = $1")
        .bind(&next)
        .fetch_one(&mut *tx)
        .await?;
    for (name, grade, students) in &moves {
        let class_id =
            crate::api::students::ensure_class_in(&mut tx, school_id, year_id, name, *grade)
                .await?;
        for (student_id,) in students {
            crate::api::students::enrol_in(&mut tx, *student_id, class_id, year_id).await?;
        }
    }
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "start", "school_year", next.clone())
            .before(serde_json::json!({"year": label, "ends_on": ends_on}))
            .after(serde_json::to_value(&plan).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    Ok(plan)
}
