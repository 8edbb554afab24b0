#!/usr/bin/env bash
# test_disk_errors.sh -- disk errors injected with strace (-e inject, on the one path given
# with -P): a `serve` on SQLite whose WAL writes fail with ENOSPC, then with EIO, for a bounded
# number of calls; `bulletin --out` and `backup --to` whose write or fsync fails.
#   * a request whose commit fails gets a 5xx error JSON (code and message), never a 2xx;
#   * the server stays up and, once the fault is past, the same request succeeds;
#   * nothing is half-written: the appeals are exactly the acknowledged ones, audit verify
#     and PRAGMA integrity_check pass;
#   * the CLI's failed file writes exit non-zero with one "shishi: ..." line and leave
#     neither the target nor its temporary file.
# SQLite only (strace must be installed: scripts/setup.sh). usage: bash $0 /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
command -v strace >/dev/null || { bad "strace is installed" "scripts/setup.sh installs it"; cli_end; exit 1; }
# LeakSanitizer cannot run under ptrace: a sanitized binary traced here checks no leaks (the
# untraced runs of the same code do).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

expect_ok "init" init
expect_ok "a unit" unit add --name 区住建局 --kind department
expect_ok "a dispatcher" user add --username disp --role dispatcher --password-stdin <<<"disk-pass-2021"
SERVER=
trap '[ -n "$SERVER" ] && stop; rm -rf "$T"' EXIT

start() { # [strace options...]: serve (under strace when options are given)
    PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    local cmd=("$BIN" --db "$DB" serve --listen "127.0.0.1:$PORT" --threads 1 --quiet)
    [ $# -gt 0 ] && cmd=(strace -f -qq -o /dev/null "$@" "${cmd[@]}")
    "${cmd[@]}" 2>>"$T/server.log" &
    SERVER=$!
    for _ in $(seq 200); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0; sleep 0.05; done
    bad "the server starts" "$(tail -3 "$T/server.log")"
}
stop() { # strace waits for its tracee: stop the server under it first
    pkill -TERM -P "$SERVER" 2>/dev/null || true
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=
}
call() { # METHOD PATH [BODY]: STATUS, BODY_OUT
    local args=(-s -o "$T/body" -w '%{http_code}' -X "$1" -m 30 "http://127.0.0.1:$PORT$2")
    [ -n "${TOKEN:-}" ] && args+=(-H "Authorization: Bearer $TOKEN")
    [ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data "$3")
    STATUS=$(curl "${args[@]}" || true)
    BODY_OUT=$(cat "$T/body" 2>/dev/null || true)
}
jget() { "$PY" -c 'import json,sys; d=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): d = d[k]
print(d)' "$BODY_OUT" "$1" 2>/dev/null || echo "<none>"; }

start
call POST /api/v1/session '{"username":"disp","password":"disk-pass-2021"}'
check_eq "login" "$STATUS" 200
TOKEN=$(jget token)
stop
ACKED=0

# fault ERRNO: the WAL's pwrite64 calls 1 to 6 of the server fail with ERRNO
fault() {
    local errno=$1 n=0 fails=0 vague=0 first=""
    start -P "$DB-wal" -e trace=pwrite64 -e inject=pwrite64:error="$errno":when=1..6
    while [ $n -lt 20 ]; do
        n=$((n + 1))
        call POST /api/v1/appeals "{\"title\":\"路灯不亮$errno$n\",\"content\":\"永定路\",\"channel\":\"12345热线\",\"kind\":\"投诉\"}"
        [ "$STATUS" = 201 ] && break
        fails=$((fails + 1))
        [ -z "$first" ] && first="$STATUS $(jget error.code): $(jget error.message)"
        if ! [[ "$STATUS" =~ ^5 ]] || [ "$(jget error.code)" = "<none>" ] || [ "$(jget error.message)" = "<none>" ]; then
            vague=$((vague + 1))
        fi
    done
    if [ $fails -ge 1 ]; then ok "$errno: a register whose WAL write fails is refused: $first"; else bad "$errno: the fault bit" "no request failed"; fi
    check_eq "$errno: every refusal is a 5xx error JSON" "$vague" 0
    check_eq "$errno: once the fault is past, a register succeeds" "$STATUS" 201
    [ "$STATUS" = 201 ] && ACKED=$((ACKED + 1))
    case "$errno" in
    ENOSPC) check_has "ENOSPC: the message says the disk is full" "$first" "full" ;;
    EIO) check_has "EIO: the message says it is an I/O error" "$first" "I/O" ;;
    esac
    call GET /healthz
    check_eq "$errno: the server is up" "$STATUS" 200
    call POST /api/v1/appeals '{"title":"又一件","content":"永定路","channel":"12345热线","kind":"投诉"}'
    check_eq "$errno: the next register succeeds too" "$STATUS" 201
    [ "$STATUS" = 201 ] && ACKED=$((ACKED + 1))
    stop
    check_eq "$errno: the appeals are exactly the $ACKED acknowledged" "$(sqlite3 "$DB" 'SELECT count(*) FROM appeals')" "$ACKED"
    check_eq "$errno: integrity_check" "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok
    ss audit verify
    check_has "$errno: audit verify" "$OUT" "audit ok"
}
fault ENOSPC
fault EIO

# the CLI writing a file: bulletin --out, backup --to
under() { # PATH-TO-FAULT STRACE-OPTIONS... -- ARGS...: ss ARGS under strace
    local p=$1
    shift
    local opts=()
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    RC=0
    strace -f -qq -o /dev/null -P "$p" "${opts[@]}" "$BIN" --db "$DB" "$@" >"$T/.out" 2>"$T/.err" || RC=$?
    OUT=$(cat "$T/.out")
    ERR=$(cat "$T/.err")
}
left() { ls "$T" | grep -c "^$1" || true; }
under "$T/b.csv.tmp" -e inject=write:error=ENOSPC -- bulletin --month 2026-12 --format csv --out "$T/b.csv"
check_refusal "bulletin --out on a full disk" nz "b.csv"
check_eq "bulletin: neither the file nor its temporary file" "$(left b.csv)" 0
under "$T/b.csv.tmp" -e inject=fsync:error=EIO -- bulletin --month 2026-12 --format csv --out "$T/b.csv"
check_refusal "bulletin --out whose fsync fails" nz "b.csv|Input/output"
check_eq "bulletin: neither the file nor its temporary file (fsync)" "$(left b.csv)" 0
under "$T/k.db.tmp" -e inject=pwrite64:error=ENOSPC -- backup --to "$T/k.db"
check_refusal "backup --to on a full disk" nz "k.db"
check_eq "backup: neither the file nor its temporary file" "$(left k.db)" 0
under "$T/k.db.tmp" -e inject=fsync,fdatasync:error=EIO -- backup --to "$T/k.db"
check_refusal "backup --to whose fsync fails" nz "k.db"
check_eq "backup: neither the file nor its temporary file (fsync)" "$(left k.db)" 0
ss backup --to "$T/k.db"
check_eq "backup once the disk is fine" "$RC" 0
cli_end
