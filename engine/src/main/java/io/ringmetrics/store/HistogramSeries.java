package io.ringmetrics.store;

import io.ringmetrics.snapshot.HistogramSample;
import org.HdrHistogram.PackedHistogram;

/**
 * State of one histogram series: exact count, sum and per-bucket counts for Prometheus, and a compact
 * {@link PackedHistogram} for percentiles.
 * <p>
 * <b>Threading.</b> Owned by the writer thread: recorded and sampled only there, so no field needs ordering.
 * A {@code PackedHistogram} grows with the range of values actually seen, which keeps a typical latency series
 * at a few KB instead of the ~37 KB of a flat {@code Histogram} over 1 ns..1 h.
 */
public final class HistogramSeries
{
    private final HistogramSpec spec;
    private final double[] bounds;
    private final long[] bucketCounts;
    private final PackedHistogram percentiles;
    private long count;
    private double sum;
    private long clamped;

    /**
     * @param spec shape of the histogram.
     */
    public HistogramSeries(final HistogramSpec spec)
    {
        this.spec = spec;
        this.bounds = spec.bucketBoundsNoCopy();
        this.bucketCounts = new long[bounds.length + 1];
        this.percentiles = new PackedHistogram(
            spec.lowestDiscernibleTicks(), spec.highestTrackableTicks(), spec.significantDigits());
    }

    /**
     * Records one finite observation in the base unit.
     *
     * @param value observation, finite.
     */
    public void record(final double value)
    {
        recordTicks(value, Math.round(value * spec.ticksPerUnit()));
    }

    /**
     * Records one duration given in nanoseconds, for a histogram whose base unit is seconds.
     *
     * @param nanos duration in nanoseconds.
     */
    public void recordNanos(final long nanos)
    {
        final double seconds = nanos / 1e9;
        recordTicks(seconds, spec.ticksPerUnit() == 1e9 ? nanos : Math.round(seconds * spec.ticksPerUnit()));
    }

    private void recordTicks(final double value, final long ticks)
    {
        count++;
        sum += value;
        bucketCounts[bucketIndex(value)]++;
        long clampedTicks = ticks;
        if (ticks < 0)
        {
            clampedTicks = 0;
            clamped++;
        }
        else if (ticks > spec.highestTrackableTicks())
        {
            clampedTicks = spec.highestTrackableTicks();
            clamped++;
        }
        percentiles.recordValue(clampedTicks);
    }

    private int bucketIndex(final double value)
    {
        final double[] bounds = this.bounds;
        int low = 0;
        int high = bounds.length; // index bounds.length is +Inf
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (value <= bounds[mid])
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }

    /**
     * Copies the exact state and computes percentiles into an immutable sample. Writer thread only.
     *
     * @return the sample.
     */
    public HistogramSample sample()
    {
        final double[] quantiles = HistogramSpec.QUANTILES;
        final double[] values = new double[quantiles.length];
        final double scale = spec.ticksPerUnit();
        if (count > 0)
        {
            for (int i = 0; i < quantiles.length; i++)
            {
                values[i] = percentiles.getValueAtPercentile(quantiles[i] * 100.0) / scale;
            }
        }
        final double max = count > 0 ? percentiles.getMaxValue() / scale : 0.0;
        return new HistogramSample(count, sum, bucketCounts.clone(), values, max);
    }

    /**
     * @return observations whose ticks were outside the tracked range (still exact in buckets and sum).
     */
    public long clampedCount()
    {
        return clamped;
    }

    /**
     * @return number of observations.
     */
    public long count()
    {
        return count;
    }

    /**
     * Approximate heap footprint of this series in bytes.
     *
     * @return bytes.
     */
    public long footprintBytes()
    {
        return 64L + 16L + 8L * bucketCounts.length + percentiles.getEstimatedFootprintInBytes();
    }

    /**
     * @return the shape.
     */
    public HistogramSpec spec()
    {
        return spec;
    }
}
