#!/usr/bin/env bash
# test_workflow.sh -- sets up a district from the CLI and drives appeals through every
# workflow action (DESIGN.md, "The appeal workflow") with explicit --at times in 2021, so
# every deadline below is fixed by the 2021 holiday notice:
#   November 2021 has no holidays (Mon 1, 8, 15, 22, 29); 国庆 2021-10-01..07 are holidays
#   and Saturday 2021-10-09 is a make-up workday.
# usage: bash tests/cli/test_workflow.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

setup_org
ss unit list --format json
printf '%s\n' "$OUT" >"$T/units.json"
check_json "unit list" "$T/units.json" \
    '#' 6 \
    'py:[u["name"] for u in d if u["name"]=="李家村"][0]' 李家村 \
    'py:[u["parent"] for u in d if u["name"]=="李家村"][0]' 王家镇 \
    'py:[u["kind"] for u in d if u["name"]=="李家村"][0]' village \
    'py:[u["parent"] for u in d if u["name"]=="区教育局"][0]' 永定区 \
    'py:[u["parent"] for u in d if u["name"]=="永定区"][0]' null
ss user list --format json
printf '%s\n' "$OUT" >"$T/users.json"
check_json "user list" "$T/users.json" \
    '#' 5 \
    'py:{u["username"]: u["role"] for u in d}["zj"]' handler \
    'py:{u["username"]: u["unit"] for u in d}["zj"]' 区住建局 \
    'py:{u["username"]: u["unit"] for u in d}["cg"]' 区城管局 \
    'py:{u["username"]: u["role"] for u in d}["disp"]' dispatcher \
    'py:{u["username"]: u["role"] for u in d}["boss"]' leader \
    'py:{u["username"]: u["role"] for u in d}["audit"]' auditor
check_not "user list never shows password hashes" "$OUT" "argon2"
if [[ "$DB" != postgres* ]] && command -v sqlite3 >/dev/null 2>&1; then
    # shellcheck disable=SC2016 # a literal '$argon2id$'
    check_eq "passwords from --password-stdin are stored as Argon2id hashes" \
        "$(sqlite3 "$DB" "SELECT username, substr(password_hash, 1, 10) FROM users WHERE username IN ('zj', 'cg') ORDER BY username")" \
        "$(printf 'cg|$argon2id$\nzj|$argon2id$')"
    check_eq "no password given, no hash stored" \
        "$(sqlite3 "$DB" "SELECT password_hash FROM users WHERE username = 'disp'")" ""
    check_eq "the password itself is stored nowhere" \
        "$(sqlite3 "$DB" "SELECT count(*) FROM users WHERE password_hash LIKE '%zhujian-pass%'")" 0
else
    echo "skip - password hash checks (no sqlite3 command-line tool, or not a SQLite file)"
fi

# ---- working days and the 投诉 deadline across 国庆 ---------------------------------------
run workday add 2021-09-30 5
check_eq "workday add 2021-09-30 5 (no --db) = 2021-10-13" "$OUT" "2021-10-13"
check_eq "workday add without --db: exit 0, no stderr" "$RC:$ERR" "0:"
run workday is 2021-10-09
check_has "2021-10-09 (Saturday) is a make-up workday" "$OUT" "workday"
run workday is 2021-10-01
check_has "2021-10-01 is a holiday" "$OUT" "holiday"
check_has "2021-10-01 is named 国庆节" "$OUT" "国庆节"
run workday count 2021-10-01 2021-10-10
check_eq "working days 2021-10-01..10: 10-08 and the make-up 10-09" "$OUT" 2

expect_ok "register a 投诉 on 2021-09-29" --as disp --at 2021-09-29T15:00 register \
    --title 小区门口积水 --content 雨后积水严重 --channel 12345热线 --kind 投诉
