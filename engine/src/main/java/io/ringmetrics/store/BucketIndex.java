package io.ringmetrics.store;

import java.util.Arrays;

/**
 * Maps an observation to its Prometheus bucket in constant time: the index of the first upper bound that is at
 * least the value, {@code bounds.length} meaning {@code +Inf}.
 * <p>
 * A binary search over the bounds costs a chain of dependent loads and compares per observation (about 8 ns of
 * the writer's ~20 ns per histogram record with the default buckets). Positive doubles order like their raw bits,
 * so the sign, exponent and top {@code k} mantissa bits of a value name a cell of the value line, and a table
 * gives, per cell, the first bucket a value in that cell can fall in. {@code k} is the smallest that puts at most
 * one bound in each cell (within {@link #MAX_CELLS}), so one compare against that bucket's bound finishes the
 * lookup:
 * <pre>
 *   cell = doubleToRawLongBits(value) &gt;&gt; (52 - k)                  sign | exponent | top k mantissa bits
 *   firstBucket[cell - firstCell] = number of bounds below the cell's smallest value
 *   index = firstBucket[...] + (bounds[firstBucket[...]] &lt; value ? 1 : 0)  (bounds end with a +Inf sentinel)
 * </pre>
 * Values below the first bound's cell (including zero and every negative value) are in bucket 0, values above
 * the last bound's cell in {@code +Inf}. Layouts with a bound at or below zero (negative bits do not order like
 * their values) or spanning more than {@link #MAX_CELLS} powers of two fall back to a binary search.
 * <p>
 * <b>Threading.</b> Immutable after construction; safe to share between series and threads.
 */
final class BucketIndex
{
    /** Largest table, in cells (4 bytes each); a layout that needs more uses a coarser table and may scan. */
    static final int MAX_CELLS = 1024;

    private static final int MANTISSA_BITS = 52;

    private final double[] bounds; // the bounds, then +Inf
    private final int[] firstBucket; // null: binary search
    private final long firstCell;
    private final int shift;

    /**
     * @param sortedBounds finite upper bounds, strictly increasing, at least one; not modified.
     */
    BucketIndex(final double[] sortedBounds)
    {
        final int n = sortedBounds.length;
        this.bounds = Arrays.copyOf(sortedBounds, n + 1);
        this.bounds[n] = Double.POSITIVE_INFINITY;
        final long lowBits = Double.doubleToRawLongBits(sortedBounds[0]);
        final long highBits = Double.doubleToRawLongBits(sortedBounds[n - 1]);
        if (!(sortedBounds[0] > 0.0) || cells(lowBits, highBits, MANTISSA_BITS) > MAX_CELLS)
        {
            this.firstBucket = null;
            this.firstCell = 0;
            this.shift = 0;
            return;
        }
        int shift = MANTISSA_BITS; // stays >= 1: (bits >> shift) - firstCell must not overflow for a negative value
        while (shift > 1 && !oneBoundPerCell(sortedBounds, shift) && cells(lowBits, highBits, shift - 1) <= MAX_CELLS)
        {
            shift--;
        }
        final long firstCell = lowBits >> shift;
        final int[] firstBucket = new int[(int)cells(lowBits, highBits, shift)];
        int below = 0;
        for (int c = 0; c < firstBucket.length; c++)
        {
            final double cellStart = Double.longBitsToDouble((firstCell + c) << shift);
            while (below < n && sortedBounds[below] < cellStart)
            {
                below++;
            }
            firstBucket[c] = below;
        }
        this.firstBucket = firstBucket;
        this.firstCell = firstCell;
        this.shift = shift;
    }

    private static long cells(final long lowBits, final long highBits, final int shift)
    {
        return (highBits >> shift) - (lowBits >> shift) + 1;
    }

    private static boolean oneBoundPerCell(final double[] bounds, final int shift)
    {
        for (int i = 1; i < bounds.length; i++)
        {
            if (Double.doubleToRawLongBits(bounds[i]) >> shift == Double.doubleToRawLongBits(bounds[i - 1]) >> shift)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param value a finite observation.
     * @return index of its bucket: the first bound {@code >= value}, or the number of bounds for {@code +Inf}.
     */
    int indexOf(final double value)
    {
        final int[] firstBucket = this.firstBucket;
        if (firstBucket == null)
        {
            return binarySearch(value);
        }
        final double[] bounds = this.bounds;
        final long cell = (Double.doubleToRawLongBits(value) >> shift) - firstCell; // negative values: below 0
        if (cell < 0)
        {
            return 0;
        }
        if (cell >= firstBucket.length)
        {
            return bounds.length - 1;
        }
        int index = firstBucket[(int)cell];
        index += bounds[index] < value ? 1 : 0; // the cell's one bound, if any: a conditional move, not a branch
        while (bounds[index] < value) // only in cells that hold several bounds (a coarse table)
        {
            index++;
        }
        return index;
    }

    private int binarySearch(final double value)
    {
        final double[] bounds = this.bounds;
        int low = 0;
        int high = bounds.length - 1;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (value <= bounds[mid])
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }

    /**
     * @return cells in the lookup table, 0 when this layout uses a binary search; for tests and footprint.
     */
    int tableCells()
    {
        return firstBucket == null ? 0 : firstBucket.length;
    }
}
