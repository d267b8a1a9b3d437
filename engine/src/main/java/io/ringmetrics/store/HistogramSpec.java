package io.ringmetrics.store;

import java.time.Duration;
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
 * <b>Percentile window.</b> The percentiles and the max cover a sliding window ({@link #withWindow(Duration, int)}):
 * the current sub-window and the {@code slices - 1} before it, each {@code window / slices} long, so they cover
 * between {@code window * (slices - 1) / slices} and {@code window} of the most recent observations. A zero window
 * covers every observation since the series was created. A spec built without a window takes the engine's default
 * ({@code METRICS_HISTOGRAM_WINDOW_SECONDS}, {@code METRICS_HISTOGRAM_WINDOW_SLICES}; {@link #DEFAULT_WINDOW} and
 * {@link #DEFAULT_WINDOW_SLICES} when those are not set) when it is registered. Count, sum and buckets are always
 * cumulative.
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

    /** Default percentile window ({@code METRICS_HISTOGRAM_WINDOW_SECONDS}): the last 60 s. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

    /** Default number of sub-windows the window slides by ({@code METRICS_HISTOGRAM_WINDOW_SLICES}). */
    public static final int DEFAULT_WINDOW_SLICES = 5;

    /** Most sub-windows of one window. */
    public static final int MAX_WINDOW_SLICES = 60;

    /** Longest percentile window: one day. */
    public static final Duration MAX_WINDOW = Duration.ofDays(1);

    /** Shortest sub-window (window / slices): 1 ms. */
    public static final Duration MIN_WINDOW_SLICE = Duration.ofMillis(1);

    /**
     * Seconds with nanosecond ticks, 1 µs .. 1 h, 2 significant digits, Prometheus default buckets, the engine's
     * default percentile window.
     */
    public static final HistogramSpec DEFAULT_SECONDS =
        new HistogramSpec(DEFAULT_BUCKETS, 1e9, 1_000L, 3_600_000_000_000L, 2);

    /** Initial schema of native buckets (client_java's default): a growth factor of {@code 2^(1/32)}, ~2.2 %. */
    public static final int DEFAULT_NATIVE_SCHEMA = 5;
    /** Widest range of native bucket indexes per sign before their resolution is halved (client_java's 160). */
    public static final int DEFAULT_NATIVE_MAX_BUCKETS = 160;
    private static final int NO_NATIVE = Integer.MIN_VALUE;
    private static final long WINDOW_NOT_SET = -1;

    private final double[] bucketBounds;
    private final BucketIndex bucketIndex;
    private final int nativeSchema;     // NO_NATIVE: no native buckets
    private final int nativeMaxBuckets;
    private final double ticksPerUnit;
    private final long lowestDiscernibleTicks;
    private final long highestTrackableTicks;
    private final int significantDigits;
    private final long windowNanos;  // WINDOW_NOT_SET: the engine's default
    private final int windowSlices;

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
        this(bucketBounds, ticksPerUnit, lowestDiscernibleTicks, highestTrackableTicks, significantDigits,
            WINDOW_NOT_SET, DEFAULT_WINDOW_SLICES);
    }

    private HistogramSpec(
        final double[] bucketBounds,
        final double ticksPerUnit,
        final long lowestDiscernibleTicks,
        final long highestTrackableTicks,
        final int significantDigits,
        final long windowNanos,
        final int windowSlices)
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
        this.windowNanos = windowNanos;
        this.windowSlices = windowSlices;
        this.nativeSchema = DEFAULT_NATIVE_SCHEMA;
        this.nativeMaxBuckets = DEFAULT_NATIVE_MAX_BUCKETS;
    }

    private HistogramSpec(
        final HistogramSpec spec, final long windowNanos, final int windowSlices, final int nativeSchema,
        final int nativeMaxBuckets)
    {
        this.bucketBounds = spec.bucketBounds;
        this.bucketIndex = spec.bucketIndex;
        this.ticksPerUnit = spec.ticksPerUnit;
        this.lowestDiscernibleTicks = spec.lowestDiscernibleTicks;
        this.highestTrackableTicks = spec.highestTrackableTicks;
        this.significantDigits = spec.significantDigits;
        this.windowNanos = windowNanos;
        this.windowSlices = windowSlices;
        this.nativeSchema = nativeSchema;
        this.nativeMaxBuckets = nativeMaxBuckets;
    }

    /**
     * This spec with its own percentile window, which the engine's default does not override.
     *
     * @param window length of the window the percentiles and the max cover: {@link Duration#ZERO} for every
     *               observation since the series was created, else up to {@link #MAX_WINDOW}.
     * @param slices sub-windows it slides by, 1..{@link #MAX_WINDOW_SLICES} (1 = a tumbling window that empties
     *               at each rotation); each at least {@link #MIN_WINDOW_SLICE} long. Ignored for a zero window.
     * @return a new spec.
     * @throws IllegalArgumentException naming the value and what is allowed.
     */
    public HistogramSpec withWindow(final Duration window, final int slices)
    {
        final String problem = windowProblem(window, slices);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem);
        }
        return new HistogramSpec(this, window.toNanos(), window.isZero() ? DEFAULT_WINDOW_SLICES : slices,
            nativeSchema, nativeMaxBuckets);
    }

    /**
     * Why a window is not allowed, for {@link #withWindow(Duration, int)} and the environment parser.
     *
     * @param window window length.
     * @param slices sub-windows.
     * @return a one-line reason naming the value and what is allowed, or {@code null} if it is allowed.
     */
    public static String windowProblem(final Duration window, final int slices)
    {
        if (window == null || window.isNegative() || window.compareTo(MAX_WINDOW) > 0)
        {
            return "the percentile window must be between 0 (since start) and " + MAX_WINDOW.toSeconds() +
                " s, was " + window;
        }
        if (window.isZero())
        {
            return null;
        }
        if (slices < 1 || slices > MAX_WINDOW_SLICES)
        {
            return "the percentile window's slices must be between 1 and " + MAX_WINDOW_SLICES + ", was " + slices;
        }
        if (window.toNanos() / slices < MIN_WINDOW_SLICE.toNanos())
        {
            return "each of the percentile window's slices must last at least " + MIN_WINDOW_SLICE.toMillis() +
                " ms, was " + window + " / " + slices;
        }
        return null;
    }

    /**
     * This spec, with the window of {@code defaults} if it has none of its own (the built-in default if neither
     * has one): what a registered histogram uses, so two specs that differ only in having the default window set or
     * not register as the same.
     *
     * @param defaults the engine's default spec.
     * @return this or a copy.
     */
    public HistogramSpec withDefaultWindow(final HistogramSpec defaults)
    {
        return windowNanos != WINDOW_NOT_SET ? this :
            new HistogramSpec(this, defaults.window().toNanos(), defaults.windowSlices(), nativeSchema,
                nativeMaxBuckets);
    }

    /**
     * @return length of the percentile window, {@link Duration#ZERO} for since start; {@link #DEFAULT_WINDOW}
     *         when none was set.
     */
    public Duration window()
    {
        return Duration.ofNanos(windowNanos == WINDOW_NOT_SET ? DEFAULT_WINDOW.toNanos() : windowNanos);
    }

    /**
     * @return sub-windows of the percentile window ({@link #DEFAULT_WINDOW_SLICES} when none was set).
     */
    public int windowSlices()
    {
        return windowNanos == WINDOW_NOT_SET ? DEFAULT_WINDOW_SLICES : windowSlices;
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
        return new HistogramSpec(this, windowNanos, windowSlices, schema, maxBuckets);
    }

    /**
     * This spec without native buckets: the writer keeps only the classic buckets and percentiles, and the protobuf
     * exposition has classic buckets only.
     *
     * @return a new spec.
     */
    public HistogramSpec withoutNativeBuckets()
    {
        return new HistogramSpec(this, windowNanos, windowSlices, NO_NATIVE, 0);
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
            windowNanos == that.windowNanos &&
            windowSlices == that.windowSlices &&
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
            (windowNanos == WINDOW_NOT_SET ? "" : ", window=" + window() + "/" + windowSlices) +
            (hasNativeBuckets() ? ", native=" + nativeSchema + "/" + nativeMaxBuckets : ", native=off") + '}';
    }
}
