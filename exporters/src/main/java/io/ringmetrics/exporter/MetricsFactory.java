package io.ringmetrics.exporter;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsExporter;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.config.MetricsSettings;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.config.ExporterKind;
import io.ringmetrics.exporter.otlp.OtlpExporter;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.exporter.statsd.StatsdConfig;
import io.ringmetrics.exporter.statsd.StatsdExporter;
import io.ringmetrics.limits.MetricsResourceConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Ready-made {@link Metrics} instances: from the environment, with a given exporter (or several at once,
 * {@link #withExporters}), with custom limits or error handling. Each returns a running engine with its exporter started; close the {@code Metrics} to stop both.
 * <pre>{@code
 * Metrics metrics = MetricsFactory.fromEnv();                  // throws ConfigurationException on a bad variable
 * Metrics metrics = MetricsFactory.fromEnvOrNullExporter();    // never throws: falls back, says why in one line
 * Metrics metrics = MetricsFactory.withLimits(MetricsFactory.prometheusExporter(), 5000, 32);
 * }</pre>
 */
public final class MetricsFactory
{
    private static final System.Logger LOGGER = System.getLogger("io.ringmetrics");

    private MetricsFactory()
    {
    }

    /**
     * Everything from the environment: {@code METRICS_EXPORTER} selects the exporter, or several separated by commas
     * (then {@code Metrics.exporter()} is a {@link CompositeExporter}).
     *
     * @return running metrics.
     * @throws io.ringmetrics.error.ConfigurationException naming every bad variable, or an address that cannot be
     *                                                     bound.
     */
    public static Metrics fromEnv()
    {
        return create(EnvironmentConfig.fromEnv());
    }

    /**
     * Like {@link #fromEnv()}, but never throws: the service starts whatever the environment or the JVM says, as an
     * application instrumented with Micrometer or client_java keeps running when its metrics cannot be exported.
     * A failure is logged as one ERROR line (unless {@code METRICS_LOG_CONFIG_ERRORS=false}) that says what was wrong
     * and what the metrics fall back to, counted in {@code metrics_config_errors_total}, and answered with:
     * <ol>
     *   <li>a bad variable, an address that cannot be bound, limits whose up-front memory the JVM cannot give: the
     *       Null exporter with default settings. Everything is recorded, nothing exported; snapshots work.</li>
     *   <li>no engine can start at all (the JVM lacks {@value MetricsEngine#AGRONA_JVM_OPTION}): a
     *       {@linkplain MetricsEngine#disabled(String) disabled engine}. Every call is accepted, handles work, nothing
     *       is recorded; snapshots throw and {@code engine().health()} says why.</li>
     * </ol>
     *
     * @return running metrics, never {@code null}.
     */
    public static Metrics fromEnvOrNullExporter()
    {
        return fromOrNullExporter(System.getenv());
    }

    /**
     * Like {@link #fromEnvOrNullExporter()} with the variables taken from a map (another configuration system, or
     * a test).
     *
     * @param env variable name to value.
     * @return running metrics, never {@code null}.
     */
    public static Metrics fromOrNullExporter(final java.util.Map<String, String> env)
    {
        try
        {
            return create(EnvironmentConfig.from(env));
        }
        catch (final RuntimeException | LinkageError ex)
        {
            Metrics metrics;
            String fallback;
            try
            {
                metrics = withNullExporter();
                fallback = "using the Null exporter with default settings";
            }
            catch (final RuntimeException | LinkageError noEngine)
            {
                metrics = new Metrics(MetricsEngine.disabled(oneLine(noEngine)), new NullExporter(),
                    MetricsErrorConfig.DEFAULTS);
                fallback = "metrics are disabled (calls are accepted, nothing is recorded)";
            }
            metrics.engine().errors().record(ErrorType.INVALID_CONFIG, "configure", "");
            if (!"false".equalsIgnoreCase(String.valueOf(env.get("METRICS_LOG_CONFIG_ERRORS")).trim()))
            {
                LOGGER.log(System.Logger.Level.ERROR, "Metrics configuration failed, " + fallback + ": " + oneLine(ex));
            }
            return metrics;
        }
    }

    /** The failure's message on one line: a multi-line list of bad variables joined with "; ". */
    private static String oneLine(final Throwable failure)
    {
        final String message = failure instanceof MetricsException ? failure.getMessage() : String.valueOf(failure);
        return message.replaceFirst(":\\R\\s*", ": ").replaceAll("\\s*\\R\\s*", "; ");
    }

    /**
     * Builds metrics from resolved settings.
     *
     * @param settings settings, e.g. from {@link EnvironmentConfig}.
     * @return running metrics.
     */
    public static Metrics create(final MetricsSettings settings)
    {
        final List<MetricsExporter> exporters = new ArrayList<>();
        try
        {
            for (final ExporterKind kind : settings.exporters())
            {
                exporters.add(exporter(kind, settings));
            }
        }
        catch (final RuntimeException | LinkageError ex)
        {
            exporters.forEach(MetricsExporter::close); // built but not started: nothing may stay bound
            throw ex;
        }
        final MetricsExporter exporter = exporters.size() == 1 ? exporters.get(0) : CompositeExporter.of(exporters);
        return withRemovalSetting(start(exporter, settings.engine(), settings.errors()), settings);
    }

    private static MetricsExporter exporter(final ExporterKind kind, final MetricsSettings settings)
    {
        switch (kind)
        {
            case STATSD:
                return new StatsdExporter(StatsdConfig.from(settings));
            case OTLP:
                return OtlpExporter.builder().settings(settings).build();
            case NULL:
                return new NullExporter();
            default:
                return PrometheusExporter.builder().settings(settings).build();
        }
    }

    /**
     * Several exporters at once on one engine (the programmatic {@code METRICS_EXPORTER=prometheus,statsd,otlp}),
     * other settings from the environment. Each exporter runs on its own threads and takes its own snapshots; find
     * one again with {@link CompositeExporter#find}.
     *
     * @param exporters unstarted exporters with distinct names, e.g. {@link #prometheusExporter()} and
     *                  {@link #otlpExporter()}.
     * @return running metrics.
     */
    public static Metrics withExporters(final MetricsExporter... exporters)
    {
        final MetricsSettings env = EnvironmentConfig.fromEnv();
        final MetricsExporter exporter = exporters.length == 1 ? exporters[0] : CompositeExporter.of(exporters);
        return withRemovalSetting(start(exporter, env.engine(), env.errors()), env);
    }

    private static Metrics withRemovalSetting(final Metrics metrics, final MetricsSettings settings)
    {
        metrics.setAllowMetricRemoval(settings.allowRemoval());
        return metrics;
    }

    /**
     * Prometheus scrape endpoint, other settings from the environment.
     *
     * @return running metrics.
     */
    public static Metrics withPrometheusExporter()
    {
        final MetricsSettings env = EnvironmentConfig.fromEnv();
        return withRemovalSetting(start(PrometheusExporter.builder().settings(env).build(), env.engine(), env.errors()),
            env);
    }

    /**
     * StatsD push to {@code host:port}, other settings from the environment.
     *
     * @param host StatsD host.
     * @param port StatsD UDP port.
     * @return running metrics.
     */
    public static Metrics withStatsdExporter(final String host, final int port)
    {
        final MetricsSettings env = EnvironmentConfig.fromEnv();
        return withRemovalSetting(start(new StatsdExporter(StatsdConfig.from(env).toBuilder().host(host).port(port)
            .build()), env.engine(), env.errors()), env);
    }

    /**
     * No export at all, default settings: for tests and as the safe fallback. Never fails on configuration.
     *
     * @return running metrics.
     * @throws io.ringmetrics.error.ConfigurationException if no engine can start in this JVM (it lacks
     *                                                     {@value MetricsEngine#AGRONA_JVM_OPTION}).
     */
    public static Metrics withNullExporter()
    {
        return start(new NullExporter(), EngineConfig.DEFAULTS, MetricsErrorConfig.DEFAULTS);
    }

    /**
     * The given exporter with custom {@code max_metrics} and {@code max_labels_per_metric}, other limits default.
     *
     * @param exporter           unstarted exporter.
     * @param maxMetrics         {@code max_metrics}.
     * @param maxLabelsPerMetric {@code max_labels_per_metric}.
     * @return running metrics.
     */
    public static Metrics withLimits(final MetricsExporter exporter, final int maxMetrics, final int maxLabelsPerMetric)
    {
        final MetricsResourceConfig limits = MetricsResourceConfig.builder()
            .maxMetrics(maxMetrics).maxLabelsPerMetric(maxLabelsPerMetric).build();
        return start(exporter, EngineConfig.builder().limits(limits).build(), MetricsErrorConfig.DEFAULTS);
    }

    /**
     * The given exporter with errors thrown to callers (propagate mode).
     *
     * @param exporter unstarted exporter.
     * @return running metrics.
     */
    public static Metrics withErrorPropagation(final MetricsExporter exporter)
    {
        return start(exporter, EngineConfig.DEFAULTS, MetricsErrorConfig.builder().propagateErrors(true).build());
    }

    /**
     * Full control.
     *
     * @param exporter  unstarted exporter.
     * @param engine    engine settings (ring, idle strategy, backpressure, histograms); its limits are replaced by
     *                  {@code resources}.
     * @param resources resource limits.
     * @param errors    error settings.
     * @return running metrics.
     */
    public static Metrics withFullConfig(
        final MetricsExporter exporter, final EngineConfig engine, final MetricsResourceConfig resources,
        final MetricsErrorConfig errors)
    {
        return start(exporter, engine.toBuilder().limits(resources).build(), errors);
    }

    /**
     * A Prometheus exporter configured from the environment ({@code METRICS_HTTP_*}, {@code PROMETHEUS_NAMESPACE}).
     *
     * @return an unstarted exporter.
     */
    public static MetricsExporter prometheusExporter()
    {
        return PrometheusExporter.builder().settings(EnvironmentConfig.fromEnv()).build();
    }

    /**
     * A StatsD exporter to {@code host:port}, other settings from the environment.
     *
     * @param host StatsD host.
     * @param port StatsD port.
     * @return an unstarted exporter.
     */
    public static MetricsExporter statsdExporter(final String host, final int port)
    {
        return new StatsdExporter(StatsdConfig.from(EnvironmentConfig.fromEnv()).toBuilder().host(host).port(port)
            .build());
    }

    /**
     * An OTLP exporter configured from the environment ({@code OTEL_*}, {@code PROMETHEUS_NAMESPACE}); needs the
     * optional {@code opentelemetry-exporter-otlp} and {@code opentelemetry-exporter-sender-jdk}.
     *
     * @return an unstarted exporter.
     */
    public static MetricsExporter otlpExporter()
    {
        return OtlpExporter.fromEnv();
    }

    /** @return a new Null exporter. */
    public static MetricsExporter nullExporter()
    {
        return new NullExporter();
    }

    private static Metrics start(final MetricsExporter exporter, final EngineConfig config, final MetricsErrorConfig errors)
    {
        final MetricsEngine engine = MetricsEngine.start(config);
        try
        {
            return new Metrics(engine, exporter, errors);
        }
        catch (final RuntimeException ex)
        {
            engine.close();
            throw ex;
        }
    }
}
