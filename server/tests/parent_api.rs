//! Black-box tests of the parent's side: the real HTTP application on a fresh
//! demo database, called the way the browser calls it.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hocphi_app::domain::vietqr::VietQr;
use hocphi_app::error::AppError;
use hocphi_app::model::{ChildAccess, ChildOverview, InvoiceDetail};
use hocphi_server::demo;
use http_body_util::BodyExt;
use support::*;
use tower::ServiceExt;

#[tokio::test]
async fn a_parent_looks_up_a_child_and_gets_a_payable_invoice() {
    let app = start().await;
    let access = app.featured_child().await;
    assert_eq!(access.student_name, "Nguyễn Minh An");
    assert_eq!(access.class_name, "3A");
    // Codes are matched however the parent types them.
    let again = app
        .lookup(demo::FEATURED_SCHOOL, " 2201 000001 ", "5/9/2017")
        .await
        .unwrap();
    assert_eq!(again.student_name, access.student_name);

    let overview = app.overview(&access).await;
    assert_eq!(overview.invoices.len(), 2, "last month's and this month's");
    let current = &overview.invoices[0];
    assert_eq!(current.period.to_string(), "2026-11");
    assert!(
        current.status.is_open() && current.status.overdue,
        "due on the 20th, today is the 26th"
    );
    assert!(!overview.invoices[1].status.is_open(), "last month is paid");

    let detail = app.invoice(&access, current.code.as_str()).await;
    assert_eq!(
        detail
            .lines
            .iter()
            .map(|l| l.amount)
            .sum::<hocphi_app::domain::money::Vnd>(),
        detail.summary.total
    );
    assert_eq!(detail.balance, detail.summary.total);
    assert_eq!(
        detail.payee.as_ref().unwrap().bank_short_name,
        "Vietcombank"
    );
    assert!(
        detail.memo.len() <= 25 && detail.memo.contains(current.code.as_str()),
        "{}",
        detail.memo
    );
    assert!(!detail.memo.contains("An"), "no child's name in a memo");
    let payload = VietQr::transfer(
        &detail.payee.as_ref().unwrap().bin,
        &detail.payee.as_ref().unwrap().account_number,
        detail.balance,
        current.code.as_str(),
        &detail.memo,
    )
    .encode()
    .unwrap();
    let decoded = VietQr::decode(&payload).unwrap();
    assert_eq!(decoded.amount, Some(detail.balance));
    assert_eq!(decoded.bill_number.as_deref(), Some(current.code.as_str()));
}

#[tokio::test]
async fn wrong_pairs_get_one_neutral_answer() {
    let app = start().await;
    let app = &app;
    let attempt = |school: &'static str, code: &'static str, birth: &'static str| async move {
        let form = [
            ("school", school),
            ("student_code", code),
            ("birth_date", birth),
        ];
        app.call("lookup", &form, "198.51.100.7").await
    };
    let wrong_date = attempt("th-ha-long", "2201000001", "06/09/2017").await;
    let unknown_code = attempt("th-ha-long", "2201999999", "06/09/2017").await;
    let unknown_school = attempt("nowhere", "2201000001", "05/09/2017").await;
    assert_eq!(AppError::decode(&wrong_date.1).unwrap(), AppError::NoMatch);
    assert_eq!(wrong_date, unknown_code);
    assert_eq!(wrong_date, unknown_school);
    // The sibling's date with the featured child's code is still no match.
    assert_eq!(
        app.lookup("th-ha-long", "2201000001", demo::SIBLING_BIRTH_DATE)
            .await,
        Err(AppError::NoMatch)
    );
    // A day no child can have is said as such (31/02, or after today), not
    // as a badly written date; a badly written one as that.
    for impossible in ["31/02/2017", "05/09/2030"] {
        assert_eq!(
            app.lookup("th-ha-long", "2201000001", impossible).await,
            Err(AppError::InvalidInput(
                hocphi_app::error::Field::BirthDateImpossible
            )),
            "{impossible}"
        );
    }
    assert_eq!(
        app.lookup("th-ha-long", "2201000001", "5/9/17").await,
        Err(AppError::InvalidInput(hocphi_app::error::Field::BirthDate))
    );
    assert_eq!(
        app.lookup("th-ha-long", "  ", "05/09/2017").await,
        Err(AppError::InvalidInput(
            hocphi_app::error::Field::StudentCode
        ))
    );
}

