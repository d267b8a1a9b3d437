package io.ringmetrics.registry;

/**
 * Compares a call's metric name and label pairs with a registered series, pairs in any order, in one pass and
 * without allocating.
 * <p>
 * Strings are compared by reference first (literals and constants are interned, so the caller's strings usually
 * are the very ones the series was registered with), then with {@link String#equals}. The fixed-arity forms first
 * try the label names by reference in canonical order (and, for two pairs, swapped), then search by position. A call matches only if its
 * label names are exactly the family's label names, each given once: every pair must name one of the family's
 * labels, and no two pairs may name the same one (a call with a duplicate label name never matches, it goes to
 * the registration path, which rejects it).
 * <p>
 * Stateless and thread-safe. Arguments are not {@code null}; the overflow series is never compared (it is not in
 * the index).
 */
final class SeriesMatch
{
    /** Above this many labels the generic match checks names by search instead of by a bit mask. */
    private static final int MASK_LABELS = 64;

    private SeriesMatch()
    {
    }

    /**
     * The lookups' fast path: {@code true} if the series is of this type and was registered with these very strings
     * (compared by reference), the pairs given in canonical order. A {@code false} says nothing: the lookup then
     * probes and compares by value ({@link #matches}). Small on purpose: with the string hashes read from their
     * cache ({@link SeriesHash#cachedOrZero}), a lookup that hits here compiles small enough for C2 to inline it,
     * and the update methods around it, into the caller.
     *
     * @param series a series (whatever its hash: the same strings make the same hash), or the index's tombstone.
     * @param type   expected type.
     * @param name   metric name.
     * @return whether the call names exactly this series with its own strings.
     */
    static boolean identical(final SeriesDescriptor series, final MetricType type, final String name)
    {
        final MetricFamily family = series.family;
        return family.name() == name && family.labelNamesNoCopy().length == 0 && family.type() == type;
    }

    /** {@link #identical(SeriesDescriptor, MetricType, String)} for one label pair. */
    static boolean identical(
        final SeriesDescriptor series, final MetricType type, final String name, final String k1, final String v1)
    {
        final MetricFamily family = series.family;
        final String[] names = family.labelNamesNoCopy();
        return family.name() == name && names.length == 1 && names[0] == k1 && series.value0 == v1 &&
            family.type() == type;
    }

    /** {@link #identical(SeriesDescriptor, MetricType, String)} for two label pairs in canonical order. */
    static boolean identical(
        final SeriesDescriptor series, final MetricType type, final String name, final String k1, final String v1,
        final String k2, final String v2)
    {
        final MetricFamily family = series.family;
        final String[] names = family.labelNamesNoCopy();
        return family.name() == name && names.length == 2 && names[0] == k1 && names[1] == k2 &&
            series.value0 == v1 && series.value1 == v2 && family.type() == type;
    }

    /** {@link #identical(SeriesDescriptor, MetricType, String)} for three label pairs in canonical order. */
    static boolean identical(
        final SeriesDescriptor series, final MetricType type, final String name, final String k1, final String v1,
        final String k2, final String v2, final String k3, final String v3)
    {
        final MetricFamily family = series.family;
        final String[] names = family.labelNamesNoCopy();
        return family.name() == name && names.length == 3 && names[0] == k1 && names[1] == k2 && names[2] == k3 &&
            series.value0 == v1 && series.value1 == v2 && series.more[0] == v3 && family.type() == type;
    }

    static boolean matches(final SeriesDescriptor series, final String name)
    {
        final MetricFamily family = series.family;
        return family.labelNamesNoCopy().length == 0 && same(family.name(), name);
    }

    static boolean matches(final SeriesDescriptor series, final String name, final String k1, final String v1)
    {
        final MetricFamily family = series.family;
        final String[] names = family.labelNamesNoCopy();
        return names.length == 1 && same(family.name(), name) && same(names[0], k1) && same(series.value0, v1);
    }

