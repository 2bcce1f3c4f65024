//! Classes and students: import from the spreadsheets schools already have, and
//! changes by hand. An import is previewed first and written all-or-nothing.

use crate::error::AppError;
use crate::staff::{ImportPreview, ImportResult, StudentRow};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// The school year the school is in (see `imp::current_year`).
#[cfg(feature = "ssr")]
pub async fn current_year_id(
    state: &crate::server::state::AppState,
    school_id: i64,
) -> Result<i64, AppError> {
    imp::current_year(state, school_id).await
}

/// A class of this name in that school year, created if new (shared with the new-year move).
#[cfg(feature = "ssr")]
pub async fn ensure_class_in(
    conn: &mut sqlx::AnyConnection,
    school_id: i64,
    year: i64,
    name: &str,
    grade: i64,
) -> Result<i64, AppError> {
    imp::ensure_class(conn, school_id, year, name, grade).await
}

/// Puts a student in a class for that school year.
#[cfg(feature = "ssr")]
pub async fn enrol_in(
    conn: &mut sqlx::AnyConnection,
    student_id: i64,
    class_id: i64,
    year: i64,
) -> Result<(), AppError> {
    imp::enrol(conn, student_id, class_id, year).await
}

/// Adds students by code or updates them (name, date of birth, class this
/// year), in the caller's transaction: the REST API's bulk upsert. Returns
/// (created, updated, unchanged).
#[cfg(feature = "ssr")]
pub async fn upsert_records(
    conn: &mut sqlx::AnyConnection,
    state: &crate::server::state::AppState,
    school_id: i64,
    records: &[crate::domain::student_import::StudentRecord],
) -> Result<(usize, usize, usize), AppError> {
    let year = imp::current_year(state, school_id).await?;
    let known = imp::existing(&state.db, school_id, year).await?;
    let mut classes = std::collections::HashMap::new();
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for r in records {
        let class_id = match classes.get(&r.class_name) {
            Some(id) => *id,
            None => {
                let id =
                    imp::ensure_class(&mut *conn, school_id, year, &r.class_name, r.grade).await?;
                classes.insert(r.class_name.clone(), id);
                id
            }
        };
        match known.get(&r.code) {
            None => {
                let id = imp::insert_student(&mut *conn, school_id, r).await?;
                imp::enrol(&mut *conn, id, class_id, year).await?;
                created += 1;
            }
            Some(e)
                if e.full_name == r.full_name
                    && e.birth_date == r.birth_date.to_string()
                    && e.class_name.as_deref() == Some(r.class_name.as_str()) =>
            {
                unchanged += 1
            }
            Some(e) => {
                crate::api::parent::imp::end_child_access_if_changed(
                    &mut *conn,
                    e.id,
                    &r.code,
                    &r.birth_date.to_string(),
                    state.clock.now(),
                )
                .await?;
                sqlx::query("UPDATE student SET full_name = $1, date_of_birth = $2 WHERE id = $3")
                    .bind(&r.full_name)
                    .bind(r.birth_date.to_string())
                    .bind(e.id)
                    .execute(&mut *conn)
                    .await?;
                imp::enrol(&mut *conn, e.id, class_id, year).await?;
                updated += 1;
            }
        }
    }
    Ok((created, updated, unchanged))
}

#[cfg(feature = "ssr")]
mod imp {
    use crate::domain::date::Date;
    use crate::domain::student_import::{self, StudentRecord};
    use crate::error::AppError;
    use crate::server::state::{AppState, Db};
    use crate::staff::{ImportPreview, StudentChange};
    use base64::Engine;
    use std::collections::HashMap;

    pub struct Existing {
        pub id: i64,
        pub full_name: String,
        pub birth_date: String,
        pub class_name: Option<String>,
    }

