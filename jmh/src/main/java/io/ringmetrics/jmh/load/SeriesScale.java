package io.ringmetrics.jmh.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.ring.BackpressurePolicy;

/**
 * How registration, lookup and the writer's apply rate grow with the number of series (issue 17), from 10^3 to
 * 10^6 counter series with realistic labels: {@code method} = one of 4 values, {@code path} =
 * {@code /api/v1/resource/<i>} (as the scrape and memory harnesses), {@code region} = one of 8 values.
 * <p>For each series count N, in a fresh engine sized for N:
 * <ul>
 *   <li>registration rate: N counters registered from 1 thread, then (fresh engine) from 2 threads each registering
 *       half; series/s over the whole registration;</li>
 *   <li>lookup: {@code registry().find(COUNTER, name, labels)} of existing series in a random order (every lookup a
 *       cache miss at large N), ns/op averaged over max(N, 10^6) lookups after a warm-up pass of the same size;</li>
 *   <li>writer apply rate: one caller increments the N counters in a random order (a precomputed permutation) with
 *       policy BLOCK, so the caller goes as fast as the writer applies; updates applied per second over 2 s after a
 *       1 s warm-up.</li>
 * </ul>
 * client_java 1.x and Micrometer (SimpleMeterRegistry) registration rates from 1 thread are measured the same way
 * where they fit in the heap. Timings are wall-clock over the whole operation, one run: figures for the shape of the
 * curve, not for the third digit (the JMH benchmarks give the single-operation costs).
 * <p>Run: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx2g -cp jmh/target/benchmarks.jar
 * io.ringmetrics.jmh.load.SeriesScale [counts=1000,10000,100000,1000000] [json=series-scale.json]
 * [idle=BACKOFF, or another WriterIdleStrategy, or AGRONA_BACKOFF_100US: the BACKOFF before issue 17]}.
 */
public final class SeriesScale {

