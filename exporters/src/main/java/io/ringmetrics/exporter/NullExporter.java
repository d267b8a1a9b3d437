package io.ringmetrics.exporter;

import io.ringmetrics.MetricsEngine;
import io.ringmetrics.MetricsExporter;

import java.util.Objects;

/**
 * Accepts everything and sends nothing: no thread, no socket, no snapshot. For tests, and as the safe fallback
 * when the configured exporter cannot be created. Metrics still accumulate in the engine, so
 * {@link MetricsEngine#snapshot()} keeps working.
 * <p>
 * <b>Threading.</b> Thread-safe; every method returns at once and never fails, except that {@link #start} rejects
 * a {@code null} engine.
 */
public final class NullExporter implements MetricsExporter
{
    /** Exporter name. */
    public static final String NAME = "null";

    private volatile MetricsEngine engine;
    private volatile boolean closed;

    /** An exporter not yet started. */
    public NullExporter()
    {
    }

    @Override
    public String name()
    {
        return NAME;
    }

    /**
     * Remembers the engine; exports nothing. Calling it again, or after close, is harmless.
     *
     * @param engine the running engine.
     */
    @Override
    public void start(final MetricsEngine engine)
    {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** @return the engine given to {@link #start}, or {@code null}. */
    public MetricsEngine engine()
    {
        return engine;
    }

    /** @return whether {@link #close()} was called. */
    public boolean isClosed()
    {
        return closed;
    }

    /** Does nothing but remember it was called. Idempotent. */
    @Override
    public void close()
    {
        closed = true;
    }

    @Override
    public String toString()
    {
        return "NullExporter";
    }
}
