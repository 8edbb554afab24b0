#!/usr/bin/env python3
"""test_log_injection.py -- issue 16, item 2: a request cannot write a line of its own into
the access log (a percent-encoded newline in the path, a space-laden username), and a NUL or
another control character in a path is refused (400) instead of cutting the path short
(`/api/v1/appeals/CODE%00x` answered 200 as CODE).

usage: python3 tests/api/test_log_injection.py /path/to/shishi
"""

import http.client
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq, expect  # noqa: E402

PASSWORD = "Zhengwu-2021!"
UNITS = [("区政府", "district", None, "qzf"), ("住建局", "department", "区政府")]
USERS = [("paidan", "dispatcher", None)]


def raw(path):
    """GET path exactly as given (no client-side quoting)."""
    c = http.client.HTTPConnection("127.0.0.1", apilib.PORT, timeout=10)
    c.putrequest("GET", path, skip_accept_encoding=True)
    c.endheaders()
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


def run(site):
    code = site.cli("register", "--title", "路灯不亮", "--content", "永定路路灯不亮", "--channel",
                    "12345热线", "--kind", "投诉").strip()
    tok = site.tok["paidan"]
    forged = "/api/v1/x%0aaccess%20addr=10.1.2.3%20method=GET%20path=/api/v1/audit/verify%20status=200%20user=admin"
    status, _ = raw(forged)
    eq(status, 400, "a newline in the path is refused")
    status, _ = raw("/api/v1/x%0d%0a")
    eq(status, 400, "a carriage return in the path is refused")
    status, body = raw(f"/api/v1/appeals/{code}%00x")
    eq(status, 400, "a NUL in the path is refused, not cut short")
    check(b"control character" in body, "the refusal says why", body[:200])
    status, _ = raw("/api/v1/x%7f")
    eq(status, 400, "DEL in the path is refused")
    expect(call("GET", f"/api/v1/appeals/{code}", token=tok), 200, "the plain path still works")
    expect(call("GET", "/api/v1/%E8%B7%AF%E7%81%AF", token=tok), 404,
           "a path of Chinese characters is an unknown endpoint, not a control character")


def read_log(text):
    lines = text.splitlines()
    access = [x for x in lines if x.startswith("access ")]
    check(access, "the server logged its requests", text[-500:])
    check(not any(x.startswith("access addr=10.1.2.3") for x in lines),
          "no forged access line", [x for x in lines if "10.1.2.3" in x])
    check(all(x.count(" path=") == 1 and x.count(" user=") == 1 for x in access),
          "every access line has one path and one user", access[-3:])
    check(any("path=/api/v1/x%0Aaccess%20addr=10.1.2.3" in x for x in access),
          "the newline and spaces are logged percent-encoded",
          [x for x in access if "/api/v1/x" in x])


def main():
    return apilib.main(run, units=UNITS, users=USERS, password=PASSWORD, quiet=False,
                       on_log=read_log)


if __name__ == "__main__":
    sys.exit(main())
