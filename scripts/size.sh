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
  done < <(grep -oE '<(script|img)[^>]* src="[^"]+"|<link[^>]* rel="(icon|manifest|stylesheet|preload|modulepreload)"[^>]*>' "$page" \
             | grep -oE '(src|href)="[^"]+"' | sed -E 's/^(src|href)="//; s/"$//' | sort -u)
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

measure "A parent's first visit (lookup, invoices, QR)" index.html
measure "Opening a receipt link (/r/<code>)" receipt/index.html
