#!/usr/bin/env bash
# test_lists.sh -- task and problem lists (task), leaders' lists (leader, enterprise,
# support) and visits (leader visit, leader visits): the item life with a second person's verification,
# every refusal with its message, monthly compliance worked out by hand, a visit problem
# as an appeal of channel 企业走访 dispatched at once, and the chain (audit verify; a
# tampered item row fails it; a visit row cannot be updated).
# usage: bash tests/cli/test_lists.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"

setup_org
J=$T/j.json
jsave() { printf '%s\n' "$OUT" >"$J"; }

# ---- a list item's life ---------------------------------------------------------------------
dbq "$DB" "INSERT INTO batches (year, number, name, assigned_on) VALUES (2021, 1, '第一批', 18628)"
expect_ok "task add a problem item in batch 1" --at 2021-03-01T09:00 task add --list problem \
    --title 厂区门前道路破损 --unit 区住建局 --leader 李区长 --due 2021-03-31 --batch 1 \
    --team 住建局工作专班 --plan 分段修复 --goal 月底前通车
check_eq "the first problem item is WT2021-0001" "$OUT" "WT2021-0001"
expect_ok "task add a task item" --at 2021-03-01T09:05 task add --title 优化营商环境 \
    --unit 区城管局 --due 2021-06-30
check_eq "the first task item is RW2021-0001" "$OUT" "RW2021-0001"
expect_ok "task show --format json" task show WT2021-0001 --format json
jsave
check_json "a new item" "$J" state open state_label 办理中 unit 区住建局 batch 1 \
    due_on 2021-03-31 six.team 住建局工作专班 missing '["措施","结果","反馈"]' \
    '#history' 1 history.0.action create version 1

refuse "close without evidence" 1 "cannot close item WT2021-0001 without evidence" -- \
    --as zj task close WT2021-0001 --result 已修复
refuse "close lacking 措施 and 结果" 1 "the six 有 lack 措施、结果" -- \
    --as zj task close WT2021-0001 --evidence 照片.jpg
refuse "another unit's handler may not close" 1 "user 'cg' may not close item WT2021-0001: their unit does not own it" -- \
    --as cg task close WT2021-0001 --evidence 照片.jpg --result 已修复
refuse "verify an open item" 1 "cannot verify item WT2021-0001: it is open (办理中)" -- \
    --as disp task verify WT2021-0001
refuse "reopen an open item" 1 "cannot reopen item WT2021-0001: it is open" -- \
    task reopen WT2021-0001 --reason 复查
refuse "the auditor may not update" 1 "role auditor" -- \
    --as audit task update WT2021-0001 --measures 夜间施工
refuse "update with nothing to change" 2 "nothing to update on item WT2021-0001" -- \
    --as zj task update WT2021-0001
expect_ok "the owner unit's handler updates 措施" --as zj --at 2021-03-05T10:00 task update \
    WT2021-0001 --measures 夜间施工
expect_ok "the handler submits the close-out with evidence and 结果" --as zj \
    --at 2021-03-20T16:00 task close WT2021-0001 --evidence 修复前后照片.jpg --result 已修复通车
check_eq "close prints the new state" "$OUT" "WT2021-0001 pending 待核验"
refuse "a handler may not verify" 1 "role handler (承办人) may not verify item WT2021-0001" -- \
    --as zj task verify WT2021-0001
refuse "refusing needs a reason" 1 "refusing the close-out of item WT2021-0001 needs a reason" -- \
    --as disp task verify WT2021-0001 --refuse
expect_ok "the dispatcher refuses the close-out with a reason" --as disp --at 2021-03-21T09:00 \
    task verify WT2021-0001 --refuse --reason 佐证照片不清晰
check_eq "refused: open again" "$OUT" "WT2021-0001 open 办理中"
expect_ok "submitted again" --as zj --at 2021-03-22T09:00 task close WT2021-0001 \
    --evidence 清晰照片.jpg
expect_ok "a second person (the leader) verifies" --as boss --at 2021-03-23T09:00 task verify \
    WT2021-0001 --feedback 企业满意
check_eq "verified: closed" "$OUT" "WT2021-0001 closed 已销号"
ss task show WT2021-0001 --format json
jsave
check_json "the closed item" "$J" state closed closed_by zj verified_by boss \
    closed_on 2021-03-22 verified_on 2021-03-23 evidence 清晰照片.jpg six.feedback 企业满意 \
    missing '[]' version 6 \
    'py:[h["action"] for h in d["history"]]' '["create","update","close","refuse","close","verify"]' \
    history.3.details.reason 佐证照片不清晰
refuse "reopen without a reason" 1 "reopening item WT2021-0001 needs a reason" -- \
    --as disp task reopen WT2021-0001
