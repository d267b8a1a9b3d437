package io.ringmetrics.store;

import io.ringmetrics.snapshot.HistogramSample;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.IntCountsHistogram;

/**
 * State of one histogram series: exact count, sum, smallest and largest observation and per-bucket counts for
 * Prometheus, and an HdrHistogram for percentiles.
 * <p>
 * <b>What is observed.</b> Only values {@link #accepts(double) accepted} by this class: finite and not negative (a
 * duration, a size). The writer drops any other value before it reaches a series, and the name-based API refuses
 * it, so one negative observation can never make {@code _sum} go backwards. Values beyond the percentile range
 * ({@link HistogramSpec#highestTrackableTicks()}) are still exact in count, sum, buckets, min and max; only their
 * percentile recording is clamped.
 * <p>
 * <b>Percentile precision.</b> HdrHistogram reports the highest value equivalent to a recorded one, up to
 * {@code 10^-significantDigits} above it (12.5 s reads 12.549 s with 2 digits). Every quantile is therefore
 * clamped to the exact {@code [min, max]} of the series, so a single observation reads exactly as observed, and
 * the max is the exact largest observation, never the HdrHistogram's rounding of it.
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
    private final NativeBuckets nativeBuckets; // null when the spec has none
    private ExemplarSlots exemplars;           // created on the first exemplar
    private IntCountsHistogram percentiles;
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long clamped;
    private long sampledCount = -1;
    private double[] sampledQuantiles; // immutable once published in a sample

    /**
     * @param spec shape of the histogram.
     */
    public HistogramSeries(final HistogramSpec spec)
    {
        this.spec = spec;
        this.buckets = spec.bucketIndex();
        this.bucketCounts = new long[spec.bucketCount()];
        this.nativeBuckets = spec.newNativeBuckets();
        this.percentiles = newPercentileHistogram(spec);
    }

    /**
     * The one rule for every path that observes a histogram (handles, name-based calls, the writer): an
     * observation is finite and not negative. {@code -0.0} is accepted and recorded as {@code 0}.
     *
     * @param value a candidate observation.
     * @return whether it may be recorded; {@code false} for a negative value, {@code NaN} or an infinity.
     */
    public static boolean accepts(final double value)
    {
        return value >= 0.0 && value <= Double.MAX_VALUE; // false for NaN
    }

    /**
     * Records the exact part of one observation in the base unit (count, sum, min, max and bucket) and returns
     * it in percentile ticks, for {@link #recordPercentile(long)}.
     *
     * @param value observation, {@linkplain #accepts(double) accepted} (the caller checks: the writer drops
     *              any other value as {@code invalid_value} before calling).
     * @return the observation in ticks, clamped to the tracked range.
     */
    public long record(final double value)
    {
        final double v = value + 0.0; // -0.0 becomes 0.0
        return recordExact(v, Math.round(v * spec.ticksPerUnit()));
    }

    /**
     * {@link #record(double)} for a duration given in nanoseconds, for a histogram whose base unit is seconds.
     *
     * @param nanos duration in nanoseconds, not negative (the caller checks).
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
        if (value < min)
        {
            min = value;
        }
        if (value > max)
        {
            max = value;
        }
        bucketCounts[buckets.indexOf(value)]++;
        if (nativeBuckets != null)
        {
            nativeBuckets.record(value);
        }
        if (ticks > spec.highestTrackableTicks())
        {
            clamped++;
            return spec.highestTrackableTicks();
        }
        return ticks;
    }

    /**
     * Keeps an exemplar as the latest of the classic bucket its value falls in. The observation itself is recorded
     * by {@link #record(double)}, separately.
     *
     * @param value           the observation, {@linkplain #accepts(double) accepted}.
     * @param traceHigh       high 64 bits of the trace id.
     * @param traceLow        low 64 bits of the trace id.
     * @param spanId          span id.
     * @param timestampMillis when it was applied, epoch milliseconds.
     */
    public void keepExemplar(final double value, final long traceHigh, final long traceLow, final long spanId,
        final long timestampMillis)
    {
        if (exemplars == null)
        {
            exemplars = new ExemplarSlots(bucketCounts.length);
        }
        exemplars.keep(buckets.indexOf(value + 0.0), value + 0.0, traceHigh, traceLow, spanId, timestampMillis);
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
     * All quantiles come from one pass over the recorded values (which stops at the largest value), clamped to
     * the exact {@code [min, max]}, and are reused while the series has not changed since the previous sample, so
     * idle series cost no pass at all. The sample's max is the exact largest observation.
     *
     * @return the sample.
     */
    public HistogramSample sample()
    {
        if (count != sampledCount || sampledQuantiles == null)
        {
            sampledQuantiles = computeQuantiles();
            sampledCount = count;
        }
        return new HistogramSample(count, sum, bucketCounts.clone(), sampledQuantiles, count > 0 ? max : 0.0,
            nativeBuckets == null ? null : nativeBuckets.sample(), exemplars == null ? null : exemplars.sample());
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
                final double rounded = percentiles.highestEquivalentValue(value.getValueIteratedTo()) / scale;
                values[next++] = Math.min(max, Math.max(min, rounded));
            }
            if (next == thresholds.length)
            {
                break;
            }
        }
        return values;
    }

    /**
     * @return observations above the percentiles' tracked range (still exact in count, sum, buckets and max).
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
     * @return the exact smallest observation, {@code NaN} before the first one.
     */
    public double min()
    {
        return count > 0 ? min : Double.NaN;
    }

    /**
     * @return the exact largest observation, {@code NaN} before the first one.
     */
    public double max()
    {
        return count > 0 ? max : Double.NaN;
    }

    /**
     * Approximate heap footprint of this series in bytes.
     *
     * @return bytes.
     */
    public long footprintBytes()
    {
        return 80L + 16L + 8L * bucketCounts.length + percentiles.getEstimatedFootprintInBytes() +
            (nativeBuckets == null ? 0 : nativeBuckets.footprintBytes()) +
            (exemplars == null ? 0 : exemplars.footprintBytes());
    }

    /**
     * @return the shape.
     */
    public HistogramSpec spec()
    {
        return spec;
    }
}
