package io.ringmetrics.docs;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.config.MetricsSettings;
import io.ringmetrics.exporter.MetricsFactory;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.writer.WriterIdleStrategy;

import java.time.Duration;

/**
 * The blocks of docs/configuration.md, verbatim between the {@code doc:} markers. {@link DocSnippetsRunTest} runs
 * {@link #builders()} in its own JVM and {@link #main} (which reads the environment) in a child JVM.
 */
public final class ConfigurationSnippets
{
    private ConfigurationSnippets()
    {
    }

    /**
     * Runs the two blocks that read the environment, one after the other, printing each one's scrape.
     *
     * @param args unused.
     * @throws Exception if a scrape fails.
     */
    public static void main(final String[] args) throws Exception
    {
        try (Metrics metrics = fallback())
        {
            DocProbe.printScrape(metrics);
        }
        try (Metrics metrics = byHand())
        {
            DocProbe.printScrape(metrics);
        }
    }

    static Object[] builders()
    {
        // doc:begin configuration-builders
        MetricsResourceConfig limits = MetricsResourceConfig.builder()
            .maxMetrics(5_000)
            .maxLabelCombinations(100_000)
            .maxLabelsPerMetric(8)
            .build();

        EngineConfig engineConfig = EngineConfig.builder()
            .limits(limits)
            .ringSize(8192)
            .backpressure(BackpressurePolicy.DROP)
            .idleStrategy(WriterIdleStrategy.BACKOFF)
            .maxIdlePark(Duration.ofMillis(1))
            .snapshotTimeout(Duration.ofSeconds(2))
            .defaultHistogram(HistogramSpec.secondsWithBuckets(0.01, 0.05, 0.1, 0.5, 1, 5, 30))
            .build();

        MetricsErrorConfig errorConfig = MetricsErrorConfig.builder()
            .propagateErrors(true)
            .errorLogLevel(System.Logger.Level.ERROR)
            .build();
        // doc:end
        return new Object[] { limits, engineConfig, errorConfig };
    }

    static Metrics fallback()
    {
        // doc:begin configuration-fallback
        Metrics metrics = MetricsFactory.fromEnvOrNullExporter();
        // doc:end
        return metrics;
    }

    static Metrics byHand()
    {
        // doc:begin configuration-by-hand
        MetricsSettings settings = EnvironmentConfig.fromEnv();
        MetricsEngine engine = MetricsEngine.start(settings.engine());
        Metrics metrics = new Metrics(engine, PrometheusExporter.builder().settings(settings).build(), settings.errors());
        metrics.setAllowMetricRemoval(settings.allowRemoval());
        // doc:end
        return metrics;
    }
}
