#!/usr/bin/env bash
# test_policy_doc.sh -- docs/api.md's "who may call what" table is the policy table itself:
# the block between its policy markers must equal `shishi policy --format markdown`, so the
# documentation cannot drift from the rules the program enforces.
# usage: bash tests/cli/test_policy_doc.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
doc="$(dirname "$0")/../../docs/api.md"
run policy --format markdown
want=$OUT
got=$(sed -n '/<!-- policy:begin -->/,/<!-- policy:end -->/p' "$doc" | sed '1d;$d')
check_eq "docs/api.md's policy table is the program's (regenerate: shishi policy --format markdown)" "$got" "$want"
rows=$(printf '%s\n' "$want" | grep -c '^| `')
if [ "$rows" -ge 50 ]; then ok "a row per rule ($rows)"; else bad "a row per rule" "only $rows"; fi
run policy --format json
check_eq "the JSON gives the dispatcher's scope of appeal.dispatch" \
    "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print([r["scopes"]["dispatcher"] for r in json.load(sys.stdin) if r["subject"]=="appeal" and r["verb"]=="dispatch"][0])')" any
run policy --format xml
check_eq "an unknown format is refused" "$RC" 1
check_has "the refusal names the option" "$ERR" "--format must be"
cli_end
