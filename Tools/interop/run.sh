#!/usr/bin/env bash
# Runs the interop checks against a liveform binary:
#   Tools/interop/run.sh .build/debug/liveform
# Exit status is non-zero when either check fails; the last lines say which.
set -uo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 /path/to/liveform" >&2
    exit 2
fi
binary=$1
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$binary" ]; then
    echo "run.sh: '$binary' is not an executable file" >&2
    exit 2
fi

# The two checks run side by side (each is sequential inside); their outputs are shown in turn.
out=$(mktemp -d "${TMPDIR:-/tmp}/liveform-interop-run.XXXXXX")
trap 'rm -rf "$out"' EXIT
node "$here/node_urls.mjs" "$binary" >"$out/node" 2>&1 &
node_pid=$!
python3 "$here/python_sdt.py" "$binary" >"$out/python" 2>&1 &
python_pid=$!
wait "$node_pid"; node_status=$?
wait "$python_pid"; python_status=$?

echo "==> node_urls.mjs (Liveform URLs: liveform sign/decode <-> Node crypto)"
cat "$out/node"
echo "==> python_sdt.py (webhooks and API bodies: liveform webhook/body <-> Python cryptography)"
cat "$out/python"

echo "==> summary"
failed=0
if [ "$node_status" -eq 0 ]; then echo "node_urls.mjs: ok"; else echo "node_urls.mjs: FAILED (exit $node_status)"; failed=1; fi
if [ "$python_status" -eq 0 ]; then echo "python_sdt.py: ok"; else echo "python_sdt.py: FAILED (exit $python_status)"; failed=1; fi
exit "$failed"
