//! Load figures, run by hand (`scripts/load.sh`), not a test: many parents
//! looking up a child and opening an invoice, and a bank sending transfer
//! notifications, against running hocphi servers. Prints requests per second
//! and latency percentiles for each.
//!
//! Usage: load <base URL>[,<base URL>…] <bank secret> <API key> [concurrency] [seconds]
//! With several URLs, requests are spread over them (several processes on one
//! database). Lookups are spread over the school's students (read through the
//! API with the key) and come from many addresses (`X-Forwarded-For`, the
//! servers trusting their proxy), as parents do: one phone hammering one code
//! would only measure the rate limit.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SCHOOL: &str = "th-ha-long";
const STUDENT: &str = "2201000001";
const BIRTH: &str = "05/09/2017";

fn sign(secret: &str, ts: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(format!("{ts}.").as_bytes());
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Clone, Copy)]
enum Scenario {
    Lookup,
    Invoice,
    BankNotification,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Lookup => "parent lookup (POST /rpc/lookup)",
            Scenario::Invoice => "invoice page data (POST /rpc/invoice)",
            Scenario::BankNotification => "bank notification (POST /api/v1/bank-notifications)",
        }
    }
}

struct Setup {
    bases: Vec<String>,
    /// (student code, date of birth) of the school's students.
    students: Vec<(String, String)>,
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
    match response {
        Ok(r) if r.status().is_success() => {
            r.bytes().await.map_err(|e| e.to_string())?;
            Ok(())
        }
        Ok(r) => Err(format!("HTTP {}", r.status())),
        Err(e) => Err(e.to_string()),
    }
}

async fn run(setup: Arc<Setup>, scenario: Scenario, concurrency: usize, seconds: u64) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let counter = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
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
    println!(
        "{:<56} {:>8.0} req/s  p50 {:>6.1} ms  p90 {:>6.1} ms  p99 {:>6.1} ms  ({} ok, {} failed{})",
        scenario.name(),
        latencies.len() as f64 / elapsed,
        at(0.50),
        at(0.90),
        at(0.99),
        latencies.len(),
        errors.len(),
        errors.first().map(|e| format!(", e.g. {e}")).unwrap_or_default()
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!(
            "usage: load <base URL>[,<base URL>…] <bank secret> <API key> [concurrency] [seconds]"
        );
        std::process::exit(2);
    }
    let bases: Vec<String> = args[1]
        .split(',')
        .map(|s| s.trim_end_matches('/').to_string())
        .collect();
    let secret = args[2].clone();
    let api_key = args[3].clone();
    let concurrency: usize = args.get(4).and_then(|c| c.parse().ok()).unwrap_or(32);
    let seconds: u64 = args.get(5).and_then(|c| c.parse().ok()).unwrap_or(10);
    let client = reqwest::Client::new();
    // The school's students, as its software reads them.
    let mut students = Vec::new();
    let mut after = String::from("0");
    loop {
        let page: serde_json::Value = client
            .get(format!(
                "{}/api/v1/students?limit=1000&after={after}",
                bases[0]
            ))
            .header("authorization", format!("Bearer {api_key}"))
            .send()
            .await
            .expect("students")
            .bytes()
            .await
            .map(|b| serde_json::from_slice(&b).expect("students answer"))
            .expect("students answer");
        for s in page["items"].as_array().expect("items") {
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
    // A family's access and one of its invoices, as a phone would get them.
    let access: serde_json::Value = client
        .post(format!("{}/rpc/lookup", bases[0]))
        .form(&[
            ("school", SCHOOL),
            ("student_code", STUDENT),
            ("birth_date", BIRTH),
        ])
        .send()
        .await
        .expect("lookup")
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).expect("lookup answer"))
        .expect("lookup answer");
    let token = access["token"].as_str().expect("a token").to_string();
    let overview: serde_json::Value = client
        .post(format!("{}/rpc/child", bases[0]))
        .form(&[("token", token.as_str())])
        .send()
        .await
        .expect("child")
        .bytes()
        .await
        .map(|b| serde_json::from_slice(&b).expect("child answer"))
        .expect("child answer");
    let invoice = overview["invoices"][0]["code"]
        .as_str()
        .expect("an invoice")
        .to_string();
    let now = std::env::var("HOCPHI_LOAD_NOW")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("time")
                .as_secs() as i64
        });
    let setup = Arc::new(Setup {
        bases,
        students,
        secret,
        token,
        invoice,
        now,
    });
    println!(
        "{} server(s), {concurrency} concurrent clients, {seconds} s per scenario, lookups over {} students",
        setup.bases.len(),
        setup.students.len()
    );
    for scenario in [
        Scenario::Lookup,
        Scenario::Invoice,
        Scenario::BankNotification,
    ] {
        run(setup.clone(), scenario, concurrency, seconds).await;
    }
}
