#!/usr/bin/env python3
"""Counts the public declarations of a module that have no doc comment, from its symbol graph.

    python3 Tools/docs/undocumented.py SYMBOL_GRAPH.json [--max N]

A declaration counts when it is `public` or `open`, was written in this module (not
synthesised by the compiler, not a default implementation inherited from a protocol, whose
documentation DocC takes from the protocol), and carries no `///` comment of its own.
Prints each one as `file:line kind path`, then `undocumented public declarations: N of M`.
Exits 1 when N exceeds --max (default 0).
"""
import argparse
import json
import sys
import urllib.parse


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("graph")
    parser.add_argument("--max", type=int, default=0)
    args = parser.parse_args()
    with open(args.graph) as handle:
        graph = json.load(handle)
    module = graph["module"]["name"]
    total = 0
    missing = []
    for symbol in graph["symbols"]:
        if symbol.get("accessLevel") not in ("public", "open"):
            continue
        precise = symbol["identifier"]["precise"]
        if "::SYNTHESIZED::" in precise or "sourceOrigin" in symbol:
            continue
        location = symbol.get("location")
        # Declarations without a source location in this module (e.g. re-exported ones) are
        # documented where they are declared.
        if location is None:
            continue
        total += 1
        doc = symbol.get("docComment")
        if doc and any(line.get("text", "").strip() for line in doc.get("lines", [])):
            continue
        path = urllib.parse.unquote(location["uri"].removeprefix("file://"))
        line = location["position"]["line"] + 1
        missing.append(f"{path}:{line} {symbol['kind']['identifier']} {'.'.join(symbol['pathComponents'])}")
    for entry in sorted(missing):
        print(entry)
    print(f"undocumented public declarations in {module}: {len(missing)} of {total}")
    return 1 if len(missing) > args.max else 0


if __name__ == "__main__":
    sys.exit(main())
