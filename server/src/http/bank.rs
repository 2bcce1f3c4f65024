//! `POST /api/v1/bank-notifications`: a bank (or a notification service) tells
//! hocphi about a transfer into a school's account. The body is signed with the
//! school's secret: `X-Hocphi-Signature: hex(HMAC-SHA256(secret, "<timestamp>.<raw body>"))`,
//! with `X-Hocphi-School: <slug>` and `X-Hocphi-Timestamp: <unix seconds>`, accepted
//! within five minutes. Anything unsigned, badly signed, stale or malformed is
//! refused with its own status and changes nothing; a repeat changes nothing either.

use super::rpc::RpcState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use hocphi_app::server::bank::{self, BankTransaction};
use sha2::Sha256;

/// How far a notification's timestamp may be from now.
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// An RFC 9457 problem, so integrators can tell the failures apart.
fn problem(status: StatusCode, kind: &str, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": format!("https://hocphi.example/problems/{kind}"),
        "title": kind.replace('-', " "),
        "status": status.as_u16(),
        "detail": detail,
    });
    (
        status,
        [("content-type", "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    s.len()
        .is_multiple_of(2)
        .then(|| {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
                .collect()
        })
        .flatten()
}

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
    let now = state.clock.now();
    if (now - ts).abs() > REPLAY_WINDOW_SECS {
        return problem(
            StatusCode::UNAUTHORIZED,
            "stale",
            "the timestamp is outside the five-minute window",
        );
    }
    let school: Result<Option<(i64, Option<String>)>, _> = sqlx::query_as(
        "SELECT sc.id, b.secret FROM school sc LEFT JOIN bank_secret b ON b.school_id = sc.id WHERE sc.slug = $1",
    )
    .bind(slug)
    .fetch_optional(&state.db)
    .await;
    let (school_id, secret) = match school {
        Ok(Some((id, Some(secret)))) => (id, secret),
        Ok(_) => {
            return problem(
                StatusCode::UNAUTHORIZED,
                "unknown-school",
                "no school with a notification secret by that name",
            )
        }
        Err(e) => {
            tracing::error!("bank notification: {e}");
            return problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "try again");
        }
    };
    let Some(given) = hex_decode(signature) else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "bad-signature",
            "the signature is not hex",
        );
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(&body);
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
    if tx.amount <= 0 || tx.transaction_id.trim().is_empty() || tx.transaction_id.len() > 100 {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "amount must be positive and transaction_id set",
        );
    }
    let ours: Result<Option<(i64,)>, _> = sqlx::query_as(
        "SELECT 1 FROM beneficiary_account WHERE school_id = $1 AND account_number = $2",
    )
    .bind(school_id)
    .bind(tx.account_number.trim())
    .fetch_optional(&state.db)
    .await;
    if !matches!(ours, Ok(Some(_))) {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown-account",
            "this account is not one of the school's",
        );
    }
    match bank::record(&state.db, school_id, &tx, now).await {
        Ok((outcome, new)) => {
            let body = serde_json::json!({"outcome": outcome, "recorded": new});
            (
                (if new {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                }),
                [("content-type", "application/json")],
                body.to_string(),
            )
                .into_response()
        }
        Err(_) => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "not recorded; send it again",
        ),
    }
}
