package io.ringmetrics;

import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.error.ErrorCounters;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ExportException;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.shm.StoreFile;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.snapshot.MetricsSnapshot;
import io.ringmetrics.snapshot.SnapshotSampler;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.SlotAllocator;
import io.ringmetrics.store.ValueStore;
import io.ringmetrics.writer.MetricsWriter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine: registers series and hands out handles, runs the single writer thread, and serves consistent
 * snapshots to exporters.
 * <pre>
 *   caller threads               writer thread                       exporter threads
 *   handle.increment()  --->  ThreadRing (one per thread)
 *                             ... drained by MetricsWriter ---> ValueStore (off-heap) + HistogramSeries
 *                                                          &lt;--- snapshot request / MetricsSnapshot ---> exporter
 * </pre>
 * <b>Threading.</b> Every method is thread-safe. Handle updates never lock, allocate or block (policy DROP);
 * registration takes a per-metric lock and may allocate; {@link #snapshot()} waits for the writer at most
 * {@link EngineConfig#snapshotTimeout()}.
 * <p>
 * <b>Lifecycle.</b> {@link #start(EngineConfig)} starts the writer. {@link #close()} applies everything published
 * before it, stops the writer and frees the off-heap store. After close, registration and snapshots throw
 * {@link ResourceLimitException} ({@code engine_closed}); handle updates are not applied and are counted as dropped
 * ({@code reason="ring_full"} once a ring fills, or {@code "closed"} for what remains in rings). No call after close
 * touches freed memory.
 * <p>
 * <b>Health.</b> {@link #health()} tells whether the writer applies updates: a writer thread that ended with an
 * exception (logged once, at ERROR, with its cause) leaves the engine {@link EngineHealth.State#WRITER_DIED};
 * snapshots then fail with that cause instead of waiting.
 * <p>
 * <b>Start-up failures</b> are one {@link ConfigurationException} whose message says what to change: the JVM option
 * Agrona needs ({@value #AGRONA_JVM_OPTION}), or a limit whose up-front memory the JVM cannot give, with the
 * memory it would need.
 */
public final class MetricsEngine implements AutoCloseable
{
    /** The JVM option without which Agrona 2.x (the off-heap store, the writer's queue) cannot load on JDK 17+. */
    public static final String AGRONA_JVM_OPTION = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private static final System.Logger LOGGER = System.getLogger("io.ringmetrics");

    private final EngineConfig config;
    private final SeriesRegistry registry;
    private final RingDirectory rings;
    private final MetricsWriter writer;
    private final Thread writerThread;
    private final ErrorCounters errors = new ErrorCounters();
    private final List<SnapshotSampler> samplers = new CopyOnWriteArrayList<>();
    private volatile boolean allowRemoval = true;
    private volatile boolean closed;
    private volatile Throwable writerFailure;
    private final String disabledReason;
    private final java.nio.file.Path storeFile;

    private MetricsEngine(final EngineConfig config)
    {
        this.disabledReason = null;
        this.config = config;
        final int capacity = SeriesRegistry.slotCapacity(config.limits());
        final SlotAllocator slots = new SlotAllocator(capacity);
        this.registry = new SeriesRegistry(config.limits(), slots, MetaMetrics.RESERVED_NAMES, config.defaultHistogram());
        this.rings = new RingDirectory(
            config.initialRingSize(), config.ringSize(), config.maxPooledRings(), config.backpressure(),
            config.ringMemoryBudget());
        final long cleanupNanos = config.limits().enableMetricCleanup() ?
            TimeUnit.SECONDS.toNanos(config.limits().cleanupIntervalSeconds()) : 0;
        final StoreFile file = config.shmDirectory() == null ? null : createStoreFile(config, capacity);
        this.storeFile = file == null ? null : file.path();
        this.writer = new MetricsWriter(registry, rings,
            file == null ? new ValueStore(capacity) : new ValueStore(file.values(), file::close),
            config.newWriterIdleStrategy(), cleanupNanos, file);
        this.writerThread = new Thread(writer, "ringmetrics-writer");
        this.writerThread.setDaemon(true);
        this.writerThread.setUncaughtExceptionHandler((thread, failure) -> writerDied(failure));
    }

    /** An engine without a writer or a store: see {@link #disabled(String)}. */
    private MetricsEngine(final String reason)
    {
        this.disabledReason = reason;
        this.config = EngineConfig.builder().ringSize(16).initialRingSize(16).maxPooledRings(0)
            .backpressure(BackpressurePolicy.DROP).build();
        final SlotAllocator slots = new SlotAllocator(SeriesRegistry.slotCapacity(config.limits()));
        this.registry = new SeriesRegistry(config.limits(), slots, MetaMetrics.RESERVED_NAMES, config.defaultHistogram());
        this.rings = RingDirectory.refusingAll(); // rings of no slots: nothing off-heap, no Agrona class
        this.writer = null;
        this.writerThread = null;
        this.storeFile = null;
    }

    private static StoreFile createStoreFile(final EngineConfig config, final int capacity)
    {
        try
        {
            return StoreFile.create(config.shmDirectory(), capacity, config.shmReuseTimeout().toMillis(),
                config.shmDeleteOnClose());
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            throw new ConfigurationException(ErrorType.INVALID_CONFIG, "the metrics engine cannot create its store " +
                "file in METRICS_SHM_DIR=" + config.shmDirectory() + ": " + ex.getMessage() + " (" +
                ex.getClass().getSimpleName() + "); use a writable directory, or unset METRICS_SHM_DIR");
        }
    }

    /**
     * @return the memory-mapped store file other processes can read ({@link EngineConfig#shmDirectory()}), or
     *         {@code null} when the engine keeps its values in anonymous memory (the default).
     */
    public java.nio.file.Path storeFile()
    {
        return storeFile;
    }

    private void writerDied(final Throwable failure)
    {
        writerFailure = failure;
        LOGGER.log(System.Logger.Level.ERROR, "the metrics writer thread died, metrics are no longer recorded: " +
            failure, failure);
    }

    /**
     * Creates an engine and starts its writer thread.
     *
     * @param config settings.
     * @return the running engine.
     */
    public static MetricsEngine start(final EngineConfig config)
    {
        checkAgronaCanLoad();
        final MetricsEngine engine;
        try
        {
            engine = new MetricsEngine(config);
        }
        catch (final OutOfMemoryError ex)
        {
            throw new ConfigurationException(ErrorType.INVALID_CONFIG, upFrontMemoryMessage(config.limits(), ex));
        }
        engine.writerThread.start();
        return engine;
    }

    /**
     * An engine that records nothing, for a service that must start even when no real engine can (the fallback of
     * {@code MetricsFactory.fromEnvOrNullExporter()}): registration validates and hands out handles as usual, their
     * updates are dropped ({@code ring_full}, in {@link #stats()}), {@link #snapshot()} and {@link #flush()} throw
     * {@code engine_closed} with the reason, and {@link #health()} is {@link EngineHealth.State#DISABLED}. It
     * initialises no Agrona class and allocates no slab.
     *
     * @param reason why no engine runs, one line.
     * @return the disabled engine.
     */
    public static MetricsEngine disabled(final String reason)
    {
        return new MetricsEngine(java.util.Objects.requireNonNull(reason, "reason"));
    }

    /**
     * @throws ConfigurationException naming {@link #AGRONA_JVM_OPTION} if this JVM does not export
     *                                {@code jdk.internal.misc} to Agrona, which would otherwise fail with a raw
     *                                {@link IllegalAccessError} at the first off-heap access.
     */
    private static void checkAgronaCanLoad()
    {
        final Module agrona = org.agrona.concurrent.UnsafeBuffer.class.getModule(); // loads, does not initialise
        if (!Object.class.getModule().isExported("jdk.internal.misc", agrona))
        {
            final String option = agrona.isNamed() ?
                "--add-exports java.base/jdk.internal.misc=" + agrona.getName() : AGRONA_JVM_OPTION;
            throw new ConfigurationException(ErrorType.INVALID_CONFIG, "the metrics engine cannot start: add the JVM " +
                "option " + option + " (Agrona, which holds the off-heap store, needs it on JDK 17+), e.g. " +
                "java " + option + " -jar app.jar, or in JDK_JAVA_OPTIONS");
        }
    }

    /**
     * What an engine allocates up front, per slot of {@link SeriesRegistry#slotCapacity}: 8 B off-heap (the value
     * slab, counted against {@code -XX:MaxDirectMemorySize}) and on the heap a registry reference, the writer's
     * 4-byte slot state and, with cleanup, its 8-byte last-update time.
     */
    static String upFrontMemoryMessage(final io.ringmetrics.limits.MetricsResourceConfig limits, final Throwable cause)
    {
        final long slots = SeriesRegistry.slotCapacity(limits);
        final long offHeap = slots * Long.BYTES;
        final long heap = slots * (8 + 4 + (limits.enableMetricCleanup() ? 8 : 0));
        return "the metrics engine cannot allocate its up-front memory for max_label_combinations=" +
            limits.maxLabelCombinations() + " (METRICS_MAX_LABEL_COMBINATIONS) + max_metrics=" + limits.maxMetrics() +
            " (METRICS_MAX_METRICS): " + slots + " slots need " + mib(offHeap) + " off-heap (-XX:MaxDirectMemorySize)" +
            " and " + mib(heap) + " of heap, this JVM's -Xmx is " + mib(Runtime.getRuntime().maxMemory()) +
            "; lower the limits or give the JVM more memory (" + cause + ")";
    }

    private static String mib(final long bytes)
    {
        return (bytes + (1 << 20) - 1 >> 20) + " MiB";
    }

    /**
     * The engine's state, for a health check: cheap (two volatile reads), any thread.
     *
     * @return running, closed, writer died (with its cause) or disabled (with the reason).
     */
    public EngineHealth health()
    {
        if (disabledReason != null)
        {
            return new EngineHealth(EngineHealth.State.DISABLED, "metrics are disabled: " + disabledReason);
        }
        if (closed)
        {
            return new EngineHealth(EngineHealth.State.CLOSED, "the metrics engine is closed");
        }
        final Throwable failure = writerFailure;
        if (failure != null || !writerThread.isAlive())
        {
            return new EngineHealth(EngineHealth.State.WRITER_DIED, writerDiedMessage(failure));
        }
        return new EngineHealth(EngineHealth.State.RUNNING, "running");
    }

    private static String writerDiedMessage(final Throwable failure)
    {
        return "the metrics writer thread died" + (failure == null ? "" : ": " + failure);
    }

    /**
     * Creates an engine with {@link EngineConfig#DEFAULTS} and starts it.
     *
     * @return the running engine.
     */
    public static MetricsEngine start()
    {
        return start(EngineConfig.DEFAULTS);
    }

    /**
     * Registers (or finds) a counter series.
     *
     * @param name       metric name, e.g. {@code http_requests_total}.
     * @param labelPairs label name/value pairs in any order.
     * @return the handle.
     * @throws io.ringmetrics.error.MetricsException on invalid input, a conflict, or {@code max_metrics}.
     */
    public Counter counter(final String name, final String... labelPairs)
    {
        return new Counter(rings, register(MetricType.COUNTER, name, null, null, labelPairs));
    }

    /**
     * Registers (or finds) a counter series with help text.
     *
     * @param name       metric name.
     * @param help       help text, used when the metric is first registered.
     * @param labelPairs label name/value pairs in any order.
     * @return the handle.
     */
    public Counter counter(final String name, final String help, final String[] labelPairs)
    {
        return new Counter(rings, register(MetricType.COUNTER, name, help, null, labelPairs));
    }

    /**
     * Registers (or finds) a gauge series.
     *
     * @param name       metric name.
     * @param labelPairs label name/value pairs in any order.
     * @return the handle.
     */
    public Gauge gauge(final String name, final String... labelPairs)
    {
        return new Gauge(rings, register(MetricType.GAUGE, name, null, null, labelPairs));
    }

    /**
     * Registers (or finds) a gauge series with help text.
     *
     * @param name       metric name.
     * @param help       help text.
     * @param labelPairs label name/value pairs in any order.
     * @return the handle.
     */
    public Gauge gauge(final String name, final String help, final String[] labelPairs)
    {
        return new Gauge(rings, register(MetricType.GAUGE, name, help, null, labelPairs));
    }

    /**
     * Registers (or finds) a histogram series with the default shape (seconds, Prometheus default buckets).
     *
     * @param name       metric name, e.g. {@code http_request_duration_seconds}.
     * @param labelPairs label name/value pairs in any order.
     * @return the handle.
     */
    public Histogram histogram(final String name, final String... labelPairs)
    {
        return new Histogram(rings, register(MetricType.HISTOGRAM, name, null, null, labelPairs));
    }

    /**
     * Registers (or finds) a histogram series with help text and shape.
     *
     * @param name       metric name.
     * @param help       help text.
     * @param spec       buckets and percentile range; {@code null} for the engine default.
     * @param labelPairs label name/value pairs in any order.
     * @return the handle.
     */
    public Histogram histogram(final String name, final String help, final HistogramSpec spec, final String[] labelPairs)
    {
        return new Histogram(rings, register(MetricType.HISTOGRAM, name, help, spec, labelPairs));
    }

    /**
     * Registers (or finds) a series and returns its descriptor; the building block of the handle methods and of
     * the name-based API. Folding into the overflow series is counted as a resource error.
     *
     * @param type       metric type.
     * @param name       metric name.
     * @param help       help text or {@code null}.
     * @param spec       histogram shape or {@code null}.
     * @param labelPairs label pairs.
     * @return the series (possibly the metric's overflow series).
     */
    public SeriesDescriptor register(
        final MetricType type, final String name, final String help, final HistogramSpec spec,
        final String[] labelPairs)
    {
        final SeriesDescriptor series = registerQuietly(type, name, help, spec, labelPairs);
        if (series.isOverflow() && !isOverflowRequest(labelPairs))
        {
            errors.record(ErrorType.LABEL_COMBINATION_LIMIT_EXCEEDED, "register", name);
        }
        return series;
    }

    SeriesDescriptor registerQuietly(
        final MetricType type, final String name, final String help, final HistogramSpec spec,
        final String[] labelPairs)
    {
        ensureOpen();
        final String ownHelp = help == null || help.isEmpty() ? ConvenienceMetric.helpFor(type, name) : help;
        return registry.register(type, name, ownHelp, spec, labelPairs);
    }

    private static boolean isOverflowRequest(final String[] labelPairs)
    {
        return labelPairs != null && labelPairs.length == 2 &&
            SeriesRegistry.OVERFLOW_LABEL.equals(labelPairs[0]) && "true".equals(labelPairs[1]);
    }

    /**
     * Publishes one raw update into the calling thread's ring, for the name-based API. Same guarantees as the
     * handles.
     *
     * @param id    series id from {@link SeriesDescriptor#id()}.
     * @param op    operation from {@link UpdateOp}.
     * @param value operand.
     * @return {@code true} if it entered the ring.
     */
    public boolean publish(final int id, final int op, final long value)
    {
        return rings.publish(id, op, value);
    }

    /**
     * Removes a metric and all its series, if removal is allowed. Handles to them go stale: their updates are
     * counted as dropped ({@code reason="stale_series"}) and never reach a series that reuses the slot.
     *
     * @param name metric name.
     * @param type its type.
     * @return number of series removed.
     * @throws ResourceLimitException if removal is not allowed or no such metric exists.
     */
    public int remove(final String name, final MetricType type)
    {
        ensureOpen();
        if (!allowRemoval)
        {
            throw new ResourceLimitException(ErrorType.REMOVAL_NOT_ALLOWED, "cannot remove " + type.label() + " '" +
                name + "': metric removal is disabled (setAllowMetricRemoval(false) / PROMETHEUS_ALLOW_REMOVAL=false)");
        }
        final List<SeriesDescriptor> removed = registry.remove(name, type);
        for (final SeriesDescriptor series : removed)
        {
            if (writer != null) // a disabled engine has no writer to free slots, nor rings it drains
            {
                rings.publishControl(series.id(), UpdateOp.FREE_SERIES, 0L);
            }
        }
        return removed.size();
    }

    /**
     * @param allow whether {@link #remove(String, MetricType)} is allowed (default true).
     */
    public void setAllowMetricRemoval(final boolean allow)
    {
        this.allowRemoval = allow;
    }

    /** @return whether removal is allowed. */
    public boolean isMetricRemovalAllowed()
    {
        return allowRemoval;
    }

    /**
     * A consistent snapshot reflecting every update published before this call, waiting at most
     * {@link EngineConfig#snapshotTimeout()}.
     *
     * @return the snapshot.
     * @throws ExportException        if the writer did not answer in time.
     * @throws ResourceLimitException if the engine is closed.
     */
    public MetricsSnapshot snapshot()
    {
        return snapshot(config.snapshotTimeout());
    }

    /**
     * A consistent snapshot, waiting at most {@code timeout}.
     *
     * @param timeout longest wait.
     * @return the snapshot.
     */
    public MetricsSnapshot snapshot(final Duration timeout)
    {
        ensureOpen();
        for (final SnapshotSampler sampler : samplers)
        {
            try
            {
                sampler.sample();
            }
            catch (final RuntimeException ex)
            {
                errors.record(ErrorType.INVALID_VALUE, "sample", null);
            }
        }
        return await(false, timeout);
    }

    /**
     * Adds a source whose values are published just before every snapshot, on the snapshotting thread (see
     * {@link SnapshotSampler}).
     *
     * @param sampler the source.
     */
    public void addSampler(final SnapshotSampler sampler)
    {
        samplers.add(java.util.Objects.requireNonNull(sampler, "sampler"));
    }

    /**
     * @param sampler a source added with {@link #addSampler(SnapshotSampler)}; no effect if absent.
     */
    public void removeSampler(final SnapshotSampler sampler)
    {
        samplers.remove(sampler);
    }

    /**
     * Waits until every update published before this call is applied.
     *
     * @param timeout longest wait.
     */
    public void flush(final Duration timeout)
    {
        await(true, timeout);
    }

    /**
     * Waits until every update published before this call is applied, at most
     * {@link EngineConfig#snapshotTimeout()}.
     */
    public void flush()
    {
        flush(config.snapshotTimeout());
    }

    private MetricsSnapshot await(final boolean barrierOnly, final Duration timeout)
    {
        ensureOpen();
        if (writer == null)
        {
            throw new ResourceLimitException(ErrorType.ENGINE_CLOSED, health().reason());
        }
        try
        {
            return writer.requestSnapshot(barrierOnly).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new ExportException(ErrorType.SNAPSHOT_TIMEOUT,
                "the writer did not serve a snapshot within " + timeout.toMillis() + " ms");
        }
        catch (final ExecutionException ex)
        {
            if (!closed) // the writer ended by itself: wait for its last breath, which records the cause
            {
                awaitWriterTermination();
                throw new ResourceLimitException(ErrorType.ENGINE_CLOSED, writerDiedMessage(writerFailure));
            }
            throw closedException();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ExportException(ErrorType.SNAPSHOT_TIMEOUT, "interrupted while waiting for a snapshot");
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw closedException();
        }
    }

    static ResourceLimitException closedException()
    {
        return new ResourceLimitException(ErrorType.ENGINE_CLOSED, "the metrics engine is closed");
    }

    /** @return error counts, shared with the Metrics API and the exporters. */
    public ErrorCounters errors()
    {
        return errors;
    }

    /** @return the registry (families, counts, limits). */
    public SeriesRegistry registry()
    {
        return registry;
    }

    /** @return the settings. */
    public EngineConfig config()
    {
        return config;
    }

    /** @return whether {@link #close()} has been called. */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Applies everything published before this call, stops the writer and frees the off-heap store. Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        if (writer != null)
        {
            writer.stop();
            awaitWriterTermination();
        }
        rings.close(); // only now: BLOCK callers waiting for space must not drop while the writer still drains
    }

    /**
     * Accounting after close: what was published, applied and dropped, with what remained in rings counted as
     * dropped ({@code closed}). Also usable while running (then pending may be non-zero).
     *
     * @return stats.
     */
    public EngineStats stats()
    {
        if (writer == null)
        {
            return disabledStats();
        }
        if (!writer.isTerminated())
        {
            try
            {
                return snapshot().stats();
            }
            catch (final ResourceLimitException closing) // close() began: wait for the writer's final drain
            {
                awaitWriterTermination();
            }
        }
        return writer.finalStats();
    }

    /** A disabled engine applies nothing: what rings refused is dropped (ring_full), what they hold is pending. */
    private EngineStats disabledStats()
    {
        final long[][] dropped = new long[EngineStats.DropReason.values().length][UpdateOp.KIND_COUNT];
        long published = rings.publishedCount();
        for (int kind = 0; kind < UpdateOp.KIND_CONTROL; kind++)
        {
            dropped[EngineStats.DropReason.RING_FULL.ordinal()][kind] = rings.droppedFull(kind);
            published += rings.droppedFull(kind);
        }
        final long pending = rings.pendingCount();
        if (closed)
        {
            dropped[EngineStats.DropReason.CLOSED.ordinal()][UpdateOp.KIND_COUNTER] += pending;
        }
        final int[] ringCounts = rings.ringCounts();
        return new EngineStats(published, new long[UpdateOp.KIND_COUNT], dropped, closed ? 0 : pending, ringCounts[0],
            ringCounts[1], registry.budget().seriesCount(), registry.budget().metricCount(), 0, 0, rings.slotBytes(), 0);
    }

    private void awaitWriterTermination()
    {
        boolean interrupted = false;
        while (writerThread.isAlive())
        {
            try
            {
                writerThread.join();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
