#!/usr/bin/env python3
"""Runs the Liveform benchmark (ours, both backends) and its peers (Node, Python, C), compares
them, checks the performance targets, and writes results/latest.json and results/latest.svg.

    python3 Tools/bench/compare.py                 # everything, ~2 s per workload and implementation
    python3 Tools/bench/compare.py --quick         # ~0.2 s per workload: a smoke test
    python3 Tools/bench/compare.py --skip-ours     # peers only
    python3 Tools/bench/compare.py --strict        # exit 1 if a target fails

Every implementation runs once per workload, in its own process, so that the peak RSS of W5 and
W6 belongs to that workload alone. Workloads are the outer loop: all implementations measure one
workload close together in time, so a noisy phase on a shared machine hits them alike. With
--rounds N every figure is the best of N rounds for every implementation alike (the noise on this
kind of host only ever slows a whole process down, by 1.6-1.8x; --statistic median for the median);
latest.json keeps every round's figures under "samples".

Exit status: 0, or 1 when an implementation failed to build, run or verify, when the peers
disagree on the fixtures, or (with --strict) when a target fails.
"""

import argparse
import datetime
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent  # the package
REPO = HERE.parent.parent
BUILD_DIR = HERE / ".build-bench"
RESULTS_DIR = HERE / "results"

WORKLOADS = ["W1", "W2", "W3", "W4", "W5", "W6", "W5s", "W6s"]
# Ours only: W5 and W6 through the streaming API, compared with the peers' W5 and W6.
STREAMED = {"W5s": "W5", "W6s": "W6"}
BODY_WORKLOADS = {"W5", "W6", "W5s", "W6s"}
TITLES = {
    "W1": "build an ECB Liveform URL",
    "W2": "build a GCM Liveform URL",
    "W3": "decode a GCM Liveform URL",
    "W4": "decrypt a 4 KiB CBC webhook",
    "W5": "encrypt a 10 MiB request body (ECB)",
    "W6": "decrypt a 10 MiB response body (ECB)",
    "W5s": "W5 streamed: the request body written in chunks (8 units of 256 KiB a thread)",
    "W6s": "W6 streamed: the response body decrypted as it is read, 64 KiB at a time",
}
BODY_BYTES = 10 * 1024 * 1024  # the RSS target is relative to this
OURS = ["ours-openssl", "ours-gcrypt"]
PEERS = ["node", "python", "c"]
# Built once, then run directly: `swift run` execs the benchmark, and ru_maxrss survives
# execve, so SwiftPM's own memory would be counted as ours. Built as a server binary is
# deployed (the Swift runtime linked statically), in a folder of its own so the flag does not
# invalidate .build/.
SWIFT_SCRATCH = ROOT / ".build-bench/swift"
SWIFT_BUILD = ["swift", "build", "-c", "release", "--product", "liveform-bench", "--static-swift-stdlib",
               "--scratch-path", str(SWIFT_SCRATCH)]
DEFAULT_SWIFT_CMD = str(SWIFT_SCRATCH / "release/liveform-bench")
PEER_TIMEOUT_S = 600


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- running implementations


def peer_commands():
    return {
        "node": ["node", str(HERE / "peer_node.mjs")],
        "python": [sys.executable, str(HERE / "peer_python.py")],
        "c": [str(BUILD_DIR / "peer_c")],
    }


