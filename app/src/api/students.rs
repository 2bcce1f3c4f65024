//! Classes and students: import from the spreadsheets schools already have, and
//! changes by hand. An import is previewed first and written all-or-nothing.

use crate::error::AppError;
use crate::staff::{ImportPreview, ImportResult, StudentRow};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// What importing this file would add, change and leave alone, and every bad row.
#[server(prefix = "/rpc", endpoint = "students/import-preview", input = Json)]
pub async fn preview_student_import(
    school_id: i64,
    content_base64: String,
) -> Result<ImportPreview, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    Ok(
        crate::server::students::import::plan(&state, school_id, &content_base64)
            .await?
            .preview,
    )
}

/// Writes the import in one transaction, or nothing at all if any row is bad.
/// Importing the same file again changes nothing.
#[server(prefix = "/rpc", endpoint = "students/import-commit", input = Json)]
pub async fn commit_student_import(
    school_id: i64,
    content_base64: String,
) -> Result<ImportResult, AppError> {
    use crate::server::students::{current_year, import};
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let plan = import::plan(&state, school_id, &content_base64).await?;
    if plan.preview.file_problem.is_some() || !plan.preview.errors.is_empty() {
        return Err(AppError::ImportRejected);
    }
    let year = current_year(&state, school_id).await?;
    let now = state.clock.now_time();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let entries = import::write_import(&mut tx, &state, school_id, year, &plan, now).await?;
    for entry in entries {
        crate::server::audit::record(&mut tx, now, Some(&staff), staff.office_id, entry).await?;
    }
    tx.commit().await?;
    Ok(ImportResult {
        added: plan.added.len(),
        changed: plan.changed.len(),
        unchanged: plan.preview.unchanged,
    })
}

/// The school's students this school year, by class and name; a homeroom teacher
/// sees their own classes (read-only).
#[server(prefix = "/rpc", endpoint = "students/list", input = Json)]
pub async fn list_students(school_id: i64) -> Result<Vec<StudentRow>, AppError> {
    let school_id = crate::domain::ids::SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_reader(school_id).await?;
    let year = crate::server::students::current_year(&state, school_id).await?;
    // Homeroom teachers see their own classes only.
    let teacher = (staff.role == crate::staff::Role::Teacher).then_some(staff.id);
    let students =
        crate::server::students::list_students(&state.db, school_id, year, teacher).await?;
    crate::server::audit::viewed(&state, &staff, school_id, "students", school_id).await?;
    Ok(students)
}

/// Adds a student by hand (`student_id` None) or edits one: name, date of birth,
/// class (moving them between classes).
#[server(prefix = "/rpc", endpoint = "students/save", input = Json)]
pub async fn save_student(
    school_id: i64,
    student_id: Option<i64>,
    code: String,
    full_name: String,
    birth_date: String,
    class_name: String,
) -> Result<i64, AppError> {
    use crate::domain::ids::{SchoolId, StudentId};
    let school_id = SchoolId(school_id);
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let r = crate::server::students::record_from_form(
        code,
        full_name,
        &birth_date,
        class_name,
        state.clock.today(),
    )?;
    let year = crate::server::students::current_year(&state, school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (id, entry) = crate::server::students::save_student(
        &mut tx,
        state.clock.now_time(),
        school_id,
        year,
        student_id.map(StudentId),
        &r,
    )
    .await?;
    crate::server::audit::record(
        &mut tx,
        state.clock.now_time(),
        Some(&staff),
        staff.office_id,
        entry,
    )
    .await?;
    tx.commit().await?;
    Ok(id.get())
}

/// Marks a student as having left the school (or back, with `left` false).
#[server(prefix = "/rpc", endpoint = "students/left", input = Json)]
pub async fn mark_student_left(
    school_id: i64,
    student_id: i64,
    left: bool,
) -> Result<(), AppError> {
    use crate::domain::ids::{SchoolId, StudentId};
    let (school_id, student_id) = (SchoolId(school_id), StudentId(student_id));
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;

    let today = state.clock.today().to_string();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    crate::server::students::set_left(
        &mut tx,
        school_id,
        student_id,
        left.then_some(today.as_str()),
    )
    .await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(
            school_id,
            if left { "mark_left" } else { "mark_returned" },
            "student",
            student_id,
        )
        .after(serde_json::json!({"left_on": if left { Some(today) } else { None }})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
