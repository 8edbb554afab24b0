#!/usr/bin/env bash
# test_visit_seal.sh -- a leader's visit (走访) is a record of the one hash chain: sealed by one
# event with the digest of the visit and its problems, so `audit verify` catches a changed
# visit; a database made before visits were sealed (tests/fixtures/pre0012_visits.sql, made by
# the release before migration 0012) has its visits sealed the first time it is opened, and
# passes `audit verify` from then on.
# usage: bash tests/cli/test_visit_seal.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
fixture="$(dirname "$0")/../fixtures/pre0012_visits.sql"

setup_org
echo 'a long password' | "$BIN" --db "$DB" user add --username ld --role leader --password-stdin >/dev/null
echo 'a long password' | "$BIN" --db "$DB" user add --username ld2 --role leader --password-stdin >/dev/null
expect_ok "leader add" leader add --name 王区长 --username ld
expect_ok "a second leader" leader add --name 李区长 --username ld2
expect_ok "enterprise add" enterprise add --name 甲公司 --kind enterprise
expect_ok "link" leader link --leader 王区长 --enterprise 甲公司 --since 2021-01-01
expect_ok "link the second" leader link --leader 李区长 --enterprise 甲公司 --since 2021-01-01
expect_ok "the leader records their own visit" --as ld --at 2021-03-02T10:00 leader visit \
    --leader 王区长 --enterprise 甲公司 --date 2021-03-02 --findings 道路破损
refuse "nor in another leader's name" 1 "may not record visits for leader '李区长'|it is not their own" -- \
    --as ld --at 2021-03-02T10:00 leader visit --leader 李区长 --enterprise 甲公司 --date 2021-03-02
refuse "nor dated after today" 1 "2021-03-05 is after today" -- \
    --as ld --at 2021-03-02T10:00 leader visit --leader 王区长 --enterprise 甲公司 --date 2021-03-05
check_eq "one event of subject visit" "$(dbq "$DB" "SELECT count(*) || ' ' || min(action) FROM events WHERE subject = 'visit'")" "1 record"
ss audit verify
check_has "audit counts the visit" "$OUT" "and 1 visit"
# a changed visit: the trigger refuses it, a determined editor drops it, the audit catches it
dbq "$DB" "UPDATE visits SET findings = '一切正常'" >/dev/null 2>&1 && bad "the trigger refuses an update" "it did not" || ok "the trigger refuses an update"
dbq "$DB" "DROP TRIGGER visits_no_update; UPDATE visits SET findings = '一切正常'" >/dev/null
ss audit verify
check_eq "audit fails on a changed visit (exit 3)" "$RC" 3
check_has "and names it" "$ERR" "visit #1 does not match its history"

# a database from before visits were sealed
OLD="$T/old.db"
sqlite3 "$OLD" <"$fixture"
check_eq "the fixture is at schema 11" "$(sqlite3 "$OLD" 'SELECT max(version) FROM schema_migrations')" 11
check_eq "its visits have no events" "$(sqlite3 "$OLD" "SELECT count(*) FROM events WHERE subject = 'visit'")" 0
run --db "$OLD" audit verify
check_eq "opening it seals its visits: audit ok" "$RC" 0
check_has "both visits counted" "$OUT" "and 2 visits"
check_eq "sealed once, saying so" "$(sqlite3 "$OLD" "SELECT group_concat(action) FROM events WHERE subject = 'visit'")" "seal,seal"
run --db "$OLD" audit verify
check_eq "a second open seals nothing more" "$(sqlite3 "$OLD" "SELECT count(*) FROM events WHERE subject = 'visit'")" 2
cli_end
