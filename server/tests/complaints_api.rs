//! Complaints: filed by a parent with a tracking code, answered by the school,
//! followed by the parent; the code reveals nothing to anyone without it.

mod support;

use hocphi_app::api::complaints::{ComplaintRow, ComplaintStatus, ComplaintView, FiledComplaint};
use hocphi_app::error::{AppError, Field};
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD};
use serde_json::json;
use support::*;

/// A 1×1 PNG, as a phone would send a (tiny) photo.
const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// A complaint as its parent follows it, by its tracking code.
async fn track(app: &TestApp, code: &str) -> ComplaintView {
    app.staff("complaint/track", json!({"code": code}), None)
        .await
        .answer()
        .unwrap()
}

/// School 1's complaints, as its accountant's queue lists them.
async fn queue(app: &TestApp, session: &str) -> Vec<ComplaintRow> {
    app.staff("complaint/list", json!({"school_id": 1}), Some(session))
        .await
        .answer()
        .unwrap()
}

#[tokio::test]
async fn a_parent_files_a_complaint_the_school_answers_and_the_parent_sees_it() {
    let app = start().await;
    let access = app.featured_child().await;
    let o = app.overview(&access).await;
    let invoice = o.invoices[0].code.as_str().to_string();

    // Bad input is named and nothing is written.
    let short = app
        .staff("complaint/file", json!({"token": access.token, "invoice": invoice, "receipt": "", "kind": "paid_not_shown",
            "bank_reference": "", "description": "x", "photo": ""}), None)
        .await;
    assert_eq!(
        short.answer::<FiledComplaint>(),
        Err(AppError::InvalidInput(Field::Message))
    );
    let not_image = app
        .staff("complaint/file", json!({"token": access.token, "invoice": invoice, "receipt": "", "kind": "paid_not_shown",
            "bank_reference": "", "description": "Đã chuyển khoản hôm qua", "photo": "data:image/png;base64,PHNjcmlwdD4="}), None)
        .await;
    assert_eq!(
        not_image.answer::<FiledComplaint>(),
        Err(AppError::InvalidInput(Field::Photo))
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM complaint").await, 0);

    let filed: FiledComplaint = app
        .staff("complaint/file", json!({"token": access.token, "invoice": invoice, "receipt": "", "kind": "paid_not_shown",
            "bank_reference": "FT26330123456", "description": "Tôi đã chuyển 980.000 đ hôm 20/11 nhưng hoá đơn vẫn chưa nộp.",
            "photo": PNG}), None)
        .await
        .answer()
        .unwrap();
    assert!(
        filed.tracking_code.starts_with("KN-") && filed.tracking_code.len() == 14,
        "{}",
        filed.tracking_code
    );
    // Stored hashed: the code itself is nowhere in the database.
    let part = &filed.tracking_code[3..8];
    for sql in [
        "SELECT COUNT(*) FROM complaint WHERE tracking_hash LIKE '%{}%' OR description LIKE '%{}%'",
        "SELECT COUNT(*) FROM complaint_message WHERE body LIKE '%{}%' OR body LIKE '%{}%'",
        "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%{}%' OR after_json LIKE '%{}%'",
    ] {
        assert_eq!(app.count(&sql.replace("{}", part)).await, 0, "{sql}");
    }
    let (hash,): (String,) = sqlx::query_as("SELECT tracking_hash FROM complaint")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!hash.contains(&filed.tracking_code[3..8]));

    // The parent follows it, typed loosely.
    let loose = filed.tracking_code.to_lowercase().replace('-', " ");
    let seen: ComplaintView = app
        .staff("complaint/track", json!({"code": loose}), None)
        .await
        .answer()
        .unwrap();
    assert_eq!(seen.status, ComplaintStatus::Received);
    assert_eq!(seen.school, "Trường Tiểu học Hạ Long");
    assert_eq!(seen.messages.len(), 1);

    // The transfer the parent speaks of arrived with a memo nobody could match.
    let reply = app
        .notify(&json!({"transaction_id": "FT26330123456", "account_number": "1023456789", "amount": 980_000,
            "received_at": 1_795_000_000, "memo": "chuyen tien hoc cho con"}))
        .await;
    assert_eq!(reply.status, axum::http::StatusCode::CREATED);

    // The accountant's queue, the detail (audited), the answer.
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let rows = queue(&app, &accountant).await;
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].overdue);
    assert_eq!(rows[0].bank_reference.as_deref(), Some("FT26330123456"));
    let detail: hocphi_app::api::complaints::ComplaintDetail = app
        .staff(
            "complaint/detail",
            json!({"school_id": 1, "id": rows[0].id}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    assert!(detail.photo.unwrap().starts_with("data:image/png;base64,"));
    assert_eq!(detail.transfers.len(), 1);
    assert_eq!(detail.transfers[0].reference, "FT26330123456");
    assert_eq!(detail.transfers[0].status, "unmatched");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'complaint' AND action = 'view'")
            .await,
        1
    );
    let answered = app
        .staff("complaint/answer", json!({"school_id": 1, "id": rows[0].id, "body": "Nhà trường đã ghép khoản nộp vào hoá đơn. Xin lỗi vì sự chậm trễ.", "status": "resolved"}), Some(&accountant))
        .await;
    assert_eq!(answered.status, axum::http::StatusCode::OK);
    let seen = track(&app, &filed.tracking_code).await;
    assert_eq!(seen.status, ComplaintStatus::Resolved);
    assert!(seen.messages.last().unwrap().from_school);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'complaint' AND action IN ('file', 'answer')").await,
        2
    );

    // Another school's accountant sees nothing of it.
    let other = app
        .staff("complaint/list", json!({"school_id": 2}), Some(&accountant))
        .await;
    assert_eq!(
        other.answer::<Vec<ComplaintRow>>(),
        Err(AppError::Forbidden)
    );
}

