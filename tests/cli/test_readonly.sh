#!/usr/bin/env bash
# test_readonly.sh -- a ledger that cannot be written (a 0444 backup, read-only media) can
# still be read: `list`, `show`, `audit verify` and `serve` work on it, a write is refused
# with one clear line naming the cause, and the file is left byte for byte as it was. Before
# the fix every command failed with "attempt to write a readonly database" (issue 16, item 6).
# As root the read-only commands run as `nobody`, for whom the mode bits hold.
# usage: bash tests/cli/test_readonly.sh /path/to/shishi
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
. "$(dirname "$0")/lib.sh"
cli_begin "$@"
setup_org
expect_ok "an appeal" --as disp register --title 路灯不亮 --content 永定路路灯不亮 --channel 12345热线 --kind 投诉 --phone 13812345678
code=$(dbq "$DB" "SELECT code FROM appeals LIMIT 1")

# A user for whom the mode bits hold: root ignores them.
as_reader=()
if [ "$(id -u)" = 0 ]; then
    as_reader=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    chmod 755 "$T"
fi
ro() { # ro DB ARGS...: the binary on DB as the reader; $RC, $OUT, $ERR
    local db=$1
    shift
    RC=0
    "${as_reader[@]}" "$BIN" --db "$db" "$@" >"$T/out" 2>"$T/err" || RC=$?
    OUT=$(cat "$T/out")
    ERR=$(cat "$T/err")
}

for where in "a read-only directory" "a writable directory"; do
    d=$T/ro-${where// /-}
    mkdir "$d"
    cp "$DB" "$d/ledger.db"
    chmod 0444 "$d/ledger.db"
    if [ "$where" = "a read-only directory" ]; then chmod 0555 "$d"; else chmod 0777 "$d"; fi
    sum=$(sha256sum <"$d/ledger.db")
    ro "$d/ledger.db" list
    check_eq "$where: list exits 0" "$RC" 0
    check_has "$where: list shows the appeal" "$OUT" "$code"
    check_eq "$where: list writes nothing on stderr" "$ERR" ""
    ro "$d/ledger.db" show "$code"
    check_has "$where: show reads the appeal" "$OUT" 路灯不亮
    check_has "$where: the phone stays masked" "$OUT" "138****5678"
    ro "$d/ledger.db" audit verify
    check_eq "$where: audit verify exits 0" "$RC" 0
    check_has "$where: audit verify says ok" "$OUT" "audit ok"
    ro "$d/ledger.db" --as disp register --title 新诉求 --content 内容 --channel 12345热线 --kind 咨询
    check_eq "$where: a write exits 1" "$RC" 1
    check_has "$where: the write names the cause" "$ERR" "数据库只读"
    check_eq "$where: one error line" "$(wc -l <"$T/err")" 1
    check_eq "$where: the file is unchanged" "$(sha256sum <"$d/ledger.db")" "$sum"
done

# serve: it starts on a read-only ledger and answers what only reads.
d="$T/ro-a-read-only-directory"
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_reader[@]}" "$BIN" --db "$d/ledger.db" serve --listen "127.0.0.1:$port" >"$T/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$T"' EXIT
got=$("$PY" - "$port" <<'PYEOF'
import json, sys, time, urllib.error, urllib.request
base = "http://127.0.0.1:%s" % sys.argv[1]
for _ in range(100):
    try:
        urllib.request.urlopen(base + "/healthz", timeout=2)
        break
    except Exception:
        time.sleep(0.1)
out = []
with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
    out.append("healthz %d" % r.status)
req = urllib.request.Request(base + "/api/v1/session", method="POST",
                             data=json.dumps({"username": "disp", "password": "x"}).encode(),
                             headers={"Content-Type": "application/json"})
try:
    urllib.request.urlopen(req, timeout=5)
    out.append("login 200")
except urllib.error.HTTPError as e:
    out.append("login %d %s" % (e.code, json.load(e)["error"]["message"]))
with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
    out.append("again %d" % r.status)
print("\n".join(out))
PYEOF
)
check_has "serve answers /healthz" "$got" "healthz 200"
check_has "a write over HTTP names the cause" "$got" "数据库只读"
check_has "the server lives on after it" "$got" "again 200"
cli_end
