#!/usr/bin/env bash
# test_vote_adopt.sh -- a closed vote's chosen candidates become projects (svc_vote_adopt,
# service/vote_adopt.c): each chosen candidate gets its project's code, the others none; the
# session gets one "adopt" event; adopting twice, adopting an open session and adopting as a
# leader are refused; the chain verifies. The demo's vote is adopted too.
# usage: bash tests/cli/test_vote_adopt.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

setup_org
expect_ok "vote create" vote create --code RD --title 票决 --year 2021 --max-select 1
expect_ok "deputies" vote deputy RD --name 甲 --name 乙 --name 丙
expect_ok "c1" vote candidate RD --title 乡镇公路提质改造 --area 宜行 --unit 区住建局 --measure 公里 --target 35.5 --budget 1200
expect_ok "c2" vote candidate RD --title 农贸市场改造 --area 宜居 --unit 区城管局 --measure 个 --target 2 --budget 300
expect_ok "open" vote open RD
refuse "adopt an open session" 1 "only a closed vote is adopted" -- vote adopt RD
# c1: 3 yes (chosen); c2: 2 yes (passes, 4 > 3, but max_select 1)
expect_ok "ballots" vote ballot RD --file <(printf '甲,1,赞成\n乙,1,赞成\n丙,1,赞成\n甲,2,赞成\n乙,2,赞成\n丙,2,反对\n')
expect_ok "close" vote close RD
refuse "leader may not adopt" 1 "may not adopt a vote" -- --as boss vote adopt RD
expect_ok "adopt" vote adopt RD
check_eq "adopt says how many" "$OUT" "1 project adopted from vote session RD"
refuse "adopt twice" 1 "vote session RD has already been adopted" -- vote adopt RD
ss vote show RD --format json --history
printf '%s\n' "$OUT" >"$T/v.json"
check_json "adopted" "$T/v.json" candidates.1.project null history.-1.action adopt \
    "py:d['adopted_at'] is not None" true \
    "py:__import__('re').fullmatch(r'SS2021-\d{3}', d['candidates'][0]['project']) is not None" true
expect_ok "audit verify" audit verify
check_has "audit ok" "$OUT" "audit ok"

# the demo's vote, adopted by the demo itself
DB=$T/demo.db
expect_ok "demo" demo
ss vote show RD2021-01 --format json
printf '%s\n' "$OUT" >"$T/d.json"
check_json "demo adopted" "$T/d.json" \
    "py:[c['project'] is not None for c in d['candidates']]" "[true,true,true,true,true,false,false]"
expect_ok "demo audit verify" audit verify

cli_end
