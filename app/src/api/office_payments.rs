//! Payments taken at the school office: a card at the POS terminal (terminal id,
//! approval code, last 4 digits only) or cash. Each settles the invoice and issues
//! its receipt like a transfer; cash is recorded, and never counted as cashless.

use crate::error::AppError;
use crate::staff::OfficePayment;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Records a card or cash payment for an invoice (or a payment group) and
/// settles it. Returns the receipt codes issued. A card approval is recorded
/// once: the same terminal and approval code again changes nothing.
#[server(prefix = "/rpc", endpoint = "office-payments/record", input = Json)]
pub async fn record_office_payment(
    school_id: i64,
    payment: OfficePayment,
) -> Result<Vec<String>, AppError> {
    use crate::domain::invoice_code::InvoiceCode;
    use crate::error::Field;
    use crate::server::audit::{by_staff, Entry};
    use crate::server::bank;
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let code = InvoiceCode::parse(&payment.invoice_code)
        .map_err(|_| AppError::InvalidInput(Field::InvoiceCode))?;
    if !payment.amount.is_positive() || payment.amount.dong() > 1_000_000_000_000 {
        return Err(AppError::InvalidInput(Field::Amount));
    }
    let payer = payment.payer.trim().to_string();
    if payer.chars().count() > 100 {
        return Err(AppError::InvalidInput(Field::DisplayName));
    }
    let (method, external_id) = match payment.method.as_str() {
        "card" => {
            let terminal = payment.terminal.trim().to_uppercase();
            let approval = payment.approval_code.trim().to_uppercase();
            let ok = |t: &str, max: usize| {
                !t.is_empty() && t.len() <= max && t.chars().all(|c| c.is_ascii_alphanumeric())
            };
            if !ok(&terminal, 16) || !ok(&approval, 12) {
                return Err(AppError::InvalidInput(Field::Reference));
            }
            if payment.card_last4.len() != 4
                || !payment.card_last4.chars().all(|c| c.is_ascii_digit())
            {
                return Err(AppError::InvalidInput(Field::AccountNumber));
            }
            ("card", format!("POS:{terminal}:{approval}"))
        }
        "cash" => (
            "cash",
            format!("CASH:{}", crate::server::auth::random_secret()),
        ),
        _ => return Err(AppError::InvalidInput(Field::Role)),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO payment (school_id, source, external_id, amount, received_at, payer_name, memo, outcome, method, \
            card_terminal, card_approval, card_last4, recorded_by, arrived_via) \
         VALUES ($1, 'office', $2, $3, $4, $5, $6, 'unmatched', $7, $8, $9, $10, $11, 'office') \
         ON CONFLICT (source, external_id) DO NOTHING RETURNING id",
    )
    .bind(school_id)
    .bind(&external_id)
    .bind(payment.amount.dong())
    .bind(now)
    .bind((!payer.is_empty()).then_some(&payer))
    .bind(code.memo_form())
    .bind(method)
    .bind((method == "card").then(|| payment.terminal.trim().to_uppercase()))
    .bind((method == "card").then(|| payment.approval_code.trim().to_uppercase()))
    .bind((method == "card").then_some(&payment.card_last4))
    .bind(staff.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((payment_id,)) = inserted else {
        // This card approval was recorded before: nothing changes.
        let codes: Vec<(String,)> = sqlx::query_as(
            "SELECT r.public_code FROM receipt r JOIN payment p ON p.id = r.payment_id \
             WHERE p.source = 'office' AND p.external_id = $1 AND r.cancelled_at IS NULL",
        )
        .bind(&external_id)
        .fetch_all(&mut *tx)
        .await?;
        return Ok(codes.into_iter().map(|c| c.0).collect());
    };
    let open = bank::open_invoices(&mut tx, school_id, std::slice::from_ref(&code)).await?;
    if open.is_empty() {
        return Err(AppError::InvalidInput(Field::InvoiceCode));
    }
    // Money taken at the desk for an invoice already paid would be a double payment.
    if !open.iter().any(|o| o.balance.is_positive()) {
        return Err(AppError::InvoiceAlreadyPaid);
    }
    let outcome = bank::apply(
        &mut tx,
        payment_id,
        payment.amount,
        &open,
        &format!(
            "nộp thừa ({})",
            if method == "card" {
                "thẻ"
            } else {
                "tiền mặt"
            }
        ),
        now,
    )
    .await?;
    let receipts = crate::server::receipts::issue_for_payment(
        &mut tx,
        &state.vault,
        payment_id,
        Some(&staff.display_name),
        now,
    )
    .await?;
    by_staff(
        &mut tx,
        &state,
        &staff,
        Entry::at_school(school_id, "record", "payment", payment_id).after(serde_json::json!({
            "method": method, "invoice": code.as_str(), "amount": payment.amount.dong(),
            "outcome": outcome.as_str(), "terminal": (method == "card").then(|| payment.terminal.trim().to_uppercase()),
        })),
    )
    .await?;
    let mut codes = Vec::new();
    for id in receipts {
        let (c,): (String,) = sqlx::query_as("SELECT public_code FROM receipt WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        codes.push(c);
    }
    tx.commit().await?;
    Ok(codes)
}
