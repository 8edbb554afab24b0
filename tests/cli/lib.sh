# shellcheck shell=bash
# lib.sh -- shared helpers for the end-to-end CLI tests (tests/cli/test_*.sh).
# Sourced by each script after `set -euo pipefail`; the script's $1 is the shishi binary.
#
#   cli_begin "$@"          checks the binary, makes $T (removed on exit) and $DB inside it
#   run ARGS...             runs the binary: $RC, $OUT (stdout), $ERR (stderr)
#   ss ARGS...              run --db "$DB" ARGS...
#   ok DESC / bad DESC WHY  count one check
#   check_eq DESC GOT WANT, check_has DESC HAYSTACK NEEDLE, check_not DESC HAYSTACK NEEDLE
#   expect_ok DESC ARGS...  ss ARGS...: exit 0, nothing on stderr
#   refuse DESC RC 'needle|needle' -- ARGS...
#                           ss ARGS...: exit RC ("nz": any non-zero), nothing on stdout, one stderr line
#                           'shishi: ...' containing every needle
#   check_json DESC FILE PATH WANT [PATH WANT]...
#                           PATH: dotted keys / list indexes ("history.-1.action"); a leading
#                           '#' gives the length ("#history"); "py:EXPR" evaluates EXPR with
#                           the document as d. Values print as JSON scalars do (null, true,
#                           66.67); strings bare; lists and objects as compact JSON.
#   show_json CODE FILE     show CODE --format json into FILE
#   cli_end                 prints "N passed, M failed" and exits non-zero on failures

PASS=0
FAIL=0

cli_begin() {
    BIN=${1:-}
    if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
        echo "usage: bash $0 /path/to/shishi (binary not found: '${BIN}')" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
    BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
    if [ -x /usr/bin/python3 ]; then
        PY=/usr/bin/python3
    else
        PY=$(command -v python3 || true)
    fi
    if [ -z "$PY" ]; then
        echo "FAIL - python3 is needed to read JSON output (scripts/setup.sh installs it)" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
    T=$(mktemp -d "${TMPDIR:-/tmp}/shishi-cli.XXXXXX")
    trap 'rm -rf "$T"' EXIT
    # a fresh SQLite file, or the empty database tests/pg/run_test.sh made for this script
    DB=${SHISHI_TEST_DB_URL:-$T/ledger.db}
    # sanitizers: fail loudly, and keep their reports on stderr where the checks see them
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
}

# dbq DB SQL -- one query on the test database, by the database's own client: sqlite3 on a
# file, psql on a postgresql:// URL. Prints rows as a|b lines.
dbq() {
    case "$1" in
    postgres*) psql "$1" -qAt -c "$2" ;;
    *) sqlite3 "$1" "$2" ;;
    esac
}

ok() {
    PASS=$((PASS + 1))
    echo "ok - $1"
}

bad() {
    FAIL=$((FAIL + 1))
    echo "FAIL - $1${2:+: $2}"
}

run() {
    RC=0
    "$BIN" "$@" >"$T/.out" 2>"$T/.err" || RC=$?
    OUT=$(cat "$T/.out")
    ERR=$(cat "$T/.err")
}

ss() {
    run --db "$DB" "$@"
}

check_eq() {
    if [ "$2" == "$3" ]; then
        ok "$1"
    else
        bad "$1" "expected '$3', got '$2'"
    fi
}

check_has() {
    if [[ "$2" == *"$3"* ]]; then
        ok "$1"
    else
        bad "$1" "'$3' not found in: $2"
    fi
}

check_not() {
    if [[ "$2" != *"$3"* ]]; then
        ok "$1"
    else
        bad "$1" "'$3' should not appear in: $2"
    fi
}

check_match() { # DESC STRING ERE
    if [[ "$2" =~ $3 ]]; then
        ok "$1"
    else
        bad "$1" "'$2' does not match /$3/"
    fi
}

expect_ok() {
    local desc=$1
    shift
    ss "$@"
    if [ "$RC" -eq 0 ] && [ -z "$ERR" ]; then
        ok "$desc"
    else
        bad "$desc" "exit $RC, stderr: $ERR"
    fi
}

# The one-line error contract: exit status, empty stdout, one line "shishi: ..." naming
# every needle.
check_refusal() { # DESC RC NEEDLES
    local desc=$1 want_rc=$2 needles=$3 n
    if [ "$want_rc" == nz ] && [ "$RC" -ne 0 ] && [ "$RC" -lt 128 ]; then
        ok "$desc: exit non-zero ($RC)"
    elif [ "$want_rc" != nz ] && [ "$RC" -eq "$want_rc" ]; then
        ok "$desc: exit $want_rc"
    else
        bad "$desc: exit $want_rc" "got exit $RC (stderr: $ERR)"
    fi
    check_eq "$desc: nothing on stdout" "$OUT" ""
    n=$(printf '%s\n' "$ERR" | grep -c '' || true)
    if [ -n "$ERR" ] && [ "$n" -eq 1 ] && [[ "$ERR" == "shishi: "* ]]; then
        ok "$desc: one stderr line: $ERR"
    else
        bad "$desc: one stderr line 'shishi: ...'" "got $n line(s): $ERR"
    fi
    local IFS='|' needle
    for needle in $needles; do
        check_has "$desc: message names '$needle'" "$ERR" "$needle"
    done
}

refuse() { # DESC RC NEEDLES -- ARGS...
    local desc=$1 want_rc=$2 needles=$3
    shift 3
    [ "${1:-}" == "--" ] && shift
    ss "$@"
    check_refusal "$desc" "$want_rc" "$needles"
}

