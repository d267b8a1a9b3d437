package io.ringmetrics.store;

import io.ringmetrics.shm.StoreFile;
import io.ringmetrics.shm.StoreFileDescriptor;
import io.ringmetrics.snapshot.ExemplarSample;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.NativeHistogramSample;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.IntCountsHistogram;
import org.agrona.concurrent.UnsafeBuffer;

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
 * <b>Window.</b> With a percentile window ({@link HistogramSpec#window()} not zero, the default), the percentiles and
 * the max cover only the recent observations, kept in a {@link WindowedPercentiles} instead of the since-start
 * histogram described below, and timed by a {@link WindowClock}; count, sum, buckets and {@link #min()} /
 * {@link #max()} stay cumulative. A zero window keeps the since-start histogram.
 * <p>
 * <b>Threading.</b> Owned by the writer thread: recorded and sampled only there, so no field needs ordering.
 * <p>
 * <b>Footprint.</b> With the default window (5 sub-windows, see {@link SliceCounts}) a latency series (log-normal,
 * median 5 ms) holds about 1.3 KB at ~1 observation per second, 3.7 KB at ~17/s, 6.9 KB at ~80/s and 8.3 KB at
 * ~800/s (heap per series measured by {@code RingMetricsMemoryPerSeries}, registry and labels included; 7.4 KB
 * since start). Without one (zero window), the percentile
 * histogram is an {@link IntCountsHistogram} (4-byte counts) that starts tiny and
 * auto-resizes up to the largest value actually seen, clamped to the spec's highest trackable value. For latencies
 * in seconds (1 µs resolution, 2 digits) it holds about 6.5 KB when values stay under 100 ms, 8 KB under 1 s and
 * 10 KB under 10 s, instead of the ~28 KB of a flat {@code Histogram} over 1 µs..1 h. A {@code PackedHistogram}
 * would be smaller (~3 KB) but costs 80-150 ns per record and ~300 µs per percentile pass, too slow for the writer.
 * When one count would overflow an {@code int}, every count is halved (rounding up, so no recorded value
 * disappears): percentiles keep their shape, with older observations weighing a little less.
 * <p>
 * <b>Store file.</b> With {@code METRICS_SHM_DIR} set, {@link #mirrorTo} attaches the series to its record's
 * histogram area ({@link StoreFileDescriptor}): every observation then also stores count, sum and its bucket's count
 * there, under the area's sequence lock, so another process reads them exact and consistent.
 */
public final class HistogramSeries
{
    private final HistogramSpec spec;
    private final BucketIndex buckets;
    private final long[] bucketCounts;
    private IntCountsHistogram percentiles;      // since start (zero window), else null
    private final WindowedPercentiles window;   // null for a zero window
    private final NativeBuckets nativeBuckets;  // null when the spec has none
    private ExemplarSlots exemplars;            // created on the first exemplar
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long clamped;
    private long sampledCount = -1;
    private double[] sampledQuantiles; // immutable once published in a sample
    private UnsafeBuffer mirror;         // the store file, or null
    private int mirrorArea;
    private int mirrorCounts;            // offset of the bucket counts in the area, -1: buckets not in the file

    /**
     * A series on its own, whose percentile window (if any) reads {@link System#nanoTime()} at every recording.
     *
     * @param spec shape of the histogram.
     */
    public HistogramSeries(final HistogramSpec spec)
    {
        this(spec, WindowClock.live(System::nanoTime));
    }

    /**
     * @param spec  shape of the histogram.
     * @param clock the time of the percentile window's sub-windows (unused for a zero window), owned by the thread
     *              that owns this series.
     */
    public HistogramSeries(final HistogramSpec spec, final WindowClock clock)
    {
        this.spec = spec;
        this.buckets = spec.bucketIndex();
        this.bucketCounts = new long[spec.bucketCount()];
        this.window = spec.window().isZero() ? null : new WindowedPercentiles(spec, clock);
        this.percentiles = window == null ? newPercentileHistogram(spec) : null;
        this.nativeBuckets = spec.newNativeBuckets();
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
        final int bucket = buckets.indexOf(value);
        bucketCounts[bucket]++;
        if (mirror != null)
        {
            mirrorObservation(bucket);
        }
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
        if (window != null)
        {
            window.record(ticks);
            return;
        }
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

    private void mirrorObservation(final int bucket)
    {
        final UnsafeBuffer buffer = mirror;
        final int area = mirrorArea;
        final long sequence = StoreFile.beginHistogramWrite(buffer, area);
        buffer.putLong(area + StoreFileDescriptor.H_COUNT, count);
        buffer.putLong(area + StoreFileDescriptor.H_SUM, Double.doubleToRawLongBits(sum));
        if (mirrorCounts >= 0)
        {
            buffer.putLong(area + mirrorCounts + 8 * bucket, bucketCounts[bucket]);
        }
        StoreFile.endHistogramWrite(buffer, area, sequence);
    }

    /**
     * Writes this series' exact state (count, sum, bounds, bucket counts) into a store file's histogram area and
     * keeps it up to date from then on. Writer thread.
     *
     * @param buffer the mapped store file.
     * @param area   offset of the record's histogram area.
     */
    public void mirrorTo(final UnsafeBuffer buffer, final int area)
    {
        final double[] bounds = spec.bucketBounds();
        final int n = bounds.length <= StoreFileDescriptor.MAX_FINITE_BOUNDS ? bounds.length : 0;
        final long sequence = StoreFile.beginHistogramWrite(buffer, area);
        buffer.putLong(area + StoreFileDescriptor.H_COUNT, count);
        buffer.putLong(area + StoreFileDescriptor.H_SUM, Double.doubleToRawLongBits(sum));
        buffer.putInt(area + StoreFileDescriptor.H_BOUNDS_COUNT, n);
        final int counts = StoreFileDescriptor.H_BOUNDS + 8 * n;
        for (int i = 0; i < n; i++)
        {
            buffer.putLong(area + StoreFileDescriptor.H_BOUNDS + 8 * i, Double.doubleToRawLongBits(bounds[i]));
        }
        for (int i = 0; i <= n; i++)
        {
            buffer.putLong(area + counts + 8 * i, n == bounds.length ? bucketCounts[i] : count);
        }
        StoreFile.endHistogramWrite(buffer, area, sequence);
        this.mirror = buffer;
        this.mirrorArea = area;
        this.mirrorCounts = n == bounds.length ? counts : -1;
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
     * idle series cost no pass at all. The sample's max is the exact largest observation. With a percentile window,
     * quantiles and max cover the window at the clock's time (see {@link WindowedPercentiles}) and are reused while
     * nothing was recorded and nothing left the window.
     *
     * @return the sample.
     */
    public HistogramSample sample()
    {
        if (window != null)
        {
            if (window.expire() || count != sampledCount || sampledQuantiles == null)
            {
                sampledQuantiles = window.quantiles(HistogramSpec.QUANTILES, min, max);
                sampledCount = count;
            }
            return new HistogramSample(count, sum, bucketCounts.clone(), sampledQuantiles, window.max(),
                count > 0 ? min : 0.0, count > 0 ? max : 0.0, nativeSample(), exemplarSample());
        }
        if (count != sampledCount || sampledQuantiles == null)
        {
            sampledQuantiles = computeQuantiles();
            sampledCount = count;
        }
        return new HistogramSample(count, sum, bucketCounts.clone(), sampledQuantiles, count > 0 ? max : 0.0,
            count > 0 ? min : 0.0, count > 0 ? max : 0.0, nativeSample(), exemplarSample());
    }

    private NativeHistogramSample nativeSample()
    {
        return nativeBuckets == null ? null : nativeBuckets.sample();
    }

    private ExemplarSample[] exemplarSample()
    {
        return exemplars == null ? null : exemplars.sample();
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
     * @return observations the percentiles cover now: those in the window (after emptying the sub-windows that
     *         left it), or every observation for a zero window.
     */
    long windowCount()
    {
        if (window == null)
        {
            return count;
        }
        window.expire();
        return window.windowCount();
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
        return 96L + 16L + 8L * bucketCounts.length +
            (window != null ? window.footprintBytes() : percentiles.getEstimatedFootprintInBytes()) +
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
