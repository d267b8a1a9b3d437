package io.ringmetrics.writer;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The writer's {@link WriterIdleStrategy#BACKOFF}: spin, then yield, then park from 1 µs doubling up to the configured
 * maximum (default 1 ms), where the amount of work found decides how far back it goes:
 * <ul>
 *   <li>a busy pass (at least {@link #BUSY_WORK} updates) resets to spinning, so a writer under load never parks;</li>
 *   <li>a light pass (fewer) only halves the current park, so a trickle of updates (one per millisecond) does not
 *       bring the writer back to spinning and yielding each time it arrives;</li>
 *   <li>an empty pass backs off one step further.</li>
 * </ul>
 * An idle or lightly loaded service thus wakes its writer about a thousand times a second, not tens of thousands
 * (issue 17: under 1 % of a core idle, measured by {@code jmh/.../load/IdleCpu}). A park of at most 1 ms at the start
 * of a burst costs no drop: at 10 M updates/s it is 10 000 updates, which the caller's ring absorbs by growing.
 * A snapshot never waits for a park: {@link MetricsWriter#requestSnapshot(boolean)} unparks the writer.
 * <p>
 * <b>Threading.</b> One writer thread only, like every Agrona idle strategy; not thread-safe.
 */
public final class AdaptiveBackoffIdleStrategy implements IdleStrategy
{
    /** Updates in one pass from which the writer counts as busy and spins again. */
    public static final int BUSY_WORK = 256;
    private static final int MAX_SPINS = 64;
    private static final int MAX_YIELDS = 16;
    private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(1);

    private final long maxParkNanos;
    private int spins;
    private int yields;
    private long parkNanos;

    /**
     * @param maxParkNanos longest park, at least 1 µs.
     */
    public AdaptiveBackoffIdleStrategy(final long maxParkNanos)
    {
        this.maxParkNanos = Math.max(MIN_PARK_NANOS, maxParkNanos);
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount >= BUSY_WORK)
        {
            reset();
        }
        else if (workCount > 0)
        {
            parkNanos = parkNanos > MIN_PARK_NANOS ? parkNanos >> 1 : parkNanos; // light work: back off less
        }
        else
        {
            idle();
        }
    }

    @Override
    public void idle()
    {
        if (spins < MAX_SPINS)
        {
            spins++;
            Thread.onSpinWait();
        }
        else if (yields < MAX_YIELDS)
        {
            yields++;
            Thread.yield();
        }
        else
        {
            parkNanos = parkNanos == 0 ? MIN_PARK_NANOS : parkNanos;
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(maxParkNanos, parkNanos << 1);
        }
    }

    @Override
    public void reset()
    {
        spins = 0;
        yields = 0;
        parkNanos = 0;
    }

    /** The park the next idle pass past spinning and yielding takes, 0 before the first; for tests. */
    long nextParkNanos()
    {
        return parkNanos;
    }

    @Override
    public String alias()
    {
        return "adaptive-backoff";
    }
}
