//! Access that ends where it should: teachers read their classes only, on the
//! server as on the screen; merchant codes belong to one school.

mod support;

use axum::http::StatusCode;
use hocphi_app::error::{AppError, Field};
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD, DEMO_TEACHER};
use serde_json::{json, Value};
use support::*;

/// What a teacher's screens never show must not come from the server either:
/// complaints (with parents' bank details), online orders, the school's figures.
#[tokio::test]
async fn a_teacher_cannot_read_the_offices_data_through_the_server_functions() {
    let app = start().await;
    let teacher = app.sign_in(DEMO_TEACHER, DEMO_PASSWORD).await.unwrap();
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    for (endpoint, args) in [
        ("complaint/list", json!({"school_id": 1})),
        ("complaint/detail", json!({"school_id": 1, "id": 1})),
        ("school/gateway/orders", json!({"school_id": 1})),
        ("reports/school", json!({"school_id": 1})),
    ] {
        let reply = app.staff(endpoint, args.clone(), Some(&teacher)).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{endpoint}");
        assert_eq!(
            reply.answer::<Value>(),
            Err(AppError::Forbidden),
            "{endpoint}"
        );
        if endpoint != "complaint/detail" {
            let reply = app.staff(endpoint, args, Some(&accountant)).await;
            assert!(
                reply.status.is_success(),
                "{endpoint}: the accountant still reads it"
            );
        }
    }
}

