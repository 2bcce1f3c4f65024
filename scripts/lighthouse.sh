#!/usr/bin/env bash
# Runs Lighthouse (mobile preset, Debian's Chromium) on the parent's lookup and
# invoice pages against a release build of hocphi on a fresh demo database, and
# prints performance, accessibility and best-practices scores, LCP, TBT, CLS and
# the bytes transferred. A benchmark for the notes, not part of the test suite.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
"$HOCPHI_ROOT/scripts/setup-build.sh"
apt_install chromium
if [ ! -x node_modules/.bin/lighthouse ]; then
  say "Installing Lighthouse (npm, for this benchmark only)"
  npm install --no-save --no-audit --no-fund lighthouse@12 puppeteer-core@24
fi
[ -f dist/index.html ] || "$HOCPHI_ROOT/scripts/build-web.sh"
say "Building the server (release)"
cargo build --release -p hocphi-server
work="$(mktemp -d)"
port=3930
( cd "$work" && HOCPHI_ADDR="127.0.0.1:$port" HOCPHI_DIST="$HOCPHI_ROOT/dist" \
    HOCPHI_NOW=2026-11-26T09:00:00+07:00 RUST_LOG=warn exec "$CARGO_TARGET_DIR/release/hocphi" ) &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.2; done
say "Lighthouse, mobile preset"
CHROME_PATH=/usr/bin/chromium node scripts/lighthouse.mjs "http://127.0.0.1:$port"
