"""test_crash.py -- `shishi serve` killed with SIGKILL under 64 concurrent writers, several
times over, on SQLite (a file) or on PostgreSQL (SHISHI_TEST_DB_URL, see tests/pg/run_test.sh).

Each trial starts the server, lets 64 client threads (spread over four loopback source
addresses, under the per-address connection cap) register appeals and dispatch each one they
registered, and records every acknowledged write: a 201 for a register with its code, a 200 for
a dispatch. At a random moment (seeded; the seed is printed) the server gets kill -9. It is
started again on the same database, and then

  * every acknowledged appeal is there, with its register event, and every acknowledged
    dispatch is there too (state dispatched, a dispatch event), each event once;
  * `shishi audit verify` passes (the chain and every appeal against its history);
  * on SQLite, PRAGMA integrity_check says ok on the file the killed server left.

On SQLite the first trial also takes `shishi backup` while the writers run, and the copy
passes audit verify and integrity_check. A power loss is not simulated: kill -9 leaves what
the process had handed to the kernel, which is what is tested (docs/operations.md says what
each engine guarantees beyond that). Bounded: a few seconds a trial.
"""

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import http.client
import json

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402

PASSWORD = "crash-pass-2021"
UNITS = [("区住建局", "department")]
USERS = [("disp", "dispatcher", None)]
WRITERS = 64
TRIALS = int(os.environ.get("SHISHI_CRASH_TRIALS", "4"))


