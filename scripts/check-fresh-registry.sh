#!/usr/bin/env bash
# Proves that the set-up fetches everything the offline web builds need, on a
# machine whose cargo registry is empty: a fresh CARGO_HOME, scripts/fetch-deps.sh
# (what setup-build.sh runs), then an offline check of the parent's web app with
# `-Zbuild-std`, exactly as Trunk builds it. A machine that built hocphi before
# has every crate already and would hide a missing one (the standard library's
# own dependencies went unnoticed that way), so CI runs this on every submission.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
# Toolchains stay where rustup keeps them; only cargo's registry starts empty.
export CARGO_HOME="$fresh/cargo-home"
mkdir -p "$CARGO_HOME"
say "Fetching into an empty cargo registry ($CARGO_HOME)"
"$HOCPHI_ROOT/scripts/fetch-deps.sh"
say "Checking the parent's web app offline, standard library included"
RUSTUP_TOOLCHAIN="$(web_toolchain)" CARGO_TARGET_DIR="$fresh/target" \
  CARGO_UNSTABLE_BUILD_STD=std,panic_abort RUSTFLAGS="--cfg erase_components" \
  cargo check --offline --locked --target wasm32-unknown-unknown -p hocphi-app \
  --bin hocphi-parent --features csr
say "The offline web build has every crate it needs"
