//! A small "school management system" plays against hocphi's REST API and
//! events, end to end over real HTTP for the events: it registers an address,
//! bulk-upserts 5,000 students, runs the month's invoices, and keeps its own
//! books from the events it receives (signed, some delivered twice, some only
//! after a failure and a retry) while parents pay by bank transfer. At the end
//! its books equal hocphi's.

mod support;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use hocphi_app::server::clock::Clock;
use hocphi_server::demo::{DEMO_ACCOUNTANT, DEMO_PASSWORD};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use support::*;

const STUDENTS: usize = 5_000;
const PERIOD: &str = "2027-02";

/// What the school's software knows, built only from what hocphi sent it.
#[derive(Default)]
struct Books {
    secret: String,
    /// The clock of the hocphi under test (pinned, moved by the test), to check
    /// signature timestamps against.
    clock: Option<Arc<hocphi_app::server::clock::FixedClock>>,
    /// Requests that arrived, duplicates and refused ones included.
    requests: usize,
    /// Events by id: a delivery seen twice is applied once.
    seen: HashMap<String, Value>,
    duplicates: usize,
    /// invoice code → (student code, total, paid, sequence of the state `paid` came from)
    invoices: BTreeMap<String, (String, i64, i64, i64)>,
    receipts: usize,
    bad_signatures: usize,
}

