#!/usr/bin/env bash
# test_classify.sh -- `shishi classify eval` on a small fixed pair of files: the figures are
# the ones worked out by hand (5 of 6 right; 停车 precision 3/4 recall 1, 噪音 precision 1
# recall 2/3; macro-F1 (6/7 + 4/5) / 2); broken files are refused naming the line.
# Then `shishi learn` on a ledger: appeals dispatched to 区住建局 about buildings and to
# 区城管局 about street stalls teach the models, and a new appeal is answered with the right
# unit and area while it waits for dispatch, to those who may dispatch it.
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

setup_org
reg() { # UNIT AREA TITLE CONTENT
    ss --at 2026-11-02T09:00 register --channel 12345热线 --kind 投诉 --area "$2" --title "$3" --content "$4"
    local code=$OUT
    ss --at 2026-11-02T10:00 dispatch "$code" --unit "$1"
}
for k in 1 2 3 4; do
    reg 区住建局 宜居 "${k}号楼外墙脱落" "小区${k}号楼外墙瓷砖脱落，楼道漏水，物业维修不及时"
    reg 区城管局 宜业 "路边摊占道经营${k}" "街边摊贩占道经营，油烟扰民，乱摆乱放影响通行"
done
ss --as zj learn
check_refusal "a unit's handler may not train the suggestions" 1 "zj"
expect_ok "learn" learn
check_eq "learn says what it learnt from" "$OUT" "learnt lead units from 8 appeals (2 units), focus areas from 8 (2 areas)"
ss --at 2026-11-03T09:00 register --channel 12345热线 --kind 投诉 --title 楼道漏水 --content "6号楼楼道漏水，外墙也有脱落" --format json
printf '%s\n' "$OUT" >"$T/r.json"
check_eq "a new appeal is suggested its lead unit" "$(json_get "$T/r.json" suggested.unit.0.name)" "区住建局"
check_eq "... and its focus area" "$(json_get "$T/r.json" suggested.area.0.name)" "宜居"
check_match "... with a confidence over one half" "$(json_get "$T/r.json" suggested.unit.0.confidence)" '^(0\.[5-9][0-9]*|1\.0)$'
NEW=$(json_get "$T/r.json" code)
ss show "$NEW" --format json
check_has "the appeal's read carries the suggestion" "$OUT" '"suggested"'
expect_ok "dispatch the new one" --at 2026-11-03T10:00 dispatch "$NEW" --unit 区住建局
ss show "$NEW" --format json
check_not "once dispatched, no more suggestion" "$OUT" '"suggested"'
ss --at 2026-11-03T11:00 register --channel 12345热线 --kind 投诉 --title 占道经营 --content "夜市摊贩占道，油烟很大" --format json
printf '%s\n' "$OUT" >"$T/r2.json"
check_eq "a stall appeal is suggested 区城管局" "$(json_get "$T/r2.json" suggested.unit.0.name)" "区城管局"
ss --as audit show "$(json_get "$T/r2.json" code)" --format json
check_not "the auditor, who may not dispatch, sees no suggestion" "$OUT" '"suggested"'
cli_end
