//! `/api/v1/invoices`: the school's invoices with what was paid on them, by
//! change time (a sync fetches what changed since its last run), or one by code
//! with its lines and payments.

use super::api_key_auth::{caller, reader};
use super::paging::{paged, Window};
use super::problem::{json, ApiError};
use super::rpc::RpcState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hocphi_app::domain::date::Date;
use hocphi_app::domain::invoice_status::InvoiceStatus;
use hocphi_app::domain::money::Vnd;
use hocphi_app::server::invoices::{self, InvoiceChange};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An invoice as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct ApiInvoice {
    /// The invoice code (8 characters) that travels in bank memos.
    code: String,
    student_code: String,
    /// `YYYY-MM`.
    period: String,
    title: String,
    /// Whole đồng.
    #[schema(value_type = i64)]
    total: Vnd,
    /// Whole đồng paid towards it so far.
    #[schema(value_type = i64)]
    paid: Vnd,
    /// `YYYY-MM-DD`.
    due_on: String,
    /// `unpaid`, `partly_paid`, `paid` or `voided`.
    status: String,
    /// Still owing after the due date (Vietnam time).
    overdue: bool,
    /// Unix seconds of the last change (issued, paid, voided, a declined fee).
    updated_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct InvoicePage {
    /// Each invoice at its last change (its own, or a payment put towards it).
    items: Vec<ApiInvoice>,
    /// Where to resume: pass as `after` (now, while `has_more`, or at the next sync).
    next: String,
    /// More changes are waiting: ask again with `after=next`.
    has_more: bool,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// Only invoices changed at or after this time (Unix seconds).
    updated_since: Option<i64>,
    /// Only this month's invoices (`YYYY-MM`).
    period: Option<String>,
    /// Only this student's invoices.
    student_code: Option<String>,
    /// The `next` value of the previous page.
    after: Option<String>,
    /// 1 to 1000 (default 200).
    limit: Option<i64>,
}

fn api_invoice(row: InvoiceChange, today: Date) -> ApiInvoice {
    let due = Date::parse_iso(&row.due_on).unwrap_or(today);
    let status = InvoiceStatus::derive(row.total, row.paid, due, today, row.voided_at.is_some());
    ApiInvoice {
        status: serde_json::to_value(status.state)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        overdue: status.overdue,
        code: row.code,
        student_code: row.student_code,
        period: row.period,
        title: row.title,
        total: row.total,
        paid: row.paid,
        due_on: row.due_on,
        updated_at: row.updated_at,
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/invoices",
    tag = "invoices",
    params(InvoiceQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of the school's invoices, oldest change first, with what was paid.", body = InvoicePage),
        (status = 400, description = "A malformed query.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
    )
)]
pub async fn list(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    query: Result<Query<InvoiceQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let (q, who) = reader(&rpc, &headers, query).await?;
    let window = Window::parse(q.updated_since, q.after.as_deref(), q.limit)?;
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(
            hocphi_app::domain::date::Month::parse(p)
                .map_err(|_| ApiError::bad_request("malformed", "`period` is YYYY-MM."))?
                .to_string(),
        ),
    };
    let student = q
        .student_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(hocphi_app::domain::student_import::normalize_code);
    let rows = invoices::changes(
        &state.db,
        who.school_id,
        window.since,
        window.after,
        window.limit + 1,
        period,
        student,
    )
    .await?;
    let page = paged(rows, window, |r| r.change_no);
    let today = state.clock.today();
    let items = page
        .items
        .into_iter()
        .map(|r| api_invoice(r, today))
        .collect();
    Ok(json(
        StatusCode::OK,
        serde_json::to_value(InvoicePage {
            items,
            next: page.next,
            has_more: page.has_more,
        })
        .unwrap_or_default(),
    ))
}

/// One line of an invoice.
#[derive(Serialize, ToSchema)]
pub struct ApiLine {
    description: String,
    quantity: i64,
    /// Whole đồng.
    #[schema(value_type = i64)]
    unit_amount: Vnd,
    /// Whole đồng; negative for reductions and credits.
    #[schema(value_type = i64)]
    amount: Vnd,
    /// `fee`, `reduction` or `credit`.
    kind: String,
    /// A voluntary fee the parent declined: shown, not in the total.
    declined: bool,
}

/// What one payment put towards the invoice.
#[derive(Serialize, ToSchema)]
pub struct ApiAllocation {
    payment_id: i64,
    /// `bank_transfer`, `gateway`, `mobile_money`, `card` or `cash`.
    method: String,
    /// The bank's or gateway's transaction reference.
    reference: String,
    /// Whole đồng put towards this invoice.
    #[schema(value_type = i64)]
    amount: Vnd,
    /// Unix seconds.
    received_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceDetail {
    #[serde(flatten)]
    invoice: ApiInvoice,
    lines: Vec<ApiLine>,
    payments: Vec<ApiAllocation>,
}

#[utoipa::path(
    get,
    path = "/api/v1/invoices/{code}",
    tag = "invoices",
    params(("code" = String, Path, description = "The invoice code.")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The invoice with its lines and the payments towards it.", body = InvoiceDetail),
        (status = 404, description = "No invoice with this code at the key's school.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
    )
)]
pub async fn one(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let who = caller(&rpc, &headers).await?;
    let row =
        invoices::by_code(&state.db, who.school_id, &code.trim().to_ascii_uppercase()).await?;
    let row = row.ok_or_else(|| {
        ApiError::not_found("not-found", "No invoice with this code at this school.")
    })?;
    let lines = invoices::lines(&state.db, row.id).await?;
    let payments = invoices::allocations(&state.db, row.id).await?;
    let detail = InvoiceDetail {
        invoice: api_invoice(row, state.clock.today()),
        lines: lines
            .into_iter()
            .map(|l| ApiLine {
                description: l.description,
                quantity: l.quantity,
                unit_amount: l.unit_amount,
                amount: l.amount,
                kind: l.kind,
                declined: l.declined != 0,
            })
            .collect(),
        payments: payments
            .into_iter()
            .map(|p| ApiAllocation {
                payment_id: p.payment_id.get(),
                method: p.method,
                reference: hocphi_app::server::bank::reference_of(&p.external_id).to_string(),
                amount: p.amount,
                received_at: p.received_at,
            })
            .collect(),
    };
    Ok(json(
        StatusCode::OK,
        serde_json::to_value(detail).unwrap_or_default(),
    ))
}
