//! Separation of duties on money: no one person both adds and confirms a
//! school's receiving account; the school and its office both see every change
//! and either can suspend an account; the office supervises and does not do the
//! accountant's work, unless the school has no accountant, and then says so.

mod support;

use axum::http::StatusCode;
use hocphi_app::error::AppError;
use hocphi_app::staff::AuditRow;
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_OFFICER, DEMO_PASSWORD};
use serde_json::{json, Value};
use support::*;

async fn account_id(app: &TestApp, school_id: i64, number: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(
        "SELECT id FROM beneficiary_account WHERE school_id = $1 AND account_number = $2",
    )
    .bind(school_id)
    .bind(number)
    .fetch_one(&app.db)
    .await
    .unwrap()
    .0
}

/// A second officer of the same office, for the four-eyes cases.
async fn second_officer(app: &TestApp) -> String {
    let hash = hocphi_app::server::auth::hash_password(DEMO_PASSWORD);
    sqlx::query(
        "INSERT INTO staff (username, display_name, password_hash, role, office_id, created_at) \
         SELECT 'phonggd.hai', 'Cán bộ thứ hai', $1, 'officer', office_id, 0 FROM staff WHERE username = $2",
    )
    .bind(&hash)
    .bind(DEMO_OFFICER)
    .execute(&app.db)
    .await
    .unwrap();
    app.sign_in("phonggd.hai", DEMO_PASSWORD).await.unwrap()
}

#[tokio::test]
async fn the_office_does_not_do_the_accountants_work_of_a_school_that_has_one() {
    let app = start().await;
    let officer = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();
    let open = app.unpaid_invoices(1).await;
    let student: (i64,) = sqlx::query_as("SELECT id FROM student WHERE school_id = 1 LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    for (endpoint, args) in [
        (
            "school/account",
            json!({"school_id": 1, "bin": "970436", "account_number": "9988776655",
                "account_name": "NGUYEN VAN X", "make_default": true}),
        ),
        (
            "office-payments/record",
            json!({"school_id": 1, "payment": {"invoice_code": open[0].0, "amount": 1000, "method": "cash"}}),
        ),
        (
            "invoices/void",
            json!({"school_id": 1, "code": open[0].0, "reason": "nhầm lẫn"}),
        ),
        (
            "privacy/erase",
            json!({"school_id": 1, "student_id": student.0, "reason": "phụ huynh yêu cầu"}),
        ),
    ] {
        let reply = app.staff(endpoint, args, Some(&officer)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{endpoint}");
    }
    // Supervising still works: the school's change log, inviting an accountant.
    let log = app
        .staff("audit", json!({"school_id": 1}), Some(&officer))
        .await;
    assert!(log.status.is_success());
    let invite = app
        .staff(
            "staff/invite",
            json!({"role": "accountant", "school_id": 1}),
            Some(&officer),
        )
        .await;
    assert!(invite.status.is_success());
}

#[tokio::test]
async fn no_one_person_adds_and_confirms_an_account_and_either_side_can_suspend_it() {
    let app = start().await;
    let officer = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();
    // The school's accountant leaves: the office keeps the school running.
    sqlx::query("UPDATE staff SET active = 0 WHERE username = $1")
        .bind(DEMO_ACCOUNTANT)
        .execute(&app.db)
        .await
        .unwrap();
    let added = app
        .staff(
            "school/account",
            json!({"school_id": 1, "bin": "970436", "account_number": "9988776655",
                "account_name": "TRUONG TIEU HOC HA LONG", "make_default": true}),
            Some(&officer),
        )
        .await;
    assert!(
        added.status.is_success(),
        "{}",
        String::from_utf8_lossy(&added.body)
    );
    let id = account_id(&app, 1, "9988776655").await;
    // The officer who added it cannot confirm it.
    let own = app
        .staff(
            "registry/confirm",
            json!({"account_id": id}),
            Some(&officer),
        )
        .await;
    assert_eq!(own.answer::<Value>(), Err(AppError::SecondPersonNeeded));
    let other = second_officer(&app).await;
    let confirmed = app
        .staff("registry/confirm", json!({"account_id": id}), Some(&other))
        .await;
    assert!(confirmed.status.is_success());

    // The accountant comes back and suspends it: off every QR at once.
    sqlx::query("UPDATE staff SET active = 1 WHERE username = $1")
        .bind(DEMO_ACCOUNTANT)
        .execute(&app.db)
        .await
        .unwrap();
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let access = app.featured_child().await;
    let code = app.overview(&access).await.invoices[0].code.to_string();
    assert_eq!(
        app.invoice(&access, &code)
            .await
            .payee
            .map(|p| p.account_number),
        Some("9988776655".to_string()),
        "confirmed and default: the QR names it"
    );
    let suspended = app
        .staff(
            "registry/suspend",
            json!({"account_id": id, "reason": "Không phải tài khoản của trường"}),
            Some(&accountant),
        )
        .await;
    assert!(
        suspended.status.is_success(),
        "{}",
        String::from_utf8_lossy(&suspended.body)
    );
    assert_ne!(
        app.invoice(&access, &code)
            .await
            .payee
            .map(|p| p.account_number),
        Some("9988776655".to_string()),
        "a suspended account is on no QR"
    );
    // It cannot be confirmed back without the school saving it again.
    let back = app
        .staff("registry/confirm", json!({"account_id": id}), Some(&other))
        .await;
    assert_eq!(back.answer::<Value>(), Err(AppError::NotFound));

    // Both sides read the same history: added (by the office, for the school),
    // confirmed, suspended, with who and what.
    for session in [&accountant, &officer] {
        let history: Vec<AuditRow> = app
            .staff("registry/history", json!({"school_id": 1}), Some(session))
            .await
            .answer()
            .unwrap();
        let actions: Vec<&str> = history.iter().map(|r| r.action.as_str()).collect();
        assert_eq!(
            &actions[..3],
            ["suspend", "confirm", "update"],
            "{history:?}"
        );
        assert!(history[2]
            .after
            .as_deref()
            .unwrap()
            .contains("acting_for_school_without_accountant"));
        assert!(history[0]
            .after
            .as_deref()
            .unwrap()
            .contains("Không phải tài khoản"));
    }
    // A teacher reads none of it.
    let teacher = app
        .sign_in(hocphi_server::demo::DEMO_TEACHER, DEMO_PASSWORD)
        .await
        .unwrap();
    let reply = app
        .staff("registry/history", json!({"school_id": 1}), Some(&teacher))
        .await;
    assert_eq!(reply.answer::<Value>(), Err(AppError::Forbidden));
}

/// The office rejects an account the school added that it does not recognise.
#[tokio::test]
async fn the_office_rejects_a_pending_account() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let officer = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();
    let added = app
        .staff(
            "school/account",
            json!({"school_id": 1, "bin": "970436", "account_number": "5544332211",
                "account_name": "TRAN VAN Y", "make_default": false}),
            Some(&accountant),
        )
        .await;
    assert!(added.status.is_success());
    let id = account_id(&app, 1, "5544332211").await;
    let rejected = app
        .staff(
            "registry/suspend",
            json!({"account_id": id, "reason": "Tên chủ tài khoản không phải tên trường"}),
            Some(&officer),
        )
        .await;
    assert!(rejected.status.is_success());
    let pending: Vec<Value> = app
        .staff("registry/pending", json!({}), Some(&officer))
        .await
        .answer()
        .unwrap();
    assert!(pending.iter().all(|p| p["id"] != id), "no longer waiting");
    let history: Vec<AuditRow> = app
        .staff(
            "registry/history",
            json!({"school_id": 1}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(history[0].action, "reject");
}
