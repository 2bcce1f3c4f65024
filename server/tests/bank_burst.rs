//! Bank notifications against the real `hocphi` binary (demo data in a fresh
//! database: SQLite in a temp directory, or PostgreSQL when the suite runs on it;
//! clock pinned): a concurrent burst where every one of 1,000
//! notifications arrives three times; and a server killed with SIGKILL in the
//! middle of a burst (three times, each 30% in), restarted on the same database,
//! then sent the whole burst again. Each transfer must end up recorded exactly
//! once, settling exactly what it paid: nothing acknowledged lost, nothing doubled.
//!
//! The demo school has about a hundred open invoices, so the 800 transfers naming
//! a code are instalments: several per invoice, adding up to its balance (or half).

mod support;

use hocphi_app::server::database;
use hocphi_app::server::state::Db;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const NOW: &str = "2026-11-26T09:00:00+07:00";
const SCHOOL: &str = "th-ha-long";
const SCHOOL_ID: i64 = 1;
const ACCOUNT: &str = "1023456789";
const BIN: &str = "970436";
/// Notifications per burst: 800 naming an invoice code, 200 naming none.
const NOTIFICATIONS: usize = 1000;
const WITH_CODE: usize = 800;
/// Each notification is sent this many times.
const COPIES: usize = 3;
/// Requests in flight at once.
const IN_FLIGHT: usize = 64;

// ---------------------------------------------------------------------------
// The server process

/// The `hocphi` binary serving the demo database in `dir`; killed when dropped,
/// so a failing test leaves no server behind.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

impl Server {
    /// Starts the server in `dir`, where it seeds the demo database on first start
    /// (no DATABASE_URL: the demo), with the clock pinned to `NOW`.
    async fn start(dir: &Path, name: &str) -> Server {
        for _ in 0..3 {
            if let Some(server) = Server::try_start(dir, name).await {
                return server;
            }
        }
        panic!("hocphi could not listen on a free port");
    }

    /// `None` if another process took the port between probing and binding.
    async fn try_start(dir: &Path, name: &str) -> Option<Server> {
        let addr = free_port();
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_hocphi"))
            .env("DATABASE_URL", database_of(dir))
            .env("HOCPHI_DEMO", "true")
            .env("HOCPHI_ADDR", addr.to_string())
            .env("HOCPHI_NOW", NOW)
            .env("HOCPHI_DIST", dir)
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap();
        let mut server = Server { child, addr, log };
        server.wait_until_ready().await.then_some(server)
    }

    /// True once the server answers HTTP; false if it could not listen.
    async fn wait_until_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let log = self.log_text();
                if log.contains("cannot listen") {
                    return false;
                }
                panic!("hocphi exited with {status}:\n{log}");
            }
            if let Ok(mut s) = TcpStream::connect(self.addr).await {
                let req = format!(
                    "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                    self.addr
                );
                let mut buf = Vec::new();
                if s.write_all(req.as_bytes()).await.is_ok()
                    && s.read_to_end(&mut buf).await.is_ok()
                    && buf.starts_with(b"HTTP/1.1 ")
                {
                    return true;
                }
            }
            assert!(
                Instant::now() < deadline,
                "hocphi did not answer within 60 s:\n{}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL (std's `Child::kill` on Unix): no graceful shutdown, no flushing.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The lines the server logged at ERROR (e.g. a notification answered 503).
    fn errors(&self) -> Vec<String> {
        self.log_text()
            .lines()
            .filter(|l| l.contains("ERROR"))
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `hocphi bank-secret --school th-ha-long`, on the demo database in `dir`.
fn bank_secret(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hocphi"))
        .args(["bank-secret", "--school", SCHOOL])
        .env("DATABASE_URL", database_of(dir))
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bank-secret: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(secret.len() >= 16, "{secret:?}");
    secret
}

/// Makes the test's database (SQLite in `dir`, or a new PostgreSQL database
/// when the suite runs on one) and notes its URL in `dir` for every process.
async fn new_database(dir: &Path) {
    let url = support::database_url(dir).await;
    std::fs::write(dir.join("database-url"), url).unwrap();
}

/// The URL [`new_database`] noted.
fn database_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("database-url")).unwrap()
}

