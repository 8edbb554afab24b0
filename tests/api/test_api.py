#!/usr/bin/env python3
"""test_api.py -- the HTTP JSON API over real HTTP, against a fresh database.

    python3 tests/api/test_api.py /path/to/shishi

Builds an organisation with the CLI (a district, departments A 住建局 and B 城管局, a town,
one user of every role), starts `shishi serve` on a free port and checks every endpoint:
sessions and throttling, the whole life of an appeal, the report with its figures explained
down to appeal codes under versioned rule sets (on a fixture worked out by hand), the bulletin
download in every format, the role x endpoint matrix, masking, bad input, and 8 concurrent
clients driving 2,000 actions. Then it stops the server with
SIGTERM and reads its access log.

Standard library only. Prints one line per failed check and, last, "N passed, M failed";
exits 1 when anything failed.

Some checks need a client address of their own (login throttling and the public rate limit
count per address): Linux routes all of 127.0.0.0/8 to lo, so those clients bind 127.0.0.x.
Two checks stand in for waiting: the lock-out after 10 failed logins (2 minutes of doubling
waits) and session expiry (8 hours) back-date their rows in the database: with the sqlite3
module in a fresh SQLite file, or with `psql` in the empty database named by the
SHISHI_TEST_DB_URL environment variable (e.g. a PostgreSQL URL, see tests/pg/run_test.sh).
Timings per section go to stderr as "# ..." lines.
"""

import hashlib
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

PASSWORD = "Zhengwu-2021!"
A, B, DISTRICT, TOWN = "住建局", "城管局", "区政府", "东街镇"
PHONE = "13812345678"
PHONE_MASKED = "138****5678"
ID_NUMBER = "110101199003071234"

# (username, role, unit)
USERS = [
    ("admin", "admin", None),
    ("paidan", "dispatcher", None),
    ("zhujian", "handler", A),
    ("chengguan", "handler", B),
    ("lingdao", "leader", None),
    ("lingdao_zj", "leader", A),
    ("shenji", "auditor", None),
    ("qunzhong", "citizen", None),
    ("slow", "dispatcher", None),  # login throttling
    ("locked", "dispatcher", None),  # login lock-out
]

# Event actions and the state changes the workflow allows (core/appeal.c).
OPEN = ("received", "dispatched", "accepted", "returned")
ALLOWED = {("register", "", "received")}
ALLOWED |= {("dispatch", s, "dispatched") for s in ("received", "returned")}
ALLOWED |= {("accept", "dispatched", "accepted"), ("return", "dispatched", "returned"),
            ("uphold", "returned", "dispatched"), ("reply", "accepted", "replied"),
            ("visit", "replied", "visited"), ("visit", "merged", "merged"),
            ("redo", "visited", "accepted"), ("close", "visited", "closed"),
            ("reject", "received", "rejected")}
ALLOWED |= {(a, "accepted", "accepted") for a in ("extend", "extend_approve", "extend_deny",
                                                 "contact")}
ALLOWED |= {(a, s, s) for a in ("urge", "supervise") for s in OPEN}
ALLOWED |= {("merge", s, "merged") for s in ("received", "dispatched")}

# ---- checks ------------------------------------------------------------------------------

PASSED = 0
FAILED = 0
COUNT_LOCK = threading.Lock()


def check(cond, desc, detail=""):
    global PASSED, FAILED
    with COUNT_LOCK:
        if cond:
            PASSED += 1
        else:
            FAILED += 1
            print(f"FAIL - {desc}" + (f": {detail}" if detail else ""), flush=True)
    return bool(cond)


def short(r):
    body = r.raw[:300].decode("utf-8", "replace") if r else ""
    return f"got {r.status if r else None} {body}"


def expect(r, status, desc, code=None, field=None, has=None):
    """Checks the status; for an error, the shape {"error":{"code","message","field"}}."""
    if not check(r is not None and r.status == status, f"{desc} -> {status}", short(r)):
        return False
    if status < 400:
        return True
    j = r.json
    shaped = (isinstance(j, dict) and list(j) == ["error"] and isinstance(j["error"], dict)
              and set(j["error"]) == {"code", "message", "field"}
              and isinstance(j["error"]["message"], str) and j["error"]["message"])
    if not check(shaped, f"{desc}: error shape", short(r)):
        return False
    err = j["error"]
    ok = True
    if code is not None:
        ok &= check(err["code"] == code, f"{desc}: error code {code}", short(r))
    if field is not None:
        ok &= check(err["field"] == field, f"{desc}: error field {field}", short(r))
    for needle in [has] if isinstance(has, str) else (has or []):
        ok &= check(needle in err["message"], f"{desc}: message names '{needle}'", short(r))
    return ok


def eq(got, want, desc):
    return check(got == want, desc, f"got {got!r}, want {want!r}")


# ---- HTTP --------------------------------------------------------------------------------

PORT = 0
REQUESTS = 0  # completed exchanges: the access log must have one line for each


class Resp:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.json = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            self.json = None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def __getitem__(self, key):
        return self.json[key]


def fetch(method, path, body=None, headers=None, src="127.0.0.1", ctype="application/json"):
    """One request on a fresh connection. body: dict/list (sent as JSON), str or bytes."""
    global REQUESTS
    h = dict(headers or {})
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body, ensure_ascii=False)
    if isinstance(body, str):
        body = body.encode("utf-8")
    if body is not None and ctype and "Content-Type" not in h:
        h["Content-Type"] = ctype
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60, source_address=(src, 0))
    try:
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        r = Resp(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()
    with COUNT_LOCK:
        REQUESTS += 1
    return r


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


class Session:
    """A logged-in user; Bearer by default, or the cookie (with or without X-CSRF-Token)."""

    def __init__(self, username, login_json):
        self.username = username
        self.token = login_json["token"]
        self.csrf = login_json["csrf_token"]
        self.role = login_json["user"]["role"]

    def call(self, method, path, body=None, headers=None, **kw):
        h = {"Authorization": "Bearer " + self.token}
        h.update(headers or {})
        return fetch(method, path, body, h, **kw)

    def cookie_call(self, method, path, body=None, csrf=None, **kw):
        h = {"Cookie": "shishi_session=" + self.token}
        if csrf is not None:
            h["X-CSRF-Token"] = csrf
        return fetch(method, path, body, h, **kw)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None):
        return self.call("POST", path, body if body is not None else {})


class Anonymous:
    username = "-"

    def call(self, method, path, body=None, headers=None, **kw):
        return fetch(method, path, body, headers, **kw)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None):
        return self.call("POST", path, body if body is not None else {})


def login(username, password=PASSWORD, src="127.0.0.1"):
    return fetch("POST", "/api/v1/session", {"username": username, "password": password}, src=src)


def session(username):
    r = login(username)
    if not check(r.status == 200, f"login {username}", short(r)):
        raise RuntimeError(f"cannot log in as {username}")
    return Session(username, r.json)


# ---- appeals -----------------------------------------------------------------------------

N_APPEAL = 0


def appeal_body(**over):
    global N_APPEAL
    N_APPEAL += 1
    b = {"title": f"小区路灯不亮 #{N_APPEAL}", "content": "幸福小区3号楼前的路灯已坏两周，夜里看不见路。",
         "channel": "hotline", "kind": "投诉", "citizen_name": "张三", "phone": PHONE,
         "id_number": ID_NUMBER, "address": "幸福小区3号楼", "area": "宜居"}
    b.update(over)
    return {k: v for k, v in b.items() if v is not None}


def path_of(code, action=None):
    return f"/api/v1/appeals/{code}" + (f"/{action}" if action else "")


class World:
    """Sessions by role key, and helpers to bring a fresh appeal into a given state."""

    def __init__(self):
        self.s = {}

    def register(self, **over):
        r = self.s["dispatcher"].post("/api/v1/appeals", appeal_body(**over))
        if r.status != 201:
            raise RuntimeError("cannot register: " + short(r))
        return r.json

    def act(self, who, a, action, **body):
        body.setdefault("version", a["version"])
        r = self.s[who].post(path_of(a["code"], action), body)
        if r.status != 200:
            raise RuntimeError(f"{who} cannot {action} {a['code']}: " + short(r))
        return r.json

    def fresh(self, state, lead=A, assist=None, ext_pending=False):
        """A new appeal in `state` (received .. visited), led by `lead`."""
        a = self.register()
        if state == "received":
            return a
        a = self.act("dispatcher", a, "dispatch", unit=lead, assist=assist or [])
        if state == "dispatched":
            return a
        handler = {A: "handler_a", B: "handler_b"}[lead]
        if state == "returned":
            return self.act(handler, a, "return", reason="不属于本单位职责")
        a = self.act(handler, a, "accept")
        if state == "accepted":
            if ext_pending:
                a = self.act(handler, a, "extend", days=3, reason="需协调供电公司")
            return a
        a = self.act(handler, a, "reply", text="已更换路灯。", evidence=["现场照片-1"])
        if state == "replied":
            return a
        return self.act("dispatcher", a, "visit", solved="yes", satisfaction="满意")


# ---- sections ----------------------------------------------------------------------------


def test_health():
    r = fetch("GET", "/healthz")
    expect(r, 200, "GET /healthz")
    eq(r.json, {"status": "ok"}, "healthz body")
    expect(fetch("GET", "/api/nothing-here"), 404, "unknown path", "not_found", "path")
    expect(fetch("GET", "/api/v1/appeals"), 401, "no credentials", "unauthorized", "session")


def test_login():
    src = "127.0.0.5"
    r = login("paidan", "wrong-password", src=src)
    expect(r, 401, "login with a wrong password", "unauthorized", "password",
           "wrong username or password")
    r2 = login("nobody-here", "whatever1", src=src)
    expect(r2, 401, "login as an unknown user", "unauthorized")
    if r.json and r2.json:
        eq(r2.json["error"]["message"], r.json["error"]["message"],
           "unknown user and wrong password give one message")
    expect(fetch("POST", "/api/v1/session", {"username": "paidan"}, src=src), 400,
           "login without a password", "invalid")
    expect(fetch("POST", "/api/v1/session", "username=paidan&password=x", src=src,
                ctype="application/x-www-form-urlencoded"), 415, "login as a form",
           "unsupported_media_type")

    r = login("paidan", src=src)
    if expect(r, 200, "login with the right password"):
        j = r.json
        check(re.fullmatch(r"[0-9a-f]{64}", j.get("token", "")), "token is 64 hex digits", j)
        check(re.fullmatch(r"[0-9a-f]{64}", j.get("csrf_token", "")), "csrf_token is 64 hex", j)
        eq(j.get("user"), {"username": "paidan", "role": "dispatcher"}, "login names the user")
        check(j.get("expires_at"), "login gives expires_at", j)
        cookies = r.header_all("Set-Cookie")
        sc = [c for c in cookies if c.startswith("shishi_session=")]
        check(sc and sc[0].startswith(f"shishi_session={j['token']};"),
              "Set-Cookie shishi_session carries the token", cookies)
        attrs = [a.strip() for a in sc[0].split(";")] if sc else []
        check("HttpOnly" in attrs, "session cookie is HttpOnly", sc)
        check("SameSite=Strict" in attrs, "session cookie is SameSite=Strict", sc)

    # Throttling: after 3 failures the next immediate try waits, even with the right password.
    src = "127.0.0.6"
    for i in range(3):
        expect(login("slow", "wrong-" + str(i), src=src), 401, f"slow: failure {i + 1}")
    r = login("slow", src=src)
    expect(r, 429, "slow: 4th try right after 3 failures", "too_many_requests", None,
           "try again in")
    check(r.header_all("Set-Cookie") == [], "a throttled login sets no cookie", r.headers)


def is_url(db):
    return db.startswith(("postgres://", "postgresql://"))


