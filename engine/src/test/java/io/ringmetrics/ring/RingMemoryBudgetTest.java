package io.ringmetrics.ring;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool of 500 real threads cannot make the engine hold more ring memory than its budget (issue 17): rings start
 * smaller and stop growing at the budget, and what they cannot take is dropped and counted, so
 * published + dropped = attempted and applied = published.
 */
class RingMemoryBudgetTest
{
    private static final int THREADS = 500;
    private static final long MIN_RING_BYTES = RingDirectory.MIN_RING_SIZE * 16L;

    /**
     * No writer drains: every ring fills, every thread asks to grow. Without the budget the 500 rings alone would be
     * 500 x 1 MiB; with a 1 MiB budget the directory holds at most the budget plus a minimum ring per thread.
     */
    @Test
    void fiveHundredThreadsFillingTheirRingsStayWithinTheBudget() throws Exception
    {
        final long budget = 1L << 20;
        final RingDirectory directory = new RingDirectory(1024, 65_536, 0, BackpressurePolicy.DROP, budget);
        final int perThread = 70_000; // more than the largest ring: each thread fills whatever it gets
        final AtomicLong accepted = new AtomicLong();
        final CountDownLatch published = new CountDownLatch(THREADS);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Thread> pool = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final int id = t;
            final Thread thread = new Thread(() ->
            {
                long ok = 0;
                for (int i = 0; i < perThread; i++)
                {
                    ok += directory.publish(id, UpdateOp.COUNTER_ADD, 1) ? 1 : 0;
                }
                accepted.addAndGet(ok);
                published.countDown();
                awaitQuietly(release); // alive while the memory is measured: nothing is reclaimed
            });
            pool.add(thread);
            thread.start();
        }
        assertTrue(published.await(120, TimeUnit.SECONDS), "publishers finished");
        try
        {
            final long held = directory.slotBytes();
            assertTrue(held <= budget + THREADS * MIN_RING_BYTES,
                "ring slots held " + held + " > budget " + budget + " + a minimum ring per thread");
            assertEquals(THREADS, directory.activeRings().length, "every thread has a ring");
            assertTrue(directory.budgetRefusals() > 0, "the budget held rings back");

            long dropped = 0;
            for (int kind = 0; kind < UpdateOp.KIND_COUNT; kind++)
            {
                dropped += directory.droppedFull(kind);
            }
            assertEquals((long)THREADS * perThread, directory.publishedCount() + dropped, "published + dropped");
            assertEquals(accepted.get(), directory.publishedCount(), "what publish() accepted is what was published");

            final AtomicLong applied = new AtomicLong();
            for (final ThreadRing ring : directory.activeRings())
            {
                RingDirectory.drain(ring, (id, op, value) -> applied.incrementAndGet());
            }
            assertEquals(directory.publishedCount(), applied.get(), "every published update is drained");
        }
        finally
        {
            release.countDown();
            for (final Thread thread : pool)
            {
                thread.join();
            }
        }
    }

    /**
     * With a running engine, 500 live threads each publishing bursts: the ring memory in the engine's stats stays
     * within the budget (plus a minimum ring for each thread beyond it), and published = applied + dropped.
     */
    @Test
    void anEngineWithFiveHundredThreadsHoldsNoMoreThanItsBudget() throws Exception
    {
        final long budget = 1L << 20; // without it, 500 first rings alone are 500 x 16 KiB = 7.8 MiB
        final EngineConfig config = EngineConfig.builder().ringMemoryBudget(budget).build();
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            final Counter counter = engine.counter("pool_jobs_total");
            final CountDownLatch published = new CountDownLatch(THREADS);
            final CountDownLatch release = new CountDownLatch(1);
            final List<Thread> pool = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final Thread thread = new Thread(() ->
                {
                    for (int i = 0; i < 20_000; i++)
                    {
                        counter.increment();
                    }
                    published.countDown();
                    awaitQuietly(release);
                });
                pool.add(thread);
                thread.start();
            }
            assertTrue(published.await(120, TimeUnit.SECONDS), "publishers finished");
            try
            {
                final MetricsSnapshot snapshot = engine.snapshot();
                final EngineStats stats = snapshot.stats();
                assertTrue(stats.ringBytes() <= budget + THREADS * MIN_RING_BYTES,
                    "ring bytes " + stats.ringBytes() + " over the budget: " + stats);
                assertEquals(THREADS, stats.activeRings());
                assertEquals(0, stats.pending());
                assertEquals(THREADS * 20_000L, stats.published(), "every increment is counted as published");
                assertTrue(stats.dropped(EngineStats.DropReason.RING_FULL, UpdateOp.KIND_COUNTER) > 0,
                    "rings held back by the budget dropped (and counted) what they could not take: " + stats);
                assertEquals(stats.published(), stats.applied() + stats.dropped());
                assertEquals(stats.applied(UpdateOp.KIND_COUNTER), snapshot.counter("pool_jobs_total"));
            }
            finally
            {
                release.countDown();
                for (final Thread thread : pool)
                {
                    thread.join();
                }
            }
        }
    }

    /** Memory comes back: once the threads that held the budget die, a new thread's ring may grow again. */
    @Test
    void aRingGrowsAgainOnceDeadThreadsHaveGivenTheirMemoryBack() throws Exception
    {
        final long budget = (1024 + 2048 + 4096) * 16L; // one ring grown to the max, with its undrained predecessors
        final RingDirectory directory = new RingDirectory(1024, 4096, 0, BackpressurePolicy.DROP, budget);
        final Thread hog = new Thread(() ->
        {
            for (int i = 0; i < 5000; i++)
            {
                directory.publish(1, UpdateOp.COUNTER_ADD, 1);
            }
        });
        hog.start();
        hog.join();
        assertEquals(4096 * 16L, directory.slotBytes() - pendingPredecessorBytes(directory), "the hog grew to the max");

        final long[] sizes = new long[2];
        final Thread starved = new Thread(() -> sizes[0] = ringSizeAfter(directory, 2000));
        starved.start();
        starved.join();
        assertEquals(RingDirectory.MIN_RING_SIZE, sizes[0], "nothing left: the minimum ring, which cannot grow");

        final AtomicLong drained = new AtomicLong();
        assertEquals(2,
            directory.reclaimDeadOwners(ring -> RingDirectory.drain(ring, (i, o, v) -> drained.incrementAndGet())));
        final Thread later = new Thread(() -> sizes[1] = ringSizeAfter(directory, 5000));
        later.start();
        later.join();
        assertEquals(4096, sizes[1], "the memory given back lets a new ring grow to the max");
    }

    private static long ringSizeAfter(final RingDirectory directory, final int updates)
    {
        for (int i = 0; i < updates; i++)
        {
            directory.publish(2, UpdateOp.COUNTER_ADD, 1);
        }
        for (final ThreadRing ring : directory.activeRings())
        {
            if (ring.owner() == Thread.currentThread())
            {
                return ring.size();
            }
        }
        return -1;
    }

    private static long pendingPredecessorBytes(final RingDirectory directory)
    {
        long bytes = 0;
        for (final ThreadRing ring : directory.activeRings())
        {
            for (ThreadRing r = ring.predecessor(); r != null; r = r.predecessor())
            {
                bytes += r.slotBytes();
            }
        }
        return bytes;
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
