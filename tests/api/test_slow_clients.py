#!/usr/bin/env python3
"""test_slow_clients.py -- a few clients cannot take the server (issue 16, item 3).

    python3 tests/api/test_slow_clients.py /path/to/shishi

* Slow headers: one header line every 0.5 s used to hold a connection for as long as the
  client liked (libmicrohttpd's timeout counts only silence). With --header-timeout 2 the
  connection is closed within about 2 s, while other clients are served.
* Slow bodies: a body trickling at 2 bytes a second is cut after --body-timeout; a body that
  comes steadily at a few KiB a second is not, though it takes longer than the timeout.
* Heavy work: on one connection thread, monthly PDF bulletins used to hold that thread, and
  /healthz waited seconds behind them. With the heavy-work pool it answers at once; past the
  pool's queue a heavy request gets 503 with Retry-After and the JSON error. The same load
  with --heavy-threads 0 shows the defect, so the check can fail.
Standard library only; prints one line per failed check and "N passed, M failed".
"""

import http.client
import json
import os
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq  # noqa: E402

DEMO_PASSWORD = "shishi-demo-2021"  # the demo's public password (src/service/demo.c)


def port():
    return apilib.PORT


def trickle(chunks, gap, limit=15.0):
    """Sends chunks on one connection, gap seconds apart, then reads. Returns (how, seconds):
    how is "closed" when the server shut the connection, "answered" when it sent bytes."""
    s = socket.create_connection(("127.0.0.1", port()), timeout=limit)
    t0 = time.time()
    try:
        for c in chunks:
            s.sendall(c)
            time.sleep(gap)
            if time.time() - t0 > limit:
                return "held", time.time() - t0
        data = s.recv(200)
        return ("answered" if data else "closed"), time.time() - t0
    except (BrokenPipeError, ConnectionResetError):
        return "closed", time.time() - t0
    except socket.timeout:
        return "held", time.time() - t0
    finally:
        s.close()


def slow_parts(binary, db, tmp):
    with apilib.Server(binary, db, os.path.join(tmp, "slow.log"), quiet=False,
                       args=["--header-timeout", "2", "--body-timeout", "2"]):
        # headers: a line every 0.5 s, for 20 lines (10 s) unless cut
        how, secs = trickle([b"GET /healthz HTTP/1.1\r\nHost: x\r\n"] + [b"X-Slow: 1\r\n"] * 20,
                            0.5)
        eq(how, "closed", "headers sent a line every 0.5 s: the connection is closed")
        check(1.5 <= secs <= 5, "... after about --header-timeout (2 s)", f"{secs:.1f} s")
        # while such a client waits, others are served
        held = threading.Thread(target=trickle, args=([b"GET /healthz HTTP/1.1\r\n"] +
                                                      [b"X-Slow: 1\r\n"] * 8, 0.5))
        held.start()
        eq(call("GET", "/healthz").status, 200, "another client is served meanwhile")
        held.join()
        # a body at 2 bytes a second is cut
        head = (b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n")
        how, secs = trickle([head] + [b"{}"] * 20, 0.5)
        eq(how, "closed", "a body at 2 bytes a second: the connection is closed")
        check(1.5 <= secs <= 5, "... after about --body-timeout (2 s)", f"{secs:.1f} s")
        # a steady upload of 48 KiB over 3 s is not: each 1000 bytes buys a second
        body = json.dumps({"username": "nobody", "password": "x" * 49000}).encode()
        head = (b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body))
        parts = [head] + [body[i:i + 4096] for i in range(0, len(body), 4096)]
        how, secs = trickle(parts, 3.0 / len(parts))
        eq(how, "answered", "a steady upload longer than --body-timeout is answered")
    with open(os.path.join(tmp, "slow.log"), encoding="utf-8", errors="replace") as f:
        log = f.read()
    check("timeout addr=127.0.0.1 stage=headers" in log, "the log says a header timeout", log[-800:])
    check("timeout addr=127.0.0.1 stage=body" in log, "the log says a body timeout", log[-800:])


def request(method, path, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port(), timeout=120)
    try:
        conn.request(method, path, headers={"Authorization": "Bearer " + token} if token else {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def heavy_load(binary, db, tmp, heavy_threads, n=11):
    """n monthly PDF bulletins at once on one connection thread, /healthz polled meanwhile.
    Returns (statuses with headers and bodies, the slowest /healthz in seconds)."""
    with apilib.Server(binary, db, os.path.join(tmp, f"heavy{heavy_threads}.log"),
                       args=["--threads", "1", "--heavy-threads", str(heavy_threads)]):
        token = apilib.login("admin", DEMO_PASSWORD, counted=False)
        got = []

        def one():
            got.append(request("GET", "/api/v1/bulletin?month=2021-07&format=pdf", token))

        threads = [threading.Thread(target=one) for _ in range(n)]
        for t in threads:
            t.start()
        time.sleep(0.2)
        slowest = 0.0
        while any(t.is_alive() for t in threads):
            t0 = time.time()
            st = call("GET", "/healthz").status
            slowest = max(slowest, time.time() - t0)
            if st != 200:
                check(False, "/healthz answers 200 under heavy load", str(st))
            time.sleep(0.05)
        for t in threads:
            t.join()
        return got, slowest


def main():
    binary = apilib.binary_arg()
    if not binary:
        return 1
    with tempfile.TemporaryDirectory(prefix="shishi-slow.") as tmp:
        db = os.path.join(tmp, "demo.db")
        try:
            apilib.cli(binary, db, "demo")
            slow_parts(binary, db, tmp)

            got, slowest = heavy_load(binary, db, tmp, 0)
            check(slowest > 0.4, "without the pool (--heavy-threads 0), /healthz waits behind "
                  "the bulletins: the load is heavy enough to show the defect", f"{slowest:.2f} s")

            got, slowest = heavy_load(binary, db, tmp, 1)
            check(slowest < 1.0, "with the pool, /healthz answers at once under the same load",
                  f"slowest {slowest:.2f} s")
            ok = [g for g in got if g[0] == 200]
            busy = [g for g in got if g[0] == 503]
            eq(len(ok) + len(busy), len(got), "every bulletin is 200 or 503")
            check(all(g[2].startswith(b"%PDF") for g in ok), "each 200 is a PDF", "")
            check(len(ok) >= 9, "the running one and the 8 queued are made", str(len(ok)))
            check(len(busy) >= 1, "past the queue, heavy requests get 503", str(len(busy)))
            if busy:
                st, headers, body = busy[0]
                eq(headers.get("Retry-After"), "5", "a 503 says Retry-After")
                err = json.loads(body).get("error", {})
                check("服务器正忙" in err.get("message", ""), "the 503 is the JSON error, in "
                      "Chinese first", body[:200])
        except Exception as ex:  # noqa: BLE001 -- any failure is one failed check
            check(False, "the test ran to its end", repr(ex))
    return apilib.summary()


if __name__ == "__main__":
    sys.exit(main())