class Writer(threading.Thread):
    """One client: register, then dispatch what it registered, until told to stop. Keeps
    one connection, from its own loopback source address; any failure (the server gone, a
    5xx) is not an acknowledgement and the writer goes on."""

    def __init__(self, n, port, token, stop, acked):
        super().__init__(daemon=True)
        self.n, self.port, self.token, self.stop, self.acked = n, port, token, stop, acked
        self.conn = None
        self.errors = 0

    def post(self, path, body):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=30,
                source_address=(f"127.0.0.{2 + self.n % 4}", 0))
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            self.conn.request("POST", path, body=data, headers={
                "Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
            resp = self.conn.getresponse()
            raw = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return resp.status, json.loads(raw) if raw else None
        except (OSError, http.client.HTTPException, ValueError):
            self.errors += 1
            if self.conn:
                self.conn.close()
            self.conn = None
            time.sleep(0.01)
            return 0, None

    def run(self):
        i = 0
        while not self.stop.is_set():
            i += 1
            st, doc = self.post("/api/v1/appeals", {
                "title": f"路灯不亮 {self.n}-{i}", "content": f"第{self.n}组第{i}盏路灯不亮",
                "channel": "12345热线", "kind": "投诉"})
            if st != 201:
                continue
            code = doc["code"]
            self.acked[code] = "registered"
            st, _ = self.post(f"/api/v1/appeals/{code}/dispatch", {"unit": "区住建局", "version": 1})
            if st == 200:
                self.acked[code] = "dispatched"
        if self.conn:
            self.conn.close()


def sqlite_integrity(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def check_appeals(acked, token, label):
    """Every acknowledged write is there, whole."""
    missing, wrong = [], []
    for code, what in sorted(acked.items()):
        res = apilib.call("GET", f"/api/v1/appeals/{code}", token=token)
        if res.status != 200:
            missing.append(f"{code} ({res.status})")
            continue
        actions = [ev["action"] for ev in res.json["history"]]
        want = ["register"] + (["dispatch"] if what == "dispatched" else [])
        got = actions[:len(want)]
        if got != want or actions.count("register") != 1 or actions.count("dispatch") > 1 or (
                what == "dispatched" and res.json["status"] != "dispatched"):
            wrong.append(f"{code}: {what}, history {actions}, status {res.json['status']}")
    apilib.check(not missing, f"{label}: all {len(acked)} acknowledged appeals are there",
                 ", ".join(missing[:10]))
    apilib.check(not wrong, f"{label}: each with the history its acknowledged writes made",
                 "; ".join(wrong[:5]))


def audit(binary, db, label):
    p = subprocess.run([binary, "--db", db, "audit", "verify"], capture_output=True, text=True,
                       timeout=120)
    apilib.check(p.returncode == 0 and p.stdout.startswith("audit ok"),
                 f"{label}: audit verify passes", (p.stdout + p.stderr).strip())


def trial(binary, db, tmp, k, rng, token, sqlite):
    label = f"trial {k + 1}"
    acked = {}
    stop = threading.Event()
    log = os.path.join(tmp, f"server{k}.log")
    srv = apilib.Server(binary, db, log, args=["--threads", "8"], check_exit=False)
    with srv:
        port = apilib.PORT
        writers = [Writer(n, port, token, stop, acked) for n in range(WRITERS)]
        for w in writers:
            w.start()
        # some writes first (not by the clock: a loaded machine is slow), then a random moment
        deadline = time.time() + 30
        while len(acked) < 20 and time.time() < deadline:
            time.sleep(0.02)
        if sqlite and k == 0:
            copy = os.path.join(tmp, "backup.db")
            p = subprocess.run([binary, "--db", db, "backup", "--to", copy], capture_output=True,
                               text=True, timeout=60)
            apilib.check(p.returncode == 0, f"{label}: backup while 64 writers write", p.stderr)
            if p.returncode == 0:
                audit(binary, copy, f"{label}: the backup")
                apilib.eq(sqlite_integrity(copy), "ok", f"{label}: the backup's integrity_check")
        time.sleep(rng.uniform(0.2, 1.5))
        srv.proc.kill()
        srv.proc.wait()
        stop.set()
        for w in writers:
            w.join(timeout=60)
        apilib.check(not any(w.is_alive() for w in writers), f"{label}: the writers stopped")
    done = sum(1 for v in acked.values() if v == "dispatched")
    print(f"{label}: killed after {len(acked)} acknowledged registers, {done} dispatches "
          f"({sum(w.errors for w in writers)} requests failed)", flush=True)
    apilib.check(len(acked) >= 20, f"{label}: writes were acknowledged before the kill",
                 str(len(acked)))
    if sqlite:
        apilib.eq(sqlite_integrity(db), "ok", f"{label}: integrity_check on the killed server's file")
    with apilib.Server(binary, db, os.path.join(tmp, f"restart{k}.log")):
        check_appeals(acked, token, label)
        res = apilib.call("POST", "/api/v1/appeals", {"title": "重启后", "content": "重启后受理",
                          "channel": "12345热线", "kind": "投诉"}, token=token)
        apilib.expect(res, 201, f"{label}: a register after the restart")
    audit(binary, db, label)
    return acked


def main():
    binary = apilib.binary_arg()
    if not binary:
        return 1
    seed = int(os.environ.get("SHISHI_CRASH_SEED", str(int(time.time()))))
    print(f"seed {seed} (SHISHI_CRASH_SEED to repeat)", flush=True)
    rng = random.Random(seed)
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="shishi-crash.") as tmp:
        url = os.environ.get("SHISHI_TEST_DB_URL")
        db = url or os.path.join(tmp, "ledger.db")
        try:
            apilib.setup_db(binary, db, UNITS, USERS, PASSWORD)
            with apilib.Server(binary, db, os.path.join(tmp, "login.log")):
                token = apilib.login("disp", PASSWORD)
            everything = {}
            for k in range(TRIALS):
                everything.update(trial(binary, db, tmp, k, rng, token, not url))
            # the last trial's restart reads every earlier trial's writes too
            with apilib.Server(binary, db, os.path.join(tmp, "final.log")):
                check_appeals(everything, token, "after all trials")
        except Exception as ex:  # noqa: BLE001 -- any failure is one failed check
            apilib.check(False, "the test ran to its end", repr(ex))
    print(f"{TRIALS} trials in {time.time() - t0:.1f} s", flush=True)
    return apilib.summary()


if __name__ == "__main__":
    sys.exit(main())