/// The test's database, for checking what the server committed.
async fn open_db(dir: &Path) -> Db {
    database::pool(&database_of(dir), 2, database::Durability::Full)
        .await
        .unwrap()
}

// ---------------------------------------------------------------------------
// The notifications

/// An invoice of the demo school with something still due.
#[derive(Clone, Debug)]
struct OpenInvoice {
    id: i64,
    code: String,
    total: i64,
    paid: i64,
}

impl OpenInvoice {
    fn balance(&self) -> i64 {
        self.total - self.paid
    }
}

async fn open_invoices(db: &Db) -> Vec<OpenInvoice> {
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT i.id, i.code, i.total, \
            (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
         FROM invoice i WHERE i.school_id = $1 AND i.voided_at IS NULL ORDER BY i.id",
    )
    .bind(SCHOOL_ID)
    .fetch_all(db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, code, total, paid)| OpenInvoice {
            id,
            code,
            total,
            paid,
        })
        .filter(|i| i.balance() > 0)
        .collect()
}

/// One transfer as the bank reports it.
#[derive(Clone, Debug)]
struct Notification {
    transaction_id: String,
    amount: i64,
    memo: String,
    payer_name: Option<String>,
    received_at: i64,
    /// Index into the invoices: the one its memo names.
    invoice: Option<usize>,
}

impl Notification {
    fn external_id(&self) -> String {
        format!("{BIN}:{ACCOUNT}:{}", self.transaction_id.to_uppercase())
    }
}

/// What the burst should leave on each invoice.
#[derive(Clone, Debug)]
struct Plan {
    invoices: Vec<OpenInvoice>,
    /// Per invoice: paid in full by its instalments (else left partly paid).
    in_full: Vec<bool>,
    notifications: Vec<Notification>,
}

/// A small deterministic generator (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// The ways banks write a memo naming `code`.
fn coded_memo(code: &str, n: usize) -> String {
    match n % 6 {
        0 => format!("HP {code}"),
        1 => format!(
            "MBVCB.{}.HP {code}.CT tu 0011002345678 NGUYEN VAN A",
            4_000_000 + n
        ),
        2 => format!("IBFT HP{code}"),
        3 => format!("hp {} nop tien an", code.to_lowercase()),
        4 => format!("HP {} {}", &code[..3], &code[3..]),
        _ => format!("Nộp tiền HP {code} cho con"),
    }
}

/// Memos naming no invoice: the accountant's queue.
fn uncoded_memo(n: usize) -> String {
    match n % 4 {
        0 => format!("NGUYEN VAN A chuyen tien {n}"),
        1 => "Ung ho quy lop".to_string(),
        2 => format!("IBFT {} tien an thang 11", 7_000_000 + n),
        _ => "Chuyển khoản".to_string(),
    }
}

/// 1,000 transfers: 800 instalments spread over every open invoice (three in four
/// invoices paid in full by them, the rest paid half), and 200 without a code.
/// No invoice is paid beyond what it owes, so every instalment is allocated in full
/// whatever order the server sees them in.
fn plan(invoices: Vec<OpenInvoice>, prefix: &str, now: i64, seed: u64) -> Plan {
    assert!(!invoices.is_empty(), "the demo has open invoices");
    let invoices: Vec<OpenInvoice> = invoices.into_iter().take(WITH_CODE).collect();
    let n = invoices.len();
    let in_full: Vec<bool> = (0..n).map(|j| j % 4 != 3).collect();
    let mut notifications = Vec::with_capacity(NOTIFICATIONS);
    let mut number = 0usize;
    let next_id = |number: &mut usize| {
        *number += 1;
        // Banks' references are upper case; the server compares them so.
        format!("{prefix}{:06}", *number)
    };
    for (j, invoice) in invoices.iter().enumerate() {
        let count = WITH_CODE / n + usize::from(j < WITH_CODE % n);
        let target = if in_full[j] {
            invoice.balance()
        } else {
            invoice.balance() / 2
        };
        assert!(target >= count as i64, "{invoice:?}");
        let part = target / count as i64;
        for k in 0..count {
            let amount = if k + 1 == count {
                target - part * (count as i64 - 1)
            } else {
                part
            };
            let transaction_id = next_id(&mut number);
            notifications.push(Notification {
                memo: coded_memo(&invoice.code, number),
                transaction_id,
                amount,
                payer_name: (!number.is_multiple_of(3)).then(|| "NGUYEN VAN A".to_string()),
                received_at: now - 60 - number as i64,
                invoice: Some(j),
            });
        }
    }
    while notifications.len() < NOTIFICATIONS {
        let transaction_id = next_id(&mut number);
        notifications.push(Notification {
            memo: uncoded_memo(number),
            transaction_id,
            amount: 10_000 + 1_000 * (number as i64 % 500),
            payer_name: None,
            received_at: now - 60 - number as i64,
            invoice: None,
        });
    }
    assert_eq!(notifications.len(), NOTIFICATIONS);
    let mut rng = Rng(seed);
    rng.shuffle(&mut notifications);
    Plan {
        invoices,
        in_full,
        notifications,
    }
}

