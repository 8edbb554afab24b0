#!/usr/bin/env python3
"""test_routes.py -- the route table (src/http/routes.c) against a running server.

    python3 tests/api/test_routes.py /path/to/shishi
    python3 tests/api/test_routes.py --markdown    # docs/api.md's endpoint table, from routes.c

Reads the table's rows from routes.c itself, so that no row can be added without being
walked: every row answers its method with something other than the dispatcher's 404 "no
such endpoint" (field "path"); every query parameter a row names is taken, and one it does
not name is refused with 400 naming it and listing what the endpoint takes, on several
endpoints; docs/api.md's endpoint table lists exactly the table's rows. Also checks the q
filter of GET /api/v1/appeals and the public areas (GET /api/v1/public/areas, no session),
HEAD as GET without a body, the body's Content-Type matched as a media type, not a prefix,
an empty query parameter refused, numbers read as digits only, and areas added with or
without a code.
Standard library only; prints one line per failed check and "N passed, M failed".
"""

import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq, expect  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "Routes-2021!"
UNITS = [("区政府", "district"), ("住建局", "department", "区政府")]
USERS = [("admin", "admin", None), ("paidan", "dispatcher", None), ("zj", "handler", "住建局"),
         ("spare", "admin", None)]

ROW = re.compile(r'\{(GET|POST|DELETE),\s*"([^"]+)",\s*(\w+),\s*([A-Z |]+),\s*"([^"]*)"\}')


def table():
    """The rows of routes.c's table: (method, pattern, handler, flags, params)."""
    with open(os.path.join(ROOT, "src", "http", "routes.c"), encoding="utf-8") as f:
        text = f.read()
    body = text[text.index("routes[] = {"):text.index("};", text.index("routes[] = {"))]
    rows = [(m, p, h, set(x.strip() for x in fl.split("|")), params.split())
            for m, p, h, fl, params in ROW.findall(body)]
    # every row of the table was understood (one row per handler name)
    eq(len(rows), len(re.findall(r'\{(?:GET|POST|DELETE),', body)), "every row of routes.c parsed")
    return rows


def markdown():
    """docs/api.md's endpoint table, printed from routes.c (--markdown)."""
    hfile, cur = {}, None
    with open(os.path.join(ROOT, "src", "http", "handlers.h"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"/\* (api_\w+\.c)", line)
            if m:
                cur = m.group(1)
            if line.startswith("route_handler"):
                for name in re.findall(r"\w+", line)[1:]:
                    hfile[name] = cur
    lines = ["| method | path | query parameters | flags | handler |", "|---|---|---|---|---|"]
    for m, p, h, flags, params in table():
        ps = ", ".join(f"`{x}`" for x in params) or "none"
        lines.append(f"| `{m}` | `{p}` | {ps} | {' '.join(sorted(flags))} | `{h}` "
                     f"({hfile.get(h, '?')}) |")
    return "\n".join(lines)


def fill(pattern):
    """A concrete path for a pattern: each {capture} a value no record has."""
    return re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1) in ("seq", "version") else "NOSUCH1",
                  pattern)


def is_no_endpoint(res):
    doc = res.json if isinstance(res.json, dict) else {}
    err = doc.get("error") or {}
    return res.status == 404 and err.get("field") == "path"


