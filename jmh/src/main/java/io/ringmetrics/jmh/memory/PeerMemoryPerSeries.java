package io.ringmetrics.jmh.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import com.codahale.metrics.MetricRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringmetrics.jmh.common.Observations;

/**
 * Retained heap per series of the peer libraries.
 *
 * <p>For each library and kind: force GCs until the used heap settles, create {@code N} series in
 * a fresh registry (each updated once, so every library has materialised its per-series state),
 * force GCs again and divide the growth of the used heap by {@code N}. Every measurement is
 * repeated (default 3 rounds) and averaged, after one untimed warm-up round that loads classes and
 * fills static caches.
 *
 * <p>Each series has two labels: {@code method} (one of 4 shared strings) and {@code path} (a
 * distinct string per series, ~56 B), so the figures include the label value a real registry has to
 * retain. Dropwizard, which has no labels, gets the same information as one metric name.
 *
 * <p>Run: {@code java -cp jmh/target/benchmarks.jar io.ringmetrics.jmh.memory.PeerMemoryPerSeries
 * [counterSeries=100000] [histogramSeries=10000] [rounds=3]}. Use a fixed heap (e.g. -Xms2g -Xmx2g)
 * for steadier numbers.
 */
public final class PeerMemoryPerSeries {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private record Kind(String library, String kind, int series, IntFunction<Object> factory) {
    }

    private record Result(Kind kind, double bytesPerSeries, double min, double max) {
    }

    private PeerMemoryPerSeries() {
    }

