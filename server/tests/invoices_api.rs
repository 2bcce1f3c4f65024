//! The accountant's invoice list and export, and voiding with a reason.

mod support;

use hocphi_app::error::{AppError, Field};
use hocphi_app::staff::{InvoiceRow, RunPreview};
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD, DEMO_TEACHER};
use serde_json::{json, Value};
use support::*;

const SCHOOL: i64 = 1;

/// The first sheet of an exported workbook (base64), as text cells.
fn sheet_rows(b64: &str) -> Vec<Vec<String>> {
    use base64::Engine;
    use calamine::Reader;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[tokio::test]
async fn the_list_filters_totals_and_exports_to_xlsx() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let list = |filter: Value| {
        let s = s.clone();
        let app = &app;
        async move {
            app.staff(
                "invoices/list",
                json!({"school_id": SCHOOL, "filter": filter}),
                Some(&s),
            )
            .await
            .answer::<Vec<InvoiceRow>>()
        }
    };
    let all = list(json!({"period": "", "class_name": "", "status": "", "search": ""}))
        .await
        .unwrap();
    assert_eq!(all.len(), 280, "140 students, two months");
    let nov_3a = list(json!({"period": "2026-11", "class_name": "3A", "status": "", "search": ""}))
        .await
        .unwrap();
    assert_eq!(nov_3a.len(), 14);
    // A class's register order: given name first, the Vietnamese alphabet.
    let names: Vec<&str> = nov_3a.iter().map(|r| r.student_name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| hocphi_app::domain::collate::name_cmp(a, b));
    assert_eq!(names, sorted);
    // A name typed without marks finds the child.
    let unmarked = list(
        json!({"period": "2026-11", "class_name": "", "status": "", "search": "nguyen minh an"}),
    )
    .await
    .unwrap();
    assert!(unmarked.iter().any(|r| r.student_name == "Nguyễn Minh An"));
    let open =
        list(json!({"period": "2026-11", "class_name": "3A", "status": "open", "search": ""}))
            .await
            .unwrap();
    assert!(open.iter().all(|r| r.status.is_open()));
    let an = list(json!({"period": "", "class_name": "", "status": "", "search": "minh an"}))
        .await
        .unwrap();
    // Every word typed begins a word of the name: Minh An, Minh Anh, An Minh;
    // not Lan or Toàn ("an" inside a word).
    let begins = |name: &str, w: &str| {
        hocphi_app::domain::memo::fold_to_ascii(name)
            .to_lowercase()
            .split(' ')
            .any(|n| n.starts_with(w))
    };
    assert!(!an.is_empty());
    assert!(an
        .iter()
        .all(|r| begins(&r.student_name, "minh") && begins(&r.student_name, "an")));
    assert!(an.iter().any(|r| r.student_name == "Nguyễn Minh An"));
    // A search longer than anyone types is refused before it is matched.
    assert_eq!(
        list(json!({"period": "", "class_name": "", "status": "", "search": "an ".repeat(40)}))
            .await,
        Err(AppError::InvalidInput(hocphi_app::error::Field::SearchText))
    );

    let b64: String = app
        .staff("invoices/export", json!({"school_id": SCHOOL, "filter": {"period": "2026-11", "class_name": "3A", "status": "", "search": ""}}), Some(&s))
        .await
        .answer()
        .unwrap();
    let rows = sheet_rows(&b64);
    assert_eq!(rows[0][0], "Mã hoá đơn");
    assert_eq!(rows[0][5], "Phải nộp (đ)");
    assert_eq!(rows.len(), 14 + 2, "header, 14 invoices, totals");
    let total: i64 = nov_3a.iter().map(|r| r.total.dong()).sum();
    assert_eq!(rows[15][4], "Tổng (không tính hoá đơn đã huỷ)");
    assert_eq!(rows[15][5], total.to_string());

    let t = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    for endpoint in ["invoices/list", "invoices/export"] {
        let r = app.staff(endpoint, json!({"school_id": SCHOOL, "filter": {"period": "", "class_name": "", "status": "", "search": ""}}), Some(&t)).await;
        assert_eq!(
            r.answer::<Value>(),
            Err(AppError::Forbidden),
            "teachers do not handle money: {endpoint}"
        );
    }
}

