#!/usr/bin/env python3
"""test_group_commit.py -- concurrent writes are committed together, and a refused one undoes
only itself (issue 15, item 2).

    python3 tests/api/test_group_commit.py /path/to/shishi

The database's write lock is held from outside (SQLite: BEGIN IMMEDIATE in another
connection; PostgreSQL: LOCK TABLE appeals from psql) while 24 registrations arrive, 6 of
them invalid. The writer's first request waits for the lock; the others queue behind it and,
once the lock goes, are applied in one transaction, each in its own savepoint. Checks: every
valid one is 201 and stored with its history, every invalid one 400 and absent, the access
log shows them committed as a group (group=N, the refused ones too), and `audit verify`
passes. Then the same load with --no-group-commit, whose log has no group. On PostgreSQL
serve does not group (src/cli/serve_cmd.c says why): the same load is stored whole there with
no group in the log. Standard library only; prints one line per failed check and "N passed,
M failed".
"""

import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq  # noqa: E402

PASSWORD = "Group-commit-2021!"
UNITS = [("区政府", "district"), ("住建局", "department", "区政府")]
USERS = [("paidan", "dispatcher", None)]
VALID, INVALID = 18, 6


class WriteLock:
    """Holds the database's write lock from another connection for `seconds`."""

    def __init__(self, db, seconds):
        self.db, self.seconds = db, seconds

    def __enter__(self):
        if self.db.startswith("postgres"):
            self.proc = subprocess.Popen(["psql", self.db, "-qAt"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)
            self.proc.stdin.write("BEGIN; LOCK TABLE appeals IN EXCLUSIVE MODE; SELECT 'locked';\n")
            self.proc.stdin.flush()
            check(self.proc.stdout.readline().strip() == "locked", "psql holds the lock")
        else:
            self.conn = sqlite3.connect(self.db, isolation_level=None, timeout=10)
            self.conn.execute("BEGIN IMMEDIATE")
        return self

    def wait(self):
        if self.db.startswith("postgres"):
            time.sleep(self.seconds)
            self.proc.communicate("COMMIT;\n", timeout=60)
        else:
            time.sleep(self.seconds)
            self.conn.execute("ROLLBACK")
            self.conn.close()

    def __exit__(self, *exc):
        return False


def burst(token, tag):
    """VALID good and INVALID bad registrations at once; returns [(good, status, doc)]."""
    out = []

    def one(i, good):
        body = {"title": f"{tag}诉求{i}", "content": f"{tag}第{i}件，门前路灯不亮", "channel": "12345热线",
                "kind": "投诉" if good else "不是类别"}
        res = call("POST", "/api/v1/appeals", body, token)
        out.append((good, res.status, res.json))

    threads = [threading.Thread(target=one, args=(i, i % 4 != 3)) for i in range(VALID + INVALID)]
    for t in threads:
        t.start()
        time.sleep(0.01)
    return threads, out


def run_case(site, tag):
    token = site.tok["paidan"]
    with WriteLock(site.db, 1.5) as lock:
        threads, out = burst(token, tag)
        lock.wait()
    for t in threads:
        t.join()
    good = [x for x in out if x[0]]
    bad = [x for x in out if not x[0]]
    eq(len(good), VALID, f"{tag}: {VALID} valid registrations sent")
    eq(sorted(set(st for _, st, _ in good)), [201], f"{tag}: every valid one is 201")
    eq(sorted(set(st for _, st, _ in bad)), [400], f"{tag}: every invalid one is 400")
    listed = call("GET", f"/api/v1/appeals?q={urllib.parse.quote(tag)}&limit=100", None,
                  token).json
    codes = {a["code"] for a in listed["items"]} if listed else set()
    eq(codes, {d["code"] for _, st, d in good if st == 201}, f"{tag}: each valid one is stored")
    for _, st, d in good[:3]:
        if st == 201:
            doc = call("GET", f"/api/v1/appeals/{d['code']}", None, token).json
            eq([h["action"] for h in doc["history"]], ["register"], f"{tag}: its history")
    eq(listed and listed["total"], VALID, f"{tag}: no invalid one is stored")


def run(site):
    run_case(site, "甲组")
    out = subprocess.run([site.binary, "--db", site.db, "audit", "verify"], capture_output=True,
                         text=True, timeout=120)
    check(out.returncode == 0 and "audit ok" in out.stdout, "audit verify passes", out.stderr)
    # the same load on a second server without group commit: nothing is grouped
    log = os.path.join(os.path.dirname(site.db) if "/" in site.db else ".", "alone.log")
    if site.db.startswith("postgres"):
        log = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"shishi-alone-{os.getpid()}.log")
    with apilib.Server(site.binary, site.db, log, quiet=False, args=["--no-group-commit"],
                       on_log=on_log_alone):
        site.tok["paidan"] = apilib.login("paidan", PASSWORD, counted=False)
        run_case(site, "乙组")


def on_log(text):
    if os.environ.get("SHISHI_TEST_DB_URL", "").startswith("postgres"):
        # PostgreSQL syncs concurrent commits together itself; serve groups nothing there
        check(" group=" not in text, "on PostgreSQL no request is grouped", text[-500:])
        return
    groups = [int(g) for g in re.findall(r"path=/api/v1/appeals status=\d+ .* group=(\d+)", text)]
    check(groups and max(groups) >= 10, "the access log shows a group of 10 or more committed "
          "together", str(groups[:30]))
    refused = re.findall(r"path=/api/v1/appeals status=400 .* group=(\d+)", text)
    check(len(refused) >= 1, "a refused request was in a group and undid only itself",
          str(refused))


def on_log_alone(text):
    check(" group=" not in text, "with --no-group-commit no request is grouped", text[-500:])


if __name__ == "__main__":
    sys.exit(apilib.main(run, units=UNITS, users=USERS, password=PASSWORD, quiet=False,
                         on_log=on_log))
