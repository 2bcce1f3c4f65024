//! The figures on a seeded data set whose answers were worked out by hand:
//! cash, partial payments, a voided invoice, a month outside the period,
//! payments split by method, an unmatched transfer, complaints.

mod support;

use hocphi_app::api::dashboard::{Dashboard, SchoolFigures};
use hocphi_app::domain::money::Vnd;
use hocphi_app::domain::report::Channel;
use hocphi_server::demo::{DEMO_OFFICER, DEMO_PASSWORD};
use serde_json::json;
use support::*;

/// Runs an INSERT and returns the new row's id.
async fn exec(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(&format!("{sql} RETURNING id"))
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A small school in the demo's province; returns its id.
async fn seed(app: &TestApp) -> i64 {
    let school = exec(app, "INSERT INTO school (office_id, slug, name, legal_name, address, tax_code, level) \
        VALUES ((SELECT id FROM office WHERE name = 'UBND phường Hồng Gai'), 'th-so-lieu', 'Trường Tiểu học Số Liệu', 'Trường Tiểu học Số Liệu', 'Hạ Long', '5700000001', 'primary')").await;
    let year: i64 =
        sqlx::query_as::<_, (i64,)>("SELECT id FROM school_year ORDER BY starts_on DESC LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap()
            .0;
    let class = exec(app, &format!("INSERT INTO class (school_id, school_year_id, name, grade) VALUES ({school}, {year}, '1A', 1)")).await;
    let invoice = |n: i64, period: &str, total: i64, voided: bool| {
        let sql = format!(
            "INSERT INTO student (school_id, code, full_name, date_of_birth) VALUES ({school}, 'SL{n}', 'Học sinh {n}', '2019-01-0{n}'); \
             INSERT INTO invoice (code, school_id, student_id, class_id, period, title, total, due_on, issued_at, voided_at) \
             VALUES ('SOLIEU{n}X', {school}, (SELECT id FROM student WHERE school_id = {school} AND code = 'SL{n}'), {class}, '{period}', 'Khoản thu', {total}, '{period}-20', 0, {});",
            if voided { "1" } else { "NULL" }
        );
        sql
    };
    let script = [
        invoice(1, "2026-10", 1_000_000, false), // A: paid in full by QR
        invoice(2, "2026-10", 800_000, false),   // B: 300 000 in cash
        invoice(3, "2026-11", 500_000, true),    // C: paid by card, then voided
        invoice(4, "2026-11", 700_000, false),   // D: 400 000 Mobile Money + 300 000 website
        invoice(5, "2026-09", 999_000, false),   // E: outside the period
    ];
    for sql in script {
        sqlx::raw_sql(&sql).execute(&app.db).await.unwrap();
    }
    let pay = |n: i64, invoice: &str, method: &str, amount: i64| {
        format!(
            "INSERT INTO payment (school_id, source, external_id, amount, received_at, outcome, method) \
             VALUES ({school}, 'bank_transfer', 'SL:{n}', {amount}, 1790000000, 'matched', '{method}'); \
             INSERT INTO payment_allocation (payment_id, invoice_id, amount) \
             SELECT (SELECT id FROM payment WHERE source = 'bank_transfer' AND external_id = 'SL:{n}'), id, {amount} FROM invoice WHERE code = '{invoice}';"
        )
    };
    for sql in [
        pay(1, "SOLIEU1X", "bank_transfer", 1_000_000),
        pay(2, "SOLIEU2X", "cash", 300_000),
        pay(3, "SOLIEU3X", "card", 500_000),
        pay(4, "SOLIEU4X", "mobile_money", 400_000),
        pay(5, "SOLIEU4X", "gateway", 300_000),
        pay(6, "SOLIEU5X", "bank_transfer", 999_000),
    ] {
        sqlx::raw_sql(&sql).execute(&app.db).await.unwrap();
    }
    // A transfer nobody could match yet.
    exec(app, &format!("INSERT INTO payment (school_id, source, external_id, amount, received_at, outcome, method) \
        VALUES ({school}, 'bank_transfer', 'SL:7', 123000, 1790000000, 'unmatched', 'bank_transfer')")).await;
    // Complaints: one open; two closed in November after 2 and 4 days.
    let nov_10 = 1_794_243_600; // 2026-11-10 00:00 in Vietnam
    for (status, closed_after) in [
        ("received", None),
        ("resolved", Some(2 * 86_400)),
        ("rejected", Some(4 * 86_400)),
    ] {
        exec(app, &format!(
            "INSERT INTO complaint (school_id, student_id, tracking_hash, kind, description, status, created_at, due_at, closed_at) \
             VALUES ({school}, (SELECT id FROM student WHERE code = 'SL1'), '{status}', 'other', 'x', '{status}', {nov_10}, {}, {})",
            nov_10 + 7 * 86_400,
            closed_after.map(|d| (nov_10 + d).to_string()).unwrap_or("NULL".into()),
        )).await;
    }
    school
}

#[tokio::test]
async fn every_figure_matches_the_hand_computed_answer() {
    let app = start().await;
    let school = seed(&app).await;
    let officer = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();
    let s: SchoolFigures = app
        .staff(
            "dashboard/school",
            json!({"school_id": school, "from": "2026-10", "to": "2026-11"}),
            Some(&officer),
        )
        .await
        .answer()
        .unwrap();
    let f = &s.figures;
    assert_eq!(f.invoices, 3, "A, B, D: C is voided, E is in September");
    assert_eq!(f.due, Vnd::new(2_500_000));
    assert_eq!(f.collected, Vnd::new(2_000_000));
    assert_eq!(f.collection_rate(), Some(8_000));
    let c = |ch| {
        let x = f.channel(ch);
        (x.count, x.amount.dong())
    };
    assert_eq!(c(Channel::QrTransfer), (1, 1_000_000));
    assert_eq!(c(Channel::Website), (1, 300_000));
    assert_eq!(c(Channel::MobileMoney), (1, 400_000));
    assert_eq!(
        c(Channel::Card),
        (0, 0),
        "the voided invoice's card payment is not collected"
    );
    assert_eq!(c(Channel::Cash), (1, 300_000));
    assert_eq!(f.cashless_share_by_count(), Some(7_500));
    assert_eq!(f.cashless_share_by_value(), Some(8_500));
    assert_eq!(f.unmatched, 1);
    assert_eq!(f.complaints_open, 1);
    assert_eq!(f.median_resolve_secs(), Some(2 * 86_400));
    assert_eq!((s.cashless_ready, s.contacts), (0, 0));

    // One month only: October.
    let oct: SchoolFigures = app
        .staff(
            "dashboard/school",
            json!({"school_id": school, "from": "2026-10", "to": "2026-10"}),
            Some(&officer),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(
        (
            oct.figures.invoices,
            oct.figures.due.dong(),
            oct.figures.collected.dong()
        ),
        (2, 1_800_000, 1_300_000)
    );

    // The office: this school among the demo's, and a total that adds up.
    let d: Dashboard = app
        .staff(
            "dashboard/office",
            json!({"from": "2026-10", "to": "2026-11"}),
            Some(&officer),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(d.schools.len(), 5, "the demo's four and this one");
    let sum: i64 = d.schools.iter().map(|s| s.figures.due.dong()).sum();
    assert_eq!(d.total.due.dong(), sum);
    assert!(d
        .schools
        .iter()
        .any(|x| x.id == school && x.figures == s.figures));
    let bad = app
        .staff(
            "dashboard/office",
            json!({"from": "2026-12", "to": "2026-10"}),
            Some(&officer),
        )
        .await;
    assert!(matches!(
        bad.answer::<Dashboard>(),
        Err(hocphi_app::error::AppError::InvalidInput(_))
    ));
}

#[tokio::test]
async fn a_school_submits_its_report_frozen_and_the_office_sends_it_back() {
    use hocphi_app::api::dashboard::ReportRow;
    use hocphi_server::demo::DEMO_ACCOUNTANT;
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let officer = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();
    let period = json!({"from": "2026-11", "to": "2026-11"});
    let submitted: ReportRow = app
        .staff("reports/submit", json!({"school_id": 1, "from": "2026-11", "to": "2026-11", "note": "Đã thu xong 3 lớp."}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    assert!(submitted.figures.invoices > 0);
    // A second submission of the same period is refused unless it says to replace.
    let again = app
        .staff(
            "reports/submit",
            json!({"school_id": 1, "from": "2026-11", "to": "2026-11", "note": "Lần hai."}),
            Some(&accountant),
        )
        .await
        .answer::<ReportRow>();
    assert!(
        matches!(again, Err(hocphi_app::error::AppError::ReportAlreadySubmitted { submitted_at }) if submitted_at == submitted.submitted_at),
        "{again:?}"
    );
    let submitted: ReportRow = app
        .staff("reports/submit", json!({"school_id": 1, "from": "2026-11", "to": "2026-11", "note": "Đã thu xong 3 lớp.", "replace": true}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    // Frozen: money arriving later does not change the submitted copy.
    let reply = app
        .notify(
            &json!({"transaction_id": "LATE-1", "account_number": "1023456789", "amount": 50_000,
            "received_at": 1_795_000_000, "memo": "ung ho"}),
        )
        .await;
    assert_eq!(reply.status, axum::http::StatusCode::CREATED);
    let officers_view: Vec<(i64, String, Option<ReportRow>)> = app
        .staff("reports/office", period.clone(), Some(&officer))
        .await
        .answer()
        .unwrap();
    assert_eq!(officers_view.len(), 4, "every school of the province");
    let with: Vec<_> = officers_view
        .iter()
        .filter(|(_, _, r)| r.is_some())
        .collect();
    assert_eq!(with.len(), 1, "one school submitted, two have not");
    assert_eq!(with[0].2.as_ref().unwrap().figures, submitted.figures);
    // Sends the report back as this person, with this comment.
    let send_back = |who, comment: &'static str| {
        let app = &app;
        let report = submitted.id;
        async move {
            app.staff(
                "reports/return",
                json!({"report_id": report, "comment": comment}),
                Some(who),
            )
            .await
        }
    };
    // The officer cannot submit; the accountant cannot send back.
    let refused = send_back(&accountant, "Thiếu số liệu tiền mặt").await;
    assert_eq!(
        refused.answer::<()>(),
        Err(hocphi_app::error::AppError::Forbidden)
    );
    // The Department reads the ward's school's report but does not send it
    // back: that is the ward's, to whom it was sent.
    assert_eq!(with[0].2.as_ref().unwrap().office, "UBND phường Hồng Gai");
    let overruled = send_back(&officer, "Sở yêu cầu bổ sung").await;
    assert_eq!(
        overruled.answer::<()>(),
        Err(hocphi_app::error::AppError::Forbidden)
    );
    let ward = app
        .sign_in(hocphi_server::demo::DEMO_WARD_OFFICER, DEMO_PASSWORD)
        .await
        .unwrap();
    let back = send_back(&ward, "Thiếu số liệu tiền mặt").await;
    assert_eq!(back.status, axum::http::StatusCode::OK);
    let school_view: Vec<ReportRow> = app
        .staff("reports/school", json!({"school_id": 1}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    assert!(school_view[0].returned);
    assert_eq!(
        school_view[0].return_comment.as_deref(),
        Some("Thiếu số liệu tiền mặt")
    );
    // Sent back, it is submitted again without `replace`: that is what was asked.
    let resubmitted: ReportRow = app
        .staff("reports/submit", json!({"school_id": 1, "from": "2026-11", "to": "2026-11", "note": "Đã bổ sung tiền mặt."}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    assert!(!resubmitted.returned);
    // The dashboard as a spreadsheet.
    let xlsx: String = app
        .staff("dashboard/export", period, Some(&officer))
        .await
        .answer()
        .unwrap();
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(xlsx)
        .unwrap();
    assert_eq!(&bytes[..2], b"PK");
}

#[tokio::test]
async fn the_office_sets_a_reporting_calendar_its_schools_read_and_no_other_office_sees() {
    use hocphi_app::api::dashboard::ReportDeadline;
    use hocphi_app::domain::date::Date;
    use hocphi_app::error::{AppError, Field};
    use hocphi_app::server::clock::Clock;
    use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_TEACHER};
    type Calendar = (Date, Vec<ReportDeadline>);
    let app = start().await;
    let officer = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let teacher = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    // Typed as accountants write months.
    let set = |due: &str| json!({"from": "11/2026", "to": "11/2026", "due_on": due});

    // A deadline inside the period, or typed wrong, is refused, and nothing is kept.
    let long = "05/12/2026 ".repeat(10_000);
    for bad in [
        "20/11/2026",
        "30/11/2026",
        "32/12/2026",
        "05/12/2028",
        &long,
    ] {
        let r = app
            .staff("reports/calendar/set", set(bad), Some(&officer))
            .await;
        assert_eq!(
            r.answer::<ReportDeadline>(),
            Err(AppError::InvalidInput(Field::ReportDue)),
            "{bad}"
        );
    }
    // Only the office sets it.
    for session in [&accountant, &teacher] {
        let r = app
            .staff("reports/calendar/set", set("05/12/2026"), Some(session))
            .await;
        assert_eq!(r.answer::<ReportDeadline>(), Err(AppError::Forbidden));
    }
    let (_, empty): Calendar = app
        .staff("reports/calendar", json!({}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    assert!(empty.is_empty());

    // Set, then moved: one period, its latest deadline, audited.
    let first: ReportDeadline = app
        .staff("reports/calendar/set", set("05/12/2026"), Some(&officer))
        .await
        .answer()
        .unwrap();
    let moved: ReportDeadline = app
        .staff("reports/calendar/set", set("07/12/2026"), Some(&officer))
        .await
        .answer()
        .unwrap();
    assert_eq!(first.id, moved.id);
    assert_eq!(
        (moved.from.as_str(), moved.to.as_str()),
        ("2026-11", "2026-11")
    );
    assert_eq!(moved.due_on, Date::new(2026, 12, 7).unwrap());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'report_deadline'")
            .await,
        2
    );

    // The school reads it, with today by the server's clock.
    let (today, list): Calendar = app
        .staff("reports/calendar", json!({}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    assert_eq!(today, app.clock.today());
    // Told whose day it is: the school also answers to its ward.
    let department = Some("Sở GD&ĐT Quảng Ninh".to_string());
    assert_eq!(
        list,
        vec![ReportDeadline {
            set_by: department.clone(),
            ..moved.clone()
        }]
    );
    assert_eq!(moved.set_by, None);

    // The ward sets an earlier day for the same period: that is the one the
    // school meets, named as the ward's; a later one changes nothing.
    let ward = app
        .sign_in(hocphi_server::demo::DEMO_WARD_OFFICER, DEMO_PASSWORD)
        .await
        .unwrap();
    let school_sees = || async {
        let (_, list): Calendar = app
            .staff("reports/calendar", json!({}), Some(&accountant))
            .await
            .answer()
            .unwrap();
        list.into_iter()
            .map(|d| (d.due_on.dmy(), d.set_by))
            .collect::<Vec<_>>()
    };
    let ward_day: ReportDeadline = app
        .staff("reports/calendar/set", set("03/12/2026"), Some(&ward))
        .await
        .answer()
        .unwrap();
    assert_eq!(
        school_sees().await,
        vec![(
            "03/12/2026".to_string(),
            Some("UBND phường Hồng Gai".to_string())
        )]
    );
    app.staff("reports/calendar/set", set("09/12/2026"), Some(&ward))
        .await
        .answer::<ReportDeadline>()
        .unwrap();
    assert_eq!(
        school_sees().await,
        vec![("07/12/2026".to_string(), department)]
    );
    app.staff(
        "reports/calendar/remove",
        json!({"id": ward_day.id}),
        Some(&ward),
    )
    .await
    .answer::<serde_json::Value>()
    .unwrap();

    // Another office sees none of it.
    let stranger = app.officer_elsewhere("ubnd.campha").await;
    let (_, theirs): Calendar = app
        .staff("reports/calendar", json!({}), Some(&stranger))
        .await
        .answer()
        .unwrap();
    assert!(theirs.is_empty());

    // A period set by mistake comes off the calendar: not by another office,
    // nor by the school; by its own office, audited.
    let remove = json!({"id": list[0].id});
    for (session, refused) in [
        (&stranger, AppError::NotFound),
        (&accountant, AppError::Forbidden),
    ] {
        let r = app
            .staff("reports/calendar/remove", remove.clone(), Some(session))
            .await;
        assert_eq!(r.answer::<serde_json::Value>(), Err(refused));
    }
    app.staff("reports/calendar/remove", remove.clone(), Some(&officer))
        .await
        .answer::<serde_json::Value>()
        .unwrap();
    let (_, after): Calendar = app
        .staff("reports/calendar", json!({}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    assert!(after.is_empty());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'report_deadline'")
            .await,
        6
    );
}
