package io.ringmetrics.store;

import io.ringmetrics.snapshot.NativeHistogramSample;

/**
 * Exact counts per exponential bucket of one histogram series, for Prometheus native histograms.
 * <p>
 * <b>Buckets.</b> With schema {@code s} (from {@link #MIN_SCHEMA} to {@link #MAX_SCHEMA}) the growth factor is
 * {@code base = 2^(2^-s)} and bucket {@code i} holds the values {@code v} with {@code base^(i-1) < |v| <= base^i},
 * in a positive or a negative set by the sign of {@code v}; values with {@code |v| <= }{@link #ZERO_THRESHOLD} are
 * counted in the zero bucket. These are Prometheus' bucket boundaries, so each count is exact (no interpolation from
 * another histogram). An observation's index is found from its binary exponent and a table indexed by the top
 * {@code s + 1} bits of its mantissa, then one compare with a boundary: no logarithm, no search.
 * <p>
 * <b>Bounded memory.</b> Each sign's counts live in one dense array that covers the indexes from the smallest to the
 * largest non-empty bucket. When an observation would make that range wider than {@code maxBuckets} indexes, the
 * resolution is halved (schema minus one, every two neighbouring buckets merged into one) until it fits, as
 * client_java does when a histogram has more than its maximum number of buckets; the schema never goes below
 * {@link #MIN_SCHEMA}, where the whole range of doubles fits in 132 buckets. So a series holds at most
 * {@code max(maxBuckets, 132)} counts per sign. Unlike client_java, the bound is on the range of indexes, not on the
 * number of non-empty buckets (a dense array costs no hashing per observation); a few far outliers reduce the
 * resolution sooner than they would there.
 * <p>
 * <b>Threading.</b> Owned by the writer thread, like {@link HistogramSeries}: no field needs ordering.
 */
public final class NativeBuckets
{
    /** Lowest schema: a growth factor of {@code 2^16} per bucket. */
    public static final int MIN_SCHEMA = -4;
    /** Highest schema: a growth factor of {@code 2^(1/256)} per bucket. */
    public static final int MAX_SCHEMA = 8;
    /** Values with {@code |v|} at most this are counted in the zero bucket: {@code 2^-128}, Prometheus' default. */
    public static final double ZERO_THRESHOLD = 0x1p-128;

    /** Counts allocated up front for positive values: a typical latency range at schema 4 or 5. */
    private static final int INITIAL_POSITIVE_CAPACITY = 128;
    private static final long MANTISSA_BITS = 0x000F_FFFF_FFFF_FFFFL;
    private static final long ONE_BITS = 0x3FF0_0000_0000_0000L;
    private static final double[][] BOUNDARIES = boundaryTables();
    private static final int[][] FIRST_BOUNDARY_IN_CELL = cellTables();

    private final int maxBuckets;
    private int schema;
    private long zeroCount;
    private final Span positive;
    private final Span negative = new Span(0);

    /**
     * @param schema     initial schema, {@link #MIN_SCHEMA}..{@link #MAX_SCHEMA}.
     * @param maxBuckets widest range of bucket indexes kept per sign before the resolution is halved, at least 1.
     */
    public NativeBuckets(final int schema, final int maxBuckets)
    {
        if (schema < MIN_SCHEMA || schema > MAX_SCHEMA)
        {
            throw new IllegalArgumentException(
                "native histogram schema must be " + MIN_SCHEMA + ".." + MAX_SCHEMA + ", was " + schema);
        }
        if (maxBuckets < 1)
        {
            throw new IllegalArgumentException("native histogram max buckets must be at least 1, was " + maxBuckets);
        }
        this.schema = schema;
        this.maxBuckets = maxBuckets;
        // allocated with this object, so the writer's first touch of a series brings them into cache together
        this.positive = new Span(Math.min(INITIAL_POSITIVE_CAPACITY, Integer.highestOneBit(maxBuckets - 1) << 1));
    }

