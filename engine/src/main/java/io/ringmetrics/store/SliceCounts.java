package io.ringmetrics.store;

import java.util.Arrays;

/**
 * The percentile counts of one sub-window of a {@link WindowedPercentiles}: HdrHistogram counts (see
 * {@link HdrIndex}) kept compact, so that five sub-windows of a latency series cost about what one since-start
 * histogram costs.
 * <ul>
 *   <li><b>A list while it is short.</b> A sub-window first keeps the index of each recording in a {@code char[]} (2
 *       bytes per recording; sorted only when read), and turns into counts over a range (below) once that list
 *       would cost more than a byte per index of the range it spans (or holds {@link #MAX_LIST} recordings): a series
 *       with 10 observations per sub-window keeps ~40 bytes of them, not a range of ~900.</li>
 *   <li><b>Only the indexes seen.</b> The array covers {@code [base, base + length)}, the range of indexes recorded
 *       so far plus some slack, not every index from 0: a latency series between 1 ms and 100 ms covers ~900
 *       indexes (2 digits), not the ~1400 from 0.</li>
 *   <li><b>Counts as narrow as they can be.</b> Counts start as bytes and the whole array widens (to {@code char},
 *       {@code int}, then {@code long}) the first time one count would overflow: ~1 byte per index for a series that
 *       sees up to 255 equal values in a sub-window, 2 bytes up to 65 535.</li>
 *   <li><b>Recycled.</b> {@link #reset(long)} zeroes the counts but keeps the array, its range and its width (or
 *       empties the list, keeping its capacity), so a series with steady traffic allocates nothing once its
 *       sub-windows have seen its range.</li>
 * </ul>
 * <b>Threading.</b> Writer thread only.
 */
final class SliceCounts
{
    /** Epoch of no sub-window. */
    static final long NO_EPOCH = Long.MIN_VALUE;
    private static final int MIN_GROWTH = 32;
    /** Most recordings a sub-window keeps as a list before it turns into counts. */
    static final int MAX_LIST = 1024;
    private static final int FIRST_LIST = 8;

    private long epoch = NO_EPOCH;
    private long total;
    private long minTicks = Long.MAX_VALUE;
    private long maxTicks = Long.MIN_VALUE;
    private final HdrIndex index;           // the smallest and largest index are those of minTicks and maxTicks
    private int base;
    private int length;
    private int width; // bytes per count: 0 (no array yet), 1, 2, 4 or 8
    private byte[] bytes;
    private char[] chars;
    private int[] ints;
    private long[] longs;
    private char[] list;     // the indexes recorded, while listing
    private int listSize;
    private boolean listing; // recordings kept as a list, not as counts
    private boolean sorted = true;

    /**
     * @param index    the counts layout.
     * @param listable whether every index fits in a {@code char}, so that the sub-window may start as a list.
     */
    SliceCounts(final HdrIndex index, final boolean listable)
    {
        this.index = index;
        this.listing = listable;
    }

    /** @return the sub-window's number: its start time divided by the sub-window length. */
    long epoch()
    {
        return epoch;
    }

    /** @return recordings in this sub-window. */
    long total()
    {
        return total;
    }

    long minTicks()
    {
        return minTicks;
    }

    long maxTicks()
    {
        return maxTicks;
    }

    /** @return the smallest index with a count; only when {@link #total()} is not 0. */
    int lowestIndex()
    {
        return index.indexOf(minTicks);
    }

    /** @return the largest index with a count; only when {@link #total()} is not 0. */
    int highestIndex()
    {
        return index.indexOf(maxTicks);
    }

    /**
     * Empties the counts (keeping the array) and starts the sub-window {@code newEpoch}.
     *
     * @param newEpoch the new sub-window's number, or {@link #NO_EPOCH}.
     */
    void reset(final long newEpoch)
    {
        if (listing)
        {
            listSize = 0;
            sorted = true;
        }
        else if (total > 0)
        {
            final int from = lowestIndex() - base;
            final int to = highestIndex() - base + 1;
            switch (width)
            {
                case 1:
                    Arrays.fill(bytes, from, to, (byte)0);
                    break;
                case 2:
                    Arrays.fill(chars, from, to, (char)0);
                    break;
                case 4:
                    Arrays.fill(ints, from, to, 0);
                    break;
                default:
                    Arrays.fill(longs, from, to, 0L);
                    break;
            }
        }
        epoch = newEpoch;
        total = 0;
        minTicks = Long.MAX_VALUE;
        maxTicks = Long.MIN_VALUE;
    }

    /**
     * Counts one recording.
     *
     * @param at    its {@link HdrIndex#indexOf(long) index}.
     * @param ticks its value, for the exact min and max (and so the smallest and largest index).
     */
    void increment(final int at, final long ticks)
    {
        final int i = at - base;
        if (listing || i < 0 || i >= length || !incrementAt(i)) // the common case: one count in range, no overflow
        {
            incrementSlowly(at);
        }
        total++;
        if (ticks < minTicks)
        {
            minTicks = ticks;
        }
        if (ticks > maxTicks)
        {
            maxTicks = ticks;
        }
    }

    /** {@link #increment(int, long)} while listing, out of the covered range, or when the count is full. */
    private void incrementSlowly(final int at)
    {
        if (listing)
        {
            if (list == null || listSize == list.length)
            {
                growOrCount(at);
            }
        }
        if (listing)
        {
            list[listSize++] = (char)at;
            sorted = false;
        }
        else
        {
            count(at);
        }
    }

