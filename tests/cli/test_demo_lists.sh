#!/usr/bin/env bash
# test_demo_lists.sh -- the demo's leaders' lists (service/demo_lists.c): 43 enterprises and
# chambers, 30 distinct support units, 9 leaders with 4-6 links, 93 problem-list items in
# three batches and their states, and one leader's compliance read back as JSON. The figures
# follow from the rules written in demo_lists.c.
# usage: bash tests/cli/test_demo_lists.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
J=$T/j.json
jsave() { printf '%s\n' "$OUT" >"$J"; }

expect_ok "demo loads" demo
ss enterprise list --format json
jsave
check_json "enterprises" "$J" '#' 43 \
    'py:sum(1 for x in d if x["kind"] == "chamber")' 5 \
    'py:sum(1 for x in d if x["kind"] == "park")' 2 \
    'py:len(set(u for x in d for u in x["support_units"]))' 30 \
    'py:min(len(x["support_units"]) for x in d)' 1 \
    0.name 永定区天门山索道有限公司 0.support_units '["区委办"]'
ss leader list --format json
jsave
check_json "leaders" "$J" '#' 9 0.name 向志军 0.username lingdao \
    'py:sorted(x["links"] for x in d)' '[4,4,5,5,5,5,5,5,5]'
ss task list --format json
jsave
check_json "problem items" "$J" '#' 93 \
    'py:sorted(set(x["list"] for x in d))' '["problem"]' \
    'py:sum(1 for x in d if x["state"] == "closed")' 27 \
    'py:sum(1 for x in d if x["state"] == "pending")' 12 \
    'py:sum(1 for x in d if x["state"] == "open")' 54 \
    'py:sorted(set(x["batch"] for x in d))' '[1,2,3]' \
    'py:all(x["closed_by"] != x["verified_by"] and x["evidence"] for x in d if x["state"] == "closed")' true \
    0.code WT2021-0001
ss --at 2021-12-31T12:00 task list --overdue --format json
jsave
check_json "a few overdue at the year's end" "$J" '#' 7
# item p (WT number p + 1) goes to problems[p % 15]'s unit; p % 6 in {0, 3} is closed,
# p % 6 == 5 pending, the rest open (and p % 7 == 5 lacks 措施, so stays open)
ss task show WT2021-0004 --format json
jsave
check_json "a closed item's history" "$J" state closed unit 区水利局 closed_by shuili \
    verified_by paidan six.feedback 企业对办理结果表示满意 \
    'py:[h["action"] for h in d["history"]]' '["create","update","close","verify"]'
ss task show WT2021-0012 --format json
jsave
check_json "a pending item" "$J" state pending unit 区住建局 closed_by zhujian verified_by ""
# 向志军 (leader 0) has enterprises 0 9 18 27 36.
# June: enterprise i is missed when (0 * 7 + i * 3 + 6) % 11 == 0: i = 9 (3*9+6 = 33).
ss leader compliance --leader 向志军 --month 2021-06 --format json
jsave
check_json "向志军 in June" "$J" leaders.0.required 5 leaders.0.done 4 \
    leaders.0.missed '["永定区武陵电子科技有限公司"]' leaders.0.percent 80 leaders.0.percent_text 80.00
ss leader compliance --leader 向志军 --month 2021-10 --format json
jsave
check_json "向志军 in October" "$J" leaders.0.required 5 leaders.0.done 5 leaders.0.percent_text 100.00
# 卓丽君 (leader 7) takes enterprise 6 from October; 杜晓敏 (leader 6) still has it in September
ss leader compliance --leader 卓丽君 --month 2021-10 --format json
jsave
check_json "卓丽君 in October" "$J" leaders.0.required 5
ss leader compliance --leader 杜晓敏 --month 2021-09 --format json
jsave
check_json "杜晓敏 in September" "$J" leaders.0.required 5
ss leader compliance --month 2021-06 --format json
jsave
check_json "every leader in June" "$J" '#leaders' 9 total.required 43 total.done 39 total.percent_text 90.70
expect_ok "audit verify the demo" audit verify
check_has "93 items match their history" "$OUT" "93 list items"
cli_end
