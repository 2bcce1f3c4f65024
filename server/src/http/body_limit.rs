//! Every request body is measured before anything reads it: a body larger than
//! its route may send is refused with 413 and a specific answer (the problem
//! document for the REST API, the encoded `AppError::TooLarge` for the server
//! functions, so the screen says what the limit is), before a byte of it is
//! parsed or decoded. Bodies within the limit are read here once, up to the
//! limit, whatever `Content-Length` says or does not say (chunked uploads).

use super::problem::problem;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hocphi_app::error::AppError;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// What a request to `path` may send. Spreadsheets travel base64-encoded in
/// JSON: 10 MB of file (`spreadsheet::LIMITS`) is 13.4 MB of body.
pub fn limit_for(path: &str) -> usize {
    match path.strip_prefix(hocphi_app::api::RPC_PREFIX) {
        Some(f)
            if f.starts_with("/students/import-")
                || f.starts_with("/reconcile/statement-")
                || f.starts_with("/office-payments/pos-") =>
        {
            16 * MIB
        }
        // A complaint's photo (1 MB, shrunk on the phone), a school's logo (200 KB).
        Some("/complaint/file") => 2 * MIB,
        Some("/school/logo") => 512 * KIB,
        Some(_) => 256 * KIB,
        // The REST API: a bulk upsert of 10,000 students fits.
        None if path.starts_with("/api/") => 2 * MIB,
        None => 64 * KIB,
    }
}

fn too_large(path: &str, limit: usize) -> Response {
    if path.starts_with(hocphi_app::api::RPC_PREFIX) {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, AppError::CONTENT_TYPE)],
            AppError::TooLarge {
                limit_bytes: limit as u64,
            }
            .encode(),
        )
            .into_response()
    } else {
        problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            &format!("the request body is larger than this endpoint takes ({limit} bytes)"),
        )
    }
}

pub async fn bounded(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let limit = limit_for(&path);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(&path, limit);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return too_large(&path, limit);
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::limit_for;

    #[test]
    fn uploads_get_room_and_everything_else_little() {
        assert_eq!(limit_for("/rpc/students/import-preview"), 16 << 20);
        assert_eq!(limit_for("/rpc/reconcile/statement-commit"), 16 << 20);
        assert_eq!(limit_for("/rpc/complaint/file"), 2 << 20);
        assert_eq!(limit_for("/rpc/lookup"), 256 << 10);
        assert_eq!(limit_for("/api/v1/students"), 2 << 20);
        assert_eq!(limit_for("/s/th-ha-long"), 64 << 10);
    }
}
