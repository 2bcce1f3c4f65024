//! The load client of `scripts/load.sh` keeps working: run against a real
//! `hocphi` process for a second per scenario, every request of each is
//! answered and read as the page reads it (the parent's answers are postcard;
//! a client reading them as JSON failed on every lookup, unnoticed, until this).

mod support;

#[path = "../examples/load/client.rs"]
mod client;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const NOW: &str = "2026-11-26T09:00:00+07:00";

/// What a `hocphi` subcommand prints, run on the test's database.
fn subcommand(dir: &std::path::Path, url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hocphi"))
        .current_dir(dir)
        .args(args)
        .env("DATABASE_URL", url)
        .env("HOCPHI_NOW", NOW)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_load_client_reads_every_answer_of_a_running_server() {
    let dir = tempfile::tempdir().unwrap();
    let url = support::database_url(dir.path()).await;
    let port = support::free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_hocphi"))
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .env("HOCPHI_DEMO", "true")
        .env("HOCPHI_ADDR", format!("127.0.0.1:{port}"))
        .env("HOCPHI_DIST", dir.path().join("no-dist"))
        .env("HOCPHI_NOW", NOW)
        .env("HOCPHI_TRUST_PROXY", "true")
        .env("HOCPHI_API_RATE", "100000")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("hocphi starts");
    let base = format!("http://127.0.0.1:{port}");
    let probe = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..300 {
        if probe
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "hocphi never became ready");
    let secret = subcommand(
        dir.path(),
        &url,
        &["bank-secret", "--school", client::SCHOOL],
    );
    let key = subcommand(
        dir.path(),
        &url,
        &[
            "api-key",
            "--school",
            client::SCHOOL,
            "--name",
            "load",
            "--by",
            "ketoan.thhl",
        ],
    );
    let now = hocphi_app::server::clock::parse_instant(NOW).unwrap();
    let setup = Arc::new(
        client::setup(vec![base], secret, &key, now)
            .await
            .expect("the client reads the students, a lookup and a child"),
    );
    assert!(setup.students.len() > 100, "{}", setup.students.len());
    for scenario in [
        client::Scenario::Lookup,
        client::Scenario::Invoice,
        client::Scenario::BankNotification,
    ] {
        let figures = client::run(setup.clone(), scenario, 4, Duration::from_secs(1)).await;
        assert!(
            figures.ok > 0 && figures.failed == 0,
            "{}: {figures}",
            scenario.name()
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
