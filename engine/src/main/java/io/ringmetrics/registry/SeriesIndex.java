package io.ringmetrics.registry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Open-addressing table (linear probing) from metric name + label pairs to the series of every metric family of
 * a registry: one hash ({@link SeriesHash}, independent of the order of the pairs), one probe sequence, candidates
 * compared by their stored hash, then by {@link SeriesMatch}.
 * <p>
 * <b>Threading.</b> The {@code find} methods run on any thread, without locks or allocation. Writers
 * ({@link #insert}, {@link #remove}, {@link #removeFamily}) serialise on this object's monitor; the registry calls
 * them holding the series' family monitor, so a lookup under that monitor sees every series of the family. An entry
 * is stored with a release write ({@code setRelease}) and read with a plain load; a grown table is filled first and
 * then published through the volatile {@code table} field. A plain load is enough because a descriptor, its family
 * and their strings and arrays are reached only through final fields: the Java memory model's final-field rule
 * shows a reader that obtains the reference every value set in the constructors, with or without an acquire
 * ({@code LookupTests} in stress-tests checks that a racing lookup sees a series whole). What a plain load gives up
 * is only how soon a new entry is seen, and a miss is already allowed. Removal leaves a tombstone, so the probe chains of concurrent readers stay intact. A reader may miss an
 * entry inserted concurrently (or hold a table just replaced): it then takes the registration path, which looks
 * again under the family monitor. It may still find an entry being removed; updates through it are dropped by the
 * writer's generation check.
 * <p>
 * <b>Memory.</b> One reference per slot: the table is rebuilt to twice its live entries when live entries plus
 * tombstones would pass two thirds of it, so it holds 1.5 to 2 slots per series (6 to 8 bytes with compressed
 * oops). Its capacity is not a power of two; a hash is mapped to a slot by multiplication (high word of
 * {@code hash * capacity}).
 */
final class SeriesIndex
{
    private static final int MIN_CAPACITY = 16;
    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(SeriesDescriptor[].class);
    /**
     * What a removed entry leaves. Its family's name is a string no caller holds, so the lookups' comparison by
     * reference ({@link SeriesMatch#identical}) never matches it.
     */
    static final SeriesDescriptor TOMBSTONE = new SeriesDescriptor(-1,
        new MetricFamily(new String("(removed)"), MetricType.COUNTER, "", new String[0], null, -1, null),
        new String[0], 0);

    private volatile SeriesDescriptor[] table = new SeriesDescriptor[MIN_CAPACITY];
    private int live; // under this monitor
    private int used; // live entries + tombstones, under this monitor

    /**
     * The first probe of a lookup: the entry in the hash's home slot, what the lookups' fast path
     * ({@link SeriesMatch#identical}) compares; the {@code find} methods probe on from there.
     *
     * @param hash series hash.
     * @return the entry in its home slot (a series with this hash or another, or the {@link #TOMBSTONE}), or
     *         {@code null} for an empty slot.
     */
    SeriesDescriptor home(final int hash)
    {
        final SeriesDescriptor[] table = this.table;
        return entryAt(table, slotOf(hash, table.length));
    }

    SeriesDescriptor find(final int hash, final String name)
    {
        final SeriesDescriptor[] table = this.table;
        final int capacity = table.length;
        int index = slotOf(hash, capacity);
        SeriesDescriptor entry;
        while ((entry = entryAt(table, index)) != null)
        {
            if (entry.hash == hash && entry != TOMBSTONE && SeriesMatch.matches(entry, name))
            {
                return entry;
            }
            if (++index == capacity)
            {
                index = 0;
            }
        }
        return null;
    }

    SeriesDescriptor find(final int hash, final String name, final String k1, final String v1)
    {
        final SeriesDescriptor[] table = this.table;
        final int capacity = table.length;
        int index = slotOf(hash, capacity);
        SeriesDescriptor entry;
        while ((entry = entryAt(table, index)) != null)
        {
            if (entry.hash == hash && entry != TOMBSTONE && SeriesMatch.matches(entry, name, k1, v1))
            {
                return entry;
            }
            if (++index == capacity)
            {
                index = 0;
            }
        }
        return null;
    }

    SeriesDescriptor find(
        final int hash, final String name, final String k1, final String v1, final String k2, final String v2)
    {
        final SeriesDescriptor[] table = this.table;
        final int capacity = table.length;
        int index = slotOf(hash, capacity);
        SeriesDescriptor entry;
        while ((entry = entryAt(table, index)) != null)
        {
            if (entry.hash == hash && entry != TOMBSTONE && SeriesMatch.matches(entry, name, k1, v1, k2, v2))
            {
                return entry;
            }
            if (++index == capacity)
            {
                index = 0;
            }
        }
        return null;
    }

    SeriesDescriptor find(
        final int hash, final String name, final String k1, final String v1, final String k2, final String v2,
        final String k3, final String v3)
    {
        final SeriesDescriptor[] table = this.table;
        final int capacity = table.length;
        int index = slotOf(hash, capacity);
        SeriesDescriptor entry;
        while ((entry = entryAt(table, index)) != null)
        {
            if (entry.hash == hash && entry != TOMBSTONE &&
                SeriesMatch.matches(entry, name, k1, v1, k2, v2, k3, v3))
            {
                return entry;
            }
            if (++index == capacity)
            {
                index = 0;
            }
        }
        return null;
    }

    /**
     * @param pairs name/value pairs in any order, none {@code null}, even length.
     */
    SeriesDescriptor find(final int hash, final String name, final String[] pairs)
    {
        final SeriesDescriptor[] table = this.table;
        final int capacity = table.length;
        int index = slotOf(hash, capacity);
        SeriesDescriptor entry;
        while ((entry = entryAt(table, index)) != null)
        {
            if (entry.hash == hash && entry != TOMBSTONE && SeriesMatch.matches(entry, name, pairs))
            {
                return entry;
            }
            if (++index == capacity)
            {
                index = 0;
            }
        }
        return null;
    }

    /**
     * Adds a series that is not in the table yet (the caller looked under the family monitor).
     *
     * @param series the series, with its hash.
     */
    synchronized void insert(final SeriesDescriptor series)
    {
        if ((used + 1) * 3L > table.length * 2L)
        {
            rebuild(live + 1);
        }
        final SeriesDescriptor[] table = this.table;
        final int capacity = table.length;
        int index = slotOf(series.hash, capacity);
        SeriesDescriptor entry;
        while ((entry = table[index]) != null && entry != TOMBSTONE)
        {
            if (++index == capacity)
            {
                index = 0;
            }
        }
        if (entry == null)
        {
            used++;
        }
        live++;
        ENTRY.setRelease(table, index, series);
    }

    /**
     * @param series a series.
     * @return {@code true} if it was in the table and is removed.
     */
    synchronized boolean remove(final SeriesDescriptor series)
    {
        final SeriesDescriptor[] table = this.table;
        final int capacity = table.length;
        int index = slotOf(series.hash, capacity);
        SeriesDescriptor entry;
        while ((entry = table[index]) != null)
        {
            if (entry == series)
            {
                ENTRY.setRelease(table, index, TOMBSTONE);
                live--;
                return true;
            }
            if (++index == capacity)
            {
                index = 0;
            }
        }
        return false;
    }

    /**
     * Removes every series of a family, in one pass over the table that stops once {@code count} are found.
     *
     * @param family the family.
     * @param count  how many series of the family the table holds.
     * @return the removed series.
     */
    synchronized List<SeriesDescriptor> removeFamily(final MetricFamily family, final int count)
    {
        final SeriesDescriptor[] table = this.table;
        final List<SeriesDescriptor> removed = new ArrayList<>(count);
        for (int i = 0; i < table.length && removed.size() < count; i++)
        {
            final SeriesDescriptor entry = table[i];
            if (entry != null && entry.family == family)
            {
                ENTRY.setRelease(table, i, TOMBSTONE);
                removed.add(entry);
            }
        }
        live -= removed.size();
        return removed;
    }

    /**
     * Copies the live series of a family, in table order: a full scan. Racy but safe without the monitor (a
     * best-effort listing); exact under the family's monitor.
     *
     * @param family the family.
     * @return its series.
     */
    List<SeriesDescriptor> entries(final MetricFamily family)
    {
        final SeriesDescriptor[] table = this.table;
        final List<SeriesDescriptor> list = new ArrayList<>();
        for (int i = 0; i < table.length; i++)
        {
            final SeriesDescriptor entry = entryAt(table, i);
            if (entry != null && entry.family == family)
            {
                list.add(entry);
            }
        }
        return list;
    }

    /** @return live entries. */
    synchronized int size()
    {
        return live;
    }

    /** @return slots of the current table. */
    int capacity()
    {
        return table.length;
    }

    private void rebuild(final int liveAfterInsert)
    {
        final SeriesDescriptor[] old = table;
        final int capacity = (int)Math.max(MIN_CAPACITY, Math.min(2L * liveAfterInsert, Integer.MAX_VALUE - 8));
        final SeriesDescriptor[] table = new SeriesDescriptor[capacity];
        for (final SeriesDescriptor entry : old)
        {
            if (entry != null && entry != TOMBSTONE)
            {
                int index = slotOf(entry.hash, capacity);
                while (table[index] != null)
                {
                    if (++index == capacity)
                    {
                        index = 0;
                    }
                }
                table[index] = entry;
            }
        }
        used = live;
        this.table = table; // volatile write: publishes the filled table
    }

    /**
     * Reads an entry with a plain load: the descriptor is seen whole through its final fields (see the class
     * comment), and no later load of the lookup needs ordering after this one.
     */
    private static SeriesDescriptor entryAt(final SeriesDescriptor[] table, final int index)
    {
        return table[index];
    }

    /**
     * Maps a hash to {@code [0, capacity)} by the high word of {@code hash * capacity}; relies on the hash's high
     * bits being well mixed ({@link SeriesHash}).
     */
    static int slotOf(final int hash, final int capacity)
    {
        return (int)(((hash & 0xFFFF_FFFFL) * capacity) >>> 32);
    }
}
