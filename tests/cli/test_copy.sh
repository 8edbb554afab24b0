#!/usr/bin/env bash
# test_copy.sh -- `copy --from SRC --to DST` moves a whole site: the demo copied SQLite to
# SQLite and, when SHISHI_TEST_DB_URL names an empty PostgreSQL database, SQLite to
# PostgreSQL and back to SQLite. Every copy has the same row counts, the same chain head,
# passes audit verify and gives the same report and the same appeals. A destination that is
# not empty, and a source that does not exist, are refused and left as they were.
# usage: bash tests/cli/test_copy.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

if ! command -v sqlite3 >/dev/null 2>&1; then
    bad "the sqlite3 command-line tool is missing" "install it with scripts/setup.sh (Debian package sqlite3)"
    cli_end
    exit 1
fi

TABLES="units users areas channels settings counters time_limits calendar_years calendar_days
appeals appeal_units events chain_head sessions login_failures rate_windows"
SRC=$T/src.db
PGURL=${SHISHI_TEST_DB_URL:-}

counts() { # FILE: "table=rows ..." of a SQLite file
    local t out=""
    for t in $TABLES; do
        out="$out $t=$(sqlite3 "$1" "SELECT count(*) FROM $t")"
    done
    echo "$out"
}

run --db "$SRC" demo
check_eq "demo loads into the source file" "$RC" 0
EVENTS=$(sqlite3 "$SRC" 'SELECT count(*) FROM events')
HEAD=$(sqlite3 "$SRC" 'SELECT last_id, hash, count FROM chain_head')
SRC_COUNTS=$(counts "$SRC")
# a few appeals: the first, one in the middle, the last, a merged one, one with assisting units
CODES=$(sqlite3 "$SRC" "SELECT code FROM appeals WHERE id IN ((SELECT min(id) FROM appeals),
    (SELECT id FROM appeals ORDER BY id LIMIT 1 OFFSET 1000), (SELECT max(id) FROM appeals),
    (SELECT min(id) FROM appeals WHERE merged_into IS NOT NULL),
    (SELECT appeal_id FROM appeal_units WHERE role = 'assist' GROUP BY appeal_id
     HAVING count(*) > 1 ORDER BY appeal_id LIMIT 1)) ORDER BY id")
check_match "the demo has $EVENTS events" "$EVENTS" '^[1-9][0-9]+$'

REPORT_ARGS=(report --at 2022-06-30T12:00 --from 2021-01-01 --to 2021-12-31 --format json)
run --db "$SRC" "${REPORT_ARGS[@]}"
printf '%s\n' "$OUT" >"$T/report.src"
for c in $CODES; do
    run --db "$SRC" show "$c" --format json
    printf '%s\n' "$OUT" >"$T/show.$c.src"
done

# Everything a copy must reproduce, checked on database $1 (named $2 in messages).
same_site() { # DB NAME
    local db=$1 name=$2 c
    run --db "$db" audit verify
    local want
    want="audit ok: $EVENTS events chained, $(sqlite3 "$SRC" 'SELECT count(*) FROM appeals') appeals match their history"
    want="$want$(sqlite3 "$SRC" "SELECT CASE WHEN p + t + v + w > 0 THEN ', and so do ' || p || ' project' || iif(p = 1, '', 's') || ', ' || t || ' list item' || iif(t = 1, '', 's') || iif(w > 0, ', ', ' and ') || v || ' vote session' || iif(v = 1, '', 's') || iif(w > 0, ' and ' || w || ' visit' || iif(w = 1, '', 's'), '') ELSE '' END FROM (SELECT (SELECT count(*) FROM projects) p, (SELECT count(*) FROM task_items) t, (SELECT count(*) FROM vote_sessions) v, (SELECT count(*) FROM visits) w)")"
    check_eq "$name: audit verify" "$OUT" "$want"
    run --db "$db" "${REPORT_ARGS[@]}"
    printf '%s\n' "$OUT" >"$T/report.$name"
    if [ "$RC" -eq 0 ] && cmp -s "$T/report.src" "$T/report.$name"; then
        ok "$name: the 2021 report is identical"
    else
        bad "$name: the 2021 report is identical" "exit $RC: $(diff "$T/report.src" "$T/report.$name" | head -5)"
    fi
    for c in $CODES; do
        run --db "$db" show "$c" --format json
        printf '%s\n' "$OUT" >"$T/show.$c.$name"
        if [ "$RC" -eq 0 ] && cmp -s "$T/show.$c.src" "$T/show.$c.$name"; then
            ok "$name: show $c is identical"
        else
            bad "$name: show $c is identical" "exit $RC: $(diff "$T/show.$c.src" "$T/show.$c.$name" | head -5)"
        fi
    done
}

