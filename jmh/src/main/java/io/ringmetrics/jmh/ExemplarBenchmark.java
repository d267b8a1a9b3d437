package io.ringmetrics.jmh;

import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.util.concurrent.TimeUnit;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.jmh.common.Observations;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Caller-side cost of a histogram observation with an exemplar, next to the same observation without one
 * ({@code peers.OpenTelemetryExemplarBenchmark} is OpenTelemetry's exemplar-on histogram).
 * <ul>
 *   <li>{@code observeNoDrop}: {@code observe(value)}, one ring slot (exemplars off).</li>
 *   <li>{@code observeWithExemplarNoDrop}: {@code observe(value, traceHigh, traceLow, spanId)}, four slots reserved
 *       at once.</li>
 *   <li>{@code observeWithHexExemplarNoDrop}: {@code observe(value, traceIdHex, spanIdHex)}, the ids parsed from
 *       hex without allocation (as a tracer hands them out).</li>
 * </ul>
 * Each invocation publishes a burst of {@link #BURST} observations into a ring the writer has drained before
 * (untimed), so every one takes the publish path: 256 exemplar observations fill the first ring's 1024 slots.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class ExemplarBenchmark {

    /** Observations per invocation: with four slots each, the default first ring's 1024 slots. */
    public static final int BURST = 256;

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN_ID = "00f067aa0ba902b7";

    private MetricsEngine engine;
    private Histogram histogram;
    private long traceHigh = 0x4bf92f3577b34da6L;
    private long traceLow = 0xa3ce929d0e0e4736L;
    private long spanId = 0x00f067aa0ba902b7L;

    @Setup
    public void setup() {
        engine = MetricsEngine.start(EngineConfig.builder().build());
        histogram = engine.histogram(HISTOGRAM_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE);
    }

    @TearDown
    public void tearDown() {
        io.ringmetrics.snapshot.EngineStats stats = engine.stats();
        engine.close();
        if (stats.dropped() != 0) {
            throw new IllegalStateException("updates were dropped: the bursts did not take the publish path: " + stats);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void observeNoDrop(Drained drained, Observations obs) {
        Histogram h = histogram;
        for (int i = 0; i < BURST; i++) {
            h.observe(obs.nextSeconds());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void observeWithExemplarNoDrop(Drained drained, Observations obs) {
        Histogram h = histogram;
        for (int i = 0; i < BURST; i++) {
            h.observe(obs.nextSeconds(), traceHigh, traceLow + i, spanId);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void observeWithHexExemplarNoDrop(Drained drained, Observations obs) {
        Histogram h = histogram;
        for (int i = 0; i < BURST; i++) {
            h.observe(obs.nextSeconds(), TRACE_ID, SPAN_ID);
        }
    }

    /** Before each invocation (untimed): everything published so far is applied, so the burst finds free slots. */
    @State(Scope.Thread)
    public static class Drained {
        @Setup(Level.Invocation)
        public void drain(ExemplarBenchmark benchmark) {
            benchmark.engine.flush();
        }
    }
}
