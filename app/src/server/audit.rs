//! The audit log: every change staff make, who, when, before and after. The table
//! refuses updates and deletes (database triggers), so the log only grows.

use super::auth::Staff;
use crate::domain::ids::SchoolId;
use crate::domain::time::UnixTime;
use crate::error::AppError;
use serde_json::Value;

pub struct Entry<'a> {
    pub school_id: Option<SchoolId>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<'a> Entry<'a> {
    /// A change at a school: `entity` number `entity_id` had `action` done to it.
    pub fn at_school(
        school_id: SchoolId,
        action: &'a str,
        entity: &'a str,
        entity_id: impl ToString,
    ) -> Self {
        Entry {
            school_id: Some(school_id),
            action,
            entity,
            entity_id: Some(entity_id.to_string()),
            before: None,
            after: None,
        }
    }

    /// A change of the office's own (its calendar, the office itself): no school.
    pub fn at_office(action: &'a str, entity: &'a str, entity_id: impl ToString) -> Self {
        Entry {
            school_id: None,
            action,
            entity,
            entity_id: Some(entity_id.to_string()),
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, value: Value) -> Self {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: Value) -> Self {
        self.after = Some(value);
        self
    }
}

/// Records what a signed-in staff member changed, now, under their office.
pub async fn by_staff(
    conn: &mut sqlx::AnyConnection,
    state: &super::state::AppState,
    staff: &Staff,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    record(
        conn,
        state.clock.now_time(),
        Some(staff),
        staff.office_id,
        entry,
    )
    .await
}

/// Records what a staff member changed as the last step of its transaction,
/// and commits both: the change and its line in the log land together or not at all.
pub async fn by_staff_and_commit(
    mut tx: super::database::WriteTx,
    state: &super::state::AppState,
    staff: &Staff,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    by_staff(&mut tx, state, staff, entry).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a change in the same transaction as the change itself.
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    at: UnixTime,
    who: Option<&Staff>,
    office_id: i64,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_log (at, staff_id, office_id, school_id, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(at)
    .bind(who.map(|s| s.id))
    .bind(office_id)
    .bind(entry.school_id)
    .bind(entry.action)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.before.map(|v| v.to_string()))
    // An officer's change to a school without an accountant says so.
    .bind(match (who.is_some_and(|s| s.acting_for_school), entry.after) {
        (true, after) => Some(
            serde_json::json!({"acting_for_school_without_accountant": true, "change": after})
                .to_string(),
        ),
        (false, after) => after.map(|v| v.to_string()),
    })
    .execute(conn)
    .await?;
    Ok(())
}

/// Records what a staff member did that changed nothing but must be traceable
/// (a look at or an export of students' data), on its own.
pub async fn by_staff_alone(
    state: &super::state::AppState,
    staff: &Staff,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    let _turn = super::database::single_write_turn(&state.db).await;
    let mut conn = state.db.acquire().await?;
    record(
        &mut conn,
        state.clock.now_time(),
        Some(staff),
        staff.office_id,
        entry,
    )
    .await
}

/// Records that a staff member looked at students' personal data (the Law on
/// Personal Data Protection, 91/2025/QH15: every access is traceable). Kept apart from the change log's list.
pub async fn viewed(
    state: &super::state::AppState,
    staff: &Staff,
    school_id: SchoolId,
    entity: &str,
    entity_id: impl ToString,
) -> Result<(), AppError> {
    by_staff_alone(
        state,
        staff,
        Entry::at_school(school_id, "view", entity, entity_id),
    )
    .await
}

/// Which part of the change log to read.
pub struct Filter {
    pub office_id: i64,
    /// One school's changes (scope checked by the caller), or (None) everything
    /// under the office: its own and its communes' office-wide rows, and the rows of the
    /// schools it supervises now (a school's history goes with the school when it moves).
    pub school_id: Option<SchoolId>,
    /// One kind of record only.
    pub entity: Option<&'static str>,
    /// Words to find in the sentence, the person, the school or the record
    /// (marks and case ignored).
    pub text: String,
    /// One day in Vietnam.
    pub day: Option<crate::domain::date::Date>,
    /// Older than this row (the next page).
    pub before_id: Option<i64>,
    pub limit: usize,
}

/// Rows read per round trip while searching, and how far one search looks back:
/// a search that finds little stops after this many rows and offers to go on.
const BATCH: i64 = 500;
const SEARCH_REACH: usize = 20_000;

/// A page of the change log, newest first, each row with the record it names
/// in words (a receipt's number, a student's or colleague's name). The next
/// page starts below `next_before`, if there is one.
pub async fn read(
    db: &super::state::Db,
    f: Filter,
) -> Result<(Vec<crate::staff::AuditRow>, Option<i64>), AppError> {
    const OFFSET: i64 = 7 * 3600;
    let (from, to) = match f.day {
        Some(d) => (
            d.to_days() * 86_400 - OFFSET,
            (d.to_days() + 1) * 86_400 - OFFSET,
        ),
        None => (i64::MIN, i64::MAX),
    };
    let query = crate::domain::search::Query::new(&f.text);
    let mut cursor = f.before_id.unwrap_or(i64::MAX);
    let mut scanned = 0;
    let mut out = Vec::new();
    loop {
        let mut batch: Vec<crate::staff::AuditRow> = sqlx::query_as(
            "SELECT a.id, a.at, s.display_name AS who, sc.name AS school, a.action, a.entity, a.entity_id, \
                    CAST(NULL AS TEXT) AS subject, a.before_json AS before, a.after_json AS after \
             FROM audit_log a LEFT JOIN staff s ON s.id = a.staff_id LEFT JOIN school sc ON sc.id = a.school_id \
             WHERE (a.school_id = $2 OR ($2 IS NULL AND ( \
                     (a.school_id IS NULL AND a.office_id IN (SELECT o.id FROM office o WHERE o.id = $1 OR o.parent_id = $1)) \
                     OR a.school_id IN (SELECT os.school_id FROM office_school os WHERE os.office_id = $1)))) \
               AND ($3 IS NULL OR a.entity = $3) \
               AND a.action <> 'view' AND a.id < $4 AND a.at >= $5 AND a.at < $6 \
             ORDER BY a.id DESC LIMIT $7",
        )
        .bind(f.office_id)
        .bind(f.school_id)
        .bind(f.entity)
        .bind(cursor)
        .bind(from)
        .bind(to)
        .bind(BATCH)
        .fetch_all(db)
        .await?;
        let full = batch.len() as i64 == BATCH;
        scanned += batch.len();
        if let Some(last) = batch.last() {
            cursor = last.id;
        }
        name_subjects(db, &mut batch).await?;
        for row in batch {
            let matches = query.is_empty() || {
                let hay = format!(
                    "{} {} {} {} {}",
                    crate::audit_text::sentence(|vi, _| vi, &row),
                    crate::audit_text::actor(&row).unwrap_or_default(),
                    row.school.as_deref().unwrap_or_default(),
                    row.entity_id.as_deref().unwrap_or_default(),
                    crate::domain::date::Date::in_vietnam(row.at).dmy(),
                );
                query.matches(&hay)
            };
            if matches {
                if out.len() == f.limit {
                    let next = out.last().map(|r: &crate::staff::AuditRow| r.id);
                    return Ok((out, next));
                }
                out.push(row);
            }
        }
        if !full {
            return Ok((out, None));
        }
        if scanned >= SEARCH_REACH {
            // Looked far enough for one request: the person may look further.
            return Ok((out, Some(cursor)));
        }
    }
}

/// Which kind of record an entity's id names: exemptions and credits are
/// recorded under the student's id.
fn kind(entity: &str) -> &str {
    match entity {
        "student_exemption" | "credit" | "student_link" => "student",
        other => other,
    }
}

/// Puts the record each row names into words, a batch at a time.
async fn name_subjects(
    db: &super::state::Db,
    rows: &mut [crate::staff::AuditRow],
) -> Result<(), AppError> {
    use std::collections::HashMap;
    let ids_of = |entity: &str| -> Vec<i64> {
        let mut ids: Vec<i64> = rows
            .iter()
            .filter(|r| kind(&r.entity) == entity)
            .filter_map(|r| r.entity_id.as_deref()?.parse().ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let mut names: HashMap<(&'static str, i64), String> = HashMap::new();
    for (entity, sql) in [
        (
            "receipt",
            "SELECT id, series, number FROM receipt WHERE id IN",
        ),
        (
            "student",
            "SELECT id, full_name, '' FROM student WHERE id IN",
        ),
        (
            "staff",
            "SELECT id, display_name, '' FROM staff WHERE id IN",
        ),
    ] {
        let ids = ids_of(entity);
        if ids.is_empty() {
            continue;
        }
        let list = (1..=ids.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("{sql} ({list})");
        if entity == "receipt" {
            let mut q = sqlx::query_as::<_, (i64, String, i64)>(&sql);
            for id in &ids {
                q = q.bind(*id);
            }
            for (id, series, number) in q.fetch_all(db).await? {
                names.insert(
                    (entity, id),
                    crate::domain::receipt::label_of(&series, number),
                );
            }
        } else {
            let mut q = sqlx::query_as::<_, (i64, String, String)>(&sql);
            for id in &ids {
                q = q.bind(*id);
            }
            for (id, name, _) in q.fetch_all(db).await? {
                names.insert((entity, id), name);
            }
        }
    }
    for row in rows.iter_mut() {
        let id: Option<i64> = row.entity_id.as_deref().and_then(|i| i.parse().ok());
        row.subject = match (kind(&row.entity), id) {
            ("complaint", Some(id)) => Some(format!("#{id}")),
            (entity, Some(id)) => ["receipt", "student", "staff"]
                .into_iter()
                .find(|e| *e == entity)
                .and_then(|e| names.get(&(e, id)).cloned()),
            _ => None,
        };
    }
    Ok(())
}