# ---- SQLite to SQLite --------------------------------------------------------------------
run copy --from "$SRC" --to "$T/b.db"
check_eq "copy to a new SQLite file: exit 0" "$RC" 0
check_eq "copy to a new SQLite file: nothing on stderr" "$ERR" ""
check_has "copy reports the events chained" "$OUT" "copy ok: $EVENTS events chained"
check_has "copy prints the table of rows" "$OUT" "appeal_units"
check_eq "b.db: every table has the source's row count" "$(counts "$T/b.db")" "$SRC_COUNTS"
check_eq "b.db: chain head identical" "$(sqlite3 "$T/b.db" 'SELECT last_id, hash, count FROM chain_head')" "$HEAD"
check_eq "b.db: assisting units in the same order" \
    "$(sqlite3 "$T/b.db" 'SELECT group_concat(appeal_id || role || unit_id) FROM (SELECT * FROM appeal_units ORDER BY rowid)' | md5sum)" \
    "$(sqlite3 "$SRC" 'SELECT group_concat(appeal_id || role || unit_id) FROM (SELECT * FROM appeal_units ORDER BY rowid)' | md5sum)"
same_site "$T/b.db" b.db

# ---- refusals --------------------------------------------------------------------------------
before=$(counts "$T/b.db")
run copy --from "$SRC" --to "$T/b.db"
check_refusal "copy into a non-empty destination" 1 "b.db|not empty"
check_eq "the non-empty destination is unchanged" "$(counts "$T/b.db")" "$before"
run copy --from "$T/nope.db" --to "$T/d.db"
check_refusal "copy from a file that does not exist" 1 "nope.db|does not exist"
if [ ! -e "$T/nope.db" ] && [ ! -e "$T/d.db" ]; then
    ok "the unknown source (and the destination) were not created"
else
    bad "the unknown source (and the destination) were not created" "$(ls "$T")"
fi
run copy --from "$SRC" --to "$SRC"
check_refusal "copy onto itself" 1 "same database"
check_eq "the source is unchanged" "$(counts "$SRC")" "$SRC_COUNTS"

# ---- SQLite to PostgreSQL and back ------------------------------------------------------------
if [ -n "$PGURL" ]; then
    run copy --from "$SRC" --to "$PGURL"
    check_eq "copy to PostgreSQL: exit 0" "$RC" 0
    check_eq "copy to PostgreSQL: nothing on stderr" "$ERR" ""
    check_has "copy to PostgreSQL reports the events chained" "$OUT" "copy ok: $EVENTS events chained"
    same_site "$PGURL" pg
    run copy --from "$T/b.db" --to "$PGURL"
    check_refusal "copy into the non-empty PostgreSQL database" 1 "not empty|units"
    run copy --from "$PGURL" --to "$T/c.db"
    check_eq "copy PostgreSQL to a new SQLite file: exit 0" "$RC" 0
    check_eq "c.db: every table has the source's row count" "$(counts "$T/c.db")" "$SRC_COUNTS"
    check_eq "c.db: chain head identical" "$(sqlite3 "$T/c.db" 'SELECT last_id, hash, count FROM chain_head')" "$HEAD"
    check_eq "c.db: assisting units in the same order" \
        "$(sqlite3 "$T/c.db" 'SELECT group_concat(appeal_id || role || unit_id) FROM (SELECT * FROM appeal_units ORDER BY rowid)' | md5sum)" \
        "$(sqlite3 "$SRC" 'SELECT group_concat(appeal_id || role || unit_id) FROM (SELECT * FROM appeal_units ORDER BY rowid)' | md5sum)"
    same_site "$T/c.db" c.db
    # The copy lives on: new rows take ids past the copied ones.
    run --db "$PGURL" unit add --name 新设单位 --kind department
    check_eq "PostgreSQL copy: a new unit can be added (identities moved past the copy)" "$RC" 0
    run --db "$PGURL" audit verify
    check_has "PostgreSQL copy: audit verify after a new write" "$OUT" "audit ok"
else
    echo "# SHISHI_TEST_DB_URL not set: the PostgreSQL legs are skipped (ctest pg/cli_test_copy runs them)"
fi

cli_end
