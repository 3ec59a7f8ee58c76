#!/usr/bin/env python3
"""Compare two instruction-count tables written by `cargo run --release -- --count`.

Usage: python3 count_diff.py BEFORE.md AFTER.md [--limit PCT]

Prints, for every cell (workload, row, chunking) present in both files, the
total instructions before and after and the change in percent, as a markdown
table; cells in only one file are listed after it. Exits 1 when any cell grew
by more than --limit percent (default 2, the bound issue 10 sets), else 0.
Standard library only.
"""

import re
import sys


def cells(path):
    """{(workload, row, chunking): total Ir} from the per-workload tables."""
    out = {}
    workload = None
    header = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^## (\S+) \(", line)
            if m:
                workload, header = m.group(1), None
                continue
            if workload is None or not line.startswith("|"):
                continue
            cols = [c.strip() for c in line.strip().strip("|").split("|")]
            if cols[0] == "row":
                header = cols
                continue
            if header is None or set(cols[0]) <= set("-:"):
                continue
            for name, value in zip(header[1:], cols[1:]):
                if name.endswith(" Ir total") and re.fullmatch(r"[0-9,]+", value):
                    out[(workload, cols[0], name[: -len(" Ir total")])] = int(value.replace(",", ""))
    return out


def main():
    args = sys.argv[1:]
    limit = 2.0
    if "--limit" in args:
        i = args.index("--limit")
        limit = float(args[i + 1])
        del args[i : i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    before, after = cells(args[0]), cells(args[1])
    if not before or not after:
        sys.exit("no count tables found")
    worst = None
    print("| workload | row | chunking | Ir before | Ir after | change |")
    print("|---|---|---|---:|---:|---:|")
    for key in before:
        if key not in after:
            continue
        b, a = before[key], after[key]
        pct = 100.0 * (a - b) / b
        flag = " **over limit**" if pct > limit else ""
        print(f"| {key[0]} | {key[1]} | {key[2]} | {b:,} | {a:,} | {pct:+.2f}%{flag} |")
        if worst is None or pct > worst[0]:
            worst = (pct, key)
    only = sorted(set(before) ^ set(after))
    if only:
        print()
        for key in only:
            side = "before" if key in before else "after"
            print(f"- only {side}: {' / '.join(key)}")
    if worst is None:
        sys.exit("no cell in both files")
    print(f"\nlargest growth: {worst[0]:+.2f}% ({' / '.join(worst[1])}); limit {limit:+.2f}%")
    sys.exit(1 if worst[0] > limit else 0)


if __name__ == "__main__":
    main()
