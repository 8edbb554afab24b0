#!/usr/bin/env bash
# test_refusals.sh -- illegal actions and bad input are refused cleanly: a non-zero exit
# (1 refused or invalid, 2 usage), exactly one line "shishi: <message>" on stderr naming the
# appeal, its state and the action where they apply, nothing on stdout, and nothing written
# (version and event count of the appeal unchanged; audit still verifies).
# usage: bash tests/cli/test_refusals.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

setup_org

reg() { # AT TITLE KIND -> $CODE
    ss --as disp --at "$1" register --title "$2" --content "$2的详细情况" --channel 12345热线 \
        --kind "$3" --phone 13812345678
    if [ "$RC" -ne 0 ]; then
        bad "register $2" "exit $RC: $ERR"
    fi
    CODE=$OUT
}
step() { # ARGS... (a setup step that must succeed)
    ss "$@"
    if [ "$RC" -ne 0 ]; then
        bad "setup: $*" "exit $RC: $ERR"
    fi
}

# A closed appeal led by 区住建局 (evidence with the reply).
reg 2021-11-01T09:00 已办结的诉求 投诉
CLOSED=$CODE
step --as disp --at 2021-11-01T10:00 dispatch "$CLOSED" --unit 区住建局
step --as zj --at 2021-11-01T11:00 accept "$CLOSED"
step --as zj --at 2021-11-02T11:00 reply "$CLOSED" --text 已处理 --evidence 现场照片.jpg
step --as disp --at 2021-11-03T11:00 visit "$CLOSED" --solved yes --satisfaction 满意
step --as disp --at 2021-11-03T12:00 close "$CLOSED"
# A received appeal.
reg 2021-11-01T09:10 刚受理的诉求 求助
RECV=$CODE
# A dispatched appeal led by 区住建局.
reg 2021-11-01T09:20 已交办的诉求 求助
DISP=$CODE
step --as disp --at 2021-11-01T10:00 dispatch "$DISP" --unit 区住建局
# An accepted 咨询 dispatched 2021-11-01: deadline 2021-11-04 (3 working days).
reg 2021-11-01T09:30 办理中的咨询 咨询
ACC=$CODE
step --as disp --at 2021-11-01T10:00 dispatch "$ACC" --unit 区住建局
step --as zj --at 2021-11-01T11:00 accept "$ACC"
# A visited appeal whose reply carried no evidence.
reg 2021-11-01T09:40 已回访无佐证 求助
VIS=$CODE
step --as disp --at 2021-11-01T10:00 dispatch "$VIS" --unit 区城管局
step --as cg --at 2021-11-01T11:00 accept "$VIS"
step --as cg --at 2021-11-02T11:00 reply "$VIS" --text 已答复
step --as disp --at 2021-11-03T11:00 visit "$VIS" --solved yes --satisfaction 基本满意
# A returned appeal (returned by 区城管局).
reg 2021-11-01T09:50 被退回的诉求 投诉
RET=$CODE
step --as disp --at 2021-11-01T10:00 dispatch "$RET" --unit 区城管局
step --as cg --at 2021-11-01T11:00 return "$RET" --reason 非本单位职责

# ---- illegal (state, action) pairs ------------------------------------------------------
refuse_unchanged "accept a closed appeal" 1 "$CLOSED|closed|accept" "$CLOSED" -- \
    --as zj --at 2021-11-04T09:00 accept "$CLOSED"
refuse_unchanged "reply to a received appeal" 1 "$RECV|received|reply" "$RECV" -- \
    --at 2021-11-04T09:00 reply "$RECV" --text 答复内容
refuse_unchanged "reply to a received appeal as a handler" 1 "$RECV|reply" "$RECV" -- \
    --as zj --at 2021-11-04T09:00 reply "$RECV" --text 答复内容
refuse_unchanged "close without evidence" 1 "$VIS|close|evidence" "$VIS" -- \
    --as disp --at 2021-11-04T09:00 close "$VIS"
refuse_unchanged "dispatch a closed appeal" 1 "$CLOSED|closed|dispatch" "$CLOSED" -- \
    --as disp --at 2021-11-04T09:00 dispatch "$CLOSED" --unit 区城管局
