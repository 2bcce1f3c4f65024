//! Bank notifications: signed, fresh, once; settling the invoices the memo names.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hocphi_app::domain::date::Date;
use hocphi_app::domain::invoice_status::PaymentState;
use hocphi_app::domain::money::Vnd;
use hocphi_app::model::{ChildOverview, ExtraTransfer};
use hocphi_app::server::clock::Clock;
use serde_json::{json, Value};
use support::*;

async fn secret(app: &TestApp) -> String {
    app.bank_secret().await
}

fn sign(secret: &str, ts: i64, body: &[u8]) -> String {
    sign_notification(secret, ts, body)
}

fn notification(ts: i64, sig: &str, body: Vec<u8>) -> Request<Body> {
    Request::post("/api/v1/bank-notifications")
        .header("content-type", "application/json")
        .header("x-hocphi-school", "th-ha-long")
        .header("x-hocphi-timestamp", ts.to_string())
        .header("x-hocphi-signature", sig)
        .body(Body::from(body))
        .unwrap()
}

async fn featured_november(app: &TestApp) -> (String, i64, String) {
    let access = app.featured_child().await;
    let o = app.overview(&access).await;
    (
        o.invoices[0].code.to_string(),
        o.invoices[0].total.dong(),
        access.token,
    )
}

async fn payments(app: &TestApp) -> i64 {
    sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM payment")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn a_signed_notification_pays_the_invoice_once() {
    let app = start().await;
    let secret = secret(&app).await;
    let now = app.clock.now();
    let (code, total, token) = featured_november(&app).await;
    let body = serde_json::to_vec(&json!({
        "transaction_id": "FT26330123456", "account_number": "1023456789", "amount": total,
        "received_at": now, "memo": format!("MBVCB.1234567.hp {}.CT tu 0011 NGUYEN VAN HUNG", code.to_lowercase()),
        "payer_name": "NGUYEN VAN HUNG"
    }))
    .unwrap();
    let ok = app
        .send(notification(now, &sign(&secret, now, &body), body.clone()))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    let reply: Value = serde_json::from_slice(&ok.body).unwrap();
    assert_eq!(reply["outcome"], "matched");
    let o: ChildOverview = app.rpc("child", &[("token", &token)]).await.unwrap();
    assert_eq!(o.invoices[0].status.state, PaymentState::Paid);

    // The same notification again (the bank retries): nothing changes.
    let before = payments(&app).await;
    let again = app
        .send(notification(now, &sign(&secret, now, &body), body.clone()))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        serde_json::from_slice::<Value>(&again.body).unwrap()["recorded"],
        false
    );
    assert_eq!(payments(&app).await, before);
}