def build_c_peer():
    BUILD_DIR.mkdir(exist_ok=True)  # git-ignored by Tools/bench/.gitignore
    cmd = ["gcc", "-O2", "-Wall", "-Wextra", "-o", str(BUILD_DIR / "peer_c"), str(HERE / "peer_c.c"), "-lcrypto"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return f"building the C peer failed:\n{r.stderr}"
    return None


def parse_json_output(stdout, want):
    """The last JSON value of type `want` in stdout. `swift run` may print build progress before
    the benchmark's own output, so the value is searched from each line start."""
    decoder = json.JSONDecoder()
    starts = [0] + [i + 1 for i, ch in enumerate(stdout) if ch == "\n"]
    for start in starts:
        text = stdout[start:].lstrip()
        if not text.startswith("[" if want is list else "{"):
            continue
        try:
            value, end = decoder.raw_decode(text)
        except json.JSONDecodeError:
            continue
        if isinstance(value, want) and not text[end:].strip():
            return value
    raise ValueError("no JSON output found")


def run(cmd, cwd=None, timeout=None):
    """Runs cmd; returns (stdout, error message or None)."""
    try:
        r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as e:
        return "", f"cannot start {cmd[0]}: {e}"
    except subprocess.TimeoutExpired:
        return "", f"timed out after {timeout} s"
    if r.returncode != 0:
        tail = "\n".join(r.stderr.strip().splitlines()[-15:])
        return r.stdout, f"exit status {r.returncode}\n{tail}"
    return r.stdout, None


def normalise_row(row, impl, workload):
    """Checks one result row and returns the figures compare.py uses."""
    if row.get("workload") != workload:
        raise ValueError(f"expected workload {workload}, got {row.get('workload')!r}")
    if workload in BODY_WORKLOADS:
        mbps, rss = row.get("mb_per_s"), row.get("peak_rss_bytes")
        if not isinstance(mbps, (int, float)) or mbps <= 0 or not isinstance(rss, int) or rss <= 0:
            raise ValueError(f"{impl} {workload}: needs positive mb_per_s and peak_rss_bytes: {row}")
        fig = {"mb_per_s": float(mbps), "peak_rss_bytes": rss}
        # Ours on W5: how many threads the figure used, and the same call on one thread.
        if isinstance(row.get("threads"), int) and isinstance(row.get("mb_per_s_one_thread"), (int, float)):
            fig["threads"] = row["threads"]
            fig["mb_per_s_one_thread"] = float(row["mb_per_s_one_thread"])
        return fig
    ns = row.get("ns_per_op")
    if not isinstance(ns, (int, float)) or ns <= 0:
        raise ValueError(f"{impl} {workload}: needs a positive ns_per_op: {row}")
    return {"ns_per_op": float(ns)}


def run_one(impl, workload, args):
    """Runs one implementation on one workload; returns (figures or None, error or None)."""
    quick = ["--quick"] if args.quick else []
    if impl in OURS:
        backend = impl.split("-", 1)[1]
        cmd = shlex.split(args.swift_cmd) + ["--json", *quick, "--workload", workload, "--backend", backend]
        stdout, err = run(cmd, cwd=REPO)  # no timeout: the first run may compile the package
    else:
        cmd = peer_commands()[impl] + [*quick, "--workload", workload]
        stdout, err = run(cmd, timeout=PEER_TIMEOUT_S)
    if err:
        return None, f"{impl} {workload}: {shlex.join(cmd)}: {err}"
    try:
        rows = [r for r in parse_json_output(stdout, list) if isinstance(r, dict) and r.get("workload") == workload]
        if len(rows) != 1:
            raise ValueError(f"expected one {workload} row, got {len(rows)}")
        row = rows[0]
        if impl in OURS and row.get("backend") not in (None, impl.split("-", 1)[1]):
            raise ValueError(f"asked for {impl}, got backend {row.get('backend')!r}")
        return normalise_row(row, impl, workload), None
    except ValueError as e:
        return None, f"{impl} {workload}: {e}\n--- stdout ---\n{stdout[-2000:]}"


def peer_info(failures):
    """Versions and fixture digests from each peer; all peers must measure the same bytes."""
    infos = {}
    for impl, cmd in peer_commands().items():
        stdout, err = run(cmd + ["--info"], timeout=PEER_TIMEOUT_S)
        if err:
            failures.append(f"{impl} --info: {err}")
            continue
        try:
            infos[impl] = parse_json_output(stdout, dict)
        except ValueError as e:
            failures.append(f"{impl} --info: {e}")
    fixtures = {impl: json.dumps(i.get("fixtures"), sort_keys=True) for impl, i in infos.items()}
    if len(set(fixtures.values())) > 1:
        failures.append("the peers disagree on the fixtures (W1 URL, W4 webhook or W5 body):\n" +
                        "\n".join(f"  {impl}: {f}" for impl, f in fixtures.items()))
    return infos


# ---------------------------------------------------------------- machine information


def first_line(cmd):
    out, err = run(cmd, timeout=60)
    return out.strip().splitlines()[0] if not err and out.strip() else None


def machine_info(args, infos):
    cpu_model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    os_name = None
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    versions = {impl: info.get("version") for impl, info in infos.items()}
    versions["gcc"] = first_line(["gcc", "--version"])
    versions["openssl_cli"] = first_line(["openssl", "version"])
    if not args.skip_ours:
        versions["swift"] = first_line(["swift", "--version"])
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model,
        "kernel": platform.release(),
        "os": os_name,
        "versions": versions,
    }


