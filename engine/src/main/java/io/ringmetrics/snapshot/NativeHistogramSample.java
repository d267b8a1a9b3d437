package io.ringmetrics.snapshot;

/**
 * Immutable native (exponential-bucket) state of one histogram series at snapshot time, in Prometheus' terms: a
 * schema, a zero bucket and the non-empty buckets of each sign as ascending indexes with their counts (not
 * cumulative). Bucket {@code i} of schema {@code s} holds {@code 2^((i-1)/2^s) < |v| <= 2^(i/2^s)}. The counts add up
 * to the histogram's count together with {@link #zeroCount()}.
 */
public final class NativeHistogramSample
{
    private final int schema;
    private final double zeroThreshold;
    private final long zeroCount;
    private final int[] positiveIndexes;
    private final long[] positiveCounts;
    private final int[] negativeIndexes;
    private final long[] negativeCounts;

    /**
     * @param schema          the schema, -4..8.
     * @param zeroThreshold   largest magnitude counted in the zero bucket.
     * @param zeroCount       observations in the zero bucket.
     * @param positiveIndexes ascending indexes of the non-empty buckets of positive values; owned by the sample.
     * @param positiveCounts  their counts; owned by the sample.
     * @param negativeIndexes ascending indexes of the non-empty buckets of negative values; owned by the sample.
     * @param negativeCounts  their counts; owned by the sample.
     */
    public NativeHistogramSample(
        final int schema, final double zeroThreshold, final long zeroCount,
        final int[] positiveIndexes, final long[] positiveCounts,
        final int[] negativeIndexes, final long[] negativeCounts)
    {
        this.schema = schema;
        this.zeroThreshold = zeroThreshold;
        this.zeroCount = zeroCount;
        this.positiveIndexes = positiveIndexes;
        this.positiveCounts = positiveCounts;
        this.negativeIndexes = negativeIndexes;
        this.negativeCounts = negativeCounts;
    }

    /** @return the schema. */
    public int schema()
    {
        return schema;
    }

    /** @return the largest magnitude counted in the zero bucket. */
    public double zeroThreshold()
    {
        return zeroThreshold;
    }

    /** @return observations in the zero bucket. */
    public long zeroCount()
    {
        return zeroCount;
    }

    /** @return a copy of the ascending indexes of the non-empty positive buckets. */
    public int[] positiveIndexes()
    {
        return positiveIndexes.clone();
    }

    /** @return a copy of their counts. */
    public long[] positiveCounts()
    {
        return positiveCounts.clone();
    }

    /** @return a copy of the ascending indexes of the non-empty negative buckets. */
    public int[] negativeIndexes()
    {
        return negativeIndexes.clone();
    }

    /** @return a copy of their counts. */
    public long[] negativeCounts()
    {
        return negativeCounts.clone();
    }
}
