//! Who is calling the REST API: the school's key (`Authorization: Bearer hp_…`),
//! refused when unknown or revoked, counted against its rate limit.

use super::problem::ApiError;
use super::rpc::RpcState;
use axum::http::{HeaderMap, StatusCode};
use hocphi_app::domain::ids::SchoolId;
use hocphi_app::domain::time::UnixTime;
use hocphi_app::server::limiter::Limit;

/// The caller, as its key says.
pub struct Caller {
    pub key_id: i64,
    pub key_prefix: String,
    pub school_id: SchoolId,
    pub office_id: i64,
    pub can_write: bool,
}

impl Caller {
    /// Refuses a read-only key.
    pub fn writer(self) -> Result<Caller, ApiError> {
        if self.can_write {
            Ok(self)
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "read-only-key",
                "This key may read, not write.",
            ))
        }
    }
}

/// Finds the key, refuses revoked and unknown ones, counts the request.
pub async fn caller(rpc: &RpcState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let state = &rpc.app;
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "no-key",
                "Send the school's API key: Authorization: Bearer hp_…",
            )
        })?;
    let found: Option<(i64, String, SchoolId, i64, String)> = sqlx::query_as(
        "SELECT k.id, k.prefix, k.school_id, sc.office_id, k.scope FROM api_key k JOIN school sc ON sc.id = k.school_id \
         WHERE k.secret_hash = $1 AND k.revoked_at IS NULL",
    )
    .bind(hocphi_app::server::api_keys::key_hash(bearer))
    .fetch_optional(&state.db)
    .await?;
    let (key_id, key_prefix, school_id, office_id, scope) = found.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad-key",
            "This key is unknown or was revoked.",
        )
    })?;
    let now = state.clock.now();
    let counter = format!("api-key:{key_id}");
    let per_key = [Limit {
        max_failures: rpc.options.api_requests_per_minute as usize,
        window_secs: 60,
    }];
    // Every request counts.
    if let Err(wait) = state.lookups.attempt(&[(&counter, &per_key)], now).await {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            format!("Too many requests with this key; retry in {wait} s."),
        )
        .retry_after(wait));
    }
    // Only a hint for the accountant ("last used"): a failure here must not
    // refuse the request, but it is a database fault worth seeing.
    let turn = hocphi_app::server::database::single_write_turn(&state.db).await;
    if let Err(e) = sqlx::query("UPDATE api_key SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(key_id)
        .execute(&state.db)
        .await
    {
        tracing::warn!(
            request_id = super::request_id::current().as_deref().unwrap_or("-"),
            "api key last use not recorded: {e}"
        );
    }
    // Released before the handler runs, which may take the write turn itself.
    drop(turn);
    Ok(Caller {
        key_id,
        key_prefix,
        school_id,
        office_id,
        can_write: scope == "read_write",
    })
}

impl Caller {
    /// Records a write made through the API, in its transaction: which key
    /// (by its prefix) did what.
    pub async fn audit(
        &self,
        tx: &mut sqlx::AnyConnection,
        now: i64,
        action: &str,
        entity: &str,
        entity_id: impl ToString,
        mut after: serde_json::Value,
    ) -> Result<(), hocphi_app::error::AppError> {
        if let Some(fields) = after.as_object_mut() {
            fields.insert("api_key".into(), self.key_prefix.clone().into());
        }
        hocphi_app::server::audit::record(
            tx,
            UnixTime(now),
            None,
            self.office_id,
            hocphi_app::server::audit::Entry::at_school(self.school_id, action, entity, entity_id)
                .after(after),
        )
        .await
    }
}

/// A list endpoint's start: the caller, then its query read.
pub async fn reader<Q>(
    rpc: &RpcState,
    headers: &HeaderMap,
    query: Result<axum::extract::Query<Q>, axum::extract::rejection::QueryRejection>,
) -> Result<(Q, Caller), ApiError> {
    let who = caller(rpc, headers).await?;
    let q = query.map(|axum::extract::Query(q)| q).map_err(|_| {
        ApiError::bad_request(
            "malformed",
            "`updated_since` and `limit` are whole numbers; `after` is a `next` value; `period` is YYYY-MM.",
        )
    })?;
    Ok((q, who))
}

/// A POST's start: a read-write key, and an Idempotency-Key not seen before
/// (a repeat gets its first answer here).
pub async fn poster(
    rpc: &RpcState,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Caller, super::idempotency::Fresh), ApiError> {
    let who = caller(rpc, headers).await?.writer()?;
    let fresh = super::idempotency::begin(&rpc.app, &who, path, headers, body).await?;
    Ok((who, fresh))
}
