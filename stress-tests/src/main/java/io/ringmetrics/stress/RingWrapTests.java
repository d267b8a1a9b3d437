package io.ringmetrics.stress;

import io.ringmetrics.ring.ThreadRing;
import io.ringmetrics.ring.UpdateOp;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The owner's wrap check racing the writer's drain: a slot is written again only after the writer has released it.
 */
@JCStressTest
@Description("Actor 1 publishes 1, 2, 3, 4 into a 2-slot ring that does not grow (an update that finds it full is " +
    "not published); actor 2 drains it twice, as the writer does; the arbiter drains the rest. Every published " +
    "update must be drained exactly once, in order, and none overwritten before it was read. " +
    "Result: updates published, 1 if what was drained is exactly what was published.")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "the ring was full for 3 and 4: no drain in between")
@Outcome(id = { "3, 1", "4, 1" }, expect = ACCEPTABLE_INTERESTING, desc = "the owner wrapped onto released slots")
@Outcome(expect = FORBIDDEN, desc = "an update overwritten before it was drained, lost, or drained twice")
@State
public class RingWrapTests
{
    private final ThreadRing ring = new ThreadRing(2, null);
    private final long[] published = new long[4];
    private int publishedCount;
    private final long[] drained = new long[8];
    private int drainedCount;

    /** The owner thread. */
    @Actor
    public void owner()
    {
        for (int value = 1; value <= 4; value++)
        {
            if (ring.tryPublish(1, UpdateOp.GAUGE_SET, value))
            {
                published[publishedCount++] = value;
            }
        }
    }

    /** Two passes of the writer. */
    @Actor
    public void writer()
    {
        drain();
        drain();
    }

    /** The writer's next pass; then the verdict. */
    @Arbiter
    public void arbiter(final II_Result r)
    {
        drain();
        boolean same = drainedCount == publishedCount;
        for (int i = 0; same && i < publishedCount; i++)
        {
            same = drained[i] == published[i];
        }
        r.r1 = publishedCount;
        r.r2 = same ? 1 : 0;
    }

    private void drain()
    {
        ring.drain((id, op, value) ->
        {
            if (drainedCount < drained.length)
            {
                drained[drainedCount] = value;
            }
            drainedCount++;
        });
    }
}
