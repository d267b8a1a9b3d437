package io.ringmetrics.exporter.otlp;

import io.ringmetrics.MetricsEngine;
import io.ringmetrics.MetricsExporter;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.config.MetricsSettings;
import io.ringmetrics.config.OtlpSettings;
import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.registry.NameRules;

import java.time.Duration;
import java.util.Objects;

/**
 * Pushes the engine's metrics to an OpenTelemetry Collector (or any OTLP receiver) as OTLP/HTTP protobuf, every
 * export interval, from its own daemon thread {@code ringmetrics-otlp}. The protocol is the OTel SDK's own
 * ({@code OtlpHttpMetricExporter} over the JDK's HTTP client, {@code opentelemetry-exporter-otlp} and
 * {@code opentelemetry-exporter-sender-jdk}, optional dependencies a service that pushes OTLP adds); what is sent is
 * described in {@link OtlpSnapshotMapper}, the settings in {@link OtlpSettings} (the standard {@code OTEL_*}
 * variables).
 * <pre>{@code
 * OtlpExporter exporter = OtlpExporter.builder().otlp(OtlpSettings.builder()
 *     .endpoint("http://collector:4318/v1/metrics").serviceName("checkout").build()).build();
 * exporter.start(engine);     // first export one interval later
 * ...
 * exporter.close();           // final export of everything published before close, then stop
 * engine.close();
 * }</pre>
 * <b>Threading.</b> {@link #start} and {@link #close} may be called from any thread; everything else happens on the
 * export thread (and the HTTP client's), which takes {@link MetricsEngine#snapshot()} and never touches caller
 * threads: a collector that is down, slow or refusing costs callers nothing. One export is in flight at a time; the
 * SDK retries a failed request with exponential back-off ({@link Builder#retries}); an export that still fails is
 * counted in {@code metrics_export_errors_total{exporter="otlp",error_type=...}} ({@code connection_refused},
 * {@code unresolved_host}, {@code export_timeout}, {@code export_rejected}, {@code send_failed},
 * {@code snapshot_timeout}, {@code format_failed}) and logged rate-limited like every export error; with delta
 * temporality its deltas are carried over to the next export.
 * <p>
 * Close the exporter before the engine: the final export needs a snapshot.
 */
