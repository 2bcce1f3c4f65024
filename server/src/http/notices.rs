//! A class's paper notices as one PDF, for the staff who may see the class: the
//! browser asks for it by address (a link with `download`), with the staff
//! session's cookie, as it would any file.

use super::rpc::{session_cookie, RpcState};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hocphi_app::domain::date::Month;
use hocphi_app::error::AppError;
use hocphi_app::i18n::{staff_error_message, Lang};

#[derive(serde::Deserialize)]
pub struct Only {
    /// One child's notice instead of the class's.
    student: Option<i64>,
}

pub async fn class_pdf(
    State(rpc): State<RpcState>,
    Path((class_id, period)): Path<(i64, String)>,
    Query(only): Query<Only>,
    headers: HeaderMap,
) -> Response {
    match notices(&rpc, class_id, &period, only.student, &headers).await {
        Ok(response) => response,
        Err(e) => refusal(&e),
    }
}

/// A PDF as the server sends it: shown (`inline`) or saved (`attachment`) under
/// `file`, never kept by a cache (receipts and reports name people).
pub(super) fn pdf_file(disposition: &str, file: &str, bytes: Vec<u8>) -> Response {
    (
        [
            ("content-type", "application/pdf".to_string()),
            (
                "content-disposition",
                format!("{disposition}; filename=\"{file}\""),
            ),
            ("cache-control", "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A staff file refused: the browser shows this in place of the file (words, not
/// codes); the app reads the refusal from the header, in its own language.
pub(super) fn refusal(e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_server_error() {
        tracing::error!(
            request_id = super::request_id::current().as_deref().unwrap_or("-"),
            status = status.as_u16(),
            "staff file failed: {e}"
        );
    }
    (
        status,
        [
            ("content-type", "text/plain; charset=utf-8".to_string()),
            (
                "x-hocphi-error",
                hocphi_app::domain::hex::encode(&e.encode()),
            ),
        ],
        staff_error_message(Lang::Vi, e),
    )
        .into_response()
}

async fn notices(
    rpc: &RpcState,
    class_id: i64,
    period: &str,
    student: Option<i64>,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let state = &rpc.app;
    // "2026-11": anything longer is refused before it is copied to be parsed.
    let month = Some(period)
        .filter(|p| p.len() == 7)
        .and_then(|p| Month::parse(p).ok())
        .ok_or(AppError::InvalidInput(hocphi_app::error::Field::Period))?;
    let staff = hocphi_app::server::auth::staff_of_session(state, &session_cookie(headers)).await?;
    let notices = hocphi_app::server::classes::printed_notices(
        state,
        &staff,
        class_id,
        period,
        student.map(hocphi_app::domain::ids::StudentId),
    )
    .await?;
    // No invoice for the period: said, rather than a blank sheet.
    if notices.is_empty() {
        return Err(AppError::InvalidInput(
            hocphi_app::error::Field::NoInvoicesInPeriod,
        ));
    }
    let class_name = notices
        .first()
        .map(|n| n.detail.class_name.clone())
        .unwrap_or_default();
    let registry_base = rpc.options.public_url.clone();
    let period_label = month.label();
    let file_class: String = hocphi_app::domain::memo::fold_to_ascii(&class_name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    // Laying out and compressing a class's sheets is CPU work: off the async workers.
    let rendered = hocphi_app::server::heavy::run(move || {
        crate::notice_pdf::render(
            &notices,
            &crate::notice_pdf::Heading {
                class_name: &class_name,
                period_label: &period_label,
            },
            &registry_base,
        )
    })
    .await
    .map_err(|_| AppError::Busy)?;
    let bytes = rendered.map_err(|e| {
        tracing::error!("notice pdf: {e}");
        AppError::Internal
    })?;
    Ok(pdf_file(
        "attachment",
        &format!("thong-bao-{file_class}-{month}.pdf"),
        bytes,
    ))
}
