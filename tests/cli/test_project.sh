#!/usr/bin/env bash
# test_project.sh -- practical-matter projects (实事项目) end to end: batches, projects, cumulative
# progress, a weighted roll-up, early/late, milestones, stale months, appeal links, refusals with
# their messages, role checks, and the hash chain holding every project row (figures by hand below).
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

setup_org
expect_ok "user add system-like dispatcher for projects" user add --username admin --name 管理员 --role admin

expect_ok "batch 1 of 2021" --at 2021-03-01T09:00 batch add --year 2021 --number 1 --assigned 2021-03-01 --name 第一批
refuse "batch: duplicate" 1 "batch 1 of 2021 already exists" -- batch add --year 2021 --number 1 --assigned 2021-03-02
refuse "batch: bad date" 1 "'2021-02-30'" -- batch add --year 2021 --number 2 --assigned 2021-02-30

# P1: kindergarten seats, plan 9932 -> SS2021-001 (the year's first default code)
expect_ok "add kindergarten seats" --at 2021-03-02T09:00 project add --title 幼儿园学位扩容 --year 2021 \
    --measure 个学位 --plan 9932 --budget 2120 --unit 区教育局 --area 就学 --batch 1 --due 2021-12-31
check_eq "default code SS<year>-NNN" "$OUT" "SS2021-001"
expect_ok "progress 3500 on 06-30" --at 2021-06-30T18:00 project progress SS2021-001 --on 2021-06-30 --value 3500
expect_ok "progress 7049 on 07-15 (cumulative)" --at 2021-07-15T18:00 project progress SS2021-001 --on 2021-07-15 --value 7049 --note 七月 --evidence photo-0715.jpg

# refusals on progress
refuse "progress before the last entry" 1 "before the last entry (2021-07-15)|SS2021-001" -- --at 2021-07-20T10:00 project progress SS2021-001 --on 2021-07-01 --value 7100
refuse "progress: value abc" 1 "bad quantity 'abc'" -- --at 2021-07-20T10:00 project progress SS2021-001 --on 2021-07-20 --value abc
refuse "progress: value 1.234" 1 "bad quantity '1.234'|two decimals" -- --at 2021-07-20T10:00 project progress SS2021-001 --on 2021-07-20 --value 1.234
refuse "progress: below the last (cumulative)" 1 "below the last entry's 7049|cumulative" -- --at 2021-07-20T10:00 project progress SS2021-001 --on 2021-07-20 --value 7000
refuse "progress: beyond ten times the plan" 1 "beyond ten times the plan (9932" -- --at 2021-07-20T10:00 project progress SS2021-001 --on 2021-07-20 --value 100000
refuse "progress: in the future" 1 "2021-07-21|future" -- --at 2021-07-20T10:00 project progress SS2021-001 --on 2021-07-21 --value 7100
refuse "progress: unknown project" 1 "unknown project 'SS2021-999'" -- --at 2021-07-20T10:00 project progress SS2021-999 --on 2021-07-20 --value 1
refuse "progress: a handler of another unit" 1 "user 'zj' may not record progress on project SS2021-001" -- --as zj --at 2021-07-20T10:00 project progress SS2021-001 --on 2021-07-20 --value 7100
refuse "progress: a leader" 1 "may not record progress" -- --as boss --at 2021-07-20T10:00 project progress SS2021-001 --on 2021-07-20 --value 7100

# P1 as of 2021-07-31: 7049 / 9932 = 70.9726% -> 70.97; stale in August (no entry), not in July
expect_ok "show SS2021-001 (July)" --at 2021-07-31T20:00 project show SS2021-001 --format json
printf '%s\n' "$OUT" >"$T/p1.json"
check_json "P1 figures" "$T/p1.json" percent 70.97 percent_x100 7097 plan 9932 done 7049 budget 2120 \
    batch 1 area 就学 lead_unit 区教育局 state active stale false timing pending \
    "#progress" 2 progress.1.increment 3549 progress.1.note 七月 progress.1.evidence photo-0715.jpg \
    progress.0.on 2021-06-30
expect_ok "show SS2021-001 for August" --at 2021-09-01T09:00 project show SS2021-001 --month 2021-08 --format json
printf '%s\n' "$OUT" >"$T/p1a.json"
check_json "P1 is stale in August" "$T/p1a.json" stale true
expect_ok "show as of 2022-01-10" --at 2022-01-10T09:00 project show SS2021-001 --format json
printf '%s\n' "$OUT" >"$T/p1b.json"
check_json "P1 unfinished past its due date" "$T/p1b.json" timing overdue timing_text 逾期10天 overdue true

