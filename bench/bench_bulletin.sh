#!/usr/bin/env bash
# bench_bulletin.sh -- `shishi bulletin` over a year of 1,000,000 appeals against, in the same
# run, the bare SQL aggregate that computes the same counts in the sqlite3 shell; prints both
# times and the ratio. Not part of the test run (ctest never runs bench/).
#
#   bash bench/bench_bulletin.sh [--appeals M] [--runs N] [--formats LIST] [--month YYYY-MM]
#                                [--dir DIR] [--keep] [--db FILE]
#
#   --appeals M     appeals in the database, received over 2025 (default 1000000)
#   --runs N        timed runs of each command; the median counts (default 3)
#   --formats LIST  any of html,csv,xlsx,pdf (default all four). html, csv and xlsx are the
#                   year 2025-01-01..2025-12-31 (csv and xlsx hold the full ledger of every
#                   appeal); pdf is one month (--month, default 2025-07): a year's ledger in PDF
#                   would be tens of thousands of pages
#   --dir DIR       where a fresh bench_bulletin.XXXXXX directory is made (default /tmp); it is
#                   removed at the end
#   --keep          leave that directory (database, SQL, outputs) for inspection
#   --db FILE       use this database instead of building one (made by
#                   `bench_store --make-report-db`, or any shishi database with 2025 appeals)
#
# The database is bench_store's phase-C report database (`bench_store --make-report-db`): a
# fresh file with shishi's migrations, 60 units, the seeded areas and channels, appeals with
# Chinese titles. The command timed is
#   shishi --db DB --at 2026-06-30T12:00 bulletin --from 2025-01-01 --to 2025-12-31 \
#          --format F --out OUT
# and the reference is `sqlite3 DB < agg.sql`, written by bench/bulletin_ref.py under the
# database's newest rule set (as the bulletin): one scan of the appeals grouped into a small
# temp table, then the summary (本期, 上期), the breakdowns by channel, area, town and unit
# (本期, 上期) and the 12-month trend rolled up from it. Each is timed as a whole process (wall
# time, `date +%s.%N` around it); the runs take turns (SQL, then each format), so load from
# elsewhere falls on both sides. At the end the bulletin's CSV must show exactly the figures
# the SQL computed (bulletin_ref.py check), or the run fails. Figures: bench/README.md,
# "Bulletin". Needs the sqlite3 shell and python3 (scripts/setup.sh installs both).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

APPEALS=1000000
RUNS=3
FORMATS=html,csv,xlsx,pdf
MONTH=2025-07
PARENT=/tmp
KEEP=0
DB_GIVEN=
AT=2026-06-30T12:00
FROM=2025-01-01
TO=2025-12-31
while [ $# -gt 0 ]; do
    case "$1" in
    --appeals) APPEALS=${2:?}; shift 2 ;;
    --runs) RUNS=${2:?}; shift 2 ;;
    --formats) FORMATS=${2:?}; shift 2 ;;
    --month) MONTH=${2:?}; shift 2 ;;
    --dir) PARENT=${2:?}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --db) DB_GIVEN=${2:?}; shift 2 ;;
    -h | --help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "bench_bulletin: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
say() { printf 'bench_bulletin: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
[[ $APPEALS =~ ^[0-9]+$ && $APPEALS -ge 1 ]] || die "--appeals needs a count above 0"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "--runs needs a count above 0"
[[ $MONTH =~ ^[0-9]{4}-[0-9]{2}$ ]] || die "--month needs YYYY-MM"
YEAR_FORMATS=()
DO_PDF=0
IFS=, read -r -a fl <<<"$FORMATS"
for f in "${fl[@]}"; do
    case "$f" in
    html | csv | xlsx) YEAR_FORMATS+=("$f") ;;
    pdf) DO_PDF=1 ;;
    *) die "unknown format '$f' (html, csv, xlsx, pdf)" ;;
    esac
done
[ -z "$DB_GIVEN" ] || [ -f "$DB_GIVEN" ] || die "no database '$DB_GIVEN'"
command -v sqlite3 >/dev/null || die "the sqlite3 shell is missing (bash scripts/setup.sh)"
command -v python3 >/dev/null || die "python3 is missing (bash scripts/setup.sh)"

# ---- build (Release, build-bench/, as run.sh) ------------------------------------------------
bash "$root/bench/run.sh" --build-only
SHISHI=$root/build-bench/shishi
BENCH_STORE=$root/build-bench/bench_store
REF=$root/bench/bulletin_ref.py

