//! The audit log: every change staff make, who, when, before and after. The table
//! refuses updates and deletes (database triggers), so the log only grows.

use super::auth::Staff;
use crate::error::AppError;
use serde_json::Value;

pub struct Entry<'a> {
    pub school_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<'a> Entry<'a> {
    /// A change at a school: `entity` number `entity_id` had `action` done to it.
    pub fn at_school(
        school_id: i64,
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

    pub fn before(mut self, value: Value) -> Self {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: Value) -> Self {
        self.after = Some(value);
        self
    }
}

/// Records what a signed-in staff member changed, now, in their district.
pub async fn by_staff(
    conn: &mut sqlx::AnyConnection,
    state: &super::state::AppState,
    staff: &Staff,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    record(
        conn,
        state.clock.now(),
        Some(staff),
        staff.district_id,
        entry,
    )
    .await
}

/// Records a change in the same transaction as the change itself.
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    at: i64,
    who: Option<&Staff>,
    district_id: i64,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_log (at, staff_id, district_id, school_id, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(at)
    .bind(who.map(|s| s.id))
    .bind(district_id)
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
    let mut conn = state.db.acquire().await?;
    record(
        &mut conn,
        state.clock.now(),
        Some(staff),
        staff.district_id,
        entry,
    )
    .await
}

/// Records that a staff member looked at students' personal data (Decree
/// 13/2023: every access is traceable). Kept apart from the change log's list.
pub async fn viewed(
    state: &super::state::AppState,
    staff: &Staff,
    school_id: i64,
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