refuse "a handler may not reopen" 1 "role handler (承办人) may not reopen item WT2021-0001" -- \
    --as zj task reopen WT2021-0001 --reason 反弹
expect_ok "the dispatcher reopens with a reason" --as disp --at 2021-04-02T09:00 task reopen \
    WT2021-0001 --reason 道路再次破损
ss task show WT2021-0001 --format json
jsave
check_json "reopened" "$J" state open closed_by "" verified_by "" history.-1.action reopen \
    history.-1.details.reason 道路再次破损

# a dispatcher who submits on a unit's behalf cannot verify it; nor can the system
expect_ok "system fills RW2021-0001's six" task update RW2021-0001 --team 专班 --plan 方案 \
    --goal 目标 --measures 措施 --result 结果
expect_ok "the dispatcher submits RW2021-0001" --as disp task close RW2021-0001 --evidence 文件.pdf
refuse "the submitter may not verify their own close-out" 1 "'disp' may not verify item RW2021-0001: the close-out was submitted by 'disp'" -- \
    --as disp task verify RW2021-0001
expect_ok "the system refuses it (a second person)" task verify RW2021-0001 --refuse --reason 缺少验收单
expect_ok "the system submits RW2021-0001 again" task close RW2021-0001 --evidence 验收单.pdf
refuse "system verifying its own close-out" 1 "'system' may not verify item RW2021-0001: the close-out was submitted by 'system'" -- \
    task verify RW2021-0001

# overdue: WT2021-0001 is due 2021-03-31 and open; RW2021-0001 due 2021-06-30 (pending)
ss --at 2021-04-05T00:00 task list --overdue --format json
jsave
check_json "overdue at 2021-04-05" "$J" '#' 1 0.code WT2021-0001 0.overdue true
ss --at 2021-07-01T00:00 task list --overdue --format json
jsave
check_json "overdue at 2021-07-01" "$J" 'py:[x["code"] for x in d]' '["WT2021-0001","RW2021-0001"]'
ss task list --list task --state pending --format json
jsave
check_json "list by list and state" "$J" 'py:[x["code"] for x in d]' '["RW2021-0001"]'
ss task list --unit 区住建局
check_has "table lists the owner unit" "$OUT" "区住建局"

refuse "unknown owner unit" 1 "不存在局" -- task add --title x --unit 不存在局
refuse "unknown list" 1 "unknown list 'todo'" -- task add --list todo --title x --unit 区住建局
refuse "bad due date" 1 "due '2021-02-30' is not a date" -- task add --title x --unit 区住建局 --due 2021-02-30
refuse "unknown batch" 1 "no batch 2 of 2021" -- --at 2021-05-01T00:00 task add --title x --unit 区住建局 --batch 2
refuse "unknown item" 1 "no item 'WT2021-0099'" -- task show WT2021-0099
refuse "unknown item state" 1 "unknown item state 'done'" -- task list --state done

# ---- leaders, enterprises, links, compliance ------------------------------------------------
expect_ok "leader add" leader add --name 李区长 --title 副区长 --username boss
refuse "leader add twice" 1 "leader '李区长' already exists" -- leader add --name 李区长
refuse "a handler may not add leaders" 1 "may not add leaders" -- --as zj leader add --name 王某
for e in 甲公司:enterprise 乙公司:enterprise 丙商会:chamber 丁公司:enterprise; do
    expect_ok "enterprise add ${e%%:*}" enterprise add --name "${e%%:*}" --kind "${e##*:}" --town 王家镇
done
refuse "unknown enterprise kind" 1 "unknown kind 'shop'" -- enterprise add --name 戊店 --kind shop
expect_ok "support unit for 甲公司" support add --unit 区住建局 --enterprise 甲公司
refuse "support twice" 1 "already supports" -- support add --unit 区住建局 --enterprise 甲公司
refuse "support: unknown unit" 1 "无此局" -- support add --unit 无此局 --enterprise 甲公司
refuse "support: unknown enterprise" 1 "no enterprise '无此公司'" -- support add --unit 区住建局 --enterprise 无此公司
expect_ok "link 甲 from 02-01" leader link --leader 李区长 --enterprise 甲公司 --since 2021-02-01
expect_ok "link 乙 from mid-March" leader link --leader 李区长 --enterprise 乙公司 --since 2021-03-15
expect_ok "link 丙 from 02-01" leader link --leader 李区长 --enterprise 丙商会 --since 2021-02-01
expect_ok "link 丁 from 02-01" leader link --leader 李区长 --enterprise 丁公司 --since 2021-02-01
expect_ok "unlink 丙 mid-March" leader unlink --leader 李区长 --enterprise 丙商会 --until 2021-03-10
expect_ok "unlink 丁 mid-February" leader unlink --leader 李区长 --enterprise 丁公司 --until 2021-02-20
refuse "link twice" 1 "leader '李区长' is already linked to '甲公司'" -- leader link --leader 李区长 --enterprise 甲公司
refuse "unlink what is not linked" 1 "leader '李区长' is not linked to '丁公司'" -- leader unlink --leader 李区长 --enterprise 丁公司 --until 2021-03-01
refuse "unknown leader" 1 "no leader '无名氏'" -- leader link --leader 无名氏 --enterprise 甲公司
refuse "unknown enterprise" 1 "no enterprise '无此公司'" -- leader link --leader 李区长 --enterprise 无此公司
refuse "bad link date" 1 "since '2021-3-1' is not a date" -- leader link --leader 李区长 --enterprise 乙公司 --since 2021-3-1

