#!/usr/bin/env python3
"""test_auth.py -- login throttling and the admin's changes to users, over real HTTP (issue 11).

    python3 tests/api/test_auth.py /path/to/shishi

On a fresh database (SHISHI_TEST_DB_URL, else a SQLite file) it runs `shishi serve --threads
16 --trusted-proxy 127.0.0.1` and checks:
  - NAT: one address, a wrong password for paidan once and for shenji twice, then shenji's
    right password still gets in (an address is not slowed by a few failures);
  - proxy: behind the trusted proxy (peer 127.0.0.1) clients are told apart by
    X-Forwarded-For / X-Real-IP: ten wrong passwords from one client lock nobody else out, 20
    failures across accounts slow that client only; the public submission limit is per client;
    from a peer that is not trusted the headers are ignored;
  - 48 concurrent wrong logins for one account check at most the documented number of
    passwords: every answer 401 is one Argon2 verify (a 429 is answered before any), and the
    stored failure count must agree;
  - 100 passwords tried one after another on one account: nearly all refused unchecked, with
    "1 second" / "N seconds" in the message;
  - a known username with a wrong password and an unknown username take the same time within
    20 % (medians of 9 tries each);
  - users: disable (the user's session ends at once), enable, password (old session and old
    password end), unit, role; a non-admin is refused and nothing changes; audit verify counts
    the changed users, and finds a user row changed behind the program's back.
Then the same database under `serve` without --trusted-proxy: X-Forwarded-For is ignored, so
20 failures from "different" forwarded clients slow every client of the proxy.

Linux routes all of 127.0.0.0/8 to lo, so clients that need an address of their own bind
127.0.0.x. Standard library only; prints failed checks and "N passed, M failed".
"""

import http.client
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib  # noqa: E402
from apilib import check, eq, expect  # noqa: E402

PASSWORD = "Zhengwu-2021!"
A, B = "住建局", "城管局"
UNITS = [(A, "department"), (B, "department")]
TIMING_USERS = [f"t{i}" for i in range(1, 10)]
USERS = [("admin", "admin", None), ("paidan", "dispatcher", None), ("shenji", "auditor", None),
         ("zhujian", "handler", A), ("lingdao", "leader", None), ("c1", "dispatcher", None),
         ("b1", "dispatcher", None), ("victim", "handler", A)] + \
        [(u, "dispatcher", None) for u in TIMING_USERS]

# service.h: LOGIN_SLOW_AFTER, LOGIN_ADDR_SLOW_AFTER
SLOW_AFTER = 3
ADDR_SLOW_AFTER = 20


def req(method, path, body=None, token=None, src="127.0.0.1", headers=None):
    h = dict(headers or {})
    data = None
    if token:
        h["Authorization"] = "Bearer " + token
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        h["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", apilib.PORT, timeout=120,
                                      source_address=(src, 0))
    try:
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        return apilib.Response(resp.status, resp.read())
    finally:
        conn.close()


def login(user, password=PASSWORD, src="127.0.0.1", xff=None, real_ip=None):
    h = {}
    if xff:
        h["X-Forwarded-For"] = xff
    if real_ip:
        h["X-Real-IP"] = real_ip
    return req("POST", "/api/v1/session", {"username": user, "password": password}, src=src,
               headers=h)


def last_failure_then(fail, probes):
    """Runs fail() (a failing login) in a thread and, while its password is being checked,
    probes(): the throttle's wait counts from the attempt (counted before Argon2 runs), so
    probes made then fall surely inside the first 1 s wait, however slow the machine is."""
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", fail()))
    t.start()
    time.sleep(0.15)
    probes()
    t.join()
    return out.get("r")


def db_scalar(db, sql):
    """One value from the test's database, by its own client (sqlite3 module or psql)."""
    if db.startswith(("postgres://", "postgresql://")):
        p = subprocess.run(["psql", "-X", "-qAt", "-d", db, "-c", sql], capture_output=True,
                           text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"psql: {p.stderr.strip()}")
        return p.stdout.strip()
    with sqlite3.connect(db, timeout=10) as c:
        row = c.execute(sql).fetchone()
        return "" if row is None else str(row[0])


