#!/usr/bin/env bash
# test_demo.sh -- the Yongding District demo: the district's reported 2021 figures (2,595
# appeals, reply rate 100%, timely rate 95% rounded), the real cases, a history that
# verifies, determinism, and refusal to load into a database that is not empty.
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
cli_begin "$@"

expect_ok "demo loads" demo
run --db "$DB" --at 2022-06-30T12:00 report --from 2021-01-01 --to 2021-12-31 --format json
echo "$OUT" >"$T/report.json"
check_json "2021 report" "$T/report.json" \
    received 2595 eligible 2595 replied 2595 reply_rate 100 \
    "py:round(d['timely_rate'])" 95 overdue 0 \
    "py:d['by_channel'][0]['name']" 微信群 "py:d['by_channel'][0]['received']" 2595 \
    "py:sum(u['received'] for u in d['by_unit'])" 2595 \
    "py:sum(a['received'] for a in d['by_area'])" 2595 \
    "py:len(d['by_area'])" 10
check_json "timely count is exactly the district's" "$T/report.json" \
    "py:94.5 <= d['timely']*100/d['due'] < 95.5" true

expect_ok "audit verifies" audit verify
check_has "audit says ok" "$OUT" "audit ok"

# the real cases of the campaign are in the ledger
run --db "$DB" list --from 2021-01-01 --to 2021-12-31 --format csv
for needle in 夜间 停车 小坪村 学生 疫苗 接种点 采集指纹; do
    check_has "a 2021 appeal about $needle" "$OUT" "$needle"
done

# the lead departments, towns and villages of the issue
run --db "$DB" unit list --format json
echo "$OUT" >"$T/units.json"
for name in 区委办 区政府办 区教育局 区人社局 永定公安分局 南庄坪街道 枫香岗街道 罗水乡 天门山镇 茅岩河镇 \
    白云村 小坪村 禾家山村; do
    check_json "unit $name" "$T/units.json" "py:any(u['name'] == '$name' for u in d)" true
done
check_json "17 departments" "$T/units.json" "py:sum(u['kind'] == 'department' for u in d)" 17

# January 2022 shows live states and stays out of the 2021 figures
run --db "$DB" list --from 2022-01-01 --to 2022-01-31 --format json
echo "$OUT" >"$T/jan.json"
for st in received dispatched accepted returned rejected merged replied; do
    check_json "a January 2022 appeal is $st" "$T/jan.json" \
        "py:any(a['status'] == '$st' for a in d['items'])" true
done

# phones never leave the list unmasked
check_json "no phone number in full" "$T/jan.json" \
    "py:not any(a['phone'] and a['phone'].isdigit() for a in d['items'])" true
check_json "masked phone shape" "$T/jan.json" \
    "py:all(a['phone'] is None or '****' in a['phone'] for a in d['items'])" true

# deterministic: a second demo (always into a SQLite file) gives the same sealed history,
# whichever backend the first went to
run --db "$T/again.db" demo
check_eq "second demo loads" "$RC" 0
h1=$(dbq "$DB" 'SELECT hash FROM chain_head')
h2=$(dbq "$T/again.db" 'SELECT hash FROM chain_head')
check_eq "same chain head hash" "$h1" "$h2"

# a demo into a database that is not empty is refused and changes nothing
before=$(dbq "$DB" 'SELECT count(*) FROM events')
refuse "demo into a full database" 1 "not empty" -- demo
check_eq "events unchanged" "$(dbq "$DB" 'SELECT count(*) FROM events')" "$before"

# the demo accounts can log in: their password is the documented one
check_eq "demo dispatcher exists" "$(dbq "$DB" "SELECT role FROM users WHERE username='paidan'")" 2
check_has "password stored as Argon2id" \
    "$(dbq "$DB" "SELECT password_hash FROM users WHERE username='paidan'")" '$argon2id$'

cli_end
