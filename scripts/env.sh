# Sourced by the other scripts: one place for paths and pinned tool versions.
# shellcheck shell=bash
HOCPHI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HOCPHI_ROOT
# Build caches live outside the clone, so a fresh clone on the same machine reuses them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/hocphi/target}"
export PATH="$HOME/.cargo/bin:$HOCPHI_ROOT/node_modules/.bin:$PATH"
TRUNK_VERSION=0.21.14
# The web apps build with a pinned nightly: `-Zbuild-std` and `panic=immediate-abort`
# cut the parent's download by a sixth (see scripts/build-web.sh). The server and
# the tests stay on stable.
WEB_TOOLCHAIN_DATE=2026-05-19
# The toolchain name for that build: a machine whose `nightly` is that very build
# uses it; others install it by date (scripts/setup-build.sh).
web_toolchain() {
  if rustc +nightly -V 2>/dev/null | grep -q "$WEB_TOOLCHAIN_DATE"; then
    echo nightly
  else
    echo "nightly-$WEB_TOOLCHAIN_DATE"
  fi
}
# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$HOCPHI_ROOT/Cargo.lock")"
# The splitter that cuts the parent's wasm into chunks (scripts/split-wasm.mjs).
WASM_SPLIT_VERSION=0.2.3

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

apt_install() {
  # Installs Debian packages that are missing; refreshes the package lists once.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]} from Debian"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
  fi
}
