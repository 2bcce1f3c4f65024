#!/usr/bin/env bash
# Load figures, run by hand (not a test): parents' lookups and invoice pages, and
# bank notifications, against the release build on a fresh demo database: one
# hocphi process, then two processes sharing the database. Lookups are spread over
# the demo school's students and many client addresses, as parents' are. Prints requests per
# second and p50/p90/p99 latency.
# Usage: scripts/load.sh [sqlite|postgres] [concurrency] [seconds]
# `postgres` runs the same on a throwaway local PostgreSQL server (scripts/postgres.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
engine="${1:-sqlite}"
concurrency="${2:-32}"
seconds="${3:-10}"
say "Building the release server and the load client"
cargo build --release -p hocphi-server --bin hocphi --example load
bin="$CARGO_TARGET_DIR/release/hocphi"
load="$CARGO_TARGET_DIR/release/examples/load"
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$work"; [ "$engine" = postgres ] && scripts/postgres.sh stop' EXIT
engine_name="SQLite, WAL"
if [ "$engine" = postgres ]; then
  pg="$(scripts/postgres.sh start)"
  psql -q "$pg" -c "CREATE DATABASE load"
  export DATABASE_URL="${pg%/*}/load" HOCPHI_DEMO=true
  engine_name="PostgreSQL $(psql -tA "$pg" -c 'SHOW server_version' | cut -d' ' -f1), local"
fi
now=2026-11-26T09:00:00+07:00
start() {
  ( cd "$work" && HOCPHI_ADDR="127.0.0.1:$1" HOCPHI_DIST="$HOCPHI_ROOT/dist" HOCPHI_NOW="$now" \
      HOCPHI_TRUST_PROXY=true HOCPHI_API_RATE=100000 RUST_LOG=warn exec "$bin" ) &
  pids+=($!)
  for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "hocphi did not start on port $1" >&2; exit 1
}
start 3951
secret="$(cd "$work" && "$bin" bank-secret --school th-ha-long)"
key="$(cd "$work" && "$bin" api-key --school th-ha-long --name load --by ketoan.thhl)"
export HOCPHI_LOAD_NOW="$(date -d "$now" +%s)"
say "One process ($engine_name), $(nproc) cores"
"$load" "http://127.0.0.1:3951" "$secret" "$key" "$concurrency" "$seconds"
start 3952
say "Two processes on the same database"
"$load" "http://127.0.0.1:3951,http://127.0.0.1:3952" "$secret" "$key" "$concurrency" "$seconds"
