package io.ringmetrics.jmh;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.jmh.common.Observations;
import io.ringmetrics.micrometer.RingMetricsMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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

import java.util.concurrent.TimeUnit;

/**
 * The same Micrometer calls on three registries (issue 13): {@code ringmetrics} ({@link RingMetricsMeterRegistry}
 * over a running engine), {@code prometheus} (Micrometer's {@link PrometheusMeterRegistry}) and {@code simple}
 * ({@link SimpleMeterRegistry}, cumulative). Caller-side cost per call; run with {@code -prof gc} for B/op and with
 * {@code -t 1} and {@code -t 2}.
 * <ul>
 *   <li>{@code counterIncrement}: {@code Counter.increment()} on a counter obtained once.</li>
 *   <li>{@code timerRecord}: {@code Timer.record(nanos, NANOSECONDS)} on a plain timer, varying durations.</li>
 *   <li>{@code summaryRecord}: {@code DistributionSummary.record(amount)}.</li>
 *   <li>{@code counterLookup}: {@code registry.counter(name, "method", "GET", "uri", "/api").increment()}, the
 *       lookup path instrumented code often takes on every call.</li>
 * </ul>
 * Goal (issue 13): {@code timerRecord} on ringmetrics at least 4x faster than on {@code prometheus}, and 0 B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class MicrometerBridgeBenchmark
{
    @Param({ "ringmetrics", "prometheus", "simple" })
    public String registryKind;

    private MetricsEngine engine;
    private MeterRegistry registry;
    private Counter counter;
    private Timer timer;
    private DistributionSummary summary;

    @Setup(Level.Trial)
    public void setUp()
    {
        switch (registryKind)
        {
            case "ringmetrics":
                engine = MetricsEngine.start();
                registry = new RingMetricsMeterRegistry(engine, null, io.micrometer.core.instrument.Clock.SYSTEM);
                break;
            case "prometheus":
                registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                break;
            case "simple":
                registry = new SimpleMeterRegistry();
                break;
            default:
                throw new IllegalArgumentException(registryKind);
        }
        counter = registry.counter("bench.requests", "method", "GET", "uri", "/api");
        timer = registry.timer("bench.latency", "method", "GET", "uri", "/api");
        summary = registry.summary("bench.payload", "method", "GET", "uri", "/api");
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        registry.close();
        if (engine != null)
        {
            engine.close();
        }
    }

    /** Per-thread position in the shared observation sequence. */
    @State(Scope.Thread)
    public static class Cursor
    {
        int i;

        long nextNanos()
        {
            return Observations.latencyNanos(i++ & (Observations.SIZE - 1));
        }
    }

    @Benchmark
    public void counterIncrement()
    {
        counter.increment();
    }

    @Benchmark
    public void timerRecord(final Cursor cursor)
    {
        timer.record(cursor.nextNanos(), TimeUnit.NANOSECONDS);
    }

    @Benchmark
    public void summaryRecord(final Cursor cursor)
    {
        summary.record(cursor.nextNanos() >>> 10);
    }

    @Benchmark
    public void counterLookup()
    {
        registry.counter("bench.requests", "method", "GET", "uri", "/api").increment();
    }
}
