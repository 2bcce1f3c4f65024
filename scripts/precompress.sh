#!/bin/sh
# Writes .br and .gz beside every text and wasm asset, so the server sends
# compressed bytes without compressing on each request.
set -eu
dir="${1:?usage: precompress.sh DIR}"
find "$dir" -type f ! -name "*.br" ! -name "*.gz" \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' \
  -o -name '*.svg' -o -name '*.json' -o -name '*.webmanifest' -o -name '*.txt' \) | while read -r f; do
  gzip -9 -k -f -n "$f"
  brotli -q 11 -k -f "$f"
done
