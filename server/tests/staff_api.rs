//! Black-box tests of the staff's side: sign-in, sessions, roles, school scope,
//! one-time links, school profile and the audit log.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hocphi_app::error::{AppError, Field};
use hocphi_app::model::InvoiceDetail;
use hocphi_app::staff::{Me, OneTimeLink, Role, SchoolProfile, SchoolRow};
use hocphi_server::demo::{self, DEMO_ACCOUNTANT, DEMO_OFFICER, DEMO_PASSWORD, DEMO_TEACHER};
use serde_json::{json, Value};
use support::*;

/// Demo school ids: 1 the primary (the demo accountant's), 2 the lower-secondary, 3 the preschool.
const OWN_SCHOOL: i64 = 1;
const OTHER_SCHOOL: i64 = 3;

/// Every staff server function with arguments that would be valid for a permitted caller.
fn every_staff_call() -> Vec<(&'static str, Value)> {
    vec![
        (
            "staff/password",
            json!({"current": DEMO_PASSWORD, "new_password": "a new long password"}),
        ),
        ("staff/schools", json!({})),
        (
            "staff/create-school",
            json!({"name": "Trường Tiểu học Cao Xanh", "legal_name": "Trường Tiểu học Cao Xanh",
            "slug": "th-cao-xanh", "address": "Cao Xanh, Hạ Long", "tax_code": "5700999888", "level": "primary"}),
        ),
        ("staff/list", json!({})),
        (
            "staff/invite",
            json!({"role": "teacher", "school_id": OTHER_SCHOOL}),
        ),
        ("staff/reset-link", json!({"staff_id": 2})),
        ("staff/deactivate", json!({"staff_id": 2})),
        ("school/profile", json!({"school_id": OTHER_SCHOOL})),
        (
            "school/details",
            json!({"school_id": OTHER_SCHOOL, "legal_name": "X", "address": "Y", "tax_code": "5700345678",
                "receipt_form_number": "", "receipt_series": ""}),
        ),
        (
            "school/account",
            json!({"school_id": OTHER_SCHOOL, "bin": "970436", "account_number": "999",
            "account_name": "KE GIAN", "make_default": true}),
        ),
        (
            "school/methods",
            json!({"school_id": OTHER_SCHOOL, "methods": ["cash"]}),
        ),
        (
            "school/contacts",
            json!({"school_id": OTHER_SCHOOL, "contacts": []}),
        ),
        ("audit", json!({"school_id": OTHER_SCHOOL})),
        (
            "school/logo",
            json!({"school_id": OTHER_SCHOOL, "content_base64": ""}),
        ),
        (
            "students/import-preview",
            json!({"school_id": OTHER_SCHOOL, "content_base64": ""}),
        ),
        (
            "students/import-commit",
            json!({"school_id": OTHER_SCHOOL, "content_base64": ""}),
        ),
        ("students/list", json!({"school_id": OTHER_SCHOOL})),
        (
            "students/save",
            json!({"school_id": OTHER_SCHOOL, "student_id": null, "code": "X1", "full_name": "A B",
            "birth_date": "01/01/2020", "class_name": "Lá 1"}),
        ),
        (
            "students/left",
            json!({"school_id": OTHER_SCHOOL, "student_id": 1, "left": true}),
        ),
        ("fees/list", json!({"school_id": OTHER_SCHOOL})),
        (
            "fees/save",
            json!({"school_id": OTHER_SCHOOL, "fee": {"id": null, "name": "X", "amount": 1, "unit": "month",
            "mandatory": true, "grades": "", "active": true}}),
        ),
        ("exemptions/list", json!({"school_id": OTHER_SCHOOL})),
        (
            "exemptions/save",
            json!({"school_id": OTHER_SCHOOL, "name": "X", "rates": []}),
        ),
        (
            "exemptions/grant",
            json!({"school_id": OTHER_SCHOOL, "policy_id": 1, "student_code": "X", "note": "Y"}),
        ),
        (
            "invoice-runs/preview",
            json!({"school_id": OTHER_SCHOOL, "period": "2026-12", "due_on": "20/12/2026", "scope": "School"}),
        ),
        (
            "invoice-runs/commit",
            json!({"school_id": OTHER_SCHOOL, "period": "2026-12", "due_on": "20/12/2026", "scope": "School"}),
        ),
        (
            "invoices/list",
            json!({"school_id": OTHER_SCHOOL, "filter": {"period": "", "class_name": "", "status": "", "search": ""}}),
        ),
        (
            "invoices/export",
            json!({"school_id": OTHER_SCHOOL, "filter": {"period": "", "class_name": "", "status": "", "search": ""}}),
        ),
        (
            "invoices/void",
            json!({"school_id": OTHER_SCHOOL, "code": "X", "reason": "Y"}),
        ),
        (
            "school-year/next",
            json!({"school_id": OTHER_SCHOOL, "commit": false}),
        ),
        ("classes/mine", json!({"school_id": OTHER_SCHOOL})),
        (
            "credits/add",
            json!({"school_id": OTHER_SCHOOL, "student_code": "X", "amount": 1000, "reason": "Y"}),
        ),
        (
            "classes/assign-teacher",
            json!({"school_id": OTHER_SCHOOL, "staff_id": 3, "class_name": "Lá 1"}),
        ),
        ("reconcile/setup", json!({"school_id": OTHER_SCHOOL})),
        (
            "reconcile/statement-preview",
            json!({"school_id": OTHER_SCHOOL, "account_id": 2, "content_base64": "", "mapping": "Auto"}),
        ),
        (
            "reconcile/statement-commit",
            json!({"school_id": OTHER_SCHOOL, "account_id": 2, "content_base64": "", "mapping": "Auto"}),
        ),
        (
            "reconcile/transfers",
            json!({"school_id": OTHER_SCHOOL, "filter": "All"}),
        ),
        (
            "reconcile/match",
            json!({"school_id": OTHER_SCHOOL, "payment_id": 1, "parts": [{"invoice_code": "X", "amount": 1}]}),
        ),
        (
            "reconcile/not-fee",
            json!({"school_id": OTHER_SCHOOL, "payment_id": 1, "reason": "Y"}),
        ),
        (
            "reconcile/undo",
            json!({"school_id": OTHER_SCHOOL, "payment_id": 1, "reason": "Y"}),
        ),
        (
            "office-payments/record",
            json!({"school_id": OTHER_SCHOOL, "payment": {"invoice_code": "X", "amount": 1, "method": "cash"}}),
        ),
        (
            "school/gateway",
            json!({"school_id": OTHER_SCHOOL, "tmn_code": "ABCDEFGH", "secret": "0123456789abcdef0123"}),
        ),
        (
            "receipts/list",
            json!({"school_id": OTHER_SCHOOL, "period": ""}),
        ),
        (
            "receipts/replace",
            json!({"school_id": OTHER_SCHOOL, "code": "X", "reason": "Y", "payer": ""}),
        ),
        (
            "receipts/export",
            json!({"school_id": OTHER_SCHOOL, "period": ""}),
        ),
        (
            "reconcile/refund",
            json!({"school_id": OTHER_SCHOOL, "payment_id": 1, "amount": 1, "reference": "R", "refunded_on": "01/12/2026"}),
        ),
    ]
}

