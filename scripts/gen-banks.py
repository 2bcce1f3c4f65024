#!/usr/bin/env python3
"""Regenerates app/data/banks.tsv from the merged BIN directory in shared/reference/banks.tsv.

One row per BIN: where a BIN appears twice after a bank's rename, the current name wins
(vietqr.io's short name, which follows renames, before the older sources).
Columns: bin, short name, full Vietnamese name, kind (bank or wallet).
"""
import csv, sys, pathlib

src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference/banks.tsv")
out = pathlib.Path(__file__).resolve().parent.parent / "app" / "data" / "banks.tsv"
rows = {}
with src.open(encoding="utf-8") as f:
    for r in csv.DictReader(f, delimiter="\t"):
        if not r["bin"].strip():
            continue  # a bank without a BIN cannot receive VietQR transfers
        short = r["vietqrio_shortName"] or r["xuannghia_shortName"] or r["subiz_short"]
        current = "deprecated" not in r["notes"] and r["vietQRStatus_xuannghia"] != "RECEIVE_ONLY"
        kind = "wallet" if r["bin"].startswith("971") else "bank"
        if r["bin"] not in rows or current:
            rows[r["bin"]] = (r["bin"], short.strip(), r["name_vi"].strip(), kind)
with out.open("w", encoding="utf-8") as f:
    for bin_ in sorted(rows):
        f.write("\t".join(rows[bin_]) + "\n")
print(f"{len(rows)} BINs written to {out}")
