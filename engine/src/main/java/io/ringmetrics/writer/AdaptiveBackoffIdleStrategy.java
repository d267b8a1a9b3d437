package io.ringmetrics.writer;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The writer's {@link WriterIdleStrategy#BACKOFF}: spin, then yield, then park from 1 µs doubling up to a ceiling,
 * where the amount of work found decides how far back it goes:
 * <ul>
 *   <li>a busy pass (at least {@link #BUSY_WORK} updates) resets to spinning, so a writer under load never parks;</li>
 *   <li>a light pass (fewer) only halves the current park, so a trickle of updates (one per millisecond) does not
 *       bring the writer back to spinning and yielding each time it arrives;</li>
 *   <li>an empty pass backs off one step further.</li>
 * </ul>
 * The ceiling is {@link #BURSTY_MAX_PARK_NANOS} (100 µs) for {@link #BURST_MEMORY_NANOS} (1 s) after a busy pass, and
 * the configured maximum (default 1 ms) otherwise. An idle or lightly loaded service thus wakes its writer about a
 * thousand times a second, not tens of thousands (issue 17, measured by {@code jmh/.../load/IdleCpu}), while a
 * service whose bursts come less than a second apart keeps the short parks, so a burst never finds the writer more
 * than 100 µs away (at 10 M updates/s, 1 000 updates; 1 ms would be 10 000, which the ring absorbs by growing but
 * which puts the writer that much behind). A snapshot never waits for a park:
 * {@link MetricsWriter#requestSnapshot(boolean)} unparks the writer.
 * <p>
 * <b>Threading.</b> One writer thread only, like every Agrona idle strategy; not thread-safe.
 */
public final class AdaptiveBackoffIdleStrategy implements IdleStrategy
{
    /** Updates in one pass from which the writer counts as busy and spins again. */
    public static final int BUSY_WORK = 256;
    /** Ceiling of the park within {@link #BURST_MEMORY_NANOS} of a busy pass: 100 µs. */
    public static final long BURSTY_MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** How long after a busy pass the park stays at most {@link #BURSTY_MAX_PARK_NANOS}: 1 s. */
    public static final long BURST_MEMORY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_SPINS = 64;
    private static final int MAX_YIELDS = 16;
    private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(1);

    private final long maxParkNanos;
    private final long burstyMaxParkNanos;
    private final LongSupplier clock;
    private int spins;
    private int yields;
    private long parkNanos;
    private long lastBusyNanos;

    /**
     * @param maxParkNanos longest park, at least 1 µs.
     */
    public AdaptiveBackoffIdleStrategy(final long maxParkNanos)
    {
        this(maxParkNanos, System::nanoTime);
    }

    AdaptiveBackoffIdleStrategy(final long maxParkNanos, final LongSupplier clock)
    {
        this.maxParkNanos = Math.max(MIN_PARK_NANOS, maxParkNanos);
        this.burstyMaxParkNanos = Math.min(this.maxParkNanos, BURSTY_MAX_PARK_NANOS);
        this.clock = clock;
        this.lastBusyNanos = clock.getAsLong() - BURST_MEMORY_NANOS;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount >= BUSY_WORK)
        {
            reset();
            lastBusyNanos = clock.getAsLong();
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
            parkNanos = Math.min(ceilingNanos(), parkNanos << 1);
        }
    }

    private long ceilingNanos()
    {
        return clock.getAsLong() - lastBusyNanos < BURST_MEMORY_NANOS ? burstyMaxParkNanos : maxParkNanos;
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
