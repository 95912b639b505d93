#!/usr/bin/env bash
# `liveform webhook listen` and `send` against Python peers (webhook_peers.py):
#   Tools/interop/webhook_cli.sh .build/debug/liveform
# Runs both modes in turn and ends with one line `N passed, M failed` (the sum of both);
# exit status non-zero when anything failed.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 /path/to/liveform" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
# A private copy, so that a concurrent `swift build` cannot replace the binary mid-run.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/liveform-webhook-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$1" "$tmp/liveform"
binary=$tmp/liveform

passed=0
failed=0
for mode in sender receiver; do
    echo "==> webhook_peers.py $mode (Python cryptography <-> liveform webhook $([ "$mode" = sender ] && echo listen || echo send))"
    out=$(python3 "$here/webhook_peers.py" "$mode" "$binary" 2>&1)
    status=$?
    echo "$out" | sed '$d'
    last=$(echo "$out" | tail -n1)
    echo "$mode: $last"
    if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
    else
        failed=$((failed + 1))
    fi
    if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
