//! Bank transfers arriving by themselves.
//!
//! `POST /api/v1/bank-notifications`: hocphi's own signed format for a bank or an
//! integrator. `X-Hocphi-Signature: hex(HMAC-SHA256(secret, "<timestamp>.<raw body>"))`,
//! with `X-Hocphi-School: <slug>` and `X-Hocphi-Timestamp: <unix seconds>`, accepted
//! within five minutes.
//!
//! `POST /api/v1/sepay/{school}`: SePay's webhook, as SePay sends it, authenticated
//! the way SePay does with an API key (`Authorization: Apikey <the school's secret>`).
//!
//! Anything unauthenticated, stale or malformed is refused with its own status and
//! changes nothing; a repeat changes nothing either.

use super::problem::{json, problem};
use super::rpc::RpcState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use hmac::Mac;
use hocphi_app::domain::ids::SchoolId;
use hocphi_app::domain::statement::parse_moment;
use hocphi_app::server::bank::{self, BankTransaction, Channel};
use hocphi_app::server::state::AppState;
use sha2::Sha256;

/// How far a notification's timestamp may be from now.
pub const REPLAY_WINDOW_SECS: i64 = 300;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

/// Compares secrets in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    use sha2::Digest;
    // Hashing first makes the comparison length-independent too.
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!("bank notification: {e}");
    problem(
        StatusCode::SERVICE_UNAVAILABLE,
        "unavailable",
        "not recorded; send it again",
    )
}

/// The school by its slug, with its notification secret; an unknown school (or
/// one without a secret) is refused as unauthenticated.
async fn school_with_secret(state: &AppState, slug: &str) -> Result<(SchoolId, String), Response> {
    let row: Option<(SchoolId, Option<String>)> = sqlx::query_as(
        "SELECT sc.id, b.secret FROM school sc LEFT JOIN bank_secret b ON b.school_id = sc.id WHERE sc.slug = $1",
    )
    .bind(slug)
    .fetch_optional(&state.db)
    .await
    .map_err(unavailable)?;
    let (id, stored) = row
        .and_then(|(id, secret)| secret.map(|s| (id, s)))
        .ok_or_else(|| {
            problem(
                StatusCode::UNAUTHORIZED,
                "unknown-school",
                "no school with a notification secret by that name",
            )
        })?;
    let secret = bank::open_secret(&state.db, &state.vault, id, &stored)
        .await
        .map_err(unavailable)?;
    Ok((id, secret))
}

/// 201 for a new transfer, 200 for one already known, with its outcome added to `body`.
fn reply(recorded: &bank::Recorded, mut body: serde_json::Value) -> Response {
    body["outcome"] = serde_json::json!(recorded.outcome);
    body["recorded"] = serde_json::json!(recorded.new);
    let status = if recorded.new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    json(status, body)
}

/// Checks what every channel must hold, then records the transfer.
async fn accept(
    state: &AppState,
    school_id: SchoolId,
    tx: &BankTransaction,
    channel: Channel,
) -> Result<bank::Recorded, Response> {
    if !tx.amount.is_positive()
        || tx.transaction_id.trim().is_empty()
        || tx.transaction_id.len() > 100
    {
        return Err(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "amount must be positive and the transaction id set (at most 100 characters)",
        ));
    }
    let account = bank::account_for(&state.db, school_id, &tx.account_number)
        .await
        .map_err(unavailable)?
        .ok_or_else(|| {
            problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown-account",
                "this account is not one of the school's",
            )
        })?;
    let recorded = bank::record(
        &state.db,
        &state.vault,
        school_id,
        &account,
        tx,
        channel,
        state.clock.now_time(),
    )
    .await
    .map_err(unavailable)?;
    Ok(recorded)
}