G=$OUT
check_match "register prints the code YD+date+4 digits" "$G" '^YD202109290001$'
expect_ok "dispatch the 投诉 on 2021-09-30" --as disp --at 2021-09-30T10:00 dispatch "$G" --unit 区住建局
check_eq "dispatch prints state and deadline" "$OUT" \
    "$G dispatched 已交办 deadline 2021-10-15T23:59:59+08:00"
show_json "$G" "$T/g.json"
check_json "投诉 dispatched 2021-09-30" "$T/g.json" \
    deadline 2021-10-15T23:59:59+08:00 \
    sign_deadline 2021-10-08T23:59:59+08:00 \
    history.1.details.limit '7 个工作日'

# ---- A1: the whole way: dispatch with assistants, urge, accept, supervise, extend and ------
# approve, reply with evidence, visit satisfied, close
expect_ok "A1 register (--as/--at before the command)" --as disp --at 2021-11-01T09:00 register \
    --title 路灯不亮 --content 永定路路灯连续三晚不亮 --channel 12345热线 --kind 投诉 \
    --area 宜居 --name 张三 --phone 13812345678 --address 永定路1号
A1=$OUT
check_match "A1 code is YD20211101 + 0001" "$A1" '^YD202111010001$'
show_json "$A1" "$T/a1.json"
check_json "A1 registered" "$T/a1.json" \
    status received status_label 已受理 kind 投诉 channel 12345热线 area 宜居 \
    received_at 2021-11-01T09:00:00+08:00 deadline null lead_unit null \
    phone '138****5678' citizen_name '张*' version 1 '#history' 1 \
    history.0.actor disp history.0.action register
expect_ok "A1 dispatch --assist x2 (--as/--at after the command)" dispatch "$A1" \
    --unit 区住建局 --assist 王家镇 --assist 区城管局 --as disp --at 2021-11-01T10:00
check_eq "A1 dispatch output" "$OUT" "$A1 dispatched 已交办 deadline 2021-11-10T23:59:59+08:00"
expect_ok "A1 urge by the leader" --as boss --at 2021-11-02T08:30 urge "$A1" --note 请尽快签收
check_eq "A1 urge keeps the state" "$OUT" "$A1 dispatched 已交办 deadline 2021-11-10T23:59:59+08:00"
expect_ok "A1 accept by the lead unit's handler" --as zj --at 2021-11-02T10:00 accept "$A1"
check_eq "A1 accept output" "$OUT" "$A1 accepted 办理中 deadline 2021-11-10T23:59:59+08:00"
expect_ok "A1 supervise by the dispatcher" --as disp --at 2021-11-03T09:00 supervise "$A1" --note 区领导关注
expect_ok "A1 extend --days 5" --as zj --at 2021-11-04T09:00 extend "$A1" --days 5 --reason 需协调供电公司
show_json "$A1" "$T/a1.json"
check_json "A1 extension asked" "$T/a1.json" \
    status accepted deadline 2021-11-10T23:59:59+08:00 \
    extension_requested 2021-11-17T23:59:59+08:00 extensions 0
expect_ok "A1 extend-approve" --as disp --at 2021-11-05T09:00 extend-approve "$A1"
check_eq "A1 extend-approve prints the new deadline" "$OUT" \
    "$A1 accepted 办理中 deadline 2021-11-17T23:59:59+08:00"
expect_ok "A1 reply with --evidence x2" --as zj --at 2021-11-12T16:00 reply "$A1" \
    --text 已更换路灯控制器 --record 现场维修记录 --evidence photo-1.jpg --evidence 维修单.pdf
