package io.ringmetrics.jmh;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;

import java.util.concurrent.TimeUnit;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.jmh.common.EngineAccounting;
import io.ringmetrics.jmh.common.EngineCounts;
import io.ringmetrics.jmh.common.Observations;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.writer.WriterIdleStrategy;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What one writer thread sustains, and how fast one caller may publish before the default ring starts to drop.
 * Scores are operations per second of the caller thread (Mode.Throughput); {@link EngineAccounting} adds the
 * engine's applied and dropped counts of each iteration.
 *
 * <ul>
 *   <li>{@code sustainedCounters}, {@code sustainedHistograms}: the caller publishes as fast as it can into a
 *       65 536-slot ring with policy BLOCK (it waits when the ring is full, nothing is dropped). Once the ring is
 *       full the caller can only go as fast as the writer frees slots, so the score is the writer's sustained apply
 *       rate, the caller's own publish cost (see {@code RingMetricsBenchmark}) being far lower. Histogram
 *       observations are the log-normal latencies of {@link Observations} (seconds), so every record does the
 *       bucket search, the sum and the PackedHistogram record of a real latency.</li>
 *   <li>{@code pacedCounters}, {@code pacedHistograms}: the default engine (4096-slot ring, policy DROP, writer idle
 *       strategy BACKOFF) and a caller paced at {@code millionsPerSecond} by spinning on {@link System#nanoTime()}.
 *       The score is the rate achieved; {@code :applied} and {@code :dropped} say whether the writer kept up.
 *       A caller that falls behind its schedule (descheduled by the OS) catches up with bursts of at most
 *       {@link Pacer#MAX_BURST} updates, then skips the rest, as a real service would not generate the missed
 *       work later either.</li>
 *   <li>{@code series}: updates go round-robin to this many series (1: one hot series; 1000: the writer's working
 *       set no longer fits in L1).</li>
 * </ul>
 *
 * <p>The writer needs a core of its own; this benchmark runs one caller thread, so caller + writer take the two
 * cores of the development machine and nothing else may run there during the measurement.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class WriterThroughputBenchmark {

    /** Ring size of the sustained benchmarks: deep enough that the writer never runs dry while the caller waits. */
    public static final int SUSTAINED_RING_SIZE = 1 << 16;

    /** An engine with {@code series} counter and histogram series. */
    @State(Scope.Benchmark)
    public abstract static class EngineState {
        @Param({"1", "1000"})
        public int series;

        /** Writer idle strategy (default: the engine's default, BACKOFF); e.g. {@code -p idle=BUSY_SPIN}. */
        @Param({"BACKOFF"})
        public WriterIdleStrategy idle;

        MetricsEngine engine;
        Counter[] counters;
        Histogram[] histograms;

        abstract EngineConfig config();

        @Setup
        public void setup() {
            engine = MetricsEngine.start(config().toBuilder()
                    .idleStrategy(idle)
                    .limits(MetricsResourceConfig.builder().maxLabelCombinations(Math.max(2 * series, 10_000)).build())
                    .build());
            counters = new Counter[series];
            histograms = new Histogram[series];
            for (int i = 0; i < series; i++) {
                String path = "/api/v1/resource/" + i;
                counters[i] = engine.counter(COUNTER_NAME, METHOD, METHOD_VALUE, PATH, path);
                histograms[i] = engine.histogram(HISTOGRAM_NAME, METHOD, METHOD_VALUE, PATH, path);
            }
            EngineAccounting.watch(engine);
        }

        @TearDown
        public void tearDown(BenchmarkParams params) {
            System.out.println();
            System.out.println(EngineCounts.of(engine).describe("trial " + params.getBenchmark() + " "
                    + params.getParam("series") + " series" + (params.getParam("millionsPerSecond") == null ? ""
                            : " at " + params.getParam("millionsPerSecond") + " M/s") + ", warm-up included"));
            engine.close();
        }
    }

    /** 65 536-slot ring, policy BLOCK: nothing is dropped, the caller waits for the writer. */
    @State(Scope.Benchmark)
    public static class Sustained extends EngineState {
        @Override
        EngineConfig config() {
            return EngineConfig.builder().ringSize(SUSTAINED_RING_SIZE).backpressure(BackpressurePolicy.BLOCK).build();
        }
    }

    /** The default engine: 4096-slot ring, policy DROP (writer idle strategy from {@code idle}). */
    @State(Scope.Benchmark)
    public static class DefaultEngine extends EngineState {
        @Override
        EngineConfig config() {
            return EngineConfig.DEFAULTS;
        }
    }

    /** Round-robin position of one caller thread over the series. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        int next(int series) {
            int i = next;
            int n = i + 1;
            next = n == series ? 0 : n;
            return i;
        }
    }

    /** Holds one caller thread to {@code millionsPerSecond} updates per second. */
    @State(Scope.Thread)
    public static class Pacer {
        /** Largest catch-up burst after the caller fell behind its schedule. */
        public static final int MAX_BURST = 256;

        @Param({"1", "5", "10", "20"})
        public int millionsPerSecond;

        private long periodNanosX1000;
        private long nextX1000;

        @Setup(Level.Iteration)
        public void start() {
            periodNanosX1000 = 1_000_000L / millionsPerSecond; // period in ps, so 3 M/s is not rounded to 333 ns
            nextX1000 = System.nanoTime() * 1000L;
        }

        /** Spins until the next update is due. */
        void await() {
            long deadline = nextX1000;
            long now;
            while ((now = System.nanoTime() * 1000L) < deadline) {
                Thread.onSpinWait();
            }
            long next = deadline + periodNanosX1000;
            if (now - next > MAX_BURST * periodNanosX1000) {
                next = now; // fell far behind: do not make up for it with a burst longer than MAX_BURST
            }
            nextX1000 = next;
        }
    }

    @Benchmark
    public void sustainedCounters(Sustained state, Cursor cursor, EngineAccounting accounting) {
        state.counters[cursor.next(state.series)].increment();
    }

    @Benchmark
    public void sustainedHistograms(Sustained state, Cursor cursor, Observations obs, EngineAccounting accounting) {
        state.histograms[cursor.next(state.series)].observe(obs.nextSeconds());
    }

    @Benchmark
    public void pacedCounters(DefaultEngine state, Cursor cursor, Pacer pacer, EngineAccounting accounting) {
        pacer.await();
        state.counters[cursor.next(state.series)].increment();
    }

    @Benchmark
    public void pacedHistograms(DefaultEngine state, Cursor cursor, Pacer pacer, Observations obs,
            EngineAccounting accounting) {
        pacer.await();
        state.histograms[cursor.next(state.series)].observe(obs.nextSeconds());
    }
}
