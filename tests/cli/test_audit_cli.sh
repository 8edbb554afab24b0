#!/usr/bin/env bash
# test_audit_cli.sh -- `audit verify` recomputes the event chain: ok on a fresh and on a
# busy ledger; after the database file is edited behind the program's back with the
# sqlite3 command-line tool (triggers dropped first) it fails and names the event.
# usage: bash tests/cli/test_audit_cli.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

if ! command -v sqlite3 >/dev/null 2>&1; then
    bad "the sqlite3 command-line tool is missing" "install it with scripts/setup.sh (Debian package sqlite3)"
    cli_end
    exit 1
fi

# ---- a fresh ledger ------------------------------------------------------------------------
expect_ok "init" init
expect_ok "audit verify on a fresh ledger" audit verify
check_eq "fresh ledger: audit ok" "$OUT" "audit ok: 0 events chained, 0 appeals match their history"
expect_ok "audit verify --format json on a fresh ledger" audit verify --format json
printf '%s\n' "$OUT" >"$T/a0.json"
check_json "fresh ledger json" "$T/a0.json" ok true events 0 appeals 0

# ---- some history --------------------------------------------------------------------------
expect_ok "unit add" unit add --name 区住建局 --kind department
expect_ok "user add dispatcher" user add --username disp --role dispatcher
expect_ok "user add handler" user add --username zj --role handler --unit 区住建局
step() {
    ss "$@"
    if [ "$RC" -ne 0 ]; then
        bad "setup: $*" "exit $RC: $ERR"
    fi
}
step --as disp --at 2021-11-01T09:00 register --title 路灯不亮 --content 永定路路灯 --channel 12345热线 --kind 投诉
A=$OUT
step --as disp --at 2021-11-01T09:30 register --title 噪音扰民 --content 夜间施工 --channel 微信群 --kind 举报
B=$OUT
step --as disp --at 2021-11-01T10:00 dispatch "$A" --unit 区住建局             # event 3
step --as zj --at 2021-11-01T11:00 accept "$A"                                  # event 4
step --as disp --at 2021-11-01T12:00 dispatch "$B" --unit 区住建局             # event 5
step --as zj --at 2021-11-02T11:00 reply "$A" --text 已修复 --evidence 照片.jpg # event 6
step --as disp --at 2021-11-03T11:00 visit "$A" --solved yes --satisfaction 满意 # event 7
step --as disp --at 2021-11-03T12:00 close "$A"                                  # event 8
expect_ok "audit verify on a ledger with history" audit verify
check_eq "audit ok with 8 events" "$OUT" "audit ok: 8 events chained, 2 appeals match their history"
check_eq "events table holds 8 rows" "$(sqlite3 "$DB" 'SELECT count(*), max(id) FROM events')" "8|8"
check_eq "chain head is at event 8" "$(sqlite3 "$DB" 'SELECT last_id, count FROM chain_head')" "8|8"

# The append-only triggers stop casual edits.
RC=0
sqlite3 "$DB" "UPDATE events SET details = '{}' WHERE id = 3" >"$T/sq.out" 2>&1 || RC=$?
if [ "$RC" -ne 0 ] && grep -q "append-only" "$T/sq.out"; then
    ok "UPDATE of an event is refused by the trigger"
else
    bad "UPDATE of an event is refused by the trigger" "sqlite3 exit $RC: $(cat "$T/sq.out")"
fi
RC=0
sqlite3 "$DB" "DELETE FROM events WHERE id = 8" >"$T/sq.out" 2>&1 || RC=$?
if [ "$RC" -ne 0 ] && grep -q "append-only" "$T/sq.out"; then
    ok "DELETE of an event is refused by the trigger"
else
    bad "DELETE of an event is refused by the trigger" "sqlite3 exit $RC: $(cat "$T/sq.out")"
fi
expect_ok "audit still ok after the refused edits" audit verify