refuse_unchanged "extend after the deadline" 1 "$ACC|deadline|extension" "$ACC" -- \
    --as zj --at 2021-11-05T09:00 extend "$ACC" --days 3 --reason 来不及
refuse_unchanged "visit a dispatched appeal" 1 "$DISP|dispatched|visit" "$DISP" -- \
    --as disp --at 2021-11-04T09:00 visit "$DISP" --solved yes --satisfaction 满意
refuse_unchanged "merge into a closed appeal" 1 "$RECV|$CLOSED|closed|merge" "$RECV" -- \
    --as disp --at 2021-11-04T09:00 merge "$RECV" --into "$CLOSED"
refuse_unchanged "a handler of another unit accepts" 1 "$DISP|accept|cg" "$DISP" -- \
    --as cg --at 2021-11-01T11:00 accept "$DISP"
refuse_unchanged "a handler of another unit accepts (--as after the command)" 1 "$DISP|accept" "$DISP" -- \
    accept "$DISP" --as cg --at 2021-11-01T11:00
refuse_unchanged "reject a dispatched appeal" 1 "$DISP|dispatched|reject" "$DISP" -- \
    --as disp --at 2021-11-04T09:00 reject "$DISP" --reason 重复
refuse_unchanged "urge a closed appeal" 1 "$CLOSED|closed|urge" "$CLOSED" -- \
    --as boss --at 2021-11-04T09:00 urge "$CLOSED"
refuse_unchanged "uphold a dispatched appeal" 1 "$DISP|dispatched|uphold" "$DISP" -- \
    --as disp --at 2021-11-04T09:00 uphold "$DISP" --reason 维持
refuse_unchanged "accept a returned appeal" 1 "$RET|returned|accept" "$RET" -- \
    --as cg --at 2021-11-02T09:00 accept "$RET"
refuse_unchanged "re-dispatch to the unit that returned it" 1 "$RET|改派" "$RET" -- \
    --as disp --at 2021-11-02T09:00 redispatch "$RET" --unit 区城管局
refuse_unchanged "extend-approve without a request" 1 "$ACC|extension" "$ACC" -- \
    --as disp --at 2021-11-02T09:00 extend-approve "$ACC"
refuse_unchanged "reject a visited appeal" 1 "$VIS|visited|reject" "$VIS" -- \
    --as disp --at 2021-11-04T09:00 reject "$VIS" --reason 不予受理
refuse_unchanged "a leader dispatches" 1 "$RECV|leader|dispatch" "$RECV" -- \
    --as boss --at 2021-11-04T09:00 dispatch "$RECV" --unit 区住建局
refuse_unchanged "an auditor urges" 1 "$DISP|auditor|urge" "$DISP" -- \
    --as audit --at 2021-11-04T09:00 urge "$DISP"
refuse_unchanged "a dispatcher signs for the unit" 1 "$DISP|dispatcher|accept" "$DISP" -- \
    --as disp --at 2021-11-04T09:00 accept "$DISP"
refuse_unchanged "a stale --version" 1 "$DISP|version" "$DISP" -- \
    --as zj --at 2021-11-02T09:00 accept "$DISP" --version 1
refuse_unchanged "merge into itself" 1 "$RECV|itself" "$RECV" -- \
    --as disp --at 2021-11-04T09:00 merge "$RECV" --into "$RECV"
refuse_unchanged "an action dated before the appeal was received" 1 "$DISP|before" "$DISP" -- \
    --as zj --at 2021-10-01T09:00 accept "$DISP"
refuse_unchanged "dispatch without a lead unit" 1 "$RECV|unit" "$RECV" -- \
    --as disp --at 2021-11-04T09:00 dispatch "$RECV"
refuse_unchanged "dispatch to an unknown unit" 1 "'不存在局'" "$RECV" -- \
    --as disp --at 2021-11-04T09:00 dispatch "$RECV" --unit 不存在局
refuse_unchanged "dispatch with an unknown assisting unit" 1 "'无名办'" "$RECV" -- \
    --as disp --at 2021-11-04T09:00 dispatch "$RECV" --unit 区住建局 --assist 无名办
