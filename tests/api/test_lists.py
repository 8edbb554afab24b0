#!/usr/bin/env python3
"""test_lists.py -- the lists' JSON API (src/http/api_lists.c): list items with a second
person's verification, leaders, enterprises, visits and compliance. Sets up a small site
with the CLI, starts `shishi serve` on a free port and checks statuses, documents and error
messages: the submitter cannot verify their own close-out (403 naming both), a citizen is
refused, a visit problem becomes an appeal of channel 企业走访 dispatched at once.

usage: python3 tests/api/test_lists.py /path/to/shishi
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

PASSWORD = "Zhengwu-2021!"
USERS = [("paidan", "dispatcher", None), ("zhujian", "handler", "住建局"),
         ("chengguan", "handler", "城管局"), ("lingdao", "leader", None),
         ("shenji", "auditor", None), ("qunzhong", "citizen", None)]
PASSED = FAILED = 0
PORT = 0


def check(cond, desc, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print(f"FAIL - {desc}" + (f": {detail}" if detail else ""), flush=True)
    return bool(cond)


class Resp:
    def __init__(self, status, raw):
        self.status, self.raw = status, raw
        try:
            self.json = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            self.json = None

    def __str__(self):
        return f"{self.status} {self.raw[:300].decode('utf-8', 'replace')}"


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
        r = conn.getresponse()
        return Resp(r.status, r.read())
    finally:
        conn.close()


def expect(r, status, desc, has=None):
    ok = check(r.status == status, f"{desc} -> {status}", str(r))
    if ok and status >= 400 and has:
        msg = (r.json or {}).get("error", {}).get("message", "")
        ok = check(has in msg, f"{desc}: message names '{has}'", str(r))
    return ok


def eq(got, want, desc):
    return check(got == want, desc, f"got {got!r}, want {want!r}")


def cli(binary, db, *args, stdin=None):
    p = subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"setup {' '.join(args)}: {p.stderr}")
    return p.stdout.strip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(user):
    r = fetch("POST", "/api/v1/session", {"username": user, "password": PASSWORD})
    if not check(r.status == 200, f"login {user}", str(r)):
        raise RuntimeError(f"cannot log in as {user}")
    return r.json["token"]


def run_checks():
    disp, zj, cg, boss, aud, citizen = (login(u[0]) for u in USERS)

    # a problem item, its six 有, close-out and verification
    r = fetch("POST", "/api/v1/tasks", {"list": "problem", "title": "厂区道路破损",
                                        "unit": "住建局", "due": "2021-12-31", "team": "专班",
                                        "plan": "方案", "goal": "目标"}, disp)
    if expect(r, 201, "POST /tasks"):
        year = time.gmtime(time.time() + 8 * 3600).tm_year
        eq(r.json["code"], f"WT{year}-0001", "the first problem item of the year")
    code = r.json["code"] if r.json else "?"
    eq(r.json and r.json["missing"], ["措施", "结果", "反馈"], "missing six")
    expect(fetch("POST", "/api/v1/tasks", {"title": "x", "unit": "无此局"}, disp), 404,
           "unknown owner unit", "无此局")
    expect(fetch("POST", "/api/v1/tasks", {"title": "x", "unit": "住建局"}, zj), 403,
           "a handler may not add items", "may not add list items")
    expect(fetch("POST", f"/api/v1/tasks/{code}/close", {"evidence": "照片.jpg"}, zj), 400,
           "close lacking 措施 and 结果", "the six 有 lack 措施、结果")
    expect(fetch("POST", f"/api/v1/tasks/{code}/close", {"result": "已修复"}, zj), 400,
           "close without evidence", "without evidence")
    expect(fetch("POST", f"/api/v1/tasks/{code}/close",
                 {"evidence": "照片.jpg", "measures": "夜间施工", "result": "已修复"}, cg), 403,
           "another unit's handler", "their unit does not own it")
    r = fetch("POST", f"/api/v1/tasks/{code}/update", {"measures": "夜间施工", "version": 1}, zj)
    expect(r, 200, "the owner unit updates 措施")
    expect(fetch("POST", f"/api/v1/tasks/{code}/update", {"measures": "y", "version": 1}, zj),
           409, "a stale version", "version 2, not 1")
    expect(fetch("POST", f"/api/v1/tasks/{code}/verify", {}, disp), 409,
           "verify an open item", "it is open (办理中)")
    # the dispatcher submits on the unit's behalf: then another person must verify
    r = fetch("POST", f"/api/v1/tasks/{code}/close", {"evidence": "照片.jpg", "result": "已修复"},
              disp)
    if expect(r, 200, "the dispatcher submits the close-out"):
        eq(r.json["state"], "pending", "pending after close")
    expect(fetch("POST", f"/api/v1/tasks/{code}/verify", {"accept": True}, disp), 403,
           "the submitter verifies their own close-out",
           f"'paidan' may not verify item {code}: the close-out was submitted by 'paidan'")
    expect(fetch("POST", f"/api/v1/tasks/{code}/verify", {"accept": False}, boss), 400,
           "a refusal without a reason", "needs a reason")
    r = fetch("POST", f"/api/v1/tasks/{code}/verify", {"accept": True, "feedback": "满意"}, boss)
    if expect(r, 200, "the leader verifies"):
        eq((r.json["state"], r.json["closed_by"], r.json["verified_by"]),
           ("closed", "paidan", "lingdao"), "closed by one, verified by another")
        eq([h["action"] for h in r.json["history"]], ["create", "update", "close", "verify"],
           "history")
    expect(fetch("POST", f"/api/v1/tasks/{code}/reopen", {}, disp), 400,
           "reopen without a reason", "needs a reason")
    r = fetch("POST", f"/api/v1/tasks/{code}/reopen", {"reason": "反弹"}, disp)
    expect(r, 200, "reopen with a reason")
    expect(fetch("POST", f"/api/v1/tasks/{code}/finish", {}, disp), 404, "unknown item action",
           "no item action 'finish'")
    r = fetch("GET", f"/api/v1/tasks/{code}", token=aud)
    if expect(r, 200, "the auditor reads an item"):
        eq(r.json["state"], "open", "reopened item is open")
    r = fetch("GET", "/api/v1/tasks?" + urllib.parse.urlencode({"unit": "住建局"}), token=boss)
    if expect(r, 200, "GET /tasks?unit="):
        eq([x["code"] for x in r.json], [code], "the unit's items")
    expect(fetch("GET", "/api/v1/tasks", token=citizen), 403, "a citizen is refused",
           "citizens use the public endpoints only")
    expect(fetch("POST", "/api/v1/leaders", {"name": "王某"}, citizen), 403,
           "a citizen may not add leaders")

    # leaders, enterprises, links, visits
    expect(fetch("POST", "/api/v1/leaders", {"name": "李区长", "title": "副区长"}, disp), 201,
           "POST /leaders")
    expect(fetch("POST", "/api/v1/leaders", {"name": "李区长"}, disp), 409, "a leader twice",
           "already exists")
    expect(fetch("POST", "/api/v1/enterprises", {"name": "甲公司", "kind": "enterprise",
                                                 "support_units": ["住建局"]}, disp), 201,
           "POST /enterprises with a support unit")
    expect(fetch("POST", "/api/v1/enterprises", {"name": "乙商会", "kind": "商会"}, disp), 201,
           "POST /enterprises (chamber)")
    expect(fetch("POST", "/api/v1/enterprises", {"name": "丙公司",
                                                 "support_units": ["无此局"]}, disp), 404,
           "a bad support unit leaves no enterprise", "无此局")
    r = fetch("GET", "/api/v1/enterprises", token=aud)
    if expect(r, 200, "GET /enterprises"):
        eq([(x["name"], x["kind"], x["support_units"]) for x in r.json],
           [("甲公司", "enterprise", ["住建局"]), ("乙商会", "chamber", [])], "enterprises")
    for ent in ("甲公司", "乙商会"):
        expect(fetch("POST", "/api/v1/leaders", {"name": "李区长", "enterprise": ent,
                                                 "since": "2021-03-01"}, disp), 200,
               f"link 李区长 to {ent}")
    expect(fetch("POST", "/api/v1/leaders", {"name": "李区长", "enterprise": "乙商会",
                                             "until": "2021-03-16"}, disp), 200,
           "unlink 乙商会 mid-March")
    r = fetch("POST", "/api/v1/visits", {
        "leader": "李区长", "enterprise": "甲公司", "date": "2021-03-10", "findings": "用工紧张",
        "problems": [{"text": "招工难", "as": "task", "unit": "城管局"},
                     {"text": "路灯不亮", "as": "appeal", "unit": "住建局"}]}, disp)
    if expect(r, 201, "POST /visits with two problems"):
        probs = r.json["problems"]
        eq([p["as"] for p in probs], ["task", "appeal"], "problem kinds")
        a = fetch("GET", f"/api/v1/appeals/{probs[1]['code']}", token=disp)
        if expect(a, 200, "the visit's appeal"):
            eq((a.json["channel"], a.json["status"], a.json["lead_unit"]),
               ("企业走访", "dispatched", "住建局"), "channel 企业走访, dispatched at once")
    expect(fetch("POST", "/api/v1/visits", {"leader": "李区长", "enterprise": "甲公司",
                                            "date": "2021-02-30"}, disp), 400, "bad visit date",
           "'2021-02-30' is not a date")
    expect(fetch("POST", "/api/v1/visits", {"leader": "李区长", "enterprise": "甲公司",
                                            "date": "2021-03-11"}, zj), 403,
           "a handler may not record visits", "may not record visits")
    # March: 甲公司 (visited 03-10) and 乙商会 (linked 03-01..03-16, not visited): 1 of 2
    r = fetch("GET", "/api/v1/leaders/compliance?month=2021-03", token=boss)
    if expect(r, 200, "GET /leaders/compliance"):
        l0 = r.json["leaders"][0]
        eq((l0["required"], l0["done"], l0["missed"], l0["percent_text"]),
           (2, 1, ["乙商会"], "50.00"), "compliance in March")
    r = fetch("GET", "/api/v1/leaders/compliance?month=2021-04", token=aud)
    if expect(r, 200, "compliance in April"):
        l0 = r.json["leaders"][0]
        eq((l0["required"], l0["done"], l0["percent_text"]), (1, 0, "0.00"), "April: 甲 missed")
    expect(fetch("GET", "/api/v1/leaders/compliance?month=2021-13", token=boss), 400,
           "a bad month", "2021-13")
    r = fetch("GET", "/api/v1/leaders", token=boss)
    if expect(r, 200, "GET /leaders"):
        eq([(x["name"], x["links"]) for x in r.json], [("李区长", 1)], "leaders")
    r = fetch("GET", "/api/v1/visits?month=2021-03", token=boss)
    if expect(r, 200, "GET /visits"):
        eq(len(r.json), 1, "one visit in March")
    r = fetch("GET", "/api/v1/audit/verify", token=aud)
    if expect(r, 200, "audit verify"):
        check(r.json.get("ok") is True, "the chain holds", str(r))


def main():
    global PORT
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print(f"usage: python3 {sys.argv[0]} /path/to/shishi", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.TemporaryDirectory(prefix="shishi-api-lists.")
    db = os.environ.get("SHISHI_TEST_DB_URL") or os.path.join(tmp.name, "ledger.db")
    server = None
    try:
        cli(binary, db, "init")
        cli(binary, db, "unit", "add", "--name", "区政府", "--kind", "district", "--code", "qzf")
        for u in ("住建局", "城管局"):
            cli(binary, db, "unit", "add", "--name", u, "--kind", "department", "--parent", "区政府")
        for name, role, unit in USERS:
            args = ["user", "add", "--username", name, "--role", role, "--password-stdin"]
            if unit:
                args += ["--unit", unit]
            cli(binary, db, *args, stdin=PASSWORD + "\n")
        PORT = free_port()
        server = subprocess.Popen([binary, "--db", db, "serve", "--listen", f"127.0.0.1:{PORT}",
                                   "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while True:
            try:
                if fetch("GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.time() > deadline:
                raise RuntimeError("the server did not come up")
            time.sleep(0.1)
        run_checks()
    except Exception as ex:
        check(False, "the run reached its end", repr(ex))
    finally:
        if server:
            server.terminate()
            check(server.wait(timeout=30) == 0, "the server stops cleanly")
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
