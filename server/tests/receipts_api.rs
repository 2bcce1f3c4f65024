//! Receipts: issued with every settlement, numbered without gaps (also under
//! concurrency, restarting each year), signed, verifiable by anyone holding the
//! link, cancelled and replaced without deleting anything, and still verifiable
//! after the school's key is rotated.

mod support;

use axum::http::StatusCode;
use hocphi_app::domain::money::Vnd;
use hocphi_app::domain::receipt::Verdict;
use hocphi_app::error::AppError;
use hocphi_app::model::{ChildOverview, ReceiptView};
use hocphi_app::server::clock::Clock;
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD};
use serde_json::{json, Value};
use support::*;

async fn pay(app: &TestApp, reference: &str, code: &str, amount: i64) {
    let reply = app
        .notify(&json!({"transaction_id": reference, "account_number": SCHOOL_ACCOUNT, "amount": amount,
            "received_at": app.clock.now(), "memo": format!("IBFT HP{code}"), "payer_name": "NGUYEN VAN HUNG"}))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
}

/// A receipt as anyone reads it (JSON), checked against the receipt app's copy (postcard).
async fn receipt(app: &TestApp, code: &str) -> Result<ReceiptView, AppError> {
    let json = app.rpc("receipt", &[("code", code)]).await;
    let postcard = app.rpc("receipt/view", &[("code", code)]).await;
    assert_eq!(json, postcard, "the two encodings carry the same receipt");
    json
}

async fn server_verdict(app: &TestApp, code: &str, proof: &str) -> Verdict {
    app.rpc("receipt/verify", &[("code", code), ("proof", proof)])
        .await
        .unwrap()
}

/// Receipt numbers of a school's series, in order.
async fn numbers(app: &TestApp, series: &str) -> Vec<i64> {
    sqlx::query_as::<_, (i64,)>(
        "SELECT number FROM receipt WHERE school_id = 1 AND series = $1 ORDER BY number",
    )
    .bind(series)
    .fetch_all(&app.db)
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.0)
    .collect()
}

/// School 1's receipts, all periods, as its accountant's list shows them.
async fn school_receipts(app: &TestApp, session: &str) -> Vec<hocphi_app::staff::StaffReceiptRow> {
    app.staff(
        "receipts/list",
        json!({"school_id": 1, "period": ""}),
        Some(session),
    )
    .await
    .answer()
    .unwrap()
}