    /// The school year the school is in: of the years it has classes in, the
    /// one covering today, else its latest. Years belong to each school: one
    /// school preparing 2027-2028 in July moves its own lists, not every
    /// school's into a year where they have no classes. A school with no
    /// classes yet takes the year covering today (else the latest).
    pub async fn current_year(state: &AppState, school_id: i64) -> Result<i64, AppError> {
        let today = state.clock.today().to_string();
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT y.id FROM school_year y \
             WHERE EXISTS (SELECT 1 FROM class c WHERE c.school_id = $2 AND c.school_year_id = y.id) \
                OR NOT EXISTS (SELECT 1 FROM class c WHERE c.school_id = $2) \
             ORDER BY (y.starts_on <= $1 AND y.ends_on >= $1) DESC, y.starts_on DESC LIMIT 1",
        )
        .bind(&today)
        .bind(school_id)
        .fetch_optional(&state.db)
        .await?;
        row.map(|r| r.0).ok_or(AppError::Internal)
    }

    pub async fn existing(
        db: &Db,
        school_id: i64,
        year_id: i64,
    ) -> Result<HashMap<String, Existing>, AppError> {
        let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT s.id, s.code, s.full_name, s.date_of_birth, \
                (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id \
                 WHERE e.student_id = s.id AND e.school_year_id = $2) \
             FROM student s WHERE s.school_id = $1",
        )
        .bind(school_id)
        .bind(year_id)
        .fetch_all(db)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, code, full_name, birth_date, class_name)| {
                (
                    code,
                    Existing {
                        id,
                        full_name,
                        birth_date,
                        class_name,
                    },
                )
            })
            .collect())
    }

    /// The uploaded file's bytes; a body that is not base64 is an unreadable file.
    pub fn decode(content_base64: &str) -> Result<Vec<u8>, student_import::FileProblem> {
        base64::engine::general_purpose::STANDARD
            .decode(content_base64.trim())
            .map_err(|_| student_import::FileProblem::NotASpreadsheet)
    }

    pub struct Plan {
        pub preview: ImportPreview,
        pub added: Vec<StudentRecord>,
        pub changed: Vec<(StudentRecord, i64)>,
    }

    pub async fn plan(
        state: &AppState,
        school_id: i64,
        content_base64: &str,
    ) -> Result<Plan, AppError> {
        let empty = |problem| ImportPreview {
            rows: 0,
            added: vec![],
            changed: vec![],
            unchanged: 0,
            new_classes: vec![],
            errors: vec![],
            file_problem: Some(problem),
        };
        let today = state.clock.today();
        let parsed = match decode(content_base64) {
            Ok(bytes) => {
                crate::server::heavy::run(move || {
                    crate::server::spreadsheet::read(&bytes)
                        .and_then(|rows| student_import::parse(&rows, today))
                })
                .await?
            }
            Err(problem) => Err(problem),
        };
        let (records, errors) = match parsed {
            Ok(r) => r,
            Err(problem) => {
                return Ok(Plan {
                    preview: empty(problem),
                    added: vec![],
                    changed: vec![],
                })
            }
        };
        let year = current_year(state, school_id).await?;
        let known = existing(&state.db, school_id, year).await?;
        let classes: Vec<(String,)> =
            sqlx::query_as("SELECT name FROM class WHERE school_id = $1 AND school_year_id = $2")
                .bind(school_id)
                .bind(year)
                .fetch_all(&state.db)
                .await?;
        let mut new_classes: Vec<String> = records
            .iter()
            .map(|r| r.class_name.clone())
            .filter(|c| !classes.iter().any(|(k,)| k == c))
            .collect();
        new_classes.sort();
        new_classes.dedup();

        let change = |r: &StudentRecord, fields: Vec<String>, previous_class: Option<String>| {
            StudentChange {
                row: r.row,
                code: r.code.clone(),
                full_name: r.full_name.clone(),
                class_name: r.class_name.clone(),
                fields,
                previous_class,
            }
        };
        let (mut added, mut changed, mut unchanged) = (vec![], vec![], 0);
        let (mut added_changes, mut changed_changes) = (vec![], vec![]);
        for r in records {
            match known.get(&r.code) {
                None => {
                    added_changes.push(change(&r, vec![], None));
                    added.push(r);
                }
                Some(e) => {
                    let mut fields = vec![];
                    if e.full_name != r.full_name {
                        fields.push("name".to_string());
                    }
                    if e.birth_date != r.birth_date.to_string() {
                        fields.push("birth_date".to_string());
                    }
                    let moved = e.class_name.as_deref() != Some(r.class_name.as_str());
                    if moved {
                        fields.push("class".to_string());
                    }
                    if fields.is_empty() {
                        unchanged += 1;
                    } else {
                        // A child in another class this year moves: shown as such, to confirm.
                        let previous = if moved { e.class_name.clone() } else { None };
                        changed_changes.push(change(&r, fields, previous));
                        changed.push((r, e.id));
                    }
                }
            }
        }
        let rows = added.len() + changed.len() + unchanged + errors.len();
        Ok(Plan {
            preview: ImportPreview {
                rows,
                added: added_changes,
                changed: changed_changes,
                unchanged,
                new_classes,
                errors,
                file_problem: None,
            },
            added,
            changed,
        })
    }

    /// The class of this name in this school year, created if it is new.
    pub async fn ensure_class(
        conn: &mut sqlx::AnyConnection,
        school_id: i64,
        year: i64,
        name: &str,
        grade: i64,
    ) -> Result<i64, AppError> {
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
        let (id,): (i64,) = sqlx::query_as(
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
        school_id: i64,
        r: &StudentRecord,
    ) -> Result<i64, sqlx::Error> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO student (school_id, code, full_name, date_of_birth) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(school_id)
        .bind(&r.code)
        .bind(&r.full_name)
        .bind(r.birth_date.to_string())
        .fetch_one(conn)
        .await?;
        Ok(id)
    }

    /// Puts a student in a class for the school year (moving them if enrolled already).
    pub async fn enrol(
        conn: &mut sqlx::AnyConnection,
        student_id: i64,
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

    pub fn parse_birth(text: &str) -> Result<Date, AppError> {
        Date::parse_dmy(text)
            .or_else(|_| Date::parse_iso(text.trim()))
            .map_err(|_| AppError::InvalidInput(crate::error::Field::BirthDate))
    }
}

