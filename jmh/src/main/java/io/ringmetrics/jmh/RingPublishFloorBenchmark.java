package io.ringmetrics.jmh;

import static io.ringmetrics.jmh.common.Labels.COUNTER_NAME;
import static io.ringmetrics.jmh.common.Labels.METHOD;
import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.ThreadRing;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.SlotAllocator;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor of a publish on this CPU: the same bursts of {@link RingMetricsBenchmark#BURST} updates as the engine's
 * {@code *NoDrop} benchmarks, into a ring that no other thread reads. The benchmark thread drains the ring itself
 * between bursts (untimed), so every slot line is already in its own cache: what is left is the instructions of a
 * publish, with no cache line crossing cores. The gap between {@code RingMetricsBenchmark.counterIncrementNoDrop} and
 * {@link #directoryPublish} is what the writer on the other core costs the caller.
 *
 * <ul>
 *   <li>{@link #ringPublish}: {@link ThreadRing#tryPublish} alone.</li>
 *   <li>{@link #directoryPublish}: {@link RingDirectory#publish}, i.e. the caller's ring lookup plus the publish, as a
 *       handle does.</li>
 *   <li>{@link #lookupAndPublish}: the name + labels lookup ({@link SeriesRegistry#find}, two pairs in canonical
 *       order, as {@code RingMetricsBenchmark.counterIncrementByLabelsNoDrop} gives them) plus
 *       {@link RingDirectory#publish}: what a name-based update costs its caller with no writer on the other core.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class RingPublishFloorBenchmark {

    private static final ThreadRing.UpdateHandler DISCARD = (id, op, value) -> { };

    private final ThreadRing ring = new ThreadRing(RingMetricsBenchmark.BURST, Thread.currentThread());
    private final RingDirectory directory =
            new RingDirectory(RingMetricsBenchmark.BURST, RingMetricsBenchmark.BURST, 1, BackpressurePolicy.DROP);
    private int id = 7;
    private SeriesRegistry registry;

    /** Registers the labelled counter {@link #lookupAndPublish} finds. */
    @Setup
    public void register() {
        MetricsResourceConfig limits = MetricsResourceConfig.DEFAULTS;
        registry = new SeriesRegistry(limits, new SlotAllocator(SeriesRegistry.slotCapacity(limits)), Set.of(),
                HistogramSpec.DEFAULT_SECONDS);
        registry.register(MetricType.COUNTER, COUNTER_NAME, null, null,
                new String[] {METHOD, METHOD_VALUE, PATH, PATH_VALUE});
    }

    /** Empties both rings on the benchmark thread, untimed, so each burst finds free slots. */
    @Setup(Level.Invocation)
    public void drain() {
        ring.drain(DISCARD);
        for (ThreadRing r : directory.activeRings()) {
            r.drain(DISCARD);
        }
    }

    @Benchmark
    @OperationsPerInvocation(RingMetricsBenchmark.BURST)
    public boolean ringPublish() {
        ThreadRing r = ring;
        int series = id;
        boolean published = true;
        for (int i = 0; i < RingMetricsBenchmark.BURST; i++) {
            published &= r.tryPublish(series, UpdateOp.COUNTER_ADD, 1L);
        }
        return published;
    }

    @Benchmark
    @OperationsPerInvocation(RingMetricsBenchmark.BURST)
    public boolean directoryPublish() {
        RingDirectory d = directory;
        int series = id;
        boolean published = true;
        for (int i = 0; i < RingMetricsBenchmark.BURST; i++) {
            published &= d.publish(series, UpdateOp.COUNTER_ADD, 1L);
        }
        return published;
    }

    @Benchmark
    @OperationsPerInvocation(RingMetricsBenchmark.BURST)
    public boolean lookupAndPublish() {
        RingDirectory d = directory;
        SeriesRegistry r = registry;
        boolean published = true;
        for (int i = 0; i < RingMetricsBenchmark.BURST; i++) {
            SeriesDescriptor series = r.find(MetricType.COUNTER, COUNTER_NAME, METHOD, METHOD_VALUE, PATH, PATH_VALUE);
            published &= d.publish(series.id(), UpdateOp.COUNTER_ADD, 1L);
        }
        return published;
    }
}
