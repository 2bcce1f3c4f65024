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
    let report = hocphi_app::server::reports::report_for(&state.db, &staff, report_id).await?;
    let file = format!(
        "bao-cao-{}-{}.pdf",
        report.school_id,
        report.from.replace('-', "")
    );
    let (school_id, location) = (
        hocphi_app::domain::ids::SchoolId(report.school_id),
        report.school.clone(),
    );

    let bytes = hocphi_app::server::signing_certificate::school_pdf(
        state,
        school_id,
        "Báo cáo thu không dùng tiền mặt".into(),
        location,
        move |signed_by| crate::report_pdf::render(&report, signed_by),
    )
    .await?;
    Ok(super::notices::pdf_file("attachment", &file, bytes))
}
