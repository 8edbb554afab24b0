"""apilib.py -- the harness shared by the HTTP API tests (test_votes.py, test_lists.py,
test_projects.py): counted checks, JSON requests, a database set up with the CLI, and a
`shishi serve` started on a free port whose stderr log must stay free of sanitizer reports.

A test script does

    sys.path.insert(0, os.path.dirname(__file__))
    import apilib

    def run(site):                      # site.tok[username], site.cli(*args)
        apilib.expect(apilib.call("GET", "/api/v1/x", token=site.tok["paidan"]), 200, "x")

    sys.exit(apilib.main(run, units=UNITS, users=USERS, password=PASSWORD))

and prints one line per failed check and, last, "N passed, M failed" (exit status 1 when
anything failed). Not named test_*.py: ctest runs every tests/api/test_*.py as a test.
Standard library only.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import types

PASSED = 0
FAILED = 0
PORT = 0  # the port of the running server; call() talks to it


def check(cond, desc, detail=""):
    """Counts one check; prints "FAIL - desc: detail" when cond is false."""
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print(f"FAIL - {desc}" + (f": {detail}" if detail else ""), flush=True)
    return bool(cond)


def eq(got, want, desc):
    return check(got == want, desc, f"got {got!r}, want {want!r}")


def summary():
    """Prints "N passed, M failed" and returns the exit status (1 when anything failed)."""
    print(f"{PASSED} passed, {FAILED} failed", flush=True)
    return 1 if FAILED else 0


class Response(tuple):
    """An HTTP answer: unpacks as (status, json) and has .status, .json and .raw (bytes)."""

    def __new__(cls, status, raw):
        try:
            doc = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            doc = None
        self = super().__new__(cls, (status, doc))
        self.raw = raw
        return self

    status = property(lambda self: self[0])
    json = property(lambda self: self[1])

    def __str__(self):
        body = self.json if self.json is not None else self.raw[:300].decode("utf-8", "replace")
        return f"{self.status} {body}"


def call(method, path, body=None, token=None):
    """One request to the server on PORT; body is sent as JSON when not None."""
    headers = {}
    data = None
    if token:
        headers["Authorization"] = "Bearer " + token
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return Response(resp.status, resp.read())
    finally:
        conn.close()


def expect(res, status, desc, has=(), *, code=None, shape=False):
    """Checks the status of res; then, if it matched: each substring in has (a string or a
    list of strings) is in the error message, the error code is code (when given), and, for
    a 4xx/5xx status with shape=True, the error object has exactly code, message and field.
    Returns the JSON document when every one of these checks passed, else None."""
    st, doc = res
    if not check(st == status, f"{desc} -> {status}", f"got {res}"):
        return None
    ok = True
    err = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(err, dict):
        err = {}
    if shape and status >= 400:
        ok &= check(set(err) == {"code", "message", "field"}, f"{desc}: error shape", str(res))
    if code:
        ok &= check(err.get("code") == code, f"{desc}: code {code}", str(res))
    for needle in [has] if isinstance(has, str) else (has or ()):
        msg = err.get("message", "")
        ok &= check(needle in msg, f"{desc}: message names '{needle}'", f"got '{msg}'")
    return doc if ok else None


def cli(binary, db, *args, stdin=None):
    """Runs `shishi --db DB ARGS...`; returns its stdout, raises when it fails."""
    p = subprocess.run([binary, "--db", db, *args], input=stdin, capture_output=True, text=True,
                       timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"shishi {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(username, password, counted=True):
    """Opens a session and returns its token; counted=True makes the login a check."""
    res = call("POST", "/api/v1/session", {"username": username, "password": password})
    ok = res.status == 200
    if counted:
        check(ok, f"login {username}", str(res))
    if not ok:
        raise RuntimeError(f"login {username}: {res}")
    return res.json["token"]


def setup_db(binary, db, units, users, password):
    """Initialises db, adds units (name, kind[, parent[, code]]) in order and users
    (username, role, unit or None), each user with password."""
    cli(binary, db, "init")
    for name, kind, *rest in units:
        parent, code = (list(rest) + [None, None])[:2]
        args = ["unit", "add", "--name", name, "--kind", kind]
        if parent:
            args += ["--parent", parent]
        if code:
            args += ["--code", code]
        cli(binary, db, *args)
    for username, role, unit in users:
        args = ["user", "add", "--username", username, "--role", role, "--password-stdin"]
        if unit:
            args += ["--unit", unit]
        cli(binary, db, *args, stdin=password + "\n")


class Server:
    """`shishi --db DB serve --listen 127.0.0.1:PORT [ARGS] [--quiet]` for the length of a with
    block. Tries up to three free ports, waiting up to 30 s on each for GET /healthz to
    answer 200, and sets PORT. On leaving: SIGTERM and wait; check_exit counts a check that
    it exited 0; check_log counts a check that its stderr (kept in log_path) holds no
    sanitizer report; on_log, when given, is called with the whole log text."""

    def __init__(self, binary, db, log_path, *, quiet=True, check_exit=True, check_log=True,
                 args=(), on_log=None):
        self.binary, self.db, self.log_path = binary, db, log_path
        self.on_log = on_log
        self.args = list(args)  # more options for serve, e.g. ["--threads", "16"]
        self.quiet, self.check_exit, self.check_log = quiet, check_exit, check_log
        self.proc = None

    def __enter__(self):
        global PORT
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        self.log = open(self.log_path, "wb")
        try:
            for _ in range(3):
                PORT = free_port()
                argv = [self.binary, "--db", self.db, "serve", "--listen", f"127.0.0.1:{PORT}",
                        *self.args]
                self.proc = subprocess.Popen(argv + (["--quiet"] if self.quiet else []),
                                             stdout=subprocess.DEVNULL, stderr=self.log, env=env)
                if self._wait_up():
                    return self
                self.proc.kill()
                self.proc.wait()
                self.proc = None
            raise RuntimeError("the server did not come up")
        except BaseException:
            self.log.close()
            raise

    def _wait_up(self):
        deadline = time.time() + 30
        while True:
            try:
                if call("GET", "/healthz").status == 200:
                    return True
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                return False
            time.sleep(0.05)

    def __exit__(self, *exc):
        rc = None
        try:
            self.proc.terminate()
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        finally:
            self.log.close()
        if self.check_exit:
            eq(rc, 0, "the server exits 0 on SIGTERM")
        if self.check_log:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            check("Sanitizer" not in text and "runtime error" not in text,
                  "no sanitizer report in the server's log", text[-2000:])
        if self.on_log:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                self.on_log(f.read())
        return False


def binary_arg():
    """The shishi binary named on the command line (made absolute), or None after printing
    the usage and "0 passed, 1 failed"."""
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        print(f"usage: python3 {sys.argv[0]} /path/to/shishi", file=sys.stderr)
        print("0 passed, 1 failed")
        return None
    return os.path.abspath(sys.argv[1])


def main(run, *, units, users, password, prefix="shishi-api.", count_logins=True, **server):
    """The whole of a test script: checks sys.argv (one argument, the shishi binary), sets up
    a database (SHISHI_TEST_DB_URL, else a SQLite file in a temporary directory) with units
    and users, starts a Server (keyword options passed on), logs every user in and calls
    run(site) with site.binary, site.db, site.tok (username -> token) and site.cli(*args).
    Any exception is one failed check. Returns the exit status from summary()."""
    binary = binary_arg()
    if not binary:
        return 1
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        db = os.environ.get("SHISHI_TEST_DB_URL") or os.path.join(tmp, "ledger.db")
        try:
            setup_db(binary, db, units, users, password)
            with Server(binary, db, os.path.join(tmp, "server.log"), **server):
                tok = {u[0]: login(u[0], password, counted=count_logins) for u in users}
                site = types.SimpleNamespace(binary=binary, db=db, tok=tok,
                                             cli=lambda *a, **k: cli(binary, db, *a, **k))
                run(site)
        except Exception as ex:  # noqa: BLE001 -- any failure is one failed check
            check(False, "the test ran to its end", repr(ex))
    return summary()
