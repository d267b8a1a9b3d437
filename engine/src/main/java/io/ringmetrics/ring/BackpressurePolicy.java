package io.ringmetrics.ring;

/**
 * What a caller does when its ring is full.
 */
public enum BackpressurePolicy
{
    /** Do not wait: the update is not applied and is counted as dropped for its metric kind. The default. */
    DROP,
    /**
     * Wait for space (spin, then park 1 µs at a time) until the writer frees a slot. Falls back to
     * {@link #DROP} once the engine is closed, so a caller never waits for a writer that has stopped.
     */
    BLOCK
}
