package io.ringmetrics.jmh.memory;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.jmh.common.EngineCounts;
import io.ringmetrics.jmh.common.Observations;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.store.HistogramSpec;
import java.time.Duration;

/**
 * Heap and off-heap bytes per series of ringmetrics, measured like {@link PeerMemoryPerSeries} measures the peers.
 *
 * <p>For each kind: force GCs until the used heap settles, start an engine whose limits fit exactly {@code N}
 * series, register {@code N} series (labels {@code method} = one of 4 shared strings and {@code path} = a distinct
 * string per series, ~56 B, as in the peer harness), update each, wait until the writer has applied everything
 * ({@code flush}), force GCs again, and divide by {@code N}:
 * <ul>
 *   <li>the growth of the used heap (MemoryMXBean) - registry, handles, writer tables, ring, histogram state and the
 *       label value strings;</li>
 *   <li>the growth of the JVM's direct buffer pool (the off-heap value store), cross-checked with the engine's
 *       own {@code stats().offHeapBytes()};</li>
 *   <li>the engine's own estimate of histogram heap ({@code stats().histogramHeapBytes()}, part of the heap
 *       figure, not added to it).</li>
 * </ul>
 * The engine's fixed costs (its thread, one caller ring at its first size, tables preallocated for the configured limits) are
 * included, as a deployment sized for N series pays them; the {@code empty} rows show them alone: an engine sized
 * for N series with none registered. {@code label strings} is what the distinct {@code path} values alone retain,
 * for comparison with libraries that would not store them.
 *
 * <p>Histograms get {@code observations} latencies each (default 1000, log-normal, median 5 ms, from
 * {@link Observations}) so that every PackedHistogram has grown as it does in a service; a row with one
 * observation per series shows the floor. Loading uses policy BLOCK so nothing is dropped (checked).
 *
 * <p>Run: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp jmh/target/benchmarks.jar
 * io.ringmetrics.jmh.memory.RingMetricsMemoryPerSeries [counterSeries=100000] [histogramSeries=10000] [rounds=3]
 * [observations=1000]}.
 */
public final class RingMetricsMemoryPerSeries {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    private enum Load { EMPTY, COUNTERS, HISTOGRAMS, LABEL_STRINGS }

    /**
     * @param spec   the engine's default histogram shape ({@code null}: the default, a 60 s window in 5 sub-windows).
     * @param phases observations are made in this many phases, one sub-window of {@code spec} apart, so that
     *               {@code phases} sub-windows hold data (1: every observation in one sub-window).
     */
    private record Kind(String kind, Load load, int series, int observations, HistogramSpec spec, int phases) {
        Kind(String kind, Load load, int series, int observations) {
            this(kind, load, series, observations, null, 1);
        }
    }

