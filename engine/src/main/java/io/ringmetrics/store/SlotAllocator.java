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
    private final AtomicInteger releasing = new AtomicInteger();

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
     * Announces that a slot was given up (metric removed) and will come back through {@link #release(int)} once the
     * writer has cleared it. Any thread.
     */
    public void releasing()
    {
        releasing.incrementAndGet();
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
     * Marks one announced slot as returned (after {@link #release(int)}) or abandoned. Writer thread.
     */
    public void released()
    {
        releasing.decrementAndGet();
    }

    /**
     * Like {@link #allocate()}, but when every slot is in use while some are still on their way back from the
     * writer, waits for one, at most {@code timeoutNanos}. Registration only, never the update path.
     *
     * @param timeoutNanos longest wait.
     * @return a series id, or {@code -1} when no slot is free nor coming back in time.
     */
    public int allocate(final long timeoutNanos)
    {
        int id = allocate();
        final long deadline = System.nanoTime() + timeoutNanos;
        while (id < 0 && releasing.get() > 0 && System.nanoTime() - deadline < 0)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000L);
            id = allocate();
        }
        return id;
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
