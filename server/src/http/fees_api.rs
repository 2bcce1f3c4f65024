//! `/api/v1/fee-items` and `/api/v1/invoice-runs`: the school's fee catalogue,
//! and issuing a month's invoices, for its management software.

use super::api_key_auth::{caller, poster, Caller};
use super::idempotency;
use super::problem::{json, ApiError};
use super::rpc::RpcState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hocphi_app::domain::billing::Unit;
use hocphi_app::domain::money::Vnd;
use hocphi_app::staff::{FeeInput, RunScope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A fee item as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct ApiFee {
    id: i64,
    name: String,
    /// Whole đồng per unit.
    #[schema(value_type = i64)]
    amount: Vnd,
    /// `month`, `semester`, `year`, `once` or `meal_day` (per school day in the month).
    unit: String,
    /// False: a voluntary fee parents may decline.
    mandatory: bool,
    /// The grades and classes it applies to, e.g. `1, 2, 4A`; empty for the whole school.
    grades: String,
    /// Inactive items are not billed.
    active: bool,
}

#[derive(Serialize, ToSchema)]
pub struct FeeList {
    items: Vec<ApiFee>,
}

/// A fee item to create or to change.
#[derive(Deserialize, ToSchema)]
pub struct FeeIn {
    #[schema(min_length = 1, max_length = 120, pattern = r"\S")]
    name: String,
    /// Whole đồng per unit, 0 to 100,000,000.
    #[schema(value_type = i64, minimum = 0, maximum = 100_000_000)]
    amount: Vnd,
    /// `month`, `semester`, `year`, `once` or `meal_day`.
    #[schema(pattern = "^(month|semester|year|once|meal_day)$")]
    unit: String,
    #[serde(default = "yes")]
    mandatory: bool,
    /// Grades and classes, e.g. `1, 2, 4A`; empty for the whole school.
    #[serde(default)]
    #[schema(pattern = "^[0-9A-Za-z, ]*$", max_length = 200)]
    grades: String,
    #[serde(default = "yes")]
    active: bool,
}

fn yes() -> bool {
    true
}

#[utoipa::path(
    get,
    path = "/api/v1/fee-items",
    tag = "fees",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The school's fee items.", body = FeeList),
        super::api::KeyRefusals,
    )
)]
pub async fn list(State(rpc): State<RpcState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let who = caller(&rpc, &headers).await?;
    let rows = hocphi_app::server::fees::list_fees(&state.db, who.school_id).await?;
    let items = rows
        .into_iter()
        .map(|f| ApiFee {
            id: f.id,
            name: f.name,
            amount: f.amount,
            unit: f.unit.as_str().into(),
            mandatory: f.mandatory,
            grades: f.scope.text(),
            active: f.active,
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        serde_json::to_value(FeeList { items }).unwrap_or_default(),
    ))
}

/// Writes a fee item (new when `id` is None) with its audit and idempotency
/// records in one transaction.
async fn save(
    rpc: &RpcState,
    headers: &HeaderMap,
    body: &[u8],
    id: Option<i64>,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let who: Caller = caller(rpc, headers).await?.writer()?;
    // A change by id is idempotent by itself; only a creation needs the key.
    let fresh = match id {
        None => Some(idempotency::begin(state, &who, "/api/v1/fee-items", headers, body).await?),
        Some(_) => None,
    };
    let input = serde_json::from_slice::<FeeIn>(body).map_err(|_| {
        ApiError::unprocessable(
            "malformed",
            "The body must be {\"name\", \"amount\", \"unit\"} with optional \"mandatory\", \"grades\", \"active\".",
        )
    })?;
    let unit = Unit::parse(input.unit.trim()).ok_or_else(|| {
        ApiError::unprocessable(
            "invalid",
            "`unit` is month, semester, year, once or meal_day.",
        )
    })?;
    let now = state.clock.now();
    let fee = FeeInput {
        id,
        name: input.name,
        amount: input.amount,
        unit,
        mandatory: input.mandatory,
        grades: input.grades,
        active: input.active,
    };
    let mut tx = hocphi_app::server::database::begin_write(&state.db).await?;
    let (fee_id, entry) = hocphi_app::server::fees::save_fee(&mut tx, who.school_id, &fee).await?;
    let after = entry.after.clone().unwrap_or_default();
    who.audit(
        &mut tx,
        now,
        &format!("api_{}", entry.action),
        "fee_item",
        fee_id,
        after,
    )
    .await?;
    let result = serde_json::json!({"id": fee_id});
    let status = if id.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    if let Some(fresh) = &fresh {
        fresh.store(&mut tx, status, &result, now).await?;
    }
    tx.commit().await?;
    Ok(json(status, result))
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: i64,
}

