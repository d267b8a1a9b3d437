#!/usr/bin/env python3
"""Tables (markdown) from one run of jmh/run-suite.sh: summarize.py <suite output directory>.

Reads jmh-t1.json, jmh-t2.json (JMH -rf json), memory-*.txt and machine.txt; prints to stdout.
"""
import json
import math
import os
import re
import sys

OPS = ["counterIncrement", "gaugeSet", "histogramObserve", "counterIncrementByLabels", "histogramObserveByLabels"]
PEERS = [("ClientJava", "client_java"), ("Micrometer", "Micrometer"), ("Dropwizard", "Dropwizard"),
         ("OpenTelemetry", "OTel SDK"), ("HdrHistogram", "HdrHistogram Recorder"), ("LongAdder", "LongAdder")]


def load(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return json.load(f)


def key(r):
    cls, method = r["benchmark"].rsplit(".", 2)[-2:]
    return cls, method


def params(r):
    return ",".join("%s=%s" % kv for kv in sorted((r.get("params") or {}).items()))


def score(r):
    m = r["primaryMetric"]
    try:
        err = float(m.get("scoreError"))
    except (TypeError, ValueError):
        err = float("nan")
    return float(m["score"]), err, m["scoreUnit"]


def secondary(r, name):
    s = (r.get("secondaryMetrics") or {}).get(name)
    return None if s is None else float(s["score"])


def fmt(x, digits=1):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if abs(x) >= 1e6:
        return "%.1f M" % (x / 1e6)
    if abs(x) >= 1000:
        return "%.0f" % x
    return ("%." + str(digits) + "f") % x


def drop_note(r):
    applied, dropped = secondary(r, "applied"), secondary(r, "dropped")
    if applied is None or dropped is None:
        return ""
    total = applied + dropped
    pct = 100.0 * dropped / total if total else 0.0
    return "%.1f %% dropped (applied %s, dropped %s)" % (pct, fmt(applied), fmt(dropped))


def other(r):
    """Cores other processes kept busy during the measurement (OtherLoadProfiler), or None."""
    return secondary(r, "\u00b7other.cores")


def busy_note(r):
    o = other(r)
    return "" if o is None or o < 0.1 else " [busy machine: %.1f other cores]" % o


def index(results):
    return {(key(r)[0], key(r)[1], params(r)): r for r in results}


def ops_table(results, threads):
    idx = index(results)
    out = []
    rm = lambda m: next((r for (c, mm, p), r in idx.items() if c == "RingMetricsBenchmark" and mm == m), None)
    out.append("#### %d caller thread%s\n" % (threads, "" if threads == 1 else "s (2 callers + writer on 2 cores: oversubscribed)"))
    header = ["operation", "ringmetrics no-drop (`<op>NoDrop`)", "ringmetrics free-running (`<op>`)"] + [n for _, n in PEERS]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "---|" * len(header))
    for op in OPS:
        row = [op]
        nodrop_r = rm(op + "NoDrop")
        nodrop = None
        if nodrop_r:
            nodrop, e, _ = score(nodrop_r)
            row.append("%s ± %s ns, %s B/op, %s%s" % (fmt(nodrop), fmt(e), fmt(secondary(nodrop_r, "gc.alloc.rate.norm"), 2),
                                                      drop_note(nodrop_r).split(" (")[0], busy_note(nodrop_r)))
        else:
            row.append("-")
        free = rm(op)
        if free:
            s, e, _ = score(free)
            row.append("%s ± %s ns, %s B/op, %s%s" % (fmt(s), fmt(e), fmt(secondary(free, "gc.alloc.rate.norm"), 2),
                                                      drop_note(free).split(" (")[0], busy_note(free)))
        else:
            row.append("-")
        for cls, _ in PEERS:
            r = idx.get((cls + "Benchmark", op, ""))
            if not r:
                row.append("")
                continue
            s, e, _ = score(r)
            ratio = " (%.1fx)" % (s / nodrop) if nodrop and nodrop > 0 else ""
            row.append("%s ± %s ns, %s B%s%s" % (fmt(s), fmt(e), fmt(secondary(r, "gc.alloc.rate.norm"), 0), ratio,
                                                busy_note(r)))
        out.append("| " + " | ".join(row) + " |")
    out.append("\n(Nx) = peer ns/op / ringmetrics no-drop ns/op. B/op of `*NoDrop` includes ~0.1-0.2 B of the untimed"
               " `engine.flush()` between bursts.\n")
    return "\n".join(out)


def flat_table(results, title):
    out = ["### " + title, "", "| benchmark | params | threads | score | ± | unit | B/op | other cores | engine accounting (measurement) |",
           "|---|---|---:|---:|---:|---|---:|---:|---|"]
    for r in sorted(results, key=lambda r: (r["benchmark"], params(r))):
        cls, m = key(r)
        s, e, u = score(r)
        out.append("| %s.%s | %s | %d | %s | %s | %s | %s | %s | %s |" % (
            cls, m, params(r), r["threads"], fmt(s, 2), fmt(e, 2), u,
            fmt(secondary(r, "gc.alloc.rate.norm"), 2), fmt(other(r), 2), drop_note(r)))
    return "\n".join(out)