check_eq "A1 reply output" "$OUT" "$A1 replied 已答复 deadline 2021-11-17T23:59:59+08:00"
expect_ok "A1 visit satisfied" --as disp --at 2021-11-15T10:00 visit "$A1" --solved yes --satisfaction 满意
check_eq "A1 visit output" "$OUT" "$A1 visited 已回访 deadline 2021-11-17T23:59:59+08:00"
expect_ok "A1 close (evidence came with the reply)" --as disp --at 2021-11-16T10:00 close "$A1" --note 办结
check_eq "A1 close output" "$OUT" "$A1 closed 已销号 deadline 2021-11-17T23:59:59+08:00"
show_json "$A1" "$T/a1.json"
check_json "A1 closed" "$T/a1.json" \
    status closed status_label 已销号 lead_unit 区住建局 assist_units '["王家镇","区城管局"]' \
    dispatched_at 2021-11-01T10:00:00+08:00 sign_deadline 2021-11-02T23:59:59+08:00 \
    accepted_at 2021-11-02T10:00:00+08:00 deadline 2021-11-17T23:59:59+08:00 \
    replied_at 2021-11-12T16:00:00+08:00 visited_at 2021-11-15T10:00:00+08:00 \
    closed_at 2021-11-16T10:00:00+08:00 extension_requested null extensions 1 \
    urge_count 1 supervise_level 1 redo_count 0 return_count 0 overdue false \
    reply 已更换路灯控制器 visit_solved 已解决 visit_satisfaction 满意 version 10 \
    'py:[e["action"] for e in d["history"]]' \
    '["register","dispatch","urge","accept","supervise","extend","extend_approve","reply","visit","close"]' \
    'py:[e["seq"] for e in d["history"]]' '[1,2,3,4,5,6,7,8,9,10]' \
    'py:[e["actor"] for e in d["history"]]' '["disp","disp","boss","zj","disp","zj","disp","zj","disp","disp"]' \
    'py:[e["from"]+">"+e["to"] for e in d["history"]][7:]' '["accepted>replied","replied>visited","visited>closed"]' \
    history.1.details.deadline 2021-11-10T23:59:59+08:00 \
    history.5.details.requested_deadline 2021-11-17T23:59:59+08:00 \
    history.6.details.old_deadline 2021-11-10T23:59:59+08:00 \
    history.6.details.deadline 2021-11-17T23:59:59+08:00 \
    history.7.details.evidence '["photo-1.jpg","维修单.pdf"]' \
    history.8.details.satisfaction satisfied
ss show "$A1"
check_has "A1 show (table) has the state" "$OUT" "状态: 已销号"
check_has "A1 show (table) masks the phone" "$OUT" "电话: 138****5678"
check_has "A1 show (table) lists the history" "$OUT" "已回访→已销号"
ss show "$A1" --format json --unmask
printf '%s\n' "$OUT" >"$T/a1u.json"
check_json "A1 show --unmask" "$T/a1u.json" phone 13812345678 citizen_name 张三

# ---- A2: return, then re-dispatch (改派) to another unit; extend, then extend-deny --------
expect_ok "A2 register a 求助" --as disp --at 2021-11-01T09:30 register \
    --title 独居老人求助 --content 老人行动不便 --channel 微信群 --kind 求助 --area 扶弱
A2=$OUT
check_eq "A2 is the day's second code" "$A2" YD202111010002
expect_ok "A2 dispatch to 区城管局" --as disp --at 2021-11-01T11:00 dispatch "$A2" --unit 区城管局
check_eq "A2 dispatch output (求助: 5 working days)" "$OUT" \
    "$A2 dispatched 已交办 deadline 2021-11-08T23:59:59+08:00"
expect_ok "A2 return by 区城管局" --as cg --at 2021-11-02T09:00 return "$A2" --reason 不属于本单位职责
check_eq "A2 return output" "$OUT" "$A2 returned 已退单 deadline 2021-11-08T23:59:59+08:00"
expect_ok "A2 redispatch (改派) to 区住建局" --as disp --at 2021-11-02T10:00 redispatch "$A2" --unit 区住建局
check_eq "A2 redispatch output (new deadline)" "$OUT" \
    "$A2 dispatched 已交办 deadline 2021-11-09T23:59:59+08:00"
