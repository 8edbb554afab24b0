#!/usr/bin/env python3
"""test_votes.py -- the deputies' vote (人大票决制) over HTTP, against a fresh database.

    python3 tests/api/test_votes.py /path/to/shishi

A dispatcher creates a session, adds 5 deputies and 3 candidates, opens it and records
ballots (one, then a batch); the count is worked out by hand (majority_of_all: yes * 2 > 5).
Checks the refusals with status and message: a double ballot (409), a batch that is all or
nothing, a ballot after close (409), citizens and handlers refused (403), leaders and
auditors may read but not write; and that `shishi audit verify` is ok at the end.
Standard library only; prints one line per failed check and "N passed, M failed".
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import apilib  # noqa: E402
from apilib import call, check, expect  # noqa: E402

PASSWORD = "Votes-2021!"
UNITS = [("区政府", "district"), ("住建局", "department", "区政府")]
USERS = [("admin", "admin", None), ("paidan", "dispatcher", None), ("zj", "handler", "住建局"),
         ("lingdao", "leader", None), ("shenji", "auditor", None), ("qunzhong", "citizen", None)]


def run(site):
    tok = site.tok
    disp, lead, aud, hand, cit = (tok["paidan"], tok["lingdao"], tok["shenji"], tok["zj"],
                                  tok["qunzhong"])
    V = "/api/v1/votes"

    expect(call("POST", V, {"code": "X", "title": "x", "year": 2021}, cit), 403,
           "citizen may not create", "role citizen (群众) may not create a vote session")
    expect(call("POST", V, {"code": "X", "title": "x", "year": 2021}, hand), 403,
           "handler may not create")
    expect(call("POST", V, {"code": "X", "title": "x", "year": 2021}, lead), 403,
           "leader may not create")
    doc = expect(call("POST", V, {"code": "RD", "title": "票决", "year": 2021,
                                  "max_select": 2}, disp), 201, "dispatcher creates")
    check(doc and doc["state"] == "draft" and doc["max_select"] == 2, "created as draft", doc)
    expect(call("POST", V, {"code": "RD", "title": "票决", "year": 2021}, disp), 409,
           "duplicate code", "vote session 'RD' already exists")
    expect(call("POST", V, {"code": "Y", "title": "y", "year": 2021, "rule": "x"}, disp), 400,
           "unknown rule", "unknown rule 'x'")
    expect(call("POST", f"{V}/RD/open", {}, disp), 409, "open without candidates",
           "has no candidate")
    expect(call("POST", f"{V}/RD/deputies", {"names": ["甲", "乙", "丙", "丁", "戊"]}, disp), 200,
           "deputies")
    expect(call("POST", f"{V}/RD/deputies", {"names": ["甲"]}, disp), 409, "deputy twice",
           "deputy '甲' is already on the roster")
    for title, budget in (("乡镇公路提质改造", "1200.5"), ("农贸市场改造", "300"), ("学校食堂", "80")):
        expect(call("POST", f"{V}/RD/candidates",
                    {"title": title, "measure": "公里", "target": "10", "budget": budget}, disp),
               200,
               f"candidate {title}")
    expect(call("POST", f"{V}/RD/candidates", {"title": "x", "budget": "abc"}, disp), 400,
           "bad budget", "bad quantity 'abc' for budget")
    expect(call("POST", f"{V}/RD/ballots", {"deputy": "甲", "candidate": 1,
                                             "choice": "赞成"}, disp), 409, "ballot in draft",
           "ballots are cast only while it is 投票中 (open)")
    expect(call("POST", f"{V}/RD/open", {}, disp), 200, "open")
    expect(call("POST", f"{V}/RD/deputies", {"names": ["己"]}, disp), 409,
           "deputy after open", "deputies are added only while it is 筹备 (draft)")

    doc = expect(call("POST", f"{V}/RD/ballots",
                      {"deputy": "甲", "candidate": 1, "choice": "赞成"}, disp), 200, "one ballot")
    check(doc and doc["ballots"] == 1, "one ballot counted", doc and doc["ballots"])
    expect(call("POST", f"{V}/RD/ballots", {"deputy": "甲", "candidate": 1,
                                             "choice": "反对"}, disp), 409, "double ballot",
           "deputy '甲' has already voted on candidate 1 of vote session RD")
    expect(call("POST", f"{V}/RD/ballots", {"deputy": "乙", "candidate": 1,
                                             "choice": "赞成"}, lead), 403,
           "leader may not record ballots")
    expect(call("POST", f"{V}/RD/ballots", {"deputy": "路人", "candidate": 1,
                                             "choice": "赞成"}, disp), 404, "not on the roster",
           "deputy '路人' is not on the roster")
    # all or nothing: ballot 3 is refused, so 乙's and 丙's are not kept either
    expect(call("POST", f"{V}/RD/ballots", {"ballots": [
        {"deputy": "乙", "candidate": 1, "choice": "赞成"},
        {"deputy": "丙", "candidate": 1, "choice": "赞成"},
        {"deputy": "丁", "candidate": 7, "choice": "赞成"}]}, disp), 404, "batch with a bad ballot",
        "ballot 3: vote session RD has no candidate 7; no ballot recorded")
    doc = expect(call("GET", f"{V}/RD", token=aud), 200, "auditor reads")
    check(doc and doc["ballots"] == 1, "the refused batch left nothing", doc and doc["ballots"])
    # c1: 甲乙丙丁 yes, 戊 no -> 4; c2: 甲乙丙 yes, 丁戊 no -> 3; c3: 甲 yes, rest abstain -> 1
    batch = [{"deputy": d, "candidate": 1, "choice": "赞成"} for d in "乙丙丁"]
    batch += [{"deputy": "戊", "candidate": 1, "choice": "反对"}]
    batch += [{"deputy": d, "candidate": 2, "choice": "yes"} for d in "甲乙丙"]
    batch += [{"deputy": d, "candidate": 2, "choice": "no"} for d in "丁戊"]
    batch += [{"deputy": "甲", "candidate": 3, "choice": "赞成"}]
    batch += [{"deputy": d, "candidate": 3, "choice": "弃权"} for d in "乙丙丁戊"]
    doc = expect(call("POST", f"{V}/RD/ballots", {"ballots": batch}, disp), 200, "batch")
    check(doc and doc["ballots"] == 15, "15 ballots", doc and doc["ballots"])
    expect(call("POST", f"{V}/RD/close", {}, lead), 403, "leader may not close")
    doc = expect(call("POST", f"{V}/RD/close", {}, disp), 200, "close")
    if doc:
        c = doc["candidates"]
        check([x["yes"] for x in c] == [4, 3, 1], "yes counts", [x["yes"] for x in c])
        check([x["no"] for x in c] == [1, 2, 0], "no counts", [x["no"] for x in c])
        check([x["abstain"] for x in c] == [0, 0, 4], "abstentions", [x["abstain"] for x in c])
        check([x["passed"] for x in c] == [True, True, False], "passed", c)
        check([x["rank"] for x in c] == [1, 2, 0], "ranks", c)
        check([x["chosen"] for x in c] == [True, True, False], "chosen", c)
        check(c[0]["budget"] == "1200.5" and c[0]["project"] is None, "budget, no project yet",
              c[0])
        check(doc["state"] == "closed" and doc["turnout"] == 5, "closed, 5 voted", doc)
    expect(call("POST", f"{V}/RD/ballots", {"deputy": "戊", "candidate": 3,
                                             "choice": "赞成"}, disp), 409, "ballot after close",
           "is 已结束 (closed)")
    expect(call("GET", f"{V}/RD", token=hand), 403, "handler may not read")
    expect(call("GET", f"{V}/RD", token=cit), 403, "citizen may not read")
    expect(call("GET", f"{V}/NOPE", token=lead), 404, "unknown session", "no vote session 'NOPE'")
    doc = expect(call("GET", f"{V}/RD?history=1", token=lead), 200, "leader reads the history")
    if doc:
        acts = [h["action"] for h in doc["history"]]
        check(acts.count("ballot") == 15 and acts[0] == "create" and acts[-1] == "close",
              "one event per ballot", acts)
    doc = expect(call("GET", V, token=aud), 200, "list")
    check(doc and [v["code"] for v in doc["votes"]] == ["RD"], "listed", doc)
    out = site.cli("audit", "verify")
    check("audit ok" in out and "and 1 vote session" in out, "audit verify", out)


if __name__ == "__main__":
    sys.exit(apilib.main(run, units=UNITS, users=USERS, password=PASSWORD, prefix="shishi-votes.",
                         count_logins=False))
