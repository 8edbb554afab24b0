#!/usr/bin/env bash
# test_report.sh -- `report` on a small ledger whose figures are worked out by hand below
# (definitions in src/core/report.h and docs/metrics.md).
# usage: bash tests/cli/test_report.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

setup_org

step() {
    ss "$@"
    if [ "$RC" -ne 0 ]; then
        bad "setup: $*" "exit $RC: $ERR"
    fi
}
reg() { # AT TITLE CHANNEL KIND [AREA] -> $CODE
    local area=()
    [ -n "${5:-}" ] && area=(--area "$5")
    step --as disp --at "$1" register --title "$2" --content "$2（详情）" --channel "$3" \
        --kind "$4" "${area[@]}"
    CODE=$OUT
}

# Unit ids: 永定区 1, 区住建局 2, 区城管局 3, ...; channel ids: 微信群 1, 12345热线 2, 来访 3;
# area ids: 就学 1, 宜居 5, 宜行 8. Tallies are listed by id, "(未分类)" (none) first.
#
#      received          channel   area  lead      deadline  signed      replied     state
# R0   2020-12-31 23:50  12345热线  -     -         -         -           -           received (not in 2021)
# R1   2021-11-01        12345热线  宜居  区住建局  11-10     11-02 ok    11-05 ok    closed
# R2   2021-11-01        微信群     宜居  区城管局  11-04     11-03 late  11-08 LATE  replied
# R3   2021-11-02        12345热线  就学  区住建局  11-09     11-02 ok    -           accepted, overdue
# R4   2021-11-03        来访       -     -         -         -           -           received
# R5   2021-11-03        12345热线  就学  -         -         -           -           rejected
# R6   2021-11-04        微信群     宜居  区城管局  11-11     11-04 ok    11-10 ok    visited
# R7   2021-11-04        微信群     -     -         -         -           -           merged into R6
# R8   2021-01-01 00:10  12345热线  -     -         -         -           -           received
# R9   2021-11-05        12345热线  宜行  区住建局  11-10     11-05 ok    11-09 ok    replied
# R10  2022-01-01 00:05  来访       -     -         -         -           -           received (not in 2021)
#
# 2021: received 9; eligible 7 (not R5 rejected, R7 merged); replied 4 (R1 R2 R6 R9): 57.14%;
# due 5 (R1 R2 R3 R6 R9), timely 3 (R1 R6 R9): 60%; overdue 1 (R3);
# signed_due 5, signed_in_time 4 (R2 signed late): 80%. Response (signed and the caller called
# by the sign deadline): R1 and R6 only (R2 signed late, R3 never called, R9 called on 11-09,
# after its sign deadline, the end of Monday 11-08): 2/5 = 40%.
reg 2020-12-31T23:50 年末的诉求 12345热线 咨询
R0=$CODE
reg 2021-11-01T09:00 路灯不亮 12345热线 投诉 宜居
R1=$CODE
step --as disp --at 2021-11-01T10:00 dispatch "$R1" --unit 区住建局
step --as zj --at 2021-11-02T10:00 accept "$R1"
step --as zj --at 2021-11-02T10:30 contact "$R1" --note 已电话联系
step --as zj --at 2021-11-05T10:00 reply "$R1" --text 已修复 --evidence 照片.jpg
step --as disp --at 2021-11-08T10:00 visit "$R1" --solved yes --satisfaction 满意
step --as disp --at 2021-11-08T11:00 close "$R1"
reg 2021-11-01T09:30 物业收费咨询 微信群 咨询 宜居
R2=$CODE
step --as disp --at 2021-11-01T10:00 dispatch "$R2" --unit 区城管局
step --as cg --at 2021-11-03T09:00 accept "$R2"
step --as cg --at 2021-11-03T09:30 contact "$R2"
step --as cg --at 2021-11-08T09:00 reply "$R2" --text 已答复收费标准
reg 2021-11-02T09:00 学校周边交通 12345热线 求助 就学
R3=$CODE
step --as disp --at 2021-11-02T10:00 dispatch "$R3" --unit 区住建局
step --as zj --at 2021-11-02T15:00 accept "$R3"
reg 2021-11-03T09:00 建议增设公园 来访 建议
R4=$CODE
reg 2021-11-03T09:30 咨询彩票中奖 12345热线 投诉 就学
R5=$CODE
step --as disp --at 2021-11-03T10:00 reject "$R5" --reason 不属于受理范围
reg 2021-11-04T09:00 小区积水 微信群 求助 宜居
R6=$CODE
step --as disp --at 2021-11-04T10:00 dispatch "$R6" --unit 区城管局
reg 2021-11-04T09:10 小区积水（重复） 微信群 求助
R7=$CODE
step --as disp --at 2021-11-04T10:30 merge "$R7" --into "$R6"
step --as cg --at 2021-11-04T11:00 accept "$R6"
step --as cg --at 2021-11-04T11:30 contact "$R6"
step --as cg --at 2021-11-10T11:00 reply "$R6" --text 已疏通排水
step --as disp --at 2021-11-12T11:00 visit "$R6" --solved yes --satisfaction 基本满意
reg 2021-01-01T00:10 元旦的诉求 12345热线 咨询
R8=$CODE
reg 2021-11-05T09:00 公交线路咨询 12345热线 咨询 宜行
R9=$CODE
step --as disp --at 2021-11-05T10:00 dispatch "$R9" --unit 区住建局
step --as zj --at 2021-11-05T11:00 accept "$R9"
step --as zj --at 2021-11-09T09:00 contact "$R9"
step --as zj --at 2021-11-09T11:00 reply "$R9" --text 已答复线路
reg 2022-01-01T00:05 新年的诉求 来访 咨询
R10=$CODE

