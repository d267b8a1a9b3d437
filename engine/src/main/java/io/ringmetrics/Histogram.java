package io.ringmetrics;

import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.UpdateOp;

/**
 * Handle to one histogram series. Thread-safe, lock-free and allocation-free like {@link Counter}: the caller pays
 * one ring publish; bucket search, sum, min, max and the HdrHistogram record happen on the writer thread.
 * <p>
 * An observation is finite and not negative (a duration, a size). Any other value, negative, {@code NaN} or
 * infinite, never touches the series: the writer drops it and counts it in
 * {@code metrics_updates_dropped_total{reason="invalid_value"}}, the same rule as the name-based
 * {@link Metrics#observeHistogram(String, double, String...)}, which refuses it before publishing.
 */
public final class Histogram
{
    private final RingDirectory rings;
    private final int id;
    private final SeriesDescriptor series;

    Histogram(final RingDirectory rings, final SeriesDescriptor series)
    {
        this.rings = rings;
        this.id = series.id();
        this.series = series;
    }

    /**
     * @param value observation in the histogram's base unit (seconds by default), finite and not negative
     *              (otherwise dropped as {@code invalid_value}).
     */
    public void observe(final double value)
    {
        rings.publish(id, UpdateOp.HISTOGRAM_OBSERVE, Double.doubleToRawLongBits(value));
    }

    /**
     * Observes a duration measured with {@link System#nanoTime()}, for histograms in seconds.
     *
     * @param nanos duration in nanoseconds, not negative (a negative duration is dropped as {@code invalid_value}).
     */
    public void observeNanos(final long nanos)
    {
        rings.publish(id, UpdateOp.HISTOGRAM_OBSERVE_NANOS, nanos);
    }

    /** @return the series this handle updates. */
    public SeriesDescriptor series()
    {
        return series;
    }
}
