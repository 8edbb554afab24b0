#!/usr/bin/env python3
"""test_votes.py -- the deputies' vote (人大票决制) over HTTP, against a fresh database.

    python3 tests/api/test_votes.py /path/to/shishi

A dispatcher creates a session, adds 5 deputies and 3 candidates, opens it and records
ballots (one, then a batch); the count is worked out by hand (majority_of_all: yes * 2 > 5).
Checks the refusals with status and message: a double ballot (409), a batch that is all or
nothing, a ballot after close (409), citizens and handlers refused (403), leaders and
auditors may read but not write; and that `shishi audit verify` is ok at the end.
Standard library only; prints one line per failed check and "N passed, M failed".
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

PASSWORD = "Votes-2021!"
USERS = [("admin", "admin", None), ("paidan", "dispatcher", None), ("zj", "handler", "住建局"),
         ("lingdao", "leader", None), ("shenji", "auditor", None), ("qunzhong", "citizen", None)]
PASSED = 0
FAILED = 0
PORT = 0


def check(cond, desc, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print(f"FAIL - {desc}" + (f": {detail}" if detail else ""), flush=True)
    return cond


def call(method, path, token=None, body=None):
    h = {}
    data = None
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        h["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
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


def expect(res, status, desc, has=None):
    st, doc = res
    ok = check(st == status, f"{desc} -> {status}", f"got {st} {doc}")
    if ok and has:
        msg = (doc or {}).get("error", {}).get("message", "")
        ok = check(has in msg, f"{desc}: message names '{has}'", f"got '{msg}'")
    return doc if ok else None


def cli(binary, db, *args, stdin=None):
    p = subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True,
                       timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"shishi {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def login(username):
    st, doc = call("POST", "/api/v1/session", body={"username": username, "password": PASSWORD})
    if st != 200:
        raise RuntimeError(f"login {username}: {st} {doc}")
    return doc["token"]


def run(binary, db):
    tok = {u: login(u) for u, _, _ in USERS}
    disp, lead, aud, hand, cit = (tok["paidan"], tok["lingdao"], tok["shenji"], tok["zj"],
                                  tok["qunzhong"])
    V = "/api/v1/votes"

    expect(call("POST", V, cit, {"code": "X", "title": "x", "year": 2021}), 403,
           "citizen may not create", "citizens")
    expect(call("POST", V, hand, {"code": "X", "title": "x", "year": 2021}), 403,
           "handler may not create")
    expect(call("POST", V, lead, {"code": "X", "title": "x", "year": 2021}), 403,
           "leader may not create")
    doc = expect(call("POST", V, disp, {"code": "RD", "title": "票决", "year": 2021,
                                        "max_select": 2}), 201, "dispatcher creates")
    check(doc and doc["state"] == "draft" and doc["max_select"] == 2, "created as draft", doc)
    expect(call("POST", V, disp, {"code": "RD", "title": "票决", "year": 2021}), 409,
           "duplicate code", "vote session 'RD' already exists")
    expect(call("POST", V, disp, {"code": "Y", "title": "y", "year": 2021, "rule": "x"}), 400,
           "unknown rule", "unknown rule 'x'")
    expect(call("POST", f"{V}/RD/open", disp, {}), 409, "open without candidates",
           "has no candidate")
    expect(call("POST", f"{V}/RD/deputies", disp, {"names": ["甲", "乙", "丙", "丁", "戊"]}), 200,
           "deputies")
    expect(call("POST", f"{V}/RD/deputies", disp, {"names": ["甲"]}), 409, "deputy twice",
           "deputy '甲' is already on the roster")
    for title, budget in (("乡镇公路提质改造", "1200.5"), ("农贸市场改造", "300"), ("学校食堂", "80")):
        expect(call("POST", f"{V}/RD/candidates", disp,
                    {"title": title, "measure": "公里", "target": "10", "budget": budget}), 200,
               f"candidate {title}")
    expect(call("POST", f"{V}/RD/candidates", disp, {"title": "x", "budget": "abc"}), 400,
           "bad budget", "budget 'abc' is not a number")
    expect(call("POST", f"{V}/RD/ballots", disp, {"deputy": "甲", "candidate": 1,
                                                   "choice": "赞成"}), 409, "ballot in draft",
           "ballots are cast only while it is 投票中 (open)")
    expect(call("POST", f"{V}/RD/open", disp, {}), 200, "open")
    expect(call("POST", f"{V}/RD/deputies", disp, {"names": ["己"]}), 409,
           "deputy after open", "deputies are added only while it is 筹备 (draft)")

    doc = expect(call("POST", f"{V}/RD/ballots", disp,
                      {"deputy": "甲", "candidate": 1, "choice": "赞成"}), 200, "one ballot")
    check(doc and doc["ballots"] == 1, "one ballot counted", doc and doc["ballots"])
    expect(call("POST", f"{V}/RD/ballots", disp, {"deputy": "甲", "candidate": 1,
                                                   "choice": "反对"}), 409, "double ballot",
           "deputy '甲' has already voted on candidate 1 of vote session RD")
    expect(call("POST", f"{V}/RD/ballots", lead, {"deputy": "乙", "candidate": 1,
                                                   "choice": "赞成"}), 403,
           "leader may not record ballots")
    expect(call("POST", f"{V}/RD/ballots", disp, {"deputy": "路人", "candidate": 1,
                                                   "choice": "赞成"}), 404, "not on the roster",
           "deputy '路人' is not on the roster")
    # all or nothing: ballot 3 is refused, so 乙's and 丙's are not kept either
    expect(call("POST", f"{V}/RD/ballots", disp, {"ballots": [
        {"deputy": "乙", "candidate": 1, "choice": "赞成"},
        {"deputy": "丙", "candidate": 1, "choice": "赞成"},
        {"deputy": "丁", "candidate": 7, "choice": "赞成"}]}), 404, "batch with a bad ballot",
        "ballot 3: vote session RD has no candidate 7; no ballot recorded")
    doc = expect(call("GET", f"{V}/RD", aud), 200, "auditor reads")
    check(doc and doc["ballots"] == 1, "the refused batch left nothing", doc and doc["ballots"])
    # c1: 甲乙丙丁 yes, 戊 no -> 4; c2: 甲乙丙 yes, 丁戊 no -> 3; c3: 甲 yes, rest abstain -> 1
    batch = [{"deputy": d, "candidate": 1, "choice": "赞成"} for d in "乙丙丁"]
    batch += [{"deputy": "戊", "candidate": 1, "choice": "反对"}]
    batch += [{"deputy": d, "candidate": 2, "choice": "yes"} for d in "甲乙丙"]
    batch += [{"deputy": d, "candidate": 2, "choice": "no"} for d in "丁戊"]
    batch += [{"deputy": "甲", "candidate": 3, "choice": "赞成"}]
    batch += [{"deputy": d, "candidate": 3, "choice": "弃权"} for d in "乙丙丁戊"]
    doc = expect(call("POST", f"{V}/RD/ballots", disp, {"ballots": batch}), 200, "batch")
    check(doc and doc["ballots"] == 15, "15 ballots", doc and doc["ballots"])
    expect(call("POST", f"{V}/RD/close", lead, {}), 403, "leader may not close")
    doc = expect(call("POST", f"{V}/RD/close", disp, {}), 200, "close")
    if doc:
        c = doc["candidates"]
        check([x["yes"] for x in c] == [4, 3, 1], "yes counts", [x["yes"] for x in c])
        check([x["no"] for x in c] == [1, 2, 0], "no counts", [x["no"] for x in c])
        check([x["abstain"] for x in c] == [0, 0, 4], "abstentions", [x["abstain"] for x in c])
        check([x["passed"] for x in c] == [True, True, False], "passed", c)
        check([x["rank"] for x in c] == [1, 2, 0], "ranks", c)
        check([x["chosen"] for x in c] == [True, True, False], "chosen", c)
        check(c[0]["budget"] == "1200.5" and c[0]["project"] is None, "budget, no project yet",
              c[0])
        check(doc["state"] == "closed" and doc["turnout"] == 5, "closed, 5 voted", doc)
    expect(call("POST", f"{V}/RD/ballots", disp, {"deputy": "戊", "candidate": 3,
                                                   "choice": "赞成"}), 409, "ballot after close",
           "is 已结束 (closed)")
    expect(call("GET", f"{V}/RD", hand), 403, "handler may not read")
    expect(call("GET", f"{V}/RD", cit), 403, "citizen may not read")
    expect(call("GET", f"{V}/NOPE", lead), 404, "unknown session", "no vote session 'NOPE'")
    doc = expect(call("GET", f"{V}/RD?history=1", lead), 200, "leader reads the history")
    if doc:
        acts = [h["action"] for h in doc["history"]]
        check(acts.count("ballot") == 15 and acts[0] == "create" and acts[-1] == "close",
              "one event per ballot", acts)
    doc = expect(call("GET", V, aud), 200, "list")
    check(doc and [v["code"] for v in doc["votes"]] == ["RD"], "listed", doc)
    out = cli(binary, db, "audit", "verify")
    check("audit ok" in out and "and 1 vote sessions" in out, "audit verify", out)


def main():
    global PORT
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print(f"usage: python3 {sys.argv[0]} /path/to/shishi", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.TemporaryDirectory(prefix="shishi-votes.")
    db = os.environ.get("SHISHI_TEST_DB_URL") or os.path.join(tmp.name, "ledger.db")
    server = None
    log_path = os.path.join(tmp.name, "server.log")
    log = open(log_path, "wb")
    try:
        cli(binary, db, "init")
        cli(binary, db, "unit", "add", "--name", "区政府", "--kind", "district")
        cli(binary, db, "unit", "add", "--name", "住建局", "--kind", "department", "--parent",
            "区政府")
        for username, role, unit in USERS:
            args = ["user", "add", "--username", username, "--role", role, "--password-stdin"]
            if unit:
                args += ["--unit", unit]
            cli(binary, db, *args, stdin=PASSWORD + "\n")
        for attempt in range(3):
            PORT = free_port()
            server = subprocess.Popen([binary, "--db", db, "serve", "--listen",
                                       f"127.0.0.1:{PORT}", "--quiet"],
                                      stdout=subprocess.DEVNULL, stderr=log)
            up = False
            for _ in range(200):
                try:
                    up = call("GET", "/healthz")[0] == 200
                except OSError:
                    pass
                if up or server.poll() is not None:
                    break
                time.sleep(0.05)
            if up:
                break
            server.kill()
            server.wait()
            server = None
        if not server:
            raise RuntimeError("the server did not come up")
        run(binary, db)
    except Exception as ex:  # noqa: BLE001 -- any failure is one failed check
        check(False, "test ran to the end", repr(ex))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        log.close()
    with open(log_path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    check("Sanitizer" not in text and "runtime error" not in text, "server log clean",
          text[-2000:])
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
