package io.ringmetrics.snapshot;

/**
 * Immutable state of one histogram series at snapshot time.
 * <p>
 * {@code bucketCounts} are per bucket (not cumulative), in the order of the family's bounds, the last one being
 * {@code +Inf}; they always add up to {@link #count()}. Count, sum, buckets, {@link #min()} and {@link #lifetimeMax()}
 * are exact and cumulative. Quantile values and {@link #max()} cover the histogram's percentile window
 * ({@code HistogramSpec.window()}; since the series was created for a zero window) and read 0 while it holds no
 * observation. Quantiles are in the base unit and come from the HdrHistogram, so they carry its precision (2
 * significant digits by default: up to 1 % above the true value), clamped to the smallest and largest observation of
 * the window; a series with one observation reads that exact value at every quantile.
 */
public final class HistogramSample
{
    private final long count;
    private final double sum;
    private final long[] bucketCounts;
    private final double[] quantileValues;
    private final double max;
    private final double min;
    private final double lifetimeMax;
    private final NativeHistogramSample nativeBuckets;
    private final ExemplarSample[] exemplars;

    /**
     * A sample whose window is its whole life (or whose smallest and largest observations are not known): the min
     * reads 0 and the lifetime max equals {@code max}; no native buckets, no exemplars.
     *
     * @param count          observations.
     * @param sum            sum of observations.
     * @param bucketCounts   per-bucket counts, last is {@code +Inf}; owned by the sample.
     * @param quantileValues values at {@code HistogramSpec.QUANTILES}; owned by the sample.
     * @param max            largest observation of the percentile window, 0 if it holds none.
     */
    public HistogramSample(
        final long count, final double sum, final long[] bucketCounts, final double[] quantileValues, final double max)
    {
        this(count, sum, bucketCounts, quantileValues, max, 0.0, max, null, null);
    }

    /**
     * @param count          observations.
     * @param sum            sum of observations.
     * @param bucketCounts   per-bucket counts, last is {@code +Inf}; owned by the sample.
     * @param quantileValues values at {@code HistogramSpec.QUANTILES}; owned by the sample.
     * @param max            largest observation of the percentile window, 0 if it holds none.
     * @param min            exact smallest observation since the series started, 0 if empty.
     * @param lifetimeMax    exact largest observation since the series started, 0 if empty.
     * @param nativeBuckets  the exponential buckets of the same observations, or {@code null} if not kept.
     * @param exemplars      the latest exemplar per classic bucket ({@code null} elements where none), or
     *                       {@code null} if the series never had one; owned by the sample.
     */
    public HistogramSample(
        final long count, final double sum, final long[] bucketCounts, final double[] quantileValues, final double max,
        final double min, final double lifetimeMax, final NativeHistogramSample nativeBuckets,
        final ExemplarSample[] exemplars)
    {
        this.count = count;
        this.sum = sum;
        this.bucketCounts = bucketCounts;
        this.quantileValues = quantileValues;
        this.max = max;
        this.min = min;
        this.lifetimeMax = lifetimeMax;
        this.nativeBuckets = nativeBuckets;
        this.exemplars = exemplars;
    }

    /** @return number of observations. */
    public long count()
    {
        return count;
    }

    /** @return sum of observations. */
    public double sum()
    {
        return sum;
    }

    /** @return number of buckets including {@code +Inf}. */
    public int bucketCount()
    {
        return bucketCounts.length;
    }

    /**
     * @param i bucket index.
     * @return observations in that bucket only.
     */
    public long bucketCountAt(final int i)
    {
        return bucketCounts[i];
    }

    /** @return a copy of the per-bucket counts. */
    public long[] bucketCounts()
    {
        return bucketCounts.clone();
    }

    /**
     * @param i index into {@code HistogramSpec.QUANTILES}.
     * @return value at that quantile.
     */
    public double quantileValue(final int i)
    {
        return quantileValues[i];
    }

    /** @return the exact smallest observation since the series started, 0 if empty. */
    public double min()
    {
        return min;
    }

    /** @return the exact largest observation since the series started, 0 if empty (OTLP's cumulative max). */
    public double lifetimeMax()
    {
        return lifetimeMax;
    }

    /**
     * @return the largest observation of the percentile window (exact when it is the series' largest, else to the
     *         tick), 0 if the window holds none.
     */
    public double max()
    {
        return max;
    }

    /** @return the native (exponential) buckets of the same observations, or {@code null} if the series keeps none. */
    public NativeHistogramSample nativeBuckets()
    {
        return nativeBuckets;
    }

    /** @return whether any bucket has an exemplar. */
    public boolean hasExemplars()
    {
        return exemplars != null;
    }

    /**
     * @param i bucket index, as {@link #bucketCountAt(int)}.
     * @return the latest exemplar whose value fell in that bucket, or {@code null}.
     */
    public ExemplarSample exemplarAt(final int i)
    {
        return exemplars == null ? null : exemplars[i];
    }
}
