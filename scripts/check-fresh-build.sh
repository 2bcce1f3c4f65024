#!/usr/bin/env bash
# Proves what a warm machine hides. A clone of HEAD at another path builds the
# web apps with an empty cargo registry (a fresh CARGO_HOME) and empty build
# caches, exactly as a machine that never built hocphi would:
#   1. scripts/fetch-deps.sh (what setup-build.sh runs) fetches every crate the
#      offline builds need: the standard library's own dependencies went
#      unnoticed once because every warm registry already had them;
#   2. scripts/build-web.sh builds all four apps offline from that registry;
#   3. given a dist/ built from the same commit elsewhere (in CI: the clone's
#      own, by scripts/test.sh), the two are byte-identical. Names are hashes of
#      what is served and phones cache them for a year, so another path or
#      machine must never give other bytes (a path-derived marker in cargo's wasm
#      once did, see scripts/split-wasm.mjs).
# CI runs it after the test suite (.ci/run). Usage: check-fresh-build.sh [dist]
set -euo pipefail
source "$(dirname "$0")/env.sh"
compare="${1:-}"
if [ -n "$compare" ]; then
  compare="$(cd "$compare" && pwd)"
  if [ -n "$(git -C "$HOCPHI_ROOT" status --porcelain --untracked-files=no)" ]; then
    echo "check-fresh-build: uncommitted changes; the fresh clone builds HEAD, so dist/ may differ" >&2
  fi
fi
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
git clone --quiet --no-hardlinks "$HOCPHI_ROOT" "$fresh/hocphi"
# npm's packages are pinned by package-lock.json; cargo's registry is what is under test.
ln -s "$HOCPHI_ROOT/node_modules" "$fresh/hocphi/node_modules"
# Toolchains and installed tools stay where rustup and cargo install keep them.
export CARGO_HOME="$fresh/cargo-home" HOCPHI_WEB_TARGET_DIR="$fresh/target-web"
mkdir -p "$CARGO_HOME"
say "Fetching into an empty cargo registry ($CARGO_HOME)"
"$fresh/hocphi/scripts/fetch-deps.sh"
say "Building the web apps offline in $fresh/hocphi, from that registry"
"$fresh/hocphi/scripts/build-web.sh"
node "$fresh/hocphi/scripts/check-dist.mjs" "$fresh/hocphi/dist"
if [ -n "$compare" ]; then
  say "Comparing with $compare: the same bytes"
  diff -r "$compare" "$fresh/hocphi/dist"
fi
say "A machine that never built hocphi builds the same web apps"