/// Reports a transfer into a school's account, signed with the school's secret.
#[utoipa::path(
    post,
    path = "/api/v1/bank-notifications",
    tag = "bank",
    params(
        ("X-Hocphi-School" = String, Header, description = "The school's address (slug), e.g. `th-ha-long`."),
        ("X-Hocphi-Timestamp" = i64, Header, description = "Unix seconds; accepted within 300 s of the server's clock."),
        ("X-Hocphi-Signature" = String, Header, description = "Lower-case hex of HMAC-SHA256(school secret, `<timestamp>.<raw body>`)."),
    ),
    request_body(content = BankTransaction, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded, and settled what its memo names.", body = super::api::NotificationReply),
        (status = 200, description = "Already recorded: nothing changed.", body = super::api::NotificationReply),
        (status = 400, description = "The body is not a transaction.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unsigned, badly signed, stale, or an unknown school.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a positive amount, no reference, or not one of the school's accounts.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Not recorded; send it again.", body = super::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn notify(State(rpc): State<RpcState>, headers: HeaderMap, body: Bytes) -> Response {
    let state = &rpc.app;
    let (Some(slug), Some(timestamp), Some(signature)) = (
        header(&headers, "x-hocphi-school"),
        header(&headers, "x-hocphi-timestamp"),
        header(&headers, "x-hocphi-signature"),
    ) else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "unsigned",
            "X-Hocphi-School, X-Hocphi-Timestamp and X-Hocphi-Signature are required",
        );
    };
    let Ok(ts) = timestamp.parse::<i64>() else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "bad-timestamp",
            "X-Hocphi-Timestamp must be Unix seconds",
        );
    };
    // abs_diff: a timestamp near i64::MIN must not overflow (found by Schemathesis).
    if state.clock.now().abs_diff(ts) > REPLAY_WINDOW_SECS as u64 {
        return problem(
            StatusCode::UNAUTHORIZED,
            "stale",
            "the timestamp is outside the five-minute window",
        );
    }
    let (school_id, secret) = match school_with_secret(state, slug).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(given) = hocphi_app::domain::hex::decode(signature) else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "bad-signature",
            "the signature is not hex",
        );
    };
    let mac = crate::signing::timestamped_mac(secret.as_bytes(), timestamp, &body);
    if mac.verify_slice(&given).is_err() {
        return problem(
            StatusCode::UNAUTHORIZED,
            "bad-signature",
            "the signature does not match the body",
        );
    }
    let tx: BankTransaction = match serde_json::from_slice(&body) {
        Ok(tx) => tx,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "malformed",
                &format!("the body is not a transaction: {e}"),
            )
        }
    };
    match accept(state, school_id, &tx, Channel::Notification).await {
        Ok(recorded) => reply(&recorded, serde_json::json!({})),
        Err(response) => response,
    }
}

/// SePay's webhook body (its public developer documentation).
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SepayWebhook {
    /// SePay's own id: used when the bank gave no reference.
    id: serde_json::Value,
    /// `2026-11-26 09:12:01`, Vietnam time.
    transaction_date: String,
    account_number: String,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    description: Option<String>,
    /// `in` or `out`.
    transfer_type: String,
    #[schema(value_type = i64)]
    transfer_amount: hocphi_app::domain::money::Vnd,
    #[serde(default)]
    reference_code: Option<String>,
}

/// SePay's webhook, as SePay sends it (configure the school's secret as its API key).
#[utoipa::path(
    post,
    path = "/api/v1/sepay/{school}",
    tag = "bank",
    params(
        ("school" = String, Path, description = "The school's address (slug)."),
        ("Authorization" = String, Header, description = "`Apikey <the school's secret>`, as SePay sends it."),
    ),
    request_body(content = SepayWebhook, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded.", body = super::api::SepayReply),
        (status = 200, description = "Already recorded, or money out (not a fee): nothing changed.", body = super::api::SepayReply),
        (status = 400, description = "Not a SePay webhook body.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No key, a wrong key, or an unknown school.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unreadable date, no amount, or not one of the school's accounts.", body = super::api::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Not recorded; SePay will retry.", body = super::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sepay(
    State(rpc): State<RpcState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let state = &rpc.app;
    let Some(key) = header(&headers, "authorization").and_then(|v| v.strip_prefix("Apikey "))
    else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "unsigned",
            "Authorization: Apikey <key> is required",
        );
    };
    let (school_id, secret) = match school_with_secret(state, &slug).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    if !same_secret(key.trim(), &secret) {
        return problem(
            StatusCode::UNAUTHORIZED,
            "bad-key",
            "the API key is not this school's",
        );
    }
    let hook: SepayWebhook = match serde_json::from_slice(&body) {
        Ok(hook) => hook,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "malformed",
                &format!("the body is not a SePay webhook: {e}"),
            )
        }
    };
    if hook.transfer_type != "in" {
        // Money leaving the school's account is not a fee: acknowledged, not recorded.
        return json(
            StatusCode::OK,
            serde_json::json!({"success": true, "recorded": false}),
        );
    }
    let Ok(received_at) = parse_moment(&hook.transaction_date) else {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "transactionDate must be YYYY-MM-DD HH:MM:SS",
        );
    };
    let sepay_id = match &hook.id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let transaction_id = hook
        .reference_code
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| format!("SEPAY-{sepay_id}"));
    let tx = BankTransaction {
        transaction_id,
        account_number: hook.account_number,
        amount: hook.transfer_amount,
        received_at,
        memo: hook.content.or(hook.description).unwrap_or_default(),
        payer_name: None,
    };
    match accept(state, school_id, &tx, Channel::Sepay).await {
        // SePay retries anything but a 2xx with `success: true`.
        Ok(recorded) => reply(&recorded, serde_json::json!({"success": true})),
        Err(response) => response,
    }
}
