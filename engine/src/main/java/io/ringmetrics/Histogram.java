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
    private static final byte[] NIBBLES = nibbles(); // hex digit values by character, -1 for the others
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
     * Observes a value made in a traced operation, keeping it as an exemplar: the latest exemplar of each classic
     * bucket is exposed with its trace and span ids (OpenMetrics and protobuf), so a dashboard can jump from a slow
     * bucket to a trace. Lock-free and allocation-free; it takes four ring slots instead of one (the ids travel as
     * three control updates before the observation). Opt-in by calling it: a series observed only with
     * {@link #observe(double)} has no exemplars and {@link #observe(double)} costs the same as without this method.
     * With a zero trace id (no valid trace), or when the ring has not four free slots, the value is observed without
     * exemplar.
     *
     * @param value     observation, as {@link #observe(double)}.
     * @param traceHigh high 64 bits of the 128-bit W3C trace id (its first 16 hex digits).
     * @param traceLow  low 64 bits of the trace id (its last 16 hex digits).
     * @param spanId    the 64-bit span id.
     */
    public void observe(final double value, final long traceHigh, final long traceLow, final long spanId)
    {
        if ((traceHigh | traceLow) == 0)
        {
            observe(value);
            return;
        }
        rings.publishWithExemplar(id, UpdateOp.HISTOGRAM_OBSERVE_EXEMPLAR, UpdateOp.HISTOGRAM_OBSERVE,
            Double.doubleToRawLongBits(value), traceHigh, traceLow, spanId);
    }

    /**
     * {@link #observe(double, long, long, long)} with the ids as hex text, as tracers hand them out (e.g.
     * OpenTelemetry's {@code SpanContext.getTraceId()} and {@code getSpanId()}); parsed without allocating. Ids that
     * are not 32 and 16 hex digits, or an all-zero trace id, give a plain {@link #observe(double)}.
     *
     * @param value   observation, as {@link #observe(double)}.
     * @param traceId the trace id, 32 hex digits.
     * @param spanId  the span id, 16 hex digits.
     */
    public void observe(final double value, final CharSequence traceId, final CharSequence spanId)
    {
        if (traceId == null || spanId == null || traceId.length() != 32 || spanId.length() != 16)
        {
            observe(value);
            return;
        }
        long high = 0;
        long low = 0;
        long span = 0;
        int invalid = 0; // negative once any character is not a hex digit
        for (int i = 0; i < 16; i++)
        {
            final int h = nibble(traceId.charAt(i));
            final int l = nibble(traceId.charAt(16 + i));
            final int s = nibble(spanId.charAt(i));
            invalid |= h | l | s;
            high = high << 4 | h;
            low = low << 4 | l;
            span = span << 4 | s;
        }
        if (invalid < 0)
        {
            observe(value);
            return;
        }
        observe(value, high, low, span);
    }

    /** The value of a hex digit, either case; -1 for any other character. */
    private static int nibble(final char c)
    {
        return c < NIBBLES.length ? NIBBLES[c] : -1;
    }

    private static byte[] nibbles()
    {
        final byte[] table = new byte[128];
        java.util.Arrays.fill(table, (byte)-1);
        for (int d = 0; d < 10; d++)
        {
            table['0' + d] = (byte)d;
        }
        for (int d = 0; d < 6; d++)
        {
            table['a' + d] = (byte)(10 + d);
            table['A' + d] = (byte)(10 + d);
        }
        return table;
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
