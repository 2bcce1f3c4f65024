//! Reconciliation: statement import (preview, row errors, all-or-nothing, once),
//! the same transfer by notification and statement in either order, SePay's
//! webhook, and the accountant's hand decisions.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use hocphi_app::domain::settlement::Outcome;
use hocphi_app::domain::statement::LineProblem;
use hocphi_app::domain::suggest::Reason;
use hocphi_app::error::AppError;
use hocphi_app::reconciliation::{StatementPreview, StatementResult, TransferPage, TransferRow};
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD, DEMO_TEACHER};
use serde_json::{json, Value};
use support::*;

const SCHOOL: i64 = 1;

/// A Vietcombank-like export: title lines, a header, money in and out, a totals row.
fn statement(lines: &[(&str, i64, &str)]) -> String {
    let mut csv = String::from(
        "NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM\nSAO KÊ TÀI KHOẢN\nSố tài khoản: 1023456789\n\n\
         STT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Mô tả\n",
    );
    for (i, (reference, amount, memo)) in lines.iter().enumerate() {
        csv.push_str(&format!(
            "{},26/11/2026 08:{:02}:00,{reference},,\"{}\",\"{memo}\"\n",
            i + 1,
            i % 60,
            hocphi_app::domain::money::Vnd::new(*amount)
                .grouped()
                .replace('.', ",")
        ));
    }
    csv.push_str("99,26/11/2026 17:00:00,FEE001,\"11,000\",,Phi quan ly tai khoan\n");
    csv.push_str(",Tổng cộng,,\"11,000\",,\n");
    csv
}

/// A statement of `count` transfers of 100,000 đồng whose memos name no
/// invoice (each recorded as unmatched, without a receipt), referenced
/// `<prefix>00000`, `<prefix>00001`…
fn uncoded_statement(prefix: &str, count: usize) -> String {
    let lines: Vec<(String, i64, String)> = (0..count)
        .map(|n| {
            (
                format!("{prefix}{n:05}"),
                100_000,
                format!("chuyen tien {n}"),
            )
        })
        .collect();
    statement_of(&lines)
}

/// [`statement`] of owned lines.
fn statement_of(lines: &[(String, i64, String)]) -> String {
    let borrowed: Vec<(&str, i64, &str)> = lines
        .iter()
        .map(|(r, a, m)| (r.as_str(), *a, m.as_str()))
        .collect();
    statement(&borrowed)
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}

async fn account_id(app: &TestApp) -> i64 {
    app.count("SELECT id FROM beneficiary_account WHERE school_id = 1 AND is_default = 1")
        .await
}

async fn accountant(app: &TestApp) -> String {
    app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap()
}

async fn preview(app: &TestApp, session: &str, csv: &str) -> Result<StatementPreview, AppError> {
    app.staff(
        "reconcile/statement-preview",
        json!({"school_id": SCHOOL, "account_id": account_id(app).await, "content_base64": b64(csv), "mapping": "Auto"}),
        Some(session),
    )
    .await
    .answer()
}

async fn commit(app: &TestApp, session: &str, csv: &str) -> Result<StatementResult, AppError> {
    app.staff(
        "reconcile/statement-commit",
        json!({"school_id": SCHOOL, "account_id": account_id(app).await, "content_base64": b64(csv), "mapping": "Auto"}),
        Some(session),
    )
    .await
    .answer()
}

async fn payments(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM payment").await
}

async fn transfers(app: &TestApp, session: &str, filter: &str) -> Vec<TransferRow> {
    transfer_page(app, session, json!({"school_id": SCHOOL, "filter": filter}))
        .await
        .rows
}

async fn transfer_page(app: &TestApp, session: &str, ask: Value) -> TransferPage {
    app.staff("reconcile/transfers", ask, Some(session))
        .await
        .answer()
        .unwrap()
}

