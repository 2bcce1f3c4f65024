//! `Idempotency-Key` on every POST of the REST API: the first answer is kept,
//! in the same transaction as the write it reports, so a client that lost the
//! answer and sends again gets it back and nothing is written twice; the same
//! key with another body is refused.

use super::api_key_auth::Caller;
use super::problem::ApiError;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use hocphi_app::server::state::AppState;

/// A POST that may go ahead: its key and body hash, to be stored with the answer.
pub struct Fresh {
    key_id: i64,
    idempotency_key: String,
    request_hash: String,
}

/// Replays a known key's answer, refuses a key reused with another body, or
/// lets a new request through.
pub async fn begin(
    state: &AppState,
    who: &Caller,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Fresh, ApiError> {
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
    else {
        return Err(ApiError::bad_request(
            "no-idempotency-key",
            "Send an Idempotency-Key header (1 to 200 characters) with every POST.",
        ));
    };
    // The same key on another endpoint is another request.
    let request_hash = hocphi_app::server::auth::secret_hash(&format!(
        "{}\n{}",
        path,
        String::from_utf8_lossy(body)
    ));
    let seen: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT request_hash, status, response FROM api_idempotency WHERE key_id = $1 AND idempotency_key = $2",
    )
    .bind(who.key_id)
    .bind(key)
    .fetch_optional(&state.db)
    .await?;
    match seen {
        Some((hash, status, response)) if hash == request_hash => {
            let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
            Err(ApiError::answered(
                (
                    status,
                    [
                        ("content-type", "application/json"),
                        ("idempotent-replayed", "true"),
                    ],
                    response,
                )
                    .into_response(),
            ))
        }
        Some(_) => Err(ApiError::unprocessable(
            "idempotency-key-reused",
            "This Idempotency-Key was used with another body.",
        )),
        None => Ok(Fresh {
            key_id: who.key_id,
            idempotency_key: key.to_string(),
            request_hash,
        }),
    }
}

impl Fresh {
    /// Keeps the answer, in the write's own transaction. Two requests racing
    /// with one key: the second one's insert fails and its write rolls back.
    pub async fn store(
        &self,
        tx: &mut sqlx::AnyConnection,
        status: StatusCode,
        response: &serde_json::Value,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO api_idempotency (key_id, idempotency_key, request_hash, status, response, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(self.key_id)
        .bind(&self.idempotency_key)
        .bind(&self.request_hash)
        .bind(status.as_u16() as i64)
        .bind(response.to_string())
        .bind(now)
        .execute(tx)
        .await?;
        Ok(())
    }
}
