package io.ringmetrics.store;

import java.util.Arrays;

/**
 * Immutable shape of a histogram metric: its exact Prometheus bucket boundaries and the HdrHistogram used for
 * percentiles.
 * <p>
 * Observations are in a base unit (seconds by default). For percentiles they are recorded as integer ticks,
 * {@code round(value * ticksPerUnit)}, in an auto-resizing {@link org.HdrHistogram.IntCountsHistogram}
 * with {@code lowestDiscernibleTicks} resolution and {@code significantDigits} digits, which grows up to
 * {@code highestTrackableTicks}; values above it are clamped for the percentiles only. Count, sum, buckets, min and
 * max stay exact for every observation (finite and not negative, see {@link HistogramSeries#accepts(double)}).
 * <p>
 * Every observation is also counted exactly in exponential buckets for Prometheus native histograms
 * ({@link NativeBuckets}): schema {@link #DEFAULT_NATIVE_SCHEMA} and at most {@link #DEFAULT_NATIVE_MAX_BUCKETS}
 * bucket indexes per sign by default, as client_java's defaults; see {@link #withNativeBuckets(int, int)} and
 * {@link #withoutNativeBuckets()}.
 */
public final class HistogramSpec
{
    /** Prometheus client default buckets, in seconds. */
    public static final double[] DEFAULT_BUCKETS =
        { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0 };

    /** Percentiles reported by snapshots, as quantiles in {@code [0, 1]}; max is reported separately. */
    public static final double[] QUANTILES = { 0.5, 0.9, 0.99, 0.999 };

    /** Seconds with nanosecond ticks, 1 µs .. 1 h, 2 significant digits, Prometheus default buckets. */
    public static final HistogramSpec DEFAULT_SECONDS =
        new HistogramSpec(DEFAULT_BUCKETS, 1e9, 1_000L, 3_600_000_000_000L, 2);

    /** Initial schema of native buckets (client_java's default): a growth factor of {@code 2^(1/32)}, ~2.2 %. */
    public static final int DEFAULT_NATIVE_SCHEMA = 5;
    /** Widest range of native bucket indexes per sign before their resolution is halved (client_java's 160). */
    public static final int DEFAULT_NATIVE_MAX_BUCKETS = 160;
    private static final int NO_NATIVE = Integer.MIN_VALUE;

    private final double[] bucketBounds;
    private final BucketIndex bucketIndex;
    private final int nativeSchema;     // NO_NATIVE: no native buckets
    private final int nativeMaxBuckets;
    private final double ticksPerUnit;
    private final long lowestDiscernibleTicks;
    private final long highestTrackableTicks;
    private final int significantDigits;

    /**
     * @param bucketBounds           finite upper bounds, strictly increasing, without {@code +Inf}.
     * @param ticksPerUnit           ticks per base unit, e.g. {@code 1e9} for seconds recorded as nanoseconds.
     * @param lowestDiscernibleTicks lowest value the percentiles distinguish, in ticks, at least 1.
     * @param highestTrackableTicks  highest value tracked for percentiles, in ticks, at least twice the lowest.
     * @param significantDigits      HdrHistogram precision, 1..5 (2 keeps the footprint small).
     */
    public HistogramSpec(
        final double[] bucketBounds,
        final double ticksPerUnit,
        final long lowestDiscernibleTicks,
        final long highestTrackableTicks,
        final int significantDigits)
    {
        if (bucketBounds.length == 0)
        {
            throw new IllegalArgumentException("a histogram needs at least one finite bucket boundary");
        }
        for (int i = 0; i < bucketBounds.length; i++)
        {
            if (!Double.isFinite(bucketBounds[i]))
            {
                throw new IllegalArgumentException(
                    "bucket boundaries must be finite (+Inf is implicit), was " + bucketBounds[i]);
            }
            if (i > 0 && bucketBounds[i] <= bucketBounds[i - 1])
            {
                throw new IllegalArgumentException(
                    "bucket boundaries must be strictly increasing: " + Arrays.toString(bucketBounds));
            }
        }
        if (!(ticksPerUnit > 0) || Double.isInfinite(ticksPerUnit))
        {
            throw new IllegalArgumentException("ticksPerUnit must be positive and finite, was " + ticksPerUnit);
        }
        if (lowestDiscernibleTicks < 1 || highestTrackableTicks < 2 * lowestDiscernibleTicks)
        {
            throw new IllegalArgumentException("need 1 <= lowestDiscernibleTicks and highestTrackableTicks >= 2 x" +
                " lowest, was " + lowestDiscernibleTicks + ".." + highestTrackableTicks);
        }
        if (significantDigits < 1 || significantDigits > 5)
        {
            throw new IllegalArgumentException("significantDigits must be 1..5, was " + significantDigits);
        }
        this.bucketBounds = bucketBounds.clone();
        this.bucketIndex = new BucketIndex(this.bucketBounds);
        this.ticksPerUnit = ticksPerUnit;
        this.lowestDiscernibleTicks = lowestDiscernibleTicks;
        this.highestTrackableTicks = highestTrackableTicks;
        this.significantDigits = significantDigits;
        this.nativeSchema = DEFAULT_NATIVE_SCHEMA;
        this.nativeMaxBuckets = DEFAULT_NATIVE_MAX_BUCKETS;
    }