def db_exec(db, sql):
    if db.startswith(("postgres://", "postgresql://")):
        p = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-qAt", "-d", db, "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"psql: {p.stderr.strip()}")
        return
    with sqlite3.connect(db, timeout=10) as c:
        c.execute(sql)


def allowed_checks(elapsed):
    """Password checks the throttle lets through for one account in a burst lasting
    `elapsed` seconds: LOGIN_SLOW_AFTER at once, then one after each wait (1, 2, 4 ... s,
    each surely passed only a tick later, service/auth.c wait_for)."""
    n, t, delay = SLOW_AFTER, 0, 1
    while True:
        t += delay + 1
        if t > elapsed + 1:
            return n
        n += 1
        delay *= 2


def wait_message(res):
    """(seconds, unit word) of a 429's message, or None."""
    msg = (res.json or {}).get("error", {}).get("message", "") if res.json else ""
    m = re.search(r"try again in (\d+) (seconds?)\b", msg)
    return (int(m.group(1)), m.group(2)) if m else None


# ---- sections ----------------------------------------------------------------------------


def test_nat():
    src = "127.0.0.21"  # an office behind one NAT: everyone has this address
    expect(login("paidan", "wrong-1", src=src), 401, "NAT: paidan's wrong password")
    expect(login("shenji", "wrong-1", src=src), 401, "NAT: shenji's 1st wrong password")
    expect(login("shenji", "wrong-2", src=src), 401, "NAT: shenji's 2nd wrong password")
    expect(login("shenji", src=src), 200, "NAT: shenji's right password still gets in")
    expect(login("paidan", src=src), 200, "NAT: and paidan's")


def test_proxy(db):
    # ten wrong passwords from one client behind the proxy
    statuses = [login("paidan", f"wrong-{i}", xff="10.0.0.1").status for i in range(10)]
    check(set(statuses) <= {401, 429} and statuses.count(401) <= SLOW_AFTER + 1,
          "proxy: ten wrong passwords for paidan from one client are refused, few checked",
          statuses)
    expect(login("shenji", xff="10.0.0.2"), 200, "proxy: another client's user gets in")
    expect(login("lingdao", xff="10.0.0.3"), 200, "proxy: and a third's")
    expect(login("zhujian", xff="10.0.0.1"), 200,
           "proxy: the client with ten failures on paidan may still log in as zhujian")
    # many failures across accounts from one client slow that client only
    for i in range(ADDR_SLOW_AFTER - 1):
        expect(login(f"ghost-a{i}", "wrong-x", xff="10.0.1.1"), 401,
               f"proxy: client 10.0.1.1 failure {i + 1} (unknown user)")

    def probes():
        r = login("zhujian", xff="10.0.1.1")
        expect(r, 429, f"proxy: after {ADDR_SLOW_AFTER} failures the client is slowed",
               ["登录失败次数过多", "try again in"], code="too_many_requests")
        expect(login("zhujian", real_ip="10.0.1.1"), 429,
               "proxy: X-Real-IP names the same client")
        expect(login("zhujian", xff="10.0.1.1, 127.0.0.1"), 429,
               "proxy: a trusted hop on the right of X-Forwarded-For is skipped")
        expect(login("zhujian", xff="10.0.1.2"), 200,
               "proxy: meanwhile another client of the proxy gets in")

    r = last_failure_then(lambda: login("ghost-a-last", "wrong-x", xff="10.0.1.1"), probes)
    expect(r, 401, f"proxy: client 10.0.1.1 failure {ADDR_SLOW_AFTER}")
    eq(db_scalar(db, "SELECT failures FROM login_failures WHERE key = 'addr:10.0.1.1'"),
       str(ADDR_SLOW_AFTER), "proxy: the failures are stored under the forwarded client")
    eq(db_scalar(db, "SELECT count(*) FROM login_failures WHERE key = 'addr:127.0.0.1' "
                     "AND failures > 0"), "0", "proxy: and none under the proxy's address")
    expect(login("zhujian", xff="10.0.1.1", src="127.0.0.22"), 200,
           "proxy: from a peer that is not trusted, X-Forwarded-For is ignored")
    # the public submission limit is per client too
    body = {"title": "路口积水", "content": "下雨后路口积水严重。", "phone": "13900005678",
            "citizen_name": "李四", "kind": "求助"}
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)
    for i in range(5):
        expect(req("POST", "/api/v1/public/appeals", dict(body, title=f"积水 {i}"),
                   headers={"X-Forwarded-For": "10.0.2.1"}), 201,
               f"proxy: public submit {i + 1} of 5 from one client")
    expect(req("POST", "/api/v1/public/appeals", body, headers={"X-Forwarded-For": "10.0.2.1"}),
           429, "proxy: that client's 6th submit in a minute is refused", code="too_many_requests")
    expect(req("POST", "/api/v1/public/appeals", body, headers={"X-Forwarded-For": "10.0.2.2"}),
           201, "proxy: another citizen behind the proxy may still submit")


