#!/usr/bin/env bash
# The test suite under a sanitizer:
#   Tools/sanitize.sh address   # ASan (+ LeakSanitizer), scratch path .build-asan
#   Tools/sanitize.sh thread    # TSan, scratch path .build-tsan, without the AVX2 kernels
# Exits non-zero when a test fails or the sanitizer reports anything. Ends with a line
# `SANITIZE <name>: <result>, <N> sanitizer reports, <S> s`; the full log is kept in the
# scratch directory (git-ignored, like every .build*), with build.log and, after a hang,
# sanitize.log.hang (Tools/watchdog.sh). With CI=true the build products are deleted
# afterwards, the logs kept. (The index store stays on: `swift test` finds tests with it.)
#
# The TSan build also plays arm64: it is built with LIVEFORM_NO_AVX2, so every test runs the
# portable base64 code that machines without AVX2 run (threads and the kernels do not meet:
# the kernels are pure functions of their buffers). ASan keeps the kernels, whose bounds it checks.
#
# Skipped under sanitizers, to keep CI time reasonable: the suite "Standard AES-256 vectors"
# (StandardVectorTests, ~35,000 NIST CAVP / Wycheproof cases on both backends). They run the
# same engine calls as the other cipher tests, many times over; Tools/test.sh runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
    address) scratch=.build-asan flags=() ;;
    thread) scratch=.build-tsan flags=(-Xcc -DLIVEFORM_NO_AVX2) ;;
    *) echo "usage: Tools/sanitize.sh address|thread" >&2; exit 64 ;;
esac
sanitizer=$1
skipped=StandardVectorTests
log=$scratch/sanitize.log

Tools/setup.sh --tests
mkdir -p "$scratch"
# The concurrency stress test runs 8 × 50,000 operations normally; under a sanitizer (5–15×
# slower) 8 × 5,000 still interleaves every path across tasks, in reasonable time.
export LIVEFORM_STRESS_OPS=${LIVEFORM_STRESS_OPS:-5000}
echo "==> swift test --sanitize=$sanitizer ${flags[*]} --scratch-path $scratch --skip $skipped"
echo "    (skipped under sanitizers: \"Standard AES-256 vectors\", the ~35k NIST/Wycheproof cases; Tools/test.sh runs them)"
start=$SECONDS
status=0
Tools/watchdog.sh 2400 "$scratch/build.log" swift build --build-tests --sanitize="$sanitizer" "${flags[@]}" --scratch-path "$scratch" \
    || { tail -n 40 "$scratch/build.log"; echo "SANITIZE $sanitizer: the build failed (log: $scratch/build.log)"; exit 1; }
# The kernels are in the ASan build and not in the TSan one (the flag reached the C target):
# only the kernels ask for the CPU model.
kernels=$(find "$scratch" -path '*CLiveformSIMD.build/kernels.c.o' | head -n 1)
has_kernels=no
if [ -n "$kernels" ] && nm "$kernels" | grep -q __cpu_model; then has_kernels=yes; fi
want_kernels=$([ "$sanitizer" = address ] && echo yes || echo no)
if [ -z "$kernels" ] || [ "$has_kernels" != "$want_kernels" ]; then
    echo "SANITIZE $sanitizer: expected AVX2 kernels: $want_kernels, found: $has_kernels (${kernels:-no kernels.c.o})"
    exit 1
fi
# Swift's crash backtracer would read the stack under ASan and report itself; the
# sanitizer's own report is the one we want. halt_on_error: ASan stops at the first report
# by default; TSan keeps going and only sets the exit status, which is what we want there.
# The tests take 1 to 4 minutes on two cores; the watchdog turns a hang into a failure with every
# thread's stack (Tools/watchdog.sh) long before CI's own limit.
SWIFT_BACKTRACE=enable=no \
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1} \
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/Tools/sanitizers/lsan.supp:print_suppressions=1} \
TSAN_OPTIONS=${TSAN_OPTIONS:-second_deadlock_stack=1} \
    Tools/watchdog.sh "${LIVEFORM_TEST_DEADLINE:-1200}" "$log" \
    swift test --skip-build --sanitize="$sanitizer" "${flags[@]}" --scratch-path "$scratch" --skip "$skipped" || status=$?
elapsed=$((SECONDS - start))

# The log without Swift Testing's per-case "started" lines (as Tools/test.sh prints it).
grep -v -E '^◇ (Test case passing .* started\.|Test .* started\.|Suite .* started\.)$' "$log" \
    | grep -v "Cannot export local symbol '__asan_" | tail -n 40 || true
reports=$(grep -c -E '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer))' "$log" || true)
result=passed
if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ]; then result="FAILED (exit $status)"; fi
echo "SANITIZE $sanitizer: $result, $reports sanitizer reports, $elapsed s (skipped: $skipped; log: $log)"
# A CI clone is thrown away afterwards: free its disk for the next stage, keep the log.
if [ "${CI:-}" = true ]; then
    find "$scratch" -mindepth 1 -maxdepth 1 ! -name 'sanitize.log*' ! -name build.log -exec rm -rf {} +
fi
[ "$result" = passed ]
