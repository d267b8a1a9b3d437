package io.ringmetrics.snapshot;

/**
 * Immutable exemplar: one observation with the trace and span it was made in, and when the writer applied it.
 * Ids are W3C trace context ids: a 128-bit trace id (two longs) and a 64-bit span id, shown as lower-case hex.
 */
public final class ExemplarSample
{
    private final double value;
    private final long traceHigh;
    private final long traceLow;
    private final long spanId;
    private final long timestampMillis;

    /**
     * @param value           the observation (or counter increment).
     * @param traceHigh       high 64 bits of the trace id.
     * @param traceLow        low 64 bits of the trace id.
     * @param spanId          the span id.
     * @param timestampMillis when the writer applied it, epoch milliseconds.
     */
    public ExemplarSample(
        final double value, final long traceHigh, final long traceLow, final long spanId, final long timestampMillis)
    {
        this.value = value;
        this.traceHigh = traceHigh;
        this.traceLow = traceLow;
        this.spanId = spanId;
        this.timestampMillis = timestampMillis;
    }

    /** @return the observed value. */
    public double value()
    {
        return value;
    }

    /** @return high 64 bits of the trace id. */
    public long traceHigh()
    {
        return traceHigh;
    }

    /** @return low 64 bits of the trace id. */
    public long traceLow()
    {
        return traceLow;
    }

    /** @return the span id. */
    public long spanId()
    {
        return spanId;
    }

    /** @return when the writer applied it, epoch milliseconds. */
    public long timestampMillis()
    {
        return timestampMillis;
    }

    /** @return the trace id as 32 lower-case hex digits. */
    public String traceIdHex()
    {
        return hex16(traceHigh) + hex16(traceLow);
    }

    /** @return the span id as 16 lower-case hex digits. */
    public String spanIdHex()
    {
        return hex16(spanId);
    }

    private static String hex16(final long bits)
    {
        final String digits = Long.toHexString(bits);
        return "0000000000000000".substring(digits.length()) + digits;
    }
}
