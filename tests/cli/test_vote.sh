#!/usr/bin/env bash
# test_vote.sh -- the deputies' vote (人大票决制) end to end: a session of 5 deputies and 3
# candidates counted by hand, a tie at the max_select cut-off, a vote below quorum, every
# refusal with its message, the roles, `audit verify` ok; ballots cannot be changed (the
# trigger), and a tampered count makes `audit verify` fail.
# usage: bash tests/cli/test_vote.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

setup_org
expect_ok "unit add 区交通局" unit add --name 区交通局 --kind department --parent 永定区

# ---- a session: 5 deputies, 3 candidates, at most 1 chosen ---------------------------------
expect_ok "vote create" --at 2021-01-10T09:00 vote create --code RD2021 --title 永定区人大票决 --year 2021 --max-select 1
check_eq "create says draft" "$OUT" "vote session RD2021 created (筹备 draft)"
refuse "duplicate code" 1 "vote session 'RD2021' already exists" -- vote create --code RD2021 --title x --year 2021
refuse "unknown rule" 1 "unknown rule 'two_thirds'" -- vote create --code X1 --title x --year 2021 --rule two_thirds
refuse "open without candidates" 1 "vote session RD2021 has no candidate" -- vote open RD2021
expect_ok "vote deputy (5 names)" vote deputy RD2021 --name 甲 --name 乙 --name 丙 --name 丁 --name 戊
check_eq "deputies added" "$OUT" "5 deputies added to vote session RD2021"
refuse "deputy twice" 1 "deputy '甲' is already on the roster of vote session RD2021" -- vote deputy RD2021 --name 己 --name 甲
refuse "handler may not add deputies" 1 "may not change a roster" -- --as zj vote deputy RD2021 --name 庚
refuse "leader may not add deputies" 1 "may not change a roster" -- --as boss vote deputy RD2021 --name 庚
refuse "ballot in draft" 1 "is 筹备 (draft)|ballots are cast only while it is 投票中 (open)" -- vote ballot RD2021 --deputy 甲 --candidate 1 --choice 赞成
expect_ok "candidate 1" vote candidate RD2021 --title 乡镇公路提质改造 --area 宜居 --unit 区交通局 --measure 公里 --target 35.5 --budget 1200
check_eq "candidate 1 numbered" "$OUT" "candidate 1 乡镇公路提质改造 added to vote session RD2021"
expect_ok "candidate 2" vote candidate RD2021 --title 农贸市场改造 --measure 个 --target 2 --budget 300.25
expect_ok "candidate 3" vote candidate RD2021 --title 学校食堂提质 --measure 所 --target 5
refuse "budget with 3 decimals" 1 "bad quantity '1.234' for budget: give a number >= 0 with at most two decimals" -- vote candidate RD2021 --title x --budget 1.234
refuse "unknown area" 1 "宇宙" -- vote candidate RD2021 --title x --area 宇宙
expect_ok "dispatcher opens" --as disp vote open RD2021
check_eq "open" "$OUT" "vote session RD2021 is open (投票中)"
refuse "open twice" 1 "only a draft session can be opened" -- vote open RD2021
refuse "deputy after open" 1 "deputies are added only while it is 筹备 (draft)" -- vote deputy RD2021 --name 庚
refuse "candidate after open" 1 "candidates are added only while it is 筹备 (draft)" -- vote candidate RD2021 --title x