#[tokio::test]
async fn unauthenticated_calls_are_refused_by_every_staff_function() {
    let app = start().await;
    for (endpoint, args) in every_staff_call() {
        let reply = app.staff(endpoint, args, None).await;
        assert_eq!(
            reply.answer::<Value>(),
            Err(AppError::NotSignedIn),
            "{endpoint}"
        );
        let forged = app.staff(endpoint, json!({}), Some("forged-session")).await;
        assert!(!forged.status.is_success(), "{endpoint}");
    }
    // whoami answers None rather than an error, so the app can show the sign-in form.
    let me = app.staff("staff/me", json!({}), None).await;
    assert_eq!(me.answer::<Option<Me>>(), Ok(None));
}

#[tokio::test]
async fn sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_it() {
    let app = start().await;
    let reply = app
        .staff(
            "staff/sign-in",
            json!({"username": " KeToan.THHL ", "password": DEMO_PASSWORD}),
            None,
        )
        .await;
    let me: Me = reply.answer().unwrap();
    assert_eq!(me.role, Role::Accountant);
    assert_eq!(me.school_name.as_deref(), Some("Trường Tiểu học Hạ Long"));
    let cookie = reply.headers["set-cookie"].to_str().unwrap();
    for flag in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    let session = cookie
        .split(';')
        .next()
        .unwrap()
        .strip_prefix("hocphi_session=")
        .unwrap();
    let me2: Option<Me> = app
        .staff("staff/me", json!({}), Some(session))
        .await
        .answer()
        .unwrap();
    assert_eq!(me2.map(|m| m.username), Some(DEMO_ACCOUNTANT.to_string()));

    let out = app.staff("staff/sign-out", json!({}), Some(session)).await;
    assert!(out.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let after: Option<Me> = app
        .staff("staff/me", json!({}), Some(session))
        .await
        .answer()
        .unwrap();
    assert_eq!(
        after, None,
        "the session is gone on the server, not only in the browser"
    );
}

#[tokio::test]
async fn wrong_passwords_get_one_answer_and_are_throttled_per_account() {
    let app = start().await;
    assert_eq!(
        app.sign_in("nobody", DEMO_PASSWORD).await,
        Err(AppError::BadCredentials)
    );
    for _ in 0..5 {
        assert_eq!(
            app.sign_in(DEMO_OFFICER, "wrong password!").await,
            Err(AppError::BadCredentials)
        );
    }
    match app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await {
        Err(AppError::TooManyAttempts { retry_after_secs }) => {
            assert!(
                (1..=15 * 60).contains(&retry_after_secs),
                "says when: {retry_after_secs} s"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(
        app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.is_ok(),
        "other accounts unaffected"
    );
    // The real officer, at the office (another address), is not locked out by
    // someone failing with their user name elsewhere.
    let at_office = app
        .send(
            Request::post("/rpc/staff/sign-in")
                .header("content-type", "application/json")
                .header("x-forwarded-for", "198.51.100.77")
                .body(Body::from(
                    json!({"username": DEMO_OFFICER, "password": DEMO_PASSWORD}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(at_office.status, StatusCode::OK);
    app.clock.advance(15 * 60);
    assert!(app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.is_ok());
}

/// One client trying many user names is stopped too, and a client cannot dodge
/// it by writing its own X-Forwarded-For: the proxy's entry is the one believed.
#[tokio::test]
async fn one_client_guessing_across_accounts_is_throttled_whatever_headers_it_writes() {
    let app = start().await;
    let attempt = |n: usize| {
        app.send(
            Request::post("/rpc/staff/sign-in")
                .header("content-type", "application/json")
                // A made-up address on the left, the proxy's real entry on the right.
                .header(
                    "x-forwarded-for",
                    format!("10.9.{}.{}, 198.51.100.9", n / 250, n % 250),
                )
                .body(Body::from(
                    json!({"username": format!("guess{n}"), "password": "wrong password!"})
                        .to_string(),
                ))
                .unwrap(),
        )
    };
    for n in 0..30 {
        assert_eq!(
            attempt(n).await.status,
            StatusCode::UNAUTHORIZED,
            "attempt {n}"
        );
    }
    let reply = attempt(30).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(reply.headers.get("retry-after").is_some());
}

#[tokio::test]
async fn a_teacher_reads_their_school_but_changes_nothing() {
    let app = start().await;
    let teacher = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let profile: SchoolProfile = app
        .staff(
            "school/profile",
            json!({"school_id": OWN_SCHOOL}),
            Some(&teacher),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(profile.slug, demo::FEATURED_SCHOOL);
    // A homeroom teacher sees the students of their own class only.
    let students: Vec<hocphi_app::staff::StudentRow> = app
        .staff(
            "students/list",
            json!({"school_id": OWN_SCHOOL}),
            Some(&teacher),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(students.len(), 14);
    assert!(students.iter().all(|s| s.class_name == "3A"));
    for (endpoint, mut args) in every_staff_call() {
        if endpoint == "staff/password"
            || endpoint == "staff/schools"
            || endpoint == "staff/list"
            || endpoint == "school/profile"
            || endpoint == "students/list"
            || endpoint == "fees/list"
            || endpoint == "classes/mine"
        {
            continue;
        }
        if args.get("school_id").is_some() {
            args["school_id"] = json!(OWN_SCHOOL);
        }
        let reply = app.staff(endpoint, args, Some(&teacher)).await;
        assert_eq!(
            reply.answer::<Value>(),
            Err(AppError::Forbidden),
            "{endpoint}"
        );
    }
}

#[tokio::test]
async fn an_accountant_gets_nothing_of_another_school() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    for (endpoint, args) in every_staff_call() {
        if ["staff/password", "staff/schools", "staff/list"].contains(&endpoint) {
            continue;
        }
        let reply = app.staff(endpoint, args, Some(&accountant)).await;
        assert_eq!(
            reply.answer::<Value>(),
            Err(AppError::Forbidden),
            "{endpoint}"
        );
    }
    // Lists are scoped, not refused: their own school only.
    let schools: Vec<SchoolRow> = app
        .staff("staff/schools", json!({}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    assert_eq!(
        schools.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![OWN_SCHOOL]
    );
}

#[tokio::test]
async fn an_officer_of_another_ward_sees_nothing_of_this_one() {
    let app = start().await;
    let officer = app.officer_elsewhere("phonggd.campha").await;
    let schools: Vec<SchoolRow> = app
        .staff("staff/schools", json!({}), Some(&officer))
        .await
        .answer()
        .unwrap();
    assert!(schools.is_empty());
    for school in [1, 2, 3] {
        let r = app
            .staff(
                "school/profile",
                json!({"school_id": school}),
                Some(&officer),
            )
            .await;
        assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden));
        let r = app
            .staff(
                "staff/invite",
                json!({"role": "accountant", "school_id": school}),
                Some(&officer),
            )
            .await;
        assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden));
    }
    let r = app
        .staff("staff/deactivate", json!({"staff_id": 2}), Some(&officer))
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden));
}

#[tokio::test]
async fn an_officer_creates_a_school_and_invites_its_accountant_once() {
    let app = start().await;
    // A ward's officer: primary schools belong to their ward.
    let officer = app
        .sign_in(demo::DEMO_WARD_OFFICER, DEMO_PASSWORD)
        .await
        .unwrap();
    let bad = app
        .staff(
            "staff/create-school",
            json!({"name": "X", "legal_name": "X", "slug": "th-x", "address": "A",
            "tax_code": "123", "level": "primary"}),
            Some(&officer),
        )
        .await;
    assert_eq!(
        bad.answer::<Value>(),
        Err(AppError::InvalidInput(Field::TaxCode))
    );
    let (_, args) = every_staff_call()
        .into_iter()
        .find(|(e, _)| *e == "staff/create-school")
        .unwrap();
    let school_id: i64 = app
        .staff("staff/create-school", args.clone(), Some(&officer))
        .await
        .answer()
        .unwrap();
    assert_eq!(
        app.staff("staff/create-school", args, Some(&officer))
            .await
            .answer::<Value>(),
        Err(AppError::SlugTaken)
    );
    // Its receipt key is published from the start.
    let keys = app
        .send(
            axum::http::Request::get("/api/v1/schools/th-cao-xanh/receipt-keys")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let keys: Value = serde_json::from_slice(&keys.body).unwrap();
    assert_eq!(keys["keys"].as_array().unwrap().len(), 1);

    let link: OneTimeLink = app
        .staff(
            "staff/invite",
            json!({"role": "accountant", "school_id": school_id}),
            Some(&officer),
        )
        .await
        .answer()
        .unwrap();
    let token = link.path.strip_prefix("/staff/invite/").unwrap();
    let weak = app
        .staff(
            "staff/accept-invite",
            json!({"token": token, "username": "ketoan.thcx", "display_name": "Hà Thị Lan",
            "password": "short"}),
            None,
        )
        .await;
    assert_eq!(
        weak.answer::<Value>(),
        Err(AppError::InvalidInput(Field::Password))
    );
    let taken = app
        .staff(
            "staff/accept-invite",
            json!({"token": token, "username": DEMO_TEACHER, "display_name": "Hà Thị Lan",
            "password": "a long enough password"}),
            None,
        )
        .await;
    assert_eq!(taken.answer::<Value>(), Err(AppError::UsernameTaken));
    let accepted = app
        .staff(
            "staff/accept-invite",
            json!({"token": token, "username": "ketoan.thcx", "display_name": "Hà Thị Lan",
            "password": "a long enough password"}),
            None,
        )
        .await;
    let me: Me = accepted.answer().unwrap();
    assert_eq!((me.role, me.school_id), (Role::Accountant, Some(school_id)));
    assert!(accepted.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("HttpOnly"));
    let again = app
        .staff(
            "staff/accept-invite",
            json!({"token": token, "username": "ketoan.other", "display_name": "Ai đó",
            "password": "a long enough password"}),
            None,
        )
        .await;
    assert_eq!(
        again.answer::<Value>(),
        Err(AppError::LinkInvalid),
        "a link works once"
    );

    // Officers invite accountants, not teachers; accountants invite teachers, not accountants.
    let r = app
        .staff(
            "staff/invite",
            json!({"role": "teacher", "school_id": school_id}),
            Some(&officer),
        )
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden));
    let accountant = app
        .sign_in("ketoan.thcx", "a long enough password")
        .await
        .unwrap();
    let r = app
        .staff(
            "staff/invite",
            json!({"role": "accountant", "school_id": school_id}),
            Some(&accountant),
        )
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::Forbidden));
    let r = app
        .staff(
            "staff/invite",
            json!({"role": "teacher", "school_id": school_id}),
            Some(&accountant),
        )
        .await;
    assert!(r.answer::<OneTimeLink>().is_ok());

    // Links expire.
    let old: OneTimeLink = app
        .staff(
            "staff/invite",
            json!({"role": "accountant", "school_id": school_id}),
            Some(&officer),
        )
        .await
        .answer()
        .unwrap();
    app.clock.advance(3 * 24 * 3600 + 1);
    let token = old.path.strip_prefix("/staff/invite/").unwrap();
    let r = app.staff("staff/link", json!({"token": token}), None).await;
    assert_eq!(r.answer::<Value>(), Err(AppError::LinkInvalid));
}

#[tokio::test]
async fn a_deactivated_accountant_is_signed_out_at_once_and_a_reset_link_works_once() {
    let app = start().await;
    let officer = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let accountant_id = app.staff_id(DEMO_ACCOUNTANT).await;

    let link: OneTimeLink = app
        .staff(
            "staff/reset-link",
            json!({"staff_id": accountant_id}),
            Some(&officer),
        )
        .await
        .answer()
        .unwrap();
    let token = link.path.strip_prefix("/staff/reset/").unwrap();
    let r = app
        .staff(
            "staff/reset",
            json!({"token": token, "password": "brand new password"}),
            None,
        )
        .await;
    assert!(r.answer::<Value>().is_ok());
    let me: Option<Me> = app
        .staff("staff/me", json!({}), Some(&accountant))
        .await
        .answer()
        .unwrap();
    assert_eq!(me, None, "a reset ends the old sessions");
    assert_eq!(
        app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await,
        Err(AppError::BadCredentials)
    );
    let accountant = app
        .sign_in(DEMO_ACCOUNTANT, "brand new password")
        .await
        .unwrap();
    let r = app
        .staff(
            "staff/reset",
            json!({"token": token, "password": "another new password"}),
            None,
        )
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::LinkInvalid));

    let r = app
        .staff(
            "staff/deactivate",
            json!({"staff_id": accountant_id}),
            Some(&officer),
        )
        .await;
    assert!(r.answer::<Value>().is_ok());
    let r = app
        .staff(
            "school/profile",
            json!({"school_id": OWN_SCHOOL}),
            Some(&accountant),
        )
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::NotSignedIn));
    assert_eq!(
        app.sign_in(DEMO_ACCOUNTANT, "brand new password").await,
        Err(AppError::BadCredentials)
    );
}

