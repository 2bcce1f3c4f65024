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

mod client;

use client::{run, Scenario};
use std::sync::Arc;
use std::time::Duration;

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
    let now = std::env::var("HOCPHI_LOAD_NOW")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("time")
                .as_secs() as i64
        });
    let setup = match client::setup(bases, secret, &api_key, now).await {
        Ok(setup) => Arc::new(setup),
        Err(e) => {
            eprintln!("load: {e}");
            std::process::exit(1);
        }
    };
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
        let figures = run(
            setup.clone(),
            scenario,
            concurrency,
            Duration::from_secs(seconds),
        )
        .await;
        println!("{:<56} {figures}", scenario.name());
    }
}
