//! How the REST API fails, black-box: a validation error is a 4xx problem
//! document naming what is wrong, an unknown record is a 404, an application
//! error keeps its own status, and every answer carries its request id in
//! `x-request-id`, the same id a problem document quotes (so a school's support
//! question can be matched to the server's log line).

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD};
use serde_json::{json, Value};
use support::*;

/// A read-write key of the demo school.
async fn key(app: &TestApp) -> String {
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    app.staff(
        "api-keys/create",
        json!({"school_id": 1, "name": "Phần mềm quản lý trường", "can_write": true}),
        Some(&session),
    )
    .await
    .answer::<hocphi_app::api::api_keys::NewApiKey>()
    .unwrap()
    .secret
}

async fn call(app: &TestApp, method: &str, path: &str, key: &str, body: Option<Value>) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {key}"))
        .header("idempotency-key", format!("{method} {path}"));
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    app.send(req.body(body).unwrap()).await
}

/// The problem document, checked to be one: its content type, and a `status`
/// field equal to the response's.
fn problem(r: &Reply) -> Value {
    let text = String::from_utf8_lossy(&r.body);
    assert_eq!(
        r.headers.get("content-type").map(|v| v.to_str().unwrap()),
        Some("application/problem+json"),
        "{}: {text}",
        r.status
    );
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["status"], r.status.as_u16(), "{text}");
    body
}

fn kind(problem: &Value) -> &str {
    problem["type"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
}

fn request_id(r: &Reply) -> String {
    r.headers
        .get("x-request-id")
        .expect("every answer carries x-request-id")
        .to_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_validation_error_is_a_4xx_problem_naming_the_field() {
    let app = start().await;
    let key = key(&app).await;
    let r = call(
        &app,
        "POST",
        "/api/v1/fee-items",
        &key,
        Some(json!({"name": "Học phí", "amount": -5, "unit": "month"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let p = problem(&r);
    assert_eq!(kind(&p), "invalid");
    assert_eq!(
        p["detail"],
        hocphi_app::i18n::field_problem(
            hocphi_app::i18n::Lang::En,
            hocphi_app::error::Field::Amount
        )
    );
    // A malformed query is the caller's error too, never "try again".
    let r = call(&app, "GET", "/api/v1/invoices?period=2026-13", &key, None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(problem(&r)["detail"], "`period` is YYYY-MM.");
}

#[tokio::test]
async fn unknown_records_are_404_problems() {
    let app = start().await;
    let key = key(&app).await;
    // Refused in the handler.
    let r = call(&app, "GET", "/api/v1/invoices/NOPE0000", &key, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let p = problem(&r);
    assert_eq!(kind(&p), "not-found");
    assert_eq!(p["detail"], "No invoice with this code at this school.");
    // Refused by the application (AppError::NotFound), mapped at the edge.
    let r = call(
        &app,
        "PUT",
        "/api/v1/fee-items/999999",
        &key,
        Some(json!({"name": "Học phí", "amount": 5, "unit": "month"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let p = problem(&r);
    assert_eq!(kind(&p), "not-found");
    assert_eq!(p["detail"], "Not found at this school.");
}

#[tokio::test]
async fn every_answer_carries_its_request_id_and_problems_quote_it() {
    let app = start().await;
    let key = key(&app).await;
    // A failure: the header and the document name the same request.
    let r = call(&app, "GET", "/api/v1/students/NOBODY99", &key, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let id = request_id(&r);
    assert_eq!(id.len(), 16, "{id}");
    assert_eq!(problem(&r)["request_id"], id.as_str());
    // Refused before any handler ran (no key): the same.
    let r = app
        .send(
            Request::get("/api/v1/invoices")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem(&r)["request_id"], request_id(&r).as_str());
    // A success carries one too, a new one each time.
    let ok = call(&app, "GET", "/api/v1/classes", &key, None).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_ne!(request_id(&ok), id);
    // A proxy's own id is kept, so one id follows the request through both logs.
    let r = app
        .send(
            Request::get("/api/v1/invoices/NOPE0000")
                .header("authorization", format!("Bearer {key}"))
                .header("x-request-id", "proxy-7f3a.1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(request_id(&r), "proxy-7f3a.1");
    assert_eq!(problem(&r)["request_id"], "proxy-7f3a.1");
}
