#!/usr/bin/env python3
"""Before/after table (markdown) from JMH JSON result files of the same benchmarks.

    jmh/compare.py 'BEFORE*.json' 'AFTER*.json' [label-before label-after]

Each argument is a glob: several files per side are rounds (e.g. one fork each, run alternately with the other
side, so both meet the same load). Each row: benchmark and parameters; per side the median score over the rounds,
with the rounds' range, and the median of its ratio to LongAdderBenchmark.counterIncrement (a round's ratio uses the
LongAdder of the same round when that file has one, else the side's median LongAdder). Ratios hold across machines
and load better than absolute times on a shared machine.
"""
import glob
import json
import statistics
import sys

ADDER = ("peers.LongAdderBenchmark.counterIncrement", "")


def rounds(pattern):
    """[{(benchmark, params): score}] per file matched by the pattern, in name order."""
    out = []
    for path in sorted(glob.glob(pattern)):
        with open(path) as f:
            results = json.load(f)
        out.append({(r["benchmark"].split(".jmh.", 1)[-1],
                     ",".join("%s=%s" % kv for kv in sorted((r.get("params") or {}).items()))):
                    (float(r["primaryMetric"]["score"]),
                     (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm", {}).get("score"))
                    for r in results})
    return out


def side(pattern):
    """{key: (median score, min, max, median ratio to LongAdder, median B/op)} over the rounds."""
    rs = rounds(pattern)
    adders = [r[ADDER][0] for r in rs if ADDER in r]
    adder = statistics.median(adders) if adders else None
    scores, ratios, allocs = {}, {}, {}
    for r in rs:
        base = r[ADDER][0] if ADDER in r else adder
        for k, (s, a) in r.items():
            scores.setdefault(k, []).append(s)
            if base:
                ratios.setdefault(k, []).append(s / base)
            if a is not None:
                allocs.setdefault(k, []).append(float(a))
    return {k: (statistics.median(v), min(v), max(v), statistics.median(ratios[k]) if k in ratios else None,
                statistics.median(allocs[k]) if k in allocs else None, len(v)) for k, v in scores.items()}


def cell(x):
    if x is None:
        return ["-", "-"]
    med, lo, hi, ratio, _, n = x
    spread = "" if n < 2 else " (%s-%s)" % (fmt(lo), fmt(hi))
    return [fmt(med) + spread, "%.2fx" % ratio if ratio is not None else "-"]


def fmt(v):
    return "%.3g M" % (v / 1e6) if v >= 1e5 else ("%.0f" % v if v >= 100 else "%.2f" % v)


def main():
    before, after = side(sys.argv[1]), side(sys.argv[2])
    names = sys.argv[3:5] if len(sys.argv) >= 5 else ["before", "after"]
    print("| benchmark | params | %s: median (range) | / LongAdder | %s: median (range) | / LongAdder | %s B/op |" %
          (names[0], names[1], names[1]))
    print("|---|---|---:|---:|---:|---:|---:|")
    for k in sorted(set(before) | set(after)):
        a = after.get(k)
        alloc = "%.2f" % a[4] if a and a[4] is not None else ""
        print("| %s | %s | %s | %s |" % (k[0], k[1], " | ".join(cell(before.get(k)) + cell(a)), alloc))


if __name__ == "__main__":
    main()
