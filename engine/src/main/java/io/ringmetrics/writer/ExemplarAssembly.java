package io.ringmetrics.writer;

import io.ringmetrics.ring.UpdateOp;

/**
 * Puts an exemplar back together on the writer from the three control updates that precede its observation in a
 * ring ({@link UpdateOp#EXEMPLAR_TRACE_HIGH}, {@link UpdateOp#EXEMPLAR_TRACE_LOW}, {@link UpdateOp#EXEMPLAR_SPAN}).
 * <p>
 * The parts of one exemplar are published together, in order, into one ring. The writer drains one ring at a time
 * and {@link #reset() resets} this assembly before each ring, so parts of two rings never mix; a part out of order,
 * or of another series, discards what was assembled. An exemplar whose parts a drain split (the owner was still
 * writing them) is lost, never its observation, which is recorded either way.
 * <p>
 * <b>Threading.</b> Writer thread only.
 */
final class ExemplarAssembly
{
    private int id;
    private int parts;
    private long traceHigh;
    private long traceLow;
    private long spanId;

    /**
     * Takes one part.
     *
     * @param id    series id of the part.
     * @param op    one of the three exemplar part operations.
     * @param value its operand.
     */
    void part(final int id, final int op, final long value)
    {
        if (op == UpdateOp.EXEMPLAR_TRACE_HIGH)
        {
            this.id = id;
            traceHigh = value;
            parts = 1;
        }
        else if (op == UpdateOp.EXEMPLAR_TRACE_LOW && parts == 1 && this.id == id)
        {
            traceLow = value;
            parts = 2;
        }
        else if (op == UpdateOp.EXEMPLAR_SPAN && parts == 2 && this.id == id)
        {
            spanId = value;
            parts = 3;
        }
        else
        {
            parts = 0;
        }
    }

    /**
     * Whether a whole exemplar of this series was assembled; consumes it either way.
     *
     * @param id series id of the observation that follows the parts.
     * @return {@code true} if {@link #traceHigh()}, {@link #traceLow()} and {@link #spanId()} are its exemplar's.
     */
    boolean completeFor(final int id)
    {
        final boolean complete = parts == 3 && this.id == id;
        parts = 0;
        return complete;
    }

    /** Discards what was assembled: called before draining each ring. */
    void reset()
    {
        parts = 0;
    }

    long traceHigh()
    {
        return traceHigh;
    }

    long traceLow()
    {
        return traceLow;
    }

    long spanId()
    {
        return spanId;
    }
}