check_eq "codes follow the site-zone date of receipt" "$R0 $R8 $R4 $R10" \
    "YD202012310001 YD202101010001 YD202111030001 YD202201010001"
ss list --format json --sort code
printf '%s\n' "$OUT" >"$T/all.json"
check_json "the ledger is as planned" "$T/all.json" total 11 \
    'py:[a["status"] for a in sorted(d["items"], key=lambda a: a["received_at"])]' \
    '["received","received","closed","replied","accepted","received","rejected","visited","merged","replied","received"]' \
    'py:[a["overdue"] for a in d["items"] if a["code"]=="'"$R2"'"][0]' true

expect_ok "report 2021 --format json" --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --format json
printf '%s\n' "$OUT" >"$T/r.json"
check_json "report 2021" "$T/r.json" \
    from 2021-01-01 to 2021-12-31 as_of 2021-12-31T12:00:00+08:00 \
    received 9 eligible 7 replied 4 reply_rate 57.14 \
    due 5 timely 3 timely_rate 60 overdue 1 \
    signed_due 5 signed_in_time 4 sign_rate 80 \
    by_status '{"accepted":1,"closed":1,"dispatched":0,"merged":1,"received":2,"rejected":1,"replied":2,"returned":0,"visited":1}' \
    'py:[u["name"] for u in d["by_unit"]]' '["(未分类)","区住建局","区城管局"]' \
    'py:[[u["received"],u["replied"],u["reply_rate"],u["timely"],u["timely_rate"],u["overdue"]] for u in d["by_unit"]]' \
    '[[4,0,0.0,0,null,0],[3,2,66.67,2,66.67,1],[2,2,100.0,1,50.0,0]]' \
    'py:[a["name"] for a in d["by_area"]]' '["(未分类)","就学","宜居","宜行"]' \
    'py:[[a["received"],a["replied"],a["reply_rate"],a["timely"],a["timely_rate"],a["overdue"]] for a in d["by_area"]]' \
    '[[3,0,0.0,0,null,0],[2,0,0.0,0,0.0,1],[3,3,100.0,2,66.67,0],[1,1,100.0,1,100.0,0]]' \
    'py:[c["name"] for c in d["by_channel"]]' '["微信群","12345热线","来访"]' \
    'py:[[c["received"],c["replied"],c["reply_rate"],c["timely"],c["timely_rate"],c["overdue"]] for c in d["by_channel"]]' \
    '[[3,2,100.0,1,50.0,0],[5,2,50.0,2,66.67,1],[1,0,0.0,0,null,0]]' \
    'py:sum(d["by_status"].values())' 9 \
    'py:sum(u["received"] for u in d["by_unit"])' 9

