#!/usr/bin/env bash
# cluster.sh -- a throwaway PostgreSQL cluster for tests, in a directory of its own.
#   cluster.sh start DIR          initdb (UTF8, C.UTF-8, trust) in DIR and start it on a free
#                                 loopback port; prints the URL base postgresql://postgres@127.0.0.1:PORT
#   cluster.sh createdb DIR NAME  creates an empty database NAME; prints its full URL
#   cluster.sh stop DIR           stops the server and removes DIR (also after a half-failed start)
#   cluster.sh pause DIR          stops the server (pg_ctl stop -m fast), keeping DIR and its port
#   cluster.sh resume DIR         starts the paused server again on the same port
#   cluster.sh restart DIR        pause and resume: pg_ctl restart -m fast
# The server refuses to run as root: as root, it runs as the `postgres` system user the
# Debian package creates, and DIR is handed to that user. It listens on 127.0.0.1 only and
# keeps its unix sockets in DIR, so it never meets a system cluster.
set -euo pipefail

die() {
    echo "cluster.sh: $*" >&2
    exit 1
}

bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return 0
        fi
    done
    die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install the 'postgresql' package (scripts/setup.sh does)"
}

# Runs a server program as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: cluster.sh start|stop DIR | createdb DIR NAME"

case "$cmd" in
start)
    bin=$(bindir)
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' system user to run the server as (install the 'postgresql' package)"
    fi
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || die "'$dir' is not empty"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" --encoding=UTF8 --locale=C.UTF-8 --auth=trust \
        --username=postgres >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        die "initdb failed in '$dir'"
    }
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        # A throwaway cluster: durability is not wanted, speed is.
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
            -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            >/dev/null 2>&1; then
            echo "$port" >"$dir/port"
            echo "postgresql://postgres@127.0.0.1:$port"
            exit 0
        fi
        grep -q "could not bind\|Address already in use" "$dir/server.log" 2>/dev/null || break
    done
    cat "$dir/server.log" >&2 2>/dev/null || true
    die "the server in '$dir' did not start"
    ;;
createdb)
    name=${3:-}
    [ -n "$name" ] || die "usage: cluster.sh createdb DIR NAME"
    bin=$(bindir)
    [ -f "$dir/port" ] || die "no running cluster in '$dir'"
    port=$(cat "$dir/port")
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres -T template0 -E UTF8 \
        --lc-collate=C.UTF-8 --lc-ctype=C.UTF-8 "$name" || die "createdb '$name' failed"
    echo "postgresql://postgres@127.0.0.1:$port/$name"
    ;;
pause)
    bin=$(bindir)
    [ -f "$dir/port" ] || die "no running cluster in '$dir'"
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || die "pg_ctl stop failed in '$dir'"
    ;;
resume)
    bin=$(bindir)
    [ -f "$dir/port" ] || die "no cluster in '$dir'"
    port=$(cat "$dir/port")
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null || die "the server in '$dir' did not start again"
    ;;
restart)
    bin=$(bindir)
    [ -f "$dir/port" ] || die "no running cluster in '$dir'"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null ||
        die "pg_ctl restart failed in '$dir'"
    ;;
stop)
    [ -e "$dir" ] || exit 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        bin=$(bindir)
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || {
            # pg_ctl could not: end the postmaster we started, by its pid, and only it.
            pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
            [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
        }
    fi
    rm -rf "$dir"
    ;;
*)
    die "unknown command '$cmd' (start, createdb, pause, resume, restart or stop)"
    ;;
esac
