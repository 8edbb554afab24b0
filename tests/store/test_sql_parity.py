#!/usr/bin/env python3
"""test_sql_parity.py -- no statement of the store exists for one engine and not the other.

1. The shared operations (src/store/ops_*.c) hold one SQL text per statement for both
   engines. A text only one engine runs is a dialect override: its name starts with `pg_`
   or `lite_`, and it must be listed in OVERRIDES below with the reason it is needed. Any
   other engine test (`db_engine(`) in those files fails this test.
2. The operations still written per backend (src/store/sqlite.c, src/store/pg.c) must touch
   the same tables the same ways: every (verb, table) pair one of them runs, the other runs
   too.
usage: python3 tests/store/test_sql_parity.py [REPO_ROOT]"""
import glob
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
STORE = os.path.join(ROOT, "src", "store")

# name -> why only one engine runs it
OVERRIDES = {
    "pg_for_update": "throttle_lock: the row lock that serialises two logins of one key under "
                     "READ COMMITTED; SQLite has no FOR UPDATE and BEGIN IMMEDIATE already "
                     "admits one writer",
    "lite_upsert": "counter_next: SQLite runs RETURNING through an ephemeral table, 25-43 us "
                   "against 9-14 us for upsert + SELECT (bench/README.md)",
    "pg_lock": "rules_add: READ COMMITTED lets two writers read one max(version); SQLite's "
               "BEGIN IMMEDIATE admits one writer at a time",
}

fails = []


def literals(text):
    return " ".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text))


# ---- 1. the shared operations ----
for path in sorted(glob.glob(os.path.join(STORE, "ops_*.c"))):
    text = open(path, encoding="utf-8").read()
    names = re.findall(r"static const char ((?:pg|lite)_\w+)\[\]", text)
    for n in names:
        if n not in OVERRIDES:
            fails.append(f"{os.path.basename(path)}: dialect override '{n}' is not in OVERRIDES")
    uses = len(re.findall(r"db_engine\(", text))
    if uses > len(names):
        fails.append(f"{os.path.basename(path)}: {uses} engine tests for {len(names)} named "
                     "overrides: an engine-only statement without a name")
    if "$1" in literals(text):
        fails.append(f"{os.path.basename(path)}: a $n placeholder in shared SQL (use ?)")
for n in OVERRIDES:
    if not any(re.search(r"\b" + n + r"\[\]", open(p, encoding="utf-8").read())
               for p in glob.glob(os.path.join(STORE, "ops_*.c"))):
        fails.append(f"OVERRIDES lists '{n}', which no shared operation defines")

# ---- 2. the operations still per backend ----
tables = set(re.findall(r'\{"(\w+)", \d, \d\}', open(os.path.join(STORE, "store.c"),
                                                     encoding="utf-8").read()))
tables.add("schema_migrations")
if len(tables) < 20:
    fails.append(f"read only {len(tables)} table names from store.c's table list")


def pairs(path):
    lits = literals(open(path, encoding="utf-8").read())
    out = set()
    for verb, rx in (("insert", r'INSERT INTO "?(\w+)'), ("update", r'UPDATE "?(\w+)'),
                     ("delete", r'DELETE FROM "?(\w+)'), ("read", r'FROM "?(\w+)')):
        out |= {(verb, t) for t in re.findall(rx, lits) if t in tables}
    return out


lite = pairs(os.path.join(STORE, "sqlite.c"))
pg = pairs(os.path.join(STORE, "pg.c"))
for verb, t in sorted(lite - pg):
    fails.append(f"sqlite.c has a {verb} of '{t}' that pg.c lacks")
for verb, t in sorted(pg - lite):
    fails.append(f"pg.c has a {verb} of '{t}' that sqlite.c lacks")
if not lite:
    fails.append("found no statements in sqlite.c")

for f in fails:
    print("not ok -", f)
print(f"{len(lite)} per-backend (verb, table) pairs, {len(OVERRIDES)} dialect override(s): "
      f"{'FAIL' if fails else 'ok'}")
sys.exit(1 if fails else 0)
