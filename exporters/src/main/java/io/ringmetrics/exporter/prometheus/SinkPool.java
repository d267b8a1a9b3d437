package io.ringmetrics.exporter.prometheus;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps one spare {@link ByteSink} so that consecutive scrapes reuse the buffer of the previous one instead of
 * allocating an exposition-sized array each time.
 * <p>
 * <b>Threading.</b> Any thread, lock-free. Concurrent scrapes each get a sink (the second one a new one); at most one
 * is retained, and one much larger than the last exposition it held is dropped, so retained memory stays near the
 * size of one exposition.
 */
final class SinkPool
{
    private static final int INITIAL_CAPACITY = 64 * 1024;
    private static final int ALWAYS_RETAINED = 1 << 20;

    private final AtomicReference<ByteSink> spare = new AtomicReference<>();

    /** @return an empty sink owned by the caller until {@link #release(ByteSink)}. */
    ByteSink acquire()
    {
        final ByteSink sink = spare.getAndSet(null);
        if (sink == null)
        {
            return new ByteSink(INITIAL_CAPACITY);
        }
        sink.reset();
        return sink;
    }

    /**
     * Gives a sink back for reuse.
     *
     * @param sink a sink from {@link #acquire()}, no longer used by the caller.
     */
    void release(final ByteSink sink)
    {
        if (sink.capacity() > ALWAYS_RETAINED && sink.capacity() > 4L * sink.size())
        {
            return; // grown for an exposition much larger than the current one: let it go
        }
        spare.set(sink);
    }
}
