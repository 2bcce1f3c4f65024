#!/usr/bin/env bash
# pyHanko (PyPI), an independent PDF signature validator, in its own venv,
# created on first use. The PAdES tests (server/tests/pades.rs) run their
# checks through it: scripts/pyhanko.sh <python arguments>, e.g.
# scripts/pyhanko.sh -c 'import pyhanko.sign' (the library; the CLI is not installed).
set -euo pipefail
source "$(dirname "$0")/env.sh"
venv="$HOME/.cache/hocphi/venv-pyhanko"
version=0.38.0
mkdir -p "$(dirname "$venv")"
# Tests run in parallel: one installs, the others wait for it.
exec 9>"$venv.lock"
flock 9
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.pyhanko-version" 2>/dev/null)" != "$version" ]; then
  say "Installing pyHanko $version (PyPI) into $venv" >&2
  # Debian's python3 lacks ensurepip (so venv cannot set up pip) without python3-venv.
  python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "pyHanko==$version" >&2
  echo "$version" >"$venv/.pyhanko-version"
fi
exec 9>&-
exec "$venv/bin/python" "$@"