# The period is in the site's zone: 2021-01-01 00:10 (+08:00) is in 2021, 2020-12-31 23:50 not.
expect_ok "report 2021-01-01 alone" --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-01-01 --format json
printf '%s\n' "$OUT" >"$T/r0101.json"
check_json "report 2021-01-01 (site-zone day)" "$T/r0101.json" received 1 eligible 1 replied 0 \
    reply_rate 0 timely_rate null
expect_ok "report 2020-12-31 alone" --at 2021-12-31T12:00 report --from 2020-12-31 --to 2020-12-31 --format json
printf '%s\n' "$OUT" >"$T/r1231.json"
check_json "report 2020-12-31 (site-zone day)" "$T/r1231.json" received 1

# A period with no appeals: rates have no value.
expect_ok "report June 2021 (empty)" --at 2021-12-31T12:00 report --from 2021-06-01 --to 2021-06-30 --format json
printf '%s\n' "$OUT" >"$T/empty.json"
check_json "empty period" "$T/empty.json" received 0 eligible 0 replied 0 reply_rate null \
    due 0 timely_rate null sign_rate null by_unit '[]' by_area '[]' by_channel '[]' \
    'py:sum(d["by_status"].values())' 0

# As of a time before R3's deadline (2021-11-09 23:59:59), R3 is not yet due.
expect_ok "report as of 2021-11-09 noon" --at 2021-11-09T12:00 report --from 2021-11-01 --to 2021-11-30 --format json
printf '%s\n' "$OUT" >"$T/early.json"
check_json "report as of 2021-11-09 12:00" "$T/early.json" received 8 due 4 timely 3 timely_rate 75 overdue 0

# Table and CSV show the same totals.
ss --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31
check_eq "report table: names the rule set" "$(printf '%s\n' "$OUT" | head -n 1)" "考核规则第1版（默认考核规则）"
check_match "report table: header" "$(printf '%s\n' "$OUT" | sed -n 2p)" '^维度 +名称 +受理 +已答复 +回复率 +及时率 +签收率 +响应率 +解决率 +满意率 +综合得分$'
check_match "report table: total row" "$(printf '%s\n' "$OUT" | sed -n 3p)" '^合计 +全部 +9 +4 +57\.14% +60\.00% +80\.00% +40\.00% +100\.00% +100\.00% +82\.00%$'
check_match "report table: 区城管局 row" "$(printf '%s\n' "$OUT" | grep 区城管局 | head -n 1)" '^单位 +区城管局 +2 +2 +100\.00% +50\.00% +50\.00% +50\.00% +100\.00% +100\.00% +85\.00%$'
check_match "report table: a rate without a value is a dash" "$(printf '%s\n' "$OUT" | grep 来访)" '^渠道 +来访 +1 +0 +0\.00% +— +— +— +— +— +—$'
ss --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --format csv
check_eq "report csv: total row" "$(printf '%s\n' "$OUT" | sed -n 2p | tr -d '\r')" "合计,全部,9,4,57.14%,60.00%,80.00%,40.00%,100.00%,100.00%,82.00%"

# ---- the assessment under rule set version 1 (the default) ----
# Visits: R1 已解决/满意, R6 已解决/基本满意 -> resolution 2/2, satisfaction (1 + 1)/2 = 100%
# (基本满意 counts in full). Response 2/5 = 40%. Score = (30*40 + 35*100 + 35*100) / 100 = 82.
# 区城管局: R2 signed late, R6 signed and called in time -> response 50%; score
# (30*50 + 35*100 + 35*100)/100 = 85. 区住建局: R1 R3 R9 signed in time, only R1 called in
# time -> response 33.33%; R1 visited 已解决/满意 -> score (30*33.33.. + 3500 + 3500)/100 = 80.
check_json "report 2021: assessment figures" "$T/r.json" \
    rules_version 1 rules_name 默认考核规则 sign_rate 80 responded 2 response_rate 40 visited 2 \
    resolution_rate 100 rated 2 satisfaction_rate 100 score 82 \
    'py:[[u["name"],u["sign_rate"],u["response_rate"],u["resolution_rate"],u["satisfaction_rate"],u["score"]] for u in d["by_unit"]]' \
    '[["(未分类)",null,null,null,null,null],["区住建局",100.0,33.33,100.0,100.0,80.0],["区城管局",50.0,50.0,100.0,100.0,85.0]]' \
    'py:[[t["name"],t["received"]] for t in d["by_town"]]' '[["区直部门",9]]'