def cpu_of(d):
    """The CPU model line of machine.txt, printed under every table: figures hold for that CPU only."""
    mt = os.path.join(d, "machine.txt")
    if os.path.exists(mt):
        for line in open(mt):
            if line.startswith("cpu:"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def idle_table(results, cpu):
    """No-drop publish per writer idle strategy, as a ratio to LongAdder.increment (and OTel for the name path)."""
    idx = index(results)
    adder = idx.get(("LongAdderBenchmark", "counterIncrement", ""))
    otel = idx.get(("OpenTelemetryBenchmark", "counterIncrementByLabels", ""))
    base = score(adder)[0] if adder else None
    out = ["CPU: %s\n" % cpu,
           "| benchmark | idle | ns/op | ± | B/op | / LongAdder.increment | other cores |", "|---|---|---:|---:|---:|---:|---:|"]
    rows = [r for r in results if key(r)[0] in ("RingMetricsBenchmark", "RingPublishFloorBenchmark")]
    for r in sorted(rows, key=lambda r: (key(r)[1], params(r))):
        s_, e_, _ = score(r)
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            key(r)[1], (r.get("params") or {}).get("idle", ""), fmt(s_, 2), fmt(e_, 2),
            fmt(secondary(r, "gc.alloc.rate.norm"), 2), "%.2fx" % (s_ / base) if base else "-", fmt(other(r), 2)))
    for name, r in (("LongAdder.increment", adder), ("OTel counter add, pre-built attributes", otel)):
        if r:
            s_, e_, _ = score(r)
            out.append("| %s | | %s | %s | %s | %s | %s |" % (name, fmt(s_, 2), fmt(e_, 2),
                       fmt(secondary(r, "gc.alloc.rate.norm"), 2), "%.2fx" % (s_ / base) if base else "-", fmt(other(r), 2)))
    return "\n".join(out)


def main():
    d = sys.argv[1]
    t1 = load(os.path.join(d, "jmh-t1.json"))
    t2 = load(os.path.join(d, "jmh-t2.json"))
    idle = load(os.path.join(d, "jmh-idle.json"))
    cpu = cpu_of(d)
    print("# Suite results: %s\n" % os.path.basename(os.path.normpath(d)))
    mt = os.path.join(d, "machine.txt")
    if os.path.exists(mt):
        print("```\n" + open(mt).read().strip() + "\n```\n")
    if idle:
        print("## Publish under each writer idle strategy\n")
        print(idle_table(idle, cpu) + "\n")
    print("## Caller-side cost per operation\n")
    print("CPU: %s\n" % cpu)
    if t1:
        print(ops_table(t1, 1) + "\n")
    if t2:
        print(ops_table(t2, 2) + "\n")

    idx = index(t1)
    writer = [r for r in t1 if key(r)[0] == "WriterThroughputBenchmark"]
    if writer:
        print("## Writer throughput (1 caller thread)\n")
        print("CPU: %s\n" % cpu)
        print("| benchmark | params | M updates/s | ± | dropped | other cores |\n|---|---|---:|---:|---|---:|")
        for r in sorted(writer, key=lambda r: (key(r)[1], params(r))):
            s_, e_, _ = score(r)
            print("| %s | %s | %.1f | %.1f | %s | %s |" % (key(r)[1], params(r), s_ / 1e6, e_ / 1e6 if not math.isnan(e_) else float("nan"),
                                                   drop_note(r) or "-", fmt(other(r), 2)))
        print()
    # In-workload: added ns over bareWork.
    work = [r for r in t1 if key(r)[0] == "InWorkloadBenchmark"]
    if work:
        bare = [r for r in work if key(r)[1] == "bareWork"]
        print("## In-workload overhead (added to one unit of work)\n")
        print("CPU: %s\n" % cpu)
        print("| benchmark | ns/op | ± | added ns over bareWork | B/op | engine accounting |\n|---|---:|---:|---:|---:|---|")
        bs = score(bare[0])[0] if bare else None
        for r in sorted(work, key=lambda r: score(r)[0]):
            s, e, _ = score(r)
            print("| %s | %s | %s | %s | %s | %s |" % (key(r)[1], fmt(s), fmt(e), fmt(s - bs) if bs else "-",
                                                      fmt(secondary(r, "gc.alloc.rate.norm"), 2), drop_note(r)))
        print()

    # Scrape: ringmetrics vs client_java.
    ours = {params(r): r for r in t1 if key(r) == ("ScrapeBenchmark", "scrape")}
    theirs = {params(r): r for r in t1 if key(r) == ("ClientJavaScrapeBenchmark", "scrape")}
    if ours or theirs:
        print("## Scrape (Prometheus text)\n")
        print("CPU: %s\n" % cpu)
        print("| params | ringmetrics ms/op | B/op | client_java ms/op | B/op | ringmetrics / client_java |\n|---|---:|---:|---:|---:|---:|")
        for p in sorted(set(ours) | set(theirs), key=lambda p: int(re.sub(r"\D", "", p) or 0)):
            o, t = ours.get(p), theirs.get(p)
            os_, ts = (score(o)[0] if o else None), (score(t)[0] if t else None)
            print("| %s | %s | %s | %s | %s | %s |" % (
                p, fmt(os_, 2), fmt(secondary(o, "gc.alloc.rate.norm") if o else None, 0), fmt(ts, 2),
                fmt(secondary(t, "gc.alloc.rate.norm") if t else None, 0),
                "%.2f" % (os_ / ts) if os_ and ts else "TODO (not measured)"))
        print()

    print("## All results\n")
    print("CPU: %s\n" % cpu)
    print(flat_table(t1, "1 caller thread (jmh-t1.json)") + "\n")
    if t2:
        print(flat_table(t2, "2 caller threads (jmh-t2.json)") + "\n")
    for name in ("memory-peers.txt", "memory-ringmetrics.txt"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            print("## %s\n\n```\n%s\n```\n" % (name, open(p).read().strip()))


if __name__ == "__main__":
    main()