def test_concurrent(db):
    n = 48
    barrier = threading.Barrier(n)
    results = [None] * n

    def one(i):
        barrier.wait()
        try:
            results[i] = login("c1", f"wrong-{i}", src="127.0.0.31").status
        except OSError as ex:
            results[i] = repr(ex)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    checks = results.count(401)
    limit = allowed_checks(elapsed)
    print(f"# 48 concurrent wrong logins: {checks} password checks, {results.count(429)} "
          f"refused unchecked, in {elapsed:.2f} s (allowed {limit})", file=sys.stderr)
    eq(results.count(401) + results.count(429), n, "concurrent: every answer is 401 or 429")
    check(1 <= checks <= limit,
          f"concurrent: at most {limit} of 48 wrong logins check a password", results)
    stored = db_scalar(db, "SELECT failures FROM login_failures WHERE key = 'user:c1'")
    eq(stored, str(checks), "concurrent: the failures stored equal the passwords checked")


def test_brute_force():
    src = "127.0.0.41"
    t0 = time.monotonic()
    statuses = []
    waits = []
    for i in range(100):
        r = login("b1", f"guess-{i:03d}", src=src)
        statuses.append(r.status)
        if r.status == 429:
            waits.append(wait_message(r))
    elapsed = time.monotonic() - t0
    checks = statuses.count(401)
    limit = allowed_checks(elapsed)
    print(f"# 100 passwords on one account: {checks} checked, {statuses.count(429)} refused, "
          f"in {elapsed:.2f} s (allowed {limit})", file=sys.stderr)
    eq(checks + statuses.count(429), 100, "brute force: every answer is 401 or 429")
    check(checks <= limit, f"brute force: at most {limit} of 100 passwords checked", statuses)
    check(all(w is not None for w in waits), "brute force: each refusal says how long to wait",
          waits[:5])
    check(all((n == 1) == (word == "second") for n, word in waits if n),
          "brute force: '1 second', 'N seconds'", sorted(set(waits)))
    # wait for the singular: poll until the message says "1 second"
    deadline = time.monotonic() + 70
    seen_one = any(w and w[0] == 1 for w in waits)
    while not seen_one and time.monotonic() < deadline:
        r = login("b1", "guess-poll", src=src)
        w = wait_message(r) if r.status == 429 else None
        if w:
            eq(w[1], "second" if w[0] == 1 else "seconds", f"brute force: plural of {w[0]}")
            seen_one = w[0] == 1
        time.sleep(0.3)
    check(seen_one, "brute force: a refusal says 'try again in 1 second'")
    expect(login("b1", src=src), 429, "brute force: even the right password waits its turn")
    # an admin's new password lets the user in at once
    adm = login("admin", src="127.0.0.42").json["token"]
    expect(req("POST", "/api/v1/users/b1/password", {"password": "B1-new-pass-2022"}, token=adm,
               src="127.0.0.42"), 200, "brute force: admin sets b1 a new password")
    expect(login("b1", "B1-new-pass-2022", src=src), 200,
           "brute force: with the new password b1 gets in at once")


