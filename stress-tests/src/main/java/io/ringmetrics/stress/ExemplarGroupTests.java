package io.ringmetrics.stress;

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
 * An exemplar's group of four updates ({@code RingDirectory.publishWithExemplar}: three id parts, then the
 * observation) enters a ring whole or not at all: {@link ThreadRing#tryReserve(int)} makes the owner's wrap check for
 * the group's last slot, racing the writer that frees slots, and once it says yes the four publishes cannot find the
 * ring full. The writer drains the parts in order, never a slot overwritten before it was read.
 */
@JCStressTest
@Description("A 4-slot ring that does not grow. Actor 1 publishes 1, then reserves 4 slots and, if granted, " +
    "publishes the group 2, 3, 4, 5. Actor 2 drains twice, as the writer does; the arbiter drains the rest. " +
    "Result: 1 if the reservation was granted, publishes of the group that succeeded, 1 if what was drained is " +
    "exactly what was published, in order.")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "only 3 slots free when the owner checked: no group")
@Outcome(id = "1, 4, 1", expect = ACCEPTABLE_INTERESTING, desc = "the writer had freed slot 1: the whole group")
@Outcome(expect = FORBIDDEN, desc = "a group granted but cut short, a slot overwritten before it was drained, " +
    "an update lost or drained twice")
@State
public class ExemplarGroupTests
{
    private final ThreadRing ring = new ThreadRing(4, null);
    private final long[] published = new long[5];
    private int publishedCount;
    private int reserved;
    private int groupPublished;
    private final long[] drained = new long[8];
    private int drainedCount;

    /** The owner thread. */
    @Actor
    public void owner()
    {
        if (ring.tryPublish(1, UpdateOp.GAUGE_SET, 1))
        {
            published[publishedCount++] = 1;
        }
        if (ring.tryReserve(4))
        {
            reserved = 1;
            for (int value = 2; value <= 5; value++)
            {
                final int op = value < 5 ? UpdateOp.EXEMPLAR_TRACE_HIGH + value - 2 : UpdateOp.HISTOGRAM_OBSERVE_EXEMPLAR;
                if (ring.tryPublish(1, op, value))
                {
                    published[publishedCount++] = value;
                    groupPublished++;
                }
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
    public void arbiter(final III_Result r)
    {
        drain();
        boolean same = drainedCount == publishedCount;
        for (int i = 0; same && i < drainedCount; i++)
        {
            same = drained[i] == published[i];
        }
        r.r1 = reserved;
        r.r2 = groupPublished;
        r.r3 = same ? 1 : 0;
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
