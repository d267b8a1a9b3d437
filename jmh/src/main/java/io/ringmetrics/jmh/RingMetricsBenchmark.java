package io.ringmetrics.jmh;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.GAUGE_NAME;
import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.util.concurrent.TimeUnit;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.jmh.common.EngineAccounting;
import io.ringmetrics.jmh.common.EngineCounts;
import io.ringmetrics.jmh.common.NoopExporter;
import io.ringmetrics.jmh.common.Observations;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.writer.WriterIdleStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
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
 * ringmetrics: caller-side cost per operation, with the operation names of the peer benchmarks
 * ({@code io.ringmetrics.jmh.peers}), so {@code '\.counterIncrement$'} runs ringmetrics next to every peer.
 *
 * <p>One engine with the default configuration (a 1024-slot ring per caller thread growing up to 65 536 slots when
 * full, policy DROP, writer idle strategy
 * BACKOFF; {@code -p idle=BUSY_SPIN} or {@code YIELD} changes the latter), a {@link NoopExporter}, and the series
 * {@code method="GET", path="/api"} of {@code http_requests} (counter), {@code queue_depth} (gauge) and
 * {@code http_request_duration_seconds} (histogram, default buckets).
 *
 * <ul>
 *   <li>{@code counterIncrement}, {@code gaugeSet}, {@code histogramObserve} (seconds),
 *       {@code histogramObserveNanos}: through a handle obtained once, i.e. one publish into the calling thread's
 *       ring.</li>
 *   <li>{@code counterIncrementByLabels}, {@code histogramObserveByLabels}: the name-based {@link Metrics} API with
 *       its fixed-arity overloads ({@code increment(name, k1, v1, k2, v2)}, {@code observeHistogram(name, v, k1, v1,
 *       k2, v2)}, {@code setGauge(name, value, k1, v1, k2, v2)}): a lock-free registry lookup, then the publish.
 *       {@code counterIncrementByLabelsReorderedNoDrop} gives the pairs in the other order than registered
 *       ({@code path} first).</li>
 * </ul>
 *
 * <p><b>Free-running vs no-drop.</b> A free-running caller publishes faster than one writer applies, so its ring
 * fills and most updates take the drop path ({@code tryNext()} fails, the drop is counted): that measures the drop
 * path, not the publish. Every benchmark therefore reports the engine's {@code applied} and {@code dropped} counts of
 * its measurement as secondary results ({@link EngineAccounting}, JMH aux counters), and prints the totals of each
 * trial. The {@code *NoDrop} variants publish bursts of {@link #BURST} updates (no more than the first ring's 1024 slots)
 * into a ring the writer has drained before each burst ({@link DrainedRing}, untimed): every update takes the
 * publish path ({@code dropped = 0}), with the writer running, and their score is the cost of one publish.
 * {@code gaugeSetFixedValueNoDrop} and {@code histogramObserveFixedValueNoDrop} publish one value read from a field,
 * to separate the publish from producing a new value per call ({@link Observations}, which the peers pay too).
 *
 * <p>With {@code -t 2} the two caller threads and the writer thread share the machine's cores; on a 2-core machine
 * that oversubscribes it (the writer needs a core of its own) and the drop counts show it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class RingMetricsBenchmark {

    /** Updates per invocation of the {@code *NoDrop} benchmarks: the default first ring, which therefore never grows. */
    public static final int BURST = 1024;

    /** Writer idle strategy; the default is the engine's default. */
    @Param({"BACKOFF"})
    public WriterIdleStrategy idle;

    /** {@code true}: the engine's values in a memory-mapped store file ({@code METRICS_SHM_DIR}) on /dev/shm. */
    @Param({"false"})
    public boolean shm;

    /** Slots of the caller's first ring ({@code EngineConfig.initialRingSize}); the default is the engine's default. */
    @Param({"1024"})
    public int initialRing;

    private MetricsEngine engine;
    private Metrics metrics;
    private Counter counter;
    private Gauge gauge;
    private Histogram histogram;
    /** Values of the {@code *FixedValueNoDrop} variants: fields, so the JIT cannot fold them into constants. */
    private double fixedGauge = 42.0;
    private double fixedSeconds = 0.005;

    @Setup
    public void setup() {
        engine = MetricsEngine.start(EngineConfig.builder().idleStrategy(idle).initialRingSize(initialRing)
                .shmDirectory(shm ? io.ringmetrics.jmh.common.ShmDirectory.create() : null).build());
        metrics = new Metrics(engine, new NoopExporter(), MetricsErrorConfig.DEFAULTS);
        counter = engine.counter(COUNTER_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE);
        gauge = engine.gauge(GAUGE_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE);
        histogram = engine.histogram(HISTOGRAM_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE);
        EngineAccounting.watch(engine);
    }

    @TearDown
    public void tearDown(BenchmarkParams params) {
        EngineCounts total = EngineCounts.of(engine);
        System.out.println();
        System.out.println(total.describe("trial " + params.getBenchmark() + " " + params.getThreads()
                + " thread(s), warm-up included"));
        metrics.close();
    }

    // ----------------------------------------------------------------------------------------- free-running

    @Benchmark
    public void counterIncrement(EngineAccounting accounting) {
        counter.increment();
    }

    @Benchmark
    public void gaugeSet(Observations obs, EngineAccounting accounting) {
        gauge.set(obs.nextGauge());
    }

    @Benchmark
    public void histogramObserve(Observations obs, EngineAccounting accounting) {
        histogram.observe(obs.nextSeconds());
    }

    @Benchmark
    public void histogramObserveNanos(Observations obs, EngineAccounting accounting) {
        histogram.observeNanos(obs.nextNanos());
    }

    @Benchmark
    public void counterIncrementByLabels(EngineAccounting accounting) {
        metrics.increment(COUNTER_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE);
    }

    @Benchmark
    public void histogramObserveByLabels(Observations obs, EngineAccounting accounting) {
        metrics.observeHistogram(HISTOGRAM_NAME, obs.nextSeconds(), METHOD, METHOD_VALUE, PATH, PATH_VALUE);
    }

    @Benchmark
    public void gaugeSetByLabels(Observations obs, EngineAccounting accounting) {
        metrics.setGauge(GAUGE_NAME, obs.nextGauge(), METHOD, METHOD_VALUE, PATH, PATH_VALUE);
    }

    // -------------------------------------------------------------------------------------------- no drop

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void counterIncrementNoDrop(DrainedRing drained, EngineAccounting accounting) {
        Counter c = counter;
        for (int i = 0; i < BURST; i++) {
            c.increment();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void gaugeSetNoDrop(DrainedRing drained, Observations obs, EngineAccounting accounting) {
        Gauge g = gauge;
        for (int i = 0; i < BURST; i++) {
            g.set(obs.nextGauge());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void histogramObserveNoDrop(DrainedRing drained, Observations obs, EngineAccounting accounting) {
        Histogram h = histogram;
        for (int i = 0; i < BURST; i++) {
            h.observe(obs.nextSeconds());
        }
    }

    /**
     * {@link #gaugeSetNoDrop} with one value read from a field instead of {@link Observations}: the publish alone,
     * without the cost of producing a new value per call (a loop-carried index in the state object and a table
     * read, which the peer benchmarks pay too).
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void gaugeSetFixedValueNoDrop(DrainedRing drained, EngineAccounting accounting) {
        Gauge g = gauge;
        double value = fixedGauge;
        for (int i = 0; i < BURST; i++) {
            g.set(value);
        }
    }

    /** {@link #histogramObserveNoDrop} with one value read from a field: the publish alone (see above). */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void histogramObserveFixedValueNoDrop(DrainedRing drained, EngineAccounting accounting) {
        Histogram h = histogram;
        double value = fixedSeconds;
        for (int i = 0; i < BURST; i++) {
            h.observe(value);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void counterIncrementByLabelsNoDrop(DrainedRing drained, EngineAccounting accounting) {
        Metrics m = metrics;
        for (int i = 0; i < BURST; i++) {
            m.increment(COUNTER_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void histogramObserveByLabelsNoDrop(DrainedRing drained, Observations obs, EngineAccounting accounting) {
        Metrics m = metrics;
        for (int i = 0; i < BURST; i++) {
            m.observeHistogram(HISTOGRAM_NAME, obs.nextSeconds(), METHOD, METHOD_VALUE, PATH, PATH_VALUE);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void counterIncrementByLookupNoDrop(DrainedRing drained, EngineAccounting accounting) {
        SeriesRegistry r = engine.registry();
        MetricsEngine e = engine;
        for (int i = 0; i < BURST; i++) {
            e.publish(r.find(MetricType.COUNTER, COUNTER_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE).id(),
                    UpdateOp.COUNTER_ADD, 1L);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void counterIncrementByLabelsReorderedNoDrop(DrainedRing drained, EngineAccounting accounting) {
        Metrics m = metrics;
        for (int i = 0; i < BURST; i++) {
            m.increment(COUNTER_NAME, PATH, PATH_VALUE, METHOD, METHOD_VALUE);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void gaugeSetByLabelsNoDrop(DrainedRing drained, Observations obs, EngineAccounting accounting) {
        Metrics m = metrics;
        for (int i = 0; i < BURST; i++) {
            m.setGauge(GAUGE_NAME, obs.nextGauge(), METHOD, METHOD_VALUE, PATH, PATH_VALUE);
        }
    }

    /**
     * Before each invocation of a {@code *NoDrop} benchmark (untimed), waits until the writer has applied everything
     * published so far ({@code engine.flush()}), so that the {@link #BURST} updates of the invocation enter a ring
     * with free slots. {@code flush} allocates a request (~0.1 B per update of the burst), which {@code -prof gc}
     * counts.
     */
    @State(Scope.Thread)
    public static class DrainedRing {
        @Setup(Level.Invocation)
        public void drain(RingMetricsBenchmark benchmark) {
            benchmark.engine.flush();
        }
    }
}
