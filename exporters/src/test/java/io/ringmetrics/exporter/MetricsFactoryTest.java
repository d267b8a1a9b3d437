package io.ringmetrics.exporter;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsExporter;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.exporter.statsd.StatsdExporter;
import io.ringmetrics.limits.MetricsResourceConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsFactoryTest
{
    @Test
    void createPicksTheExporterNamedByMetricsExporter()
    {
        try (Metrics m = MetricsFactory.create(EnvironmentConfig.from(Map.of("METRICS_HTTP_PORT", "0"))))
        {
            assertInstanceOf(PrometheusExporter.class, m.exporter());
            assertTrue(((PrometheusExporter)m.exporter()).port() > 0);
        }
        try (Metrics m = MetricsFactory.create(EnvironmentConfig.from(Map.of("METRICS_EXPORTER", "statsd",
            "STATSD_HOST", "127.0.0.1", "STATSD_PORT", "9"))))
        {
            assertInstanceOf(StatsdExporter.class, m.exporter());
        }
        try (Metrics m = MetricsFactory.create(EnvironmentConfig.from(Map.of("METRICS_EXPORTER", "null",
            "PROMETHEUS_ALLOW_REMOVAL", "false"))))
        {
            assertInstanceOf(NullExporter.class, m.exporter());
            assertFalse(m.isMetricRemovalAllowed(), "PROMETHEUS_ALLOW_REMOVAL is applied");
        }
    }

    @Test
    void badConfigurationFallsBackToTheNullExporterInOneLineAndIsCounted()
    {
        try (Metrics m = MetricsFactory.fromOrNullExporter(Map.of("METRICS_MAX_METRICS", "many")))
        {
            assertInstanceOf(NullExporter.class, m.exporter());
            assertEquals(1, m.engine().errors().total(ErrorType.INVALID_CONFIG));
            m.increment("still_works_total");
            assertEquals(1, m.engine().snapshot().counter("still_works_total"));
        }
    }

    @Test
    void anUnbindableAddressAlsoFallsBack()
    {
        try (Metrics first = MetricsFactory.create(EnvironmentConfig.from(Map.of("METRICS_HTTP_PORT", "0"))))
        {
            final String port = String.valueOf(((PrometheusExporter)first.exporter()).port());
            assertThrows(MetricsException.class,
                () -> MetricsFactory.create(EnvironmentConfig.from(Map.of("METRICS_HTTP_PORT", port))).close());
            try (Metrics second = MetricsFactory.fromOrNullExporter(Map.of("METRICS_HTTP_PORT", port)))
            {
                assertInstanceOf(NullExporter.class, second.exporter());
            }
        }
    }

    @Test
    void limitsPropagationAndFullConfigFactories()
    {
        try (Metrics m = MetricsFactory.withLimits(MetricsFactory.nullExporter(), 5000, 32))
        {
            assertEquals(5000, m.maxMetrics());
            assertEquals(32, m.engine().config().limits().maxLabelsPerMetric());
        }
        try (Metrics m = MetricsFactory.withErrorPropagation(MetricsFactory.nullExporter()))
        {
            assertThrows(MetricsException.class, () -> m.increment("bad-name"));
        }
        try (Metrics m = MetricsFactory.withFullConfig(MetricsFactory.nullExporter(), EngineConfig.DEFAULTS,
            MetricsResourceConfig.builder().maxMetrics(2000).maxLabelCombinations(20000).build(),
            MetricsErrorConfig.builder().propagateErrors(true).build()))
        {
            assertEquals(2000, m.maxMetrics());
            assertEquals(20000, m.maxLabelCombinations());
            assertThrows(MetricsException.class, () -> m.setGauge("g", Double.NaN));
        }
        try (Metrics m = MetricsFactory.withNullExporter())
        {
            m.recordError("validation", "invalid_file_format");
            assertEquals(1, m.engine().snapshot().counter("errors_total",
                "category", "validation", "error_type", "invalid_file_format"));
        }
    }
}
