//! Website payment through a VNPay-protocol gateway: orders, and the IPN that
//! settles them. The IPN is what counts: it may come many times, late, or before
//! the parent's browser returns, and it settles an order exactly once.

use super::state::Db;
use super::vault::Vault;
use crate::domain::ids::SchoolId;
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::domain::vnpay::{self, Callback, IpnReply};
use crate::error::AppError;
use sqlx::AnyConnection;

/// The context a gateway secret is sealed under.
pub fn seal_context(school_id: SchoolId) -> String {
    format!("gateway:{school_id}")
}

/// A school's merchant code and (unsealed) secret.
pub async fn merchant_of_school(
    db: &Db,
    vault: &Vault,
    school_id: SchoolId,
) -> Result<Option<(String, String)>, AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT tmn_code, sealed_secret FROM gateway_config WHERE school_id = $1")
            .bind(school_id)
            .fetch_optional(db)
            .await?;
    row.map(|(tmn, sealed)| Ok((tmn, unseal(vault, school_id, &sealed)?)))
        .transpose()
}

/// The school behind a merchant code, with its secret.
pub async fn merchant_by_code(
    db: &Db,
    vault: &Vault,
    tmn_code: &str,
) -> Result<Option<(SchoolId, String)>, AppError> {
    let row: Option<(SchoolId, String)> =
        sqlx::query_as("SELECT school_id, sealed_secret FROM gateway_config WHERE tmn_code = $1")
            .bind(tmn_code)
            .fetch_optional(db)
            .await?;
    row.map(|(school_id, sealed)| Ok((school_id, unseal(vault, school_id, &sealed)?)))
        .transpose()
}

fn unseal(vault: &Vault, school_id: SchoolId, sealed: &str) -> Result<String, AppError> {
    vault
        .open(sealed, &seal_context(school_id))
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            tracing::error!("gateway secret of school {school_id} cannot be unsealed");
            AppError::Internal
        })
}

/// A new order reference: `HP` and 12 characters, unique.
pub fn new_txn_ref() -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    let alphabet = crate::domain::invoice_code::ALPHABET;
    let tail: String = bytes
        .iter()
        .map(|b| alphabet[*b as usize % alphabet.len()] as char)
        .collect();
    format!("HP{tail}")
}

