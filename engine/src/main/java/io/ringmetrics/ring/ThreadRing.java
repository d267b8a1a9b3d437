package io.ringmetrics.ring;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SingleProducerSequencer;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A single-producer ring owned by one caller thread and drained by the writer thread: a Disruptor
 * {@link SingleProducerSequencer} publishes the slots and is gated by the writer's {@link Sequence}, and the slots are
 * flat 16-byte records in one {@code long[]}, four to a cache line.
 * <pre>
 *   slots (long[]):  | pad 64 B | header 0 | value 0 | header 1 | value 1 | ... | header n-1 | value n-1 | pad 64 B |
 *   header (long):   | id (32 bits, high) | op (32 bits, low) |
 *   value (long):    a long amount or raw double bits, see {@link UpdateOp}
 * </pre>
 * Why not Disruptor's {@code RingBuffer<E>}: its slots are preallocated event objects, 32 bytes each with their
 * headers, two to a cache line. Every line the caller writes was last read by the writer on another core and must
 * be fetched back for ownership, so halving the lines per update halves that traffic.
 * <p>
 * <b>Threading.</b> {@link #tryPublish(int, int, long)} and {@link #countDrop(int)} are called only by the current
 * {@link #owner()}; {@link #drain(UpdateHandler)} only by the writer. A ring changes owner only after its previous
 * owner has died and the writer has drained it, with the hand-over made under the {@link RingDirectory} lock, so
 * there is never more than one producer.
 * <p>
 * <b>Memory ordering.</b> Slot words are plain stores, released by the sequencer's cursor publish (a release
 * store); the writer reads the cursor with acquire semantics before reading the slots, and releases its own
 * sequence after reading them, which is what lets the owner reuse them. Drop counters are single-writer: the owner
 * increments with a release store ({@link AtomicLongArray#setRelease}), readers use
 * {@link AtomicLongArray#getAcquire}; they are spaced two cache lines apart in their own array.
 * <p>
 * <b>Claiming.</b> The owner makes the single-producer wrap check itself, inline: a slot is free once the writer's
 * sequence is at most one ring behind it. It reads that sequence only when the slots it last found free are used up,
 * and then takes every free slot at once. Not {@link SingleProducerSequencer#tryNext(int)}: that is a call C2 does
 * not reliably inline, and a call anywhere in a caller's loop made C2 keep the loop's registers on the stack on every
 * iteration (decoded C2 code; see docs/benchmarks.md). The owner keeps its position in two plain fields
 * padded away from the fields the writer reads. A ring handed to a new owner (after its previous owner died and
 * the writer drained it) continues from that position, so no slot is skipped: the writer only reads slots up to the
 * cursor.
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

    private static final int COUNTER_PAD = 16; // longs between drop counters: 128 bytes, two cache lines
    private static final int SLOT_PAD = 8;     // longs before and after the slots: 64 bytes, one cache line
    private static final long OP_MASK = 0xFFFF_FFFFL;
    /** Updates the writer applies before it frees their slots for the owner. */
    static final int RELEASE_BATCH = 1024;

    private final SingleProducerSequencer sequencer;
    private final Sequence consumed = new Sequence();
    private final long[] slots;
    private final int mask;
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
        // The wait strategy is never used (the writer polls, callers never wait on a barrier); this one's
        // publish-side signal is a no-op.
        this.sequencer = new SingleProducerSequencer(size, new YieldingWaitStrategy());
        this.sequencer.addGatingSequences(consumed);
        this.slots = new long[SLOT_PAD + 2 * size + SLOT_PAD];
        this.mask = size - 1;
        this.owner = owner;
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
                return false;
            }
            freeUpTo = limit;
        }
        final int index = SLOT_PAD + (((int)sequence & mask) << 1);
        final long[] slots = this.slots;
        slots[index] = ((long)id << 32) | (op & OP_MASK);
        slots[index + 1] = value;
        sequencer.publish(sequence); // release store of the cursor
        nextSequence = sequence + 1;
        return true;
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
     * Applies everything published so far to {@code handler}, freeing the slots for the owner every
     * {@link #RELEASE_BATCH} updates (so a long backlog is not held until its end). Writer thread only.
     *
     * @param handler receives each update.
     * @return number of updates drained.
     */
    public int drain(final UpdateHandler handler)
    {
        final long available = sequencer.getCursor(); // acquire: the slots up to it are written
        final long first = consumed.get() + 1;
        final long[] slots = this.slots;
        final int mask = this.mask;
        long sequence = first;
        while (sequence <= available)
        {
            final long batchEnd = Math.min(available, sequence + RELEASE_BATCH - 1);
            for (; sequence <= batchEnd; sequence++)
            {
                final int index = SLOT_PAD + (((int)sequence & mask) << 1);
                final long header = slots[index];
                handler.apply((int)(header >>> 32), (int)header, slots[index + 1]);
            }
            consumed.set(batchEnd); // release: the owner may now overwrite these slots
        }
        return (int)(sequence - first);
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
     * Number of updates ever published into this ring (its cursor + 1).
     *
     * @return published updates, excluding drops.
     */
    public long publishedCount()
    {
        return sequencer.getCursor() + 1;
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
     * Ring size in slots.
     *
     * @return the size.
     */
    public int size()
    {
        return mask + 1;
    }

    /**
     * Heap bytes held by this ring's slots.
     *
     * @return the size of the slot array's payload.
     */
    public long slotBytes()
    {
        return (long)slots.length * Long.BYTES;
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
