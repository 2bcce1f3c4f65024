//! The test harness: the real HTTP application on a fresh, seeded demo database,
//! built by the server's own start-up (`startup::build`), called the way the
//! browser calls it.
#![allow(dead_code)]

pub mod certificates;

use axum::body::Body;
use axum::http::{header::CONTENT_TYPE, HeaderMap, Request, StatusCode};
use axum::Router;
use hocphi_app::error::AppError;
use hocphi_app::model::{ChildAccess, ChildOverview, InvoiceDetail};
use hocphi_app::server::clock::{parse_instant, FixedClock};
use hocphi_app::server::state::{AppState, Db};
use hocphi_app::server::vault::Vault;
use hocphi_server::config::Config;
use hocphi_server::{demo, http, startup};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt;

/// Where the test server says it is reached.
pub const PUBLIC_URL: &str = "https://hocphi.example";
/// The operator's token for `/metrics`.
pub const METRICS_TOKEN: &str = "test-metrics-token";

pub struct TestApp {
    pub router: Router,
    /// What the server functions and handlers see (for background work tests run by hand).
    pub state: AppState,
    /// The request figures and draining flag the router reports.
    pub operations: Arc<http::operations::Operations>,
    pub vault: Arc<Vault>,
    pub clock: Arc<FixedClock>,
    pub db: Db,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The server function's answer: JSON (the staff's functions) or postcard (the
    /// parent's), by its content type; an error is always postcard (`AppError::decode`).
    pub fn answer<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        let text = String::from_utf8_lossy(&self.body);
        if !self.status.is_success() {
            return Err(AppError::decode(&self.body)
                .unwrap_or_else(|| panic!("{}: not an error: {text}", self.status)));
        }
        let postcard = self
            .headers
            .get(CONTENT_TYPE)
            .is_some_and(|v| v == "application/x-postcard");
        if postcard {
            Ok(postcard::from_bytes(&self.body).unwrap_or_else(|e| panic!("{e}: {text}")))
        } else {
            Ok(serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {text}")))
        }
    }
}

pub async fn start_with(dist: &Path, trust_proxy: bool) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path()).await;
    let config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        database_url: Some(url.into()),
        dist: dist.to_path_buf(),
        now: Some(parse_instant("2026-11-26T09:00:00+07:00").unwrap()),
        // The tests play a proxy on this machine that names each client.
        trust_proxy: if trust_proxy {
            "127.0.0.1".parse().unwrap()
        } else {
            http::TrustedProxies::none()
        },
        gateway_url: None,
        gateway_simulator: false,
        // Seeded with the demo data, with the gateway simulator.
        demo: true,
        db_connections: None,
        public_url: Some(PUBLIC_URL.into()),
        api_requests_per_minute: 300,
        metrics_token: Some(METRICS_TOKEN.into()),
        master_key: Some(Vault::generate().into()),
        master_key_file: dir.path().join("hocphi-master.key"),
        webhooks_to_loopback: true,
        drain_seconds: 0,
    };
    let app = startup::build(config).await.unwrap();
    TestApp {
        vault: app.state.vault.clone(),
        operations: app.operations,
        db: app.state.db.clone(),
        state: app.state,
        router: app.router,
        clock: app.pinned_clock.expect("the clock is pinned"),
        _dir: dir,
    }
}

/// A fresh, empty database for one test: a SQLite file in `dir`, or, when
/// `HOCPHI_TEST_POSTGRES` names a PostgreSQL server (scripts/test.sh starts
/// one), a new database on it. Test databases are never dropped: the server is
/// a throwaway one.
pub async fn database_url(dir: &Path) -> String {
    match std::env::var("HOCPHI_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let name = format!(
                "t_{}_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos()
            );
            hocphi_app::server::database::create_postgres_database(&server, &name)
                .await
                .unwrap()
        }
        _ => format!("sqlite://{}", dir.join("test.db").display()),
    }
}

