//! Every `/api/v1` endpoint for school software, black-box: a key sees only its
//! school, a read-only key cannot write, a revoked key is refused, every POST
//! is idempotent (a repeat answers the same and writes once; the same key with
//! another body is refused), lists page by change time, and receipts come with
//! a signature that checks out and a verification link.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hocphi_app::api::api_keys::NewApiKey;
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD};
use serde_json::{json, Value};
use support::*;

async fn key(app: &TestApp, session: &str, can_write: bool) -> NewApiKey {
    app.staff(
        "api-keys/create",
        json!({"school_id": 1, "name": "Phần mềm quản lý trường", "can_write": can_write}),
        Some(session),
    )
    .await
    .answer()
    .unwrap()
}

/// A key of the demo's second school (it has no accountant: made directly).
async fn other_school_key(app: &TestApp) -> String {
    let mut conn = app.db.acquire().await.unwrap();
    let (_, secret, _) = hocphi_app::server::api_keys::insert_key(
        &mut conn,
        hocphi_app::domain::ids::SchoolId(2),
        hocphi_app::domain::ids::StaffId(1),
        "Phần mềm khác",
        true,
        hocphi_app::domain::time::UnixTime(0),
    )
    .await
    .unwrap();
    secret
}

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    key: &str,
    idem: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {key}"));
    if let Some(k) = idem {
        req = req.header("idempotency-key", k);
    }
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    app.send(req.body(body).unwrap()).await
}

fn body(r: &Reply) -> Value {
    serde_json::from_slice(&r.body)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&r.body)))
}

