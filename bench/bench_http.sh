#!/usr/bin/env bash
# bench_http.sh -- HTTP throughput of `shishi serve` next to nginx serving a static file of the
# same size, in the same run, on loopback. Not part of the test run.
#
#   bash bench/bench_http.sh [--duration S] [--threads T] [--connections C] [--server-threads N]
#
# Scenarios (each against shishi, then nginx, alternately):
#   get     GET  /api/v1/appeals/{code}                      (one appeal with its history)
#   list    GET  /api/v1/appeals?status=closed&area=宜居&limit=20
#   public  POST /api/v1/public/appeals                      (citizen registration, 2 commits)
# nginx serves, for each scenario, a static file exactly as long as shishi's response body
# (always by GET: nginx's static module answers POST with 405).
#
# It installs wrk and nginx-light with apt-get when missing, builds shishi (Release) in
# build-bench-http, makes a fresh database in a temporary directory (the `demo` data, or a
# generated ledger when `demo` is not available), and removes everything when done.
# Only 127.0.0.1 is used. Takes about 15 + 6 x (duration + 2) seconds (~1.5 min by default,
# 10-20 s more when it has to generate data). Figures, hot spots: bench/README.md "HTTP" or bench/HTTP.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DURATION=10
WRK_THREADS=2
WRK_CONNS=32
SERVER_THREADS=0 # 0: shishi's default, one per core
WARMUP=2
while [ $# -gt 0 ]; do
    case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --threads) WRK_THREADS=$2; shift 2 ;;
    --connections) WRK_CONNS=$2; shift 2 ;;
    --server-threads) SERVER_THREADS=$2; shift 2 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "bench_http: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
for v in "$DURATION" "$WRK_THREADS" "$WRK_CONNS" "$SERVER_THREADS"; do
    [[ $v =~ ^[0-9]+$ ]] || { echo "bench_http: '$v' is not a whole number" >&2; exit 2; }
done
[ "$DURATION" -ge 1 ] || { echo "bench_http: --duration must be at least 1" >&2; exit 2; }

say() { printf 'bench_http: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# ---- tools ---------------------------------------------------------------------------------
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_install() {
    say "installing $*"
    if ! $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
        >/dev/null 2>&1; then
        $SUDO apt-get update >/dev/null
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
            >/dev/null
    fi
}
find_nginx() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }
command -v wrk >/dev/null || apt_install wrk
[ -n "$(find_nginx)" ] || apt_install nginx-light || apt_install nginx
command -v curl >/dev/null || apt_install curl
bash scripts/setup.sh # the toolchain and libraries (and python3), when missing
NGINX=$(find_nginx)
[ -n "$NGINX" ] || die "nginx is not installed"

# ---- build ---------------------------------------------------------------------------------
say "building shishi (Release) in build-bench-http"
cmake -S . -B build-bench-http -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench-http --target shishi >/dev/null
SHISHI=$ROOT/build-bench-http/shishi

