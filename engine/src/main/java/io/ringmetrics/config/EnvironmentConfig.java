package io.ringmetrics.config;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.NameRules;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.writer.WriterIdleStrategy;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads every environment variable of the specification (and the engine's own {@code METRICS_*} settings) into
 * {@link MetricsSettings}. An unset or blank variable takes its default; a bad value (not a number, out of range,
 * unknown enum, invalid namespace) is a {@link ConfigurationException} whose message names the variable, the value
 * and what is allowed. All bad values are reported together, one per line.
 * <p>
 * {@code PROMETHEUS_MAX_METRICS} and {@code METRICS_MAX_METRICS} set the same limit; when both are set the
 * smaller wins.
 */
public final class EnvironmentConfig
{
    /**
     * Every variable this class reads, in the order it reads them: recorded from {@link #read()} itself (each name
     * passes through {@code value(name)}), so the list cannot drift from the code that defines the variables.
     */
    public static final List<String> VARIABLES = variablesRead();

    /**
     * Prefixes of this library's variables: a set variable with one of them that is not one of the
     * {@link #VARIABLES} gets a warning.
     */
    public static final List<String> PREFIXES = List.of("METRICS_", "PROMETHEUS_", "STATSD_");

    private static final System.Logger LOGGER = System.getLogger("io.ringmetrics");

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> namesRead = new LinkedHashSet<>();

    private EnvironmentConfig(final Map<String, String> env)
    {
        this.env = env;
    }

    /**
     * Reads the process environment.
     *
     * @return the settings.
     * @throws ConfigurationException listing every bad variable.
     */
    public static MetricsSettings fromEnv()
    {
        return from(System.getenv());
    }

    /**
     * Reads the given variables (for tests and for embedding in other configuration systems).
     *
     * @param env variable name to value.
     * @return the settings.
     * @throws ConfigurationException listing every bad variable.
     */
    public static MetricsSettings from(final Map<String, String> env)
    {
        if (!"false".equalsIgnoreCase(String.valueOf(env.get("METRICS_LOG_CONFIG_ERRORS")).trim()))
        {
            for (final String warning : unknownVariableWarnings(env))
            {
                LOGGER.log(Level.WARNING, warning);
            }
        }
        return new EnvironmentConfig(env).read();
    }

    private static List<String> variablesRead()
    {
        final EnvironmentConfig defaults = new EnvironmentConfig(Map.of());
        defaults.read();
        return List.copyOf(defaults.namesRead);
    }

    /**
     * One line per set variable that has one of the {@link #PREFIXES} but is not one of the {@link #VARIABLES}
     * (a typo, or a name from another client), naming the known variable closest to it. Logged at WARNING by
     * {@link #from(Map)} (unless {@code METRICS_LOG_CONFIG_ERRORS=false}); such a variable never stops the service.
     *
     * @param env variable name to value.
     * @return the warnings, sorted by variable name; empty if every such variable is known.
     */
    public static List<String> unknownVariableWarnings(final Map<String, String> env)
    {
        final List<String> warnings = new ArrayList<>();
        for (final String name : new TreeSet<>(env.keySet()))
        {
            if (PREFIXES.stream().anyMatch(name::startsWith) && !VARIABLES.contains(name))
            {
                warnings.add("unknown variable " + printable(name) + " is ignored; did you mean " + closestKnown(name) +
                    "?");
            }
        }
        return warnings;
    }

    /**
     * The known variable at the smallest edit distance from {@code name}. The Prometheus endpoint's own settings are
     * {@code METRICS_HTTP_*}, so a {@code PROMETHEUS_} name is also measured as {@code METRICS_HTTP_} (e.g.
     * {@code PROMETHEUS_PORT} is closest to {@code METRICS_HTTP_PORT}); ties go to the earlier variable.
     *
     * @param name a variable name.
     * @return the closest of {@link #VARIABLES}.
     */
    static String closestKnown(final String name)
    {
        final String asHttp = name.startsWith("PROMETHEUS_") ? "METRICS_HTTP_" + name.substring(11) : name;
        String best = VARIABLES.get(0);
        int bestDistance = Integer.MAX_VALUE;
        for (final String known : VARIABLES)
        {
            final int distance = Math.min(editDistance(name, known), editDistance(asHttp, known));
            if (distance < bestDistance)
            {
                best = known;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private MetricsSettings read()
    {
        final MetricsSettings.Builder settings = MetricsSettings.builder();
        settings.exporter(enumValue("METRICS_EXPORTER", ExporterKind.class, ExporterKind.PROMETHEUS));
        settings.prometheusNamespace(namespace("PROMETHEUS_NAMESPACE"));
        settings.allowRemoval(bool("PROMETHEUS_ALLOW_REMOVAL", true));
        settings.httpHost(host("METRICS_HTTP_HOST", "127.0.0.1"));
        settings.httpPort((int)number("METRICS_HTTP_PORT", 8081, 0, 65_535));
        settings.httpThreads((int)number("METRICS_HTTP_THREADS", MetricsSettings.DEFAULT_HTTP_THREADS, 1,
            MetricsSettings.MAX_HTTP_THREADS));
        settings.httpMaxConnections((int)number("METRICS_HTTP_MAX_CONNECTIONS",
            MetricsSettings.DEFAULT_HTTP_MAX_CONNECTIONS, 1, MetricsSettings.MAX_HTTP_MAX_CONNECTIONS));
        settings.httpRequestTimeout(Duration.ofMillis(number("METRICS_HTTP_REQUEST_TIMEOUT_MS",
            MetricsSettings.DEFAULT_HTTP_REQUEST_TIMEOUT.toMillis(), MetricsSettings.MIN_HTTP_TIMEOUT_MS,
            MetricsSettings.MAX_HTTP_TIMEOUT_MS)));
        settings.httpResponseTimeout(Duration.ofMillis(number("METRICS_HTTP_RESPONSE_TIMEOUT_MS",
            MetricsSettings.DEFAULT_HTTP_RESPONSE_TIMEOUT.toMillis(), MetricsSettings.MIN_HTTP_TIMEOUT_MS,
            MetricsSettings.MAX_HTTP_TIMEOUT_MS)));
        settings.statsdHost(host("STATSD_HOST", "localhost"));
        settings.statsdPort((int)number("STATSD_PORT", 8125, 1, 65_535));
        settings.statsdPrefix(statsdPrefix("STATSD_PREFIX"));
        settings.statsdFlushInterval(Duration.ofMillis(number("STATSD_FLUSH_INTERVAL_MS", 10_000, 10, 3_600_000)));
        settings.statsdMaxPacketSize((int)number("STATSD_MAX_PACKET_SIZE", 1432, 64, 65_507));
        settings.statsdTagStyle(enumValue("STATSD_TAG_STYLE", StatsdTagStyle.class, StatsdTagStyle.NONE));
        settings.statsdProtocol(enumValue("STATSD_PROTOCOL", StatsdProtocol.class, StatsdProtocol.DEFAULT));

        final MetricsResourceConfig limits = limits();
        final EngineConfig.Builder engine = EngineConfig.builder().limits(limits);
        final long ringSize = number("METRICS_RING_SIZE", 1 << 16, 16, 1 << 20);
        if (Long.bitCount(ringSize) != 1)
        {
            problem("METRICS_RING_SIZE", String.valueOf(ringSize), "a power of two between 16 and 1048576");
        }
        else
        {
            engine.ringSize((int)ringSize);
        }
        engine.ringMemoryBudget(number("METRICS_RING_MEMORY_BUDGET_BYTES", EngineConfig.DEFAULT_RING_MEMORY_BUDGET,
            EngineConfig.MIN_RING_MEMORY_BUDGET, EngineConfig.MAX_RING_MEMORY_BUDGET));
        engine.idleStrategy(enumValue("METRICS_IDLE_STRATEGY", WriterIdleStrategy.class, WriterIdleStrategy.BACKOFF));
        engine.backpressure(enumValue("METRICS_BACKPRESSURE", BackpressurePolicy.class, BackpressurePolicy.DROP));
        engine.snapshotTimeout(Duration.ofMillis(number("METRICS_SNAPSHOT_TIMEOUT_MS", 5_000, 1, 300_000)));
        final HistogramSpec histogram = histogramSpec();
        if (histogram != null)
        {
            engine.defaultHistogram(histogram);
        }
        settings.engine(engine.build());
        settings.errors(errors());

        if (!problems.isEmpty())
        {
            throw new ConfigurationException(ErrorType.INVALID_CONFIG,
                "invalid metrics configuration:\n  " + String.join("\n  ", problems));
        }
        return settings.build();
    }

    private MetricsResourceConfig limits()
    {
        final MetricsResourceConfig.Builder b = MetricsResourceConfig.builder();
        final long max = MetricsResourceConfig.Builder.MAX_SERIES;
        long maxMetrics = number("METRICS_MAX_METRICS", 1000, 1, max);
        if (isSet("PROMETHEUS_MAX_METRICS"))
        {
            final long prometheus = number("PROMETHEUS_MAX_METRICS", 1000, 1, max);
            maxMetrics = isSet("METRICS_MAX_METRICS") ? Math.min(maxMetrics, prometheus) : prometheus;
        }
        b.maxMetrics(maxMetrics);
        b.maxLabelCombinations(number("METRICS_MAX_LABEL_COMBINATIONS", 10_000, 1, max));
        b.maxMetricNameLength(number("METRICS_MAX_METRIC_NAME_LENGTH", 128, 1, 65_536));
        b.maxLabelNameLength(number("METRICS_MAX_LABEL_NAME_LENGTH", 64, 1, 65_536));
        b.maxLabelValueLength(number("METRICS_MAX_LABEL_VALUE_LENGTH", 256, 1, 65_536));
        b.maxLabelsPerMetric(number("METRICS_MAX_LABELS_PER_METRIC", 16, 0, 1024));
        b.enableMetricCleanup(bool("METRICS_ENABLE_CLEANUP", false));
        b.cleanupIntervalSeconds(number("METRICS_CLEANUP_INTERVAL_SECONDS", 300, 1, 31_536_000));
        return b.build();
    }

    private MetricsErrorConfig errors()
    {
        return MetricsErrorConfig.builder()
            .logValidationErrors(bool("METRICS_LOG_VALIDATION_ERRORS", true))
            .logResourceErrors(bool("METRICS_LOG_RESOURCE_ERRORS", true))
            .logExportErrors(bool("METRICS_LOG_EXPORT_ERRORS", true))
            .logConfigErrors(bool("METRICS_LOG_CONFIG_ERRORS", true))
            .propagateErrors(bool("METRICS_PROPAGATE_ERRORS", false))
            .detailedErrorContext(bool("METRICS_DETAILED_ERROR_CONTEXT", true))
            .errorLogLevel(logLevel("METRICS_ERROR_LOG_LEVEL"))
            .build();
    }

    private HistogramSpec histogramSpec()
    {
        final int digits = (int)number("METRICS_HISTOGRAM_SIGNIFICANT_DIGITS", 2, 1, 5);
        final String buckets = value("METRICS_HISTOGRAM_BUCKETS");
        double[] bounds = HistogramSpec.DEFAULT_BUCKETS;
        if (buckets != null)
        {
            final String[] parts = buckets.split(",");
            bounds = new double[parts.length];
            for (int i = 0; i < parts.length; i++)
            {
                try
                {
                    bounds[i] = Double.parseDouble(parts[i].trim());
                }
                catch (final NumberFormatException ex)
                {
                    problem("METRICS_HISTOGRAM_BUCKETS", buckets,
                        "a comma-separated list of finite, strictly increasing numbers, e.g. 0.01,0.1,1,10");
                    return null;
                }
            }
        }
        try
        {
            return new HistogramSpec(bounds, 1e9, 1_000L, 3_600_000_000_000L, digits);
        }
        catch (final IllegalArgumentException ex)
        {
            problem("METRICS_HISTOGRAM_BUCKETS", buckets, ex.getMessage());
            return null;
        }
    }

    private boolean isSet(final String name)
    {
        return value(name) != null;
    }

    private String value(final String name)
    {
        namesRead.add(name);
        final String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private void problem(final String name, final String value, final String allowed)
    {
        problems.add(name + "='" + printable(value) + "' is invalid; allowed: " + allowed);
    }

    /** The value as it can be shown in one log line: control characters escaped, at most 64 characters. */
    private static String printable(final String value)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && sb.length() < 64; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
            {
                sb.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.length() < value.length() && value.length() > 64 ? sb + "..." : sb.toString();
    }

    private long number(final String name, final long defaultValue, final long min, final long max)
    {
        final String v = value(name);
        if (v == null)
        {
            return defaultValue;
        }
        try
        {
            final long parsed = Long.parseLong(v);
            if (parsed < min || parsed > max)
            {
                problem(name, v, "a whole number from " + min + " to " + max);
                return defaultValue;
            }
            return parsed;
        }
        catch (final NumberFormatException ex)
        {
            problem(name, v, "a whole number from " + min + " to " + max);
            return defaultValue;
        }
    }

    private boolean bool(final String name, final boolean defaultValue)
    {
        final String v = value(name);
        if (v == null)
        {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT))
        {
            case "true":
            case "1":
            case "yes":
            case "on":
                return true;
            case "false":
            case "0":
            case "no":
            case "off":
                return false;
            default:
                problem(name, v, "true or false (also 1/0, yes/no, on/off)");
                return defaultValue;
        }
    }

    private <E extends Enum<E>> E enumValue(final String name, final Class<E> type, final E defaultValue)
    {
        final String v = value(name);
        if (v == null)
        {
            return defaultValue;
        }
        final String normalized = v.toUpperCase(Locale.ROOT).replace('-', '_');
        for (final E constant : type.getEnumConstants())
        {
            if (constant.name().equals(normalized))
            {
                return constant;
            }
        }
        final List<String> allowed = new ArrayList<>();
        for (final E constant : type.getEnumConstants())
        {
            allowed.add(constant.name().toLowerCase(Locale.ROOT));
        }
        problem(name, v, "one of " + String.join(", ", allowed));
        return defaultValue;
    }

    private String namespace(final String name)
    {
        final String v = value(name);
        if (v != null && !NameRules.isValidMetricName(v))
        {
            problem(name, v, "a metric-name prefix matching [a-zA-Z_:][a-zA-Z0-9_:]*");
            return null;
        }
        return v;
    }

    private String statsdPrefix(final String name)
    {
        final String v = value(name);
        if (v == null)
        {
            return null;
        }
        boolean ok = !v.startsWith(".") && !v.endsWith(".") && !v.contains("..");
        for (int i = 0; ok && i < v.length(); i++)
        {
            final char c = v.charAt(i);
            ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                c == '.';
        }
        if (!ok)
        {
            problem(name, v, "dot-separated segments of [a-zA-Z0-9_-], e.g. myapp.prod");
            return null;
        }
        return v;
    }

    private String host(final String name, final String defaultValue)
    {
        final String v = value(name);
        if (v == null)
        {
            return defaultValue;
        }
        for (int i = 0; i < v.length(); i++)
        {
            final char c = v.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_'))
            {
                problem(name, v, "a host name or IP address");
                return defaultValue;
            }
        }
        return v;
    }

    private Level logLevel(final String name)
    {
        final String v = value(name);
        if (v == null)
        {
            return Level.WARNING;
        }
        switch (v.toLowerCase(Locale.ROOT))
        {
            case "error":
                return Level.ERROR;
            case "warn":
            case "warning":
                return Level.WARNING;
            case "info":
                return Level.INFO;
            case "debug":
                return Level.DEBUG;
            case "trace":
                return Level.TRACE;
            default:
                problem(name, v, "one of error, warn, info, debug, trace");
                return Level.WARNING;
        }
    }
}
