#!/usr/bin/env bash
# test_demo_projects.sh -- the demo's 2021 projects read back through `project list/show`:
# every total below is computed by shishi from the demo's dated progress entries.
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
AT=2021-12-31T20:00

expect_ok "demo loads" demo
expect_ok "project list 2021" --at $AT project list --year 2021 --format json
printf '%s\n' "$OUT" >"$T/l.json"
# 27 from the campaign's batches, 5 adopted from the deputies' vote (test_vote_demo.sh)
check_json "32 projects in 2021" "$T/l.json" total 32 \
    "py:len([i for i in d['items'] if i['code'] <= 'SS2021-027'])" 27
# Roads: 9 under one parent; plans 35 km, built 10.47 km, 3,500万元; weighted by length:
# sum(pct_i * w_i) / 350 = 1046997 / 350 = 2991.42 -> 29.91%
expect_ok "show the roads" --at $AT project show SS2021-001 --format json
printf '%s\n' "$OUT" >"$T/roads.json"
check_json "roads" "$T/roads.json" title 农村公路提质改造 "#sub_projects" 9 plan 35 done 10.47 \
    budget 3500 percent 29.91 measure 公里
expect_ok "show 白云村公路" --at $AT project show SS2021-002 --format json
printf '%s\n' "$OUT" >"$T/by.json"
check_json "白云村公路" "$T/by.json" title 白云村公路 households 105 people 317 state done \
    finished_on 2021-08-31 timing_text 提前2个月完成 timing_months 2
check_json "凤翔岗公路" "$T/l.json" "py:[i['timing_text'] for i in d['items'] if i['title']=='凤翔岗公路']" '["提前2个月完成"]'
# Schools: seven, 14,075 new seats
expect_ok "show the schools" --at $AT project show SS2021-011 --format json
printf '%s\n' "$OUT" >"$T/s.json"
check_json "schools" "$T/s.json" "#sub_projects" 7 plan 14075 done 14075 percent 100.00 state done
# Kindergarten seats: 7,049 / 9,932 = 70.97%, 2,120万元
expect_ok "show kindergarten seats" --at $AT project show SS2021-019 --format json
printf '%s\n' "$OUT" >"$T/k.json"
check_json "kindergarten" "$T/k.json" plan 9932 done 7049 percent 70.97 budget 2120 "#progress" 3 \
    progress.2.increment 1849
check_json "student buses" "$T/l.json" "py:[(i['plan'], i['measure'], i['people']) for i in d['items'] if i['code']=='SS2021-020']" '[["2","趟/日",120]]'
check_json "clinics" "$T/l.json" "py:[(i['plan'], i['done']) for i in d['items'] if i['code']=='SS2021-021']" '[["27","27"]]'
# Jobs: 5 fairs, 2,025 trained, 15,000+ posts, 1,275 hires intended
check_json "jobs" "$T/l.json" \
    "py:[i['done'] for i in d['items'] if i['parent']=='SS2021-022']" '["5","2025","15200","1275"]'
# Night parking: spawned by the demo's parking appeal, shown on both sides
expect_ok "show night parking" --at $AT project show SS2021-027 --format json
printf '%s\n' "$OUT" >"$T/np.json"
check_json "night parking" "$T/np.json" title 夜间停车试点 links.0.kind spawned "py:'停车' in d['links'][0]['title']" true
APPEAL=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['links'][0]['appeal'])" "$T/np.json")
show_json "$APPEAL" "$T/a.json"
check_json "the parking appeal lists the project" "$T/a.json" projects.0.code SS2021-027 projects.0.kind spawned
# July 2021: one stale project (罗水村公路), one overdue milestone (苦竹寨村公路)
expect_ok "list for July" --at 2022-06-30T12:00 project list --year 2021 --month 2021-07 --format json
printf '%s\n' "$OUT" >"$T/jul.json"
check_json "July" "$T/jul.json" "py:[i['title'] for i in d['items'] if i['stale']]" '["罗水村公路"]' \
    "py:[i['title'] for i in d['items'] if i['milestones_overdue']]" '["苦竹寨村公路"]'
expect_ok "batches" batch list --year 2021 --format json
printf '%s\n' "$OUT" >"$T/b.json"
# batch 3 holds problem-list items only (test_demo_lists.sh)
check_json "batches 1 and 2" "$T/b.json" "py:[b['number'] for b in d]" "[1,2,3]" "py:[b['projects'] for b in d]" "[21,6,0]"
# the bulletin's section 八 for July
expect_ok "bulletin July csv" --at 2022-06-30T12:00 bulletin --month 2021-07 --format csv --out "$T/b.csv"
sec=$(awk '/^八、/{on=1} on&&/^$|^\r$/{exit} on' "$T/b.csv" | tr -d '\r')
check_has "bulletin: kindergarten in July 5200 of 9932" "$sec" "SS2021-019,公办幼儿园学位扩容,个学位,9932,5200,52.36,推进中"
check_has "bulletin: 罗水村公路 stale" "$sec" "└ 罗水村公路,公里,4,0.2,5.00,推进中,,滞后,0"
check_has "bulletin: 白云村 beneficiaries" "$sec" "白云村村民；105户317人"
expect_ok "audit verify" audit verify
check_has "audit counts 32 projects" "$OUT" "so do 32 projects,"
cli_end
