//! What operators' tools read from the database: whether its migrations are
//! there (`/readyz`), and the business figures `/metrics` reports (payments by
//! method and outcome, receipts, the review and event queues, open
//! complaints), read at each scrape so every process reports the same truth.

use crate::server::state::Db;

/// How many migrations the database has applied (none: not ready to serve).
pub async fn migrations_applied(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(db)
        .await
}

/// Payments recorded, for one method and outcome.
#[derive(sqlx::FromRow)]
pub struct PaymentCount {
    pub method: String,
    pub outcome: String,
    pub count: i64,
}

/// The figures `/metrics` reports from the database.
pub struct Business {
    pub payments: Vec<PaymentCount>,
    pub receipts: i64,
    /// Payments waiting for an accountant (unmatched, or possibly paid twice).
    pub review_queue: i64,
    /// Event deliveries waiting for their first try or a retry.
    pub deliveries_pending: i64,
    /// Event deliveries given up after every retry.
    pub deliveries_given_up: i64,
    /// Complaints not yet answered.
    pub complaints_open: i64,
    /// Payments of a statement whose receipts are still to be issued.
    pub receipts_owed: i64,
}

pub async fn business(db: &Db) -> Result<Business, sqlx::Error> {
    let payments: Vec<PaymentCount> = sqlx::query_as(
        "SELECT method, outcome, COUNT(*) AS count FROM payment GROUP BY method, outcome ORDER BY method, outcome",
    )
    .fetch_all(db)
    .await?;
    let receipts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM receipt")
        .fetch_one(db)
        .await?;
    let review_queue: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment WHERE outcome IN ('unmatched', 'duplicate')",
    )
    .fetch_one(db)
    .await?;
    let (deliveries_pending, deliveries_given_up): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(CAST(SUM(CASE WHEN delivered_at IS NULL AND gave_up_at IS NULL THEN 1 ELSE 0 END) AS BIGINT), 0), \
                COALESCE(CAST(SUM(CASE WHEN gave_up_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT), 0) FROM event_delivery",
    )
    .fetch_one(db)
    .await?;
    let complaints_open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM complaint WHERE status IN ('received', 'in_review')",
    )
    .fetch_one(db)
    .await?;
    let receipts_owed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM receipt_owed")
        .fetch_one(db)
        .await?;
    Ok(Business {
        payments,
        receipts,
        review_queue,
        deliveries_pending,
        deliveries_given_up,
        complaints_open,
        receipts_owed,
    })
}
