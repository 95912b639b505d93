#!/usr/bin/env bash
# Instructions per operation of liveform-bench's workloads, counted by valgrind's callgrind:
# each workload runs twice with a fixed number of operations, and the difference of the two
# totals, divided by the difference of the counts, leaves out start-up and the checks made
# before timing. Unlike wall-clock time, the figure does not depend on what else the machine
# is doing, so it can judge a change of a few percent (such as an `@inline(__always)`).
#
#   Tools/bench/instructions.sh                       # W1–W4 and W5, W6 on openssl
#   Tools/bench/instructions.sh --backend gcrypt W4   # chosen workloads, another backend
#
# Inputs are fixed (W3 decodes a URL with a fixed nonce under --iterations, and Swift's hashing
# is made deterministic), so the same build gives the same figures. Builds the benchmark as
# compare.py does, unless LIVEFORM_BENCH names a binary. Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=openssl
if [[ "${1:-}" == "--backend" ]]; then backend=$2; shift 2; fi
workloads=("$@")
[[ ${#workloads[@]} -gt 0 ]] || workloads=(W1 W2 W3 W4 W5 W6)
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
bench=${LIVEFORM_BENCH:-.build-bench/swift/release/liveform-bench}
if [[ -z "${LIVEFORM_BENCH:-}" ]]; then
    swift build -c release --product liveform-bench --static-swift-stdlib --scratch-path .build-bench/swift >&2
fi
export SWIFT_DETERMINISTIC_HASHING=1
count() {  # total instructions of one run of workload $1 with $2 operations
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" --json --workload "$1" --backend "$backend" \
        --iterations "$2" 2>&1 >/dev/null | sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
for workload in "${workloads[@]}"; do
    # W5 and W5s: an operation is one encryption on one thread and one on every core (the
    # row's two figures); valgrind runs the threads one at a time, so the count is their sum.
    case $workload in
        W1 | W2 | W3 | W4) few=1000 many=11000 ;;
        *) few=1 many=3 ;;  # a 10 MiB body per operation
    esac
    a=$(count "$workload" $few) b=$(count "$workload" $many)
    [[ -n "$a" && -n "$b" ]] || { echo "instructions.sh: $workload did not run under valgrind" >&2; exit 1; }
    echo "$workload $backend $(((b - a) / (many - few))) instructions per operation"
done
