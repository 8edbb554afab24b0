#!/usr/bin/env python3
"""test_sql_parity.py -- no statement of the store exists for one engine and not the other.

1. The store's operations (src/store/*.c but the drivers db_*.c) hold one SQL text per
   statement for both engines. A text only one engine runs is a dialect override: its name
   starts with `pg_` or `lite_` and it is listed in OVERRIDES below with the reason it is
   needed. An override has a twin of the other prefix (the same statement in the other
   dialect, touching the same tables the same ways), unless OVERRIDES says the other engine
   runs the shared text or nothing. An engine test (`db_engine(`) without a named override
   fails, and so does a `$n` placeholder in shared SQL.
2. The drivers (db_sqlite.c, db_pg.c) fill in the same entries of enum db_text, except those
   ONE_ENGINE_TEXTS names.
3. The migrations are one tree (src/store/migrations/): a part one engine runs
   (NNNN_name.sqlite.sql, NNNN_name.pg.sql) has its twin for the other engine and the twins
   put triggers on the same tables; the shared text holds no trigger (each engine spells
   them its own way).
usage: python3 tests/store/test_sql_parity.py [REPO_ROOT]"""
import glob
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
STORE = os.path.join(ROOT, "src", "store")

# name -> (twin, why). twin None: the other engine runs the shared text, or nothing.
OVERRIDES = {
    "pg_for_update": (None, "throttle_lock: the row lock that serialises two logins of one "
                      "key under READ COMMITTED; SQLite has no FOR UPDATE and BEGIN IMMEDIATE "
                      "already admits one writer"),
    "lite_upsert": (None, "counter_next: SQLite runs RETURNING through an ephemeral table, "
                    "25-43 us against 9-14 us for upsert + SELECT (bench/README.md)"),
    "pg_lock": (None, "rules_add: READ COMMITTED lets two writers read one max(version); "
                "SQLite's BEGIN IMMEDIATE admits one writer at a time"),
    "pg_head_lock": (None, "chain head: the row lock that keeps one chain under several "
                     "writers; SQLite reads the shared text inside BEGIN IMMEDIATE"),
    "pg_merge_lock": (None, "merge: both appeals' rows locked in id order before the target's "
                      "state is read; under READ COMMITTED A into B and B into A passed together "
                      "(12 of 12 rounds, tests/cli/test_merge_cycle.sh), and a rejection counted who "
                      "joined while a merge into it committed; SQLite runs nothing, its BEGIN "
                      "IMMEDIATE admits one writer"),
    "lite_insert": ("pg_insert", "appeal insert: PostgreSQL names the id by RETURNING, SQLite's "
                    "rowid is free and its RETURNING costs an ephemeral table"),
    "pg_insert": ("lite_insert", "see lite_insert"),
    "lite_appeal_sql": ("pg_appeal_sql", "appeal reads: the ordered list of assisting units "
                        "(group_concat over an ordered subquery / string_agg ... ORDER BY)"),
    "pg_appeal_sql": ("lite_appeal_sql", "see lite_appeal_sql"),
    "lite_q": ("pg_q", "appeal list text search: instr() / strpos()"),
    "pg_q": ("lite_q", "see lite_q"),
}
# enum db_text entries only one driver fills in, and why the other needs nothing
ONE_ENGINE_TEXTS = {
    "DB_AFTER_COPY": "PostgreSQL moves identity sequences past copied ids; SQLite's rowid "
                     "follows the largest id by itself",
}

fails = []


def literals(text):
    return " ".join(re.findall(r'"((?:[^"\\]|\\.)*)"', text))


def macros(text):
    """String macros of a C file: NAME -> its text with other macros expanded."""
    raw = {}
    for m in re.finditer(r"^#define\s+(\w+)\s+((?:.*\\\n)*.*)$", text, re.M):
        raw[m.group(1)] = m.group(2).replace("\\\n", " ")

    def expand(body, depth=0):
        out = []
        for tok in re.findall(r'"(?:[^"\\]|\\.)*"|\w+', body):
            if tok.startswith('"'):
                out.append(tok[1:-1])
            elif tok in raw and depth < 8:
                out.append(expand(raw[tok], depth + 1))
        return "".join(out)

    return {k: expand(v) for k, v in raw.items()}


def definitions(text):
    """Named overrides of a file: name -> the SQL of its definition, macros expanded."""
    mac = macros(text)
    out = {}
    rx = r"static const char (?:\*const )?((?:pg|lite)_\w+)\[\]\s*=\s*(.*?);"
    for m in re.finditer(rx, text, re.S):
        body = m.group(2)
        parts = []
        for tok in re.findall(r'"(?:[^"\\]|\\.)*"|\w+', body):
            parts.append(tok[1:-1] if tok.startswith('"') else mac.get(tok, ""))
        out[m.group(1)] = " ".join(parts)
    return out


