#!/usr/bin/env bash
# test_duplicates.sh -- likely duplicates (疑似重复): a near-copy of a registered appeal is
# returned as its duplicate at registration and by `shishi duplicates`, an unrelated one is
# not; the same caller and the same address are reasons; the window of days holds; a reader
# sees only what it may read; `reindex` rebuilds the sketches from the appeals; the appeals
# that had a 疑似重复 when registered are flagged for the workbench (list --suspect).
# usage: bash tests/cli/test_duplicates.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
setup_org

reg() { # AT PHONE ADDRESS TITLE CONTENT -- the register JSON into $T/reg.json, the code in $CODE
    ss --at "$1" register --channel 12345热线 --kind 投诉 --phone "$2" --address "$3" \
        --title "$4" --content "$5" --format json
    printf '%s\n' "$OUT" >"$T/reg.json"
    CODE=$(json_get "$T/reg.json" code)
}
reg 2026-11-02T09:00 13812345678 幸福小区3号楼 幸福小区3号楼路灯不亮 \
    "幸福小区3号楼前的路灯已坏两周，夜里看不见路，老人出行不便，请尽快维修。"
A=$CODE
check_eq "the first appeal has no duplicates" "$(json_get "$T/reg.json" '#duplicates')" "0"

reg 2026-11-03T10:00 13900001111 "" 幸福小区3号楼路灯不亮 \
    "幸福小区３号楼前的路灯坏了两周，夜里看不见路，老人出行不便，请尽快维修！"
B=$CODE
check_eq "a near-copy by another caller is answered with the original" \
    "$(json_get "$T/reg.json" duplicates.0.code)" "$A"
check_eq "... as 疑似重复" "$(json_get "$T/reg.json" duplicates.0.level)" "疑似重复"
check_eq "... because the text is alike" "$(json_get "$T/reg.json" duplicates.0.reasons.0.label)" "内容相似"
check_match "... with a score of 0.5 or more" "$(json_get "$T/reg.json" duplicates.0.score)" '^(0\.[5-9][0-9]*|1\.0)$'
check_not "no personal data in the duplicates" "$OUT" "13812345678"

reg 2026-11-04T10:00 13700002222 育才路 学校门口早晚高峰拥堵 "家长接送车辆乱停，建议设置临时停车区。"
C=$CODE
check_eq "an unrelated appeal has no duplicates" "$(json_get "$T/reg.json" '#duplicates')" "0"

reg 2026-11-05T10:00 13812345678 "" 小区噪音扰民 "夜间广场舞音响声音太大。"
D=$CODE
check_eq "the same caller on another matter is listed" "$(json_get "$T/reg.json" duplicates.0.code)" "$A"
check_eq "... as 可能相关" "$(json_get "$T/reg.json" duplicates.0.level)" "可能相关"
check_eq "... because of the phone" "$(json_get "$T/reg.json" duplicates.0.reasons.0.code)" "phone"

reg 2027-02-01T10:00 13812345678 幸福小区3号楼 幸福小区3号楼路灯不亮 \
    "幸福小区3号楼前的路灯已坏两周，夜里看不见路，老人出行不便，请尽快维修。"
LATE=$CODE
check_eq "the same text three months later is outside the 30-day window" \
    "$(json_get "$T/reg.json" '#duplicates')" "0"

ss register --channel 12345热线 --kind 投诉 --title 幸福小区3号楼路灯不亮 \
    --content "幸福小区3号楼前的路灯已坏两周，夜里看不见路，老人出行不便，请尽快维修。" --at 2026-11-03T11:00
check_match "a plain registration still prints the code alone (no terminal)" "$OUT" '^YD[0-9]{12}$'
check_eq "... and nothing on stderr" "$ERR" ""
E=$OUT

ss list --suspect --format json
got=$("$PY" -c 'import json,sys; print(" ".join(sorted(a["code"] for a in json.load(sys.stdin)["items"])))' <<<"$OUT")
check_eq "list --suspect: the appeals that had a 疑似重复 at registration (not the first, not the same caller's other matter)" \
    "$got" "$(printf '%s\n' "$B" "$E" | sort | tr '\n' ' ' | sed 's/ $//')"
ss list --suspect --status received --format json
check_has "--suspect combines with the other filters" "$OUT" "\"total\": 2"
check_eq "the flag keeps the best match and its score" \
    "$(dbq "$DB" "SELECT count(*) FROM appeal_suspects WHERE score >= 500")" "2"

ss duplicates "$A" --format json
printf '%s\n' "$OUT" >"$T/dups.json"
check_eq "duplicates lists the window" "$(json_get "$T/dups.json" window_days)" "30"
codes=$("$PY" -c 'import json,sys; print(" ".join(d["code"] for d in json.load(open(sys.argv[1]))["duplicates"]))' "$T/dups.json")
check_eq "duplicates of A: the near-copies first, then the same caller; not C, not the late one" \
    "$codes" "$E $B $D"
ss duplicates "$A"
check_has "the table has its header" "$OUT" "编号"
check_has "the table names the reason" "$OUT" "同一来电号码"
ss duplicates "$C"
check_has "an appeal without duplicates says so" "$OUT" "前后 30 天内没有疑似重复的诉求"
ss duplicates YD209901010001
check_refusal "duplicates of an unknown appeal" 1 "YD209901010001"
ss duplicates
check_refusal "duplicates without a code" 2 "usage"

# Scope: the handler of 区住建局 reads A once dispatched, and B not at all.
expect_ok "dispatch A to 区住建局" --at 2026-11-06T09:00 dispatch "$A" --unit 区住建局
ss --as zj duplicates "$A" --format json
check_eq "a handler sees no duplicate it may not read" "$(printf '%s' "$OUT" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["duplicates"]))')" "0"
ss --as zj duplicates "$B"
check_refusal "a handler may not look at another unit's appeal" 1 "zj"
ss --as audit duplicates "$A" --format json
check_has "the auditor reads every duplicate" "$OUT" "$B"

# The sketches are derived: lost, the text reason is gone; reindex brings it back.
dbq "$DB" "DELETE FROM appeal_bands" >/dev/null
ss duplicates "$B" --format json
check_not "without sketches the near-copy is not found by its text" "$OUT" "\"$A\""
ss --as zj reindex
check_refusal "only an administrator reindexes" 1 "zj"
ss reindex
check_eq "reindex counts the appeals" "$OUT" "reindexed 6 appeals"
ss duplicates "$B" --format json
check_has "after reindex the near-copy is found again" "$OUT" "\"$A\""
check_eq "one band row set per appeal with text" "$(dbq "$DB" "SELECT count(DISTINCT appeal_id) FROM appeal_bands")" "6"
[ -n "$LATE" ] && [ -n "$D" ]
cli_end
