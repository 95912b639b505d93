#!/usr/bin/env bash
# The SDK's whole story on a built-in, obviously fake demo key, ending with the whole loop
# (URL, form, Return URL, webhooks, REST API) on the sandbox embedded in `liveform demo`:
#   Tools/demo.sh            (any `liveform demo` options may follow, e.g. --backend gcrypt)
set -euo pipefail
cd "$(dirname "$0")/.."
Tools/setup.sh
swift build --product liveform -q
exec .build/debug/liveform demo "$@"
