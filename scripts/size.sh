#!/usr/bin/env bash
# Prints the raw, gzip and brotli size of every file a parent's first visit
# downloads (index.html and what it references), and the total. A measurement,
# not a test: run it after scripts/build-web.sh and put the figures in your notes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
dist="${1:-$HOCPHI_ROOT/dist}"
cd "$dist"
files=(index.html)
# Scripts, stylesheets, preloads and icons that index.html names.
while read -r ref; do
  ref="${ref#/}"
  [ -f "$ref" ] && files+=("$ref")
done < <(grep -oE '(src|href)="[^"]+"' index.html | sed -E 's/^(src|href)="//; s/"$//' | sort -u)
printf '%-46s %10s %10s %10s\n' file raw gzip brotli
total_raw=0; total_gz=0; total_br=0
for f in $(printf '%s\n' "${files[@]}" | sort -u); do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c -n "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  printf '%-46s %10d %10d %10d\n' "$f" "$raw" "$gz" "$br"
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
done
printf '%-46s %10d %10d %10d\n' TOTAL "$total_raw" "$total_gz" "$total_br"
printf 'first visit, brotli: %d KB\n' $(( (total_br + 1023) / 1024 ))
