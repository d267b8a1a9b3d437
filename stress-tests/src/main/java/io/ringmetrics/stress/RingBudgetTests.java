package io.ringmetrics.stress;

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

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The ring memory budget while the writer drains: a replaced ring's memory counts against the budget until the writer
 * has drained it, so a growth that races with that drain either fits (the writer let the old ring go first) or is
 * refused, and the rings held never exceed the budget.
 */
public final class RingBudgetTests
{
    /** Slots of the first ring: 256 bytes. */
    static final int FIRST = 16;
    /** Room for a 32-slot and a 64-slot ring (512 + 1024 bytes), not also for the 16-slot one they replaced. */
    static final long BUDGET = (2 * FIRST + 4 * FIRST) * 16L;
    /** Fills the first ring (16), the second (32), and asks for a third (64) with one more. */
    static final int UPDATES = FIRST + 2 * FIRST + 1;

    private RingBudgetTests()
    {
    }

    /** A growth racing with the writer's drain of the ring it replaced. */
    @JCStressTest
    @Description("Actor 1 publishes 49 updates into a 16-slot ring that may grow to 64 slots under a budget of " +
        "1536 bytes: the growth to 32 fits, the growth to 64 fits only once the writer has drained the 16-slot ring " +
        "(released its reference). Actor 2 drains the active rings once, as the writer does. Result: 1 if the rings " +
        "held never exceeded the budget, the final ring size, 1 if published + dropped = 49 and every published " +
        "update was drained once.")
    @Outcome(id = "1, 32, 1", expect = ACCEPTABLE,
        desc = "the growth to 64 came before the drain released the first ring: refused, one update dropped")
    @Outcome(id = "1, 64, 1", expect = ACCEPTABLE_INTERESTING,
        desc = "the drain released the first ring before the growth: it fits")
    @Outcome(expect = FORBIDDEN, desc = "over the budget, or an update lost or counted twice")
    @State
    public static class GrowthRacingTheDrain
    {
        final RingDirectory directory =
            new RingDirectory(FIRST, 4 * FIRST, 0, BackpressurePolicy.DROP, BUDGET);
        int drained;
        boolean overBudget;

        /** The owner thread. */
        @Actor
        public void publisher()
        {
            for (int i = 0; i < UPDATES; i++)
            {
                directory.publish(1, UpdateOp.COUNTER_ADD, 1);
                if (directory.slotBytes() > BUDGET)
                {
                    overBudget = true;
                }
            }
        }

        /** The writer's pass. */
        @Actor
        public void writer()
        {
            drainAll();
        }

        /** What is left, then the verdict. */
        @Arbiter
        public void arbiter(final III_Result r)
        {
            drainAll();
            long dropped = 0;
            for (int kind = 0; kind < UpdateOp.KIND_COUNT; kind++)
            {
                dropped += directory.droppedFull(kind);
            }
            int size = 0;
            for (final ThreadRing ring : directory.activeRings())
            {
                size = ring.size();
            }
            r.r1 = overBudget || directory.slotBytes() > BUDGET ? 0 : 1;
            r.r2 = size;
            r.r3 = directory.publishedCount() + dropped == UPDATES && drained == directory.publishedCount() ? 1 : 0;
        }

        private void drainAll()
        {
            for (final ThreadRing ring : directory.activeRings())
            {
                drained += RingDirectory.drain(ring, (id, op, value) -> { });
            }
        }
    }
}
