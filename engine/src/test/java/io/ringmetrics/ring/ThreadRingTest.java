package io.ringmetrics.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadRingTest
{
    @Test
    void theOwnerWrapsOnlyOntoSlotsTheWriterHasReleased()
    {
        final ThreadRing ring = new ThreadRing(16, Thread.currentThread());
        final List<Long> applied = new ArrayList<>();
        long next = 0;
        for (int lap = 0; lap < 5; lap++)
        {
            for (int i = 0; i < 16; i++)
            {
                assertTrue(ring.tryPublish(1, UpdateOp.COUNTER_ADD, next++), "lap " + lap + ", slot " + i);
            }
            assertFalse(ring.tryPublish(1, UpdateOp.COUNTER_ADD, -1), "lap " + lap + ": full");
            final int[] refused = new int[1];
            assertEquals(16, ring.drain((id, op, value) ->
            {
                applied.add(value);
                if (!ring.tryPublish(1, UpdateOp.COUNTER_ADD, -2)) // the writer has not released this batch yet
                {
                    refused[0]++;
                }
            }));
            assertEquals(16, refused[0], "lap " + lap + ": no slot is reused while the writer still reads its batch");
        }
        assertEquals(80, applied.size());
        for (int i = 0; i < applied.size(); i++)
        {
            assertEquals(i, applied.get(i), "in order, none lost, none overwritten");
        }
        assertEquals(80, ring.publishedCount());
        assertEquals(80, ring.consumedCount());
    }

    @Test
    void aPartlyDrainedRingTakesExactlyTheFreedSlots()
    {
        final ThreadRing ring = new ThreadRing(16, Thread.currentThread());
        for (int i = 0; i < 10; i++)
        {
            assertTrue(ring.tryPublish(1, UpdateOp.COUNTER_ADD, i));
        }
        assertEquals(10, ring.drain((id, op, value) -> { }));
        for (int i = 10; i < 26; i++) // 6 slots never used + the 10 drained
        {
            assertTrue(ring.tryPublish(1, UpdateOp.COUNTER_ADD, i), "update " + i);
        }
        assertFalse(ring.tryPublish(1, UpdateOp.COUNTER_ADD, 26), "16 in flight: full");
        final List<Long> values = new ArrayList<>();
        assertEquals(16, ring.drain((id, op, value) -> values.add(value)));
        assertEquals(10L, values.get(0));
        assertEquals(25L, values.get(15));
    }

    @Test
    void theWritersBatchDrainTakesExactlyThePagesItsOwnerHasLeftAndTheFullDrainTakesTheRest()
    {
        final ThreadRing ring = new ThreadRing(1024, Thread.currentThread()); // 16 KiB: four pages
        assertEquals(256, ring.publishBatch(), "a batch is a page");
        final List<Long> applied = new ArrayList<>();
        long published = 0;
        int stepsBehind = 0;
        for (int step = 0; step < 40; step++) // the owner's position walks over every page boundary, and wraps
        {
            for (int i = 0; i < 37; i++)
            {
                assertTrue(ring.tryPublish(1, UpdateOp.COUNTER_ADD, published++));
            }
            final long before = applied.size();
            final long ownersPage = published & ~255L; // first slot of the page the owner writes next
            ring.drainBatches((id, op, value) -> applied.add(value));
            assertEquals(Math.max(before, ownersPage), applied.size(), "every page the owner has left, no more");
            stepsBehind += applied.size() < published ? 1 : 0;
            if (step % 7 == 6) // a snapshot barrier: everything, up to the last slot published
            {
                ring.drain((id, op, value) -> applied.add(value));
                assertEquals(published, applied.size());
            }
        }
        assertTrue(stepsBehind > 20, "the batch drain leaves the owner's page alone: behind in " + stepsBehind);
        ring.drain((id, op, value) -> applied.add(value));
        assertEquals(published, applied.size());
        for (int i = 0; i < applied.size(); i++)
        {
            assertEquals(i, applied.get(i), "in order, none lost, none applied twice");
        }
    }

    @Test
    void theCursorIsPublishedOncePerPageOrPerQuarterOfASmallerRing()
    {
        assertEquals(ThreadRing.PUBLISH_BATCH, new ThreadRing(1 << 16, Thread.currentThread()).publishBatch());
        assertEquals(256, new ThreadRing(1024, Thread.currentThread()).publishBatch());
        assertEquals(128, new ThreadRing(512, Thread.currentThread()).publishBatch());
        assertEquals(4, new ThreadRing(16, Thread.currentThread()).publishBatch());
        assertEquals(1, new ThreadRing(2, Thread.currentThread()).publishBatch());
    }

    @Test
    void theWriterZeroesTheFirstHeaderOfEachLineItConsumedAndTheNextLapStillPublishesThroughIt()
    {
        final ThreadRing ring = new ThreadRing(16, Thread.currentThread()); // four lines
        final List<Long> applied = new ArrayList<>();
        for (long v = 0; v < 16 * 5; v++) // five laps, each drained before the next
        {
            assertTrue(ring.tryPublish(3, UpdateOp.COUNTER_ADD, v));
            if (v % 16 == 15)
            {
                ring.drain((id, op, value) -> applied.add(value));
                assertEquals(v + 1, applied.size());
                for (int slot = 0; slot < 16; slot++)
                {
                    assertEquals(slot % 4 == 0, ring.headerAt(slot) == 0, "slot " + slot + ": only a line's first");
                }
                assertEquals(v + 1, ring.publishedCount(), "a zeroed header is never taken for a published slot");
            }
        }
        for (int i = 0; i < applied.size(); i++)
        {
            assertEquals(i, applied.get(i));
        }
    }

    @Test
    void aRingOfOnePageOrLessIsBatchDrainedUpToItsCursor()
    {
        final ThreadRing ring = new ThreadRing(256, Thread.currentThread());
        for (int i = 0; i < 100; i++)
        {
            assertTrue(ring.tryPublish(1, UpdateOp.COUNTER_ADD, i));
        }
        assertEquals(64, ring.publishBatch(), "a quarter ring");
        assertEquals(64, ring.drainBatches((id, op, value) -> { }), "the one whole batch published, up to the cursor");
    }

    /**
     * A full ring stores nothing for its refused updates, not even the cursor (that branch makes no call, see the
     * class comment of {@link ThreadRing}); the writer's batch drain still finds the batches before
     * the full point, frees their slots, and the owner goes on; a complete drain then takes the rest in order.
     */
    @Test
    void aFullRingPublishesNothingAndTheBatchDrainStillFreesIt()
    {
        final ThreadRing ring = new ThreadRing(16, Thread.currentThread()); // batches of 4
        for (int i = 0; i < 3; i++)
        {
            assertTrue(ring.tryPublish(1, UpdateOp.COUNTER_ADD, i));
        }
        assertEquals(3, ring.drain((id, op, value) -> { }), "a tail sweep: the writer's position is not on a batch");
        for (int i = 3; i < 19; i++)
        {
            assertTrue(ring.tryPublish(1, UpdateOp.COUNTER_ADD, i), "update " + i);
        }
        assertFalse(ring.tryPublish(1, UpdateOp.COUNTER_ADD, 19), "16 in flight: full");
        assertFalse(ring.tryPublish(1, UpdateOp.COUNTER_ADD, 19), "still full");
        final List<Long> values = new ArrayList<>();
        assertEquals(13, ring.drainBatches((id, op, value) -> values.add(value)),
            "3..15: every batch up to the cursor of sequence 15, not the 3 updates after it");
        assertTrue(ring.tryPublish(1, UpdateOp.COUNTER_ADD, 19), "the freed slots take the next update");
        assertEquals(4, ring.drain((id, op, value) -> values.add(value)), "16..19, found by their headers");
        for (int i = 0; i < values.size(); i++)
        {
            assertEquals(i + 3L, values.get(i), "in order, none lost");
        }
        assertEquals(20, ring.publishedCount());
        assertEquals(20, ring.consumedCount());
    }
}
