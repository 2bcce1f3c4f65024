#!/usr/bin/env bash
# Benchmark, run by hand (not a test): the office dashboard's sums for a
# province-sized data set (200 schools, 300,000 students, a year of invoices and
# payments) on SQLite; prints the time for one month and for the year, and peak
# memory. Release build; note the machine's load with the figures.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
say "Building and running the dashboard benchmark (release)"
cargo run --release -p hocphi-server --example bench_dashboard
