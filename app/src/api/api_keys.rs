//! API keys for the school's management software: made, named and scoped by the
//! accountant, shown once, stored as a hash, revoked at any time.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// Read-only, or read and write.
    pub can_write: bool,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A new key: the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKey {
    pub id: i64,
    pub secret: String,
}

#[cfg(feature = "ssr")]
pub fn key_hash(secret: &str) -> String {
    crate::server::auth::secret_hash(secret.trim())
}

/// Makes a key in the caller's transaction: (id, secret, prefix). The secret
/// exists only in the answer; the database keeps its hash.
#[cfg(feature = "ssr")]
pub async fn insert_key(
    conn: &mut sqlx::AnyConnection,
    school_id: i64,
    created_by: i64,
    name: &str,
    can_write: bool,
    now: i64,
) -> Result<(i64, String, String), AppError> {
    let secret = format!("hp_{}", crate::server::auth::random_secret());
    let prefix: String = secret.chars().take(10).collect();
    let (id,): (i64,) = sqlx::query_as(
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

#[server(prefix = "/rpc", endpoint = "api-keys/list", input = Json)]
#[allow(clippy::type_complexity)]
pub async fn list_api_keys(school_id: i64) -> Result<Vec<ApiKeyRow>, AppError> {
    let (state, _) = crate::server::auth::school_writer(school_id).await?;
    let rows: Vec<(i64, String, String, String, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT id, name, scope, prefix, created_at, last_used_at, revoked_at FROM api_key WHERE school_id = $1 ORDER BY id DESC",
    )
    .bind(school_id)
    .fetch_all(&state.db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, scope, prefix, created_at, last_used_at, revoked_at)| ApiKeyRow {
                id,
                name,
                can_write: scope == "read_write",
                prefix,
                created_at,
                last_used_at,
                revoked_at,
            },
        )
        .collect())
}

#[server(prefix = "/rpc", endpoint = "api-keys/create", input = Json)]
pub async fn create_api_key(
    school_id: i64,
    name: String,
    can_write: bool,
) -> Result<NewApiKey, AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let name = crate::domain::validate::free_text(&name, 2, 80)
        .ok_or(AppError::InvalidInput(crate::error::Field::DisplayName))?;
    let now = state.clock.now();
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let (id, secret, prefix) =
        insert_key(&mut tx, school_id, staff.id, &name, can_write, now).await?;
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "create", "api_key", id)
            .after(serde_json::json!({"name": name, "can_write": can_write, "prefix": prefix})),
    )
    .await?;
    tx.commit().await?;
    Ok(NewApiKey { id, secret })
}

#[server(prefix = "/rpc", endpoint = "api-keys/revoke", input = Json)]
pub async fn revoke_api_key(school_id: i64, id: i64) -> Result<(), AppError> {
    let (state, staff) = crate::server::auth::school_writer(school_id).await?;
    let mut tx = crate::server::database::begin_write(&state.db).await?;
    let done = sqlx::query("UPDATE api_key SET revoked_at = $1 WHERE id = $2 AND school_id = $3 AND revoked_at IS NULL")
        .bind(state.clock.now())
        .bind(id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    crate::server::audit::by_staff(
        &mut tx,
        &state,
        &staff,
        crate::server::audit::Entry::at_school(school_id, "revoke", "api_key", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