def sql_literal(v):
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def db_update(db, sql, params=()):
    """Runs one UPDATE (with ? placeholders) on the test's database, directly: through the
    sqlite3 module on a file, through psql on a PostgreSQL URL. Returns the rows changed."""
    if not is_url(db):
        with sqlite3.connect(db, timeout=10) as c:
            return c.execute(sql, params).rowcount
    parts = sql.split("?")
    if len(parts) != len(params) + 1:
        raise ValueError("placeholders and parameters differ")
    text = parts[0] + "".join(sql_literal(v) + rest for v, rest in zip(params, parts[1:]))
    p = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", text],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"psql: {p.stderr.strip()}")
    m = re.search(r"^UPDATE (\d+)$", p.stdout, re.M)
    if not m:
        raise RuntimeError(f"psql: no UPDATE tag in {p.stdout!r}")
    return int(m.group(1))


def test_lockout(world):
    """After 10 failures the account is locked (LOGIN_LOCK_SECONDS) even for the right
    password. Reaching 10 in real time takes 2 minutes of doubling waits, so the waits are
    skipped by back-dating the stored failures, as if the time had passed."""
    db = world.db
    for i in range(3):
        expect(login("locked", "wrong-" + str(i), src="127.0.0.7"), 401,
               f"locked: failure {i + 1}")
    expect(login("locked", src="127.0.0.7"), 429, "locked: immediate 4th try",
           "too_many_requests")
    n = db_update(db, "UPDATE login_failures SET failures = 9, last_at = last_at - 600 "
                      "WHERE key = 'user:locked'")
    eq(n, 1, "locked: the account's failures are stored under its key")
    src = "127.0.0.8"  # an address with a clean record
    expect(login("locked", "wrong-10", src=src), 401, "locked: failure 10")
    r = login("locked", src=src)
    expect(r, 429, "locked: right password after 10 failures", "too_many_requests")
    m = re.search(r"try again in (\d+) seconds", (r.json or {}).get("error", {}).get("message", ""))
    check(m and 890 <= int(m.group(1)) <= 900, "locked for 15 minutes", short(r))
    time.sleep(1.1)
    expect(login("locked", src=src), 429, "locked: still locked a second later")
    # the lock is the account's: another user from that address still gets in
    expect(login("shenji", src=src), 200, "another user from the same address logs in")


def test_sessions(world):
    d = session("paidan")
    r = d.get("/api/v1/session")
    if expect(r, 200, "GET /session (Bearer)"):
        eq({k: r.json.get(k) for k in ("username", "role", "role_label", "unit", "csrf_token")},
           {"username": "paidan", "role": "dispatcher", "role_label": "派单员", "unit": None,
            "csrf_token": d.csrf}, "GET /session body")
        perms = r.json.get("permissions") or []
        check("appeal.dispatch" in perms and "appeal.reply" not in perms
              and "rules.add" not in perms, "GET /session: the dispatcher's permissions",
              perms)
    # cookie: reads need no CSRF token, writes do
    expect(d.cookie_call("GET", "/api/v1/session"), 200, "GET /session by cookie")
    body = appeal_body()
    expect(d.cookie_call("POST", "/api/v1/appeals", body), 403, "cookie POST without X-CSRF-Token",
           "forbidden", "X-CSRF-Token")
    expect(d.cookie_call("POST", "/api/v1/appeals", body, csrf="0" * 64), 403,
           "cookie POST with a wrong X-CSRF-Token", "forbidden", "X-CSRF-Token")
    expect(d.cookie_call("POST", "/api/v1/appeals", body, csrf=d.csrf), 201,
           "cookie POST with X-CSRF-Token")
    expect(d.call("POST", "/api/v1/appeals", appeal_body()), 201, "Bearer POST needs no CSRF token")
    # bad tokens
    bad = {"Authorization": "Bearer not-a-token"}
    expect(fetch("GET", "/api/v1/session", headers=bad), 401, "garbage Bearer token",
           "unauthorized", "session")
    bad = {"Authorization": "Bearer " + "ab" * 32}
    expect(fetch("GET", "/api/v1/appeals", headers=bad), 401, "unknown Bearer token",
           "unauthorized")
    expect(fetch("GET", "/api/v1/appeals", headers={"Cookie": "shishi_session=xyz"}), 401,
           "garbage session cookie", "unauthorized")
    # expired: back-date the session's expiry in the database
    e = session("shenji")
    digest = hashlib.sha256(e.token.encode()).hexdigest()
    n = db_update(world.db, "UPDATE sessions SET expires_at = 1000 WHERE token_hash = ?",
                  (digest,))
    eq(n, 1, "the database keeps the token's SHA-256, not the token")
    expect(e.get("/api/v1/session"), 401, "expired session", "unauthorized", "session", "expired")
    # logout: by cookie it needs the CSRF token too
    expect(d.cookie_call("DELETE", "/api/v1/session"), 403, "cookie DELETE /session without CSRF",
           "forbidden", "X-CSRF-Token")
    r = d.cookie_call("DELETE", "/api/v1/session", csrf=d.csrf)
    if expect(r, 200, "DELETE /session"):
        eq(r.json, {"logged_out": True}, "logout body")
        sc = [c for c in r.header_all("Set-Cookie") if c.startswith("shishi_session=")]
        check(sc and "Max-Age=0" in sc[0], "logout clears the session cookie", sc)
    expect(d.get("/api/v1/session"), 401, "token after logout", "unauthorized")
    # a citizen can log in, see and end their session, and nothing else
    c = session("qunzhong")
    expect(c.get("/api/v1/session"), 200, "citizen GET /session")
    expect(c.get("/api/v1/appeals"), 403, "citizen GET /appeals", "forbidden", "actor")
    expect(c.call("DELETE", "/api/v1/session"), 200, "citizen DELETE /session")
    expect(c.get("/api/v1/session"), 401, "citizen token after logout")


def history_actions(j):
    return [ev["action"] for ev in j.get("history", [])]


def chain_ok(hist):
    prev = ""
    for i, ev in enumerate(hist):
        if ev["seq"] != i + 1 or ev["from"] != prev or \
                (ev["action"], ev["from"], ev["to"]) not in ALLOWED:
            return False
        prev = ev["to"]
    return True


def test_lifecycle(w):
    d, ha, hb, ld = (w.s[k] for k in ("dispatcher", "handler_a", "handler_b", "leader"))
    body = appeal_body()
    r = d.post("/api/v1/appeals", body)
    if not expect(r, 201, "register (受理)"):
        return
    a = r.json
    code = a["code"]
    check(re.fullmatch(r"YD\d{12}", code), "appeal code is YD + date + number", code)
    eq((a["status"], a["version"], a["title"], a["kind"], a["channel"], a["area"]),
       ("received", 1, body["title"], "投诉", "12345热线", "宜居"), "registered appeal")
    eq((a["phone"], a["citizen_name"], a["id_number"]), (PHONE_MASKED, "张*", "110101********1234"),
       "a registration's answer masks personal data, even to the dispatcher")
    r = d.post(path_of(code, "disclose"))
    if expect(r, 200, "查看完整号码 (POST disclose)"):
        eq((r.json["phone"], r.json["citizen_name"], r.json["id_number"]), (PHONE, "张三", ID_NUMBER),
           "the dispatcher sees personal data in full once disclosed")
        eq(history_actions(r.json), ["register"], "a disclosure is no step of the appeal")
        eq(r.json["version"], 1, "nor does it change the appeal's version")
    r = d.get(path_of(code))
    if expect(r, 200, "GET appeal"):
        eq(history_actions(r.json), ["register"], "history after register")
        eq(r.json["history"][0]["actor"], "paidan", "register event names the actor")

    r = d.post(path_of(code, "dispatch"), {"version": 1, "unit": B, "assist": [A], "note": "请核实"})
    if expect(r, 200, "dispatch (交办) with an assisting unit"):
        a = r.json
        eq((a["status"], a["version"], a["lead_unit"], a["assist_units"]),
           ("dispatched", 2, B, [A]), "dispatched appeal")
        check(a["deadline"] and a["sign_deadline"], "dispatch sets the deadlines", a)
    expect(hb.post(path_of(code, "return"), {"version": a["version"]}), 400,
           "return without a reason", "invalid", "reason")
    r = hb.post(path_of(code, "return"), {"version": a["version"], "reason": "属住建局职责"})
    if expect(r, 200, "return (退单)"):
        a = r.json
        eq((a["status"], a["return_count"]), ("returned", 1), "returned appeal")
    expect(d.post(path_of(code, "dispatch"), {"version": a["version"], "unit": B}), 400,
           "re-dispatch to the unit that returned it", "invalid", "unit")
    r = d.post(path_of(code, "dispatch"), {"version": a["version"], "unit": A, "assist": [B]})
    if expect(r, 200, "re-dispatch (改派)"):
        a = r.json
        eq((a["status"], a["lead_unit"], a["assist_units"]), ("dispatched", A, [B]),
           "re-dispatched appeal")
    r = ha.post(path_of(code, "accept"), {"version": a["version"]})
    if expect(r, 200, "accept (签收)"):
        a = r.json
        eq(a["status"], "accepted", "accepted appeal")
        check(a["accepted_at"], "accept sets accepted_at", a)
    old_deadline = a["deadline"]
    expect(ha.post(path_of(code, "extend"), {"version": a["version"], "days": 99, "reason": "x"}),
           400, "extend by 99 working days", "invalid", "days")
    r = ha.post(path_of(code, "extend"), {"version": a["version"], "days": 5,
                                          "reason": "需协调供电公司"})
    if expect(r, 200, "extend (申请延期)"):
        a = r.json
        check(a["extension_requested"], "extension is pending", a)
    requested = a["extension_requested"]
    r = d.post(path_of(code, "extend-approve"), {"version": a["version"]})
    if expect(r, 200, "extend-approve (批准延期)"):
        a = r.json
        eq((a["deadline"], a["extensions"], a["extension_requested"]), (requested, 1, None),
           "approved extension moves the deadline")
        check(a["deadline"] != old_deadline, "the deadline changed", a)
    r = d.post(path_of(code, "urge"), {"version": a["version"], "note": "请加快"})
    if expect(r, 200, "urge (催办)"):
        a = r.json
        eq(a["urge_count"], 1, "urge_count")
    r = ld.post(path_of(code, "supervise"), {"version": a["version"]})
    if expect(r, 200, "supervise (督办) by a leader"):
        a = r.json
        eq(a["supervise_level"], 1, "supervise_level")
    r = ha.post(path_of(code, "reply"), {"version": a["version"], "text": "已更换路灯。",
                                         "record": "现场核查", "evidence": ["照片-001"]})
    if expect(r, 200, "reply (答复)"):
        a = r.json
        eq((a["status"], a["reply"]), ("replied", "已更换路灯。"), "replied appeal")
    expect(d.post(path_of(code, "visit"), {"version": a["version"], "solved": "maybe",
                                           "satisfaction": "满意"}), 400,
           "visit with solved 'maybe'", "invalid", "solved")
    r = d.post(path_of(code, "visit"), {"version": a["version"], "solved": "yes",
                                        "satisfaction": "满意"})
    if expect(r, 200, "visit (回访)"):
        a = r.json
        eq((a["status"], a["visit_solved"], a["visit_satisfaction"]),
           ("visited", "已解决", "满意"), "visited appeal")
    stale = a["version"] - 1
    expect(d.post(path_of(code, "close"), {"version": stale, "evidence": ["回访录音"]}), 409,
           "close with a stale version", "conflict", "version", [code, str(stale)])
    expect(d.post(path_of(code, "close"), {"evidence": ["回访录音"]}), 400,
           "close without a version", "invalid", "version")
    r = d.post(path_of(code, "close"), {"version": a["version"], "evidence": ["回访录音"]})
    if expect(r, 200, "close (销号)"):
        a = r.json
        eq(a["status"], "closed", "closed appeal")
        check(a["closed_at"], "close sets closed_at", a)
    expect(d.post(path_of(code, "dispatch"), {"version": a["version"], "unit": A}), 409,
           "dispatch a closed appeal", "bad_state", "state", ["closed", code])
    expect(d.post(path_of(code, "urge"), {"version": a["version"]}), 409,
           "urge a closed appeal", "bad_state")
    r = d.get(path_of(code))
    if expect(r, 200, "GET the closed appeal"):
        h = r.json["history"]
        eq(history_actions(r.json),
           ["register", "dispatch", "return", "dispatch", "accept", "extend", "extend_approve",
            "urge", "supervise", "reply", "visit", "close"], "the whole history")
        check(chain_ok(h), "each event starts where the last one ended", h)
        check(all(re.fullmatch(r"[0-9a-f]{64}", ev["hash"]) for ev in h), "events are hashed")
        eq(h[3]["details"].get("redispatch"), True, "the second dispatch is marked 改派")
        eq([ev["actor"] for ev in h][:5], ["paidan", "paidan", "chengguan", "paidan", "zhujian"],
           "events name their actors")
        eq(r.json["version"], len(h), "version counts the events")

    # uphold (维持交办) and extend-deny (驳回延期)
    a = w.fresh("returned")
    r = d.post(path_of(a["code"], "uphold"), {"version": a["version"], "reason": "属本单位职责"})
    if expect(r, 200, "uphold (维持交办)"):
        eq((r.json["status"], r.json["lead_unit"]), ("dispatched", A), "upheld appeal")
    a = w.fresh("accepted", ext_pending=True)
    expect(d.post(path_of(a["code"], "extend-deny"), {"version": a["version"]}), 400,
           "extend-deny without a reason", "invalid", "reason")
    r = d.post(path_of(a["code"], "extend-deny"), {"version": a["version"], "reason": "理由不足"})
    if expect(r, 200, "extend-deny (驳回延期)"):
        eq(r.json["extension_requested"], None, "denied extension is no longer pending")
    expect(d.post(path_of(a["code"], "extend-approve"), {"version": a["version"] + 1}), 409,
           "approve with nothing pending", "bad_state")

    # reject (不予受理)
    a = w.register()
    expect(d.post(path_of(a["code"], "reject"), {"version": 1}), 400, "reject without a reason",
           "invalid", "reason")
    r = d.post(path_of(a["code"], "reject"), {"version": 1, "reason": "不属于受理范围"})
    if expect(r, 200, "reject (不予受理)"):
        eq(r.json["status"], "rejected", "rejected appeal")
    expect(d.post(path_of(a["code"], "reject"), {"version": 2, "reason": "again"}), 409,
           "reject twice", "bad_state", "state", "rejected")

    # merge (并单)
    x, y = w.register(), w.register()
    expect(d.post(path_of(y["code"], "merge"), {"version": 1, "into": y["code"]}), 400,
           "merge into itself", "invalid", "into")
    expect(d.post(path_of(y["code"], "merge"), {"version": 1, "into": "YD000000000000"}), 404,
           "merge into an unknown appeal", "not_found", None, "YD000000000000")
    r = d.post(path_of(y["code"], "merge"), {"version": 1, "into": x["code"]})
    if expect(r, 200, "merge (并单)"):
        eq((r.json["status"], r.json["merged_into"]), ("merged", x["id"]), "merged appeal")

    # redo (重办): automatically after an unsatisfied visit, or asked for after a visit
    a = w.fresh("replied")
    r = d.post(path_of(a["code"], "visit"), {"version": a["version"], "solved": "partly",
                                             "satisfaction": "不满意"})
    if expect(r, 200, "unsatisfied visit"):
        eq((r.json["status"], r.json["redo_count"], r.json["version"]),
           ("accepted", 1, a["version"] + 2), "an unsatisfied visit sends it back (重办)")
        h = d.get(path_of(a["code"])).json["history"]
        eq([(ev["action"], ev["actor"]) for ev in h[-2:]],
           [("visit", "paidan"), ("redo", "system")], "visit then the automatic redo")
    a = w.fresh("visited")
    expect(d.post(path_of(a["code"], "redo"), {"version": a["version"]}), 400,
           "redo without a reason", "invalid", "reason")
    r = d.post(path_of(a["code"], "redo"), {"version": a["version"], "reason": "群众反映仍未修好"})
    if expect(r, 200, "redo (重办) asked for"):
        eq((r.json["status"], r.json["redo_count"]), ("accepted", 1), "redone appeal")

    expect(d.post(path_of(a["code"], "register"), {"version": 1}), 404, "action 'register'",
           "not_found", "action")
    expect(d.post(path_of(a["code"], "fly"), {"version": 1}), 404, "unknown action",
           "not_found", "action", "fly")


