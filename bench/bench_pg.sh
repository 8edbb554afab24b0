#!/usr/bin/env bash
# bench_pg.sh -- the store benchmark on PostgreSQL, against pgbench writing the same rows in
# the same run, on a throwaway cluster (tests/pg/cluster.sh). Prints the ratios.
#
# Usage, from anywhere:
#   bash bench/bench_pg.sh [--appeals N] [--report-appeals M] [--clients C] [--tcp]
#     --appeals N         appeals registered and dispatched, and pgbench transactions (20000)
#     --report-appeals M  appeals in the report database (200000)
#     --clients C         the second pgbench run's client count (4; the first has 1, like
#                         shishi's single connection)
#     --tcp               connect over loopback TCP instead of the cluster's unix socket
#
# What runs, in order, each on a fresh database of the cluster:
#   1. pgbench, 1 client, N transactions of bench/bench_pg.sh's script (below): per appeal
#      the chain_head update, the appeals row as dispatched, its appeal_units row and the
#      two events, in one transaction: what bench_store's raw reference writes;
#   2. bench_store --pg-base: shishi's register + dispatch (per use case, then batched) and
#      the raw libpq reference taking turns with it, then the report over M appeals against
#      a plain SQL aggregate;
#   3. pgbench, 1 client again (load drifts: the ratio uses the mean of 1 and 3);
#   4. pgbench, C clients, for reference (the chain_head row serialises them).
# Schemas come from shishi's own migrations ('shishi --db URL init'). The cluster is
# stopped and removed on exit, also after a failure or Ctrl-C. Needs the postgresql
# package (initdb, pgbench, psql) and python3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
appeals=20000
report=200000
clients=4
tcp=0
while [ $# -gt 0 ]; do
    case "$1" in
    --appeals) appeals=$2; shift 2 ;;
    --report-appeals) report=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --tcp) tcp=1; shift ;;
    -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "bench_pg.sh: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[ "$appeals" -gt 0 ] || { echo "bench_pg.sh: --appeals must be at least 1" >&2; exit 2; }

bin=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/pgbench" ] && [ -x "$d/psql" ]; then bin=$d; break; fi
done
[ -n "$bin" ] || { echo "bench_pg.sh: pgbench not found under /usr/lib/postgresql/*/bin" >&2; exit 1; }

bash "$root/bench/run.sh" --build-only
build="$root/build-bench"

work=$(mktemp -d /tmp/bench_pg.XXXXXX)
cluster=$(mktemp -u /tmp/bench_pg_cluster.XXXXXX) # cluster.sh makes it, for the postgres user
cleanup() {
    bash "$root/tests/pg/cluster.sh" stop "$cluster" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

tcp_base=$(bash "$root/tests/pg/cluster.sh" start "$cluster")
port=$(cat "$cluster/port")
if [ "$tcp" = 1 ]; then
    base=$tcp_base
    url() { echo "$tcp_base/$1"; }
else
    base="postgresql://postgres@?host=$cluster&port=$port"
    url() { echo "postgresql://postgres@/$1?host=$cluster&port=$port"; }
fi

# A fresh database with shishi's schema and the one unit and area bench_store's appeals use.
pgb_db() {
    bash "$root/tests/pg/cluster.sh" createdb "$cluster" "$1" >/dev/null
    "$build/shishi" --db "$(url "$1")" init >/dev/null
    "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$(url "$1")" -c \
        "INSERT INTO units (code, name, kind) VALUES ('zjj', '区住房和城乡建设局', 2);
         INSERT INTO areas (code, name, sort) VALUES ('bench', '宜商', 11);"
}

# The rows of one registered and dispatched appeal, as bench_store's raw libpq reference
# writes them (its raw_pg_sql[]): texts of the same length as its generated ones, hashes
# as placeholders. The chain_head update comes first: it gives the event ids (and a unique
# code), and its row lock serialises concurrent clients, as shishi's SELECT ... FOR UPDATE
# does.
h=5f3c9a1e7b2d4f608e1a3c5b7d9f0e2a4c6b8d0f1e3a5c7b9d2f4e6a8c0b1d3f
title='永定路小区路灯损坏夜间无照明'
content='市民来电反映：永定路123号附近小区路灯损坏夜间无照明，已持续两周未得到处理，多次向物业反映无果，给周边群众生活带来很大不便，希望有关部门尽快核实处理并给予答复。'
cat >"$work/appeal.sql" <<EOF
\set rec random(1735689600, 1767139200)
\set dis :rec + random(300, 10800)
\set sign :dis + 86400
\set dl :dis + 604800
\set kind random(1, 5)
\set ch random(1, 6)
BEGIN;
UPDATE chain_head SET last_id = last_id + 2, hash = '$h', count = count + 2 WHERE one = 1 RETURNING last_id AS head \gset
\set ev1 :head - 1
INSERT INTO appeals (code, title, content, channel_id, area_id, kind, urgency, citizen_name, phone, id_number, address, state, lead_unit_id, received_at, dispatched_at, sign_deadline, deadline, version, last_seq, updated_at) VALUES ('PB' || CAST(:head AS text), '$title', '$content', :ch, 11, :kind, 0, '王伟', '13812345678', NULL, '永定区永定路123号', 2, 1, :rec, :dis, :sign, :dl, 2, 2, :dis) RETURNING id AS aid \gset
INSERT INTO appeal_units (appeal_id, unit_id, role) VALUES (:aid, 1, 'lead');
INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, to_state, details, prev_hash, hash, row_digest) VALUES (:ev1, :aid, 1, :rec, 0, 'system', 'register', 0, 1, '{"area_id":11,"channel_id":2,"content":"$content","kind":"complaint","title":"$title","urgency":"normal"}', '$h', '$h', '$h');
INSERT INTO events (id, appeal_id, seq, at, actor_id, actor, action, from_state, to_state, details, prev_hash, hash, row_digest) VALUES (:head, :aid, 2, :dis, 0, 'system', 'dispatch', 1, 2, '{"assist":[],"deadline":"2025-06-12T10:15:00+08:00","limit":"7 个工作日","sign_deadline":"2025-06-04T10:15:00+08:00","unit_id":1}', '$h', '$h', '$h');
COMMIT;
EOF

