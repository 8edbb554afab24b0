#!/usr/bin/env python3
"""test_secure_cookie.py -- issue 16, item 7: the session cookies carry Secure when the
request came over https: here from a trusted proxy (`serve --trusted-proxy 127.0.0.1`)
saying X-Forwarded-Proto: https. Without that header, or from a peer that is not trusted,
they do not (a browser on plain http would drop a Secure cookie).

usage: python3 tests/api/test_secure_cookie.py /path/to/shishi
"""

import http.client
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import check, eq  # noqa: E402

PASSWORD = "Zhengwu-2021!"
UNITS = [("区政府", "district", None, "qzf")]
USERS = [("paidan", "dispatcher", None)]


def cookies(method, path, headers, body=None):
    c = http.client.HTTPConnection("127.0.0.1", apilib.PORT, timeout=30)
    try:
        data = json.dumps(body).encode() if body is not None else None
        h = dict(headers)
        if data is not None:
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        r.read()
        return r.status, r.msg.get_all("Set-Cookie") or []
    finally:
        c.close()


def login(headers):
    return cookies("POST", "/api/v1/session", headers,
                   {"username": "paidan", "password": PASSWORD})


def secure(cookie):
    return any(a.strip().lower() == "secure" for a in cookie.split(";")[1:])


def run_trusted():
    status, got = login({"X-Forwarded-Proto": "https"})
    eq(status, 200, "login through the trusted proxy over https")
    eq(len(got), 2, "two cookies")
    check(got and all(secure(x) for x in got), "both cookies carry Secure", got)
    status, got = login({})
    eq(status, 200, "login through the trusted proxy over http")
    check(got and not any(secure(x) for x in got), "no Secure without X-Forwarded-Proto", got)
    status, got = login({"X-Forwarded-Proto": "http"})
    check(got and not any(secure(x) for x in got), "no Secure for X-Forwarded-Proto: http", got)
    token = next((x.split(";")[0].split("=", 1)[1] for x in got
                  if x.startswith("shishi_session=")), "")
    status, got = cookies("DELETE", "/api/v1/session",
                          {"Authorization": "Bearer " + token, "X-Forwarded-Proto": "https"})
    eq(status, 200, "logout over https")
    check(got and all(secure(x) for x in got), "the clearing cookies carry Secure too", got)


def run_untrusted():
    status, got = login({"X-Forwarded-Proto": "https"})
    eq(status, 200, "login with no trusted proxy")
    check(got and not any(secure(x) for x in got),
          "X-Forwarded-Proto from a peer that is not trusted is ignored", got)


def main():
    binary = apilib.binary_arg()
    if not binary:
        return 1
    with tempfile.TemporaryDirectory(prefix="shishi-api-secure.") as tmp:
        db = os.environ.get("SHISHI_TEST_DB_URL") or os.path.join(tmp, "ledger.db")
        try:
            apilib.setup_db(binary, db, UNITS, USERS, PASSWORD)
            with apilib.Server(binary, db, os.path.join(tmp, "a.log"),
                               args=["--trusted-proxy", "127.0.0.1"]):
                run_trusted()
            with apilib.Server(binary, db, os.path.join(tmp, "b.log")):
                run_untrusted()
        except Exception as ex:  # noqa: BLE001 -- any failure is one failed check
            check(False, "the test ran to its end", repr(ex))
    return apilib.summary()


if __name__ == "__main__":
    sys.exit(main())
