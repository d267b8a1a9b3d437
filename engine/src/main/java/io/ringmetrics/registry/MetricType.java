package io.ringmetrics.registry;

/**
 * The type of a metric. One name has exactly one type.
 */
public enum MetricType
{
    /** Monotonic {@code long} total. */
    COUNTER,
    /** {@code double} value that goes up and down. */
    GAUGE,
    /** Distribution: exact buckets, count and sum, plus percentiles. */
    HISTOGRAM;

    /**
     * @return lower-case name, as used in messages and meta-metric labels.
     */
    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
