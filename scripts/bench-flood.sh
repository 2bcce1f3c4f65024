#!/usr/bin/env bash
# Flood benchmark, run by hand (not a test): the release build on a fresh demo
# database takes made-up preview paths, wrong lookups and badly signed bank
# notifications at a few hundred requests a second, while /healthz and real bank
# notifications are timed (scripts/bench-flood.mjs). Target: both p99 < 50 ms.
# Usage: scripts/bench-flood.sh [rate per kind] [seconds]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
rate="${1:-150}"
seconds="${2:-20}"
say "Building the release server"
cargo build --release -p hocphi-server --bin hocphi
bin="$CARGO_TARGET_DIR/release/hocphi"
work="$(mktemp -d)"
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
now=2026-11-26T09:00:00+07:00
( cd "$work" && HOCPHI_ADDR=127.0.0.1:3961 HOCPHI_DIST="$HOCPHI_ROOT/dist" HOCPHI_NOW="$now" \
    HOCPHI_TRUST_PROXY=127.0.0.1 RUST_LOG=warn exec "$bin" ) &
pid=$!
for _ in $(seq 300); do curl -fsS http://127.0.0.1:3961/readyz >/dev/null 2>&1 && break; sleep 0.1; done
secret="$(cd "$work" && "$bin" bank-secret --school th-ha-long)"
say "Flood: $rate requests a second of each kind of junk for $seconds s, $(nproc) cores"
node scripts/bench-flood.mjs http://127.0.0.1:3961 "$secret" "$(date -d "$now" +%s)" "$rate" "$seconds"
