#!/usr/bin/env bash
# Builds the DocC documentation of the library products with warnings treated as errors, and
# fails when any public declaration has no doc comment:
#   Tools/docs.sh                      # every documented target
#   Tools/docs.sh Liveform             # one
# The archives land in .build/plugins/Swift-DocC/outputs/<Target>.doccarchive; preview one with
#   swift package --disable-sandbox preview-documentation --target Liveform
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(Liveform LiveformAPI LiveformHummingbird)

status=0
for target in "${targets[@]}"; do
    echo "==> DocC: $target (warnings are errors)"
    if ! swift package generate-documentation --target "$target" --warnings-as-errors >".build/docc-$target.log" 2>&1; then
        grep -E -A8 '^(error|warning)' ".build/docc-$target.log" | head -n 80 || tail -n 40 ".build/docc-$target.log"
        echo "DOCS $target: FAILED (full log: .build/docc-$target.log)"
        status=1
        continue
    fi
    # The symbol graph the plugin extracted for this target (public declarations only).
    graph=$(ls -t .build/*/extracted-symbols/*/"$target"/"$target".symbols.json 2>/dev/null | head -n 1)
    if [ -z "$graph" ]; then
        echo "DOCS $target: no symbol graph found under .build/*/extracted-symbols"
        status=1
        continue
    fi
    if python3 Tools/docs/undocumented.py "$graph" --max 0; then
        echo "DOCS $target: passed (no warnings, every public declaration documented)"
    else
        echo "DOCS $target: FAILED (undocumented public declarations above)"
        status=1
    fi
done
exit "$status"