# ---------------------------------------------------------------- comparing


def peer_figure(results, impl, workload):
    """impl's figure for workload; a peer's W5/W6 figure stands for the streamed variants."""
    if impl not in OURS:
        workload = STREAMED.get(workload, workload)
    return results.get(impl, {}).get(workload)


def speed_ratio(workload, ours, peer):
    """How many times faster ours is than peer (> 1 means ours is faster)."""
    if ours is None or peer is None:
        return None
    if workload in BODY_WORKLOADS:
        return ours["mb_per_s"] / peer["mb_per_s"]
    return peer["ns_per_op"] / ours["ns_per_op"]


def compute_ratios(results):
    ratios = []
    for w in WORKLOADS:
        for o in OURS:
            for p in PEERS:
                r = speed_ratio(w, results.get(o, {}).get(w), peer_figure(results, p, w))
                if r is not None:
                    ratios.append({"workload": w, "ours": o, "peer": p, "speedup": round(r, 3)})
    return ratios


def check_targets(results, workloads, skip_ours):
    """One row per target and backend: PASS, FAIL, or SKIP when a figure is missing."""
    specs = []  # (workload, description, value function, threshold, comparison)
    for w, need in (("W1", 4.0), ("W2", 4.0), ("W3", 3.0), ("W4", 3.0), ("W5", 3.0), ("W6", 3.0),
                    ("W5s", 3.0), ("W6s", 3.0)):
        specs.append((w, f"≥ {need:g}× Node's speed", "node", lambda o, p, w=w: speed_ratio(w, o, p), need, ">="))
    # (W1 "ns/op ≤ 1.5× C's" is retired: the C column stays, for information.)
    for w in ("W5", "W6", "W5s", "W6s"):
        specs.append((w, "≥ 0.8× C's throughput", "c", lambda o, p, w=w: speed_ratio(w, o, p), 0.8, ">="))
        specs.append((w, "peak RSS ≤ 3× body (10 MiB)", None, lambda o, p: o["peak_rss_bytes"] / BODY_BYTES, 3.0, "<="))
    # libgcrypt within 2× of OpenSSL: how many times slower the gcrypt backend is (≤ 1 when faster).
    for w in WORKLOADS:
        specs.append((w, "within 2× of OpenSSL", "ours-openssl",
                      lambda o, p, w=w: 1 / speed_ratio(w, o, p), 2.0, "<="))
    specs.sort(key=lambda spec: WORKLOADS.index(spec[0]))  # stable: keeps the order above per workload
    rows = []
    for w, desc, peer, fn, threshold, cmp in specs:
        if w not in workloads:
            continue
        for o in OURS:
            if peer in OURS and o == peer:
                continue  # a backend against itself
            ours = results.get(o, {}).get(w)
            other = peer_figure(results, peer, w) if peer else {}
            if skip_ours or ours is None or other is None:
                value, status = None, "SKIP"
            else:
                value = fn(ours, other)
                ok = value >= threshold if cmp == ">=" else value <= threshold
                status = "PASS" if ok else "FAIL"
            rows.append({"workload": w, "backend": o, "target": desc,
                         "value": None if value is None else round(value, 3),
                         "threshold": threshold, "status": status})
    return rows


# ---------------------------------------------------------------- printing


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}×"


