package io.ringmetrics.error;

import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.limits.MetricsResourceConfig;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What happens to an error: it is always counted; it is logged if its category's log switch is on, at most once
 * per interval ({@link #LOG_INTERVAL_NANOS} by default) per error type (the next line says how many were suppressed), so an error storm
 * cannot flood the log; and in propagate mode it is thrown to the caller.
 * <p>
 * Exporters report their failures through {@link #handleExport}, one handler per started exporter, so that
 * {@code METRICS_LOG_EXPORT_ERRORS} and {@code METRICS_ERROR_LOG_LEVEL} govern their log lines too.
 * <p>
 * Message: {@code Metrics <operation> operation failed for '<name>': <reason>}, followed in detailed mode by
 * {@code (Context: max_metrics=…, max_label_combinations=…, max_labels_per_metric=…, max_metric_name_length=…,
 * max_label_value_length=…)}.
 * <p>
 * <b>Threading.</b> Any thread; never on the update hot path of a valid operation.
 */
public final class ErrorHandler
{
    /** Minimum time between two log lines of one error type: 10 s. */
    public static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final Logger logger;
    private final long logIntervalNanos;
    private final MetricsErrorConfig config;
    private final ErrorCounters counters;
    private final String context;
    private final ConcurrentHashMap<ErrorType, AtomicLong> lastLogged = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ErrorType, AtomicLong> suppressed = new ConcurrentHashMap<>();

    /**
     * @param config   error settings.
     * @param limits   limits, quoted in detailed context.
     * @param counters where errors are counted.
     */
    public ErrorHandler(final MetricsErrorConfig config, final MetricsResourceConfig limits, final ErrorCounters counters)
    {
        this(config, limits, counters, System.getLogger("io.ringmetrics"), LOG_INTERVAL_NANOS);
    }

    /**
     * @param config           error settings.
     * @param limits           limits, quoted in detailed context.
     * @param counters         where errors are counted.
     * @param logger           where error lines go.
     * @param logIntervalNanos minimum time between two log lines of one error type.
     */
    public ErrorHandler(
        final MetricsErrorConfig config, final MetricsResourceConfig limits, final ErrorCounters counters,
        final Logger logger, final long logIntervalNanos)
    {
        this.logger = logger;
        this.logIntervalNanos = logIntervalNanos;
        this.config = config;
        this.counters = counters;
        this.context = " (Context: max_metrics=" + limits.maxMetrics() +
            ", max_label_combinations=" + limits.maxLabelCombinations() +
            ", max_labels_per_metric=" + limits.maxLabelsPerMetric() +
            ", max_metric_name_length=" + limits.maxMetricNameLength() +
            ", max_label_value_length=" + limits.maxLabelValueLength() + ")";
    }

    /**
     * Counts, logs and, in propagate mode, throws.
     *
     * @param error      what went wrong.
     * @param operation  the operation, e.g. {@code increment}.
     * @param metricName the metric name as given.
     * @throws MetricsException in propagate mode, of the same category, with the formatted message.
     */
    public void handle(final MetricsException error, final String operation, final String metricName)
    {
        counters.record(error.errorType(), operation, metricName);
        final String message = message(error, operation, metricName);
        if (shouldLog(error.errorType().category()))
        {
            logRateLimited(error.errorType(), message);
        }
        if (config.propagateErrors())
        {
            final MetricsException thrown = MetricsException.of(error.errorType(), message);
            thrown.initCause(error);
            throw thrown;
        }
    }

    /**
     * Counts and logs an export error; never throws (exporters run on their own threads).
     *
     * @param exporter exporter name.
     * @param type     error type.
     * @param detail   what failed.
     */
    public void handleExport(final String exporter, final ErrorType type, final String detail)
    {
        counters.recordExport(exporter, type);
        if (config.logExportErrors())
        {
            logRateLimited(type, "Metrics export via " + exporter + " failed: " + detail);
        }
    }

    /**
     * Logs a line about an exporter that is not an error to count (a recovery after failed exports, a misuse noticed
     * on the exporter's thread), if export errors are logged. Not rate-limited: callers log such an event once per
     * occurrence.
     *
     * @param exporter exporter name.
     * @param level    level of the line.
     * @param detail   what happened.
     */
    public void logExportEvent(final String exporter, final Level level, final String detail)
    {
        if (config.logExportErrors())
        {
            logger.log(level, "Metrics export via " + exporter + ": " + detail);
        }
    }

    /**
     * Formats the message of an error.
     *
     * @param error      error.
     * @param operation  operation.
     * @param metricName metric name.
     * @return the message, with context in detailed mode.
     */
    public String message(final MetricsException error, final String operation, final String metricName)
    {
        return "Metrics " + operation + " operation failed for '" + printable(metricName) + "': " + error.getMessage() +
            (config.detailedErrorContext() ? context : "");
    }

    private boolean shouldLog(final ErrorType.Category category)
    {
        switch (category)
        {
            case VALIDATION:
                return config.logValidationErrors();
            case RESOURCE:
                return config.logResourceErrors();
            case EXPORT:
                return config.logExportErrors();
            default:
                return config.logConfigErrors();
        }
    }

    private void logRateLimited(final ErrorType type, final String message)
    {
        final long now = System.nanoTime();
        final AtomicLong last = lastLogged.computeIfAbsent(type, t -> new AtomicLong(now - logIntervalNanos));
        final long previous = last.get();
        final AtomicLong skipped = suppressed.computeIfAbsent(type, t -> new AtomicLong());
        if (now - previous >= logIntervalNanos && last.compareAndSet(previous, now))
        {
            final long count = skipped.getAndSet(0);
            logger.log(config.errorLogLevel(), count == 0 ? message :
                message + " [" + count + " more " + type.label() + " errors suppressed in the last interval]");
        }
        else
        {
            skipped.incrementAndGet();
        }
    }

    private static String printable(final String name)
    {
        if (name == null)
        {
            return "null";
        }
        final String cut = name.length() > 128 ? name.substring(0, 125) + "..." : name;
        return cut.replace("\n", "\\n").replace("\r", "\\r");
    }

    /** @return the settings. */
    public MetricsErrorConfig config()
    {
        return config;
    }
}