/// hex(HMAC-SHA256(secret, "<t>.<body>")), written here from the description in
/// the API's documentation, not taken from hocphi's code.
fn expected_signature(secret: &str, t: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn receive(
    axum::extract::State(books): axum::extract::State<Arc<Mutex<Books>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut b = books.lock().unwrap();
    b.requests += 1;
    // Every 9th request fails as if the software were restarting: hocphi must try again.
    if b.requests % 9 == 0 {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let header = headers
        .get("hocphi-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (t, v1) = header
        .split_once(",v1=")
        .map(|(t, v)| (t.trim_start_matches("t=").to_string(), v.to_string()))
        .unwrap_or_default();
    let fresh = t
        .parse::<i64>()
        .is_ok_and(|t| (t - b.clock.as_ref().unwrap().now()).abs() <= 300);
    if !fresh || v1 != expected_signature(&b.secret, &t, &body) {
        b.bad_signatures += 1;
        return StatusCode::UNAUTHORIZED;
    }
    // Every event is what the OpenAPI document says it is, no field more.
    if let Err(e) = serde_json::from_slice::<hocphi_server::events::schema::Event>(&body) {
        panic!(
            "an event outside its documented schema ({e}): {}",
            String::from_utf8_lossy(&body)
        );
    }
    let event: Value = serde_json::from_slice(&body).unwrap();
    let id = event["id"].as_str().unwrap().to_string();
    assert_eq!(headers.get("hocphi-event-id").unwrap(), id.as_str());
    if b.seen.contains_key(&id) {
        b.duplicates += 1;
        return StatusCode::OK;
    }
    let sequence = event["sequence"].as_i64().unwrap();
    let data = &event["data"];
    match event["type"].as_str().unwrap() {
        "invoice.issued" => {
            let i = &data["invoice"];
            if i["period"] == PERIOD {
                let e = b
                    .invoices
                    .entry(i["code"].as_str().unwrap().to_string())
                    .or_insert((String::new(), 0, 0, 0));
                e.0 = i["student_code"].as_str().unwrap().to_string();
                e.1 = i["total"].as_i64().unwrap();
            }
        }
        "payment.settled" | "payment.reversed" => {
            let e = b
                .invoices
                .entry(data["invoice_code"].as_str().unwrap().to_string())
                .or_insert((String::new(), 0, 0, 0));
            // Out of order is possible after a retry: the later state wins.
            if sequence > e.3 {
                e.2 = data["invoice_paid"].as_i64().unwrap();
                e.3 = sequence;
            }
        }
        "receipt.issued" => {
            assert!(data["receipt"]["verification_url"]
                .as_str()
                .unwrap()
                .starts_with(PUBLIC_URL));
            b.receipts += 1;
        }
        _ => {}
    }
    b.seen.insert(id, event);
    StatusCode::OK
}

async fn api(
    app: &TestApp,
    method: &str,
    path: &str,
    key: &str,
    idem: Option<&str>,
    body: Option<Value>,
) -> Value {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json");
    if let Some(k) = idem {
        req = req.header("idempotency-key", k);
    }
    let r = app
        .send(
            req.body(body.map(|b| Body::from(b.to_string())).unwrap_or_default())
                .unwrap(),
        )
        .await;
    assert!(
        r.status.is_success(),
        "{path}: {} {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    serde_json::from_slice(&r.body).unwrap()
}

/// Sends every due event, moving the clock past each retry's wait, until none is left.
async fn deliver_everything(app: &TestApp) {
    let client = hocphi_server::events::client(true);
    for _ in 0..10_000 {
        let sent = hocphi_server::events::deliver_due(&app.state, &client, PUBLIC_URL)
            .await
            .unwrap();
        if sent > 0 {
            continue;
        }
        let pending = app
            .count("SELECT COUNT(*) FROM event_delivery WHERE delivered_at IS NULL AND gave_up_at IS NULL")
            .await;
        if pending == 0 {
            return;
        }
        app.clock.advance(60);
    }
    panic!("deliveries never finished");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_school_system_syncs_5000_students_and_follows_payments_by_events() {
    let app = start().await;
    let accountant = app.sign_in(DEMO_ACCOUNTANT, DEMO_PASSWORD).await.unwrap();

    // The school's software listens on this machine.
    let books = Arc::new(Mutex::new(Books {
        clock: Some(app.clock.clone()),
        ..Books::default()
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let receiver = axum::Router::new()
        .route("/hocphi/events", axum::routing::post(receive))
        .with_state(books.clone());
    tokio::spawn(async move { axum::serve(listener, receiver).await.unwrap() });

    // The accountant makes its key and registers its address (secret shown once).
    let key: hocphi_app::api::api_keys::NewApiKey = app
        .staff(
            "api-keys/create",
            json!({"school_id": 1, "name": "Phần mềm quản lý trường", "can_write": true}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    let hook: hocphi_app::api::webhooks::NewWebhook = app
        .staff(
            "webhooks/create",
            json!({"school_id": 1, "url": format!("http://127.0.0.1:{port}/hocphi/events")}),
            Some(&accountant),
        )
        .await
        .answer()
        .unwrap();
    books.lock().unwrap().secret = hook.secret.clone();
    let key = key.secret;

    // 5,000 students in five requests of 1,000, each with its own Idempotency-Key;
    // the first is sent twice, as after a lost answer.
    let family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
    let given = [
        "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khoa", "Linh", "Minh", "Ngọc", "Phúc",
        "Quỳnh", "Sơn", "Thảo", "Uyên", "Việt",
    ];
    let students: Vec<Value> = (0..STUDENTS)
        .map(|i| {
            let grade = 1 + i % 5;
            json!({
                "code": format!("PM{:05}", i + 1),
                "full_name": format!("{} {} {}", family[i % 8], if i % 2 == 0 { "Văn" } else { "Thị" }, given[i % 16]),
                "date_of_birth": format!("{}-{:02}-{:02}", 2020 - grade, 1 + i % 12, 1 + i % 28),
                "class": format!("{grade}{}", ["A", "B", "C", "D"][(i / 5) % 4]),
            })
        })
        .collect();
    let mut created = 0;
    for (n, chunk) in students.chunks(1000).enumerate() {
        let body = json!({"students": chunk});
        let idem = format!("pm-sync-{n}");
        let r = api(
            &app,
            "POST",
            "/api/v1/students",
            &key,
            Some(&idem),
            Some(body.clone()),
        )
        .await;
        created += r["created"].as_i64().unwrap();
        if n == 0 {
            let again = api(
                &app,
                "POST",
                "/api/v1/students",
                &key,
                Some(&idem),
                Some(body),
            )
            .await;
            assert_eq!(again, r);
        }
    }
    assert_eq!(created, STUDENTS as i64);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM student WHERE code LIKE 'PM%'")
            .await,
        STUDENTS as i64
    );
    // Its classes now exist in hocphi.
    let classes = api(&app, "GET", "/api/v1/classes", &key, None, None).await;
    let in_classes: i64 = classes["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["students"].as_i64().unwrap())
        .sum();
    assert!(in_classes >= STUDENTS as i64);

    // The month's invoices.
    let run = api(
        &app,
        "POST",
        "/api/v1/invoice-runs",
        &key,
        Some("run-2027-02"),
        Some(json!({"period": PERIOD, "due_on": "2027-02-10"})),
    )
    .await;
    let issued = run["new_invoices"].as_i64().unwrap();
    assert!(issued >= STUDENTS as i64, "{run}");

    // Parents pay: 400 in full, 100 in two halves; one bank notification is replayed.
    let codes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT i.code, i.total FROM invoice i JOIN student s ON s.id = i.student_id \
         WHERE i.period = $1 AND s.code LIKE 'PM%' AND i.total > 1 ORDER BY s.code LIMIT 500",
    )
    .bind(PERIOD)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(codes.len(), 500);
    let mut transfers = 0;
    let mut pay = |code: &str, amount: i64| {
        transfers += 1;
        json!({"transaction_id": format!("FT2702{transfers:06}"), "account_number": "1023456789",
            "amount": amount, "received_at": 1_801_000_000 + transfers, "memo": format!("HP {code} chuyen tien hoc")})
    };
    let mut notes = Vec::new();
    for (i, (code, total)) in codes.iter().enumerate() {
        if i < 400 {
            notes.push(pay(code, *total));
        } else {
            notes.push(pay(code, total / 2));
            notes.push(pay(code, total - total / 2));
        }
    }
    for (n, note) in notes.iter().enumerate() {
        let r = app.notify(note).await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&r.body)
        );
        // Events go out while payments keep arriving.
        if n % 150 == 0 {
            deliver_everything(&app).await;
        }
    }
    // The accountant undoes one transfer (it was for another school: its receipt
    // is cancelled) and voids an unpaid invoice: those events reach the books too.
    let undone: (i64,) =
        sqlx::query_as("SELECT p.id FROM payment p WHERE p.external_id LIKE '%FT2702000003' ")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let r = app
        .staff(
            "reconcile/undo",
            json!({"school_id": 1, "payment_id": undone.0, "reason": "Chuyển nhầm trường"}),
            Some(&accountant),
        )
        .await;
    assert!(
        r.status.is_success(),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let (unpaid,): (String,) = sqlx::query_as(
        "SELECT i.code FROM invoice i JOIN student s ON s.id = i.student_id WHERE i.period = $1 AND s.code LIKE 'PM%' \
         AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id) ORDER BY s.code DESC LIMIT 1",
    )
    .bind(PERIOD)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let r = app
        .staff(
            "invoices/void",
            json!({"school_id": 1, "code": unpaid, "reason": "Học sinh chuyển trường"}),
            Some(&accountant),
        )
        .await;
    assert!(
        r.status.is_success(),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let replay = app.notify(&notes[7]).await;
    assert!(replay.status.is_success());
    deliver_everything(&app).await;

    // hocphi's own view, through the API.
    let mut theirs = BTreeMap::new();
    let mut after = String::new();
    loop {
        let page = api(
            &app,
            "GET",
            &format!("/api/v1/invoices?period={PERIOD}&limit=1000{after}"),
            &key,
            None,
            None,
        )
        .await;
        for i in page["items"].as_array().unwrap() {
            theirs.insert(
                i["code"].as_str().unwrap().to_string(),
                (
                    i["student_code"].as_str().unwrap().to_string(),
                    i["total"].as_i64().unwrap(),
                    i["paid"].as_i64().unwrap(),
                ),
            );
        }
        if page["has_more"] != true {
            break;
        }
        after = format!("&after={}", page["next"].as_str().unwrap());
    }
    // The books as they stand (no more deliveries are coming).
    let b = std::mem::take(&mut *books.lock().unwrap());
    let mine: BTreeMap<String, (String, i64, i64)> = b
        .invoices
        .iter()
        .map(|(code, (student, total, paid, _))| (code.clone(), (student.clone(), *total, *paid)))
        .collect();
    assert_eq!(mine.len() as i64, issued);
    assert_eq!(
        mine, theirs,
        "the school system's books differ from hocphi's"
    );
    let paid_in_full = mine
        .values()
        .filter(|(_, total, paid)| paid >= total && *total > 0)
        .count();
    assert_eq!(paid_in_full, 499, "500 paid, one undone");
    for kind in [
        "invoice.issued",
        "invoice.voided",
        "payment.settled",
        "payment.reversed",
        "receipt.issued",
        "receipt.cancelled",
    ] {
        assert!(
            b.seen.values().any(|e| e["type"] == kind),
            "no {kind} event seen"
        );
    }
    assert_eq!(
        b.seen
            .values()
            .filter(|e| e["type"] == "payment.reversed")
            .count(),
        1
    );
    // Every payment settled one event, every receipt one event; the replayed
    // notification none. Retries happened, and duplicates were ignored.
    let settled = b
        .seen
        .values()
        .filter(|e| e["type"] == "payment.settled")
        .count();
    assert_eq!(settled, notes.len());
    assert_eq!(b.receipts as i64, app.count("SELECT COUNT(*) FROM receipt r JOIN invoice i ON i.id = r.invoice_id WHERE i.period = '2027-02'").await);
    assert!(b.receipts >= 500);
    assert_eq!(b.bad_signatures, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM event_delivery WHERE gave_up_at IS NOT NULL")
            .await,
        0
    );
    assert!(
        b.requests > b.seen.len(),
        "some deliveries failed and were retried"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM event_delivery WHERE delivered_at IS NULL")
            .await,
        0
    );
    let retried = app
        .count("SELECT COUNT(*) FROM event_delivery WHERE attempts > 1")
        .await;
    assert!(retried > 0);
    // Every student the system sent is in hocphi, by code.
    let mut codes_seen = 0;
    let mut after = String::new();
    loop {
        let page = api(
            &app,
            "GET",
            &format!("/api/v1/students?limit=1000{after}"),
            &key,
            None,
            None,
        )
        .await;
        codes_seen += page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["code"].as_str().unwrap().starts_with("PM"))
            .count();
        if page["has_more"] != true {
            break;
        }
        after = format!("&after={}", page["next"].as_str().unwrap());
    }
    assert_eq!(codes_seen, STUDENTS);
    app.assert_month_figures().await;
}
