package io.ringmetrics;

import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Regression tests for hostile input found by the stress tests (nulls, overflow); the close race is in stress-tests. */
class HostileInputTest
{
    @Test
    void nullMetricNameIsAValidationError()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            assertEquals(ErrorType.INVALID_NAME,
                assertThrows(MetricsException.class, () -> engine.counter(null)).errorType());
        }
    }

    @Test
    void nullLabelValueOfAnExistingMetricIsAValidationError()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            engine.counter("requests_total", "method", "GET");
            final String[] pairs = { "method", null };
            assertEquals(ErrorType.INVALID_LABEL_VALUE,
                assertThrows(MetricsException.class, () -> engine.counter("requests_total", pairs)).errorType());
        }
    }

    @Test
    void silentModeNeverThrowsForNulls()
    {
        try (Metrics metrics = new Metrics(MetricsEngine.start(), new MetricsApiTest.NoExport(),
            MetricsErrorConfig.builder().logValidationErrors(false).build()))
        {
            metrics.recordHttpRequest("/api", "GET", "200", 0.1);
            assertDoesNotThrow(() -> metrics.increment(null));
            assertDoesNotThrow(() -> metrics.recordHttpRequest(null, "GET", "200", 0.1));
            assertEquals(1, metrics.engine().errors().total(ErrorType.INVALID_NAME));
            assertEquals(2, metrics.engine().errors().total(ErrorType.INVALID_LABEL_VALUE), "counter and histogram");
        }
    }

    @Test
    void removingANullNameIsAnUnknownMetric()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            assertEquals(ErrorType.UNKNOWN_METRIC, assertThrows(MetricsException.class,
                () -> engine.remove(null, io.ringmetrics.registry.MetricType.COUNTER)).errorType());
        }
    }

    @Test
    void counterSaturatesInsteadOfWrappingNegative()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            final Counter counter = engine.counter("bytes_total");
            counter.increment(Long.MAX_VALUE);
            counter.increment(1);
            assertEquals(Long.MAX_VALUE, engine.snapshot().counter("bytes_total"));
        }
    }
}