/// Records an order for what an invoice (or payment group) still owes.
pub async fn create_order(
    db: &Db,
    school_id: SchoolId,
    code: &InvoiceCode,
    amount: Vnd,
    now: UnixTime,
) -> Result<String, AppError> {
    let txn_ref = new_txn_ref();
    let _turn = super::database::single_write_turn(db).await;
    sqlx::query(
        "INSERT INTO gateway_order (school_id, txn_ref, code, amount, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(school_id)
    .bind(&txn_ref)
    .bind(code.as_str())
    .bind(amount.dong())
    .bind(now)
    .execute(db)
    .await?;
    Ok(txn_ref)
}

/// Handles an IPN query: verifies it, then settles its order once.
pub async fn confirm(db: &Db, vault: &Vault, query: &str, now: UnixTime) -> IpnReply {
    match confirm_inner(db, vault, query, now).await {
        Ok(reply) => reply,
        Err(e) => {
            tracing::error!("gateway IPN: {e}");
            IpnReply::Unknown
        }
    }
}

async fn confirm_inner(
    db: &Db,
    vault: &Vault,
    query: &str,
    now: UnixTime,
) -> Result<IpnReply, AppError> {
    // The merchant code says whose secret signed it; nothing else is believed
    // before the signature is checked.
    let Ok(params) = vnpay::parse_query(query) else {
        return Ok(IpnReply::InvalidSignature);
    };
    let Some(tmn) = params
        .iter()
        .find(|(k, _)| k == "vnp_TmnCode")
        .map(|(_, v)| v.clone())
    else {
        return Ok(IpnReply::InvalidSignature);
    };
    let Some((school_id, secret)) = merchant_by_code(db, vault, &tmn).await? else {
        return Ok(IpnReply::InvalidSignature);
    };
    let callback = match vnpay::verify(query, &secret) {
        Ok(c) => c,
        Err(e) => return Ok(e.ipn_reply()),
    };
    // IMMEDIATE: take the write lock before reading the order, so concurrent
    // repeats queue instead of failing to upgrade a read lock.
    let mut tx = crate::server::database::begin_write(db).await?;
    let order: Option<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT id, code, amount, status FROM gateway_order WHERE txn_ref = $1 AND school_id = $2",
    )
    .bind(&callback.txn_ref)
    .bind(school_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((order_id, code, amount, status)) = order else {
        return Ok(IpnReply::OrderNotFound);
    };
    if callback.amount != Vnd::new(amount) {
        return Ok(IpnReply::InvalidAmount);
    }
    if status != "pending" {
        return Ok(IpnReply::AlreadyConfirmed);
    }
    // Taking the order out of `pending` is the one write only one IPN can make.
    let taken = sqlx::query(
        "UPDATE gateway_order SET status = $1, response_code = $2, transaction_no = $3, updated_at = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(if callback.is_success() { "paid" } else { "failed" })
    .bind(&callback.response_code)
    .bind(&callback.transaction_no)
    .bind(now)
    .bind(order_id)
    .execute(&mut *tx)
    .await?;
    if taken.rows_affected() != 1 {
        return Ok(IpnReply::AlreadyConfirmed);
    }
    if callback.is_success() {
        settle(
            &mut tx, vault, school_id, order_id, &code, &callback, &tmn, now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(IpnReply::Confirmed)
}

#[allow(clippy::too_many_arguments)]
async fn settle(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    order_id: i64,
    code: &str,
    callback: &Callback,
    tmn: &str,
    now: UnixTime,
) -> Result<(), AppError> {
    use super::ledger::{Incoming, NewPayment, Source};
    let (school,): (String,) = sqlx::query_as("SELECT name FROM school WHERE id = $1")
        .bind(school_id)
        .fetch_one(&mut *conn)
        .await?;
    let incoming = Incoming {
        payment: NewPayment {
            source: Source::Gateway,
            external_id: format!("VNPAY:{tmn}:{}", callback.txn_ref),
            amount: callback.amount,
            received_at: callback.paid_at().map_or(now, UnixTime),
            payer_name: None,
            memo: Some(format!(
                "VNPay {} {}",
                callback.txn_ref,
                callback.transaction_no.clone().unwrap_or_default()
            )),
            method: "gateway",
            arrived_via: "gateway",
            account: None,
            card: None,
            recorded_by: None,
        },
        codes: InvoiceCode::parse(code).into_iter().collect(),
        credit_reason: format!("nộp thừa (VNPay {})", callback.txn_ref),
        collector: Some(format!("{school} (cổng thanh toán, mã đơn vị {tmn})")),
    };
    let recorded = super::ledger::record(conn, vault, school_id, &[incoming], now)
        .await?
        .pop()
        .ok_or(AppError::Internal)?;
    // The order moved from pending only now, so its payment cannot exist yet:
    // one that does is not this order's to claim. Nothing is kept; the order
    // stays pending for the gateway's next attempt.
    if !recorded.new {
        tracing::error!(
            "gateway payment {} already recorded; order {order_id} left pending",
            callback.txn_ref
        );
        return Err(AppError::Internal);
    }
    let payment_id = recorded.payment_id;
    sqlx::query("UPDATE gateway_order SET payment_id = $1 WHERE id = $2")
        .bind(payment_id)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE gateway_config SET confirmed_at = COALESCE(confirmed_at, $1) WHERE school_id = $2",
    )
    .bind(now)
    .bind(school_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What the parent's return page shows: the order as hocphi knows it (the IPN
/// decides), once the return query's signature is checked.
pub async fn order_status(
    db: &Db,
    vault: &Vault,
    query: &str,
    now: UnixTime,
) -> Result<crate::model::OnlinePaymentStatus, AppError> {
    use crate::model::OnlinePaymentStatus as S;
    let params = vnpay::parse_query(query).map_err(|_| AppError::LinkInvalid)?;
    let tmn = params
        .iter()
        .find(|(k, _)| k == "vnp_TmnCode")
        .map(|(_, v)| v.clone())
        .ok_or(AppError::LinkInvalid)?;
    let (school_id, secret) = merchant_by_code(db, vault, &tmn)
        .await?
        .ok_or(AppError::LinkInvalid)?;
    let callback = vnpay::verify(query, &secret).map_err(|_| AppError::LinkInvalid)?;
    let row: Option<(i64, String, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, code, amount, status, response_code FROM gateway_order WHERE txn_ref = $1 AND school_id = $2",
    )
    .bind(&callback.txn_ref)
    .bind(school_id)
    .fetch_optional(db)
    .await?;
    let (id, code, amount, status, response) = row.ok_or(AppError::NotFound)?;
    // The gateway told the parent it succeeded and its IPN has not come: kept on
    // the order (signed, so not the parent's word), so the invoice page warns
    // against paying again instead of offering the QR as if nothing happened.
    // The IPN, when it comes, writes its own code over this one.
    if status == "pending" && response.is_none() && callback.is_success() {
        sqlx::query(
            "UPDATE gateway_order SET response_code = $1, updated_at = $2 \
             WHERE id = $3 AND status = 'pending' AND response_code IS NULL",
        )
        .bind(&callback.response_code)
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    }
    Ok(S {
        invoice_code: code,
        amount: Vnd::new(amount),
        state: status,
        // Until the IPN arrives, the gateway's word on the redirect is only shown.
        response_code: response.unwrap_or(callback.response_code),
    })
}
