package io.ringmetrics.stress;

import io.ringmetrics.Counter;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.ThreadRing;
import io.ringmetrics.ring.UpdateOp;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The ring's publication protocol: slots published by their headers (release store, lap tag), a cursor published
 * once per batch ({@link ThreadRing#publishBatch()}), the writer's batch drain that never reads past the cursor and zeroes
 * the first header of each line it consumed, and the
 * complete drain that follows the headers (snapshot barrier, tail sweep, close, growth, dead-owner reclamation).
 * <p>
 * Every update carries its own value as its series id, so a header seen without its value (a torn slot) or a stale
 * slot taken for a new one shows as a mismatch.
 */
public final class RingPublicationTests
{
    private RingPublicationTests()
    {
    }

    /** What a drain saw: updates in order, each with a header and value that belong together. */
    abstract static class Drained
    {
        int count;
        boolean consistent = true;

        final ThreadRing.UpdateHandler handler = (id, op, value) ->
        {
            consistent &= id == value && op == UpdateOp.GAUGE_SET && value == count + 1; // whole, in order
            count++;
        };

        /** The owner's updates 1..{@code last}, each carrying its value as its id. */
        static void publishInOrder(final ThreadRing ring, final int last)
        {
            for (int v = 1; v <= last; v++)
            {
                ring.tryPublish(v, UpdateOp.GAUGE_SET, v);
            }
        }

        /** Drains the rest; r1 = updates drained in total, r2 = 1 if exactly 1..{@code expected}, in order, whole. */
        void drainVerdict(final ThreadRing ring, final int expected, final III_Result r)
        {
            ring.drain(handler);
            r.r1 = count;
            r.r2 = exactly(expected);
        }

        /** Drains the rest; r1 = updates published, r2 = 1 if exactly those were drained, in order, whole. */
        void lapsVerdict(final ThreadRing ring, final int published, final II_Result r)
        {
            ring.drain(handler);
            r.r1 = published;
            r.r2 = exactly(published);
        }

        /** 1 if the drained values are exactly 1, 2, ..., {@code expected} and every slot was whole. */
        int exactly(final int expected)
        {
            return consistent && count == expected ? 1 : 0;
        }
    }

    /** Updates that no batch publication follows are found by their headers. */
    @JCStressTest
    @Description("Actor 1 publishes 1, 2, 3 into a 16-slot ring: fewer than a batch, so the cursor is never " +
        "published. Actor 2 drains completely once, as a snapshot barrier does; the arbiter drains the rest. " +
        "Result: updates drained in total, 1 if exactly 1, 2, 3 in order with whole slots, drained by actor 2.")
    @Outcome(id = { "3, 1, 0", "3, 1, 3" }, expect = ACCEPTABLE, desc = "the drain ran before or after all three")
    @Outcome(id = { "3, 1, 1", "3, 1, 2" }, expect = ACCEPTABLE_INTERESTING, desc = "the drain found a prefix")
    @Outcome(expect = FORBIDDEN, desc = "a torn slot, an update lost, drained twice or out of order")
    @State
    public static class TailFoundByHeaders extends Drained
    {
        final ThreadRing ring = new ThreadRing(16, null);
        int drainedByActor;

        /** The owner thread. */
        @Actor
        public void owner()
        {
            publishInOrder(ring, 3);
        }

        /** A complete drain. */
        @Actor
        public void writer()
        {
            ring.drain(handler);
            drainedByActor = count;
        }

        /** @param r the verdict. */
        @Arbiter
        public void arbiter(final III_Result r)
        {
            drainVerdict(ring, 3, r);
            r.r3 = drainedByActor;
        }
    }

    /** The batch drain takes whole batches published through the cursor, never the slots after it. */
    @JCStressTest
    @Description("Actor 1 publishes 1..17 into a 64-slot ring, whose batch is a quarter ring: the 16th publishes " +
        "the cursor, the 17th does not. " +
        "Actor 2 makes one batch drain, as the writer's steady state does; the arbiter drains completely. " +
        "Result: updates drained in total, 1 if exactly 1..17 in order with whole slots, drained by actor 2.")
    @Outcome(id = { "17, 1, 0", "17, 1, 16" }, expect = ACCEPTABLE, desc = "no batch yet, or the first batch")
    @Outcome(expect = FORBIDDEN, desc = "a partial batch, a slot past the cursor, a torn slot, a loss or a repeat")
    @State
    public static class BatchDrainStopsAtTheCursor extends Drained
    {
        final ThreadRing ring = new ThreadRing(64, null);
        int drainedByActor;

        /** The owner thread. */
        @Actor
        public void owner()
        {
            publishInOrder(ring, 17);
        }

        /** The writer's steady-state drain. */
        @Actor
        public void writer()
        {
            ring.drainBatches(handler);
            drainedByActor = count;
        }

        /** @param r the verdict. */
        @Arbiter
        public void arbiter(final III_Result r)
        {
            drainVerdict(ring, 17, r);
            r.r3 = drainedByActor;
        }
    }

    /**
     * A ring larger than a memory page: the batch drain also stays out of the page its owner writes next, so it takes
     * a prefix of whole pages, and the complete drain takes the rest.
     */
    @JCStressTest
    @Description("Actor 1 publishes 1..600 into a 1024-slot ring (four 4 KiB pages; the cursor is published at the " +
        "end of each page); actor 2 makes one batch drain, which stops before the page of the owner's next slot; " +
        "the arbiter drains completely. Result: updates drained in total, 1 if exactly 1..600 in order with whole " +
        "slots, 1 if actor 2 took whole pages (256 slots) up to the last cursor (512) at most.")
    @Outcome(id = "600, 1, 1", expect = ACCEPTABLE, desc = "a prefix of whole pages behind the cursor, then the rest")
    @Outcome(expect = FORBIDDEN, desc = "a slot past the cursor, a torn slot, a loss or a repeat")
    @State
    public static class BatchDrainSlipsBehindTheOwnersPage extends Drained
    {
        final ThreadRing ring = new ThreadRing(1024, null);
        int drainedByActor;

        /** The owner thread. */
        @Actor
        public void owner()
        {
            publishInOrder(ring, 600);
        }

        /** The writer's steady-state drain. */
        @Actor
        public void writer()
        {
            ring.drainBatches(handler);
            drainedByActor = count;
        }

        /** @param r the verdict. */
        @Arbiter
        public void arbiter(final III_Result r)
        {
            drainVerdict(ring, 600, r);
            r.r3 = drainedByActor % 256 == 0 && drainedByActor <= 512 ? 1 : 0;
        }
    }

    /** Lap tags: a slot written one pass earlier is never taken for the current pass's update. */
    @JCStressTest
    @Description("Actor 1 publishes 1..8 into a 2-slot ring that does not grow, stopping at the first update that " +
        "finds it full; actor 2 drains it four times, alternating complete and batch drains, so the owner wraps " +
        "over released slots up to three times while stale headers of earlier passes sit in the other slots. " +
        "Result: updates published, 1 if exactly what was published was drained, in order, with whole slots.")
    @Outcome(id = { "2, 1" }, expect = ACCEPTABLE, desc = "full after two: no drain in between")
    @Outcome(id = { "3, 1", "4, 1", "5, 1", "6, 1", "7, 1", "8, 1" }, expect = ACCEPTABLE_INTERESTING,
        desc = "the owner wrapped onto released slots")
    @Outcome(expect = FORBIDDEN, desc = "a stale slot drained as new, an update overwritten, lost or repeated")
    @State
    public static class StaleSlotsAcrossLaps extends Drained
    {
        final ThreadRing ring = new ThreadRing(2, null);
        int published;

        /** The owner thread. */
        @Actor
        public void owner()
        {
            for (int v = 1; v <= 8 && ring.tryPublish(v, UpdateOp.GAUGE_SET, v); v++)
            {
                published = v;
            }
        }

        /** Four passes of the writer. */
        @Actor
        public void writer()
        {
            ring.drain(handler);
            ring.drainBatches(handler);
            ring.drain(handler);
            ring.drain(handler);
        }

        /** @param r the verdict. */
        @Arbiter
        public void arbiter(final II_Result r)
        {
            lapsVerdict(ring, published, r);
        }
    }

    /**
     * Lines handed back: the writer zeroes the first header of each line it consumed, before it releases the line; a
     * pass later the owner's header must not be lost to that zeroing, nor a zeroed header taken for a published one.
     */
    @JCStressTest
    @Description("Actor 1 publishes 1..12 into a 4-slot ring (one cache line, a batch of one slot) that does not " +
        "grow, retrying a full ring up to 2000 times so that it wraps the moment slots are released; actor 2 drains " +
        "it four times, alternating complete and batch drains, zeroing slot 0's header each time it consumes it. " +
        "Result: updates published, 1 if exactly what was published was drained, in order, with whole slots.")
    @Outcome(id = "4, 1", expect = ACCEPTABLE, desc = "full after four: no drain in between")
    @Outcome(id = { "5, 1", "6, 1", "7, 1", "8, 1", "9, 1", "10, 1", "11, 1", "12, 1" },
        expect = ACCEPTABLE_INTERESTING, desc = "the owner wrapped onto slots the writer had zeroed")
    @Outcome(expect = FORBIDDEN, desc = "a header lost to the zeroing, a stale or zeroed slot drained, a repeat")
    @State
    public static class ZeroedLinesAcrossLaps extends Drained
    {
        final ThreadRing ring = new ThreadRing(4, null);
        int published;

        /** The owner thread: retries a full ring a bounded number of times, to wrap the moment slots are released. */
        @Actor
        public void owner()
        {
            for (int v = 1; v <= 12; v++)
            {
                int tries = 0;
                while (!ring.tryPublish(v, UpdateOp.GAUGE_SET, v))
                {
                    if (++tries == 2_000)
                    {
                        return;
                    }
                }
                published = v;
            }
        }

        /** Four passes of the writer. */
        @Actor
        public void writer()
        {
            ring.drain(handler);
            ring.drainBatches(handler);
            ring.drain(handler);
            ring.drainBatches(handler);
        }

        /** @param r the verdict. */
        @Arbiter
        public void arbiter(final II_Result r)
        {
            lapsVerdict(ring, published, r);
        }
    }

    /** The snapshot barrier sees an update another thread published before it, with no batch after it. */
    @JCStressTest
    @Description("Actor 1 increments a counter once (no batch publication follows it) and then sets a flag; " +
        "actor 2 reads the flag and then takes a snapshot. A snapshot taken after the flag was seen must contain " +
        "the increment, whatever the ring's cursor says. Result: flag seen, counter in the snapshot.")
    @Outcome(id = { "0, 0", "1, 1" }, expect = ACCEPTABLE, desc = "the snapshot before, or after, the increment")
    @Outcome(id = "0, 1", expect = ACCEPTABLE_INTERESTING, desc = "flag not yet seen, increment already applied")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the barrier missed an update published before it")
    @Outcome(expect = FORBIDDEN, desc = "absent or counted twice")
    @State
    public static class BarrierSeesTheTail
    {
        final String name = StressEngines.uniqueName("stress_barrier_");
        final Counter counter = StressEngines.shared().counter(name);
        volatile int flag;

        /** One increment, then the flag (a release). */
        @Actor
        public void publisher()
        {
            counter.increment();
            flag = 1;
        }

        /** @param r the flag (an acquire), then the snapshot's value. */
        @Actor
        public void reader(final JJ_Result r)
        {
            r.r1 = flag;
            r.r2 = StressEngines.shared().snapshot().counter(name);
        }

        /** Removes the series. */
        @Arbiter
        public void arbiter()
        {
            StressEngines.removeQuietly(name, MetricType.COUNTER);
        }
    }

    /** A ring whose owner died is drained completely, with the updates that no batch publication followed. */
    @JCStressTest
    @Description("Actor 1 starts a thread that publishes 1, 2, 3 through a directory (fewer than a batch) and " +
        "ends; actor 2 makes one reclamation pass, as the writer's housekeeping does; the arbiter waits for the " +
        "thread, drains what is left and checks. Once the owner is seen dead its ring is drained to the last " +
        "update. Result: rings retired by actor 2, drained by actor 2, 1 if exactly 1, 2, 3 in total.")
    @Outcome(id = { "0, 0, 1" }, expect = ACCEPTABLE, desc = "the owner was alive (or not started) at the pass")
    @Outcome(id = { "1, 3, 1" }, expect = ACCEPTABLE_INTERESTING, desc = "the owner had died: drained to the end")
    @Outcome(expect = FORBIDDEN, desc = "a dead owner's ring retired before its last updates were applied")
    @State
    public static class DeadOwnerDrainedToTheEnd extends Drained
    {
        final RingDirectory directory = new RingDirectory(16, 16, 0, BackpressurePolicy.DROP);
        Thread owner;
        int retired;
        int drainedByActor;

        /** Starts the owner thread. */
        @Actor
        public void spawner()
        {
            final Thread thread = new Thread(() ->
            {
                for (int v = 1; v <= 3; v++)
                {
                    directory.publish(v, UpdateOp.GAUGE_SET, v);
                }
            });
            owner = thread;
            thread.start();
        }

        /** A housekeeping pass of the writer. */
        @Actor
        public void writer()
        {
            retired = directory.reclaimDeadOwners(ring -> RingDirectory.drain(ring, handler));
            drainedByActor = count;
        }

        /** @param r the verdict. */
        @Arbiter
        public void arbiter(final III_Result r)
        {
            try
            {
                owner.join();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            for (final ThreadRing ring : directory.activeRings())
            {
                RingDirectory.drain(ring, handler);
            }
            r.r1 = retired;
            r.r2 = drainedByActor;
            r.r3 = exactly(3);
        }
    }
}