# sqlite3 FILE SQL, counting a failure (and going on) when the tool refuses.
sq() {
    local rc=0
    sqlite3 "$1" "$2" >"$T/sq.out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ]; then
        bad "sqlite3 $1: $2" "exit $rc: $(cat "$T/sq.out")"
    fi
}
# Each tampering is done on its own copy of the ledger.
copy() { # NAME -> $COPY
    COPY=$T/$1.db
    sq "$DB" ".backup '$COPY'"
}
verify_fails() { # DESC FILE NEEDLE JSON_BAD_EVENT
    local desc=$1 file=$2 needle=$3 bad_event=$4
    run --db "$file" audit verify
    if [ "$RC" -ne 0 ]; then
        ok "$desc: audit verify exits non-zero ($RC)"
    else
        bad "$desc: audit verify exits non-zero" "exit 0: $OUT"
    fi
    check_eq "$desc: nothing on stdout (the failure is the one stderr line)" "$OUT" ""
    check_eq "$desc: one stderr line" "$(printf '%s\n' "$ERR" | grep -c '')" 1
    check_match "$desc: stderr 'shishi: audit failed: ...' names $needle" "$ERR" \
        "^shishi: audit failed: .*$needle"
    run --db "$file" audit verify --format json
    printf '%s\n' "$OUT" >"$T/v.json"
    check_json "$desc (json)" "$T/v.json" ok false bad_event "$bad_event"
}

# 1. an event's details rewritten
copy altered
sq "$COPY" "DROP TRIGGER events_no_update; UPDATE events SET details = '{\"unit_id\":99}' WHERE id = 5;"
check_eq "tamper: event 5 details were rewritten" "$(sqlite3 "$COPY" 'SELECT details FROM events WHERE id = 5')" '{"unit_id":99}'
verify_fails "event 5 altered" "$COPY" "event 5" 5

# 2. an event's actor rewritten (not its details)
copy actor
sq "$COPY" "DROP TRIGGER events_no_update; UPDATE events SET actor = 'someone' WHERE id = 4;"
verify_fails "event 4 actor altered" "$COPY" "event 4" 4

# 3. the last event deleted
copy deleted
sq "$COPY" "DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = (SELECT max(id) FROM events);"
check_eq "tamper: 7 events left" "$(sqlite3 "$COPY" 'SELECT count(*) FROM events')" 7
verify_fails "last event (8) deleted" "$COPY" "8" 8

# 4. the last event deleted and the chain head moved back with it: the appeal row still
#    says closed after 8 events, its history now ends at 7.
copy head
sq "$COPY" "DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = 8;
    UPDATE chain_head SET last_id = 7, count = 7,
        hash = (SELECT hash FROM events WHERE id = 7);"
run --db "$COPY" audit verify
if [ "$RC" -ne 0 ]; then
    ok "last event and head rolled back: audit verify exits non-zero ($RC)"
else
    bad "last event and head rolled back: audit verify exits non-zero" "exit 0: $OUT"
fi
check_has "last event and head rolled back: names appeal $A" "$ERR" "$A"

# 5. an event in the middle deleted
copy middle
sq "$COPY" "DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = 4;"
verify_fails "event 4 deleted from the middle" "$COPY" "event 5" 5

# 6. the appeal row (a cache of its events) changed
copy row
sq "$COPY" "UPDATE appeals SET state = 6 WHERE code = '$B';"
run --db "$COPY" audit verify
if [ "$RC" -ne 0 ]; then
    ok "appeal row altered: audit verify exits non-zero ($RC)"
else
    bad "appeal row altered: audit verify exits non-zero" "exit 0: $OUT"
fi
check_has "appeal row altered: names appeal $B" "$ERR" "$B"
check_has "appeal row altered: stderr names appeal $B" "$ERR" "$B"

# The untouched ledger still verifies.
expect_ok "the original ledger still verifies" audit verify
check_has "original: audit ok" "$OUT" "audit ok"

cli_end