    /** A 5 s window in 5 sub-windows of 1 s: the default's shape (5 sub-windows) filled in 5 s instead of 60 s. */
    private static final HistogramSpec FIVE_SECONDS =
            HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofSeconds(5), 5);
    private static final HistogramSpec SINCE_START = HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ZERO, 1);

    private record Sample(double heap, double direct, double engineOffHeap, double histogramHeapEstimate) {
    }

    private RingMetricsMemoryPerSeries() {
    }

    public static void main(String[] args) throws Exception {
        int counters = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int histograms = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int observations = args.length > 3 ? Integer.parseInt(args[3]) : 1_000;

        List<Kind> kinds = List.of(
                new Kind("counter", Load.COUNTERS, counters, 1),
                new Kind("(empty engine sized for the counters)", Load.EMPTY, counters, 0),
                new Kind("(label strings of the counters)", Load.LABEL_STRINGS, counters, 0),
                new Kind("histogram, " + observations + " obs/series", Load.HISTOGRAMS, histograms, observations),
                new Kind("histogram, 1 obs/series", Load.HISTOGRAMS, histograms, 1),
                new Kind("histogram, window 0 (since start), " + observations + " obs", Load.HISTOGRAMS, histograms,
                        observations, SINCE_START, 1),
                new Kind("histogram, 5 sub-windows x 10 obs", Load.HISTOGRAMS, histograms, 50, FIVE_SECONDS, 5),
                new Kind("histogram, 5 sub-windows x " + observations / 5 + " obs", Load.HISTOGRAMS, histograms,
                        observations, FIVE_SECONDS, 5),
                new Kind("histogram, 5 sub-windows x " + observations + " obs", Load.HISTOGRAMS, histograms,
                        5 * observations, FIVE_SECONDS, 5),
                new Kind("histogram, 5 sub-windows x " + 10 * observations + " obs", Load.HISTOGRAMS, histograms,
                        50 * observations, FIVE_SECONDS, 5),
                new Kind("(empty engine sized for the histograms)", Load.EMPTY, histograms, 0));

        System.out.printf(Locale.ROOT, "ringmetrics heap + off-heap per series (%d round(s) each, averaged; JVM %s, %s,"
                + " max heap %d MB)%n", rounds, System.getProperty("java.version"),
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName(),
                Runtime.getRuntime().maxMemory() >> 20);
        List<Sample> results = new ArrayList<>();
        for (Kind kind : kinds) {
            measure(kind, Math.min(kind.series(), 1_000)); // warm-up: classes, JIT, static caches
            double heap = 0;
            double direct = 0;
            double engineOffHeap = 0;
            double histogramEstimate = 0;
            for (int r = 0; r < rounds; r++) {
                Sample s = measure(kind, kind.series());
                heap += s.heap();
                direct += s.direct();
                engineOffHeap += s.engineOffHeap();
                histogramEstimate += s.histogramHeapEstimate();
            }
            Sample avg = new Sample(heap / rounds, direct / rounds, engineOffHeap / rounds, histogramEstimate / rounds);
            results.add(avg);
            System.err.printf(Locale.ROOT, "  measured %s: heap %.0f + off-heap %.0f B/series%n", kind.kind(),
                    avg.heap(), avg.direct());
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-42s %8s %11s %14s %13s %13s %16s%n", "kind", "series", "heap B/s",
                "off-heap B/s", "total B/s", "(stats off)", "(hist estimate)");
        for (int i = 0; i < kinds.size(); i++) {
            Kind k = kinds.get(i);
            Sample s = results.get(i);
            System.out.printf(Locale.ROOT, "%-42s %8d %11.0f %14.1f %13.0f %13.1f %16s%n", k.kind(), k.series(),
                    s.heap(), s.direct(), s.heap() + s.direct(), s.engineOffHeap(),
                    k.load() == Load.HISTOGRAMS ? String.format(Locale.ROOT, "%.0f", s.histogramHeapEstimate()) : "-");
        }
    }

    private static Sample measure(Kind kind, int n) throws InterruptedException {
        long heapBefore = PeerMemoryPerSeries.settledUsedHeap();
        long directBefore = directBytes();
        Object retained;
        EngineStats stats = null;
        MetricsEngine engine = null;
        if (kind.load() == Load.LABEL_STRINGS) {
            String[] paths = new String[n];
            for (int i = 0; i < n; i++) {
                paths[i] = path(i);
            }
            retained = paths;
        } else {
            EngineConfig.Builder config = EngineConfig.builder()
                    .limits(MetricsResourceConfig.builder().maxLabelCombinations(n).build())
                    .backpressure(BackpressurePolicy.BLOCK);
            if (kind.spec() != null) {
                config.defaultHistogram(kind.spec());
            }
            engine = MetricsEngine.start(config.build());
            switch (kind.load()) {
                case COUNTERS -> retained = loadCounters(engine, n);
                case HISTOGRAMS -> retained = loadHistograms(engine, n, kind);
                default -> retained = null;
            }
            engine.flush();
            stats = engine.snapshot().stats();
            EngineCounts counts = EngineCounts.of(engine);
            if (counts.dropped() != 0 || stats.seriesCount() != (kind.load() == Load.EMPTY ? 0 : n)) {
                throw new IllegalStateException(kind.kind() + ": " + counts.describe("load") + ", series "
                        + stats.seriesCount());
            }
        }
        long heapAfter = PeerMemoryPerSeries.settledUsedHeap();
        long directAfter = directBytes();
        Reference.reachabilityFence(retained);
        Reference.reachabilityFence(engine);
        Sample sample = new Sample((heapAfter - heapBefore) / (double) n, (directAfter - directBefore) / (double) n,
                stats == null ? 0 : stats.offHeapBytes() / (double) n,
                stats == null ? 0 : stats.histogramHeapBytes() / (double) n);
        if (engine != null) {
            engine.close();
        }
        return sample;
    }

    private static Object loadCounters(MetricsEngine engine, int n) {
        io.ringmetrics.Counter[] handles = new io.ringmetrics.Counter[n];
        for (int i = 0; i < n; i++) {
            handles[i] = engine.counter("http_requests", "method", METHODS[i & 3], "path", path(i));
            handles[i].increment();
        }
        return null; // handles are not retained: the registry must keep what a series needs
    }

    private static Object loadHistograms(MetricsEngine engine, int n, Kind kind) throws InterruptedException {
        Histogram[] handles = new Histogram[n];
        for (int i = 0; i < n; i++) {
            handles[i] = engine.histogram("http_request_duration_seconds", "method", METHODS[i & 3], "path", path(i));
        }
        int observations = kind.observations();
        long sliceNanos = kind.spec() == null || kind.spec().window().isZero() ? 0
                : kind.spec().window().toNanos() / kind.spec().windowSlices();
        for (int phase = 0; phase < kind.phases(); phase++) {
            if (phase > 0) {
                engine.flush();
                Thread.sleep(sliceNanos / 1_000_000); // the next phase goes to the next sub-window
            }
            // Interleave the series, as a service does, each series getting its own run of the latency table.
            for (int k = phase * observations / kind.phases(); k < (phase + 1) * observations / kind.phases(); k++) {
                for (int i = 0; i < n; i++) {
                    handles[i].observeNanos(Observations.latencyNanos(i * 977 + k));
                }
            }
        }
        return null;
    }

    private static long directBytes() {
        long used = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                used += pool.getMemoryUsed();
            }
        }
        return used;
    }

    private static String path(int i) {
        return "/api/v1/resource/" + (i >>> 2);
    }
}
