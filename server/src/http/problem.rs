//! RFC 9457 problem details: how every `/api/v1` endpoint reports a failure, so
//! integrators can tell the failures apart by `type` and act on them.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub const PROBLEM_BASE: &str = "https://hocphi.example/problems/";

pub fn problem(status: StatusCode, kind: &str, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": format!("{PROBLEM_BASE}{kind}"),
        "title": kind.replace('-', " "),
        "status": status.as_u16(),
        "detail": detail,
    });
    (
        status,
        [("content-type", "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

pub fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}