def timing_round(rnd):
    """One pass: each timing user with a wrong password, and as many unknown usernames, in
    back-to-back pairs alternating which goes first, so a drift in the machine's load favours
    neither. Returns the medians (known, unknown) and the median of the pairs' ratios."""
    known, unknown = [], []
    for i, user in enumerate(TIMING_USERS):
        tries = [(user, f"127.0.0.{50 + 2 * rnd}", known),
                 (f"nobody-{rnd}-{i}", f"127.0.0.{51 + 2 * rnd}", unknown)]
        if i % 2:
            tries.reverse()
        answers = []
        for name, src, times in tries:
            t0 = time.perf_counter()
            answers.append(login(name, "not-the-password", src=src))
            times.append(time.perf_counter() - t0)
        r1, r2 = answers
        eq((r1.status, r2.status), (401, 401), f"timing: pass {rnd} round {i + 1} both refused")
        if r1.json and r2.json:
            eq(r1.json["error"]["message"], r2.json["error"]["message"],
               f"timing: pass {rnd} round {i + 1} one message for both")
    ratios = [k / u for k, u in zip(known, unknown)]
    return statistics.median(known), statistics.median(unknown), statistics.median(ratios)


def test_timing():
    # The machine is shared: a pass disturbed by someone else's load gets another, up to
    # three (each timing user's third failure is still checked: it sees 2 < LOGIN_SLOW_AFTER;
    # each pass has addresses of its own). Skipping Argon2 for unknown users, as before issue
    # 11, made them ~100x faster: no pass comes near 20 % then.
    for rnd in (1, 2, 3):
        mk, mu, paired = timing_round(rnd)
        ratio = max(mk, mu) / min(mk, mu)
        within = max(paired, 1 / paired) <= 1.2
        print(f"# timing pass {rnd}: known user {mk * 1000:.1f} ms, unknown user "
              f"{mu * 1000:.1f} ms (medians of {len(TIMING_USERS)}), ratio {ratio:.2f}; "
              f"median of paired ratios {paired:.2f}", file=sys.stderr)
        if within:
            break
    check(within, "timing: known and unknown usernames within 20 % (median of paired ratios)",
          f"known {mk * 1000:.1f} ms, unknown {mu * 1000:.1f} ms, paired {paired:.2f}")