check_json() {
    local desc=$1 file=$2 out rc=0 line
    shift 2
    out=$("$PY" - "$desc" "$file" "$@" <<'PYEOF'
import json, sys
desc, path = sys.argv[1], sys.argv[2]
pairs = sys.argv[3:]
def fmt(v):
    if v is None: return "null"
    if v is True: return "true"
    if v is False: return "false"
    if isinstance(v, str): return v
    if isinstance(v, float):
        s = repr(round(v, 6))
        return s[:-2] if s.endswith(".0") else s
    if isinstance(v, int): return str(v)
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
def get(d, p):
    if p.startswith("py:"):
        return eval(p[3:], {"d": d, "len": len, "sorted": sorted, "sum": sum, "set": set})
    length = p.startswith("#")
    if length: p = p[1:]
    v = d
    for k in p.split(".") if p else []:
        v = v[int(k)] if isinstance(v, list) else v[k]
    return len(v) if length else v
try:
    with open(path, encoding="utf-8-sig") as f:
        doc = json.load(f)
except Exception as ex:
    for i in range(0, len(pairs), 2):
        print(f"FAIL - {desc}: {pairs[i]}: no JSON ({ex})")
    sys.exit(0)
for i in range(0, len(pairs), 2):
    p, want = pairs[i], pairs[i + 1]
    try:
        got = fmt(get(doc, p))
    except Exception as ex:
        got = f"<{type(ex).__name__}: {ex}>"
    if got == want:
        print(f"ok - {desc}: {p} = {want}")
    else:
        print(f"FAIL - {desc}: {p}: expected '{want}', got '{got}'")
PYEOF
) || rc=$?
    if [ "$rc" -ne 0 ]; then
        bad "$desc" "python3 failed ($rc)"
        return 0
    fi
    while IFS= read -r line; do
        echo "$line"
        case $line in
            "ok - "*) PASS=$((PASS + 1)) ;;
            *) FAIL=$((FAIL + 1)) ;;
        esac
    done <<<"$out"
}

# Prints one value of a JSON file (same PATH syntax as check_json).
json_get() { # FILE PATH
    "$PY" - "$1" "$2" <<'PYEOF'
import json, sys
with open(sys.argv[1], encoding="utf-8-sig") as f:
    v = json.load(f)
p = sys.argv[2]
length = p.startswith("#")
if length: p = p[1:]
for k in p.split(".") if p else []:
    v = v[int(k)] if isinstance(v, list) else v[k]
v = len(v) if length else v
print("null" if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
PYEOF
}

show_json() { # CODE FILE
    ss show "$1" --format json
    printf '%s\n' "$OUT" >"$2"
    if [ "$RC" -ne 0 ]; then
        bad "show $1 --format json" "exit $RC: $ERR"
    fi
}

# "version events" of an appeal, from show --format json.
snapshot() { # CODE
    ss show "$1" --format json
    if [ "$RC" -ne 0 ]; then
        echo "show-failed-$RC"
        return 0
    fi
    # Fast path: the JSON is printed with a two-space indent (top-level "version", one
    # "seq" per history entry); anything else goes through the json module.
    local v n
    v=$(printf '%s\n' "$OUT" | sed -n 's/^  "version": \([0-9]*\),$/\1/p')
    n=$(printf '%s\n' "$OUT" | grep -c '^      "seq": [0-9]*,$' || true)
    if [[ "$v" =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ]; then
        echo "$v $n"
        return 0
    fi
    printf '%s\n' "$OUT" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["version"], len(d["history"]))' 2>/dev/null || echo "bad-json"
}

# An illegal action: refused cleanly and nothing written.
refuse_unchanged() { # DESC RC NEEDLES CODE -- ARGS...
    local desc=$1 want_rc=$2 needles=$3 code=$4 before after
    shift 4
    [ "${1:-}" == "--" ] && shift
    before=$(snapshot "$code")
    ss "$@"
    check_refusal "$desc" "$want_rc" "$needles"
    after=$(snapshot "$code")
    check_eq "$desc: $code version and event count unchanged ($before)" "$after" "$before"
}

# A small district: 永定区, three departments, a town and a village under it; a dispatcher,
# two handlers of different units (passwords on stdin), a leader and an auditor.
setup_org() {
    expect_ok "init creates the ledger" init
    check_has "init names the database" "$OUT" "$DB"
    expect_ok "unit add district 永定区" unit add --name 永定区 --kind district --code YD
    expect_ok "unit add department 区住建局" unit add --name 区住建局 --kind department --parent 永定区
    expect_ok "unit add department 区城管局" unit add --name 区城管局 --kind department --parent 永定区
    expect_ok "unit add department 区教育局" unit add --name 区教育局 --kind 部门 --parent 永定区
    expect_ok "unit add town 王家镇" unit add --name 王家镇 --kind town --parent 永定区
    expect_ok "unit add village 李家村 under the town" unit add --name 李家村 --kind village --parent 王家镇
    expect_ok "user add dispatcher" user add --username disp --name 王派单 --role dispatcher
    expect_ok "user add handler of 区住建局 (--password-stdin)" user add --username zj --name 住建承办 --role handler --unit 区住建局 --password-stdin <<<"zhujian-pass-2021"
    expect_ok "user add handler of 区城管局 (--password-stdin)" user add --username cg --name 城管承办 --role handler --unit 区城管局 --password-stdin <<<"chengguan-pass-2021"
    expect_ok "user add leader" user add --username boss --name 李区长 --role leader
    expect_ok "user add auditor" user add --username audit --name 审计员 --role auditor
}

cli_end() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
}
