//! Students in bulk: a spreadsheet import (previewed as a [`Plan`], then
//! written all-or-nothing by [`write_import`]) and the REST API's upsert by
//! student code ([`upsert_records`]).

use super::{current_year, enrol, ensure_class, existing, insert_student, update_from_record};
use crate::domain::ids::{SchoolId, StudentId};
use crate::domain::student_import::{self, StudentRecord};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::audit::Entry;
use crate::server::state::AppState;
use crate::staff::{ImportPreview, StudentChange};
use base64::Engine;
use std::collections::HashMap;

/// The uploaded file's bytes; a body that is not base64 is an unreadable file.
pub fn decode(content_base64: &str) -> Result<Vec<u8>, student_import::FileProblem> {
    base64::engine::general_purpose::STANDARD
        .decode(content_base64.trim())
        .map_err(|_| student_import::FileProblem::NotASpreadsheet)
}

/// What an import would do: its preview, and the rows to add and to change
/// (with the id of the student each changes).
pub struct Plan {
    pub preview: ImportPreview,
    pub added: Vec<StudentRecord>,
    pub changed: Vec<(StudentRecord, StudentId)>,
}

/// Reads the file (base64) and compares its rows with the register of the
/// school year the school is in.
pub async fn plan(
    state: &AppState,
    school_id: SchoolId,
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
            });
        }
    };
    let year = current_year(state, school_id).await?;
    let known = existing(&state.db, school_id, year).await?;
    let classes = super::class_names(&state.db, school_id, year).await?;
    // A class typed as the school writes it but for case and spaces is that class.
    let mut records = records;
    for r in &mut records {
        r.class_name = crate::domain::student_import::as_known_class(&r.class_name, &classes);
    }
    let mut new_classes: Vec<String> = records
        .iter()
        .map(|r| r.class_name.clone())
        .filter(|c| !classes.contains(c))
        .collect();
    new_classes.sort();
    new_classes.dedup();

    let change =
        |r: &StudentRecord, fields: Vec<String>, previous_class: Option<String>| StudentChange {
            row: r.row,
            code: r.code.clone(),
            full_name: r.full_name.clone(),
            class_name: r.class_name.clone(),
            fields,
            previous_class,
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

/// Writes a planned import (with no bad row) in the caller's transaction,
/// into school year `year`: the classes it names, the students it adds and
/// changes, their enrolments. Returns the audit entries to record, one per
/// student, in order.
pub async fn write_import(
    tx: &mut sqlx::AnyConnection,
    state: &AppState,
    school_id: SchoolId,
    year: i64,
    plan: &Plan,
    now: UnixTime,
) -> Result<Vec<Entry<'static>>, AppError> {
    let mut class_ids = HashMap::new();
    for r in plan.added.iter().chain(plan.changed.iter().map(|(r, _)| r)) {
        if class_ids.contains_key(&r.class_name) {
            continue;
        }
        let id = ensure_class(&mut *tx, school_id, year, &r.class_name, r.grade).await?;
        class_ids.insert(r.class_name.clone(), id);
    }
    let known = existing(&state.db, school_id, year).await?;
    let mut entries = Vec::new();
    for r in &plan.added {
        let id = insert_student(&mut *tx, school_id, r).await?;
        enrol(&mut *tx, id, class_ids[&r.class_name], year).await?;
        let after = serde_json::json!({"code": r.code, "full_name": r.full_name,
            "date_of_birth": r.birth_date.to_string(), "class": r.class_name});
        entries.push(Entry {
            school_id: Some(school_id),
            action: "import_add",
            entity: "student",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(after),
        });
    }
    for (r, id) in &plan.changed {
        update_from_record(&mut *tx, *id, r, now).await?;
        enrol(&mut *tx, *id, class_ids[&r.class_name], year).await?;
        let before = known.get(&r.code).map(|e| {
            serde_json::json!({"full_name": e.full_name, "date_of_birth": e.birth_date, "class": e.class_name})
        });
        let after = serde_json::json!({"full_name": r.full_name, "date_of_birth": r.birth_date.to_string(),
            "class": r.class_name});
        entries.push(Entry {
            school_id: Some(school_id),
            action: "import_change",
            entity: "student",
            entity_id: Some(id.to_string()),
            before,
            after: Some(after),
        });
    }
    Ok(entries)
}

/// Adds students by code or updates them (name, date of birth, class this
/// year), in the caller's transaction: the REST API's bulk upsert. Returns
/// (created, updated, unchanged).
pub async fn upsert_records(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    school_id: SchoolId,
    records: &[StudentRecord],
) -> Result<(usize, usize, usize), AppError> {
    let year = current_year(state, school_id).await?;
    let known = existing(&state.db, school_id, year).await?;
    let mut classes = HashMap::new();
    // Read once for the whole batch (not a query a row); a class made on the
    // way joins them.
    let mut names = super::class_names(&mut *conn, school_id, year).await?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for r in records {
        // "4b" for the school's 4B is no change (nor a new class).
        let r = &StudentRecord {
            class_name: crate::domain::student_import::as_known_class(&r.class_name, &names),
            ..r.clone()
        };
        let class_id = match classes.get(&r.class_name) {
            Some(id) => *id,
            None => {
                let id = ensure_class(&mut *conn, school_id, year, &r.class_name, r.grade).await?;
                classes.insert(r.class_name.clone(), id);
                if !names.contains(&r.class_name) {
                    names.push(r.class_name.clone());
                }
                id
            }
        };
        match known.get(&r.code) {
            None => {
                let id = insert_student(&mut *conn, school_id, r).await?;
                enrol(&mut *conn, id, class_id, year).await?;
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
                update_from_record(&mut *conn, e.id, r, state.clock.now_time()).await?;

                enrol(&mut *conn, e.id, class_id, year).await?;
                updated += 1;
            }
        }
    }
    Ok((created, updated, unchanged))
}
