#!/usr/bin/env bash
# Builds the parent's web app into dist/ (wasm, JS, inlined CSS, .br/.gz copies).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
say "Building the web app with Trunk"
trunk build --release true