    private void count(final int index)
    {
        int i = index - base;
        if (i < 0 || i >= length)
        {
            i = cover(index);
        }
        while (!incrementAt(i))
        {
            widen();
        }
    }

    /** The list is full: doubles it, or turns it into counts when a longer list would cost more than counts. */
    private void growOrCount(final int at)
    {
        final int capacity = list == null ? FIRST_LIST : 2 * list.length;
        final int span = total == 0 ? MIN_GROWTH + 1 :
            Math.max(highestIndex(), at) - Math.min(lowestIndex(), at) + 1 + MIN_GROWTH;
        if (capacity <= MAX_LIST && 2L * capacity <= span)
        {
            list = list == null ? new char[capacity] : Arrays.copyOf(list, capacity);
            return;
        }
        listing = false;
        if (listSize > 0)
        {
            cover(lowestIndex());
            cover(highestIndex());
        }
        for (int i = 0; i < listSize; i++)
        {
            count(list[i]);
        }
        list = null;
        listSize = 0;
    }

    /** @return false when the count is full at the current width (nothing was changed). */
    private boolean incrementAt(final int i)
    {
        switch (width)
        {
            case 1:
            {
                final int c = (bytes[i] & 0xFF) + 1;
                if (c > 0xFF)
                {
                    return false;
                }
                bytes[i] = (byte)c;
                return true;
            }
            case 2:
            {
                final int c = chars[i] + 1;
                if (c > Character.MAX_VALUE)
                {
                    return false;
                }
                chars[i] = (char)c;
                return true;
            }
            case 4:
            {
                final int c = ints[i];
                if (c == Integer.MAX_VALUE)
                {
                    return false;
                }
                ints[i] = c + 1;
                return true;
            }
            default:
                longs[i]++;
                return true;
        }
    }

    /**
     * @param index a counts index.
     * @return its count in this sub-window.
     */
    long countAt(final int index)
    {
        if (listing)
        {
            return listCountAt(index);
        }
        final int i = index - base;
        if (i < 0 || i >= length)
        {
            return 0;
        }
        switch (width)
        {
            case 1:
                return bytes[i] & 0xFF;
            case 2:
                return chars[i];
            case 4:
                return ints[i];
            default:
                return longs[i];
        }
    }

    private long listCountAt(final int index)
    {
        if (!sorted)
        {
            Arrays.sort(list, 0, listSize); // at most MAX_LIST chars: an insertion or quick sort, no allocation
            sorted = true;
        }
        int low = 0;
        int high = listSize;
        while (low < high) // first position holding index or more
        {
            final int mid = (low + high) >>> 1;
            if (list[mid] < index)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        int end = low;
        while (end < listSize && list[end] == index)
        {
            end++;
        }
        return end - low;
    }

    /** Grows the covered range to include {@code index}, with slack; returns the index's new position. */
    private int cover(final int index)
    {
        final int slack = Math.max(MIN_GROWTH, length / 8); // a little: arrays are kept, so growth is rare
        final int newBase;
        final int newEnd;
        if (length == 0)
        {
            newBase = Math.max(0, index - MIN_GROWTH / 2);
            newEnd = index + MIN_GROWTH / 2;
        }
        else if (index < base)
        {
            newBase = Math.max(0, Math.min(index, base - slack));
            newEnd = base + length;
        }
        else
        {
            newBase = base;
            newEnd = Math.max(index + 1, base + length + slack);
        }
        final int newLength = newEnd - newBase;
        final int shift = base - newBase;
        switch (width)
        {
            case 0:
                bytes = new byte[newLength];
                width = 1;
                break;
            case 1:
                final byte[] b = new byte[newLength];
                System.arraycopy(bytes, 0, b, shift, length);
                bytes = b;
                break;
            case 2:
                final char[] c = new char[newLength];
                System.arraycopy(chars, 0, c, shift, length);
                chars = c;
                break;
            case 4:
                final int[] n = new int[newLength];
                System.arraycopy(ints, 0, n, shift, length);
                ints = n;
                break;
            default:
                final long[] l = new long[newLength];
                System.arraycopy(longs, 0, l, shift, length);
                longs = l;
                break;
        }
        base = newBase;
        length = newLength;
        return index - base;
    }

    /** Doubles the width of every count. */
    private void widen()
    {
        switch (width)
        {
            case 1:
                chars = new char[length];
                for (int i = 0; i < length; i++)
                {
                    chars[i] = (char)(bytes[i] & 0xFF);
                }
                bytes = null;
                width = 2;
                break;
            case 2:
                ints = new int[length];
                for (int i = 0; i < length; i++)
                {
                    ints[i] = chars[i];
                }
                chars = null;
                width = 4;
                break;
            default:
                longs = new long[length];
                for (int i = 0; i < length; i++)
                {
                    longs[i] = ints[i];
                }
                ints = null;
                width = 8;
                break;
        }
    }

    /** @return approximate heap bytes: the object and its counts array. */
    long footprintBytes()
    {
        return 104L + (list == null ? 0 : 16L + 2L * list.length) + (width == 0 ? 0 : 16L + (long)length * width);
    }
}
