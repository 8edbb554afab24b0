"""test_backend_kill.py BINARY -- PostgreSQL backends killed under a running `shishi serve` and
64 concurrent writers (tests/api/test_crash.py's), on a throwaway cluster of its own
(cluster.sh; shishi's sessions with synchronous_commit on, PostgreSQL's default, so an
acknowledged commit is in the WAL):

  * pg_terminate_backend() on every backend of shishi while writers write;
  * then kill -9 of one backend, after which the postmaster restarts every backend (as
    PostgreSQL's own crash tests do);

and after each: the server is alive, reconnects (a register succeeds within 30 s), every
acknowledged register and dispatch is there with its history, and audit verify passes.
"""

import glob
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "api"))
import apilib  # noqa: E402
import test_crash  # noqa: E402


def psql(url, sql):
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    p = subprocess.run([bins[-1] if bins else "psql", url, "-qAtc", sql], capture_output=True,
                       text=True, timeout=60)
    return p.stdout.strip()


def writers_until(label, port, token, fault):
    acked = {}
    stop = threading.Event()
    ws = [test_crash.Writer(n, port, token, stop, acked) for n in range(test_crash.WRITERS)]
    for w in ws:
        w.start()
    deadline = time.time() + 30
    while len(acked) < 20 and time.time() < deadline:
        time.sleep(0.02)
    fault()
    time.sleep(1.0)
    stop.set()
    for w in ws:
        w.join(timeout=60)
    print(f"{label}: {len(acked)} acknowledged registers, "
          f"{sum(w.errors for w in ws)} requests failed", flush=True)
    return acked


def recovered(token, label):
    deadline = time.time() + 30
    res = None
    while time.time() < deadline:
        res = apilib.call("POST", "/api/v1/appeals", {"title": "恢复后", "content": "恢复后受理",
                          "channel": "12345热线", "kind": "投诉"}, token=token)
        if res.status == 201:
            break
        time.sleep(0.2)
    apilib.expect(res, 201, f"{label}: a register after recovery succeeds")
    apilib.eq(apilib.call("GET", "/healthz").status, 200, f"{label}: the server is alive")


def main():
    binary = os.path.abspath(sys.argv[1])
    cluster = os.path.join(here, "cluster.sh")
    d = tempfile.mkdtemp(prefix="shishi-pgkill.")
    os.rmdir(d)
    try:
        subprocess.run(["bash", cluster, "start", d], check=True, capture_output=True)
        url = subprocess.run(["bash", cluster, "createdb", d, "kill"], check=True,
                             capture_output=True, text=True).stdout.strip()
        # The test cluster runs with synchronous_commit off (cluster.sh), which loses the last
        # acknowledged commits when a backend crash restarts them all: PostgreSQL's default
        # (on) for shishi's sessions, through libpq's PGOPTIONS.
        os.environ["PGOPTIONS"] = "-c synchronous_commit=on"
        with tempfile.TemporaryDirectory(prefix="shishi-pgkill-log.") as tmp:
            apilib.setup_db(binary, url, test_crash.UNITS, test_crash.USERS, test_crash.PASSWORD)
            with apilib.Server(binary, url, os.path.join(tmp, "server.log"),
                               args=["--threads", "8"]):
                token = apilib.login("disp", test_crash.PASSWORD)
                port = apilib.PORT
                others = ("datname = current_database() AND pid <> pg_backend_pid() "
                          "AND backend_type = 'client backend'")
                everything = {}

                def terminate():
                    n = psql(url, f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}")
                    print(f"terminated {n} backends", flush=True)

                acked = writers_until("pg_terminate_backend", port, token, terminate)
                recovered(token, "pg_terminate_backend")
                test_crash.check_appeals(acked, token, "pg_terminate_backend")
                everything.update(acked)

                def kill9():
                    pid = psql(url, f"SELECT pid FROM pg_stat_activity WHERE {others} LIMIT 1")
                    print(f"kill -9 backend {pid}", flush=True)
                    if pid:
                        os.kill(int(pid), signal.SIGKILL)

                acked = writers_until("kill -9 of a backend", port, token, kill9)
                recovered(token, "kill -9 of a backend")
                everything.update(acked)
                test_crash.check_appeals(everything, token, "kill -9 of a backend")
            test_crash.audit(binary, url, "at the end")
    except Exception as ex:  # noqa: BLE001 -- any failure is one failed check
        apilib.check(False, "the test ran to its end", repr(ex))
    finally:
        subprocess.run(["bash", cluster, "stop", d], capture_output=True)
    return apilib.summary()


if __name__ == "__main__":
    sys.exit(main())
