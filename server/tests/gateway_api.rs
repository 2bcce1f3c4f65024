//! Website payment through the gateway: the signed link, the IPN (97 bad
//! signature, 04 wrong amount, 01 unknown order, 02 repeated, 00 once, also
//! under 200 concurrent repeats), the parent's return page and the simulator.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hocphi_app::domain::vnpay;
use hocphi_app::error::AppError;
use hocphi_app::model::OnlinePaymentStatus;
use hocphi_app::server::clock::Clock;
use hocphi_app::staff::OnlineOrderRow;
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_GATEWAY, DEMO_PASSWORD};
use serde_json::Value;
use support::*;

/// Starts an online payment for the featured child's open invoice: (link, invoice code, amount).
async fn start_payment(app: &TestApp) -> (String, String, i64) {
    let access = app.featured_child().await;
    let o = app.overview(&access).await;
    let invoice = &o.invoices[0];
    let url: String = app
        .rpc(
            "pay-online",
            &[
                ("token", &access.token),
                ("code", invoice.code.as_str()),
                ("origin", "http://127.0.0.1:3917"),
            ],
        )
        .await
        .unwrap();
    (url, invoice.code.to_string(), invoice.total.dong())
}

fn param(url: &str, key: &str) -> String {
    vnpay::parse_query(url)
        .unwrap()
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap()
}

