package io.ringmetrics.jmh.peers;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.GAUGE_NAME;
import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.util.concurrent.TimeUnit;

import com.codahale.metrics.Counter;
import com.codahale.metrics.DefaultSettableGauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
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
 * Dropwizard Metrics 4.2: caller-side cost per operation.
 *
 * <p>Dropwizard has no labels: the label values are part of the metric name
 * ({@code http_requests.GET./api}), built once. {@code *ByLabels} looks that name up in the
 * registry on every operation ({@code registry.counter(name)}, {@code registry.histogram(name)}).
 * {@code histogramObserve} uses the registry's default reservoir (ExponentiallyDecayingReservoir).
 * {@code gaugeSet} uses a {@link DefaultSettableGauge} (boxes the value).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class DropwizardBenchmark {

    private MetricRegistry registry;
    private String counterName;
    private String histogramName;
    private Counter counter;
    private DefaultSettableGauge<Long> gauge;
    private Histogram histogram;

    @Setup
    public void setup() {
        registry = new MetricRegistry();
        counterName = MetricRegistry.name(COUNTER_NAME, METHOD_VALUE, PATH_VALUE);
        histogramName = MetricRegistry.name(HISTOGRAM_NAME, METHOD_VALUE, PATH_VALUE);
        counter = registry.counter(counterName);
        histogram = registry.histogram(histogramName);
        gauge = registry.gauge(MetricRegistry.name(GAUGE_NAME, METHOD_VALUE, PATH_VALUE),
                () -> new DefaultSettableGauge<>(0L));
    }

    @Benchmark
    public void counterIncrement() {
        counter.inc();
    }

    @Benchmark
    public void gaugeSet(Observations obs) {
        gauge.setValue(obs.nextGauge());
    }

    @Benchmark
    public void histogramObserve(Observations obs) {
        histogram.update(obs.nextNanos());
    }

    @Benchmark
    public void counterIncrementByLabels() {
        registry.counter(counterName).inc();
    }

    @Benchmark
    public void histogramObserveByLabels(Observations obs) {
        registry.histogram(histogramName).update(obs.nextNanos());
    }
}
