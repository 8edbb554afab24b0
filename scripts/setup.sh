#!/usr/bin/env bash
# setup.sh [--test] -- installs the Debian packages shishi needs to build and test, when missing.
# Safe to run again: it installs only what `dpkg -s` does not report as installed.
set -euo pipefail

packages=(
    build-essential cmake ninja-build pkg-config   # toolchain
    libsqlite3-dev libjansson-dev libsodium-dev    # libraries the program links
    libmicrohttpd-dev libpq-dev
    libcairo2-dev libpango1.0-dev libxlsxwriter-dev # bulletin: PDF and XLSX
    fonts-wqy-zenhei                               # a Chinese font for PDF bulletins
    postgresql                                     # tests/pg: throwaway clusters
    sqlite3 python3                                # tests read and tamper with database files
    clang libclang-rt-14-dev                       # libFuzzer for the fuzz smoke tests
)
# The web console is built with node and npm (web/, scripts/web.sh). Machines that carry a
# node of their own (not from a Debian package) keep it.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi
# Only the tests read bulletins back: a real spreadsheet program and the PDF tools; the
# browser tests drive Debian's chromium (never a downloaded browser).
if [ "${1:-}" = "--test" ]; then
    packages+=(libreoffice-calc-nogui poppler-utils chromium)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