#[tokio::test]
async fn the_accountant_sets_up_the_school_and_parents_see_the_contacts() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let call = |endpoint: &'static str, args: Value| {
        let session = accountant.clone();
        let app = &app;
        async move {
            app.staff(endpoint, args, Some(&session))
                .await
                .answer::<Value>()
        }
    };
    assert_eq!(
        call(
            "school/account",
            json!({"school_id": OWN_SCHOOL, "bin": "123456", "account_number": "1",
            "account_name": "X Y", "make_default": false})
        )
        .await,
        Err(AppError::InvalidInput(Field::Bank))
    );
    // Letters in an account number are a typo, not an account.
    assert_eq!(
        call(
            "school/account",
            json!({"school_id": OWN_SCHOOL, "bin": "970415", "account_number": "12AB 34",
            "account_name": "X Y", "make_default": true})
        )
        .await,
        Err(AppError::InvalidInput(Field::AccountNumber))
    );
    call(
        "school/account",
        json!({"school_id": OWN_SCHOOL, "bin": "970415", "account_number": "1122 3344 55",
        "account_name": "Trường Tiểu học Hạ Long", "make_default": true}),
    )
    .await
    .unwrap();
    call("school/methods", json!({"school_id": OWN_SCHOOL, "methods": ["qr_transfer", "website", "mobile_money", "cash"]}))
        .await
        .unwrap();
    assert_eq!(
        call(
            "school/contacts",
            json!({"school_id": OWN_SCHOOL, "contacts": [{"name": "Cô Hồng", "role": "Kế toán",
            "phone": "12345", "zalo": null}]})
        )
        .await,
        Err(AppError::InvalidInput(Field::Phone))
    );
    // Whom to call, not a staff list: every school link draws them all.
    let many: Vec<Value> = (0..=hocphi_app::staff::MAX_CONTACTS)
        .map(
            |i| json!({"name": format!("Cô {i}"), "role": "", "phone": "0912345678", "zalo": null}),
        )
        .collect();
    assert_eq!(
        call(
            "school/contacts",
            json!({"school_id": OWN_SCHOOL, "contacts": many[1..]})
        )
        .await,
        Ok(Value::Null)
    );
    assert_eq!(
        call(
            "school/contacts",
            json!({"school_id": OWN_SCHOOL, "contacts": many})
        )
        .await,
        Err(AppError::InvalidInput(Field::TooManyContacts))
    );
    call(
        "school/contacts",
        json!({"school_id": OWN_SCHOOL, "contacts": [{"name": "Cô Lê Thị Hồng", "role": "Kế toán",
        "phone": "0912 345 678", "zalo": "0912345678"}]}),
    )
    .await
    .unwrap();

    let profile: SchoolProfile = app
        .staff(
            "school/profile",
            json!({"school_id": OWN_SCHOOL}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    let default = profile.accounts.iter().find(|a| a.is_default).unwrap();
    assert_eq!(
        (default.bin.as_str(), default.account_number.as_str()),
        ("970415", "1122334455")
    );
    assert_eq!(default.account_name, "TRUONG TIEU HOC HA LONG");
    assert_eq!(profile.accounts.iter().filter(|a| a.is_default).count(), 1);

    // Until the supervising office confirms the new account, parents' QR codes keep
    // paying into the confirmed one; the registry does not list it.
    assert!(default.confirmed.is_none());
    let access = app.featured_child().await;
    let overview: hocphi_app::model::ChildOverview =
        app.rpc("child", &[("token", &access.token)]).await.unwrap();
    let code = overview.invoices[0].code.as_str().to_string();
    let payee = |detail: &InvoiceDetail| detail.payee.clone().expect("a confirmed account");
    let detail: InvoiceDetail = app
        .rpc("invoice", &[("token", &access.token), ("code", &code)])
        .await
        .unwrap();
    assert_eq!(payee(&detail).bank_short_name, "Vietcombank");
    // The accountant cannot confirm it; the supervising office does.
    let confirm = json!({"account_id": default.id});
    let refused = app
        .staff("registry/confirm", confirm.clone(), Some(&accountant))
        .await;
    assert_eq!(refused.answer::<Value>(), Err(AppError::Forbidden));
    let officer = app.sign_in(DEMO_OFFICER, DEMO_PASSWORD).await.unwrap();
    let pending: Vec<hocphi_app::api::registry::PendingAccount> = app
        .staff("registry/pending", json!({}), Some(&officer))
        .await
        .answer()
        .unwrap();
    assert!(pending
        .iter()
        .any(|p| p.id == default.id && p.account_number == "1122334455"));
    let done: hocphi_app::staff::Confirmation = app
        .staff("registry/confirm", confirm, Some(&officer))
        .await
        .answer()
        .unwrap();
    assert_eq!(done.by, "Trần Quốc Bảo");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'confirm' AND entity = 'beneficiary_account' AND entity_id = '{}'",
            default.id
        ))
        .await,
        1
    );

    // Now the parent's invoice page pays into the new default account and names the contact.
    let detail: InvoiceDetail = app
        .rpc("invoice", &[("token", &access.token), ("code", &code)])
        .await
        .unwrap();
    assert_eq!(payee(&detail).bank_short_name, "VietinBank");
    assert_eq!(detail.contacts.len(), 1);
    assert_eq!(detail.contacts[0].phone, "0912345678");

    // Every change is in the audit log, which cannot be edited.
    let log: Vec<hocphi_app::staff::AuditRow> = app
        .staff("audit", json!({"school_id": OWN_SCHOOL}), Some(&accountant))
        .await
        .answer::<hocphi_app::staff::AuditPage>()
        .unwrap()
        .rows;
    let entities: Vec<&str> = log.iter().map(|r| r.entity.as_str()).collect();
    // Newest first: the office's confirmation of the account, then the accountant's changes
    // (the contacts twice: ten, then the one).
    assert_eq!(
        entities,
        vec![
            "beneficiary_account",
            "contacts",
            "contacts",
            "payment_methods",
            "beneficiary_account"
        ]
    );
    assert_eq!(
        (log[0].action.as_str(), log[0].who.as_deref()),
        ("confirm", Some("Trần Quốc Bảo"))
    );
    assert!(log[1].before.as_deref().unwrap().contains("Cô 9"));
    assert!(log[2].before.as_deref().unwrap().contains("Lê Thị Hồng"));
    assert_eq!(log[1].who.as_deref(), Some("Lê Thị Hồng"));
    assert!(sqlx::query("UPDATE audit_log SET action = 'x'")
        .execute(&app.db)
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit_log")
        .execute(&app.db)
        .await
        .is_err());
}

