#!/usr/bin/env bash
# test_merge_cycle.sh -- a merge (并单) never leaves an appeal unhandled (issue 16, item 1):
#   * A into B and B into A at the same moment: never both (the merge locks both rows, in id
#     order, before it reads its target's state; on PostgreSQL under READ COMMITTED the two
#     used to pass together, each having read the other still open);
#   * an appeal others joined cannot be rejected or merged on: they would stay merged into
#     an appeal nobody handles. It is handled itself, and they follow it; a merge into Y and
#     the rejection of Y at once never both pass either.
# Runs on SQLite, and on PostgreSQL through tests/pg/run_test.sh.
# usage: bash tests/cli/test_merge_cycle.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
setup_org
reg() { ss register --title 路灯不亮 --content 永定路路灯不亮 --channel 12345热线 --kind 投诉 --phone 13812345678; echo "$OUT"; }

A=$(reg)
B=$(reg)
C=$(reg)
expect_ok "merge A into B" merge "$A" --into "$B"
refuse_unchanged "B, which A joined, cannot be rejected" 1 "1 appeal is merged (并单) into it" "$B" -- \
    reject "$B" --reason 不属于受理范围
refuse_unchanged "nor merged on into C" 1 "cannot merge (并单) appeal" "$B" -- \
    merge "$B" --into "$C"
expect_ok "B is dispatched and handled as before" dispatch "$B" --unit 区住建局

# The race: each round two fresh appeals, merged into each other by two processes at once.
rounds=12
both=0
one=0
for i in $(seq 1 "$rounds"); do
    X=$(reg)
    Y=$(reg)
    rx=0
    ry=0
    "$BIN" --db "$DB" merge "$X" --into "$Y" >/dev/null 2>"$T/x.err" &
    px=$!
    "$BIN" --db "$DB" merge "$Y" --into "$X" >/dev/null 2>"$T/y.err" &
    py=$!
    wait "$px" || rx=$?
    wait "$py" || ry=$?
    if [ "$rx" -eq 0 ] && [ "$ry" -eq 0 ]; then
        both=$((both + 1))
    elif [ "$rx" -eq 0 ] || [ "$ry" -eq 0 ]; then
        one=$((one + 1))
    fi
done
check_eq "no round merged two appeals into each other" "$both" 0
check_eq "every round merged exactly one of the two" "$one" "$rounds"
# The same for a merge into Y and the rejection of Y at once: never both (Y rejected with an
# appeal merged into it, which nobody would handle).
orphans=0
for i in $(seq 1 "$rounds"); do
    X=$(reg)
    Y=$(reg)
    rx=0
    ry=0
    "$BIN" --db "$DB" merge "$X" --into "$Y" >/dev/null 2>"$T/x.err" &
    px=$!
    "$BIN" --db "$DB" reject "$Y" --reason 不属于受理范围 >/dev/null 2>"$T/y.err" &
    py=$!
    wait "$px" || rx=$?
    wait "$py" || ry=$?
    if [ "$rx" -eq 0 ] && [ "$ry" -eq 0 ]; then
        orphans=$((orphans + 1))
    fi
done
check_eq "no round both merged into an appeal and rejected it" "$orphans" 0
cycles=$(dbq "$DB" "SELECT count(*) FROM appeals a JOIN appeals b ON b.id = a.merged_into
                    WHERE b.merged_into = a.id")
check_eq "no cycle in the ledger" "$cycles" 0
ss audit verify
check_eq "audit verify passes" "$RC" 0
cli_end