expect_ok "A2 accept by the new lead unit" --as zj --at 2021-11-02T14:00 accept "$A2"
expect_ok "A2 extend --days 3" --as zj --at 2021-11-03T09:00 extend "$A2" --days 3 --reason 需入户核实
expect_ok "A2 extend-deny" --as disp --at 2021-11-03T15:00 extend-deny "$A2" --reason 时限内可办结
check_eq "A2 extend-deny keeps the deadline" "$OUT" \
    "$A2 accepted 办理中 deadline 2021-11-09T23:59:59+08:00"
show_json "$A2" "$T/a2.json"
check_json "A2 after return, 改派, extend-deny" "$T/a2.json" \
    status accepted lead_unit 区住建局 assist_units '[]' return_count 1 extensions 0 \
    extension_requested null deadline 2021-11-09T23:59:59+08:00 \
    dispatched_at 2021-11-02T10:00:00+08:00 \
    'py:[e["action"] for e in d["history"]]' \
    '["register","dispatch","return","dispatch","accept","extend","extend_deny"]' \
    history.2.details.reason 不属于本单位职责 history.3.details.redispatch true \
    history.3.from returned history.3.to dispatched history.6.details.reason 时限内可办结

# ---- A3: return, then uphold (维持交办) ------------------------------------------------------
expect_ok "A3 register a 咨询" --as disp --at 2021-11-02T09:00 register \
    --title 入学政策咨询 --content 随迁子女入学条件 --channel 来访 --kind 咨询 --area 就学
A3=$OUT
check_eq "A3 is the first code of 2021-11-02" "$A3" YD202111020001
expect_ok "A3 dispatch to 区住建局" --as disp --at 2021-11-02T10:00 dispatch "$A3" --unit 区住建局
check_eq "A3 dispatch output (咨询: 3 working days)" "$OUT" \
    "$A3 dispatched 已交办 deadline 2021-11-05T23:59:59+08:00"
expect_ok "A3 return" --as zj --at 2021-11-02T15:00 return "$A3" --reason 应由教育局答复
expect_ok "A3 uphold" --as disp --at 2021-11-03T09:00 uphold "$A3" --reason 经核实由住建局牵头
check_eq "A3 uphold output (deadline kept)" "$OUT" \
    "$A3 dispatched 已交办 deadline 2021-11-05T23:59:59+08:00"
expect_ok "A3 accept after uphold" --as zj --at 2021-11-03T10:00 accept "$A3"
show_json "$A3" "$T/a3.json"
check_json "A3 after uphold" "$T/a3.json" \
    status accepted lead_unit 区住建局 return_count 1 \
    sign_deadline 2021-11-04T23:59:59+08:00 \
    'py:[e["action"] for e in d["history"]]' '["register","dispatch","return","uphold","accept"]' \
    history.3.details.reason 经核实由住建局牵头

# ---- A4: visit unsolved -> automatic redo (重办), then the whole way to closed -------------
expect_ok "A4 register a 举报" --as disp --at 2021-11-03T09:00 register \
    --title 夜间施工扰民 --content 工地夜间施工 --channel 网站/H5 --kind 举报 --area 宜居
A4=$OUT
expect_ok "A4 dispatch to 区城管局" --as disp --at 2021-11-03T10:00 dispatch "$A4" --unit 区城管局
check_eq "A4 dispatch output" "$OUT" "$A4 dispatched 已交办 deadline 2021-11-12T23:59:59+08:00"
expect_ok "A4 accept" --as cg --at 2021-11-03T11:00 accept "$A4"
expect_ok "A4 reply" --as cg --at 2021-11-05T10:00 reply "$A4" --text 已责令停工
expect_ok "A4 visit unsolved and unsatisfied" --as disp --at 2021-11-08T10:00 visit "$A4" \
    --solved no --satisfaction 不满意
check_eq "A4 visit output: redone, accepted with a new deadline" "$OUT" \
    "$A4 accepted 办理中 deadline 2021-11-17T23:59:59+08:00"