pub async fn start() -> TestApp {
    start_with(Path::new("/nonexistent"), true).await
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl TestApp {
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        Reply {
            status,
            headers,
            body: res.into_body().collect().await.unwrap().to_bytes().to_vec(),
        }
    }

    /// A form-encoded server function call (the parent's functions).
    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        client: &str,
    ) -> (StatusCode, Vec<u8>) {
        let reply = self.call_reply(endpoint, form, client).await;
        (reply.status, reply.body)
    }

    /// The same call, with the answer's headers.
    pub async fn call_reply(&self, endpoint: &str, form: &[(&str, &str)], client: &str) -> Reply {
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let req = Request::post(format!("/rpc/{endpoint}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", client)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn rpc<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> Result<T, AppError> {
        self.rpc_from(endpoint, form, "203.0.113.1").await
    }

    pub async fn rpc_from<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        client: &str,
    ) -> Result<T, AppError> {
        self.call_reply(endpoint, form, client).await.answer()
    }

    pub async fn lookup(
        &self,
        school: &str,
        code: &str,
        birth: &str,
    ) -> Result<ChildAccess, AppError> {
        self.rpc(
            "lookup",
            &[
                ("school", school),
                ("student_code", code),
                ("birth_date", birth),
            ],
        )
        .await
    }

    /// The demo's featured child (Nguyễn Minh An, 3A), looked up as a parent would.
    pub async fn featured_child(&self) -> ChildAccess {
        self.lookup(
            demo::FEATURED_SCHOOL,
            demo::FEATURED_STUDENT_CODE,
            demo::FEATURED_BIRTH_DATE,
        )
        .await
        .expect("the featured child")
    }

    /// Their younger sister at the preschool.
    pub async fn sibling(&self) -> ChildAccess {
        self.lookup(
            demo::SIBLING_SCHOOL,
            demo::SIBLING_STUDENT_CODE,
            demo::SIBLING_BIRTH_DATE,
        )
        .await
        .expect("the sibling")
    }

    /// A child's invoices, as the device holding `access` sees them.
    pub async fn overview(&self, access: &ChildAccess) -> ChildOverview {
        self.rpc("child", &[("token", &access.token)])
            .await
            .expect("the child's invoices")
    }

    /// One invoice of that child.
    pub async fn invoice(&self, access: &ChildAccess, code: &str) -> InvoiceDetail {
        self.rpc("invoice", &[("token", &access.token), ("code", code)])
            .await
            .expect("the invoice")
    }

    /// A postcard server function call (the parent's functions that take a list).
    pub async fn postcard<A: serde::Serialize>(&self, endpoint: &str, args: &A) -> Reply {
        let req = Request::post(format!("/rpc/{endpoint}"))
            .header("content-type", "application/x-postcard")
            .header("x-forwarded-for", "203.0.113.50")
            .body(Body::from(postcard::to_allocvec(args).unwrap()))
            .unwrap();
        self.send(req).await
    }

    /// A JSON server function call (the staff's functions), with a session cookie if given.
    pub async fn staff(&self, endpoint: &str, args: Value, session: Option<&str>) -> Reply {
        let mut req = Request::post(format!("/rpc/{endpoint}"))
            .header("content-type", "application/json")
            .header("x-forwarded-for", "203.0.113.50");
        if let Some(s) = session {
            req = req.header("cookie", format!("theme=x; hocphi_session={s}"));
        }
        self.send(req.body(Body::from(args.to_string())).unwrap())
            .await
    }

    /// An officer of a sibling ward under the demo's Department, which
    /// supervises none of the demo's schools, signed in: the session cookie's value.
    pub async fn officer_elsewhere(&self, username: &str) -> String {
        let (department,): (i64,) =
            sqlx::query_as("SELECT id FROM office WHERE level = 'department'")
                .fetch_one(&self.db)
                .await
                .unwrap();
        let office =
            hocphi_server::offices::add(&self.db, "UBND phường Cẩm Phả", None, Some(department), 0)
                .await
                .unwrap();
        hocphi_server::users::add(
            &self.db,
            hocphi_server::users::NewUser {
                username,
                display_name: "Vũ Văn Nam",
                password: hocphi_server::demo::DEMO_PASSWORD,
                role: hocphi_app::staff::Role::Officer,
                office_id: Some(office),
                school_slug: None,
            },
            0,
        )
        .await
        .unwrap();
        self.sign_in(username, hocphi_server::demo::DEMO_PASSWORD)
            .await
            .unwrap()
    }

    /// Signs in and returns the session cookie's value.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<String, AppError> {
        let reply = self
            .staff(
                "staff/sign-in",
                serde_json::json!({"username": username, "password": password}),
                None,
            )
            .await;
        reply.answer::<Value>()?;
        let cookie = reply.headers["set-cookie"].to_str().unwrap().to_string();
        let value = cookie
            .split(';')
            .next()
            .unwrap()
            .strip_prefix("hocphi_session=")
            .unwrap();
        Ok(value.to_string())
    }
}