# ---- temp dir, cleanup ---------------------------------------------------------------------
TMP=$(mktemp -d /tmp/shishi-bench-http.XXXXXX)
chmod 755 "$TMP"
SHISHI_PID=
NGINX_PID=
cleanup() {
    local p
    for p in $SHISHI_PID $NGINX_PID; do
        kill "$p" 2>/dev/null || true
    done
    for p in $SHISHI_PID $NGINX_PID; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() { # PORT PID NAME
    for _ in $(seq 100); do
        kill -0 "$2" 2>/dev/null || die "$3 exited at start (see above)"
        if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"; then return 0; fi
        sleep 0.1
    done
    die "$3 did not listen on 127.0.0.1:$1 within 10 s"
}

# ---- database ------------------------------------------------------------------------------
DB=$TMP/bench.db
PASS=bench-http-password-2021
DEMO=0
if "$SHISHI" --db "$DB" demo >"$TMP/demo.log" 2>&1; then
    DEMO=1
    say "database: $(head -1 "$TMP/demo.log")"
else
    say "'shishi demo' is not available ($(tail -1 "$TMP/demo.log")): generating a ledger"
    rm -f "$DB" "$DB"-wal "$DB"-shm
    S() { "$SHISHI" --db "$DB" "$@" >/dev/null; }
    S init
    S unit add --name 永定区 --kind district --code YD
    for u in 区住建局 区城管局 区教育局 区卫健委 区人社局 区交通局 区市场监管局 区民政局; do
        S unit add --name "$u" --kind department --parent 永定区
    done
    for u in 王家镇 李家镇 城关街道; do S unit add --name "$u" --kind town --parent 永定区; done
fi
echo "$PASS" | "$SHISHI" --db "$DB" user add --username bench --name 压测 --role admin \
    --password-stdin >/dev/null

# ---- shishi --------------------------------------------------------------------------------
SPORT=$(free_port)
SARGS=(--db "$DB" serve --listen "127.0.0.1:$SPORT" --quiet --public-per-minute 100000)
[ "$SERVER_THREADS" -eq 0 ] || SARGS+=(--threads "$SERVER_THREADS")
"$SHISHI" "${SARGS[@]}" 2>"$TMP/shishi.log" &
SHISHI_PID=$!
wait_port "$SPORT" "$SHISHI_PID" shishi
BASE=http://127.0.0.1:$SPORT
TOKEN=$(curl -sf --max-time 10 -X POST "$BASE/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$PASS\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])') || die "cannot log in"
AUTH="Authorization: Bearer $TOKEN"

if [ "$DEMO" -eq 0 ]; then
    # A few thousand appeals over the API on one keep-alive connection, a third of them taken
    # to 销号 (closed). Bounded to 90 s; fewer appeals are fine.
    say "registering appeals over the API (at most 90 s)"
    python3 - "$SPORT" "$TOKEN" <<'EOF' >&2
import http.client, json, sys, time
port, token = int(sys.argv[1]), sys.argv[2]
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
H = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def call(path, body):
    c.request("POST", path, json.dumps(body, ensure_ascii=False).encode(), H)
    r = c.getresponse()
    d = json.loads(r.read())
    if r.status >= 300:
        raise SystemExit(f"POST {path}: {r.status} {d}")
    return d
areas = ["就学", "就医", "就业", "就餐", "宜居", "宜业", "宜游", "宜行", "扶弱", "帮困"]
kinds = ["咨询", "求助", "投诉", "举报", "建议"]
chans = ["微信群", "12345热线", "来访", "网站/H5", "企业走访", "信件"]
units = ["区住建局", "区城管局", "区教育局", "区卫健委", "区人社局", "区交通局", "区市场监管局",
         "区民政局", "王家镇", "李家镇", "城关街道"]
N, stop = 3000, time.monotonic() + 90
done = 0
for i in range(N):
    if time.monotonic() > stop:
        break
    a = call("/api/v1/appeals", {
        "title": f"小区{i % 97}号楼附近路灯损坏，夜间出行不便",
        "content": "反映人称小区东门至菜市场一段路灯已损坏一周以上，老人孩子夜间出行存在安全隐患，"
                   "希望有关部门尽快维修并加强日常巡查。",
        "channel": chans[i % len(chans)], "kind": kinds[i % len(kinds)],
        "area": areas[i % len(areas)], "citizen_name": "王小明",
        "phone": f"138{i:08d}", "address": f"永定区人民路{i % 300}号"})
    code, v = a["code"], a["version"]
    if i % 4 != 3:
        v = call(f"/api/v1/appeals/{code}/dispatch",
                 {"version": v, "unit": units[i % len(units)], "assist": [units[(i + 1) % len(units)]]})["version"]
    if i % 4 in (0, 1):
        v = call(f"/api/v1/appeals/{code}/accept", {"version": v})["version"]
    if i % 3 == 0 and i % 4 in (0, 1):
        v = call(f"/api/v1/appeals/{code}/reply", {"version": v, "text": "经核查，已安排维修，路灯已恢复照明。",
                 "record": "电话联系反映人，现场核实后处理。", "evidence": ["维修照片.jpg"]})["version"]
        v = call(f"/api/v1/appeals/{code}/visit", {"version": v, "solved": "yes", "satisfaction": "满意"})["version"]
        v = call(f"/api/v1/appeals/{code}/close", {"version": v, "evidence": ["回访记录.mp3"]})["version"]
    done += 1
print(f"bench_http: {done} appeals registered", file=sys.stderr)
EOF
fi

# ---- the three requests --------------------------------------------------------------------
AREA_ENC=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("宜居"))')
LIST_PATH="/api/v1/appeals?status=closed&area=$AREA_ENC&limit=20"
CODE=$(curl -sf --max-time 10 -H "$AUTH" "$BASE$LIST_PATH" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["items"][0]["code"] if d["items"] else "")') ||
    die "cannot list appeals"
if [ -z "$CODE" ]; then
    CODE=$(curl -sf --max-time 10 -H "$AUTH" "$BASE/api/v1/appeals?limit=1" |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["items"][0]["code"] if d["items"] else "")')
fi
[ -n "$CODE" ] || die "the database holds no appeals"
GET_PATH="/api/v1/appeals/$CODE"
PUBLIC_PATH="/api/v1/public/appeals"
PUBLIC_BODY='{"title":"小区路灯不亮","content":"小区东门路灯坏了一周，夜间出行不便，请尽快维修。","kind":"求助","area":"宜居","citizen_name":"王小明","phone":"13812345678","address":"永定区人民路1号"}'
cat >"$TMP/public.lua" <<EOF
wrk.method = "POST"
wrk.body = [[$PUBLIC_BODY]]
wrk.headers["Content-Type"] = "application/json"
EOF

mkdir -p "$TMP/www"
probe() { # NAME STATUS-WANTED curl-args... -> $TMP/www/NAME.json holds a body of the same size
    local name=$1 want=$2
    shift 2
    local st
    st=$(curl -s --max-time 10 -o "$TMP/$name.body" -w '%{http_code}' "$@")
    [ "$st" = "$want" ] || die "$name: HTTP $st, not $want: $(head -c 300 "$TMP/$name.body")"
    local size
    size=$(stat -c %s "$TMP/$name.body")
    head -c "$size" /dev/zero | tr '\0' 'x' >"$TMP/www/$name.json"
    echo "$size"
}
SIZE_get=$(probe get 200 -H "$AUTH" "$BASE$GET_PATH")
SIZE_list=$(probe list 200 -H "$AUTH" "$BASE$LIST_PATH")
SIZE_public=$(probe public 201 -X POST -H 'Content-Type: application/json' --data-binary "$PUBLIC_BODY" \
    "$BASE$PUBLIC_PATH")

# ---- nginx ---------------------------------------------------------------------------------
NPORT=$(free_port)
mkdir -p "$TMP/nginx"
cat >"$TMP/nginx.conf" <<EOF
user root;
worker_processes $(nproc);
daemon off;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $TMP/nginx/body;
    proxy_temp_path $TMP/nginx/proxy;
    default_type application/json;
    server {
        listen 127.0.0.1:$NPORT;
        root $TMP/www;
    }
}
EOF
"$NGINX" -p "$TMP/nginx" -c "$TMP/nginx.conf" -e "$TMP/nginx-error.log" &
NGINX_PID=$!
wait_port "$NPORT" "$NGINX_PID" nginx
NBASE=http://127.0.0.1:$NPORT
for s in get list public; do
    st=$(curl -s --max-time 5 -o /dev/null -w '%{http_code} %{size_download}' "$NBASE/$s.json")
    eval "want=\$SIZE_$s"
    [ "$st" = "200 $want" ] || die "nginx /$s.json: '$st', not '200 $want'"
