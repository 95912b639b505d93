#!/usr/bin/env bash
# Checks that the `Liveform` product stays light: a consumer package that depends on it alone
# builds without SwiftNIO, AsyncHTTPClient, Hummingbird or any other package. Builds a tiny
# consumer in a temporary folder (its own scratch path) and lists the modules it compiled.
#   Tools/check-core-deps.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/liveform-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
identity="$(basename "$root" | tr '[:upper:]' '[:lower:]')"

mkdir -p "$work/Sources/Consumer"
cat >"$work/Package.swift" <<SWIFT
// swift-tools-version: 6.2
import PackageDescription
let package = Package(
    name: "Consumer",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "$root")],
    targets: [.executableTarget(name: "Consumer", dependencies: [.product(name: "Liveform", package: "$identity")])]
)
SWIFT
cat >"$work/Sources/Consumer/main.swift" <<'SWIFT'
import Liveform

// A user who only builds URLs and reads webhooks.
let key = try AES256.Key(credential: "DEMO-ONLY-not-a-real-argos-api-key")
let settings = try LiveformSettings(projectId: "demo-project-id", encryption: .gcm, credential: .init(kind: .apiKey, key: key))
let url = try LiveformURLBuilder(settings: settings).url(for: LiveformParameters())
let decoded = try LiveformURLDecoder(keys: [key]).decode(url)
print(decoded.pid)
SWIFT

echo "==> a consumer of the Liveform product alone: swift build (scratch $work/.build)"
(cd "$work" && swift build --product Consumer >"$work/build.log" 2>&1) || { tail -n 30 "$work/build.log"; exit 1; }
"$work/.build/debug/Consumer" >/dev/null
modules=$(find "$work/.build/debug/Modules" -maxdepth 1 -name '*.swiftmodule' -printf '%f\n' 2>/dev/null | sed 's/\.swiftmodule$//' | sort | tr '\n' ' ')
[ -n "$modules" ] || modules=$(find "$work/.build/debug" -maxdepth 1 -name '*.build' -printf '%f\n' | sed 's/\.build$//' | sort | tr '\n' ' ')
echo "    compiled modules: $modules"
heavy=$(echo "$modules" | tr ' ' '\n' | grep -E '^(NIO|_NIO|AsyncHTTPClient|Hummingbird|Logging|Atomics|GRDB|ArgumentParser|Crypto)' || true)
if [ -n "$heavy" ]; then
    echo "CORE DEPS: FAILED: the Liveform product pulled in: $(echo "$heavy" | tr '\n' ' ')"
    exit 1
fi
echo "CORE DEPS: passed (the Liveform product builds with no other package)"
