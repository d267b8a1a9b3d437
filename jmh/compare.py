#!/usr/bin/env python3
"""Before/after table (markdown) from two JMH JSON result files of the same benchmarks.

    jmh/compare.py BEFORE.json AFTER.json [label-before label-after]

Each row: benchmark and parameters, ns/op ± error before and after, and each one as a multiple of
LongAdderBenchmark.counterIncrement measured in the same file (ratios hold across machines and load, absolute
times on a shared machine do not).
"""
import json
import sys


def load(path):
    with open(path) as f:
        return {(r["benchmark"].split(".jmh.", 1)[-1], ",".join("%s=%s" % kv for kv in sorted((r.get("params") or {}).items()))): r
                for r in json.load(f)}


def score(r):
    m = r["primaryMetric"]
    try:
        err = float(m.get("scoreError"))
    except (TypeError, ValueError):
        err = float("nan")
    return float(m["score"]), err


def alloc(r):
    s = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
    return "" if s is None else "%.2f" % float(s["score"])


def main():
    before, after = load(sys.argv[1]), load(sys.argv[2])
    names = sys.argv[3:5] if len(sys.argv) >= 5 else ["before", "after"]
    base = {}
    for label, results in zip(names, (before, after)):
        adder = results.get(("peers.LongAdderBenchmark.counterIncrement", ""))
        base[label] = score(adder)[0] if adder else None
    print("| benchmark | params | %s ns/op | %s / LongAdder | %s ns/op | %s / LongAdder | %s B/op |" % (
        names[0], names[0], names[1], names[1], names[1]))
    print("|---|---|---:|---:|---:|---:|---:|")
    for k in sorted(set(before) | set(after)):
        cells = []
        for label, results in zip(names, (before, after)):
            r = results.get(k)
            if r is None:
                cells += ["-", "-"]
                continue
            s, e = score(r)
            cells.append("%.2f ± %.2f" % (s, e))
            cells.append("%.2fx" % (s / base[label]) if base[label] else "-")
        r = after.get(k)
        cells.append(alloc(r) if r else "")
        print("| %s | %s | %s |" % (k[0], k[1], " | ".join(cells)))


if __name__ == "__main__":
    main()
