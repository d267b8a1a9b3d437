package io.ringmetrics;

import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.UpdateOp;

/**
 * Handle to one counter series. Thread-safe; each call publishes one {@code (id, op, value)} into the calling
 * thread's ring: no lock, no allocation, no CAS shared with other threads. The writer applies it shortly after.
 * A negative amount is not applied and is counted as dropped ({@code reason="invalid_value"}).
 */
public final class Counter
{
    private final RingDirectory rings;
    private final int id;
    private final SeriesDescriptor series;

    Counter(final RingDirectory rings, final SeriesDescriptor series)
    {
        this.rings = rings;
        this.id = series.id();
        this.series = series;
    }

    /** Adds one. */
    public void increment()
    {
        rings.publish(id, UpdateOp.COUNTER_ADD, 1L);
    }

    /**
     * Adds {@code amount}.
     *
     * @param amount non-negative amount.
     */
    public void increment(final long amount)
    {
        rings.publish(id, UpdateOp.COUNTER_ADD, amount);
    }

    /** @return the series this handle updates. */
    public SeriesDescriptor series()
    {
        return series;
    }
}
