//! The real binary's logs with `HOCPHI_LOG_FORMAT=json`: one JSON object per
//! line, requests named by route, never by path (paths carry family links and
//! invoice codes), and the printed configuration without its secrets.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn json_logs_name_routes_not_paths_and_hold_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let url = support::database_url(dir.path()).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_hocphi"))
        .current_dir(dir.path())
        .env("HOCPHI_ADDR", format!("127.0.0.1:{port}"))
        .env("HOCPHI_DIST", dir.path().join("no-dist"))
        .env("HOCPHI_NOW", "2026-11-26T09:00:00+07:00")
        .env("HOCPHI_LOG_FORMAT", "json")
        .env("HOCPHI_METRICS_TOKEN", "tok-very-secret-123")
        .env("HOCPHI_DRAIN_SECONDS", "0")
        .env("RUST_LOG", "info,sqlx=warn")
        .env("DATABASE_URL", &url)
        .env("HOCPHI_DEMO", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..300 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "hocphi started");
    client
        .get(format!("{base}/l/FAMILY-LINK-SECRET-abc"))
        .send()
        .await
        .unwrap();
    client
        .get(format!("{base}/api/v1/invoices/QWERTY77"))
        .header("authorization", "Bearer hp_not-a-key")
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill().unwrap();
    let mut out = String::new();
    server
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    server.wait().unwrap();

    let lines: Vec<serde_json::Value> = out
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines
        .iter()
        .any(|l| l["route"] == "(parent app)" && l["status"] == 200));
    assert!(lines
        .iter()
        .any(|l| l["route"] == "/api/v1/invoices/{code}" && l["status"] == 401));
    assert!(lines.iter().any(|l| l["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("configuration:"))));
    for secret in [
        "FAMILY-LINK-SECRET",
        "QWERTY77",
        "tok-very-secret-123",
        "hp_not-a-key",
    ] {
        assert!(!out.contains(secret), "{secret} in the logs:\n{out}");
    }
}
