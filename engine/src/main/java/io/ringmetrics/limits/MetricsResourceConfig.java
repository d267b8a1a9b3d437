package io.ringmetrics.limits;

/**
 * Immutable resource limits, with the specification's defaults. Build with {@link #builder()}.
 */
public final class MetricsResourceConfig
{
    /** The defaults: 1000 metrics, 10000 label combinations, lengths 128/64/256, 16 labels, no cleanup. */
    public static final MetricsResourceConfig DEFAULTS = builder().build();

    private final int maxMetrics;
    private final int maxLabelCombinations;
    private final int maxMetricNameLength;
    private final int maxLabelNameLength;
    private final int maxLabelValueLength;
    private final int maxLabelsPerMetric;
    private final boolean enableMetricCleanup;
    private final long cleanupIntervalSeconds;

    private MetricsResourceConfig(final Builder b)
    {
        this.maxMetrics = b.maxMetrics;
        this.maxLabelCombinations = b.maxLabelCombinations;
        this.maxMetricNameLength = b.maxMetricNameLength;
        this.maxLabelNameLength = b.maxLabelNameLength;
        this.maxLabelValueLength = b.maxLabelValueLength;
        this.maxLabelsPerMetric = b.maxLabelsPerMetric;
        this.enableMetricCleanup = b.enableMetricCleanup;
        this.cleanupIntervalSeconds = b.cleanupIntervalSeconds;
    }

    /**
     * @return a builder holding the defaults.
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * @return a builder holding this configuration's values.
     */
    public Builder toBuilder()
    {
        return new Builder()
            .maxMetrics(maxMetrics)
            .maxLabelCombinations(maxLabelCombinations)
            .maxMetricNameLength(maxMetricNameLength)
            .maxLabelNameLength(maxLabelNameLength)
            .maxLabelValueLength(maxLabelValueLength)
            .maxLabelsPerMetric(maxLabelsPerMetric)
            .enableMetricCleanup(enableMetricCleanup)
            .cleanupIntervalSeconds(cleanupIntervalSeconds);
    }

    /** @return maximum number of metric names (families), default 1000. */
    public int maxMetrics()
    {
        return maxMetrics;
    }

    /** @return maximum number of series over all metrics, default 10000. */
    public int maxLabelCombinations()
    {
        return maxLabelCombinations;
    }

    /** @return maximum metric name length in characters, default 128. */
    public int maxMetricNameLength()
    {
        return maxMetricNameLength;
    }

    /** @return maximum label name length, default 64. */
    public int maxLabelNameLength()
    {
        return maxLabelNameLength;
    }

    /** @return maximum label value length, default 256. */
    public int maxLabelValueLength()
    {
        return maxLabelValueLength;
    }

    /** @return maximum labels on one series, default 16. */
    public int maxLabelsPerMetric()
    {
        return maxLabelsPerMetric;
    }

    /** @return whether idle series are evicted, default false. */
    public boolean enableMetricCleanup()
    {
        return enableMetricCleanup;
    }

    /** @return idle time after which a series is evicted when cleanup is on, default 300 s. */
    public long cleanupIntervalSeconds()
    {
        return cleanupIntervalSeconds;
    }

    @Override
    public String toString()
    {
        return "max_metrics=" + maxMetrics +
            ", max_label_combinations=" + maxLabelCombinations +
            ", max_metric_name_length=" + maxMetricNameLength +
            ", max_label_name_length=" + maxLabelNameLength +
            ", max_label_value_length=" + maxLabelValueLength +
            ", max_labels_per_metric=" + maxLabelsPerMetric +
            ", enable_metric_cleanup=" + enableMetricCleanup +
            ", cleanup_interval_seconds=" + cleanupIntervalSeconds;
    }

    /**
     * Builder; every setter rejects a value out of range with an {@link IllegalArgumentException} that names the
     * field, the value and the allowed range.
     */
    public static final class Builder
    {
        /** Largest accepted value for the count limits; slot ids have 24 bits. */
        public static final int MAX_SERIES = 1 << 23;

        private int maxMetrics = 1000;
        private int maxLabelCombinations = 10_000;
        private int maxMetricNameLength = 128;
        private int maxLabelNameLength = 64;
        private int maxLabelValueLength = 256;
        private int maxLabelsPerMetric = 16;
        private boolean enableMetricCleanup;
        private long cleanupIntervalSeconds = 300;

        private Builder()
        {
        }

        private static int inRange(final String field, final long value, final long min, final long max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(
                    field + " must be between " + min + " and " + max + ", was " + value);
            }
            return (int)value;
        }

        /**
         * @param value 1..8388608.
         * @return this.
         */
        public Builder maxMetrics(final long value)
        {
            maxMetrics = inRange("max_metrics", value, 1, MAX_SERIES);
            return this;
        }

        /**
         * @param value 1..8388608.
         * @return this.
         */
        public Builder maxLabelCombinations(final long value)
        {
            maxLabelCombinations = inRange("max_label_combinations", value, 1, MAX_SERIES);
            return this;
        }

        /**
         * @param value 1..65536.
         * @return this.
         */
        public Builder maxMetricNameLength(final long value)
        {
            maxMetricNameLength = inRange("max_metric_name_length", value, 1, 65_536);
            return this;
        }

        /**
         * @param value 1..65536.
         * @return this.
         */
        public Builder maxLabelNameLength(final long value)
        {
            maxLabelNameLength = inRange("max_label_name_length", value, 1, 65_536);
            return this;
        }

        /**
         * @param value 1..65536.
         * @return this.
         */
        public Builder maxLabelValueLength(final long value)
        {
            maxLabelValueLength = inRange("max_label_value_length", value, 1, 65_536);
            return this;
        }

        /**
         * @param value 0..1024.
         * @return this.
         */
        public Builder maxLabelsPerMetric(final long value)
        {
            maxLabelsPerMetric = inRange("max_labels_per_metric", value, 0, 1024);
            return this;
        }

        /**
         * @param value whether idle series are evicted.
         * @return this.
         */
        public Builder enableMetricCleanup(final boolean value)
        {
            enableMetricCleanup = value;
            return this;
        }

        /**
         * @param value 1..31536000 (one year).
         * @return this.
         */
        public Builder cleanupIntervalSeconds(final long value)
        {
            cleanupIntervalSeconds = inRange("cleanup_interval_seconds", value, 1, 31_536_000);
            return this;
        }

        /**
         * @return the immutable configuration.
         */
        public MetricsResourceConfig build()
        {
            return new MetricsResourceConfig(this);
        }
    }
}
