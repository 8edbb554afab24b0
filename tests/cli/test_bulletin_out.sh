#!/usr/bin/env bash
# test_bulletin_out.sh -- `bulletin --out` writes PATH.tmp and renames it over PATH: it must
# not replace what is not a regular file (a FIFO, a directory, a symbolic link; /dev/null as
# root was the defect), nor follow a link planted at PATH.tmp, nor trip over a stale PATH.tmp;
# and a month is exactly YYYY-MM.
# usage: bash tests/cli/test_bulletin_out.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
setup_org
expect_ok "an appeal" register --title 路灯不亮 --content 永定路路灯不亮 --channel 12345热线 --kind 投诉
month=$(date -u +%Y-%m)
mkfifo "$T/fifo"
for f in csv html pdf xlsx; do
    refuse "$f: a FIFO is not replaced" 1 "it exists and is a FIFO" -- bulletin --month "$month" --format $f --out "$T/fifo"
    if [ -p "$T/fifo" ]; then ok "$f: the FIFO is still a FIFO"; else bad "$f: the FIFO is still a FIFO" "it was replaced"; fi
done
mkdir "$T/dir"
refuse "a directory is refused" 1 "it exists and is a directory" -- bulletin --month "$month" --format csv --out "$T/dir"
echo keep >"$T/target"
ln -s "$T/target" "$T/link.csv"
refuse "a symbolic link is refused" 1 "it exists and is a symbolic link" -- bulletin --month "$month" --format csv --out "$T/link.csv"
check_eq "the link's target is untouched" "$(cat "$T/target")" keep
ln -s "$T/target" "$T/out.csv.tmp"
refuse "a link planted at PATH.tmp is not followed" 1 "File exists" -- bulletin --month "$month" --format csv --out "$T/out.csv"
check_eq "its target is untouched" "$(cat "$T/target")" keep
rm "$T/out.csv.tmp"
echo stale >"$T/out.csv.tmp"
expect_ok "a stale PATH.tmp left by a crash is replaced" bulletin --month "$month" --format csv --out "$T/out.csv"
if [ -f "$T/out.csv" ] && [ ! -e "$T/out.csv.tmp" ]; then ok "the bulletin is written, no .tmp left"; else bad "the bulletin is written" "$(ls "$T")"; fi
expect_ok "and written again over a regular file" bulletin --month "$month" --format pdf --out "$T/out.csv"
# issue 16: a month is exactly YYYY-MM, not a guess
refuse "month 2021-7 is refused" 1 "month '2021-7' is not YYYY-MM" -- bulletin --month 2021-7 --format csv --out "$T/m.csv"
refuse "month 2021-07x is refused" 1 "is not YYYY-MM" -- bulletin --month 2021-07x --format csv --out "$T/m.csv"
cli_end
