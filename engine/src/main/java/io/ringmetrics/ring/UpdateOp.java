package io.ringmetrics.ring;

/**
 * Operation codes carried by a {@link ThreadRing} slot, and the metric kind each one updates.
 * <p>
 * The value word of a slot is interpreted per operation: a {@code long} amount for counters and nanosecond
 * observations, raw {@code double} bits ({@link Double#doubleToRawLongBits(double)}) for gauges and histogram
 * observations.
 */
public final class UpdateOp
{
    /** Add a non-negative {@code long} to a counter. */
    public static final int COUNTER_ADD = 1;
    /** Set a gauge to a {@code double} (value holds its raw bits). */
    public static final int GAUGE_SET = 2;
    /** Add a {@code double} (possibly negative) to a gauge (value holds its raw bits). */
    public static final int GAUGE_ADD = 3;
    /** Observe a {@code double} in a histogram, in the histogram's base unit (value holds its raw bits). */
    public static final int HISTOGRAM_OBSERVE = 4;
    /** Observe a duration in nanoseconds in a histogram whose base unit is seconds. */
    public static final int HISTOGRAM_OBSERVE_NANOS = 5;
    /** Control operation: release a removed series' slot after clearing its values. */
    public static final int FREE_SERIES = 6;
    /**
     * Exemplar part 1 of 3: the high 64 bits of a 128-bit trace id. The three parts precede, in this order and in one
     * ring, the {@link #HISTOGRAM_OBSERVE_EXEMPLAR} or {@link #COUNTER_ADD_EXEMPLAR} of the same series they belong to
     * (see {@link RingDirectory#publishWithExemplar}). A part is a control operation: it updates nothing by itself.
     */
    public static final int EXEMPLAR_TRACE_HIGH = 7;
    /** Exemplar part 2 of 3: the low 64 bits of the trace id. */
    public static final int EXEMPLAR_TRACE_LOW = 8;
    /** Exemplar part 3 of 3: the 64-bit span id. */
    public static final int EXEMPLAR_SPAN = 9;
    /** {@link #HISTOGRAM_OBSERVE} that carries the exemplar whose parts precede it. */
    public static final int HISTOGRAM_OBSERVE_EXEMPLAR = 10;
    /** {@link #COUNTER_ADD} that carries the exemplar whose parts precede it. */
    public static final int COUNTER_ADD_EXEMPLAR = 11;

    /** Kind index of counter updates, used for per-kind accounting. */
    public static final int KIND_COUNTER = 0;
    /** Kind index of gauge updates. */
    public static final int KIND_GAUGE = 1;
    /** Kind index of histogram updates. */
    public static final int KIND_HISTOGRAM = 2;
    /** Kind index of control operations. */
    public static final int KIND_CONTROL = 3;
    /** Number of kinds. */
    public static final int KIND_COUNT = 4;

    private static final String[] KIND_NAMES = { "counter", "gauge", "histogram", "control" };

    private UpdateOp()
    {
    }

    /**
     * The kind of metric an operation updates.
     *
     * @param op operation code.
     * @return one of the {@code KIND_*} indexes.
     */
    public static int kindOf(final int op)
    {
        switch (op)
        {
            case COUNTER_ADD:
            case COUNTER_ADD_EXEMPLAR:
                return KIND_COUNTER;
            case GAUGE_SET:
            case GAUGE_ADD:
                return KIND_GAUGE;
            case HISTOGRAM_OBSERVE:
            case HISTOGRAM_OBSERVE_NANOS:
            case HISTOGRAM_OBSERVE_EXEMPLAR:
                return KIND_HISTOGRAM;
            default:
                return KIND_CONTROL;
        }
    }

    /**
     * Name of a kind, as used in meta-metric labels.
     *
     * @param kind one of the {@code KIND_*} indexes.
     * @return its lower-case name.
     */
    public static String kindName(final int kind)
    {
        return KIND_NAMES[kind];
    }
}