fn problem_type(r: &Reply) -> String {
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/problem+json",
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    body(r)["type"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

/// Every item of a list, following `next`.
async fn all(app: &TestApp, path: &str, key: &str) -> Vec<Value> {
    all_after(app, path, key, "").await
}

/// Every item after a cursor (`""`: from the start), following `next`.
async fn all_after(app: &TestApp, path: &str, key: &str, cursor: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut after = if cursor.is_empty() {
        String::new()
    } else {
        format!("&after={cursor}")
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    loop {
        let r = call(
            app,
            "GET",
            &format!("{path}{sep}limit=37{after}"),
            key,
            None,
            None,
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "{path}: {}",
            String::from_utf8_lossy(&r.body)
        );
        let page = body(&r);
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        if page["has_more"] != true {
            return items;
        }
        after = format!("&after={}", page["next"].as_str().unwrap());
    }
}

#[tokio::test]
async fn reads_keep_to_the_key_s_school() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let ro = key(&app, &accountant, false).await.secret;
    let other = other_school_key(&app).await;

    for (path, sql, code_field) in [
        (
            "/api/v1/students",
            "SELECT COUNT(*) FROM student WHERE school_id = 1 AND erased_at IS NULL",
            "code",
        ),
        (
            "/api/v1/invoices",
            "SELECT COUNT(*) FROM invoice WHERE school_id = 1",
            "student_code",
        ),
        (
            "/api/v1/payments",
            "SELECT COUNT(*) FROM payment WHERE school_id = 1",
            "reference",
        ),
        (
            "/api/v1/receipts",
            "SELECT COUNT(*) FROM receipt WHERE school_id = 1",
            "invoice_code",
        ),
    ] {
        let mine = all(&app, path, &ro).await;
        assert_eq!(mine.len() as i64, app.count(sql).await, "{path}");
        assert!(!mine.is_empty(), "{path}: the demo has some");
        let theirs = all(&app, path, &other).await;
        let school_2 = app
            .count(&sql.replace("school_id = 1", "school_id = 2"))
            .await;
        assert_eq!(theirs.len() as i64, school_2, "{path}");
        // No record shows up under both schools' keys.
        for item in &theirs {
            assert!(
                !mine
                    .iter()
                    .any(|m| m[code_field] == item[code_field] && m == item),
                "{path}"
            );
        }
    }
    // One by code: another school's student or invoice does not exist for this key.
    let (student, invoice): (String, String) = sqlx::query_as(
        "SELECT s.code, i.code FROM invoice i JOIN student s ON s.id = i.student_id WHERE i.school_id = 1 LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    for path in [
        format!("/api/v1/students/{student}"),
        format!("/api/v1/invoices/{invoice}"),
    ] {
        assert_eq!(
            call(&app, "GET", &path, &ro, None, None).await.status,
            StatusCode::OK
        );
        let r = call(&app, "GET", &path, &other, None, None).await;
        assert_eq!(
            (r.status, problem_type(&r)),
            (StatusCode::NOT_FOUND, "not-found".into())
        );
    }
    let detail = body(
        &call(
            &app,
            "GET",
            &format!("/api/v1/invoices/{invoice}"),
            &ro,
            None,
            None,
        )
        .await,
    );
    let lines: i64 = detail["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["declined"] == false)
        .map(|l| l["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(lines, detail["total"].as_i64().unwrap(), "{detail}");
    let classes = body(&call(&app, "GET", "/api/v1/classes", &ro, None, None).await);
    let enrolled: i64 = classes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["students"].as_i64().unwrap())
        .sum();
    assert!(enrolled > 0);
    let fees = body(&call(&app, "GET", "/api/v1/fee-items", &ro, None, None).await);
    assert_eq!(
        fees["items"].as_array().unwrap().len() as i64,
        app.count("SELECT COUNT(*) FROM fee_item WHERE school_id = 1")
            .await
    );
}

#[tokio::test]
async fn writes_need_a_read_write_key_and_are_idempotent() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let rw = key(&app, &accountant, true).await;
    let ro = key(&app, &accountant, false).await.secret;
    let fee = json!({"name": "Câu lạc bộ cờ vua", "amount": 150_000, "unit": "month", "mandatory": false, "grades": "4, 5"});
    let run = json!({"period": "2027-01", "due_on": "2027-01-15"});

    // Every write refuses a read-only key.
    for (method, path, b) in [
        ("POST", "/api/v1/fee-items", &fee),
        ("PUT", "/api/v1/fee-items/1", &fee),
        ("POST", "/api/v1/invoice-runs", &run),
        ("POST", "/api/v1/students", &json!({"students": []})),
    ] {
        let r = call(&app, method, path, &ro, Some("k"), Some(b)).await;
        assert_eq!(
            (r.status, problem_type(&r)),
            (StatusCode::FORBIDDEN, "read-only-key".into()),
            "{path}"
        );
    }

    // A fee item: created once however often the request is repeated.
    let no_key = call(
        &app,
        "POST",
        "/api/v1/fee-items",
        &rw.secret,
        None,
        Some(&fee),
    )
    .await;
    assert_eq!(problem_type(&no_key), "no-idempotency-key");
    let first = call(
        &app,
        "POST",
        "/api/v1/fee-items",
        &rw.secret,
        Some("fee-1"),
        Some(&fee),
    )
    .await;
    assert_eq!(
        first.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    let again = call(
        &app,
        "POST",
        "/api/v1/fee-items",
        &rw.secret,
        Some("fee-1"),
        Some(&fee),
    )
    .await;
    assert_eq!(
        (again.status, &again.body),
        (StatusCode::CREATED, &first.body)
    );
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM fee_item WHERE name = 'Câu lạc bộ cờ vua'")
            .await,
        1
    );
    let reused = call(
        &app,
        "POST",
        "/api/v1/fee-items",
        &rw.secret,
        Some("fee-1"),
        Some(&json!({"name": "Khác", "amount": 1, "unit": "once"})),
    )
    .await;
    assert_eq!(
        (reused.status, problem_type(&reused)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused".into()
        )
    );
    let id = body(&first)["id"].as_i64().unwrap();
    // Bad input names the field; nothing is written.
    let bad = call(
        &app,
        "POST",
        "/api/v1/fee-items",
        &rw.secret,
        Some("fee-2"),
        Some(&json!({"name": "X", "amount": -5, "unit": "month"})),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body(&bad)["detail"].as_str().unwrap(),
        hocphi_app::i18n::field_problem(
            hocphi_app::i18n::Lang::En,
            hocphi_app::error::Field::Amount
        )
    );
    let bad_unit = call(
        &app,
        "POST",
        "/api/v1/fee-items",
        &rw.secret,
        Some("fee-3"),
        Some(&json!({"name": "X", "amount": 5, "unit": "week"})),
    )
    .await;
    assert!(body(&bad_unit)["detail"].as_str().unwrap().contains("unit"));
    // Changed by id; another school's id is not found.
    let changed = call(&app, "PUT", &format!("/api/v1/fee-items/{id}"), &rw.secret, None, Some(&json!({"name": "Câu lạc bộ cờ vua", "amount": 180_000, "unit": "month", "mandatory": false, "grades": "4, 5"}))).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(
        app.count(&format!("SELECT amount FROM fee_item WHERE id = {id}"))
            .await,
        180_000
    );
    let foreign = app
        .count("SELECT MIN(id) FROM fee_item WHERE school_id = 2")
        .await;
    let r = call(
        &app,
        "PUT",
        &format!("/api/v1/fee-items/{foreign}"),
        &rw.secret,
        None,
        Some(&fee),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A class before its students; once however often it is asked for.
    let class = call(
        &app,
        "POST",
        "/api/v1/classes",
        &rw.secret,
        Some("class-6A"),
        Some(&json!({"name": "5E"})),
    )
    .await;
    assert_eq!(
        class.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&class.body)
    );
    assert_eq!(
        body(&class),
        json!({"name": "5E", "grade": 5, "created": true})
    );
    let again = call(
        &app,
        "POST",
        "/api/v1/classes",
        &rw.secret,
        Some("class-6A-b"),
        Some(&json!({"name": "5E"})),
    )
    .await;
    assert_eq!(body(&again)["created"], false);
    // Typed "5e": the school's 5E, which existed.
    let cased = call(
        &app,
        "POST",
        "/api/v1/classes",
        &rw.secret,
        Some("class-6A-c"),
        Some(&json!({"name": "5e"})),
    )
    .await;
    assert_eq!(
        body(&cased),
        json!({"name": "5E", "grade": 5, "created": false})
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM class WHERE school_id = 1 AND name = '5E'")
            .await,
        1
    );
    let bad = call(
        &app,
        "POST",
        "/api/v1/classes",
        &rw.secret,
        Some("class-x"),
        Some(&json!({"name": "Mầm"})),
    )
    .await;
    assert_eq!(
        (bad.status, problem_type(&bad)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid".into())
    );
    let ro_class = call(
        &app,
        "POST",
        "/api/v1/classes",
        &ro,
        Some("class-ro"),
        Some(&json!({"name": "5F"})),
    )
    .await;
    assert_eq!(ro_class.status, StatusCode::FORBIDDEN);

    // An invoice run: one per student, once.
    let students = app
        .count("SELECT COUNT(*) FROM student s JOIN enrolment e ON e.student_id = s.id WHERE s.school_id = 1 AND s.left_on IS NULL AND e.school_year_id = (SELECT MAX(id) FROM school_year)")
        .await;
    let first = call(
        &app,
        "POST",
        "/api/v1/invoice-runs",
        &rw.secret,
        Some("run-2027-01"),
        Some(&run),
    )
    .await;
    assert_eq!(
        first.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    let result = body(&first);
    assert_eq!(
        result["new_invoices"].as_i64().unwrap(),
        app.count("SELECT COUNT(*) FROM invoice WHERE school_id = 1 AND period = '2027-01'")
            .await
    );
    assert!(
        result["new_invoices"].as_i64().unwrap() > 0
            && result["new_invoices"].as_i64().unwrap() <= students
    );
    let again = call(
        &app,
        "POST",
        "/api/v1/invoice-runs",
        &rw.secret,
        Some("run-2027-01"),
        Some(&run),
    )
    .await;
    assert_eq!(again.body, first.body);
    let second_run = call(
        &app,
        "POST",
        "/api/v1/invoice-runs",
        &rw.secret,
        Some("run-2027-01-b"),
        Some(&run),
    )
    .await;
    assert_eq!(body(&second_run)["new_invoices"], 0);
    let bad = call(
        &app,
        "POST",
        "/api/v1/invoice-runs",
        &rw.secret,
        Some("run-bad"),
        Some(&json!({"period": "2027-13", "due_on": "2027-01-15"})),
    )
    .await;
    assert_eq!(
        (bad.status, problem_type(&bad)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid".into())
    );
    app.assert_month_figures().await;

    // Every write through the API is in the audit log, with the key's prefix.
    let prefix: String = rw.secret.chars().take(10).collect();
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'api_%' AND after_json LIKE '%{prefix}%'")).await,
        5,
        "fee created, fee changed, a class, two runs"
    );

    // Revoked: every endpoint refuses it.
    app.staff(
        "api-keys/revoke",
        json!({"school_id": 1, "id": rw.id}),
        Some(&accountant),
    )
    .await;
    for (method, path) in [
        ("GET", "/api/v1/students"),
        ("GET", "/api/v1/classes"),
        ("GET", "/api/v1/fee-items"),
        ("GET", "/api/v1/invoices"),
        ("GET", "/api/v1/payments"),
        ("GET", "/api/v1/receipts"),
        ("POST", "/api/v1/invoice-runs"),
    ] {
        let r = call(&app, method, path, &rw.secret, Some("x"), Some(&run)).await;
        assert_eq!(
            (r.status, problem_type(&r)),
            (StatusCode::UNAUTHORIZED, "bad-key".into()),
            "{path}"
        );
    }
}

#[tokio::test]
async fn what_changed_since_then_payments_and_signed_receipts() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let ro = key(&app, &accountant, false).await.secret;
    // Everything so far is old; then one invoice is paid.
    sqlx::query("UPDATE invoice SET updated_at = 5")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE payment SET updated_at = 5")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE receipt SET updated_at = 5")
        .execute(&app.db)
        .await
        .unwrap();
    // What was paid on an invoice changes it too (its allocations' time).
    sqlx::query("UPDATE payment_allocation SET updated_at = 5")
        .execute(&app.db)
        .await
        .unwrap();
    let (code, total, _) = app.unpaid_invoices(1).await.remove(0);
    let r = app
        .notify(&json!({"transaction_id": "FT26331999001", "account_number": "1023456789", "amount": total,
            "received_at": 1_795_000_000, "memo": format!("HP {code}")}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);

    let changed = all(&app, "/api/v1/invoices?updated_since=6", &ro).await;
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(
        (
            changed[0]["code"].as_str().unwrap(),
            changed[0]["status"].as_str().unwrap()
        ),
        (code.as_str(), "paid")
    );
    assert_eq!(changed[0]["paid"].as_i64().unwrap(), total);

    let payments = all(&app, "/api/v1/payments?updated_since=6", &ro).await;
    assert_eq!(payments.len(), 1);
    assert_eq!(
        payments[0]["invoices"],
        json!([{"invoice_code": code, "amount": total}])
    );
    assert_eq!(payments[0]["outcome"], "matched");

    let receipts = all(&app, "/api/v1/receipts?updated_since=6", &ro).await;
    assert_eq!(receipts.len(), 1);
    let receipt = &receipts[0];
    assert_eq!(
        (
            receipt["invoice_code"].as_str().unwrap(),
            receipt["status"].as_str().unwrap()
        ),
        (code.as_str(), "issued")
    );
    // The link opens the receipt page with its proof; the signature checks out
    // against the school's published key.
    let url = receipt["verification_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "{PUBLIC_URL}/r/{}#",
            receipt["code"].as_str().unwrap()
        )),
        "{url}"
    );
    use sha2::Digest;
    let digest = sha2::Sha256::digest(receipt["content"].as_str().unwrap().as_bytes());
    assert_eq!(
        hocphi_app::domain::receipt::b64(&digest),
        receipt["digest"].as_str().unwrap()
    );
    let keys = body(
        &app.send(
            Request::get("/api/v1/schools/th-ha-long/receipt-keys")
                .body(Body::empty())
                .unwrap(),
        )
        .await,
    );
    let public = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key_id"] == receipt["key_id"])
        .unwrap()["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    let proof = hocphi_app::domain::receipt::Proof::parse(url.split_once('#').unwrap().1).unwrap();
    let public: [u8; 32] = hocphi_app::domain::receipt::from_b64(&public)
        .unwrap()
        .try_into()
        .unwrap();
    let verdict =
        hocphi_app::domain::receipt::verify(&proof, &[(proof.key_id.clone(), public)], None);
    assert!(verdict.key_known && verdict.signature_valid, "{verdict:?}");

    // A cursor that is not one is a clear 400.
    let r = call(
        &app,
        "GET",
        "/api/v1/payments?after=yesterday",
        &ro,
        None,
        None,
    )
    .await;
    assert_eq!(
        (r.status, problem_type(&r)),
        (StatusCode::BAD_REQUEST, "malformed".into())
    );
}

#[tokio::test]
async fn each_key_has_its_own_rate_limit() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let busy = key(&app, &accountant, false).await.secret;
    let calm = key(&app, &accountant, false).await.secret;
    for _ in 0..300 {
        let r = call(&app, "GET", "/api/v1/classes", &busy, None, None).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let r = call(&app, "GET", "/api/v1/classes", &busy, None, None).await;
    assert_eq!(
        (r.status, problem_type(&r)),
        (StatusCode::TOO_MANY_REQUESTS, "rate-limited".into())
    );
    let wait: i64 = r
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
    // Another key of the same school is not held up.
    assert_eq!(
        call(&app, "GET", "/api/v1/classes", &calm, None, None)
            .await
            .status,
        StatusCode::OK
    );
    // A minute later the busy key works again.
    app.clock.advance(61);
    assert_eq!(
        call(&app, "GET", "/api/v1/classes", &busy, None, None)
            .await
            .status,
        StatusCode::OK
    );
}

/// A sync that pages while payments arrive, all in one second, with a change
/// to a record it has already passed: it sees that change on a later page,
/// then resumes from its last `next` and sees only what came after.
#[tokio::test]
async fn a_sync_never_misses_a_change_made_while_it_pages() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let ro = key(&app, &accountant, false).await.secret;
    // Every invoice changed "in the same second".
    sqlx::query("UPDATE invoice SET updated_at = 1000")
        .execute(&app.db)
        .await
        .unwrap();
    let first = body(&call(&app, "GET", "/api/v1/invoices?limit=5", &ro, None, None).await);
    assert_eq!(first["has_more"], true);
    let seen: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect();
    // One of the invoices already passed gets paid now.
    let (code, total): (String, i64) = sqlx::query_as(
        "SELECT i.code, i.total FROM invoice i WHERE i.code IN ($1, $2, $3, $4, $5) AND i.total > 0 AND i.voided_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id) LIMIT 1",
    )
    .bind(&seen[0])
    .bind(&seen[1])
    .bind(&seen[2])
    .bind(&seen[3])
    .bind(&seen[4])
    .fetch_one(&app.db)
    .await
    .unwrap_or_else(|_| panic!("an unpaid invoice among {seen:?}"));
    app.notify(
        &json!({"transaction_id": "FT-SYNC-1", "account_number": "1023456789", "amount": total,
        "received_at": 1_795_000_000, "memo": format!("HP {code}")}),
    )
    .await;
    // ... and that change happened "in the same second" too: a cursor made of
    // (second, id) would have passed it for good.
    sqlx::query("UPDATE invoice SET updated_at = 1000")
        .execute(&app.db)
        .await
        .unwrap();
    let rest = all_after(
        &app,
        "/api/v1/invoices",
        &ro,
        first["next"].as_str().unwrap(),
    )
    .await;
    let again = rest
        .iter()
        .find(|i| i["code"] == code.as_str())
        .expect("the paid invoice again");
    assert_eq!(again["status"], "paid");
    // Resuming from the very end gives nothing until the next change.
    let cursor = end_of_invoices(&app, &ro).await;
    let tail = invoice_page(&app, &ro, &format!("after={cursor}")).await;
    let tail_items = tail["items"].as_array().unwrap();
    assert!(tail_items.is_empty(), "{tail}");
    assert_eq!(tail["next"].as_str().unwrap(), cursor);
}

/// A page of the invoice list (`query`: its parameters).
async fn invoice_page(app: &TestApp, key: &str, query: &str) -> Value {
    body(
        &call(
            app,
            "GET",
            &format!("/api/v1/invoices?{query}"),
            key,
            None,
            None,
        )
        .await,
    )
}

/// The cursor at the end of the school's invoice list.
async fn end_of_invoices(app: &TestApp, key: &str) -> String {
    let mut cursor = "0".to_string();
    loop {
        let page = invoice_page(app, key, &format!("limit=1000&after={cursor}")).await;
        cursor = page["next"].as_str().unwrap().to_string();
        if page["has_more"] != true {
            return cursor;
        }
    }
}

/// Invoice codes listed after `cursor`, with the query's filters.
async fn invoices_after(app: &TestApp, key: &str, cursor: &str, query: &str) -> Vec<String> {
    let page = invoice_page(app, key, &format!("after={cursor}{query}")).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect()
}

/// A payment lists its invoice again without rewriting the invoice (its
/// allocation's change number), within the period and student filters; a
/// later change of the invoice's own lists it again. Every full page of a
/// sync is full, and a sync lists each invoice once.
#[tokio::test]
async fn an_invoice_is_listed_at_its_last_change_its_own_or_a_payment() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let ro = key(&app, &accountant, false).await.secret;
    let mut cursor = "0".to_string();
    let mut seen = std::collections::HashSet::new();
    loop {
        let page = invoice_page(&app, &ro, &format!("limit=7&after={cursor}")).await;
        let items = page["items"].as_array().unwrap();
        if page["has_more"] == true {
            assert_eq!(items.len(), 7, "a page that says more wait is full");
        }
        for i in items {
            assert!(
                seen.insert(i["code"].as_str().unwrap().to_string()),
                "{i}: twice"
            );
        }
        cursor = page["next"].as_str().unwrap().to_string();
        if page["has_more"] != true {
            break;
        }
    }
    assert_eq!(
        seen.len() as i64,
        app.count("SELECT COUNT(*) FROM invoice WHERE school_id = 1")
            .await
    );

    let (code, total, _) = app.unpaid_invoices(1).await.remove(0);
    let (period, student): (String, String) = sqlx::query_as(
        "SELECT i.period, s.code FROM invoice i JOIN student s ON s.id = i.student_id WHERE i.code = $1",
    )
    .bind(&code)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let own_before: (i64,) = sqlx::query_as("SELECT change_no FROM invoice WHERE code = $1")
        .bind(&code)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let end = end_of_invoices(&app, &ro).await;
    let r = app
        .notify(
            &json!({"transaction_id": "FT-LAST-1", "account_number": "1023456789", "amount": total,
            "received_at": 1_795_000_000, "memo": format!("HP {code}")}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(invoices_after(&app, &ro, &end, "").await, [code.as_str()]);
    assert_eq!(
        invoices_after(&app, &ro, &end, &format!("&period={period}")).await,
        [code.as_str()]
    );
    assert_eq!(
        invoices_after(&app, &ro, &end, &format!("&student_code={student}")).await,
        [code.as_str()]
    );
    assert!(invoices_after(&app, &ro, &end, "&period=2020-01")
        .await
        .is_empty());
    let own_after: (i64,) = sqlx::query_as("SELECT change_no FROM invoice WHERE code = $1")
        .bind(&code)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        own_before, own_after,
        "the payment left the invoice's row alone"
    );

    // Its own change after the payment (voided) lists it again, once.
    let end = end_of_invoices(&app, &ro).await;
    sqlx::query(
        "UPDATE invoice SET voided_at = 1795000001, void_reason = 'lập nhầm' WHERE code = $1",
    )
    .bind(&code)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(invoices_after(&app, &ro, &end, "").await, [code]);
}
