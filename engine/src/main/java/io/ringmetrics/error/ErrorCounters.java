package io.ringmetrics.error;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every error by category, type, operation and (for validation errors) metric name, for the error
 * meta-metrics.
 * <p>
 * <b>Threading.</b> Any thread, lock-free ({@link ConcurrentHashMap} of {@link LongAdder}). Errors are off the hot
 * path: they happen at registration, on refused operations and in exporters.
 * <p>
 * The {@code metric_name} label is bounded so that bad input cannot explode the meta-metrics: at most
 * {@link #MAX_METRIC_NAMES} distinct names are kept, longer than {@link #MAX_NAME_LENGTH} characters or invalid
 * names are replaced, and everything beyond is counted under {@code metric_name="_other"}.
 */
public final class ErrorCounters
{
    /** Distinct metric names kept in the validation meta-metric. */
    public static final int MAX_METRIC_NAMES = 100;
    /** Longest metric name kept as a label value. */
    public static final int MAX_NAME_LENGTH = 128;
    /** Label value standing for names that are not kept. */
    public static final String OTHER = "_other";
    /** Label value standing for an invalid (e.g. empty or non-printable) metric name. */
    public static final String INVALID = "_invalid";

    /** One counted key. */
    public static final class Key
    {
        private final ErrorType type;
        private final String operation;
        private final String metricName;
        private final String exporter;

        Key(final ErrorType type, final String operation, final String metricName, final String exporter)
        {
            this.type = type;
            this.operation = operation;
            this.metricName = metricName;
            this.exporter = exporter;
        }

        /** @return error type. */
        public ErrorType type()
        {
            return type;
        }

        /** @return operation, e.g. {@code increment}; empty for export errors. */
        public String operation()
        {
            return operation;
        }

        /** @return bounded metric name (validation errors), else empty. */
        public String metricName()
        {
            return metricName;
        }

        /** @return exporter name (export errors), else empty. */
        public String exporter()
        {
            return exporter;
        }

        @Override
        public boolean equals(final Object o)
        {
            if (!(o instanceof Key))
            {
                return false;
            }
            final Key k = (Key)o;
            return type == k.type && operation.equals(k.operation) && metricName.equals(k.metricName) &&
                exporter.equals(k.exporter);
        }

        @Override
        public int hashCode()
        {
            return ((type.hashCode() * 31 + operation.hashCode()) * 31 + metricName.hashCode()) * 31 +
                exporter.hashCode();
        }
    }

    private final ConcurrentHashMap<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Boolean> keptNames = new ConcurrentHashMap<>();

    /**
     * Counts one error of an operation on a metric.
     *
     * @param type       error type.
     * @param operation  operation name, e.g. {@code increment}.
     * @param metricName metric name as given (bounded here).
     */
    public void record(final ErrorType type, final String operation, final String metricName)
    {
        final String name = type.category() == ErrorType.Category.VALIDATION ? boundedName(metricName) : "";
        counts.computeIfAbsent(new Key(type, operation, name, ""), k -> new LongAdder()).increment();
    }

    /**
     * Counts one export error.
     *
     * @param exporter exporter name, e.g. {@code statsd}.
     * @param type     error type.
     */
    public void recordExport(final String exporter, final ErrorType type)
    {
        counts.computeIfAbsent(new Key(type, "", "", exporter), k -> new LongAdder()).increment();
    }

    private String boundedName(final String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH ||
            !io.ringmetrics.registry.NameRules.isValidMetricName(name))
        {
            return INVALID;
        }
        if (keptNames.containsKey(name))
        {
            return name;
        }
        synchronized (keptNames)
        {
            if (keptNames.size() < MAX_METRIC_NAMES)
            {
                keptNames.put(name, Boolean.TRUE);
                return name;
            }
        }
        return OTHER;
    }

    /**
     * @param category a category.
     * @return total errors of that category.
     */
    public long total(final ErrorType.Category category)
    {
        long total = 0;
        for (final java.util.Map.Entry<Key, LongAdder> e : counts.entrySet())
        {
            if (e.getKey().type.category() == category)
            {
                total += e.getValue().sum();
            }
        }
        return total;
    }

    /**
     * @param type an error type.
     * @return total errors of that type.
     */
    public long total(final ErrorType type)
    {
        long total = 0;
        for (final java.util.Map.Entry<Key, LongAdder> e : counts.entrySet())
        {
            if (e.getKey().type == type)
            {
                total += e.getValue().sum();
            }
        }
        return total;
    }

    /**
     * A point-in-time copy of the counts of one category.
     *
     * @param category category.
     * @return keys and counts.
     */
    public List<java.util.Map.Entry<Key, Long>> entries(final ErrorType.Category category)
    {
        final List<java.util.Map.Entry<Key, Long>> list = new ArrayList<>();
        for (final java.util.Map.Entry<Key, LongAdder> e : counts.entrySet())
        {
            if (e.getKey().type.category() == category)
            {
                list.add(java.util.Map.entry(e.getKey(), e.getValue().sum()));
            }
        }
        return list;
    }
}
