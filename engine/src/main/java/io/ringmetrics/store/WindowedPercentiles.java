package io.ringmetrics.store;

/**
 * Percentiles and max of one histogram series over a sliding time window: {@code slices} sub-windows of
 * {@code window / slices} each, numbered by {@code floor(time / sliceLength)} (their epoch) on a
 * {@link WindowClock}. The window is the current sub-window and the {@code slices - 1} before it, so it covers
 * between {@code window * (slices - 1) / slices} and {@code window} of the most recent recordings; every
 * {@code window / slices} the oldest sub-window leaves it and is recycled as the new current one.
 * <p>
 * <b>Rotation.</b> Lazy, on the writer: a recording whose time falls past the current sub-window moves to the
 * sub-window of its epoch, emptying it first if it held an older one ({@code slices} positions in a ring, one
 * time comparison per recording); {@link #expire()} empties the sub-windows that have left the window before a
 * sample. Nothing runs on a timer, an idle series costs nothing, and the caller never takes part.
 * <p>
 * <b>Memory.</b> A sub-window position gets its {@link SliceCounts} on its first recording (a series observed in
 * one burst holds one), and keeps it, recycled, from then on: no allocation in steady state.
 * <p>
 * <b>Reads.</b> Quantiles are computed the way {@link HistogramSeries} computes them for its since-start
 * {@code IntCountsHistogram} (same index layout, same rounding of thresholds, highest equivalent value), over the
 * counts of the live sub-windows added index by index, and clamped to the window's smallest and largest recorded
 * value. The max is the window's largest recorded value: exact when it is the series' largest observation (the
 * window holds the tick of the exact since-start max), else exact to the tick (1 ns for seconds), since only ticks
 * reach the window.
 * <p>
 * <b>Threading.</b> Writer thread only.
 */
final class WindowedPercentiles
{
    private final HdrIndex index;
    private final double ticksPerUnit;
    private final long highestTrackableTicks;
    private final WindowClock clock;
    private final long sliceNanos;
    private final SliceCounts[] slices;
    private final boolean listable;
    private SliceCounts current;
    private long currentStartNanos;
    private double max;

    /**
     * @param spec  shape: percentile precision and window (not zero).
     * @param clock time source, owned by the same thread.
     */
    WindowedPercentiles(final HistogramSpec spec, final WindowClock clock)
    {
        this.index = new HdrIndex(spec.lowestDiscernibleTicks(), spec.significantDigits());
        this.ticksPerUnit = spec.ticksPerUnit();
        this.highestTrackableTicks = spec.highestTrackableTicks();
        this.clock = clock;
        this.listable = index.indexOf(spec.highestTrackableTicks()) <= Character.MAX_VALUE;
        this.slices = new SliceCounts[spec.windowSlices()];
        this.sliceNanos = spec.window().toNanos() / slices.length;
    }

    /**
     * Records one value at the clock's time.
     *
     * @param ticks value in ticks, not negative.
     */
    void record(final long ticks)
    {
        final long now = clock.nowNanos();
        SliceCounts slice = current;
        final long age = now - currentStartNanos;
        if (slice == null || age < 0 || age >= sliceNanos)
        {
            slice = rotate(now);
        }
        slice.increment(index.indexOf(ticks), ticks);
    }

    private SliceCounts rotate(final long now)
    {
        final long epoch = Math.floorDiv(now, sliceNanos);
        final int position = (int)Math.floorMod(epoch, (long)slices.length);
        SliceCounts slice = slices[position];
        if (slice == null)
        {
            slice = new SliceCounts(index, listable);
            slices[position] = slice;
        }
        if (slice.epoch() != epoch)
        {
            slice.reset(epoch);
        }
        current = slice;
        currentStartNanos = epoch * sliceNanos;
        return slice;
    }

