package io.ringmetrics.snapshot;

import io.ringmetrics.error.ErrorCounters;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.ring.UpdateOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's meta-metrics, derived from {@link EngineStats} and {@link ErrorCounters}, in a form every exporter
 * renders the same way. The names are reserved: a user metric cannot take them.
 * <p>
 * The error counters always appear: an error family with no error yet carries one zero sample whose labels are
 * all empty (in Prometheus, the same as absent), so that {@code rate()}, dashboards and alerts see 0 instead of no
 * data from the start.
 */
public final class MetaMetrics
{
    /** Validation errors: {@code metric_name}, {@code operation}, {@code error_type}. */
    public static final String VALIDATION_ERRORS = "metrics_validation_errors_total";
    /** Resource errors: {@code operation}, {@code error_type}. */
    public static final String RESOURCE_ERRORS = "metrics_resource_errors_total";
    /** Export errors: {@code exporter}, {@code error_type}. */
    public static final String EXPORT_ERRORS = "metrics_export_errors_total";
    /** Configuration errors: {@code error_type}. */
    public static final String CONFIG_ERRORS = "metrics_config_errors_total";
    /** Updates handed to the engine. */
    public static final String UPDATES_PUBLISHED = "metrics_updates_published_total";
    /** Updates applied: {@code kind}. */
    public static final String UPDATES_APPLIED = "metrics_updates_applied_total";
    /** Updates dropped: {@code kind}, {@code reason}. */
    public static final String UPDATES_DROPPED = "metrics_updates_dropped_total";
    /** Registered series. */
    public static final String SERIES = "metrics_series";
    /** Series limit. */
    public static final String SERIES_LIMIT = "metrics_series_limit";
    /** Registered metrics. */
    public static final String METRICS = "metrics_metrics";
    /** Metric limit. */
    public static final String METRICS_LIMIT = "metrics_metrics_limit";
    /** Memory: {@code area} = offheap_store | histogram_heap | rings. */
    public static final String MEMORY_BYTES = "metrics_memory_bytes";
    /** Caller rings: {@code state} = active | pooled. */
    public static final String RINGS = "metrics_rings";

    /** Every reserved name, with and without the {@code _total} suffix. */
    public static final Set<String> RESERVED_NAMES = reserved();

    /** Kind of a meta-metric. */
    public enum Kind
    {
        /** Monotonic. */
        COUNTER,
        /** Current value. */
        GAUGE
    }

    /** One meta-metric family with its samples. */
    public static final class Family
    {
        private final String name;
        private final Kind kind;
        private final String help;
        private final String[] labelNames;
        private final List<String[]> labelValues = new ArrayList<>();
        private final List<Double> values = new ArrayList<>();

        Family(final String name, final Kind kind, final String help, final String... labelNames)
        {
            this.name = name;
            this.kind = kind;
            this.help = help;
            this.labelNames = labelNames;
        }

        Family add(final double value, final String... labelValues)
        {
            for (int i = 0; i < labelValues.length; i++)
            {
                if (labelValues[i] == null)
                {
                    labelValues[i] = "";
                }
            }
            this.labelValues.add(labelValues);
            this.values.add(value);
            return this;
        }

        /** @return metric name (counters end in {@code _total}). */
        public String name()
        {
            return name;
        }

        /** @return counter or gauge. */
        public Kind kind()
        {
            return kind;
        }

        /** @return help text. */
        public String help()
        {
            return help;
        }

        /** @return label names. */
        public String[] labelNames()
        {
            return labelNames.clone();
        }

        /** @return number of samples. */
        public int size()
        {
            return values.size();
        }

        /**
         * @param i sample index.
         * @return label values of the sample, in {@link #labelNames()} order.
         */
        public String[] labelValues(final int i)
        {
            return labelValues.get(i).clone();
        }

        /**
         * @param i sample index.
         * @return value.
         */
        public double value(final int i)
        {
            return values.get(i);
        }
    }

    private MetaMetrics()
    {
    }

    private static Set<String> reserved()
    {
        final List<String> names = new ArrayList<>();
        for (final String n : new String[] { VALIDATION_ERRORS, RESOURCE_ERRORS, EXPORT_ERRORS, CONFIG_ERRORS,
            UPDATES_PUBLISHED, UPDATES_APPLIED, UPDATES_DROPPED, SERIES, SERIES_LIMIT, METRICS, METRICS_LIMIT,
            MEMORY_BYTES, RINGS })
        {
            names.add(n);
            if (n.endsWith("_total"))
            {
                names.add(n.substring(0, n.length() - "_total".length()));
            }
        }
        return Set.copyOf(names);
    }

