#!/usr/bin/env bash
# test_help.sh -- the CLI explains itself without a database (issue 19): `shishi --help`,
# `shishi help`, `shishi help CMD`, `shishi CMD --help` (and -h, and `shishi CMD help`) for
# every command of the table, `--version`, a usage error that shows the usage line, and the
# bash completion script completing commands and a command's options.
# usage: bash tests/cli/test_help.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
cd "$T" # no database anywhere near

run --help
check_eq "--help exits 0" "$RC" 0
check_has "--help lists the commands" "$OUT" "usage: shishi"
commands=$(awk 'NR > 3 && NF { print $1 }' <<<"$OUT")
check_eq "every command is listed" "$(wc -l <<<"$commands" | tr -d ' ')" "$(grep -c . <<<"$commands")"
check_has "serve is among them" "$commands" serve
run help
check_eq "help is --help" "$OUT" "$(cd "$T" && "$BIN" --help)"

n=0
for c in $commands; do
    run "$c" --help
    if [ "$RC" = 0 ] && [ -z "$ERR" ] && [[ $OUT == "shishi $c — "* ]] && [[ $OUT == *"示例 (example):"* ]]; then
        n=$((n + 1))
    else
        bad "$c --help" "rc $RC, stderr '$ERR', stdout '${OUT:0:120}'"
    fi
    help_out=$OUT
    run help "$c"
    [ "$OUT" = "$help_out" ] || bad "help $c is $c --help" "${OUT:0:120}"
    run "$c" -h
    [ "$OUT" = "$help_out" ] || bad "$c -h is $c --help" "${OUT:0:120}"
    [ -e "$T/ledger.db" ] && bad "$c --help touched no database" "ledger.db appeared"
done
check_eq "every command has --help, help CMD and -h, without a database" "$n" "$(wc -w <<<"$commands" | tr -d ' ')"

run serve --help
check_has "serve --help names its options, from its option table" "$OUT" "[--listen LISTEN]"
check_has "... including --no-group-commit" "$OUT" "[--no-group-commit]"
run project help
check_eq "project help exits 0" "$RC" 0
check_has "project help is the project's help" "$OUT" "shishi project — "
run --db "$T/none.db" dispatch YD202101010001 --unit 区住建局 --help
check_eq "--help wins over the command's own work" "$RC" 0
check_has "... and prints the help" "$OUT" "shishi dispatch — "
[ -e "$T/none.db" ] && bad "dispatch --help opened no database" "none.db appeared" || ok "dispatch --help opened no database"

run --version
check_eq "--version exits 0" "$RC" 0
if [[ $OUT =~ ^shishi\ [0-9]+\.[0-9]+\.[0-9]+$ ]]; then ok "--version prints 'shishi X.Y.Z'"; else bad "--version" "$OUT"; fi

run list --nosuch
check_eq "an unknown option is a usage error" "$RC" 2
check_has "it names the option" "$ERR" "unknown option '--nosuch'"
check_has "and shows the usage line" "$ERR" "用法 usage: shishi [--db FILE] list [--status STATUS]"
check_eq "in one line" "$(wc -l <<<"$ERR" | tr -d ' ')" 1
run help nosuch
check_eq "help of an unknown command is a usage error" "$RC" 2

# bash completion, as bash itself calls it
run completion bash
check_eq "completion bash exits 0" "$RC" 0
printf '%s\n' "$OUT" >"$T/completion.bash"
got=$(PATH="$(dirname "$BIN"):$PATH" bash -c '
    . "$1/completion.bash"
    COMP_WORDS=(shishi li); COMP_CWORD=1; _shishi; echo "${COMPREPLY[*]}"
    COMP_WORDS=(shishi --db x.db list --st); COMP_CWORD=4; _shishi; echo "${COMPREPLY[*]}"
    COMP_WORDS=(shishi serve --no-g); COMP_CWORD=2; _shishi; echo "${COMPREPLY[*]}"' _ "$T")
check_eq "completion: 'li' completes to list" "$(sed -n 1p <<<"$got")" "list"
check_eq "completion: 'list --st' completes to --status" "$(sed -n 2p <<<"$got")" "--status"
check_eq "completion: 'serve --no-g' completes to --no-group-commit" "$(sed -n 3p <<<"$got")" "--no-group-commit"
cli_end