def test_users(db):
    src = "127.0.0.61"
    adm = apilib.Response  # placeholder for type readers
    r = login("admin", src=src)
    if not expect(r, 200, "users: admin logs in"):
        return
    adm = r.json["token"]
    v = login("victim", src=src).json["token"]
    p = login("paidan", src=src).json["token"]
    expect(req("GET", "/api/v1/session", token=v, src=src), 200, "users: victim has a session")

    # a non-admin is refused and nothing changes
    for what, body in (("disable", None), ("enable", None), ("password", {"password": "x" * 12}),
                       ("unit", {"unit": B}), ("role", {"role": "admin"})):
        expect(req("POST", f"/api/v1/users/victim/{what}", body, token=p, src=src), 403,
               f"users: a dispatcher may not {what} a user", "allowed: admin", code="forbidden")
    expect(req("GET", "/api/v1/session", token=v, src=src), 200,
           "users: the refused changes left the victim's session")

    # disable: the session ends at once, logins are refused
    r = req("POST", "/api/v1/users/victim/disable", token=adm, src=src)
    if expect(r, 200, "users: admin disables victim"):
        eq((r.json["username"], r.json["active"]), ("victim", False), "users: victim disabled")
    expect(req("GET", "/api/v1/session", token=v, src=src), 401,
           "users: a disabled user's session ends at once")
    expect(req("GET", "/api/v1/appeals", token=v, src=src), 401,
           "users: and it reads nothing any more")
    expect(login("victim", src=src), 401, "users: a disabled user cannot log in",
           "wrong username or password")
    expect(req("POST", "/api/v1/users/victim/disable", token=adm, src=src), 409,
           "users: disabling a disabled user", "already disabled", code="bad_state")
    expect(req("POST", "/api/v1/users/victim/enable", token=adm, src=src), 200,
           "users: admin enables victim")
    r = login("victim", src=src)
    if expect(r, 200, "users: enabled again, victim logs in"):
        v = r.json["token"]

    # password: the old session and the old password end
    expect(req("POST", "/api/v1/users/victim/password", {"password": "short"}, token=adm,
               src=src), 400, "users: a short password", "8 to 256", code="invalid")
    expect(req("POST", "/api/v1/users/victim/password", {}, token=adm, src=src), 400,
           "users: a password change without a password", "password", code="invalid")
    expect(req("POST", "/api/v1/users/victim/password", {"password": "Neues-Pass-22"},
               token=adm, src=src), 200, "users: admin sets a new password")
    expect(req("GET", "/api/v1/session", token=v, src=src), 401,
           "users: a new password ends the old session")
    expect(login("victim", src="127.0.0.62"), 401, "users: the old password no longer works")
    expect(login("victim", "Neues-Pass-22", src="127.0.0.62"), 200,
           "users: the new password works")

    # unit and role
    r = req("POST", "/api/v1/users/victim/unit", {"unit": B}, token=adm, src=src)
    if expect(r, 200, "users: admin moves victim to another unit"):
        eq(r.json["unit"], B, "users: victim is in the new unit")
    expect(req("POST", "/api/v1/users/victim/unit", {"unit": "没有这个单位"}, token=adm, src=src),
           404, "users: an unknown unit", "没有这个单位", code="not_found")
    r = req("POST", "/api/v1/users/victim/role", {"role": "leader"}, token=adm, src=src)
    if expect(r, 200, "users: admin makes victim a leader"):
        eq(r.json["role"], "leader", "users: victim is a leader")
    expect(req("POST", "/api/v1/users/victim/role", {"role": "boss"}, token=adm, src=src), 400,
           "users: an unknown role", "role must be", code="invalid")
    expect(req("POST", "/api/v1/users/paidan/role", {"role": "handler"}, token=adm, src=src), 400,
           "users: a handler without a unit", "must belong to a unit", code="invalid")
    expect(req("POST", "/api/v1/users/nobody/disable", token=adm, src=src), 404,
           "users: an unknown user", "nobody", code="not_found")
    expect(req("POST", "/api/v1/users/admin/disable", token=adm, src=src), 403,
           "users: an admin may not disable their own account", "own account")
    expect(req("POST", "/api/v1/users/victim/frobnicate", token=adm, src=src), 404,
           "users: an unknown change", "password, disable, enable, unit, role")
    r = req("GET", "/api/v1/users", token=adm, src=src)
    if expect(r, 200, "users: GET /users"):
        row = [u for u in r.json if u["username"] == "victim"]
        eq([(u["role"], u["unit"], u["active"]) for u in row], [("leader", B, True)],
           "users: the list shows the changes")

    # the chain: 5 changes of victim, each an event without the password hash
    au = login("shenji", src=src).json["token"]
    r = req("GET", "/api/v1/audit/verify", token=au, src=src)
    if expect(r, 200, "users: audit verify"):
        eq((r.json["ok"], r.json["users"]), (True, 2),
           "users: audit verify checks the changed users (victim, b1)")
    n = db_scalar(db, "SELECT count(*) FROM events WHERE subject = 'user' AND details "
                      "NOT LIKE '%argon2%'")
    eq(n, "6", "users: six user events (victim 5, b1 1), none with a password hash")
    # a user row changed behind the program's back
    db_exec(db, "UPDATE users SET role = (SELECT role FROM users WHERE username = 'admin') "
                "WHERE username = 'victim'")
    r = req("GET", "/api/v1/audit/verify", token=au, src=src)
    if expect(r, 200, "users: audit verify after tampering"):
        eq(r.json["ok"], False, "users: a tampered user row fails the audit")
        check("user victim" in r.json.get("problem", ""), "users: the audit names the user",
              r.json)
    db_exec(db, "UPDATE users SET role = (SELECT role FROM users WHERE username = 'lingdao') "
                "WHERE username = 'victim'")
    r = req("GET", "/api/v1/audit/verify", token=au, src=src)
    if expect(r, 200, "users: audit verify after undoing the tampering"):
        eq(r.json["ok"], True, "users: the row restored matches its history again", )