#[tokio::test]
async fn a_voided_invoice_keeps_its_payments_as_a_credit_for_the_reissue() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    // October's invoices are paid (demo data): take one paid in full.
    let paid: Vec<InvoiceRow> = app
        .staff("invoices/list", json!({"school_id": SCHOOL, "filter": {"period": "2026-10", "class_name": "3A", "status": "paid", "search": ""}}), Some(&s))
        .await
        .answer()
        .unwrap();
    let victim = &paid[0];
    let void = |reason: &str| json!({"school_id": SCHOOL, "code": victim.code, "reason": reason});
    assert_eq!(
        app.staff("invoices/void", void("  "), Some(&s))
            .await
            .answer::<Value>(),
        Err(AppError::InvalidInput(Field::Reason))
    );
    let done: Value = app
        .staff("invoices/void", void("Sai số ngày ăn"), Some(&s))
        .await
        .answer()
        .unwrap();
    // The answer says what moved: all it had paid, no credit it had used.
    assert_eq!(done, json!({"paid": victim.paid.dong(), "credits_back": 0}));
    assert_eq!(
        app.staff("invoices/void", void("again"), Some(&s))
            .await
            .answer::<Value>(),
        Err(AppError::NotFound)
    );

    // Reissue: run October for the class again; only the voided one is new, and it
    // takes off what was already paid.
    let run = json!({"school_id": SCHOOL, "period": "2026-10", "due_on": "20/10/2026", "scope": {"Class": "3A"}});
    let done: RunPreview = app
        .staff("invoice-runs/commit", run, Some(&s))
        .await
        .answer()
        .unwrap();
    assert_eq!(done.new_invoices, 1);
    let rows: Vec<InvoiceRow> = app
        .staff("invoices/list", json!({"school_id": SCHOOL, "filter": {"period": "2026-10", "class_name": "3A", "status": "", "search": victim.student_code}}), Some(&s))
        .await
        .answer()
        .unwrap();
    assert_eq!(rows.len(), 2);
    let voided = rows.iter().find(|r| r.code == victim.code).unwrap();
    assert_eq!(voided.void_reason.as_deref(), Some("Sai số ngày ăn"));
    let reissued = rows.iter().find(|r| r.code != victim.code).unwrap();
    // What was paid became a credit, and the reissued invoice takes it off.
    let (used, remaining): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COALESCE(CAST(SUM(u.amount) AS BIGINT), 0) FROM credit_use u JOIN invoice i ON i.id = u.invoice_id WHERE i.code = $1), \
                (SELECT COALESCE(CAST(SUM(remaining) AS BIGINT), 0) FROM credit)",
    )
    .bind(&reissued.code)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(used > 0);
    assert_eq!(used + remaining, victim.paid.dong(), "nothing paid is lost");
    assert!(reissued.total.dong() >= 0);
    app.assert_month_figures().await;

    // The spreadsheet lists the voided invoice, marked, and leaves it out of
    // its totals, as the screen does.
    let b64: String = app
        .staff("invoices/export", json!({"school_id": SCHOOL, "filter": {"period": "2026-10", "class_name": "3A", "status": "", "search": victim.student_code}}), Some(&s))
        .await
        .answer()
        .unwrap();
    let sheet = sheet_rows(&b64);
    assert_eq!(sheet.len(), 4, "header, two invoices, totals");
    assert!(sheet
        .iter()
        .any(|r| r[0] == victim.code && r[8] == "Đã huỷ"));
    assert_eq!(sheet[3][5], reissued.total.dong().to_string());
    assert_eq!(sheet[3][6], reissued.paid.dong().to_string());
}

#[tokio::test]
async fn an_invoice_opens_with_its_lines_payments_and_receipts_for_its_school_only() {
    let app = start().await;
    let s = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let detail = |school: i64, code: &str| {
        let s = s.clone();
        let app = &app;
        let code = code.to_string();
        async move {
            app.staff(
                "invoices/detail",
                json!({"school_id": school, "code": code}),
                Some(&s),
            )
            .await
            .answer::<hocphi_app::model::InvoiceDetail>()
        }
    };
    // A paid invoice of the demo school: its lines add up to its total, its
    // payment and its receipt are there.
    let paid: String = sqlx::query_scalar(
        "SELECT i.code FROM invoice i WHERE i.school_id = 1 AND EXISTS \
         (SELECT 1 FROM receipt r WHERE r.invoice_id = i.id) ORDER BY i.id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let d = detail(SCHOOL, &paid).await.unwrap();
    let counted: i64 = d
        .lines
        .iter()
        .filter(|l| !l.declined)
        .map(|l| l.amount.dong())
        .sum();
    assert_eq!(counted, d.summary.total.dong());
    assert!(!d.payments.is_empty() && !d.receipts.is_empty());
    // Another school's invoice is not found from this one, nor a made-up code.
    let elsewhere: String =
        sqlx::query_scalar("SELECT code FROM invoice WHERE school_id <> 1 ORDER BY id LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(detail(SCHOOL, &elsewhere).await, Err(AppError::NotFound));
    assert_eq!(detail(SCHOOL, "ZZZZZZZZ").await, Err(AppError::NotFound));
    // Nor from a school this accountant does not keep.
    let other_school: i64 = sqlx::query_scalar("SELECT school_id FROM invoice WHERE code = $1")
        .bind(&elsewhere)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        detail(other_school, &elsewhere).await,
        Err(AppError::Forbidden)
    );
}