# Every rate opens down to appeal codes.
expect_ok "explain reply_rate" --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --explain reply_rate --format json
printf '%s\n' "$OUT" >"$T/x.json"
check_json "explain reply_rate: numerator and denominator" "$T/x.json" \
    figure reply_rate rules_version 1 numerator 4 denominator 7 rate 57.14 \
    'py:sorted(d["numerator_appeals"])' "$(python3 -c 'import sys,json; print(json.dumps(sorted(sys.argv[1:]),ensure_ascii=False,separators=(",",":")))' "$R1" "$R2" "$R6" "$R9")" \
    'py:sorted(d["denominator_appeals"])' "$(python3 -c 'import sys,json; print(json.dumps(sorted(sys.argv[1:]),ensure_ascii=False,separators=(",",":")))' "$R8" "$R1" "$R2" "$R3" "$R4" "$R6" "$R9")"
expect_ok "explain timely_rate for one unit" --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --explain timely_rate --unit 区城管局 --format json
printf '%s\n' "$OUT" >"$T/x.json"
check_json "explain timely_rate of 区城管局" "$T/x.json" numerator 1 denominator 2 rate 50 \
    numerator_appeals "[\"$R6\"]" 'py:sorted(d["denominator_appeals"])' "$(python3 -c 'import sys,json; print(json.dumps(sorted(sys.argv[1:]),separators=(",",":")))' "$R2" "$R6")"
expect_ok "explain overdue" --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --explain overdue --format json
printf '%s\n' "$OUT" >"$T/x.json"
check_json "explain overdue" "$T/x.json" count 1 appeals "[\"$R3\"]"
ss --at 2021-12-31T12:00 report --from 2021-06-01 --to 2021-06-30 --explain satisfaction_rate
check_eq "explain with a zero denominator shows a dash" "$(printf '%s\n' "$OUT" | head -n 1)" \
    "satisfaction_rate — = 0 / 0 (rules v1)"
ss --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --explain response_rate
check_eq "explain table: the rate line" "$(printf '%s\n' "$OUT" | head -n 1)" "response_rate 40.00% = 2 / 5 (rules v1)"
check_eq "explain table: the numerator" "$(printf '%s\n' "$OUT" | sed -n 2p)" "numerator: $R1 $R6"
ss --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --explain sign_rate
check_eq "explain sign_rate" "$(printf '%s\n' "$OUT" | head -n 1)" "sign_rate 80.00% = 4 / 5 (rules v1)"
refuse "explain an unknown figure" 1 "'happiness'" -- report --from 2021-01-01 --to 2021-12-31 --explain happiness
refuse "explain an unknown unit" 1 "'区不存在局'" -- report --from 2021-01-01 --to 2021-12-31 --explain reply_rate --unit 区不存在局
refuse "explain for two groups at once" 1 "one group" -- report --from 2021-01-01 --to 2021-12-31 --explain reply_rate --unit 区城管局 --area 宜居

# ---- a second rule version: 基本满意 counts half, merged appeals count, 部分解决 half ----
cat >"$T/v2.json" <<'JSON'
{"name": "2022年考核规则", "basic_satisfied_share": 50, "partly_solved_share": 50,
 "exclude": ["rejected"], "min_volume": 3,
 "weights": {"response_rate": 20, "resolution_rate": 40, "satisfaction_rate": 40}}
JSON
refuse "rules add by a handler" 1 "admin" -- --as zj rules add --file "$T/v2.json"
expect_ok "rules add v2" rules add --file "$T/v2.json"
check_eq "rules add names the version" "$OUT" "rule set version 2 added: 2022年考核规则"
ss rules show 2
printf '%s\n' "$OUT" >"$T/v2s.json"
check_json "rules show 2: stored complete and normalised" "$T/v2s.json" version 2 \
    basic_satisfied_share 50 exclude '["rejected"]' min_volume 3 \
    weights '{"reply_rate":0,"resolution_rate":40,"response_rate":20,"satisfaction_rate":40,"sign_rate":0,"timely_rate":0}' response_needs_contact true \
    'py:d["time_limits"]["handle"]["complaint"]' '["7 workdays","24 hours","2 hours"]'