/// One HTTP request: a signed copy of a notification.
#[derive(Clone)]
struct Signed {
    notification: usize,
    body: Vec<u8>,
    timestamp: i64,
    signature: String,
}

/// Every notification three times, the copies next to each other so that they
/// are in flight together. The third copy is how a second path might report the
/// same transfer: reference in lower case, account number spaced.
fn requests(plan: &Plan, secret: &str, now: i64) -> Vec<Signed> {
    let mut out = Vec::with_capacity(plan.notifications.len() * COPIES);
    for (i, n) in plan.notifications.iter().enumerate() {
        for copy in 0..COPIES {
            let (transaction_id, account) = if copy == 2 {
                (n.transaction_id.to_lowercase(), "1023 456 789".to_string())
            } else {
                (n.transaction_id.clone(), ACCOUNT.to_string())
            };
            let mut body = serde_json::json!({
                "transaction_id": transaction_id,
                "account_number": account,
                "amount": n.amount,
                "received_at": n.received_at,
                "memo": n.memo,
            });
            if let Some(payer) = &n.payer_name {
                body["payer_name"] = serde_json::json!(payer);
            }
            let body = serde_json::to_vec(&body).unwrap();
            // A bank signs each delivery when it sends it: timestamps differ a little.
            let timestamp = now - (copy as i64) * 30;
            out.push(Signed {
                notification: i,
                signature: support::sign_notification(secret, timestamp, &body),
                body,
                timestamp,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Sending

/// POSTs one notification on its own connection; the response's status code.
async fn post(addr: SocketAddr, req: &Signed) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut head = Vec::new();
    write!(
        head,
        "POST /api/v1/bank-notifications HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\nX-Hocphi-School: {SCHOOL}\r\n\
         X-Hocphi-Timestamp: {}\r\nX-Hocphi-Signature: {}\r\n\r\n",
        req.body.len(),
        req.timestamp,
        req.signature
    )?;
    head.extend_from_slice(&req.body);
    stream.write_all(&head).await?;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut response))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 30 s"))??;
    let status = response
        .strip_prefix(b"HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| std::str::from_utf8(code).ok())
        .and_then(|code| code.parse().ok());
    status.ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!(
                "not an HTTP response: {:?}",
                String::from_utf8_lossy(&response)
            ),
        )
    })
}

#[derive(Default)]
struct Counters {
    /// 2xx answers received.
    acknowledged: AtomicUsize,
    /// Sent again after a connection error (before any kill).
    connection_retries: AtomicUsize,
    /// Sent again after 503 ("not recorded; send it again").
    unavailable_retries: AtomicUsize,
}

/// What became of each request: its final status, or `None` if the server went
/// away (killed) before answering.
struct BurstResult {
    statuses: Vec<Option<u16>>,
    elapsed: Duration,
}

impl BurstResult {
    fn count(&self, status: u16) -> usize {
        self.statuses.iter().filter(|s| **s == Some(status)).count()
    }
}

