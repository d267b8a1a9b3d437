package io.ringmetrics.config;

import io.ringmetrics.EngineConfig;

import java.time.Duration;

/**
 * Everything configurable, resolved and validated: the engine settings (with resource limits), the error
 * settings, and the exporter settings. Produced by {@link EnvironmentConfig}, or built in code with
 * {@link #builder()}. Immutable.
 */
public final class MetricsSettings
{
    private final ExporterKind exporter;
    private final EngineConfig engine;
    private final MetricsErrorConfig errors;
    private final String prometheusNamespace;
    private final boolean allowRemoval;
    private final String httpHost;
    private final int httpPort;
    private final String statsdHost;
    private final int statsdPort;
    private final String statsdPrefix;
    private final Duration statsdFlushInterval;
    private final int statsdMaxPacketSize;
    private final StatsdTagStyle statsdTagStyle;
    private final StatsdProtocol statsdProtocol;

    private MetricsSettings(final Builder b)
    {
        this.exporter = b.exporter;
        this.engine = b.engine;
        this.errors = b.errors;
        this.prometheusNamespace = b.prometheusNamespace;
        this.allowRemoval = b.allowRemoval;
        this.httpHost = b.httpHost;
        this.httpPort = b.httpPort;
        this.statsdHost = b.statsdHost;
        this.statsdPort = b.statsdPort;
        this.statsdPrefix = b.statsdPrefix;
        this.statsdFlushInterval = b.statsdFlushInterval;
        this.statsdMaxPacketSize = b.statsdMaxPacketSize;
        this.statsdTagStyle = b.statsdTagStyle;
        this.statsdProtocol = b.statsdProtocol;
    }

    /** @return a builder with every default. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return the exporter (METRICS_EXPORTER, default prometheus). */
    public ExporterKind exporter()
    {
        return exporter;
    }

    /** @return engine settings including resource limits. */
    public EngineConfig engine()
    {
        return engine;
    }

    /** @return error settings. */
    public MetricsErrorConfig errors()
    {
        return errors;
    }

    /** @return PROMETHEUS_NAMESPACE, or {@code null} for none. */
    public String prometheusNamespace()
    {
        return prometheusNamespace;
    }

    /** @return PROMETHEUS_ALLOW_REMOVAL (default true). */
    public boolean allowRemoval()
    {
        return allowRemoval;
    }

    /** @return METRICS_HTTP_HOST (default 127.0.0.1). */
    public String httpHost()
    {
        return httpHost;
    }

    /** @return METRICS_HTTP_PORT (default 8081). */
    public int httpPort()
    {
        return httpPort;
    }

    /** @return STATSD_HOST (default localhost). */
    public String statsdHost()
    {
        return statsdHost;
    }

    /** @return STATSD_PORT (default 8125). */
    public int statsdPort()
    {
        return statsdPort;
    }

    /** @return STATSD_PREFIX, or {@code null} for none. */
    public String statsdPrefix()
    {
        return statsdPrefix;
    }

    /** @return STATSD_FLUSH_INTERVAL_MS (default 10 s). */
    public Duration statsdFlushInterval()
    {
        return statsdFlushInterval;
    }

    /** @return STATSD_MAX_PACKET_SIZE (default 1432). */
    public int statsdMaxPacketSize()
    {
        return statsdMaxPacketSize;
    }

    /** @return STATSD_TAG_STYLE (default none). */
    public StatsdTagStyle statsdTagStyle()
    {
        return statsdTagStyle;
    }

    /** @return STATSD_PROTOCOL (default {@link StatsdProtocol#DEFAULT}). */
    public StatsdProtocol statsdProtocol()
    {
        return statsdProtocol;
    }

    @Override
    public String toString()
    {
        return "exporter=" + exporter.name().toLowerCase(java.util.Locale.ROOT) +
            ", prometheus_namespace=" + (prometheusNamespace == null ? "(none)" : prometheusNamespace) +
            ", allow_removal=" + allowRemoval +
            ", http=" + httpHost + ':' + httpPort +
            ", statsd=" + statsdHost + ':' + statsdPort + " prefix=" + (statsdPrefix == null ? "(none)" : statsdPrefix) +
            " flush=" + statsdFlushInterval.toMillis() + "ms packet=" + statsdMaxPacketSize + " tags=" + statsdTagStyle +
            " protocol=" + statsdProtocol.name().toLowerCase(java.util.Locale.ROOT) +
            ", " + engine + ", " + errors;
    }

    /** Builder of {@link MetricsSettings}. */
    public static final class Builder
    {
        private ExporterKind exporter = ExporterKind.PROMETHEUS;
        private EngineConfig engine = EngineConfig.DEFAULTS;
        private MetricsErrorConfig errors = MetricsErrorConfig.DEFAULTS;
        private String prometheusNamespace;
        private boolean allowRemoval = true;
        private String httpHost = "127.0.0.1";
        private int httpPort = 8081;
        private String statsdHost = "localhost";
        private int statsdPort = 8125;
        private String statsdPrefix;
        private Duration statsdFlushInterval = Duration.ofSeconds(10);
        private int statsdMaxPacketSize = 1432;
        private StatsdTagStyle statsdTagStyle = StatsdTagStyle.NONE;
        private StatsdProtocol statsdProtocol = StatsdProtocol.DEFAULT;

        private Builder()
        {
        }

        /** @param v exporter @return this */
        public Builder exporter(final ExporterKind v)
        {
            exporter = v;
            return this;
        }

        /** @param v engine settings @return this */
        public Builder engine(final EngineConfig v)
        {
            engine = v;
            return this;
        }

        /** @param v error settings @return this */
        public Builder errors(final MetricsErrorConfig v)
        {
            errors = v;
            return this;
        }

        /** @param v namespace or null @return this */
        public Builder prometheusNamespace(final String v)
        {
            prometheusNamespace = v;
            return this;
        }

        /** @param v allow removal @return this */
        public Builder allowRemoval(final boolean v)
        {
            allowRemoval = v;
            return this;
        }

        /** @param v host @return this */
        public Builder httpHost(final String v)
        {
            httpHost = v;
            return this;
        }

        /** @param v port @return this */
        public Builder httpPort(final int v)
        {
            httpPort = v;
            return this;
        }

        /** @param v host @return this */
        public Builder statsdHost(final String v)
        {
            statsdHost = v;
            return this;
        }

        /** @param v port @return this */
        public Builder statsdPort(final int v)
        {
            statsdPort = v;
            return this;
        }

        /** @param v prefix or null @return this */
        public Builder statsdPrefix(final String v)
        {
            statsdPrefix = v;
            return this;
        }

        /** @param v interval @return this */
        public Builder statsdFlushInterval(final Duration v)
        {
            statsdFlushInterval = v;
            return this;
        }

        /** @param v bytes @return this */
        public Builder statsdMaxPacketSize(final int v)
        {
            statsdMaxPacketSize = v;
            return this;
        }

        /** @param v style @return this */
        public Builder statsdTagStyle(final StatsdTagStyle v)
        {
            statsdTagStyle = v;
            return this;
        }

        /** @param v protocol @return this */
        public Builder statsdProtocol(final StatsdProtocol v)
        {
            statsdProtocol = v;
            return this;
        }

        /** @return the settings. */
        public MetricsSettings build()
        {
            return new MetricsSettings(this);
        }
    }
}