#[tokio::test]
async fn guessing_birth_dates_for_one_code_is_stopped_from_any_address() {
    let app = start().await;
    for (i, day) in (1..=5).enumerate() {
        let client = format!("203.0.113.{}", 10 + i);
        let birth = format!("{day:02}/01/2017");
        let r: Result<ChildAccess, _> = app
            .rpc_from(
                "lookup",
                &[
                    ("school", "th-ha-long"),
                    ("student_code", "2201000001"),
                    ("birth_date", &birth),
                ],
                &client,
            )
            .await;
        assert_eq!(r, Err(AppError::NoMatch));
    }
    // Now even the right date is refused for a while, from yet another address…
    let r: Result<ChildAccess, _> = app
        .rpc_from(
            "lookup",
            &[
                ("school", "th-ha-long"),
                ("student_code", "2201000001"),
                ("birth_date", "05/09/2017"),
            ],
            "203.0.113.99",
        )
        .await;
    assert!(
        matches!(r, Err(AppError::TooManyAttempts { retry_after_secs }) if retry_after_secs <= 15 * 60)
    );
    // …while another child's parent is not affected…
    assert!(app
        .lookup(
            demo::SIBLING_SCHOOL,
            demo::SIBLING_STUDENT_CODE,
            demo::SIBLING_BIRTH_DATE
        )
        .await
        .is_ok());
    // …and after the window the parent gets in.
    app.clock.advance(15 * 60);
    assert!(app
        .lookup(
            demo::FEATURED_SCHOOL,
            demo::FEATURED_STUDENT_CODE,
            demo::FEATURED_BIRTH_DATE
        )
        .await
        .is_ok());
}

#[tokio::test]
async fn trying_many_codes_from_one_address_is_stopped_but_its_neighbours_are_not() {
    let app = start().await;
    let scanner = "192.0.2.66";
    for n in 0..30 {
        let code = format!("2201{:06}", 500 + n);
        let r: Result<ChildAccess, _> = app
            .rpc_from(
                "lookup",
                &[
                    ("school", "th-ha-long"),
                    ("student_code", &code),
                    ("birth_date", "01/01/2017"),
                ],
                scanner,
            )
            .await;
        assert_eq!(r, Err(AppError::NoMatch));
    }
    let r: Result<ChildAccess, _> = app
        .rpc_from(
            "lookup",
            &[
                ("school", "th-ha-long"),
                ("student_code", "2201000001"),
                ("birth_date", "05/09/2017"),
            ],
            scanner,
        )
        .await;
    assert!(matches!(r, Err(AppError::TooManyAttempts { .. })));
    // A parent behind another address looks up the same child without trouble.
    assert!(app
        .lookup(
            demo::FEATURED_SCHOOL,
            demo::FEATURED_STUDENT_CODE,
            demo::FEATURED_BIRTH_DATE
        )
        .await
        .is_ok());
}