def qs(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


def documented():
    """The lines of the table in docs/api.md's "Every endpoint" section."""
    with open(os.path.join(ROOT, "docs", "api.md"), encoding="utf-8") as f:
        text = f.read()
    start = text.index("## Every endpoint")
    section = text[start:text.index("\n## ", start + 3)]
    lines = section.splitlines()
    start = lines.index("| method | path | query parameters | flags | handler |")
    out = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        out.append(line)
    return out


def run(site):
    admin, disp, hand = site.tok["admin"], site.tok["paidan"], site.tok["zj"]
    rows = table()
    check(len(rows) >= 58, "the table holds every endpoint", str(len(rows)))

    # the docs list exactly the table
    want = markdown().splitlines()
    got = documented()
    check(got == want, "docs/api.md's endpoint table is the route table "
          "(print it with: python3 tests/api/test_routes.py --markdown)",
          f"missing {[x for x in want if x not in got]}, extra {[x for x in got if x not in want]}")

    # every row answers its method; DELETE /session last, on a spare session
    for method, pattern, handler, flags, params in rows:
        if method == "DELETE":
            continue
        body = {} if method == "POST" else None
        token = None if "PUBLIC" in flags else admin
        res = call(method, fill(pattern), body, token)
        check(not is_no_endpoint(res) and res.status != 405,
              f"{method} {pattern} ({handler}) is routed", str(res))
        # the same path with another method is no endpoint, unless the table has that row too
        other = "PUT"
        check(is_no_endpoint(call(other, fill(pattern), {}, admin)),
              f"PUT {pattern} is no endpoint")
        # every parameter the row names is taken
        for p in params:
            res = call(method, qs(fill(pattern), **{p: "1"}), body, token)
            check(not (res.status == 400 and "unknown query parameter" in str(res)),
                  f"{method} {pattern} takes ?{p}", str(res))
        # ... but not empty: "from=" must not read as "from the beginning" (issue 16, item 7)
        for p in params:
            res = call(method, qs(fill(pattern), **{p: ""}), body, token)
            if expect(res, 400, f"{method} {pattern}?{p}= is refused", code="invalid",
                      has=f"the query parameter '{p}' is empty"):
                eq(res.json["error"]["field"], p, f"{method} {pattern}?{p}= names it")
        # and one it does not name is refused, naming it and what the endpoint takes
        res = call(method, qs(fill(pattern), nosuch="1"), body, token)
        takes = ", ".join(params) if params else "none"
        if expect(res, 400, f"{method} {pattern}?nosuch=1", code="invalid", shape=True,
                  has=f"unknown query parameter 'nosuch' (this endpoint takes: {takes})"):
            eq(res.json["error"]["field"], "nosuch", f"{method} {pattern}?nosuch=1 names it")
    for method, pattern, handler, flags, params in rows:
        if method == "DELETE":
            res = call(method, fill(pattern), None, site.tok["spare"])
            expect(res, 200, f"{method} {pattern} ({handler}) is routed")

    # a number is digits: "%2010" is " 10", not 10; nor "+10", "10 " or "0x10"
    for path, field in [("/api/v1/appeals?limit=%2010", "limit"), ("/api/v1/appeals?limit=+10",
                        "limit"), ("/api/v1/appeals?limit=10%20", "limit"),
                        ("/api/v1/appeals?cursor=0x10", "cursor"),
                        ("/api/v1/report?from=2021-01-01&to=2021-12-31&rules=%201", "rules"),
                        ("/api/v1/calendar/add?date=2021-10-08&n=+1", "n"),
                        ("/api/v1/projects?year=%202021", "year"),
                        ("/api/v1/projects?batch=1e0", "batch")]:
        res = call("GET", path, None, admin)
        if expect(res, 400, f"GET {path} is refused", code="invalid",
                  has="must be a whole number"):
            eq(res.json["error"]["field"], field, f"GET {path} names {field}")
    expect(call("GET", "/api/v1/appeals?limit=10", None, admin), 200, "GET /appeals?limit=10")

    # an area or a channel added without a code gets one (as `shishi area add` does)
    res = call("POST", "/api/v1/areas", {"name": "停车难"}, admin)
    doc = expect(res, 201, "POST /areas without a code")
    if doc:
        check(re.fullmatch(r"area\d+", doc["code"]) is not None, "it gets a code areaN", str(doc))
        listed = {a["code"]: a["name"] for a in call("GET", "/api/v1/areas", None, admin).json}
        eq(listed.get(doc["code"]), "停车难", "GET /areas lists it under that code")
    doc = expect(call("POST", "/api/v1/areas", {"name": "供暖", "code": "heating"}, admin), 201,
                 "POST /areas with a code")
    eq(doc and doc["code"], "heating", "the code given is kept")
    expect(call("POST", "/api/v1/areas", {"code": "nameless"}, admin), 400,
           "POST /areas without a name", code="invalid")

    # an unknown last segment names what the rows beside it take
    expect(call("POST", "/api/v1/votes/NOSUCH1/frobnicate", {}, admin), 404,
           "POST /votes/{code}/frobnicate", "no such endpoint: POST /api/v1/votes/NOSUCH1/"
           "frobnicate (POST there: deputies, candidates, open, ballots, close, adopt)",
           code="not_found")
    expect(call("GET", "/api/v1/calendar/when", None, admin), 404, "GET /calendar/when",
           "(GET there: add, is)")
    r = call("GET", "/api/v1/nothing", None, admin)
    eq(r.json and r.json["error"], {"code": "not_found", "field": "path",
                                    "message": "no such endpoint: GET /api/v1/nothing"},
       "directly under /api/v1, no list of every resource")

    # the issue's own example: ?foo=1 on the appeals' list, and the message in full
    res = call("GET", "/api/v1/appeals?foo=1", None, disp)
    expect(res, 400, "GET /appeals?foo=1", code="invalid", shape=True)
    eq(res.json and res.json["error"], {
        "code": "invalid", "field": "foo",
        "message": "unknown query parameter 'foo' (this endpoint takes: status, unit, area, "
                   "channel, from, to, sort, overdue, due_soon, ext_pending, suspect, q, limit, cursor)"},
       "GET /appeals?foo=1: the error in full")
    # a typo is refused rather than ignored: ?form= for ?from= on the report
    expect(call("GET", "/api/v1/report?form=2021-01-01&to=2021-01-31", None, disp), 400,
           "report ?form= (a typo)", "unknown query parameter 'form'")
    # the first unknown one is named, after the known ones
    res = call("GET", "/api/v1/appeals?limit=1&zzz=1&yyy=2", None, disp)
    eq(res.json and res.json["error"]["field"], "zzz", "the first unknown parameter is named")
    # a parameter of another endpoint is not taken: month is the projects', not a project's year
    expect(call("GET", "/api/v1/projects/NOSUCH1?year=2021", None, disp), 400,
           "project ?year=", "unknown query parameter 'year' (this endpoint takes: month)")
    # POST endpoints take no query parameters
    expect(call("POST", "/api/v1/appeals?dry_run=1", {"kind": "咨询"}, disp), 400,
           "POST /appeals?dry_run=1", "unknown query parameter 'dry_run' (this endpoint "
           "takes: none)")
    # the public follow-up takes only phone_last4
    expect(call("GET", "/api/v1/public/appeals/YD000000000000?phone=13800005678"), 400,
           "public follow ?phone=", "unknown query parameter 'phone'")
    # without a session, the answer is 401 first: parameters are checked for those let in
    expect(call("GET", "/api/v1/appeals?foo=1"), 401, "no session: 401 before the parameters")
    # an empty name is a parameter too
    expect(call("GET", "/api/v1/appeals?=1", None, disp), 400, "GET /appeals?=1",
           "unknown query parameter ''")

    # q: the code, title or content contains it
    codes = {}
    for title, content in (("路灯不亮", "东街三号路口"), ("噪音扰民", "夜间施工，路灯旁"),
                           ("井盖缺失", "西街")):
        r = call("POST", "/api/v1/appeals", {"title": title, "content": content,
                                             "channel": "hotline", "kind": "投诉"}, disp)
        if expect(r, 201, f"register {title}"):
            codes[title] = r.json["code"]
    r = call("GET", qs("/api/v1/appeals", q="路灯", sort="code"), None, disp)
    if expect(r, 200, "GET /appeals?q=路灯"):
        eq(sorted(a["code"] for a in r.json["items"]),
           sorted([codes.get("路灯不亮"), codes.get("噪音扰民")]),
           "q=路灯: the two appeals whose title or content has it")
        eq(r.json["total"], 2, "q=路灯: total")
    r = call("GET", qs("/api/v1/appeals", q="井盖"), None, disp)
    if expect(r, 200, "GET /appeals?q=井盖"):
        eq([a["code"] for a in r.json["items"]], [codes.get("井盖缺失")], "q=井盖: one appeal")
    r = call("GET", qs("/api/v1/appeals", q=codes.get("井盖缺失", "")), None, disp)
    if expect(r, 200, "GET /appeals?q=<code>"):
        eq(r.json["total"], 1, "q matches the code")
    r = call("GET", qs("/api/v1/appeals", q="无此内容"), None, disp)
    if expect(r, 200, "GET /appeals?q=无此内容"):
        eq((r.json["total"], r.json["items"]), (0, []), "q with no match: none")
    # the handler's scope still applies with q: nothing was dispatched to 住建局
    r = call("GET", qs("/api/v1/appeals", q="路灯"), None, hand)
    if expect(r, 200, "handler GET /appeals?q=路灯"):
        eq(r.json["total"], 0, "q does not widen a handler's scope")

    # the public areas: no session, active ones only, code and name only
    r = call("GET", "/api/v1/public/areas")
    items = expect(r, 200, "GET /public/areas without a session") or []
    check(items and all(set(a) == {"code", "name"} for a in items),
          "public areas: code and name only", str(items))
    check({"code": "medical", "name": "就医"} in items, "public areas hold 就医", str(items))
    site.cli("area", "disable", "就医")
    r = call("GET", "/api/v1/public/areas")
    if expect(r, 200, "GET /public/areas after disabling 就医"):
        names = [a["name"] for a in r.json]
        check("就医" not in names and "就学" in names, "a disabled area is not offered", names)
        staff = call("GET", "/api/v1/areas", None, disp)
        if expect(staff, 200, "the staff's GET /areas"):
            eq(len(staff.json), len(r.json) + 1, "staff see the disabled area too")
    expect(call("GET", "/api/v1/areas"), 401, "the staff's list still needs a session")

    # HEAD is GET without a body; a JSON body is sent as application/json and nothing like it.
    import http.client

    def raw(method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", apilib.PORT, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            res = conn.getresponse()
            return res.status, res.read()
        finally:
            conn.close()
    st, body = raw("HEAD", "/healthz")
    eq((st, body), (200, b""), "HEAD /healthz: 200 and no body")
    st, _ = raw("HEAD", "/api/v1/appeals")
    eq(st, 401, "HEAD on an endpoint that needs a session: 401, as its GET")
    login = b'{"username": "paidan", "password": "wrong"}'
    for ctype, want in (("application/jsonx", 415), ("application/json-seq", 415),
                        ("text/plain", 415), ("Application/JSON; charset=utf-8", 401),
                        ("application/json;charset=utf-8", 401)):
        st, body = raw("POST", "/api/v1/session", login, {"Content-Type": ctype})
        eq(st, want, f"POST /session as {ctype}: {want}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--markdown"]:
        print(markdown())
        sys.exit(0)
    sys.exit(apilib.main(run, units=UNITS, users=USERS, password=PASSWORD,
                         prefix="shishi-routes."))