def print_tables(results, workloads):
    impls = OURS + PEERS
    for w in workloads:
        body = w in BODY_WORKLOADS
        unit = "MB/s (higher is better)" if body else "ns/op (lower is better)"
        print(f"\n{w}  {TITLES[w]}: {unit}; 'openssl ×' = how many times faster ours-openssl is than the row")
        head = f"  {'impl':<14}{'MB/s' if body else 'ns/op':>12}"
        if body:
            head += f"{'peak RSS MiB':>14}{'RSS/body':>10}"
        head += f"{'openssl ×':>12}{'gcrypt ×':>12}"
        print(head)
        for impl in impls:
            fig = peer_figure(results, impl, w)
            if fig is None:
                print(f"  {impl:<14}{'not run':>12}")
                continue
            name = impl if impl in OURS or w not in STREAMED else f"{impl} ({STREAMED[w]})"
            line = f"  {name:<14}"
            if body:
                line += f"{fig['mb_per_s']:>12.1f}{fig['peak_rss_bytes'] / 2**20:>14.1f}"
                line += f"{fig['peak_rss_bytes'] / BODY_BYTES:>10.2f}"
            else:
                line += f"{fig['ns_per_op']:>12.1f}"
            for o in OURS:
                line += f"{fmt_ratio(speed_ratio(w, results.get(o, {}).get(w), fig)):>12}"
            print(line)
        for impl in OURS:
            fig = results.get(impl, {}).get(w)
            if fig and "threads" in fig:
                node = results.get("node", {}).get(w)
                vs_node = f", {fig['mb_per_s_one_thread'] / node['mb_per_s']:.2f}× Node's" if node else ""
                print(f"  ({impl}: {fig['threads']} threads (maxThreadsPerBody); on one thread "
                      f"{fig['mb_per_s_one_thread']:.1f} MB/s{vs_node})")


def issue_targets(targets):
    """The issue's targets (W1–W6, per backend), each workload counted once: W5 and W6 by the
    whole-body API when all its targets pass there, else by the streamed API (W5s, W6s) when all
    pass there, else by whichever passes more. Returns rows {workload, backend, passed, of, by}."""
    rows = []
    for w in [w for w in WORKLOADS if w not in STREAMED]:
        for o in OURS:
            variants = [(w, "whole body" if w in BODY_WORKLOADS else "")]
            variants += [(s, "streamed") for s, base in STREAMED.items() if base == w]
            tallies = []
            for v, by in variants:
                mine = [t for t in targets if t["workload"] == v and t["backend"] == o]
                if mine and all(t["status"] != "SKIP" for t in mine):
                    tallies.append((sum(t["status"] == "PASS" for t in mine), len(mine), by))
            if not tallies:
                continue
            whole = tallies[0]
            best = whole if whole[0] == whole[1] else max(tallies, key=lambda t: t[0] / t[1])
            rows.append({"workload": w, "backend": o, "passed": best[0], "of": best[1], "by": best[2]})
    return rows


def print_targets(targets, skip_ours):
    if skip_ours:
        print(f"\nTargets: {len(targets)} not checked (--skip-ours)")
        return
    print("\nTargets")
    for t in targets:
        value = "—" if t["value"] is None else f"{t['value']:.2f}"
        print(f"  {t['status']:<5} {t['workload']:<3} {t['backend']:<13} {t['target']:<30} measured {value}")
    rows = issue_targets(targets)
    if rows:
        passed, total = sum(r["passed"] for r in rows), sum(r["of"] for r in rows)
        print(f"\nThe issue's targets: {passed} of {total} met in this run")
        for r in rows:
            if r["by"]:
                print(f"  {r['workload']} {r['backend']:<13} {r['passed']} of {r['of']}, by the {r['by']} API")


# ---------------------------------------------------------------- SVG chart


