package io.ringmetrics.registry;

import org.agrona.UnsafeApi;

import java.lang.reflect.Field;

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
 * The lookups read a string's cached hash directly ({@link #cachedOrZero}), and go to {@code hashCode()} only if one
 * of their strings has none yet. Every inlined {@code hashCode()} carries the loop that hashes a string's bytes:
 * that method's branch profile is the whole JVM's, where strings without a cached hash are common, so C2 keeps the
 * loop at each call site. Five such loops made a two-pair lookup's compiled code larger than C2 inlines into a
 * caller (its 2.5 KB {@code InlineSmallCode}), so every name-based update paid a call. The lookups' own test of the
 * cached hashes has its own profile: when their strings are constants or were hashed before (the common case), C2
 * leaves the fallback out of the compiled lookup.
 * <p>
 * Stateless and thread-safe. Equal hashes do not imply equal series; callers compare the strings.
 */
final class SeriesHash
{
    private static final int PAIR_SCALE = 0x85EBCA6B;
    private static final int NAME_SCALE = 0xC2B2AE35;
    private static final int GOLDEN = 0x9E3779B9;

    /** Offset of {@link String}'s cached hash, an {@code int}; -1 if this JDK has none or Agrona may not read it. */
    private static final long STRING_HASH_OFFSET = stringHashOffset();

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
        return pair(name.hashCode(), value.hashCode());
    }

    /**
     * @param nameHash  {@code hashCode()} of the label name.
     * @param valueHash {@code hashCode()} of the label value.
     * @return {@link #pair(String, String)} of those strings.
     */
    static int pair(final int nameHash, final int valueHash)
    {
        return (nameHash * PAIR_SCALE) ^ valueHash;
    }

    /**
     * @param metricName metric name, not {@code null}.
     * @param pairSum    sum of {@link #pair} over the label pairs, 0 for none.
     * @return the series hash.
     */
    static int of(final String metricName, final int pairSum)
    {
        return of(metricName.hashCode(), pairSum);
    }

    /**
     * @param metricNameHash {@code hashCode()} of the metric name.
     * @param pairSum        sum of {@link #pair} over the label pairs, 0 for none.
     * @return {@link #of(String, int)} of that name.
     */
    static int of(final int metricNameHash, final int pairSum)
    {
        return (metricNameHash * NAME_SCALE + pairSum) * GOLDEN;
    }

    /**
     * The hash a string has cached, read with one plain load: {@code s.hashCode()} if it is not 0, else unknown
     * (not computed yet, a string whose hash is 0, or a JDK that keeps no such field). A non-zero value is final:
     * a string is immutable and the field is an {@code int}, so a racy read gives either 0 or the hash.
     *
     * @param s a string, not {@code null} (the load has no null check).
     * @return its cached hash, or 0.
     */
    static int cachedOrZero(final String s)
    {
        return STRING_HASH_OFFSET >= 0 ? UnsafeApi.getInt(s, STRING_HASH_OFFSET) : 0;
    }

    /**
     * Tests several {@link #cachedOrZero} results in one branch: AND the masks of all of them, the result is
     * negative if and only if none is 0.
     *
     * @param hash a {@link #cachedOrZero} result.
     * @return a value that is negative if and only if {@code hash} is not 0.
     */
    static int knownMask(final int hash)
    {
        return hash | -hash;
    }

    /**
     * @return the offset of {@code String.hash} if it is an {@code int} and Agrona may read it (the JVM option
     *         {@code MetricsEngine.AGRONA_JVM_OPTION}; without it a disabled engine still serves lookups, which then
     *         never touch {@link UnsafeApi}), else -1.
     */
    static long stringHashOffset()
    {
        if (!Object.class.getModule().isExported("jdk.internal.misc", UnsafeApi.class.getModule()))
        {
            return -1; // UnsafeApi.class loads the class without initialising it
        }
        try
        {
            final Field field = String.class.getDeclaredField("hash");
            return field.getType() == int.class ? UnsafeApi.objectFieldOffset(field) : -1;
        }
        catch (final NoSuchFieldException | RuntimeException | LinkageError ex)
        {
            return -1;
        }
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
