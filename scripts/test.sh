#!/usr/bin/env bash
# The whole test suite: formatting and lints, unit and property tests, black-box
# server tests, Schemathesis and Playwright in Debian's Chromium at phone size,
# first on SQLite, then the database-facing tests again on PostgreSQL. Installs
# what is missing first (Chromium and PostgreSQL too), so it runs on a fresh machine.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
"$HOCPHI_ROOT/scripts/setup-build.sh"
# poppler-utils: the receipt PDF tests read the text back (pdftotext), render it (pdftoppm) and check
# its signature (pdfsig); openssl: the signature tests open .p12 files openssl wrote.
apt_install chromium fonts-dejavu-core poppler-utils openssl

say "Checking formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p hocphi-app --features csr --target wasm32-unknown-unknown -- -D warnings

"$HOCPHI_ROOT/scripts/build-web.sh"
say "Checking the built apps: integrity attributes, names, imports, compressed copies"
node scripts/check-dist.mjs dist
# A redeploy builds over the last dist/: the same commit must give the same
# bytes under the same names, or phones that cached a name for a year break.
say "Building the web apps again in place: the same bytes"
first_dist="$(mktemp -d)"
cp -a dist "$first_dist/dist"
"$HOCPHI_ROOT/scripts/build-web.sh"
diff -r "$first_dist/dist" dist
rm -rf "$first_dist"

say "Unit, property and server tests"
cargo test --workspace

cargo build -p hocphi-server

say "The REST API against its own OpenAPI document (Schemathesis)"
"$HOCPHI_ROOT/scripts/schemathesis.sh" "$CARGO_TARGET_DIR/debug/hocphi"

say "End-to-end tests (Playwright, Chromium, 390×844)"
(cd end2end && HOCPHI_BIN="$CARGO_TARGET_DIR/debug/hocphi" "$HOCPHI_ROOT/node_modules/.bin/playwright" test)

# The same suite on PostgreSQL: a throwaway server (Debian's package, installed
# if missing), one database per test, and one each for Schemathesis and Playwright.
say "Starting a throwaway PostgreSQL server"
pg="$("$HOCPHI_ROOT/scripts/postgres.sh" start)"
trap '"$HOCPHI_ROOT/scripts/postgres.sh" stop' EXIT
psql -q "$pg" -c "CREATE DATABASE schemathesis" -c "CREATE DATABASE e2e"

say "Server tests on PostgreSQL"
HOCPHI_TEST_POSTGRES="$pg" cargo test -p hocphi-server
HOCPHI_TEST_POSTGRES="$pg" cargo test --workspace --lib -- server::limiter

say "The REST API against its own OpenAPI document, on PostgreSQL"
HOCPHI_E2E_DATABASE_URL="${pg%/*}/schemathesis" "$HOCPHI_ROOT/scripts/schemathesis.sh" "$CARGO_TARGET_DIR/debug/hocphi"

say "End-to-end tests on PostgreSQL"
(cd end2end && HOCPHI_E2E_DATABASE_URL="${pg%/*}/e2e" HOCPHI_BIN="$CARGO_TARGET_DIR/debug/hocphi" \
  "$HOCPHI_ROOT/node_modules/.bin/playwright" test)
