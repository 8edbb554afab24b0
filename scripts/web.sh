#!/usr/bin/env bash
# web.sh -- builds the web console and the citizens' page into web/dist (npm ci from the
# committed lock file, then vite), when a source is newer than the last build. The C build
# embeds web/dist when it exists; without it the binary serves the API alone.
set -euo pipefail
cd "$(dirname "$0")/../web"
if ! command -v npm >/dev/null 2>&1; then
    echo "web: npm is missing (scripts/setup.sh installs it): the console is not built" >&2
    exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "web: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
fi
stamp=dist/index.html
if [ -e "$stamp" ] && [ -z "$(find index.html h5 src vite.config.js package-lock.json scripts \
        -newer "$stamp" -print -quit)" ]; then
    exit 0
fi
echo "web: building the console (vite)"
npm run --silent build >/dev/null
touch "$stamp"
