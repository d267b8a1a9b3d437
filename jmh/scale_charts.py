#!/usr/bin/env python3
"""Charts of issue 17 (cost as the work grows) from the output of jmh/run-scale.sh.

    python3 jmh/scale_charts.py jmh/target/scale/<time> docs/images
    python3 jmh/scale_charts.py jmh/target/scale/<time> --tables     # the JMH figures as markdown rows

Reads the JMH JSON files (jmh-scrape*.json, jmh-lookup.json, jmh-statsd.json), the harnesses' JSON files
(series-scale.json, threads-scale.json, idle-cpu.json) and the memory harnesses' text tables (memory-*.txt), and
writes scale-series.png, scale-memory.png, scale-threads.png and scale-idle.png. Needs matplotlib (Debian:
python3-matplotlib, so run it with /usr/bin/python3); CI does not run it, the PNGs are committed.
"""
import glob
import json
import os
import re
import sys

plt = None  # matplotlib.pyplot, imported by main() only to draw: --tables needs no matplotlib


def load(path):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return []
    with open(path) as f:
        return json.load(f)


def alloc_norm(r):
    """B/op from -prof gc (the key is "gc.alloc.rate.norm", with a leading middle dot in older JMH versions)."""
    metrics = r.get("secondaryMetrics", {})
    found = metrics.get("gc.alloc.rate.norm", metrics.get("\u00b7gc.alloc.rate.norm", {}))
    return found.get("score")


def jmh_series(rows, method):
    """{series: (score, error, unit, alloc B/op)} for one benchmark, "Class.method"."""
    out = {}
    for r in rows:
        if r["benchmark"].endswith("." + method):
            alloc = alloc_norm(r)
            out[int(r["params"]["series"])] = (r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"],
                                               r["primaryMetric"]["scoreUnit"], alloc)
    return dict(sorted(out.items()))


def to_ms(score, unit):
    return score * {"ns/op": 1e-6, "us/op": 1e-3, "ms/op": 1.0, "s/op": 1e3}[unit]


def series_chart(run, images):
    # series-scale-BACKOFF.json (a rerun with the idle strategy named) if present, else series-scale.json
    main_file = "series-scale-BACKOFF.json" if os.path.exists(os.path.join(run, "series-scale-BACKOFF.json")) \
        else "series-scale.json"
    scale = [r for r in load(os.path.join(run, main_file)) if r["kind"] == "series_scale"]
    scrape = load(os.path.join(run, "jmh-scrape.json"))
    client = load(os.path.join(run, "jmh-scrape-client-java.json"))
    lookup = jmh_series(load(os.path.join(run, "jmh-lookup.json")), "RegistryLookupBenchmark.findSpread")
    statsd = jmh_series(load(os.path.join(run, "jmh-statsd.json")), "StatsdFlushBenchmark.flushOnly")
    fig, ax = plt.subplots(2, 2, figsize=(12, 9))

    a = ax[0][0]
    n = [r["series"] for r in scale]
    a.plot(n, [r["register_per_s_1"] for r in scale], "o-", label="ringmetrics, 1 thread")
    a.plot(n, [r["register_per_s_2"] for r in scale], "o-", label="ringmetrics, 2 threads")
    a.plot(n, [r["client_java_register_per_s"] for r in scale], "s--", label="client_java, 1 thread")
    a.plot(n, [r["micrometer_register_per_s"] for r in scale], "^--", label="Micrometer, 1 thread")
    a.set(xscale="log", yscale="log", xlabel="series", ylabel="series registered / s",
          title="Registration rate (counters, 3 labels)")
    a.legend()

    a = ax[0][1]
    a.plot(n, [r["lookup_ns"] for r in scale], "o-", label="random order, random query strings (SeriesScale)")
    if lookup:
        a.plot(list(lookup), [v[0] for v in lookup.values()], "s-", label="JMH findSpread (in order, main run: noisy)")
    a.set(xscale="log", yscale="log", xlabel="series", ylabel="ns / lookup", title="name + labels lookup")
    a.legend()

    a = ax[1][0]
    a.plot(n, [r["writer_updates_per_s"] / 1e6 for r in scale], "o-", label="1 caller, random order, BLOCK")
    others = [("series-scale.json", "first run (load 14)")] if main_file != "series-scale.json" else []
    others += [("series-scale-%s.json" % idle, "writer idle " + idle) for idle in ("AGRONA_BACKOFF_100US", "BUSY_SPIN")]
    for name, label in others:
        rows = [r for r in load(os.path.join(run, name)) if r["kind"] == "series_scale"]
        if rows:
            a.plot([r["series"] for r in rows], [r["writer_updates_per_s"] / 1e6 for r in rows], ".--", label=label)
    a.set(xscale="log", xlabel="series", ylabel="M updates applied / s",
          title="Writer apply rate, updates spread over all series")
    a.legend()

    a = ax[1][1]
    for rows, method, label in ((scrape, "ScrapeBenchmark.scrape", "ringmetrics text (1 GiB heap)"),
                                (scrape, "ScrapeBenchmark.scrapeOpenMetrics", "ringmetrics OpenMetrics (1 GiB heap)"),
                                (client, "ClientJavaScrapeBenchmark.scrape", "client_java text (2 GiB heap)")):
        s = jmh_series(rows, method)
        if s:
            a.plot(list(s), [to_ms(v[0], v[2]) for v in s.values()], "o-", label=label)  # errors: see the tables
    if statsd:
        a.plot(list(statsd), [to_ms(v[0], v[2]) for v in statsd.values()], "^--", label="ringmetrics StatsD flush")
    a.set(xscale="log", yscale="log", xlabel="series", ylabel="ms per scrape / flush",
          title="Scrape and StatsD flush (counters)")
    a.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(images, "scale-series.png"), dpi=90)


