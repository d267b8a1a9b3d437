package io.ringmetrics.store;

import java.util.function.LongSupplier;

/**
 * The time that places percentile recordings in the sub-windows of a {@link WindowedPercentiles}, in nanoseconds
 * of a monotonic source ({@link System#nanoTime()} unless a test injects another).
 * <p>
 * A {@linkplain #cached(LongSupplier) cached} clock reads its source only when {@link #refresh()} is called: the
 * writer refreshes it once per batch of deferred percentile recordings and before it samples a histogram, so a
 * recording costs a field read, not a {@code nanoTime} call. A {@linkplain #live(LongSupplier) live} clock reads
 * its source at every call (a histogram used on its own, outside the writer).
 * <p>
 * <b>Threading.</b> Not thread-safe: owned by the writer thread (or by the one thread that uses a series).
 */
public final class WindowClock
{
    private final LongSupplier source;
    private final boolean live;
    private long nowNanos;

    private WindowClock(final LongSupplier source, final boolean live)
    {
        this.source = source;
        this.live = live;
        this.nowNanos = source.getAsLong();
    }

    /**
     * @param source monotonic nanoseconds.
     * @return a clock that reads {@code source} only in {@link #refresh()}.
     */
    public static WindowClock cached(final LongSupplier source)
    {
        return new WindowClock(source, false);
    }

    /**
     * @param source monotonic nanoseconds.
     * @return a clock that reads {@code source} at every {@link #nowNanos()}.
     */
    public static WindowClock live(final LongSupplier source)
    {
        return new WindowClock(source, true);
    }

    /**
     * Reads the source.
     *
     * @return the new time in nanoseconds.
     */
    public long refresh()
    {
        return nowNanos = source.getAsLong();
    }

    /**
     * @return the time of the last {@link #refresh()} (a cached clock) or the source's time now (a live clock).
     */
    public long nowNanos()
    {
        return live ? source.getAsLong() : nowNanos;
    }
}