def test_list(w):
    d = w.s["dispatcher"]
    for i in range(3):
        w.register(channel="wechat", area="就医")
    r = d.get(q("/api/v1/appeals", limit=500))
    if not expect(r, 200, "GET /appeals"):
        return
    every = r.json
    total = every["total"]
    eq(len(every["items"]), total, "one page holds all when limit > total")
    eq(every["next_cursor"], None, "no next_cursor on the last page")
    all_codes = [a["code"] for a in every["items"]]
    # pages
    seen, cursor, pages = [], None, 0
    while pages < 100:
        params = {"limit": 4, "sort": "code"}
        if cursor:
            params["cursor"] = cursor
        r = d.get(q("/api/v1/appeals", **params))
        if not expect(r, 200, f"page {pages + 1}"):
            break
        pages += 1
        eq(r.json["total"], total, f"page {pages}: total")
        check(len(r.json["items"]) <= 4, f"page {pages}: at most limit items")
        seen += [a["code"] for a in r.json["items"]]
        cursor = r.json["next_cursor"]
        if cursor is None:
            break
        check(isinstance(cursor, str), "next_cursor is a string", cursor)
    eq(seen, sorted(all_codes), "pages with sort=code walk every appeal once, in order")
    eq(pages, (total + 3) // 4, "number of pages")
    r = d.get(q("/api/v1/appeals", limit=2, sort="-code"))
    if expect(r, 200, "sort=-code"):
        eq([a["code"] for a in r.json["items"]], sorted(all_codes, reverse=True)[:2],
           "descending sort")
    # filters
    for params, pred, desc in [
        ({"status": "received"}, lambda a: a["status"] == "received", "status=received"),
        ({"status": "closed"}, lambda a: a["status"] == "closed", "status=closed"),
        ({"unit": B}, lambda a: B in [a["lead_unit"]] + a["assist_units"], "unit=城管局"),
        ({"channel": "wechat"}, lambda a: a["channel"] == "微信群", "channel=wechat"),
        ({"area": "就医"}, lambda a: a["area"] == "就医", "area=就医"),
        ({"overdue": "1"}, lambda a: a["overdue"], "overdue=1"),
        ({"from": "2020-01-01", "to": "2020-12-31"}, lambda a: False, "from/to in 2020"),
    ]:
        r = d.get(q("/api/v1/appeals", limit=500, **params))
        if expect(r, 200, f"list {desc}"):
            items = r.json["items"]
            want = [a["code"] for a in every["items"] if pred(a)]
            eq([a["code"] for a in items], want, f"list {desc}: exactly the matching appeals")
            eq(r.json["total"], len(want), f"list {desc}: total")
    check(len([a for a in every["items"] if a["channel"] == "微信群"]) == 3, "3 wechat appeals")
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    r = d.get(q("/api/v1/appeals", limit=500, **{"from": today, "to": today}))
    if expect(r, 200, "list from/to today"):
        eq(r.json["total"], total, "every appeal was received today")
    expect(d.get(q("/api/v1/appeals", limit=0)), 400, "limit=0", "invalid", "limit")
    expect(d.get(q("/api/v1/appeals", limit="lots")), 400, "limit=lots", "invalid", "limit")
    expect(d.get(q("/api/v1/appeals", cursor="-5")), 400, "cursor=-5", "invalid", "cursor")
    expect(d.get(q("/api/v1/appeals", status="lost")), 400, "unknown status", "invalid", "status",
           "lost")
    expect(d.get(q("/api/v1/appeals", unit="不存在局")), 404, "unknown unit filter", "not_found",
           "unit", "不存在局")
    expect(d.get(q("/api/v1/appeals", **{"from": "2021-02-30"})), 400, "from=2021-02-30",
           "invalid")


def test_org(w):
    ad, d = w.s["admin"], w.s["dispatcher"]
    r = d.get("/api/v1/units")
    if expect(r, 200, "GET /units"):
        names = {u["name"]: u for u in r.json}
        check({DISTRICT, A, B, TOWN} <= set(names), "units listed", r.json)
        if A in names and DISTRICT in names:
            eq(names[A]["parent_id"], names[DISTRICT]["id"], "unit parent_id")
            eq(names[TOWN]["kind"], "town", "unit kind")
            eq(names[DISTRICT]["parent_id"], None, "the district has no parent")
    r = ad.post("/api/v1/units", {"name": "西街镇", "kind": "town", "parent": DISTRICT})
    if expect(r, 201, "POST /units"):
        eq(r.json["name"], "西街镇", "new unit")
        check(r.json.get("id") and r.json.get("code"), "new unit has id and code", r.json)
    expect(ad.post("/api/v1/units", {"name": "西街镇", "kind": "town", "parent": DISTRICT}), 409,
           "POST a unit twice", "conflict", None, "西街镇")
    expect(ad.post("/api/v1/units", {"name": "南街镇", "kind": "town", "parent": "不存在区"}), 404,
           "POST a unit under an unknown parent", "not_found", None, "不存在区")
    expect(ad.post("/api/v1/units", {"name": 7}), 400, "unit name 7", "invalid", "name")

    for what, label in (("areas", "就学"), ("channels", "12345热线")):
        r = d.get("/api/v1/" + what)
        if expect(r, 200, f"GET /{what}"):
            check(any(x["name"] == label and x["active"] is True for x in r.json),
                  f"{what} listed", r.json)
    r = ad.post("/api/v1/areas", {"name": "养老", "code": "elderly"})
    if expect(r, 201, "POST /areas"):
        eq(r.json, {"code": "elderly", "name": "养老"}, "new area")
    r = ad.post("/api/v1/channels", {"name": "市长信箱", "code": "mayor"})
    if expect(r, 201, "POST /channels"):
        eq(r.json, {"code": "mayor", "name": "市长信箱"}, "new channel")
    expect(ad.post("/api/v1/channels", {"name": "市长信箱", "code": "mayor"}), 409,
           "POST a channel twice", "conflict")
    a = w.register(channel="市长信箱", area="elderly")
    eq((a["channel"], a["area"]), ("市长信箱", "养老"), "the new channel and area take appeals")

    r = ad.post("/api/v1/users", {"username": "xinren", "name": "新人", "role": "handler",
                                  "unit": "西街镇", "phone": "13900001234", "password": PASSWORD})
    if expect(r, 201, "POST /users"):
        eq((r.json["username"], r.json["role"]), ("xinren", "handler"), "new user")
    expect(ad.post("/api/v1/users", {"username": "xinren", "role": "handler", "unit": A,
                                     "password": PASSWORD}), 409, "POST a user twice", "conflict",
           "username", "xinren")
    expect(ad.post("/api/v1/users", {"username": "x1", "role": "handler", "password": PASSWORD}),
           400, "POST a handler without a unit", "invalid", "unit")
    expect(ad.post("/api/v1/users", {"username": "x2", "role": "emperor", "password": PASSWORD}),
           400, "POST a user with role emperor", "invalid")
    expect(ad.post("/api/v1/users", {"username": "x3", "role": "auditor", "password": "short"}),
           400, "POST a user with a short password", "invalid", "password")
    r = login("xinren")
    if expect(r, 200, "the new user logs in"):
        eq(r.json["user"], {"username": "xinren", "role": "handler"}, "new user's role")
    r = ad.get("/api/v1/users")
    if expect(r, 200, "GET /users"):
        users = {u["username"]: u for u in r.json}
        check({u[0] for u in USERS} | {"xinren"} <= set(users), "users listed", list(users))
        if "xinren" in users:
            eq((users["xinren"]["unit"], users["xinren"]["phone"]), ("西街镇", "139****1234"),
               "user list masks phones")
        check(all("password" not in json.dumps(u) for u in r.json),
              "no password hash in the user list")


def test_calendar_report_audit(w):
    d, au = w.s["dispatcher"], w.s["auditor"]
    r = d.get(q("/api/v1/calendar/add", date="2021-09-30", n=5))
    if expect(r, 200, "calendar/add"):
        eq(r.json, {"date": "2021-09-30", "n": 5, "result": "2021-10-13", "provisional": False},
           "2021-09-30 + 5 working days (国庆)")
    r = d.get(q("/api/v1/calendar/add", date="2026-12-30", n=2))
    if expect(r, 200, "calendar/add into 2027, whose notice is not out"):
        eq(r.json, {"date": "2026-12-30", "n": 2, "result": "2027-01-04", "provisional": True},
           "2026-12-30 + 2 working days skips 元旦 2027 and says it is provisional")
    r = d.get(q("/api/v1/calendar/is", date="2021-10-09"))
    if expect(r, 200, "calendar/is on a 调休 Saturday"):
        eq(r.json["workday"], True, "2021-10-09 is a make-up workday")
    r = d.get(q("/api/v1/calendar/is", date="2021-10-01"))
    if expect(r, 200, "calendar/is on 国庆"):
        eq(r.json["workday"], False, "2021-10-01 is a holiday")
        check(r.json.get("name"), "the holiday has a name", r.json)
    expect(d.get(q("/api/v1/calendar/is", date="2021-13-01")), 400, "calendar/is 2021-13-01",
           "invalid")
    expect(d.get(q("/api/v1/calendar/add", date="2021-09-30")), 400, "calendar/add without n",
           "invalid", "n")
    expect(d.get(q("/api/v1/calendar/add", date="1990-01-02", n=1)), 400,
           "calendar/add in a year with no calendar", "no_calendar")

    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    r = d.get(q("/api/v1/report", **{"from": today, "to": today}))
    if expect(r, 200, "GET /report"):
        n = d.get(q("/api/v1/appeals", limit=1)).json["total"]
        eq(r.json["received"], n, "report counts every appeal received today")
        check(isinstance(r.json.get("by_unit"), list) and "by_status" in r.json,
              "report has by_unit and by_status", r.json)
    expect(d.get("/api/v1/report"), 400, "report without dates", "invalid", "from")
    r = au.get("/api/v1/audit/verify")
    if expect(r, 200, "GET /audit/verify"):
        eq(r.json.get("ok"), True, "audit chain verifies")
        check(r.json.get("events", 0) > 0 and r.json.get("appeals", 0) > 0,
              "audit counts events and appeals", r.json)


def site_today(days=0):
    """The site's date (UTC+8), `days` from today."""
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 + days * 86400))


