//! `/api/v1/students` with API keys, black-box: keys see only their school, a
//! read-only key cannot write, a revoked key is refused, a repeated POST with
//! the same Idempotency-Key writes once and answers the same, the same key with
//! another body is refused, bad rows are named and nothing is written.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hocphi_app::api::api_keys::NewApiKey;
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD};
use serde_json::{json, Value};
use support::*;

async fn key(app: &TestApp, session: &str, school: i64, can_write: bool) -> NewApiKey {
    app.staff(
        "api-keys/create",
        json!({"school_id": school, "name": "Phần mềm quản lý trường", "can_write": can_write}),
        Some(session),
    )
    .await
    .answer()
    .unwrap()
}

async fn get(app: &TestApp, key: &str, query: &str) -> Reply {
    app.send(
        Request::get(format!("/api/v1/students{query}"))
            .header("authorization", format!("Bearer {key}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn post(app: &TestApp, key: &str, idem: Option<&str>, body: &Value) -> Reply {
    let mut req = Request::post("/api/v1/students")
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json");
    if let Some(k) = idem {
        req = req.header("idempotency-key", k);
    }
    app.send(req.body(Body::from(body.to_string())).unwrap())
        .await
}

fn problem_type(r: &Reply) -> String {
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/problem+json"
    );
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    v["type"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn keys_scopes_idempotency_and_all_or_nothing() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();
    let rw = key(&app, &accountant, 1, true).await;
    let ro = key(&app, &accountant, 1, false).await;
    // The secret is stored only as a hash.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM api_key WHERE secret_hash = '{}'",
            rw.secret
        ))
        .await,
        0
    );
    // An accountant of school 1 cannot make keys for school 2.
    let other = app
        .staff(
            "api-keys/create",
            json!({"school_id": 2, "name": "x y", "can_write": true}),
            Some(&accountant),
        )
        .await;
    assert_eq!(
        other.answer::<NewApiKey>(),
        Err(hocphi_app::error::AppError::Forbidden)
    );

    // Reading: the school's own students only, page by page.
    let own = app
        .count("SELECT COUNT(*) FROM student WHERE school_id = 1")
        .await;
    let mut seen = 0;
    let mut after = String::new();
    loop {
        let r = get(&app, &ro.secret, &format!("?limit=50{after}")).await;
        assert_eq!(r.status, StatusCode::OK);
        let page: Value = serde_json::from_slice(&r.body).unwrap();
        seen += page["items"].as_array().unwrap().len() as i64;
        assert!(page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["code"].as_str().unwrap().starts_with("2201")));
        if page["has_more"] != true {
            break;
        }
        after = format!("&after={}", page["next"].as_str().unwrap());
    }
    assert_eq!(seen, own);

    // Writing needs a read-write key and an Idempotency-Key.
    let body = json!({"students": [
        {"code": "API0001", "full_name": "Trịnh Văn Nam", "date_of_birth": "2019-02-03", "class": "1A"},
        {"code": "2201000001", "full_name": "Nguyễn Minh An", "date_of_birth": "2017-09-05", "class": "3B"}
    ]});
    let refused = post(&app, &ro.secret, Some("k1"), &body).await;
    assert_eq!(
        (refused.status, problem_type(&refused)),
        (StatusCode::FORBIDDEN, "read-only-key".into())
    );
    let no_idem = post(&app, &rw.secret, None, &body).await;
    assert_eq!(
        (no_idem.status, problem_type(&no_idem)),
        (StatusCode::BAD_REQUEST, "no-idempotency-key".into())
    );
    let first = post(&app, &rw.secret, Some("sync-2026-11-27"), &body).await;
    assert_eq!(
        first.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    let result: Value = serde_json::from_slice(&first.body).unwrap();
    assert_eq!(result, json!({"created": 1, "updated": 1, "unchanged": 0}));
    let again = post(&app, &rw.secret, Some("sync-2026-11-27"), &body).await;
    assert_eq!(
        (again.status, again.body.clone()),
        (StatusCode::OK, first.body.clone())
    );
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM student WHERE code = 'API0001'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'api_upsert'")
            .await,
        1
    );
    let reused = post(
        &app,
        &rw.secret,
        Some("sync-2026-11-27"),
        &json!({"students": [body["students"][0]]}),
    )
    .await;
    assert_eq!(
        (reused.status, problem_type(&reused)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency-key-reused".into()
        )
    );

    // A bad row is named; nothing is written.
    let bad = json!({"students": [
        {"code": "API0002", "full_name": "Lê Thu", "date_of_birth": "2019-02-03", "class": "1A"},
        {"code": "API0003", "full_name": "Lê Hà", "date_of_birth": "31/02/2019", "class": "1A"}
    ]});
    let r = post(&app, &rw.secret, Some("k-bad"), &bad).await;
    assert_eq!(
        (r.status, problem_type(&r)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid-rows".into())
    );
    assert!(
        String::from_utf8_lossy(&r.body).contains("student 2"),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM student WHERE code LIKE 'API000%'")
            .await,
        1
    );

    // Invoices: the school's own, with what was paid, page by page.
    let r = app
        .send(
            Request::get("/api/v1/invoices?period=2026-11&limit=1000")
                .header("authorization", format!("Bearer {}", ro.secret))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let page: Value = serde_json::from_slice(&r.body).unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(
        items.len() as i64,
        app.count("SELECT COUNT(*) FROM invoice WHERE school_id = 1 AND period = '2026-11'")
            .await
    );
    assert!(items.iter().all(
        |i| i["period"] == "2026-11" && i["student_code"].as_str().unwrap().starts_with("2201")
    ));
    let paid_total: i64 = items.iter().map(|i| i["paid"].as_i64().unwrap()).sum();
    assert_eq!(
        paid_total,
        app.count("SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id WHERE i.school_id = 1 AND i.period = '2026-11'").await
    );

    // Revoked: refused at once.
    let revoked = app
        .staff(
            "api-keys/revoke",
            json!({"school_id": 1, "id": rw.id}),
            Some(&accountant),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let r = get(&app, &rw.secret, "").await;
    assert_eq!(
        (r.status, problem_type(&r)),
        (StatusCode::UNAUTHORIZED, "bad-key".into())
    );
    let r = get(&app, "hp_not-a-key", "").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
