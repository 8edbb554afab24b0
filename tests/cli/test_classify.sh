#!/usr/bin/env bash
# test_classify.sh -- `shishi classify eval` on a small fixed pair of files: the figures are
# the ones worked out by hand (5 of 6 right; 停车 precision 3/4 recall 1, 噪音 precision 1
# recall 2/3; macro-F1 (6/7 + 4/5) / 2); broken files are refused naming the line.
# usage: bash tests/cli/test_classify.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
printf 'id\tlabel\ttext\n1\t停车\t小区停车难，车位不够\n2\t停车\t车位被占，停车收费太贵\n3\t停车\t乱停车堵住消防通道\n4\t噪音\t夜间施工噪音扰民\n5\t噪音\t广场舞音响太吵扰民\n6\t噪音\t装修噪音影响休息\n' >"$T/train.tsv"
# The sixth is labelled 噪音 but speaks only of parking: the one expected mistake.
printf '11\t停车\t停车位不够用\n12\t停车\t车位收费\n13\t停车\t消防通道被车堵住\n14\t噪音\t施工噪音太吵\n15\t噪音\t音响扰民\n16\t噪音\t车位被占停车难\n' >"$T/test.tsv"
run classify eval --train "$T/train.tsv" --test "$T/test.tsv" --format json
printf '%s\n' "$OUT" >"$T/e.json"
check_eq "accuracy 5/6" "$("$PY" -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["accuracy"], 6))' "$T/e.json")" "0.833333"
check_eq "macro-F1 (6/7 + 4/5) / 2" "$("$PY" -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["macro_f1"], 6))' "$T/e.json")" "0.828571"
check_eq "停车: precision 3/4, recall 1" "$("$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["classes"][0]; print(c["label"], c["precision"], c["recall"], c["support"])' "$T/e.json")" "停车 0.75 1.0 3"
check_eq "the confusion matrix" "$(json_get "$T/e.json" confusion)" "[[3, 0], [1, 2]]"
run classify eval --train "$T/train.tsv" --test "$T/test.tsv"
check_has "the table says the figures in Chinese" "$OUT" "宏平均 macro-F1 0.8286"
check_has "and the confusion matrix" "$OUT" "混淆矩阵"
printf '1\t停车\n' >"$T/bad.tsv"
run classify eval --train "$T/bad.tsv" --test "$T/test.tsv"
check_refusal "a row without its text" 1 "line 1|3 tab-separated columns"
run classify eval --train "$T/train.tsv"
check_refusal "eval without --test" 1 "test"
run classify eval --train "$T/train.tsv" --test "$T/none.tsv"
check_refusal "a missing file" 1 "none.tsv"
run classify eval --train "$T/train.tsv" --test "$T/test.tsv" --alpha -1
check_refusal "a bad --alpha" 1 "alpha"
cli_end