def test_untrusted(binary, db, tmp):
    """The same database, served without --trusted-proxy: forwarded headers mean nothing."""
    with apilib.Server(binary, db, os.path.join(tmp, "server-b.log"), args=["--threads", "4"]):
        for i in range(ADDR_SLOW_AFTER - 1):
            expect(login(f"ghost-b{i}", "wrong-x", xff=f"10.0.3.{i + 1}"), 401,
                   f"untrusted: failure {i + 1} (a 'different' forwarded client each time)")

        def probes():
            expect(login("lingdao", xff="10.0.3.200"), 429,
                   "untrusted: X-Forwarded-For ignored: the proxy's address is slowed",
                   "try again in", code="too_many_requests")
            expect(login("lingdao", src="127.0.0.71"), 200, "untrusted: another peer gets in")

        r = last_failure_then(lambda: login("ghost-b-last", "wrong-x", xff="10.0.3.99"), probes)
        expect(r, 401, f"untrusted: failure {ADDR_SLOW_AFTER}")
        eq(db_scalar(db, "SELECT count(*) FROM login_failures WHERE key LIKE 'addr:10.0.3.%'"),
           "0", "untrusted: no failure is stored under a forwarded address")
        check(int(db_scalar(db, "SELECT failures FROM login_failures WHERE key = "
                                "'addr:127.0.0.1'") or 0) >= ADDR_SLOW_AFTER,
              "untrusted: all of them under the proxy's address")


def test_bad_proxy(binary, db):
    p = subprocess.run([binary, "--db", db, "serve", "--listen", "127.0.0.1:1",
                        "--trusted-proxy", "127.0.0.1,nginx.local"], capture_output=True,
                       text=True, timeout=60)
    check(p.returncode != 0 and "nginx.local" in p.stderr and "IP" in p.stderr,
          "serve --trusted-proxy with a name that is not an address is refused",
          f"rc {p.returncode}: {p.stderr.strip()}")


def main():
    binary = apilib.binary_arg()
    if not binary:
        return 1
    with tempfile.TemporaryDirectory(prefix="shishi-auth.") as tmp:
        db = os.environ.get("SHISHI_TEST_DB_URL") or os.path.join(tmp, "ledger.db")
        try:
            apilib.setup_db(binary, db, UNITS, USERS, PASSWORD)
            test_bad_proxy(binary, db)
            args = ["--threads", "16", "--trusted-proxy", "127.0.0.1"]
            with apilib.Server(binary, db, os.path.join(tmp, "server.log"), args=args):
                for name, fn in (("nat", test_nat), ("proxy", lambda: test_proxy(db)),
                                 ("concurrent", lambda: test_concurrent(db)),
                                 ("brute force", test_brute_force), ("timing", test_timing),
                                 ("users", lambda: test_users(db))):
                    t0 = time.monotonic()
                    fn()
                    print(f"# {name}: {time.monotonic() - t0:.1f} s", file=sys.stderr)
            test_untrusted(binary, db, tmp)
        except Exception as ex:  # noqa: BLE001 -- any failure is one failed check
            check(False, "the test ran to its end", repr(ex))
    return apilib.summary()


if __name__ == "__main__":
    sys.exit(main())