done

# ---- runs ----------------------------------------------------------------------------------
WRK=(wrk "-t$WRK_THREADS" "-c$WRK_CONNS" --latency --timeout 5s)
run_wrk() { # OUT URL extra-args... ; a short warm-up first, then the measured run
    local out=$1 url=$2
    shift 2
    timeout $((WARMUP + 30)) "${WRK[@]}" "-d${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || true
    timeout $((DURATION + 30)) "${WRK[@]}" "-d${DURATION}s" "$@" "$url" >"$out" 2>&1 ||
        die "wrk failed: $(cat "$out")"
}
say "shishi on 127.0.0.1:$SPORT, nginx on 127.0.0.1:$NPORT; $(nproc) cores; appeal $CODE"
say "wrk -t$WRK_THREADS -c$WRK_CONNS -d${DURATION}s per run; sizes get=$SIZE_get list=$SIZE_list public=$SIZE_public bytes"
for s in get list public; do
    say "scenario $s"
    case $s in
    get) run_wrk "$TMP/$s.shishi" "$BASE$GET_PATH" -H "$AUTH" ;;
    list) run_wrk "$TMP/$s.shishi" "$BASE$LIST_PATH" -H "$AUTH" ;;
    public) run_wrk "$TMP/$s.shishi" "$BASE$PUBLIC_PATH" -s "$TMP/public.lua" ;;
    esac
    run_wrk "$TMP/$s.nginx" "$NBASE/$s.json"
done

# ---- report --------------------------------------------------------------------------------
echo
python3 - "$TMP" "$DURATION" "$SIZE_get" "$SIZE_list" "$SIZE_public" <<'EOF'
import re, sys
tmp, dur = sys.argv[1], sys.argv[2]
sizes = dict(zip(["get", "list", "public"], sys.argv[3:6]))
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)$", v)
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[m.group(2)] if m else float("nan")
def parse(path):
    t = open(path).read()
    r = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))}
    for p in ("50", "99"):
        m = re.search(rf"^\s+{p}%\s+(\S+)", t, re.M)
        r["p" + p] = ms(m.group(1)) if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
    r["bad"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: (.*)", t)
    r["sock"] = m.group(1) if m else ""
    return r
label = {"get": "GET /appeals/{code}", "list": "GET /appeals?status&area", "public": "POST /public/appeals"}
print(f"{'scenario':<26}{'bytes':>6}{'shishi r/s':>12}{'nginx r/s':>12}{'ratio':>7}"
      f"{'shishi p50/p99 ms':>20}{'nginx p50/p99 ms':>19}")
notes = []
for s in ("get", "list", "public"):
    a, b = parse(f"{tmp}/{s}.shishi"), parse(f"{tmp}/{s}.nginx")
    print(f"{label[s]:<26}{sizes[s]:>6}{a['rps']:>12.0f}{b['rps']:>12.0f}{a['rps'] / b['rps']:>7.3f}"
          f"{a['p50']:>10.2f}/{a['p99']:<9.2f}{b['p50']:>9.2f}/{b['p99']:<9.2f}")
    for who, r in (("shishi", a), ("nginx", b)):
        if r["bad"]:
            notes.append(f"{s}: {who} answered {r['bad']} requests with a status other than 2xx/3xx")
        if r["sock"]:
            notes.append(f"{s}: {who} socket errors: {r['sock']}")
for n in notes:
    print("note:", n)
EOF
