package io.ringmetrics.ring;

/**
 * One preallocated ring slot: {@code (id, op, value)}.
 * <p>
 * Written with plain stores by the ring's single owner thread between {@code tryNext()} and {@code publish()}; the
 * publish is a release store of the ring cursor, so the writer thread, which reads the cursor with acquire
 * semantics, sees all three fields. Never allocated on the hot path.
 */
public final class UpdateEvent
{
    /** Series id: slot index and generation, see {@code io.ringmetrics.registry.SeriesId}. */
    public int id;
    /** Operation code from {@link UpdateOp}. */
    public int op;
    /** Operand: a long amount or raw double bits, depending on {@link #op}. */
    public long value;
}
