//! Children's data: export and erase on a parent's request, anonymising those
//! who left after the school's period, and every staff access on record.

mod support;

use hocphi_app::error::AppError;
use hocphi_app::model::ChildOverview;
use hocphi_server::demo::{
    DEMO_ACCOUNTANT, DEMO_PASSWORD, FEATURED_BIRTH_DATE, FEATURED_STUDENT_CODE,
};
use serde_json::{json, Value};
use support::*;

const NAME: &str = "Nguyễn Minh An";

async fn featured_id(app: &TestApp) -> i64 {
    sqlx::query_as::<_, (i64,)>("SELECT id FROM student WHERE code = $1")
        .bind(FEATURED_STUDENT_CODE)
        .fetch_one(&app.db)
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn a_school_exports_then_erases_a_students_data_keeping_the_accounts() {
    let app = start().await;
    let access = app.featured_child().await;
    let id = featured_id(&app).await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let receipts_before = app
        .count(&format!(
            "SELECT COUNT(*) FROM receipt WHERE student_id = {id}"
        ))
        .await;
    assert!(receipts_before > 0);

    let export: String = app
        .staff(
            "privacy/export",
            json!({"school_id": 1, "student_id": id}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    let doc: Value = serde_json::from_str(&export).unwrap();
    assert_eq!(doc["student"]["full_name"], NAME);
    assert!(!doc["invoices"].as_array().unwrap().is_empty());
    assert!(!doc["payments"].as_array().unwrap().is_empty());
    assert_eq!(
        doc["receipts"].as_array().unwrap().len() as i64,
        receipts_before
    );

    let no_reason = app
        .staff(
            "privacy/erase",
            json!({"school_id": 1, "student_id": id, "reason": ""}),
            Some(&accountant),
        )
        .await;
    assert!(matches!(
        no_reason.answer::<()>(),
        Err(AppError::InvalidInput(_))
    ));
    let erased = app
        .staff("privacy/erase", json!({"school_id": 1, "student_id": id, "reason": "Phụ huynh yêu cầu bằng đơn ngày 25/11"}), Some(&accountant))
        .await;
    assert_eq!(erased.status, axum::http::StatusCode::OK);

    // The name and date of birth are gone; the family's device can no longer open it.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM student WHERE full_name = '{NAME}'"
        ))
        .await,
        0
    );
    let lookup = app
        .lookup("th-ha-long", FEATURED_STUDENT_CODE, FEATURED_BIRTH_DATE)
        .await;
    assert_eq!(lookup, Err(AppError::NoMatch));
    let overview: Result<ChildOverview, AppError> =
        app.rpc("child", &[("token", &access.token)]).await;
    assert_eq!(overview, Err(AppError::AccessExpired));
    // Accounting records stay: invoices, payments, the signed receipts.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM receipt WHERE student_id = {id}"
        ))
        .await,
        receipts_before
    );
    assert!(
        app.count(&format!(
            "SELECT COUNT(*) FROM invoice WHERE student_id = {id}"
        ))
        .await
            > 0
    );
    // The log says who erased it and why, not what was erased.
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'erase' AND after_json LIKE '%Phụ huynh yêu cầu%'").await, 1);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'erase' AND after_json LIKE '%{NAME}%'"
        ))
        .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'student'")
            .await,
        1
    );
}

#[tokio::test]
async fn students_who_left_are_anonymised_after_the_schools_period() {
    let app = start().await;
    let id = featured_id(&app).await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let too_short = app
        .staff(
            "privacy/set-retention",
            json!({"school_id": 1, "days": 3}),
            Some(&accountant),
        )
        .await;
    assert!(matches!(
        too_short.answer::<()>(),
        Err(AppError::InvalidInput(_))
    ));
    let set = app
        .staff(
            "privacy/set-retention",
            json!({"school_id": 1, "days": 90}),
            Some(&accountant),
        )
        .await;
    assert_eq!(set.status, axum::http::StatusCode::OK);
    let days: i64 = app
        .staff(
            "privacy/retention",
            json!({"school_id": 1}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(days, 90);

    // Left 89 days before: kept. 90 days: anonymised.
    sqlx::query("UPDATE student SET left_on = '2026-08-30' WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    let now = hocphi_app::domain::time::UnixTime(1_795_000_000);
    assert_eq!(
        hocphi_app::server::privacy::sweep(&app.db, now, "2026-11-27")
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        hocphi_app::server::privacy::sweep(&app.db, now, "2026-11-28")
            .await
            .unwrap(),
        1
    );
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM student WHERE id = {id} AND erased_at IS NOT NULL AND full_name <> '{NAME}'")).await, 1);
    // Once only.
    assert_eq!(
        hocphi_app::server::privacy::sweep(&app.db, now, "2026-12-30")
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'anonymise'")
            .await,
        1
    );
}

#[tokio::test]
async fn every_staff_look_at_student_data_is_on_record() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let before = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'view'")
        .await;
    let list = app
        .staff("students/list", json!({"school_id": 1}), Some(&accountant))
        .await;
    assert_eq!(list.status, axum::http::StatusCode::OK);
    let invoices = app
        .staff("invoices/list", json!({"school_id": 1, "filter": {"period": "2026-11", "class_name": "", "status": "", "search": ""}}), Some(&accountant))
        .await;
    assert_eq!(
        invoices.status,
        axum::http::StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&invoices.body)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'view'")
            .await,
        before + 2
    );
    // The change log stays a change log.
    let log: Vec<hocphi_app::staff::AuditRow> = app
        .staff("audit", json!({"school_id": 1}), Some(&accountant))
        .await
        .answer::<hocphi_app::staff::AuditPage>()
        .unwrap()
        .rows;
    assert!(log.iter().all(|r| r.action != "view"));
}
