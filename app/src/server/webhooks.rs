//! The addresses a school's software receives events at (`webhook`) and the log
//! of every delivery to them (`event_delivery`), as the accountant manages
//! them. The server functions in `api::webhooks` check who asks and write the
//! audit lines; the delivery worker (`server/src/events.rs`) sends them.

use crate::domain::ids::{SchoolId, StaffId};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::state::Db;
use crate::staff::{DeliveryRow, WebhookRow};
use sqlx::AnyConnection;

/// The school's addresses, newest first, with their deliveries counted.
pub async fn list(db: &Db, school_id: SchoolId) -> Result<Vec<WebhookRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT w.id, w.url, w.created_at, w.disabled_at, \
            (SELECT COUNT(*) FROM event_delivery d WHERE d.webhook_id = w.id AND d.delivered_at IS NOT NULL) AS delivered, \
            (SELECT COUNT(*) FROM event_delivery d WHERE d.webhook_id = w.id AND d.delivered_at IS NULL AND d.gave_up_at IS NULL) AS pending, \
            (SELECT COUNT(*) FROM event_delivery d WHERE d.webhook_id = w.id AND d.gave_up_at IS NOT NULL) AS failed \
         FROM webhook w WHERE w.school_id = $1 ORDER BY w.id DESC",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?)
}

/// A new address, with its secret sealed by the vault.
pub struct NewWebhook<'a> {
    pub school_id: SchoolId,
    pub url: &'a str,
    pub sealed_secret: String,
    pub created_at: UnixTime,
    pub created_by: StaffId,
}

/// Adds an address; returns its id.
pub async fn insert(conn: &mut AnyConnection, new: NewWebhook<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO webhook (school_id, url, sealed_secret, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(new.school_id)
    .bind(new.url)
    .bind(new.sealed_secret)
    .bind(new.created_at)
    .bind(new.created_by)
    .fetch_one(conn)
    .await?)
}

/// Stops sending to an address and gives up what is queued for it; `false` if
/// the school has no such address still on.
pub async fn disable(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    id: i64,
    now: UnixTime,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE webhook SET disabled_at = $1 WHERE id = $2 AND school_id = $3 AND disabled_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(school_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE event_delivery SET gave_up_at = $1 WHERE webhook_id = $2 AND delivered_at IS NULL AND gave_up_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// The latest 100 deliveries to the school's addresses, newest first.
pub async fn deliveries(db: &Db, school_id: SchoolId) -> Result<Vec<DeliveryRow>, AppError> {
    Ok(sqlx::query_as(
        "SELECT d.id, e.event_id, e.kind, e.created_at, d.attempts, d.last_attempt_at, d.last_status, d.last_error, \
            d.next_attempt_at, d.delivered_at, d.gave_up_at \
         FROM event_delivery d JOIN api_event e ON e.id = d.event_id JOIN webhook w ON w.id = d.webhook_id \
         WHERE w.school_id = $1 ORDER BY d.id DESC LIMIT 100",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?)
}

/// Queues a delivery to be sent again at once, from its first try; `false` if
/// it is not to one of the school's addresses still on.
pub async fn redeliver(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    delivery_id: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE event_delivery SET next_attempt_at = 0, gave_up_at = NULL, delivered_at = NULL, attempts = 0 \
         WHERE id = $1 AND webhook_id IN (SELECT id FROM webhook WHERE school_id = $2 AND disabled_at IS NULL)",
    )
    .bind(delivery_id)
    .bind(school_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() != 0)
}
