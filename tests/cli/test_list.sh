#!/usr/bin/env bash
# test_list.sh -- `list` filters, sorting, paging and its table/json/csv output, and the
# masking of personal data in list and show.
# usage: bash tests/cli/test_list.sh /path/to/shishi
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
reg() { # AT TITLE CHANNEL KIND AREA PHONE -> $CODE
    local area=() phone=()
    [ -n "$5" ] && area=(--area "$5")
    [ -n "$6" ] && phone=(--phone "$6" --name 王小明)
    step --as disp --at "$1" register --title "$2" --content "$2（详情）" --channel "$3" \
        --kind "$4" "${area[@]}" "${phone[@]}"
    CODE=$OUT
}

# L1 accepted, 投诉 dispatched Mon 2021-03-01 (deadline 03-10), 区住建局 leads, 区城管局 assists.
TITLE1='路灯,"坏了"'
reg 2021-03-01T09:00 "$TITLE1" 12345热线 投诉 宜居 13812345678
L1=$CODE
step --as disp --at 2021-03-01T10:00 dispatch "$L1" --unit 区住建局 --assist 区城管局
step --as zj --at 2021-03-01T11:00 accept "$L1"
# L2 replied in time, 咨询 dispatched 2021-03-02 (deadline 03-05), 区城管局 leads.
step --as disp --at 2021-03-02T09:00 register --title 入学咨询 --content 随迁子女入学 \
    --channel 微信群 --kind 咨询 --area 就学 --phone 13900001111 --name 欧阳娜娜 \
    --id-number 43080219900101123X
L2=$OUT
step --as disp --at 2021-03-02T10:00 dispatch "$L2" --unit 区城管局
step --as cg --at 2021-03-02T11:00 accept "$L2"
step --as cg --at 2021-03-04T11:00 reply "$L2" --text 已答复
# L3 received only.
reg 2021-03-03T09:00 噪音扰民 来访 求助 宜居 ""
L3=$CODE
# L4 replied late, 求助 dispatched 2021-04-06 (after 清明; deadline 04-13), 区住建局 leads.
reg 2021-04-06T09:00 困难家庭求助 12345热线 求助 扶弱 02887654321
L4=$CODE
step --as disp --at 2021-04-06T10:00 dispatch "$L4" --unit 区住建局
step --as zj --at 2021-04-06T11:00 accept "$L4"
step --as zj --at 2021-04-15T11:00 reply "$L4" --text 已协调救助
# L5 dispatched, 建议 dispatched 2021-04-07 (deadline 04-21), 王家镇 leads, 区城管局 assists.
reg 2021-04-07T09:00 建议修缮村道 12345热线 建议 "" ""
L5=$CODE
step --as disp --at 2021-04-07T10:00 dispatch "$L5" --unit 王家镇 --assist 区城管局
# L6 rejected.
reg 2021-05-06T09:00 咨询彩票 信件 投诉 就学 ""
L6=$CODE
step --as disp --at 2021-05-06T10:00 reject "$L6" --reason 不属于受理范围

codes() { # ARGS... -> the codes of `list --format json ARGS...`, space-separated, and total
    ss list --format json "$@"
    if [ "$RC" -ne 0 ]; then
        echo "exit $RC: $ERR"
        return 0
    fi
    printf '%s\n' "$OUT" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(a["code"] for a in d["items"]) + " / total " + str(d["total"]))'
}
list_is() { # DESC "CODES / total N" ARGS...
    local desc=$1 want=$2
    shift 2
    check_eq "list $desc" "$(codes "$@")" "$want"
}

