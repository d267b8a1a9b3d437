package io.ringmetrics.ring;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RingDirectoryTest
{
    private static final int UPDATES_PER_THREAD = 1000;

    /**
     * Threads whose ids share an entry of the thread table must still publish into their own rings: each ring
     * holds the updates of exactly one thread, in its order.
     */
    @Test
    void threadsWithCollidingTableEntriesPublishIntoTheirOwnRings() throws Exception
    {
        final RingDirectory directory = new RingDirectory(4096, 4, BackpressurePolicy.DROP);
        final CyclicBarrier barrier = new CyclicBarrier(3);
        final List<Thread> colliding = collidingThreads(3, () -> publishInterleaved(directory, barrier));
        for (final Thread thread : colliding)
        {
            thread.start();
        }
        for (final Thread thread : colliding)
        {
            thread.join();
        }

        final ThreadRing[] rings = directory.activeRings();
        assertEquals(3, rings.length, "one ring per thread");
        final Map<Integer, Integer> ringsPerThread = new HashMap<>();
        for (final ThreadRing ring : rings)
        {
            final List<long[]> updates = new ArrayList<>();
            ring.drain((id, op, value) -> updates.add(new long[] { id, op, value }));
            assertEquals(UPDATES_PER_THREAD, updates.size(), "every update of one thread, none of another");
            final int threadId = (int)updates.get(0)[0];
            for (int i = 0; i < updates.size(); i++)
            {
                assertEquals(threadId, updates.get(i)[0], "update " + i + " comes from the ring's owner");
                assertEquals(UpdateOp.COUNTER_ADD, updates.get(i)[1]);
                assertEquals(i, updates.get(i)[2], "in publication order");
            }
            ringsPerThread.merge(threadId, 1, Integer::sum);
        }
        assertEquals(3, ringsPerThread.size(), "three threads, three distinct rings: " + ringsPerThread);
        assertEquals(3L * UPDATES_PER_THREAD, directory.publishedCount());
    }

    /** A thread that takes over the table entry of a dead thread publishes into its own ring, not the dead one's. */
    @Test
    void aThreadReusingTheEntryOfADeadThreadGetsItsOwnRing() throws Exception
    {
        final RingDirectory directory = new RingDirectory(1024, 0, BackpressurePolicy.DROP);
        final List<Thread> colliding = collidingThreads(2, () ->
        {
            for (int i = 0; i < 10; i++)
            {
                assertTrue(directory.publish((int)Thread.currentThread().getId(), UpdateOp.COUNTER_ADD, i));
            }
        });
        colliding.get(0).start();
        colliding.get(0).join(); // dead, its ring not yet retired: its owner is a dead thread
        colliding.get(1).start();
        colliding.get(1).join();

        final ThreadRing[] rings = directory.activeRings();
        assertEquals(2, rings.length);
        for (final ThreadRing ring : rings)
        {
            final long owner = ring.owner().getId();
            final int[] seen = new int[1];
            ring.drain((id, op, value) ->
            {
                assertEquals(owner, id, "only the owner's updates");
                seen[0]++;
            });
            assertEquals(10, seen[0]);
        }
        assertEquals(2, directory.reclaimDeadOwners(ring -> { }), "both dead rings are retired");
        assertEquals(0, directory.activeRings().length);
    }

    /**
     * A full ring is replaced by one twice as large instead of dropping, up to the maximum; a drain of the newest
     * ring yields every update of the thread in publication order, across the rings it went through.
     */
    @Test
    void aFullRingGrowsUpToTheMaximumAndKeepsPublicationOrder()
    {
        final RingDirectory directory = new RingDirectory(16, 256, 4, BackpressurePolicy.DROP);
        // Rings of 16, 32, 64, 128 and 256 slots, each replaced when full and kept until drained: 496 updates.
        final int capacity = 16 + 32 + 64 + 128 + 256;
        for (int i = 0; i < capacity; i++)
        {
            assertTrue(directory.publish(7, UpdateOp.GAUGE_SET, i), "update " + i + " finds room: the ring grows");
        }
        assertFalse(directory.publish(7, UpdateOp.GAUGE_SET, capacity), "full at the maximum size: dropped");
        assertEquals(1, directory.droppedFull(UpdateOp.KIND_GAUGE));
        assertEquals(capacity, directory.publishedCount());
        assertEquals(capacity, directory.pendingCount(), "pending counts the replaced rings too");

        final ThreadRing[] rings = directory.activeRings();
        assertEquals(1, rings.length, "the larger ring takes the place of the full one");
        assertEquals(256, rings[0].size());
        // 16-byte slots, n = 16, 32, 64, 128, 256: all still held until drained.
        assertEquals(16L * capacity, directory.slotBytes(), "rings being replaced count too");
        final List<Long> values = new ArrayList<>();
        assertEquals(capacity, RingDirectory.drain(rings[0], (id, op, value) -> values.add(value)));
        for (int i = 0; i < values.size(); i++)
        {
            assertEquals(i, values.get(i), "oldest ring first, each in order");
        }
        assertNull(rings[0].predecessor(), "drained predecessors are let go");
        assertEquals(16L * 256, directory.slotBytes(), "only the largest ring is left");
        assertEquals(0, directory.pendingCount());
        assertEquals(capacity, directory.publishedCount(), "counts of replaced rings are kept");
        assertEquals(1, directory.droppedFull(UpdateOp.KIND_GAUGE));

        assertTrue(directory.publish(7, UpdateOp.GAUGE_SET, 1000), "room again once drained");
    }

    @Test
    void ringsThatNeverGrowDropAtTheirSize()
    {
        final RingDirectory directory = new RingDirectory(16, 4, BackpressurePolicy.DROP);
        for (int i = 0; i < 16; i++)
        {
            assertTrue(directory.publish(1, UpdateOp.COUNTER_ADD, 1));
        }
        assertFalse(directory.publish(1, UpdateOp.COUNTER_ADD, 1));
        assertEquals(16, directory.activeRings()[0].size());
        assertEquals(1, directory.droppedFull(UpdateOp.KIND_COUNTER));
    }

    /**
     * An owner takes every free slot at its wrap check; a ring pooled after its owner died, with free slots it never used, is
     * handed to the next thread at the same position: the writer sees no gap and no slot twice.
     */
    @Test
    void aPooledRingContinuesAfterTheSlotsItsDeadOwnerPublished() throws Exception
    {
        final RingDirectory directory = new RingDirectory(256, 4, BackpressurePolicy.DROP);
        final List<long[]> drained = new ArrayList<>();
        final Thread first = new Thread(() ->
        {
            for (int i = 0; i < 3; i++)
            {
                assertTrue(directory.publish(1, UpdateOp.COUNTER_ADD, i)); // finds 256 free slots, uses 3
            }
        });
        first.start();
        first.join();
        assertEquals(1, directory.reclaimDeadOwners(ring ->
            RingDirectory.drain(ring, (id, op, value) -> drained.add(new long[] { id, value }))));
        assertEquals(0, directory.activeRings().length);

        final Thread second = new Thread(() ->
        {
            for (int i = 0; i < 2; i++)
            {
                assertTrue(directory.publish(2, UpdateOp.COUNTER_ADD, 100 + i));
            }
        });
        second.start();
        second.join();
        final ThreadRing[] rings = directory.activeRings();
        assertEquals(1, rings.length);
        assertEquals(2, RingDirectory.drain(rings[0], (id, op, value) -> drained.add(new long[] { id, value })),
            "only what the second owner published: no slot the first owner found free but never used");
        assertEquals(5, drained.size());
        final long[][] expected = { { 1, 0 }, { 1, 1 }, { 1, 2 }, { 2, 100 }, { 2, 101 } };
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(expected[i][0], drained.get(i)[0], "update " + i);
            assertEquals(expected[i][1], drained.get(i)[1], "update " + i);
        }
        assertEquals(5, directory.publishedCount());
    }

    /** A long backlog frees its slots in batches as it is applied, not only once the whole backlog is done. */
    @Test
    void drainFreesSlotsBatchByBatch()
    {
        final ThreadRing ring = new ThreadRing(4096, Thread.currentThread());
        for (int i = 0; i < 4096; i++)
        {
            assertTrue(ring.tryPublish(1, UpdateOp.COUNTER_ADD, i));
        }
        assertFalse(ring.tryPublish(1, UpdateOp.COUNTER_ADD, 4096), "full");
        final long[] consumedSeenAt = new long[4096];
        final int[] applied = new int[1];
        assertEquals(4096, ring.drain((id, op, value) -> consumedSeenAt[applied[0]++] = ring.consumedCount()));
        assertEquals(0, consumedSeenAt[ThreadRing.RELEASE_BATCH - 1], "the first batch is freed after it is applied");
        assertEquals(ThreadRing.RELEASE_BATCH, consumedSeenAt[ThreadRing.RELEASE_BATCH]);
        assertEquals(3L * ThreadRing.RELEASE_BATCH, consumedSeenAt[4095]);
        assertEquals(4096, ring.consumedCount());
    }

    private static void publishInterleaved(final RingDirectory directory, final CyclicBarrier barrier)
    {
        final int me = (int)Thread.currentThread().getId();
        try
        {
            for (int i = 0; i < UPDATES_PER_THREAD; i++)
            {
                if (i % 100 == 0)
                {
                    barrier.await(); // all three publish at the same time, in rounds
                }
                assertTrue(directory.publish(me, UpdateOp.COUNTER_ADD, i));
            }
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    /** Creates threads until {@code count} of them share one thread-table entry; returns those, unstarted. */
    private static List<Thread> collidingThreads(final int count, final Runnable task)
    {
        final Map<Integer, List<Thread>> byEntry = new HashMap<>();
        while (true)
        {
            final Thread thread = new Thread(task);
            final List<Thread> sameEntry = byEntry.computeIfAbsent(
                (int)thread.getId() & (RingDirectory.THREAD_TABLE_SIZE - 1), entry -> new ArrayList<>());
            sameEntry.add(thread);
            if (sameEntry.size() == count)
            {
                return sameEntry;
            }
        }
    }
}
