package io.ringmetrics.jmh;

import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.PATH;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.prometheus.RingMetricsCollector;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.store.HistogramSpec;
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
 * A protobuf scrape (what Prometheus asks for with native histograms on) of {@code series} histogram series, each
 * with classic and native buckets: one engine snapshot, client_java's snapshots built from it and client_java's
 * {@code PrometheusProtobufWriter}, as {@code /metrics} serves it. {@code peers.ClientJavaHistogramScrapeBenchmark}
 * is client_java's own histogram (classic + native by default) with the same series and observations.
 * Each series has {@link #OBSERVATIONS} log-normal observations around 20 ms; percentile families off on both sides
 * (client_java has none).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class HistogramScrapeBenchmark {

    static final int OBSERVATIONS = 200;
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    @Param({"1000", "10000"})
    public int series;

    private MetricsEngine engine;
    private RingMetricsCollector collector;
    private ExpositionFormatWriter protobuf;
    private ByteArrayOutputStream out;

    /** The same log-normal values on both sides: seed per series. */
    static double[] observations(final int seriesIndex) {
        java.util.Random random = new java.util.Random(seriesIndex);
        double[] values = new double[OBSERVATIONS];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(Math.log(0.02) + 0.6 * random.nextGaussian());
        }
        return values;
    }

    @Setup
    public void setup() throws IOException {
        MetricsResourceConfig limits = MetricsResourceConfig.builder()
                .maxLabelCombinations(Math.max(series, MetricsResourceConfig.DEFAULTS.maxLabelCombinations()))
                .build();
        engine = MetricsEngine.start(EngineConfig.builder()
                .backpressure(BackpressurePolicy.BLOCK).limits(limits).build());
        for (int i = 0; i < series; i++) {
            Histogram h = engine.histogram(HISTOGRAM_NAME, "Request duration.", HistogramSpec.DEFAULT_SECONDS,
                    new String[] {METHOD, METHODS[i & 3], PATH, "/api/v1/resource/" + (i >>> 2)});
            for (double v : observations(i)) {
                h.observe(v);
            }
        }
        engine.flush();
        collector = RingMetricsCollector.builder(engine).percentiles(false).build();
        protobuf = ExpositionFormats.init().getPrometheusProtobufWriter();
        if (!protobuf.isAvailable()) {
            throw new IllegalStateException("client_java's protobuf writer is not on the class path");
        }
        out = new ByteArrayOutputStream(1 << 22);
        protobuf.write(out, collector.collect());
        if (out.size() < series * 100) {
            throw new IllegalStateException("exposition too small for " + series + " histograms: " + out.size());
        }
    }

    @TearDown
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public int scrapeProtobuf() throws IOException {
        out.reset();
        protobuf.write(out, collector.collect());
        return out.size();
    }

    @Benchmark
    public int scrapeOpenMetrics() throws IOException {
        out.reset();
        collector.writeOpenMetrics(out);
        return out.size();
    }
}
