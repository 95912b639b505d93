#!/usr/bin/env python3
"""Benchmark W7: a webhook receiver's throughput. `liveform webhook listen` (release build) against
a hand-written Node `http` receiver (peer_node_webhook.mjs) that decrypts, parses and answers the
same way, both loaded by `wrk` with the same 4 KiB encrypted event, one after the other, loopback only.

    python3 Tools/bench/w7.py                       # build (release), 10 s per receiver
    python3 Tools/bench/w7.py --duration 3          # shorter
    python3 Tools/bench/w7.py --liveform PATH       # an already built liveform binary
    python3 Tools/bench/w7.py --rounds 3            # alternate the receivers, best round of each

Each receiver writes its JSON line per request to a pipe drained by `cat > /dev/null` (the
same work for both). wrk runs
with --latency; the table gives requests/s, p50/p99 latency and non-2xx answers, and the
ratio liveform/Node; also the receiver's CPU time per request (user + system, all threads, from
/proc), which other load on the machine disturbs much less than requests/s. The event is encrypted here with Python's `cryptography`, independent of
both receivers. Installs wrk with apt-get when it is missing.

Target: liveform at least 2x Node's requests/s with zero non-2xx answers (reported; with
--strict, exit 1 when missed). Results go to results/w7.json.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CREDENTIAL = "DEMO-ONLY-w7-benchmark-key"
BODY_BYTES = 4096


def event_body() -> bytes:
    """An `approved` event whose encrypted body is close to 4 KiB (padded with additional_list)."""
    event = {
        "webhook_trigger": "approved", "submission_id": "sub-DEMO-W7", "email": "jane.sample@example.com",
        "cf": {"cf1": "plan-basic", "cf2": "campaign-42", "cf3": ""}, "applicant_id": "app-DEMO-5521",
        "kyc_result": {"status": "approved", "updated_at": "2026-11-21T09:00:00Z", "created_at": "2026-11-21T08:59:12Z",
                       "kyc_result_at": "2026-11-21T09:00:00Z", "reviewer": "system"},
        "age_group": "30s", "gender": "female", "date_of_birth": "1990-04-12", "nationality": "KR",
        "full_name": "Jane Sample", "full_name_en": "Jane Sample", "first_name": "Jane", "last_name": "Sample",
        "userid": "user-DEMO-1001", "tokenId": "tok-DEMO-7f3a", "additional_list": [],
    }
    key = hashlib.sha256(CREDENTIAL.encode()).digest()
    iv = bytes(range(16))

    def body_of(e):
        padder = padding.PKCS7(128).padder()
        padded = padder.update(json.dumps(e, separators=(",", ":")).encode()) + padder.finalize()
        enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        token = base64.b64encode(iv + enc.update(padded) + enc.finalize()).decode()
        return ('{"data":"' + token + '"}').encode()

    n = 0
    while len(body_of(event)) < BODY_BYTES - 60:
        n += 1
        event["additional_list"].append({"answer": f"answer {n}", "inputValue": f"input {n}", "blockType": "text"})
    return body_of(event)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("w7: installing wrk (apt-get)", file=sys.stderr)
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("w7: wrk is not available")


def build_liveform() -> str:
    scratch = ROOT / ".build-bench" / "swift"
    cmd = ["swift", "build", "-c", "release", "--product", "liveform", "--static-swift-stdlib", "--scratch-path", str(scratch)]
    print("w7: " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=sys.stderr)
    return str(scratch / "release" / "liveform")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, env):
    """Starts a receiver; returns (process, url) once it printed its ready line."""
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    line = process.stdout.readline().decode().strip()
    if not line.startswith("listening on "):
        process.kill()
        sys.exit(f"w7: {cmd[0]} did not start: {line!r}")
    # From here on the per-request lines go to `cat > /dev/null`: a reader that keeps up, as a log
    # pipe would, and costs little CPU next to the receiver.
    drain = subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
    process.stdout.close()
    process.drain = drain
    return process, line[len("listening on "):]


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system, all threads) a process has used so far."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(wrk: str, url: str, script: str, args) -> dict:
    cmd = [wrk, "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s", "--latency",
           "-s", script, url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60).stdout
    result = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1)),
              "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
              "socket_errors": m.group(0) if (m := re.search(r"Socket errors:.*", out)) else "",
              "raw": out}
    for pct in ("50", "99"):
        result[f"p{pct}_ms"] = parse_duration_ms(re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M).group(1))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--liveform")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--results-dir", default=str(HERE / "results"))
    args = parser.parse_args()

    wrk = ensure_wrk()
    liveform = args.liveform or build_liveform()
    body = event_body()
    tmp = tempfile.mkdtemp(prefix="liveform-w7-")
    script = os.path.join(tmp, "post.lua")
    with open(script, "w") as handle:
        handle.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                     f"wrk.body = [==[{body.decode()}]==]\n")
    env = dict(os.environ, LIVEFORM_KEY=CREDENTIAL)
    env.pop("LOG_LEVEL", None)
    receivers = {
        "liveform": lambda port: [liveform, "webhook", "listen", "--port", str(port), "--path", "/w7"],
        "node": lambda port: ["node", str(HERE / "peer_node_webhook.mjs"), "--port", str(port), "--path", "/w7"],
    }
    rounds = {name: [] for name in receivers}
    for round_index in range(args.rounds):
        for name, command in receivers.items():
            process, url = start(command(free_port()), env)
            try:
                # A second of warm-up (JIT, connection set-up), not counted.
                warm = argparse.Namespace(**{**vars(args), "duration": 1})
                run_wrk(wrk, url, script, warm)
                before = cpu_seconds(process.pid)
                result = run_wrk(wrk, url, script, args)
                result["cpu_us_per_request"] = (cpu_seconds(process.pid) - before) * 1e6 / max(result["requests"], 1)
            finally:
                process.terminate()
                process.wait(timeout=10)
                process.drain.wait(timeout=10)
            rounds[name].append(result)
            print(f"w7 round {round_index + 1} {name}: {result['requests_per_s']:.0f} req/s, p50 {result['p50_ms']:.2f} ms, "
                  f"p99 {result['p99_ms']:.2f} ms, non-2xx {result['non_2xx']}, CPU {result['cpu_us_per_request']:.0f} us/request "
                  f"{result['socket_errors']}", file=sys.stderr)
    best = {name: max(results, key=lambda r: r["requests_per_s"]) for name, results in rounds.items()}
    ratio = best["liveform"]["requests_per_s"] / best["node"]["requests_per_s"]
    met = ratio >= 2.0 and best["liveform"]["non_2xx"] == 0 and not best["liveform"]["socket_errors"]

    print(f"W7: webhook receiver, {len(body)}-byte encrypted event, wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s, loopback, {os.cpu_count()} cores")
    print("| receiver | requests/s | p50 | p99 | non-2xx | CPU per request (median of rounds) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in receivers:
        r = best[name]
        cpu = statistics.median(x["cpu_us_per_request"] for x in rounds[name])
        print(f"| {name} | {r['requests_per_s']:.0f} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {r['non_2xx']} | {cpu:.0f} µs |")
    print(f"ratio liveform/node: {ratio:.2f}x (target >= 2x, zero non-2xx): {'met' if met else 'MISSED'}")
    if args.rounds > 1:
        medians = {name: statistics.median(r["requests_per_s"] for r in results) for name, results in rounds.items()}
        pairs = [a["requests_per_s"] / b["requests_per_s"] for a, b in zip(rounds["liveform"], rounds["node"])]
        print(f"median of {args.rounds} rounds: liveform {medians['liveform']:.0f} req/s, node {medians['node']:.0f} req/s "
              f"({medians['liveform'] / medians['node']:.2f}x); per-round ratios " + ", ".join(f"{p:.2f}x" for p in pairs))

    os.makedirs(args.results_dir, exist_ok=True)
    record = {"workload": "W7", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": {"cores": os.cpu_count(), "platform": platform.platform()},
              "body_bytes": len(body), "wrk": {"threads": args.threads, "connections": args.connections, "duration_s": args.duration},
              "rounds": {name: [{k: v for k, v in r.items() if k != "raw"} for r in results] for name, results in rounds.items()},
              "ratio_best": ratio, "target_met": met}
    with open(os.path.join(args.results_dir, "w7.json"), "w") as handle:
        json.dump(record, handle, indent=2)
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