# milestones (倒排工期): 8000 seats due 08-31; overdue on 09-15 while done (7049) < 8000
expect_ok "milestone add" --at 2021-07-20T10:00 project milestone add SS2021-001 --name 秋季开学前 --due 2021-08-31 --value 8000
check_eq "milestone numbered 1" "$OUT" "SS2021-001 milestone 1"
expect_ok "show on 09-15" --at 2021-09-15T09:00 project show SS2021-001 --format json
printf '%s\n' "$OUT" >"$T/m.json"
check_json "milestone overdue" "$T/m.json" milestones_overdue 1 milestones.0.overdue true milestones.0.value 8000
expect_ok "milestone done" --at 2021-09-16T09:00 project milestone done SS2021-001 1 --on 2021-09-16
expect_ok "show on 09-20" --at 2021-09-20T09:00 project show SS2021-001 --format json
printf '%s\n' "$OUT" >"$T/m2.json"
check_json "milestone no longer overdue" "$T/m2.json" milestones_overdue 0 milestones.0.done_on 2021-09-16
refuse "milestone done twice" 1 "already done" -- --at 2021-09-20T09:00 project milestone done SS2021-001 1 --on 2021-09-20
refuse "milestone: unknown number" 1 "has no milestone 7" -- --at 2021-09-20T09:00 project milestone done SS2021-001 7 --on 2021-09-20

# A parent over two roads, weighted by planned length: R1 3.2 km (w 32), R2 2.8 km (w 28).
expect_ok "add parent ROAD" --at 2021-03-02T09:00 project add --code ROAD --title 农村公路 --year 2021 --measure 公里 --unit 区住建局
expect_ok "add R1" --at 2021-03-02T09:00 project add --code R1 --title 白云村公路 --year 2021 --measure 公里 --plan 3.2 --budget 320 --weight 32 --parent ROAD --unit 区住建局 --due 2021-10-31 --households 105 --people 317
expect_ok "add R2" --at 2021-03-02T09:00 project add --code R2 --title 凤翔岗公路 --year 2021 --measure 公里 --plan 2.8 --budget 280 --weight 28 --parent ROAD --unit 区住建局 --due 2021-10-31
expect_ok "handler of the lead unit records R1 progress" --as zj --at 2021-05-31T18:00 project progress R1 --on 2021-05-31 --value 1.5
expect_ok "R1 3.2 km on 08-31" --as zj --at 2021-08-31T18:00 project progress R1 --on 2021-08-31 --value 3.2
refuse "a handler may not finish" 1 "may not finish projects" -- --as zj --at 2021-08-31T19:00 project finish R1 --on 2021-08-31
expect_ok "finish R1 on 08-31" --at 2021-08-31T19:00 project finish R1 --on 2021-08-31
refuse "finish twice" 1 "already finished" -- --at 2021-09-01T19:00 project finish R1 --on 2021-09-01
refuse "progress on a finished project" 1 "project R1 is finished" -- --at 2021-09-01T19:00 project progress R1 --on 2021-09-01 --value 3.3
expect_ok "R2 0.7 km on 07-20" --at 2021-07-20T18:00 project progress R2 --on 2021-07-20 --value 0.7
refuse "progress on a parent" 1 "project ROAD has sub-projects" -- --at 2021-09-01T19:00 project progress ROAD --on 2021-09-01 --value 1
expect_ok "show R1" --at 2021-12-31T20:00 project show R1 --format json
printf '%s\n' "$OUT" >"$T/r1.json"
check_json "R1 finished two months early" "$T/r1.json" timing early timing_text 提前2个月完成 timing_months 2 \
    timing_days 61 state done percent 100.00 households 105 people 317
# (100.00*32 + 25.00*28) / 60 = 65.00 (a plain average would be 62.50); km 3.2 + 0.7 = 3.9 of 6
expect_ok "show ROAD" --at 2021-12-31T20:00 project show ROAD --format json
printf '%s\n' "$OUT" >"$T/road.json"
check_json "ROAD rolls up its children" "$T/road.json" percent 65.00 plan 6 done 3.9 budget 600 \
    children 2 "#sub_projects" 2 sub_projects.1.percent 25.00 state active stale false

