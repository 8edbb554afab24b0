#!/usr/bin/env bash
# bench_text.sh -- the text methods on real data: hot spots on the 4,326 public messages of
# ../shared/data/appeals/hotspot.tsv (附件3 of the 2020 TipDM Cup; see its README), with the
# top five groups printed and the run timed (median of 3) against reading the same file
# with `wc` in the same run.
# usage: bash bench/bench_text.sh [path/to/hotspot.tsv]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tsv=${1:-$root/../shared/data/appeals/hotspot.tsv}
[ -r "$tsv" ] || { echo "bench_text: cannot read $tsv" >&2; exit 1; }
bash "$root/bench/run.sh" --build-only
shishi="$root/build-bench/shishi"

median3() { # COMMAND... -> seconds, the median of three runs
    local t=()
    for _ in 1 2 3; do
        local s e
        s=$(date +%s.%N)
        "$@" >/dev/null
        e=$(date +%s.%N)
        t+=("$(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')")
    done
    printf '%s\n' "${t[@]}" | sort -n | sed -n 2p
}
rows=$(($(wc -l <"$tsv") - 1))
echo "== hot spots of $rows messages ($tsv)"
"$shishi" hotspots --tsv "$tsv" --top 5
hs=$(median3 "$shishi" hotspots --tsv "$tsv" --top 5)
ref=$(median3 wc -m "$tsv")
awk -v hs="$hs" -v ref="$ref" -v n="$rows" 'BEGIN {
    printf "hotspots: %.3f s (median of 3), %.0f messages/s; reading the file with wc -m: %.3f s; ratio %.1f\n", hs, n / hs, ref, hs / ref }'
