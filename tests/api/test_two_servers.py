#!/usr/bin/env python3
"""test_two_servers.py -- two `shishi serve` processes on one database, four workers each.

A site that outgrows one machine runs several servers on one store. This test starts two
servers on the same database (a fresh SQLite file, or the empty database named by the
SHISHI_TEST_DB_URL environment variable, e.g. a PostgreSQL URL), lets four client threads
per server drive appeals through their lives with the version they last read (so the two
processes race for the same rows), and then checks what a site relies on:

  * each server sees the other's writes (an appeal registered on one is read on the other);
  * a stale version gets 409 on either server, never a silent overwrite;
  * every acknowledged action has exactly its event in the appeal's history;
  * `shishi audit verify` finds one valid hash chain, and no appeal is in an impossible state.

Usage: python3 tests/api/test_two_servers.py /path/to/shishi
Ends with "N passed, M failed"; exits 1 on any failure.
"""

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

PASSWORD = "two-servers-pass"
WORKERS_PER_SERVER = 4
ACTIONS = 600  # acknowledged actions to reach in total
POOL = 160  # appeals worked on (about five actions each before they close)
DEADLINE_S = 240  # bound on the driving phase, whatever happens

passed = 0
failed = 0


def check(cond, desc, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL - {desc}" + (f": {detail}" if detail else ""))
    return cond


def free_ports(n):
    """n distinct free ports: the sockets stay bound until all are chosen, so the kernel
    cannot hand the same port out twice."""
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def cli(binary, db, *args, stdin=None):
    p = subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def call(port, method, path, token=None, body=None):
    h = {}
    data = None
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        h["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        raw = r.read()
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        return r.status, doc
    finally:
        conn.close()


def login(port, username):
    status, doc = call(port, "POST", "/api/v1/session",
                       body={"username": username, "password": PASSWORD})
    if status != 200:
        raise RuntimeError(f"login {username} on {port}: {status} {doc}")
    return doc["token"]


def start_server(binary, db, port, log):
    """Starts a server; if another process took the port in the meantime, on a fresh one."""
    for attempt in range(3):
        try:
            return try_server(binary, db, port, log), port
        except RuntimeError:
            if attempt == 2:
                raise
            port = free_ports(1)[0]


def try_server(binary, db, port, log):
    p = subprocess.Popen([binary, "--db", db, "serve", "--listen", f"127.0.0.1:{port}",
                          "--threads", "2", "--public-per-minute", "100000"],
                         stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(200):
        try:
            if call(port, "GET", "/healthz")[0] == 200:
                return p
        except OSError:
            pass
        if p.poll() is not None:
            raise RuntimeError(f"server on {port} exited with {p.returncode}")
        time.sleep(0.05)
    raise RuntimeError(f"server on {port} did not come up")


# Each step: (action, who, body) given the appeal's current status.
def next_step(status, rnd):
    if status == "received":
        return "dispatch", "dispatcher", {"unit": "区住建局"}
    if status == "dispatched":
        return "accept", "handler", {}
    if status == "accepted":
        if rnd.random() < 0.2:
            return "urge", "dispatcher", {"note": "请加快办理"}
        return "reply", "handler", {"text": "已处理完毕", "evidence": ["现场照片.jpg"]}
    if status == "replied":
        sat = "不满意" if rnd.random() < 0.1 else "满意"
        return "visit", "dispatcher", {"solved": "yes", "satisfaction": sat}
    if status == "visited":
        return "close", "dispatcher", {}
    return None


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print("usage: test_two_servers.py /path/to/shishi")
        print("0 passed, 1 failed")
        return 1
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="shishi-two.")
    db = os.environ.get("SHISHI_TEST_DB_URL") or os.path.join(tmp, "site.db")
    logs = [open(os.path.join(tmp, f"server{i}.log"), "wb") for i in range(2)]
    servers = []
    try:
        for args in (["init"],
                     ["unit", "add", "--name", "永定区", "--kind", "district"],
                     ["unit", "add", "--name", "区住建局", "--parent", "永定区"]):
            rc, _, err = cli(binary, db, *args)
            if rc:
                raise RuntimeError(f"setup {args}: {err}")
        for username, role, unit in (("paidan", "dispatcher", None),
                                     ("zhujian", "handler", "区住建局")):
            args = ["user", "add", "--username", username, "--role", role, "--password-stdin"]
            if unit:
                args += ["--unit", unit]
            rc, _, err = cli(binary, db, *args, stdin=PASSWORD + "\n")
            if rc:
                raise RuntimeError(f"setup user {username}: {err}")

        ports = free_ports(2)
        servers = []
        for i in range(2):
            server, ports[i] = start_server(binary, db, ports[i], logs[i])
            servers.append(server)
        tokens = [{"dispatcher": login(p, "paidan"), "handler": login(p, "zhujian")}
                  for p in ports]

        # Each server sees what the other wrote.
        status, doc = call(ports[0], "POST", "/api/v1/appeals", tokens[0]["dispatcher"],
                           {"title": "两台服务器", "content": "甲登记，乙读取", "channel": "微信群",
                            "kind": "求助"})
        check(status == 201, "register on server 1", status)
        seen = call(ports[1], "GET", f"/api/v1/appeals/{doc['code']}", tokens[1]["dispatcher"])
        check(seen[0] == 200 and seen[1]["title"] == "两台服务器",
              "server 2 reads what server 1 wrote", seen)
        # A stale version is refused on the other server too.
        ok = call(ports[1], "POST", f"/api/v1/appeals/{doc['code']}/dispatch",
                  tokens[1]["dispatcher"], {"version": 1, "unit": "区住建局"})
        check(ok[0] == 200, "dispatch on server 2", ok)
        stale = call(ports[0], "POST", f"/api/v1/appeals/{doc['code']}/urge",
                     tokens[0]["dispatcher"], {"version": 1})
        check(stale[0] == 409 and stale[1]["error"]["code"] == "conflict",
              "stale version on server 1 after a write on server 2 -> 409", stale)

        # A pool of appeals both servers work on.
        codes = []
        for i in range(POOL):
            port = ports[i % 2]
            status, d = call(port, "POST", "/api/v1/appeals", tokens[i % 2]["dispatcher"],
                             {"title": f"并发诉求{i}", "content": "两台服务器同时办理",
                              "channel": "12345热线", "kind": "投诉"})
            if check(status == 201, f"register pool appeal {i}", status):
                codes.append(d["code"])

        acked = []  # (code, action, version it produced, actor)
        closed = set()
        errors = []
        lock = threading.Lock()
        stop_at = time.monotonic() + DEADLINE_S

        def worker(server, seed):
            rnd = random.Random(seed)
            port, tok = ports[server], tokens[server]
            while time.monotonic() < stop_at:
                with lock:
                    if len(acked) >= ACTIONS:
                        return
                with lock:
                    open_codes = [c for c in codes if c not in closed]
                if not open_codes:
                    return
                code = rnd.choice(open_codes)
                st, d = call(port, "GET", f"/api/v1/appeals/{code}", tok["dispatcher"])
                if st != 200:
                    with lock:
                        errors.append(("get", code, st))
                    continue
                step = next_step(d["status"], rnd)
                if not step:
                    with lock:
                        closed.add(code)
                    continue
                action, who, body = step
                body = dict(body, version=d["version"])
                st, r = call(port, "POST", f"/api/v1/appeals/{code}/{action}", tok[who], body)
                if st == 200:
                    with lock:
                        acked.append((code, action, d["version"] + 1,
                                      "paidan" if who == "dispatcher" else "zhujian"))
                elif st != 409:
                    with lock:
                        errors.append((action, code, st, r))

        threads = [threading.Thread(target=worker, args=(s, s * 100 + k))
                   for s in range(2) for k in range(WORKERS_PER_SERVER)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - t0
        print(f"# {len(acked)} actions acknowledged by two servers in {took:.1f}s")
        check(len(acked) >= ACTIONS, f"{ACTIONS} actions acknowledged", len(acked))
        check(not errors, "every answer was 2xx or 409", errors[:3])

        # Every acknowledged action is in the history, at the version it produced.
        missing = []
        for code, action, version, actor in acked:
            st, d = call(ports[0], "GET", f"/api/v1/appeals/{code}", tokens[0]["dispatcher"])
            ev = {e["seq"]: e for e in d["history"]}.get(version)
            if not ev or ev["action"] != action or ev["actor"] != actor:
                missing.append((code, action, version))
        check(not missing, "every acknowledged action has its event", missing[:3])

        # No appeal in an impossible state: the row agrees with its last event.
        bad = []
        for code in codes:
            st, d = call(ports[1], "GET", f"/api/v1/appeals/{code}", tokens[1]["dispatcher"])
            h = d["history"]
            if not h or h[-1]["to"] != d["status"] or d["version"] != len(h) or \
                    [e["seq"] for e in h] != list(range(1, len(h) + 1)) or \
                    any(a["to"] != b["from"] for a, b in zip(h, h[1:])):
                bad.append(code)
        check(not bad, "every appeal agrees with its history", bad[:3])
    except Exception as exc:  # a setup failure is a failed check, not a crash
        check(False, "test ran", repr(exc))
    finally:
        for p in servers:
            p.send_signal(signal.SIGTERM)
        for p in servers:
            try:
                check(p.wait(timeout=20) == 0, "server stopped cleanly on SIGTERM", p.returncode)
            except subprocess.TimeoutExpired:
                p.kill()
                check(False, "server stopped on SIGTERM")
        for f in logs:
            f.close()

    # One valid chain after two processes appended to it.
    rc, out, err = cli(binary, db, "audit", "verify")
    check(rc == 0 and "audit ok" in out, "audit verify after two servers", out + err)
    subprocess.run(["rm", "-rf", tmp])
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
