package io.ringmetrics.jmh;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.HISTOGRAM_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.SlotAllocator;
import io.ringmetrics.store.ValueStore;
import io.ringmetrics.writer.MetricsWriter;
import io.ringmetrics.writer.WriterIdleStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.agrona.concurrent.BusySpinIdleStrategy;
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
 *   <li>{@code pacedCounters}, {@code pacedHistograms}: the default engine (a 1024-slot ring that doubles when full up
 *       to 65 536 slots, policy DROP, writer idle
 *       strategy BACKOFF) and a caller paced at {@code millionsPerSecond} by spinning on {@link System#nanoTime()}.
 *       The score is the rate achieved; {@code :applied} and {@code :dropped} say whether the writer kept up.
 *       A caller that falls behind its schedule (descheduled by the OS) catches up with bursts of at most
 *       {@link Pacer#MAX_BURST} updates, then skips the rest, as a real service would not generate the missed
 *       work later either.</li>
 *   <li>{@code writerOnlyCounters}, {@code writerOnlyHistograms}: the writer's apply loop alone, no second thread
 *       ({@link WriterOnly}): the upper bound of the writer code.</li>
 *   <li>{@code series}: updates go round-robin to this many series (1: one hot series; 1000: the writer's working
 *       set no longer fits in L1).</li>
 *   <li>{@code windowSeconds}: the histograms' percentile window (5 sub-windows; 0 = since start, the since-start
 *       {@code IntCountsHistogram}; 1 = a rotation every 200 ms, to include rotation in the measurement; 60 = the
 *       default).</li>
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

    /** Updates applied per invocation of the {@code writerOnly*} benchmarks: one default ring. */
    public static final int WRITER_ONLY_BATCH = 4096;

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

        /** {@code true}: the engine's values in a memory-mapped store file ({@code METRICS_SHM_DIR}) on /dev/shm. */
        @Param({"false"})
        public boolean shm;

        /** Percentile window of the histograms, in 5 sub-windows (0 = since start). */
        @Param({"60"})
        public int windowSeconds;

        MetricsEngine engine;
        Counter[] counters;
        Histogram[] histograms;

        abstract EngineConfig config();

        @Setup
        public void setup() {
            engine = MetricsEngine.start(config().toBuilder()
                    .idleStrategy(idle)
                    .shmDirectory(shm ? io.ringmetrics.jmh.common.ShmDirectory.create() : null)
                    .defaultHistogram(window(windowSeconds))
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

    /** The default histogram shape with a window of {@code seconds} in 5 sub-windows (0: since start). */
    static HistogramSpec window(int seconds) {
        return HistogramSpec.DEFAULT_SECONDS.withWindow(java.time.Duration.ofSeconds(seconds), 5);
    }

    /** 65 536-slot ring, policy BLOCK: nothing is dropped, the caller waits for the writer. */
    @State(Scope.Benchmark)
    public static class Sustained extends EngineState {
        /** Ring size (fixed: the ring does not grow); {@code -p sustainedRingSize=...} for experiments. */
        @Param({"65536"})
        public int sustainedRingSize;

        @Override
        EngineConfig config() {
            return EngineConfig.builder().ringSize(sustainedRingSize).initialRingSize(sustainedRingSize)
                    .backpressure(BackpressurePolicy.BLOCK).build();
        }
    }

    /**
     * The default engine: 1024-slot rings growing up to 65 536 slots, policy DROP, BACKOFF writer
     * ({@code -p ringSize=...}, {@code -p initialRingSize=...} and {@code -p idle=...} change the maximum and first
     * ring size and the idle strategy for experiments; equal sizes give a ring that never grows).
     */
    @State(Scope.Benchmark)
    public static class DefaultEngine extends EngineState {
        @Param({"65536"})
        public int ringSize;

        @Param({"1024"})
        public int initialRingSize;

        @Override
        EngineConfig config() {
            return EngineConfig.DEFAULTS.toBuilder().ringSize(ringSize).initialRingSize(initialRingSize).build();
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

    /**
     * The writer's apply loop alone, on the benchmark thread: {@link #WRITER_ONLY_BATCH} updates are published into a
     * ring beforehand (untimed, {@code Level.Invocation}), then one timed call of the writer's private
     * {@code drainAll(false)} (the writer's steady-state pass over published batches; 4096 updates are a whole
     * number of batches) applies them. No second thread, so no cache line moves between cores: this is the upper
     * bound of what the writer code can apply per second, against which the {@code sustained*} figures (one caller
     * on another core) show the cost of the hand-over. Uses engine internals ({@code MetricsWriter},
     * {@code RingDirectory}, {@code SeriesRegistry}) and a method handle on {@code MetricsWriter.drainAll(boolean)}.
     */
    @State(Scope.Thread)
    public static class WriterOnly {
        @Param({"1", "1000"})
        public int series;

        /** {@code true}: the store's slab is a memory-mapped store file on /dev/shm, histograms mirrored into it. */
        @Param({"false"})
        public boolean shm;

        /** Percentile window of the histograms, in 5 sub-windows (0 = since start). */
        @Param({"60"})
        public int windowSeconds;

        /** Whether histograms also count native buckets (the default spec's); {@code -p nativeBuckets=false} compares. */
        @Param({"true"})
        public boolean nativeBuckets;

        private MetricsWriter writer;
        private MethodHandle drainAll;
        private RingDirectory rings;
        private int[] counterIds;
        private int[] histogramIds;

        @Setup
        public void setup() throws ReflectiveOperationException {
            MetricsResourceConfig limits = MetricsResourceConfig.builder()
                    .maxLabelCombinations(Math.max(2 * series, 10_000)).build();
            int capacity = SeriesRegistry.slotCapacity(limits);
            SeriesRegistry registry = new SeriesRegistry(limits, new SlotAllocator(capacity),
                    MetaMetrics.RESERVED_NAMES, nativeBuckets ? window(windowSeconds)
                            : window(windowSeconds).withoutNativeBuckets());
            counterIds = new int[series];
            histogramIds = new int[series];
            for (int i = 0; i < series; i++) {
                String[] labels = {METHOD, METHOD_VALUE, PATH, "/api/v1/resource/" + i};
                counterIds[i] = registry.register(MetricType.COUNTER, COUNTER_NAME, null, null, labels).id();
                histogramIds[i] = registry.register(MetricType.HISTOGRAM, HISTOGRAM_NAME, null, null, labels).id();
            }
            rings = new RingDirectory(WRITER_ONLY_BATCH, 0, BackpressurePolicy.DROP);
            io.ringmetrics.shm.StoreFile file = null;
            if (shm) {
                try {
                    file = io.ringmetrics.shm.StoreFile.create(io.ringmetrics.jmh.common.ShmDirectory.create(),
                            capacity, 1000, true);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            ValueStore store = file == null ? new ValueStore(capacity) : new ValueStore(file.values(), file::close);
            writer = new MetricsWriter(registry, rings, store, new BusySpinIdleStrategy(), 0, file);
            drainAll = MethodHandles.privateLookupIn(MetricsWriter.class, MethodHandles.lookup())
                    .findVirtual(MetricsWriter.class, "drainAll", MethodType.methodType(int.class, boolean.class));
        }

        /** Publishes one batch (untimed). */
        void publish(boolean histograms, Observations obs) {
            int[] ids = histograms ? histogramIds : counterIds;
            int next = 0;
            for (int i = 0; i < WRITER_ONLY_BATCH; i++) {
                boolean published = histograms
                        ? rings.publish(ids[next], UpdateOp.HISTOGRAM_OBSERVE, Double.doubleToRawLongBits(obs.nextSeconds()))
                        : rings.publish(ids[next], UpdateOp.COUNTER_ADD, 1L);
                if (!published) {
                    throw new IllegalStateException("ring full: the previous batch was not applied");
                }
                next = next + 1 == ids.length ? 0 : next + 1;
            }
        }

        int drain() throws Throwable {
            int applied = (int) drainAll.invokeExact(writer, false); // the steady-state pass: whole published batches
            if (applied != WRITER_ONLY_BATCH) {
                throw new IllegalStateException("applied " + applied + " of " + WRITER_ONLY_BATCH);
            }
            return applied;
        }
    }

    /** {@link WriterOnly} with counter updates. */
    @State(Scope.Thread)
    public static class WriterOnlyCounters extends WriterOnly {
        @Setup(Level.Invocation)
        public void fill(Observations obs) {
            publish(false, obs);
        }
    }

    /** {@link WriterOnly} with histogram observations. */
    @State(Scope.Thread)
    public static class WriterOnlyHistograms extends WriterOnly {
        @Setup(Level.Invocation)
        public void fill(Observations obs) {
            publish(true, obs);
        }
    }

    @Benchmark
    @OperationsPerInvocation(WRITER_ONLY_BATCH)
    public int writerOnlyCounters(WriterOnlyCounters state) throws Throwable {
        return state.drain();
    }

    @Benchmark
    @OperationsPerInvocation(WRITER_ONLY_BATCH)
    public int writerOnlyHistograms(WriterOnlyHistograms state) throws Throwable {
        return state.drain();
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
