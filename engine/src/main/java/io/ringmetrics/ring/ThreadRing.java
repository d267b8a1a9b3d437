package io.ringmetrics.ring;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A single-producer Disruptor ring owned by one caller thread and drained by the writer thread through an
 * {@link EventPoller}.
 * <p>
 * <b>Threading.</b> {@link #tryPublish(int, int, long)} and {@link #countDrop(int)} are called only by the current {@link #owner()}; {@link #poll(EventPoller.Handler)} only by the writer. A ring
 * changes owner only after its previous owner has died and the writer has drained it, with the hand-over made
 * under the {@link RingDirectory} lock, so there is never more than one producer.
 * <p>
 * <b>Memory ordering.</b> Event fields are plain stores released by the ring's cursor publish (a release store);
 * the poller reads the cursor with acquire semantics. Drop counters are single-writer: the owner increments with a
 * release store ({@link AtomicLongArray#setRelease}), readers use {@link AtomicLongArray#getAcquire}. The counters
 * are spaced a cache line apart and live in their own array, away from the sequencer's padded fields.
 * <p>
 * <b>Never</b> locks, allocates or blocks.
 */
public final class ThreadRing
{
    private static final int PAD = 16; // longs between counters: 128 bytes, two cache lines

    private final RingBuffer<UpdateEvent> ring;
    private final EventPoller<UpdateEvent> poller;
    private final AtomicLongArray droppedFull = new AtomicLongArray((UpdateOp.KIND_COUNT + 1) * PAD);
    private volatile Thread owner;

    /**
     * Creates a ring of the given power-of-two size.
     *
     * @param size  number of slots, a power of two.
     * @param owner the thread that will publish into it.
     */
    public ThreadRing(final int size, final Thread owner)
    {
        // The wait strategy is never used: the writer polls and callers never wait on a barrier.
        this.ring = RingBuffer.createSingleProducer(UpdateEvent::new, size, new YieldingWaitStrategy());
        this.poller = ring.newPoller();
        this.ring.addGatingSequences(poller.getSequence());
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
        final RingBuffer<UpdateEvent> ring = this.ring;
        final long sequence;
        try
        {
            sequence = ring.tryNext(); // throws a preallocated, stack-less exception when full
        }
        catch (final InsufficientCapacityException ex)
        {
            return false;
        }
        final UpdateEvent event = ring.get(sequence);
        event.id = id;
        event.op = op;
        event.value = value;
        ring.publish(sequence);
        return true;
    }

    /**
     * Counts one update of the given kind that could not enter this ring. Owner thread only.
     *
     * @param kind an {@link UpdateOp} kind index.
     */
    public void countDrop(final int kind)
    {
        final int index = (kind + 1) * PAD;
        droppedFull.setRelease(index, droppedFull.getPlain(index) + 1);
    }

    /**
     * Drains everything published so far into {@code handler}. Writer thread only.
     *
     * @param handler receives each event.
     * @return the poller state.
     * @throws Exception if the handler throws.
     */
    public EventPoller.PollState poll(final EventPoller.Handler<UpdateEvent> handler) throws Exception
    {
        return poller.poll(handler);
    }

    /**
     * Updates dropped because this ring was full, for one kind.
     *
     * @param kind an {@link UpdateOp} kind index.
     * @return the count, read with acquire semantics.
     */
    public long droppedFull(final int kind)
    {
        return droppedFull.getAcquire((kind + 1) * PAD);
    }

    /**
     * Number of events ever published into this ring (its cursor + 1).
     *
     * @return published events, excluding drops.
     */
    public long publishedCount()
    {
        return ring.getCursor() + 1;
    }

    /**
     * Number of events the writer has consumed (its poller sequence + 1).
     *
     * @return consumed events.
     */
    public long consumedCount()
    {
        return poller.getSequence().get() + 1;
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
     * Ring size in slots.
     *
     * @return the size.
     */
    public int size()
    {
        return ring.getBufferSize();
    }
}
