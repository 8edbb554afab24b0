#!/usr/bin/env python3
"""test_fuzz_found.py -- defects tests/fuzz/fuzz_http.c found, each kept as a request (issue
16, fuzzing): an error that quotes a request's bytes which are not UTF-8 (a path "%FF", an
unknown query parameter's name) still carries its message and field; it lost them, since
JSON strings must be UTF-8, and answered {"error":{"code":"not_found"}} alone.

usage: python3 tests/api/test_fuzz_found.py /path/to/shishi
"""

import http.client
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import check, eq  # noqa: E402

PASSWORD = "Zhengwu-2021!"
UNITS = [("区政府", "district", None, "qzf")]
USERS = [("paidan", "dispatcher", None)]


def raw(path, token=None):
    """GET path exactly as given (no client-side quoting); (status, parsed JSON)."""
    c = http.client.HTTPConnection("127.0.0.1", apilib.PORT, timeout=10)
    c.putrequest("GET", path, skip_accept_encoding=True)
    if token:
        c.putheader("Authorization", "Bearer " + token)
    c.endheaders()
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, json.loads(body)


def has_error(doc, what):
    err = doc.get("error", {})
    check(isinstance(err.get("code"), str) and isinstance(err.get("message"), str)
          and "field" in err, what, doc)


def run(site):
    status, doc = raw("/api/v1/%FF")
    eq(status, 404, "a path that is not UTF-8 is an unknown endpoint")
    has_error(doc, "its error has a code, a message and a field")
    status, doc = raw("/api/v1/units?%FF=1", token=site.tok["paidan"])
    eq(status, 400, "a query parameter whose name is not UTF-8 is unknown")
    has_error(doc, "its error has a code, a message and a field")
    check(doc["error"]["field"] == "?", "the field names it, '?' for the byte", doc)


def main():
    return apilib.main(run, units=UNITS, users=USERS, password=PASSWORD)


if __name__ == "__main__":
    sys.exit(main())
