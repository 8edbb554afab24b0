#!/usr/bin/env python3
"""test_lists.py -- the lists' JSON API (src/http/api_lists.c): list items with a second
person's verification, leaders, enterprises, visits and compliance. Sets up a small site
with the CLI, starts `shishi serve` on a free port and checks statuses, documents and error
messages: the submitter cannot verify their own close-out (403 naming both), a citizen is
refused, a visit problem becomes an appeal of channel 企业走访 dispatched at once.

usage: python3 tests/api/test_lists.py /path/to/shishi
"""

import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq, expect  # noqa: E402

PASSWORD = "Zhengwu-2021!"
UNITS = [("区政府", "district", None, "qzf"), ("住建局", "department", "区政府"),
         ("城管局", "department", "区政府")]
USERS = [("paidan", "dispatcher", None), ("zhujian", "handler", "住建局"),
         ("chengguan", "handler", "城管局"), ("lingdao", "leader", None),
         ("shenji", "auditor", None), ("qunzhong", "citizen", None)]


def run_checks(site):
    disp, zj, cg, boss, aud, citizen = (site.tok[u[0]] for u in USERS)

    # a problem item, its six 有, close-out and verification
    r = call("POST", "/api/v1/tasks", {"list": "problem", "title": "厂区道路破损",
                                       "unit": "住建局", "due": "2021-12-31", "team": "专班",
                                       "plan": "方案", "goal": "目标"}, disp)
    if expect(r, 201, "POST /tasks") is not None:
        year = time.gmtime(time.time() + 8 * 3600).tm_year
        eq(r.json["code"], f"WT{year}-0001", "the first problem item of the year")
    code = r.json["code"] if r.json else "?"
    eq(r.json and r.json["missing"], ["措施", "结果", "反馈"], "missing six")
    expect(call("POST", "/api/v1/tasks", {"title": "x", "unit": "无此局"}, disp), 404,
           "unknown owner unit", "无此局")
    expect(call("POST", "/api/v1/tasks", {"title": "x", "unit": "住建局"}, zj), 403,
           "a handler may not add items", "may not add list items")
    expect(call("POST", f"/api/v1/tasks/{code}/close", {"evidence": "照片.jpg"}, zj), 400,
           "close lacking 措施 and 结果", "the six 有 lack 措施、结果")
    expect(call("POST", f"/api/v1/tasks/{code}/close", {"result": "已修复"}, zj), 400,
           "close without evidence", "without evidence")
    expect(call("POST", f"/api/v1/tasks/{code}/close",
                {"evidence": "照片.jpg", "measures": "夜间施工", "result": "已修复"}, cg), 403,
           "another unit's handler", "their unit does not own it")
    r = call("POST", f"/api/v1/tasks/{code}/update", {"measures": "夜间施工", "version": 1}, zj)
    expect(r, 200, "the owner unit updates 措施")
    expect(call("POST", f"/api/v1/tasks/{code}/update", {"measures": "y", "version": 1}, zj),
           409, "a stale version", "version 2, not 1")
    expect(call("POST", f"/api/v1/tasks/{code}/verify", {}, disp), 409,
           "verify an open item", "it is open (办理中)")
    # the dispatcher submits on the unit's behalf: then another person must verify
    r = call("POST", f"/api/v1/tasks/{code}/close", {"evidence": "照片.jpg", "result": "已修复"},
             disp)
    if expect(r, 200, "the dispatcher submits the close-out") is not None:
        eq(r.json["state"], "pending", "pending after close")
    expect(call("POST", f"/api/v1/tasks/{code}/verify", {"accept": True}, disp), 403,
           "the submitter verifies their own close-out",
           f"'paidan' may not verify item {code}: the close-out was submitted by 'paidan'")
    expect(call("POST", f"/api/v1/tasks/{code}/verify", {"accept": False}, boss), 400,
           "a refusal without a reason", "needs a reason")
    r = call("POST", f"/api/v1/tasks/{code}/verify", {"accept": True, "feedback": "满意"}, boss)
    if expect(r, 200, "the leader verifies") is not None:
        eq((r.json["state"], r.json["closed_by"], r.json["verified_by"]),
           ("closed", "paidan", "lingdao"), "closed by one, verified by another")
        eq([h["action"] for h in r.json["history"]], ["create", "update", "close", "verify"],
           "history")
    expect(call("POST", f"/api/v1/tasks/{code}/reopen", {}, disp), 400,
           "reopen without a reason", "needs a reason")
    r = call("POST", f"/api/v1/tasks/{code}/reopen", {"reason": "反弹"}, disp)
    expect(r, 200, "reopen with a reason")
    expect(call("POST", f"/api/v1/tasks/{code}/finish", {}, disp), 404, "unknown item action",
           "no item action 'finish'")
    r = call("GET", f"/api/v1/tasks/{code}", token=aud)
    if expect(r, 200, "the auditor reads an item") is not None:
        eq(r.json["state"], "open", "reopened item is open")
    r = call("GET", "/api/v1/tasks?" + urllib.parse.urlencode({"unit": "住建局"}), token=boss)
    if expect(r, 200, "GET /tasks?unit=") is not None:
        eq([x["code"] for x in r.json], [code], "the unit's items")
    expect(call("GET", "/api/v1/tasks", token=citizen), 403, "a citizen is refused",
           "role citizen (群众) may not read list items")
    expect(call("POST", "/api/v1/leaders", {"name": "王某"}, citizen), 403,
           "a citizen may not add leaders")

    # leaders, enterprises, links, visits
    expect(call("POST", "/api/v1/leaders", {"name": "李区长", "title": "副区长"}, disp), 201,
           "POST /leaders")
    expect(call("POST", "/api/v1/leaders", {"name": "李区长"}, disp), 409, "a leader twice",
           "already exists")
    expect(call("POST", "/api/v1/enterprises", {"name": "甲公司", "kind": "enterprise",
                                                "support_units": ["住建局"]}, disp), 201,
           "POST /enterprises with a support unit")
    expect(call("POST", "/api/v1/enterprises", {"name": "乙商会", "kind": "商会"}, disp), 201,
           "POST /enterprises (chamber)")
    expect(call("POST", "/api/v1/enterprises", {"name": "丙公司",
                                                "support_units": ["无此局"]}, disp), 404,
           "a bad support unit leaves no enterprise", "无此局")
    r = call("GET", "/api/v1/enterprises", token=aud)
    if expect(r, 200, "GET /enterprises") is not None:
        eq([(x["name"], x["kind"], x["support_units"]) for x in r.json],
           [("甲公司", "enterprise", ["住建局"]), ("乙商会", "chamber", [])], "enterprises")
    for ent in ("甲公司", "乙商会"):
        expect(call("POST", "/api/v1/leaders", {"name": "李区长", "enterprise": ent,
                                                "since": "2021-03-01"}, disp), 200,
               f"link 李区长 to {ent}")
    expect(call("POST", "/api/v1/leaders", {"name": "李区长", "enterprise": "乙商会",
                                            "until": "2021-03-16"}, disp), 200,
           "unlink 乙商会 mid-March")
    r = call("POST", "/api/v1/visits", {
        "leader": "李区长", "enterprise": "甲公司", "date": "2021-03-10", "findings": "用工紧张",
        "problems": [{"text": "招工难", "as": "task", "unit": "城管局"},
                     {"text": "路灯不亮", "as": "appeal", "unit": "住建局"}]}, disp)
    if expect(r, 201, "POST /visits with two problems") is not None:
        probs = r.json["problems"]
        eq([p["as"] for p in probs], ["task", "appeal"], "problem kinds")
        a = call("GET", f"/api/v1/appeals/{probs[1]['code']}", token=disp)
        if expect(a, 200, "the visit's appeal") is not None:
            eq((a.json["channel"], a.json["status"], a.json["lead_unit"]),
               ("企业走访", "dispatched", "住建局"), "channel 企业走访, dispatched at once")
    expect(call("POST", "/api/v1/visits", {"leader": "李区长", "enterprise": "甲公司",
                                           "date": "2021-02-30"}, disp), 400, "bad visit date",
           "'2021-02-30' is not a date")
    expect(call("POST", "/api/v1/visits", {"leader": "李区长", "enterprise": "甲公司",
                                           "date": "2021-03-11"}, zj), 403,
           "a handler may not record visits", "may not record visits")
    # March: 甲公司 (visited 03-10) and 乙商会 (linked 03-01..03-16, not visited): 1 of 2
    r = call("GET", "/api/v1/leaders/compliance?month=2021-03", token=boss)
    if expect(r, 200, "GET /leaders/compliance") is not None:
        l0 = r.json["leaders"][0]
        eq((l0["required"], l0["done"], l0["missed"], l0["percent_text"]),
           (2, 1, ["乙商会"], "50.00"), "compliance in March")
    r = call("GET", "/api/v1/leaders/compliance?month=2021-04", token=aud)
    if expect(r, 200, "compliance in April") is not None:
        l0 = r.json["leaders"][0]
        eq((l0["required"], l0["done"], l0["percent_text"]), (1, 0, "0.00"), "April: 甲 missed")
    expect(call("GET", "/api/v1/leaders/compliance?month=2021-13", token=boss), 400,
           "a bad month", "2021-13")
    r = call("GET", "/api/v1/leaders", token=boss)
    if expect(r, 200, "GET /leaders") is not None:
        eq([(x["name"], x["links"]) for x in r.json], [("李区长", 1)], "leaders")
    r = call("GET", "/api/v1/visits?month=2021-03", token=boss)
    if expect(r, 200, "GET /visits") is not None:
        eq(len(r.json), 1, "one visit in March")
    r = call("GET", "/api/v1/audit/verify", token=aud)
    if expect(r, 200, "audit verify") is not None:
        check(r.json.get("ok") is True, "the chain holds", str(r))


if __name__ == "__main__":
    sys.exit(apilib.main(run_checks, units=UNITS, users=USERS, password=PASSWORD,
                         prefix="shishi-api-lists."))