AREA_T = "考核测试"  # an area of its own, so its figures can be worked out by hand
# figure -> (report's whole-appeal count or None, its denominator, its rate)
FIGURES = {"reply_rate": ("replied", "eligible", "reply_rate"),
           "timely_rate": ("timely", "due", "timely_rate"),
           "sign_rate": ("signed_in_time", "signed_due", "sign_rate"),
           "response_rate": ("responded", "signed_due", "response_rate"),
           "resolution_rate": (None, "visited", "resolution_rate"),
           "satisfaction_rate": (None, "rated", "satisfaction_rate")}
# the lead's example: 基本满意 counts half, and merged appeals count again
RULES_2022 = {"name": "2022年考核规则", "basic_satisfied_share": 50,
              "weights": {"response_rate": 20, "resolution_rate": 40, "satisfaction_rate": 40},
              "exclude": ["rejected"], "min_volume": 3}


def group_of(rep, dim, name):
    """The by_<dim> entry of a report named `name`, or None."""
    return next((g for g in rep[f"by_{dim}"] if g["name"] == name), None)


def check_explain(sess, period, rep, desc, rules=None, **group):
    """Every figure's explain list against the report's (or group's) counts: the
    denominator's codes are the denominator, the numerator adds up from the shares."""
    extra = dict(period, **group)
    if rules is not None:
        extra["rules"] = rules
    out = {}
    for fig, (count, den, rate) in FIGURES.items():
        r = sess.get(q("/api/v1/report", explain=fig, **extra))
        if not expect(r, 200, f"{desc}: explain {fig}"):
            continue
        x = r.json
        out[fig] = x
        eq(list(x), ["figure", "rules_version", "numerator", "denominator", "rate",
                     "numerator_appeals", "denominator_appeals", "partial_shares"],
           f"{desc}: explain {fig} members")
        eq((x["figure"], x["rules_version"]), (fig, rep.get("rules_version", x["rules_version"])),
           f"{desc}: explain {fig} names the figure and the rule set")
        nums, dens, part = x["numerator_appeals"], x["denominator_appeals"], x["partial_shares"]
        eq((x["denominator"], len(dens), len(set(dens))), (rep[den], rep[den], rep[den]),
           f"{desc}: {fig} lists the {den} appeals, each once")
        eq([c for c in nums if c not in dens], [], f"{desc}: {fig} numerator within denominator")
        eq([c for c in part if c not in nums], [], f"{desc}: {fig} partial shares are in the numerator")
        check(all(0 < s < 100 for s in part.values()), f"{desc}: {fig} shares are partial", part)
        shares = sum(part.get(c, 100) for c in nums)
        check(abs(x["numerator"] * 100 - shares) < 1e-6,
              f"{desc}: {fig} numerator adds up from its appeals' shares", x)
        eq(x["rate"], rep[rate], f"{desc}: {fig} rate as the report has it")
        if count:
            eq((len(nums), part), (rep[count], {}), f"{desc}: {fig} numerator lists the {count} appeals")
    r = sess.get(q("/api/v1/report", explain="overdue", **extra))
    if expect(r, 200, f"{desc}: explain overdue"):
        x = r.json
        eq(list(x), ["figure", "rules_version", "count", "appeals"], f"{desc}: explain overdue members")
        eq((x["figure"], x["count"], len(x["appeals"])), ("overdue", rep["overdue"], rep["overdue"]),
           f"{desc}: explain overdue lists the overdue appeals")
        out["overdue"] = x
    return out


