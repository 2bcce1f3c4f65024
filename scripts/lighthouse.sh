#!/usr/bin/env bash
# Runs Lighthouse (mobile preset, Debian's Chromium) on the parent's lookup and
# invoice pages against a release build of hocphi on a fresh demo database,
# three times, and prints performance, accessibility and best-practices scores,
# LCP, TBT, CLS and the bytes transferred, with the medians; then a first visit
# on slow 3G with a 4× slower CPU (scripts/slow-phone.mjs): first paint, when
# the form takes typing, when the app has taken over; and the invoice page's
# long main-thread tasks on that CPU (scripts/long-tasks.mjs). A benchmark for
# the notes, not part of the test suite.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
"$HOCPHI_ROOT/scripts/setup-build.sh"
apt_install chromium
# Lighthouse lives apart from the project's npm packages (this benchmark only).
tools="$HOME/.cache/hocphi/lighthouse"
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  say "Installing Lighthouse (npm, for this benchmark only)"
  mkdir -p "$tools"
  npm install --no-audit --no-fund --prefix "$tools" lighthouse@12 puppeteer-core@24
fi
cp scripts/lighthouse.mjs "$tools/lighthouse.mjs"
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
CHROME_PATH=/usr/bin/chromium node "$tools/lighthouse.mjs" "http://127.0.0.1:$port" 3
say "Slow 3G, CPU 4× slower, a first visit"
CHROME_PATH=/usr/bin/chromium node scripts/slow-phone.mjs "http://127.0.0.1:$port" 3
say "The invoice page's main-thread tasks, CPU 4× slower"
CHROME_PATH=/usr/bin/chromium node scripts/long-tasks.mjs "http://127.0.0.1:$port" 3