#[tokio::test]
async fn a_settled_transfer_has_a_signed_receipt_the_parent_sees_and_anyone_can_check() {
    let app = start().await;
    let access = app.featured_child().await;
    let o = app.overview(&access).await;
    let invoice = &o.invoices[0];
    assert!(!o
        .receipts
        .iter()
        .any(|r| r.invoice_code == invoice.code.to_string()));
    pay(
        &app,
        "FT-RECEIPT-1",
        invoice.code.as_str(),
        invoice.total.dong(),
    )
    .await;

    let o: ChildOverview = app.rpc("child", &[("token", &access.token)]).await.unwrap();
    let link = o
        .receipts
        .iter()
        .find(|r| r.invoice_code == invoice.code.to_string())
        .expect("the parent sees the receipt");
    let detail = app.invoice(&access, invoice.code.as_str()).await;
    assert_eq!(detail.receipts, vec![link.clone()]);

    let view = receipt(&app, &link.code).await.unwrap();
    let c = &view.content;
    assert_eq!(c.receipt_type, "Biên lai thu tiền");
    assert_eq!((c.form_number.as_str(), c.series.as_str()), ("", "2026"));
    assert_eq!(c.number.len(), 7);
    assert_eq!(c.student, "Nguyễn Minh An");
    assert_eq!(c.class, "3A");
    assert_eq!(c.payer, "NGUYEN VAN HUNG");
    assert_eq!(c.school_tax_code, "5700123456");
    assert_eq!(c.total, invoice.total);
    assert_eq!(c.items.iter().map(|i| i.amount).sum::<Vnd>(), c.total);
    assert!(c.total_in_words.ends_with(" đồng"), "{}", c.total_in_words);
    assert_eq!(
        (c.method.as_str(), c.reference.as_str()),
        ("bank_transfer", "FT-RECEIPT-1")
    );
    assert_eq!(link.proof, view.proof);

    // The browser's check and the server's agree: valid.
    let browser = view.verdict(&link.proof);
    assert!(browser.is_valid(), "{browser:?}");
    assert_eq!(server_verdict(&app, &link.code, &link.proof).await, browser);
    // Any change to the proof: not valid, on both sides.
    let mut tampered: Vec<char> = link.proof.chars().collect();
    let i = tampered.len() - 5;
    tampered[i] = if tampered[i] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let bad = server_verdict(&app, &link.code, &tampered).await;
    assert!(!bad.is_valid());
    assert_eq!(bad, view.verdict(&tampered));
    // Content changed after signing: not valid.
    let mut changed = view.clone();
    changed.content.total += Vnd::new(1);
    assert_eq!(changed.verdict(&link.proof).content_matches, Some(false));
    assert_eq!(
        receipt(&app, "no-such-receipt").await,
        Err(AppError::NotFound)
    );

    // The PDF, for printing or keeping.
    let pdf = app
        .send(
            axum::http::Request::get(format!("/r/{}/pdf", link.code))
                .header("host", "hocphi.example.vn")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.body.starts_with(b"%PDF-"));
    let missing = app
        .send(
            axum::http::Request::get("/r/nope/pdf")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // The school's keys are published, with the one that signed.
    let keys = app
        .send(
            axum::http::Request::get("/api/v1/schools/th-ha-long/receipt-keys")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let keys: Value = serde_json::from_slice(&keys.body).unwrap();
    assert_eq!(keys["algorithm"], "Ed25519");
    assert!(keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| link.proof.starts_with(k["key_id"].as_str().unwrap())));
}

#[tokio::test]
async fn numbers_have_no_gap_or_repeat_under_50_concurrent_settlements_and_restart_each_year() {
    let app = std::sync::Arc::new(start().await);
    let before = numbers(&app, "2026").await;
    assert_eq!(
        before,
        (1..=before.len() as i64).collect::<Vec<_>>(),
        "the demo's receipts are numbered 1..n"
    );
    let open = app.unpaid_invoices(50).await;
    assert_eq!(open.len(), 50);
    let mut tasks = Vec::new();
    for (i, (code, total, _)) in open.into_iter().enumerate() {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            pay(&app, &format!("FT-CONC-{i}"), &code, total).await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let after = numbers(&app, "2026").await;
    assert_eq!(after.len(), before.len() + 50);
    assert_eq!(
        after,
        (1..=after.len() as i64).collect::<Vec<_>>(),
        "no gap, no repeat"
    );

    // On 1 January the numbering starts again, in the new year's series.
    app.clock.advance(
        hocphi_app::server::clock::parse_instant("2027-01-01T00:05:00+07:00").unwrap()
            - app.clock.now(),
    );
    let next = app.unpaid_invoices(1).await;
    pay(&app, "FT-NEW-YEAR", &next[0].0, next[0].1).await;
    assert_eq!(numbers(&app, "2027").await, vec![1]);
}

#[tokio::test]
async fn a_rotated_key_still_verifies_old_receipts() {
    let app = start().await;
    let (old_code, old_proof): (String, String) = sqlx::query_as(
        "SELECT public_code, key_id || '.' || digest || '.' || signature FROM receipt WHERE school_id = 1 LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mut conn = app.db.acquire().await.unwrap();
    let new_key = hocphi_app::server::receipts::rotate(
        &mut conn,
        &app.vault,
        hocphi_app::domain::ids::SchoolId(1),
        app.clock.now_time(),
    )
    .await
    .unwrap();
    drop(conn);
    assert!(!old_proof.starts_with(&new_key));
    assert!(server_verdict(&app, &old_code, &old_proof).await.is_valid());

    let open = app.unpaid_invoices(1).await;
    pay(&app, "FT-AFTER-ROTATION", &open[0].0, open[0].1).await;
    let (code, proof): (String, String) = sqlx::query_as(
        "SELECT public_code, key_id || '.' || digest || '.' || signature FROM receipt ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(proof.starts_with(&new_key), "new receipts use the new key");
    assert!(server_verdict(&app, &code, &proof).await.is_valid());
    let view = receipt(&app, &code).await.unwrap();
    assert_eq!(view.keys.len(), 2, "the retired key stays published");
}

#[tokio::test]
async fn a_cancelled_receipt_verifies_as_cancelled_and_its_replacement_as_valid() {
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let (code, proof): (String, String) = sqlx::query_as(
        "SELECT public_code, key_id || '.' || digest || '.' || signature FROM receipt WHERE school_id = 1 LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let old = receipt(&app, &code).await.unwrap();
    let reply = app
        .staff(
            "receipts/replace",
            json!({"school_id": 1, "code": code, "reason": "Sai tên người nộp", "payer": "TRẦN THỊ BÌNH"}),
            Some(&session),
        )
        .await;
    let fresh: String = reply.answer().unwrap();

    let cancelled = server_verdict(&app, &code, &proof).await;
    assert!(cancelled.cancelled && cancelled.signature_valid && !cancelled.is_valid());
    let old_view = receipt(&app, &code).await.unwrap();
    assert_eq!(old_view.verdict(&proof), cancelled);
    assert_eq!(old_view.replaced_by.as_deref(), Some(fresh.as_str()));
    assert_eq!(
        old_view.cancellation.as_ref().unwrap().1,
        "Sai tên người nộp"
    );

    let new_view = receipt(&app, &fresh).await.unwrap();
    assert_eq!(new_view.content.payer, "TRẦN THỊ BÌNH");
    assert_eq!(new_view.content.replaces, Some(old.content.label()));
    assert!(new_view.verdict(&new_view.proof).is_valid());
    assert_ne!(new_view.content.number, old.content.number);
    // The school's list names the replacement by its number, on both databases.
    let rows = school_receipts(&app, &session).await;
    let listed = rows.iter().find(|r| r.code == code).unwrap();
    assert_eq!(listed.replaced_by, Some(new_view.content.label()));

    // Cancelling again is refused; nothing is ever deleted or rewritten.
    let again = app
        .staff(
            "receipts/replace",
            json!({"school_id": 1, "code": code, "reason": "x", "payer": ""}),
            Some(&session),
        )
        .await;
    assert_eq!(again.answer::<Value>(), Err(AppError::NotFound));
    assert!(sqlx::query("DELETE FROM receipt")
        .execute(&app.db)
        .await
        .is_err());
    assert!(sqlx::query("UPDATE receipt SET content = '{}'")
        .execute(&app.db)
        .await
        .is_err());
    // Another school's accountant cannot touch it.
    let other = app
        .staff(
            "receipts/replace",
            json!({"school_id": 3, "code": fresh, "reason": "x", "payer": ""}),
            Some(&session),
        )
        .await;
    assert_eq!(other.answer::<Value>(), Err(AppError::Forbidden));
}

#[tokio::test]
async fn undoing_a_match_cancels_its_receipt_and_the_export_lists_both() {
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let open = app.unpaid_invoices(1).await;
    pay(&app, "FT-UNDO", &open[0].0, open[0].1).await;
    let (payment_id,): (i64,) =
        sqlx::query_as("SELECT id FROM payment WHERE external_id = '970436:1023456789:FT-UNDO'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    app.staff(
        "reconcile/undo",
        json!({"school_id": 1, "payment_id": payment_id, "reason": "nhầm hoá đơn"}),
        Some(&session),
    )
    .await
    .answer::<Value>()
    .unwrap();
    let (cancelled, reason): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT cancelled_at, cancel_reason FROM receipt WHERE payment_id = $1")
            .bind(payment_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(cancelled.is_some());
    assert_eq!(reason.as_deref(), Some("Hoàn tác gạch nợ: nhầm hoá đơn"));

    let rows = school_receipts(&app, &session).await;
    assert!(rows
        .iter()
        .any(|r| r.reference == "FT-UNDO" && r.cancelled.is_some()));
    let xlsx: String = app
        .staff(
            "receipts/export",
            json!({"school_id": 1, "period": "2026-11"}),
            Some(&session),
        )
        .await
        .answer()
        .unwrap();
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(xlsx)
        .unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("Bien lai").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[0], "Số biên lai");
    assert!(sheet.rows().any(|r| r
        .iter()
        .any(|c| c.to_string().contains("Đã huỷ (Hoàn tác gạch nợ"))));
    // The month and the way of paying in words, as on the receipt.
    let undone = sheet
        .rows()
        .find(|r| r.iter().any(|c| *c == "FT-UNDO"))
        .unwrap();
    assert_eq!(undone[6].to_string(), "11/2026");
    assert_eq!(undone[8].to_string(), "Chuyển khoản ngân hàng");
}

#[tokio::test]
async fn a_receipt_lists_only_what_was_billed_and_paid_so_its_lines_add_up() {
    let app = start().await;
    let access = app.featured_child().await;
    let o = app.overview(&access).await;
    let invoice = &o.invoices[0];
    let detail = app.invoice(&access, invoice.code.as_str()).await;
    let club = detail
        .lines
        .iter()
        .find(|l| l.voluntary)
        .expect("a voluntary fee");
    // The family declines the voluntary club, then pays what is left, in full.
    let declined: hocphi_app::model::InvoiceDetail = app
        .rpc(
            "decline",
            &[
                ("token", access.token.as_str()),
                ("code", invoice.code.as_str()),
                ("position", &club.position.to_string()),
                ("declined", "true"),
            ],
        )
        .await
        .unwrap();
    pay(
        &app,
        "FT-DECLINED-1",
        invoice.code.as_str(),
        declined.summary.total.dong(),
    )
    .await;
    let o: ChildOverview = app.rpc("child", &[("token", &access.token)]).await.unwrap();
    let link = o
        .receipts
        .iter()
        .find(|r| r.invoice_code == invoice.code.to_string())
        .unwrap();
    let c = receipt(&app, &link.code).await.unwrap().content;
    assert_eq!(c.total, declined.summary.total);
    assert_eq!(
        c.items.iter().map(|i| i.amount).sum::<Vnd>(),
        c.total,
        "{:?}",
        c.items
    );
    assert!(
        c.items.iter().all(|i| i.label != club.description),
        "the declined club is not on the receipt: {:?}",
        c.items
    );
}

#[tokio::test]
async fn a_school_s_registered_form_and_series_are_printed_from_its_next_receipt_and_only_both() {
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let details = |form: &str, series: &str| {
        json!({"school_id": 1, "legal_name": "Trường Tiểu học Hạ Long, phường Hồng Gai",
            "address": "phường Hồng Gai, tỉnh Quảng Ninh", "tax_code": "5700123456",
            "receipt_form_number": form, "receipt_series": series})
    };
    // Half a registration is refused, and nothing changes.
    let half = app
        .staff("school/details", details("01BLP0-001", ""), Some(&session))
        .await;
    assert_eq!(
        half.answer::<Value>(),
        Err(AppError::InvalidInput(
            hocphi_app::error::Field::ReceiptNumbering
        ))
    );
    let (first_code, total, _) = app.unpaid_invoices(1).await.remove(0);
    pay(&app, "FT-BEFORE-REG", &first_code, total).await;
    assert!(numbers(&app, "AA/26E").await.is_empty());

    // Both, typed in lower case: kept upper-cased, and the next receipt carries them.
    app.staff(
        "school/details",
        details(" 01blp0-001", "aa/26e "),
        Some(&session),
    )
    .await
    .answer::<Value>()
    .unwrap();
    let (code, total, _) = app.unpaid_invoices(1).await.remove(0);
    pay(&app, "FT-AFTER-REG", &code, total).await;
    assert_eq!(
        numbers(&app, "AA/26E").await,
        vec![1],
        "its own series starts at 1"
    );
    let (public_code,): (String,) = sqlx::query_as(
        "SELECT r.public_code FROM receipt r JOIN invoice i ON i.id = r.invoice_id WHERE i.code = $1",
    )
    .bind(&code)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let c = receipt(&app, &public_code).await.unwrap().content;
    assert_eq!(
        (c.form_number.as_str(), c.series.as_str(), c.number.as_str()),
        ("01BLP0-001", "AA/26E", "0000001")
    );
    assert_eq!(
        c.numbering_line(|vi, _| vi),
        "Mẫu số: 01BLP0-001 · Ký hiệu: AA/26E · Số: 0000001"
    );

    // Cleared again: back to hocphi's plain number, no form code.
    app.staff("school/details", details("", ""), Some(&session))
        .await
        .answer::<Value>()
        .unwrap();
    let (code, total, _) = app.unpaid_invoices(1).await.remove(0);
    pay(&app, "FT-AFTER-CLEAR", &code, total).await;
    let (form, series): (String, String) = sqlx::query_as(
        "SELECT r.content, r.series FROM receipt r JOIN invoice i ON i.id = r.invoice_id WHERE i.code = $1",
    )
    .bind(&code)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(series, "2026");
    assert!(form.contains("\"form_number\":\"\""), "{form}");
}
