package io.ringmetrics.registry;

/**
 * The hash of a series: metric name plus label pairs, independent of the order in which the pairs are given.
 * <p>
 * Each pair is hashed on its own ({@link #pair}) and the pair hashes are summed, so any permutation of the pairs
 * gives the same sum; the sum and the name are then mixed once more ({@link #of}). The pair hash mixes name and
 * value non-linearly, so swapping values between label names changes the hash. Only {@link String#hashCode()} is
 * read, which the {@link String} caches: hashing a call's labels costs a few multiplications and no allocation.
 * <p>
 * Stateless and thread-safe. Equal hashes do not imply equal series; callers compare the strings.
 */
final class SeriesHash
{
    private static final int GOLDEN = 0x9E3779B9;

    private SeriesHash()
    {
    }

    /**
     * @param name  label name, not {@code null}.
     * @param value label value, not {@code null}.
     * @return the hash of one pair, to be summed with the other pairs' hashes.
     */
    static int pair(final String name, final String value)
    {
        return mix(name.hashCode() * GOLDEN + value.hashCode());
    }

    /**
     * @param metricName metric name, not {@code null}.
     * @param pairSum    sum of {@link #pair} over the label pairs, 0 for none.
     * @return the series hash.
     */
    static int of(final String metricName, final int pairSum)
    {
        return mix(metricName.hashCode() * GOLDEN + pairSum);
    }

    /**
     * @param metricName metric name.
     * @param labelNames label names.
     * @param labelValues label values, in the order of {@code labelNames}.
     * @return the series hash, the same as for these pairs in any order.
     */
    static int of(final String metricName, final String[] labelNames, final String[] labelValues)
    {
        int sum = 0;
        for (int i = 0; i < labelNames.length; i++)
        {
            sum += pair(labelNames[i], labelValues[i]);
        }
        return of(metricName, sum);
    }

    /**
     * @param metricName metric name.
     * @param pairs      name/value pairs, none {@code null}, even length.
     * @return the series hash.
     */
    static int ofPairs(final String metricName, final String[] pairs)
    {
        int sum = 0;
        for (int i = 0; i < pairs.length; i += 2)
        {
            sum += pair(pairs[i], pairs[i + 1]);
        }
        return of(metricName, sum);
    }

    /**
     * Finalisation step of MurmurHash3 (public domain): spreads every input bit over the whole word.
     */
    private static int mix(final int h)
    {
        int x = h;
        x ^= x >>> 16;
        x *= 0x85EBCA6B;
        x ^= x >>> 13;
        x *= 0xC2B2AE35;
        x ^= x >>> 16;
        return x;
    }
}
