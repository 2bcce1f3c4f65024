//! Payments taken at the school office: a card at the POS terminal (terminal
//! id, approval code, last 4 digits only) or cash, one at a time or a POS
//! settlement file's lines. Each goes through the ledger (`server::ledger`),
//! which settles the invoice and issues its receipt like a transfer. The server
//! functions in `api::office_payments` check who asks and hold the transaction.

use crate::domain::ids::{PaymentId, SchoolId};
use crate::domain::invoice_code::InvoiceCode;
use crate::domain::money::Vnd;
use crate::domain::time::UnixTime;
use crate::error::{AppError, Field};
use crate::server::audit::{by_staff, Entry};
use crate::server::auth::Staff;
use crate::server::ledger::{self, Books, Card, Incoming, NewPayment, Recorded, Source};
use crate::server::state::AppState;
use crate::staff::{OfficePayment, PosLine, PosPreview};
use sqlx::AnyConnection;

/// What recording did: the payment, and whether it is new (false: this card
/// approval was recorded before, and nothing changed).
pub type Done = (PaymentId, bool);

/// A payment taken at the desk before, by its key (terminal and approval code).
#[derive(sqlx::FromRow)]
struct KnownRecord {
    id: PaymentId,
    memo: Option<String>,
    amount: Vnd,
}