    public static void main(String[] args) throws Exception {
        int counters = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int histograms = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;

        List<Kind> kinds = List.of(
                new Kind("prometheus client_java 1.10", "counter", counters, PeerMemoryPerSeries::clientJavaCounters),
                new Kind("prometheus client_java 1.10", "histogram classicOnly", histograms,
                        PeerMemoryPerSeries::clientJavaClassicHistograms),
                new Kind("prometheus client_java 1.10", "histogram native+classic", histograms,
                        PeerMemoryPerSeries::clientJavaDefaultHistograms),
                new Kind("micrometer 1.17 (simple)", "counter", counters, PeerMemoryPerSeries::micrometerCounters),
                new Kind("micrometer 1.17 (simple)", "timer p50/p90/p99/p999", histograms,
                        PeerMemoryPerSeries::micrometerPercentileTimers),
                new Kind("dropwizard 4.2", "counter", counters, PeerMemoryPerSeries::dropwizardCounters),
                new Kind("opentelemetry sdk 1.68", "counter", counters, PeerMemoryPerSeries::otelCounters));

        System.out.printf(Locale.ROOT, "Retained heap per series (%d round(s) each, averaged; JVM %s, %s)%n",
                rounds, System.getProperty("java.version"),
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        List<Result> results = new ArrayList<>();
        for (Kind kind : kinds) {
            // Warm-up: load classes, fill static caches, let the JIT see the factory.
            Reference.reachabilityFence(kind.factory().apply(Math.min(kind.series(), 1_000)));
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            for (int r = 0; r < rounds; r++) {
                long before = settledUsedHeap();
                Object registry = kind.factory().apply(kind.series());
                long after = settledUsedHeap();
                Reference.reachabilityFence(registry);
                double perSeries = (after - before) / (double) kind.series();
                sum += perSeries;
                min = Math.min(min, perSeries);
                max = Math.max(max, perSeries);
            }
            Result result = new Result(kind, sum / rounds, min, max);
            results.add(result);
            System.err.printf(Locale.ROOT, "  measured %s %s: %.0f B/series%n",
                    kind.library(), kind.kind(), result.bytesPerSeries());
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-30s %-26s %9s %13s %15s%n", "library", "kind", "series", "bytes/series",
                "(min..max)");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-30s %-26s %9d %13.0f %15s%n", r.kind().library(), r.kind().kind(),
                    r.kind().series(), r.bytesPerSeries(),
                    String.format(Locale.ROOT, "%.0f..%.0f", r.min(), r.max()));
        }
    }

    /** Used heap after full GCs, once two consecutive readings agree within 0.1 % (max 10 GCs). */
    static long settledUsedHeap() throws InterruptedException {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(50);
            used = MEMORY.getHeapMemoryUsage().getUsed();
            if (i >= 2 && Math.abs(used - previous) <= previous / 1000) {
                break;
            }
            previous = used;
        }
        return used;
    }

    private static String path(int i) {
        return "/api/v1/resource/" + (i >>> 2);
    }

    static Object clientJavaCounters(int n) {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter counter = Counter.builder().name("http_requests").labelNames("method", "path").register(registry);
        for (int i = 0; i < n; i++) {
            counter.labelValues(METHODS[i & 3], path(i)).inc();
        }
        return registry;
    }

    static Object clientJavaClassicHistograms(int n) {
        PrometheusRegistry registry = new PrometheusRegistry();
        Histogram histogram = Histogram.builder().name("http_request_duration_seconds")
                .labelNames("method", "path").classicOnly().register(registry);
        for (int i = 0; i < n; i++) {
            histogram.labelValues(METHODS[i & 3], path(i)).observe(Observations.latencySeconds(i));
        }
        return registry;
    }

    static Object clientJavaDefaultHistograms(int n) {
        PrometheusRegistry registry = new PrometheusRegistry();
        Histogram histogram = Histogram.builder().name("http_request_duration_seconds")
                .labelNames("method", "path").register(registry);
        for (int i = 0; i < n; i++) {
            histogram.labelValues(METHODS[i & 3], path(i)).observe(Observations.latencySeconds(i));
        }
        return registry;
    }

    static Object micrometerCounters(int n) {
        MeterRegistry registry = new SimpleMeterRegistry();
        for (int i = 0; i < n; i++) {
            registry.counter("http_requests", "method", METHODS[i & 3], "path", path(i)).increment();
        }
        return registry;
    }

    static Object micrometerPercentileTimers(int n) {
        MeterRegistry registry = new SimpleMeterRegistry();
        for (int i = 0; i < n; i++) {
            Timer.builder("http_request_duration")
                    .tags("method", METHODS[i & 3], "path", path(i))
                    .publishPercentiles(0.5, 0.9, 0.99, 0.999)
                    .register(registry)
                    .record(Observations.latencyNanos(i), TimeUnit.NANOSECONDS);
        }
        return registry;
    }

    static Object dropwizardCounters(int n) {
        MetricRegistry registry = new MetricRegistry();
        for (int i = 0; i < n; i++) {
            registry.counter(MetricRegistry.name("http_requests", METHODS[i & 3], path(i))).inc();
        }
        return registry;
    }

    static Object otelCounters(int n) {
        // A real reader (otherwise instruments are no-ops) and a cardinality limit above n
        // (the default of 2000 would fold the rest into one overflow series).
        PeriodicMetricReader reader = PeriodicMetricReader.builder(new DroppingExporter())
                .setInterval(Duration.ofHours(1)).build();
        SdkMeterProvider provider = SdkMeterProvider.builder()
                .registerMetricReader(reader)
                .registerView(InstrumentSelector.builder().setName("http_requests").build(),
                        View.builder().setCardinalityLimit(n + 1).build())
                .build();
        LongCounter counter = provider.get("memory").counterBuilder("http_requests").build();
        AttributeKey<String> method = AttributeKey.stringKey("method");
        AttributeKey<String> path = AttributeKey.stringKey("path");
        for (int i = 0; i < n; i++) {
            counter.add(1, Attributes.of(method, METHODS[i & 3], path, path(i)));
        }
        return new Object[] {provider, reader, counter};
    }

    private static final class DroppingExporter implements MetricExporter {
        @Override
        public CompletableResultCode export(java.util.Collection<MetricData> metrics) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
