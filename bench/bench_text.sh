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

# ---- the classifier against fastText on messages.tsv, its README's split (划分) ----------
msgs=$root/../shared/data/appeals/messages.tsv
if [ -r "$msgs" ]; then
    command -v fasttext >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y fasttext >/dev/null
    w=$(mktemp -d /tmp/bench_text.XXXXXX)
    trap 'rm -rf "$w"' EXIT
    for part in train test; do # id, label, title + detail
        awk -F'\t' -v p="$part" 'NR > 1 && $9 == p { print $1 "\t" $6 "\t" $3 " " $5 }' "$msgs" >"$w/$part.tsv"
        # fastText: character tokens (each non-space character a word), word n-grams 2
        python3 -c 'import sys
for l in open(sys.argv[1], encoding="utf-8"):
    i, lab, t = l.rstrip("\n").split("\t", 2)
    print("__label__" + lab, " ".join(ch for ch in t if not ch.isspace()))' "$w/$part.tsv" >"$w/$part.ft"
    done
    echo "== classifier on messages.tsv: $(wc -l <"$w/train.tsv") train, $(wc -l <"$w/test.tsv") test"
    "$shishi" classify eval --train "$w/train.tsv" --test "$w/test.tsv" --format json >"$w/ss.json"
    ss_t=$(median3 "$shishi" classify eval --train "$w/train.tsv" --test "$w/test.tsv")
    macro() { python3 -c 'import sys
gold = [l.split()[0] for l in open(sys.argv[1])]; pred = [l.strip() for l in open(sys.argv[2])]
f = []
for c in sorted(set(gold)):
    tp = sum(g == c and p == c for g, p in zip(gold, pred)); fp = sum(g != c and p == c for g, p in zip(gold, pred))
    fn = sum(g == c and p != c for g, p in zip(gold, pred))
    pr = tp / (tp + fp) if tp + fp else 0; rc = tp / (tp + fn) if tp + fn else 0
    f.append(2 * pr * rc / (pr + rc) if pr + rc else 0)
print("%.4f" % (sum(f) / len(f)))' "$1" "$2"; }
    ft() { # NAME ARGS... -> "macro-F1 seconds"
        local name=$1
        shift
        local s e
        s=$(date +%s.%N)
        fasttext supervised -input "$w/train.ft" -output "$w/$name" -wordNgrams 2 -thread 1 -verbose 0 "$@"
        fasttext predict "$w/$name.bin" "$w/test.ft" >"$w/$name.pred"
        e=$(date +%s.%N)
        echo "$(macro "$w/test.ft" "$w/$name.pred") $(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')"
    }
    read -r ftd ftd_t <<<"$(ft default)"
    read -r ftt ftt_t <<<"$(ft tuned -epoch 25 -lr 0.5)"
    python3 - "$w/ss.json" "$ss_t" "$ftd" "$ftd_t" "$ftt" "$ftt_t" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); t = float(sys.argv[2])
ftd, ftd_t, ftt, ftt_t = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
print("shishi (complement NB):       macro-F1 %.4f, accuracy %.4f, train %.3f s, %.0f predictions/s, run %.2f s"
      % (s["macro_f1"], s["accuracy"], s["train_seconds"], s["predict_per_second"], t))
print("fastText defaults (5 epochs):  macro-F1 %.4f, run %.2f s" % (ftd, ftd_t))
print("fastText -epoch 25 -lr 0.5:    macro-F1 %.4f, run %.2f s" % (ftt, ftt_t))
print("ratio shishi / fastText macro-F1: %.3f (defaults), %.3f (tuned)"
      % (s["macro_f1"] / ftd if ftd else float("inf"), s["macro_f1"] / ftt))
PY
fi
