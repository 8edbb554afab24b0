#!/usr/bin/env python3
"""test_projects.py -- the project (实事项目) and batch endpoints over real HTTP.

    python3 tests/api/test_projects.py /path/to/shishi

Builds a small organisation with the CLI (department 住建局 with a handler, department 城管局
with a handler, one user of each other role), starts `shishi serve` on a free port and checks:
batches, adding a project (201 and the computed document), progress by the lead unit's handler
and refusals (another unit's handler, a leader, a date before the last entry, "abc"), finish,
milestones, a link to an appeal shown on both sides, list filters, and the error shape.
Prints one line per failed check and, last, "N passed, M failed"; exits 1 when anything failed.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

PASSWORD = "Zhengwu-2021!"
PASSED = FAILED = 0
PORT = 0
USERS = [("admin", "admin", None), ("paidan", "dispatcher", None), ("zhujian", "handler", "住建局"),
         ("chengguan", "handler", "城管局"), ("lingdao", "leader", None), ("shenji", "auditor", None),
         ("qunzhong", "citizen", None)]


def check(cond, desc, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print(f"FAIL - {desc}" + (f": {detail}" if detail else ""), flush=True)
    return bool(cond)


def fetch(method, path, body=None, token=None):
    h = {}
    if token:
        h["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        h["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        conn.close()
    try:
        j = json.loads(raw.decode("utf-8")) if raw else None
    except ValueError:
        j = None
    return resp.status, j


def expect(res, status, desc, code=None, has=()):
    st, j = res
    if not check(st == status, f"{desc} -> {status}", f"got {st} {j}"):
        return j
    if status >= 400:
        err = (j or {}).get("error", {})
        check(set(err) == {"code", "message", "field"}, f"{desc}: error shape", str(j))
        if code:
            check(err.get("code") == code, f"{desc}: code {code}", str(j))
        for needle in [has] if isinstance(has, str) else has:
            check(needle in err.get("message", ""), f"{desc}: message names '{needle}'", str(j))
    return j


def eq(got, want, desc):
    return check(got == want, desc, f"got {got!r}, want {want!r}")


def cli(binary, db, *args, stdin=None):
    p = subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"shishi {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(tok):
    P = "/api/v1/projects"
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    year = int(today[:4])

    # batches
    expect(fetch("POST", "/api/v1/batches", {"year": year, "number": 1, "assigned_on": f"{year}-01-01",
                                            "name": "第一批"}, tok["paidan"]), 201, "batch add")
    expect(fetch("POST", "/api/v1/batches", {"year": year, "number": 1, "assigned_on": f"{year}-01-01"},
                 tok["paidan"]), 409, "batch duplicate", "conflict", "already exists")
    expect(fetch("POST", "/api/v1/batches", {"year": year, "number": 2, "assigned_on": f"{year}-01-01"},
                 tok["lingdao"]), 403, "batch add by a leader", "forbidden")
    j = expect(fetch("GET", f"/api/v1/batches?year={year}", None, tok["shenji"]), 200, "batch list")
    eq([b["number"] for b in (j or {}).get("items", [])], [1], "batch list holds batch 1")

    # add
    body = {"title": "老旧小区道路", "year": year, "measure": "公里", "plan": "3.2", "budget": 320,
            "lead_unit": "住建局", "batch": 1, "due": f"{year}-12-31", "households": 105, "people": 317}
    j = expect(fetch("POST", P, body, tok["paidan"]), 201, "project add")
    code = (j or {}).get("code", "")
    eq(code, f"SS{year}-001", "default code")
    eq((j or {}).get("plan"), "3.2", "plan as a decimal string")
    eq((j or {}).get("budget"), "320", "budget given as an integer")
    expect(fetch("POST", P, dict(body, code=code), tok["paidan"]), 409, "duplicate code", "conflict",
           f"project code '{code}' already exists")
    expect(fetch("POST", P, dict(body, plan=3.25), tok["paidan"]), 400, "plan as a JSON real",
           "invalid", "decimal string")
    expect(fetch("POST", P, dict(body, plan="abc"), tok["paidan"]), 400, "plan abc", "invalid",
           "bad quantity 'abc'")
    expect(fetch("POST", P, dict(body, lead_unit="无此局"), tok["paidan"]), 404, "unknown unit",
           "not_found", "无此局")
    expect(fetch("POST", P, body, tok["zhujian"]), 403, "add by a handler", "forbidden")
    expect(fetch("POST", P, body, tok["qunzhong"]), 403, "add by a citizen", "forbidden")

    # progress: 1.5 then 2.4 of 3.2 -> 75.00%
    j = expect(fetch("POST", f"{P}/{code}/progress", {"on": today, "value": "1.5"}, tok["zhujian"]),
               200, "progress by the lead unit's handler")
    eq((j or {}).get("percent"), "46.88", "1.5 / 3.2 = 46.875% -> 46.88")
    expect(fetch("POST", f"{P}/{code}/progress", {"on": today, "value": "2"}, tok["chengguan"]), 403,
           "progress by another unit's handler", "forbidden", "may not record progress")
    expect(fetch("POST", f"{P}/{code}/progress", {"on": today, "value": "2"}, tok["lingdao"]), 403,
           "progress by a leader", "forbidden")
    expect(fetch("POST", f"{P}/{code}/progress", {"on": f"{year - 1}-12-31", "value": "2"},
                 tok["paidan"]), 400, "progress before the last entry", "invalid",
           "before the last entry")
    expect(fetch("POST", f"{P}/{code}/progress", {"on": today, "value": "1.234"}, tok["paidan"]), 400,
           "progress 1.234", "invalid", "two decimals")
    j = expect(fetch("POST", f"{P}/{code}/progress", {"on": today, "value": "2.4", "note": "路面"},
                     tok["paidan"]), 200, "progress 2.4")
    eq((j or {}).get("percent"), "75.00", "2.4 / 3.2 = 75.00%")
    eq([(p["value"], p["increment"]) for p in (j or {}).get("progress", [])],
       [("1.5", "1.5"), ("2.4", "0.9")], "progress history from the events")
    expect(fetch("POST", f"{P}/NOPE/progress", {"on": today, "value": "1"}, tok["paidan"]), 404,
           "progress on an unknown project", "not_found", "unknown project 'NOPE'")

    # milestones
    j = expect(fetch("POST", f"{P}/{code}/milestones", {"name": "路基", "due": f"{year}-12-30"},
                     tok["paidan"]), 200, "milestone add")
    eq(len((j or {}).get("milestones", [])), 1, "one milestone")
    j = expect(fetch("POST", f"{P}/{code}/milestones/1/done", {"on": today}, tok["paidan"]), 200,
               "milestone done")
    eq((j or {}).get("milestones", [{}])[0].get("done_on"), today, "milestone done today")

    # a link to an appeal, shown on both sides
    st, a = fetch("POST", "/api/v1/appeals", {"title": "路太烂", "content": "路太烂", "channel": "12345热线",
                                              "kind": "投诉"}, tok["paidan"])
    check(st == 201, "register an appeal", str(a))
    acode = (a or {}).get("code", "")
    j = expect(fetch("POST", f"{P}/{code}/links", {"appeal": acode, "kind": "resolved"}, tok["paidan"]),
               200, "link")
    eq([(l["appeal"], l["kind"]) for l in (j or {}).get("links", [])], [(acode, "resolved")],
       "the project shows the appeal")
    expect(fetch("POST", f"{P}/{code}/links", {"appeal": acode, "kind": "other"}, tok["paidan"]), 400,
           "link of a bad kind", "invalid", "'other'")
    j = expect(fetch("GET", f"/api/v1/appeals/{acode}", None, tok["paidan"]), 200, "the appeal")
    eq([(p["code"], p["kind"]) for p in (j or {}).get("projects", [])], [(code, "resolved")],
       "the appeal shows the project")

    # finish
    j = expect(fetch("POST", f"{P}/{code}/finish", {"on": today}, tok["paidan"]), 200, "finish")
    eq((j or {}).get("state"), "done", "state done")
    expect(fetch("POST", f"{P}/{code}/finish", {"on": today}, tok["paidan"]), 409, "finish twice",
           None, "already finished")

    # reads
    j = expect(fetch("GET", f"{P}?year={year}&unit=" + urllib.parse.quote("住建局"), None, tok["lingdao"]),
               200, "list by unit as a leader")
    eq((j or {}).get("total"), 1, "one project of 住建局")
    j = expect(fetch("GET", f"{P}?year={year}&unit=" + urllib.parse.quote("城管局"), None, tok["shenji"]),
               200, "list by another unit")
    eq((j or {}).get("total"), 0, "none of 城管局")
    j = expect(fetch("GET", f"{P}/{code}", None, tok["shenji"]), 200, "show as an auditor")
    eq(((j or {}).get("households"), (j or {}).get("people")), (105, 317), "households and people")
    expect(fetch("GET", f"{P}/NOPE", None, tok["shenji"]), 404, "show unknown", "not_found")
    expect(fetch("GET", f"{P}/{code}", None, tok["qunzhong"]), 403, "show as a citizen", "forbidden")
    expect(fetch("GET", f"{P}/{code}", None, None), 401, "show without a session")
    j = expect(fetch("GET", "/api/v1/audit/verify", None, tok["shenji"]), 200, "audit verify")
    check((j or {}).get("ok") is True, "audit ok", str(j))


def main():
    global PORT
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print(f"usage: python3 {sys.argv[0]} /path/to/shishi", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.TemporaryDirectory(prefix="shishi-api-projects.")
    db = os.environ.get("SHISHI_TEST_DB_URL") or os.path.join(tmp.name, "ledger.db")
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    server = None
    try:
        cli(binary, db, "init")
        cli(binary, db, "unit", "add", "--name", "区政府", "--kind", "district")
        for name in ("住建局", "城管局"):
            cli(binary, db, "unit", "add", "--name", name, "--kind", "department", "--parent", "区政府")
        for username, role, unit in USERS:
            args = ["user", "add", "--username", username, "--role", role, "--password-stdin"]
            if unit:
                args += ["--unit", unit]
            cli(binary, db, *args, stdin=PASSWORD + "\n")
        PORT = free_port()
        log = open(os.path.join(tmp.name, "server.log"), "wb")
        server = subprocess.Popen([binary, "--db", db, "serve", "--listen", f"127.0.0.1:{PORT}"],
                                  stdout=subprocess.DEVNULL, stderr=log, env=env)
        deadline = time.time() + 30
        while True:
            try:
                if fetch("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError("the server did not come up")
            time.sleep(0.1)
        tok = {}
        for username, _, _ in USERS:
            st, j = fetch("POST", "/api/v1/session", {"username": username, "password": PASSWORD})
            if not check(st == 200, f"login {username}", str(j)):
                raise RuntimeError("login")
            tok[username] = j["token"]
        try:
            run(tok)
        except Exception as ex:
            check(False, "the checks ran to the end", repr(ex))
        server.send_signal(signal.SIGTERM)
        eq(server.wait(timeout=10), 0, "the server exits 0 on SIGTERM")
        server = None
        log.close()
        with open(os.path.join(tmp.name, "server.log"), encoding="utf-8", errors="replace") as f:
            text = f.read()
        check("ERROR: AddressSanitizer" not in text and "runtime error" not in text,
              "no sanitizer report in the server's log", text[-2000:])
    finally:
        if server is not None:
            server.kill()
            server.wait()
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
