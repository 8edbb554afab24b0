#!/usr/bin/env bash
# run.sh -- build the store benchmark (Release, in build-bench/) and run it.
# Usage, from anywhere:  bash bench/run.sh [bench_store options]
#   e.g. bash bench/run.sh --appeals 20000 --report-appeals 200000 --profile
# Everything after the script name goes to bench_store (bench_store --help lists it).
#   bash bench/run.sh --build-only   builds bench_store and the shishi binary, runs nothing
#                                    (bench_pg.sh uses it: it needs 'shishi init')
# Not part of the test run: the target is EXCLUDE_FROM_ALL and has no ctest entry.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
generator=()
if [ ! -e "$build/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ "${1:-}" = "--build-only" ]; then
    cmake --build "$build" --target bench_store shishi >/dev/null
    exit 0
fi
cmake --build "$build" --target bench_store >/dev/null
exec "$build/bench_store" "$@"
