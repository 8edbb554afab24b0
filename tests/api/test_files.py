#!/usr/bin/env python3
"""test_files.py -- evidence files, the citizen's own rating and the embedded web pages, over
HTTP against a fresh database.

    python3 tests/api/test_files.py /path/to/shishi

A handler uploads a photo (type decided by its bytes; wrong or lying types refused, and
roles that may neither reply nor close refused), replies citing it, and a dispatcher reads
it back byte for byte. The citizen rates the replied appeal with the last four phone digits
(a wrong ending reads as not found; a second rating is a 409); the rating is the visit.
`audit verify` passes, then fails once the stored photo is altered. The web pages: index with
a CSP and no caching, hashed assets cached and gzip'ed, the app's routes falling back to their
page, a missing asset a 404. Standard library only.
"""

import gzip
import http.client
import os
import sqlite3
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq, expect  # noqa: E402

PASSWORD = "Files-2021!"
UNITS = [("区政府", "district"), ("住建局", "department", "区政府"), ("城管局", "department", "区政府")]
USERS = [("admin", "admin", None), ("paidan", "dispatcher", None), ("zj", "handler", "住建局"),
         ("cg", "handler", "城管局"), ("lingdao", "leader", None), ("shenji", "auditor", None)]


def raw(method, path, data=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", apilib.PORT, timeout=60)
    try:
        conn.request(method, path, body=data, headers=headers or {})
        r = conn.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        conn.close()


def png(side=8):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    rows = b"".join(b"\0" + b"\xc0\x20\x20" * side for _ in range(side))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def upload(token, data, ctype):
    st, _, body = raw("POST", "/api/v1/files", data,
                      {"Authorization": "Bearer " + token, "Content-Type": ctype})
    return apilib.Response(st, body)


def run(site):
    tok = site.tok
    disp, zj, cg, lead = tok["paidan"], tok["zj"], tok["cg"], tok["lingdao"]
    a = expect(call("POST", "/api/v1/appeals", {
        "title": "幸福小区路灯不亮", "content": "3号楼前路灯坏了两周。", "kind": "投诉",
        "channel": "hotline", "phone": "13812345678"}, disp), 201, "register")
    code = a["code"]
    a = expect(call("POST", f"/api/v1/appeals/{code}/dispatch",
                    {"version": a["version"], "unit": "住建局"}, disp), 200, "dispatch")
    a = expect(call("POST", f"/api/v1/appeals/{code}/accept", {"version": a["version"]}, zj),
               200, "accept")

    photo = png()
    doc = expect(upload(zj, photo, "image/png"), 201, "the handler uploads a PNG")
    ref = doc and doc["ref"]
    check(ref and ref.startswith("sha256:") and ref.endswith(".png") and len(ref) == 7 + 64 + 4,
          "the reference is sha256:<hex>.png", ref)
    again = expect(upload(zj, photo, "image/png"), 201, "the same bytes again")
    eq(again and again["ref"], ref, "the same bytes, the same reference (content-addressed)")
    expect(upload(zj, b"hello, not a photo", "image/png"), 400, "text sent as a PNG",
           "only JPEG and PNG photos and PDF documents")
    expect(upload(zj, photo, "image/jpeg"), 400, "a PNG sent as JPEG", "the file is image/png")
    expect(upload(zj, b"", "image/png"), 400, "an empty file", "empty")
    expect(upload(lead, photo, "image/png"), 403, "a leader may not upload")
    expect(upload(tok["shenji"], photo, "image/png"), 403, "an auditor may not upload")

    a = expect(call("POST", f"/api/v1/appeals/{code}/reply",
                    {"version": a["version"], "text": "已修复路灯。", "evidence": [ref]}, zj),
               200, "reply citing the photo")
    check(a and "close" not in a["allowed_actions"], "allowed_actions: a handler may not close",
          a and a["allowed_actions"])
    name = ref[7:]
    st, h, body = raw("GET", f"/api/v1/files/{name}", headers={"Authorization": "Bearer " + disp})
    check(st == 200 and body == photo, "the dispatcher reads the photo back byte for byte",
          f"{st} {len(body)}")
    eq(h.get("content-type"), "image/png", "its type")
    check(h.get("content-disposition", "").startswith("inline"), "shown inline", h)
    st, _, _ = raw("GET", f"/api/v1/files/{'0' * 64}.png", headers={"Authorization": "Bearer " + disp})
    eq(st, 404, "an unknown file is a 404")
    st, _, _ = raw("GET", f"/api/v1/files/{name}")
    eq(st, 401, "no session, no file")

    # The citizen's own rating (回访), proved by the phone's last four digits.
    R = f"/api/v1/public/appeals/{code}/rate"
    expect(call("POST", R, {"phone_last4": "0000", "satisfaction": "满意", "solved": "yes"}),
           404, "a wrong phone ending reads as not found", "no appeal")
    expect(call("POST", R, {"phone_last4": "5678", "satisfaction": "超级满意", "solved": "yes"}),
           400, "an unknown satisfaction")
    doc = expect(call("POST", R, {"phone_last4": "5678", "satisfaction": "basic", "solved": "yes"}),
                 200, "the citizen rates it")
    check(doc and doc["status"] == "visited" and set(doc) >= {"timeline", "reply"},
          "rated: visited, with the public timeline", doc)
    check(doc and all(set(s) == {"label", "at"} for s in doc["timeline"]),
          "the public timeline has no actors or notes", doc and doc["timeline"])
    expect(call("POST", R, {"phone_last4": "5678", "satisfaction": "satisfied", "solved": "yes"}),
           409, "a second rating is refused")
    full = expect(call("GET", f"/api/v1/appeals/{code}", token=disp), 200, "the dispatcher reads it")
    check(full and full["visit_satisfaction"] == "基本满意" and full["history"][-1]["actor"] == "citizen",
          "the rating is the visit, by the citizen", full and full["history"][-1])
    expect(call("POST", f"/api/v1/appeals/{code}/close", {"version": full["version"]}, disp), 200,
           "close-out with the reply's photo as evidence")

    # A citizen's photo with the appeal: stored with it in one transaction, sealed by its
    # register event, shown to staff; no evidence of handling; bad photos refused whole.
    import base64
    pub = {"title": "井盖缺失", "content": "解放路口井盖缺失，很危险。", "phone": "13900001234",
           "address": "解放路口"}
    before = site.cli("list", "--format", "json").count('"code"')
    expect(call("POST", "/api/v1/public/appeals", dict(pub, photo="not base64 !!")), 400,
           "a photo that is not base64", "photo")
    expect(call("POST", "/api/v1/public/appeals",
                dict(pub, photo=base64.b64encode(b"%PDF-1.4 hello").decode())), 400,
           "a PDF is no photo", "photo")
    eq(site.cli("list", "--format", "json").count('"code"'), before,
       "a refused photo registers nothing")
    pic = png(12)
    got = expect(call("POST", "/api/v1/public/appeals",
                      dict(pub, photo="data:image/png;base64," + base64.b64encode(pic).decode())),
                 201, "a citizen submits with a photo")
    if got:
        seen = expect(call("GET", f"/api/v1/appeals/{got['code']}", token=disp), 200,
                      "staff read the citizen's appeal")
        refs = seen and seen["history"][0]["details"].get("evidence")
        check(refs and refs[0].startswith("sha256:") and refs[0].endswith(".png"),
              "the register event cites the photo", seen and seen["history"][0])
        st, h, body = raw("GET", "/api/v1/files/" + refs[0][7:], headers={"Authorization": "Bearer " + disp})
        check(st == 200 and body == pic, "the photo reads back byte for byte", st)
        eq(seen["evidence_count"] if "evidence_count" in seen else 0, 0,
           "a citizen's photo is no evidence of the handling")

    out = site.cli("audit", "verify")
    check("audit ok" in out, "audit verify passes with the photo", out)
    if not os.environ.get("SHISHI_TEST_DB_URL"):
        con = sqlite3.connect(site.db)
        con.execute("UPDATE files SET data = ? WHERE sha256 = ?",
                    (__import__("base64").b64encode(photo[:-1] + b"\x01").decode(), name[:64]))
        con.commit()
        con.close()
        try:
            out = site.cli("audit", "verify")
        except RuntimeError as ex:
            out = str(ex)
        check("audit failed" in out and "evidence file" in out and "changed" in out,
              "audit verify finds the altered photo", out)

    # One's own password.
    P = "/api/v1/session/password"
    expect(call("POST", P, {"old_password": "wrong", "new_password": "Neues-2021!"}, zj), 400,
           "a wrong current password", "the current password is wrong")
    expect(call("POST", P, {"old_password": PASSWORD, "new_password": "short"}, zj), 400,
           "a short new password", "8 to 256")
    expect(call("POST", P, {"old_password": PASSWORD, "new_password": "Neues-2021!"}, zj), 200,
           "the handler changes their password")
    expect(call("POST", "/api/v1/session", {"username": "zj", "password": "Neues-2021!"}), 200,
           "and logs in with the new one")
    expect(call("POST", "/api/v1/session", {"username": "zj", "password": PASSWORD}), 401,
           "not with the old one")

    # The embedded web pages.
    st, h, body = raw("GET", "/")
    if st == 404 and "未包含网页控制台".encode() in body:
        check(True, "built without the console: / says the API alone is served")
        return
    check(st == 200 and h.get("content-type", "").startswith("text/html"), "/ is the console", st)
    csp = h.get("content-security-policy", "")
    check("script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp,
          "a strict Content-Security-Policy", csp)
    eq(h.get("cache-control"), "no-cache", "index.html is not cached")
    check(b"<script" in body and b"<script>" not in body, "no inline script", body[:200])
    asset = body.split(b'src="')[1].split(b'"')[0].decode()
    st, h, js = raw("GET", asset, headers={"Accept-Encoding": "gzip, deflate"})
    check(st == 200 and h.get("content-encoding") == "gzip" and gzip.decompress(js)[:1],
          "a hashed asset comes gzip'ed", f"{st} {h}")
    check("immutable" in h.get("cache-control", ""), "and is cached for long", h)
    eq(h.get("content-type"), "text/javascript; charset=utf-8", "with its type")
    st, h, plain = raw("GET", asset)
    check(st == 200 and "content-encoding" not in h and plain == gzip.decompress(js),
          "the same asset plain to a client without gzip")
    st, h, page = raw("GET", f"/appeals/{code}")
    check(st == 200 and page == body, "an app route falls back to the console's page")
    st, h, page = raw("GET", "/h5/")
    check(st == 200 and b"/src/h5" not in page and page != body, "/h5/ is the citizens' page")
    st, _, page2 = raw("GET", "/h5/follow")
    check(st == 200 and page2 == page, "a route under /h5/ falls back to the citizens' page")
    eq(raw("GET", "/assets/missing-abc123.js")[0], 404, "a missing asset is a 404")
    eq(raw("POST", "/", b"x", {"Content-Type": "text/plain"})[0], 405, "POST / is refused")


sys.exit(apilib.main(run, units=UNITS, users=USERS, password=PASSWORD))