/// The gateway's callbacks name the school by its merchant code: a second
/// school that enters the same code must not take them over.
#[tokio::test]
async fn a_second_school_cannot_take_a_merchant_code() {
    let app = start().await;
    // The demo's primary school has HOCPHI01. The preschool's accountant, made here:
    let (school_b,): (i64,) = sqlx::query_as("SELECT id FROM school WHERE slug = 'mn-hoa-hong'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let hash = hocphi_app::server::auth::hash_password(DEMO_PASSWORD);
    sqlx::query(
        "INSERT INTO staff (username, display_name, password_hash, role, office_id, school_id, created_at) \
         SELECT 'ketoan.mnhh', 'Kế toán MN Hoa Hồng', $1, 'accountant', office_id, id, 0 FROM school WHERE id = $2",
    )
    .bind(&hash)
    .bind(school_b)
    .execute(&app.db)
    .await
    .unwrap();
    let other = app.sign_in("ketoan.mnhh", DEMO_PASSWORD).await.unwrap();
    let reply = app
        .staff(
            "school/gateway",
            json!({"school_id": school_b, "tmn_code": "hocphi01", "secret": "a-secret-of-enough-length"}),
            Some(&other),
        )
        .await;
    assert_eq!(
        reply.answer::<Value>(),
        Err(AppError::InvalidInput(Field::MerchantCodeTaken))
    );
    let owner: (i64,) =
        sqlx::query_as("SELECT school_id FROM gateway_config WHERE tmn_code = 'HOCPHI01'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(owner.0, 1, "the code stays with its school");
    // A code of its own is taken.
    let reply = app
        .staff(
            "school/gateway",
            json!({"school_id": school_b, "tmn_code": "MNHH0001", "secret": "a-secret-of-enough-length"}),
            Some(&other),
        )
        .await;
    assert!(
        reply.status.is_success(),
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
}

/// A birth date corrected by the school ends the accesses earned with the old
/// one (it may have been another child's): the family looks up again with the
/// right date. A name corrected changes nothing for them.
#[tokio::test]
async fn correcting_a_birth_date_ends_the_tokens_issued_with_the_old_one() {
    let app = start().await;
    let access = app.featured_child().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let (id, code, name): (i64, String, String) =
        sqlx::query_as("SELECT id, code, full_name FROM student WHERE code = $1")
            .bind(hocphi_server::demo::FEATURED_STUDENT_CODE)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let save = |birth: &'static str, name: String| {
        app.staff(
            "students/save",
            json!({"school_id": 1, "student_id": id, "code": code, "full_name": name,
                "birth_date": birth, "class_name": "3A"}),
            Some(&accountant),
        )
    };
    // The same date, a name with its accent fixed: the phone keeps its access.
    let reply = save(hocphi_server::demo::FEATURED_BIRTH_DATE, format!("{name} ")).await;
    assert!(
        reply.status.is_success(),
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(app
        .rpc::<hocphi_app::model::ChildOverview>("child", &[("token", &access.token)])
        .await
        .is_ok());
    let reply = save("06/09/2017", name.clone()).await;
    assert!(
        reply.status.is_success(),
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(
        app.rpc::<hocphi_app::model::ChildOverview>("child", &[("token", &access.token)])
            .await,
        Err(AppError::AccessExpired)
    );
    app.clock.advance(1);
    let again = app
        .lookup("th-ha-long", &code, "06/09/2017")
        .await
        .expect("the corrected date opens the child");
    assert!(app
        .rpc::<hocphi_app::model::ChildOverview>("child", &[("token", &again.token)])
        .await
        .is_ok());
}

/// The right day and month with the wrong year is a wrong date of birth.
#[tokio::test]
async fn a_birth_date_with_the_wrong_year_opens_nothing() {
    let app = start().await;
    assert_eq!(
        app.lookup(
            "th-ha-long",
            hocphi_server::demo::FEATURED_STUDENT_CODE,
            "05/09/2018"
        )
        .await,
        Err(AppError::NoMatch)
    );
    assert!(
        app.lookup(
            "th-ha-long",
            hocphi_server::demo::FEATURED_STUDENT_CODE,
            "05/09/17"
        )
        .await
        .is_err(),
        "a two-digit year is not a guess at the century"
    );
}

fn token_of(link: &hocphi_app::staff::OneTimeLink) -> String {
    link.path.rsplit('/').next().unwrap().to_string()
}

/// One-time links end with the reason they were made: an invitation with its
/// inviter's deactivation, a reset link when a newer one is made or the
/// password is changed.
#[tokio::test]
async fn one_time_links_end_with_their_maker_a_newer_link_or_a_new_password() {
    use hocphi_app::staff::OneTimeLink;
    let app = start().await;
    let officer = app
        .sign_in(hocphi_server::demo::DEMO_OFFICER, DEMO_PASSWORD)
        .await
        .unwrap();
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let accountant_id = app.staff_id(DEMO_ACCOUNTANT).await;
    let opens = |token: String| {
        let app = &app;
        async move {
            app.staff("staff/link", json!({"token": token}), None)
                .await
                .answer::<Value>()
        }
    };

    // Two reset links: only the newer one opens.
    let first: OneTimeLink = app
        .staff(
            "staff/reset-link",
            json!({"staff_id": accountant_id}),
            Some(&officer),
        )
        .await
        .answer()
        .unwrap();
    let second: OneTimeLink = app
        .staff(
            "staff/reset-link",
            json!({"staff_id": accountant_id}),
            Some(&officer),
        )
        .await
        .answer()
        .unwrap();
    assert_eq!(opens(token_of(&first)).await, Err(AppError::LinkInvalid));
    assert!(opens(token_of(&second)).await.is_ok());

    // The accountant changes the password: the outstanding reset link ends.
    let changed = app
        .staff(
            "staff/password",
            json!({"current": DEMO_PASSWORD, "new_password": "a new long password"}),
            Some(&accountant),
        )
        .await;
    assert!(
        changed.status.is_success(),
        "{}",
        String::from_utf8_lossy(&changed.body)
    );
    assert_eq!(opens(token_of(&second)).await, Err(AppError::LinkInvalid));

    // The accountant invites a teacher, then leaves: the invitation ends too.
    let accountant = app
        .sign_in(DEMO_ACCOUNTANT, "a new long password")
        .await
        .unwrap();
    let invitation: OneTimeLink = app
        .staff(
            "staff/invite",
            json!({"role": "teacher", "school_id": 1}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    assert!(opens(token_of(&invitation)).await.is_ok());
    let gone = app
        .staff(
            "staff/deactivate",
            json!({"staff_id": accountant_id}),
            Some(&officer),
        )
        .await;
    assert!(gone.status.is_success());
    assert_eq!(
        opens(token_of(&invitation)).await,
        Err(AppError::LinkInvalid)
    );
    let accepted = app
        .staff(
            "staff/accept-invite",
            json!({"token": token_of(&invitation), "username": "gv.moi", "display_name": "Giáo viên mới",
                "password": "a long enough password"}),
            None,
        )
        .await;
    assert_eq!(accepted.answer::<Value>(), Err(AppError::LinkInvalid));
}

/// "Forget this phone": the tokens the phone held open nothing any more, even
/// copied elsewhere; a new lookup on the parent's own phone still works.
#[tokio::test]
async fn a_forgotten_phone_opens_nothing() {
    use hocphi_app::api::parent::ForgetDevice;
    use hocphi_app::model::ChildOverview;
    let app = start().await;
    let lent_phone = app.featured_child().await;
    let sibling = app.sibling().await;
    app.clock.advance(1);
    let own_phone = app.featured_child().await;
    assert_ne!(own_phone.token, lent_phone.token);
    let forget =
        |tokens: Vec<String>| async { app.postcard("forget", &ForgetDevice { tokens }).await };
    let reply = forget(vec![
        lent_phone.token.clone(),
        sibling.token.clone(),
        "not.a-token".to_string(),
    ])
    .await;
    assert_eq!(
        reply.answer::<u32>(),
        Ok(2),
        "the two real tokens, not the made-up one"
    );
    for forgotten in [&lent_phone, &sibling] {
        assert_eq!(
            app.rpc::<ChildOverview>("child", &[("token", &forgotten.token)])
                .await,
            Err(AppError::AccessExpired)
        );
    }
    assert!(
        app.rpc::<ChildOverview>("child", &[("token", &own_phone.token)])
            .await
            .is_ok(),
        "the parent's own phone keeps its access"
    );
    // Forgetting twice is harmless; a flood of tokens is refused, not stored.
    let again = forget(vec![lent_phone.token.clone()]).await;
    assert_eq!(again.answer::<u32>(), Ok(1));
    let flood = forget(vec![own_phone.token.clone(); 51]).await;
    assert_eq!(
        flood.answer::<Value>(),
        Err(AppError::InvalidInput(Field::AccessTokens))
    );
    assert!(app
        .rpc::<ChildOverview>("child", &[("token", &own_phone.token)])
        .await
        .is_ok());
    // The daily sweep keeps a forgotten token only while it could still be used.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM child_token_revoked").await,
        2
    );
    let now = hocphi_app::server::clock::Clock::now(&*app.clock);
    hocphi_app::server::privacy::sweep(
        &app.db,
        hocphi_app::domain::time::UnixTime(now + 181 * 24 * 3600),
        "2027-06-01",
    )
    .await
    .unwrap();
    assert_eq!(
        app.count("SELECT COUNT(*) FROM child_token_revoked").await,
        0
    );
}

/// Staff pass their own school's id (which they may act on) with the id or
/// code of another school's payment, receipt, invoice or staff member: the
/// object is not found in their school, and nothing of the other school moves.
#[tokio::test]
async fn an_own_school_id_does_not_reach_another_schools_records() {
    let app = start().await;
    let a = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let other = 2;
    let (payment_id,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM payment WHERE school_id = $1")
        .bind(other)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (receipt,): (String,) =
        sqlx::query_as("SELECT MIN(public_code) FROM receipt WHERE school_id = $1")
            .bind(other)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let (invoice,): (String,) =
        sqlx::query_as("SELECT MIN(code) FROM invoice WHERE school_id = $1 AND voided_at IS NULL")
            .bind(other)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let now = hocphi_app::server::clock::Clock::now(&*app.clock);
    let teacher = hocphi_server::users::add(
        &app.db,
        hocphi_server::users::NewUser {
            username: "gv.hoahong",
            display_name: "Giáo viên Hoa Hồng",
            password: DEMO_PASSWORD,
            role: hocphi_app::staff::Role::Teacher,
            // The school's own office.
            office_id: None,
            school_slug: Some(hocphi_server::demo::SIBLING_SCHOOL),
        },
        now,
    )
    .await
    .unwrap();
    let books = "SELECT (SELECT COUNT(*) FROM payment_allocation) * 1000000 + (SELECT COUNT(*) FROM refund) * 1000 \
                 + (SELECT COUNT(*) FROM receipt WHERE cancelled_at IS NOT NULL) \
                 + (SELECT COUNT(*) FROM invoice WHERE voided_at IS NOT NULL) * 100";
    let before = app.count(books).await;
    for (endpoint, args) in [
        (
            "reconcile/undo",
            json!({"school_id": 1, "payment_id": payment_id, "reason": "nhầm"}),
        ),
        (
            "reconcile/match",
            json!({"school_id": 1, "payment_id": payment_id, "parts": [{"invoice_code": invoice, "amount": 1000}]}),
        ),
        (
            "reconcile/refund",
            json!({"school_id": 1, "payment_id": payment_id, "amount": 1000, "reference": "FT1", "refunded_on": "26/11/2026"}),
        ),
        (
            "receipts/replace",
            json!({"school_id": 1, "code": receipt, "reason": "sai tên", "payer": "Người khác"}),
        ),
        (
            "invoices/void",
            json!({"school_id": 1, "code": invoice, "reason": "nhầm"}),
        ),
        ("staff/deactivate", json!({"staff_id": teacher})),
        ("staff/reset-link", json!({"staff_id": teacher})),
    ] {
        let reply = app.staff(endpoint, args, Some(&a)).await;
        let answer = reply.answer::<Value>();
        assert!(
            matches!(answer, Err(AppError::NotFound | AppError::Forbidden)),
            "{endpoint}: {answer:?}"
        );
    }
    assert_eq!(
        app.count(books).await,
        before,
        "another school's books moved"
    );
    let (active,): (i64,) = sqlx::query_as("SELECT active FROM staff WHERE id = $1")
        .bind(teacher)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(active, 1);
}

/// A staff session ends after its 12 hours, whatever the cookie says.
#[tokio::test]
async fn a_session_expires() {
    let app = start().await;
    let a = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let students = || app.staff("students/list", json!({"school_id": 1}), Some(&a));
    let me = || app.staff("staff/me", json!({}), Some(&a));
    assert!(students().await.status.is_success());
    app.clock.advance(12 * 3600 - 60);
    assert!(
        students().await.status.is_success(),
        "still within 12 hours"
    );
    assert_ne!(me().await.answer::<Value>(), Ok(Value::Null));
    app.clock.advance(61);
    assert_eq!(
        students().await.answer::<Value>(),
        Err(AppError::NotSignedIn)
    );
    // The app then shows the sign-in form.
    assert_eq!(me().await.answer::<Value>(), Ok(Value::Null));
}