/// Sends every request with `IN_FLIGHT` in flight at once, retrying connection
/// errors and 503 as a bank would, until `stopped` (the server is being killed):
/// from then on a failure is final.
async fn burst(
    addr: SocketAddr,
    requests: Arc<Vec<Signed>>,
    counters: Arc<Counters>,
    stopped: Arc<AtomicBool>,
) -> BurstResult {
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let statuses = Arc::new(Mutex::new(vec![None; requests.len()]));
    let mut workers = Vec::new();
    for _ in 0..IN_FLIGHT {
        let (requests, counters, stopped, next, statuses) = (
            requests.clone(),
            counters.clone(),
            stopped.clone(),
            next.clone(),
            statuses.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(req) = requests.get(i) else { break };
                let mut attempts = 0;
                let status = loop {
                    attempts += 1;
                    match post(addr, req).await {
                        Ok(503) if !stopped.load(Ordering::SeqCst) && attempts < 50 => {
                            counters.unavailable_retries.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(status) => {
                            if (200..300).contains(&status) {
                                counters.acknowledged.fetch_add(1, Ordering::SeqCst);
                            }
                            break Some(status);
                        }
                        Err(_) if stopped.load(Ordering::SeqCst) => break None,
                        Err(e) => {
                            assert!(attempts < 50, "request {i}: {e}");
                            counters.connection_retries.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                };
                statuses.lock().unwrap()[i] = status;
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let statuses = std::mem::take(&mut *statuses.lock().unwrap());
    BurstResult {
        statuses,
        elapsed: started.elapsed(),
    }
}

// ---------------------------------------------------------------------------
// Checking the database

/// A payment the burst may have made, by its external id.
#[derive(Debug)]
struct Stored {
    id: i64,
    amount: i64,
    memo: Option<String>,
    outcome: String,
    arrived_via: String,
    /// (invoice id, amount).
    allocations: Vec<(i64, i64)>,
    credits: i64,
}

/// id, external_id, amount, memo, outcome, arrived_via, source.
type PaymentRow = (i64, String, i64, Option<String>, String, String, String);

async fn stored_payments(db: &Db, prefix: &str) -> HashMap<String, Stored> {
    let pattern = format!("{BIN}:{ACCOUNT}:{prefix}%");
    let rows: Vec<PaymentRow> = sqlx::query_as(
        "SELECT id, external_id, amount, memo, outcome, arrived_via, source FROM payment \
         WHERE external_id LIKE $1",
    )
    .bind(&pattern)
    .fetch_all(db)
    .await
    .unwrap();
    let allocations: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT a.payment_id, a.invoice_id, a.amount FROM payment_allocation a \
         JOIN payment p ON p.id = a.payment_id WHERE p.external_id LIKE $1",
    )
    .bind(&pattern)
    .fetch_all(db)
    .await
    .unwrap();
    let credits: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT c.payment_id, COUNT(*) FROM credit c JOIN payment p ON p.id = c.payment_id \
         WHERE p.external_id LIKE $1 GROUP BY c.payment_id",
    )
    .bind(&pattern)
    .fetch_all(db)
    .await
    .unwrap();
    let mut by_id: HashMap<i64, Stored> = HashMap::new();
    let mut keys: HashMap<i64, String> = HashMap::new();
    for (id, external_id, amount, memo, outcome, arrived_via, source) in rows {
        assert_eq!(source, "bank_transfer", "{external_id}");
        keys.insert(id, external_id);
        by_id.insert(
            id,
            Stored {
                id,
                amount,
                memo,
                outcome,
                arrived_via,
                allocations: vec![],
                credits: 0,
            },
        );
    }
    for (payment, invoice, amount) in allocations {
        by_id
            .get_mut(&payment)
            .unwrap()
            .allocations
            .push((invoice, amount));
    }
    for (payment, n) in credits {
        by_id.get_mut(&payment).unwrap().credits = n;
    }
    let stored: HashMap<String, Stored> = by_id
        .into_iter()
        .map(|(id, s)| (keys.remove(&id).unwrap(), s))
        .collect();
    stored
}

/// Every stored payment of the burst is one of its notifications, complete:
/// the right amount and memo, allocated to the named invoice in full (or, without
/// a code, to nothing), never half-recorded.
fn check_each_stored_payment_is_whole(plan: &Plan, stored: &HashMap<String, Stored>) {
    let by_key: HashMap<String, &Notification> = plan
        .notifications
        .iter()
        .map(|n| (n.external_id(), n))
        .collect();
    for (key, s) in stored {
        let n = by_key
            .get(key)
            .unwrap_or_else(|| panic!("payment {key} is none of the burst's"));
        assert_eq!(s.amount, n.amount, "{key}");
        assert_eq!(s.memo.as_deref(), Some(n.memo.as_str()), "{key}");
        assert_eq!(s.arrived_via, "notification", "{key}");
        assert_eq!(s.credits, 0, "{key}: nothing was overpaid");
        match n.invoice {
            Some(j) => {
                assert_eq!(
                    s.allocations,
                    vec![(plan.invoices[j].id, n.amount)],
                    "{key} (payment {}) pays its invoice in full",
                    s.id
                );
                assert!(
                    s.outcome == "matched" || s.outcome == "partly_paid",
                    "{key}: {}",
                    s.outcome
                );
            }
            None => {
                assert!(s.allocations.is_empty(), "{key}");
                assert_eq!(s.outcome, "unmatched", "{key}");
            }
        }
    }
}

/// After the whole burst: one payment per notification, and each invoice paid
/// exactly what was sent for it.
async fn check_final(db: &Db, plan: &Plan, prefix: &str, payments_before: i64) {
    let stored = stored_payments(db, prefix).await;
    assert_eq!(stored.len(), NOTIFICATIONS, "one payment per notification");
    let (all,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM payment")
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(
        all,
        payments_before + NOTIFICATIONS as i64,
        "no other payment appeared"
    );
    for n in &plan.notifications {
        assert!(
            stored.contains_key(&n.external_id()),
            "{} was not recorded",
            n.transaction_id
        );
    }
    check_each_stored_payment_is_whole(plan, &stored);

    // Invoice totals: what was paid before plus what was sent for it.
    let now_paid: HashMap<i64, (i64, i64)> = sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT i.id, i.total, \
            (SELECT COALESCE(CAST(SUM(a.amount) AS BIGINT), 0) FROM payment_allocation a WHERE a.invoice_id = i.id) \
         FROM invoice i WHERE i.school_id = $1",
    )
    .bind(SCHOOL_ID)
    .fetch_all(db)
    .await
    .unwrap()
    .into_iter()
    .map(|(id, total, paid)| (id, (total, paid)))
    .collect();
    let mut sent = vec![0i64; plan.invoices.len()];
    let mut outcomes: Vec<Vec<&str>> = vec![vec![]; plan.invoices.len()];
    for n in &plan.notifications {
        if let Some(j) = n.invoice {
            sent[j] += n.amount;
            outcomes[j].push(stored[&n.external_id()].outcome.as_str());
        }
    }
    let (mut full, mut partial) = (0, 0);
    for (j, invoice) in plan.invoices.iter().enumerate() {
        let (total, paid) = now_paid[&invoice.id];
        assert_eq!(paid, invoice.paid + sent[j], "invoice {}", invoice.code);
        let matched = outcomes[j].iter().filter(|o| **o == "matched").count();
        if plan.in_full[j] {
            full += 1;
            assert_eq!(paid, total, "invoice {} is paid in full", invoice.code);
            // The instalment that completed it, whichever arrived last.
            assert_eq!(matched, 1, "invoice {}: {:?}", invoice.code, outcomes[j]);
        } else {
            partial += 1;
            assert!(paid < total, "invoice {}", invoice.code);
            assert_eq!(matched, 0, "invoice {}: {:?}", invoice.code, outcomes[j]);
        }
    }
    println!(
        "  checked: {} payments, {full} invoices paid in full, {partial} partly paid, {} unmatched",
        stored.len(),
        plan.notifications
            .iter()
            .filter(|n| n.invoice.is_none())
            .count()
    );
}

async fn payment_count(db: &Db) -> i64 {
    sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM payment")
        .fetch_one(db)
        .await
        .unwrap()
        .0
}

fn now() -> i64 {
    hocphi_app::server::clock::parse_instant(NOW).unwrap()
}

// ---------------------------------------------------------------------------
// The tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_notifications_sent_three_times_at_once_are_recorded_once() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    new_database(dir.path()).await;
    let server = Server::start(dir.path(), "server").await;
    let secret = bank_secret(dir.path());
    let db = open_db(dir.path()).await;
    let payments_before = payment_count(&db).await;
    let plan = plan(open_invoices(&db).await, "BURSTA", now(), 0x5EED_000A);
    let requests = Arc::new(requests(&plan, &secret, now()));
    println!(
        "burst A: {} notifications x {COPIES} = {} requests over {} open invoices, {IN_FLIGHT} in flight (ready after {:.1?})",
        plan.notifications.len(),
        requests.len(),
        plan.invoices.len(),
        started.elapsed()
    );

    let counters = Arc::new(Counters::default());
    let result = burst(
        server.addr,
        requests.clone(),
        counters.clone(),
        Arc::new(AtomicBool::new(false)),
    )
    .await;
    let (created, repeated) = (result.count(201), result.count(200));
    let conn_retries = counters.connection_retries.load(Ordering::SeqCst);
    println!(
        "  {:.1?}: {created} answered 201, {repeated} answered 200; retried {conn_retries} after a connection error, {} after 503",
        result.elapsed,
        counters.unavailable_retries.load(Ordering::SeqCst)
    );
    let errors = server.errors();
    assert!(errors.is_empty(), "the server logged errors: {errors:#?}");
    for (i, status) in result.statuses.iter().enumerate() {
        assert!(
            matches!(status, Some(200 | 201)),
            "request {i} (notification {}): {status:?}",
            requests[i].notification
        );
    }
    // 201 once per notification. A retry after a lost connection may find its
    // first attempt recorded, so only then may a 201 turn into a 200.
    assert!(
        created <= NOTIFICATIONS && created + conn_retries >= NOTIFICATIONS,
        "{created} answered 201"
    );
    let mut firsts = vec![0; NOTIFICATIONS];
    for (req, status) in requests.iter().zip(&result.statuses) {
        if *status == Some(201) {
            firsts[req.notification] += 1;
        }
    }
    assert!(
        firsts.iter().all(|&n| n <= 1),
        "a notification recorded twice"
    );

    check_final(&db, &plan, "BURSTA", payments_before).await;
    db.close().await;
    println!("burst A done in {:.1?}", started.elapsed());
}

/// Times the server is killed, each time 30% into a burst in a new order.
const KILLS: usize = 3;

/// The same requests, notifications in another order (copies still together).
fn reordered(requests: &[Signed], rng: &mut Rng) -> Vec<Signed> {
    let mut order: Vec<usize> = (0..NOTIFICATIONS).collect();
    rng.shuffle(&mut order);
    let mut by_notification: Vec<Vec<&Signed>> = vec![vec![]; NOTIFICATIONS];
    for r in requests {
        by_notification[r.notification].push(r);
    }
    order
        .into_iter()
        .flat_map(|n| by_notification[n].iter().map(|r| (*r).clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_burst_loses_and_doubles_nothing() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    new_database(dir.path()).await;
    let mut server = Server::start(dir.path(), "server-0").await;
    let secret = bank_secret(dir.path());
    let db = open_db(dir.path()).await;
    let payments_before = payment_count(&db).await;
    let plan = plan(open_invoices(&db).await, "BURSTB", now(), 0x5EED_000B);
    db.close().await;
    let requests = requests(&plan, &secret, now());
    let kill_after = requests.len() * 3 / 10;
    println!(
        "burst B: {} requests, SIGKILL after {kill_after} acknowledged, {KILLS} times (ready after {:.1?})",
        requests.len(),
        started.elapsed()
    );

    let mut rng = Rng(0x5EED_00CB);
    // Notifications answered 2xx so far, in any round.
    let mut acknowledged: HashSet<usize> = HashSet::new();
    // Notifications with a payment in the database after the last restart.
    let mut survived: HashSet<usize> = HashSet::new();
    for round in 1..=KILLS {
        // The burst, in a new order, and SIGKILL once 30% of it is acknowledged.
        let order = Arc::new(if round == 1 {
            requests.clone()
        } else {
            reordered(&requests, &mut rng)
        });
        let counters = Arc::new(Counters::default());
        let stopped = Arc::new(AtomicBool::new(false));
        let sending = tokio::spawn(burst(
            server.addr,
            order.clone(),
            counters.clone(),
            stopped.clone(),
        ));
        let deadline = Instant::now() + Duration::from_secs(60);
        while counters.acknowledged.load(Ordering::SeqCst) < kill_after {
            assert!(Instant::now() < deadline, "the burst stalled");
            assert!(!sending.is_finished(), "the burst ended before the kill");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        stopped.store(true, Ordering::SeqCst);
        let pid = server.pid();
        server.kill();
        let at_kill = counters.acknowledged.load(Ordering::SeqCst);
        let sent = sending.await.unwrap();
        let errors = server.errors();
        let acknowledged_now: HashSet<usize> = order
            .iter()
            .zip(&sent.statuses)
            .filter(|(_, s)| matches!(s, Some(200..=299)))
            .map(|(r, _)| r.notification)
            .collect();
        let unanswered = sent.statuses.iter().filter(|s| s.is_none()).count();
        println!(
            "  round {round}: killed pid {pid} after {:.1?}: {at_kill} requests acknowledged at the kill, \
             {} in all ({} x 201, {} x 200) covering {} notifications; {unanswered} unanswered; \
             retried {} after a connection error, {} after 503",
            sent.elapsed,
            counters.acknowledged.load(Ordering::SeqCst),
            sent.count(201),
            sent.count(200),
            acknowledged_now.len(),
            counters.connection_retries.load(Ordering::SeqCst),
            counters.unavailable_retries.load(Ordering::SeqCst)
        );
        assert!(errors.is_empty(), "the server logged errors: {errors:#?}");
        for s in sent.statuses.iter().flatten() {
            assert!(matches!(s, 200 | 201), "answered {s} before the kill");
        }
        assert!(unanswered > 0, "the kill came after the burst");
        // A 201 is only for what no earlier round had recorded.
        for (r, status) in order.iter().zip(&sent.statuses) {
            if *status == Some(201) {
                assert!(
                    !survived.contains(&r.notification),
                    "{} recorded again",
                    plan.notifications[r.notification].transaction_id
                );
            }
        }
        acknowledged.extend(acknowledged_now);

        // Restarted on the same database: everything acknowledged is there, whole.
        server = Server::start(dir.path(), &format!("server-{round}")).await;
        let db = open_db(dir.path()).await;
        let stored = stored_payments(&db, "BURSTB").await;
        for &i in &acknowledged {
            let n = &plan.notifications[i];
            assert!(
                stored.contains_key(&n.external_id()),
                "{} was acknowledged, then lost in the crash",
                n.transaction_id
            );
        }
        check_each_stored_payment_is_whole(&plan, &stored);
        assert_eq!(
            payment_count(&db).await,
            payments_before + stored.len() as i64
        );
        db.close().await;
        let now_survived: HashSet<usize> = (0..NOTIFICATIONS)
            .filter(|&i| stored.contains_key(&plan.notifications[i].external_id()))
            .collect();
        assert!(now_survived.is_superset(&survived), "a payment vanished");
        println!(
            "  round {round}: after restart {} payments ({} new; {} committed but never acknowledged)",
            now_survived.len(),
            now_survived.len() - survived.len(),
            now_survived.difference(&acknowledged).count()
        );
        survived = now_survived;
    }

    // The whole burst again, as the bank retries it.
    let requests = Arc::new(reordered(&requests, &mut rng));
    let counters = Arc::new(Counters::default());
    let replay = burst(
        server.addr,
        requests.clone(),
        counters.clone(),
        Arc::new(AtomicBool::new(false)),
    )
    .await;
    let conn_retries = counters.connection_retries.load(Ordering::SeqCst);
    println!(
        "  replay {:.1?}: {} x 201, {} x 200; retried {conn_retries} after a connection error, {} after 503",
        replay.elapsed,
        replay.count(201),
        replay.count(200),
        counters.unavailable_retries.load(Ordering::SeqCst)
    );
    let errors = server.errors();
    assert!(errors.is_empty(), "the server logged errors: {errors:#?}");
    let mut created = vec![0; NOTIFICATIONS];
    for (i, (req, status)) in requests.iter().zip(&replay.statuses).enumerate() {
        match status {
            Some(201) => created[req.notification] += 1,
            Some(200) => {}
            other => panic!("replayed request {i}: {other:?}"),
        }
    }
    for (i, &n) in created.iter().enumerate() {
        if survived.contains(&i) {
            assert_eq!(
                n, 0,
                "{} recorded again",
                plan.notifications[i].transaction_id
            );
        } else {
            assert!(
                n <= 1,
                "{} recorded twice",
                plan.notifications[i].transaction_id
            );
        }
    }
    assert!(replay.count(201) + conn_retries >= NOTIFICATIONS - survived.len());

    let db = open_db(dir.path()).await;
    check_final(&db, &plan, "BURSTB", payments_before).await;
    db.close().await;
    drop(server);
    println!("burst B done in {:.1?}", started.elapsed());
}
