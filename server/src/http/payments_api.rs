//! `/api/v1/payments` and `/api/v1/receipts`: money that arrived, what it paid,
//! and the signed receipts, by change time.

use super::api_key_auth::reader;
use super::paging::paged;
use super::problem::{json, ApiError};
use super::rpc::RpcState;
use super::students_api::ChangesQuery;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hocphi_app::domain::money::Vnd;
use hocphi_app::server::payments;
use serde::Serialize;
use utoipa::ToSchema;

/// What a payment put towards one invoice.
#[derive(Serialize, ToSchema)]
pub struct PaidInvoice {
    invoice_code: String,
    /// Whole đồng.
    #[schema(value_type = i64)]
    amount: Vnd,
}

/// Money that arrived for the school.
#[derive(Serialize, ToSchema)]
pub struct ApiPayment {
    id: i64,
    /// `bank_transfer`, `gateway`, `mobile_money`, `card` or `cash`.
    method: String,
    /// The bank's or gateway's transaction reference (receipt number for cash).
    reference: String,
    /// Whole đồng.
    #[schema(value_type = i64)]
    amount: Vnd,
    /// Unix seconds.
    received_at: i64,
    /// How it settled: `matched`, `partly_paid`, `overpaid`, `duplicate`, `unmatched` (waiting for the
    /// accountant) or `not_fee`.
    outcome: String,
    /// The invoices it paid.
    invoices: Vec<PaidInvoice>,
    /// Unix seconds of the last change (matched by hand, undone, method corrected).
    updated_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PaymentPage {
    items: Vec<ApiPayment>,
    /// Where to resume: pass as `after` (now, while `has_more`, or at the next sync).
    next: String,
    /// More changes are waiting: ask again with `after=next`.
    has_more: bool,
}

#[utoipa::path(
    get,
    path = "/api/v1/payments",
    tag = "payments",
    params(ChangesQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of the school's payments, oldest change first.", body = PaymentPage),
        (status = 400, description = "A malformed query.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
    )
)]
pub async fn payments(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let (q, who) = reader(&rpc, &headers, query).await?;
    let window = q.window()?;
    let rows = payments::changes(
        &state.db,
        who.school_id,
        window.since,
        window.after,
        window.limit + 1,
    )
    .await?;
    let page = paged(rows, window, |r| r.change_no);
    let mut items = Vec::with_capacity(page.items.len());
    for p in page.items {
        let invoices = payments::paid_invoices(&state.db, p.id).await?;
        items.push(ApiPayment {
            id: p.id.get(),
            method: p.method,
            reference: hocphi_app::server::bank::reference_of(&p.external_id).to_string(),
            amount: p.amount,
            received_at: p.received_at,
            outcome: p.outcome,
            invoices: invoices
                .into_iter()
                .map(|(invoice_code, amount)| PaidInvoice {
                    invoice_code,
                    amount,
                })
                .collect(),
            updated_at: p.updated_at,
        });
    }
    let page = PaymentPage {
        items,
        next: page.next,
        has_more: page.has_more,
    };
    Ok(json(
        StatusCode::OK,
        serde_json::to_value(page).unwrap_or_default(),
    ))
}

/// A signed receipt.
#[derive(Serialize, ToSchema)]
pub struct ApiReceipt {
    /// The receipt's public code (its link).
    code: String,
    series: String,
    year: i64,
    /// Gap-free within the school, series and year.
    number: i64,
    invoice_code: String,
    payment_id: i64,
    /// Whole đồng.
    #[schema(value_type = i64)]
    total: Vnd,
    /// Unix seconds.
    issued_at: i64,
    /// `issued` or `cancelled`.
    status: String,
    cancelled_at: Option<i64>,
    cancel_reason: Option<String>,
    /// The code of the receipt that replaced this one, if any.
    replaced_by: Option<String>,
    /// The canonical JSON that was signed.
    content: String,
    /// SHA-256 of `content`, base64url.
    digest: String,
    /// Ed25519 signature of the digest, base64url, by the school's key `key_id`
    /// (published at `/api/v1/schools/{school}/receipt-keys`).
    signature: String,
    key_id: String,
    /// Where anyone can check it: the receipt page verifies the signature in the browser.
    verification_url: String,
    /// Unix seconds of the last change.
    updated_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptPage {
    items: Vec<ApiReceipt>,
    /// Where to resume: pass as `after` (now, while `has_more`, or at the next sync).
    next: String,
    /// More changes are waiting: ask again with `after=next`.
    has_more: bool,
}

#[utoipa::path(
    get,
    path = "/api/v1/receipts",
    tag = "receipts",
    params(ChangesQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of the school's receipts, oldest change first, with their signatures.", body = ReceiptPage),
        (status = 400, description = "A malformed query.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
    )
)]
pub async fn receipts(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let (q, who) = reader(&rpc, &headers, query).await?;
    let window = q.window()?;
    let rows = payments::receipt_changes(
        &state.db,
        who.school_id,
        window.since,
        window.after,
        window.limit + 1,
    )
    .await?;
    let page = paged(rows, window, |r| r.change_no);
    let base = rpc.options.public_url.trim_end_matches('/');
    let items = page
        .items
        .into_iter()
        .map(|r| ApiReceipt {
            verification_url: format!(
                "{base}/r/{}#{}.{}.{}",
                r.public_code, r.key_id, r.digest, r.signature
            ),
            code: r.public_code,
            series: r.series,
            year: r.year,
            number: r.number,
            invoice_code: r.invoice_code,
            payment_id: r.payment_id.get(),
            total: r.total,
            issued_at: r.issued_at,
            status: if r.cancelled_at.is_some() {
                "cancelled"
            } else {
                "issued"
            }
            .into(),
            cancelled_at: r.cancelled_at,
            cancel_reason: r.cancel_reason,
            replaced_by: r.replaced_by,
            content: r.content,
            digest: r.digest,
            signature: r.signature,
            key_id: r.key_id,
            updated_at: r.updated_at,
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        serde_json::to_value(ReceiptPage {
            items,
            next: page.next,
            has_more: page.has_more,
        })
        .unwrap_or_default(),
    ))
}