list_is "(all, by received)" "$L1 $L2 $L3 $L4 $L5 $L6 / total 6"
list_is "--status accepted" "$L1 / total 1" --status accepted
list_is "--status 已答复 (Chinese label)" "$L2 $L4 / total 2" --status 已答复
list_is "--status received" "$L3 / total 1" --status received
list_is "--status rejected" "$L6 / total 1" --status rejected
list_is "--unit 区城管局 (lead of L2, assisting L1 and L5)" "$L1 $L2 $L5 / total 3" --unit 区城管局
list_is "--unit 区住建局" "$L1 $L4 / total 2" --unit 区住建局
list_is "--unit 王家镇" "$L5 / total 1" --unit 王家镇
list_is "--unit 区教育局 (none)" " / total 0" --unit 区教育局
list_is "--area 宜居" "$L1 $L3 / total 2" --area 宜居
list_is "--area living (by code)" "$L1 $L3 / total 2" --area living
list_is "--channel 12345热线" "$L1 $L4 $L5 / total 3" --channel 12345热线
list_is "--channel 12345热线 --area 扶弱" "$L4 / total 1" --channel 12345热线 --area 扶弱
# --at moves "now", not the ledger: L4, replied after its deadline, stays overdue.
list_is "--overdue --at 2021-03-09 (only L4, replied late)" "$L4 / total 1" --overdue --at 2021-03-09T12:00
list_is "--overdue --at 2021-04-20 (L1 open past 03-10, L4 replied late)" "$L1 $L4 / total 2" \
    --overdue --at 2021-04-20T12:00
list_is "--overdue --at 2021-04-22 (L5 past 04-21 too)" "$L1 $L4 $L5 / total 3" \
    --at 2021-04-22T00:00 --overdue
list_is "--overdue --unit 区住建局 --at 2021-04-22" "$L1 $L4 / total 2" \
    --overdue --unit 区住建局 --at 2021-04-22T00:00
list_is "--from 2021-03-02 --to 2021-04-06 (inclusive)" "$L2 $L3 $L4 / total 3" \
    --from 2021-03-02 --to 2021-04-06
list_is "--from 2021-04-07" "$L5 $L6 / total 2" --from 2021-04-07
list_is "--to 2021-03-01" "$L1 / total 1" --to 2021-03-01
list_is "--from 2021-06-01 (none)" " / total 0" --from 2021-06-01
list_is "--sort deadline --unit 区城管局" "$L2 $L1 $L5 / total 3" --sort deadline --unit 区城管局
list_is "--sort -deadline --unit 区城管局" "$L5 $L1 $L2 / total 3" --sort -deadline --unit 区城管局
list_is "--sort -received" "$L6 $L5 $L4 $L3 $L2 $L1 / total 6" --sort -received
list_is "--sort code" "$L1 $L2 $L3 $L4 $L5 $L6 / total 6" --sort code
list_is "--limit 2" "$L1 $L2 / total 6" --limit 2
list_is "--limit 2 --offset 1" "$L2 $L3 / total 6" --limit 2 --offset 1
list_is "--limit 2 --offset 5" "$L6 / total 6" --limit 2 --offset 5
list_is "--offset 6 (past the end)" " / total 6" --offset 6
list_is "--sort -received --limit 3 --offset 1 --channel 12345热线" "$L4 $L1 / total 3" \
    --sort -received --limit 3 --offset 1 --channel 12345热线
refuse "--limit -1" nz "limit" -- list --limit -1

# ---- JSON items --------------------------------------------------------------------------
ss list --format json --at 2021-04-20T12:00
printf '%s\n' "$OUT" >"$T/list.json"
check_json "list --format json" "$T/list.json" \
    items.0.code "$L1" items.0.title "$TITLE1" items.0.phone '138****5678' \
    items.0.citizen_name '王**' items.0.lead_unit 区住建局 items.0.assist_units '["区城管局"]' \
    items.0.deadline 2021-03-10T23:59:59+08:00 items.0.overdue true \
    items.1.overdue false items.1.citizen_name '欧***' items.1.id_number '430802********123X' \
    items.1.phone '139****1111' items.3.overdue true items.3.phone '028****4321' \
    items.2.phone null items.4.lead_unit 王家镇 items.5.status rejected
