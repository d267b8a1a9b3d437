package io.ringmetrics;

/**
 * What a health check should say about a {@link MetricsEngine}: whether its writer thread applies updates, and if not,
 * why, in one line. Immutable; from {@link MetricsEngine#health()}.
 */
public final class EngineHealth
{
    /** The engine's state. */
    public enum State
    {
        /** The writer thread is alive and applying updates. */
        RUNNING,
        /** {@link MetricsEngine#close()} was called. */
        CLOSED,
        /** The writer thread ended without {@code close()}: nothing is applied any more, snapshots fail. */
        WRITER_DIED,
        /**
         * No engine could start (see {@link MetricsEngine#disabled(String)}): registration and handles work, nothing
         * is recorded.
         */
        DISABLED
    }

    private final State state;
    private final String reason;

    EngineHealth(final State state, final String reason)
    {
        this.state = state;
        this.reason = reason;
    }

    /** @return whether the engine records updates ({@link State#RUNNING}). */
    public boolean isHealthy()
    {
        return state == State.RUNNING;
    }

    /** @return the state. */
    public State state()
    {
        return state;
    }

    /**
     * @return one line saying why the engine records nothing, e.g. {@code the metrics writer thread died:
     *         java.lang.OutOfMemoryError: Java heap space}; {@code "running"} when healthy.
     */
    public String reason()
    {
        return reason;
    }

    @Override
    public String toString()
    {
        return state.name().toLowerCase(java.util.Locale.ROOT) + ": " + reason;
    }
}
