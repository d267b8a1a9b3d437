package io.ringmetrics.jmh.peers;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.GAUGE_NAME;
import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Micrometer (micrometer-core, {@link SimpleMeterRegistry}, cumulative): caller-side cost per operation.
 *
 * <ul>
 *   <li>{@code counterIncrement}: {@code Counter.increment()} on a counter obtained once.</li>
 *   <li>{@code gaugeSet}: Micrometer gauges are pull-based; the caller-side cost is setting the
 *       {@link AtomicLong} the registered gauge reads.</li>
 *   <li>{@code histogramObserve}: {@code Timer.record(nanos)} on a plain timer (count, total, max;
 *       no buckets). {@code histogramObservePercentiles}: a timer with
 *       {@code publishPercentiles(0.5, 0.9, 0.99, 0.999)} (client-side decaying HdrHistograms).
 *       {@code histogramObservePercentileHistogram}: a timer with {@code publishPercentileHistogram()}
 *       (the SLO-bucket histogram a Prometheus backend would use).</li>
 *   <li>{@code counterIncrementByLabels} / {@code histogramObserveByLabels}:
 *       {@code registry.counter(name, "method", "GET", "path", "/api")} / {@code registry.timer(...)}
 *       looked up on every operation, as instrumented code commonly does.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class MicrometerBenchmark {

    private MeterRegistry registry;
    private Counter counter;
    private AtomicLong gaugeValue;
    private Timer timer;
    private Timer timerPercentiles;
    private Timer timerPercentileHistogram;

    @Setup
    public void setup() {
        registry = new SimpleMeterRegistry();
        Tags tags = Tags.of(METHOD, METHOD_VALUE, PATH, PATH_VALUE);
        counter = registry.counter(COUNTER_NAME, tags);
        // The registry holds the gauge's state object weakly; this field keeps it alive.
        gaugeValue = registry.gauge(GAUGE_NAME, tags, new AtomicLong());
        timer = registry.timer(HISTOGRAM_NAME, tags);
        timerPercentiles = Timer.builder(HISTOGRAM_NAME + "_percentiles").tags(tags)
                .publishPercentiles(0.5, 0.9, 0.99, 0.999)
                .register(registry);
        timerPercentileHistogram = Timer.builder(HISTOGRAM_NAME + "_histogram").tags(tags)
                .publishPercentileHistogram()
                .register(registry);
    }

    @Benchmark
    public void counterIncrement() {
        counter.increment();
    }

    @Benchmark
    public void gaugeSet(Observations obs) {
        gaugeValue.set(obs.nextGauge());
    }

    @Benchmark
    public void histogramObserve(Observations obs) {
        timer.record(obs.nextNanos(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    public void histogramObservePercentiles(Observations obs) {
        timerPercentiles.record(obs.nextNanos(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    public void histogramObservePercentileHistogram(Observations obs) {
        timerPercentileHistogram.record(obs.nextNanos(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    public void counterIncrementByLabels() {
        registry.counter(COUNTER_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE).increment();
    }

    @Benchmark
    public void histogramObserveByLabels(Observations obs) {
        registry.timer(HISTOGRAM_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE)
                .record(obs.nextNanos(), TimeUnit.NANOSECONDS);
    }
}
