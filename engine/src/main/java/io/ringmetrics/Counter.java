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

    /**
     * Adds {@code amount} made in a traced operation, keeping it as the series' exemplar (the latest one is exposed
     * with its trace and span ids in OpenMetrics and protobuf). Lock-free and allocation-free; four ring slots
     * instead of one (see {@link Histogram#observe(double, long, long, long)}); {@link #increment(long)} is
     * unchanged. With a zero trace id, or when the ring has not four free slots, the amount is added without
     * exemplar.
     *
     * @param amount    non-negative amount.
     * @param traceHigh high 64 bits of the 128-bit W3C trace id.
     * @param traceLow  low 64 bits of the trace id.
     * @param spanId    the 64-bit span id.
     */
    public void increment(final long amount, final long traceHigh, final long traceLow, final long spanId)
    {
        if ((traceHigh | traceLow) == 0)
        {
            increment(amount);
            return;
        }
        rings.publishWithExemplar(id, UpdateOp.COUNTER_ADD_EXEMPLAR, UpdateOp.COUNTER_ADD, amount,
            traceHigh, traceLow, spanId);
    }

    /** @return the series this handle updates. */
    public SeriesDescriptor series()
    {
        return series;
    }
}