#[tokio::test]
async fn transfers_come_a_page_at_a_time_in_the_order_asked() {
    let app = start().await;
    let session = accountant(&app).await;
    // 130 transfers no code settles, each of its own amount.
    let lines: Vec<(String, i64, String)> = (0..130)
        .map(|i| {
            (
                format!("PG{i:03}"),
                10_000 + i * 1_000,
                format!("chuyen tien lan {i}"),
            )
        })
        .collect();
    commit(&app, &session, &statement_of(&lines)).await.unwrap();
    let ask = |page: u32, order: &str| json!({"school_id": SCHOOL, "filter": "NeedsReview", "search": "chuyen tien lan", "page": page, "order": order});
    let first = transfer_page(&app, &session, ask(0, "Largest")).await;
    assert_eq!(first.total, 130);
    assert_eq!(first.rows.len(), 100);
    assert_eq!(first.rows[0].reference, "PG129", "the largest first");
    assert!(first.rows.windows(2).all(|w| w[0].amount >= w[1].amount));
    let second = transfer_page(&app, &session, ask(1, "Largest")).await;
    assert_eq!(second.rows.len(), 30);
    assert_eq!(second.rows.last().unwrap().reference, "PG000");
    let mut seen: Vec<_> = first
        .rows
        .iter()
        .chain(&second.rows)
        .map(|t| t.reference.clone())
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 130, "every transfer on exactly one page");
    // A page past the end shows the last one, not nothing.
    assert_eq!(
        transfer_page(&app, &session, ask(7, "Largest")).await.rows,
        second.rows
    );
    // Without an order: the newest first, as before.
    let newest = transfer_page(
        &app,
        &session,
        json!({"school_id": SCHOOL, "filter": "NeedsReview", "search": "chuyen tien lan"}),
    )
    .await;
    assert!(newest
        .rows
        .windows(2)
        .all(|w| w[0].received_at >= w[1].received_at));
    let oldest = transfer_page(&app, &session, ask(0, "Oldest")).await;
    assert!(oldest
        .rows
        .windows(2)
        .all(|w| w[0].received_at <= w[1].received_at));
}

#[tokio::test]
async fn a_statement_is_previewed_then_committed_once() {
    let app = start().await;
    let session = accountant(&app).await;
    let open = app.unpaid_invoices(3).await;
    let (a, b, c) = (&open[0], &open[1], &open[2]);
    let csv = statement(&[
        ("FT001", a.1, &format!("MBVCB.99.HP {}.CT tu 0011", a.0)),
        ("FT002", 100_000, &format!("IBFT hp{}", b.0.to_lowercase())),
        ("FT003", c.1 + 50_000, &format!("HP {} nop hoc phi", c.0)),
        ("FT004", a.1, &format!("HP {} lan 2", a.0)),
        ("FT005", 320_000, "chuyen tien hoc phi con"),
    ]);
    let before = payments(&app).await;
    let p = preview(&app, &session, &csv).await.unwrap();
    assert_eq!(payments(&app).await, before, "a preview writes nothing");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.skipped, 2, "the debit and the totals rows");
    let outcomes: Vec<Outcome> = p.lines.iter().map(|l| l.outcome).collect();
    assert_eq!(
        outcomes,
        vec![
            Outcome::Matched,
            Outcome::PartlyPaid,
            Outcome::Overpaid,
            Outcome::Duplicate,
            Outcome::Unmatched
        ]
    );
    assert_eq!(
        p.lines[0].row, 6,
        "rows numbered as the spreadsheet shows them"
    );
    assert!(p.can_commit());

    let numbered = app.count("SELECT n FROM change_counter").await;
    let done = commit(&app, &session, &csv).await.unwrap();
    // Every payment, receipt and allocation the commit wrote (and any invoice
    // changed) has its own change number, after every earlier one: school
    // software paging by number sees each change once.
    let changed = "SELECT change_no FROM payment UNION ALL SELECT change_no FROM receipt \
                   UNION ALL SELECT change_no FROM invoice UNION ALL SELECT change_no FROM payment_allocation";
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM payment WHERE change_no > {numbered}"
        ))
        .await,
        5
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM receipt WHERE change_no > {numbered}")).await,
        app.count(&format!(
            "SELECT COUNT(*) FROM receipt WHERE payment_id IN (SELECT id FROM payment WHERE change_no > {numbered})"
        ))
        .await
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM ({changed}) c WHERE change_no > {numbered}"
        ))
        .await,
        app.count(&format!(
            "SELECT COUNT(DISTINCT change_no) FROM ({changed}) c WHERE change_no > {numbered}"
        ))
        .await,
    );
    assert!(
        app.count(&format!("SELECT MAX(change_no) FROM ({changed}) c"))
            .await
            <= app.count("SELECT n FROM change_counter").await
    );
    assert_eq!(
        (
            done.recorded,
            done.known,
            done.matched,
            done.partly_paid,
            done.overpaid,
            done.duplicate,
            done.unmatched
        ),
        (5, 0, 1, 1, 1, 1, 1)
    );
    // With its money, to hold against the bank's statement.
    assert_eq!(
        (
            done.recorded_amount.dong(),
            done.duplicate_amount.dong(),
            done.unmatched_amount.dong()
        ),
        (a.1 + 100_000 + c.1 + 50_000 + a.1 + 320_000, a.1, 320_000)
    );
    assert_eq!(payments(&app).await, before + 5);
    assert_eq!(app.balance(&a.0).await, 0);
    assert_eq!(app.balance(&b.0).await, b.1 - 100_000);
    assert_eq!(app.balance(&c.0).await, 0);
    assert_eq!(
        app.count("SELECT COALESCE(CAST(SUM(remaining) AS BIGINT), 0) FROM credit WHERE payment_id IS NOT NULL")
            .await,
        50_000
    );

    // The same file again: every line is known, nothing changes.
    let again = preview(&app, &session, &csv).await.unwrap();
    assert!(again.lines.iter().all(|l| l.known));
    assert!(!again.can_commit());
    let twice = commit(&app, &session, &csv).await.unwrap();
    assert_eq!((twice.recorded, twice.known), (0, 5));
    assert_eq!(twice.recorded_amount.dong(), 0, "nothing new, no money");
    assert_eq!(payments(&app).await, before + 5);
    // The mapping is kept for next time, and the import is in the audit log.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM statement_mapping WHERE school_id = 1")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'bank_statement'")
            .await,
        2
    );
    app.assert_month_figures().await;
}

