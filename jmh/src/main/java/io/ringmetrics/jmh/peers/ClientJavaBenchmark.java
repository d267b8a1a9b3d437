package io.ringmetrics.jmh.peers;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.GAUGE_NAME;
import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.util.concurrent.TimeUnit;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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
 * Prometheus client_java 1.x (prometheus-metrics-core): caller-side cost per operation.
 *
 * <ul>
 *   <li>{@code counterIncrement}, {@code gaugeSet}, {@code histogramObserve}: through a data-point
 *       handle obtained once with {@code labelValues("GET", "/api")}.</li>
 *   <li>{@code counterIncrementByLabels}, {@code histogramObserveByLabels}: {@code labelValues("GET",
 *       "/api")} looked up on every operation.</li>
 *   <li>{@code histogramObserve*} use {@code Histogram.builder().classicOnly()} (default buckets
 *       .005 .. 10 s); {@code histogramObserveNativeAndClassic} uses the default builder, which keeps
 *       native (sparse exponential) and classic buckets.</li>
 *   <li>Exemplars are on by default in client_java, and because the OpenTelemetry API is on this
 *       jar's classpath every observation asks it for the current span. The {@code *NoExemplars}
 *       variants use {@code withoutExemplars()} to show the intrinsic cost.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class ClientJavaBenchmark {

    private PrometheusRegistry registry;

    private Counter counter;
    private Counter counterNoExemplars;
    private Histogram histogram;
    private Histogram histogramNoExemplars;
    private Histogram histogramNativeAndClassic;

    private CounterDataPoint counterHandle;
    private CounterDataPoint counterNoExemplarsHandle;
    private GaugeDataPoint gaugeHandle;
    private DistributionDataPoint histogramHandle;
    private DistributionDataPoint histogramNoExemplarsHandle;
    private DistributionDataPoint histogramNativeAndClassicHandle;

    @Setup
    public void setup() {
        registry = new PrometheusRegistry();
        counter = Counter.builder().name(COUNTER_NAME).labelNames(METHOD, PATH).register(registry);
        counterNoExemplars = Counter.builder().name(COUNTER_NAME + "_no_exemplars").labelNames(METHOD, PATH)
                .withoutExemplars().register(registry);
        Gauge gauge = Gauge.builder().name(GAUGE_NAME).labelNames(METHOD, PATH).register(registry);
        histogram = Histogram.builder().name(HISTOGRAM_NAME).labelNames(METHOD, PATH)
                .classicOnly().register(registry);
        histogramNoExemplars = Histogram.builder().name(HISTOGRAM_NAME + "_no_exemplars").labelNames(METHOD, PATH)
                .classicOnly().withoutExemplars().register(registry);
        histogramNativeAndClassic = Histogram.builder().name(HISTOGRAM_NAME + "_native").labelNames(METHOD, PATH)
                .register(registry);

        counterHandle = counter.labelValues(METHOD_VALUE, PATH_VALUE);
        counterNoExemplarsHandle = counterNoExemplars.labelValues(METHOD_VALUE, PATH_VALUE);
        gaugeHandle = gauge.labelValues(METHOD_VALUE, PATH_VALUE);
        histogramHandle = histogram.labelValues(METHOD_VALUE, PATH_VALUE);
        histogramNoExemplarsHandle = histogramNoExemplars.labelValues(METHOD_VALUE, PATH_VALUE);
        histogramNativeAndClassicHandle = histogramNativeAndClassic.labelValues(METHOD_VALUE, PATH_VALUE);
    }

    @Benchmark
    public void counterIncrement() {
        counterHandle.inc();
    }

    @Benchmark
    public void counterIncrementNoExemplars() {
        counterNoExemplarsHandle.inc();
    }

    @Benchmark
    public void gaugeSet(Observations obs) {
        gaugeHandle.set(obs.nextGauge());
    }

    @Benchmark
    public void histogramObserve(Observations obs) {
        histogramHandle.observe(obs.nextSeconds());
    }

    @Benchmark
    public void histogramObserveNoExemplars(Observations obs) {
        histogramNoExemplarsHandle.observe(obs.nextSeconds());
    }

    @Benchmark
    public void histogramObserveNativeAndClassic(Observations obs) {
        histogramNativeAndClassicHandle.observe(obs.nextSeconds());
    }

    @Benchmark
    public void counterIncrementByLabels() {
        counter.labelValues(METHOD_VALUE, PATH_VALUE).inc();
    }

    @Benchmark
    public void histogramObserveByLabels(Observations obs) {
        histogram.labelValues(METHOD_VALUE, PATH_VALUE).observe(obs.nextSeconds());
    }
}
