#!/usr/bin/env python3
"""test_projects.py -- the project (实事项目) and batch endpoints over real HTTP.

    python3 tests/api/test_projects.py /path/to/shishi

Builds a small organisation with the CLI (department 住建局 with a handler, department 城管局
with a handler, one user of each other role), starts `shishi serve` on a free port and checks:
batches, adding a project (201 and the computed document), progress by the lead unit's handler
and refusals (another unit's handler, a leader, a date before the last entry, "abc"), finish,
milestones, a link to an appeal shown on both sides, list filters, and the error shape.
Prints one line per failed check and, last, "N passed, M failed"; exits 1 when anything failed.
"""

import functools
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, eq  # noqa: E402

# every refusal here must also have the error shape {code, message, field}
expect = functools.partial(apilib.expect, shape=True)

PASSWORD = "Zhengwu-2021!"
UNITS = [("区政府", "district"), ("住建局", "department", "区政府"), ("城管局", "department", "区政府")]
USERS = [("admin", "admin", None), ("paidan", "dispatcher", None), ("zhujian", "handler", "住建局"),
         ("chengguan", "handler", "城管局"), ("lingdao", "leader", None), ("shenji", "auditor", None),
         ("qunzhong", "citizen", None)]


def run(site):
    tok = site.tok
    P = "/api/v1/projects"
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 8 * 3600))
    year = int(today[:4])

    # batches
    expect(call("POST", "/api/v1/batches", {"year": year, "number": 1, "assigned_on": f"{year}-01-01",
                                           "name": "第一批"}, tok["paidan"]), 201, "batch add")
    expect(call("POST", "/api/v1/batches", {"year": year, "number": 1, "assigned_on": f"{year}-01-01"},
                tok["paidan"]), 409, "batch duplicate", code="conflict", has="already exists")
    expect(call("POST", "/api/v1/batches", {"year": year, "number": 2, "assigned_on": f"{year}-01-01"},
                tok["lingdao"]), 403, "batch add by a leader", code="forbidden")
    j = expect(call("GET", f"/api/v1/batches?year={year}", None, tok["shenji"]), 200, "batch list")
    eq([b["number"] for b in (j or {}).get("items", [])], [1], "batch list holds batch 1")

    # add
    body = {"title": "老旧小区道路", "year": year, "measure": "公里", "plan": "3.2", "budget": 320,
            "lead_unit": "住建局", "batch": 1, "due": f"{year}-12-31", "households": 105, "people": 317}
    j = expect(call("POST", P, body, tok["paidan"]), 201, "project add")
    code = (j or {}).get("code", "")
    eq(code, f"SS{year}-001", "default code")
    eq((j or {}).get("plan"), "3.2", "plan as a decimal string")
    eq((j or {}).get("budget"), "320", "budget given as an integer")
    expect(call("POST", P, dict(body, code=code), tok["paidan"]), 409, "duplicate code",
           code="conflict", has=f"project code '{code}' already exists")
    expect(call("POST", P, dict(body, plan=3.25), tok["paidan"]), 400, "plan as a JSON real",
           code="invalid", has="decimal string")
    expect(call("POST", P, dict(body, plan="abc"), tok["paidan"]), 400, "plan abc", code="invalid",
           has="bad quantity 'abc'")
    expect(call("POST", P, dict(body, lead_unit="无此局"), tok["paidan"]), 404, "unknown unit",
           code="not_found", has="无此局")
    expect(call("POST", P, body, tok["zhujian"]), 403, "add by a handler", code="forbidden")
    expect(call("POST", P, body, tok["qunzhong"]), 403, "add by a citizen", code="forbidden")

    # progress: 1.5 then 2.4 of 3.2 -> 75.00%
    j = expect(call("POST", f"{P}/{code}/progress", {"on": today, "value": "1.5"}, tok["zhujian"]),
               200, "progress by the lead unit's handler")
    eq((j or {}).get("percent"), "46.88", "1.5 / 3.2 = 46.875% -> 46.88")
    expect(call("POST", f"{P}/{code}/progress", {"on": today, "value": "2"}, tok["chengguan"]), 403,
           "progress by another unit's handler", code="forbidden", has="may not record progress")
    expect(call("POST", f"{P}/{code}/progress", {"on": today, "value": "2"}, tok["lingdao"]), 403,
           "progress by a leader", code="forbidden")
    expect(call("POST", f"{P}/{code}/progress", {"on": f"{year - 1}-12-31", "value": "2"},
                tok["paidan"]), 400, "progress before the last entry", code="invalid",
           has="before the last entry")
    expect(call("POST", f"{P}/{code}/progress", {"on": today, "value": "1.234"}, tok["paidan"]), 400,
           "progress 1.234", code="invalid", has="two decimals")
    j = expect(call("POST", f"{P}/{code}/progress", {"on": today, "value": "2.4", "note": "路面"},
                    tok["paidan"]), 200, "progress 2.4")
    eq((j or {}).get("percent"), "75.00", "2.4 / 3.2 = 75.00%")
    eq([(p["value"], p["increment"]) for p in (j or {}).get("progress", [])],
       [("1.5", "1.5"), ("2.4", "0.9")], "progress history from the events")
    expect(call("POST", f"{P}/NOPE/progress", {"on": today, "value": "1"}, tok["paidan"]), 404,
           "progress on an unknown project", code="not_found", has="unknown project 'NOPE'")

    # milestones
    j = expect(call("POST", f"{P}/{code}/milestones", {"name": "路基", "due": f"{year}-12-30"},
                    tok["paidan"]), 200, "milestone add")
    eq(len((j or {}).get("milestones", [])), 1, "one milestone")
    j = expect(call("POST", f"{P}/{code}/milestones/1/done", {"on": today}, tok["paidan"]), 200,
               "milestone done")
    eq((j or {}).get("milestones", [{}])[0].get("done_on"), today, "milestone done today")

    # a link to an appeal, shown on both sides
    st, a = call("POST", "/api/v1/appeals", {"title": "路太烂", "content": "路太烂", "channel": "12345热线",
                                             "kind": "投诉"}, tok["paidan"])
    check(st == 201, "register an appeal", str(a))
    acode = (a or {}).get("code", "")
    j = expect(call("POST", f"{P}/{code}/links", {"appeal": acode, "kind": "resolved"}, tok["paidan"]),
               200, "link")
    eq([(l["appeal"], l["kind"]) for l in (j or {}).get("links", [])], [(acode, "resolved")],
       "the project shows the appeal")
    expect(call("POST", f"{P}/{code}/links", {"appeal": acode, "kind": "other"}, tok["paidan"]), 400,
           "link of a bad kind", code="invalid", has="'other'")
    j = expect(call("GET", f"/api/v1/appeals/{acode}", None, tok["paidan"]), 200, "the appeal")
    eq([(p["code"], p["kind"]) for p in (j or {}).get("projects", [])], [(code, "resolved")],
       "the appeal shows the project")

    # finish
    j = expect(call("POST", f"{P}/{code}/finish", {"on": today}, tok["paidan"]), 200, "finish")
    eq((j or {}).get("state"), "done", "state done")
    expect(call("POST", f"{P}/{code}/finish", {"on": today}, tok["paidan"]), 409, "finish twice",
           has="already finished")

    # reads
    j = expect(call("GET", f"{P}?year={year}&unit=" + urllib.parse.quote("住建局"), None, tok["lingdao"]),
               200, "list by unit as a leader")
    eq((j or {}).get("total"), 1, "one project of 住建局")
    j = expect(call("GET", f"{P}?year={year}&unit=" + urllib.parse.quote("城管局"), None, tok["shenji"]),
               200, "list by another unit")
    eq((j or {}).get("total"), 0, "none of 城管局")
    j = expect(call("GET", f"{P}/{code}", None, tok["shenji"]), 200, "show as an auditor")
    eq(((j or {}).get("households"), (j or {}).get("people")), (105, 317), "households and people")
    expect(call("GET", f"{P}/NOPE", None, tok["shenji"]), 404, "show unknown", code="not_found")
    expect(call("GET", f"{P}/{code}", None, tok["qunzhong"]), 403, "show as a citizen",
           code="forbidden")
    expect(call("GET", f"{P}/{code}", None, None), 401, "show without a session")
    j = expect(call("GET", "/api/v1/audit/verify", None, tok["shenji"]), 200, "audit verify")
    check((j or {}).get("ok") is True, "audit ok", str(j))


if __name__ == "__main__":
    # not --quiet: the request log is written, and must raise no sanitizer report either
    sys.exit(apilib.main(run, units=UNITS, users=USERS, password=PASSWORD,
                         prefix="shishi-api-projects.", quiet=False))