#[tokio::test]
async fn a_token_opens_only_its_own_child_and_expires() {
    let app = start().await;
    let an = app.featured_child().await;
    let chau = app.sibling().await;
    let chau_invoices = app.overview(&chau).await;
    let chau_code = chau_invoices.invoices[0].code.to_string();
    let cross: Result<InvoiceDetail, _> = app
        .rpc("invoice", &[("token", &an.token), ("code", &chau_code)])
        .await;
    assert_eq!(cross, Err(AppError::NotFound));

    let mut forged = an.token.clone();
    forged.replace_range(0..1, if forged.starts_with('A') { "B" } else { "A" });
    let r: Result<ChildOverview, _> = app.rpc("child", &[("token", &forged)]).await;
    assert_eq!(r, Err(AppError::AccessExpired));
    let r: Result<InvoiceDetail, _> = app
        .rpc("invoice", &[("token", &an.token), ("code", "NOTACODE")])
        .await;
    assert_eq!(
        r,
        Err(AppError::InvalidInput(
            hocphi_app::error::Field::InvoiceCode
        ))
    );

    app.clock.advance(181 * 24 * 3600);
    let r: Result<ChildOverview, _> = app.rpc("child", &[("token", &an.token)]).await;
    assert_eq!(r, Err(AppError::AccessExpired));
}

#[tokio::test]
async fn cross_site_calls_are_refused_before_anything_runs() {
    let app = start().await;
    let req = Request::post("/rpc/lookup")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(
            "school=th-ha-long&student_code=2201000001&birth_date=05%2F09%2F2017",
        ))
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(AppError::decode(&body).unwrap(), AppError::CrossSite);
}

#[tokio::test]
async fn demo_data_is_deterministic_and_looks_like_a_province_with_two_tiers() {
    let a = start().await;
    let b = start().await;
    let codes = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            sqlx::query_as::<_, (String,)>("SELECT code FROM invoice ORDER BY id")
                .fetch_all(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(codes(&a).await, codes(&b).await);
    let (students,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM student")
        .fetch_one(&a.db)
        .await
        .unwrap();
    assert!((320..=360).contains(&students), "{students}");
    let (schools,): (i64,) = sqlx::query_as("SELECT COUNT(DISTINCT level) FROM school")
        .fetch_one(&a.db)
        .await
        .unwrap();
    assert_eq!(schools, 4);
    // Two wards under the Department; the THPT belongs to the Department itself.
    let offices: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT sc.slug, o.level, p.name FROM school sc JOIN office o ON o.id = sc.office_id \
         LEFT JOIN office p ON p.id = o.parent_id ORDER BY sc.slug",
    )
    .fetch_all(&a.db)
    .await
    .unwrap();
    for (slug, level, parent) in &offices {
        if slug.starts_with("thpt-") {
            assert_eq!(
                (level.as_str(), parent.as_deref()),
                ("department", None),
                "{slug}"
            );
        } else {
            assert_eq!(
                (level.as_str(), parent.as_deref()),
                ("commune", Some("Sở GD&ĐT Quảng Ninh")),
                "{slug}"
            );
        }
    }
    assert_eq!(offices.len(), 4);
    // Some of this month's invoices are paid, some partly, some not at all.
    let states: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT i.total, COALESCE((SELECT CAST(SUM(amount) AS BIGINT) FROM payment_allocation p WHERE p.invoice_id = i.id), 0) \
         FROM invoice i WHERE i.period = '2026-11'",
    )
    .fetch_all(&a.db)
    .await
    .unwrap();
    assert!(states.iter().any(|(t, p)| p == t));
    assert!(states.iter().any(|(t, p)| *p > 0 && p < t));
    assert!(states.iter().any(|(_, p)| *p == 0));
    a.assert_month_figures().await;
}

#[tokio::test]
async fn a_replayed_bank_transaction_is_stored_once() {
    let app = start().await;
    let insert = || {
        sqlx::query(
            "INSERT INTO payment (school_id, source, external_id, amount, received_at) VALUES (1, 'bank_transfer', 'FT-REPLAY-1', 1000, 0)",
        )
        .execute(&app.db)
    };
    insert().await.unwrap();
    let err = insert().await.unwrap_err();
    assert!(err
        .as_database_error()
        .map(|e| e.is_unique_violation())
        .unwrap_or(false));
}