    /**
     * Counts one observation.
     *
     * @param value a finite value (the caller checks; the engine records only finite, not negative values).
     */
    public void record(final double value)
    {
        final double magnitude = Math.abs(value);
        if (magnitude <= ZERO_THRESHOLD)
        {
            zeroCount++;
            return;
        }
        final Span span = value > 0 ? positive : negative;
        int index = indexOf(magnitude, schema);
        if (index >= span.lowest && index <= span.highest) // the common case: within the buckets already in use
        {
            span.counts[index - span.offset]++;
            return;
        }
        while (!span.fits(index, maxBuckets) && schema > MIN_SCHEMA)
        {
            halveResolution();
            index = indexOf(magnitude, schema);
        }
        span.increment(index);
    }

    /**
     * The bucket of a value: the {@code i} with {@code base^(i-1) < magnitude <= base^i}, {@code base = 2^(2^-schema)}.
     *
     * @param magnitude a finite value above {@link #ZERO_THRESHOLD} (so a normal double).
     * @param schema    {@link #MIN_SCHEMA}..{@link #MAX_SCHEMA}.
     * @return the bucket index.
     */
    public static int indexOf(final double magnitude, final int schema)
    {
        final long bits = Double.doubleToRawLongBits(magnitude);
        final int exponent = (int)(bits >>> 52) - 1023; // magnitude = mantissa * 2^exponent, mantissa in [1, 2)
        if (schema > 0)
        {
            // The mantissa's top schema + 1 bits pick a cell narrower than the gap between two boundaries, so the
            // cell's first boundary at or above its start, or the next one, is the answer: one compare, no search.
            final int cell = (int)(bits >>> (52 - schema - 1)) & ((2 << schema) - 1);
            final int candidate = FIRST_BOUNDARY_IN_CELL[schema][cell];
            final double mantissa = Double.longBitsToDouble((bits & MANTISSA_BITS) | ONE_BITS);
            return (exponent << schema) + candidate + (mantissa > BOUNDARIES[schema][candidate] ? 1 : 0);
        }
        final boolean powerOfTwo = (bits & MANTISSA_BITS) == 0;
        final int log2Ceiling = powerOfTwo ? exponent : exponent + 1; // ceil(log2(magnitude))
        return (log2Ceiling + (1 << -schema) - 1) >> -schema;          // ceil(log2Ceiling / 2^-schema)
    }

    /** {@code BOUNDARIES[s][j] = 2^(j / 2^s)} for {@code j = 0..2^s}, schema {@code s > 0}. */
    private static double[][] boundaryTables()
    {
        final double[][] tables = new double[MAX_SCHEMA + 1][];
        for (int s = 1; s <= MAX_SCHEMA; s++)
        {
            final int n = 1 << s;
            tables[s] = new double[n + 1];
            for (int j = 0; j <= n; j++)
            {
                tables[s][j] = Math.pow(2.0, (double)j / n);
            }
            tables[s][0] = 1.0;
            tables[s][n] = 2.0;
        }
        return tables;
    }

    /**
     * {@code [s][c]}: the smallest {@code j} with {@code BOUNDARIES[s][j]} at or above {@code 1 + c / 2^(s+1)}, the
     * start of mantissa cell {@code c}. Cells are {@code 2^-(s+1)} wide, less than the smallest gap between two
     * boundaries ({@code 2^(2^-s) - 1 > ln 2 / 2^s}), so a cell holds at most one boundary.
     */
    private static int[][] cellTables()
    {
        final int[][] tables = new int[MAX_SCHEMA + 1][];
        for (int s = 1; s <= MAX_SCHEMA; s++)
        {
            final int cells = 2 << s;
            tables[s] = new int[cells];
            int j = 0;
            for (int c = 0; c < cells; c++)
            {
                final double start = 1.0 + (double)c / cells; // exact: a dyadic fraction
                while (BOUNDARIES[s][j] < start)
                {
                    j++;
                }
                tables[s][c] = j;
            }
        }
        return tables;
    }

    private void halveResolution()
    {
        positive.halve();
        negative.halve();
        schema--;
    }

    /** @return the current schema (lower than the initial one once the resolution was reduced). */
    public int schema()
    {
        return schema;
    }