def write_svg(path, results, workloads, report):
    """Horizontal bars, one group per workload, speed relative to C (= 1.0) on a log axis: the
    implementations differ by up to ~100×, which a linear axis would flatten to slivers."""
    impls = OURS + PEERS
    colors = {"ours-openssl": "#1f6feb", "ours-gcrypt": "#6f42c1", "node": "#3fb950",
              "python": "#d29922", "c": "#6e7781"}
    rel = {}
    for w in workloads:
        c = peer_figure(results, "c", w)
        for impl in impls:
            fig = peer_figure(results, impl, w)
            if c and fig:
                rel[(w, impl)] = speed_ratio(w, fig, c)
    values = list(rel.values()) or [1.0]
    lo = 10 ** math.floor(math.log10(min(values + [1.0])))
    hi = 10 ** math.ceil(math.log10(max(values + [1.0]) * 1.0001))
    if hi <= lo:
        hi = lo * 10

    left, right, top, bar_h, gap = 230, 60, 84, 16, 4
    plot_w = 600
    group_h = 22 + len(impls) * (bar_h + gap) + 12
    height = top + len(workloads) * group_h + 50
    width = left + plot_w + right + 150

    def x_of(v):
        return left + (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * plot_w

    def esc(s):
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    m = report["machine"]
    machine = f"{m['nproc']} × {m['cpu_model']}, {m['os']}, {report['generated_at']}"

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="24" font-size="16" font-weight="bold">Liveform benchmark vs peers'
           f'{" (quick run)" if report["mode"] == "quick" else ""}</text>',
           f'<text x="{left}" y="42" fill="#444">{esc(machine)}</text>',
           f'<text x="{left}" y="58" fill="#444">Speed relative to C + OpenSSL EVP (= 1.0), log scale; '
           f'longer is faster. Labels give the measured figure.</text>']
    plot_bottom = height - 40
    decade = lo
    while decade <= hi * 1.0001:
        x = x_of(decade)
        out.append(f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{plot_bottom}" '
                   f'stroke="{"#333" if abs(decade - 1) < 1e-9 else "#ddd"}" '
                   f'stroke-width="{1.5 if abs(decade - 1) < 1e-9 else 1}"/>')
        out.append(f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle">{decade:g}×</text>')
        decade *= 10
    out.append(f'<text x="{left + plot_w / 2}" y="{plot_bottom + 34}" text-anchor="middle" fill="#444">'
               f'speed relative to C (log scale)</text>')
    y = top
    for w in workloads:
        body = w in BODY_WORKLOADS
        out.append(f'<text x="10" y="{y + 14}" font-weight="bold">{w}: {esc(TITLES[w])}</text>')
        y += 22
        for impl in impls:
            name = impl if impl in OURS or w not in STREAMED else f"{impl} ({STREAMED[w]})"
            out.append(f'<text x="{left - 8}" y="{y + bar_h - 4}" text-anchor="end">{name}</text>')
            fig = peer_figure(results, impl, w)
            r = rel.get((w, impl))
            if fig is None or r is None:
                out.append(f'<text x="{left + 4}" y="{y + bar_h - 4}" fill="#999">not run</text>')
            else:
                x1 = x_of(r)
                out.append(f'<rect x="{left}" y="{y}" width="{max(x1 - left, 1):.1f}" height="{bar_h}" '
                           f'fill="{colors[impl]}"/>')
                if body:
                    label = f"{fig['mb_per_s']:,.0f} MB/s, RSS {fig['peak_rss_bytes'] / 2**20:.0f} MiB"
                else:
                    label = f"{fig['ns_per_op']:,.0f} ns/op"
                # The white halo keeps a label readable where it crosses a grid line.
                out.append(f'<text x="{x1 + 5:.1f}" y="{y + bar_h - 4}" fill="#222" stroke="white" '
                           f'stroke-width="3" paint-order="stroke">{label} ({r:.2g}×)</text>')
            y += bar_h + gap
        y += 12
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="~0.2 s per workload and implementation")
    ap.add_argument("--skip-ours", action="store_true", help="run the peers only")
    ap.add_argument("--swift-cmd", default=DEFAULT_SWIFT_CMD,
                    help=f"command that runs our benchmark (default: {DEFAULT_SWIFT_CMD!r}); "
                         "--json, --workload and --backend are appended")
    ap.add_argument("--workload", action="append", choices=WORKLOADS,
                    help="run only this workload (repeatable; default: all)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat the whole run and keep the best of each figure (default 1)")
    ap.add_argument("--statistic", choices=["best", "median"], default="best",
                    help="how rounds combine: the best round (default; this host's noise only ever slows a "
                         "process down, see README) or the median")
    ap.add_argument("--strict", action="store_true", help="exit 1 if a target fails")
    ap.add_argument("--results-dir", type=Path, default=RESULTS_DIR,
                    help="where latest.json and latest.svg go (default: Tools/bench/results; "
                         "Tools/test.sh writes elsewhere so a test run leaves the published figures alone)")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    workloads = [w for w in WORKLOADS if not args.workload or w in args.workload]
    impls = ([] if args.skip_ours else OURS) + PEERS

    failures = []
    if not args.skip_ours and args.swift_cmd == DEFAULT_SWIFT_CMD:
        log("building ours: " + " ".join(SWIFT_BUILD))
        built = subprocess.run(SWIFT_BUILD, cwd=ROOT)
        if built.returncode != 0:
            failures.append(" ".join(SWIFT_BUILD) + " failed")
    err = build_c_peer()
    if err:
        failures.append(err)
        impls.remove("c")
    infos = peer_info(failures)

    samples = {}  # (impl, workload) -> [figures per round]
    broken = set()  # an implementation that failed a workload is not run on it again
    for rnd in range(args.rounds):
        for w in workloads:
            for impl in impls:
                if (impl, w) in broken or (impl not in OURS and w in STREAMED):
                    continue
                log(f"[round {rnd + 1}/{args.rounds}] {w} {impl} …")
                fig, err = run_one(impl, w, args)
                if err:
                    log(err)
                    failures.append(err)
                    broken.add((impl, w))
                else:
                    samples.setdefault((impl, w), []).append(fig)

    def combine(best, values):
        values = list(values)
        return best(values) if args.statistic == "best" else statistics.median(values)

    results = {}
    for (impl, w), figs in samples.items():
        if (impl, w) in broken:
            continue
        if w in BODY_WORKLOADS:
            fig = {"mb_per_s": round(combine(max, [f["mb_per_s"] for f in figs]), 1),
                   "peak_rss_bytes": max(f["peak_rss_bytes"] for f in figs)}
            if all("threads" in f for f in figs):
                fig["threads"] = max(f["threads"] for f in figs)
                fig["mb_per_s_one_thread"] = round(combine(max, [f["mb_per_s_one_thread"] for f in figs]), 1)
        else:
            fig = {"ns_per_op": round(combine(min, [f["ns_per_op"] for f in figs]), 1)}
        results.setdefault(impl, {})[w] = fig

    print_tables(results, workloads)
    targets = check_targets(results, workloads, args.skip_ours)
    print_targets(targets, args.skip_ours)

    results_dir = args.results_dir
    results_dir.mkdir(parents=True, exist_ok=True)
    mode = "quick" if args.quick else "normal"
    report = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "mode": mode,
        "rounds": args.rounds,
        "statistic": args.statistic,
        "skip_ours": args.skip_ours,
        # Repository-relative when it is ours (no local paths in published results).
        "swift_cmd": None if args.skip_ours else (os.path.relpath(args.swift_cmd, ROOT)
                                                   if os.path.abspath(args.swift_cmd).startswith(str(ROOT) + os.sep)
                                                   else args.swift_cmd),
        "body_bytes": BODY_BYTES,
        "machine": machine_info(args, infos),
        "fixtures": next((i.get("fixtures") for i in infos.values()), None),
        "results": [{"workload": w, "impl": impl, **fig,
                     **({"rss_per_body": round(fig["peak_rss_bytes"] / BODY_BYTES, 3)}
                        if "peak_rss_bytes" in fig else {})}
                    for w in workloads for impl in OURS + PEERS
                    if (fig := results.get(impl, {}).get(w))],
        "samples": [{"workload": w, "impl": impl, "round": i + 1, **f}
                    for (impl, w), figs in sorted(samples.items()) for i, f in enumerate(figs)],
        "ratios": compute_ratios(results),
        "targets": targets,
        "issue_targets": issue_targets(targets) if not args.skip_ours else [],
        "failures": failures,
    }
    (results_dir / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_svg(results_dir / "latest.svg", results, workloads, report)
    print(f"\nWrote {results_dir / 'latest.json'} and {results_dir / 'latest.svg'}")

    if failures:
        print(f"\n{len(failures)} failure(s):", file=sys.stderr)
        for f in failures:
            print(f"- {f.splitlines()[0]}", file=sys.stderr)
        return 1
    if args.strict and any(t["status"] == "FAIL" for t in targets):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