# refusals on add
refuse "add: duplicate code" 1 "project code 'ROAD' already exists" -- --at 2021-03-02T09:00 project add --code ROAD --title x --year 2021 --measure 公里
refuse "add: unknown unit" 1 "unknown unit '不存在局'" -- --at 2021-03-02T09:00 project add --title x --year 2021 --measure 公里 --unit 不存在局
refuse "add: unknown area" 1 "'不存在领域'" -- --at 2021-03-02T09:00 project add --title x --year 2021 --measure 公里 --area 不存在领域
refuse "add: unknown parent" 1 "unknown parent project 'NOPE'" -- --at 2021-03-02T09:00 project add --title x --year 2021 --measure 公里 --parent NOPE
refuse "add: bad plan" 1 "bad quantity 'abc' for plan" -- --at 2021-03-02T09:00 project add --title x --year 2021 --measure 公里 --plan abc
refuse "add: three decimals" 1 "bad quantity '1.234' for budget" -- --at 2021-03-02T09:00 project add --title x --year 2021 --measure 公里 --budget 1.234
refuse "add: unknown batch" 1 "unknown batch 5 of 2021" -- --at 2021-03-02T09:00 project add --title x --year 2021 --measure 公里 --batch 5
refuse "add: no measure" 1 "measure" -- --at 2021-03-02T09:00 project add --title x --year 2021
refuse "add: by a leader" 1 "user 'boss'|may not add projects" -- --as boss --at 2021-03-02T09:00 project add --title x --year 2021 --measure 公里
refuse "add: due before start" 1 "before the start" -- --at 2021-03-02T09:00 project add --title x --year 2021 --measure 公里 --start 2021-05-01 --due 2021-04-01

# links: an appeal about parking gives rise to the project; both sides show it
expect_ok "register an appeal" --as disp --at 2021-03-03T10:00 register --title 建议夜间停车 --content 夜间停车难 --channel 12345热线 --kind 建议
APPEAL=$OUT
expect_ok "link spawned" --at 2021-03-04T10:00 project link SS2021-001 --appeal "$APPEAL" --kind spawned
refuse "link twice" 1 "already linked to project SS2021-001 as spawned" -- --at 2021-03-04T10:00 project link SS2021-001 --appeal "$APPEAL" --kind spawned
refuse "link: bad kind" 1 "'caused'|spawned" -- --at 2021-03-04T10:00 project link SS2021-001 --appeal "$APPEAL" --kind caused
refuse "link: unknown appeal" 1 "NOAPPEAL" -- --at 2021-03-04T10:00 project link SS2021-001 --appeal NOAPPEAL --kind resolved
show_json "$APPEAL" "$T/a.json"
check_json "the appeal lists its project" "$T/a.json" "#projects" 1 projects.0.code SS2021-001 projects.0.kind spawned
ss show "$APPEAL"
check_has "show APPEAL (table) lists the project" "$OUT" "关联项目: SS2021-001"
expect_ok "show project with links" --at 2021-09-20T09:00 project show SS2021-001 --format json
printf '%s\n' "$OUT" >"$T/l.json"
check_json "the project lists its appeal" "$T/l.json" links.0.appeal "$APPEAL" links.0.kind spawned

# list and filters; a leader reads
expect_ok "list 2021 as a leader" --as boss --at 2021-12-31T20:00 project list --year 2021 --format json
printf '%s\n' "$OUT" >"$T/list.json"
check_json "list" "$T/list.json" total 4 "py:[i['code'] for i in d['items']]" '["SS2021-001","ROAD","R1","R2"]'
expect_ok "list by unit" --at 2021-12-31T20:00 project list --unit 区住建局 --format json
printf '%s\n' "$OUT" >"$T/lu.json"
check_json "list by unit" "$T/lu.json" total 3
expect_ok "list by batch" --at 2021-12-31T20:00 project list --year 2021 --batch 1 --format json
printf '%s\n' "$OUT" >"$T/lb.json"
check_json "list by batch" "$T/lb.json" total 1 items.0.code SS2021-001
expect_ok "list by area" --at 2021-12-31T20:00 project list --area 就学 --format json
printf '%s\n' "$OUT" >"$T/la.json"
check_json "list by area" "$T/la.json" total 1
refuse "list: unknown unit" 1 "unknown unit 'X局'" -- project list --unit X局
expect_ok "list as a table" --at 2021-12-31T20:00 project list
check_has "table shows 70.97" "$OUT" "70.97"
expect_ok "batch list" batch list --year 2021 --format json
printf '%s\n' "$OUT" >"$T/b.json"
check_json "batch list" "$T/b.json" "#" 1 0.number 1 0.projects 1 0.assigned_on 2021-03-01

