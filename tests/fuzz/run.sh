#!/usr/bin/env bash
# run.sh -- builds each tests/fuzz/fuzz_*.c with clang's libFuzzer, ASan and UBSan, and runs
# it over its seed corpus (tests/fuzz/corpus/<name>/) for a bounded number of inputs.
# Usage: tests/fuzz/run.sh [BUILD_DIR] [RUNS]   (longer runs on demand: RUNS=10000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-build-fuzz}"
runs="${2:-20000}"
mkdir -p "$out"
common=(src/util/err.c src/util/xalloc.c src/util/civil.c src/util/utf8.c src/core/workday.c
        src/core/appeal.c src/core/policy.c src/core/text.c src/core/deadline.c
        src/core/ruleset.c src/service/rules_json.c src/text/sketch.c src/text/hotspot.c
        src/text/hotspot_tsv.c)
flags=(-std=c17 -g -O1 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
       -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
for src in tests/fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    corpus="tests/fuzz/corpus/${name#fuzz_}"
    clang "${flags[@]}" "$src" "${common[@]}" -ljansson -lm -o "$out/$name"
    work="$out/$name.corpus"
    rm -rf "$work"
    mkdir -p "$work"
    cp "$corpus"/* "$work"/
    echo "fuzz: $name ($runs runs)"
    "$out/$name" -runs="$runs" -max_len=4096 -timeout=10 "$work" >"$out/$name.log" 2>&1 || {
        tail -40 "$out/$name.log"
        echo "fuzz: $name FAILED"
        exit 1
    }
    tail -1 "$out/$name.log"
done
