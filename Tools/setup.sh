#!/usr/bin/env bash
# Installs what building, the demo and the tests need on Debian/Ubuntu, and nothing that is
# already there: the C libraries of the two crypto backends, SQLite (the sandbox's state, through
# GRDB), pkg-config, and for the tests the independent peers (Node's crypto, Python's
# cryptography, the openssl command).
#   Tools/setup.sh          # build and demo needs
#   Tools/setup.sh --tests  # also the test peers
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(libssl-dev libgcrypt20-dev libsqlite3-dev pkg-config)
# The tests also drive the sandbox's pages in a real browser (Tools/interop/sandbox_browser.py),
# gdb prints the stacks of a test run that hangs (Tools/watchdog.sh), and valgrind counts the
# benchmark's instructions (Tools/bench/instructions.sh).
[ "${1:-}" = "--tests" ] && packages+=(openssl chromium chromium-driver gdb valgrind)
missing=()
for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${1:-}" = "--tests" ]; then
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pip)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "${1:-}" = "--tests" ] && ! python3 -c 'import cryptography' >/dev/null 2>&1; then
    echo "==> installing Python 'cryptography' (independent vector generator and interop peer)"
    python3 -m pip install --quiet cryptography || as_root apt-get install -y -qq python3-cryptography
fi
if [ "${1:-}" = "--tests" ] && ! python3 -c 'import selenium' >/dev/null 2>&1; then
    echo "==> installing Python 'selenium' (drives headless Chromium in the sandbox's browser test)"
    python3 -m pip install --quiet selenium || as_root apt-get install -y -qq python3-selenium
fi