# the chain holds every project row
expect_ok "audit verify" audit verify
check_has "audit counts the 4 projects" "$OUT" "so do 4 projects, 0 list items and 0 vote sessions"
# as of a day, a project shows only what was recorded by then; absent is "-" and null, not 0
ss --at 2021-07-01T12:00 project show SS2021-001
check_has "as of 07-01: the 06-30 entry" "$OUT" "2021-06-30  累计 3500"
check_not "as of 07-01: not the 07-15 entry" "$OUT" "2021-07-15"
ss --at 2021-07-01T12:00 project show SS2021-001 --format json
printf '%s\n' "$OUT" >"$T/asof.json"
check_json "as of 07-01 in JSON" "$T/asof.json" '#progress' 1 done 3500
expect_ok "a project with neither target nor budget" --at 2021-03-02T09:00 project add \
    --title 便民服务 --year 2021 --measure 项 --plan 4 --unit 区教育局
NOBUDGET=$OUT
ss project show "$NOBUDGET" --format json
printf '%s\n' "$OUT" >"$T/nob.json"
check_json "absent target and budget are null" "$T/nob.json" target null budget null plan 4
ss project show "$NOBUDGET"
check_has "absent budget shows -" "$OUT" "投资(万元): -"
check_has "no beneficiaries shows -" "$OUT" "受益: -"

# counted measures are whole numbers; the plan met with no milestone open is 已完成 (issue 19)
refuse "fractional seats are refused" 1 "个学位 按整数计|218.18" -- --at 2021-07-20T10:00 \
    project progress SS2021-001 --on 2021-07-20 --value 7218.18
refuse "a fractional plan of schools is refused" 1 "所 按整数计|4.36" -- --at 2021-03-02T09:00 \
    project add --title 学校 --year 2021 --measure 所 --plan 4.36 --unit 区教育局
expect_ok "kilometres may be fractional" --at 2021-03-02T09:00 project add --title 便道 --year 2021 \
    --measure 公里 --plan 2.5 --unit 区教育局
ROAD=$OUT
expect_ok "a counted project" --at 2021-03-02T09:00 project add --title 路灯 --year 2021 \
    --measure 盏 --plan 40 --unit 区教育局 --due 2021-12-31
LAMPS=$OUT
expect_ok "half of it" --at 2021-05-10T10:00 project progress "$LAMPS" --on 2021-05-10 --value 20
expect_ok "the plan met" --at 2021-06-10T10:00 project progress "$LAMPS" --on 2021-06-10 --value 40
ss --at 2021-06-30T10:00 project show "$LAMPS" --format json
printf '%s\n' "$OUT" >"$T/lamps.json"
check_json "at 100 % of plan it is done, that day" "$T/lamps.json" state done state_label 已完成 \
    finished_on 2021-06-10 timing early
ss --at 2021-06-01T10:00 project show "$LAMPS" --format json
printf '%s\n' "$OUT" >"$T/lamps0601.json"
check_json "as of before that day it was not" "$T/lamps0601.json" state active
expect_ok "a road with a milestone still open" --at 2021-05-01T10:00 project milestone add "$ROAD" \
    --name 验收 --due 2021-11-30
expect_ok "its plan met" --at 2021-06-10T10:00 project progress "$ROAD" --on 2021-06-10 --value 2.5
ss --at 2021-06-30T10:00 project show "$ROAD" --format json
printf '%s\n' "$OUT" >"$T/road.json"
check_json "an open milestone keeps it 推进中" "$T/road.json" state active state_label 推进中
expect_ok "the milestone done" --at 2021-07-01T10:00 project milestone done "$ROAD" 1 --on 2021-07-01
ss --at 2021-07-02T10:00 project show "$ROAD" --format json
printf '%s\n' "$OUT" >"$T/road2.json"
check_json "then it is done, on the day its last milestone was" "$T/road2.json" state done finished_on 2021-07-01

case "${SHISHI_TEST_DB_URL:-}" in
postgres*) ok "tampering is checked on SQLite only" ;;
*)
    sqlite3 "$DB" "UPDATE projects SET done_x100 = 993200 WHERE code = 'SS2021-001'"
    ss audit verify
    if [ "$RC" -ne 0 ]; then ok "audit verify fails after a projects row is changed behind its back"; else bad "audit verify fails after tampering" "exit 0: $OUT"; fi
    check_has "audit names the project" "$OUT$ERR" "project"
    ;;
esac
cli_end
