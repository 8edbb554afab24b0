#!/usr/bin/env bash
# test_calendar_provisional.sh -- a year whose holiday notice is not out yet (2027 here) still
# takes deadlines: data/holidays/2027.txt holds its statutory holidays, the calendar lists
# the year as provisional, and every answer or deadline that lands in it says so.
# usage: bash tests/cli/test_calendar_provisional.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
setup_org

ss calendar years
check_has "calendar years lists 2026 from its notice" "$OUT" "2026 official 国务院通知"
check_has "calendar years lists 2027 as provisional" "$OUT" "2027 provisional 暂定"

ss workday add 2026-12-30 2
check_eq "two working days after 2026-12-30 skip 元旦 2027 (a Friday)" "$OUT" "2027-01-04"
check_has "the answer into 2027 is flagged on stderr" "$ERR" "按法定节假日暂定计算"
ss workday add 2026-12-01 2
check_eq "an answer inside 2026" "$OUT" "2026-12-03"
check_eq "an answer inside 2026 carries no warning" "$ERR" ""
ss workday is 2027-02-09
check_has "初一 on a Saturday is made up on Tuesday 9 February (补假)" "$OUT" "holiday 休息日 春节补假"
ss calendar set-weekends 2027
check_refusal "a provisional year cannot be switched to weekends-only" 1 "2027|provisional"

reg() { # AT -- registers and dispatches; prints the code
    ss --at "$1" register --title 路灯不亮 --content 永定路路灯不亮 --channel 12345热线 --kind 投诉
    local code=$OUT
    ss --at "$1" dispatch "$code" --unit 区住建局
    echo "$code"
}
LATE=$(reg 2026-12-29T09:00)
show_json "$LATE" "$T/late.json"
check_match "a dispatch on 2026-12-29 gets a deadline in 2027" "$(json_get "$T/late.json" deadline)" "^2027-"
check_eq "that deadline is marked provisional" "$(json_get "$T/late.json" deadline_provisional)" "true"
EARLY=$(reg 2026-11-02T09:00)
show_json "$EARLY" "$T/early.json"
check_match "a dispatch on 2026-11-02 gets a deadline in 2026" "$(json_get "$T/early.json" deadline)" "^2026-"
check_eq "that deadline is not provisional" "$(json_get "$T/early.json" deadline_provisional)" "false"
ss workday add 2027-12-30 2
check_refusal "2028 has no calendar at all" 1 "year 2028"
cli_end
