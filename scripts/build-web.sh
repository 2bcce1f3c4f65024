#!/usr/bin/env bash
# Builds the web apps into dist/: the parent's at the root, the receipt app's
# under dist/receipt/, the trust app's (registry, QR checker) under dist/trust/,
# the staff's under dist/staff/ (wasm, JS, inlined CSS,
# .br/.gz copies). The parent's build empties dist/, so it goes first.
#
# Every byte of the parent's wasm is paid for on slow mobile data, so the apps
# build with the pinned nightly (scripts/setup-build.sh installs it): the standard
# library rebuilt for size with `panic=immediate-abort` (no panic messages or
# formatting machinery in the bundle), and Leptos's `erase_components` (views
# type-erased at component boundaries: less monomorphised code). Measured on the
# parent's app: 287 KB → 245 KB brotli. Its own target directory keeps these
# flags from invalidating the server's stable build.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
RUSTUP_TOOLCHAIN="$(web_toolchain)"
export RUSTUP_TOOLCHAIN
# (scripts/check-fresh-build.sh points it at an empty one.)
export CARGO_TARGET_DIR="${HOCPHI_WEB_TARGET_DIR:-$HOME/.cache/hocphi/target-web}"
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
# `fmt-debug=none` and `location-detail=none`: no `{:?}` formatting code and no
# source locations in the bundle (the apps never show either to a person).
export RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none"
say "Building the parent's web app with Trunk ($RUSTUP_TOOLCHAIN)"
trunk build --release true app/index.html
say "Building the receipt app with Trunk ($RUSTUP_TOOLCHAIN)"
trunk build --release true app/receipt.html --dist dist/receipt --public-url /receipt/
say "Building the trust app with Trunk ($RUSTUP_TOOLCHAIN)"
trunk build --release true app/trust.html --dist dist/trust --public-url /trust/
say "Building the staff's web app with Trunk ($RUSTUP_TOOLCHAIN)"
trunk build --release true app/staff.html --dist dist/staff --public-url /staff/
say "Writing the parent's service worker (Workbox)"
node scripts/make-sw.mjs dist
scripts/precompress.sh dist >/dev/null
