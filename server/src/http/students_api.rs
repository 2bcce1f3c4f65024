//! `/api/v1/students` for school management software, with the school's API key
//! (`Authorization: Bearer hp_…`): list what changed since a time, page by page;
//! bulk upsert by student code, all or nothing, with an `Idempotency-Key`.

use super::problem::{json, problem};
use super::rpc::RpcState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hocphi_app::domain::student_import::{self, Cell};
use hocphi_app::server::limiter::Limit;
use hocphi_app::server::state::AppState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Requests per key: generous for a nightly sync, a wall for a runaway loop.
const PER_KEY: &[Limit] = &[Limit {
    max_failures: 300,
    window_secs: 60,
}];
/// Students per upsert request.
const MAX_BATCH: usize = 10_000;

/// The caller, as its key says.
pub struct Caller {
    pub key_id: i64,
    pub key_prefix: String,
    pub school_id: i64,
    pub district_id: i64,
    pub can_write: bool,
}

/// Finds the key, refuses revoked and unknown ones, counts the request.
pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            problem(
                StatusCode::UNAUTHORIZED,
                "no-key",
                "Send the school's API key: Authorization: Bearer hp_…",
            )
        })?;
    let found: Option<(i64, String, i64, i64, String)> = sqlx::query_as(
        "SELECT k.id, k.prefix, k.school_id, sc.district_id, k.scope FROM api_key k JOIN school sc ON sc.id = k.school_id \
         WHERE k.secret_hash = $1 AND k.revoked_at IS NULL",
    )
    .bind(hocphi_app::api::api_keys::key_hash(bearer))
    .fetch_optional(&state.db)
    .await
    .map_err(|_| problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Try again shortly."))?;
    let (key_id, key_prefix, school_id, district_id, scope) = found.ok_or_else(|| {
        problem(
            StatusCode::UNAUTHORIZED,
            "bad-key",
            "This key is unknown or was revoked.",
        )
    })?;
    let now = state.clock.now();
    let counter = format!("api-key:{key_id}");
    if let Err(wait) = state.lookups.check(&counter, PER_KEY, now) {
        let mut r = problem(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            &format!("Too many requests with this key; retry in {wait} s."),
        );
        if let Ok(v) = wait.to_string().parse() {
            r.headers_mut().insert("retry-after", v);
        }
        return Err(r);
    }
    state.lookups.record_failure(&counter, now);
    let _ = sqlx::query("UPDATE api_key SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(key_id)
        .execute(&state.db)
        .await;
    Ok(Caller {
        key_id,
        key_prefix,
        school_id,
        district_id,
        can_write: scope == "read_write",
    })
}

/// Keeps `limit` of the `limit + 1` rows a page query fetched, and the cursor of
/// the last one kept when more remain.
fn paged<T, C>(mut rows: Vec<T>, limit: i64, cursor: impl Fn(&T) -> C) -> (Vec<T>, Option<C>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = if more { rows.last().map(cursor) } else { None };
    (rows, next)
}

/// A student as the API shows it.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ApiStudent {
    /// The school's student code (upper case, no spaces).
    code: String,
    full_name: String,
    /// `YYYY-MM-DD`.
    date_of_birth: String,
    /// The class this school year.
    class: Option<String>,
    /// `YYYY-MM-DD`, if the student left.
    left_on: Option<String>,
    /// Unix seconds of the last change.
    updated_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct StudentPage {
    items: Vec<ApiStudent>,
    /// Pass as `after` for the next page; absent on the last page.
    next: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StudentQuery {
    /// Only students changed at or after this time (Unix seconds).
    updated_since: Option<i64>,
    /// The `next` value of the previous page.
    after: Option<String>,
    /// 1 to 1000 (default 200).
    limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/students",
    tag = "students",
    params(StudentQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of students, oldest change first.", body = StudentPage),
        (status = 400, description = "A malformed `after`.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No key, or a revoked or unknown one.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = super::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    query: Result<Query<StudentQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let state = &rpc.app;
    // A query axum cannot read is a problem document like any other failure.
    let Ok(Query(q)) = query else {
        return problem(
            StatusCode::BAD_REQUEST,
            "malformed",
            "`updated_since` and `limit` are whole numbers; `after` is a `next` value.",
        );
    };
    let who = match caller(state, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    let updated_since = q.updated_since.unwrap_or(0).clamp(0, i64::MAX / 2);
    // The cursor is "<updated_at>.<id>": stable while records change.
    let (after_at, after_id) = match q
        .after
        .as_deref()
        .filter(|a| !a.is_empty())
        .map(|a| a.split_once('.'))
    {
        None => (updated_since - 1, i64::MAX),
        Some(Some((t, i))) => match (t.parse::<i64>(), i.parse::<i64>()) {
            (Ok(t), Ok(i)) => (t, i),
            _ => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "malformed",
                    "`after` must be a `next` value.",
                )
            }
        },
        Some(None) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "malformed",
                "`after` must be a `next` value.",
            )
        }
    };
    let year = match hocphi_app::api::students::current_year_id(state).await {
        Ok(y) => y,
        Err(_) => {
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "No school year is set up.",
            )
        }
    };
    #[allow(clippy::type_complexity)]
    let rows: Result<Vec<(i64, String, String, String, Option<String>, Option<String>, i64)>, _> = sqlx::query_as(
        "SELECT s.id, s.code, s.full_name, s.date_of_birth, \
            (SELECT c.name FROM enrolment e JOIN class c ON c.id = e.class_id WHERE e.student_id = s.id AND e.school_year_id = $4), \
            s.left_on, s.updated_at FROM student s \
         WHERE s.school_id = $1 AND s.erased_at IS NULL AND (s.updated_at > $2 OR (s.updated_at = $2 AND s.id > $3)) \
         ORDER BY s.updated_at, s.id LIMIT $5",
    )
    .bind(who.school_id)
    .bind(after_at)
    .bind(if after_id == i64::MAX { -1 } else { after_id })
    .bind(year)
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await;
    let Ok(rows) = rows else {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Try again shortly.",
        );
    };
    let (rows, next) = paged(rows, limit, |r| format!("{}.{}", r.6, r.0));
    let items = rows
        .into_iter()
        .map(
            |(_, code, full_name, date_of_birth, class, left_on, updated_at)| ApiStudent {
                code,
                full_name,
                date_of_birth,
                class,
                left_on,
                updated_at,
            },
        )
        .collect();
    json(
        StatusCode::OK,
        serde_json::to_value(StudentPage { items, next }).unwrap_or_default(),
    )
}

