#!/usr/bin/env bash
# run.sh -- builds each tests/fuzz/fuzz_*.c with clang's libFuzzer, ASan and UBSan, and runs
# it over its seed corpus (tests/fuzz/corpus/<name>/) for a bounded number of inputs.
# Usage: tests/fuzz/run.sh [BUILD_DIR] [RUNS] [HTTP_RUNS]   (longer runs on demand:
# RUNS=10000000). The parsers take RUNS inputs each; fuzz_http, a whole request through the
# router, handlers and a SQLite ledger per input (a few hundred a second at best), takes
# HTTP_RUNS (default: RUNS / 100). Its input format is at the top of tests/fuzz/fuzz_http.c.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-build-fuzz}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac # absolute: the cmake step below runs elsewhere
runs="${2:-20000}"
http_runs="${3:-$((runs / 100))}"
mkdir -p "$out"
# fuzz_http links the whole program but the server's socket half (server.c, static.c and the
# console) and the CLI, with the holiday calendars and migrations embedded as the build does.
shopt -s nullglob
cmake -DOUT="$out/embedded.c" -DHOLIDAYS="$(ls "$PWD"/data/holidays/*.txt | paste -sd'|')" \
      -DMIGRATIONS="$(ls "$PWD"/src/store/migrations/*.sql | paste -sd'|')" -P cmake/embed.cmake \
      >/dev/null
http=("$out/embedded.c")
for f in src/util/*.c src/core/*.c src/store/*.c src/service/*.c src/report/*.c src/text/*.c \
         src/http/*.c; do
    case "$f" in src/http/server.c | src/http/static.c) ;; *) http+=("$f") ;; esac
done
deps="sqlite3 jansson libsodium libmicrohttpd libpq pangocairo cairo xlsxwriter"
# shellcheck disable=SC2207
http_cflags=($(pkg-config --cflags $deps))
# shellcheck disable=SC2207
http_libs=($(pkg-config --libs $deps) -lpthread -lm)
common=(src/util/err.c src/util/xalloc.c src/util/civil.c src/util/utf8.c src/core/workday.c
        src/core/appeal.c src/core/policy.c src/core/text.c src/core/deadline.c
        src/core/ruleset.c src/service/rules_json.c src/text/sketch.c src/text/hotspot.c
        src/text/hotspot_tsv.c)
flags=(-std=c17 -g -O1 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
       -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    corpus="tests/fuzz/corpus/${name#fuzz_}"
    n="$runs"
    if [ "$name" = fuzz_http ]; then
        n="$http_runs"
        clang "${flags[@]}" "${http_cflags[@]}" "$src" "${http[@]}" "${http_libs[@]}" -o "$out/$name"
    else
        clang "${flags[@]}" "$src" "${common[@]}" -ljansson -lm -o "$out/$name"
    fi
    work="$out/$name.corpus"
    rm -rf "$work"
    mkdir -p "$work"
    cp "$corpus"/* "$work"/
    echo "fuzz: $name ($n runs)"
    "$out/$name" -runs="$n" -max_len=4096 -timeout=10 -artifact_prefix="$out/" "$work" >"$out/$name.log" 2>&1 || {
        tail -40 "$out/$name.log"
        echo "fuzz: $name FAILED"
        exit 1
    }
    tail -1 "$out/$name.log"
done