    private HistogramSpec(final HistogramSpec spec, final int nativeSchema, final int nativeMaxBuckets)
    {
        this.bucketBounds = spec.bucketBounds;
        this.bucketIndex = spec.bucketIndex;
        this.ticksPerUnit = spec.ticksPerUnit;
        this.lowestDiscernibleTicks = spec.lowestDiscernibleTicks;
        this.highestTrackableTicks = spec.highestTrackableTicks;
        this.significantDigits = spec.significantDigits;
        this.nativeSchema = nativeSchema;
        this.nativeMaxBuckets = nativeMaxBuckets;
    }

    /**
     * This spec with native (exponential) buckets of another resolution.
     *
     * @param schema     initial schema, {@link NativeBuckets#MIN_SCHEMA}..{@link NativeBuckets#MAX_SCHEMA}: bucket
     *                   boundaries grow by a factor {@code 2^(2^-schema)}.
     * @param maxBuckets widest range of bucket indexes per sign before the resolution is halved, at least 1.
     * @return a new spec.
     */
    public HistogramSpec withNativeBuckets(final int schema, final int maxBuckets)
    {
        new NativeBuckets(schema, maxBuckets); // validates
        return new HistogramSpec(this, schema, maxBuckets);
    }

    /**
     * This spec without native buckets: the writer keeps only the classic buckets and percentiles, and the protobuf
     * exposition has classic buckets only.
     *
     * @return a new spec.
     */
    public HistogramSpec withoutNativeBuckets()
    {
        return new HistogramSpec(this, NO_NATIVE, 0);
    }

    /** @return whether observations are also counted in native buckets. */
    public boolean hasNativeBuckets()
    {
        return nativeSchema != NO_NATIVE;
    }

    /** @return the initial native schema; meaningless without {@link #hasNativeBuckets()}. */
    public int nativeSchema()
    {
        return nativeSchema;
    }

    /** @return the widest range of native bucket indexes per sign; meaningless without {@link #hasNativeBuckets()}. */
    public int nativeMaxBuckets()
    {
        return nativeMaxBuckets;
    }

    /** @return new, empty native buckets of this spec, or {@code null} without {@link #hasNativeBuckets()}. */
    NativeBuckets newNativeBuckets()
    {
        return hasNativeBuckets() ? new NativeBuckets(nativeSchema, nativeMaxBuckets) : null;
    }

    /**
     * The default spec with other bucket boundaries (seconds).
     *
     * @param bucketBounds finite upper bounds, strictly increasing.
     * @return a new spec.
     */
    public static HistogramSpec secondsWithBuckets(final double... bucketBounds)
    {
        return new HistogramSpec(bucketBounds, 1e9, 1_000L, 3_600_000_000_000L, 2);
    }

    /**
     * A copy of the bucket upper bounds, without {@code +Inf}.
     *
     * @return bounds.
     */
    public double[] bucketBounds()
    {
        return bucketBounds.clone();
    }

    BucketIndex bucketIndex()
    {
        return bucketIndex;
    }

    /**
     * Number of buckets including {@code +Inf}.
     *
     * @return bucket count.
     */
    public int bucketCount()
    {
        return bucketBounds.length + 1;
    }

    /**
     * @return ticks per base unit.
     */
    public double ticksPerUnit()
    {
        return ticksPerUnit;
    }

    /**
     * @return lowest discernible value in ticks.
     */
    public long lowestDiscernibleTicks()
    {
        return lowestDiscernibleTicks;
    }

    /**
     * @return highest trackable value in ticks.
     */
    public long highestTrackableTicks()
    {
        return highestTrackableTicks;
    }

    /**
     * @return HdrHistogram significant digits.
     */
    public int significantDigits()
    {
        return significantDigits;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof HistogramSpec))
        {
            return false;
        }
        final HistogramSpec that = (HistogramSpec)o;
        return Arrays.equals(bucketBounds, that.bucketBounds) &&
            ticksPerUnit == that.ticksPerUnit &&
            lowestDiscernibleTicks == that.lowestDiscernibleTicks &&
            highestTrackableTicks == that.highestTrackableTicks &&
            significantDigits == that.significantDigits &&
            nativeSchema == that.nativeSchema &&
            nativeMaxBuckets == that.nativeMaxBuckets;
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(bucketBounds) * 31 + Double.hashCode(ticksPerUnit);
    }

    @Override
    public String toString()
    {
        return "HistogramSpec{buckets=" + Arrays.toString(bucketBounds) + ", ticksPerUnit=" + ticksPerUnit +
            ", ticks=" + lowestDiscernibleTicks + ".." + highestTrackableTicks + ", digits=" + significantDigits +
            (hasNativeBuckets() ? ", native=" + nativeSchema + "/" + nativeMaxBuckets : ", native=off") + '}';
    }
}