# pgbench NAME CLIENTS: N transactions on a fresh database; prints the rate (appeals/s).
run_pgbench() {
    local db=$1 c=$2 out
    pgb_db "$db"
    local t=$(((appeals + c - 1) / c))
    out=$("$bin/pgbench" -n -M prepared -f "$work/appeal.sql" -c "$c" -j "$((c < 2 ? 1 : 2))" \
        -t "$t" "$(url "$db")" 2>&1) || { echo "$out" >&2; return 1; }
    local n
    n=$("$bin/psql" -X -At "$(url "$db")" -c "SELECT count(*) FROM events")
    [ "$n" -eq $((2 * t * c)) ] || { echo "bench_pg.sh: pgbench wrote $n events, not $((2 * t * c))" >&2; return 1; }
    echo "$out" | sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p'
}

transport=$([ "$tcp" = 1 ] && echo "loopback TCP" || echo "unix socket")
echo "bench_pg.sh: PostgreSQL $("$bin/psql" -X -At "$(url postgres)" -c 'SHOW server_version'),"\
     "$(nproc) CPUs, $transport, appeals $appeals, report appeals $report"
echo "(throwaway cluster: fsync=off, synchronous_commit=off, full_page_writes=off)"
pgb1=$(run_pgbench pgb_1a 1)
echo "pgbench, 1 client (before)                 ${pgb1%.*} appeals/s"
"$build/bench_store" --pg-base "$base" --appeals "$appeals" --report-appeals "$report" \
    | tee "$work/bench_store.out"
pgb2=$(run_pgbench pgb_1b 1)
echo "pgbench, 1 client (after)                  ${pgb2%.*} appeals/s"
pgbc=$(run_pgbench pgb_c "$clients")
printf "%-42s %s appeals/s\n" "pgbench, $clients clients" "${pgbc%.*}"

python3 - "$work/bench_store.out" "$pgb1" "$pgb2" "$pgbc" "$clients" <<'EOF'
import json, sys
out, p1, p2, pc, clients = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
j = json.loads([l for l in open(out) if l.startswith("{")][-1])
pg = (p1 + p2) / 2
def row(what, a, b, unit="appeals/s"):
    if a is None or b is None:
        return
    print(f"  {what:<44} {a:>9.0f} {b:>9.0f} {unit:<9} {b / a:6.2f}x")
print()
print("summary (ratio = reference / shishi: how many times slower shishi is)")
print(f"  {'':<44} {'shishi':>9} {'reference':>9} {'':<9} {'ratio':>7}")
s_tx, s_b = j["register_dispatch_per_s"], j["register_dispatch_batched_per_s"]
row("per use case vs pgbench 1 client (mean)", s_tx, pg)
row("per use case vs raw libpq, same process", s_tx, j["raw_sqlite_per_s"])
row(f"per use case vs pgbench {clients} clients", s_tx, pc)
row("batched vs pgbench 1 client (mean)", s_b, pg)
row("batched vs raw libpq, one transaction", s_b, j["raw_sqlite_batched_per_s"])
if j["report_s"] is not None:
    print(f"  {'report: svc_report vs SQL GROUP BY':<44} {j['report_s']:>8.3f}s {j['report_sql_s']:>8.3f}s {'':<9} {j['report_ratio']:6.2f}x")
    print(f"  {'report: svc_report vs reading the rows':<44} {j['report_s']:>8.3f}s {j['report_sql_read_s']:>8.3f}s {'':<9} {j['report_ratio_read']:6.2f}x")
j.update({"pgbench_1_per_s": round(pg, 1), "pgbench_1_before": p1, "pgbench_1_after": p2,
          f"pgbench_{clients}_per_s": pc, "ratio_pgbench": round(pg / s_tx, 4) if s_tx else None})
print(json.dumps(j, separators=(",", ":")))
EOF