/// One student to add or update, by code.
#[derive(Deserialize, ToSchema)]
pub struct StudentIn {
    code: String,
    full_name: String,
    /// `YYYY-MM-DD` or `DD/MM/YYYY`.
    date_of_birth: String,
    /// The class this school year, e.g. `3A` (its grade is read from the name).
    class: String,
}

#[derive(Deserialize, ToSchema)]
pub struct UpsertBody {
    students: Vec<StudentIn>,
}

#[derive(Serialize, ToSchema)]
pub struct UpsertResult {
    created: usize,
    updated: usize,
    unchanged: usize,
}

#[utoipa::path(
    post,
    path = "/api/v1/students",
    tag = "students",
    request_body = UpsertBody,
    params(("Idempotency-Key" = String, Header, description = "Any unique string per distinct request: a repeat returns the first answer and writes nothing.")),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Written, all of it.", body = UpsertResult),
        (status = 401, description = "No key, or a revoked or unknown one.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only key.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Rows with problems (each named, by its index from 1); nothing was written. Or an Idempotency-Key reused with another body.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 400, description = "No Idempotency-Key.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = super::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upsert(State(rpc): State<RpcState>, headers: HeaderMap, body: Bytes) -> Response {
    let state = &rpc.app;
    let who = match caller(state, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !who.can_write {
        return problem(
            StatusCode::FORBIDDEN,
            "read-only-key",
            "This key may read, not write.",
        );
    }
    let Some(idem) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
    else {
        return problem(
            StatusCode::BAD_REQUEST,
            "no-idempotency-key",
            "Send an Idempotency-Key header with every POST.",
        );
    };
    let request_hash = hocphi_app::server::auth::secret_hash(&String::from_utf8_lossy(&body));
    let seen: Result<Option<(String, i64, String)>, _> = sqlx::query_as(
        "SELECT request_hash, status, response FROM api_idempotency WHERE key_id = $1 AND idempotency_key = $2",
    )
    .bind(who.key_id)
    .bind(idem)
    .fetch_optional(&state.db)
    .await;
    match seen {
        Ok(Some((hash, status, response))) if hash == request_hash => {
            let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
            return (
                status,
                [
                    ("content-type", "application/json"),
                    ("idempotent-replayed", "true"),
                ],
                response,
            )
                .into_response();
        }
        Ok(Some(_)) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "This Idempotency-Key was used with another body.",
            )
        }
        Ok(None) => {}
        Err(_) => {
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Try again shortly.",
            )
        }
    }
    let Ok(input) = serde_json::from_slice::<UpsertBody>(&body) else {
        return problem(StatusCode::UNPROCESSABLE_ENTITY, "malformed", "The body must be {\"students\": [{\"code\", \"full_name\", \"date_of_birth\", \"class\"}]}.");
    };
    if input.students.is_empty() || input.students.len() > MAX_BATCH {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            &format!("Send 1 to {MAX_BATCH} students per request."),
        );
    }
    // The same checks as a spreadsheet import: one header row, then the students.
    let mut sheet = vec![["Mã học sinh", "Họ và tên", "Ngày sinh", "Lớp"]
        .map(|h| Cell::Text(h.into()))
        .to_vec()];
    sheet.extend(input.students.iter().map(|s| {
        let birth = hocphi_app::domain::date::Date::parse_iso(s.date_of_birth.trim())
            .map(|d| d.dmy())
            .unwrap_or_else(|_| s.date_of_birth.clone());
        vec![
            Cell::Text(s.code.clone()),
            Cell::Text(s.full_name.clone()),
            Cell::Text(birth),
            Cell::Text(s.class.clone()),
        ]
    }));
    let (records, errors) = match student_import::parse(&sheet) {
        Ok(parsed) => parsed,
        Err(e) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                &format!("{e:?}"),
            )
        }
    };
    if !errors.is_empty() {
        // Spreadsheet rows count the header as row 1: the API counts students from 1.
        let detail = errors
            .iter()
            .take(50)
            .map(|e| format!("student {}: {:?}", e.row - 1, e.problem))
            .collect::<Vec<_>>()
            .join("; ");
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-rows",
            &format!("Nothing was written. {detail}"),
        );
    }
    let now = state.clock.now();
    let outcome = async {
        let mut tx = state.db.begin().await?;
        let (created, updated, unchanged) =
            hocphi_app::api::students::upsert_records(&mut tx, state, who.school_id, &records).await?;
        let result = serde_json::json!({"created": created, "updated": updated, "unchanged": unchanged});
        hocphi_app::server::audit::record(
            &mut tx,
            now,
            None,
            who.district_id,
            hocphi_app::server::audit::Entry::at_school(who.school_id, "api_upsert", "student", who.key_prefix.clone())
                .after(result.clone()),
        )
        .await?;
        sqlx::query(
            "INSERT INTO api_idempotency (key_id, idempotency_key, request_hash, status, response, created_at) VALUES ($1, $2, $3, 200, $4, $5)",
        )
        .bind(who.key_id)
        .bind(idem)
        .bind(&request_hash)
        .bind(result.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok::<_, hocphi_app::error::AppError>(result)
    }
    .await;
    match outcome {
        Ok(result) => json(StatusCode::OK, result),
        Err(_) => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Nothing was written; try again.",
        ),
    }
}

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
    total: i64,
    /// Whole đồng paid towards it so far.
    paid: i64,
    /// `YYYY-MM-DD`.
    due_on: String,
    /// `open`, `paid` or `voided`.
    status: String,
}

