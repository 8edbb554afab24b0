#!/usr/bin/env python3
"""test_duplicates.py -- likely duplicates and hot spots over HTTP against a fresh database.

    python3 tests/api/test_duplicates.py /path/to/shishi

A dispatcher registers an appeal, then a near-copy from another caller: the registration
answers with the original as 疑似重复, and GET /appeals/{code}/duplicates lists it with its
reasons and no personal data. An unrelated appeal has none. The citizens' endpoint answers
only its code (no one else's appeals), yet the dispatcher sees the citizen's near-copy. A
handler sees duplicates only among its unit's appeals and is refused another unit's; the
auditor reads them; the citizen role may not. The same answers the CLI gives
(tests/cli/test_duplicates.sh), so both interfaces run one rule. Hot spots: the lamp's
appeals are this month's first group; a handler is refused; bad parameters name themselves.
Standard library only.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq, expect  # noqa: E402

PASSWORD = "Dups-2026!"
UNITS = [("区政府", "district"), ("住建局", "department", "区政府"), ("城管局", "department", "区政府")]
USERS = [("admin", "admin", None), ("paidan", "dispatcher", None), ("zj", "handler", "住建局"),
         ("cg", "handler", "城管局"), ("shenji", "auditor", None)]

LAMP = "幸福小区3号楼前的路灯已坏两周，夜里看不见路，老人出行不便，请尽快维修。"


def reg(token, title, content, phone):
    return expect(call("POST", "/api/v1/appeals", {
        "title": title, "content": content, "kind": "投诉", "channel": "hotline",
        "phone": phone}, token), 201, f"register {title}")


def run(site):
    tok = site.tok
    disp, zj, cg, audit = tok["paidan"], tok["zj"], tok["cg"], tok["shenji"]
    a = reg(disp, "幸福小区3号楼路灯不亮", LAMP, "13812345678")
    eq(a["duplicates"], [], "the first appeal has no duplicates")
    b = reg(disp, "幸福小区3号楼路灯不亮", LAMP.replace("已坏", "坏了").replace("。", "！"), "13900001111")
    dups = b["duplicates"]
    eq([d["code"] for d in dups], [a["code"]], "the near-copy's registration answers the original")
    eq(dups and dups[0]["level"], "疑似重复", "as 疑似重复")
    eq(dups and [r["code"] for r in dups[0]["reasons"]], ["text"], "because the texts are alike")
    check(dups and dups[0]["score"] >= 0.5, "with a score of 0.5 or more", dups)
    check("13812345678" not in str(b) or b.get("phone") == "13900001111",
          "no one else's phone in the answer")
    c = reg(disp, "学校门口拥堵", "学校门口早晚高峰拥堵，家长接送车辆乱停。", "13700002222")
    eq(c["duplicates"], [], "an unrelated appeal has none")
    r = expect(call("GET", "/api/v1/appeals?status=received&suspect=1", token=disp), 200,
               "the workbench's 疑似重复 list")
    eq(r and [x["code"] for x in r["items"]], [b["code"]], "it holds the near-copy alone")

    r = expect(call("GET", f"/api/v1/appeals/{a['code']}/duplicates", token=disp), 200,
               "GET duplicates of the original")
    eq(r and [d["code"] for d in r["duplicates"]], [b["code"]], "it lists the near-copy")
    eq(r and r["window_days"], 30, "within 30 days either side")
    eq(r and sorted(r["duplicates"][0]), sorted(["code", "title", "state", "received_at", "score",
                                                 "jaccard", "level", "reasons", "merged"]),
       "each duplicate has exactly these members")

    # The citizens' page: its answer holds no one's appeals, the dispatcher sees the link.
    p = expect(call("POST", "/api/v1/public/appeals", {
        "title": "幸福小区3号楼路灯坏了", "content": LAMP, "phone": "13600003333", "kind": "投诉",
        "address": "幸福小区3号楼"}), 201,
        "a citizen submits the same")
    eq(p and sorted(p), ["code", "message", "status"], "the citizen's answer is only its code")
    r = expect(call("GET", f"/api/v1/appeals/{p['code']}/duplicates", token=disp), 200,
               "the dispatcher asks about the citizen's appeal")
    check(r and {a["code"], b["code"]} <= {d["code"] for d in r["duplicates"]},
          "the citizen's near-copy finds both", r)
    r = call("GET", "/api/v1/appeals?suspect=1", token=disp)
    check(p["code"] in [x["code"] for x in r.json["items"]],
          "a citizen's near-copy is flagged for the dispatcher too", r.json)

    # Scope: the handler of 住建局 reads A once dispatched; B stays another matter.
    expect(call("POST", f"/api/v1/appeals/{a['code']}/dispatch",
                {"version": a["version"], "unit": "住建局"}, disp), 200, "dispatch A to 住建局")
    r = expect(call("GET", f"/api/v1/appeals/{a['code']}/duplicates", token=zj), 200,
               "the handler asks about its own appeal")
    eq(r and r["duplicates"], [], "and sees no duplicate it may not read")
    expect(call("GET", f"/api/v1/appeals/{a['code']}/duplicates", token=cg), 403,
           "another unit's handler is refused", "cg")
    r = expect(call("GET", f"/api/v1/appeals/{a['code']}/duplicates", token=audit), 200,
               "the auditor asks")
    check(r and b["code"] in {d["code"] for d in r["duplicates"]}, "the auditor reads them", r)
    expect(call("GET", "/api/v1/appeals/YD209901010001/duplicates", token=disp), 404,
           "an unknown appeal", "YD209901010001")
    expect(call("GET", f"/api/v1/appeals/{a['code']}/duplicates"), 401, "without a session")
    expect(call("GET", f"/api/v1/appeals/{a['code']}/duplicates?top=3", token=disp), 400,
           "an unknown parameter", "top")

    import time
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    r = expect(call("GET", f"/api/v1/hotspots?from={today}&to={today}", token=disp), 200,
               "GET hotspots of today")
    top = r and r["hotspots"][0]
    eq(top and sorted(top["codes"]), sorted([a["code"], b["code"], p["code"]]),
       "the lamp's three appeals are the first hot spot")
    eq(top and top["appeals"], 3, "three appeals")
    eq(top and top["callers"], 3, "from three callers")
    expect(call("GET", f"/api/v1/hotspots?from={today}&to={today}", token=zj), 403,
           "a handler may not ask for hot spots", "zj")
    expect(call("GET", f"/api/v1/hotspots?from={today}", token=disp), 400, "without to", "to")
    expect(call("GET", f"/api/v1/hotspots?from={today}&to={today}&top=x", token=disp), 400,
           "a bad top", "top")


sys.exit(apilib.main(run, units=UNITS, users=USERS, password=PASSWORD))
