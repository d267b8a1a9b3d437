package io.ringmetrics.store;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Off-heap slab holding one 8-byte value per series slot: counters as {@code long}, gauges as raw
 * {@code double} bits.
 * <pre>
 *   0        8        16                       8 * (capacity - 1)
 *   +--------+--------+-- ... --+--------------+
 *   | slot 0 | slot 1 |         | slot cap - 1 |     one long per slot, 64-byte aligned slab
 *   +--------+--------+-- ... --+--------------+
 * </pre>
 * <b>Threading.</b> Single writer: only the writer thread mutates values, with plain reads and release stores
 * ({@code putLongRelease}), so a concurrent reader using {@link #getLongAcquire(int)} never sees a torn or
 * out-of-order value. No padding is needed between slots because one thread writes the whole slab.
 * <p>
 * The memory is freed by {@link #free()}, which the writer calls after it has stopped; any access after that
 * throws {@link IllegalStateException} instead of touching freed memory.
 * <p>
 * With {@code METRICS_SHM_DIR} set the slab is the values region of the engine's memory-mapped store file
 * ({@link #ValueStore(UnsafeBuffer, Runnable)}), where other processes read it; the code that writes it is the same.
 */
public final class ValueStore
{
    private static final int ALIGNMENT = 64;

    private final int capacity;
    private ByteBuffer memory;
    private final UnsafeBuffer buffer;
    private final Runnable onFree;
    private boolean freed;

    /**
     * @param capacity number of slots.
     */
    public ValueStore(final int capacity)
    {
        if (capacity <= 0)
        {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
        final int length = alignedLength(capacity);
        this.memory = ByteBuffer.allocateDirect(length + ALIGNMENT); // not a slice, so it can be freed eagerly
        final long address = BufferUtil.address(memory);
        final int offset = (int)(((address + ALIGNMENT - 1) & -ALIGNMENT) - address);
        this.buffer = new UnsafeBuffer(memory, offset, length);
        this.onFree = null;
    }

    /**
     * A store over memory someone else owns: the values region of a mapped store file.
     *
     * @param slab   8-byte aligned memory of {@code 8 * capacity} bytes.
     * @param onFree run by {@link #free()} instead of freeing the memory (unmaps the file).
     */
    public ValueStore(final UnsafeBuffer slab, final Runnable onFree)
    {
        if (slab.capacity() < Long.BYTES || (slab.addressOffset() & (Long.BYTES - 1)) != 0)
        {
            throw new IllegalArgumentException("a value slab is at least 8 bytes, 8-byte aligned");
        }
        this.capacity = slab.capacity() / Long.BYTES;
        this.memory = null;
        this.buffer = slab;
        this.onFree = java.util.Objects.requireNonNull(onFree, "onFree");
    }

    private static int alignedLength(final int capacity)
    {
        final long length = ((long)capacity * Long.BYTES + ALIGNMENT - 1) & -ALIGNMENT;
        if (length > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("capacity too large: " + capacity);
        }
        return (int)length;
    }

    /**
     * Adds a non-negative amount to a counter slot, saturating at {@link Long#MAX_VALUE} so a counter never wraps
     * negative. Writer thread only.
     *
     * @param slot  slot index.
     * @param delta amount to add, at least 0.
     */
    public void addLong(final int slot, final long delta)
    {
        final int offset = offset(slot);
        final long sum = buffer.getLong(offset) + delta;
        buffer.putLongRelease(offset, sum < 0 ? Long.MAX_VALUE : sum);
    }

    /**
     * Stores a long with release semantics. Writer thread only.
     *
     * @param slot  slot index.
     * @param value new value.
     */
    public void putLongRelease(final int slot, final long value)
    {
        buffer.putLongRelease(offset(slot), value);
    }

    /**
     * Sets a gauge slot. Writer thread only.
     *
     * @param slot  slot index.
     * @param value new value.
     */
    public void putDouble(final int slot, final double value)
    {
        buffer.putLongRelease(offset(slot), Double.doubleToRawLongBits(value));
    }

    /**
     * Adds to a gauge slot. Writer thread only.
     *
     * @param slot  slot index.
     * @param delta amount to add, may be negative.
     */
    public void addDouble(final int slot, final double delta)
    {
        final int offset = offset(slot);
        final double current = Double.longBitsToDouble(buffer.getLong(offset));
        buffer.putLongRelease(offset, Double.doubleToRawLongBits(current + delta));
    }

    /**
     * Reads a slot with a plain load. Writer thread only.
     *
     * @param slot slot index.
     * @return the raw 8 bytes.
     */
    public long getLong(final int slot)
    {
        return buffer.getLong(offset(slot));
    }

    /**
     * Reads a slot with acquire semantics; safe from any thread while the store is not freed.
     *
     * @param slot slot index.
     * @return the raw 8 bytes.
     */
    public long getLongAcquire(final int slot)
    {
        return buffer.getLongAcquire(offset(slot));
    }

    private int offset(final int slot)
    {
        if (freed)
        {
            throw new IllegalStateException("value store is freed");
        }
        return slot << 3;
    }

    /**
     * Number of slots.
     *
     * @return capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Off-heap bytes held.
     *
     * @return bytes, 0 once freed.
     */
    public long offHeapBytes()
    {
        return freed ? 0 : buffer.capacity();
    }

    /**
     * Frees the off-heap memory. Writer thread, after it has stopped applying updates.
     */
    public void free()
    {
        if (freed)
        {
            return;
        }
        freed = true;
        buffer.wrap(new byte[0]);
        final ByteBuffer memory = this.memory;
        this.memory = null;
        if (memory != null)
        {
            BufferUtil.free(memory);
        }
        if (onFree != null)
        {
            onFree.run();
        }
    }
}
