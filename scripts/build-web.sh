#!/usr/bin/env bash
# Builds the two web apps into dist/: the parent's at the root, the staff's under
# dist/staff/ (wasm, JS, inlined CSS, .br/.gz copies). The parent's build empties
# dist/, so it goes first.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
say "Building the parent's web app with Trunk"
trunk build --release true app/index.html
say "Building the staff's web app with Trunk"
trunk build --release true app/staff.html --dist dist/staff --public-url /staff/
