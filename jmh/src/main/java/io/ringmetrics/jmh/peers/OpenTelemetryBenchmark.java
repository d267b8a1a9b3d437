package io.ringmetrics.jmh.peers;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.GAUGE_NAME;
import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongGauge;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.jmh.common.Observations;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * OpenTelemetry Java SDK metrics: caller-side cost per operation.
 *
 * <p>An {@link SdkMeterProvider} without a registered reader hands out instruments that record
 * nothing, so this benchmark registers a real {@link PeriodicMetricReader} (cumulative, the SDK
 * defaults otherwise) whose exporter drops the data; its interval is one hour, so no export runs
 * during a measurement. At the end of each trial the reader is flushed and the benchmark fails if
 * nothing was recorded, which proves the instruments were live.
 *
 * <p>The stable OpenTelemetry API has no bound instruments, so the "handle" operations record with
 * {@link Attributes#empty()}, and {@code *ByLabels} record with a pre-built
 * {@code Attributes{method=GET, path=/api}}; both still go through the SDK's attributes-to-series
 * map. {@code histogramObserve} uses the default explicit-bucket aggregation;
 * {@code histogramObserveExponential} a base-2 exponential histogram (view).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class OpenTelemetryBenchmark {

    private static final Attributes ATTRIBUTES = Attributes.builder()
            .put(METHOD, METHOD_VALUE)
            .put(PATH, PATH_VALUE)
            .build();

    private CapturingExporter exporter;
    private PeriodicMetricReader reader;
    private SdkMeterProvider meterProvider;

    private LongCounter counter;
    private LongGauge gauge;
    private DoubleHistogram histogram;
    private DoubleHistogram histogramExponential;

    @Setup
    public void setup() {
        exporter = new CapturingExporter();
        reader = PeriodicMetricReader.builder(exporter).setInterval(Duration.ofHours(1)).build();
        meterProvider = SdkMeterProvider.builder()
                .registerMetricReader(reader)
                .registerView(
                        InstrumentSelector.builder().setName(HISTOGRAM_NAME + "_exponential").build(),
                        View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build())
                .build();
        Meter meter = meterProvider.get("io.ringmetrics.jmh");
        counter = meter.counterBuilder(COUNTER_NAME).build();
        gauge = meter.gaugeBuilder(GAUGE_NAME).ofLongs().build();
        histogram = meter.histogramBuilder(HISTOGRAM_NAME).setUnit("s").build();
        histogramExponential = meter.histogramBuilder(HISTOGRAM_NAME + "_exponential").setUnit("s").build();
        if (counter.getClass().getName().contains("Noop")) {
            throw new IllegalStateException("OpenTelemetry returned a no-op instrument: " + counter.getClass());
        }
    }

    @TearDown
    public void verifyAndClose() {
        reader.forceFlush().join(10, TimeUnit.SECONDS);
        int points = exporter.points();
        meterProvider.shutdown().join(10, TimeUnit.SECONDS);
        if (points == 0) {
            throw new IllegalStateException("The metric reader collected no points: instruments were no-ops");
        }
    }

    @Benchmark
    public void counterIncrement() {
        counter.add(1);
    }

    @Benchmark
    public void gaugeSet(Observations obs) {
        gauge.set(obs.nextGauge());
    }

    @Benchmark
    public void histogramObserve(Observations obs) {
        histogram.record(obs.nextSeconds());
    }

    @Benchmark
    public void histogramObserveExponential(Observations obs) {
        histogramExponential.record(obs.nextSeconds());
    }

    @Benchmark
    public void counterIncrementByLabels() {
        counter.add(1, ATTRIBUTES);
    }

    @Benchmark
    public void histogramObserveByLabels(Observations obs) {
        histogram.record(obs.nextSeconds(), ATTRIBUTES);
    }

    /** Keeps the last export, so the tear-down can check that the instruments recorded. */
    static final class CapturingExporter implements MetricExporter {
        private volatile List<MetricData> last = List.of();

        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            last = new ArrayList<>(metrics);
            return CompletableResultCode.ofSuccess();
        }

        int exemplars() {
            int exemplars = 0;
            for (MetricData metric : last) {
                for (PointData point : metric.getData().getPoints()) {
                    exemplars += point.getExemplars().size();
                }
            }
            return exemplars;
        }

        int points() {
            int points = 0;
            for (MetricData metric : last) {
                for (PointData ignored : metric.getData().getPoints()) {
                    points++;
                }
            }
            return points;
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
