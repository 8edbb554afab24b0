#!/usr/bin/env bash
# test_run.sh -- the README's main command, `./run DB HOST:PORT`, end to end: it installs what
# is missing, builds, loads the demo, verifies it, prints the 2021 report, writes the July
# bulletin in four formats beside the database and serves the API, which answers a login;
# run again on the address it holds, it says how to choose another.
# (The run script uses build/shishi; the binary given is only checked to exist.)
set -euo pipefail
# shellcheck source=tests/cli/lib.sh
source "$(dirname "$0")/lib.sh"
cli_begin "$@"
root=$(cd "$(dirname "$0")/../.." && pwd)
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid timeout 600 "$root/run" "$T/site/demo.db" "127.0.0.1:$port" >"$T/run.log" 2>&1 &
pid=$!
trap 'kill -TERM -- -$pid 2>/dev/null || true; rm -rf "$T"' EXIT
up=0
for _ in $(seq 1 300); do
    if "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=2)" 2>/dev/null; then
        up=1
        break
    fi
    kill -0 $pid 2>/dev/null || break
    sleep 1
done
check_eq "./run ends serving the API" "$up" 1
log=$(grep -v '^access ' "$T/run.log" || true)
check_has "./run loads the demo" "$log" "demo: 永定区 loaded"
check_has "./run verifies the history" "$log" "audit ok"
check_match "./run prints the 2021 total" "$(printf '%s\n' "$log" | grep '^合计' || true)" '^合计 +全部 +2595 +2595 +100\.00% +94\.99%'
for f in pdf html xlsx csv; do
    check_eq "./run writes the July bulletin as $f" "$([ -s "$T/site/bulletin-2021-07.$f" ] && echo yes || echo no)" yes
done
if [ "$up" = 1 ]; then
    got=$("$PY" - "$port" <<'PYEOF'
import json, sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v1/session",
                             data=json.dumps({"username": "paidan", "password": "shishi-demo-2021"}).encode(),
                             headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req, timeout=10))["user"]["username"])
PYEOF
)
    check_eq "the demo's dispatcher logs in" "$got" paidan
    # the same address again: taken, and ./run says how to choose another (issue 19)
    rc=0
    timeout 300 "$root/run" "$T/site/demo.db" "127.0.0.1:$port" >"$T/run2.log" 2>&1 || rc=$?
    check_eq "./run on a taken address exits 1" "$rc" 1
    check_has "... and suggests ./run DB HOST:PORT" "$(tail -1 "$T/run2.log")" "./run $T/site/demo.db HOST:PORT"
fi
kill -TERM -- -$pid 2>/dev/null || true
wait $pid 2>/dev/null || true
if [ "$FAIL" -gt 0 ]; then
    tail -20 "$T/run.log" >&2
fi
cli_end
