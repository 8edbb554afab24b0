#!/usr/bin/env python3
"""test_parity.py -- who may do what is decided once (src/core/policy.c): the same table of
(actor, operation, target) runs through the CLI with --as and through the HTTP API, and both
must give the same outcome -- success on both, or the same refusal, word for word (the
service writes it once). Each defect issue 11 found is a named row. Also: paging as a leader
and as a handler equals a plain count of what the role may read; explain and the bulletin
list only what the reader may read; visits are a leader's own and never in the future.

usage: python3 tests/api/test_parity.py /path/to/shishi   (SHISHI_TEST_DB_URL: PostgreSQL)
"""

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq, expect  # noqa: E402

PASSWORD = "Zhengwu-2021!"
UNITS = [("区政府", "district", None, "qzf"), ("住建局", "department", "区政府"),
         ("城管局", "department", "区政府"), ("南街道", "street", "区政府"),
         ("南社区", "community", "南街道")]
USERS = [("admin", "admin", None), ("paidan", "dispatcher", None),
         ("zhujian", "handler", "住建局"), ("chengguan", "handler", "城管局"),
         ("nanjie", "handler", "南社区"), ("lingdao", "leader", None),
         ("ld_zj", "leader", "住建局"), ("ld_nan", "leader", "南街道"),
         ("shenji", "auditor", None)]

SITE = None


def shishi(*args):
    """`shishi --db DB ARGS...` as a finished process (exit code, stdout, stderr)."""
    return subprocess.run([SITE.binary, "--db", SITE.db, *args], capture_output=True,
                          text=True, timeout=120)


def sys_cli(*args):
    """The local operator (the system) acting: set-up only."""
    r = shishi(*args)
    if r.returncode != 0:
        raise RuntimeError(f"set-up failed: {args}: {r.stderr}")
    return r.stdout


def make(state, lead="住建局", assist=None):
    """A fresh appeal in `state`, led by `lead` (assisted by `assist`), made by the system."""
    code = sys_cli("register", "--title", "路灯不亮", "--content", "永定路路灯不亮",
                   "--channel", "12345热线", "--kind", "投诉", "--phone", "13812345678").strip()
    steps = {"received": [],
             "dispatched": [["dispatch", code, "--unit", lead] + (["--assist", assist] if assist else [])],
             "accepted": [["accept", code]],
             "replied": [["reply", code, "--text", "已修复"]],
             "visited": [["visit", code, "--solved", "yes", "--satisfaction", "满意"]]}
    order = ["received", "dispatched", "accepted", "replied", "visited"]
    for s in order[:order.index(state) + 1]:
        for st in steps[s]:
            sys_cli(*st)
    return code


def version(code):
    doc = json.loads(sys_cli("show", code, "--format", "json"))
    return doc["version"]


# Operations: name -> (CLI args, HTTP (method, path, body)); CODE is the fresh appeal.
def op_cli(op, code):
    return {
        "show": ["show", code, "--format", "json"],
        "unmask": ["show", code, "--format", "json", "--unmask"],
        "dispatch": ["dispatch", code, "--unit", "城管局"],
        "accept": ["accept", code],
        "return": ["return", code, "--reason", "不属本单位"],
        "contact": ["contact", code, "--note", "已联系"],
        "reply": ["reply", code, "--text", "已处理"],
        "urge": ["urge", code, "--note", "请加快"],
        "supervise": ["supervise", code, "--note", "督办"],
        "visit": ["visit", code, "--solved", "yes", "--satisfaction", "满意"],
        "close": ["close", code, "--evidence", "照片.jpg"],
        "reject": ["reject", code, "--reason", "重复"],
        "report": ["report", "--from", "2021-01-01", "--to", "2031-12-31", "--format", "json"],
        "explain": ["report", "--from", "2021-01-01", "--to", "2031-12-31",
                    "--explain", "reply_rate", "--format", "json"],
        "audit": ["audit", "verify"],
        "rules": ["rules", "list", "--format", "json"],
        "unit_add": ["unit", "add", "--name", "新局甲", "--kind", "department",
                     "--parent", "区政府"],
        "users": ["user", "list", "--format", "json"],
        "units": ["unit", "list", "--format", "json"],
    }[op]