#[tokio::test]
async fn one_bad_row_is_named_and_nothing_is_written() {
    let app = start().await;
    let session = accountant(&app).await;
    let open = app.unpaid_invoices(1).await;
    let good = statement(&[("FT100", open[0].1, &format!("HP {}", open[0].0))]);
    let broken = format!(
        "{good}100,31/11/2026 08:00:00,FT101,,\"50,000\",abc\n101,26/11/2026,,,\"20,000\",no ref\n102,26/11/2026,FT102,,\"1,000.50\",x\n"
    );
    let p = preview(&app, &session, &broken).await.unwrap();
    let problems: Vec<(usize, LineProblem)> = p
        .errors
        .iter()
        .map(|e| (e.row, e.problem.clone()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (9, LineProblem::BadDate("31/11/2026 08:00:00".into())),
            (10, LineProblem::MissingReference),
            (11, LineProblem::FractionalAmount("1,000.50".into())),
        ]
    );
    assert!(!p.can_commit());
    let before = payments(&app).await;
    assert_eq!(
        commit(&app, &session, &broken).await,
        Err(AppError::ImportRejected)
    );
    assert_eq!(payments(&app).await, before);
    assert_eq!(
        app.balance(&open[0].0).await,
        open[0].1,
        "not half-imported"
    );
}

#[tokio::test]
async fn columns_are_found_by_preset_or_by_hand_when_headings_are_unusual() {
    let app = start().await;
    let session = accountant(&app).await;
    let csv = "Ngay;Ma so;Tien;Ghi chu\n26/11/2026;X1;500000;HP thang 11\n";
    let p = preview(&app, &session, csv).await.unwrap();
    assert_eq!(p.mapping, None, "nothing recognisable: map by hand");
    assert_eq!(p.headings, vec!["Ngay", "Ma so", "Tien", "Ghi chu"]);
    let custom = json!({"Custom": {"date": "Ngay", "credit": "Tien", "reference": "Ma so", "memo": "Ghi chu", "payer": null}});
    let reply: StatementPreview = app
        .staff(
            "reconcile/statement-preview",
            json!({"school_id": SCHOOL, "account_id": account_id(&app).await, "content_base64": b64(csv), "mapping": custom}),
            Some(&session),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(reply.lines.len(), 1);
    assert_eq!(reply.lines[0].outcome, Outcome::Unmatched);
    // An unknown preset is a clear error, not a guess.
    let bad = app
        .staff(
            "reconcile/statement-preview",
            json!({"school_id": SCHOOL, "account_id": account_id(&app).await, "content_base64": b64(csv), "mapping": {"Preset": "nope"}}),
            Some(&session),
        )
        .await;
    assert_eq!(
        bad.answer::<Value>(),
        Err(AppError::InvalidInput(hocphi_app::error::Field::Mapping))
    );
}

#[tokio::test]
async fn the_same_transfer_by_notification_and_statement_is_recorded_once_in_either_order() {
    let app = start().await;
    let session = accountant(&app).await;
    let open = app.unpaid_invoices(2).await;
    let now = 1_795_000_000;
    // Notification first, statement later.
    let sent = app
        .notify(&json!({"transaction_id": "FT777", "account_number": SCHOOL_ACCOUNT, "amount": open[0].1,
            "received_at": now, "memo": format!("HP {}", open[0].0)}))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED);
    // Statement first, notification later.
    let csv = statement(&[
        ("ft777", open[0].1, &format!("HP {}", open[0].0)),
        ("FT888", open[1].1, &format!("HP {}", open[1].0)),
    ]);
    let done = commit(&app, &session, &csv).await.unwrap();
    assert_eq!(
        (done.recorded, done.known),
        (1, 1),
        "references compare without case"
    );
    let late = app
        .notify(&json!({"transaction_id": "FT888", "account_number": SCHOOL_ACCOUNT, "amount": open[1].1,
            "received_at": now, "memo": format!("HP {}", open[1].0)}))
        .await;
    assert_eq!(late.status, StatusCode::OK);
    assert_eq!(late.answer::<Value>().unwrap()["recorded"], false);
    for (code, _, _) in &open {
        assert_eq!(app.balance(code).await, 0, "paid once, not twice");
    }
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM payment WHERE external_id IN ('970436:1023456789:FT777', '970436:1023456789:FT888')"
        )
        .await,
        2
    );
}