v() { # DATE ENTERPRISE
    expect_ok "visit $2 on $1" --as disp leader visit --leader 李区长 --enterprise "$2" --date "$1" \
        --who 李区长 --place "$2" --findings 生产正常
}
v 2021-02-05 甲公司
v 2021-02-10 丁公司
v 2021-02-25 丙商会
v 2021-03-20 甲公司
v 2021-04-01 乙公司
refuse "visit before the link began" 1 "'乙公司' is not on leader '李区长''s list on 2021-03-01" -- \
    leader visit --leader 李区长 --enterprise 乙公司 --date 2021-03-01
refuse "visit after the unlink" 1 "'丁公司' is not on leader '李区长''s list on 2021-03-05" -- \
    leader visit --leader 李区长 --enterprise 丁公司 --date 2021-03-05
refuse "visit: bad date" 1 "date '2021-13-01' is not a date" -- leader visit --leader 李区长 --enterprise 甲公司 --date 2021-13-01
refuse "visit: unknown leader" 1 "no leader '无名氏'" -- leader visit --leader 无名氏 --enterprise 甲公司 --date 2021-03-01
refuse "a handler may not record visits" 1 "may not record visits" -- --as zj leader visit --leader 李区长 --enterprise 甲公司 --date 2021-03-02
refuse "--into after --problem is task or appeal" 1 "--into after --problem takes task or appeal, not 'disp'" -- \
    leader visit --leader 李区长 --enterprise 甲公司 --date 2021-03-02 --problem 缺电 --into disp
refuse "a problem item needs its unit" 1 "needs an owner unit" -- \
    leader visit --leader 李区长 --enterprise 甲公司 --date 2021-03-02 --problem 缺电 --into task

# February: 甲 丙 丁 required (丁 unlinked 02-20, after the 1st; 乙 from 03-15), all visited:
#   3 of 3 = 100.00.  March: 甲 乙 丙 required (丙 until 03-10; 丁 ended in February);
#   only 甲 visited (03-20): 1 of 3 = 33.33, missed 乙 丙.  April: 甲 乙; 乙 visited: 50.00.
ss leader compliance --leader 李区长 --month 2021-02 --format json
jsave
check_json "compliance 2021-02" "$J" leaders.0.required 3 leaders.0.done 3 leaders.0.missed '[]' \
    leaders.0.percent_text 100.00 first 2021-02-01 last 2021-02-28
ss leader compliance --leader 李区长 --month 2021-03 --format json
jsave
check_json "compliance 2021-03" "$J" leaders.0.required 3 leaders.0.done 1 \
    leaders.0.missed '["乙公司","丙商会"]' leaders.0.percent 33.33 leaders.0.percent_text 33.33
ss leader compliance --month 2021-04 --format json
jsave
check_json "compliance 2021-04 (every leader)" "$J" '#leaders' 1 leaders.0.required 2 \
    leaders.0.done 1 leaders.0.missed '["甲公司"]' leaders.0.percent_text 50.00 total.percent_text 50.00
ss leader compliance --leader 李区长 --month 2021-03
check_has "compliance table" "$OUT" "33.33"
refuse "compliance: bad month" 1 "2021-13" -- leader compliance --month 2021-13
refuse "compliance: no month" 1 "give --month YYYY-MM" -- leader compliance
ss leader list --format json
jsave
check_json "leader list" "$J" 0.name 李区长 0.username boss 0.links 2
ss enterprise list --format json
jsave
check_json "enterprise list" "$J" '#' 4 0.support_units '["区住建局"]' 2.kind chamber 2.kind_label 商会
ss leader visits --leader 李区长 --month 2021-02 --format json
jsave
check_json "visits of February" "$J" '#' 3 0.date 2021-02-05 0.enterprise 甲公司