def op_http(op, code):
    v = version(code) if code else 1
    act = lambda a, body: ("POST", f"/api/v1/appeals/{code}/{a}", dict(body, version=v))  # noqa: E731
    return {
        "show": ("GET", f"/api/v1/appeals/{code}", None),
        "unmask": ("POST", f"/api/v1/appeals/{code}/disclose", None),  # 查看完整号码
        "dispatch": act("dispatch", {"unit": "城管局"}),
        "accept": act("accept", {}),
        "return": act("return", {"reason": "不属本单位"}),
        "contact": act("contact", {"note": "已联系"}),
        "reply": act("reply", {"text": "已处理"}),
        "urge": act("urge", {"note": "请加快"}),
        "supervise": act("supervise", {"note": "督办"}),
        "visit": act("visit", {"solved": "yes", "satisfaction": "满意"}),
        "close": act("close", {"evidence": ["照片.jpg"]}),
        "reject": act("reject", {"reason": "重复"}),
        "report": ("GET", "/api/v1/report?from=2021-01-01&to=2031-12-31", None),
        "explain": ("GET", "/api/v1/report?from=2021-01-01&to=2031-12-31&explain=reply_rate",
                    None),
        "audit": ("GET", "/api/v1/audit/verify", None),
        "rules": ("GET", "/api/v1/rules", None),
        "unit_add": ("POST", "/api/v1/units", {"name": "新局乙", "kind": "department",
                                               "parent": "区政府"}),
        "users": ("GET", "/api/v1/users", None),
        "units": ("GET", "/api/v1/units", None),
    }[op]


# (actor, operation, state of the fresh appeal, its lead unit, assisting unit, HTTP status)
OK, NO, STATE = 200, 403, 409
TABLE = [
    # reading an appeal
    ("paidan", "show", "dispatched", "住建局", None, OK),
    ("zhujian", "show", "dispatched", "住建局", None, OK),
    ("chengguan", "show", "dispatched", "住建局", "城管局", OK),      # assisting unit reads
    ("chengguan", "show", "dispatched", "住建局", None, NO),         # another unit's
    ("lingdao", "show", "dispatched", "住建局", None, OK),           # district leader
    ("ld_zj", "show", "dispatched", "住建局", None, OK),
    ("ld_zj", "show", "dispatched", "城管局", None, NO),             # outside the subtree
    ("ld_nan", "show", "dispatched", "南社区", None, OK),            # below the leader's unit
    ("shenji", "show", "dispatched", "住建局", None, OK),
    ("zhujian", "unmask", "dispatched", "住建局", None, OK),
    ("shenji", "unmask", "dispatched", "住建局", None, NO),
    ("lingdao", "unmask", "dispatched", "住建局", None, NO),
    # the workflow
    ("paidan", "dispatch", "received", "住建局", None, OK),
    ("zhujian", "dispatch", "received", "住建局", None, NO),
    ("lingdao", "dispatch", "received", "住建局", None, NO),
    ("zhujian", "accept", "dispatched", "住建局", None, OK),
    ("chengguan", "accept", "dispatched", "住建局", "城管局", NO),   # an assisting unit may not sign
    ("paidan", "accept", "dispatched", "住建局", None, NO),
    ("admin", "accept", "dispatched", "住建局", None, OK),
    ("zhujian", "return", "dispatched", "住建局", None, OK),
    ("zhujian", "contact", "accepted", "住建局", None, OK),
    ("zhujian", "reply", "accepted", "住建局", None, OK),
    ("chengguan", "reply", "accepted", "住建局", None, NO),
    ("zhujian", "reply", "dispatched", "住建局", None, STATE),
    ("paidan", "urge", "dispatched", "住建局", None, OK),
    ("lingdao", "urge", "dispatched", "住建局", None, OK),
    ("ld_zj", "urge", "dispatched", "住建局", None, OK),
    # issue 11: a leader of 区住建局 urged a 区城管局 appeal from the CLI (exit 0)
    ("ld_zj", "urge", "dispatched", "城管局", None, NO),
    ("ld_nan", "supervise", "dispatched", "南社区", None, OK),
    ("shenji", "urge", "dispatched", "住建局", None, NO),
    ("zhujian", "urge", "dispatched", "住建局", None, NO),
    ("paidan", "visit", "replied", "住建局", None, OK),
    ("zhujian", "visit", "replied", "住建局", None, NO),
    ("paidan", "close", "visited", "住建局", None, OK),
    ("zhujian", "close", "visited", "住建局", None, NO),
    ("paidan", "reject", "received", "住建局", None, OK),
    ("shenji", "reject", "received", "住建局", None, NO),
    # issue 11: a handler read the district's report, bulletin and audit from the CLI
    ("zhujian", "report", None, None, None, NO),
    ("zhujian", "explain", None, None, None, NO),
    ("zhujian", "audit", None, None, None, NO),
    ("paidan", "report", None, None, None, OK),
    ("lingdao", "report", None, None, None, OK),
    ("shenji", "audit", None, None, None, OK),
    ("paidan", "audit", None, None, None, NO),
    ("zhujian", "rules", None, None, None, NO),
    ("lingdao", "rules", None, None, None, OK),
    ("paidan", "unit_add", None, None, None, NO),
    ("admin", "unit_add", None, None, None, 201),
    ("shenji", "users", None, None, None, OK),
    ("paidan", "users", None, None, None, NO),
    ("zhujian", "units", None, None, None, OK),
]