show_json "$A4" "$T/a4.json"
check_json "A4 after automatic redo" "$T/a4.json" \
    status accepted redo_count 1 deadline 2021-11-17T23:59:59+08:00 \
    replied_at null visited_at null visit_solved null visit_satisfaction null \
    reply 已责令停工 version 6 \
    'py:[e["action"] for e in d["history"]]' \
    '["register","dispatch","accept","reply","visit","redo"]' \
    history.4.from replied history.4.to visited history.4.details.solved no \
    history.5.from visited history.5.to accepted history.5.actor system \
    history.5.details.deadline 2021-11-17T23:59:59+08:00 \
    history.5.at 2021-11-08T10:00:00+08:00
expect_ok "A4 reply again" --as cg --at 2021-11-10T10:00 reply "$A4" --text 已加装隔音屏障并限定施工时间
expect_ok "A4 visit again: solved, basically satisfied" --as disp --at 2021-11-11T10:00 visit "$A4" \
    --solved yes --satisfaction 基本满意
check_eq "A4 second visit output" "$OUT" "$A4 visited 已回访 deadline 2021-11-17T23:59:59+08:00"
expect_ok "A4 close --evidence" --as disp --at 2021-11-12T09:00 close "$A4" --evidence 回访录音-A4.mp3
show_json "$A4" "$T/a4.json"
check_json "A4 closed after redo" "$T/a4.json" \
    status closed redo_count 1 visit_satisfaction 基本满意 replied_at 2021-11-10T10:00:00+08:00 \
    history.-1.details.evidence '["回访录音-A4.mp3"]' '#history' 9

# ---- A5: visit unsatisfied with --no-redo --reason, then close -----------------------------
expect_ok "A5 register a 建议" --as disp --at 2021-11-04T09:00 register \
    --title 建议增设公交站 --content 新小区附近无公交站 --channel 信件 --kind 建议 --area 宜行
A5=$OUT
expect_ok "A5 dispatch" --as disp --at 2021-11-04T10:00 dispatch "$A5" --unit 区住建局
check_eq "A5 dispatch output (建议: 10 working days)" "$OUT" \
    "$A5 dispatched 已交办 deadline 2021-11-18T23:59:59+08:00"
expect_ok "A5 accept" --as zj --at 2021-11-04T11:00 accept "$A5"
expect_ok "A5 reply" --as zj --at 2021-11-09T10:00 reply "$A5" --text 已转交公交公司研究
expect_ok "A5 visit unsatisfied --no-redo --reason" --as disp --at 2021-11-10T10:00 visit "$A5" \
    --solved partly --satisfaction 不满意 --no-redo --reason 诉求超出政策范围
check_eq "A5 visit output: no redo" "$OUT" "$A5 visited 已回访 deadline 2021-11-18T23:59:59+08:00"
expect_ok "A5 close --evidence" --as disp --at 2021-11-11T10:00 close "$A5" --evidence 说明材料.pdf
show_json "$A5" "$T/a5.json"
check_json "A5 closed without redo" "$T/a5.json" \
    status closed redo_count 0 visit_solved 部分解决 visit_satisfaction 不满意 \
    history.-2.details.no_redo true history.-2.details.reason 诉求超出政策范围 \
    'py:[e["action"] for e in d["history"]]' '["register","dispatch","accept","reply","visit","close"]'

# ---- A6/A7: merge (并单); the merged caller is visited once the target is replied --------
expect_ok "A6 register (merge target)" --as disp --at 2021-11-05T09:00 register \
    --title 路口红绿灯故障 --content 红绿灯不亮 --channel 12345热线 --kind 求助 --area 宜行
A6=$OUT
expect_ok "A7 register (duplicate)" --as disp --at 2021-11-05T09:10 register \
    --title 红绿灯坏了 --content 同一路口红绿灯不亮 --channel 微信群 --kind 求助 --area 宜行 \
    --name 李四 --phone 13900001111