# ---- visit problems: a list item, and an appeal of channel 企业走访 dispatched at once ---------
expect_ok "a visit with two problems" --as disp --at 2021-04-20T10:00 leader visit --leader 李区长 \
    --enterprise 甲公司 --date 2021-04-20 --findings 用工与道路问题 \
    --problem 用工缺口30人 --into task --unit 区城管局 --due 2021-05-31 \
    --problem 厂区门口路灯不亮 --into appeal --unit 区住建局
VID=$(printf '%s\n' "$OUT" | sed -n 's/^visit //p')
# (PostgreSQL does not hand back identity values of rolled-back inserts: the id is read back)
check_match "the visit is recorded" "$VID" '^[0-9]+$'
check_has "the first problem became WT2021-0002" "$OUT" "task WT2021-0002"
APPEAL=$(printf '%s\n' "$OUT" | sed -n 's/^appeal //p')
check_match "the second became an appeal" "$APPEAL" '^[A-Z]+20210420[0-9]{4}$'
show_json "$APPEAL" "$J"
check_json "the visit's appeal" "$J" channel 企业走访 status dispatched lead_unit 区住建局 \
    content 厂区门口路灯不亮
ss task show WT2021-0002 --format json
jsave
check_json "the visit's item" "$J" list problem unit 区城管局 leader 李区长 visit_id "$VID" due_on 2021-05-31
ss leader visits --month 2021-04 --format json
jsave
check_json "the leader visitss its problems" "$J" 1.problems.0.code WT2021-0002 1.problems.1.as appeal
# all or nothing: a bad second problem leaves no visit, item or appeal behind
before=$(dbq "$DB" "SELECT count(*) FROM visits")/$(dbq "$DB" "SELECT count(*) FROM task_items")/$(dbq "$DB" "SELECT count(*) FROM appeals")
refuse "a visit whose appeal unit is unknown" 1 "无此局" -- --as disp leader visit --leader 李区长 \
    --enterprise 甲公司 --date 2021-04-21 --problem 缺电 --into task --unit 区城管局 \
    --problem 缺水 --into appeal --unit 无此局
after=$(dbq "$DB" "SELECT count(*) FROM visits")/$(dbq "$DB" "SELECT count(*) FROM task_items")/$(dbq "$DB" "SELECT count(*) FROM appeals")
check_eq "nothing half-written (visits/items/appeals)" "$after" "$before"

# a visit typed in later: its problems follow the visit's day, not the clock (issue 19)
expect_ok "a visit recorded a month late" --as disp --at 2021-05-25T16:00 leader visit \
    --leader 李区长 --enterprise 甲公司 --date 2021-04-22 \
    --problem 仓库漏雨 --into task --unit 区城管局 --problem 门前积水 --into appeal --unit 区住建局
check_has "its item has a 2021 code" "$OUT" "task WT2021-"
LATE=$(printf '%s\n' "$OUT" | sed -n 's/^appeal //p')
check_match "its appeal is registered on the visit's day" "$LATE" '^[A-Z]+20210422[0-9]{4}$'
show_json "$LATE" "$J"
check_json "... at 09:00 that day" "$J" received_at 2021-04-22T09:00:00+08:00

# a batch of another year is named with --year, and the refusal says so
expect_ok "task add in batch 1 of 2021, added in 2022" --at 2022-01-10T09:00 task add --title 年初补录 \
    --unit 区住建局 --batch 1 --year 2021
ITEM=$(printf '%s\n' "$OUT" | head -1)
ss task show "$ITEM" --format json
jsave
check_json "the item is in batch 1 (of 2021)" "$J" batch 1
refuse "without --year the year of --at is meant" 1 "no batch 1 of 2022|(year)" -- --at 2022-01-10T09:00 \
    task add --title 年初补录 --unit 区住建局 --batch 1

# ---- the chain ------------------------------------------------------------------------------
expect_ok "audit verify" audit verify
check_has "audit counts the items" "$OUT" "audit ok"
RC=0
dbq "$DB" "UPDATE visits SET place = '别处' WHERE id = 1" >"$T/sq.out" 2>&1 || RC=$?
if [ "$RC" -ne 0 ] && grep -q "visit records are never changed" "$T/sq.out"; then
    ok "a visit row cannot be updated (trigger)"
else
    bad "a visit row cannot be updated (trigger)" "exit $RC: $(cat "$T/sq.out")"
fi
if [ -z "${SHISHI_TEST_DB_URL:-}" ]; then
    sqlite3 "$DB" "UPDATE task_items SET title = '改过的标题' WHERE code = 'WT2021-0001'"
    ss audit verify
    if [ "$RC" -ne 0 ]; then
        ok "audit verify fails after an item row was changed behind the ledger's back"
    else
        bad "audit verify fails after an item row was changed" "exit 0: $OUT"
    fi
    check_has "audit names the item" "$OUT$ERR" "task WT2021-0001 does not match its history"
fi

cli_end
