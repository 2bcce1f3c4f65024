//! The school's side of paying online: its merchant account at the gateway
//! (stored with the secret sealed) and its recent orders, and the school an
//! invoice paid online belongs to. Orders and the IPN that settles them are
//! `server::gateway`. The server functions of `api::online_payment` are thin
//! layers over both.

use crate::domain::ids::SchoolId;
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::error::{AppError, Field};
use crate::server::state::Db;
use crate::staff::OnlineOrderRow;
use sqlx::AnyConnection;

/// The school an invoice belongs to.
pub async fn invoice_school(db: &Db, code: &InvoiceCode) -> Result<SchoolId, AppError> {
    Ok(
        sqlx::query_scalar("SELECT school_id FROM invoice WHERE code = $1")
            .bind(code.as_str())
            .fetch_one(db)
            .await?,
    )
}

/// Sets the school's merchant code and sealed secret (see
/// `gateway::seal_context`); the account is unconfirmed until its first IPN.
/// A merchant code another school has is refused.
pub async fn save_merchant(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    tmn_code: &str,
    sealed_secret: &str,
    now: crate::domain::time::UnixTime,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO gateway_config (school_id, provider, tmn_code, sealed_secret, updated_at) VALUES ($1, 'vnpay', $2, $3, $4) \
         ON CONFLICT (school_id) DO UPDATE SET tmn_code = excluded.tmn_code, sealed_secret = excluded.sealed_secret, \
            updated_at = excluded.updated_at, confirmed_at = NULL",
    )
    .bind(school_id)
    .bind(tmn_code)
    .bind(sealed_secret)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| {
        if crate::server::is_unique_violation(&e) {
            AppError::InvalidInput(Field::MerchantCodeTaken)
        } else {
            e.into()
        }
    })?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    created_at: i64,
    code: String,
    amount: Vnd,
    status: String,
    response_code: Option<String>,
    transaction_no: Option<String>,
}

/// The school's last 30 attempts to pay online, newest first.
pub async fn recent_orders(db: &Db, school_id: SchoolId) -> Result<Vec<OnlineOrderRow>, AppError> {
    let rows: Vec<OrderRow> = sqlx::query_as(
        "SELECT created_at, code, amount, status, response_code, transaction_no FROM gateway_order \
         WHERE school_id = $1 ORDER BY created_at DESC, id DESC LIMIT 30",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OnlineOrderRow {
            created_at: r.created_at,
            code: r.code,
            amount: r.amount,
            status: r.status,
            response_code: r.response_code,
            transaction_no: r.transaction_no,
        })
        .collect())
}