/// What importing this file would add, change and leave alone, and every bad row.
#[server(prefix = "/rpc", endpoint = "students/import-preview", input = Json)]
pub async fn preview_student_import(
    school_id: i64,
    content_base64: String,
) -> Result<ImportPreview, AppError> {
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    Ok(imp::plan(&state, school_id, &content_base64).await?.preview)
}

/// Writes the import in one transaction, or nothing at all if any row is bad.
/// Importing the same file again changes nothing.
#[server(prefix = "/rpc", endpoint = "students/import-commit", input = Json)]
pub async fn commit_student_import(
    school_id: i64,
    content_base64: String,
) -> Result<ImportResult, AppError> {
    use crate::server::audit::{record, Entry};
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let plan = imp::plan(&state, school_id, &content_base64).await?;
    if plan.preview.file_problem.is_some() || !plan.preview.errors.is_empty() {
        return Err(AppError::ImportRejected);
    }
    let year = imp::current_year(&state, school_id).await?;
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let mut class_ids = std::collections::HashMap::new();
    for r in plan.added.iter().chain(plan.changed.iter().map(|(r, _)| r)) {
        if class_ids.contains_key(&r.class_name) {
            continue;
        }
        let id = imp::ensure_class(&mut tx, school_id, year, &r.class_name, r.grade).await?;
        class_ids.insert(r.class_name.clone(), id);
    }
    let known = imp::existing(&state.db, school_id, year).await?;
    for r in &plan.added {
        let id = imp::insert_student(&mut tx, school_id, r).await?;
        imp::enrol(&mut tx, id, class_ids[&r.class_name], year).await?;
        let after = serde_json::json!({"code": r.code, "full_name": r.full_name,
            "date_of_birth": r.birth_date.to_string(), "class": r.class_name});
        record(
            &mut tx,
            now,
            Some(&staff),
            staff.office_id,
            Entry {
                school_id: Some(school_id),
                action: "import_add",
                entity: "student",
                entity_id: Some(id.to_string()),
                before: None,
                after: Some(after),
            },
        )
        .await?;
    }
    for (r, id) in &plan.changed {
        crate::api::parent::imp::end_child_access_if_changed(
            &mut tx,
            *id,
            &r.code,
            &r.birth_date.to_string(),
            now,
        )
        .await?;
        sqlx::query("UPDATE student SET full_name = $1, date_of_birth = $2 WHERE id = $3")
            .bind(&r.full_name)
            .bind(r.birth_date.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        imp::enrol(&mut tx, *id, class_ids[&r.class_name], year).await?;
        let before = known.get(&r.code).map(|e| {
            serde_json::json!({"full_name": e.full_name, "date_of_birth": e.birth_date, "class": e.class_name})
        });
        let after = serde_json::json!({"full_name": r.full_name, "date_of_birth": r.birth_date.to_string(),
            "class": r.class_name});
        record(
            &mut tx,
            now,
            Some(&staff),
            staff.office_id,
            Entry {
                school_id: Some(school_id),
                action: "import_change",
                entity: "student",
                entity_id: Some(id.to_string()),
                before,
                after: Some(after),
            },
        )
        .await?;
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
    use crate::domain::collate;
    use crate::domain::date::Date;
    let (state, staff) = crate::server::auth::school_reader(school_id).await?;
    let year = imp::current_year(&state, school_id).await?;
    // id, code, name, date of birth, class this year, date left
    type Row = (i64, String, String, String, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT s.id, s.code, s.full_name, s.date_of_birth, c.name, s.left_on FROM student s \
         LEFT JOIN enrolment e ON e.student_id = s.id AND e.school_year_id = $2 \
         LEFT JOIN class c ON c.id = e.class_id WHERE s.school_id = $1 \
         AND ($3 IS NULL OR e.class_id IN (SELECT class_id FROM class_teacher WHERE staff_id = $3)) \
         ORDER BY c.name, s.full_name",
    )
    .bind(school_id)
    .bind(year)
    // Homeroom teachers see their own classes only.
    .bind((staff.role == crate::staff::Role::Teacher).then_some(staff.id))
    .fetch_all(&state.db)
    .await?;
    crate::server::audit::viewed(&state, &staff, school_id, "students", school_id).await?;
    let mut students: Vec<StudentRow> = rows
        .into_iter()
        .filter_map(|(id, code, full_name, birth, class_name, left_on)| {
            Some(StudentRow {
                id,
                code,
                full_name,
                birth_date: Date::parse_iso(&birth).ok()?,
                class_name: class_name.unwrap_or_default(),
                left: left_on.is_some(),
            })
        })
        .collect();
    // As registers order them: class by grade, then given name (Vietnamese order).
    students.sort_by(|a, b| {
        collate::class_cmp(&a.class_name, &b.class_name)
            .then_with(|| collate::name_cmp(&a.full_name, &b.full_name))
    });
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
    use crate::domain::student_import::{parse, Cell};
    use crate::error::Field;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    // The same rules as an import row, so both ways in agree.
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
            Cell::Text(imp::parse_birth(&birth_date)?.dmy()),
            Cell::Text(class_name),
        ],
    ];
    let (records, errors) = parse(&rows, state.clock.today()).map_err(|_| AppError::Internal)?;
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
    let r = records.into_iter().next().ok_or(AppError::Internal)?;
    let year = imp::current_year(&state, school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let class_id = imp::ensure_class(&mut tx, school_id, year, &r.class_name, r.grade).await?;
    // What the student was, their class this year included: a move reads "3A → 3B".
    let before: Option<(String, String, String, Option<String>)> = match student_id {
        Some(id) => sqlx::query_as(
            "SELECT s.code, s.full_name, s.date_of_birth, (SELECT c.name FROM enrolment e \
                JOIN class c ON c.id = e.class_id WHERE e.student_id = s.id AND e.school_year_id = $3) \
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
            crate::api::parent::imp::end_child_access_if_changed(
                &mut tx,
                id,
                &r.code,
                &r.birth_date.to_string(),
                state.clock.now(),
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
                    AppError::InvalidInput(Field::StudentCode)
                } else {
                    e.into()
                });
            }
            id
        }
        None => {
            let inserted = imp::insert_student(&mut tx, school_id, &r).await;
            match inserted {
                Ok(id) => id,
                Err(e) if crate::server::is_unique_violation(&e) => {
                    return Err(AppError::InvalidInput(Field::StudentCode))
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    imp::enrol(&mut tx, id, class_id, year).await?;
    crate::server::audit::record(&mut tx, state.clock.now(), Some(&staff), staff.office_id, crate::server::audit::Entry {
        school_id: Some(school_id),
        action: if student_id.is_some() { "update" } else { "create" },
        entity: "student",
        entity_id: Some(id.to_string()),
        before: before.map(|(code, name, birth, class)| serde_json::json!({"code": code, "full_name": name, "date_of_birth": birth, "class": class})),
        after: Some(serde_json::json!({"code": r.code, "full_name": r.full_name,
            "date_of_birth": r.birth_date.to_string(), "class": r.class_name})),
    })
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Marks a student as having left the school (or back, with `left` false).
#[server(prefix = "/rpc", endpoint = "students/left", input = Json)]
pub async fn mark_student_left(
    school_id: i64,
    student_id: i64,
    left: bool,
) -> Result<(), AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let today = state.clock.today().to_string();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let done = sqlx::query("UPDATE student SET left_on = $1 WHERE id = $2 AND school_id = $3")
        .bind(if left { Some(today.clone()) } else { None })
        .bind(student_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
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