    /**
     * Empties the sub-windows that have left the window at the clock's time.
     *
     * @return whether any recording left the window (quantiles computed before are stale).
     */
    boolean expire()
    {
        final long oldestLive = Math.floorDiv(clock.nowNanos(), sliceNanos) - slices.length + 1;
        boolean expired = false;
        for (final SliceCounts slice : slices)
        {
            if (slice != null && slice.epoch() != SliceCounts.NO_EPOCH && slice.epoch() < oldestLive)
            {
                expired |= slice.total() > 0;
                slice.reset(SliceCounts.NO_EPOCH);
            }
        }
        return expired;
    }

    /**
     * Quantiles over the sub-windows still in the window; call {@link #expire()} first.
     *
     * The window's extremes are known in ticks; one in the same tick as the series' exact since-start extreme reads
     * as that exact value. Recordings clamped to the highest trackable value are not exact in ticks: when the window
     * holds one, its max is
     * the series' exact largest observation since start ({@code cumulativeMax}, which is at least the window's true
     * max), and when it holds only such values, its min is at least {@code cumulativeMin}; a single observation
     * above the range thus reads exactly, as without a window.
     *
     * @param quantiles     quantiles in {@code [0, 1]}.
     * @param cumulativeMin the series' exact smallest observation since start.
     * @param cumulativeMax the series' exact largest observation since start.
     * @return their values in the base unit, 0 for an empty window; {@link #max()} is updated.
     */
    double[] quantiles(final double[] quantiles, final double cumulativeMin, final double cumulativeMax)
    {
        final double[] values = new double[quantiles.length];
        long total = 0;
        long minTicks = Long.MAX_VALUE;
        long maxTicks = Long.MIN_VALUE;
        int lowest = Integer.MAX_VALUE;
        int highest = -1;
        for (final SliceCounts slice : slices)
        {
            if (slice != null && slice.total() > 0)
            {
                total += slice.total();
                minTicks = Math.min(minTicks, slice.minTicks());
                maxTicks = Math.max(maxTicks, slice.maxTicks());
                lowest = Math.min(lowest, slice.lowestIndex());
                highest = Math.max(highest, slice.highestIndex());
            }
        }
        if (total == 0)
        {
            max = 0.0;
            return values;
        }
        double min = minTicks / ticksPerUnit;
        max = maxTicks / ticksPerUnit;
        if (maxTicks >= highestTrackableTicks || maxTicks == Math.round(cumulativeMax * ticksPerUnit))
        {
            max = cumulativeMax;
        }
        if (minTicks >= highestTrackableTicks)
        {
            min = Math.max(min, cumulativeMin);
        }
        else if (minTicks == Math.round(cumulativeMin * ticksPerUnit))
        {
            min = cumulativeMin;
        }
        final long[] thresholds = new long[quantiles.length];
        for (int i = 0; i < quantiles.length; i++)
        {
            thresholds[i] = Math.max(1, (long)(quantiles[i] * total + 0.5)); // as getValueAtPercentile rounds
        }
        long cumulative = 0;
        int next = 0;
        for (int i = lowest; i <= highest && next < thresholds.length; i++)
        {
            for (final SliceCounts slice : slices)
            {
                if (slice != null && slice.total() > 0)
                {
                    cumulative += slice.countAt(i);
                }
            }
            while (next < thresholds.length && cumulative >= thresholds[next])
            {
                final double rounded = index.highestEquivalentValue(i) / ticksPerUnit;
                values[next++] = Math.min(max, Math.max(min, rounded));
            }
        }
        return values;
    }

    /** @return the largest value in the window at the last {@link #quantiles(double[], double, double)}, 0 if it was empty. */
    double max()
    {
        return max;
    }

    /** @return recordings currently in the window's sub-windows (call {@link #expire()} first). */
    long windowCount()
    {
        long total = 0;
        for (final SliceCounts slice : slices)
        {
            if (slice != null)
            {
                total += slice.total();
            }
        }
        return total;
    }

    /** @return approximate heap bytes of the window: this object, its ring and its sub-windows. */
    long footprintBytes()
    {
        long bytes = 56L + 16L + 4L * slices.length + 16L + 32L; // this, ring, index, clock share
        for (final SliceCounts slice : slices)
        {
            if (slice != null)
            {
                bytes += slice.footprintBytes();
            }
        }
        return bytes;
    }
}
