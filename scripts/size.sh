#!/usr/bin/env bash
# Prints the raw, gzip and brotli size of every file a parent's first visit
# downloads (the app's HTML and what it references), and the total, for the
# parent's app and the receipt app. A measurement, not a test: run it after
# scripts/build-web.sh and put the figures in your notes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
dist="${1:-$HOCPHI_ROOT/dist}"
cd "$dist"

measure() {
  local title=$1 page=$2
  local files=("$page")
  # What the browser fetches for the page: scripts, images, and the <link>s it
  # loads (icon, manifest, stylesheets, preloads); not the pages it links to, nor
  # apple-touch-icon, which only Apple's "add to home screen" fetches.
  while read -r ref; do
    ref="${ref#/}"
    [ -f "$ref" ] && files+=("$ref")
  done < <({ grep -oE '<(script|img)[^>]* src="[^"]+"|<link[^>]* rel="(icon|manifest|stylesheet|preload|modulepreload)"[^>]*>' "$page" \
             | grep -oE '(src|href)="[^"]+"' | sed -E 's/^(src|href)="//; s/"$//' | sort -u
           # The app's glue and wasm, which its start script loads after the
           # first paint (scripts/split-wasm.mjs writes their addresses in it).
           grep -oE "'/[^']*hocphi-[a-z]+-[0-9a-f]+(_bg\.wasm|\.js)'" "$page" | tr -d "'" | sort -u; })
  # The JS modules those scripts import (the parent's chunk loader).
  local js
  for js in "${files[@]}"; do
    case "$js" in *.js) ;; *) continue ;; esac
    while read -r ref; do
      ref="$(dirname "$js")/${ref#./}"
      [ -f "$ref" ] && files+=("${ref#./}")
    done < <(grep -oE 'from "\./[^"]+\.js"' "$js" | sed -E 's/^from "//; s/"$//' | sort -u)
  done
  # `--only FILES`: just those (a later page's chunks); `--plus FILES`: those too.
  case "${3:-}" in
    --only) files=("${@:4}") ;;
    --plus) files+=("${@:4}") ;;
  esac
  printf '\n%s\n%-52s %10s %10s %10s\n' "$title" file raw gzip brotli
  local total_raw=0 total_gz=0 total_br=0 f raw gz br
  for f in $(printf '%s\n' "${files[@]}" | sort -u); do
    raw=$(stat -c %s "$f")
    gz=$(gzip -9 -c -n "$f" | wc -c)
    br=$(brotli -q 11 -c "$f" | wc -c)
    printf '%-52s %10d %10d %10d\n' "$f" "$raw" "$gz" "$br"
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  done
  printf '%-52s %10d %10d %10d\n' TOTAL "$total_raw" "$total_gz" "$total_br"
  printf '%s, brotli: %d KB\n' "$title" $(( (total_br + 1023) / 1024 ))
}

# The wasm chunks a page past the lookup fetches when first opened (its own and
# the shared ones it needs), read from the chunk loader scripts/split-wasm.mjs wrote.
chunks_of() {
  local dir=$1
  shift
  (cd "$dir" && node -e '
    const fs = require("fs");
    const loader = fs.readFileSync(fs.readdirSync(".").find((f) => /^__wasm_split-.*\.js$/.test(f)), "utf8");
    const file = (v) => loader.match(new RegExp(`const ${v} = makeLoad\\(\\(\\) => \\{\\s*const src = (?:inTask\\(\\(\\) => )?fetch\\(new URL\\("\\./([^"]+)"`))[1];
    const out = new Set();
    for (const page of process.argv.slice(1)) {
      const m = loader.match(new RegExp(`export const __wasm_split_load_${page}_page = wrapAsyncCb\\(makeLoad\\(\\(\\) => \\{\\s*const src = (?:inTask\\(\\(\\) => )?fetch\\(new URL\\("\\./([^"]+)"[\\s\\S]*?, \\[([^\\]]*)\\]\\)\\)`));
      if (!m) throw new Error(`no split point for ${page}`);
      out.add(m[1]);
      for (const dep of m[2].split(",").map((d) => d.trim()).filter(Boolean)) out.add(file(dep));
    }
    console.log([...out].join("\n"));
  ' "$@") | sed "s|^|$dir/|; s|^\./||"
}

measure "A parent's first visit: the lookup page" index.html
mapfile -t later < <(chunks_of . child invoice)
measure "Then a child's page and an invoice with its QR (wasm chunks)" index.html --only "${later[@]}"
measure "Opening a receipt link (/r/<code>)" receipt/index.html
mapfile -t qr < <(chunks_of trust check_qr)
measure "Checking a QR code (/kiem-tra-qr)" trust/index.html --plus "${qr[@]}"
