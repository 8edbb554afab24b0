#!/usr/bin/env bash
# test_vote_demo.sh -- the demo's deputies' vote (service/demo_votes.c): a closed 2021 session
# of 48 deputies and 7 candidates, every deputy voting on every candidate, at most 5 chosen,
# with the town road upgrade (乡镇公路提质改造) among them; the chain verifies.
# usage: bash tests/cli/test_vote_demo.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

expect_ok "demo" demo
ss vote show RD2021-01 --format json
printf '%s\n' "$OUT" >"$T/v.json"
# yes counts as the fixed-seed ballots give them; 6 pass (yes * 2 > 48), the 5 best chosen
check_json "demo vote" "$T/v.json" state closed year 2021 roster 48 ballots 336 turnout 48 \
    max_select 5 rule majority_of_all chosen 5 "#candidates" 7 \
    candidates.0.title 乡镇公路提质改造 candidates.0.chosen true candidates.0.lead_unit 区交通运输局 \
    candidates.0.area 宜行 candidates.0.target 120.5 candidates.0.budget 8600 \
    "py:[c['yes'] for c in d['candidates']]" "[43,44,43,37,32,27,9]" \
    "py:[c['rank'] for c in d['candidates']]" "[2,1,2,4,5,6,0]" \
    "py:[c['chosen'] for c in d['candidates']]" "[true,true,true,true,true,false,false]" \
    "py:[c['yes']+c['no']+c['abstain'] for c in d['candidates']]" "[48,48,48,48,48,48,48]" \
    outcome "48 of 48 deputies voted; 6 passed, 5 chosen"
expect_ok "vote list" vote list --format json
printf '%s\n' "$OUT" >"$T/l.json"
check_json "one session listed" "$T/l.json" "#" 1 0.code RD2021-01 0.state closed
expect_ok "audit verify" audit verify
check_match "the vote session matches its history" "$OUT" "^audit ok: .*, 1 vote session and [0-9]+ visits$"

cli_end
