//! What operators' tools ask: liveness, readiness (not ready while draining),
//! and Prometheus metrics (only with the token when not on this machine), with
//! requests counted by route template and business figures from the database.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;
use support::*;

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> Reply {
    let mut req = Request::get(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    app.send(req.body(Body::empty()).unwrap()).await
}

fn text(r: &Reply) -> String {
    String::from_utf8_lossy(&r.body).to_string()
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = start().await;
    assert_eq!(get(&app, "/healthz", None).await.status, StatusCode::OK);
    assert_eq!(get(&app, "/readyz", None).await.status, StatusCode::OK);

    // A payment, and a request whose path carries an invoice code.
    let (code, total, _) = app.unpaid_invoices(1).await.remove(0);
    app.notify(
        &json!({"transaction_id": "FT-OPS-1", "account_number": "1023456789", "amount": total,
        "received_at": 1_795_000_000, "memo": format!("HP {code}")}),
    )
    .await;
    get(&app, &format!("/api/v1/invoices/{code}"), Some("hp_wrong")).await;

    // Not from this machine and no token: refused.
    assert_eq!(
        get(&app, "/metrics", None).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&app, "/metrics", Some("nope")).await.status,
        StatusCode::FORBIDDEN
    );
    let r = get(&app, "/metrics", Some(METRICS_TOKEN)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let body = text(&r);
    // By route template: the invoice code never becomes a label.
    assert!(body.contains("hocphi_http_requests_total{route=\"/api/v1/invoices/{code}\",method=\"GET\",status=\"401\"} 1"), "{body}");
    assert!(!body.contains(&code), "{body}");
    assert!(body.contains("hocphi_http_requests_total{route=\"/api/v1/bank-notifications\",method=\"POST\",status=\"201\"} 1"), "{body}");
    assert!(body.contains(
        "hocphi_http_request_duration_seconds_count{route=\"/api/v1/bank-notifications\"} 1"
    ));
    // Business figures agree with the database.
    let matched = app
        .count(
            "SELECT COUNT(*) FROM payment WHERE method = 'bank_transfer' AND outcome = 'matched'",
        )
        .await;
    assert!(
        body.contains(&format!(
            "hocphi_payments_total{{method=\"bank_transfer\",outcome=\"matched\"}} {matched}"
        )),
        "{body}"
    );
    let receipts = app.count("SELECT COUNT(*) FROM receipt").await;
    assert!(body.contains(&format!("hocphi_receipts_total {receipts}")));
    assert!(body.contains("hocphi_event_queue_deliveries 0"));
    assert!(body.contains("hocphi_complaints_open "));
    assert!(body.contains("hocphi_receipts_owed_payments 0"));
    // Every sample line is `name{labels} value` or `name value`.
    for line in body.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }

    // Shutting down: not ready, still alive, still answering.
    app.operations.drain();
    assert_eq!(
        get(&app, "/readyz", None).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(get(&app, "/healthz", None).await.status, StatusCode::OK);
}

/// Server function failures that are the caller's are 4xx, so logs, metrics and
/// alerts keep 5xx for the server's own; the browser reads them all the same.
#[tokio::test]
async fn a_callers_mistake_is_a_4xx_not_a_server_error() {
    let app = start().await;
    let lookup = |birth: &'static str| {
        let form = format!(
            "school=th-ha-long&student_code={}&birth_date={}",
            hocphi_server::demo::FEATURED_STUDENT_CODE,
            urlencode(birth)
        );
        Request::post("/rpc/lookup")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", "203.0.113.9")
            .body(Body::from(form))
            .unwrap()
    };
    let ok = app
        .send(lookup(hocphi_server::demo::FEATURED_BIRTH_DATE))
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let wrong = app.send(lookup("01/01/2016")).await;
    assert_eq!(
        wrong.status,
        StatusCode::NOT_FOUND,
        "{}",
        String::from_utf8_lossy(&wrong.body)
    );
    assert_eq!(
        wrong.answer::<()>(),
        Err(hocphi_app::error::AppError::NoMatch)
    );
    let unreadable = app.send(lookup("hôm qua")).await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut last = wrong;
    for _ in 0..10 {
        last = app.send(lookup("01/01/2016")).await;
    }
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(last.headers.contains_key("retry-after"));
    let signed_out = app
        .staff("api-keys/list", serde_json::json!({"school_id": 1}), None)
        .await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
}
