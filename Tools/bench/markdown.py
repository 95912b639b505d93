#!/usr/bin/env python3
"""Prints the figures and targets tables of a compare.py results file as Markdown, for
BENCHMARKS.md (so the published tables are generated, never copied by hand).

    python3 Tools/bench/markdown.py [Tools/bench/results/latest.json]
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from compare import STREAMED, TITLES as NAMES  # noqa: E402  (one list of workload titles)

IMPLS = ["ours-openssl", "ours-gcrypt", "node", "python", "c"]


def figure(row):
    if row is None:
        return "—"
    if "ns_per_op" in row:
        return f"{row['ns_per_op']:,.0f} ns"
    return f"{row['mb_per_s']:,.0f} MB/s<br>{row['peak_rss_bytes'] / 2**20:.1f} MiB"


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "results/latest.json"
    data = json.loads(path.read_text())
    results = {(r["workload"], r["impl"]): r for r in data["results"]}
    ratios = {(r["workload"], r["ours"], r["peer"]): r["speedup"] for r in data["ratios"]}
    workloads = [w for w in NAMES if any(k[0] == w for k in results)]

    print("| workload | " + " | ".join(IMPLS) + " | openssl vs Node | gcrypt vs Node | openssl vs C | gcrypt vs C |")
    print("|---|" + "---:|" * (len(IMPLS) + 4))
    for w in workloads:
        # A streamed row is ours only; its ratios are against the peers' W5 or W6.
        cells = [figure(results.get((w, impl))) if impl.startswith("ours-") or w not in STREAMED
                 else f"as {STREAMED[w]}" for impl in IMPLS]
        for peer in ["node", "c"]:
            for ours in ["ours-openssl", "ours-gcrypt"]:
                value = ratios.get((w, ours, peer))
                cells.append("—" if value is None else f"{value:.2f}×")
        # Column order in the header: openssl vs Node, gcrypt vs Node, openssl vs C, gcrypt vs C.
        print(f"| **{w}** {NAMES[w]} | " + " | ".join(cells) + " |")

    print()
    print("| workload | backend | target | measured | result |")
    print("|---|---|---|---:|---|")
    passed = 0
    for t in data["targets"]:
        backend = t["backend"].replace("ours-", "")
        status = f"**{t['status']}**"
        passed += t["status"] == "PASS"
        print(f"| {t['workload']} | {backend} | {t['target']} | {t['value']:.2f} | {status} |")
    print()
    print(f"{passed} of {len(data['targets'])} pass.")
    issue = data.get("issue_targets") or []
    if issue:
        met = sum(r["passed"] for r in issue)
        total = sum(r["of"] for r in issue)
        print()
        print(f"**The issue's targets: {met} of {total} met in this run.** Each workload counts once per backend; "
              "W5 and W6 by the whole-body API where all their targets pass there, else by the streamed API:")
        print()
        for r in issue:
            if r["by"]:
                print(f"- {r['workload']} {r['backend'].replace('ours-', '')}: {r['passed']} of {r['of']}, by the {r['by']} API")


if __name__ == "__main__":
    main()
