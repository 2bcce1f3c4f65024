#!/usr/bin/env bash
# Downloads every crate the builds need into cargo's registry, so that the offline
# builds (Trunk runs cargo with --offline) never meet a missing one: the
# workspace's dependencies for the server and the web, and the standard library's
# own dependencies, which `-Zbuild-std` resolves from the toolchain's
# library/Cargo.lock and `cargo fetch` on the workspace does not fetch.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"
cargo fetch --locked
cargo fetch --locked --target wasm32-unknown-unknown
std_lib="$(rustc +"$(web_toolchain)" --print sysroot)/lib/rustlib/src/rust/library"
cargo +"$(web_toolchain)" fetch --locked --manifest-path "$std_lib/Cargo.toml"
