//! `/logo/<slug>`: a school's logo for its parent pages. Only PNG, JPEG and WebP
//! are ever stored (checked on upload), and served with their exact type.

use super::rpc::RpcState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The stored image and its media type, when the school has a logo.
type StoredLogo = (Option<Vec<u8>>, Option<String>);

pub async fn serve(State(rpc): State<RpcState>, Path(slug): Path<String>) -> Response {
    let row: Result<Option<StoredLogo>, _> =
        sqlx::query_as("SELECT logo, logo_type FROM school WHERE slug = $1")
            .bind(&slug)
            .fetch_optional(&rpc.app.db)
            .await;
    match row {
        Ok(Some((Some(bytes), Some(kind)))) => (
            [
                (header::CONTENT_TYPE, kind),
                // Short: a new logo shows within the hour.
                (header::CACHE_CONTROL, "public, max-age=3600".to_string()),
            ],
            bytes,
        )
            .into_response(),
        Ok(_) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!("logo of {slug}: {e}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
