package io.ringmetrics.store;

import io.ringmetrics.snapshot.HistogramSample;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.IntCountsHistogram;

/**
 * State of one histogram series: exact count, sum and per-bucket counts for Prometheus, and an HdrHistogram for
 * percentiles.
 * <p>
 * <b>Threading.</b> Owned by the writer thread: recorded and sampled only there, so no field needs ordering.
 * <p>
 * <b>Footprint.</b> The percentile histogram is an {@link IntCountsHistogram} (4-byte counts) that starts tiny and
 * auto-resizes up to the largest value actually seen, clamped to the spec's highest trackable value. For latencies
 * in seconds (1 µs resolution, 2 digits) it holds about 6.5 KB when values stay under 100 ms, 8 KB under 1 s and
 * 10 KB under 10 s, instead of the ~28 KB of a flat {@code Histogram} over 1 µs..1 h. A {@code PackedHistogram}
 * would be smaller (~3 KB) but costs 80-150 ns per record and ~300 µs per percentile pass, too slow for the writer.
 * When one count would overflow an {@code int}, every count is halved (rounding up, so no recorded value
 * disappears): percentiles keep their shape, with older observations weighing a little less.
 */
public final class HistogramSeries
{
    private final HistogramSpec spec;
    private final BucketIndex buckets;
    private final long[] bucketCounts;
    private IntCountsHistogram percentiles;
    private long count;
    private double sum;
    private long clamped;
    private long sampledCount = -1;
    private double[] sampledQuantiles; // immutable once published in a sample
    private double sampledMax;

    /**
     * @param spec shape of the histogram.
     */
    public HistogramSeries(final HistogramSpec spec)
    {
        this.spec = spec;
        this.buckets = spec.bucketIndex();
        this.bucketCounts = new long[spec.bucketCount()];
        this.percentiles = newPercentileHistogram(spec);
    }

    /**
     * Records the exact part of one finite observation in the base unit (count, sum and bucket) and returns it
     * in percentile ticks, for {@link #recordPercentile(long)}.
     *
     * @param value observation, finite.
     * @return the observation in ticks, clamped to the tracked range.
     */
    public long record(final double value)
    {
        return recordExact(value, Math.round(value * spec.ticksPerUnit()));
    }

    /**
     * {@link #record(double)} for a duration given in nanoseconds, for a histogram whose base unit is seconds.
     *
     * @param nanos duration in nanoseconds.
     * @return the observation in ticks, clamped to the tracked range.
     */
    public long recordNanos(final long nanos)
    {
        final double seconds = nanos / 1e9;
        return recordExact(seconds, spec.ticksPerUnit() == 1e9 ? nanos : Math.round(seconds * spec.ticksPerUnit()));
    }

    private long recordExact(final double value, final long ticks)
    {
        count++;
        sum += value;
        bucketCounts[buckets.indexOf(value)]++;
        if (ticks < 0)
        {
            clamped++;
            return 0;
        }
        if (ticks > spec.highestTrackableTicks())
        {
            clamped++;
            return spec.highestTrackableTicks();
        }
        return ticks;
    }

    /**
     * Records one observation in the percentiles. The writer may defer this call (see
     * {@code io.ringmetrics.writer.PercentileBatch}), but must make it before the next {@link #sample()}.
     *
     * @param ticks a value returned by {@link #record(double)} or {@link #recordNanos(long)}.
     */
    public void recordPercentile(final long ticks)
    {
        try
        {
            percentiles.recordValue(ticks);
        }
        catch (final IllegalStateException overflow) // one int count is full: nothing was recorded
        {
            halveCounts();
            percentiles.recordValue(ticks);
        }
    }

    private static IntCountsHistogram newPercentileHistogram(final HistogramSpec spec)
    {
        final IntCountsHistogram histogram = new IntCountsHistogram(
            spec.lowestDiscernibleTicks(), 2 * spec.lowestDiscernibleTicks(), spec.significantDigits());
        histogram.setAutoResize(true);
        return histogram;
    }

    private void halveCounts()
    {
        final IntCountsHistogram halved = newPercentileHistogram(spec);
        for (final HistogramIterationValue value : percentiles.recordedValues())
        {
            halved.recordValueWithCount(value.getValueIteratedTo(), (value.getCountAtValueIteratedTo() + 1) / 2);
        }
        percentiles = halved;
        sampledCount = -1;
    }

    /**
     * Copies the exact state and computes percentiles into an immutable sample. Writer thread only, after every
     * deferred {@link #recordPercentile(long)} of this series.
     * <p>
     * All quantiles come from one pass over the recorded values (which stops at the largest value), and are
     * reused while the series has not changed since the previous sample, so idle series cost no pass at all.
     *
     * @return the sample.
     */
    public HistogramSample sample()
    {
        if (count != sampledCount || sampledQuantiles == null)
        {
            sampledQuantiles = computeQuantiles();
            sampledMax = count > 0 ? percentiles.getMaxValue() / spec.ticksPerUnit() : 0.0;
            sampledCount = count;
        }
        return new HistogramSample(count, sum, bucketCounts.clone(), sampledQuantiles, sampledMax);
    }

    private double[] computeQuantiles()
    {
        final double[] quantiles = HistogramSpec.QUANTILES;
        final double[] values = new double[quantiles.length];
        final long total = percentiles.getTotalCount();
        if (total == 0)
        {
            return values;
        }
        final long[] thresholds = new long[quantiles.length];
        for (int i = 0; i < quantiles.length; i++)
        {
            thresholds[i] = Math.max(1, (long)(quantiles[i] * total + 0.5)); // as getValueAtPercentile rounds
        }
        final double scale = spec.ticksPerUnit();
        long cumulative = 0;
        int next = 0;
        for (final HistogramIterationValue value : percentiles.recordedValues())
        {
            cumulative += value.getCountAddedInThisIterationStep();
            while (next < thresholds.length && cumulative >= thresholds[next])
            {
                values[next++] = percentiles.highestEquivalentValue(value.getValueIteratedTo()) / scale;
            }
            if (next == thresholds.length)
            {
                break;
            }
        }
        return values;
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