public final class OtlpExporter implements MetricsExporter
{
    /** Exporter name, the {@code exporter} label of its errors. */
    public static final String NAME = "otlp";
    /** Default of {@link Builder#retries}: attempts per export, as the OTel SDK's default retry policy. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Default first back-off between attempts (the OTel SDK's). */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    /** Default longest back-off between attempts (the OTel SDK's). */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);

    /** A class of {@code opentelemetry-exporter-otlp}, to say in one line when it is missing. */
    private static final String SDK_EXPORTER = "io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter";
    /** A class of {@code opentelemetry-exporter-sender-jdk}. */
    private static final String JDK_SENDER = "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider";

    private final OtlpSettings settings;
    private final String namespace;
    private final MetricsErrorConfig errors;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private OtlpPush push;
    private boolean started;
    private boolean closed;

    private OtlpExporter(final Builder b)
    {
        this.settings = b.settings;
        this.namespace = b.namespace;
        this.errors = b.errors;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        requireSdk();
    }

    /** @return a builder with the defaults ({@link OtlpSettings#DEFAULTS}, no namespace). */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * An exporter configured from the process environment ({@code OTEL_*}, {@code PROMETHEUS_NAMESPACE},
     * {@code METRICS_*} error settings).
     *
     * @return a new, unstarted exporter.
     */
    public static OtlpExporter fromEnv()
    {
        return builder().settings(EnvironmentConfig.fromEnv()).build();
    }

    @Override
    public String name()
    {
        return NAME;
    }

    /** @return the OTLP settings. */
    public OtlpSettings settings()
    {
        return settings;
    }

    /**
     * Starts the export thread; the first export happens one interval later.
     *
     * @param engine the running engine.
     * @throws IllegalStateException if already started or closed.
     */
    @Override
    public synchronized void start(final MetricsEngine engine)
    {
        Objects.requireNonNull(engine, "engine");
        if (started || closed)
        {
            throw new IllegalStateException("the otlp exporter " + (closed ? "is closed" : "was already started"));
        }
        started = true;
        push = new OtlpPush(settings, namespace, errors, maxAttempts, initialBackoff, maxBackoff, engine);
        push.start();
    }

    /**
     * Totals of the exports so far.
     *
     * @return stats, all zero before {@link #start}.
     */
    public synchronized Stats stats()
    {
        return push == null ? new Stats(0, 0, 0) : push.stats();
    }

    /**
     * Exports everything published before this call, then stops the export thread and the HTTP client. Waits for
     * the final export at most the engine's snapshot timeout plus the OTLP timeout plus 10 s (then it is abandoned,
     * retries included, and counted as {@code export_timeout}). Idempotent.
     */
    @Override
    public void close()
    {
        final OtlpPush p;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            p = push;
        }
        if (p != null)
        {
            p.close();
        }
    }

    @Override
    public String toString()
    {
        return "OtlpExporter{" + settings + (namespace == null ? "" : " namespace=" + namespace) + '}';
    }

    private static void requireSdk()
    {
        for (final String type : new String[] { SDK_EXPORTER, JDK_SENDER })
        {
            try
            {
                Class.forName(type, false, OtlpExporter.class.getClassLoader());
            }
            catch (final ClassNotFoundException | LinkageError ex)
            {
                throw new ConfigurationException(ErrorType.INVALID_CONFIG, "the otlp exporter needs " +
                    "io.opentelemetry:opentelemetry-exporter-otlp and opentelemetry-exporter-sender-jdk on the class " +
                    "path (optional dependencies of ringmetrics-exporters; versions in ringmetrics-bom): " + type +
                    " is missing");
            }
        }
    }

    /**
     * Totals since the exporter started.
     *
     * @param exports       exports attempted (each after its retries).
     * @param failedExports exports that failed after every retry.
     * @param points        points the collector accepted.
     */
    public record Stats(long exports, long failedExports, long points)
    {
    }

    /** Builder of {@link OtlpExporter}. */
    public static final class Builder
    {
        private OtlpSettings settings = OtlpSettings.DEFAULTS;
        private String namespace;
        private MetricsErrorConfig errors = MetricsErrorConfig.DEFAULTS;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

        private Builder()
        {
        }

        /**
         * Takes the OTLP settings ({@code OTEL_*}), the namespace ({@code PROMETHEUS_NAMESPACE}) and the error settings
         * from the environment-derived settings.
         *
         * @param v settings, e.g. {@link EnvironmentConfig#fromEnv()}.
         * @return this
         */
        public Builder settings(final MetricsSettings v)
        {
            return otlp(v.otlp()).namespace(v.prometheusNamespace()).errors(v.errors());
        }

        /** @param v endpoint, headers, timeout, interval, resource, temporality @return this */
        public Builder otlp(final OtlpSettings v)
        {
            settings = Objects.requireNonNull(v, "otlp");
            return this;
        }

        /**
         * @param v prefix of every name, meta-metrics included ({@code <namespace>_<name>}), or {@code null}.
         * @return this
         */
        public Builder namespace(final String v)
        {
            if (v != null)
            {
                NameRules.checkNamespace("PROMETHEUS_NAMESPACE", v);
            }
            namespace = v;
            return this;
        }

        /** @param v how export errors are logged @return this */
        public Builder errors(final MetricsErrorConfig v)
        {
            errors = Objects.requireNonNull(v, "errors");
            return this;
        }

        /**
         * How a failed request is retried (by the OTel SDK: connection failures, timeouts and HTTP 429, 502, 503,
         * 504), with a random back-off up to {@code initialBackoff}, multiplied by 1.5 per attempt, at most
         * {@code maxBackoff}.
         *
         * @param maxAttempts    attempts per export, 1 (no retry) to 5.
         * @param initialBackoff first back-off, positive.
         * @param maxBackoff     longest back-off, at least {@code initialBackoff}.
         * @return this
         */
        public Builder retries(final int maxAttempts, final Duration initialBackoff, final Duration maxBackoff)
        {
            if (maxAttempts < 1 || maxAttempts > 5 || initialBackoff.isNegative() || initialBackoff.isZero() ||
                maxBackoff.compareTo(initialBackoff) < 0)
            {
                throw new IllegalArgumentException("retries: attempts 1 to 5, initial back-off positive and not " +
                    "above the longest: " + maxAttempts + ", " + initialBackoff + ", " + maxBackoff);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /**
         * @return an unstarted exporter.
         * @throws ConfigurationException if the OTel SDK's OTLP exporter is not on the class path.
         */
        public OtlpExporter build()
        {
            return new OtlpExporter(this);
        }
    }
}
