package io.ringmetrics.config;

import io.ringmetrics.EngineConfig;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Everything configurable, resolved and validated: the engine settings (with resource limits), the error
 * settings, and the exporter settings. Produced by {@link EnvironmentConfig}, or built in code with
 * {@link #builder()}. Immutable.
 */
public final class MetricsSettings
{
    /** Default of {@code METRICS_HTTP_THREADS}: scrape workers of the Prometheus endpoint. */
    public static final int DEFAULT_HTTP_THREADS = 2;
    /** Largest {@code METRICS_HTTP_THREADS}. */
    public static final int MAX_HTTP_THREADS = 16;
    /** Default of {@code METRICS_HTTP_MAX_CONNECTIONS}: open connections the Prometheus endpoint keeps. */
    public static final int DEFAULT_HTTP_MAX_CONNECTIONS = 256;
    /** Largest {@code METRICS_HTTP_MAX_CONNECTIONS}. */
    public static final int MAX_HTTP_MAX_CONNECTIONS = 16_384;
    /** Default of {@code METRICS_HTTP_REQUEST_TIMEOUT_MS}: time from accept to a complete request head. */
    public static final Duration DEFAULT_HTTP_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Default of {@code METRICS_HTTP_RESPONSE_TIMEOUT_MS}: time a client has to take a whole response. */
    public static final Duration DEFAULT_HTTP_RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /** Shortest {@code METRICS_HTTP_REQUEST_TIMEOUT_MS} and {@code METRICS_HTTP_RESPONSE_TIMEOUT_MS}. */
    public static final long MIN_HTTP_TIMEOUT_MS = 10;
    /** Longest {@code METRICS_HTTP_REQUEST_TIMEOUT_MS} and {@code METRICS_HTTP_RESPONSE_TIMEOUT_MS}. */
    public static final long MAX_HTTP_TIMEOUT_MS = 300_000;

    private final Set<ExporterKind> exporters;
    private final EngineConfig engine;
    private final MetricsErrorConfig errors;
    private final String prometheusNamespace;
    private final boolean allowRemoval;
    private final boolean exposeCreated;
    private final String httpHost;
    private final int httpPort;
    private final int httpThreads;
    private final int httpMaxConnections;
    private final Duration httpRequestTimeout;
    private final Duration httpResponseTimeout;
    private final String statsdHost;
    private final int statsdPort;
    private final String statsdPrefix;
    private final Duration statsdFlushInterval;
    private final int statsdMaxPacketSize;
    private final StatsdTagStyle statsdTagStyle;
    private final StatsdProtocol statsdProtocol;
    private final OtlpSettings otlp;

    private MetricsSettings(final Builder b)
    {
        this.exporters = Collections.unmodifiableSet(EnumSet.copyOf(b.exporters));
        this.otlp = b.otlp;
        this.engine = b.engine;
        this.errors = b.errors;
        this.prometheusNamespace = b.prometheusNamespace;
        this.allowRemoval = b.allowRemoval;
        this.exposeCreated = b.exposeCreated;
        this.httpHost = b.httpHost;
        this.httpPort = b.httpPort;
        this.httpThreads = b.httpThreads;
        this.httpMaxConnections = b.httpMaxConnections;
        this.httpRequestTimeout = b.httpRequestTimeout;
        this.httpResponseTimeout = b.httpResponseTimeout;
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

    /**
     * @return the exporter (METRICS_EXPORTER, default prometheus); with several, the first of
     *         {@link #exporters()}.
     */
    public ExporterKind exporter()
    {
        return exporters.iterator().next();
    }

    /** @return every exporter METRICS_EXPORTER selects (at least one), in {@link ExporterKind} order. */
    public Set<ExporterKind> exporters()
    {
        return exporters;
    }

    /** @return the OTLP exporter's settings (OTEL_*). */
    public OtlpSettings otlp()
    {
        return otlp;
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

    /** @return METRICS_EXPOSE_CREATED (default false): {@code _created} samples of counters and histograms. */
    public boolean exposeCreated()
    {
        return exposeCreated;
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

    /** @return METRICS_HTTP_THREADS (default {@link #DEFAULT_HTTP_THREADS}). */
    public int httpThreads()
    {
        return httpThreads;
    }

    /** @return METRICS_HTTP_MAX_CONNECTIONS (default {@link #DEFAULT_HTTP_MAX_CONNECTIONS}). */
    public int httpMaxConnections()
    {
        return httpMaxConnections;
    }

    /** @return METRICS_HTTP_REQUEST_TIMEOUT_MS (default {@link #DEFAULT_HTTP_REQUEST_TIMEOUT}). */
    public Duration httpRequestTimeout()
    {
        return httpRequestTimeout;
    }

    /** @return METRICS_HTTP_RESPONSE_TIMEOUT_MS (default {@link #DEFAULT_HTTP_RESPONSE_TIMEOUT}). */
    public Duration httpResponseTimeout()
    {
        return httpResponseTimeout;
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
        return toString(httpPort);
    }

    /**
     * The settings as {@link #toString()} prints them, with the port the Prometheus endpoint really listens on
     * (which differs from {@link #httpPort()} when that is 0, an ephemeral port).
     *
     * @param boundHttpPort the bound port, e.g. {@code PrometheusExporter.port()} once started.
     * @return one line of {@code name=value} pairs.
     */
    public String toString(final int boundHttpPort)
    {
        final StringBuilder names = new StringBuilder();
        for (final ExporterKind kind : exporters)
        {
            names.append(names.length() == 0 ? "" : ",").append(kind.name().toLowerCase(java.util.Locale.ROOT));
        }
        return "exporter=" + names +
            ", prometheus_namespace=" + (prometheusNamespace == null ? "(none)" : prometheusNamespace) +
            ", allow_removal=" + allowRemoval +
            ", http=" + httpHost + ':' + boundHttpPort + " threads=" + httpThreads + " max_connections=" +
            httpMaxConnections + " request_timeout=" + httpRequestTimeout.toMillis() + "ms response_timeout=" +
            httpResponseTimeout.toMillis() + "ms expose_created=" + exposeCreated +
            ", statsd=" + statsdHost + ':' + statsdPort + " prefix=" + (statsdPrefix == null ? "(none)" : statsdPrefix) +
            " flush=" + statsdFlushInterval.toMillis() + "ms packet=" + statsdMaxPacketSize + " tags=" + statsdTagStyle +
            " protocol=" + statsdProtocol.name().toLowerCase(java.util.Locale.ROOT) +
            ", otlp=" + otlp +
            ", " + engine + ", " + errors;
    }

    /** Builder of {@link MetricsSettings}. */
    public static final class Builder
    {
        private Set<ExporterKind> exporters = EnumSet.of(ExporterKind.PROMETHEUS);
        private OtlpSettings otlp = OtlpSettings.DEFAULTS;
        private EngineConfig engine = EngineConfig.DEFAULTS;
        private MetricsErrorConfig errors = MetricsErrorConfig.DEFAULTS;
        private String prometheusNamespace;
        private boolean allowRemoval = true;
        private boolean exposeCreated;
        private String httpHost = "127.0.0.1";
        private int httpPort = 8081;
        private int httpThreads = DEFAULT_HTTP_THREADS;
        private int httpMaxConnections = DEFAULT_HTTP_MAX_CONNECTIONS;
        private Duration httpRequestTimeout = DEFAULT_HTTP_REQUEST_TIMEOUT;
        private Duration httpResponseTimeout = DEFAULT_HTTP_RESPONSE_TIMEOUT;
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

        /** @param v the one exporter @return this */
        public Builder exporter(final ExporterKind v)
        {
            return exporters(EnumSet.of(v));
        }

        /**
         * @param v several exporters at once (any order); {@link ExporterKind#NULL} only alone
         * @return this
         * @throws IllegalArgumentException if empty, or NULL with others.
         */
        public Builder exporters(final Set<ExporterKind> v)
        {
            if (v.isEmpty() || (v.contains(ExporterKind.NULL) && v.size() > 1))
            {
                throw new IllegalArgumentException("exporters must be one or more of prometheus, statsd, otlp, or " +
                    "null alone: " + v);
            }
            exporters = EnumSet.copyOf(v);
            return this;
        }

        /** @param v OTLP exporter settings @return this */
        public Builder otlp(final OtlpSettings v)
        {
            otlp = java.util.Objects.requireNonNull(v, "otlp");
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

        /** @param v {@code _created} samples @return this */
        public Builder exposeCreated(final boolean v)
        {
            exposeCreated = v;
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

        /** @param v scrape workers @return this */
        public Builder httpThreads(final int v)
        {
            httpThreads = v;
            return this;
        }

        /** @param v open connections kept @return this */
        public Builder httpMaxConnections(final int v)
        {
            httpMaxConnections = v;
            return this;
        }

        /** @param v time from accept to a complete request head @return this */
        public Builder httpRequestTimeout(final Duration v)
        {
            httpRequestTimeout = v;
            return this;
        }

        /** @param v time a client has to take a whole response @return this */
        public Builder httpResponseTimeout(final Duration v)
        {
            httpResponseTimeout = v;
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