A7=$OUT
expect_ok "A6 dispatch" --as disp --at 2021-11-05T10:00 dispatch "$A6" --unit 区城管局
expect_ok "A7 merge --into A6" --as disp --at 2021-11-05T10:05 merge "$A7" --into "$A6"
check_eq "A7 merge output" "$OUT" "$A7 merged 已并单 deadline -"
show_json "$A6" "$T/a6.json"
A6ID=$(json_get "$T/a6.json" id || echo "?")
show_json "$A7" "$T/a7.json"
check_json "A7 merged" "$T/a7.json" status merged merged_into "$A6ID" \
    history.-1.details.into_code "$A6"
refuse_unchanged "A7 visit before its target is replied" 1 "$A7|visit|replied" "$A7" -- \
    --as disp --at 2021-11-05T11:00 visit "$A7" --solved yes --satisfaction 满意
expect_ok "A6 accept" --as cg --at 2021-11-05T11:00 accept "$A6"
refuse_unchanged "A7 visit while its target is only accepted" 1 "$A7|visit" "$A7" -- \
    --as disp --at 2021-11-05T12:00 visit "$A7" --solved yes --satisfaction 满意
expect_ok "A6 reply" --as cg --at 2021-11-08T10:00 reply "$A6" --text 已修复信号灯
expect_ok "A7 visit after the target is replied" --as disp --at 2021-11-09T10:00 visit "$A7" \
    --solved yes --satisfaction 满意
check_eq "A7 stays merged after its visit" "$OUT" "$A7 merged 已并单 deadline -"
show_json "$A7" "$T/a7.json"
check_json "A7 visited" "$T/a7.json" status merged visited_at 2021-11-09T10:00:00+08:00 \
    visit_satisfaction 满意 'py:[e["action"] for e in d["history"]]' '["register","merge","visit"]'
refuse_unchanged "A7 visited twice" 1 "$A7|already visited" "$A7" -- \
    --as disp --at 2021-11-10T10:00 visit "$A7" --solved yes --satisfaction 满意

# ---- A8: reject (不予受理) with a reason ------------------------------------------------------
expect_ok "A8 register" --as disp --at 2021-11-05T10:00 register \
    --title 邻里纠纷 --content 邻居装修占用楼道 --channel 来访 --kind 投诉
A8=$OUT
refuse_unchanged "A8 reject without a reason" 1 "$A8|reason" "$A8" -- \
    --as disp --at 2021-11-05T10:30 reject "$A8"
expect_ok "A8 reject --reason" --as disp --at 2021-11-05T10:30 reject "$A8" --reason 属民事纠纷请通过调解解决
check_eq "A8 reject output" "$OUT" "$A8 rejected 不予受理 deadline -"
show_json "$A8" "$T/a8.json"
check_json "A8 rejected" "$T/a8.json" status rejected history.-1.details.reason 属民事纠纷请通过调解解决 \
    history.-1.from received history.-1.to rejected

# ---- codes, the event chain, and JSON output of actions ---------------------------------
ss list --format json --sort code
printf '%s\n' "$OUT" >"$T/all.json"
check_json "all appeals" "$T/all.json" total 9 \
    'py:[a["code"] for a in d["items"]]' \
    "[\"$G\",\"$A1\",\"$A2\",\"$A3\",\"$A4\",\"$A5\",\"$A6\",\"$A7\",\"$A8\"]" \
    'py:[a["status"] for a in d["items"]]' \
    '["dispatched","closed","accepted","accepted","closed","closed","replied","merged","rejected"]'
expect_ok "urge --format json" --as disp --at 2021-11-05T12:00 urge "$A3" --format json
printf '%s\n' "$OUT" >"$T/urge.json"
check_json "urge --format json" "$T/urge.json" code "$A3" status accepted urge_count 1
expect_ok "audit verify after the whole workflow" audit verify
check_has "audit verify says ok" "$OUT" "audit ok"

cli_end