    /** @return observations counted in the zero bucket. */
    public long zeroCount()
    {
        return zeroCount;
    }

    /**
     * An immutable copy of the non-empty buckets.
     *
     * @return the sample.
     */
    public NativeHistogramSample sample()
    {
        return new NativeHistogramSample(schema, ZERO_THRESHOLD, zeroCount,
            positive.indexes(), positive.counts(), negative.indexes(), negative.counts());
    }

    /**
     * @return approximate heap bytes of this object and its arrays.
     */
    public long footprintBytes()
    {
        return 40L + positive.footprintBytes() + negative.footprintBytes();
    }

    /** Counts of one sign: a dense array over the indexes {@code offset .. offset + counts.length - 1}. */
    private static final class Span
    {
        private long[] counts;
        private int offset;
        private int lowest = Integer.MAX_VALUE;  // smallest non-empty index
        private int highest = Integer.MIN_VALUE; // largest non-empty index

        Span(final int capacity)
        {
            counts = new long[capacity];
        }

        boolean fits(final int index, final int maxBuckets)
        {
            return lowest > highest || (long)Math.max(highest, index) - Math.min(lowest, index) < maxBuckets;
        }

        void increment(final int index)
        {
            if (index < offset || index >= offset + counts.length)
            {
                cover(index);
            }
            counts[index - offset]++;
            lowest = Math.min(lowest, index);
            highest = Math.max(highest, index);
        }

        /** Grows the array (doubling) to cover {@code index} as well as every non-empty bucket. */
        private void cover(final int index)
        {
            if (lowest > highest && counts.length > 0)
            {
                offset = index - counts.length / 2; // the first bucket: centre the preallocated counts on it
                return;
            }
            final int low = Math.min(lowest, index);
            final int high = Math.max(highest, index);
            final int needed = high - low + 1;
            int capacity = Math.max(8, counts.length);
            while (capacity < needed)
            {
                capacity *= 2;
            }
            final long[] grown = new long[capacity];
            final int newOffset;
            if (lowest > highest)
            {
                newOffset = index - capacity / 2; // first bucket: room on both sides
            }
            else if (index < lowest)
            {
                newOffset = high - capacity + 1;  // growing downwards: room below
            }
            else
            {
                newOffset = low;                  // growing upwards: room above
            }
            if (lowest <= highest)
            {
                System.arraycopy(counts, lowest - offset, grown, lowest - newOffset, highest - lowest + 1);
            }
            counts = grown;
            offset = newOffset;
        }

        /** Merges buckets {@code 2j - 1} and {@code 2j} into bucket {@code j}: the next lower schema. */
        void halve()
        {
            if (lowest > highest)
            {
                return;
            }
            final int newLowest = (lowest + 1) >> 1;
            final int newHighest = (highest + 1) >> 1;
            final long[] merged = new long[Math.max(8, Integer.highestOneBit(newHighest - newLowest + 1) << 1)];
            for (int i = lowest; i <= highest; i++)
            {
                merged[((i + 1) >> 1) - newLowest] += counts[i - offset];
            }
            counts = merged;
            offset = newLowest;
            lowest = newLowest;
            highest = newHighest;
        }

        int[] indexes()
        {
            int n = 0;
            for (int i = lowest; i <= highest; i++)
            {
                n += counts[i - offset] != 0 ? 1 : 0;
            }
            final int[] result = new int[n];
            n = 0;
            for (int i = lowest; i <= highest; i++)
            {
                if (counts[i - offset] != 0)
                {
                    result[n++] = i;
                }
            }
            return result;
        }

        long[] counts()
        {
            int n = 0;
            for (int i = lowest; i <= highest; i++)
            {
                n += counts[i - offset] != 0 ? 1 : 0;
            }
            final long[] result = new long[n];
            n = 0;
            for (int i = lowest; i <= highest; i++)
            {
                if (counts[i - offset] != 0)
                {
                    result[n++] = counts[i - offset];
                }
            }
            return result;
        }

        long footprintBytes()
        {
            return 32L + 16L + 8L * counts.length;
        }
    }
}
