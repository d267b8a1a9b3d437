package io.ringmetrics;

import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.UpdateOp;

/**
 * Handle to one gauge series. Thread-safe, lock-free and allocation-free like {@link Counter}. Updates from one
 * thread apply in program order; sets from different threads apply in the order the writer drains them. A
 * non-finite value is not applied and is counted as dropped ({@code reason="invalid_value"}).
 */
public final class Gauge
{
    private final RingDirectory rings;
    private final int id;
    private final SeriesDescriptor series;

    Gauge(final RingDirectory rings, final SeriesDescriptor series)
    {
        this.rings = rings;
        this.id = series.id();
        this.series = series;
    }

    /**
     * @param value new value, finite.
     */
    public void set(final double value)
    {
        rings.publish(id, UpdateOp.GAUGE_SET, Double.doubleToRawLongBits(value));
    }

    /** Adds one. */
    public void increment()
    {
        rings.publish(id, UpdateOp.GAUGE_ADD, Double.doubleToRawLongBits(1.0));
    }

    /**
     * @param amount amount to add, finite, may be negative.
     */
    public void increment(final double amount)
    {
        rings.publish(id, UpdateOp.GAUGE_ADD, Double.doubleToRawLongBits(amount));
    }

    /** Subtracts one. */
    public void decrement()
    {
        rings.publish(id, UpdateOp.GAUGE_ADD, Double.doubleToRawLongBits(-1.0));
    }

    /**
     * @param amount amount to subtract, finite.
     */
    public void decrement(final double amount)
    {
        rings.publish(id, UpdateOp.GAUGE_ADD, Double.doubleToRawLongBits(-amount));
    }

    /** @return the series this handle updates. */
    public SeriesDescriptor series()
    {
        return series;
    }
}
