#!/usr/bin/env bash
# Benchmark, run by hand (not a test): commits a 100,000-line bank statement
# against 100,000 open invoices in a fresh temporary database and prints parse
# and recording times, lines per second and peak memory, then checks every
# line's outcome against what was generated. Release build; numbers depend on
# the machine and on what else it is doing, so note both with the figures.
# To profile only the recording (not the seeding), with the built example:
#   mkfifo /tmp/perf.ctl; HOCPHI_PERF_CTL=/tmp/perf.ctl perf record -D -1 \
#     --control fifo:/tmp/perf.ctl ~/.cache/hocphi/target/release/examples/bench_matching
# BENCH_SQL_LOG=1 writes every SQL statement with its time to stderr (slower); then
#   scripts/sql-gaps.py that.log   prints, per statement, its time and
# the time before it that no statement took (Rust work, waits, commits).
# BENCH_NO_NOTIFY=1 records without the bank notifications sent meanwhile.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
say "Building and running the matching benchmark (release)"
cargo run --release -p hocphi-server --example bench_matching