#[derive(Serialize, ToSchema)]
pub struct InvoicePage {
    items: Vec<ApiInvoice>,
    /// Pass as `after` for the next page; absent on the last page.
    next: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// Only this month's invoices (`YYYY-MM`).
    period: Option<String>,
    /// The `next` value of the previous page.
    after: Option<i64>,
    /// 1 to 1000 (default 200).
    limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/invoices",
    tag = "invoices",
    params(InvoiceQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, description = "A page of the school's invoices, oldest first, with what was paid.", body = InvoicePage),
        (status = 400, description = "A malformed query.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No key, or a revoked or unknown one.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests with this key.", body = super::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn invoices(
    State(rpc): State<RpcState>,
    headers: HeaderMap,
    query: Result<Query<InvoiceQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let state = &rpc.app;
    let Ok(Query(q)) = query else {
        return problem(
            StatusCode::BAD_REQUEST,
            "malformed",
            "`after` and `limit` are whole numbers; `period` is YYYY-MM.",
        );
    };
    let who = match caller(state, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match hocphi_app::domain::date::Month::parse(p) {
            Ok(m) => Some(m.to_string()),
            Err(_) => return problem(StatusCode::BAD_REQUEST, "malformed", "`period` is YYYY-MM."),
        },
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    #[allow(clippy::type_complexity)]
    let rows: Result<Vec<(i64, String, String, String, String, i64, i64, String, Option<i64>)>, _> = sqlx::query_as(
        "SELECT i.id, i.code, s.code, i.period, i.title, i.total, \
            (SELECT COALESCE(SUM(a.amount), 0) FROM payment_allocation a WHERE a.invoice_id = i.id), i.due_on, i.voided_at \
         FROM invoice i JOIN student s ON s.id = i.student_id \
         WHERE i.school_id = $1 AND i.id > $2 AND ($3 IS NULL OR i.period = $3) ORDER BY i.id LIMIT $4",
    )
    .bind(who.school_id)
    .bind(q.after.unwrap_or(0))
    .bind(period)
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await;
    let Ok(rows) = rows else {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Try again shortly.",
        );
    };
    let (rows, next) = paged(rows, limit, |r| r.0);
    let items = rows
        .into_iter()
        .map(
            |(_, code, student_code, period, title, total, paid, due_on, voided)| ApiInvoice {
                status: match (voided, paid >= total) {
                    (Some(_), _) => "voided",
                    (None, true) => "paid",
                    (None, false) => "open",
                }
                .into(),
                code,
                student_code,
                period,
                title,
                total,
                paid,
                due_on,
            },
        )
        .collect();
    json(
        StatusCode::OK,
        serde_json::to_value(InvoicePage { items, next }).unwrap_or_default(),
    )
}