    /**
     * Builds the meta-metric families.
     *
     * @param stats      engine accounting from a snapshot.
     * @param errors     error counts.
     * @param seriesLimit  {@code max_label_combinations}.
     * @param metricLimit  {@code max_metrics}.
     * @return families in a fixed order.
     */
    public static List<Family> collect(
        final EngineStats stats, final ErrorCounters errors, final int seriesLimit, final int metricLimit)
    {
        final List<Family> families = new ArrayList<>();
        final Family validation = new Family(VALIDATION_ERRORS, Kind.COUNTER,
            "Operations refused by validation (bad names, labels or values).", "metric_name", "operation", "error_type");
        for (final Map.Entry<ErrorCounters.Key, Long> e : errors.entries(ErrorType.Category.VALIDATION))
        {
            validation.add(e.getValue(), e.getKey().metricName(), e.getKey().operation(), e.getKey().type().label());
        }
        families.add(validation);

        final Family resource = new Family(RESOURCE_ERRORS, Kind.COUNTER,
            "Operations refused or folded by resource limits and lifecycle rules.", "operation", "error_type");
        for (final Map.Entry<ErrorCounters.Key, Long> e : errors.entries(ErrorType.Category.RESOURCE))
        {
            resource.add(e.getValue(), e.getKey().operation(), e.getKey().type().label());
        }
        families.add(resource);

        final Family export = new Family(EXPORT_ERRORS, Kind.COUNTER,
            "Exporter failures (formatting, network).", "exporter", "error_type");
        for (final Map.Entry<ErrorCounters.Key, Long> e : errors.entries(ErrorType.Category.EXPORT))
        {
            export.add(e.getValue(), e.getKey().exporter(), e.getKey().type().label());
        }
        families.add(export);

        final Family config = new Family(CONFIG_ERRORS, Kind.COUNTER,
            "Rejected configuration values.", "error_type");
        for (final Map.Entry<ErrorCounters.Key, Long> e : errors.entries(ErrorType.Category.CONFIGURATION))
        {
            config.add(e.getValue(), e.getKey().type().label());
        }
        families.add(config);
        for (final Family errorFamily : families)
        {
            if (errorFamily.size() == 0)
            {
                errorFamily.add(0, new String[errorFamily.labelNames.length]);
            }
        }

        families.add(new Family(UPDATES_PUBLISHED, Kind.COUNTER,
            "Updates handed to the engine by callers (applied + dropped + pending).").add(stats.published()));

        final Family applied = new Family(UPDATES_APPLIED, Kind.COUNTER,
            "Updates applied by the writer.", "kind");
        final Family dropped = new Family(UPDATES_DROPPED, Kind.COUNTER,
            "Updates not applied, by reason: ring_full, stale_series, invalid_value, closed.", "kind", "reason");
        for (int kind = 0; kind < UpdateOp.KIND_CONTROL; kind++)
        {
            applied.add(stats.applied(kind), UpdateOp.kindName(kind));
            for (final EngineStats.DropReason reason : EngineStats.DropReason.values())
            {
                dropped.add(stats.dropped(reason, kind), UpdateOp.kindName(kind), reason.label());
            }
        }
        families.add(applied);
        families.add(dropped);

        families.add(new Family(SERIES, Kind.GAUGE,
            "Series (label combinations) registered now, over all metrics.").add(stats.seriesCount()));
        families.add(new Family(SERIES_LIMIT, Kind.GAUGE,
            "The max_label_combinations limit in force: the most series the engine registers.").add(seriesLimit));
        families.add(new Family(METRICS, Kind.GAUGE, "Metric names registered now.").add(stats.metricCount()));
        families.add(new Family(METRICS_LIMIT, Kind.GAUGE,
            "The max_metrics limit in force: the most metric names the engine registers.").add(metricLimit));
        families.add(new Family(MEMORY_BYTES, Kind.GAUGE,
            "Memory held by the engine's store and rings, by area.", "area")
            .add(stats.offHeapBytes(), "offheap_store")
            .add(stats.histogramHeapBytes(), "histogram_heap")
            .add(stats.ringBytes(), "rings"));
        families.add(new Family(RINGS, Kind.GAUGE, "Caller rings, by state.", "state")
            .add(stats.activeRings(), "active")
            .add(stats.pooledRings(), "pooled"));
        return families;
    }
}