#[tokio::test]
async fn a_logo_is_an_image_or_nothing() {
    use base64::Engine;
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let png = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/logo.png"),
    )
    .unwrap();
    for bad in [
        b"<svg onload=alert(1)>".to_vec(),
        b"<html>".to_vec(),
        [png.clone(), vec![0; 210 * 1024]].concat(),
    ] {
        let r = app
            .staff(
                "school/logo",
                json!({"school_id": OWN_SCHOOL, "content_base64": b64(&bad)}),
                Some(&accountant),
            )
            .await;
        assert_eq!(
            r.answer::<Value>(),
            Err(AppError::InvalidInput(Field::Logo))
        );
    }
    let r = app
        .staff(
            "school/logo",
            json!({"school_id": OWN_SCHOOL, "content_base64": b64(&png)}),
            Some(&accountant),
        )
        .await;
    assert!(r.answer::<Value>().is_ok());
    let res = app
        .send(
            axum::http::Request::get("/logo/th-ha-long")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, axum::http::StatusCode::OK);
    assert_eq!(res.headers["content-type"], "image/png");
    assert_eq!(res.headers["x-content-type-options"], "nosniff");
    assert_eq!(res.body, png);
    let none = app
        .send(
            axum::http::Request::get("/logo/mn-hoa-hong")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(none.status, axum::http::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_cross_site_sign_in_or_change_is_refused_before_it_runs() {
    let app = start().await;
    let session = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    for (endpoint, args) in every_staff_call() {
        let req = axum::http::Request::post(format!("/rpc/{endpoint}"))
            .header("content-type", "application/json")
            .header("origin", "https://evil.example")
            .header("host", "127.0.0.1:3000")
            .header("cookie", format!("hocphi_session={session}"))
            .body(axum::body::Body::from(args.to_string()))
            .unwrap();
        let reply = app.send(req).await;
        assert_eq!(
            reply.status,
            axum::http::StatusCode::FORBIDDEN,
            "{endpoint}"
        );
        assert_eq!(
            reply.answer::<Value>(),
            Err(AppError::CrossSite),
            "{endpoint}"
        );
    }
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_a_long_new_one() {
    let app = start().await;
    let s = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let change = |current: &str, new: &str| json!({"current": current, "new_password": new});
    let r = app
        .staff(
            "staff/password",
            change("wrong", "a long new password"),
            Some(&s),
        )
        .await;
    assert_eq!(r.answer::<Value>(), Err(AppError::BadCredentials));
    let r = app
        .staff("staff/password", change(DEMO_PASSWORD, "short"), Some(&s))
        .await;
    assert_eq!(
        r.answer::<Value>(),
        Err(AppError::InvalidInput(Field::Password))
    );
    let other_phone = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let r = app
        .staff(
            "staff/password",
            change(DEMO_PASSWORD, "a long new password"),
            Some(&s),
        )
        .await;
    assert!(r.answer::<Value>().is_ok());
    // The session that changed the password stays; the account's other sessions end.
    let still: Option<Me> = app
        .staff("staff/me", json!({}), Some(&s))
        .await
        .answer()
        .unwrap();
    assert!(still.is_some());
    let gone: Option<Me> = app
        .staff("staff/me", json!({}), Some(&other_phone))
        .await
        .answer()
        .unwrap();
    assert_eq!(gone, None);
    assert_eq!(
        app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await,
        Err(AppError::BadCredentials)
    );
    assert!(app
        .sign_in(DEMO_TEACHER, "a long new password")
        .await
        .is_ok());
}