/// The gateway's signed callback for an order.
fn callback(txn_ref: &str, amount_dong: i64, code: &str, secret: &str) -> String {
    let params: Vec<(String, String)> = [
        ("vnp_Amount", (amount_dong * 100).to_string()),
        ("vnp_BankCode", "NCB".into()),
        ("vnp_OrderInfo", "Thanh toan hoa don".into()),
        ("vnp_PayDate", "20261126091500".into()),
        ("vnp_ResponseCode", code.into()),
        ("vnp_TmnCode", DEMO_GATEWAY.0.into()),
        ("vnp_TransactionNo", "14123456".into()),
        (
            "vnp_TransactionStatus",
            if code == "00" { "00" } else { "02" }.into(),
        ),
        ("vnp_TxnRef", txn_ref.into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    vnpay::signed_query(&params, secret)
}

async fn ipn(app: &TestApp, query: &str) -> (String, String) {
    let reply = app
        .send(
            Request::get(format!("/api/v1/vnpay/ipn?{query}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let v: Value = serde_json::from_slice(&reply.body).unwrap();
    (
        v["RspCode"].as_str().unwrap().to_string(),
        v["Message"].as_str().unwrap().to_string(),
    )
}

async fn gateway_payments(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM payment WHERE method = 'gateway'")
        .await
}

#[tokio::test]
async fn the_parent_gets_a_signed_link_and_the_ipn_settles_the_invoice_once() {
    let app = start().await;
    let (url, code, total) = start_payment(&app).await;
    assert!(url.starts_with("http://127.0.0.1:3917/gateway-sim/paymentv2/vpcpay.html?"));
    vnpay::verify_signature(&url, DEMO_GATEWAY.1).expect("signed with the school's secret");
    assert_eq!(param(&url, "vnp_Amount"), (total * 100).to_string());
    assert_eq!(
        param(&url, "vnp_ReturnUrl"),
        "http://127.0.0.1:3917/thanh-toan"
    );
    let txn = param(&url, "vnp_TxnRef");

    // A bad signature, a wrong amount, an unknown order: refused, nothing changes.
    let good = callback(&txn, total, "00", DEMO_GATEWAY.1);
    assert_eq!(
        ipn(&app, &callback(&txn, total, "00", "not-the-secret"))
            .await
            .0,
        "97"
    );
    assert_eq!(
        ipn(&app, &good.replace("vnp_BankCode=NCB", "vnp_BankCode=VCB"))
            .await
            .0,
        "97"
    );
    assert_eq!(
        ipn(&app, &callback(&txn, total - 1000, "00", DEMO_GATEWAY.1))
            .await
            .0,
        "04"
    );
    assert_eq!(
        ipn(
            &app,
            &callback("HPNOSUCHORDER", total, "00", DEMO_GATEWAY.1)
        )
        .await
        .0,
        "01"
    );
    assert_eq!(gateway_payments(&app).await, 0);

    // The right one settles it; repeats say 02 and change nothing.
    assert_eq!(
        ipn(&app, &good).await,
        ("00".into(), "Confirm Success".into())
    );
    assert_eq!(
        ipn(&app, &good).await,
        ("02".into(), "Order already confirmed".into())
    );
    assert_eq!(gateway_payments(&app).await, 1);
    assert_eq!(app.balance(&code).await, 0);
    let (content,): (String,) = sqlx::query_as(
        "SELECT r.content FROM receipt r JOIN payment p ON p.id = r.payment_id WHERE p.method = 'gateway'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let content: serde_json::Value = serde_json::from_str(&content).unwrap();
    assert_eq!(content["method"], "gateway");

    // The return page, with the same signed result, says paid.
    let status: OnlinePaymentStatus = app
        .rpc("pay-online/status", &[("query", &good)])
        .await
        .unwrap();
    assert_eq!(
        (status.state.as_str(), status.amount.dong()),
        ("paid", total)
    );
    // A paid invoice has nothing left to pay online.
    let access = app.featured_child().await;
    let again = app
        .rpc::<String>(
            "pay-online",
            &[
                ("token", &access.token),
                ("code", &code),
                ("origin", "http://x.vn"),
            ],
        )
        .await;
    assert_eq!(again, Err(hocphi_app::error::AppError::InvoiceAlreadyPaid));
}

#[tokio::test]
async fn a_success_the_school_was_not_told_of_guards_the_invoice_until_the_ipn_comes() {
    let app = start().await;
    let access = app.featured_child().await;
    let (url, code, total) = start_payment(&app).await;
    let txn = param(&url, "vnp_TxnRef");
    let pending = |d: &hocphi_app::model::InvoiceDetail| d.pending_online.clone();

    // An attempt the parent abandoned guards nothing.
    assert_eq!(pending(&app.invoice(&access, &code).await), None);
    // A cancelled return guards nothing either.
    let (url2, _, _) = start_payment(&app).await;
    let cancelled = callback(&param(&url2, "vnp_TxnRef"), total, "24", DEMO_GATEWAY.1);
    let _: OnlinePaymentStatus = app
        .rpc("pay-online/status", &[("query", &cancelled)])
        .await
        .unwrap();
    assert_eq!(pending(&app.invoice(&access, &code).await), None);

    // The gateway sends the parent back with success; its IPN has not come.
    let good = callback(&txn, total, "00", DEMO_GATEWAY.1);
    let status: OnlinePaymentStatus = app
        .rpc("pay-online/status", &[("query", &good)])
        .await
        .unwrap();
    assert_eq!(status.state, "pending");
    let shown = pending(&app.invoice(&access, &code).await).expect("the invoice warns");
    assert_eq!(shown.amount.dong(), total);
    assert_eq!(
        app.balance(&code).await,
        total,
        "nothing is recorded as paid"
    );
    // A forged return (not signed by the gateway) changes nothing.
    let forged = callback(&param(&url2, "vnp_TxnRef"), total, "00", "not-the-secret");
    assert!(app
        .rpc::<OnlinePaymentStatus>("pay-online/status", &[("query", &forged)])
        .await
        .is_err());

    // The IPN settles it: paid, and no longer pending.
    assert_eq!(ipn(&app, &good).await.0, "00");
    let after = app.invoice(&access, &code).await;
    assert_eq!(pending(&after), None);
    assert_eq!(after.balance.dong(), 0);
}

#[tokio::test]
async fn two_hundred_concurrent_repeats_of_one_ipn_make_one_payment() {
    let app = std::sync::Arc::new(start().await);
    let (url, code, total) = start_payment(&app).await;
    let good = callback(&param(&url, "vnp_TxnRef"), total, "00", DEMO_GATEWAY.1);
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let (app, good) = (app.clone(), good.clone());
        tasks.push(tokio::spawn(async move { ipn(&app, &good).await.0 }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    assert_eq!(codes.iter().filter(|c| *c == "00").count(), 1, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| *c == "02").count(), 199);
    assert_eq!(gateway_payments(&app).await, 1);
    assert_eq!(app.balance(&code).await, 0);
}

#[tokio::test]
async fn a_failed_payment_is_recorded_as_failed_and_settles_nothing() {
    let app = start().await;
    let (url, code, total) = start_payment(&app).await;
    let txn = param(&url, "vnp_TxnRef");
    let cancelled = callback(&txn, total, "24", DEMO_GATEWAY.1);
    assert_eq!(ipn(&app, &cancelled).await.0, "00", "received");
    assert_eq!(
        ipn(&app, &callback(&txn, total, "00", DEMO_GATEWAY.1))
            .await
            .0,
        "02"
    );
    assert_eq!(gateway_payments(&app).await, 0);
    assert_eq!(app.balance(&code).await, total);
    let status: OnlinePaymentStatus = app
        .rpc("pay-online/status", &[("query", &cancelled)])
        .await
        .unwrap();
    assert_eq!(
        (status.state.as_str(), status.response_code.as_str()),
        ("failed", "24")
    );
}

#[tokio::test]
async fn the_accountant_sees_each_attempt_to_pay_online() {
    let app = start().await;
    let school = app
        .count("SELECT id FROM school WHERE slug = 'th-ha-long'")
        .await;
    let orders = |session: Option<String>| {
        let app = &app;
        async move {
            app.staff(
                "school/gateway/orders",
                serde_json::json!({ "school_id": school }),
                session.as_deref(),
            )
            .await
            .answer::<Vec<OnlineOrderRow>>()
        }
    };
    // The first attempt is cancelled at the gateway, the second one pays.
    let (first, code, total) = start_payment(&app).await;
    let first = param(&first, "vnp_TxnRef");
    ipn(&app, &callback(&first, total, "24", DEMO_GATEWAY.1)).await;
    app.clock.advance(60);
    let (second, _, _) = start_payment(&app).await;
    let second = param(&second, "vnp_TxnRef");
    ipn(&app, &callback(&second, total, "00", DEMO_GATEWAY.1)).await;

    assert_eq!(orders(None).await, Err(AppError::NotSignedIn));
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let list = orders(Some(accountant)).await.unwrap();
    let seen: Vec<(&str, &str, i64, Option<&str>)> = list
        .iter()
        .map(|o| {
            (
                o.code.as_str(),
                o.status.as_str(),
                o.amount.dong(),
                o.response_code.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (code.as_str(), "paid", total, Some("00")),
            (code.as_str(), "failed", total, Some("24")),
        ],
        "newest first"
    );
    assert_eq!(list[0].transaction_no.as_deref(), Some("14123456"));
}

#[tokio::test]
async fn the_simulator_plays_the_gateway_page_ipn_and_return() {
    let app = start().await;
    let (url, code, total) = start_payment(&app).await;
    let path = url.trim_start_matches("http://127.0.0.1:3917");
    let page = app
        .send(Request::get(path).body(Body::empty()).unwrap())
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = String::from_utf8(page.body).unwrap();
    assert!(html.contains("CỔNG THANH TOÁN GIẢ LẬP"));
    assert!(html.contains(&hocphi_app::domain::money::Vnd::new(total).to_string()));
    // A link whose signature does not check is not shown a payment page.
    let forged = app
        .send(
            Request::get(path.replace("vnp_Amount=", "vnp_Amount=1"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(String::from_utf8(forged.body)
        .unwrap()
        .contains("signature"));

    let query = path.split_once('?').unwrap().1;
    let form = format!("query={}&outcome=00&ipn=thrice", urlencode(query));
    let paid = app
        .send(
            Request::post("/gateway-sim/pay")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap(),
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER);
    let back = paid.headers["location"].to_str().unwrap().to_string();
    assert!(back.starts_with("http://127.0.0.1:3917/thanh-toan?"));
    let (_, result) = back.split_once('?').unwrap();
    vnpay::verify(result, DEMO_GATEWAY.1).expect("the return is signed");
    assert_eq!(gateway_payments(&app).await, 1, "three IPNs, one payment");
    assert_eq!(app.balance(&code).await, 0);
    let status: OnlinePaymentStatus = app
        .rpc("pay-online/status", &[("query", result)])
        .await
        .unwrap();
    assert_eq!(status.state, "paid");
    let _ = app.clock.now();
}
