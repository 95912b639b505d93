#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine with Swift:
#   Tools/test.sh
# Installs what is missing (Tools/setup.sh --tests), checks that Vectors/ is what the
# independent generators produce and that nothing refers outside the repository, builds,
# builds the documentation (Tools/docs.sh), checks that the Liveform product depends on no
# other package, checks the vectors with the CLI on both backends, runs the Node/Python interop
# checks (and `liveform api` against the fake vendor, `liveform sandbox` and the example backend end to end), every fuzz target (LIVEFORM_FUZZ_SECONDS, default 60),
# the tests under ASan and TSan, the benchmarks in quick mode, and finally the whole test suite. Exit status is non-zero
# when anything fails. Each test run has a deadline (LIVEFORM_TEST_DEADLINE seconds, default
# 1200; Tools/watchdog.sh): a hang fails with the tests still running and every thread's stack.
set -euo pipefail
cd "$(dirname "$0")/.."

Tools/setup.sh --tests

echo "==> toolchain: $(swift --version 2>&1 | head -n1)"
echo "==> disk: $(df -h . | awk 'NR == 2 { print $4 " free of " $2 }') (a full run needs about 8 GB)"
echo "==> backends: $(pkg-config --modversion libcrypto | sed 's/^/OpenSSL /'), $(pkg-config --modversion libgcrypt | sed 's/^/libgcrypt /')"

echo "==> Vectors/ is exactly what the independent generators (Node crypto, Python cryptography) produce"
Tools/vectors/generate.sh --check

echo "==> the repository is self-contained: no file refers to a folder outside it"
if git grep -nE '\.\.[/]shared' -- . ; then
    echo "files above refer to a folder outside the repository" >&2
    exit 1
fi

echo "==> format: swift format lint --strict, with the rules in .swift-format"
swift format lint --strict --recursive --parallel Package.swift Sources Tests Snippets Examples

echo "==> swift build"
swift build --build-tests

echo "==> documentation: DocC with warnings as errors, no undocumented public declaration"
Tools/docs.sh

echo "==> the Liveform product stays light: a consumer of it alone builds no other package"
Tools/check-core-deps.sh

echo "==> liveform vectors check Vectors/*.json, on both backends"
for backend in openssl gcrypt; do
    .build/debug/liveform vectors check --backend "$backend" Vectors/*.json
done

echo "==> interop: Node and Python peers against the liveform binary"
Tools/interop/run.sh .build/debug/liveform
Tools/interop/webhook_cli.sh .build/debug/liveform   # webhook listen/send <-> Python peers

echo "==> interop: liveform api against the independent fake vendor (Tools/interop/fake_argos.py), both SDT modes"
Tools/interop/api_cli.sh .build/debug/liveform

echo "==> interop: liveform sandbox end to end with a Python browser, crypto and webhook receiver, across a SIGKILL"
python3 Tools/interop/sandbox_e2e.py .build/debug/liveform

echo "==> interop: the example client backend (Examples/ClientBackend) against liveform sandbox, from a Python browser"
python3 Tools/interop/example_e2e.py .build/debug/liveform .build/debug/liveform-example-backend

echo "==> browser: the sandbox's pages in headless Chromium (Selenium): a Node-built URL completed, the Return URL page"
python3 Tools/interop/sandbox_browser.py .build/debug/liveform

echo "==> fuzzing: every libFuzzer target for ${LIVEFORM_FUZZ_SECONDS:-60} s"
Tools/fuzz.sh all "${LIVEFORM_FUZZ_SECONDS:-60}"

echo "==> sanitizers"
Tools/sanitize.sh address
Tools/sanitize.sh thread

echo "==> benchmarks, quick mode: ours (release build) and the peers in one run (targets are reported, not enforced here)"
python3 Tools/bench/compare.py --quick --results-dir .build-bench/results
echo "==> instructions per operation (callgrind), W1 and W4, on the benchmark just built"
LIVEFORM_BENCH=.build-bench/swift/release/liveform-bench Tools/bench/instructions.sh W1 W4

echo "==> swift test"
# Under a deadline (Tools/watchdog.sh: a hang fails with every thread's stack). Swift Testing
# announces every one of the ~40,000 parameterised cases as it starts; keep the log readable
# by dropping those lines (results, failures and counts stay).
status=0
Tools/watchdog.sh "${LIVEFORM_TEST_DEADLINE:-1200}" .build/test.log swift test || status=$?
grep -v -E '^◇ (Test case passing .* started\.|Test .* started\.|Suite .* started\.)$' .build/test.log || true
exit "$status"
