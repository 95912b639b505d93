#!/usr/bin/env bash
# Runs a test command with a deadline, so that a hang ends CI with a diagnosis instead of
# running into the job's time limit with nothing to show:
#   Tools/watchdog.sh SECONDS LOG COMMAND [ARGUMENT...]
# COMMAND's output (stdout and stderr) goes to LOG and its exit status is returned. Past
# SECONDS, LOG.hang receives the Swift Testing tests that started and had not finished, and
# every thread's stack in each process of COMMAND (gdb); the tests and the first stack lines
# are printed, COMMAND and everything it started are killed, and the exit status is 124.
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: Tools/watchdog.sh SECONDS LOG COMMAND [ARGUMENT...]" >&2; exit 64; }
limit=$1 log=$2
shift 2
hang=$log.hang
rm -f "$hang"

# Its own process group, so that a hang is killed with every process it started.
setsid "$@" >"$log" 2>&1 &
leader=$!
start=$SECONDS
while kill -0 "$leader" 2>/dev/null; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then
        {
            echo "== still running after $limit s: $*"
            echo "== tests started and not finished"
            # "◇ Test NAME started." against "✔/✘ Test NAME [with N test cases] passed/failed"
            # (alternations, not brackets: the marks are several bytes each).
            awk '
                /^◇ Test .* started\.$/ && !/^◇ Test (run|case) / {
                    name = $0; sub(/^◇ Test /, "", name); sub(/ started\.$/, "", name)
                    open[name] = 1; order[++n] = name }
                /^(✔|✘) Test .* (passed|failed) after [0-9.]+ seconds/ {
                    name = $0; sub(/^(✔|✘) Test /, "", name)
                    sub(/ (with [0-9]+ test cases? )?(passed|failed) after [0-9.]+ seconds.*$/, "", name); delete open[name] }
                END { for (i = 1; i <= n; i++) if (order[i] in open) { print "  " order[i]; delete open[order[i]] } }
            ' "$log"
            for pid in $(pgrep -g "$leader" || true); do
                echo "== process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)"
                timeout 120 gdb -p "$pid" -batch -ex "thread apply all bt 30" 2>/dev/null || echo "(gdb could not attach)"
            done
        } >"$hang" 2>&1 || true
        kill -KILL -- "-$leader" 2>/dev/null || true
        wait "$leader" 2>/dev/null || true
        sed -n '1,/^== process/p' "$hang" | head -n 60
        echo "WATCHDOG: killed after $limit s; tests still running and every thread's stack: $hang"
        exit 124
    fi
    sleep 2
done
wait "$leader"