#[tokio::test]
async fn unsigned_tampered_stale_or_malformed_bodies_change_nothing() {
    let app = start().await;
    let secret = secret(&app).await;
    let now = app.clock.now();
    let (code, total, _) = featured_november(&app).await;
    let body = serde_json::to_vec(
        &json!({"transaction_id": "FT1", "account_number": "1023456789", "amount": total,
        "received_at": now, "memo": format!("HP {code}")}),
    )
    .unwrap();
    let before = payments(&app).await;
    let good_sig = sign(&secret, now, &body);
    // Every flipped byte of the body is refused.
    for i in 0..body.len() {
        let mut tampered = body.clone();
        tampered[i] ^= 0x01;
        let r = app.send(notification(now, &good_sig, tampered)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "byte {i}");
    }
    let stale = now - 301;
    let r = app
        .send(notification(
            stale,
            &sign(&secret, stale, &body),
            body.clone(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(String::from_utf8_lossy(&r.body).contains("stale"));
    // The extremes of a timestamp are stale too, not a crash (found by Schemathesis).
    for extreme in [i64::MIN, i64::MAX] {
        let r = app
            .send(notification(
                extreme,
                &sign(&secret, extreme, &body),
                body.clone(),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{extreme}");
    }
    let r = app
        .send(notification(
            now,
            &sign("another school's secret", now, &body),
            body.clone(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let unsigned = Request::post("/api/v1/bank-notifications")
        .body(Body::from(body.clone()))
        .unwrap();
    assert_eq!(app.send(unsigned).await.status, StatusCode::UNAUTHORIZED);
    let junk = b"{not json".to_vec();
    let r = app
        .send(notification(now, &sign(&secret, now, &junk), junk))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.headers["content-type"], "application/problem+json");
    let foreign = serde_json::to_vec(
        &json!({"transaction_id": "FT2", "account_number": "999", "amount": 1,
        "received_at": now, "memo": "x"}),
    )
    .unwrap();
    let r = app
        .send(notification(now, &sign(&secret, now, &foreign), foreign))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(payments(&app).await, before, "nothing was recorded");
}

#[tokio::test]
async fn short_over_duplicate_and_unmatched_transfers() {
    let app = start().await;
    let secret = secret(&app).await;
    let now = app.clock.now();
    let (code, total, token) = featured_november(&app).await;
    let send = |id: &str, amount: i64, memo: String| {
        let body = serde_json::to_vec(
            &json!({"transaction_id": id, "account_number": "1023456789", "amount": amount,
            "received_at": now, "memo": memo}),
        )
        .unwrap();
        let req = notification(now, &sign(&secret, now, &body), body);
        let app = &app;
        async move {
            serde_json::from_slice::<Value>(&app.send(req).await.body).unwrap()["outcome"].clone()
        }
    };
    assert_eq!(
        send("T1", 100_000, format!("IBFT HP{code}")).await,
        "partly_paid"
    );
    let o: ChildOverview = app.rpc("child", &[("token", &token)]).await.unwrap();
    assert_eq!(o.invoices[0].status.state, PaymentState::PartlyPaid);
    assert_eq!(
        send("T2", total, format!("HP {code} lan 2")).await,
        "overpaid"
    );
    let (credit,): (i64,) =
        sqlx::query_as("SELECT COALESCE(CAST(SUM(remaining) AS BIGINT), 0) FROM credit")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(credit, 100_000, "the excess is a credit");
    assert_eq!(send("T3", total, format!("HP {code}")).await, "duplicate");
    // The family sees that the school holds the second payment, and later
    // that it was sent back; the partial and overpaying transfers are payments.
    let access = app.featured_child().await;
    let detail = app.invoice(&access, &code).await;
    assert_eq!(
        detail.extra_transfers,
        vec![ExtraTransfer {
            received_on: Date::in_vietnam(now),
            amount: Vnd::new(total),
            refunded: Vnd::ZERO,
        }]
    );
    sqlx::query(
        "INSERT INTO refund (payment_id, amount, reference, refunded_on, staff_id, created_at) \
         SELECT p.id, p.amount, 'HOAN-T3', '2026-11-27', (SELECT id FROM staff WHERE username = 'ketoan.thhl'), $1 \
         FROM payment p WHERE p.external_id LIKE '%:T3'",
    )
    .bind(now)
    .execute(&app.db)
    .await
    .unwrap();
    let detail = app.invoice(&access, &code).await;
    assert_eq!(detail.extra_transfers[0].refunded, Vnd::new(total));
    // The child's other invoice shows nothing of it.
    let other = app.overview(&access).await.invoices[1].code.to_string();
    assert!(app
        .invoice(&access, &other)
        .await
        .extra_transfers
        .is_empty());
    assert_eq!(
        send("T4", 50_000, "chuyen tien hoc phi thang 11".into()).await,
        "unmatched"
    );
}

#[tokio::test]
async fn the_same_notifications_sent_three_times_at_once_are_recorded_once() {
    let app = std::sync::Arc::new(start().await);
    let secret = secret(&app).await;
    let now = app.clock.now();
    let mut handles = Vec::new();
    for round in 0..3 {
        for i in 0..100 {
            let (app, secret) = (app.clone(), secret.clone());
            handles.push(tokio::spawn(async move {
                let body = serde_json::to_vec(&json!({"transaction_id": format!("BURST{i}"), "account_number": "1023456789",
                    "amount": 1000 + i, "received_at": now, "memo": format!("no code {i} round {round}")}))
                .unwrap();
                app.send(notification(now, &sign(&secret, now, &body), body)).await.status
            }));
        }
    }
    for h in handles {
        let status = h.await.unwrap();
        assert!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{status}"
        );
    }
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM payment WHERE external_id LIKE '%:BURST%'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(n, 100);
}

/// A notification for `slug`, signed with that school's secret.
async fn notify_school(app: &TestApp, school_id: i64, slug: &str, body: &Value) -> Reply {
    let secret = hocphi_app::server::bank::school_secret(
        &app.db,
        &app.vault,
        hocphi_app::domain::ids::SchoolId(school_id),
        hocphi_app::domain::time::UnixTime(0),
    )
    .await
    .unwrap();
    let now = app.clock.now();
    let body = serde_json::to_vec(body).unwrap();
    let req = Request::post("/api/v1/bank-notifications")
        .header("content-type", "application/json")
        .header("x-hocphi-school", slug)
        .header("x-hocphi-timestamp", now.to_string())
        .header("x-hocphi-signature", sign(&secret, now, &body))
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

/// Two schools bank at the same bank, and their banks' references collide (a
/// reference is unique at one bank's branch or system, not across every school
/// it serves). Each transfer is its own and settles its own school's invoice,
/// whichever arrives first.
#[tokio::test]
async fn two_schools_at_one_bank_with_the_same_reference_both_settle() {
    let app = start().await;
    let (code_a, total_a, token_a) = featured_november(&app).await;
    let sibling = app.sibling().await;
    let o = app.overview(&sibling).await;
    let (code_b, total_b) = (o.invoices[0].code.to_string(), o.invoices[0].total.dong());
    let (school_b, slug_b): (i64, String) =
        sqlx::query_as("SELECT id, slug FROM school WHERE slug = $1")
            .bind(hocphi_server::demo::SIBLING_SCHOOL)
            .fetch_one(&app.db)
            .await
            .unwrap();
    // School B's account moves to school A's bank.
    sqlx::query(
        "UPDATE beneficiary_account SET bin = (SELECT bin FROM beneficiary_account WHERE school_id = 1 AND is_default = 1) \
         WHERE school_id = $1",
    )
    .bind(school_b)
    .execute(&app.db)
    .await
    .unwrap();
    let (account_b,): (String,) = sqlx::query_as(
        "SELECT account_number FROM beneficiary_account WHERE school_id = $1 AND is_default = 1",
    )
    .bind(school_b)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let now = app.clock.now();
    let b = notify_school(
        &app,
        school_b,
        &slug_b,
        &json!({"transaction_id": "FT26330999", "account_number": account_b, "amount": total_b,
            "received_at": now, "memo": format!("HP {code_b}")}),
    )
    .await;
    assert_eq!(b.status, StatusCode::CREATED);
    let a = notify_school(
        &app,
        1,
        "th-ha-long",
        &json!({"transaction_id": "FT26330999", "account_number": SCHOOL_ACCOUNT, "amount": total_a,
            "received_at": now, "memo": format!("HP {code_a}")}),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "not 'already recorded'");
    let reply: Value = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(reply["outcome"], "matched");
    let o: ChildOverview = app.rpc("child", &[("token", &token_a)]).await.unwrap();
    assert_eq!(o.invoices[0].status.state, PaymentState::Paid);
    assert_eq!(
        app.overview(&sibling).await.invoices[0].status.state,
        PaymentState::Paid
    );
}

/// Money sent to school A naming school B's invoice pays nothing of school B's:
/// it waits in school A's queue.
#[tokio::test]
async fn a_transfer_into_one_school_naming_anothers_invoice_settles_nothing() {
    let app = start().await;
    let sibling = app.sibling().await;
    let o = app.overview(&sibling).await;
    let (code_b, total_b) = (o.invoices[0].code.to_string(), o.invoices[0].total.dong());
    let reply = app
        .notify(
            &json!({"transaction_id": "FT-CROSS-1", "account_number": SCHOOL_ACCOUNT,
            "amount": total_b, "received_at": app.clock.now(), "memo": format!("HP {code_b}")}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let reply: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(reply["outcome"], "unmatched");
    assert_eq!(
        app.overview(&sibling).await.invoices[0].status,
        o.invoices[0].status
    );
}

/// Amounts of nothing or less, and references no bank writes, are refused
/// before anything is recorded.
#[tokio::test]
async fn zero_negative_amounts_and_overlong_references_are_refused() {
    let app = start().await;
    let (code, _, _) = featured_november(&app).await;
    let before = payments(&app).await;
    for (reference, amount) in [
        ("FT-ZERO", 0),
        ("FT-NEG", -5_000),
        (&*"F".repeat(101), 10_000),
        ("", 10_000),
    ] {
        let reply = app
            .notify(
                &json!({"transaction_id": reference, "account_number": SCHOOL_ACCOUNT,
                "amount": amount, "received_at": app.clock.now(), "memo": format!("HP {code}")}),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{reference:.10} {amount}: {}",
            String::from_utf8_lossy(&reply.body)
        );
    }
    assert_eq!(payments(&app).await, before);
}

/// A signature cut short (a prefix of the right one) is a wrong signature.
#[tokio::test]
async fn a_signature_cut_short_is_refused() {
    let app = start().await;
    let secret = secret(&app).await;
    let now = app.clock.now();
    let (code, total, _) = featured_november(&app).await;
    let body = serde_json::to_vec(
        &json!({"transaction_id": "FT-SHORT", "account_number": SCHOOL_ACCOUNT,
        "amount": total, "received_at": now, "memo": format!("HP {code}")}),
    )
    .unwrap();
    let full = sign(&secret, now, &body);
    for len in [0, 1, 2, 8, 32, full.len() - 2] {
        let r = app
            .send(notification(now, &full[..len], body.clone()))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{len} hex digits");
    }
    assert_eq!(
        app.send(notification(now, &full, body)).await.status,
        StatusCode::CREATED
    );
}

/// A parent who types only the code: no `HP`, any case, or split by a space.
#[tokio::test]
async fn a_memo_with_the_bare_invoice_code_settles_it() {
    let app = start().await;
    let (code, total, token) = featured_november(&app).await;
    let memo = format!(
        "NGUYEN VAN HUNG chuyen tien {} {} lop 3a",
        code[..4].to_lowercase(),
        &code[4..]
    );
    let reply = app
        .notify(
            &json!({"transaction_id": "FT-BARE-1", "account_number": SCHOOL_ACCOUNT,
            "amount": total, "received_at": app.clock.now(), "memo": memo}),
        )
        .await;
    let reply: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(reply["outcome"], "matched", "{reply}");
    let o: ChildOverview = app.rpc("child", &[("token", &token)]).await.unwrap();
    assert_eq!(o.invoices[0].status.state, PaymentState::Paid);
}

#[tokio::test]
async fn one_transfer_for_two_children_settles_both_invoices_it_names() {
    let app = start().await;
    let open: Vec<(String, i64)> = sqlx::query_as(
        "SELECT code, total FROM invoice WHERE school_id = 1 AND voided_at IS NULL AND period = '2026-11' \
         AND total > 0 AND id NOT IN (SELECT invoice_id FROM payment_allocation) ORDER BY id LIMIT 2",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let [(first, first_total), (second, second_total)] = &open[..] else {
        panic!("two open invoices: {open:?}")
    };
    // Written as families write it: the mark once, the codes after it.
    let memo = format!("HP {first} {second} hoc phi 2 chau");
    let reply = app
        .notify(
            &json!({"transaction_id": "FT-TWO-1", "account_number": SCHOOL_ACCOUNT,
            "amount": first_total + second_total, "received_at": app.clock.now(), "memo": memo}),
        )
        .await;
    let reply: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(reply["outcome"], "matched", "{reply}");
    for (code, total) in [(first, first_total), (second, second_total)] {
        let paid: (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(a.amount), 0) AS BIGINT) FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id WHERE i.code = $1",
        )
        .bind(code)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(paid.0, *total, "{code}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM credit WHERE amount > 0")
            .await,
        0,
        "nothing left over as a credit"
    );
}
