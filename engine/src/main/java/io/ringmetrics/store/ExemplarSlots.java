package io.ringmetrics.store;

import io.ringmetrics.snapshot.ExemplarSample;

/**
 * The latest exemplar of each classic bucket of one histogram series (or of one counter series, with one slot):
 * value, trace id, span id and time, in parallel primitive arrays. Created on a series' first exemplar, so a series
 * that never gets one costs nothing; {@code 40} bytes per bucket once it does.
 * <p>
 * <b>Threading.</b> Owned by the writer thread.
 */
public final class ExemplarSlots
{
    private final double[] values;
    private final long[] traceHigh;
    private final long[] traceLow;
    private final long[] spanIds;
    private final long[] timestamps; // 0: no exemplar in that slot yet

    /**
     * @param slots number of slots (a histogram's bucket count including {@code +Inf}, or 1).
     */
    public ExemplarSlots(final int slots)
    {
        values = new double[slots];
        traceHigh = new long[slots];
        traceLow = new long[slots];
        spanIds = new long[slots];
        timestamps = new long[slots];
    }

    /**
     * Keeps an exemplar in a slot, replacing the one there.
     *
     * @param slot            bucket index.
     * @param value           the observation.
     * @param high            high 64 bits of the trace id.
     * @param low             low 64 bits of the trace id.
     * @param spanId          span id.
     * @param timestampMillis epoch milliseconds, positive.
     */
    public void keep(final int slot, final double value, final long high, final long low, final long spanId,
        final long timestampMillis)
    {
        values[slot] = value;
        traceHigh[slot] = high;
        traceLow[slot] = low;
        spanIds[slot] = spanId;
        timestamps[slot] = timestampMillis;
    }

    /**
     * @return an immutable copy: one element per slot, {@code null} where none was kept.
     */
    public ExemplarSample[] sample()
    {
        final ExemplarSample[] result = new ExemplarSample[values.length];
        for (int i = 0; i < result.length; i++)
        {
            if (timestamps[i] != 0)
            {
                result[i] = new ExemplarSample(values[i], traceHigh[i], traceLow[i], spanIds[i], timestamps[i]);
            }
        }
        return result;
    }

    /** @return approximate heap bytes. */
    public long footprintBytes()
    {
        return 40L + 5 * (16L + 8L * values.length);
    }
}
