#!/usr/bin/env bash
# test_faults.sh BINARY -- PostgreSQL going away under a running `shishi serve`, and a row
# lock held too long. On a throwaway cluster of its own (cluster.sh), removed on exit:
#   * requests while the database is down fail cleanly (5xx, the error JSON), the server
#     lives on, nothing is half-written, and requests after it is back succeed (reconnect);
#   * after `pg_ctl restart -m fast` under the running server, requests succeed again;
#   * an action waiting on a chain_head row lock held from psql fails with a clear error
#     within SHISHI_PG_LOCK_TIMEOUT_MS instead of hanging.
# Ends with "N passed, M failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-}
[ -x "$BIN" ] || { echo "usage: bash $0 /path/to/shishi"; echo "0 passed, 1 failed"; exit 1; }
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $1${2:+: $2}"; }
check_eq() { if [ "$2" == "$3" ]; then ok "$1"; else bad "$1" "expected '$3', got '$2'"; fi; }

dir=$(mktemp -d /tmp/shishi-pgf.XXXXXX)
T=$(mktemp -d /tmp/shishi-faults.XXXXXX)
SERVER=
LOCKER=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    [ -n "$LOCKER" ] && kill "$LOCKER" 2>/dev/null || true
    bash "$here/cluster.sh" stop "$dir" || true
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash "$here/cluster.sh" start "$dir" >/dev/null
URL=$(bash "$here/cluster.sh" createdb "$dir" faults)
export SHISHI_PG_LOCK_TIMEOUT_MS=1000
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

ss() { "$BIN" --db "$URL" "$@"; }
ss init >/dev/null
ss unit add --name 区住建局 --kind department >/dev/null
ss user add --username disp --role dispatcher --password-stdin <<<"faults-pass-2021" >/dev/null
CODE=$(ss --as disp register --title 路灯不亮 --content 永定路路灯 --channel 12345热线 --kind 投诉)
ok "an appeal is registered: $CODE"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" --db "$URL" serve --listen "127.0.0.1:$PORT" --threads 1 --quiet 2>"$T/server.log" &
SERVER=$!
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

# call METHOD PATH [BODY]: sets STATUS and BODY_OUT
call() {
    local args=(-s -o "$T/body" -w '%{http_code}' -X "$1" -m 30 "http://127.0.0.1:$PORT$2")
    [ -n "${TOKEN:-}" ] && args+=(-H "Authorization: Bearer $TOKEN")
    [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data "$3")
    STATUS=$(curl "${args[@]}" || true)
    BODY_OUT=$(cat "$T/body" 2>/dev/null || true)
}
# urge with the version last read
act_urge() {
    call GET "/api/v1/appeals/$CODE"
    local v
    v=$(jget version)
    # while the database is down the read fails: send the version read before it went
    [[ "$v" =~ ^[0-9]+$ ]] && LASTV=$v || v=${LASTV:-1}
    call POST "/api/v1/appeals/$CODE/urge" "{\"note\":\"$1\",\"version\":${v:-0}}"
}
jget() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); 
for k in sys.argv[2].split("."): d = d[int(k)] if isinstance(d, list) else d[k]
print(d)' "$BODY_OUT" "$1" 2>/dev/null || echo "<none>"; }
snapshot() {
    call GET "/api/v1/appeals/$CODE"
    echo "$(jget version) $(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["history"]))' "$BODY_OUT" 2>/dev/null || echo x)"
}
error_shape() { # DESC: a 5xx with {"error":{"code","message"}}
    if [[ "$STATUS" =~ ^5[0-9][0-9]$ ]] && [ "$(jget error.code)" != "<none>" ] &&
        [ "$(jget error.message)" != "<none>" ]; then
        ok "$1: $STATUS $(jget error.message)"
    else
        bad "$1" "status $STATUS, body $BODY_OUT"
    fi
}
alive() {
    if kill -0 "$SERVER" 2>/dev/null &&
        [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" =~ ^[2-5] ]]; then
        ok "$1: the server is alive"
    else
        bad "$1: the server is alive" "$(tail -5 "$T/server.log")"
    fi
}

call POST /api/v1/session '{"username":"disp","password":"faults-pass-2021"}'
check_eq "login" "$STATUS" 200
TOKEN=$(jget token)
call POST "/api/v1/appeals/$CODE/dispatch" '{"unit":"区住建局","version":1}'
check_eq "dispatch before any fault" "$STATUS" 200
before=$(snapshot)

# ---- the database goes away and comes back ---------------------------------------------
bash "$here/cluster.sh" pause "$dir"
act_urge "请加快"
error_shape "an action while the database is down fails cleanly"
call GET "/api/v1/appeals/$CODE"
error_shape "a read while the database is down fails cleanly"
alive "during the outage"
bash "$here/cluster.sh" resume "$dir"
call GET "/api/v1/appeals/$CODE"
check_eq "a read after the database is back succeeds" "$STATUS" 200
check_eq "nothing half-written by the failed action (version, events)" "$(snapshot)" "$before"
act_urge "请加快"
check_eq "an action after the database is back succeeds" "$STATUS" 200

# ---- restarted under the running server -------------------------------------------------
before=$(snapshot)
bash "$here/cluster.sh" restart "$dir"
call GET "/api/v1/appeals/$CODE"
check_eq "the first read after pg_ctl restart succeeds (reconnected)" "$STATUS" 200
act_urge "再催"
check_eq "an action after pg_ctl restart succeeds" "$STATUS" 200
v=${before% *}
n=${before#* }
check_eq "the urge after the restart is one version and one event more" "$(snapshot)" "$((v + 1)) $((n + 1))"
alive "after the restart"

# ---- a lock held too long ----------------------------------------------------------------
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)
[ -n "$PSQL" ] || PSQL=psql
"$PSQL" "$URL" -q -c "BEGIN; SELECT * FROM chain_head FOR UPDATE; SELECT pg_sleep(6); COMMIT;" \
    >/dev/null 2>&1 &
LOCKER=$!
# Wait until the locker holds the lock (it sleeps inside its transaction), not a fixed second:
# on a loaded machine psql may take longer than that to start.
for _ in $(seq 100); do
    held=$("$PSQL" "$URL" -Atc "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'" 2>/dev/null || echo 0)
    [ "$held" = 1 ] && break
    sleep 0.1
done
before=$(snapshot)
t0=$(date +%s%N)
act_urge "锁"
ms=$((($(date +%s%N) - t0) / 1000000))
error_shape "an action behind a held chain_head lock fails"
if [ "$ms" -lt 4000 ]; then
    ok "it fails within the lock timeout (${ms} ms, SHISHI_PG_LOCK_TIMEOUT_MS=1000)"
else
    bad "it fails within the lock timeout" "took ${ms} ms"
fi
case "$(jget error.message)" in
*lock*) ok "the message names the lock" ;;
*) bad "the message names the lock" "$(jget error.message)" ;;
esac
wait "$LOCKER" || true
LOCKER=
check_eq "nothing half-written behind the lock" "$(snapshot)" "$before"
act_urge "锁已放"
check_eq "the action succeeds once the lock is released" "$STATUS" 200
alive "at the end"

out=$(ss audit verify 2>&1 || true)
case "$out" in
"audit ok"*) ok "audit verify: $out" ;;
*) bad "audit verify" "$out" ;;
esac
kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
SERVER=
if grep -q "ERROR: AddressSanitizer\|runtime error\|LeakSanitizer" "$T/server.log"; then
    bad "the server log is free of sanitizer reports" "$(grep -m3 "Sanitizer\|runtime error" "$T/server.log")"
else
    ok "the server log is free of sanitizer reports"
fi
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
