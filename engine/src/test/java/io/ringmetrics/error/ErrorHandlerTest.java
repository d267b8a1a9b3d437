package io.ringmetrics.error;

import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.limits.MetricsResourceConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorHandlerTest
{
    /** Captures log lines. */
    static final class CapturingLogger implements System.Logger
    {
        final List<String> lines = new ArrayList<>();
        final List<Level> levels = new ArrayList<>();

        @Override
        public String getName()
        {
            return "capture";
        }

        @Override
        public boolean isLoggable(final Level level)
        {
            return true;
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String msg, final Throwable thrown)
        {
            levels.add(level);
            lines.add(msg);
        }

        @Override
        public void log(final Level level, final ResourceBundle bundle, final String format, final Object... params)
        {
            levels.add(level);
            lines.add(format);
        }
    }

    private static final ValidationException BAD_NAME =
        new ValidationException(ErrorType.INVALID_NAME, "metric name 'x-y' is invalid");

    @Test
    void anErrorStormLogsOneLinePerIntervalAndCountsEveryError() throws Exception
    {
        final CapturingLogger logger = new CapturingLogger();
        final ErrorCounters counters = new ErrorCounters();
        final ErrorHandler handler = new ErrorHandler(MetricsErrorConfig.builder()
            .errorLogLevel(System.Logger.Level.ERROR).build(), MetricsResourceConfig.DEFAULTS, counters, logger,
            TimeUnit.MILLISECONDS.toNanos(200));
        for (int i = 0; i < 10_000; i++)
        {
            handler.handle(BAD_NAME, "increment", "x-y");
        }
        assertEquals(1, logger.lines.size(), "rate-limited");
        assertEquals(System.Logger.Level.ERROR, logger.levels.get(0), "METRICS_ERROR_LOG_LEVEL is used");
        assertEquals(10_000, counters.total(ErrorType.INVALID_NAME), "but every error is counted");
        Thread.sleep(250);
        handler.handle(BAD_NAME, "increment", "x-y");
        assertEquals(2, logger.lines.size());
        assertTrue(logger.lines.get(1).contains("[9999 more invalid_name errors suppressed"), logger.lines.get(1));
    }

    @Test
    void logSwitchesSilenceTheirCategoryOnly()
    {
        final CapturingLogger logger = new CapturingLogger();
        final ErrorHandler handler = new ErrorHandler(MetricsErrorConfig.builder().logValidationErrors(false).build(),
            MetricsResourceConfig.DEFAULTS, new ErrorCounters(), logger, 0);
        handler.handle(BAD_NAME, "increment", "x-y");
        assertEquals(0, logger.lines.size());
        handler.handle(new ResourceLimitException(ErrorType.METRIC_LIMIT_EXCEEDED, "max_metrics=1 reached"),
            "increment", "b");
        assertEquals(1, logger.lines.size());
        handler.handleExport("statsd", ErrorType.SEND_FAILED, "network down");
        assertEquals(2, logger.lines.size());
        assertEquals("Metrics export via statsd failed: network down", logger.lines.get(1));
    }

    @Test
    void exportEventsAreLoggedAtTheirLevelUncountedAndSilencedWithExportErrors()
    {
        final CapturingLogger logger = new CapturingLogger();
        final ErrorCounters counters = new ErrorCounters();
        final ErrorHandler handler = new ErrorHandler(MetricsErrorConfig.DEFAULTS, MetricsResourceConfig.DEFAULTS,
            counters, logger, ErrorHandler.LOG_INTERVAL_NANOS);
        handler.logExportEvent("statsd", System.Logger.Level.INFO, "recovered after 3 failed flush(es)");
        handler.logExportEvent("statsd", System.Logger.Level.INFO, "recovered after 1 failed flush(es)");
        assertEquals(List.of("Metrics export via statsd: recovered after 3 failed flush(es)",
            "Metrics export via statsd: recovered after 1 failed flush(es)"), logger.lines, "not rate-limited");
        assertEquals(List.of(System.Logger.Level.INFO, System.Logger.Level.INFO), logger.levels);
        assertEquals(0, counters.total(ErrorType.SEND_FAILED), "nothing counted");

        final CapturingLogger silent = new CapturingLogger();
        final ErrorHandler off = new ErrorHandler(MetricsErrorConfig.builder().logExportErrors(false).build(),
            MetricsResourceConfig.DEFAULTS, counters, silent, 0);
        off.logExportEvent("statsd", System.Logger.Level.WARNING, "the engine was closed before the exporter");
        off.handleExport("statsd", ErrorType.SEND_FAILED, "network down");
        assertEquals(List.of(), silent.lines, "METRICS_LOG_EXPORT_ERRORS=false");
        assertEquals(1, counters.total(ErrorType.SEND_FAILED), "the error is still counted");
    }
}
