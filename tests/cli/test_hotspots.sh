#!/usr/bin/env bash
# test_hotspots.sh -- hot spots (热点) of the ledger and of an outside file: planted matters,
# each raised by several callers in their own words among one-off appeals, come out as the
# groups, best first, with their growth against the period before; a broken file is refused
# naming its line; only the roles of appeal.hotspots may ask.
# usage: bash tests/cli/test_hotspots.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
setup_org

reg() { # AT PHONE TITLE CONTENT
    ss --at "$1" register --channel 12345热线 --kind 投诉 --phone "$2" --title "$3" --content "$4"
    [ "$RC" -eq 0 ] || bad "register $3" "$ERR"
    echo "$OUT"
}
openers=(反映 投诉 请求解决 关于 强烈要求处理 再次反映)
LAMP=() NOISE=()
for k in 0 1 2 3 4; do # five callers about the mixing plant, in November
    LAMP+=("$(reg "2026-11-0$((k + 2))T09:00" "1381234000$k" "${openers[$k]}丽发新城小区附近搅拌站夜间施工噪音扰民" \
        "本人住在丽发新城小区，附近搅拌站夜间施工噪音很大，影响休息。")")
done
for k in 0 1 2; do # three about the night market; one of them in October, the period before
    day=$([ "$k" -eq 0 ] && echo 2026-10-20 || echo "2026-11-1$k")
    NOISE+=("$(reg "${day}T10:00" "1390000000$k" "${openers[$k]}魅力之城小区一楼夜宵摊油烟直排扰民" \
        "魅力之城小区一楼夜宵摊油烟直排，夜里吵闹，请处理。")")
done
reg 2026-11-05T11:00 13700000001 育才路口红绿灯时间太短 "育才路口红绿灯时间太短，老人过不去。" >/dev/null
reg 2026-11-06T11:00 13700000002 东湖公园厕所无人清扫 "东湖公园厕所很久没人打扫。" >/dev/null
reg 2026-11-07T11:00 13700000003 青山村自来水浑浊发黄 "青山村的自来水最近浑浊发黄。" >/dev/null

ss hotspots --from 2026-11-01 --to 2026-11-30 --format json
printf '%s\n' "$OUT" >"$T/h.json"
check_eq "two groups in November" "$(json_get "$T/h.json" groups)" "2"
check_eq "the mixing plant first" "$(json_get "$T/h.json" hotspots.0.place)" "丽发新城小区"
check_eq "... with its five appeals" "$(json_get "$T/h.json" hotspots.0.appeals)" "5"
check_eq "... from five callers" "$(json_get "$T/h.json" hotspots.0.callers)" "5"
check_eq "... and nothing before: growth at its cap" "$(json_get "$T/h.json" hotspots.0.trend)" "2.0"
got=$("$PY" -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["hotspots"][0]["codes"])))' "$T/h.json")
check_eq "... its codes are exactly the planted ones" "$got" "$(printf '%s\n' "${LAMP[@]}" | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "the night market second, two appeals in the period" "$(json_get "$T/h.json" hotspots.1.appeals)" "2"
check_eq "... one in the period before" "$(json_get "$T/h.json" hotspots.1.previous)" "1"
check_eq "... a trend of +100 %" "$(json_get "$T/h.json" hotspots.1.trend)" "1.0"
check_not "no personal data in hot spots" "$OUT" "138123"
check_eq "no alert at the default score of 10 (7.5 and 5.0 here)" "$(json_get "$T/h.json" alerts)" "0"
dbq "$DB" "INSERT INTO settings (key, value) VALUES ('hotspot_alert_score', '6')" >/dev/null
ss hotspots --from 2026-11-01 --to 2026-11-30 --format json
printf '%s\n' "$OUT" >"$T/h2.json"
check_eq "a site's own alert score: the mixing plant (7.5) is an alert" "$(json_get "$T/h2.json" alerts)" "1"
check_eq "... marked on the group" "$(json_get "$T/h2.json" hotspots.0.alert)" "true"
check_eq "... and the night market (5.0) is not" "$(json_get "$T/h2.json" hotspots.1.alert)" "false"
ss hotspots --from 2026-11-01 --to 2026-11-30 --top 1
check_has "the table names the place" "$OUT" "丽发新城小区"
check_not "--top 1 lists one" "$OUT" "魅力之城"
ss hotspots --from 2026-12-01 --to 2026-12-31
check_has "a month without groups says so" "$OUT" "没有发现热点"
ss hotspots --from 2026-11-01
check_refusal "--from without --to" 1 "to"
ss hotspots --from 2026-11-30 --to 2026-11-01
check_refusal "a period that ends before it starts" 1 "before"
ss hotspots --from 2025-01-01 --to 2026-11-30
check_refusal "a period of more than a year" 1 "366"
ss hotspots --from 2026-11-01 --to 2026-11-30 --top 0
check_refusal "--top 0" 1 "top"
ss --as zj hotspots --from 2026-11-01 --to 2026-11-30
check_refusal "a unit's handler may not see the district's hot spots" 1 "zj"
ss --as boss hotspots --from 2026-11-01 --to 2026-11-30 --format json
check_has "a leader may" "$OUT" "丽发新城小区"

# An outside file with the columns of hotspot.tsv.
{
    printf '留言编号\t留言用户\t留言主题\t留言时间\t留言详情\t点赞数\t反对数\n'
    for k in 1 2 3; do
        printf '%d\tU%d\t%s伊景园滨河苑车位捆绑销售\t2019-07-0%d 10:00:00\t伊景园滨河苑开发商捆绑销售车位，不买车位不给办手续。\t%d\t0\n' \
            "$k" "$k" "${openers[$k]}" "$k" "$((k * 10))"
    done
    printf '9\tU9\t东湖公园厕所无人清扫\t2019-07-09 10:00:00\t东湖公园厕所很久没人打扫。\t0\t0\n'
} >"$T/m.tsv"
ss hotspots --tsv "$T/m.tsv" --format json
printf '%s\n' "$OUT" >"$T/t.json"
check_eq "a file's messages group too" "$(json_get "$T/t.json" hotspots.0.codes)" "[1, 2, 3]"
check_eq "... with their likes" "$(json_get "$T/t.json" hotspots.0.likes)" "60"
check_eq "... and the place read from the titles" "$(json_get "$T/t.json" hotspots.0.place)" "伊景园滨河苑"
printf 'id\tuser\n1\tx\n' >"$T/bad1.tsv"
ss hotspots --tsv "$T/bad1.tsv"
check_refusal "a file without the header" 1 "line 1|留言编号"
{ head -n 2 "$T/m.tsv"; printf '5\tU5\t标题\n'; } >"$T/bad2.tsv"
ss hotspots --tsv "$T/bad2.tsv"
check_refusal "a short row names its line" 1 "line 3|7 tab-separated columns"
{ head -n 2 "$T/m.tsv"; printf '5\tU5\t标题\t昨天\t内容\t0\t0\n'; } >"$T/bad3.tsv"
ss hotspots --tsv "$T/bad3.tsv"
check_refusal "a bad time names its line" 1 "line 3|留言时间|昨天"
printf '留言编号\t留言用户\n\xff\xfe\n' >"$T/bad4.tsv"
ss hotspots --tsv "$T/bad4.tsv"
check_refusal "a file that is not UTF-8" 1 "UTF-8"
ss hotspots --tsv "$T/none.tsv"
check_refusal "a missing file" 1 "none.tsv"
cli_end
