//! Two real `hocphi` processes on one database (SQLite in WAL mode, or
//! PostgreSQL when the suite runs on it): 1,000 concurrent bank
//! notifications for the same invoices, every transfer sent to both, end with
//! exactly one payment per bank transaction and gap-free receipt numbers. Then
//! one process is killed in the middle of a burst: the other takes the
//! replays, and nothing is lost or doubled.

mod support;

use hocphi_app::server::database::{self, Engine};
use hocphi_app::server::state::Db;
use serde_json::json;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::sign_notification;

const NOW: &str = "2026-11-26T09:00:00+07:00";

fn spawn(dir: &Path, url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hocphi"))
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env("HOCPHI_DEMO", "true")
        .env("HOCPHI_ADDR", format!("127.0.0.1:{port}"))
        .env("HOCPHI_DIST", dir.join("no-dist"))
        .env("HOCPHI_NOW", NOW)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("hocphi starts")
}

async fn ready(client: &reqwest::Client, port: u16) {
    for _ in 0..300 {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
        {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("hocphi on {port} never became ready");
}

/// Sends one notification; true when the server answered (any 2xx).
async fn notify(
    client: &reqwest::Client,
    port: u16,
    secret: &str,
    ts: i64,
    body: &serde_json::Value,
) -> bool {
    let body = serde_json::to_vec(body).unwrap();
    client
        .post(format!("http://127.0.0.1:{port}/api/v1/bank-notifications"))
        .header("content-type", "application/json")
        .header("x-hocphi-school", "th-ha-long")
        .header("x-hocphi-timestamp", ts.to_string())
        .header("x-hocphi-signature", sign_notification(secret, ts, &body))
        .body(body)
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
}

/// Up to `limit` of the demo school's invoices nothing has paid: (code, total).
async fn unpaid(db: &Db, limit: i64) -> Vec<(String, i64)> {
    sqlx::query_as(&format!(
        "SELECT i.code, i.total FROM invoice i WHERE i.school_id = 1 AND i.voided_at IS NULL AND i.total > 0 \
         AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id) ORDER BY i.id LIMIT {limit}"
    ))
    .fetch_all(db)
    .await
    .unwrap()
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(sql)
        .fetch_one(db)
        .await
        .unwrap()
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_processes_one_database_no_payment_lost_or_doubled() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    // SQLite in WAL mode, or PostgreSQL when the suite runs on it.
    let url = support::database_url(dir.path()).await;
    let (a, b) = (support::free_port(), support::free_port());
    // The first seeds the demo database; the second finds it seeded.
    let mut first = spawn(dir.path(), &url, a);
    ready(&client, a).await;
    let mut second = spawn(dir.path(), &url, b);
    ready(&client, b).await;
    let secret = String::from_utf8(
        Command::new(env!("CARGO_BIN_EXE_hocphi"))
            .current_dir(dir.path())
            .args(["bank-secret", "--school", "th-ha-long"])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    let ts = hocphi_app::server::clock::parse_instant(NOW).unwrap();
    let db = database::pool(&url, 4, database::Durability::Full)
        .await
        .unwrap();
    let invoices = unpaid(&db, 80).await;
    assert_eq!(invoices.len(), 80);
    let payments_before = count(&db, "SELECT COUNT(*) FROM payment").await;

    // 500 transfers for 80 invoices (each paid in full, then five or six more
    // times: possible double payments for the accountant), every one sent to both
    // processes at once: 1,000 notifications.
    let transfers: Vec<serde_json::Value> = (0..500)
        .map(|i| {
            let (code, total) = &invoices[i % 80];
            json!({"transaction_id": format!("FT2P{i:05}"), "account_number": "1023456789", "amount": total,
                "received_at": ts - 600 + i as i64, "memo": format!("HP {code}")})
        })
        .collect();
    let mut burst = tokio::task::JoinSet::new();
    for t in &transfers {
        for port in [a, b] {
            let (client, secret, t) = (client.clone(), secret.clone(), t.clone());
            burst.spawn(async move { notify(&client, port, &secret, ts, &t).await });
        }
    }
    let mut answered = 0;
    while let Some(ok) = burst.join_next().await {
        answered += ok.unwrap() as usize;
    }
    assert_eq!(answered, 1000, "every notification answered");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM payment").await - payments_before,
        500
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM (SELECT external_id FROM payment GROUP BY source, external_id HAVING COUNT(*) > 1) AS doubled").await,
        0
    );
    let gaps = support::RECEIPT_NUMBER_GAPS;
    assert_eq!(count(&db, gaps).await, 0);
    // Each invoice paid exactly once in full; the other transfers wait for review.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM payment WHERE external_id LIKE '%FT2P%' AND outcome = 'matched'"
        )
        .await,
        80
    );

    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM (SELECT a.invoice_id FROM payment_allocation a JOIN payment p ON p.id = a.payment_id \
                    WHERE p.external_id LIKE '%FT2P%' GROUP BY a.invoice_id HAVING COUNT(*) > 1) AS twice").await,
        0,
        "no invoice paid twice by the race"
    );

    // A second burst; one process is killed a third of the way in. The bank
    // replays what got no answer, to the process still up.
    let second_burst: Vec<serde_json::Value> = (0..300)
        .map(|i| {
            json!({"transaction_id": format!("FT2K{i:05}"), "account_number": "1023456789", "amount": 50_000 + i,
                "received_at": ts - 300 + i, "memo": format!("khong co ma {i}")})
        })
        .collect();
    let mut burst = tokio::task::JoinSet::new();
    for (i, t) in second_burst.iter().enumerate() {
        let (client, secret, t) = (client.clone(), secret.clone(), t.clone());
        let port = if i % 2 == 0 { a } else { b };
        burst.spawn(async move { (notify(&client, port, &secret, ts, &t).await, t) });
        if i == 100 {
            second.kill().unwrap();
        }
    }
    let mut unanswered = Vec::new();
    while let Some(done) = burst.join_next().await {
        let (ok, t) = done.unwrap();
        if !ok {
            unanswered.push(t);
        }
    }
    assert!(!unanswered.is_empty(), "the kill cut some requests");
    for t in &unanswered {
        assert!(notify(&client, a, &secret, ts, t).await);
    }
    // Replaying everything once more changes nothing.
    for t in second_burst.iter().step_by(7) {
        assert!(notify(&client, a, &secret, ts, t).await);
    }
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM payment WHERE external_id LIKE '%FT2K%'"
        )
        .await,
        300
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM payment").await - payments_before,
        800
    );
    assert_eq!(count(&db, gaps).await, 0);
    if Engine::of(&db) == Engine::Sqlite {
        let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&db)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
    first.kill().unwrap();
    let _ = first.wait();
    let _ = second.wait();
}

