//! Hostile input is normal: a spreadsheet made to exhaust memory, bodies past
//! their route's limit. Each gets a specific answer, writes nothing, and the
//! server goes on answering everyone else.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use hocphi_app::domain::student_import::FileProblem;
use hocphi_app::error::AppError;
use hocphi_app::server::spreadsheet::LIMITS;
use hocphi_app::staff::ImportPreview;
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD};
use serde_json::json;
use support::*;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// 5 KB: one cell in A1, one in XFD1048576. Read into a dense grid, as before,
/// it asked for 512 GiB and aborted the process for every school.
fn corner_bomb() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Mã học sinh").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

async fn students(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM student").await
}

#[tokio::test]
async fn a_spreadsheet_bomb_is_refused_by_every_import_and_the_server_lives_on() {
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let bomb = corner_bomb();
    assert!(bomb.len() < 10_000, "{} bytes", bomb.len());
    let before = students(&app).await;

    let preview: ImportPreview = app
        .staff(
            "students/import-preview",
            json!({"school_id": 1, "content_base64": b64(&bomb)}),
            Some(&session),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(
        preview.file_problem,
        Some(FileProblem::TooManyRows(LIMITS.rows))
    );
    let account: i64 = app
        .count("SELECT id FROM beneficiary_account WHERE school_id = 1 AND is_default = 1")
        .await;
    let statement = app
        .staff(
            "reconcile/statement-preview",
            json!({"school_id": 1, "account_id": account, "content_base64": b64(&bomb), "mapping": "Auto"}),
            Some(&session),
        )
        .await;
    assert_eq!(statement.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        statement.answer::<serde_json::Value>(),
        Err(AppError::File(FileProblem::TooManyRows(LIMITS.rows)))
    );
    let pos = app
        .staff(
            "office-payments/pos-preview",
            json!({"school_id": 1, "content_base64": b64(&bomb)}),
            Some(&session),
        )
        .await;
    assert_eq!(
        pos.answer::<serde_json::Value>(),
        Err(AppError::File(FileProblem::TooManyRows(LIMITS.rows)))
    );
    assert_eq!(students(&app).await, before);
    let health = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(health.status, StatusCode::OK);
}

#[tokio::test]
async fn a_body_past_its_routes_limit_gets_413_naming_the_limit() {
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    // 17 MB of "file" to the class-list import (16 MB at most).
    let huge = "A".repeat(17 << 20);
    let reply = app
        .staff(
            "students/import-preview",
            json!({"school_id": 1, "content_base64": huge}),
            Some(&session),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        reply.answer::<serde_json::Value>(),
        Err(AppError::TooLarge {
            limit_bytes: 16 << 20
        })
    );
    // A parent's lookup has no business sending 300 KB.
    let (status, body) = app
        .call(
            "lookup",
            &[
                ("school", "th-ha-long"),
                ("student_code", &"1".repeat(300_000)),
                ("birth_date", "05/09/2017"),
            ],
            "203.0.113.9",
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        AppError::decode(&body),
        Some(AppError::TooLarge {
            limit_bytes: 256 << 10
        })
    );
    // The REST API answers with a problem document. No Content-Length (chunked)
    // is measured the same way.
    let chunks = futures_util_stream(vec![vec![b' '; 1 << 20]; 3]);
    let reply = app
        .send(
            Request::post("/api/v1/students")
                .header("content-type", "application/json")
                .header("authorization", "Bearer hp_nothing")
                .body(chunks)
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.headers["content-type"], "application/problem+json");
    assert!(String::from_utf8_lossy(&reply.body).contains("too-large"));
}

/// A body of several chunks with no length announced.
fn futures_util_stream(chunks: Vec<Vec<u8>>) -> Body {
    Body::from_stream(futures_util::stream::iter(
        chunks.into_iter().map(Ok::<_, std::io::Error>),
    ))
}
