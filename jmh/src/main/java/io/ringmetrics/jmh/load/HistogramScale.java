package io.ringmetrics.jmh.load;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.prometheus.RingMetricsCollector;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;

/**
 * Histogram series at scale (issue 17): for N histogram series (labels {@code method} = one of 4 values and
 * {@code route} = {@code /api/v1/route/<i>}), the registration rate from one thread, the time to apply 10
 * observations to every series (spread over all of them), and the time and size of a Prometheus text scrape
 * (12 buckets + sum + count per series), each measured once after one untimed scrape. 10^6 histogram series do not
 * fit in a 2 GiB heap (~5-7.6 KB each, see the memory harness), so the default counts stop at 10^5.
 * <p>Run: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xms2g -Xmx2g -cp
 * jmh/target/benchmarks.jar io.ringmetrics.jmh.load.HistogramScale [counts=1000,10000,100000]
 * [json=histogram-scale.json]}.
 */
public final class HistogramScale {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    private HistogramScale() {
    }

    public static void main(String[] args) throws Exception {
        int[] counts = Arrays.stream((args.length > 0 ? args[0] : "1000,10000,100000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        Path json = Path.of(args.length > 1 ? args[1] : "histogram-scale.json");
        List<String> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "histogram series (JVM %s, max heap %d MB)%n", System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "%10s %14s %16s %12s %14s%n", "series", "register/s", "observe M/s",
                "scrape ms", "scrape bytes");
        for (int n : counts) {
            try (MetricsEngine engine = MetricsEngine.start(EngineConfig.builder()
                    .backpressure(BackpressurePolicy.BLOCK)
                    .limits(MetricsResourceConfig.builder().maxLabelCombinations(Math.max(n, 10_000)).build())
                    .build())) {
                Histogram[] histograms = new Histogram[n];
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    histograms[i] = engine.histogram("http_request_duration_seconds", "method", METHODS[i & 3],
                            "route", "/api/v1/route/" + i);
                }
                double register = n / ((System.nanoTime() - t0) / 1e9);
                long t1 = System.nanoTime();
                for (int round = 0; round < 10; round++) {
                    for (int i = 0; i < n; i++) {
                        histograms[i].observe(0.001 * ((round * 7 + i) % 1000 + 1));
                    }
                }
                engine.flush();
                double observe = 10.0 * n / ((System.nanoTime() - t1) / 1e9) / 1e6;
                RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
                ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
                collector.writeText(out);
                out.reset();
                long t2 = System.nanoTime();
                collector.writeText(out);
                double scrapeMs = (System.nanoTime() - t2) / 1e6;
                System.out.printf(Locale.ROOT, "%10d %14.0f %16.2f %12.1f %14d%n", n, register, observe, scrapeMs,
                        out.size());
                rows.add(String.format(Locale.ROOT, "{\"kind\":\"histogram_scale\",\"series\":%d,\"register_per_s\":%.0f,"
                        + "\"observe_m_per_s\":%.3f,\"scrape_ms\":%.2f,\"scrape_bytes\":%d}", n, register, observe,
                        scrapeMs, out.size()));
                Files.writeString(json, "[\n" + String.join(",\n", rows) + "\n]\n");
            }
        }
    }
}
