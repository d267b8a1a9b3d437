package io.ringmetrics.registry;

/**
 * Open-addressing table from label values to the series of one metric family, readable without locks and
 * without allocation.
 * <p>
 * <b>Threading.</b> {@link #find} runs on any thread with no lock: it reads the volatile table reference and
 * probes a plain array. Entries are {@link SeriesDescriptor}s, whose fields are final, so a reader that sees an
 * entry sees it whole; a reader that misses an entry inserted concurrently falls back to the registration path,
 * which looks again under the family lock. {@link #insert} and {@link #remove} are called under that lock.
 * Removal leaves a tombstone so probe chains stay intact; the table is rebuilt when it grows.
 */
final class LabelIndex
{
    private static final SeriesDescriptor TOMBSTONE = new SeriesDescriptor(-1, null, new String[0], new String[0], false);

    private volatile SeriesDescriptor[] table = new SeriesDescriptor[8];
    private int used; // live entries + tombstones, under the family lock

    /**
     * Finds the series whose canonical values are given in {@code labelNames} order by name/value pairs in any
     * order.
     *
     * @param labelNames canonical label names of the family.
     * @param pairs      name/value pairs, already known to cover exactly {@code labelNames}.
     * @return the series or {@code null}.
     */
    SeriesDescriptor find(final String[] labelNames, final String[] pairs)
    {
        final SeriesDescriptor[] table = this.table;
        final int mask = table.length - 1;
        int index = hashPairs(labelNames, pairs) & mask;
        SeriesDescriptor entry;
        while ((entry = table[index]) != null)
        {
            if (entry != TOMBSTONE && matchesPairs(entry.labelValuesNoCopy(), labelNames, pairs))
            {
                return entry;
            }
            index = (index + 1) & mask;
        }
        return null;
    }

    /**
     * Finds the series with the given values in canonical order.
     *
     * @param values canonical values.
     * @return the series or {@code null}.
     */
    SeriesDescriptor find(final String[] values)
    {
        final SeriesDescriptor[] table = this.table;
        final int mask = table.length - 1;
        int index = hash(values) & mask;
        SeriesDescriptor entry;
        while ((entry = table[index]) != null)
        {
            if (entry != TOMBSTONE && java.util.Arrays.equals(entry.labelValuesNoCopy(), values))
            {
                return entry;
            }
            index = (index + 1) & mask;
        }
        return null;
    }

    void insert(final SeriesDescriptor descriptor)
    {
        if ((used + 1) * 2 > table.length)
        {
            rebuild();
        }
        final SeriesDescriptor[] table = this.table;
        final int mask = table.length - 1;
        int index = hash(descriptor.labelValuesNoCopy()) & mask;
        while (table[index] != null && table[index] != TOMBSTONE)
        {
            index = (index + 1) & mask;
        }
        if (table[index] == null)
        {
            used++;
        }
        table[index] = descriptor;
        this.table = table; // volatile write publishes the new entry
    }

    boolean remove(final SeriesDescriptor descriptor)
    {
        final SeriesDescriptor[] table = this.table;
        for (int i = 0; i < table.length; i++)
        {
            if (table[i] == descriptor)
            {
                table[i] = TOMBSTONE;
                this.table = table;
                return true;
            }
        }
        return false;
    }

    /**
     * Copies the live entries, in table order. Under the family lock or racy but safe for a best-effort listing.
     *
     * @return live series.
     */
    java.util.List<SeriesDescriptor> entries()
    {
        final java.util.List<SeriesDescriptor> list = new java.util.ArrayList<>();
        for (final SeriesDescriptor entry : table)
        {
            if (entry != null && entry != TOMBSTONE)
            {
                list.add(entry);
            }
        }
        return list;
    }

    private void rebuild()
    {
        final SeriesDescriptor[] old = table;
        int live = 0;
        for (final SeriesDescriptor entry : old)
        {
            if (entry != null && entry != TOMBSTONE)
            {
                live++;
            }
        }
        int capacity = 8;
        while (capacity < (live + 1) * 4)
        {
            capacity <<= 1;
        }
        final SeriesDescriptor[] table = new SeriesDescriptor[capacity];
        final int mask = capacity - 1;
        for (final SeriesDescriptor entry : old)
        {
            if (entry != null && entry != TOMBSTONE)
            {
                int index = hash(entry.labelValuesNoCopy()) & mask;
                while (table[index] != null)
                {
                    index = (index + 1) & mask;
                }
                table[index] = entry;
            }
        }
        used = live;
        this.table = table;
    }

    private static int hash(final String[] values)
    {
        int h = 1;
        for (final String value : values)
        {
            h = 31 * h + value.hashCode();
        }
        return mix(h);
    }

    private static int hashPairs(final String[] labelNames, final String[] pairs)
    {
        int h = 1;
        for (final String name : labelNames)
        {
            h = 31 * h + valueOf(name, pairs).hashCode();
        }
        return mix(h);
    }

    private static boolean matchesPairs(final String[] values, final String[] labelNames, final String[] pairs)
    {
        for (int i = 0; i < values.length; i++)
        {
            if (!values[i].equals(valueOf(labelNames[i], pairs)))
            {
                return false;
            }
        }
        return true;
    }

    static String valueOf(final String name, final String[] pairs)
    {
        for (int i = 0; i < pairs.length; i += 2)
        {
            if (name.equals(pairs[i]))
            {
                return pairs[i + 1];
            }
        }
        throw new IllegalStateException("label " + name + " missing"); // callers check the name set first
    }

    private static int mix(final int h)
    {
        return h ^ (h >>> 16);
    }
}
