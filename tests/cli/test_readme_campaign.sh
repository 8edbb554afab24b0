#!/usr/bin/env bash
# test_readme_campaign.sh -- the README's campaign commands print what their comments say
# (issue 19: they assumed the clock said 2021). Runs the README's block itself on the demo.
# usage: bash tests/cli/test_readme_campaign.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
root=$(cd "$(dirname "$0")/../.." && pwd)
expect_ok "the demo loads" demo
# the block under "The campaign's deeds", with the binary and database of this test
block=$(awk '/^The campaign.s deeds/ { on = 1 } on && /^```sh/ { inb = 1; next } inb && /^```/ { exit } inb' "$root/README.md")
check_has "the README has the campaign block" "$block" 'task list --list problem'
line() { grep -F -- "$1" <<<"$block" | head -1 | sed 's/ *#.*//'; }
D_def=$(grep '^D=' <<<"$block" | sed 's/ *#.*//')
eval "${D_def/build\/shishi --db var\/demo.db/$BIN --db $DB}"
out() { local cmd; cmd=$(line "$1"); eval "${cmd//\$D/$D}"; }
problems=$(out 'task list --list problem  ' | tail -n +2 | grep -c .)
check_eq "task list --list problem: the 93 problems" "$problems" 93
overdue=$(out 'task list --list problem --overdue' | tail -n +2 | grep -c . || true)
check_eq "task list --list problem --overdue: the 7 still open past their deadline" "$overdue" 7
show=$(out 'project show SS2021-019')
check_has "project show SS2021-019: 7,049 done" "$show" "已完成: 7049"
check_has "... of 9,932" "$show" "年度计划: 9932"
check_has "... = 70.97 %" "$show" "完成率(%): 70.97"
check_not "... and not years overdue" "$show" "逾期1"
list=$(out 'project list --year 2021 --month 2021-12')
check_not "project list: nothing years overdue at the end of 2021" "$list" "逾期1"
comp=$(out 'leader compliance --month 2021-07')
check_has "leader compliance: the leaders' visit rates" "$comp" "走访率"
cli_end