refuse_unchanged "lead unit also assisting" 1 "assisting" "$RECV" -- \
    --as disp --at 2021-11-04T09:00 dispatch "$RECV" --unit 区住建局 --assist 区住建局
refuse_unchanged "visit with --solved maybe" 1 "'maybe'" "$VIS" -- \
    --as disp --at 2021-11-04T09:00 visit "$VIS" --solved maybe --satisfaction 满意
refuse_unchanged "extend --days abc" nz "'abc'|days" "$ACC" -- \
    --as zj --at 2021-11-02T09:00 extend "$ACC" --days abc --reason x
refuse_unchanged "return without a reason" 1 "$DISP|reason" "$DISP" -- \
    --as zj --at 2021-11-02T09:00 return "$DISP"
refuse_unchanged "act as an unknown user" 1 "'nobody'" "$DISP" -- \
    --as nobody --at 2021-11-02T09:00 accept "$DISP"
reg 2030-01-02T09:00 没有日历的年份 投诉
Y2030=$CODE
refuse_unchanged "dispatch in a year without a working-day calendar" 1 "2030" "$Y2030" -- \
    --as disp --at 2030-01-02T10:00 dispatch "$Y2030" --unit 区住建局
run workday add 2027-12-30 5
check_refusal "workday add into a year without a calendar" 1 "2028"
refuse "an unknown appeal code" 1 "'YD209901010001'" -- --as zj accept YD209901010001
refuse_unchanged "an action with a bad --at date" nz "'2021-02-30'" "$DISP" -- \
    --as zj --at 2021-02-30 accept "$DISP"
refuse_unchanged "an action with a bad --at after the command" nz "'2021-02-30'" "$DISP" -- \
    accept "$DISP" --as zj --at 2021-02-30

# ---- usage and bad input ---------------------------------------------------------------
refuse "unknown command" 2 "'frobnicate'" -- frobnicate
refuse "unknown option after the command" 2 "'--colour'|list" -- list --colour red
refuse "unknown global option" 2 "'--verbose'" -- --verbose list
refuse "option without its value" 2 "'--status'" -- list --status
refuse "the same option twice" 2 "'--unit'" -- --as disp dispatch "$RECV" --unit 区住建局 --unit 区城管局
run --help
check_eq "--help: exit 0, nothing on stderr" "$RC:$ERR" "0:"
check_has "--help: usage on stdout" "$OUT" "usage: shishi [--db FILE]"
run --db "$DB"
check_eq "no command: exit 2" "$RC" 2
check_eq "no command: nothing on stdout" "$OUT" ""
check_has "no command: usage on stderr" "$ERR" "usage: shishi"
run list
check_refusal "no --db" nz "--db"

MISSING=$T/missing/ledger-nope.db
mkdir -p "$T/missing"
run --db "$MISSING" list
check_refusal "list on a missing --db file" 1 "$MISSING|does not exist"
run --db "$MISSING" --as zj accept "$DISP"
check_refusal "an action on a missing --db file" 1 "$MISSING"
run --db "$MISSING" report --from 2021-01-01 --to 2021-12-31
check_refusal "report on a missing --db file" 1 "$MISSING"
check_eq "the missing database file is not created" "$(ls -A "$T/missing")" ""

ss list --format json
printf '%s\n' "$OUT" >"$T/before.json"
TOTAL_BEFORE=$(json_get "$T/before.json" total || echo "?")
refuse "bad date --at 2021-02-30 before the command" nz "'2021-02-30'" -- \
    --as disp --at 2021-02-30 register --title 标题 --content 内容 --channel 来访 --kind 咨询
refuse "bad date --at 2021-02-30 after the command" nz "'2021-02-30'" -- \
    register --title 标题 --content 内容 --channel 来访 --kind 咨询 --as disp --at 2021-02-30
refuse "bad --at time 2021-11-01T25:00" nz "'2021-11-01T25:00'" -- \
    --as disp --at 2021-11-01T25:00 register --title 标题 --content 内容 --channel 来访 --kind 咨询
