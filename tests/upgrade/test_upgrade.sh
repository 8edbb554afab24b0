#!/usr/bin/env bash
# test_upgrade.sh -- a ledger made before the store was rewritten upgrades in place.
# The fixtures beside this script were written by make_fixture.sh with the shishi of commit
# a0de11d (two migration trees, two backends written out in full): v11.sqlite.sql (SQLite, as
# `sqlite3 .dump` wrote it) and
# v11.pg.sql (pg_dump of the same ledger on PostgreSQL). With SHISHI_TEST_DB_URL set (by
# tests/pg/run_test.sh) the dump is loaded into that database; else the file is copied.
# usage: bash tests/upgrade/test_upgrade.sh /path/to/shishi
set -euo pipefail
S=$1
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/shishi-upgrade.XXXXXX)
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $1: $2"; }
has() { case "$2" in *"$3"*) ok "$1" ;; *) bad "$1" "'$3' not in: $2" ;; esac; }

if [ -n "${SHISHI_TEST_DB_URL:-}" ]; then
    DB=$SHISHI_TEST_DB_URL
    psql=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
    [ -x "$psql" ] || psql=psql
    "$psql" -X -q -v ON_ERROR_STOP=1 "$DB" -f "$here/v11.pg.sql" >/dev/null
    ok "the old PostgreSQL ledger is loaded"
else
    DB=$T/v11.db
    sqlite3 "$DB" <"$here/v11.sqlite.sql"
fi
ss() { "$S" --db "$DB" "$@"; }

out=$(ss init 2>&1) || { bad "init upgrades the old ledger" "$out"; exit 1; }
ok "init upgrades the old ledger"
out=$(ss init 2>&1) && ok "a second init is a no-op" || bad "a second init" "$out"
has "the chain of the old ledger verifies" "$(ss audit verify 2>&1)" "9 events chained, 2 appeals"
A=YD202111010001
B=YD202111080001
js=$(ss show "$A" --format json --unmask)
has "the closed appeal reads back: title" "$js" '"title": "路灯不亮"'
has "the closed appeal reads back: state" "$js" '"status": "closed"'
has "the closed appeal reads back: caller" "$js" "13812345678"
has "the urged appeal reads back" "$(ss show "$B" --format json)" '"urge_count": 1'
has "units survive" "$(ss unit list --format json)" "区住建局"
has "users survive" "$(ss user list --format json)" '"username": "zj"'
C=$(ss --as disp --at 2021-11-10T09:00 register --title 噪音扰民 --content 夜间施工噪音 \
    --channel 12345热线 --kind 投诉)
has "a new appeal continues the day's numbering" "$C" "YD20211110"
ss --as disp --at 2021-11-10T10:00 dispatch "$C" --unit 区城管局 >/dev/null
has "crossing 0015 sketched the old appeals: a near-copy finds the old one" \
    "$(ss --at 2021-11-10T11:00 register --title 路灯不亮 --content "$(ss show "$A" --format json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["content"])')" --channel 12345热线 \
        --kind 投诉 --format json)" "\"code\": \"$A\""
v=$(ss audit verify 2>&1)
has "the chain goes on from the old head" "$v" "13 events chained, 4 appeals"
has "... with the full view of show --unmask sealed as a disclosure" "$v" "1 full view of personal data"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
