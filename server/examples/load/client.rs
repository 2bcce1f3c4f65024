//! The load client's work, shared by `load` (run by hand from
//! `scripts/load.sh`) and the test that keeps it working
//! (`server/tests/load_client.rs`): what one parent, one phone and one bank
//! send, and the figures of a scenario run by many at once.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const SCHOOL: &str = "th-ha-long";
const STUDENT: &str = "2201000001";
const BIRTH: &str = "05/09/2017";

/// How a bank signs a notification: the server's own scheme.
fn sign(secret: &str, ts: i64, body: &[u8]) -> String {
    use hmac::Mac;
    let mac = hocphi_server::signing::timestamped_mac(secret.as_bytes(), &ts.to_string(), body);
    hocphi_app::domain::hex::encode(&mac.finalize().into_bytes())
}

#[derive(Clone, Copy)]
pub enum Scenario {
    Lookup,
    Invoice,
    BankNotification,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Lookup => "parent lookup (POST /rpc/lookup)",
            Scenario::Invoice => "invoice page data (POST /rpc/invoice)",
            Scenario::BankNotification => "bank notification (POST /api/v1/bank-notifications)",
        }
    }
}

pub struct Setup {
    pub bases: Vec<String>,
    /// (student code, date of birth) of the school's students.
    pub students: Vec<(String, String)>,
    secret: String,
    token: String,
    invoice: String,
    /// The server's clock (the demo may pin it): signatures carry its time.
    now: i64,
}

async fn one(
    client: &reqwest::Client,
    setup: &Setup,
    scenario: Scenario,
    n: u64,
) -> Result<(), String> {
    let base = &setup.bases[n as usize % setup.bases.len()];
    let response = match scenario {
        Scenario::Lookup => {
            let (code, birth) = &setup.students[n as usize % setup.students.len()];
            client
                .post(format!("{base}/rpc/lookup"))
                .header(
                    "x-forwarded-for",
                    format!("10.{}.{}.{}", n % 200, (n / 200) % 250, n % 250),
                )
                .form(&[
                    ("school", SCHOOL),
                    ("student_code", code.as_str()),
                    ("birth_date", birth.as_str()),
                ])
                .send()
                .await
        }
        Scenario::Invoice => {
            client
                .post(format!("{base}/rpc/invoice"))
                .form(&[
                    ("token", setup.token.as_str()),
                    ("code", setup.invoice.as_str()),
                ])
                .send()
                .await
        }
        Scenario::BankNotification => {
            let body = serde_json::to_vec(&serde_json::json!({
                "transaction_id": format!("LOAD{}-{n}", setup.now),
                "account_number": "1023456789",
                "amount": 10_000 + (n % 1000) as i64,
                "received_at": setup.now,
                "memo": format!("chuyen tien {n}"),
            }))
            .expect("JSON");
            client
                .post(format!("{base}/api/v1/bank-notifications"))
                .header("content-type", "application/json")
                .header("x-hocphi-school", SCHOOL)
                .header("x-hocphi-timestamp", setup.now.to_string())
                .header("x-hocphi-signature", sign(&setup.secret, setup.now, &body))
                .body(body)
                .send()
                .await
        }
    };
    let bytes = body(response).await?;
    // Read as the page reads them: an answer the phone could not decode is a
    // failure, whatever its status.
    match scenario {
        Scenario::Lookup => postcard::<hocphi_app::model::ChildAccess>("lookup", &bytes).map(drop),
        Scenario::Invoice => {
            postcard::<hocphi_app::model::InvoiceDetail>("invoice", &bytes).map(drop)
        }
        Scenario::BankNotification => Ok(()),
    }
}

/// What a scenario did: requests answered per second, latency percentiles
/// (ms), and the failures with the first one's reason.
pub struct Figures {
    pub per_second: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub ok: usize,
    pub failed: usize,
    pub first_error: Option<String>,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>8.0} req/s  p50 {:>6.1} ms  p90 {:>6.1} ms  p99 {:>6.1} ms  ({} ok, {} failed{})",
            self.per_second,
            self.p50,
            self.p90,
            self.p99,
            self.ok,
            self.failed,
            self.first_error
                .as_ref()
                .map(|e| format!(", e.g. {e}"))
                .unwrap_or_default()
        )
    }
}

/// `concurrency` clients sending `scenario` for `duration`, each waiting for
/// its answer before the next.
pub async fn run(
    setup: Arc<Setup>,
    scenario: Scenario,
    concurrency: usize,
    duration: Duration,
) -> Figures {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (client, setup, counter) = (client.clone(), setup.clone(), counter.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let started = Instant::now();
                match one(&client, &setup, scenario, n).await {
                    Ok(()) => latencies.push(started.elapsed()),
                    Err(e) => errors.push(e),
                }
            }
            (latencies, errors)
        });
    }
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    while let Some(done) = workers.join_next().await {
        let (l, e) = done.expect("worker");
        latencies.extend(l);
        errors.extend(e);
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(f64::NAN)
    };
    Figures {
        per_second: latencies.len() as f64 / elapsed,
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        ok: latencies.len(),
        failed: errors.len(),
        first_error: errors.into_iter().next(),
    }
}

/// An answer's body, or why there is none.
async fn body(response: reqwest::Result<reqwest::Response>) -> Result<Vec<u8>, String> {
    let response = response.map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    Ok(bytes.to_vec())
}

/// The parent's server functions answer in postcard, as the page reads them.
fn postcard<T: serde::de::DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("{what} answer: {e}"))
}

/// Reads what the scenarios need from the first server: the school's
/// students (through the REST API with `api_key`), and a family's access and
/// one of its invoices, as a phone gets them. `now`: the servers' clock.
pub async fn setup(
    bases: Vec<String>,
    secret: String,
    api_key: &str,
    now: i64,
) -> Result<Setup, String> {
    let client = reqwest::Client::new();
    let mut students = Vec::new();
    let mut after = String::from("0");
    loop {
        let page = body(
            client
                .get(format!(
                    "{}/api/v1/students?limit=1000&after={after}",
                    bases[0]
                ))
                .header("authorization", format!("Bearer {api_key}"))
                .send()
                .await,
        )
        .await?;
        let page: serde_json::Value =
            serde_json::from_slice(&page).map_err(|e| format!("students answer: {e}"))?;
        for s in page["items"]
            .as_array()
            .ok_or("students answer: no items")?
        {
            if s["left_on"].is_null() {
                students.push((
                    s["code"].as_str().unwrap_or_default().to_string(),
                    s["date_of_birth"].as_str().unwrap_or_default().to_string(),
                ));
            }
        }
        after = page["next"].as_str().unwrap_or("0").to_string();
        if page["has_more"] != true {
            break;
        }
    }
    let access: hocphi_app::model::ChildAccess = postcard(
        "lookup",
        &body(
            client
                .post(format!("{}/rpc/lookup", bases[0]))
                .form(&[
                    ("school", SCHOOL),
                    ("student_code", STUDENT),
                    ("birth_date", BIRTH),
                ])
                .send()
                .await,
        )
        .await?,
    )?;
    let overview: hocphi_app::model::ChildOverview = postcard(
        "child",
        &body(
            client
                .post(format!("{}/rpc/child", bases[0]))
                .form(&[("token", access.token.as_str())])
                .send()
                .await,
        )
        .await?,
    )?;
    let invoice = overview
        .invoices
        .first()
        .ok_or("the family has no invoice")?
        .code
        .as_str()
        .to_string();
    Ok(Setup {
        bases,
        students,
        secret,
        token: access.token,
        invoice,
        now,
    })
}
