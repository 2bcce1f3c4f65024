//! The schools' signing keys: made and sealed on first use, rotated, and
//! published (retired keys stay published, so old receipts stay verifiable).

use super::unavailable;
use crate::domain::ids::SchoolId;
use crate::domain::receipt::{self, b64, key_id};
use crate::domain::time::UnixTime;
use crate::error::AppError;
use crate::server::vault::Vault;
use ed25519_dalek::SigningKey;
use sqlx::AnyConnection;

/// The school's current signing key, made (and sealed) on first use.
pub async fn current_key(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    now: UnixTime,
) -> Result<(String, SigningKey), AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT key_id, sealed_private_key FROM signing_key WHERE school_id = $1 AND retired_at IS NULL",
    )
    .bind(school_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id, sealed)) = row {
        return Ok((id.clone(), unseal(vault, &id, &sealed)?));
    }
    new_key(conn, vault, school_id, now).await
}

pub(super) fn unseal(vault: &Vault, id: &str, sealed: &str) -> Result<SigningKey, AppError> {
    let bytes: [u8; 32] = vault
        .open(sealed, id)
        .map_err(unavailable)?
        .try_into()
        .map_err(|_| unavailable("a sealed key is not 32 bytes"))?;
    Ok(SigningKey::from_bytes(&bytes))
}

async fn new_key(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    now: UnixTime,
) -> Result<(String, SigningKey), AppError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(unavailable)?;
    let key = SigningKey::from_bytes(&secret);
    let public = key.verifying_key().to_bytes();
    let id = key_id(&public);
    sqlx::query(
        "INSERT INTO signing_key (school_id, key_id, public_key, sealed_private_key, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(school_id)
    .bind(&id)
    .bind(b64(&public))
    .bind(vault.seal(&secret, &id))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok((id, key))
}

/// Retires the school's key and makes a new one; receipts signed with the old
/// key stay verifiable, since retired keys stay published.
pub async fn rotate(
    conn: &mut AnyConnection,
    vault: &Vault,
    school_id: SchoolId,
    now: UnixTime,
) -> Result<String, AppError> {
    sqlx::query(
        "UPDATE signing_key SET retired_at = $1 WHERE school_id = $2 AND retired_at IS NULL",
    )
    .bind(now)
    .bind(school_id)
    .execute(&mut *conn)
    .await?;
    Ok(new_key(conn, vault, school_id, now).await?.0)
}

/// A school's published keys: (key id, public key base64url, created, retired).
pub type PublishedKey = (String, String, i64, Option<i64>);

pub async fn published_keys(
    conn: &mut AnyConnection,
    school_id: SchoolId,
) -> Result<Vec<PublishedKey>, AppError> {
    Ok(sqlx::query_as(
        "SELECT key_id, public_key, created_at, retired_at FROM signing_key WHERE school_id = $1 ORDER BY created_at, id",
    )
    .bind(school_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// Keys as the verifier takes them.
pub fn key_list(keys: &[PublishedKey]) -> Vec<(String, [u8; 32])> {
    keys.iter()
        .filter_map(|(id, public, _, _)| {
            Some((id.clone(), receipt::from_b64(public)?.try_into().ok()?))
        })
        .collect()
}