fn sepay_request(key: Option<&str>, body: Value) -> Request<Body> {
    let mut req =
        Request::post("/api/v1/sepay/th-ha-long").header("content-type", "application/json");
    if let Some(key) = key {
        req = req.header("authorization", format!("Apikey {key}"));
    }
    req.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn sepay_webhooks_are_accepted_with_the_school_key_and_recorded_once() {
    let app = start().await;
    let key = app.bank_secret().await;
    let open = app.unpaid_invoices(1).await;
    // SePay's documented payload shape.
    let hook = json!({
        "id": 92704, "gateway": "Vietcombank", "transactionDate": "2026-11-26 09:02:37",
        "accountNumber": SCHOOL_ACCOUNT, "code": null, "content": format!("{} HP{} CT tu 0011", "IBFT", open[0].0),
        "transferType": "in", "transferAmount": open[0].1, "accumulated": 19077000,
        "subAccount": null, "referenceCode": "MBVCB.3278907687", "description": ""
    });
    let before = app.count("SELECT COUNT(*) FROM payment").await;
    for (key, status, kind) in [
        (None, StatusCode::UNAUTHORIZED, "unsigned"),
        (Some("wrong-key"), StatusCode::UNAUTHORIZED, "bad-key"),
    ] {
        let reply = app.send(sepay_request(key, hook.clone())).await;
        assert_eq!(reply.status, status);
        assert_eq!(reply.headers["content-type"], "application/problem+json");
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert!(body["type"].as_str().unwrap().ends_with(kind), "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM payment").await, before);

    let first = app.send(sepay_request(Some(&key), hook.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let body: Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(
        (body["success"].clone(), body["outcome"].clone()),
        (json!(true), json!("matched"))
    );
    assert_eq!(app.balance(&open[0].0).await, 0);
    let again = app.send(sepay_request(Some(&key), hook.clone())).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM payment").await, before + 1);
    let (at,): (i64,) = sqlx::query_as(
        "SELECT received_at FROM payment WHERE external_id = '970436:1023456789:MBVCB.3278907687'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(
        at,
        hocphi_app::server::clock::parse_instant("2026-11-26T09:02:37+07:00").unwrap()
    );

    // Money out is acknowledged and not recorded; a body that is not SePay's is refused.
    let mut out = hook.clone();
    out["transferType"] = json!("out");
    out["referenceCode"] = json!("OUT1");
    let reply = app.send(sepay_request(Some(&key), out)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let bad = app
        .send(sepay_request(Some(&key), json!({"hello": 1})))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT COUNT(*) FROM payment").await, before + 1);
}

#[tokio::test]
async fn the_accountant_matches_splits_marks_undoes_and_refunds_by_hand() {
    let app = start().await;
    let session = accountant(&app).await;
    let open = app.unpaid_invoices(2).await;
    let (a, b) = (&open[0], &open[1]);
    let now = 1_795_000_000;
    // A transfer naming the child but no code, for exactly what one invoice owes.
    let memo = format!("nop tien hoc cho con {}", a.2);
    app.notify(
        &json!({"transaction_id": "NOCODE1", "account_number": SCHOOL_ACCOUNT,
        "amount": a.1 + b.1, "received_at": now, "memo": memo}),
    )
    .await;
    app.notify(
        &json!({"transaction_id": "NOCODE2", "account_number": SCHOOL_ACCOUNT,
        "amount": 2_000_000, "received_at": now, "memo": "ung ho quy khuyen hoc"}),
    )
    .await;
    let queue = transfers(&app, &session, "NeedsReview").await;
    let first = queue
        .iter()
        .find(|t| t.reference == "NOCODE1")
        .expect("in the queue");
    assert_eq!(first.outcome, Outcome::Unmatched);
    let top = &first.suggestions[0];
    assert_eq!(
        top.invoice_code, a.0,
        "the child's invoice is suggested first"
    );
    assert!(top.reasons.contains(&Reason::FullName));

    // Split across two invoices.
    let parts = json!([{"invoice_code": a.0, "amount": a.1}, {"invoice_code": b.0, "amount": b.1}]);
    let call = |endpoint: &'static str, args: Value| {
        let (app, session) = (&app, session.clone());
        async move {
            app.staff(endpoint, args, Some(&session))
                .await
                .answer::<Value>()
        }
    };
    call(
        "reconcile/match",
        json!({"school_id": SCHOOL, "payment_id": first.payment_id, "parts": parts}),
    )
    .await
    .unwrap();
    assert_eq!((app.balance(&a.0).await, app.balance(&b.0).await), (0, 0));
    // Matching again is refused until undone.
    assert_eq!(
        call(
            "reconcile/match",
            json!({"school_id": SCHOOL, "payment_id": first.payment_id, "parts": parts})
        )
        .await,
        Err(AppError::PaymentAlreadySettled)
    );
    // Undo needs a reason, then the invoices are due again and the transfer is back in the queue.
    assert!(call(
        "reconcile/undo",
        json!({"school_id": SCHOOL, "payment_id": first.payment_id, "reason": " "})
    )
    .await
    .is_err());
    call(
        "reconcile/undo",
        json!({"school_id": SCHOOL, "payment_id": first.payment_id, "reason": "nhầm học sinh"}),
    )
    .await
    .unwrap();
    assert_eq!(app.balance(&a.0).await, a.1);
    let queue = transfers(&app, &session, "NeedsReview").await;
    let back = queue.iter().find(|t| t.reference == "NOCODE1").unwrap();
    assert_eq!(
        back.last_review.as_ref().map(|r| r.0.as_str()),
        Some("undo")
    );
    // More than the transfer, or more than an invoice owes, is refused.
    assert_eq!(
        call(
            "reconcile/match",
            json!({"school_id": SCHOOL, "payment_id": first.payment_id,
            "parts": [{"invoice_code": a.0, "amount": a.1 + 1}]})
        )
        .await,
        Err(AppError::AllocationTooLarge)
    );
    // One invoice, the rest a credit: the answer names the child it is kept for.
    let matched = call(
        "reconcile/match",
        json!({"school_id": SCHOOL, "payment_id": first.payment_id,
        "parts": [{"invoice_code": a.0, "amount": a.1}]}),
    )
    .await
    .unwrap();
    assert_eq!(
        matched,
        json!({"parts": [[a.0, a.2, a.1]], "credit": b.1, "credit_to": a.2})
    );
    let all = transfers(&app, &session, "All").await;
    let settled = all.iter().find(|t| t.reference == "NOCODE1").unwrap();
    assert_eq!(settled.outcome, Outcome::Overpaid);
    // The credit can be refunded, not more.
    assert_eq!(
        call(
            "reconcile/refund",
            json!({"school_id": SCHOOL, "payment_id": first.payment_id,
            "amount": b.1 + 1, "reference": "HT001", "refunded_on": "26/11/2026"})
        )
        .await,
        Err(AppError::RefundTooLarge)
    );
    call(
        "reconcile/refund",
        json!({"school_id": SCHOOL, "payment_id": first.payment_id,
        "amount": b.1, "reference": "HT001", "refunded_on": "26/11/2026"}),
    )
    .await
    .unwrap();
    assert_eq!(
        app.count(&format!(
            "SELECT remaining FROM credit WHERE payment_id = {}",
            first.payment_id
        ))
        .await,
        0
    );

    // Not a school fee: out of the queue, with its reason.
    let other = queue.iter().find(|t| t.reference == "NOCODE2").unwrap();
    assert!(other.suggestions.is_empty(), "nothing fits a donation");
    call("reconcile/not-fee", json!({"school_id": SCHOOL, "payment_id": other.payment_id, "reason": "tài trợ quỹ khuyến học"}))
        .await
        .unwrap();
    let queue = transfers(&app, &session, "NeedsReview").await;
    assert!(queue.iter().all(|t| t.reference != "NOCODE2"));
    // Every decision is in the audit log.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'payment'")
            .await,
        5
    );

    // A teacher may not touch money.
    let teacher = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let refused = app
        .staff(
            "reconcile/undo",
            json!({"school_id": SCHOOL, "payment_id": first.payment_id, "reason": "x"}),
            Some(&teacher),
        )
        .await;
    assert_eq!(refused.answer::<Value>(), Err(AppError::Forbidden));
    app.assert_month_figures().await;
}

#[tokio::test]
async fn a_paid_twice_transfer_is_flagged_and_its_refund_recorded() {
    let app = start().await;
    let session = accountant(&app).await;
    let open = app.unpaid_invoices(1).await;
    let (code, total, _) = &open[0];
    let now = 1_795_000_000;
    for id in ["DUP1", "DUP2"] {
        app.notify(
            &json!({"transaction_id": id, "account_number": SCHOOL_ACCOUNT, "amount": total,
            "received_at": now, "memo": format!("HP {code}")}),
        )
        .await;
    }
    let queue = transfers(&app, &session, "NeedsReview").await;
    let dup = queue
        .iter()
        .find(|t| t.reference == "DUP2")
        .expect("flagged for review");
    assert_eq!(dup.outcome, Outcome::Duplicate);
    assert_eq!(dup.unallocated().dong(), *total);
    app.staff(
        "reconcile/refund",
        json!({"school_id": SCHOOL, "payment_id": dup.payment_id, "amount": total, "reference": "HOAN-DUP2", "refunded_on": "26/11/2026"}),
        Some(&session),
    )
    .await
    .answer::<Value>()
    .unwrap();
    let queue = transfers(&app, &session, "NeedsReview").await;
    assert!(
        queue.iter().all(|t| t.reference != "DUP2"),
        "refunded in full: off the queue"
    );
    let all = transfers(&app, &session, "All").await;
    assert_eq!(
        all.iter()
            .find(|t| t.reference == "DUP2")
            .unwrap()
            .refunded
            .dong(),
        *total
    );
    assert_eq!(app.balance(code).await, 0);
    app.assert_month_figures().await;
}

#[tokio::test]
async fn an_xlsx_statement_keeps_times_reads_numbers_and_skips_money_out() {
    let app = start().await;
    let session = accountant(&app).await;
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/statement-bidv.xlsx"),
    )
    .unwrap();
    let content = base64::engine::general_purpose::STANDARD.encode(bytes);
    let p: StatementPreview = app
        .staff(
            "reconcile/statement-preview",
            json!({"school_id": SCHOOL, "account_id": account_id(&app).await, "content_base64": content, "mapping": {"Preset": "bidv"}}),
            Some(&session),
        )
        .await
        .answer()
        .unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.skipped, 2, "the SMS fee (money out) and the totals row");
    let lines: Vec<(usize, &str, i64, i64)> = p
        .lines
        .iter()
        .map(|l| (l.row, l.reference.as_str(), l.amount.dong(), l.at))
        .collect();
    let at = |s: &str| hocphi_app::server::clock::parse_instant(s).unwrap();
    assert_eq!(
        lines,
        vec![
            (7, "BIDV25110001", 745_000, at("2026-11-25T08:30:15+07:00")),
            (
                9,
                "BIDV25110003",
                1_250_000,
                at("2026-11-26T09:45:59+07:00")
            ),
        ]
    );
    // The headings are recognised without the preset too.
    let auto: StatementPreview = app
        .staff(
            "reconcile/statement-preview",
            json!({"school_id": SCHOOL, "account_id": account_id(&app).await, "content_base64": content, "mapping": "Auto"}),
            Some(&session),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(auto.lines, p.lines);
}

/// Bank notifications arriving during a long statement import are recorded
/// between the import's batches, not after the whole file: the import sees a
/// writer waiting (`WriteTx::others_waiting`) and ends its write turn early.
#[tokio::test]
async fn notifications_during_a_long_import_go_in_between_its_batches() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let app = start().await;
    let session = accountant(&app).await;
    // Lines with no code: each is recorded as unmatched, no receipt, so the
    // import is long without needing thousands of invoices. One whole turn of
    // ten batches: a notification has nine chances to get in between, even on
    // a loaded machine where getting to the write lock is slow.
    const LINES: usize = hocphi_app::server::ledger::turns::TURN_MAX;
    let csv = uncoded_statement("BULK", LINES);
    let finished = AtomicBool::new(false);
    let import = async {
        let done = commit(&app, &session, &csv).await;
        finished.store(true, Ordering::SeqCst);
        done
    };
    // One notification after another until the import ends: those that
    // arrive while it records must not wait for the whole file.
    let notifications = async {
        let mut n = 0;
        while !finished.load(Ordering::SeqCst) && n < 1000 {
            let sent = app
                .notify(&json!({"transaction_id": format!("FT42{n:03}"), "account_number": SCHOOL_ACCOUNT,
                    "amount": 50_000, "received_at": 1_795_000_000, "memo": "chuyen khoan"}))
                .await;
            assert!(sent.status.is_success(), "{}", sent.status);
            n += 1;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    };
    let (done, ()) = tokio::join!(import, notifications);
    assert_eq!(done.unwrap().recorded, LINES);
    let between = app
        .count(
            "SELECT COUNT(*) FROM payment WHERE external_id LIKE '%:FT42%' \
             AND id > (SELECT MIN(id) FROM payment WHERE external_id LIKE '%:BULK%') \
             AND id < (SELECT MAX(id) FROM payment WHERE external_id LIKE '%:BULK%')",
        )
        .await;
    assert!(
        between > 0,
        "no notification was recorded while the import ran: they waited for the whole file"
    );
    // Every turn has its audit line.
    let turns = app
        .count("SELECT COUNT(*) FROM audit_log WHERE entity = 'bank_statement'")
        .await;
    assert!(turns >= 2, "the import ended a turn for a notification");
}

/// A write outside a transaction (here the audit line of a staff member
/// looking at the student list) also makes a long import end its turn: it
/// waits for the write turn, counted, instead of polling SQLite's lock until
/// the whole file is recorded.
#[tokio::test]
async fn a_logged_look_during_a_long_import_does_not_wait_for_the_whole_file() {
    use hocphi_app::server::database::Engine;
    use std::sync::atomic::{AtomicBool, Ordering};
    let app = start().await;
    if Engine::of(&app.db) != Engine::Sqlite {
        // PostgreSQL locks rows, not the database: such a write never waits
        // for the import, and the import has no reason to end its turn.
        return;
    }
    let session = accountant(&app).await;
    let csv = uncoded_statement("LOOK", hocphi_app::server::ledger::turns::TURN_MAX);
    let finished = AtomicBool::new(false);
    let import = async {
        let done = commit(&app, &session, &csv).await;
        finished.store(true, Ordering::SeqCst);
        done
    };
    let looks = async {
        let mut n = 0;
        while !finished.load(Ordering::SeqCst) && n < 1000 {
            let listed = app
                .staff(
                    "students/list",
                    json!({"school_id": SCHOOL}),
                    Some(&session),
                )
                .await;
            assert!(listed.status.is_success(), "{}", listed.status);
            n += 1;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    };
    let (done, ()) = tokio::join!(import, looks);
    assert!(done.is_ok());
    // The import's turns each end with their audit line: a look logged
    // between two of them got in while the file was being recorded.
    let between = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND entity = 'students' \
             AND id > (SELECT MIN(id) FROM audit_log WHERE entity = 'bank_statement') \
             AND id < (SELECT MAX(id) FROM audit_log WHERE entity = 'bank_statement')",
        )
        .await;
    assert!(
        between > 0,
        "no look was logged while the import ran: they waited for the whole file"
    );
}

/// A statement longer than one write turn that fails midway keeps the turns it
/// committed (each logged), tells the accountant how far it got, and importing
/// the same file again finishes it without counting a line twice.
#[tokio::test]
async fn an_import_that_fails_midway_says_how_far_it_got_and_importing_again_finishes_it() {
    use hocphi_app::server::database::Engine;
    use hocphi_app::server::ledger::turns::{BATCH, TURN_MAX};
    let app = start().await;
    let session = accountant(&app).await;
    let lines_count = TURN_MAX + BATCH;
    let csv = uncoded_statement("CUT", lines_count);
    // The database refuses one line of the second turn, as a full disk would.
    let failing = format!("%:CUT{:05}", TURN_MAX + 10);
    let sqlite = Engine::of(&app.db) == Engine::Sqlite;
    let setup: Vec<String> = if sqlite {
        vec![format!(
            "CREATE TRIGGER fail_line BEFORE INSERT ON payment WHEN NEW.external_id LIKE '{failing}' \
             BEGIN SELECT RAISE(ABORT, 'injected'); END"
        )]
    } else {
        vec![
            format!(
                "CREATE FUNCTION fail_line() RETURNS trigger AS $$ BEGIN \
                 IF NEW.external_id LIKE '{failing}' THEN RAISE EXCEPTION 'injected'; END IF; \
                 RETURN NEW; END $$ LANGUAGE plpgsql"
            ),
            "CREATE TRIGGER fail_line BEFORE INSERT ON payment FOR EACH ROW EXECUTE FUNCTION fail_line()"
                .to_string(),
        ]
    };
    for sql in &setup {
        sqlx::query(sql).execute(&app.db).await.unwrap();
    }
    // Whole turns are kept: the first one, unless another writer made it end
    // early (then as many whole batches as it recorded).
    let Err(AppError::ImportCutShort { recorded, lines }) = commit(&app, &session, &csv).await
    else {
        panic!("the import must say how far it got");
    };
    assert_eq!(lines, lines_count as u64);
    assert!(
        recorded > 0 && recorded <= TURN_MAX as u64 && recorded % BATCH as u64 == 0,
        "{recorded} lines recorded"
    );
    let counted = "SELECT COUNT(*) FROM payment WHERE external_id LIKE '%:CUT%'";
    assert_eq!(
        app.count(counted).await,
        recorded as i64,
        "the turns are kept"
    );
    assert!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'bank_statement'")
            .await
            >= 1,
        "and logged"
    );
    let drop_trigger = if sqlite {
        "DROP TRIGGER fail_line"
    } else {
        "DROP TRIGGER fail_line ON payment"
    };
    sqlx::query(drop_trigger).execute(&app.db).await.unwrap();
    let finished = commit(&app, &session, &csv).await.unwrap();
    assert_eq!(
        (finished.recorded as u64, finished.known as u64),
        (lines - recorded, recorded)
    );
    assert_eq!(app.count(counted).await, lines_count as i64);
}

