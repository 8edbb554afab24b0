#!/usr/bin/env bash
# test_bulletin.sh -- the monthly bulletin on the demo: July 2021 in PDF, HTML, XLSX and CSV
# agree with each other and with `report` (read back by LibreOffice, pdftotext, pdftoppm and
# an HTML parser: tests/cli/bulletin_check.py), the year's figures are the district's, every
# figure opens to appeal codes, and bad requests leave no file behind.
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
cli_begin "$@"
AT=2022-06-30T12:00

expect_ok "demo loads" demo
for f in pdf html xlsx csv; do
    expect_ok "bulletin --month 2021-07 --format $f" --at $AT bulletin --month 2021-07 --format $f --out "$T/b07.$f"
    check_eq "bulletin prints the path it wrote ($f)" "$OUT" "$T/b07.$f"
done
expect_ok "report for July 2021" --at $AT report --from 2021-07-01 --to 2021-07-31 --format json
printf '%s\n' "$OUT" >"$T/r07.json"
if out=$("$PY" "$(dirname "$0")/bulletin_check.py" "$T" b07 "$T/r07.json" 2>&1); then
    ok "the four formats agree with each other and with report"
else
    bad "the four formats agree with each other and with report" "$(printf '%s\n' "$out" | grep -v '^ok' | head -20)"
fi
printf '%s\n' "$out" | grep -c '^ok' | { read -r n; check_eq "read-back checks ran" "$([ "$n" -gt 40 ] && echo many || echo "$n")" many; }

# The year in one bulletin: the district's figures.
expect_ok "bulletin for 2021" --at $AT bulletin --from 2021-01-01 --to 2021-12-31 --format csv --out "$T/y.csv"
summary=$(sed -n '3,12p' "$T/y.csv" | tr -d '\r')
check_has "2021: 2595 received" "$summary" "受理量,2595,"
check_has "2021: reply rate 100%" "$summary" "回复率(%),100.00,"
timely=$(printf '%s\n' "$summary" | grep '^及时处理率' | cut -d, -f2)
check_eq "2021: timely rate rounds to 95%" "$(printf '%.0f' "$timely")" 95

# Every rate of the bulletin opens to appeal codes, and the counts add up.
expect_ok "bulletin --explain timely_rate" --at $AT bulletin --month 2021-07 --explain timely_rate --format json
printf '%s\n' "$OUT" >"$T/x.json"
check_json "explain: July's timely rate" "$T/x.json" \
    "py:d['rate']" "$(grep '^及时处理率' "$T/b07.csv" | cut -d, -f2 | sed 's/\.\?0*$//')" \
    "py:len(d['denominator_appeals'])" "$(grep '^纳入考核量' "$T/b07.csv" | cut -d, -f2)" \
    "py:all(c.startswith('YD202107') for c in d['denominator_appeals'])" true
late=$(awk -F, '/^四、超期诉求/{on=1;next} on&&/^$|^\r$/{exit} on&&$7~/超期/{n++} END{print n+0}' "$T/b07.csv")
check_json "explain: the late appeals are the overdue list" "$T/x.json" \
    "py:len(d['denominator_appeals'])-len(d['numerator_appeals'])" "$late"
unit=$(awk -F, '/^三、承办单位综合排名/{getline; getline; print $2; exit}' "$T/b07.csv")
expect_ok "bulletin --explain for the top unit" --at $AT bulletin --month 2021-07 --explain response_rate --unit "$unit" --format json
printf '%s\n' "$OUT" >"$T/xu.json"
check_json "explain: a unit's response rate" "$T/xu.json" "py:d['denominator']>0" true

# Bad requests: a clear error, and no file.
refuse "bulletin: a bad month" 1 "'2021-13'" -- bulletin --month 2021-13 --format pdf --out "$T/bad.pdf"
refuse "bulletin: an unknown format" 1 "'docx'" -- bulletin --month 2021-07 --format docx --out "$T/bad.docx"
refuse "bulletin: no --out" 1 "--out" -- bulletin --month 2021-07 --format pdf
refuse "bulletin: month and dates both" 1 "--month" -- bulletin --month 2021-07 --from 2021-07-01 --to 2021-07-31 --format csv --out "$T/bad.csv"
for f in pdf html xlsx csv; do
    refuse "bulletin: $f into a missing directory" 1 "$T/no/such/dir/b.$f" -- bulletin --month 2021-07 --format $f --out "$T/no/such/dir/b.$f"
done
check_eq "no file left by a refused bulletin" "$(ls "$T" | grep -c '^bad' || true)" 0
refuse "bulletin --explain: a bad month" 1 "'2021-13'" -- bulletin --month 2021-13 --explain reply_rate
refuse "bulletin --explain: a date with a digit too many" 1 "'2021-07-011'" -- bulletin --from 2021-07-011 --to 2021-07-31 --explain reply_rate
refuse "bulletin: unknown rule version" 1 "version 7" -- bulletin --month 2021-07 --rules 7 --format csv --out "$T/bad.csv"

# An empty month: every rate is a dash, never 0% or NaN.
expect_ok "bulletin for a month without appeals" --at $AT bulletin --month 2019-03 --format csv --out "$T/empty.csv"
check_has "empty month: reply rate is a dash" "$(tr -d '\r' <"$T/empty.csv")" "回复率(%),—,—,—"
check_not "empty month: no NaN" "$(cat "$T/empty.csv")" "nan"
cli_end