def memory_chart(run, images):
    ring = {}
    for path in glob.glob(os.path.join(run, "memory-ringmetrics-*.txt")):
        with open(path) as f:
            for line in f:
                m = re.match(r"^counter\s+(\d+)\s+(\d+)\s+([\d.-]+)\s+(\d+)", line)
                if m:
                    ring[int(m.group(1))] = (int(m.group(2)), float(m.group(3)))
    peers = {}
    for path in glob.glob(os.path.join(run, "memory-peers-*.txt")):
        with open(path) as f:
            for line in f:
                m = re.match(r"^(.+?)\s{2,}counter\s+(\d+)\s+(\d+)", line)
                if m:
                    peers[m.group(1).strip()] = (int(m.group(2)), int(m.group(3)))
    if not ring:
        return
    fig, a = plt.subplots(figsize=(8, 5))
    n = sorted(ring)
    a.bar([str(x) for x in n], [ring[x][0] for x in n], label="ringmetrics heap")
    a.bar([str(x) for x in n], [ring[x][1] for x in n], bottom=[ring[x][0] for x in n], label="ringmetrics off-heap")
    for name, (series, total) in sorted(peers.items()):
        a.bar(name + "\n" + str(series), total, label=name)
    a.axhline(100, color="red", linestyle=":", label="goal at 10^6: 100 B")
    a.set(ylabel="bytes per counter series (incl. ~68 B of path strings)",
          title="Memory per counter series, measured (heap + direct buffers)")
    a.legend(fontsize=8)
    plt.setp(a.get_xticklabels(), fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(images, "scale-memory.png"), dpi=90)