# Under v2 (the newest, so the default): the merged R7 is eligible (8), never replied:
# reply 4/8 = 50%; R6's 基本满意 counts half: satisfaction (100 + 50)/2 = 75%;
# score (20*40 + 40*100 + 40*75)/100 = 78.
expect_ok "report under v2" --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --format json
printf '%s\n' "$OUT" >"$T/r2.json"
check_json "report under v2" "$T/r2.json" rules_version 2 eligible 8 replied 4 reply_rate 50 \
    satisfaction_rate 75 score 78 timely_rate 60
expect_ok "explain satisfaction under v2" --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --explain satisfaction_rate --format json
printf '%s\n' "$OUT" >"$T/x.json"
check_json "explain shows the partial share" "$T/x.json" numerator 1.5 denominator 2 rate 75 \
    partial_shares "{\"$R6\":50}"
# The past recomputed under v1 gives v1's figures, and says so.
expect_ok "report --rules 1" --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --rules 1 --format json
printf '%s\n' "$OUT" >"$T/r1.json"
check_json "report --rules 1 is v1 again" "$T/r1.json" rules_version 1 eligible 7 reply_rate 57.14 \
    satisfaction_rate 100 score 82
refuse "report --rules 9 (missing)" 1 "version 9" -- report --from 2021-01-01 --to 2021-12-31 --rules 9
refuse "report --rules abc" nz "rules" -- report --from 2021-01-01 --to 2021-12-31 --rules abc

# Bad rule sets are refused with the field named, and nothing is stored.
printf '%s' '{"name":"x","weights":{"happiness":10}}' >"$T/bad1.json"
refuse "rules add: unknown rate" 1 "'happiness'" -- rules add --file "$T/bad1.json"
printf '%s' '{"name":"x","basic_satisfied_share":150}' >"$T/bad2.json"
refuse "rules add: share out of range" 1 "basic_satisfied_share" -- rules add --file "$T/bad2.json"
printf '%s' '{"name":"x","colour":"red"}' >"$T/bad3.json"
refuse "rules add: unknown key" 1 "'colour'" -- rules add --file "$T/bad3.json"
printf '%s' '{"name":"x", "weights": {"response_rate": 0, "resolution_rate": 0, "satisfaction_rate": 0}}' >"$T/bad4.json"
refuse "rules add: no weight" 1 "weight" -- rules add --file "$T/bad4.json"
printf '%s' '{"name":"x","time_limits":{"handle":{"consult":["3 weeks","1 hours","1 hours"]}}}' >"$T/bad5.json"
refuse "rules add: bad time limit unit" 1 "weeks" -- rules add --file "$T/bad5.json"
printf '%s' '{"name": "x",' >"$T/bad6.json"
refuse "rules add: malformed JSON" 1 "JSON" -- rules add --file "$T/bad6.json"
refuse "rules add: missing file" 1 "'$T/nope.json'" -- rules add --file "$T/nope.json"
ss rules list --format json
printf '%s\n' "$OUT" >"$T/rl.json"
check_json "bad rule sets stored nothing" "$T/rl.json" 'py:[r["version"] for r in d]' '[1,2]'
dbq "$DB" "UPDATE rule_sets SET body = '{}' WHERE version = 1" >/dev/null 2>"$T/upd.err" || true
check_has "a stored version cannot be edited" "$(cat "$T/upd.err")" "immutable"

# A new version's time limits are the ones dispatch gives from then on.
cat >"$T/v3.json" <<'JSON'
{"name": "咨询2日", "time_limits": {"handle": {"consult": ["2 workdays", "24 hours", "2 hours"]}}}
JSON
expect_ok "rules add v3 (shorter limit)" rules add --file "$T/v3.json"
reg 2021-12-06T09:00 新规则下的咨询 12345热线 咨询 宜行
step --as disp --at 2021-12-06T10:00 dispatch "$CODE" --unit 区住建局
ss show "$CODE" --format json
printf '%s\n' "$OUT" >"$T/s.json"
check_json "dispatch uses the newest rule set's limit" "$T/s.json" deadline 2021-12-08T23:59:59+08:00

