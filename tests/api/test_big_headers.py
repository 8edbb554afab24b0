#!/usr/bin/env python3
"""test_big_headers.py -- issue 16, item 7: request headers past 16 KiB get the API's JSON
error (431, Chinese first) instead of libmicrohttpd's HTML page, and a request with
`Expect: 100-continue` whose Content-Length is past the body limit gets the JSON 413 at once,
without `100 Continue`.

usage: python3 tests/api/test_big_headers.py /path/to/shishi
"""

import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq  # noqa: E402

PASSWORD = "Zhengwu-2021!"
UNITS = [("区政府", "district", None, "qzf")]
USERS = [("paidan", "dispatcher", None)]


def exchange(head, wait=3.0):
    """Sends head (bytes) on a raw socket and returns all the server sends until it closes
    or is quiet for `wait` seconds."""
    s = socket.create_connection(("127.0.0.1", apilib.PORT), timeout=wait)
    got = b""
    try:
        s.sendall(head)
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    finally:
        s.close()
    return got


def split(resp):
    head, _, body = resp.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for x in lines[1:]:
        k, _, v = x.partition(":")
        headers[k.strip().lower()] = v.strip()
    return lines[0], headers, body


def run(site):
    del site
    big = "X-Filler: " + "a" * 20000
    resp = exchange(f"GET /healthz HTTP/1.1\r\nHost: x\r\n{big}\r\n\r\n".encode())
    status, headers, body = split(resp)
    check(status.startswith("HTTP/1.1 431"), "a 20 KB header is answered 431", status)
    eq(headers.get("content-type", "").split(";")[0], "application/json",
       "the 431 is JSON, not libmicrohttpd's HTML")
    try:
        err = json.loads(body)["error"]
    except (ValueError, KeyError) as ex:
        err = {"message": repr(ex) + repr(body[:200])}
    check("请求头" in err.get("message", ""), "the message names the problem, Chinese first",
          err)
    eq(err.get("field"), "headers", "the error's field is the headers")

    ok = exchange(f"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Filler: {'a' * 8000}"
                  "\r\n\r\n".encode())
    check(ok.startswith(b"HTTP/1.1 200"), "an 8 KB header is still served", ok[:100])

    # Expect: 100-continue with a Content-Length past the body limit (1 MiB by default).
    resp = exchange(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    b"\r\nContent-Length: 104857600\r\nExpect: 100-continue\r\n\r\n")
    check(resp.startswith(b"HTTP/1.1 413"), "a body past the limit is refused 413 at once",
          resp[:200])
    check(b"100 Continue" not in resp, "without 100 Continue", resp[:200])
    status, headers, body = split(resp)
    eq(headers.get("content-type", "").split(";")[0], "application/json", "the 413 is JSON")
    # A small body with Expect still gets 100 Continue and its answer.
    resp = exchange(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    b"\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
                    wait=1.0)
    check(resp.startswith(b"HTTP/1.1 100"), "a small body with Expect gets 100 Continue",
          resp[:200])
    eq(call("GET", "/healthz").status, 200, "the server still answers")


def main():
    return apilib.main(run, units=UNITS, users=USERS, password=PASSWORD)


if __name__ == "__main__":
    sys.exit(main())