check_not "list json never shows a full phone number" "$OUT" "13812345678"
check_not "list json never shows a full ID number" "$OUT" "43080219900101123X"

# ---- CSV -------------------------------------------------------------------------------
ss list --format csv --at 2021-03-05T12:00
printf '%s' "$OUT" >"$T/list.csv"
HEADER='编号,受理时间,状态,渠道,领域,主办单位,办理期限,超期,电话,标题'
check_eq "csv: starts with the UTF-8 BOM" "$(head -c 3 "$T/list.csv" | od -An -tx1 | tr -d ' ')" "efbbbf"
check_eq "csv: header names the columns" "$(head -n 1 "$T/list.csv" | sed 's/^\xEF\xBB\xBF//; s/\r$//')" "$HEADER"
check_eq "csv: every line ends in CRLF" "$(grep -c $'\r$' "$T/list.csv" || true)" 7
check_eq "csv: L1 row quotes the comma and doubles the quote (RFC 4180)" \
    "$(sed -n 2p "$T/list.csv" | sed 's/\r$//')" \
    "$L1,2021-03-01T09:00,办理中,12345热线,宜居,区住建局,2021-03-10T23:59,,138****5678,\"路灯,\"\"坏了\"\"\""
check_eq "csv: L3 row, no phone and no unit" "$(sed -n 4p "$T/list.csv" | sed 's/\r$//')" \
    "$L3,2021-03-03T09:00,已受理,来访,宜居,,,,,噪音扰民"
check_not "csv never shows a full phone number" "$OUT" "13812345678"
PARSED=$("$PY" -c '
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))
print(len(rows), len(rows[0]), rows[1][9], rows[1][8], sep="|")' "$T/list.csv" 2>&1 || true)
check_eq "csv: a CSV reader gets 7 rows of 10 fields and the title back" "$PARSED" \
    "7|10|$TITLE1|138****5678"
ss list --format csv --status 已受理
check_eq "csv: header only plus one row with a filter" "$(printf '%s\n' "$OUT" | grep -c '')" 2

# ---- table -------------------------------------------------------------------------------
ss list --at 2021-04-20T12:00
printf '%s\n' "$OUT" >"$T/list.txt"
check_match "table: the header row" "$(head -n 1 "$T/list.txt")" \
    '^编号 +受理时间 +状态 +渠道 +领域 +主办单位 +办理期限 +超期 +电话 +标题$'
check_eq "table: header, 6 rows and the count" "$(grep -c '' "$T/list.txt")" 8
check_eq "table: the count line" "$(tail -n 1 "$T/list.txt")" "共 6 条"
check_match "table: L1 row" "$(grep "^$L1" "$T/list.txt")" \
    "^$L1 +2021-03-01T09:00 +办理中 +12345热线 +宜居 +区住建局 +2021-03-10T23:59 +是 +138\\*\\*\\*\\*5678 +路灯,\"坏了\"$"
check_not "table never shows a full phone number" "$OUT" "13812345678"
ss list --status rejected
check_eq "table: filtered count line" "$(printf '%s\n' "$OUT" | tail -n 1)" "共 1 条"

# ---- show masks unless --unmask --------------------------------------------------------
ss show "$L1" --format json
printf '%s\n' "$OUT" >"$T/s.json"
check_json "show masks" "$T/s.json" phone '138****5678' citizen_name '王**'
check_not "show json never shows the full phone" "$OUT" "13812345678"
ss show "$L1"
check_has "show table masks the phone" "$OUT" "电话: 138****5678"
check_not "show table never shows the full phone" "$OUT" "13812345678"
ss show "$L1" --format json --unmask
printf '%s\n' "$OUT" >"$T/su.json"
check_json "show --unmask" "$T/su.json" phone 13812345678 citizen_name 王小明
ss show "$L1" --unmask
check_has "show table --unmask" "$OUT" "电话: 13812345678"

cli_end
