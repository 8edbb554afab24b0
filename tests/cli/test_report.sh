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
# signed_due 5, signed_in_time 4 (R2 signed late): 80%.
reg 2020-12-31T23:50 年末的诉求 12345热线 咨询
R0=$CODE
reg 2021-11-01T09:00 路灯不亮 12345热线 投诉 宜居
R1=$CODE
step --as disp --at 2021-11-01T10:00 dispatch "$R1" --unit 区住建局
step --as zj --at 2021-11-02T10:00 accept "$R1"
step --as zj --at 2021-11-05T10:00 reply "$R1" --text 已修复 --evidence 照片.jpg
step --as disp --at 2021-11-08T10:00 visit "$R1" --solved yes --satisfaction 满意
step --as disp --at 2021-11-08T11:00 close "$R1"
reg 2021-11-01T09:30 物业收费咨询 微信群 咨询 宜居
R2=$CODE
step --as disp --at 2021-11-01T10:00 dispatch "$R2" --unit 区城管局
step --as cg --at 2021-11-03T09:00 accept "$R2"
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
step --as cg --at 2021-11-10T11:00 reply "$R6" --text 已疏通排水
step --as disp --at 2021-11-12T11:00 visit "$R6" --solved yes --satisfaction 基本满意
reg 2021-01-01T00:10 元旦的诉求 12345热线 咨询
R8=$CODE
reg 2021-11-05T09:00 公交线路咨询 12345热线 咨询 宜行
R9=$CODE
step --as disp --at 2021-11-05T10:00 dispatch "$R9" --unit 区住建局
step --as zj --at 2021-11-05T11:00 accept "$R9"
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
check_match "report table: header" "$(printf '%s\n' "$OUT" | head -n 1)" '^维度 +名称 +受理 +已答复 +回复率 +及时率$'
check_match "report table: total row" "$(printf '%s\n' "$OUT" | sed -n 2p)" '^合计 +全部 +9 +4 +57\.14% +60\.00%$'
check_match "report table: 区城管局 row" "$(printf '%s\n' "$OUT" | grep 区城管局)" '^单位 +区城管局 +2 +2 +100\.00% +50\.00%$'
check_match "report table: a rate without a value is a dash" "$(printf '%s\n' "$OUT" | grep 来访)" '^渠道 +来访 +1 +0 +0\.00% +—$'
ss --at 2021-12-31T12:00 report --from 2021-01-01 --to 2021-12-31 --format csv
check_eq "report csv: total row" "$(printf '%s\n' "$OUT" | sed -n 2p | tr -d '\r')" "合计,全部,9,4,57.14%,60.00%"
refuse "report --to before --from" 1 "2021-01-01|2021-12-31" -- report --from 2021-12-31 --to 2021-01-01
refuse "report without --to" nz "--to" -- report --from 2021-01-01
refuse "report with a bad date" nz "'2021-02-29'" -- report --from 2021-02-29 --to 2021-03-31

cli_end