refuse "bad date list --from 2021-13-01" nz "'2021-13-01'" -- list --from 2021-13-01
refuse "unknown channel" 1 "'无此渠道'" -- \
    --as disp --at 2021-11-05T09:00 register --title 标题 --content 内容 --channel 无此渠道 --kind 咨询
refuse "unknown area" 1 "'无此领域'" -- \
    --as disp --at 2021-11-05T09:00 register --title 标题 --content 内容 --channel 来访 --area 无此领域 --kind 咨询
refuse "unknown kind" 1 "'抱怨'" -- \
    --as disp --at 2021-11-05T09:00 register --title 标题 --content 内容 --channel 来访 --kind 抱怨
refuse "register without --kind" nz "kind" -- \
    --as disp --at 2021-11-05T09:00 register --title 标题 --content 内容 --channel 来访
refuse "register without --title" 1 "title" -- \
    --as disp --at 2021-11-05T09:00 register --content 内容 --channel 来访 --kind 咨询
refuse "unknown unit in list --unit" 1 "'不存在局'" -- list --unit 不存在局
refuse "unknown area in list --area" 1 "'无此领域'" -- list --area 无此领域
refuse "unknown channel in list --channel" 1 "'无此渠道'" -- list --channel 无此渠道
refuse "unknown status in list --status" 1 "'finished'" -- list --status finished
refuse "unknown sort key" 1 "'title'" -- list --sort title
refuse "list --format xml" nz "'xml'|--format" -- list --format xml
refuse "show --format xml" nz "'xml'" -- show "$DISP" --format xml
refuse "report --format xml" nz "'xml'" -- report --from 2021-01-01 --to 2021-12-31 --format xml
refuse "show an unknown code" 1 "'YD209901010001'" -- show YD209901010001
T201=$(printf '长%.0s' $(seq 201))
T200=$(printf '长%.0s' $(seq 200))
refuse "a title of 201 characters" 1 "title|200" -- \
    --as disp --at 2021-11-05T09:00 register --title "$T201" --content 内容 --channel 来访 --kind 咨询
refuse "invalid phone 1381234abcd" 1 "'1381234abcd'|phone" -- \
    --as disp --at 2021-11-05T09:00 register --title 标题 --content 内容 --channel 来访 --kind 咨询 --phone 1381234abcd
refuse "phone with too few digits" 1 "'12345'|phone" -- \
    --as disp --at 2021-11-05T09:00 register --title 标题 --content 内容 --channel 来访 --kind 咨询 --phone 12345
refuse "invalid ID number" 1 "ID number" -- \
    --as disp --at 2021-11-05T09:00 register --title 标题 --content 内容 --channel 来访 --kind 咨询 --id-number 12345
refuse "a handler may not register" 1 "handler|register" -- \
    --as zj --at 2021-11-05T09:00 register --title 标题 --content 内容 --channel 来访 --kind 咨询
ss list --format json
printf '%s\n' "$OUT" >"$T/after.json"
check_eq "refused registrations wrote no appeal" "$(json_get "$T/after.json" total)" "$TOTAL_BEFORE"
expect_ok "a title of exactly 200 characters is accepted" \
    --as disp --at 2021-11-05T09:00 register --title "$T200" --content 内容 --channel 来访 --kind 咨询
check_eq "the refused registrations used up no code number" "$OUT" YD202111050001

refuse "user add: password too short" 1 "password" -- \
    user add --username shorty --role handler --unit 区住建局 --password-stdin <<<"short"
refuse "user add: handler without a unit" 1 "unit" -- user add --username nounit --role handler
refuse "user add: unknown role" 1 "role" -- user add --username who --role 国王
refuse "user add: duplicate username" 1 "'zj'" -- user add --username zj --role leader
refuse "unit add: village not under a town" 1 "'孤村'" -- \
    unit add --name 孤村 --kind village --parent 区住建局
refuse "unit add: unknown parent" 1 "'不存在局'" -- unit add --name 新科室 --kind department --parent 不存在局
refuse "unit add: duplicate name" 1 "'区住建局'" -- unit add --name 区住建局 --kind department

expect_ok "audit verify: the refusals wrote nothing that breaks the chain" audit verify
check_has "audit verify says ok" "$OUT" "audit ok"

cli_end
