#!/usr/bin/env bash
# Installs what is missing, builds, and starts hocphi at http://127.0.0.1:3000 on
# the demo database (./hocphi-demo.db, seeded with demo data on first start).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
"$HOCPHI_ROOT/scripts/setup-build.sh"
"$HOCPHI_ROOT/scripts/build-web.sh"
say "Building the server"
cargo build --release -p hocphi-server
say "Starting hocphi: open http://127.0.0.1:3000/s/th-ha-long (student 2201000001, born 05/09/2017)"
exec "$CARGO_TARGET_DIR/release/hocphi" "$@"