TABLES = set()
for path in glob.glob(os.path.join(STORE, "migrations", "*.sql")):
    TABLES |= set(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", open(path).read()))
if len(TABLES) < 20:
    fails.append(f"read only {len(TABLES)} table names from the migrations")


def pairs(sql):
    out = set()
    for verb, rx in (("insert", r'INSERT INTO "?(\w+)'), ("update", r'UPDATE "?(\w+)'),
                     ("delete", r'DELETE FROM "?(\w+)'), ("read", r'FROM "?(\w+)'),
                     ("lock", r'LOCK TABLE (\w+)')):
        out |= {(verb, t) for t in re.findall(rx, sql) if t in TABLES}
    return out


# ---- 1. the operations ----
found = {}
for path in sorted(glob.glob(os.path.join(STORE, "*.c"))):
    name = os.path.basename(path)
    if name.startswith("db_"):
        continue
    text = open(path, encoding="utf-8").read()
    defs = definitions(text)
    for n, sql in defs.items():
        found[n] = (name, sql)
        if n not in OVERRIDES:
            fails.append(f"{name}: dialect override '{n}' is not in OVERRIDES")
    uses = len(re.findall(r"(?<!int )db_engine\(", text))
    if uses > len(defs):
        fails.append(f"{name}: {uses} engine tests for {len(defs)} named overrides: an "
                     "engine-only statement without a name")
    if re.search(r"\$\d", literals(text)):
        fails.append(f"{name}: a $n placeholder in shared SQL (use ?)")
for n, (twin, why) in OVERRIDES.items():
    if n not in found:
        fails.append(f"OVERRIDES lists '{n}', which no store operation defines")
        continue
    if twin is None:
        continue
    if twin not in found:
        fails.append(f"{found[n][0]}: override '{n}' has no twin '{twin}' for the other engine")
    elif pairs(found[n][1]) != pairs(found[twin][1]):
        fails.append(f"'{n}' and '{twin}' do not touch the same tables the same ways: "
                     f"{sorted(pairs(found[n][1]) ^ pairs(found[twin][1]))}")

# ---- 2. the drivers ----
texts = {}
for drv in ("db_sqlite.c", "db_pg.c"):
    body = open(os.path.join(STORE, drv), encoding="utf-8").read()
    texts[drv] = set(re.findall(r"\[(DB_[A-Z_]+)\]\s*=", body))
    if not texts[drv]:
        fails.append(f"{drv}: found no enum db_text entries")
for t in sorted(texts["db_sqlite.c"] ^ texts["db_pg.c"]):
    if t not in ONE_ENGINE_TEXTS:
        side = "db_sqlite.c" if t in texts["db_sqlite.c"] else "db_pg.c"
        fails.append(f"{side} fills in {t}, the other driver does not")

# ---- 3. the migrations ----
MIG = os.path.join(STORE, "migrations")
if os.path.isdir(os.path.join(STORE, "migrations_pg")):
    fails.append("a second migration tree (src/store/migrations_pg/) is back")
parts = {}
for path in sorted(glob.glob(os.path.join(MIG, "*.sql"))):
    base = os.path.basename(path)
    m = re.match(r"(\d{4}_\w+?)(?:\.(sqlite|pg))?\.sql$", base)
    if not m:
        fails.append(f"migrations/{base}: not NNNN_name.sql, .sqlite.sql or .pg.sql")
        continue
    text = open(path, encoding="utf-8").read()
    parts.setdefault(m.group(1), {})[m.group(2) or "shared"] = text
    if not m.group(2) and re.search(r"CREATE (TRIGGER|FUNCTION)|RAISE\(|plpgsql", text):
        fails.append(f"migrations/{base}: a trigger in the shared text (each engine spells "
                     "them its own way: put it in the .sqlite.sql and .pg.sql parts)")
for name, p in sorted(parts.items()):
    if "shared" not in p:
        fails.append(f"migrations/{name}: no shared {name}.sql")
    if ("sqlite" in p) != ("pg" in p):
        have = "sqlite" if "sqlite" in p else "pg"
        fails.append(f"migrations/{name}.{have}.sql has no twin for the other engine")
    elif "sqlite" in p:
        # new triggers only: SQLite rebuilding a table drops and makes its triggers again
        trig = {e: {t for n, t in re.findall(r"CREATE TRIGGER (\w+) BEFORE [\w ]+? ON (\w+)", p[e])
                    if n not in re.findall(r"DROP TRIGGER (\w+)", p[e])}
                for e in ("sqlite", "pg")}
        if trig["sqlite"] != trig["pg"]:
            fails.append(f"migrations/{name}: triggers on {sorted(trig['sqlite'])} for SQLite, "
                         f"on {sorted(trig['pg'])} for PostgreSQL")
if len(parts) < 14:
    fails.append(f"found only {len(parts)} migrations")

for f in fails:
    print("not ok -", f)
print(f"{len(found)} dialect override(s), {len(parts)} migrations: {'FAIL' if fails else 'ok'}")
sys.exit(1 if fails else 0)