def test_assess(w):
    """Report figures, explain down to appeal codes, and versioned rule sets, on a fixture
    whose figures are worked out by hand."""
    d, ad, au = w.s["dispatcher"], w.s["admin"], w.s["auditor"]
    expect(ad.post("/api/v1/areas", {"name": AREA_T, "code": "assess-test"}), 201,
           "an area for the assessment fixture")

    def make(state, solved="yes", satisfaction="满意", contact=True):
        a = w.register(area=AREA_T)
        if state == "received":
            return a
        if state == "rejected":
            return w.act("dispatcher", a, "reject", reason="不属于受理范围")
        a = w.act("dispatcher", a, "dispatch", unit=A)
        if state == "dispatched":
            return a
        a = w.act("handler_a", a, "accept")
        if contact:
            a = w.act("handler_a", a, "contact", note="已电话联系诉求人")
            check(a.get("contacted_at"), "contact sets contacted_at", a)
        a = w.act("handler_a", a, "reply", text="已处理。")
        if state == "replied":
            return a
        return w.act("dispatcher", a, "visit", solved=solved, satisfaction=satisfaction)

    fx = {"full": make("visited", "yes", "满意"), "basic_partly": make("visited", "partly", "基本满意"),
          "basic": make("visited", "yes", "基本满意"), "redone": make("visited", "no", "不满意"),
          "replied": make("replied", contact=False), "dispatched": make("dispatched"),
          "received": make("received"), "rejected": make("rejected")}
    eq([fx[k]["status"] for k in ("full", "basic_partly", "basic", "redone", "rejected")],
       ["visited", "visited", "visited", "accepted", "rejected"], "assessment fixture states")
    code = {k: a["code"] for k, a in fx.items()}
    period = {"from": site_today(-1), "to": site_today(1)}

    # rule sets: version 1 is the default; bad ones are refused naming the field
    v1 = {}
    r = d.get("/api/v1/rules")
    if expect(r, 200, "GET /rules"):
        eq(list(r.json), ["items"], "rules list is {items}")
        eq([(x["version"], x["name"]) for x in r.json["items"]], [(1, "默认考核规则")],
           "a fresh database has the default rule set as version 1")
        v1 = r.json["items"][0]
        eq((v1["basic_satisfied_share"], v1["partly_solved_share"], v1["exclude"]),
           (100, 0, ["rejected", "merged"]), "the default rule set's shares and exclusions")
        r = au.get("/api/v1/rules/1")
        if expect(r, 200, "GET /rules/1"):
            eq(r.json, v1, "GET /rules/1 is the listed version 1")
    for path in ("/api/v1/rules/99", "/api/v1/rules/abc", "/api/v1/rules/0"):
        expect(d.get(path), 404, f"GET {path}", "not_found")
    bad = [({"name": "x", "bogus": 1}, "bogus", "bogus"),
           ({"weights": {"speed_rate": 10}}, "weights", "speed_rate"),
           ({"weights": {"response_rate": 0, "resolution_rate": 0, "satisfaction_rate": 0}},
            "weights", None),
           ({"basic_satisfied_share": 150}, "basic_satisfied_share", "150"),
           ({"partly_solved_share": -1}, "partly_solved_share", None),
           ({"basic_satisfied_share": "half"}, "basic_satisfied_share", None),
           ({"exclude": ["closed"]}, "exclude", None),
           ({"name": ""}, "name", None),
           ({"min_volume": 2.5}, "min_volume", None),
           ({"time_limits": {"handle": {"complaint": ["7 weeks", "24 hours", "2 hours"]}}},
            "time_limits.handle", "weeks"),
           ({"time_limits": {"complex": "15 workdays", "later": 1}}, "later", "later")]
    for body, field, needle in bad:
        expect(ad.post("/api/v1/rules", body), 400, f"POST /rules {json.dumps(body)[:60]}",
               "invalid", field, needle)
    expect(ad.call("POST", "/api/v1/rules", '{"name": "x", '), 400, "POST /rules malformed JSON",
           "invalid", "body")
    expect(ad.call("POST", "/api/v1/rules", '["x"]'), 400, "POST /rules with an array", "invalid",
           "body")
    expect(ad.call("POST", "/api/v1/rules", '{"name": "a", "name": "b"}'), 400,
           "POST /rules with a duplicate key", "invalid", "body")
    expect(ad.call("POST", "/api/v1/rules", "name=x", ctype="text/plain"), 415,
           "POST /rules as text/plain", "unsupported_media_type")
    for role in ("dispatcher", "leader", "auditor", "handler_a"):
        expect(w.s[role].post("/api/v1/rules", RULES_2022), 403, f"{role} POST /rules",
               "forbidden", "actor")
    expect(w.s["anonymous"].post("/api/v1/rules", RULES_2022), 401, "POST /rules without a session",
           "unauthorized")
    eq(len(d.get("/api/v1/rules").json["items"]), 1, "refused rule sets are not stored")

    # the report under version 1, worked out by hand for the fixture's area:
    # 8 received, the rejected one not eligible; replied: 3 visited + 1 replied (the redone
    # one was sent back: its reply and visit are cleared); 5 signed, all in time; visited
    # and rated: 3 (已解决 + 部分解决 + 已解决 = 1 + 0 + 1, 满意 + 基本满意 x2 = 1 + 1 + 1);
    # the caller was called on all signed but the replied one: response 4/5; score
    # (30 * 80 + 35 * 66.67 + 35 * 100) / 100 = 82.33
    r1 = d.get(q("/api/v1/report", **period))
    if not expect(r1, 200, "report under the newest rules (version 1)"):
        return
    rep1 = r1.json
    eq((rep1["rules_version"], rep1["rules_name"]), (1, "默认考核规则"), "report names its rules")
    for key in ("eligible", "replied", "due", "timely", "signed_due", "signed_in_time", "responded",
                "visited",
                "rated", "overdue", "reply_rate", "timely_rate", "response_rate", "sign_rate",
                "resolution_rate", "satisfaction_rate", "score"):
        check(key in rep1, f"report has {key}", sorted(rep1))
    check(rep1["responded"] <= rep1["signed_in_time"], "a response is a signing in time and a call",
          rep1)
    for dim in ("area", "unit", "channel", "town"):
        groups = rep1.get(f"by_{dim}") or []
        eq((sum(g["received"] for g in groups), sum(g["eligible"] for g in groups)),
           (rep1["received"], rep1["eligible"]), f"by_{dim} adds up to the report")
    g1 = group_of(rep1, "area", AREA_T)
    want1 = {"name": AREA_T, "received": 8, "eligible": 7, "replied": 4, "reply_rate": 57.14,
             "due": 4, "timely": 4, "timely_rate": 100.0, "signed_due": 5, "signed_in_time": 5,
             "sign_rate": 100.0, "responded": 4, "response_rate": 80.0, "visited": 3,
             "resolution_rate": 66.67, "rated": 3, "satisfaction_rate": 100.0, "score": 82.33,
             "overdue": 0}
    eq(g1, want1, "the fixture's area under version 1, as worked out by hand")
    ua = group_of(rep1, "unit", A)
    check(ua and set(ua) == set(want1), "by_unit entries have every figure", ua)

    x1 = check_explain(d, period, rep1, "whole period v1")
    if g1:
        xa = check_explain(au, period, dict(g1, rules_version=1), "area v1", area=AREA_T)
        if "satisfaction_rate" in xa:
            eq((sorted(xa["satisfaction_rate"]["denominator_appeals"]),
                xa["satisfaction_rate"]["partial_shares"], xa["satisfaction_rate"]["numerator"]),
               (sorted([code["full"], code["basic_partly"], code["basic"]]), {}, 3.0),
               "v1 counts 基本满意 in full")
        if "resolution_rate" in xa:
            eq(sorted(xa["resolution_rate"]["numerator_appeals"]),
               sorted([code["full"], code["basic"]]), "v1 counts 部分解决 as nothing")
        if "reply_rate" in xa:
            eq(xa["reply_rate"]["denominator_appeals"],
               [code[k] for k in ("full", "basic_partly", "basic", "redone", "replied",
                                  "dispatched", "received")],
               "reply_rate's denominator: the eligible appeals in received order")
    if ua:
        check_explain(w.s["leader"], period, dict(ua, rules_version=1), "unit v1", unit=A)
    r = d.get(q("/api/v1/report", explain="timely_rate", channel="12345热线", **period))
    if expect(r, 200, "explain for a channel"):
        gc = group_of(rep1, "channel", "12345热线")
        eq(len(r.json["denominator_appeals"]), gc and gc["due"], "channel explain: due appeals")
    x_ = x1.get("reply_rate")
    if x_:
        check(all(code[k] in x_["denominator_appeals"] for k in code if k != "rejected")
              and code["rejected"] not in x_["denominator_appeals"],
              "the whole period's reply_rate counts the fixture but its rejected appeal")

    # bad explain and rules parameters
    for params, status, ecode, field in (
            ({"explain": "speed_rate"}, 400, "invalid", "explain"),
            ({"explain": ""}, 400, "invalid", "explain"),
            ({"explain": "reply_rate", "area": "不存在"}, 404, "not_found", "area"),
            ({"explain": "reply_rate", "unit": "不存在局"}, 404, "not_found", "unit"),
            ({"explain": "reply_rate", "town": A}, 400, "invalid", "town"),
            ({"explain": "reply_rate", "unit": A, "area": AREA_T}, 400, "invalid", "area"),
            ({"explain": "reply_rate", "unit": ""}, 400, "invalid", "unit"),
            ({"rules": "abc"}, 400, "invalid", "rules"),
            ({"rules": "0"}, 400, "invalid", "rules"),
            ({"rules": "1.5"}, 400, "invalid", "rules"),
            ({"rules": "99"}, 404, "not_found", "rules"),
            ({"rules": "99", "explain": "reply_rate"}, 404, "not_found", "rules"),
            ({"explain": "reply_rate", "to": "2021-02-30"}, 400, "invalid", None)):
        expect(d.get(q("/api/v1/report", **dict(period, **params))), status,
               f"report {params}", ecode, field)

    # a second version, as the lead's example: 基本满意 counts half
    r = ad.post("/api/v1/rules", RULES_2022)
    if not expect(r, 201, "admin POST /rules"):
        return
    v2 = r.json
    eq((v2["version"], v2["name"], v2["basic_satisfied_share"], v2["exclude"], v2["min_volume"]),
       (2, "2022年考核规则", 50, ["rejected"], 3), "the stored rule set is version 2 as sent")
    eq(v2["weights"], {"reply_rate": 0, "timely_rate": 0, "sign_rate": 0, "response_rate": 20,
                       "resolution_rate": 40, "satisfaction_rate": 40},
       "weights not sent are stored as 0")
    eq((v2["partly_solved_share"], v2["time_limits"]), (v1["partly_solved_share"], v1["time_limits"]),
       "members not sent are stored with the defaults, complete")
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", v2.get("created_at") or ""),
          "the new version has created_at", v2)
    r = d.get("/api/v1/rules/2")
    if expect(r, 200, "GET /rules/2"):
        eq(r.json, v2, "GET /rules/2 is what POST stored")
    eq([x["version"] for x in d.get("/api/v1/rules").json["items"]], [1, 2], "rules list: 1, 2")
    r = d.get("/api/v1/rules/1")
    if expect(r, 200, "GET /rules/1 after adding 2"):
        eq(r.json, v1, "version 1 is unchanged by version 2")

    # the same period under the newest rules (2) and recomputed under version 1
    r2, r1b = d.get(q("/api/v1/report", **period)), d.get(q("/api/v1/report", rules=1, **period))
    if expect(r2, 200, "report under the newest rules (2)") and \
            expect(r1b, 200, "report with rules=1"):
        rep2, rep1b = r2.json, r1b.json
        eq((rep2["rules_version"], rep2["rules_name"], rep1b["rules_version"]),
           (2, "2022年考核规则", 1), "the newest is version 2; rules=1 recomputes under 1")
        g2, g1b = group_of(rep2, "area", AREA_T), group_of(rep1b, "area", AREA_T)
        eq(g1b, want1, "rules=1 gives version 1's figures again")
        # (100 + 50 + 50) / 3; score (20 x 100 + 40 x 66.67 + 40 x 66.67) / 100
        eq(g2, dict(want1, satisfaction_rate=66.67, score=69.33),
           "the fixture's area under version 2: 基本满意 counts half")
        if g2 and g1b:
            eq(round(g1b["satisfaction_rate"] - g2["satisfaction_rate"], 2), 33.33,
               "satisfaction differs by the two 基本满意 at half: 100 / 3")
        xa2 = check_explain(d, period, dict(g2 or {}, rules_version=2), "area v2", area=AREA_T)
        s2 = xa2.get("satisfaction_rate")
        if s2:
            eq((s2["numerator"], s2["denominator"], s2["rate"], s2["partial_shares"]),
               (2.0, 3, 66.67, {code["basic_partly"]: 50, code["basic"]: 50}),
               "explain names the two appeals counted half")
        s1 = d.get(q("/api/v1/report", explain="satisfaction_rate", area=AREA_T, rules=1,
                     **period)).json
        eq((s1.get("rules_version"), s1.get("numerator"), s1.get("partial_shares")), (1, 3.0, {}),
           "explain with rules=1 uses version 1")
        check_explain(d, period, rep2, "whole period v2")

    # versions are immutable: a shown version edited and posted back (its version and
    # created_at included, as GET shows them) is stored as the next one
    edited = dict(v2, name="2022年考核规则（修订）", min_volume=4)
    r = ad.post("/api/v1/rules", edited)
    if expect(r, 201, "POST /rules of an edited GET answer"):
        eq((r.json["version"], r.json["name"], r.json["min_volume"]),
           (3, "2022年考核规则（修订）", 4), "an edited version is stored as version 3")
        eq(d.get("/api/v1/rules/2").json, v2, "version 2 is unchanged")


