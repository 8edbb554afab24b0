#!/usr/bin/env bash
# run_test.sh COMMAND [ARGS...] -- runs a test (a store test binary, a CLI or API test script)
# against a fresh, empty PostgreSQL database on a throwaway cluster (cluster.sh), with
# SHISHI_TEST_DB_URL set, and removes the cluster afterwards whatever happens. Without
# PostgreSQL installed this fails: it does not skip.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: run_test.sh COMMAND [ARGS...]" >&2; exit 2; }

if ! ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "run_test.sh: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb);" \
        "run scripts/setup.sh (it installs 'postgresql' and 'libpq-dev')" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/shishi-pg.XXXXXX)
cleanup() {
    bash "$here/cluster.sh" stop "$dir" || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bash "$here/cluster.sh" start "$dir" >/dev/null
url=$(bash "$here/cluster.sh" createdb "$dir" shishi_test)
echo "run_test.sh: $url"
SHISHI_TEST_DB_URL=$url "$@"