#[tokio::test]
async fn a_complaint_about_a_receipt_names_it_by_its_number_never_its_link_code() {
    let app = start().await;
    let access = app.featured_child().await;
    let o = app.overview(&access).await;
    let invoice = o.invoices[0].code.as_str().to_string();
    let (code, series, number): (String, String, i64) = sqlx::query_as(
        "SELECT r.public_code, r.series, r.number FROM receipt r JOIN invoice i ON i.id = r.invoice_id \
         WHERE i.student_id = (SELECT student_id FROM invoice WHERE code = $1) ORDER BY r.id LIMIT 1",
    )
    .bind(&invoice)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let filed: FiledComplaint = app
        .staff(
            "complaint/file",
            json!({"token": access.token, "invoice": "", "receipt": code, "kind": "other",
            "bank_reference": "", "description": "Biên lai ghi sai tên người nộp.", "photo": ""}),
            None,
        )
        .await
        .answer()
        .unwrap();
    let label = format!("Biên lai {series}-{number:07}");
    let seen = track(&app, &filed.tracking_code).await;
    assert_eq!(seen.subject, label);
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let rows = queue(&app, &accountant).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].subject, label);
    assert!(!rows[0].subject.contains(&code));
}

#[tokio::test]
async fn guessing_tracking_codes_reveals_nothing_and_is_stopped() {
    let app = start().await;
    let mut answers = Vec::new();
    for i in 0..40 {
        let reply = app
            .staff(
                "complaint/track",
                json!({"code": format!("KN-ABCDE-{:05}", 22222 + i)}),
                None,
            )
            .await;
        answers.push(reply.answer::<ComplaintView>());
    }
    assert!(answers
        .iter()
        .take(30)
        .all(|a| *a == Err(AppError::NotFound)));
    assert!(matches!(
        answers.last(),
        Some(Err(AppError::TooManyAttempts { .. }))
    ));
}