def norm(msg, code):
    return msg.replace(code, "CODE") if code else msg


def parity():
    for who, op, state, lead, assist, want in TABLE:
        desc = f"{who} {op}" + (f" on a {state} appeal of {lead}" if state else "")
        c1 = make(state, lead, assist) if state else ""
        c2 = make(state, lead, assist) if state else ""
        r = shishi("--as", who, *op_cli(op, c1))
        http = op_http(op, c2)
        method, path, body = http
        res = call(method, path, body, SITE.tok[who])
        eq(res.status, want, f"{desc}: HTTP status")
        if op == "unmask" and want == OK:
            eq(res.json and res.json.get("phone"), "13812345678",
               f"{desc}: the disclosure shows the phone in full")
            eq("13812345678" in r.stdout, True, f"{desc}: and so does show --unmask")
        eq(r.returncode == 0, 200 <= want < 300, f"{desc}: CLI succeeds iff HTTP does "
           f"(stderr {r.stderr.strip()!r})")
        if want >= 400 and res.json and "error" in res.json:
            eq(norm(r.stderr.strip(), c1), "shishi: " + norm(res.json["error"]["message"], c2),
               f"{desc}: the same refusal through both")


def codes_cli(who, *args):
    r = shishi("--as", who, "list", "--format", "json", "--limit", "1000", *args)
    d = json.loads(r.stdout) if r.returncode == 0 else {"total": -1, "items": []}
    return d["total"], {x["code"] for x in d["items"]}


def codes_http(who, query=""):
    seen, cursor, total = set(), None, None
    for _ in range(100):
        q = f"?limit=7{query}" + (f"&cursor={cursor}" if cursor else "")
        r = call("GET", "/api/v1/appeals" + q, token=SITE.tok[who])
        if r.status != 200:
            return -1, set()
        total = r.json["total"]
        seen |= {x["code"] for x in r.json["items"]}
        cursor = r.json["next_cursor"]
        if not cursor:
            break
    return total, seen


def paging():
    # a plain count of what each role may read, from the database's rows themselves
    everything = json.loads(sys_cli("list", "--format", "json", "--limit", "100000"))["items"]
    lead = {x["code"]: x["lead_unit"] for x in everything}
    assist = {x["code"]: set(x["assist_units"]) for x in everything}
    want = {
        "zhujian": {c for c in lead if lead[c] == "住建局" or "住建局" in assist[c]},
        "chengguan": {c for c in lead if lead[c] == "城管局" or "城管局" in assist[c]},
        "ld_zj": {c for c in lead if lead[c] == "住建局"},
        "ld_nan": {c for c in lead if lead[c] in ("南街道", "南社区")},
        "lingdao": set(lead),
        "paidan": set(lead),
    }
    for who, codes in want.items():
        total, got = codes_http(who)
        eq((total, got), (len(codes), codes), f"{who}: HTTP pages hold exactly what they may read")
        total, got = codes_cli(who)
        eq((total, got), (len(codes), codes), f"{who}: CLI list holds exactly what they may read")
    # a filter within the scope: the leader of 住建局 asking for 城管局's appeals gets only
    # those 住建局 leads and 城管局 assists
    both = {c for c in lead if lead[c] == "住建局" and "城管局" in assist[c]}
    total, got = codes_http("ld_zj", "&unit=%E5%9F%8E%E7%AE%A1%E5%B1%80")
    eq((total, got), (len(both), both), "ld_zj: a unit filter stays within the scope")
    check(both, "(the site has such appeals)")
    # q: the text filter
    code = make("received")
    sys_cli("register", "--title", "窨井盖缺失", "--content", "人民路窨井盖缺失",
            "--channel", "12345热线", "--kind", "投诉")
    total, got = codes_http("paidan", "&q=%E7%AA%A8%E4%BA%95")
    eq(total, 1, "q=窨井 finds the one appeal about it")
    check(code not in got, "q does not find the others")


