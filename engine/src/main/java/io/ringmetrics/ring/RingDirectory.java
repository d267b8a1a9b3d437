package io.ringmetrics.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands every caller thread its own {@link ThreadRing} and keeps the list of rings the writer drains.
 * <p>
 * <b>Topology.</b> One single-producer ring per caller thread, all drained by one writer: callers never share a
 * sequence, a cache line or a CAS with each other, so the publish cost does not grow with the number of threads
 * (a shared multi-producer ring costs a contended CAS per publish).
 * <p>
 * <b>Growth.</b> A thread's ring starts at {@code initialRingSize} slots. When it is full, the owner replaces it
 * with a ring twice as large (up to {@code maxRingSize}) instead of dropping or waiting, so only the threads that
 * publish fast enough to fill their ring pay for a deep one. The new ring keeps the full one as its
 * {@linkplain ThreadRing#predecessor() predecessor} until the writer has drained it, and the writer always drains
 * a predecessor completely before the ring that replaced it ({@link #drain(ThreadRing, ThreadRing.UpdateHandler)}),
 * so a thread's updates are applied in the order it published them (a later gauge set is never overtaken).
 * Growing allocates and takes the directory lock: it happens at most {@code log2(max / initial)} times per thread.
 * <p>
 * <b>Memory budget.</b> The slots of every ring the directory holds (active, pooled, and replaced rings the writer
 * has not yet drained) add up to at most {@code ringMemoryBudget} bytes, plus at most {@link #MIN_RING_SIZE} slots
 * (256 bytes) for each thread that arrived once the budget was used up. A new thread gets the largest ring up to
 * {@code initialRingSize} that fits; when none fits it still gets a ring of {@link #MIN_RING_SIZE} slots, so that
 * no thread is left without a ring (a control operation is never lost). A full ring grows only if the larger ring
 * fits; otherwise its updates are dropped and counted ({@code ring_full}, or the caller waits with
 * {@link BackpressurePolicy#BLOCK}), and it asks again after every {@link #BUDGET_RETRY_DROPS} drops, since memory
 * is given back when threads die and replaced rings are drained. All of this happens under the directory lock, off
 * the publish fast path.
 * <p>
 * <b>Finding the caller's ring.</b> A table indexed by the low bits of the thread id holds the ring of one live
 * thread per entry; {@link #publish(int, int, long)} reads the entry and checks the ring's owner is the calling
 * thread (two dependent loads). A thread whose entry belongs to another live thread falls back to a
 * {@link ThreadLocal}, which is always set and is the source of truth; entries are written under the directory
 * lock with release stores and cleared when their ring is retired.
 * <p>
 * <b>Threading.</b> {@link #publish(int, int, long)} is called by any thread, lock-free: the lookup above and one
 * ring publish. A thread's first publish takes the directory lock once to obtain a ring. The writer
 * reads {@link #activeRings()} (a volatile, copy-on-write array) and calls {@link #reclaimDeadOwners(RingDrainer)},
 * which retires the rings of threads that have died once they are drained, and pools them for new threads, so a
 * thread pool that replaces its threads leaks no ring.
 */
public final class RingDirectory
{
    /** Drains a ring completely before it is retired. Called on the writer thread. */
    @FunctionalInterface
    public interface RingDrainer
    {
        /**
         * Applies everything published into {@code ring}.
         *
         * @param ring a ring whose owner has died.
         */
        void drain(ThreadRing ring);
    }

    /** Slots of the smallest ring a thread is given, within the memory budget or not: 256 bytes. */
    public static final int MIN_RING_SIZE = 16;
    /** Updates a ring held back by the memory budget drops before it asks the budget again. */
    public static final int BUDGET_RETRY_DROPS = 1024;
    private static final int SLOT_BYTES = 16;
    private static final ThreadRing[] NO_RINGS = new ThreadRing[0];
    static final int THREAD_TABLE_SIZE = 4096;
    private static final VarHandle TABLE = MethodHandles.arrayElementVarHandle(ThreadRing[].class);

    private final int initialRingSize;
    private final int maxRingSize;
    private final int maxPooledRings;
    private final BackpressurePolicy policy;
    private final long ringMemoryBudget;
    private final ThreadLocal<ThreadRing> localRing = ThreadLocal.withInitial(this::acquireRing);
    private final ThreadRing[] ringByThreadId = new ThreadRing[THREAD_TABLE_SIZE];
    private final ArrayDeque<ThreadRing> pool = new ArrayDeque<>();
    private volatile ThreadRing[] activeRings = NO_RINGS;
    private volatile boolean closed;

    // Totals of rings no longer listed: discarded when the pool was full, or replaced by a larger ring; guarded by this.
    private final long[] discardedDropped = new long[UpdateOp.KIND_COUNT];
    private long discardedPublished;
    // Slot bytes of listed, pooled and replaced-but-undrained rings; guarded by this.
    private long heldBytes;
    // Rings replaced by a larger one, each with its successor: held until the writer has drained them; guarded by this.
    private final ArrayList<ThreadRing[]> replaced = new ArrayList<>();
    private long budgetRefusals; // guarded by this

    /**
     * A directory whose rings never grow.
     *
     * @param ringSize       slots per ring, a power of two.
     * @param maxPooledRings rings of dead threads kept for reuse; beyond this they are released to the GC.
     * @param policy         backpressure policy when a ring is full.
     */
    public RingDirectory(final int ringSize, final int maxPooledRings, final BackpressurePolicy policy)
    {
        this(ringSize, ringSize, maxPooledRings, policy);
    }

    /**
     * @param initialRingSize slots of a thread's first ring, a power of two.
     * @param maxRingSize     slots a thread's ring may grow to, a power of two, at least {@code initialRingSize}.
     * @param maxPooledRings  rings of dead threads kept for reuse; beyond this they are released to the GC.
     * @param policy          backpressure policy when a ring is full at its largest.
     */
    public RingDirectory(
        final int initialRingSize, final int maxRingSize, final int maxPooledRings, final BackpressurePolicy policy)
    {
        this(initialRingSize, maxRingSize, maxPooledRings, policy, Long.MAX_VALUE);
    }

    /**
     * @param initialRingSize  slots of a thread's first ring, a power of two.
     * @param maxRingSize      slots a thread's ring may grow to, a power of two, at least {@code initialRingSize}.
     * @param maxPooledRings   rings of dead threads kept for reuse; beyond this they are released to the GC.
     * @param policy           backpressure policy when a ring is full at its largest.
     * @param ringMemoryBudget most bytes of ring slots held at once (see the class comment for the 256 bytes a thread
     *                         beyond it still gets), positive.
     */
    public RingDirectory(
        final int initialRingSize, final int maxRingSize, final int maxPooledRings, final BackpressurePolicy policy,
        final long ringMemoryBudget)
    {
        if (Integer.bitCount(initialRingSize) != 1 || Integer.bitCount(maxRingSize) != 1 ||
            maxRingSize < initialRingSize)
        {
            throw new IllegalArgumentException("ring sizes must be powers of two with initial <= max, were " +
                initialRingSize + " and " + maxRingSize);
        }
        if (ringMemoryBudget <= 0)
        {
            throw new IllegalArgumentException("ring memory budget must be positive, was " + ringMemoryBudget);
        }
        this.initialRingSize = initialRingSize;
        this.maxRingSize = maxRingSize;
        this.maxPooledRings = maxPooledRings;
        this.policy = policy;
        this.ringMemoryBudget = ringMemoryBudget;
    }

    /** The directory of {@link #refusingAll()}: rings of size 0. */
    private RingDirectory()
    {
        this.initialRingSize = 0;
        this.maxRingSize = 0;
        this.maxPooledRings = 0;
        this.policy = BackpressurePolicy.DROP;
        this.ringMemoryBudget = 0;
    }

    /**
     * A directory for an engine that runs no writer: each thread gets a {@linkplain ThreadRing#refusing(Thread) ring
     * of no slots}, so every update is counted as dropped ({@code ring_full}) by its own thread, and no off-heap
     * memory or Agrona class is ever touched.
     *
     * @return the directory.
     */
    public static RingDirectory refusingAll()
    {
        return new RingDirectory();
    }

    /**
     * Publishes {@code (id, op, value)} into the calling thread's ring. Lock-free and allocation-free after the
     * thread's first call, except when its ring is full and may still grow. When the ring is full at its largest
     * the update is counted as dropped ({@link BackpressurePolicy#DROP}) or the caller waits for space
     * ({@link BackpressurePolicy#BLOCK}, until the engine is closed).
     *
     * @param id    series id.
     * @param op    operation code from {@link UpdateOp}.
     * @param value operand.
     * @return {@code true} if the update entered the ring.
     */
    public boolean publish(final int id, final int op, final long value)
    {
        final ThreadRing ring = callerRing();
        if (ring.tryPublish(id, op, value))
        {
            return true;
        }
        return publishWhenFull(ring, id, op, value, policy);
    }

    /**
     * Publishes an update with an exemplar: the trace and span ids as three control updates
     * ({@link UpdateOp#EXEMPLAR_TRACE_HIGH}, {@link UpdateOp#EXEMPLAR_TRACE_LOW}, {@link UpdateOp#EXEMPLAR_SPAN})
     * followed by the update itself, four slots reserved at once in the calling thread's ring, so they enter it
     * together and in order. Lock-free and allocation-free like {@link #publish}. If the ring has not four free
     * slots, the update is published alone ({@code plainOp}, with {@link #publish}'s growth, drop or wait) and the
     * exemplar is not kept.
     *
     * @param id        series id.
     * @param op        {@link UpdateOp#HISTOGRAM_OBSERVE_EXEMPLAR} or {@link UpdateOp#COUNTER_ADD_EXEMPLAR}.
     * @param plainOp   the same update without exemplar: {@link UpdateOp#HISTOGRAM_OBSERVE} or
     *                  {@link UpdateOp#COUNTER_ADD}.
     * @param value     operand.
     * @param traceHigh high 64 bits of the 128-bit trace id.
     * @param traceLow  low 64 bits of the trace id.
     * @param spanId    the 64-bit span id.
     * @return {@code true} if the update entered the ring (with or without its exemplar).
     */
    public boolean publishWithExemplar(
        final int id, final int op, final int plainOp, final long value,
        final long traceHigh, final long traceLow, final long spanId)
    {
        final ThreadRing ring = callerRing();
        if (ring.tryReserve(4))
        {
            ring.tryPublish(id, UpdateOp.EXEMPLAR_TRACE_HIGH, traceHigh);
            ring.tryPublish(id, UpdateOp.EXEMPLAR_TRACE_LOW, traceLow);
            ring.tryPublish(id, UpdateOp.EXEMPLAR_SPAN, spanId);
            return ring.tryPublish(id, op, value);
        }
        return publish(id, plainOp, value);
    }

    private boolean publishWhenFull(
        final ThreadRing ring, final int id, final int op, final long value, final BackpressurePolicy policy)
    {
        final ThreadRing larger = ring.size() < maxRingSize && mayAskForMemory(ring) ? grow(ring) : null;
        if (larger != null && larger.tryPublish(id, op, value))
        {
            return true;
        }
        final ThreadRing current = larger != null ? larger : ring;
        return policy == BackpressurePolicy.BLOCK ? awaitAndPublish(current, id, op, value) : drop(current, op);
    }

    /**
     * Publishes a control operation, waiting for space whatever the policy, so it is never lost while the
     * engine runs.
     *
     * @param id    series id.
     * @param op    a control operation code.
     * @param value operand.
     * @return {@code true} if published, {@code false} if the engine closed first.
     */
    public boolean publishControl(final int id, final int op, final long value)
    {
        final ThreadRing ring = callerRing();
        return ring.tryPublish(id, op, value) || publishWhenFull(ring, id, op, value, BackpressurePolicy.BLOCK);
    }

    private ThreadRing callerRing()
    {
        final Thread thread = Thread.currentThread();
        final ThreadRing ring = (ThreadRing)TABLE.getAcquire(ringByThreadId, tableIndex(thread));
        return ring != null && ring.owner() == thread ? ring : localRing.get();
    }

    private static int tableIndex(final Thread thread)
    {
        return (int)thread.getId() & (THREAD_TABLE_SIZE - 1);
    }

    /**
     * Whether a full ring below the largest size asks to grow now: always, unless the budget refused it and it has
     * dropped fewer than {@link #BUDGET_RETRY_DROPS} updates since (so a ring held back takes the directory lock once
     * per that many drops, not on every one). Owner thread; reads only its own ring's counters.
     */
    private static boolean mayAskForMemory(final ThreadRing ring)
    {
        long drops = 0;
        for (int kind = 0; kind < UpdateOp.KIND_COUNT; kind++)
        {
            drops += ring.droppedFull(kind);
        }
        return (drops & (BUDGET_RETRY_DROPS - 1)) == 0;
    }

    private boolean awaitAndPublish(final ThreadRing ring, final int id, final int op, final long value)
    {
        int spins = 0;
        while (!closed)
        {
            if (ring.tryPublish(id, op, value))
            {
                return true;
            }
            if (++spins < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(1_000L);
            }
        }
        return drop(ring, op);
    }

    private static boolean drop(final ThreadRing ring, final int op)
    {
        ring.countDrop(UpdateOp.kindOf(op));
        return false;
    }

    private synchronized ThreadRing acquireRing()
    {
        final Thread thread = Thread.currentThread();
        ThreadRing ring = pool.pollFirst();
        if (ring == null)
        {
            ring = initialRingSize == 0 ? ThreadRing.refusing(thread) : newRingWithinBudget(thread);
        }
        else
        {
            ring.owner(thread);
        }
        final ThreadRing[] rings = Arrays.copyOf(activeRings, activeRings.length + 1);
        rings[rings.length - 1] = ring;
        activeRings = rings;
        final int index = tableIndex(thread);
        final ThreadRing previous = ringByThreadId[index];
        final Thread previousOwner = previous == null ? null : previous.owner();
        if (previousOwner == null || !previousOwner.isAlive())
        {
            TABLE.setRelease(ringByThreadId, index, ring); // free, or held by a pooled ring or a dead thread's
        }
        return ring;
    }

    /**
     * Replaces the calling thread's full ring with one twice as large. Owner thread only; the old ring receives
     * nothing more and stays reachable as the new ring's predecessor until the writer has drained it.
     *
     * @return the new ring, or {@code null} if the directory is closed or the larger ring does not fit in the budget.
     */
    private synchronized ThreadRing grow(final ThreadRing ring)
    {
        if (closed)
        {
            return null;
        }
        final long largerBytes = 2L * ring.size() * SLOT_BYTES;
        if (!fitsInBudget(largerBytes))
        {
            budgetRefusals++;
            return null;
        }
        final Thread thread = Thread.currentThread();
        final ThreadRing larger = new ThreadRing(ring.size() * 2, thread);
        heldBytes += largerBytes;
        replaced.add(new ThreadRing[] { larger, ring }); // held until the writer has drained it
        larger.predecessor(ring);
        keepCounts(ring, ring.publishedByOwner()); // final now: its owner publishes no more, and knows how many
        final ThreadRing[] rings = activeRings.clone();
        for (int i = 0; i < rings.length; i++)
        {
            if (rings[i] == ring)
            {
                rings[i] = larger;
            }
        }
        activeRings = rings; // the writer sees the larger ring only together with its predecessor
        final int index = tableIndex(thread);
        if (ringByThreadId[index] == ring)
        {
            TABLE.setRelease(ringByThreadId, index, larger);
        }
        localRing.set(larger);
        ring.owner(null);
        return larger;
    }

    /**
     * A new thread's ring: the largest power of two up to {@code initialRingSize} slots that fits in the budget, or
     * {@link #MIN_RING_SIZE} slots if none does. Under this.
     */
    private ThreadRing newRingWithinBudget(final Thread thread)
    {
        final int minimum = Math.min(MIN_RING_SIZE, initialRingSize);
        int size = initialRingSize;
        while (size > minimum && !fitsInBudget((long)size * SLOT_BYTES))
        {
            size >>= 1;
        }
        if (size < initialRingSize)
        {
            budgetRefusals++;
        }
        heldBytes += (long)size * SLOT_BYTES;
        return new ThreadRing(size, thread);
    }

    /** Whether {@code bytes} more slots stay within the budget, once drained replaced rings are let go. Under this. */
    private boolean fitsInBudget(final long bytes)
    {
        for (int i = replaced.size() - 1; i >= 0; i--)
        {
            final ThreadRing[] pair = replaced.get(i);
            if (pair[0].predecessor() != pair[1]) // the writer has drained it and dropped the reference
            {
                heldBytes -= pair[1].slotBytes();
                replaced.set(i, replaced.get(replaced.size() - 1));
                replaced.remove(replaced.size() - 1);
            }
        }
        return heldBytes + bytes <= ringMemoryBudget;
    }

    /**
     * Drains {@code ring} completely: first what is left in the rings it replaced, oldest first, then every update
     * published into it ({@link ThreadRing#drain(ThreadRing.UpdateHandler)}). Writer thread only.
     *
     * @param ring    an active ring.
     * @param handler receives each update.
     * @return number of updates drained.
     */
    public static int drain(final ThreadRing ring, final ThreadRing.UpdateHandler handler)
    {
        return drainPredecessors(ring, handler) + ring.drain(handler);
    }

    /**
     * Drains what is left in the rings {@code ring} replaced, oldest first, then the batches its owner has published
     * ({@link ThreadRing#drainBatches(ThreadRing.UpdateHandler)}): the writer's steady state. Writer thread only.
     *
     * @param ring    an active ring.
     * @param handler receives each update.
     * @return number of updates drained.
     */
    public static int drainBatches(final ThreadRing ring, final ThreadRing.UpdateHandler handler)
    {
        return drainPredecessors(ring, handler) + ring.drainBatches(handler);
    }

    private static int drainPredecessors(final ThreadRing ring, final ThreadRing.UpdateHandler handler)
    {
        final ThreadRing predecessor = ring.predecessor();
        if (predecessor == null)
        {
            return 0;
        }
        final int drained = drain(predecessor, handler); // its owner moved on: this empties it for good
        ring.predecessor(null);
        return drained;
    }

    /**
     * The rings the writer must drain. Writer thread; a volatile read.
     *
     * @return the current array, never modified in place.
     */
    public ThreadRing[] activeRings()
    {
        return activeRings;
    }

    /**
     * Retires the rings whose owner thread has died: drains each with {@code drainer}, then pools it for reuse
     * or releases it. Writer thread only.
     *
     * @param drainer applies what is left in a ring.
     * @return number of rings retired.
     */
    public int reclaimDeadOwners(final RingDrainer drainer)
    {
        int retired = 0;
        for (final ThreadRing ring : activeRings)
        {
            final Thread owner = ring.owner();
            if (owner != null && !owner.isAlive())
            {
                drainer.drain(ring); // the owner is dead: nothing can be published after this drain
                retire(ring);
                retired++;
            }
        }
        return retired;
    }

    private synchronized void retire(final ThreadRing ring)
    {
        final ThreadRing[] current = activeRings;
        final ThreadRing[] rings = new ThreadRing[current.length - 1];
        int i = 0;
        for (final ThreadRing r : current)
        {
            if (r != ring)
            {
                rings[i++] = r;
            }
        }
        activeRings = rings;
        final int index = tableIndex(ring.owner());
        if (ringByThreadId[index] == ring)
        {
            TABLE.setRelease(ringByThreadId, index, null);
        }
        ring.owner(null);
        if (pool.size() < maxPooledRings && ring.size() == initialRingSize)
        {
            pool.addLast(ring); // grown rings go back to the GC: a new thread starts small
        }
        else
        {
            keepCounts(ring, ring.publishedCount()); // drained by the writer, this thread: exact
            heldBytes -= ring.slotBytes();
        }
    }

    /** Adds the counts of a ring that leaves the active list and the pool to the directory totals; under this. */
    private void keepCounts(final ThreadRing ring, final long published)
    {
        discardedPublished += published;
        for (int kind = 0; kind < UpdateOp.KIND_COUNT; kind++)
        {
            discardedDropped[kind] += ring.droppedFull(kind);
        }
    }

    /**
     * Events ever published into any ring of this directory (excluding drops).
     *
     * @return total published events.
     */
    public synchronized long publishedCount()
    {
        long total = discardedPublished;
        for (final ThreadRing ring : activeRings)
        {
            total += ring.publishedCount();
        }
        for (final ThreadRing ring : pool)
        {
            total += ring.publishedCount();
        }
        return total;
    }

    /**
     * Updates of one kind ever dropped because a ring was full.
     *
     * @param kind an {@link UpdateOp} kind index.
     * @return the total.
     */
    public synchronized long droppedFull(final int kind)
    {
        long total = discardedDropped[kind];
        for (final ThreadRing ring : activeRings)
        {
            total += ring.droppedFull(kind);
        }
        for (final ThreadRing ring : pool)
        {
            total += ring.droppedFull(kind);
        }
        return total;
    }

    /**
     * Events published but not yet consumed by the writer, summed over all rings.
     *
     * @return pending events.
     */
    public synchronized long pendingCount()
    {
        long total = 0;
        for (final ThreadRing ring : activeRings)
        {
            for (ThreadRing r = ring; r != null; r = r.predecessor())
            {
                total += r.publishedCount() - r.consumedCount();
            }
        }
        for (final ThreadRing ring : pool)
        {
            total += ring.publishedCount() - ring.consumedCount();
        }
        return total;
    }

    /**
     * Off-heap bytes held by ring slots: active rings, the rings they are replacing, and pooled rings.
     *
     * @return bytes.
     */
    public synchronized long slotBytes()
    {
        long total = 0;
        for (final ThreadRing ring : activeRings)
        {
            for (ThreadRing r = ring; r != null; r = r.predecessor())
            {
                total += r.slotBytes();
            }
        }
        for (final ThreadRing ring : pool)
        {
            total += ring.slotBytes();
        }
        return total;
    }

    /**
     * The most bytes of ring slots this directory holds at once, apart from the {@link #MIN_RING_SIZE} slots of a
     * thread that arrived when it was used up.
     *
     * @return the budget in bytes ({@link Long#MAX_VALUE} if unbounded).
     */
    public long ringMemoryBudget()
    {
        return ringMemoryBudget;
    }

    /**
     * Times the memory budget held a ring back: a new thread given a ring smaller than {@code initialRingSize}, or a
     * full ring refused a larger one.
     *
     * @return the count.
     */
    public synchronized long budgetRefusals()
    {
        return budgetRefusals;
    }

    /**
     * Number of rings owned by live threads, and pooled.
     *
     * @return {@code {active, pooled}}.
     */
    public synchronized int[] ringCounts()
    {
        return new int[] { activeRings.length, pool.size() };
    }

    /**
     * Marks the directory closed: blocked callers stop waiting and drop.
     */
    public void close()
    {
        closed = true;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return closed flag (volatile read).
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Slots of a thread's first ring.
     *
     * @return initial ring size.
     */
    public int initialRingSize()
    {
        return initialRingSize;
    }

    /**
     * Slots a thread's ring may grow to.
     *
     * @return maximum ring size.
     */
    public int maxRingSize()
    {
        return maxRingSize;
    }
}