#[utoipa::path(
    post,
    path = "/api/v1/fee-items",
    tag = "fees",
    request_body = FeeIn,
    params(("Idempotency-Key" = String, Header, description = "Any unique string per distinct request: a repeat returns the first answer and writes nothing.")),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "Created. It applies to invoices issued from now on.", body = Created),
        (status = 422, description = "A field is not valid (named in `detail`), or an Idempotency-Key reused with another body.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
        super::api::WriteRefusals,
    )
)]
pub async fn create(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    save(&rpc, &headers, &body, None).await
}

#[utoipa::path(
    put,
    path = "/api/v1/fee-items/{id}",
    tag = "fees",
    request_body = FeeIn,
    params(("id" = i64, Path, description = "The fee item's id.")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Changed. Invoices already issued never change.", body = Created),
        (status = 403, description = "A read-only key.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such fee item at this school.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid (named in `detail`).", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
    )
)]
pub async fn update(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    // Any id that is not one of this school's (not even a number) is simply not found.
    let id = id.parse::<i64>().unwrap_or(-1);
    save(&rpc, &headers, &body, Some(id)).await
}

/// A month's invoices to issue.
#[derive(Deserialize, ToSchema)]
pub struct RunIn {
    /// `YYYY-MM`.
    #[schema(pattern = "^20[0-9]{2}-(0[1-9]|1[0-2])$")]
    period: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    due_on: String,
    /// A grade (1–12) only; omit both for the whole school.
    #[schema(minimum = 1, maximum = 12)]
    grade: Option<i64>,
    /// One class only, e.g. `3A`.
    #[schema(min_length = 1, max_length = 20, pattern = "^[0-9]{1,2}[A-Za-z0-9]*$")]
    class: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RunResult {
    /// Students the run covered.
    students: usize,
    /// Invoices it created.
    new_invoices: usize,
    /// Students who already had an invoice for the period (left alone).
    already_invoiced: usize,
    /// Whole đồng invoiced by this run.
    #[schema(value_type = i64)]
    total: Vnd,
}

#[utoipa::path(
    post,
    path = "/api/v1/invoice-runs",
    tag = "invoices",
    request_body = RunIn,
    params(("Idempotency-Key" = String, Header, description = "Any unique string per distinct request: a repeat returns the first answer and writes nothing.")),
    security(("api_key" = [])),
    responses(
        (status = 201, description = "Issued, in one transaction. Running a period again creates invoices only for students who have none.", body = RunResult),
        (status = 422, description = "A malformed period or date, or an Idempotency-Key reused with another body.", body = super::api::Problem, content_type = "application/problem+json"),
        super::api::KeyRefusals,
        super::api::WriteRefusals,
    )
)]
pub async fn run(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    use hocphi_app::domain::date::{Date, Month};
    let state = &rpc.app;
    let (who, fresh) = poster(&rpc, "/api/v1/invoice-runs", &headers, &body).await?;
    let input = serde_json::from_slice::<RunIn>(&body).map_err(|_| {
        ApiError::unprocessable(
            "malformed",
            "The body must be {\"period\": \"YYYY-MM\", \"due_on\": \"YYYY-MM-DD\"} with an optional \"grade\" or \"class\".",
        )
    })?;
    let (Ok(month), Ok(due)) = (
        Month::parse(input.period.trim()),
        Date::parse_iso(input.due_on.trim()),
    ) else {
        return Err(ApiError::unprocessable(
            "invalid",
            "`period` is YYYY-MM and `due_on` YYYY-MM-DD.",
        ));
    };
    let scope = match (input.grade, input.class) {
        (None, None) => RunScope::School,
        (Some(g), None) if (1..=12).contains(&g) => RunScope::Grade(g),
        (None, Some(c)) if !c.trim().is_empty() => RunScope::Class(c),
        _ => {
            return Err(ApiError::unprocessable(
                "invalid",
                "Give a grade from 1 to 12, or a class, or neither.",
            ));
        }
    };
    let now = state.clock.now();
    let plan = hocphi_app::server::fees::run::plan(state, who.school_id, month, &scope).await?;
    let p = plan.preview.clone();
    let mut tx = hocphi_app::server::database::begin_write(&state.db).await?;
    hocphi_app::server::fees::run::write(
        &mut tx,
        hocphi_app::domain::time::UnixTime(now),
        who.school_id,
        month,
        due,
        plan,
    )
    .await?;
    let result = serde_json::to_value(RunResult {
        students: p.students,
        new_invoices: p.new_invoices,
        already_invoiced: p.already_invoiced,
        total: p.total,
    })
    .unwrap_or_default();
    who.audit(
        &mut tx,
        now,
        "api_issue",
        "invoice_run",
        month,
        result.clone(),
    )
    .await?;
    fresh
        .store(&mut tx, StatusCode::CREATED, &result, now)
        .await?;
    tx.commit().await?;
    Ok(json(StatusCode::CREATED, result))
}
