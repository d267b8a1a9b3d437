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
}
