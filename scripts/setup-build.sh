#!/usr/bin/env bash
# Installs what building hocphi needs and skips what is already there: the wasm
# target, Trunk, wasm-bindgen-cli at the Cargo.lock version, brotli, and the npm
# packages (Tailwind CLI, wasm-opt). Every tool comes from a registry this machine
# reaches; none is downloaded at build time.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$HOCPHI_ROOT"

apt_install brotli

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

# The web apps' nightly, with the standard library's source (rebuilt for size).
web_toolchain="$(web_toolchain)"
if ! rustc +"$web_toolchain" -V >/dev/null 2>&1; then
  say "Installing Rust $web_toolchain for the web apps"
  rustup toolchain install "$web_toolchain" --profile minimal
fi
if ! rustup component list --toolchain "$web_toolchain" --installed | grep -q '^rust-src'; then
  rustup component add rust-src --toolchain "$web_toolchain"
fi
if ! rustup target list --toolchain "$web_toolchain" --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown --toolchain "$web_toolchain"
fi

# Trunk builds offline (Trunk.toml), and `-Zbuild-std` compiles the standard
# library, whose own dependencies (wasip1, compiler_builtins…) come from crates.io
# like any other crate: fetch them, and the workspace's, while the network is here.
# A machine that built before has them already, which is how this went unnoticed;
# scripts/check-fresh-build.sh proves it against an empty registry in CI.
"$HOCPHI_ROOT/scripts/fetch-deps.sh"

# Release builds of these tools without fat LTO: the same tools, in half the time.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "Installing Trunk $TRUNK_VERSION (about 10 minutes on 2 cores, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 7 minutes, once)"
  # Not --locked: its lock file names a crate version the registry no longer has.
  cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "Installing wasm-split-cli $WASM_SPLIT_VERSION (about 3 minutes, once)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
fi

if [ ! -x node_modules/.bin/tailwindcss ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "Installing npm packages"
  npm ci --no-audit --no-fund
fi