def scoped_lists():
    # explain: a leader sees only codes within their subtree, the rest is counted
    r = call("GET", "/api/v1/report?from=2021-01-01&to=2031-12-31&explain=reply_rate",
             token=SITE.tok["ld_zj"])
    if expect(r, 200, "ld_zj explain") is not None:
        everything = json.loads(sys_cli("list", "--format", "json", "--limit", "100000"))["items"]
        lead = {x["code"]: x["lead_unit"] for x in everything}
        listed = r.json["denominator_appeals"]
        check(listed and all(lead[c] == "住建局" for c in listed),
              "ld_zj explain lists only 住建局's appeals", listed[:5])
        eq(len(listed) + r.json.get("hidden_appeals", 0), r.json["denominator"],
           "listed + hidden = the denominator")
    # the bulletin's ledger
    r = call("GET", "/api/v1/bulletin?from=2021-01-01&to=2031-12-31&format=csv",
             token=SITE.tok["ld_zj"])
    eq(r.status, 200, "ld_zj downloads the bulletin")
    text = r.raw.decode("utf-8-sig", "replace")
    rows = [row for row in csv.reader(io.StringIO(text)) if row and re.match(r"^[A-Z]+\d{12}$", row[0])]
    everything = json.loads(sys_cli("list", "--format", "json", "--limit", "100000"))["items"]
    lead = {x["code"]: x["lead_unit"] for x in everything}
    check(rows and all(lead.get(row[0]) == "住建局" for row in rows),
          "the bulletin's lists hold only 住建局's appeals for its leader",
          [row[0] for row in rows if lead.get(row[0]) != "住建局"][:5])


def visits():
    sys_cli("leader", "add", "--name", "王局长", "--username", "ld_zj")
    sys_cli("leader", "add", "--name", "李主任", "--username", "ld_nan")
    sys_cli("enterprise", "add", "--name", "甲公司", "--kind", "enterprise")
    for ld in ("王局长", "李主任"):
        sys_cli("leader", "link", "--leader", ld, "--enterprise", "甲公司", "--since", "2021-01-01")
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    future = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600 + 3 * 86400))
    body = {"leader": "李主任", "enterprise": "甲公司", "date": today}
    # issue 11: a leader recorded a visit in another leader's name
    r = call("POST", "/api/v1/visits", body, SITE.tok["ld_zj"])
    eq(r.status, 403, "a leader may not record another leader's visit (HTTP)")
    cli = shishi("--as", "ld_zj", "leader", "visit", "--leader", "李主任", "--enterprise",
                   "甲公司", "--date", today)
    eq(cli.returncode, 1, "nor through the CLI")
    if r.json and "error" in r.json:
        eq(cli.stderr.strip(), "shishi: " + r.json["error"]["message"], "the same refusal")
    # issue 11: dated 2031
    r = call("POST", "/api/v1/visits", dict(body, leader="王局长", date=future), SITE.tok["ld_zj"])
    eq(r.status, 400, "a visit dated after today is refused")
    # their own, with a problem that becomes an appeal dispatched at once (was 403 over HTTP)
    r = call("POST", "/api/v1/visits", dict(body, leader="王局长", problems=[
        {"text": "厂区门口道路破损", "as": "appeal", "unit": "住建局"}]), SITE.tok["ld_zj"])
    eq(r.status, 201, "a leader records their own visit, its problem an appeal")
    # the dispatcher may record for anyone
    r = call("POST", "/api/v1/visits", body, SITE.tok["paidan"])
    eq(r.status, 201, "the dispatcher records a visit for another leader")
    a = shishi("audit", "verify")
    eq(a.returncode, 0, "audit verify holds after the visits")


def run(site):
    global SITE
    SITE = site
    parity()
    paging()
    scoped_lists()
    visits()


if __name__ == "__main__":
    sys.exit(apilib.main(run, units=UNITS, users=USERS, password=PASSWORD))