/// A statement of several batches: its receipts, owed by its turns, are
/// issued before the import answers, in batches, each stored while the next
/// is read and numbered (signing overlaps the database's work). Every part
/// paid gets exactly one receipt of its own amount, and the school's numbers
/// run on without a gap or a repeat.
#[tokio::test]
async fn a_statement_of_several_batches_gets_every_receipt_numbered_without_gaps() {
    use hocphi_app::server::ledger::turns::BATCH;
    let app = start().await;
    let session = accountant(&app).await;
    // Small parts of the open invoices, several each, until the file spans
    // two batches and a bit of a third.
    let lines = 2 * BATCH + 10;
    let before = app.count("SELECT COUNT(*) FROM receipt").await;
    let done = commit(&app, &session, &small_parts(&app, "MANY", lines).await)
        .await
        .unwrap();
    assert_eq!(done.recorded, lines);
    assert_eq!(done.receipts_pending, 0, "issued before the answer");
    one_receipt_each(&app, "MANY", lines, before).await;
    let numbers: Vec<(i64,)> = sqlx::query_as(
        "SELECT number FROM receipt WHERE school_id = 1 AND year = (SELECT MAX(year) FROM receipt) \
         AND series = (SELECT series FROM receipt WHERE id = (SELECT MAX(id) FROM receipt)) ORDER BY number",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    let numbers: Vec<i64> = numbers.into_iter().map(|(n,)| n).collect();
    assert_eq!(
        numbers,
        (1..=numbers.len() as i64).collect::<Vec<_>>(),
        "the series runs 1..n"
    );
    app.assert_month_figures().await;
}

/// A statement longer than a school's month answers once its payments are
/// recorded; its receipts follow in the background, every one, numbered
/// without a gap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_statements_receipts_follow_its_answer() {
    use hocphi_app::api::reconcile::RECEIPTS_BEFORE_ANSWER;
    use hocphi_app::server::ledger::owed;
    let app = start().await;
    let session = accountant(&app).await;
    let lines = RECEIPTS_BEFORE_ANSWER + 1;
    let before = app.count("SELECT COUNT(*) FROM receipt").await;
    let done = commit(&app, &session, &small_parts(&app, "LONG", lines).await)
        .await
        .unwrap();
    assert_eq!(done.recorded, lines);
    assert_eq!(
        done.receipts_pending, lines,
        "the answer says the receipts are still being issued"
    );
    let mut left = -1;
    for _ in 0..600 {
        left = owed::owed_count(&app.db).await.unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(left, 0, "every owed receipt issued");
    one_receipt_each(&app, "LONG", lines, before).await;
    assert_eq!(app.count(RECEIPT_NUMBER_GAPS).await, 0);
    app.assert_month_figures().await;
}

/// A statement of `lines` lines, each paying 1,000 đ of one of the school's
/// open invoices in turn (several parts each), referenced `<prefix>00000`….
async fn small_parts(app: &TestApp, prefix: &str, lines: usize) -> String {
    let open = app.unpaid_invoices(200).await;
    let lines: Vec<(String, i64, String)> = (0..lines)
        .map(|n| {
            let (code, _, _) = &open[n % open.len()];
            (
                format!("{prefix}{n:05}"),
                1_000,
                format!("HP {code} lan {n}"),
            )
        })
        .collect();
    statement_of(&lines)
}

/// Every one of the `lines` payments referenced `<prefix>…` has exactly one
/// receipt, of its amount, and they are all the receipts issued since there
/// were `before`.
async fn one_receipt_each(app: &TestApp, prefix: &str, lines: usize, before: i64) {
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM payment p WHERE p.external_id LIKE '%:{prefix}%' \
             AND (SELECT COUNT(*) FROM receipt r WHERE r.payment_id = p.id) = 1 \
             AND (SELECT r.total FROM receipt r WHERE r.payment_id = p.id) = p.amount"
        ))
        .await,
        lines as i64,
        "one receipt of its amount for every part paid"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM receipt").await - before,
        lines as i64
    );
}

/// A school's import waits for its own receipts only, not for what another
/// file (another school's long statement) still owes.
#[tokio::test]
async fn an_import_issues_its_own_receipts_not_anothers() {
    let app = start().await;
    let session = accountant(&app).await;
    // Another file's payment, still owed (as a long statement's are for a
    // few seconds).
    sqlx::query(
        "INSERT INTO receipt_owed (payment_id, school_id) \
         SELECT MIN(id), MIN(school_id) FROM payment WHERE school_id = 2",
    )
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM receipt_owed").await, 1);
    let before = app.count("SELECT COUNT(*) FROM receipt").await;
    let done = commit(&app, &session, &small_parts(&app, "OWN", 3).await)
        .await
        .unwrap();
    assert_eq!(done.receipts_pending, 0);
    one_receipt_each(&app, "OWN", 3, before).await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM receipt_owed").await,
        1,
        "the other file's left to its own issuing"
    );
}
