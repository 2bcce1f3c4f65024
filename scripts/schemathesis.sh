#!/usr/bin/env bash
# Schemathesis (from PyPI) against the OpenAPI document hocphi serves: every
# operation fuzzed with the school's API key; fails on any server error or any
# response (status, content type, headers, body) the document does not allow.
# The per-key rate limit is lifted here (the Rust tests check it), so the fuzzing
# reaches the logic behind it. Part of the test suite (scripts/test.sh). Usage: scripts/schemathesis.sh [hocphi binary]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
venv="$HOME/.cache/hocphi/venv-schemathesis"
if [ ! -x "$venv/bin/st" ]; then
  say "Installing Schemathesis (PyPI) into $venv"
  python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==4.32.5"
fi
bin="${1:-$CARGO_TARGET_DIR/debug/hocphi}"
work="$(mktemp -d)"
port=3921
# The demo database in $work, or the PostgreSQL database given in
# HOCPHI_E2E_DATABASE_URL (seeded with the demo data).
if [ -n "${HOCPHI_E2E_DATABASE_URL:-}" ]; then
  export DATABASE_URL="$HOCPHI_E2E_DATABASE_URL" HOCPHI_DEMO=true
fi
( cd "$work" && HOCPHI_ADDR="127.0.0.1:$port" HOCPHI_DIST="$HOCPHI_ROOT/dist" \
    HOCPHI_NOW=2026-11-26T09:00:00+07:00 HOCPHI_API_RATE=1000000 RUST_LOG=error exec "$bin" ) &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 150); do curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.2; done
key="$(cd "$work" && "$bin" api-key --school th-ha-long --name schemathesis --by ketoan.thhl --write)"
say "Schemathesis against http://127.0.0.1:$port/api/v1/openapi.json"
"$venv/bin/st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
  -H "Authorization: Bearer $key" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples 40 --seed 20261127 --no-color