# ---- temp dir ----------------------------------------------------------------------------------
[ -d "$PARENT" ] || die "no directory '$PARENT'"
TMP=$(mktemp -d "$PARENT/bench_bulletin.XXXXXX")
cleanup() {
    if [ "$KEEP" -eq 1 ]; then
        say "kept $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- database ----------------------------------------------------------------------------------
if [ -n "$DB_GIVEN" ]; then
    DB=$DB_GIVEN
else
    DB=$TMP/report.db
    say "building the database ($APPEALS appeals)"
    BUILT=$("$BENCH_STORE" --make-report-db "$DB" --report-appeals "$APPEALS")
    BUILT=${BUILT#* appeals received in 2025, }
fi
# What the bulletin reads must exist: every unit, area and channel an appeal names; titles in
# Chinese (the recurring-problem section counts words in them); the migrations' rule set.
COUNTS=$(sqlite3 -separator ' ' "$DB" "
    SELECT count(*),
        sum(lead_unit_id IS NOT NULL AND lead_unit_id NOT IN (SELECT id FROM units)),
        sum(area_id IS NOT NULL AND area_id NOT IN (SELECT id FROM areas)),
        sum(channel_id NOT IN (SELECT id FROM channels)),
        sum(length(title) = length(CAST(title AS BLOB))),
        sum(lead_unit_id IS NULL)
    FROM appeals") || die "cannot read '$DB'"
read -r N BAD_UNIT BAD_AREA BAD_CHANNEL NON_CJK NO_UNIT <<<"$COUNTS"
RULES=$(sqlite3 "$DB" "SELECT count(*) FROM rule_sets") ||
    die "no rule_sets table: not a shishi database"
[ "$N" -gt 0 ] || die "the database holds no appeals"
[ "$BAD_UNIT" -eq 0 ] && [ "$BAD_AREA" -eq 0 ] && [ "$BAD_CHANNEL" -eq 0 ] ||
    die "appeals name missing rows: units $BAD_UNIT, areas $BAD_AREA, channels $BAD_CHANNEL"
[ "$NON_CJK" -eq 0 ] || die "$NON_CJK titles have no Chinese characters"
[ "$RULES" -ge 1 ] || die "no rule set in '$DB'"
DB_MIB=$(($(stat -c %s "$DB") / 1048576))
cat "$DB" >/dev/null # into the page cache: both sides read it warm

# ---- the SQL reference -------------------------------------------------------------------------
python3 "$REF" sql --db "$DB" --at "$AT" --from "$FROM" --to "$TO" >"$TMP/agg_year.sql"
python3 "$REF" sql --db "$DB" --at "$AT" --month "$MONTH" >"$TMP/agg_month.sql"

# ---- timing --------------------------------------------------------------------------------------
declare -A T # name -> space-separated seconds
now() { date +%s.%N; }
timed() { # NAME COMMAND...: runs it, adds its wall time to T[NAME]
    local name=$1 t0 t1
    shift
    t0=$(now)
    "$@" >/dev/null || die "'$name' failed: $*"
    t1=$(now)
    T[$name]="${T[$name]:-} $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')"
}
median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {
    printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
sql_run() { sqlite3 "$DB" <"$1" >"$2"; }
bulletin() { # FORMAT PERIOD-ARGS...
    local f=$1
    shift
    "$SHISHI" --db "$DB" --at "$AT" bulletin "$@" --format "$f" --out "$TMP/out_$f.$f"
}
PLAN="SQL (year) ${YEAR_FORMATS[*]:-}"
[ "$DO_PDF" -eq 1 ] && PLAN+=", SQL ($MONTH), pdf ($MONTH)"
say "timing $RUNS rounds of: $PLAN"
for r in $(seq "$RUNS"); do
    timed sql_year sql_run "$TMP/agg_year.sql" "$TMP/agg_year.out"
    for f in "${YEAR_FORMATS[@]}"; do
        timed "$f" bulletin "$f" --from "$FROM" --to "$TO"
    done
    if [ "$DO_PDF" -eq 1 ]; then
        timed sql_month sql_run "$TMP/agg_month.sql" "$TMP/agg_month.out"
        timed pdf bulletin pdf --month "$MONTH"
    fi
    say "round $r of $RUNS done"
done

# ---- the check: the bulletin's CSV shows the SQL's figures -----------------------------------
CHECK_FAIL=0
if [[ " ${YEAR_FORMATS[*]:-} " != *" csv "* ]]; then
    bulletin csv --from "$FROM" --to "$TO" >/dev/null
fi
[ -s "$TMP/agg_year.out" ] || sql_run "$TMP/agg_year.sql" "$TMP/agg_year.out"
CHECK_YEAR=$(python3 "$REF" check --db "$DB" --at "$AT" --from "$FROM" --to "$TO" \
    "$TMP/agg_year.out" "$TMP/out_csv.csv") || CHECK_FAIL=1
CHECK_MONTH=
if [ "$DO_PDF" -eq 1 ]; then
    "$SHISHI" --db "$DB" --at "$AT" bulletin --month "$MONTH" --format csv \
        --out "$TMP/month.csv" >/dev/null
    CHECK_MONTH=$(python3 "$REF" check --db "$DB" --at "$AT" --month "$MONTH" \
        "$TMP/agg_month.out" "$TMP/month.csv") || CHECK_FAIL=1
fi

# ---- report ------------------------------------------------------------------------------------
mib() { [ -f "$1" ] && echo "$(($(stat -c %s "$1") / 1048576)) MiB" || echo "-"; }
runs() { tr ' ' '\n' <<<"$1" | grep . | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 }'; }
SQL_Y=$(median "${T[sql_year]}")
printf 'bench_bulletin %s  SQLite %s  appeals %s  %d cores  as of %s  (median of %d runs)\n' \
    "$(date +%F)" "$(sqlite3 --version | cut -d' ' -f1)" "$N" "$(nproc)" "$AT" "$RUNS"
if [ -n "$DB_GIVEN" ]; then
    printf '  database %s (%s MiB)' "$DB" "$DB_MIB"
else
    printf '  database made by bench_store --make-report-db (%s)' "$BUILT"
fi
printf '; %s appeals not yet dispatched (no lead unit)\n' "$NO_UNIT"
printf '  year %s..%s\n' "$FROM" "$TO"
printf '    %-44s %9.3f s   runs %s\n' "SQL aggregate (sqlite3 shell)" "$SQL_Y" \
    "$(runs "${T[sql_year]}")"
JSON="{\"date\":\"$(date +%F)\",\"appeals\":$N,\"runs\":$RUNS,\"sql_year_s\":$SQL_Y"
for f in "${YEAR_FORMATS[@]}"; do
    m=$(median "${T[$f]}")
    ratio=$(awk -v a="$m" -v b="$SQL_Y" 'BEGIN { printf "%.2f", a / b }')
    printf '    %-44s %9.3f s   runs %s   ratio bulletin/SQL %6.2fx   out %s\n' \
        "shishi bulletin --format $f" "$m" "$(runs "${T[$f]}")" "$ratio" \
        "$(mib "$TMP/out_$f.$f")"
    JSON+=",\"${f}_s\":$m,\"${f}_ratio\":$ratio"
done
if [ "$DO_PDF" -eq 1 ]; then
    SQL_M=$(median "${T[sql_month]}")
    m=$(median "${T[pdf]}")
    ratio=$(awk -v a="$m" -v b="$SQL_M" 'BEGIN { printf "%.2f", a / b }')
    PAGES=
    if command -v pdfinfo >/dev/null; then
        PAGES=$(pdfinfo "$TMP/out_pdf.pdf" 2>/dev/null | awk '/^Pages:/ { print ", " $2 " pages" }')
    fi
    printf '  month %s (PDF of one month only: a year would be about 12 times the pages)\n' \
        "$MONTH"
    printf '    %-44s %9.3f s   runs %s\n' "SQL aggregate (sqlite3 shell)" "$SQL_M" \
        "$(runs "${T[sql_month]}")"
    printf '    %-44s %9.3f s   runs %s   ratio bulletin/SQL %6.2fx   out %s%s\n' \
        "shishi bulletin --format pdf" "$m" "$(runs "${T[pdf]}")" "$ratio" \
        "$(mib "$TMP/out_pdf.pdf")" "$PAGES"
    JSON+=",\"month\":\"$MONTH\",\"sql_month_s\":$SQL_M,\"pdf_month_s\":$m,\"pdf_ratio\":$ratio"
fi
printf '%s\n' "$CHECK_YEAR"
[ -z "$CHECK_MONTH" ] || printf '%s\n' "$CHECK_MONTH"
echo "$JSON,\"checked\":$([ "$CHECK_FAIL" -eq 0 ] && echo true || echo false)}"
[ "$CHECK_FAIL" -eq 0 ] || die "the bulletin and the SQL aggregate disagree (see above)"
