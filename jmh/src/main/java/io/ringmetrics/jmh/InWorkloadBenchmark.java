package io.ringmetrics.jmh;

import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Histogram;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.jmh.common.EngineAccounting;
import io.ringmetrics.jmh.common.EngineCounts;
import io.ringmetrics.jmh.common.NoopExporter;
import io.ringmetrics.jmh.common.Observations;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What one histogram observation adds to a unit of service work, on the thread that does the work: the cost users
 * feel in their latency.
 *
 * <p>A unit of work ({@link Work}) is {@code workTokens} of {@link Blackhole#consumeCPU(long)} plus
 * {@link Work#READS} independent reads at pseudo-random positions of a 1 MiB per-thread table (an allocation-free
 * computation that also evicts part of L1/L2, as real request handling does, so a metric's own state is not always
 * hot in cache). With the default 450 tokens a unit takes ~1 µs on the 2-core development machine, i.e. one
 * thread makes ~1 M observations/s, which one writer keeps up with (the ringmetrics rows report {@code :dropped}).
 *
 * <ul>
 *   <li>{@code bareWork}: the work alone, the baseline;</li>
 *   <li>{@code ringmetricsHistogram}: work + {@code Histogram.observe(seconds)} through a handle (one ring publish;
 *       the bucket search, sum and HdrHistogram record happen on the writer thread);</li>
 *   <li>{@code ringmetricsHistogramByLabels}: work + {@code Metrics.observeHistogram(name, v, k1, v1, k2, v2)};</li>
 *   <li>{@code clientJavaClassicHistogram}: work + client_java 1.10 {@code classicOnly()} histogram data point
 *       (default buckets, exemplars on as by default);</li>
 *   <li>{@code micrometerTimer}: work + Micrometer {@code Timer.record} ({@code SimpleMeterRegistry});</li>
 *   <li>{@code openTelemetryHistogram}: work + OpenTelemetry SDK {@code DoubleHistogram.record} with a real
 *       reader (explicit-bucket aggregation) and the label attributes.</li>
 * </ul>
 * The added cost of an observation is {@code <variant> - bareWork}. Each library lives in its own state, so a fork
 * builds only the library it measures (no idle ringmetrics writer thread while a peer is measured).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class InWorkloadBenchmark {

    /** The simulated unit of service work, per thread. */
    @State(Scope.Thread)
    public static class Work {
        /** Reads of the table per unit of work. */
        public static final int READS = 32;
        private static final int TABLE_LONGS = 1 << 17; // 1 MiB

        @Param({"450"})
        public long workTokens;

        private final long[] table = new long[TABLE_LONGS];
        private long seed = 0x9E3779B97F4A7C15L;

        @Setup
        public void setup() {
            for (int i = 0; i < table.length; i++) {
                table[i] = i * 0x9E3779B97F4A7C15L;
            }
        }

        /** One unit of work; the result depends on every read, so none can be skipped. */
        long run() {
            Blackhole.consumeCPU(workTokens);
            long x = seed;
            long sum = 0;
            for (int i = 0; i < READS; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                sum += table[(int) (x >>> 47)]; // 17 bits: an index into the table
            }
            seed = x;
            return sum;
        }
    }

    /** ringmetrics engine (defaults) with one histogram series. */
    @State(Scope.Benchmark)
    public static class RingMetricsState {
        MetricsEngine engine;
        Metrics metrics;
        Histogram histogram;

        @Setup
        public void setup() {
            engine = MetricsEngine.start(EngineConfig.DEFAULTS);
            metrics = new Metrics(engine, new NoopExporter(), MetricsErrorConfig.DEFAULTS);
            histogram = engine.histogram(HISTOGRAM_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE);
            EngineAccounting.watch(engine);
        }

        @TearDown
        public void tearDown(BenchmarkParams params) {
            System.out.println();
            System.out.println(EngineCounts.of(engine).describe("trial " + params.getBenchmark()
                    + ", warm-up included"));
            metrics.close();
        }
    }

    /** client_java classic-only histogram, handle obtained once. */
    @State(Scope.Benchmark)
    public static class ClientJavaState {
        DistributionDataPoint histogram;

        @Setup
        public void setup() {
            PrometheusRegistry registry = new PrometheusRegistry();
            histogram = io.prometheus.metrics.core.metrics.Histogram.builder().name(HISTOGRAM_NAME)
                    .labelNames(METHOD, PATH).classicOnly().register(registry)
                    .labelValues(METHOD_VALUE, PATH_VALUE);
        }
    }

    /** Micrometer Timer in a SimpleMeterRegistry. */
    @State(Scope.Benchmark)
    public static class MicrometerState {
        Timer timer;

        @Setup
        public void setup() {
            timer = Timer.builder("http_request_duration").tags(METHOD, METHOD_VALUE, PATH, PATH_VALUE)
                    .register(new SimpleMeterRegistry());
        }
    }

    /** OpenTelemetry SDK histogram with a registered reader (otherwise its instruments are no-ops). */
    @State(Scope.Benchmark)
    public static class OpenTelemetryState {
        static final Attributes ATTRIBUTES = Attributes.builder().put(METHOD, METHOD_VALUE).put(PATH, PATH_VALUE)
                .build();

        SdkMeterProvider provider;
        DoubleHistogram histogram;

        @Setup
        public void setup() {
            provider = SdkMeterProvider.builder()
                    .registerMetricReader(PeriodicMetricReader.builder(new DroppingExporter())
                            .setInterval(Duration.ofHours(1)).build())
                    .build();
            histogram = provider.get("io.ringmetrics.jmh").histogramBuilder(HISTOGRAM_NAME).setUnit("s").build();
            if (histogram.getClass().getName().contains("Noop")) {
                throw new IllegalStateException("OpenTelemetry returned a no-op instrument: " + histogram.getClass());
            }
        }

        @TearDown
        public void tearDown() {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @Benchmark
    public long bareWork(Work work) {
        return work.run();
    }

    @Benchmark
    public long ringmetricsHistogram(Work work, RingMetricsState rm, Observations obs, EngineAccounting accounting) {
        long result = work.run();
        rm.histogram.observe(obs.nextSeconds());
        return result;
    }

    @Benchmark
    public long ringmetricsHistogramByLabels(Work work, RingMetricsState rm, Observations obs,
            EngineAccounting accounting) {
        long result = work.run();
        rm.metrics.observeHistogram(HISTOGRAM_NAME, obs.nextSeconds(), METHOD, METHOD_VALUE, PATH, PATH_VALUE);
        return result;
    }

    @Benchmark
    public long clientJavaClassicHistogram(Work work, ClientJavaState cj, Observations obs) {
        long result = work.run();
        cj.histogram.observe(obs.nextSeconds());
        return result;
    }

    @Benchmark
    public long micrometerTimer(Work work, MicrometerState mm, Observations obs) {
        long result = work.run();
        mm.timer.record(obs.nextNanos(), TimeUnit.NANOSECONDS);
        return result;
    }

    @Benchmark
    public long openTelemetryHistogram(Work work, OpenTelemetryState otel, Observations obs) {
        long result = work.run();
        otel.histogram.record(obs.nextSeconds(), OpenTelemetryState.ATTRIBUTES);
        return result;
    }

    /** Accepts and discards exports (the reader runs once an hour; only its registration matters). */
    static final class DroppingExporter implements MetricExporter {
        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
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