# c1: 甲乙丙丁 yes, 戊 no -> yes 4; c2: 甲乙丙 yes, 丁 no, 戊 abstains -> yes 3;
# c3: 甲乙 yes, 丙 no, 丁 abstains, 戊 none -> yes 2 (2*2 > 5 fails)
cat >"$T/b.csv" <<'EOF'
deputy,candidate,choice
甲,1,赞成
乙,1,赞成
丙,1,赞成
丁,1,赞成
戊,1,反对
甲,2,赞成
乙,2,赞成
丙,2,赞成
丁,2,反对
戊,2,弃权
EOF
cat >"$T/bad.csv" <<'EOF'
甲,3,赞成
乙,3,赞成
路人,3,赞成
EOF
refuse "file: a deputy not on the roster, all or nothing" 1 "bad.csv line 3: deputy '路人' is not on the roster of vote session RD2021; no ballot recorded" -- vote ballot RD2021 --file "$T/bad.csv"
ss vote show RD2021 --format json
printf '%s\n' "$OUT" >"$T/s0.json"
check_json "nothing of bad.csv recorded" "$T/s0.json" ballots 0 version 6
expect_ok "ballot file" --as disp vote ballot RD2021 --file "$T/b.csv"
check_eq "ballots recorded" "$OUT" "10 ballots recorded in vote session RD2021"
expect_ok "one ballot" vote ballot RD2021 --deputy 甲 --candidate 3 --choice yes
expect_ok "one ballot" vote ballot RD2021 --deputy 乙 --candidate 3 --choice 赞成
expect_ok "one ballot" vote ballot RD2021 --deputy 丙 --candidate 3 --choice 反对
expect_ok "one ballot" vote ballot RD2021 --deputy 丁 --candidate 3 --choice 弃权
refuse "double ballot" 1 "deputy '甲' has already voted on candidate 1 of vote session RD2021" -- vote ballot RD2021 --deputy 甲 --candidate 1 --choice 反对
refuse "double ballot in one file" 1 "line 2: deputy '戊' has already voted on candidate 3" -- vote ballot RD2021 --file <(printf '戊,3,赞成\n戊,3,反对\n')
refuse "not on the roster" 1 "deputy '路人' is not on the roster of vote session RD2021" -- vote ballot RD2021 --deputy 路人 --candidate 1 --choice 赞成
refuse "unknown candidate" 1 "vote session RD2021 has no candidate 9" -- vote ballot RD2021 --deputy 戊 --candidate 9 --choice 赞成
refuse "unknown choice" 1 "unknown choice '同意'" -- vote ballot RD2021 --deputy 戊 --candidate 3 --choice 同意
refuse "leader may not record ballots" 1 "may not record ballots" -- --as boss vote ballot RD2021 --deputy 戊 --candidate 3 --choice 赞成
refuse "bad csv line" 1 "line 1: expected deputy,candidate,choice" -- vote ballot RD2021 --file <(printf '戊;3;赞成\n')
refuse "unknown session" 1 "no vote session 'NOPE'" -- vote ballot NOPE --deputy 甲 --candidate 1 --choice 赞成

expect_ok "close" --as disp vote close RD2021
check_has "close prints the outcome" "$OUT" "5 of 5 deputies voted; 2 passed, 1 chosen"
check_has "close prints the chosen" "$OUT" "入选"
check_has "close prints passed beyond the limit" "$OUT" "通过，超出名额"
ss --as boss vote show RD2021 --format json --history
printf '%s\n' "$OUT" >"$T/s1.json"
check_json "counted" "$T/s1.json" state closed roster 5 ballots 14 turnout 5 chosen 1 \
    candidates.0.yes 4 candidates.0.no 1 candidates.0.abstain 0 candidates.0.passed true \
    candidates.0.rank 1 candidates.0.chosen true candidates.0.tied false \
    candidates.0.budget 1200 candidates.0.target 35.5 candidates.0.area 宜居 candidates.0.lead_unit 区交通局 \
    candidates.1.yes 3 candidates.1.no 1 candidates.1.abstain 1 candidates.1.passed true \
    candidates.1.rank 2 candidates.1.chosen false candidates.1.budget 300.25 \
    candidates.2.yes 2 candidates.2.no 1 candidates.2.abstain 1 candidates.2.passed false \
    candidates.2.rank 0 candidates.0.project null \
    "#history" 21 history.0.action create history.-1.action close history.-2.action ballot \
    "py:sum(1 for h in d['history'] if h['action']=='ballot')" 14 version 21
