//! API keys of a school's management software: made (the secret exists only in
//! the answer, the database keeps its hash), listed and revoked. The server
//! functions in `api::api_keys` check who asks and write the audit lines; the
//! REST API's key check (`server/src/http/api_key_auth.rs`) hashes with
//! [`key_hash`].

use crate::domain::ids::{SchoolId, StaffId};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::state::Db;
use crate::staff::ApiKeyRow;
use sqlx::AnyConnection;

/// The stored form of a key's secret.
pub fn key_hash(secret: &str) -> String {
    crate::server::auth::secret_hash(secret.trim())
}

/// Makes a key in the caller's transaction: (id, secret, prefix). The secret
/// exists only in the answer; the database keeps its hash.
pub async fn insert_key(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    created_by: StaffId,
    name: &str,
    can_write: bool,
    now: UnixTime,
) -> Result<(i64, String, String), AppError> {
    let secret = format!("hp_{}", crate::server::auth::random_secret());
    let prefix: String = secret.chars().take(10).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_key (school_id, name, scope, prefix, secret_hash, created_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(school_id)
    .bind(name)
    .bind(if can_write { "read_write" } else { "read" })
    .bind(&prefix)
    .bind(key_hash(&secret))
    .bind(now)
    .bind(created_by)
    .fetch_one(conn)
    .await?;
    Ok((id, secret, prefix))
}

#[derive(sqlx::FromRow)]
struct KeyRecord {
    id: i64,
    name: String,
    scope: String,
    prefix: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

/// The school's keys, newest first.
pub async fn list(db: &Db, school_id: SchoolId) -> Result<Vec<ApiKeyRow>, AppError> {
    let rows: Vec<KeyRecord> = sqlx::query_as(
        "SELECT id, name, scope, prefix, created_at, last_used_at, revoked_at FROM api_key WHERE school_id = $1 ORDER BY id DESC",
    )
    .bind(school_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ApiKeyRow {
            id: r.id,
            name: r.name,
            can_write: r.scope == "read_write",
            prefix: r.prefix,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
        .collect())
}

/// Revokes a key of the school; `false` if there is no such key still valid.
pub async fn revoke(
    conn: &mut AnyConnection,
    school_id: SchoolId,
    id: i64,
    now: UnixTime,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE api_key SET revoked_at = $1 WHERE id = $2 AND school_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(school_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() != 0)
}
