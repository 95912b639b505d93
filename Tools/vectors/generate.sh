#!/usr/bin/env bash
# Regenerate the conformance vectors in Vectors/ with the independent generators
# (Python `cryptography` and Node's built-in `crypto`; never the Swift SDK).
#
#   Tools/vectors/generate.sh           regenerate Vectors/*.json in place
#   Tools/vectors/generate.sh --check   regenerate into a temporary directory and compare with the
#                                       committed Vectors/*.json; exit 1 on any difference
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
vectors="$root/Vectors"
files=(cipher.json liveform-url.json return-url.json request-body.json response-body.json webhook.json)

usage() {
  echo "usage: $0 [--check]" >&2
  echo "  (no option)  regenerate Vectors/*.json" >&2
  echo "  --check      regenerate into a temporary directory and compare with Vectors/*.json" >&2
}

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  -h|--help) usage; exit 0 ;;
  *) usage; exit 64 ;;
esac
[ $# -le 1 ] || { usage; exit 64; }

command -v python3 >/dev/null 2>&1 || { echo "generate.sh: python3 not found (needed for gen_cipher.py and gen_sdt.py)" >&2; exit 2; }
command -v node >/dev/null 2>&1 || { echo "generate.sh: node not found (Node.js >= 18 needed for gen_liveform.mjs)" >&2; exit 2; }
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 18 ]; then
  echo "generate.sh: Node.js >= 18 is required (found $(node --version))" >&2
  exit 2
fi

if [ "$check" -eq 1 ]; then
  out="$(mktemp -d "${TMPDIR:-/tmp}/liveform-vectors.XXXXXX")"
  trap 'rm -rf "$out"' EXIT
else
  out="$vectors"
  mkdir -p "$out"
fi

python3 "$here/gen_cipher.py" "$out"
node "$here/gen_liveform.mjs" "$out"
python3 "$here/gen_sdt.py" "$out"

# Each implementation re-verifies the other's output (Node checks the Python files, Python the
# Node files), so every token in Vectors/ is confirmed by two independent AES implementations.
node "$here/gen_liveform.mjs" --cross-check "$out"
python3 "$here/gen_sdt.py" --cross-check "$out"

if [ "$check" -eq 0 ]; then
  echo "Vectors regenerated in $vectors ($(du -sh "$vectors" | cut -f1))."
  exit 0
fi

status=0
for f in "${files[@]}"; do
  if [ ! -f "$vectors/$f" ]; then
    echo "MISSING: Vectors/$f is not committed (the generators produce it)." >&2
    status=1
  elif ! cmp -s "$out/$f" "$vectors/$f"; then
    echo "DIFFERS: Vectors/$f does not match the generators' output." >&2
    if diff <(grep -v '^  "description": ' "$out/$f") <(grep -v '^  "description": ' "$vectors/$f") >/dev/null; then
      echo "         Only the file's \"description\" differs (it names the generating tool versions); the vectors themselves are identical." >&2
    else
      diff -u "$vectors/$f" "$out/$f" | cut -c1-200 | head -n 20 >&2 || true
    fi
    status=1
  fi
done
for f in "$vectors"/*.json; do
  [ -e "$f" ] || continue
  name="$(basename "$f")"
  case " ${files[*]} " in
    *" $name "*) ;;
    *) echo "note: Vectors/$name is not produced by these generators (not checked)." >&2 ;;
  esac
done

if [ "$status" -ne 0 ]; then
  echo "vectors check FAILED: committed Vectors/ differ from Tools/vectors output. Run Tools/vectors/generate.sh, review the diff, and commit it." >&2
  exit 1
fi
echo "vectors check passed: ${#files[@]} files in Vectors/ match the generators byte for byte."