def threads_chart(run, images):
    rows = load(os.path.join(run, "threads-scale.json"))
    paced = [r for r in rows if r["kind"] == "threads_paced"]
    if not paced:
        return
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.5))
    t = [r["threads"] for r in paced]
    ax[0].plot(t, [r["published_per_s"] / 1e6 for r in paced], "o-", label="published")
    ax[0].plot(t, [r["applied_per_s"] / 1e6 for r in paced], "s--", label="applied")
    ax[0].plot(t, [r["threads"] * r["rate_per_thread"] / 1e6 for r in paced], ":", label="offered")
    ax[0].set(xscale="log", xlabel="pool threads (100 k updates/s each)", ylabel="M updates / s",
              title="Throughput")
    ax[0].legend()
    ax[1].plot(t, [r["publish_ns"] for r in paced], "o-", label="publish ns / update")
    ax[1].plot(t, [r["writer_cpu_pct"] for r in paced], "s-", label="writer CPU, % of one core")
    ax[1].set(xscale="log", xlabel="pool threads", title="Caller cost and writer CPU")
    ax[1].legend()
    ax[2].plot(t, [r["ring_bytes"] / 1024 / r["threads"] for r in paced], "o-", label="paced, KiB / thread")
    mem = [r for r in rows if r["kind"] == "threads_ring_memory"]
    for r in mem:
        label = "unbounded" if r["budget"] >= 1 << 40 else "budget %d MiB" % (r["budget"] >> 20)
        ax[2].bar("%d threads\nfilling,\n%s" % (r["threads"], label), r["ring_bytes"] / 1024 / r["threads"],
                  label="%s: %.0f MiB in all" % (label, r["ring_bytes"] / 1048576))
    ax[2].set(ylabel="ring KiB per thread", title="Ring memory per thread")
    ax[2].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(images, "scale-threads.png"), dpi=90)


def idle_chart(run, images):
    # idle-ab.json (if present): this BACKOFF and the one before issue 17 in one run; the other strategies from
    # idle-cpu.json.
    ab = [r for r in load(os.path.join(run, "idle-ab.json")) if r["kind"] == "cpu"]
    rows = ab + [r for r in load(os.path.join(run, "idle-cpu.json"))
                 if r["kind"] == "cpu" and r["strategy"] not in {x["strategy"] for x in ab}]
    if not rows:
        return
    fig, a = plt.subplots(figsize=(8, 4.5))
    strategies = list(dict.fromkeys(r["strategy"] for r in rows))
    rates = list(dict.fromkeys(r["rate"] for r in rows))
    width = 0.8 / len(rates)
    for k, rate in enumerate(rates):
        values = [next(r["writer_pct"] for r in rows if r["strategy"] == s and r["rate"] == rate) for s in strategies]
        a.bar([i + k * width for i in range(len(strategies))], values, width, label="%d updates/s" % rate)
    floor = [r for r in load(os.path.join(run, "idle-ab.json" if ab else "idle-cpu.json")) if r["kind"] == "park_floor"]
    if floor:
        a.axhline(floor[0]["pct"], color="grey", linestyle="--",
                  label="a thread that only parks %d us: %.2f %%" % (floor[0]["park_us"], floor[0]["pct"]))
    a.axhline(1, color="red", linestyle=":", label="goal, idle BACKOFF: 1 %")
    names = {"AGRONA_BACKOFF_100US": "BACKOFF before\n(Agrona, 100 us)", "BACKOFF": "BACKOFF now\n(1 ms, adaptive)"}
    a.set_xticks([i + width * (len(rates) - 1) / 2 for i in range(len(strategies))],
                 [names.get(s, s) for s in strategies])
    a.set(yscale="log", ylabel="writer CPU, % of one core", title="Writer CPU at light load, per idle strategy")
    a.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(images, "scale-idle.png"), dpi=90)


def tables(run):
    """Prints the JMH figures as markdown rows: benchmark, series, score +- error, B/op."""
    for name in ("jmh-scrape.json", "jmh-scrape-client-java.json", "jmh-lookup.json", "jmh-statsd.json"):
        for r in load(os.path.join(run, name)):
            m = r["primaryMetric"]
            alloc = alloc_norm(r)
            print("| %s | %s | %.3f ± %.3f %s | %s |" % (r["benchmark"].split(".", 3)[-1], r["params"]["series"],
                  m["score"], m["scoreError"], m["scoreUnit"], "-" if alloc is None else "%.0f" % alloc))


def main():
    run = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--tables":
        tables(run)
        return
    images = sys.argv[2] if len(sys.argv) > 2 else "docs/images"
    global plt
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot
    plt = matplotlib.pyplot
    os.makedirs(images, exist_ok=True)
    series_chart(run, images)
    memory_chart(run, images)
    threads_chart(run, images)
    idle_chart(run, images)
    print("charts written to " + images)


if __name__ == "__main__":
    main()