#[tokio::test]
async fn the_web_app_is_served_precompressed_with_the_right_caching() {
    let dist = tempfile::tempdir().unwrap();
    let index =
        "<!doctype html><style>b{}</style><script type=\"module\">go()</script><div id=app></div>";
    std::fs::write(dist.path().join("index.html"), index).unwrap();
    std::fs::write(dist.path().join("index.html.br"), b"BROTLI-INDEX").unwrap();
    std::fs::write(dist.path().join("app-0123456789abcdef_bg.wasm"), b"wasm").unwrap();
    std::fs::create_dir(dist.path().join("staff")).unwrap();
    let staff_index = "<!doctype html><script type=\"module\">staff()</script><div id=app></div>";
    std::fs::write(dist.path().join("staff/index.html"), staff_index).unwrap();
    std::fs::write(
        dist.path().join("app-0123456789abcdef_bg.wasm.br"),
        b"br-wasm",
    )
    .unwrap();
    let app = start_with(dist.path(), false).await;
    let get = |path: &str, accept: &str| {
        let req = Request::get(path)
            .header("accept-encoding", accept)
            .body(Body::empty())
            .unwrap();
        app.router.clone().oneshot(req)
    };

    let res = get("/con/abc123/K7Q2M9XA", "gzip, deflate, br")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert_eq!(res.headers()["content-encoding"], "br");
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("'sha256-"),
        "inline blocks are allowed by hash: {csp}"
    );
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(
        res.into_body().collect().await.unwrap().to_bytes().as_ref(),
        b"BROTLI-INDEX"
    );

    let res = get("/app-0123456789abcdef_bg.wasm", "br").await.unwrap();
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()["content-encoding"], "br");
    // A document's headers stay off the app's files: a parent downloads each once.
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().get("content-security-policy").is_none());
    assert!(res.headers().get("x-frame-options").is_none());
    let res = get("/app-0123456789abcdef_bg.wasm", "identity")
        .await
        .unwrap();
    assert_eq!(
        res.into_body().collect().await.unwrap().to_bytes().as_ref(),
        b"wasm"
    );
    assert_eq!(
        get("/missing.js", "br").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_parent_declines_a_voluntary_fee_before_paying_and_the_total_follows() {
    let app = start().await;
    let an = app.featured_child().await;
    let overview = app.overview(&an).await;
    let (nov, oct) = (&overview.invoices[0], &overview.invoices[1]);
    let detail = app.invoice(&an, nov.code.as_str()).await;
    let club = detail
        .lines
        .iter()
        .find(|l| l.voluntary)
        .expect("the English club is voluntary");
    let mandatory = detail.lines.iter().find(|l| !l.voluntary).unwrap();
    let decline = |code: &str, position: i64, declined: bool| {
        let (token, code, position) = (an.token.clone(), code.to_string(), position.to_string());
        let declined = declined.to_string();
        let app = &app;
        async move {
            app.rpc::<InvoiceDetail>(
                "decline",
                &[
                    ("token", &token),
                    ("code", &code),
                    ("position", &position),
                    ("declined", &declined),
                ],
            )
            .await
        }
    };
    let after = decline(nov.code.as_str(), club.position, true)
        .await
        .unwrap();
    assert_eq!(after.summary.total, detail.summary.total - club.amount);
    assert!(after
        .lines
        .iter()
        .any(|l| l.position == club.position && l.declined));
    assert_eq!(after.balance, after.summary.total);
    let back = decline(nov.code.as_str(), club.position, false)
        .await
        .unwrap();
    assert_eq!(back.summary.total, detail.summary.total);
    // Mandatory fees stay; paid invoices are not changed; nobody else's invoice.
    assert_eq!(
        decline(nov.code.as_str(), mandatory.position, true).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        decline(oct.code.as_str(), 0, true).await,
        Err(AppError::Forbidden)
    );
    let chau = app.sibling().await;
    let theirs = app.overview(&chau).await;
    assert_eq!(
        decline(theirs.invoices[0].code.as_str(), 2, true).await,
        Err(AppError::NotFound)
    );
    app.assert_month_figures().await;
}
