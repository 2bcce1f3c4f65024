#!/usr/bin/env python3
"""Where a statement import's time goes, statement by statement.

Reads the JSON log `BENCH_SQL_LOG=1 bench_matching 2> sql.log` writes (sqlx's
own line for each statement, with its time) and, over the recording (from the
first batch's lookup of known payments to the statement mapping saved at the
end), prints for each kind of statement: the time sqlx reports for it
(preparing, binding, running it and handing its rows over), the time before it
that no statement took (the async task's own work, waits for signatures,
commits) and how often it ran. The notifications' own statements are counted
as their kinds. Logging every statement slows the run down (each line copies
the statement's SQL): compare shares, not totals with an unlogged run. A
measurement for notes, not a test.

    scripts/sql-gaps.py sql.log
"""
import collections
import datetime
import json
import re
import sys


def end_of(row):
    return datetime.datetime.strptime(row["timestamp"][:26], "%Y-%m-%dT%H:%M:%S.%f").timestamp()


def kind(row):
    # sqlx leaves `db.statement` empty for a statement of a few words.
    text = row["fields"].get("db.statement") or row["fields"].get("summary", "")
    return re.sub(r"\s+", " ", text).strip()[:70] or "<empty>"


rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
statement = lambda r: r["fields"].get("db.statement", "")
first = next(i for i, r in enumerate(rows) if "INSERT INTO payment (" in statement(r))
# The batch's reads before its first insert: back to the first payment lookup.
while first > 0 and "FROM payment WHERE source" not in statement(rows[first]):
    first -= 1
last = max(i for i, r in enumerate(rows) if "INSERT INTO statement_mapping" in statement(r))
window = rows[first : last + 1]

inside, before, count = collections.Counter(), collections.Counter(), collections.Counter()
previous_end = end_of(window[0]) - window[0]["fields"]["elapsed_secs"]
started = previous_end
for row in window:
    took = row["fields"]["elapsed_secs"]
    end = end_of(row)
    k = kind(row)
    inside[k] += took
    before[k] += max(0.0, end - took - previous_end)
    count[k] += 1
    previous_end = end
print(f"recording: {previous_end - started:.3f} s, {len(window)} statements: "
      f"{sum(inside.values()):.3f} s in statements, {sum(before.values()):.3f} s between them")
print(f"{'sqlx':>8} {'before':>8} {'count':>6}  statement")
for k in sorted(inside, key=lambda k: -(inside[k] + before[k])):
    print(f"{inside[k]:8.3f} {before[k]:8.3f} {count[k]:6d}  {k}")
