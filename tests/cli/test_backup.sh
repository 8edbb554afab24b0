#!/usr/bin/env bash
# test_backup.sh -- `backup --to FILE`: an online copy of a SQLite database, taken while
# other connections write (here a loop of CLI writers registering and dispatching appeals;
# tests/api/test_crash.py takes one under a writing `serve`). Each copy passes audit verify
# and PRAGMA integrity_check, and holds a consistent prefix of the source: its appeals and
# events are the source's first ones, each appeal with all the events it had then. A target
# that is a directory or a FIFO is refused and left alone, no temporary file is left, a
# regular file is replaced. With SHISHI_TEST_DB_URL (PostgreSQL) backup refuses, naming
# pg_dump.
# usage: bash tests/cli/test_backup.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

expect_ok "init" init
expect_ok "a unit" unit add --name 区住建局 --kind department
expect_ok "a dispatcher" user add --username disp --role dispatcher --password-stdin <<<"backup-pass-2021"

if [[ "$DB" == postgres* ]]; then
    ss backup --to "$T/copy.db"
    check_refusal "backup on PostgreSQL" nz "pg_dump"
    check_eq "no file made" "$(ls "$T")" ""
    cli_end
    exit 0
fi

register() { # N: registers one appeal and dispatches it
    local code
    code=$("$BIN" --db "$DB" --as disp register --title "路灯不亮$1" --content "永定路第$1号路灯" \
        --channel 12345热线 --kind 投诉) || return 1
    "$BIN" --db "$DB" --as disp dispatch "$code" --unit 区住建局 >/dev/null
}
for i in 1 2 3; do register "$i"; done

# the writers: two loops, until told to stop
touch "$T/writing"
for w in 1 2; do
    (n=0; while [ -e "$T/writing" ] && [ $n -lt 400 ]; do n=$((n + 1)); register "$w-$n" || true; done) &
done
q() { sqlite3 "$1" "$2"; }
# not by the clock: a loaded machine may be slow to start the writers
for _ in $(seq 300); do [ "$(q "$DB" 'SELECT count(*) FROM appeals')" -ge 6 ] && break; sleep 0.1; done
for k in 1 2 3; do
    ss backup --to "$T/copy$k.db"
    check_eq "backup $k while writers write: exit 0" "$RC:$ERR" "0:"
    check_eq "backup $k prints the target" "$OUT" "backup ok: $T/copy$k.db"
    sleep 0.3
done
first=$(q "$T/copy1.db" 'SELECT count(*) FROM appeals')
for _ in $(seq 300); do [ "$(q "$DB" 'SELECT count(*) FROM appeals')" -gt "$first" ] && break; sleep 0.1; done
rm -f "$T/writing"
wait

for k in 1 2 3; do
    c=$T/copy$k.db
    run --db "$c" audit verify
    check_match "copy $k passes audit verify" "$RC $OUT" '^0 audit ok'
    check_eq "copy $k: integrity_check" "$(q "$c" 'PRAGMA integrity_check')" ok
    n=$(q "$c" 'SELECT count(*) FROM appeals')
    ne=$(q "$c" 'SELECT count(*) FROM events')
    check_eq "copy $k: its $n appeals are the source's first $n" \
        "$(q "$c" 'SELECT id, code FROM appeals ORDER BY id' | md5sum)" \
        "$(q "$DB" "SELECT id, code FROM appeals ORDER BY id LIMIT $n" | md5sum)"
    check_eq "copy $k: its $ne events are the source's first $ne" \
        "$(q "$c" 'SELECT id, hash FROM events ORDER BY id' | md5sum)" \
        "$(q "$DB" "SELECT id, hash FROM events ORDER BY id LIMIT $ne" | md5sum)"
    check_eq "copy $k: no temporary file left" "$(ls "$T" | grep -c "copy$k.db.tmp" || true)" 0
done
total=$(q "$DB" 'SELECT count(*) FROM appeals')
if [ "$(q "$T/copy1.db" 'SELECT count(*) FROM appeals')" -gt 3 ] &&
    [ "$(q "$T/copy1.db" 'SELECT count(*) FROM appeals')" -lt "$total" ]; then
    ok "copy 1 was taken mid-write (more than the 3 first, fewer than all $total)"
else
    bad "copy 1 was taken mid-write" "$(q "$T/copy1.db" 'SELECT count(*) FROM appeals') of $total"
fi

# a regular file is replaced whole; what is not one is refused and left alone
ss backup --to "$T/copy1.db"
check_eq "backup over an old backup: exit 0" "$RC" 0
check_eq "it now holds all $total appeals" "$(q "$T/copy1.db" 'SELECT count(*) FROM appeals')" "$total"
mkdir "$T/adir"
ss backup --to "$T/adir"
check_refusal "backup to a directory" nz "a directory|--to"
mkfifo "$T/fifo"
ss backup --to "$T/fifo"
check_refusal "backup to a FIFO" nz "FIFO"
check_eq "the FIFO is still one" "$(stat -c %F "$T/fifo")" fifo
ss backup --to "$T/nodir/x.db"
check_refusal "backup into a missing directory" nz "nodir"
ss backup
check_refusal "backup without --to" 2 "--to"
cli_end
