package io.ringmetrics.jmh.peers;

import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.jmh.common.Observations;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * OpenTelemetry SDK histogram (default explicit buckets) with exemplars on and off: the SDK's default exemplar filter
 * is trace-based, so {@code recordInSampledSpan} records inside a sampled span made current once per trial (each
 * bucket's reservoir keeps an exemplar with that span's ids), and {@code recordOutsideSpan} records with no span.
 * The counterpart of {@code ExemplarBenchmark}. The reader is real (as in {@link OpenTelemetryBenchmark}); the
 * trial fails unless it collected exemplars in the span and none outside it.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class OpenTelemetryExemplarBenchmark {

    private OpenTelemetryBenchmark.CapturingExporter exporter;
    private PeriodicMetricReader reader;
    private SdkMeterProvider meterProvider;
    private DoubleHistogram histogram;

    @Setup
    public void setup() {
        exporter = new OpenTelemetryBenchmark.CapturingExporter();
        reader = PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build();
        meterProvider = SdkMeterProvider.builder().registerMetricReader(reader).build();
        histogram = meterProvider.get("io.ringmetrics.jmh").histogramBuilder(HISTOGRAM_NAME).setUnit("s").build();
    }

    @TearDown
    public void verifyAndClose() {
        reader.forceFlush().join(10, TimeUnit.SECONDS);
        int exemplars = exporter.exemplars();
        int points = exporter.points();
        meterProvider.shutdown().join(10, TimeUnit.SECONDS);
        if (points == 0 || (InSampledSpan.used && exemplars == 0) || (!InSampledSpan.used && exemplars != 0)) {
            throw new IllegalStateException("expected points" + (InSampledSpan.used ? " with" : " without")
                    + " exemplars, got " + points + " points, " + exemplars + " exemplars");
        }
    }

    /** A sampled span, current on the benchmark thread for the whole trial. */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class InSampledSpan {
        /** Whether this fork's benchmark records in the span (JMH forks a JVM per benchmark). */
        static volatile boolean used;
        private Scope scope;

        @Setup
        public void enter() {
            used = true;
            SpanContext context = SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
                    TraceFlags.getSampled(), TraceState.getDefault());
            scope = Context.current().with(Span.wrap(context)).makeCurrent();
        }

        @TearDown
        public void exit() {
            scope.close();
        }
    }

    @Benchmark
    public void recordInSampledSpan(InSampledSpan span, Observations obs) {
        histogram.record(obs.nextSeconds());
    }

    @Benchmark
    public void recordOutsideSpan(Observations obs) {
        histogram.record(obs.nextSeconds());
    }
}
