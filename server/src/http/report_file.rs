//! A school's submitted report as a PDF, for the school and the offices that supervise it:
//! asked for by address with the staff session's cookie, like a class's notices. Signed with the
//! school's own certificate (PAdES) when it has one valid today.

use super::notices::refusal;
use super::rpc::{session_cookie, RpcState};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use hocphi_app::error::AppError;

pub async fn report_pdf(
    State(rpc): State<RpcState>,
    Path(report_id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    match report(&rpc, report_id, &headers).await {
        Ok(response) => response,
        Err(e) => refusal(&e),
    }
}

async fn report(rpc: &RpcState, report_id: i64, headers: &HeaderMap) -> Result<Response, AppError> {
    let state = &rpc.app;
    let staff = hocphi_app::server::auth::staff_of_session(state, &session_cookie(headers)).await?;
    let report = hocphi_app::api::dashboard::report_for(&state.db, &staff, report_id).await?;
    let now = state.clock.now();
    let signer =
        hocphi_app::api::signing_certificate::imp::signer(state, report.school_id, now).await?;
    let file = format!(
        "bao-cao-{}-{}.pdf",
        report.school_id,
        report.from.replace('-', "")
    );
    // Laying out, compressing and signing are CPU work: off the async workers.
    let rendered = hocphi_app::server::heavy::run(move || {
        let holder = signer
            .as_ref()
            .map(|s| (s.info().owner.clone(), s.info().issuer.clone()));
        let pdf = crate::report_pdf::render(
            &report,
            holder.as_ref().map(|(h, i)| (h.as_str(), i.as_str())),
        )
        .map_err(|e| e.to_string())?;
        hocphi_app::server::pades::signed_if_any(
            pdf,
            signer
                .as_ref()
                .map(|s| s as &dyn hocphi_app::server::pades::Signer),
            now,
            "Báo cáo thu không dùng tiền mặt",
            &report.school,
        )
        .map_err(|e| e.to_string())
    })
    .await
    .map_err(|_| AppError::Busy)?;
    let bytes = rendered.map_err(|e| {
        tracing::error!("report pdf: {e}");
        AppError::Internal
    })?;
    Ok(super::notices::pdf_file("attachment", &file, bytes))
}
