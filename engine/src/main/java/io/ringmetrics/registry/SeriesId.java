package io.ringmetrics.registry;

/**
 * Layout of the {@code int} id a handle carries.
 * <pre>
 *   31 30        24 23                                  0
 *   +--+-----------+-------------------------------------+
 *   |0 | generation|              slot index             |
 *   +--+-----------+-------------------------------------+
 * </pre>
 * The slot indexes the off-heap value store and the writer's per-slot tables. The generation changes each time a
 * slot is freed (metric removal or cleanup), so an update from a stale handle of a removed series never lands in
 * the series that reuses its slot: the writer compares the generation and counts such an update as dropped.
 * A stale handle could only alias after 128 reuses of the same slot; freed slots are reused first-in first-out to
 * make that as unlikely as possible.
 */
public final class SeriesId
{
    /** Bits of the slot index. */
    public static final int SLOT_BITS = 24;
    /** Mask of the slot index. */
    public static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    /** Mask of the generation, after shifting. */
    public static final int GENERATION_MASK = 0x7F;

    private SeriesId()
    {
    }

    /**
     * @param slot       slot index.
     * @param generation generation, masked to 7 bits.
     * @return the id.
     */
    public static int of(final int slot, final int generation)
    {
        return ((generation & GENERATION_MASK) << SLOT_BITS) | slot;
    }

    /**
     * @param id an id.
     * @return its slot index.
     */
    public static int slot(final int id)
    {
        return id & SLOT_MASK;
    }

    /**
     * @param id an id.
     * @return its generation.
     */
    public static int generation(final int id)
    {
        return id >>> SLOT_BITS;
    }

    /**
     * @param generation a generation.
     * @return the next one, wrapping within 7 bits.
     */
    public static int nextGeneration(final int generation)
    {
        return (generation + 1) & GENERATION_MASK;
    }
}
