package io.ringmetrics;

import io.ringmetrics.error.ErrorCounters;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ExportException;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.UpdateOp;
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
 *                                                          <--- snapshot request / MetricsSnapshot ---> exporter
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
 */
public final class MetricsEngine implements AutoCloseable
{
    private final EngineConfig config;
    private final SeriesRegistry registry;
    private final RingDirectory rings;
    private final MetricsWriter writer;
    private final Thread writerThread;
    private final ErrorCounters errors = new ErrorCounters();
    private final List<SnapshotSampler> samplers = new CopyOnWriteArrayList<>();
    private volatile boolean allowRemoval = true;
    private volatile boolean closed;

    private MetricsEngine(final EngineConfig config)
    {
        this.config = config;
        final int capacity = SeriesRegistry.slotCapacity(config.limits());
        final SlotAllocator slots = new SlotAllocator(capacity);
        this.registry = new SeriesRegistry(config.limits(), slots, MetaMetrics.RESERVED_NAMES, config.defaultHistogram());
        this.rings = new RingDirectory(
            config.initialRingSize(), config.ringSize(), config.maxPooledRings(), config.backpressure());
        final long cleanupNanos = config.limits().enableMetricCleanup() ?
            TimeUnit.SECONDS.toNanos(config.limits().cleanupIntervalSeconds()) : 0;
        this.writer = new MetricsWriter(registry, rings, new ValueStore(capacity),
            config.idleStrategy().create(config.maxIdleParkNanos()), cleanupNanos);
        this.writerThread = new Thread(writer, "ringmetrics-writer");
        this.writerThread.setDaemon(true);
    }

    /**
     * Creates an engine and starts its writer thread.
     *
     * @param config settings.
     * @return the running engine.
     */
    public static MetricsEngine start(final EngineConfig config)
    {
        final MetricsEngine engine = new MetricsEngine(config);
        engine.writerThread.start();
        return engine;
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
        return registry.register(type, name, help, spec, labelPairs);
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
            rings.publishControl(series.id(), UpdateOp.FREE_SERIES, 0L);
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

    private static ResourceLimitException closedException()
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
        writer.stop();
        awaitWriterTermination();
        rings.close(); // only now: BLOCK callers waiting for space must not drop while the writer still drains
    }

    /**
     * Accounting after close: what was published, applied and dropped, with what remained in rings counted as
     * dropped ({@code closed}). Also usable while running (then pending may be non-zero).
     *
     * @return stats.
     */
    public io.ringmetrics.snapshot.EngineStats stats()
    {
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
