#!/usr/bin/env python3
"""Checks that the `Liveform` product depends on no other package (no NIO, no
AsyncHTTPClient, no swift-log): a user who only builds URLs and reads webhooks builds none
of them. Reads `swift package describe --type json` and the imports of the core's sources.

    python3 Tools/check_core_dependencies.py
"""
import json
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
description = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"], cwd=root,
                                        check=True, capture_output=True, text=True).stdout)
targets = {t["name"]: t for t in description["targets"]}
product = next(p for p in description["products"] if p["name"] == "Liveform")

problems = []
seen, todo = set(), list(product["targets"])
while todo:
    name = todo.pop()
    if name in seen:
        continue
    seen.add(name)
    target = targets[name]
    for dependency in target.get("product_dependencies") or []:
        problems.append(f"target {name} depends on the product {dependency} of another package")
    todo += target.get("target_dependencies") or []

forbidden = re.compile(r"^\s*(?:@\w+\s+)*(?:public |package |internal )?import\s+(NIO\w*|AsyncHTTPClient|Logging|LiveformAPI)\b", re.M)
for name in seen:
    path = root / targets[name]["path"]
    for source in path.rglob("*.swift"):
        for match in forbidden.finditer(source.read_text()):
            problems.append(f"{source.relative_to(root)} imports {match.group(1)}")

for problem in problems:
    print("FAIL", problem)
print(f"Liveform product: {len(seen)} targets ({', '.join(sorted(seen))}), no outside package: "
      + ("ok" if not problems else f"{len(problems)} problems"))
sys.exit(1 if problems else 0)