/// Records one card or cash payment for an invoice, in the caller's
/// transaction, through the ledger (which settles the invoice and issues the
/// receipt), with its audit line.
pub async fn record(
    conn: &mut AnyConnection,
    state: &AppState,
    staff: &Staff,
    school_id: SchoolId,
    payment: &OfficePayment,
    at: UnixTime,
) -> Result<Done, AppError> {
    let code = InvoiceCode::parse(&payment.invoice_code)
        .map_err(|_| AppError::InvalidInput(Field::InvoiceCode))?;
    if !payment.amount.is_positive() || payment.amount.dong() > 1_000_000_000_000 {
        return Err(AppError::InvalidInput(Field::PositiveAmount));
    }
    let payer = payment.payer.trim().to_string();
    if payer.chars().count() > 100 {
        return Err(AppError::InvalidInput(Field::DisplayName));
    }
    let terminal = payment.terminal.trim().to_uppercase();
    let approval = payment.approval_code.trim().to_uppercase();
    let (method, external_id) = match payment.method.as_str() {
        "card" => {
            let ok = |t: &str, max: usize| {
                !t.is_empty() && t.len() <= max && t.chars().all(|c| c.is_ascii_alphanumeric())
            };
            if !ok(&terminal, 16) || !ok(&approval, 12) {
                return Err(AppError::InvalidInput(Field::Terminal));
            }
            if payment.card_last4.len() != 4
                || !payment.card_last4.chars().all(|c| c.is_ascii_digit())
            {
                return Err(AppError::InvalidInput(Field::CardLast4));
            }
            ("card", format!("POS:{school_id}:{terminal}:{approval}"))
        }
        "cash" => (
            "cash",
            format!("CASH:{}", crate::server::auth::random_secret()),
        ),
        _ => return Err(AppError::InvalidInput(Field::Role)),
    };
    let card = method == "card";
    let known: Option<KnownRecord> = sqlx::query_as(
        "SELECT id, memo, amount FROM payment WHERE source = 'office' AND external_id = $1",
    )
    .bind(&external_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(known) = known {
        // The same slip again changes nothing; the same approval code on another
        // invoice or amount is a typing mistake to show, not to swallow.
        if known.memo.as_deref() != Some(code.memo_form().as_str())
            || known.amount != payment.amount
        {
            return Err(AppError::CardApprovalUsed);
        }
        return Ok((known.id, false));
    }
    let books = Books::load(conn, school_id, &[code.as_str().to_string()]).await?;
    let open = books.open_for(std::slice::from_ref(&code));
    if open.is_empty() {
        return Err(AppError::InvalidInput(Field::InvoiceCode));
    }
    // Money taken at the desk for an invoice already paid would be a double payment.
    if !open.iter().any(|o| o.balance.is_positive()) {
        return Err(AppError::InvoiceAlreadyPaid);
    }
    // At the desk the change is handed back: never take more than is due.
    let due: Vnd = open.iter().map(|o| o.balance.clamp_non_negative()).sum();
    if payment.amount > due {
        return Err(AppError::AllocationTooLarge);
    }
    let incoming = Incoming {
        payment: NewPayment {
            source: Source::Office,
            external_id,
            amount: payment.amount,
            received_at: at,
            payer_name: (!payer.is_empty()).then(|| payer.clone()),
            memo: Some(code.memo_form()),
            method,
            arrived_via: "office",
            account: None,
            card: card.then(|| Card {
                terminal: terminal.clone(),
                approval: approval.clone(),
                last4: payment.card_last4.clone(),
            }),
            recorded_by: Some(staff.id),
        },
        codes: vec![code.clone()],
        credit_reason: format!("nộp thừa ({})", if card { "thẻ" } else { "tiền mặt" }),
        collector: Some(staff.display_name.clone()),
    };
    let Recorded {
        payment_id,
        outcome,
        ..
    } = ledger::record(
        conn,
        &state.vault,
        school_id,
        &[incoming],
        state.clock.now_time(),
    )
    .await?
    .pop()
    .ok_or(AppError::Internal)?;
    by_staff(
        conn,
        state,
        staff,
        Entry::at_school(school_id, "record", "payment", payment_id).after(serde_json::json!({
            "method": method, "invoice": code.as_str(), "amount": payment.amount.dong(),
            "outcome": outcome.as_str(), "terminal": card.then_some(&terminal),
        })),
    )
    .await?;
    Ok((payment_id, true))
}

/// The public codes of what was issued (or, for a repeat, of what exists).
pub async fn receipt_codes(
    conn: &mut AnyConnection,
    recorded: &Done,
) -> Result<Vec<String>, AppError> {
    let (payment_id, _) = recorded;
    Ok(sqlx::query_scalar(
        "SELECT public_code FROM receipt WHERE payment_id = $1 AND cancelled_at IS NULL ORDER BY id",
    )
    .bind(payment_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Reads a POS settlement file and records each line in the caller's
/// transaction; a line that cannot be recorded becomes a row error.
pub async fn import(
    conn: &mut AnyConnection,
    state: &AppState,
    staff: &Staff,
    school_id: SchoolId,
    content_base64: &str,
) -> Result<PosPreview, AppError> {
    let grid = crate::server::spreadsheet::read_upload(content_base64).await?;
    let read =
        crate::domain::pos_settlement::read(&grid).ok_or(AppError::InvalidInput(Field::Mapping))?;
    let mut preview = PosPreview {
        lines: vec![],
        errors: read
            .errors
            .iter()
            .map(|e| {
                let (vi, en) = e.problem.describe();
                (e.row, vi, en)
            })
            .collect(),
    };
    for line in read.lines {
        let payment = OfficePayment {
            invoice_code: line.invoice_code.to_string(),
            amount: line.amount,
            method: "card".into(),
            terminal: line.terminal.clone(),
            approval_code: line.approval.clone(),
            card_last4: line.last4.clone(),
            payer: String::new(),
        };
        match record(conn, state, staff, school_id, &payment, UnixTime(line.at)).await {
            Ok(recorded) => preview.lines.push(PosLine {
                row: line.row,
                terminal: line.terminal,
                approval: line.approval,
                last4: line.last4,
                amount: line.amount,
                invoice_code: line.invoice_code.to_string(),
                known: !recorded.1,
            }),
            Err(AppError::InvoiceAlreadyPaid) => preview.errors.push((
                line.row,
                format!("hoá đơn {} đã nộp đủ", line.invoice_code),
                format!("invoice {} is already paid", line.invoice_code),
            )),
            Err(AppError::CardApprovalUsed) => preview.errors.push((
                line.row,
                format!("mã chuẩn chi {} đã ghi cho khoản nộp khác", line.approval),
                format!("approval {} is recorded for another payment", line.approval),
            )),
            Err(AppError::AllocationTooLarge) => preview.errors.push((
                line.row,
                format!(
                    "số tiền lớn hơn số còn nợ của hoá đơn {}",
                    line.invoice_code
                ),
                format!("more than invoice {} still owes", line.invoice_code),
            )),
            Err(AppError::InvalidInput(_)) => preview.errors.push((
                line.row,
                format!("không có hoá đơn {} ở trường này", line.invoice_code),
                format!("no invoice {} at this school", line.invoice_code),
            )),
            Err(e) => return Err(e),
        }
    }
    preview.errors.sort_by_key(|e| e.0);
    Ok(preview)
}
