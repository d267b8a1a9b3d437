package io.ringmetrics.store;

import io.ringmetrics.registry.SeriesId;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out store slots and takes back freed ones, with their next generation.
 * <p>
 * <b>Threading.</b> {@link #allocate()} runs on registering threads (lock-free: a bump of the high-water mark or a
 * poll of the free queue); {@link #release(int)} runs on the writer after it has cleared the slot. Freed slots are
 * reused first-in first-out, which maximises the time before a generation could repeat.
 */
public final class SlotAllocator
{
    private final int capacity;
    private final AtomicInteger highWater = new AtomicInteger();
    private final ConcurrentLinkedQueue<Integer> freed = new ConcurrentLinkedQueue<>();

    /**
     * @param capacity number of slots, at most {@code 2^24}.
     */
    public SlotAllocator(final int capacity)
    {
        if (capacity <= 0 || capacity > SeriesId.SLOT_MASK + 1)
        {
            throw new IllegalArgumentException("slot capacity must be 1.." + (SeriesId.SLOT_MASK + 1));
        }
        this.capacity = capacity;
    }

    /**
     * @return a series id (slot and generation), or {@code -1} when every slot is in use.
     */
    public int allocate()
    {
        final Integer reused = freed.poll();
        if (reused != null)
        {
            return reused;
        }
        int slot;
        do
        {
            slot = highWater.get();
            if (slot >= capacity)
            {
                return -1;
            }
        }
        while (!highWater.compareAndSet(slot, slot + 1));
        return SeriesId.of(slot, 0);
    }

    /**
     * Returns a cleared slot for reuse. Writer thread.
     *
     * @param nextId the slot with the generation its next series must carry.
     */
    public void release(final int nextId)
    {
        freed.offer(nextId);
    }

    /**
     * @return one past the highest slot ever handed out.
     */
    public int highWater()
    {
        return highWater.get();
    }

    /**
     * @return number of slots.
     */
    public int capacity()
    {
        return capacity;
    }
}
