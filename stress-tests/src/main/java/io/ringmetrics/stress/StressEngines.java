package io.ringmetrics.stress;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.SlotAllocator;
import io.ringmetrics.writer.WriterIdleStrategy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Engines and registries for the JCStress tests, sized so that millions of iterations keep memory and threads
 * bounded.
 * <p>
 * JCStress 0.16 keeps up to {@code strideSize * strideCount} (at most 10240) states alive at once and creates a
 * fresh state for every iteration. So:
 * <ul>
 *   <li>tests of the data path share one engine per JVM ({@link #shared()}) and use fresh series per state,
 *       registered in the state's constructor under a unique name ({@link #uniqueName(String)}) and removed
 *       again in its {@code @Arbiter}, so the registry never holds more than the live states;</li>
 *   <li>tests of the limits use a fresh {@link SeriesRegistry} per state ({@link #registry(int, int)}): the
 *       component that enforces them, with no thread and no off-heap memory;</li>
 *   <li>tests of {@code close()} start a small engine ({@link #small()}) lazily in an actor and close it in the
 *       same iteration, so at most a couple of writer threads are alive at any time.</li>
 * </ul>
 */
public final class StressEngines
{
    /** Limits of the shared engine: well above the number of JCStress states alive at once. */
    static final int SHARED_LIMIT = 1 << 16;

    private static final AtomicLong NAMES = new AtomicLong();

    private StressEngines()
    {
    }

    private static final class Shared
    {
        static final MetricsEngine ENGINE = MetricsEngine.start(EngineConfig.builder()
            // BLOCK: the tests count every update, so none may be dropped for a full ring (the DROP default does
            // drop under JCStress's publishing rate: the full run saw 'update lost' outcomes until this was set).
            .backpressure(BackpressurePolicy.BLOCK)
            .maxIdlePark(Duration.ofMillis(1)) // back off: the actors need both CPUs more than the writer does
            .snapshotTimeout(Duration.ofSeconds(60))
            .limits(MetricsResourceConfig.builder()
                .maxMetrics(SHARED_LIMIT)
                .maxLabelCombinations(SHARED_LIMIT)
                .build())
            .build());

        static
        {
            Runtime.getRuntime().addShutdownHook(new Thread(ENGINE::close, "ringmetrics-stress-close"));
        }
    }

    /**
     * The engine shared by the data-path tests of this JVM; closed by a shutdown hook.
     *
     * @return the running engine.
     */
    public static MetricsEngine shared()
    {
        return Shared.ENGINE;
    }

    /**
     * Starts a small engine for a single iteration: 16-slot rings, a yielding writer (so {@code close()} returns
     * within a yield, not a park), tiny limits so the per-slot tables stay a few hundred bytes.
     *
     * @return the running engine; the caller closes it.
     */
    public static MetricsEngine small()
    {
        return MetricsEngine.start(EngineConfig.builder()
            .ringSize(16)
            .idleStrategy(WriterIdleStrategy.YIELD)
            .maxPooledRings(0)
            .snapshotTimeout(Duration.ofSeconds(60))
            .limits(MetricsResourceConfig.builder().maxMetrics(4).maxLabelCombinations(8).build())
            .build());
    }

    /**
     * A fresh registry with the given limits, as the engine builds it.
     *
     * @param maxMetrics           {@code max_metrics}.
     * @param maxLabelCombinations {@code max_label_combinations}.
     * @return the registry.
     */
    public static SeriesRegistry registry(final int maxMetrics, final int maxLabelCombinations)
    {
        final MetricsResourceConfig limits = MetricsResourceConfig.builder()
            .maxMetrics(maxMetrics)
            .maxLabelCombinations(maxLabelCombinations)
            .build();
        return new SeriesRegistry(limits, new SlotAllocator(SeriesRegistry.slotCapacity(limits)),
            MetaMetrics.RESERVED_NAMES, HistogramSpec.DEFAULT_SECONDS);
    }

    /**
     * A metric name used by no other state of this JVM.
     *
     * @param prefix valid metric-name prefix.
     * @return the name.
     */
    public static String uniqueName(final String prefix)
    {
        return prefix + NAMES.getAndIncrement();
    }

    /**
     * Removes a metric of the shared engine, ignoring that it may already be gone.
     *
     * @param name metric name.
     * @param type its type.
     */
    public static void removeQuietly(final String name, final MetricType type)
    {
        try
        {
            shared().remove(name, type);
        }
        catch (final io.ringmetrics.error.ResourceLimitException ignored)
        {
            // already removed by the test itself
        }
    }
}
