package io.ringmetrics.writer;

import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * How the writer thread waits when no ring has work.
 */
public enum WriterIdleStrategy
{
    /** Spin: lowest latency, burns a core. */
    BUSY_SPIN,
    /** {@link Thread#yield()} between polls. */
    YIELD,
    /**
     * Spin, then yield, then park from 1 µs doubling up to the configured maximum (default 1 ms; 100 µs within a
     * second of a busy pass); a busy pass spins again, a light one halves the park
     * ({@link AdaptiveBackoffIdleStrategy}). The default.
     */
    BACKOFF;

    /**
     * @param maxParkNanos longest park for {@link #BACKOFF}.
     * @return a new Agrona idle strategy.
     */
    public IdleStrategy create(final long maxParkNanos)
    {
        switch (this)
        {
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case YIELD:
                return new YieldingIdleStrategy();
            default:
                return new AdaptiveBackoffIdleStrategy(maxParkNanos);
        }
    }
}
