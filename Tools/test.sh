#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with Swift:
#   Tools/test.sh
# Installs what is missing (C libraries for the two crypto backends; Node and Python's
# `cryptography` for the independent vector generators and interop checks), then builds
# and runs every test. Exit status is non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in libssl-dev libgcrypt20-dev pkg-config openssl; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-pip)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! python3 -c 'import cryptography' >/dev/null 2>&1; then
    echo "==> installing Python 'cryptography' (vector generator and interop peer)"
    python3 -m pip install --quiet cryptography || as_root apt-get install -y -qq python3-cryptography
fi

echo "==> toolchain: $(swift --version 2>&1 | head -n1)"
echo "==> backends: $(pkg-config --modversion libcrypto | sed 's/^/OpenSSL /'), $(pkg-config --modversion libgcrypt | sed 's/^/libgcrypt /')"

echo "==> Vectors/ is exactly what the independent generators (Node crypto, Python cryptography) produce"
Tools/vectors/generate.sh --check

echo "==> swift build"
swift build --build-tests

echo "==> swift test"
# Swift Testing announces every one of the ~40,000 parameterised cases as it starts; keep
# the log readable by dropping those lines (results, failures and counts stay).
swift test 2>&1 | { grep -v -E '^◇ (Test case passing .* started\.|Test .* started\.|Suite .* started\.)$' || true; }