    static boolean matches(
        final SeriesDescriptor series, final String name, final String k1, final String v1, final String k2,
        final String v2)
    {
        final MetricFamily family = series.family;
        final String[] names = family.labelNamesNoCopy();
        if (names.length != 2 || !same(family.name(), name))
        {
            return false;
        }
        final String n0 = names[0];
        final String n1 = names[1];
        if (k1 == n0 && k2 == n1)
        {
            return same(series.value0, v1) && same(series.value1, v2);
        }
        if (k1 == n1 && k2 == n0)
        {
            return same(series.value1, v1) && same(series.value0, v2);
        }
        final int p1 = position(names, k1);
        if (p1 < 0 || !same(series.value(p1), v1))
        {
            return false;
        }
        final int p2 = position(names, k2);
        return p2 >= 0 && p2 != p1 && same(series.value(p2), v2);
    }

    static boolean matches(
        final SeriesDescriptor series, final String name, final String k1, final String v1, final String k2,
        final String v2, final String k3, final String v3)
    {
        final MetricFamily family = series.family;
        final String[] names = family.labelNamesNoCopy();
        if (names.length != 3 || !same(family.name(), name))
        {
            return false;
        }
        if (k1 == names[0] && k2 == names[1] && k3 == names[2])
        {
            return same(series.value0, v1) && same(series.value1, v2) && same(series.more[0], v3);
        }
        final int p1 = position(names, k1);
        if (p1 < 0 || !same(series.value(p1), v1))
        {
            return false;
        }
        final int p2 = position(names, k2);
        if (p2 < 0 || !same(series.value(p2), v2))
        {
            return false;
        }
        final int p3 = position(names, k3);
        return p3 >= 0 && ((1 << p1) | (1 << p2) | (1 << p3)) == 0b111 && same(series.value(p3), v3);
    }

    /**
     * @param pairs name/value pairs, none {@code null}, even length.
     */
    static boolean matches(final SeriesDescriptor series, final String name, final String[] pairs)
    {
        final MetricFamily family = series.family;
        final String[] names = family.labelNamesNoCopy();
        final int count = names.length;
        if (2 * count != pairs.length || !same(family.name(), name))
        {
            return false;
        }
        if (inCanonicalOrder(names, pairs))
        {
            for (int i = 0; i < count; i++)
            {
                if (!same(series.value(i), pairs[2 * i + 1]))
                {
                    return false;
                }
            }
            return true;
        }
        if (count > MASK_LABELS)
        {
            return matchesBySearch(series, names, pairs);
        }
        long seen = 0;
        for (int i = 0; i < pairs.length; i += 2)
        {
            final int p = position(names, pairs[i]);
            if (p < 0 || !same(series.value(p), pairs[i + 1]))
            {
                return false;
            }
            seen |= 1L << p;
        }
        return seen == (count == MASK_LABELS ? -1L : (1L << count) - 1);
    }

    /**
     * @return {@code true} if the pairs name the family's labels in canonical order, by reference.
     */
    private static boolean inCanonicalOrder(final String[] names, final String[] pairs)
    {
        for (int i = 0; i < names.length; i++)
        {
            if (pairs[2 * i] != names[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Every one of the family's (distinct) names is found among as many pairs, so each pair names a different one.
     */
    private static boolean matchesBySearch(final SeriesDescriptor series, final String[] names, final String[] pairs)
    {
        for (int n = 0; n < names.length; n++)
        {
            final String value = valueOf(names[n], pairs);
            if (value == null || !same(series.value(n), value))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the first value of {@code name} in {@code pairs}, or {@code null}.
     */
    static String valueOf(final String name, final String[] pairs)
    {
        for (int i = 0; i < pairs.length; i += 2)
        {
            if (same(name, pairs[i]))
            {
                return pairs[i + 1];
            }
        }
        return null;
    }

    /**
     * @return the index of {@code key} in {@code names}, or -1.
     */
    private static int position(final String[] names, final String key)
    {
        for (int i = 0; i < names.length; i++)
        {
            if (names[i] == key)
            {
                return i;
            }
        }
        for (int i = 0; i < names.length; i++)
        {
            if (names[i].equals(key))
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean same(final String a, final String b)
    {
        return a == b || a.equals(b);
    }
}
