#!/usr/bin/env bash
# `liveform api` against the independent fake of the vendor (fake_argos.py), in both Secure
# Data Transfer modes: every call, retries counted, exit statuses.
#   Tools/interop/api_cli.sh .build/debug/liveform
# Ends with one line "N passed, M failed"; the exit status is non-zero when anything failed.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 /path/to/liveform" >&2
    exit 2
fi
source_binary=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/liveform-api-cli.XXXXXX")
fake_pid=""
cleanup() {
    if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null; wait "$fake_pid" 2>/dev/null; fi
    rm -rf "$work"
}
trap cleanup EXIT
# A private copy, so that a concurrent `swift build` cannot change the binary mid-run.
binary="$work/liveform"
cp "$source_binary" "$binary"

export LIVEFORM_KEY=DEMO-ONLY-not-a-real-argos-api-key
export OTHER_KEY=DEMO-ONLY-some-other-key
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

start_fake() {  # $1 = on | off
    rm -f "$work/port"
    python3 "$here/fake_argos.py" --port 0 --port-file "$work/port" --sdt "$1" >/dev/null &
    fake_pid=$!
    for _ in $(seq 1 600); do [ -s "$work/port" ] && break; sleep 0.1; done
    port=$(cat "$work/port")
    control="http://127.0.0.1:$port/__control"
    export LIVEFORM_API_BASE_URL="http://127.0.0.1:$port/v3"
}

stop_fake() {
    kill "$fake_pid" 2>/dev/null
    wait "$fake_pid" 2>/dev/null
    fake_pid=""
}

post() { python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST")).read()' "$1" "$2"; }
requests() { python3 -c 'import json, sys, urllib.request; print(len(json.load(urllib.request.urlopen(sys.argv[1]))))' "$control/requests"; }

# expect STATUS [--requests N] [--stdout-json] -- ARGS...: runs `liveform api ARGS`, checks the
# exit status, optionally the number of API requests the fake got, and that stdout is JSON.
expect() {
    local want=$1; shift
    local want_requests="" want_json=""
    while [ "$1" != "--" ]; do
        case $1 in
            --requests) want_requests=$2; shift 2 ;;
            --stdout-json) want_json=1; shift ;;
        esac
    done
    shift
    local before=$(requests)
    "$binary" api $sdt_flag "$@" >"$work/out" 2>"$work/err"
    local status=$?
    local label="[sdt $mode] liveform api $* -> $status"
    if [ "$status" -ne "$want" ]; then fail "$label (wanted $want): $(head -c 300 "$work/err")"; return; fi
    if [ -n "$want_requests" ]; then
        local got=$(( $(requests) - before ))
        if [ "$got" -ne "$want_requests" ]; then fail "$label: $got requests (wanted $want_requests)"; return; fi
    fi
    if [ -n "$want_json" ] && ! python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/out" 2>/dev/null; then
        fail "$label: stdout is not one JSON value"; return
    fi
    if grep -q "$LIVEFORM_KEY" "$work/out" "$work/err"; then fail "$label: the key was printed"; return; fi
    ok "$label"
}

seq -f "cli-token-%04g" 1 620 >"$work/tokens"
echo '{"city":"Busan"}' >"$work/data.json"

for mode in on off; do
    start_fake "$mode"
    if [ "$mode" = on ]; then sdt_flag=""; else sdt_flag="--no-secure-data-transfer"; fi

    echo "==> every call, Secure Data Transfer $mode"
    expect 0 --requests 1 --stdout-json -- submission get sub-1
    expect 0 --requests 1 --stdout-json -- submission list --userid u-1 --page-size 2
    expect 0 --requests 3 --stdout-json -- submission list --userid u-1 --page-size 2 --all
    expect 0 --requests 1 --stdout-json -- submission review sub-1 --approve --admin kim@example.com
    expect 0 --requests 1 --stdout-json -- submission review sub-2 --reject --comment "blurry ID" --admin kim@example.com
    expect 0 --requests 1 --stdout-json -- submission update sub-2 --admin kim@example.com --data-json "$work/data.json"
    expect 0 --requests 1 --stdout-json -- submission delete sub-2 --fields data,ocr --data-fields city
    expect 0 --requests 1 --stdout-json -- submission delete sub-7 --admin-name dpo@example.com
    expect 0 --requests 1 -- image get sub-1 --type selfieImage --output "$work/selfie.jpg"
    expect 0 --requests 1 --stdout-json -- aml run sub-1 --threshold 80
    expect 0 --requests 2 --stdout-json -- tokens add --file "$work/tokens"
    expect 0 --requests 1 --stdout-json -- tokens get cli-token-0001
    expect 0 --requests 1 --stdout-json -- tokens list
    expect 0 --requests 1 --stdout-json -- tokens count
    expect 0 --requests 7 --stdout-json -- tokens delete --file "$work/tokens"
    summed=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["success"], d["summary"]["requested"], d["summary"]["deleted"])' "$work/out")
    if [ "$summed" = "True 620 620" ]; then ok "[sdt $mode] 7 delete batches summed: $summed"; else fail "[sdt $mode] summed summary: $summed"; fi
    expect 0 --requests 1 --stdout-json -- settings

    echo "==> retries and exit statuses, Secure Data Transfer $mode"
    post "$control/faults" '[{"status":429,"count":2,"headers":{"Retry-After":"0"}}]'
    expect 0 --requests 3 --stdout-json -- tokens count
    post "$control/faults" '[{"status":503,"count":4,"headers":{"Retry-After":"0"}}]'
    expect 69 --requests 4 -- tokens count
    post "$control/faults" '[{"status":503,"count":1,"headers":{"Retry-After":"0"}}]'
    expect 69 --requests 1 -- submission review sub-3 --approve --admin kim@example.com
    post "$control/faults" '[{"status":429,"count":1,"headers":{"Retry-After":"0"}}]'
    expect 0 --requests 2 --stdout-json -- submission review sub-3 --approve --admin kim@example.com
    post "$control/faults" '[{"drop":true,"count":4}]'
    expect 69 --requests 4 -- settings
    expect 1 --requests 1 -- submission get sub-404
    post "$control/faults" '[{"status":400,"body":{"errorCode":"E1","errorMessage":"refused"}}]'
    expect 1 --requests 1 -- settings
    post "$control/faults" '[{"status":413,"body":{"message":"too large"}}]'
    expect 1 --requests 1 -- settings
    if [ "$mode" = on ]; then
        post "$control/faults" '[{"status":200,"body":{"data":"bm90IGEgcmVhbCB0b2tlbg=="}}]'
        expect 1 --requests 1 -- settings
    fi
    expect 64 --requests 0 -- submission review sub-1 --reject --admin kim@example.com
    expect 64 --requests 0 -- tokens add bad
    expect 64 --requests 0 -- settings --no-such-option
    expect 66 --requests 0 -- tokens add --file "$work/missing"
    expect 66 --requests 0 -- submission update sub-1 --admin a --data-json "$work/missing.json"
    post "$control/faults" '[{"status":403,"body":{"Message":"User is not authorized with an explicit deny"}}]'
    expect 77 --requests 1 -- settings
    expect 77 --requests 1 -- --key-env OTHER_KEY settings
    expect 78 --requests 0 -- --key-file "$work/missing-key" settings
    expect 78 --requests 0 -- --key-env UNSET_VARIABLE_FOR_SURE settings
    stop_fake
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
