package io.ringmetrics.config;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.NameRules;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.NativeBuckets;
import io.ringmetrics.writer.WriterIdleStrategy;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
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
        final Set<ExporterKind> exporters = exporters("METRICS_EXPORTER");
        settings.exporters(exporters);
        settings.prometheusNamespace(namespace("PROMETHEUS_NAMESPACE"));
        settings.allowRemoval(bool("PROMETHEUS_ALLOW_REMOVAL", true));
        settings.exposeCreated(bool("METRICS_EXPOSE_CREATED", false));
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
        settings.otlp(otlp(exporters.contains(ExporterKind.OTLP)));

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
        engine.shmDirectory(absolutePath("METRICS_SHM_DIR"));
        engine.shmDeleteOnClose(bool("METRICS_SHM_DELETE_ON_CLOSE", true));
        engine.shmReuseTimeout(Duration.ofMillis(number("METRICS_SHM_REUSE_TIMEOUT_MS", 1_000, 1, 600_000)));
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

    /**
     * {@code METRICS_EXPORTER}: one exporter, or several separated by commas, each at most once, in any order;
     * {@code null} only alone.
     */
    private Set<ExporterKind> exporters(final String name)
    {
        final String v = value(name);
        if (v == null)
        {
            return EnumSet.of(ExporterKind.PROMETHEUS);
        }
        final EnumSet<ExporterKind> kinds = EnumSet.noneOf(ExporterKind.class);
        boolean ok = true;
        for (final String part : v.split(",", -1))
        {
            final String normalized = part.trim().toUpperCase(Locale.ROOT);
            final ExporterKind kind = Arrays.stream(ExporterKind.values()).filter(k -> k.name().equals(normalized))
                .findFirst().orElse(null);
            ok &= kind != null && kinds.add(kind);
        }
        if (!ok || (kinds.contains(ExporterKind.NULL) && kinds.size() > 1))
        {
            problem(name, v, "prometheus, statsd, otlp, or several of them separated by commas, each once " +
                "(e.g. prometheus,otlp); or null alone");
            return EnumSet.of(ExporterKind.PROMETHEUS);
        }
        return kinds;
    }

    /**
     * The standard {@code OTEL_*} variables of the OTLP exporter, as the OTel SDK's autoconfigure reads them. They
     * are always read (so {@link #VARIABLES} lists them) but judged only when {@code otlp} is selected: a service
     * may set them for its own OTel SDK (even {@code OTEL_EXPORTER_OTLP_PROTOCOL=grpc}) without pushing metrics.
     */
    private OtlpSettings otlp(final boolean selected)
    {
        final int problemsBefore = problems.size();
        final OtlpSettings.Builder otlp = OtlpSettings.builder();
        final String protocol = value("OTEL_EXPORTER_OTLP_PROTOCOL");
        if (protocol != null && !protocol.equals(OtlpSettings.PROTOCOL))
        {
            problem("OTEL_EXPORTER_OTLP_PROTOCOL", protocol, OtlpSettings.PROTOCOL + " (gRPC is not supported)");
        }
        final String base = value("OTEL_EXPORTER_OTLP_ENDPOINT");
        final String metrics = value("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        if (base != null && OtlpSettings.checkUrl(base) != null)
        {
            problem("OTEL_EXPORTER_OTLP_ENDPOINT", base, OtlpSettings.checkUrl(base));
        }
        else if (metrics == null && base != null)
        {
            otlp.endpoint(OtlpSettings.metricsEndpoint(base));
        }
        if (metrics != null && OtlpSettings.checkUrl(metrics) != null)
        {
            problem("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", metrics, OtlpSettings.checkUrl(metrics));
        }
        else if (metrics != null)
        {
            otlp.endpoint(metrics);
        }
        keyValues("OTEL_EXPORTER_OTLP_HEADERS", true).forEach(otlp::header);
        otlp.timeout(Duration.ofMillis(millis("OTEL_EXPORTER_OTLP_TIMEOUT", OtlpSettings.DEFAULT_TIMEOUT)));
        otlp.interval(Duration.ofMillis(millis("OTEL_METRIC_EXPORT_INTERVAL", OtlpSettings.DEFAULT_INTERVAL)));
        otlp.serviceName(value("OTEL_SERVICE_NAME"));
        keyValues("OTEL_RESOURCE_ATTRIBUTES", false).forEach(otlp::resourceAttribute);
        final String temporality = value("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE");
        if (temporality != null)
        {
            switch (temporality.toLowerCase(Locale.ROOT))
            {
                case "cumulative":
                    break;
                case "delta":
                case "lowmemory":
                    otlp.temporality(OtlpTemporality.DELTA);
                    break;
                default:
                    problem("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", temporality,
                        "one of cumulative, delta, lowmemory");
            }
        }
        if (!selected)
        {
            problems.subList(problemsBefore, problems.size()).clear();
        }
        return otlp.build();
    }

    private Map<String, String> keyValues(final String name, final boolean header)
    {
        final String v = value(name);
        if (v == null)
        {
            return Map.of();
        }
        final String allowed = "key=value pairs separated by commas, values percent-encoded (e.g. " +
            (header ? "api-key=secret,x-tenant=a%20b" : "deployment.environment=prod,service.version=1.2") + ")";
        try
        {
            final Map<String, String> pairs = OtlpSettings.keyValues(v);
            for (final Map.Entry<String, String> e : pairs.entrySet())
            {
                if (header && !e.getKey().chars().allMatch(c -> c > 0x20 && c < 0x7F && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0) ||
                    e.getValue().chars().anyMatch(c -> c < 0x20 || c == 0x7F))
                {
                    problem(name, header ? e.getKey() + "=..." : v, allowed);
                    return Map.of();
                }
            }
            return pairs;
        }
        catch (final IllegalArgumentException ex)
        {
            problem(name, header ? "(not shown: may hold a secret)" : v, allowed);
            return Map.of();
        }
    }

    private long millis(final String name, final Duration defaultValue)
    {
        final String v = value(name);
        if (v == null)
        {
            return defaultValue.toMillis();
        }
        final long ms = OtlpSettings.millis(v);
        if (ms < OtlpSettings.MIN_MILLIS || ms > OtlpSettings.MAX_MILLIS)
        {
            problem(name, v, "milliseconds from " + OtlpSettings.MIN_MILLIS + " to " + OtlpSettings.MAX_MILLIS +
                ", or a whole number with a unit ms, s, m or h (e.g. 10s)");
            return defaultValue.toMillis();
        }
        return ms;
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
        final long windowSeconds = number("METRICS_HISTOGRAM_WINDOW_SECONDS",
            HistogramSpec.DEFAULT_WINDOW.toSeconds(), 0, HistogramSpec.MAX_WINDOW.toSeconds());
        final int windowSlices = (int)number("METRICS_HISTOGRAM_WINDOW_SLICES", HistogramSpec.DEFAULT_WINDOW_SLICES, 1,
            HistogramSpec.MAX_WINDOW_SLICES);
        final boolean nativeBuckets = bool("METRICS_NATIVE_HISTOGRAMS", true);
        final int nativeSchema = (int)number("METRICS_NATIVE_HISTOGRAM_SCHEMA",
            HistogramSpec.DEFAULT_NATIVE_SCHEMA, NativeBuckets.MIN_SCHEMA, NativeBuckets.MAX_SCHEMA);
        final int nativeMaxBuckets = (int)number("METRICS_NATIVE_HISTOGRAM_MAX_BUCKETS",
            HistogramSpec.DEFAULT_NATIVE_MAX_BUCKETS, 1, 65_536);
        try
        {
            final HistogramSpec spec = new HistogramSpec(bounds, 1e9, 1_000L, 3_600_000_000_000L, digits)
                .withWindow(Duration.ofSeconds(windowSeconds), windowSlices);
            return nativeBuckets ? spec.withNativeBuckets(nativeSchema, nativeMaxBuckets) : spec.withoutNativeBuckets();
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

    private java.nio.file.Path absolutePath(final String name)
    {
        final String v = value(name);
        if (v == null)
        {
            return null;
        }
        try
        {
            final java.nio.file.Path path = java.nio.file.Path.of(v);
            if (path.isAbsolute())
            {
                return path;
            }
        }
        catch (final java.nio.file.InvalidPathException ignored)
        {
            // reported below
        }
        problem(name, v, "an absolute directory path, e.g. /dev/shm/ringmetrics");
        return null;
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
