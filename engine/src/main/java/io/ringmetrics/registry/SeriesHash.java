package io.ringmetrics.registry;

/**
 * The hash of a series: metric name plus label pairs, independent of the order in which the pairs are given.
 * <p>
 * Each pair is hashed on its own ({@link #pair}: the name's hash scaled, xor the value's) and the pair hashes are
 * summed, so any permutation of the pairs gives the same sum, while the xor keeps the sum from being linear in the
 * values (swapping values between label names changes it). The sum and the scaled name hash are added and
 * multiplied by a golden-ratio constant ({@link #of}), so that the high bits, which pick the table slot
 * ({@link SeriesIndex}), depend on every input bit. Only {@link String#hashCode()} is read, which the
 * {@link String} caches: hashing a call's labels is a few multiplications on a short dependency chain, no
 * allocation.
 * <p>
 * Stateless and thread-safe. Equal hashes do not imply equal series; callers compare the strings.
 */
final class SeriesHash
{
    private static final int PAIR_SCALE = 0x85EBCA6B;
    private static final int NAME_SCALE = 0xC2B2AE35;
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
        return (name.hashCode() * PAIR_SCALE) ^ value.hashCode();
    }

    /**
     * @param metricName metric name, not {@code null}.
     * @param pairSum    sum of {@link #pair} over the label pairs, 0 for none.
     * @return the series hash.
     */
    static int of(final String metricName, final int pairSum)
    {
        return (metricName.hashCode() * NAME_SCALE + pairSum) * GOLDEN;
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
}
