package io.ringmetrics.ring;

import com.lmax.disruptor.Sequence;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A single-producer ring owned by one caller thread and drained by the writer thread, built so that the two threads
 * never share a cache line that one of them is still writing: slots are published by their content, a cursor only
 * once per batch ({@link #publishBatch()}: a 4 KiB page), the writer's steady-state drain reads only whole pages the
 * owner has left, and it hands every line it read back to the owner in the state that is cheapest to take back.
 * <pre>
 *   slots (off-heap, page-aligned; four 16-byte slots to a cache line, 256 to a page, a publish batch is a page):
 *     | header 0 | value 0 | header 1 | value 1 | ... | header n-1 | value n-1 |
 *   header (long):  | id (32 bits) | lap tag (16 bits) | op (16 bits) |
 *   lap tag:        1 + (lap &amp; 1), lap = sequence / n: the parity of the pass the slot was written in, never 0
 *   value (long):   a long amount or raw double bits, see {@link UpdateOp}
 * </pre>
 * <b>Publication.</b> The owner writes a slot's value (plain store), then its header (release store): a header whose
 * lap tag is the one its sequence expects publishes that slot and, by program order, every slot before it. A stale
 * header (written one pass earlier, so with the other parity) or a zero one (never written, or zeroed by the writer)
 * does not. Every {@link #publishBatch()} slots, and only then, the owner also publishes its position through the
 * cursor, a Disruptor {@link Sequence} (a release store). A full ring publishes nothing: the writer finds work in the
 * batches before it and frees slots. Every call on the publish path runs on every publish or at every wrap check,
 * so every profile has seen it and C2 inlines it; the rare full-ring branch makes none. A call there (the cursor
 * publication a full ring used to make) let C2, depending on the profile at compile time, keep a caller's loop
 * variables on the stack and double the cost of each publish (docs/benchmarks.md).
 * <p>
 * <b>Draining.</b> {@link #drainBatches(UpdateHandler)}, the writer's steady state, reads the cursor (acquire) and
 * applies the slots up to it, stopping short of the 4 KiB memory page that holds the owner's next slot (rings of more
 * than one page): whole pages the owner has finished with, and not even a hardware prefetch of the writer's reads
 * (prefetchers stay within a page) touches a line the owner is about to write. The writer thus slips up to one page
 * (256 slots) behind a busy owner. {@link #drain(UpdateHandler)} then also follows the slot headers past the cursor
 * (acquire loads) up to the first unpublished slot: it is what a snapshot barrier, close, ring growth and dead-owner
 * reclamation use (every update published before them is applied), and what the writer's periodic tail sweep uses,
 * so an update that no later batch follows is applied after a bounded delay.
 * <p>
 * <b>Handing lines back.</b> After it has read the first slot of a cache line, the writer zeroes that slot's header
 * (a plain store, before the release of the slots below). A line the writer has only read is shared by both cores, and
 * the owner's store to it a pass later must invalidate the writer's copy; a line the writer has written is in its
 * cache alone, and the owner's store takes it whole. On AMD EPYC that took a publish from 7-9 ns to about 3 ns
 * (docs/benchmarks.md). A zero header reads as unpublished for every pass, so this changes nothing the owner or a
 * drain sees. The writer releases the slots it has read, and zeroed, through its {@link Sequence} (a release store,
 * so the zeroing happens before the owner may reuse the slot); the owner reads that sequence (acquire) only when the
 * slots it last found free are used up, and then takes every free slot at once.
 * <p>
 * Per page of 256 updates the owner writes 65 lines the writer then reads: 64 of slots, once each, and the cursor's,
 * which a polling writer reads until the next batch moves it (so the owner's next cursor store takes that line back).
 * The writer writes 64 lines (one word each) that the owner takes back a pass later; the writer's sequence line is
 * read by the owner once per pass over the ring. Nothing is shared per update. See docs/architecture.md for the
 * memory-ordering edges.
 * <p>
 * <b>Threading.</b> {@link #tryPublish(int, int, long)} and {@link #countDrop(int)} are called only by the current
 * {@link #owner()}; {@link #drain(UpdateHandler)} and {@link #drainBatches(UpdateHandler)} only by the writer (or by
 * one thread that has taken the writer's place, in tests). A ring changes owner only after its previous owner has
 * died and the writer has drained it, with the hand-over made under the {@link RingDirectory} lock, so there is never
 * more than one producer. The owner keeps its position in two plain fields padded away from the fields the writer
 * reads; a ring handed to a new owner continues from that position, so no slot is skipped.
 * <p>
 * Drop counters are single-writer: the owner increments with a release store ({@link AtomicLongArray#setRelease}),
 * readers use {@link AtomicLongArray#getAcquire}; they are spaced two cache lines apart in their own array.
 * <p>
 * <b>Never</b> locks, allocates or blocks.
 */
public final class ThreadRing extends ThreadRingRhsPad
{
    /** Receives the updates of a drain, in publication order. Called on the writer thread. */
    @FunctionalInterface
    public interface UpdateHandler
    {
        /**
         * Applies one update.
         *
         * @param id    series id.
         * @param op    operation code from {@link UpdateOp}.
         * @param value operand.
         */
        void apply(int id, int op, long value);
    }

    /**
     * Slots between two publications of the cursor in a ring of at least four times as many: one 4 KiB page of
     * 16-byte slots. A smaller ring publishes every quarter ring ({@link #publishBatch()}).
     */
    public static final int PUBLISH_BATCH = 256;
    /** Updates the writer applies before it frees their slots for the owner. */
    static final int RELEASE_BATCH = 1024;
    private static final int SLOT_BYTES = 16;
    private static final int SLOT_SHIFT = 4;
    private static final int LINE_BYTES = 64;
    private static final int PAGE_BYTES = 4096; // hardware prefetchers stop at a 4 KiB boundary
    private static final int SLOTS_PER_PAGE = PAGE_BYTES / SLOT_BYTES;
    private static final int COUNTER_PAD = 16; // longs between drop counters: 128 bytes, two cache lines
    private static final int OP_MASK = 0xFFFF;
    private static final int TAG_SHIFT = 16;
    private static final int TAG_MASK = 0x3;

    private final Sequence cursor = new Sequence();
    private final Sequence consumed = new Sequence();
    private final ByteBuffer memory; // keeps the slots' memory alive as long as the ring
    private final long address;       // of slot 0; every slot address is masked into the ring, so never out of it
    private final int mask;
    private final int lapShift;
    private final int publishMask;
    private final AtomicLongArray droppedFull = new AtomicLongArray((UpdateOp.KIND_COUNT + 1) * COUNTER_PAD);
    private volatile Thread owner;
    private volatile ThreadRing predecessor;

    /**
     * Creates a ring of the given power-of-two size.
     *
     * @param size  number of slots, a power of two.
     * @param owner the thread that will publish into it.
     */
    public ThreadRing(final int size, final Thread owner)
    {
        if (Integer.bitCount(size) != 1 || size > (1 << 26))
        {
            throw new IllegalArgumentException("ring size must be a power of two up to 2^26, was " + size);
        }
        // zeroed: no slot published; page-aligned (or aligned to its size, if smaller), so that a batch is a page
        this.memory = BufferUtil.allocateDirectAligned(size * SLOT_BYTES, Math.min(size * SLOT_BYTES, PAGE_BYTES));
        this.address = BufferUtil.address(memory);
        this.mask = size - 1;
        this.lapShift = Integer.numberOfTrailingZeros(size);
        this.publishMask = Math.min(PUBLISH_BATCH, Math.max(1, size / 4)) - 1;
        this.owner = owner;
    }

    /** A ring of no slots: see {@link #refusing(Thread)}. */
    private ThreadRing(final Thread owner)
    {
        this.memory = null;
        this.address = 0;
        this.mask = -1;
        this.lapShift = 0;
        this.publishMask = 0;
        this.owner = owner;
    }

    /**
     * A ring with no slots, for an engine that runs no writer: every {@link #tryPublish} finds it full, without
     * touching off-heap memory or loading an Agrona class.
     *
     * @param owner the thread that will publish into it.
     * @return a ring of size 0.
     */
    public static ThreadRing refusing(final Thread owner)
    {
        return new ThreadRing(owner);
    }

    /**
     * Publishes {@code (id, op, value)} if there is a free slot. Owner thread only.
     *
     * @param id    series id.
     * @param op    operation code.
     * @param value operand.
     * @return {@code true} if published, {@code false} if the ring is full (nothing is counted here).
     */
    public boolean tryPublish(final int id, final int op, final long value)
    {
        final long sequence = nextSequence;
        if (sequence > freeUpTo) // the wrap check, made again only when the slots known free are used up
        {
            final long limit = consumed.get() + mask + 1; // acquire: the writer is done with every slot up to it
            if (sequence > limit)
            {
                return false; // no store, no call: see the class comment
            }
            freeUpTo = limit;
        }
        final long slot = address + (((int)sequence & mask) << SLOT_SHIFT);
        UnsafeApi.putLong(null, slot + Long.BYTES, value);
        UnsafeApi.putLongRelease(null, slot, header(id, op, sequence));
        if (((int)sequence & publishMask) == publishMask)
        {
            cursor.set(sequence); // release store of the cursor, once per batch
        }
        nextSequence = sequence + 1;
        return true;
    }

    /**
     * Makes sure the next {@code slots} calls of {@link #tryPublish} find a free slot, so that a group of updates
     * (an exemplar and its observation) enters the ring whole or not at all. Owner thread only; the same wrap check
     * as {@link #tryPublish}, made for the group's last slot.
     *
     * @param slots number of updates about to be published, at most the ring's size.
     * @return {@code true} if they all fit now, {@code false} if the ring is too full (nothing is published).
     */
    public boolean tryReserve(final int slots)
    {
        final long last = nextSequence + slots - 1;
        if (last > freeUpTo)
        {
            final long limit = consumed.get() + mask + 1; // acquire, as in tryPublish
            if (last > limit)
            {
                return false;
            }
            freeUpTo = limit;
        }
        return true;
    }

    private long header(final int id, final int op, final long sequence)
    {
        return ((long)id << 32) | (long)(lapTag(sequence) << TAG_SHIFT) | (op & OP_MASK);
    }

    private int lapTag(final long sequence)
    {
        return 1 + (int)((sequence >>> lapShift) & 1);
    }

    /**
     * Counts one update of the given kind that could not enter this ring. Owner thread only.
     *
     * @param kind an {@link UpdateOp} kind index.
     */
    public void countDrop(final int kind)
    {
        final int index = (kind + 1) * COUNTER_PAD;
        droppedFull.setRelease(index, droppedFull.getPlain(index) + 1);
    }

    /**
     * Applies the updates the owner has published through the cursor, up to the memory page of the owner's next slot
     * (see the class comment): whole pages it has finished with, freeing their slots for the owner every
     * {@link #RELEASE_BATCH} updates. The updates left (those of the owner's current page; in a ring of one page or
     * less, fewer than {@link #publishBatch()}) wait for later batches or for {@link #drain(UpdateHandler)}. Writer
     * thread only.
     *
     * @param handler receives each update.
     * @return number of updates drained.
     */
    public int drainBatches(final UpdateHandler handler)
    {
        final long available = behindOwnersPage(cursor.get()); // acquire: the slots up to it are written
        final long first = consumed.get() + 1;
        return first > available ? 0 : (int)(apply(first, available, handler) - first);
    }

    /**
     * The last published sequence whose slot lies outside the memory page the owner writes next (the page of
     * {@code cursor + 1}), or {@code cursor} for a ring of at most one page. The writer's steady state stops there, so
     * neither its loads nor the hardware prefetches they trigger (which stay within a 4 KiB page) pull a line the
     * owner is about to write: the writer slips up to one page (256 slots) behind its owner.
     */
    private long behindOwnersPage(final long cursor)
    {
        if (mask < SLOTS_PER_PAGE)
        {
            return cursor;
        }
        final long next = cursor + 1;
        final int index = (int)next & mask;
        final long intoPage = ((address + ((long)index << SLOT_SHIFT)) & (PAGE_BYTES - 1)) >>> SLOT_SHIFT;
        return next - Math.min(intoPage, index) - 1;
    }

    /**
     * Applies every update published so far: the batches up to the cursor, then each slot past it whose header is
     * published, up to the first that is not. Writer thread only.
     *
     * @param handler receives each update.
     * @return number of updates drained.
     */
    public int drain(final UpdateHandler handler)
    {
        final long first = consumed.get() + 1;
        long next = first;
        final long available = cursor.get();
        if (next <= available)
        {
            next = apply(next, available, handler);
        }
        final long end = visibleEnd(next);
        if (next < end)
        {
            next = apply(next, end - 1, handler); // headers read with acquire in visibleEnd: the values are written
        }
        return (int)(next - first);
    }

    /** Applies the slots {@code from..to}, releasing them in batches; returns {@code to + 1}. */
    private long apply(final long from, final long to, final UpdateHandler handler)
    {
        final long address = this.address;
        final int mask = this.mask;
        long sequence = from;
        while (sequence <= to)
        {
            final long batchEnd = Math.min(to, sequence + RELEASE_BATCH - 1);
            for (; sequence <= batchEnd; sequence++)
            {
                final long slot = address + (((int)sequence & mask) << SLOT_SHIFT);
                final long header = UnsafeApi.getLong(null, slot);
                handler.apply((int)(header >>> 32), (int)header & OP_MASK, UnsafeApi.getLong(null, slot + Long.BYTES));
                if ((slot & (LINE_BYTES - 1)) == 0)
                {
                    UnsafeApi.putLong(null, slot, 0L); // hands the line back exclusive: see the class comment
                }
            }
            consumed.set(batchEnd); // release: the owner may now overwrite these slots, after the zeroing above
        }
        return sequence;
    }

    /**
     * The first sequence from {@code from} on whose slot is not published, looking at most one ring ahead. Read-only:
     * any thread may call it, and from the writer thread (or once the owner is done) the answer is exact.
     */
    private long visibleEnd(final long from)
    {
        final long limit = from + mask + 1;
        long sequence = from;
        while (sequence < limit && published(sequence))
        {
            sequence++;
        }
        return sequence;
    }

    /** The header word of a slot as it is now, read with acquire: for tests of the protocol. */
    long headerAt(final int slot)
    {
        return UnsafeApi.getLongAcquire(null, address + ((long)(slot & mask) << SLOT_SHIFT));
    }

    private boolean published(final long sequence)
    {
        final long header = UnsafeApi.getLongAcquire(null, address + (((int)sequence & mask) << SLOT_SHIFT));
        return ((int)header >>> TAG_SHIFT & TAG_MASK) == lapTag(sequence);
    }

    /**
     * Updates dropped because this ring was full, for one kind.
     *
     * @param kind an {@link UpdateOp} kind index.
     * @return the count, read with acquire semantics.
     */
    public long droppedFull(final int kind)
    {
        return droppedFull.getAcquire((kind + 1) * COUNTER_PAD);
    }

    /**
     * Number of updates published into this ring: those the writer has consumed and those published after them,
     * found by their headers. Exact on the writer thread, and on any thread once neither the owner publishes nor the
     * writer drains; otherwise a moment's count, which can miss updates the writer is consuming (the owner itself
     * uses {@link #publishedByOwner()}).
     *
     * @return published updates, excluding drops.
     */
    public long publishedCount()
    {
        return visibleEnd(Math.max(consumed.get(), cursor.get()) + 1);
    }

    /**
     * Number of updates published into this ring, exact on its owner thread whatever the writer does: the owner's own
     * position. {@link #publishedCount()} counts headers, and from the owner it can miss the updates past the last
     * batch while the writer drains them (it zeroes the first header of each line it consumes before it releases
     * them); a full ring stops past its last batch when the writer's position is inside a batch. Owner thread only.
     *
     * @return published updates, excluding drops.
     */
    long publishedByOwner()
    {
        return nextSequence;
    }

    /**
     * Number of updates the writer has consumed (its sequence + 1).
     *
     * @return consumed updates.
     */
    public long consumedCount()
    {
        return consumed.get() + 1;
    }

    /**
     * The thread that may publish into this ring, or {@code null} while pooled.
     *
     * @return current owner.
     */
    public Thread owner()
    {
        return owner;
    }

    void owner(final Thread owner)
    {
        this.owner = owner;
    }

    /**
     * The smaller ring this one replaced when it filled up, until the writer has drained it; see
     * {@link RingDirectory#drain(ThreadRing, UpdateHandler)}.
     *
     * @return the predecessor, or {@code null}.
     */
    public ThreadRing predecessor()
    {
        return predecessor;
    }

    void predecessor(final ThreadRing predecessor)
    {
        this.predecessor = predecessor;
    }

    /**
     * Slots between two publications of the cursor: {@link #PUBLISH_BATCH}, or a quarter of a ring smaller than four
     * times that.
     *
     * @return the batch, a power of two.
     */
    public int publishBatch()
    {
        return publishMask + 1;
    }

    /**
     * Ring size in slots.
     *
     * @return the size.
     */
    public int size()
    {
        return mask + 1;
    }

    /**
     * Off-heap bytes held by this ring's slots.
     *
     * @return the slots' size in bytes.
     */
    public long slotBytes()
    {
        return memory == null ? 0 : memory.capacity();
    }
}

/** Padding before the owner's claim position (Disruptor's and Agrona's layout idiom). */
abstract class ThreadRingLhsPad
{
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The owner's claim position: written by the owner thread only, on every publish. */
abstract class ThreadRingOwnerFields extends ThreadRingLhsPad
{
    /** Next sequence the owner publishes. */
    long nextSequence;
    /** Highest sequence the last wrap check found free; slots up to it may be written without another. */
    long freeUpTo = -1;
}

/** Padding after the owner's claim position, so the writer's reads of the ring's other fields do not share its line. */
abstract class ThreadRingRhsPad extends ThreadRingOwnerFields
{
    long p10, p11, p12, p13, p14, p15, p16, p17;
}
