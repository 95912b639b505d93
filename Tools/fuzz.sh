#!/usr/bin/env bash
# libFuzzer runs of the decoders (Sources/LiveformFuzz):
#   Tools/fuzz.sh --list             # the target names
#   Tools/fuzz.sh TARGET SECONDS     # build, seed from Vectors/, fuzz one target
#   Tools/fuzz.sh all SECONDS        # every target for SECONDS each (CI: all 60)
# Exits non-zero on any finding: a crash or broken invariant, a leak, an input that takes
# over 1 s (-timeout=1), or over 512 MB of memory (-rss_limit_mb, -malloc_limit_mb). Each
# run ends with a line `FUZZ <target>: <N> executions in <S> s, <F> findings`.
#
# How it is built: `swift build --product LiveformFuzz` into .build-fuzz with
# `-sanitize=fuzzer,address` (coverage and ASan for Liveform and LiveformBackends too) and
# `-D LIVEFORM_FUZZING`, which selects the libFuzzer entry point in FuzzEntry.swift; that
# entry needs the `Extern` feature (`@_extern(c)` declares LLVMFuzzerRunDriver). The
# target is chosen by LIVEFORM_FUZZ_TARGET.
#
# Kept under .build-fuzz (git-ignored): corpus/TARGET (what libFuzzer found; reused by the
# next run), seeds/TARGET (rewritten from Vectors/ each run), artifacts/TARGET (crashers),
# logs/TARGET.log. A crasher replays with:
#   LIVEFORM_FUZZ_TARGET=TARGET .build-fuzz/debug/LiveformFuzz .build-fuzz/artifacts/TARGET/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(token-ecb token-cbc token-gcm liveform-url return-url webhook api-body body-stream json aes-differential base64)
scratch=.build-fuzz
binary=$scratch/debug/LiveformFuzz

usage() {
    echo "usage: Tools/fuzz.sh --list | TARGET SECONDS | all SECONDS" >&2
    exit 64
}

build() {
    echo "==> swift build --product LiveformFuzz (-sanitize=fuzzer,address) into $scratch"
    local start=$SECONDS
    # The linker repeats a harmless warning about ASan's local symbols for every register.
    swift build --product LiveformFuzz -c debug --scratch-path "$scratch" --disable-index-store \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DLIVEFORM_FUZZING \
        -Xswiftc -enable-experimental-feature -Xswiftc Extern \
        2>&1 | { grep -v -E "Cannot export local symbol '__asan_|^\[[0-9]+/[0-9]+\] " || true; }
    [ "${PIPESTATUS[0]}" -eq 0 ] || { echo "FUZZ build failed" >&2; exit 1; }
    echo "==> built in $((SECONDS - start)) s"
}

# fuzz TARGET SECONDS: one run; prints the FUZZ line; returns non-zero on findings.
fuzz() {
    local target=$1 seconds=$2
    local corpus=$scratch/corpus/$target seeds=$scratch/seeds/$target
    local artifacts=$scratch/artifacts/$target log=$scratch/logs/$target.log
    rm -rf "$seeds"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    local seeded
    seeded=$(python3 Tools/fuzz/seeds.py "$target" "$seeds")
    local before
    before=$(find "$artifacts" -type f | wc -l)
    echo "==> fuzzing $target for $seconds s ($seeded seeds from Vectors/, corpus $corpus)"
    local start=$SECONDS status=0
    # Swift's own crash backtracer would run first and trip ASan while it reads the stack;
    # libFuzzer's report is the one we want.
    SWIFT_BACKTRACE=enable=no LIVEFORM_FUZZ_TARGET=$target "$binary" "$corpus" "$seeds" \
        -max_total_time="$seconds" -timeout=1 -rss_limit_mb=512 -malloc_limit_mb=512 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
    local elapsed=$((SECONDS - start))
    # `Done N runs in S second(s)` after a clean run; the last `#N` status line otherwise.
    local runs
    runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -n1)
    [ -n "$runs" ] || runs=$(grep -o '^#[0-9]*' "$log" | tail -n1 | tr -d '#')
    local findings=$(( $(find "$artifacts" -type f | wc -l) - before ))
    if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
    if [ "$findings" -ne 0 ]; then
        grep -E 'ERROR|FUZZ INVARIANT|Fatal error|SUMMARY|Test unit written|artifact' "$log" | head -n 20 >&2 || true
        echo "    full log: $log; artifacts: $artifacts" >&2
    fi
    echo "FUZZ $target: ${runs:-0} executions in $elapsed s, $findings findings"
    [ "$findings" -eq 0 ]
}

case "${1:-}" in
    --list) printf '%s\n' "${targets[@]}"; exit 0 ;;
    all) [ $# -eq 2 ] || usage; selected=("${targets[@]}") ;;
    "") usage ;;
    *)
        [ $# -eq 2 ] || usage
        printf '%s\n' "${targets[@]}" | grep -qx -- "$1" || { echo "unknown target '$1' (Tools/fuzz.sh --list)" >&2; exit 64; }
        selected=("$1")
        ;;
esac
seconds=$2
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || usage
command -v python3 >/dev/null || { echo "Tools/fuzz.sh needs python3 (seeds from Vectors/)" >&2; exit 1; }

Tools/setup.sh
total=$SECONDS
build
failed=()
for target in "${selected[@]}"; do
    fuzz "$target" "$seconds" || failed+=("$target")
done
echo "==> ${#selected[@]} targets in $((SECONDS - total)) s wall time"
# A CI clone is thrown away afterwards: with no finding to replay, free the build's disk for
# the next stage (corpus, logs and artifacts stay).
if [ "${CI:-}" = true ] && [ "${#failed[@]}" -eq 0 ]; then
    find "$scratch" -mindepth 1 -maxdepth 1 ! -name corpus ! -name logs ! -name artifacts -exec rm -rf {} +
fi
if [ "${#failed[@]}" -gt 0 ]; then
    echo "FUZZ FAILED: ${failed[*]}" >&2
    exit 1
fi
