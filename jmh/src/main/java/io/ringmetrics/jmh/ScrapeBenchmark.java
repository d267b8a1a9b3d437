package io.ringmetrics.jmh;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.PATH;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.prometheus.RingMetricsCollector;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ringmetrics: cost of one Prometheus scrape of an engine holding {@code series} counter series, the
 * counterpart of {@code peers.ClientJavaScrapeBenchmark} (same series, same {@code @Param}s, same output
 * stream handling, so the numbers compare side by side).
 *
 * <p>One counter {@code http_requests_total} with two labels, {@code method} (4 values) and {@code path}
 * ({@code series / 4} values), {@code series} label combinations, each incremented once. The exposition also
 * carries the engine's ~30 meta-metric samples.
 *
 * <ul>
 *   <li>{@code scrape}: {@code engine.snapshot()} (a round trip to the writer thread) + the fast text
 *       writer into a reused {@link ByteArrayOutputStream}, i.e. the whole {@code /metrics} request minus
 *       the HTTP layer; output byte-identical to client_java's {@code PrometheusTextFormatWriter}.</li>
 *   <li>{@code scrapeOpenMetrics}: the same in OpenMetrics 1.0 (what a Prometheus server asks for).</li>
 *   <li>{@code scrapeViaClientJavaModel}: the reference path: {@code collector.collect()} (snapshot converted
 *       to client_java's {@code MetricSnapshots}) + client_java's {@code PrometheusTextFormatWriter}.</li>
 *   <li>{@code snapshotOnly}: {@code engine.snapshot()} alone.</li>
 * </ul>
 * The first scrape (in set-up) builds the per-series caches; the benchmarks measure the steady state, as the
 * client_java benchmark does with its registry.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class ScrapeBenchmark {

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    @Param({"1000", "10000", "100000"})
    public int series;

    private MetricsEngine engine;
    private RingMetricsCollector collector;
    private PrometheusTextFormatWriter writer;
    private ByteArrayOutputStream out;

    @Setup
    public void setup() throws IOException {
        MetricsResourceConfig limits = MetricsResourceConfig.builder()
                .maxLabelCombinations(Math.max(series, MetricsResourceConfig.DEFAULTS.maxLabelCombinations()))
                .build();
        engine = MetricsEngine.start(EngineConfig.builder()
                .backpressure(BackpressurePolicy.BLOCK)
                .limits(limits)
                .build());
        String name = COUNTER_NAME + "_total"; // exposed as http_requests_total, as client_java's
        for (int i = 0; i < series; i++) {
            engine.counter(name, METHOD, METHODS[i & 3], PATH, "/api/v1/resource/" + (i >>> 2)).increment();
        }
        engine.flush();
        collector = RingMetricsCollector.builder(engine).build();
        writer = PrometheusTextFormatWriter.create();
        out = new ByteArrayOutputStream(1 << 20);
        collector.writeText(out);
        int lines = 0;
        for (byte b : out.toByteArray()) {
            if (b == '\n') {
                lines++;
            }
        }
        // HELP/TYPE lines and meta-metrics aside, one line per series.
        if (lines < series) {
            throw new IllegalStateException("expected " + series + " series, exposition has " + lines + " lines");
        }
        out.reset();
        writer.write(out, collector.collect());
    }

    @TearDown
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public int scrape() throws IOException {
        out.reset();
        collector.writeText(out);
        return out.size();
    }

    @Benchmark
    public int scrapeOpenMetrics() throws IOException {
        out.reset();
        collector.writeOpenMetrics(out);
        return out.size();
    }

    @Benchmark
    public int scrapeViaClientJavaModel() throws IOException {
        MetricSnapshots snapshots = collector.collect();
        out.reset();
        writer.write(out, snapshots);
        return out.size();
    }

    @Benchmark
    public MetricsSnapshot snapshotOnly() {
        return engine.snapshot();
    }
}