/// The demo school's (th-ha-long, id 1) receiving account.
pub const SCHOOL_ACCOUNT: &str = "1023456789";

/// Counts the series (school, series, year) whose receipt numbers skip or
/// repeat: 0 when each runs 1..n.
#[allow(dead_code)]
pub const RECEIPT_NUMBER_GAPS: &str =
    "SELECT COUNT(*) FROM (SELECT school_id, series, year FROM receipt GROUP BY school_id, series, year \
     HAVING COUNT(*) <> COUNT(DISTINCT number) OR MAX(number) <> COUNT(*)) AS gaps";

/// A port nobody listens on now, for a `hocphi` process a test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// hex(HMAC-SHA256(secret, "<ts>.<body>")): how a bank signs a notification.
/// Written apart from `hocphi_server::signing` on purpose: a test signing
/// with the server's own code would not notice that code going wrong.
pub fn sign_notification(secret: &str, ts: i64, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{ts}.").as_bytes());
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl TestApp {
    /// The demo school's notification secret (also its SePay API key).
    pub async fn bank_secret(&self) -> String {
        hocphi_app::server::bank::school_secret(
            &self.db,
            &self.vault,
            hocphi_app::domain::ids::SchoolId(1),
            hocphi_app::domain::time::UnixTime(0),
        )
        .await
        .unwrap()
    }

    /// Sends a correctly signed notification for the demo school, now.
    pub async fn notify(&self, body: &Value) -> Reply {
        use hocphi_app::server::clock::Clock;
        let secret = self.bank_secret().await;
        let now = self.clock.now();
        let body = serde_json::to_vec(body).unwrap();
        let req = Request::post("/api/v1/bank-notifications")
            .header("content-type", "application/json")
            .header("x-hocphi-school", "th-ha-long")
            .header("x-hocphi-timestamp", now.to_string())
            .header("x-hocphi-signature", sign_notification(&secret, now, &body))
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Unpaid invoices of the demo school: (code, total, student's full name).
    pub async fn unpaid_invoices(&self, n: i64) -> Vec<(String, i64, String)> {
        sqlx::query_as(
            "SELECT i.code, i.total, s.full_name FROM invoice i JOIN student s ON s.id = i.student_id \
             WHERE i.school_id = 1 AND i.voided_at IS NULL AND i.total > 0 \
               AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id) \
             ORDER BY i.id LIMIT $1",
        )
        .bind(n)
        .fetch_all(&self.db)
        .await
        .unwrap()
    }

    /// What is still due on an invoice.
    pub async fn balance(&self, code: &str) -> i64 {
        sqlx::query_as::<_, (i64,)>(
            "SELECT i.total - (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
             FROM invoice i WHERE i.code = $1",
        )
        .bind(code)
        .fetch_one(&self.db)
        .await
        .unwrap()
        .0
    }

    /// The monthly sums the triggers keep equal the sums computed from the
    /// invoices themselves, whatever the test did before.
    pub async fn assert_month_figures(&self) {
        let kept = hocphi_app::server::reports::kept(&self.db).await.unwrap();
        let direct = hocphi_app::server::reports::direct(&self.db).await.unwrap();
        assert_eq!(kept, direct, "month_figure drifted from the invoices");
    }

    /// A staff member's id by user name.
    pub async fn staff_id(&self, username: &str) -> i64 {
        sqlx::query_as::<_, (i64,)>("SELECT id FROM staff WHERE username = $1")
            .bind(username)
            .fetch_one(&self.db)
            .await
            .unwrap()
            .0
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_as::<_, (i64,)>(sql)
            .fetch_one(&self.db)
            .await
            .unwrap()
            .0
    }
}