BULLETIN_TYPES = {"html": "text/html; charset=utf-8", "csv": "text/csv; charset=utf-8",
                  "pdf": "application/pdf",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def bulletin_ok(r, fmt, filename, desc):
    """A bulletin download: 200, its type, an attachment named `filename`, the format's magic."""
    if not expect(r, 200, desc):
        return False
    ok = eq(r.header_all("Content-Type"), [BULLETIN_TYPES[fmt]], f"{desc}: Content-Type")
    ok &= eq(r.header_all("Content-Disposition"), [f'attachment; filename="{filename}"'],
             f"{desc}: Content-Disposition")
    ok &= eq(r.header_all("Cache-Control"), ["no-store"], f"{desc}: Cache-Control")
    ok &= eq(int((r.header_all("Content-Length") or ["-1"])[0]), len(r.raw), f"{desc}: Content-Length")
    raw = r.raw
    if fmt == "pdf":
        ok &= check(raw.startswith(b"%PDF-") and b"%%EOF" in raw[-64:], f"{desc}: a whole PDF",
                    raw[:16])
    elif fmt == "xlsx":
        ok &= check(raw.startswith(b"PK\x03\x04") and b"xl/workbook.xml" in raw,
                    f"{desc}: an XLSX zip", raw[:16])
    elif fmt == "csv":
        text = raw.decode("utf-8", "replace")
        ok &= check(raw.startswith(b"\xef\xbb\xbf") and "受理量," in text,
                    f"{desc}: CSV with a BOM and the summary", text[:80])
    else:
        text = raw.decode("utf-8", "replace")
        ok &= check(text.startswith("<!DOCTYPE html>") and "<svg" in text and "</html>" in text,
                    f"{desc}: HTML with inline SVG charts", text[:80])
    return ok


def test_bulletin(w):
    """GET /bulletin: the CLI's bulletin as a download, every format, and its refusals."""
    d = w.s["dispatcher"]
    month = site_today()[:7]
    path = lambda **p: q("/api/v1/bulletin", **p)  # noqa: E731
    got = {}
    for fmt in ("html", "csv", "pdf", "xlsx"):
        r = d.get(path(month=month, format=fmt))
        if bulletin_ok(r, fmt, f"bulletin-{month}.{fmt}", f"bulletin {fmt}"):
            got[fmt] = r.raw
    if "csv" in got:
        csv_text = got["csv"].decode("utf-8")
        check(PHONE not in csv_text and ID_NUMBER not in csv_text and PHONE_MASKED in csv_text,
              "the bulletin's ledger masks phones", csv_text[:200])
        check("张三" not in csv_text and "张*" in csv_text, "the bulletin's ledger masks names")
        # the very bytes `shishi bulletin` writes (CSV has no as-of time to differ by)
        out = os.path.join(w.tmp, "cli-bulletin.csv")
        cli(w.binary, w.db, "bulletin", "--month", month, "--format", "csv", "--out", out)
        with open(out, "rb") as f:
            eq(f.read() == got["csv"], True, "the API's CSV bulletin is the CLI's, byte for byte")
    newest = max(x["version"] for x in d.get("/api/v1/rules").json["items"])
    if "html" in got:
        check(f"考核规则第{newest}版" in got["html"].decode("utf-8"),
              f"the bulletin uses the newest rules ({newest})")
    r = d.get(path(month=month, format="html", rules=1))
    if bulletin_ok(r, "html", f"bulletin-{month}.html", "bulletin rules=1"):
        check("考核规则第1版" in r.raw.decode("utf-8"), "rules=1: the bulletin under version 1")
    frm, to = site_today(-6), site_today()
    r = w.s["auditor"].get(path(**{"from": frm, "to": to, "format": "csv"}))
    bulletin_ok(r, "csv", f"bulletin-{frm}_{to}.csv", "bulletin from/to")

    # every role that may read the report may download it; the rest may not
    for role, status in zip(ROLE_ORDER, [200, 200, 403, 403, 200, 200, 200, 403, 401]):
        r = w.s[role].get(path(month=month, format="csv"))
        if status == 200:
            bulletin_ok(r, "csv", f"bulletin-{month}.csv", f"bulletin as {role}")
        else:
            expect(r, status, f"bulletin as {role}", {401: "unauthorized", 403: "forbidden"}[status])
            eq(r.header_all("Content-Type"), ["application/json; charset=utf-8"],
               f"bulletin as {role}: the refusal is JSON")
            check(not r.header_all("Content-Disposition"), f"bulletin as {role}: no attachment")
    r = w.s["handler_a"].get(path(month=month, format="pdf"))
    expect(r, 403, "a handler may not have the PDF bulletin", "forbidden", "actor")

    for params, status, ecode, field in (
            ({"month": "2021-13", "format": "pdf"}, 400, "invalid", "month"),
            ({"month": "2021-7x", "format": "pdf"}, 400, "invalid", "month"),
            ({"month": "", "format": "pdf"}, 400, "invalid", "month"),
            ({"format": "pdf"}, 400, "invalid", "month"),
            ({"month": month, "from": frm, "to": to, "format": "pdf"}, 400, "invalid", "month"),
            ({"from": frm, "format": "csv"}, 400, "invalid", "to"),
            ({"from": to, "to": frm, "format": "csv"}, 400, "invalid", "to"),
            ({"from": "2021-02-30", "to": to, "format": "csv"}, 400, "invalid", None),
            ({"month": month}, 400, "invalid", "format"),
            ({"month": month, "format": "docx"}, 400, "invalid", "format"),
            ({"month": month, "format": "PDF"}, 400, "invalid", "format"),
            ({"month": month, "format": "pdf", "rules": "abc"}, 400, "invalid", "rules"),
            ({"month": month, "format": "pdf", "rules": "99"}, 404, "not_found", "rules")):
        r = d.get(path(**params))
        expect(r, status, f"bulletin {params}", ecode, field)
        eq(r.header_all("Content-Type"), ["application/json; charset=utf-8"],
           f"bulletin {params}: the error is JSON")
    expect(d.call("POST", path(month=month, format="csv"), {}), 404, "POST /bulletin", "not_found",
           "path")

    # several at once, in every format: the renderers run on the server's worker threads
    results = {}

    def fetch_one(i):
        fmt = ("pdf", "xlsx", "html", "csv")[i % 4]
        results[i] = (fmt, d.get(path(month=month, format=fmt)))

    threads = [threading.Thread(target=fetch_one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, (fmt, r) in sorted(results.items()):
        if bulletin_ok(r, fmt, f"bulletin-{month}.{fmt}", f"concurrent bulletin {i} ({fmt})") \
                and fmt == "csv" and "csv" in got:
            eq(r.raw == got["csv"], True, f"concurrent bulletin {i}: the same CSV")
    eq(len(results), 8, "8 concurrent bulletins answered")
    left = sorted(os.listdir(w.server_tmp))
    eq(left, [], "rendering leaves nothing behind in the server's TMPDIR")


def test_public(w):
    body = {"title": "路口积水", "content": "下雨后路口积水严重。", "phone": "13900005678",
            "citizen_name": "李四", "kind": "求助"}
    r = fetch("POST", "/api/v1/public/appeals", body)
    if not expect(r, 201, "public submit"):
        return
    code = r.json["code"]
    eq(set(r.json), {"code", "status", "message"}, "public submit answers code, status, message")
    eq(r.json["status"], "received", "public appeal is received")
    r = fetch("GET", q(f"/api/v1/public/appeals/{code}", phone_last4="5678"))
    if expect(r, 200, "public follow with the right phone digits"):
        j = r.json
        eq(set(j), {"code", "status", "status_label", "title", "received_at", "replied_at",
                    "reply", "timeline"}, "public follow shows public fields only")
        eq({k for step in j["timeline"] for k in step}, {"label", "at"},
           "the public timeline names steps and times only (no actors, notes, records)")
        eq((j["code"], j["status"], j["title"]), (code, "received", "路口积水"), "public follow")
        check("13900005678" not in r.raw.decode() and "下雨后" not in r.raw.decode(),
              "no phone or content in the public view", j)
    expect(fetch("GET", q(f"/api/v1/public/appeals/{code}", phone_last4="1234")), 404,
           "public follow with wrong phone digits", "not_found", "code")
    expect(fetch("GET", q("/api/v1/public/appeals/YD000000000000", phone_last4="5678")), 404,
           "public follow of an unknown code", "not_found")
    expect(fetch("GET", f"/api/v1/public/appeals/{code}"), 400, "public follow without digits",
           "invalid", "phone_last4")
    r = w.s["dispatcher"].get(path_of(code))
    if expect(r, 200, "staff read the public appeal"):
        eq((r.json["channel"], r.json["phone"], r.json["history"][0]["actor"]),
           ("网站/H5", "139****5678", "citizen"), "public appeal comes in through the web")
    w.public_code = code

    # following is limited too (30 a minute an address), so codes and phone endings
    # cannot be walked
    src = "127.0.0.10"
    statuses = [fetch("GET", q(f"/api/v1/public/appeals/{code}", phone_last4=f"{i:04d}"),
                      src=src).status for i in range(30)]
    eq(statuses.count(404), 30, "30 follows a minute are answered (all wrong endings: 404)")
    expect(fetch("GET", q(f"/api/v1/public/appeals/{code}", phone_last4="5678"), src=src), 429,
           "the 31st follow in a minute is refused", "too_many_requests")

    # 5 a minute from one address: the 6th is refused
    src = "127.0.0.9"
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)
    for i in range(5):
        r = fetch("POST", "/api/v1/public/appeals", dict(body, title=f"积水 {i}"), src=src)
        expect(r, 201, f"public submit {i + 1} of 5")
    r = fetch("POST", "/api/v1/public/appeals", dict(body, title="积水 6"), src=src)
    expect(r, 429, "6th public submit within a minute", "too_many_requests")
    r = fetch("POST", "/api/v1/public/appeals", dict(body, title="积水"), src="127.0.0.10")
    expect(r, 201, "another address may still submit")
    src = "127.0.0.11"
    expect(fetch("POST", "/api/v1/public/appeals", {"title": "x", "content": "y"}, src=src), 400,
           "public submit without a phone", "invalid", "phone")
    expect(fetch("POST", "/api/v1/public/appeals", {"title": "x", "content": "y",
                                                   "phone": "12345678901234567890"}, src=src),
           400, "public submit with a 20-digit phone", "invalid", "phone")
    expect(fetch("POST", "/api/v1/public/appeals", "{", src=src), 400,
           "public submit of malformed JSON", "invalid", "body")


# Rows: (method, path key, body maker or None, expected status per role in ROLE_ORDER).
ROLE_ORDER = ["admin", "dispatcher", "handler_a", "handler_b", "leader", "leader_a", "auditor",
              "citizen", "anonymous"]


def test_matrix(w):
    # Fixtures read by GETs and refused writes; they must not change.
    fx = {"A": w.fresh("dispatched", lead=A), "AB": w.fresh("dispatched", lead=A, assist=[B]),
          "B": w.fresh("dispatched", lead=B), "R": w.fresh("received")}
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    ALL = [200] * 7 + [403, 401]
    REPORTERS = [200, 200, 403, 403, 200, 200, 200, 403, 401]
    gets = [
        ("/api/v1/session", [200] * 8 + [401]),
        ("/api/v1/appeals", ALL),
        (path_of(fx["A"]["code"]), [200, 200, 200, 403, 200, 200, 200, 403, 401]),
        (path_of(fx["AB"]["code"]), [200, 200, 200, 200, 200, 200, 200, 403, 401]),
        (path_of(fx["B"]["code"]), [200, 200, 403, 200, 200, 403, 200, 403, 401]),
        (path_of(fx["R"]["code"]), [200, 200, 403, 403, 200, 403, 200, 403, 401]),
        ("/api/v1/units", ALL),
        ("/api/v1/areas", ALL),
        ("/api/v1/channels", ALL),
        ("/api/v1/users", [200, 403, 403, 403, 403, 403, 200, 403, 401]),
        (q("/api/v1/calendar/is", date="2021-10-01"), ALL),
        (q("/api/v1/calendar/add", date="2021-09-30", n=5), ALL),
        (q("/api/v1/report", **{"from": today, "to": today}), REPORTERS),
        (q("/api/v1/report", **{"from": today, "to": today, "explain": "reply_rate"}), REPORTERS),
        (q("/api/v1/report", **{"from": today, "to": today, "explain": "overdue", "unit": A}),
         REPORTERS),
        ("/api/v1/rules", REPORTERS),
        ("/api/v1/rules/1", REPORTERS),
        (q("/api/v1/bulletin", month=today[:7], format="csv"), REPORTERS),
        ("/api/v1/audit/verify", [200, 403, 403, 403, 403, 403, 200, 403, 401]),
    ]
    for path, want in gets:
        for role, status in zip(ROLE_ORDER, want):
            r = w.s[role].get(path)
            expect(r, status, f"matrix: {role} GET {path.split('?')[0]}",
                   {401: "unauthorized", 403: "forbidden"}.get(status))

    n = [0]

    def uniq(prefix):
        n[0] += 1
        return f"{prefix}{n[0]}"

    org_posts = [
        ("/api/v1/units", lambda: {"name": uniq("测试局"), "kind": "department",
                                   "parent": DISTRICT}),
        ("/api/v1/areas", lambda: {"name": uniq("领域"), "code": uniq("area")}),
        ("/api/v1/channels", lambda: {"name": uniq("渠道"), "code": uniq("ch")}),
        ("/api/v1/users", lambda: {"username": uniq("user"), "role": "auditor",
                                   "password": PASSWORD}),
        ("/api/v1/rules", lambda: {"name": uniq("矩阵规则")}),
        ("/api/v1/appeals", lambda: appeal_body()),
    ]
    for path, body in org_posts:
        want = [201, 201] if path.endswith("appeals") else [201, 403]
        want += [403] * 6 + [401]
        for role, status in zip(ROLE_ORDER, want):
            expect(w.s[role].post(path, body()), status, f"matrix: {role} POST {path}",
                   {401: "unauthorized", 403: "forbidden"}.get(status))

    # Actions: (action, fixture state, lead, assist, body, expected per role). An allowed
    # call gets a fresh appeal; refused calls share one, which must come through unchanged.
    lead_only = [200, 403, 200, 403, 403, 403, 403, 403, 401]
    disp_only = [200, 200, 403, 403, 403, 403, 403, 403, 401]
    urgers = [200, 200, 403, 403, 200, 200, 403, 403, 401]
    actions = [
        ("dispatch", "received", A, [], {"unit": A}, disp_only),
        ("reject", "received", A, [], {"reason": "重复"}, disp_only),
        ("accept", "dispatched", A, [], {}, lead_only),
        ("accept", "dispatched", A, [B], {}, lead_only),  # an assisting unit may not sign
        ("return", "dispatched", A, [], {"reason": "非本单位"}, lead_only),
        ("urge", "dispatched", A, [], {}, urgers),
        ("supervise", "dispatched", A, [], {}, urgers),
        ("urge", "dispatched", B, [], {}, [200, 200, 403, 403, 200, 403, 403, 403, 401]),
        ("extend", "accepted", A, [], {"days": 2, "reason": "协调中"}, lead_only),
        ("extend-approve", "pending", A, [], {}, disp_only),
        ("reply", "accepted", A, [], {"text": "已处理"}, lead_only),
        ("visit", "replied", A, [], {"solved": "yes", "satisfaction": "满意"}, disp_only),
        ("close", "visited", A, [], {"evidence": ["录音"]}, disp_only),
        ("merge", "received", A, [], {"into": fx["R"]["code"]}, disp_only),
    ]
    for action, state, lead, assist, body, want in actions:
        st = "accepted" if state == "pending" else state
        shared = w.fresh(st, lead=lead, assist=assist, ext_pending=state == "pending")
        desc_tail = f"{action} ({state}, led by {lead}{' assisted by ' + B if assist else ''})"
        for role, status in zip(ROLE_ORDER, want):
            a = shared if status != 200 else w.fresh(st, lead=lead, assist=assist,
                                                     ext_pending=state == "pending")
            r = w.s[role].post(path_of(a["code"], action), dict(body, version=a["version"]))
            expect(r, status, f"matrix: {role} {desc_tail}",
                   {401: "unauthorized", 403: "forbidden"}.get(status))
        after = w.s["dispatcher"].get(path_of(shared["code"])).json
        eq(after["version"], shared["version"], f"matrix: refused {action} left the appeal as it was")
    for key, a in fx.items():
        after = w.s["dispatcher"].get(path_of(a["code"])).json
        eq(after["version"], a["version"], f"matrix: fixture {key} unchanged")

    # Lists: a handler sees their unit's appeals only (lead or assisting), a leader their
    # unit's subtree; total and pages count only what they may see.
    for role, unit, lead_only_rule in (("handler_a", A, False), ("handler_b", B, False),
                                       ("leader_a", A, True)):
        for extra in ({}, {"unit": B if unit == A else A}):
            r = w.s[role].get(q("/api/v1/appeals", limit=500, **extra))
            if expect(r, 200, f"{role} list {extra}"):
                items = r.json["items"]
                mine = (lambda a: a["lead_unit"] == unit) if lead_only_rule else \
                    (lambda a: unit in [a["lead_unit"]] + a["assist_units"])
                bad = [a["code"] for a in items if not mine(a)]
                eq(bad, [], f"{role} list {extra}: only own unit's appeals")
                eq(r.json["total"], len(items), f"{role} list {extra}: total counts what they see")
        r = w.s[role].get(q("/api/v1/appeals", limit=500))
        everyone = w.s["dispatcher"].get(q("/api/v1/appeals", limit=500)).json["items"]
        if r.status == 200:
            mine = (lambda a: a["lead_unit"] == unit) if lead_only_rule else \
                (lambda a: unit in [a["lead_unit"]] + a["assist_units"])
            eq(sorted(a["code"] for a in r.json["items"]),
               sorted(a["code"] for a in everyone if mine(a)), f"{role} list misses none of theirs")
        r = w.s[role].get(q("/api/v1/appeals", limit=2))
        if r.status == 200 and r.json["total"] > 2:
            eq(r.json["next_cursor"], "2", f"{role} list: next_cursor")

    # Masking: every read masks; a disclosure (查看完整号码) shows the data in full to admin,
    # dispatcher and the handling units, and is refused to the rest.
    full = (PHONE, "张三", ID_NUMBER)
    masked = (PHONE_MASKED, "张*", "110101********1234")
    for role, key, may in (("admin", "A", True), ("dispatcher", "A", True),
                           ("handler_a", "A", True), ("handler_b", "AB", True),
                           ("handler_a", "AB", True), ("leader", "A", False),
                           ("leader_a", "A", False), ("auditor", "A", False)):
        r = w.s[role].get(path_of(fx[key]["code"]))
        if r.status == 200:
            j = r.json
            eq((j["phone"], j["citizen_name"], j["id_number"]), masked,
               f"masking: {role} reads appeal {key} masked")
        r = w.s[role].post(path_of(fx[key]["code"], "disclose"))
        if may and expect(r, 200, f"masking: {role} discloses appeal {key}"):
            eq((r.json["phone"], r.json["citizen_name"], r.json["id_number"]), full,
               f"masking: {role} sees appeal {key} in full once disclosed")
        elif not may:
            expect(r, 403, f"masking: {role} may not disclose appeal {key}", "forbidden")
    for role in ("leader", "auditor", "handler_a", "dispatcher"):
        r = w.s[role].get(q("/api/v1/appeals", limit=500))
        if r.status == 200:
            leaks = [a["code"] for a in r.json["items"] if a["phone"] == PHONE]
            eq(leaks, [], f"masking: {role}'s list shows no full phone")


def raw_post(sess, path, data, ctype="application/json", extra=None):
    h = {"Authorization": "Bearer " + sess.token}
    h.update(extra or {})
    if ctype:
        h["Content-Type"] = ctype
    return fetch("POST", path, data, h, ctype=None)


def test_bad_input(w):
    d, ad = w.s["dispatcher"], w.s["admin"]
    reg = "/api/v1/appeals"
    r = raw_post(d, reg, b'{"title": "x", ')
    expect(r, 400, "malformed JSON", "invalid", "body", "malformed JSON")
    expect(raw_post(d, reg, b'[1, 2]'), 400, "a JSON array", "invalid", "body", "JSON object")
    expect(raw_post(d, reg, b''), 400, "an empty body", "invalid", "body")
    expect(raw_post(d, reg, b'{"kind": "a", "kind": "b"}'), 400, "duplicate keys", "invalid", "body")
    expect(d.post(reg, appeal_body(title=5)), 400, "title 5", "invalid", "title", "string")
    expect(d.post(reg, appeal_body(title=None)), 400, "missing title", "invalid", "title")
    expect(d.post(reg, appeal_body(kind=None)), 400, "missing kind", "invalid", "kind")
    expect(d.post(reg, appeal_body(content=None)), 400, "missing content", "invalid", "content")
    expect(d.post(reg, appeal_body(channel=None)), 400, "missing channel", "invalid", "channel")
    expect(d.post(reg, appeal_body(kind="闲聊")), 400, "unknown kind", "invalid", "kind", "闲聊")
    expect(d.post(reg, appeal_body(channel="飞鸽")), 404, "unknown channel", "not_found", None, "飞鸽")
    expect(d.post(reg, appeal_body(title="长" * 201)), 400, "a 201-character title", "invalid",
           "title", "200")
    r = d.post(reg, appeal_body(title="长" * 200))
    expect(r, 201, "a 200-character title (limits count characters)")
    expect(d.post(reg, appeal_body(phone="138-abc")), 400, "phone with letters", "invalid", "phone")
    expect(d.post(reg, appeal_body(id_number="12345")), 400, "short ID number", "invalid",
           "id_number")
    expect(d.post(reg, appeal_body(urgency="whenever")), 400, "unknown urgency", "invalid",
           "urgency")
    expect(raw_post(d, reg, '{"title": "a\\u0000b", "content": "c", "kind": "咨询", '
                            '"channel": "hotline"}'.encode()), 400, "a NUL in a string",
           "invalid")
    # invalid UTF-8, raw and escaped
    bad = b'{"title": "\xff\xfe bad", "content": "c", "kind": "x", "channel": "hotline"}'
    expect(raw_post(d, reg, bad), 400, "invalid UTF-8 bytes in a string", "invalid", "body")
    bad = b'{"title": "\xe4\xbd", "content": "c", "kind": "x", "channel": "hotline"}'
    expect(raw_post(d, reg, bad), 400, "truncated UTF-8 sequence", "invalid", "body")
    bad = b'{"title": "\\ud800", "content": "c", "kind": "x", "channel": "hotline"}'
    expect(raw_post(d, reg, bad), 400, "a lone surrogate escape", "invalid", "body")
    # content types
    expect(raw_post(d, reg, b'{}', ctype="text/plain"), 415, "Content-Type text/plain",
           "unsupported_media_type", "Content-Type")
    expect(raw_post(d, reg, b'{}', ctype=None), 415, "no Content-Type", "unsupported_media_type")
    r = raw_post(d, reg, json.dumps(appeal_body()).encode(), ctype="application/json; charset=utf-8")
    expect(r, 201, "Content-Type with a charset")
    # unknown ids and endpoints
    expect(d.get(path_of("YD209901010001")), 404, "unknown appeal code", "not_found", "appeal",
           "YD209901010001")
    expect(d.post(path_of("YD209901010001", "accept"), {"version": 1}), 404,
           "action on an unknown appeal", "not_found", "appeal")
    a = w.register()
    r = d.post(path_of(a["code"], "dispatch"), {"version": 1, "unit": "不存在局"})
    expect(r, 404, "dispatch to an unknown unit", "not_found", "unit", "'不存在局'")
    r = d.post(path_of(a["code"], "dispatch"), {"version": 1, "unit": A, "assist": ["没有科"]})
    expect(r, 404, "dispatch with an unknown assisting unit", "not_found", "unit", "没有科")
    expect(d.post(path_of(a["code"], "dispatch"), {"version": 1, "unit": A, "assist": [A]}), 400,
           "lead unit also assisting", "invalid", "assist")
    expect(d.post(path_of(a["code"], "dispatch"), {"version": 1, "unit": A, "assist": "城管局"}),
           400, "assist not an array", "invalid", "assist")
    expect(d.post(path_of(a["code"], "dispatch"), {"version": "x", "unit": A}), 400,
           "version 'x'", "invalid", "version")
    expect(d.post(path_of(a["code"], "dispatch"), {"version": 1.5, "unit": A}), 400,
           "version 1.5", "invalid", "version")
    expect(d.post(path_of(a["code"], "dispatch"), {"version": 10 ** 30, "unit": A}), 400,
           "version 10^30", "invalid")
    expect(d.post(path_of(a["code"], "dispatch"), {"version": 1, "unit": A, "complex": "yes"}),
           400, "complex 'yes'", "invalid", "complex")
    expect(d.post(path_of(a["code"], "dispatch"), {"version": 1, "unit": A, "days": 2,
                                                   "hours": 4}), 400, "days and hours",
           "invalid", "days")
    expect(d.post(path_of(a["code"], "dispatch"), {"version": 1, "unit": ["x"]}), 400,
           "unit as an array", "invalid", "unit")
    eq(d.get(path_of(a["code"])).json["version"], 1, "refused input left the appeal alone")
    expect(d.get("/api/v1/nothing"), 404, "unknown endpoint", "not_found", "path")
    expect(d.call("PUT", "/api/v1/appeals", {}), 404, "PUT /appeals", "not_found")
    expect(d.get("/api/v1/appeals/x/y/z"), 404, "too deep a path", "not_found")
    # a path too long to keep must not be cut down to another endpoint
    long_path = path_of(a["code"], "reject") + "/" * 600 + "x/y"
    expect(d.post(long_path, {"version": 1, "reason": "x"}), 404,
           "a 600-byte path ending in an action", "not_found", "path")
    # a body larger than 1 MiB: announced by Content-Length, or streamed without one
    big = b'{"title": "' + b"a" * (1 << 20) + b'"}'
    expect(raw_post(d, reg, big), 413, "a body over 1 MiB", "too_large", "body")
    expect(chunked_post(d, reg, big), 413, "a chunked body over 1 MiB", "too_large", "body")
    head = '{"kind": "咨询", "channel": "hotline", "content": "c", "title": "'.encode()
    exact = head + b"a" * ((1 << 20) - len(head) - 2) + b'"}'
    expect(raw_post(d, reg, exact), 400, "a body of exactly 1 MiB is read (and its title refused)",
           "invalid", "title")
    # SQL and HTML in text fields are stored and returned as they were sent
    evil = {"title": "'); DROP TABLE appeals;--", "content": "<script>alert(1)</script>",
            "citizen_name": "Robert'); DELETE FROM users;--", "address": "<img src=x onerror=1>",
            "channel": "hotline", "kind": "咨询", "phone": PHONE}
    before = d.get(q("/api/v1/appeals", limit=1)).json["total"]
    r = d.post(reg, evil)
    if expect(r, 201, "register with SQL and HTML in text fields"):
        code = r.json["code"]
        for k in ("title", "content"):
            eq(r.json[k], evil[k], f"{k} returned verbatim")
        g = d.get(path_of(code))
        u = d.post(path_of(code, "disclose")).json or {}
        for k in ("title", "content", "citizen_name", "address"):
            eq((g.json if k in ("title", "content") else u).get(k), evil[k], f"{k} stored verbatim")
        check(b"<script>alert(1)</script>" in g.raw, "HTML is not escaped into something else")
        eq(g.header_all("Content-Type"), ["application/json; charset=utf-8"],
           "responses are JSON, not HTML")
        eq(g.header_all("X-Content-Type-Options"), ["nosniff"], "nosniff")
        r = d.post(path_of(code, "reject"), {"version": 1, "reason": "x'; DROP TABLE events;--"})
        if expect(r, 200, "SQL in a reason"):
            h = d.get(path_of(code)).json["history"]
            eq(h[-1]["details"].get("reason"), "x'; DROP TABLE events;--", "reason stored verbatim")
        lst = d.get(q("/api/v1/appeals", limit=500))
        if expect(lst, 200, "the appeals table still works"):
            eq(lst.json["total"], before + 1, "and holds one more appeal")
            check(any(x["title"] == evil["title"] for x in lst.json["items"]), "listed verbatim")
        expect(ad.get("/api/v1/users"), 200, "the users table still works")
    # login oddities
    expect(fetch("POST", "/api/v1/session", {"username": ["paidan"], "password": "x"},
                src="127.0.0.12"), 400, "login with username as an array", "invalid", "username")


def chunked_post(sess, path, data):
    global REQUESTS
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Authorization", "Bearer " + sess.token)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.endheaders()
        for i in range(0, len(data), 65536):
            part = data[i:i + 65536]
            conn.send(b"%x\r\n%s\r\n" % (len(part), part))
        conn.send(b"0\r\n\r\n")
        resp = conn.getresponse()
        r = Resp(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()
    with COUNT_LOCK:
        REQUESTS += 1
    return r


# ---- concurrency -------------------------------------------------------------------------

THREADS = 8
TARGET = 2000


def test_concurrency(w):
    """8 clients, each with its own sessions, share a pool of appeals and act on them with
    the version they last read; a 409 means someone else got there first: re-read, retry."""
    lock = threading.Lock()
    acked = []  # (code, url action, version after, username, status after)
    unexpected = []
    transport = []
    pool = []  # codes of appeals still open to actions
    stats = {"conflicts": 0, "posts": 0}
    sessions = [(session("paidan"), session("zhujian")) for _ in range(THREADS)]

    def record(code, action, r, who):
        with lock:
            acked.append((code, action, r.json["version"], who.username, r.json["status"]))

    def register(disp):
        r = disp.post("/api/v1/appeals", appeal_body(title=f"并发 {random.random():.6f}"))
        with lock:
            stats["posts"] += 1
        if r.status == 201:
            record(r.json["code"], "register", r, disp)
            with lock:
                pool.append(r.json["code"])
        else:
            with lock:
                unexpected.append(("register", short(r)))

    for _ in range(24):
        register(sessions[0][0])

    def worker(i):
        disp, hand = sessions[i]
        rnd = random.Random(1000 + i)
        while True:
            with lock:
                if len(acked) >= TARGET or stats["posts"] > 3 * TARGET:
                    return
                open_codes = list(pool)
            try:
                if len(open_codes) < 16 or rnd.random() < 0.03:
                    register(disp)
                    continue
                code = rnd.choice(open_codes)
                g = disp.get(path_of(code))
                if g.status != 200:
                    with lock:
                        unexpected.append(("GET", short(g)))
                    continue
                a = g.json
                st, v = a["status"], a["version"]
                x = rnd.random()
                if st == "received":
                    who, action, body = disp, "dispatch", {"unit": A}
                elif st == "dispatched":
                    who, action, body = (hand, "accept", {}) if x < 0.7 else (disp, "urge", {})
                elif st == "accepted":
                    if a["extension_requested"]:
                        who, action, body = disp, "extend-approve", {}
                    elif x < 0.1 and a["extensions"] < 2:
                        who, action, body = hand, "extend", {"days": 1, "reason": "并发延期"}
                    elif x < 0.25:
                        who, action, body = disp, "supervise", {}
                    else:
                        who, action, body = hand, "reply", {"text": "已处理", "evidence": ["e"]}
                elif st == "replied":
                    sat = "不满意" if x < 0.15 else "满意"
                    who, action, body = disp, "visit", {"solved": "yes", "satisfaction": sat}
                elif st == "visited":
                    who, action, body = disp, "close", {}
                else:
                    with lock:
                        if code in pool:
                            pool.remove(code)
                    continue
                body["version"] = v
                r = who.post(path_of(code, action), body)
                with lock:
                    stats["posts"] += 1
                if 200 <= r.status < 300:
                    record(code, action, r, who)
                    if r.json["status"] not in OPEN:
                        with lock:
                            if code in pool:
                                pool.remove(code)
                elif r.status == 409:
                    with lock:
                        stats["conflicts"] += 1
                else:
                    with lock:
                        unexpected.append((action, short(r)))
            except (OSError, http.client.HTTPException) as ex:
                with lock:
                    transport.append(repr(ex))

    t0 = time.time()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - t0
    check(len(acked) >= TARGET, f"{TARGET} actions acknowledged", f"{len(acked)} in {took:.1f}s")
    eq(unexpected[:5], [], "every action answered 2xx or 409")
    eq(transport[:5], [], "no transport errors")
    check(stats["conflicts"] > 0, "clients did collide (409s happened)", stats)
    print(f"# concurrency: {len(acked)} acknowledged, {stats['conflicts']} conflicts, "
          f"{stats['posts']} posts in {took:.1f}s", file=sys.stderr)

    # every acknowledged action is in its appeal's history, and nothing else is
    d = w.s["dispatcher"]
    by_code = {}
    for code, action, version, user, status in acked:
        by_code.setdefault(code, []).append((action, version, user, status))
    missing, phantom, bad_chain = [], [], []
    for code, acts in by_code.items():
        h = d.get(path_of(code)).json["history"]
        by_seq = {ev["seq"]: ev for ev in h}
        for action, version, user, status in acts:
            seq = version - 1 if (action == "visit" and status == "accepted") else version
            ev = by_seq.get(seq)
            if not ev or ev["action"] != action.replace("-", "_") or ev["actor"] != user:
                missing.append((code, action, version, user))
        humans = [ev for ev in h if ev["actor"] != "system"]
        if len(humans) != len(acts):
            phantom.append((code, len(humans), len(acts)))
        if not chain_ok(h):
            bad_chain.append(code)
    eq(missing[:5], [], "every acknowledged action has its event")
    eq(phantom[:5], [], "no event without an acknowledged action")
    eq(bad_chain[:5], [], "every history is a legal sequence of transitions")
    w.concurrency_codes = set(by_code)


def test_final_consistency(w):
    d, au = w.s["dispatcher"], w.s["auditor"]
    items, cursor = [], None
    for _ in range(200):
        params = {"limit": 100}
        if cursor:
            params["cursor"] = cursor
        r = d.get(q("/api/v1/appeals", **params))
        if r.status != 200:
            break
        items += r.json["items"]
        cursor = r.json["next_cursor"]
        if not cursor:
            break
    eq(len(items), len({a["code"] for a in items}), "final list has no duplicates")
    events, impossible = 0, []
    for a in items:
        j = d.get(path_of(a["code"])).json
        h = j["history"]
        events += len(h)
        st = j["status"]
        ok = (chain_ok(h) and h and h[-1]["to"] == st and j["version"] == len(h)
              and (st != "closed" or j["closed_at"])
              and (st not in ("dispatched", "accepted", "replied", "visited", "closed", "returned")
                   or (j["lead_unit"] and j["deadline"]))
              and (st not in ("replied", "visited", "closed") or j["reply"])
              and (st != "merged" or j["merged_into"])
              and (st != "received" or not j["lead_unit"]))
        if not ok:
            impossible.append((a["code"], st, [ev["action"] for ev in h]))
    eq(impossible[:5], [], "no appeal is in an impossible state")
    r = au.get("/api/v1/audit/verify")
    if expect(r, 200, "final audit/verify"):
        eq(r.json.get("ok"), True, "the audit chain verifies after the concurrent run")
        eq((r.json.get("events") - r.json.get("disclosures", 0), r.json.get("appeals")),
           (events, len(items)), "the chain holds every event of every appeal, and the disclosures")
        check(r.json.get("disclosures", 0) >= 6, "each 查看完整号码 of this run is sealed", r.json)


# ---- the server --------------------------------------------------------------------------


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cli(binary, db, *args, stdin=None):
    p = subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"shishi {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


def setup_org(binary, db):
    cli(binary, db, "init")
    cli(binary, db, "unit", "add", "--name", DISTRICT, "--kind", "district")
    for name, kind in ((A, "department"), (B, "department"), (TOWN, "town")):
        cli(binary, db, "unit", "add", "--name", name, "--kind", kind, "--parent", DISTRICT)
    for username, role, unit in USERS:
        args = ["user", "add", "--username", username, "--role", role, "--password-stdin"]
        if unit:
            args += ["--unit", unit]
        cli(binary, db, *args, stdin=PASSWORD + "\n")


def main():
    global PORT
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print(f"usage: python3 {sys.argv[0]} /path/to/shishi", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    binary = os.path.abspath(sys.argv[1])
    t_start = time.time()
    tmp = tempfile.TemporaryDirectory(prefix="shishi-api.")
    db = os.environ.get("SHISHI_TEST_DB_URL") or os.path.join(tmp.name, "ledger.db")
    log_path = os.path.join(tmp.name, "server.log")
    env = dict(os.environ)
    server_tmp = os.path.join(tmp.name, "server-tmp")  # the server's TMPDIR, to see it left empty
    os.mkdir(server_tmp)
    env["TMPDIR"] = server_tmp
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    server = None
    try:
        setup_org(binary, db)
        PORT = free_port()
        with open(log_path, "wb") as log:
            server = subprocess.Popen(
                [binary, "--db", db, "serve", "--listen", f"127.0.0.1:{PORT}",
                 "--public-per-minute", "5"], stdout=subprocess.DEVNULL, stderr=log, env=env)
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

        w = World()
        w.db, w.binary, w.tmp, w.server_tmp = db, binary, tmp.name, server_tmp
        for key, user in (("admin", "admin"), ("dispatcher", "paidan"), ("handler_a", "zhujian"),
                          ("handler_b", "chengguan"), ("leader", "lingdao"),
                          ("leader_a", "lingdao_zj"), ("auditor", "shenji"),
                          ("citizen", "qunzhong")):
            w.s[key] = session(user)
        w.s["anonymous"] = Anonymous()

        for section in (test_health, test_login, test_lockout, test_sessions, test_lifecycle,
                        test_list, test_org, test_calendar_report_audit, test_assess,
                        test_bulletin, test_public,
                        test_matrix, test_bad_input, test_concurrency, test_final_consistency):
            t0 = time.time()
            try:
                if section.__code__.co_argcount:
                    section(w)
                else:
                    section()
            except Exception as ex:  # a crash in one section fails it, not the run
                check(False, f"{section.__name__} ran to the end", repr(ex))
            print(f"# {section.__name__}: {time.time() - t0:.1f}s", file=sys.stderr)

        # stop: SIGTERM, exit 0, one access line per request, no query strings
        server.send_signal(signal.SIGTERM)
        try:
            rc = server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rc = None
        eq(rc, 0, "the server exits 0 within 10 s of SIGTERM")
        server = None
        with open(log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        lines = log.splitlines()
        access = [ln for ln in lines if ln.startswith("access ")]
        eq(len(access), REQUESTS, "one access line per request")
        check(any(re.search(r"method=POST path=/api/v1/session status=401 .* user=-$", ln)
                  for ln in access), "a failed login is logged without a user")
        code = getattr(w, "public_code", "-")
        check(any(f"method=GET path=/api/v1/public/appeals/{code} status=200" in ln
                  for ln in access), "the public follow is logged by its path")
        check(any(re.search(r"method=POST path=/api/v1/appeals status=201 .* user=paidan$", ln)
                  for ln in access), "a registration is logged with its user")
        check(any(re.search(r"method=GET path=/api/v1/bulletin status=200 bytes=\d{4,} ", ln)
                  for ln in access), "a bulletin download is logged with its size")
        paths = [re.search(r" path=(\S*)", ln).group(1) for ln in access]
        eq([p for p in paths if "?" in p][:3], [], "no query string in the access log")
        check("phone_last4" not in log, "no phone digits in the access log")
        check(not re.search(r"AddressSanitizer|LeakSanitizer|runtime error:", log),
              "no sanitizer report", "\n".join(ln for ln in lines if "Sanitizer" in ln)[:500])
        check("shishi: stopped" in log, "the server says it stopped")
    except Exception as ex:
        check(False, "the test ran to the end", repr(ex))
    finally:
        if server is not None:
            server.kill()
            server.wait()
        if FAILED:
            try:
                with open(log_path, encoding="utf-8", errors="replace") as f:
                    tail = [ln for ln in f.read().splitlines() if not ln.startswith("access ")]
                print("# server stderr (without access lines):\n# " + "\n# ".join(tail[-20:]),
                      file=sys.stderr)
            except OSError:
                pass
        tmp.cleanup()
    print(f"# took {time.time() - t_start:.1f}s", file=sys.stderr)
    print(f"{PASSED} passed, {FAILED} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