/// A statement's receipts are issued after its turns commit (`ledger::owed`).
/// A stop in between (here: the turns recorded with no process to issue
/// them) loses neither the payments nor their receipts: the next start issues
/// every one, numbered without a gap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_a_stop_left_owed_are_issued_at_the_next_start() {
    use hocphi_app::domain::ids::SchoolId;
    use hocphi_app::domain::money::Vnd;
    use hocphi_app::server::bank::{self, BankTransaction, Channel};
    use hocphi_app::server::ledger;
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let url = support::database_url(dir.path()).await;
    let port = support::free_port();
    // The first start seeds the demo school; then it stops.
    let mut first = spawn(dir.path(), &url, port);
    ready(&client, port).await;
    first.kill().unwrap();
    first.wait().unwrap();

    let db = database::pool(&url, 4, database::Durability::Full)
        .await
        .unwrap();
    let school = SchoolId(1);
    let (number,): (String,) = sqlx::query_as(
        "SELECT account_number FROM beneficiary_account WHERE school_id = 1 ORDER BY is_default DESC, id LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    let account = bank::account_for(&db, school, &number)
        .await
        .unwrap()
        .unwrap();
    let open = unpaid(&db, 300).await;
    assert!(open.len() >= 20, "open invoices to pay");
    let ts = hocphi_app::server::clock::parse_instant(NOW).unwrap();
    // 600 lines (batches of 250: the receipts of one are stored while the
    // next is signed), each paying 1,000 đ of an invoice.
    const LINES: usize = 600;
    let lines: Vec<ledger::Incoming> = (0..LINES)
        .map(|i| {
            let (code, _) = &open[i % open.len()];
            let t = BankTransaction {
                transaction_id: format!("FTOWED{i:04}"),
                account_number: String::new(),
                amount: Vnd::new(1_000),
                received_at: ts - 3600,
                memo: format!("HP {code}"),
                payer_name: None,
            };
            bank::incoming(&account, &t, Channel::Statement)
        })
        .collect();
    let receipts_before = count(&db, "SELECT COUNT(*) FROM receipt").await;
    let mut recorded = 0;
    while recorded < lines.len() {
        let turn = ledger::record_turn(
            &db,
            school,
            &lines,
            recorded,
            hocphi_app::domain::time::UnixTime(ts),
        )
        .await
        .unwrap();
        turn.tx.commit().await.unwrap();
        recorded = turn.lines.end;
    }
    // The money is in the books; the receipts are owed, none issued.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id \
                    WHERE p.external_id LIKE '%FTOWED%'"
        )
        .await,
        LINES as i64
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM receipt_owed").await,
        LINES as i64
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM receipt").await,
        receipts_before
    );

    let mut second = spawn(dir.path(), &url, port);
    ready(&client, port).await;
    let mut owed = -1;
    for _ in 0..200 {
        owed = count(&db, "SELECT COUNT(*) FROM receipt_owed").await;
        if owed == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(owed, 0, "the start issued what was owed");
    // One live receipt for each part, for its amount, and the series without a gap.
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id \
                    WHERE p.external_id LIKE '%FTOWED%' AND (SELECT COUNT(*) FROM receipt r \
                      WHERE r.payment_id = a.payment_id AND r.invoice_id = a.invoice_id \
                      AND r.cancelled_at IS NULL AND r.total = a.amount) <> 1"
        )
        .await,
        0
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM receipt").await - receipts_before,
        LINES as i64
    );
    assert_eq!(count(&db, support::RECEIPT_NUMBER_GAPS).await, 0);
}