    private static final String NAME = "http_requests_total";
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};
    private static final String[] REGIONS = {"eu-west-1", "eu-central-1", "us-east-1", "us-east-2", "us-west-2",
        "ap-south-1", "ap-northeast-1", "sa-east-1"};

    private static String idle = "BACKOFF";

    private SeriesScale() {
    }

    public static void main(String[] args) throws Exception {
        int[] counts = Arrays.stream((args.length > 0 ? args[0] : "1000,10000,100000,1000000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        Path json = Path.of(args.length > 1 ? args[1] : "series-scale.json");
        idle = args.length > 2 ? args[2] : "BACKOFF";
        List<String> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "series scale (JVM %s, max heap %d MB, %d cores)%n",
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%10s %14s %14s %12s %14s %16s %16s%n", "series", "reg/s 1 thr",
                "reg/s 2 thr", "lookup ns", "writer upd/s", "client_java reg/s", "Micrometer reg/s");
        for (int n : counts) {
            String[] paths = new String[n];
            for (int i = 0; i < n; i++) {
                paths[i] = "/api/v1/resource/" + i;
            }
            double reg1 = registerRate(n, paths, 1, null);
            double[] lookupAndWriter = new double[2];
            double reg2 = registerRate(n, paths, 2, lookupAndWriter);
            double clientJava = clientJavaRate(n, paths);
            double micrometer = micrometerRate(n, paths);
            System.out.printf(Locale.ROOT, "%10d %14.0f %14.0f %12.1f %14.0f %16.0f %16.0f%n", n, reg1, reg2,
                    lookupAndWriter[0], lookupAndWriter[1], clientJava, micrometer);
            rows.add(String.format(Locale.ROOT, "{\"kind\":\"series_scale\",\"series\":%d,\"register_per_s_1\":%.0f,"
                    + "\"register_per_s_2\":%.0f,\"lookup_ns\":%.2f,\"writer_updates_per_s\":%.0f,"
                    + "\"client_java_register_per_s\":%.0f,\"micrometer_register_per_s\":%.0f}", n, reg1, reg2,
                    lookupAndWriter[0], lookupAndWriter[1], clientJava, micrometer));
            Files.writeString(json, "[\n" + String.join(",\n", rows) + "\n]\n");
        }
        System.out.println("wrote " + json.toAbsolutePath());
    }

    private static MetricsEngine engineFor(int n) {
        EngineConfig.Builder config = idle.equals("AGRONA_BACKOFF_100US")
                ? EngineConfig.builder().customIdleStrategy(
                        () -> new org.agrona.concurrent.BackoffIdleStrategy(64, 16, 1_000, 100_000))
                : EngineConfig.builder().idleStrategy(io.ringmetrics.writer.WriterIdleStrategy.valueOf(idle));
        return MetricsEngine.start(config
                .backpressure(BackpressurePolicy.BLOCK)
                .limits(MetricsResourceConfig.builder().maxLabelCombinations(Math.max(n, 10_000)).build())
                .build());
    }

    /** Registers n series from {@code threads} threads; if {@code out} is given, then measures lookup and writer. */
    private static double registerRate(int n, String[] paths, int threads, double[] out) throws Exception {
        try (MetricsEngine engine = engineFor(n)) {
            io.ringmetrics.Counter[] handles = new io.ringmetrics.Counter[n];
            Thread[] workers = new Thread[threads];
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                final int first = t;
                workers[t] = new Thread(() -> {
                    for (int i = first; i < n; i += threads) {
                        handles[i] = engine.counter(NAME, "method", METHODS[i & 3], "path", paths[i],
                                "region", REGIONS[(i >>> 2) & 7]);
                    }
                });
                workers[t].start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            if (engine.registry().budget().seriesCount() < n) {
                throw new IllegalStateException("registered " + engine.registry().budget().seriesCount() + " of " + n);
            }
            if (out != null) {
                out[0] = lookupNanos(engine.registry(), n, paths);
                out[1] = writerRate(engine, handles);
            }
            return rate;
        }
    }

    private static double lookupNanos(SeriesRegistry registry, int n, String[] paths) {
        int lookups = Math.max(n, 1_000_000);
        int[] order = new SplittableRandom(42).ints(lookups, 0, n).toArray();
        long sink = 0;
        double nanos = 0;
        for (int pass = 0; pass < 2; pass++) { // the first warms up the JIT
            long start = System.nanoTime();
            for (int k = 0; k < lookups; k++) {
                int i = order[k];
                sink += registry.find(MetricType.COUNTER, NAME, "method", METHODS[i & 3], "path", paths[i],
                        "region", REGIONS[(i >>> 2) & 7]).id();
            }
            nanos = (double)(System.nanoTime() - start) / lookups;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return nanos;
    }

    private static double writerRate(MetricsEngine engine, io.ringmetrics.Counter[] handles) {
        int n = handles.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        engine.flush();
        long warmUpEnd = System.nanoTime() + 1_000_000_000L;
        int k = 0;
        while (System.nanoTime() < warmUpEnd) {
            for (int b = 0; b < 1024; b++) {
                handles[order[k]].increment();
                k = k + 1 == n ? 0 : k + 1;
            }
        }
        engine.flush();
        long applied0 = engine.stats().applied();
        long start = System.nanoTime();
        long end = start + 2_000_000_000L;
        while (System.nanoTime() < end) {
            for (int b = 0; b < 1024; b++) {
                handles[order[k]].increment();
                k = k + 1 == n ? 0 : k + 1;
            }
        }
        engine.flush();
        return (engine.stats().applied() - applied0) / ((System.nanoTime() - start) / 1e9);
    }

    private static double clientJavaRate(int n, String[] paths) {
        try {
            PrometheusRegistry registry = new PrometheusRegistry();
            Counter counter = Counter.builder().name("http_requests").labelNames("method", "path", "region")
                    .register(registry);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                counter.labelValues(METHODS[i & 3], paths[i], REGIONS[(i >>> 2) & 7]).inc();
            }
            return n / ((System.nanoTime() - start) / 1e9);
        } catch (OutOfMemoryError e) {
            return -1;
        }
    }

    private static double micrometerRate(int n, String[] paths) {
        try {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                io.micrometer.core.instrument.Counter.builder("http_requests").tag("method", METHODS[i & 3])
                        .tag("path", paths[i]).tag("region", REGIONS[(i >>> 2) & 7]).register(registry).increment();
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            registry.close();
            return rate;
        } catch (OutOfMemoryError e) {
            return -1;
        }
    }
}