# ---- edge cases: across months, an extended deadline, a redo (投诉: 7 working days) ----
# X1 received 11-30, replied 12-03: November's, with its December reply.
reg 2021-11-30T16:00 跨月的诉求 12345热线 投诉 宜居
X1=$CODE
step --as disp --at 2021-11-30T17:00 dispatch "$X1" --unit 区住建局
step --as zj --at 2021-12-01T09:00 accept "$X1"
step --as zj --at 2021-12-03T09:00 reply "$X1" --text 已处理
expect_ok "report of 11-30 alone" --at 2021-12-31T12:00 report --from 2021-11-30 --to 2021-11-30 --format json
printf '%s\n' "$OUT" >"$T/e1.json"
check_json "an appeal counts in the month it was received" "$T/e1.json" received 1 replied 1 timely 1
# X2: deadline 12-22 (7 working days from 12-13), extended 3 days to 12-27, replied 12-24:
# late against the first deadline, timely against the extended one.
reg 2021-12-13T09:00 需延期的诉求 12345热线 投诉 宜居
X2=$CODE
step --as disp --at 2021-12-13T10:00 dispatch "$X2" --unit 区住建局
step --as zj --at 2021-12-13T11:00 accept "$X2"
step --as zj --at 2021-12-20T09:00 extend "$X2" --days 3 --reason 需协调
step --as disp --at 2021-12-20T10:00 extend-approve "$X2"
step --as zj --at 2021-12-24T09:00 reply "$X2" --text 已处理
# X3: replied 12-15, visited unsolved 12-16 -> redone automatically with a new deadline
# (7 working days from 12-16: 12-27), not replied again by 12-31: overdue.
reg 2021-12-13T09:30 需重办的诉求 12345热线 投诉 宜居
X3=$CODE
step --as disp --at 2021-12-13T10:00 dispatch "$X3" --unit 区城管局
step --as cg --at 2021-12-13T11:00 accept "$X3"
step --as cg --at 2021-12-15T09:00 reply "$X3" --text 已处理
step --as disp --at 2021-12-16T09:00 visit "$X3" --solved no --satisfaction 不满意
show_json "$X3" "$T/x3.json"
check_json "the unsolved visit redid X3" "$T/x3.json" status accepted redo_count 1 deadline 2021-12-27T23:59:59+08:00
expect_ok "report of 12-13" --at 2021-12-31T12:00 report --from 2021-12-13 --to 2021-12-13 --format json
printf '%s\n' "$OUT" >"$T/e2.json"
# The redo clears X3's visit: resolution and satisfaction wait for the visit after the redo.
check_json "extended and redone appeals" "$T/e2.json" received 2 replied 1 due 2 timely 1 \
    timely_rate 50 overdue 1 visited 0 resolution_rate null satisfaction_rate null
expect_ok "explain timely_rate of 12-13" --at 2021-12-31T12:00 report --from 2021-12-13 --to 2021-12-13 --explain timely_rate --format json
printf '%s\n' "$OUT" >"$T/e3.json"
check_json "explain: X2 timely, X3 not" "$T/e3.json" numerator_appeals "[\"$X2\"]" \
    'py:sorted(d["denominator_appeals"])' "$(python3 -c 'import sys,json; print(json.dumps(sorted(sys.argv[1:]),separators=(",",":")))' "$X2" "$X3")"
expect_ok "report of 12-13 as of 12-20" --at 2021-12-20T12:00 report --from 2021-12-13 --to 2021-12-13 --format json
printf '%s\n' "$OUT" >"$T/e4.json"
# As of 12-20 X3's new deadline has not passed: not judged yet; X2's reply is judged.
check_json "before its new deadline the redone appeal is not judged" "$T/e4.json" due 1 timely 1 overdue 0

refuse "report --to before --from" 1 "2021-01-01|2021-12-31" -- report --from 2021-12-31 --to 2021-01-01
refuse "report without --to" nz "--to" -- report --from 2021-01-01
refuse "report with a bad date" nz "'2021-02-29'" -- report --from 2021-02-29 --to 2021-03-31

cli_end
