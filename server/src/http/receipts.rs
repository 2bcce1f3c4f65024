//! Public receipt endpoints: a school's published signing keys (anyone can check
//! a receipt with them, with any Ed25519 library).

use super::problem::{json, ApiError};
use super::rpc::RpcState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use hocphi_app::error::AppError;
use utoipa::ToSchema;

/// One published key.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PublishedKey {
    /// First 16 hex digits of SHA-256 of the raw public key; receipts name it.
    key_id: String,
    /// The raw 32-byte Ed25519 public key, base64url without padding.
    public_key: String,
    created_at: i64,
    /// Retired keys sign nothing new and stay published for old receipts.
    retired_at: Option<i64>,
}

/// A school's receipt keys.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ReceiptKeys {
    school: String,
    /// Always `Ed25519`.
    algorithm: String,
    /// What a receipt signature covers: Ed25519 over `"hocphi-receipt-v1:" || SHA-256(canonical JSON)`.
    signed_message: String,
    keys: Vec<PublishedKey>,
}

/// The keys a school signs its receipts with, current and retired.
#[utoipa::path(
    get,
    path = "/api/v1/schools/{school}/receipt-keys",
    tag = "receipts",
    params(("school" = String, Path, description = "The school's address (slug).")),
    responses(
        (status = 200, description = "The school's published keys.", body = ReceiptKeys),
        (status = 404, description = "No such school.", body = super::api::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn keys(
    State(rpc): State<RpcState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let id = hocphi_app::server::receipt_view::school_by_slug(&state.db, &slug)
        .await?
        .ok_or_else(|| ApiError::not_found("unknown-school", "no school by that name"))?;
    let mut conn = state.db.acquire().await?;
    let keys = hocphi_app::server::receipts::published_keys(&mut conn, id)
        .await
        .unwrap_or_default();

    Ok(json(
        StatusCode::OK,
        serde_json::json!({
            "school": slug,
            "algorithm": "Ed25519",
            "signed_message": "hocphi-receipt-v1:<32-byte SHA-256 of the receipt's canonical JSON>",
            "keys": keys.iter().map(|(id, public, created, retired)| serde_json::json!({
                "key_id": id, "public_key": public, "created_at": created, "retired_at": retired,
            })).collect::<Vec<_>>(),
        }),
    ))
}

/// The receipt as a PDF (A5, embedded font), by the code in its link.
pub async fn pdf(
    State(rpc): State<RpcState>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let state = &rpc.app;
    let found = hocphi_app::server::receipt_view::by_code(&state.db, &code)
        .await
        .map_err(|e| match e {
            AppError::NotFound => ApiError::not_found("unknown-receipt", "no receipt by that code"),
            other => other.into(),
        })?;
    let (school_id, view) = (found.school_id, found.view);
    // The link printed in the PDF names the configured public address, never
    // the request's Host header, which the caller writes.
    let url = format!(
        "{}/r/{code}#{}",
        rpc.options.public_url.trim_end_matches('/'),
        view.proof
    );
    let label = view.content.label();
    // Signed with the school's own certificate too (chữ ký số, PAdES), if it has one valid
    // today, beside the platform's Ed25519 link.
    let location = view.content.school.clone();
    let rendered = hocphi_app::server::signing_certificate::school_pdf(
        state,
        school_id,
        format!("Biên lai {label}"),
        location,
        move |signed_by| {
            let cancelled = view
                .cancellation
                .as_ref()
                .map(|(at, reason, _)| (*at, reason.as_str()));
            crate::receipt_pdf::render(&crate::receipt_pdf::PdfReceipt {
                content: &view.content,
                cancelled,
                verify_url: &url,
                digitally_signed_by: signed_by,
            })
        },
    )
    .await
    .map_err(|e| match e {
        AppError::Busy => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "the server is busy; try again in a minute",
        ),
        e => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "pdf-failed",
            "the PDF could not be made",
        )
        .cause(format!("receipt pdf: {e}")),
    })?;
    Ok(super::notices::pdf_file(
        "inline",
        &format!("bien-lai-{label}.pdf"),
        rendered,
    ))
}
