//! Benchmark, run by hand (not a test): the office dashboard for a province.
//!
//! `scripts/bench-dashboard.sh`, or
//! `cargo run --release -p hocphi-server --example bench_dashboard`.
//!
//! 1. Seeds a fresh SQLite database (the server's own `db::connect`: migrations,
//!    WAL, synchronous FULL) with one Department of 200 schools, 300,000 students,
//!    a school year of monthly invoices (3.6 million), and payments for 85 % of
//!    them by every method (cash too), with their allocations; some transfers
//!    unmatched and some complaints. Generated in SQL. Timed, not the benchmark.
//! 2. Times `reports::school_figures` (what the office dashboard
//!    runs: every school's readiness, contacts and sums) for all 200 schools
//!    over one month and over the whole year, three runs each, and prints
//!    the times and peak memory (VmHWM). Checks the totals against the numbers
//!    the generator implies, so a fast but wrong run fails loudly.

use hocphi_app::domain::date::Month;
use hocphi_app::domain::report::Figures;
use hocphi_app::server::reports::school_figures;
use hocphi_server::db;
use std::time::Instant;

const SCHOOLS: i64 = 200;
const STUDENTS: i64 = 300_000;
const MONTHS: i64 = 12;
const FEE: i64 = 1_000_000;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Res<()> {
    let dir = tempfile_dir()?;
    let url = format!("sqlite://{}/bench.db", dir.display());
    let pool = db::connect(&url).await?;
    let started = Instant::now();
    let script = format!(
        "BEGIN;
         INSERT INTO office (id, name, province, level) VALUES (1, 'Sở GD&ĐT (bench)', 'Quảng Ninh', 'department');
         INSERT INTO school_year (id, label, starts_on, ends_on) VALUES (1, '2025-2026', '2025-09-01', '2026-08-31');
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {SCHOOLS})
           INSERT INTO school (id, office_id, slug, name, legal_name, address, tax_code, level)
           SELECT i, 1, 'school-' || i, 'Trường ' || i, 'Trường ' || i, 'Quảng Ninh', '57' || i, 'primary' FROM n;
         INSERT INTO class (id, school_id, school_year_id, name, grade) SELECT id, id, 1, '1A', 1 FROM school;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {STUDENTS})
           INSERT INTO student (id, school_id, code, full_name, date_of_birth)
           SELECT i, 1 + i % {SCHOOLS}, 'S' || i, 'Học sinh ' || i, '2018-01-01' FROM n;
         WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM m WHERE k < {MONTHS})
           INSERT INTO invoice (id, code, school_id, student_id, class_id, period, title, total, due_on, issued_at)
           SELECT (k - 1) * {STUDENTS} + s.id, 'B' || ((k - 1) * {STUDENTS} + s.id), s.school_id, s.id, s.school_id,
                  printf('2026-%02d', k), 'Khoản thu', {FEE}, printf('2026-%02d-20', k), 0
           FROM m, student s;
         -- 85 % paid (whole, or half for every 17th), by a method that cycles; 5 % of the year's invoices voided.
         UPDATE invoice SET voided_at = 1 WHERE id % 20 = 7;
         INSERT INTO payment (id, school_id, source, external_id, amount, received_at, outcome, method)
           SELECT id, school_id, 'bank_transfer', 'B:' || id, CASE WHEN id % 17 = 0 THEN {FEE} / 2 ELSE {FEE} END,
                  1790000000, 'matched',
                  CASE id % 10 WHEN 0 THEN 'cash' WHEN 1 THEN 'gateway' WHEN 2 THEN 'mobile_money' WHEN 3 THEN 'card'
                       ELSE 'bank_transfer' END
           FROM invoice WHERE id % 100 < 85;
         INSERT INTO payment_allocation (payment_id, invoice_id, amount, school_id) SELECT id, id, amount, school_id FROM payment;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
           INSERT INTO payment (school_id, source, external_id, amount, received_at, outcome, method)
           SELECT 1 + i % {SCHOOLS}, 'bank_transfer', 'U:' || i, 500000, 1790000000, 'unmatched', 'bank_transfer' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
           INSERT INTO complaint (school_id, student_id, tracking_hash, kind, description, status, created_at, due_at, closed_at)
           SELECT 1 + i % {SCHOOLS}, 1 + i % {SCHOOLS}, 'h' || i, 'other', 'x',
                  CASE WHEN i % 3 = 0 THEN 'received' ELSE 'resolved' END, 1780000000, 1780604800,
                  CASE WHEN i % 3 = 0 THEN NULL ELSE 1780000000 + i * 60 END FROM n;
         COMMIT;
         ANALYZE;"
    );
    sqlx::raw_sql(&script).execute(&pool).await?;
    let (invoices,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM invoice")
        .fetch_one(&pool)
        .await?;
    let (payments,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM payment")
        .fetch_one(&pool)
        .await?;
    println!(
        "seeded {SCHOOLS} schools, {STUDENTS} students, {invoices} invoices, {payments} payments in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let ids: Vec<hocphi_app::domain::ids::SchoolId> = (1..=SCHOOLS)
        .map(hocphi_app::domain::ids::SchoolId)
        .collect();

    for (label, from, to) in [
        ("one month (2026-11)", "2026-11", "2026-11"),
        ("the whole year", "2026-01", "2026-12"),
    ] {
        let (from, to) = (Month::parse(from)?, Month::parse(to)?);
        let mut times = Vec::new();
        let mut total = Figures::default();
        for _ in 0..3 {
            let t = Instant::now();
            let schools = school_figures(&pool, &ids, from, to).await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            total = Figures::total(schools.iter().map(|s| &s.figures));
        }
        // What the generator implies, computed independently of the queries.
        let months = (to.month - from.month + 1) as i64;
        let live: i64 = (1..=months * STUDENTS)
            .map(|k| k + (from.month as i64 - 1) * STUDENTS)
            .filter(|id| id % 20 != 7)
            .count() as i64;
        assert_eq!(total.invoices, live, "{label}: invoices");
        assert_eq!(total.due.dong(), live * FEE, "{label}: due");
        println!(
            "{label}: {:.0} / {:.0} / {:.0} ms (3 runs) · {} invoices · collection {} · cashless by value {}",
            times[0],
            times[1],
            times[2],
            total.invoices,
            hocphi_app::domain::report::percent_label(total.collection_rate()),
            hocphi_app::domain::report::percent_label(total.cashless_share_by_value()),
        );
    }
    println!("peak memory (VmHWM): {} MiB", peak_kib() / 1024);
    drop(pool);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn tempfile_dir() -> Res<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("hocphi-bench-dashboard-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
