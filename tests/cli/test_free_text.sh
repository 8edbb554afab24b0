#!/usr/bin/env bash
# test_free_text.sh -- every free text an action carries passes the one rule (core/text.c):
# a dispatch note, an extension approval's reason, a merge note of 40,000 characters are
# refused and nothing is written; invalid UTF-8 and control characters are refused, not
# dropped; a reply of spaces or a zero-width space does not make an appeal 已答复.
# usage: bash tests/cli/test_free_text.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
setup_org
reg() { ss register --title 路灯不亮 --content 永定路路灯不亮 --channel 12345热线 --kind 投诉 --phone 13812345678; echo "$OUT"; }
A=$(reg)
B=$(reg)
big=$(python3 -c 'print("字" * 40000)')  # 120 kB: one argument may not be longer
refuse_unchanged "a dispatch note of 40,000 characters" 1 "note is longer than 1000 characters" "$A" -- \
    dispatch "$A" --unit 区住建局 --note "$big"
refuse_unchanged "a merge note of 40,000 characters" 1 "note is longer than 1000 characters" "$A" -- \
    merge "$A" --into "$B" --note "$big"
refuse_unchanged "invalid UTF-8 in a note is refused, not dropped" 1 "note is not valid UTF-8" "$A" -- \
    dispatch "$A" --unit 区住建局 --note $'\xff\xfe'
refuse_unchanged "a control character in a note" 1 "control character (U+001B)" "$A" -- \
    dispatch "$A" --unit 区住建局 --note $'\x1b[31m红'
expect_ok "dispatch" dispatch "$A" --unit 区住建局 --note 请尽快处理
expect_ok "accept" --as zj accept "$A"
refuse_unchanged "a reply of spaces" 1 "text is blank" "$A" -- --as zj reply "$A" --text "   "
refuse_unchanged "a reply of a zero-width space" 1 "text is blank" "$A" -- --as zj reply "$A" --text $'\u200b'
expect_ok "extend" --as zj extend "$A" --days 3 --reason 需协调供电部门
refuse_unchanged "an approval's reason of 40,000 characters" 1 "reason is longer than 1000 characters" "$A" -- \
    extend-approve "$A" --reason "$big"
expect_ok "a real reply" --as zj reply "$A" --text $'已更换灯泡\n经现场核实恢复照明'
ss show "$A" --format json
check_has "the reply keeps its newline" "$OUT" '已更换灯泡\n经现场核实恢复照明'
cli_end
