#!/usr/bin/env python3
"""The core's size, as the consolidation issue measures it.

For each core target (Liveform, LiveformBackends, LiveformBytes, CLiveformSIMD): code lines
(Swift, C and header lines that are neither blank nor comment-only), `Unsafe*` identifiers in
Swift code per 100 code lines, `unsafe` expressions (what `.strictMemorySafety()` asks to be
marked), `@inline(__always)` and `@unchecked Sendable` counts.

    python3 Tools/size.py            # this checkout
    python3 Tools/size.py REV        # a commit, read with `git show` (no checkout)
"""
import re
import subprocess
import sys

TARGETS = ["Sources/Liveform", "Sources/LiveformBackends", "Sources/LiveformBytes", "Sources/CLiveformSIMD"]
COMMENT_OR_BLANK = re.compile(r"^\s*(//.*)?$")
UNSAFE = re.compile(r"\bUnsafe[A-Za-z]*")
UNSAFE_EXPRESSION = re.compile(r"\bunsafe\b")


def files(rev, target):
    if rev:
        listing = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, "--", target],
                                 capture_output=True, text=True, check=True).stdout.split()
        return [(name, subprocess.run(["git", "show", f"{rev}:{name}"], capture_output=True, text=True,
                                      check=True).stdout) for name in listing]
    listing = subprocess.run(["git", "ls-files", "--", target], capture_output=True, text=True,
                             check=True).stdout.split()
    return [(name, open(name, encoding="utf-8").read()) for name in listing]


def measure(rev):
    rows = []
    for target in TARGETS:
        code = unsafe = marked = inline = unchecked = 0
        for name, text in files(rev, target):
            if not name.endswith((".swift", ".c", ".h")):
                continue
            for line in text.splitlines():
                if COMMENT_OR_BLANK.match(line):
                    continue
                code += 1
                if name.endswith(".swift"):
                    unsafe += len(UNSAFE.findall(line))
                    marked += len(UNSAFE_EXPRESSION.findall(line.split('//')[0]))
                    inline += "@inline(__always)" in line
                    unchecked += "@unchecked Sendable" in line
        if code:
            rows.append((target, code, unsafe, marked, inline, unchecked))
    return rows


def main():
    rev = sys.argv[1] if len(sys.argv) > 1 else None
    rows = measure(rev)
    print(f"{'target':28} {'code lines':>10} {'Unsafe*':>8} {'per 100':>8} {'unsafe':>7} {'@inline(__always)':>18} {'@unchecked Sendable':>20}")
    for target, code, unsafe, marked, inline, unchecked in rows:
        print(f"{target:28} {code:>10} {unsafe:>8} {unsafe * 100 / code:>8.2f} {marked:>7} {inline:>18} {unchecked:>20}")
    print(f"{'total':28} {sum(row[1] for row in rows):>10}")


if __name__ == "__main__":
    main()
