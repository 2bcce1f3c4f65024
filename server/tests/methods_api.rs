//! The other methods: Mobile Money (a wallet's account on the invoice page),
//! card at the POS terminal and cash at the office, and each method's readiness.

mod support;

use axum::http::StatusCode;
use hocphi_app::error::{AppError, Field};
use hocphi_app::staff::{PaymentMethod, SchoolProfile};
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD, DEMO_TEACHER, DEMO_WALLET};
use serde_json::{json, Value};
use support::*;

async fn method_of(app: &TestApp, reference: &str) -> String {
    sqlx::query_as::<_, (String,)>("SELECT method FROM payment WHERE external_id LIKE $1")
        .bind(format!("%{reference}"))
        .fetch_one(&app.db)
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn a_parent_may_pay_the_schools_mobile_money_account_and_it_settles_as_mobile_money() {
    let app = start().await;
    let access = app.featured_child().await;
    let o = app.overview(&access).await;
    let detail = app.invoice(&access, o.invoices[0].code.as_str()).await;
    let wallet = detail
        .mobile_money
        .expect("the school has a wallet account");
    assert_eq!(
        (wallet.bin.as_str(), wallet.account_number.as_str()),
        DEMO_WALLET
    );
    assert_eq!(wallet.bank_short_name, "VNPTMoney");
    assert_ne!(
        detail.payee.as_ref().unwrap().bin,
        wallet.bin,
        "the bank account stays the default"
    );

    let reply = app
        .notify(
            &json!({"transaction_id": "MM-0001", "account_number": wallet.account_number,
            "amount": detail.balance.dong(), "received_at": 1_795_000_000, "memo": detail.memo}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(method_of(&app, "MM-0001").await, "mobile_money");
    assert_eq!(app.balance(o.invoices[0].code.as_str()).await, 0);
    let (content,): (String,) = sqlx::query_as(
        "SELECT r.content FROM receipt r JOIN payment p ON p.id = r.payment_id \
         WHERE p.external_id = $1",
    )
    .bind(format!("{}:{}:MM-0001", DEMO_WALLET.0, DEMO_WALLET.1))
    .fetch_one(&app.db)
    .await
    .unwrap();
    let content: serde_json::Value = serde_json::from_str(&content).unwrap();
    assert_eq!(content["method"], "mobile_money");
}

#[tokio::test]
async fn card_and_cash_at_the_office_settle_invoices_with_receipts_and_keep_only_the_last_4_digits()
{
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let open = app.unpaid_invoices(3).await;
    let record = |payment: Value| {
        let (app, session) = (&app, session.clone());
        async move {
            app.staff(
                "office-payments/record",
                json!({"school_id": 1, "payment": payment}),
                Some(&session),
            )
            .await
            .answer::<Vec<String>>()
        }
    };
    let card = json!({"invoice_code": open[0].0, "amount": open[0].1, "method": "card",
        "terminal": "tid00123", "approval_code": "A1B2C3", "card_last4": "4242", "payer": "Nguyễn Văn Hùng"});
    let receipts = record(card.clone()).await.unwrap();
    assert_eq!(receipts.len(), 1);
    assert_eq!(app.balance(&open[0].0).await, 0);
    // The same approval again changes nothing.
    assert_eq!(record(card).await.unwrap(), receipts);
    let (terminal, approval, last4, method): (String, String, String, String) = sqlx::query_as(
        "SELECT card_terminal, card_approval, card_last4, method FROM payment WHERE external_id = 'POS:1:TID00123:A1B2C3'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        (
            terminal.as_str(),
            approval.as_str(),
            last4.as_str(),
            method.as_str()
        ),
        ("TID00123", "A1B2C3", "4242", "card")
    );

    // Cash, part of an invoice; the rest is still due.
    record(json!({"invoice_code": open[1].0, "amount": 100_000, "method": "cash"}))
        .await
        .unwrap();
    assert_eq!(app.balance(&open[1].0).await, open[1].1 - 100_000);
    // What is wrong is said precisely, and nothing is written.
    let before = app.count("SELECT COUNT(*) FROM payment").await;
    for (bad, error) in [
        (
            json!({"invoice_code": open[2].0, "amount": 1000, "method": "card", "terminal": "T1", "approval_code": "X", "card_last4": "4242424242424242"}),
            AppError::InvalidInput(Field::CardLast4),
        ),
        (
            json!({"invoice_code": "NOTACODE", "amount": 1000, "method": "cash"}),
            AppError::InvalidInput(Field::InvoiceCode),
        ),
        (
            json!({"invoice_code": open[2].0, "amount": 0, "method": "cash"}),
            AppError::InvalidInput(Field::PositiveAmount),
        ),
        (
            json!({"invoice_code": open[0].0, "amount": 1000, "method": "cash"}),
            AppError::InvoiceAlreadyPaid,
        ),
        // The same approval code typed for another invoice is a mistake to show, not to swallow.
        (
            json!({"invoice_code": open[2].0, "amount": 1000, "method": "card", "terminal": "TID00123", "approval_code": "A1B2C3", "card_last4": "4242"}),
            AppError::CardApprovalUsed,
        ),
        // At the desk the change is handed back: never more than is due.
        (
            json!({"invoice_code": open[2].0, "amount": open[2].1 + 1, "method": "cash"}),
            AppError::AllocationTooLarge,
        ),
    ] {
        assert_eq!(record(bad).await, Err(error));
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM payment").await, before);
    // The receipt names the collector and the method.
    let (content,): (String,) =
        sqlx::query_as("SELECT content FROM receipt WHERE public_code = $1")
            .bind(&receipts[0])
            .fetch_one(&app.db)
            .await
            .unwrap();
    let content: Value = serde_json::from_str(&content).unwrap();
    assert_eq!(content["method"], "card");
    assert_eq!(content["collector"], "Lê Thị Hồng");
    assert_eq!(content["payer"], "Nguyễn Văn Hùng");
    assert!(
        !content.to_string().contains("4242"),
        "the card's digits are not on the receipt"
    );

    // A teacher may not take money.
    let teacher = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let refused = app
        .staff(
            "office-payments/record",
            json!({"school_id": 1, "payment": {"invoice_code": open[2].0, "amount": 1000, "method": "cash"}}),
            Some(&teacher),
        )
        .await;
    assert_eq!(refused.answer::<Value>(), Err(AppError::Forbidden));
    app.assert_month_figures().await;
}

#[tokio::test]
async fn readiness_says_what_each_method_needs_and_when_it_last_worked() {
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let profile = |id: i64| {
        let (app, session) = (&app, session.clone());
        async move {
            app.staff("school/profile", json!({"school_id": id}), Some(&session))
                .await
                .answer::<SchoolProfile>()
                .unwrap()
        }
    };
    let p = profile(1).await;
    let of = |m: PaymentMethod| p.readiness.iter().find(|r| r.method == m).unwrap().clone();
    assert!(of(PaymentMethod::QrTransfer).ready());
    assert!(
        of(PaymentMethod::QrTransfer).last_payment_at.is_some(),
        "the demo's transfers"
    );
    assert!(of(PaymentMethod::MobileMoney).ready());
    assert!(
        of(PaymentMethod::Website).ready(),
        "the gateway simulator is set up"
    );
    assert!(of(PaymentMethod::CardPos).ready());
    assert_eq!(of(PaymentMethod::CardPos).last_payment_at, None);
    assert_eq!(hocphi_app::staff::cashless_ready_count(&p.readiness), 4);

    // The office sees the same count.
    let officer = app
        .sign_in(hocphi_server::demo::DEMO_OFFICER, DEMO_PASSWORD)
        .await
        .unwrap();
    let schools: Vec<hocphi_app::staff::SchoolRow> = app
        .staff("staff/schools", json!({}), Some(&officer))
        .await
        .answer()
        .unwrap();
    let mine = schools.iter().find(|s| s.id == 1).unwrap();
    assert_eq!(mine.cashless_methods, 4);
    assert_eq!(
        mine.ready_methods,
        vec![
            PaymentMethod::QrTransfer,
            PaymentMethod::Website,
            PaymentMethod::MobileMoney,
            PaymentMethod::CardPos
        ]
    );
    // A school that declares Mobile Money without a wallet account is not ready for it.
    let other = schools.iter().find(|s| s.slug == "thcs-bai-chay").unwrap();
    assert!(other.cashless_methods < 4);
}

#[tokio::test]
async fn a_pos_settlement_file_records_its_card_payments_all_or_nothing_and_once() {
    use base64::Engine;
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let open = app.unpaid_invoices(3).await;
    let file = |rows: &[String]| {
        let mut csv = String::from("BÁO CÁO QUYẾT TOÁN POS\nSTT,Mã máy (TID),Thời gian giao dịch,Số thẻ,Mã chuẩn chi,Số tiền,Ghi chú\n");
        for r in rows {
            csv.push_str(r);
            csv.push('\n');
        }
        base64::engine::general_purpose::STANDARD.encode(csv)
    };
    let good = vec![
        format!(
            "1,TID00777,26/11/2026 08:15,970436******4242,AP0001,{},{}",
            open[0].1, open[0].0
        ),
        format!(
            "2,TID00777,26/11/2026 08:20,4111********1111,AP0002,100000,hoc phi HP {}",
            open[1].0
        ),
    ];
    let call = |endpoint: &'static str, content: String| {
        let (app, session) = (&app, session.clone());
        async move {
            app.staff(
                endpoint,
                json!({"school_id": 1, "content_base64": content}),
                Some(&session),
            )
            .await
            .answer::<hocphi_app::staff::PosPreview>()
        }
    };
    // A bad line is named, and nothing is written.
    let mut bad = good.clone();
    bad.push("3,TID00777,26/11/2026 08:30,4111********1111,AP0003,50000,khong co ma".into());
    let before = app.count("SELECT COUNT(*) FROM payment").await;
    let preview = call("office-payments/pos-preview", file(&bad))
        .await
        .unwrap();
    assert_eq!(preview.lines.len(), 2);
    assert_eq!(
        preview.errors.iter().map(|e| e.0).collect::<Vec<_>>(),
        vec![5]
    );
    assert_eq!(
        call("office-payments/pos-commit", file(&bad)).await,
        Err(AppError::ImportRejected)
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM payment").await, before);

    let done = call("office-payments/pos-commit", file(&good))
        .await
        .unwrap();
    assert_eq!(done.lines.iter().filter(|l| !l.known).count(), 2);
    assert_eq!(app.balance(&open[0].0).await, 0);
    assert_eq!(app.balance(&open[1].0).await, open[1].1 - 100_000);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM payment WHERE method = 'card' AND card_last4 IN ('4242', '1111')"
        )
        .await,
        2
    );
    // The same file again: every line known, nothing changes.
    let again = call("office-payments/pos-preview", file(&good))
        .await
        .unwrap();
    assert!(again.lines.iter().all(|l| l.known));
    assert_eq!(app.count("SELECT COUNT(*) FROM payment").await, before + 2);
    app.assert_month_figures().await;
}

#[tokio::test]
async fn a_cash_receipt_says_cash_at_the_office_not_a_made_up_reference() {
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let open = app.unpaid_invoices(1).await;
    let codes: Vec<String> = app
        .staff(
            "office-payments/record",
            json!({"school_id": 1, "payment": {"invoice_code": open[0].0, "amount": open[0].1, "method": "cash"}}),
            Some(&session),
        )
        .await
        .answer()
        .unwrap();
    let (content,): (String,) =
        sqlx::query_as("SELECT content FROM receipt WHERE public_code = $1")
            .bind(&codes[0])
            .fetch_one(&app.db)
            .await
            .unwrap();
    let content: Value = serde_json::from_str(&content).unwrap();
    assert_eq!(content["method"], "cash");
    assert_eq!(content["reference"], "Tiền mặt tại văn phòng nhà trường");
}