refuse "ballot after close" 1 "is 已结束 (closed)|ballot of deputy '戊' on candidate 3 refused" -- vote ballot RD2021 --deputy 戊 --candidate 3 --choice 赞成
refuse "close twice" 1 "only an open session can be closed" -- vote close RD2021
refuse "handler may not read" 1 "may not read votes" -- --as zj vote show RD2021
expect_ok "auditor reads" --as audit vote list
check_has "list shows the session" "$OUT" "RD2021"

# ---- a tie at the cut-off: 3 deputies, max 1, both candidates 3 yes --------------------------
expect_ok "tie: create" vote create --code TIE --title 平票 --year 2021 --max-select 1 --rule majority_of_voters
expect_ok "tie: deputies" vote deputy TIE --name 张 --name 王 --name 李
expect_ok "tie: c1" vote candidate TIE --title 甲项目
expect_ok "tie: c2" vote candidate TIE --title 乙项目
expect_ok "tie: open" vote open TIE
expect_ok "tie: ballots" vote ballot TIE --file <(printf '张,1,赞成\n王,1,赞成\n李,1,赞成\n张,2,赞成\n王,2,赞成\n李,2,赞成\n')
expect_ok "tie: close" vote close TIE --format json
printf '%s\n' "$OUT" >"$T/tie.json"
check_json "tie" "$T/tie.json" chosen 0 candidates.0.tied true candidates.1.tied true \
    candidates.0.rank 1 candidates.1.rank 1 candidates.0.chosen false \
    outcome "3 of 3 deputies voted; 2 passed, 0 chosen; 2 tied at the cut-off (平票，需另行表决)"

# ---- below quorum: 5 deputies, 2 vote --------------------------------------------------------
expect_ok "quorum: create" vote create --code Q --title 不足法定人数 --year 2021 --rule majority_of_voters
expect_ok "quorum: deputies" vote deputy Q --name 一 --name 二 --name 三 --name 四 --name 五
expect_ok "quorum: c1" vote candidate Q --title 项目
expect_ok "quorum: open" vote open Q
expect_ok "quorum: ballots" vote ballot Q --file <(printf '一,1,赞成\n二,1,赞成\n')
expect_ok "quorum: close" vote close Q --format json
printf '%s\n' "$OUT" >"$T/q.json"
check_json "below quorum nothing passes" "$T/q.json" turnout 2 quorum_needed 3 chosen 0 \
    candidates.0.yes 2 candidates.0.passed false \
    outcome "未达法定人数，表决无效: 2 of 5 deputies voted, 3 needed (quorum not met)"

# ---- the chain ----------------------------------------------------------------------------
expect_ok "audit verify" audit verify
check_has "audit ok" "$OUT" "audit ok"
check_has "three vote sessions checked" "$OUT" "0 list items and 3 vote sessions"

# ballots are never changed: the trigger refuses, in either database (ids: PostgreSQL's
# identity skips the numbers of rolled-back inserts, so take the first ballot's)
FIRST=$(dbq "$DB" "SELECT min(id) FROM ballots")
UPD=$(dbq "$DB" "UPDATE ballots SET choice = 2 WHERE id = $FIRST" 2>&1 || true)
check_has "UPDATE on ballots refused by the trigger" "$UPD" "ballots are never changed"
DEL=$(dbq "$DB" "DELETE FROM ballots WHERE id = $FIRST" 2>&1 || true)
check_has "DELETE on ballots refused by the trigger" "$DEL" "ballots are never changed"
check_eq "the ballot is unchanged" "$(dbq "$DB" "SELECT choice FROM ballots WHERE id = $FIRST")" "1"

# a count edited behind the program's back breaks the chain
if [ -z "${SHISHI_TEST_DB_URL:-}" ]; then
    sqlite3 "$DB" "UPDATE vote_candidates SET yes = 5 WHERE seq = 2 AND session_id = (SELECT id FROM vote_sessions WHERE code = 'RD2021')"
    ss audit verify
    check_eq "audit verify after tampering: exit 3 (tampered)" "$RC" "3"
    check_has "audit verify names the vote session" "$ERR" "shishi: audit failed: vote RD2021 does not match its history"
fi

cli_end
