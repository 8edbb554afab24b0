#!/usr/bin/env python3
"""test_per_ip_limit.py -- issue 16, item 3: one client address may hold at most 64
connections (MHD_OPTION_PER_IP_CONNECTION_LIMIT); the ones past the cap are closed at once,
and once the idle ones close the same address is served again.

usage: python3 tests/api/test_per_ip_limit.py /path/to/shishi
"""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq  # noqa: E402

PASSWORD = "Zhengwu-2021!"
UNITS = [("区政府", "district", None, "qzf")]
USERS = [("paidan", "dispatcher", None)]
CAP = 64
EXTRA = 6


def run(site):
    del site
    time.sleep(0.3)  # the harness's own keep-alive-less calls have closed
    socks = []
    try:
        for _ in range(CAP + EXTRA):
            s = socket.create_connection(("127.0.0.1", apilib.PORT), timeout=5)
            socks.append(s)
        time.sleep(0.3)
        # Every socket is checked in one pass of at most ~1.5 s for the first open one:
        # the refused ones are already closed, so recv() returns at once for them.
        refused = 0
        for s in socks:
            s.setblocking(False)
        deadline = time.time() + 2
        while time.time() < deadline:
            refused = 0
            for s in socks:
                try:
                    if s.recv(1) == b"":
                        refused += 1
                except BlockingIOError:
                    pass
                except OSError:
                    refused += 1
            if refused >= EXTRA:
                break
            time.sleep(0.1)
        eq(refused, EXTRA, f"the {EXTRA} connections past the cap of {CAP} are closed")
        try:
            res = call("GET", "/healthz")
            status = res.status
        except OSError:
            status = None
        check(status != 200, "one more request while the cap is held is refused", status)
    finally:
        for s in socks:
            s.close()
    time.sleep(0.3)
    eq(call("GET", "/healthz").status, 200, "/healthz answers once the idle sockets close")


def main():
    return apilib.main(run, units=UNITS, users=USERS, password=PASSWORD)


if __name__ == "__main__":
    sys.exit(main())
