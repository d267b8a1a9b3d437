package io.ringmetrics.docs;

import io.ringmetrics.Metrics;
import io.ringmetrics.config.OtlpSettings;
import io.ringmetrics.config.OtlpTemporality;
import io.ringmetrics.exporter.MetricsFactory;
import io.ringmetrics.exporter.otlp.OtlpExporter;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;

import java.time.Duration;

/**
 * The block of docs/otlp.md, verbatim between the {@code doc:} markers, run by {@link OtlpSnippetsRunTest}.
 */
final class OtlpSnippets
{
    private OtlpSnippets()
    {
    }

    /**
     * @param collectorUrl   the metrics URL of the test's OTLP receiver.
     * @param prometheusPort a free port on 127.0.0.1.
     */
    static void exporters(final String collectorUrl, final int prometheusPort)
    {
        // doc:begin otlp-exporters
        OtlpExporter otlp = OtlpExporter.builder()
                .otlp(OtlpSettings.builder()
                        .endpoint(collectorUrl)                  // e.g. "http://collector:4318/v1/metrics"
                        .serviceName("checkout")
                        .resourceAttribute("deployment.environment", "prod")
                        .temporality(OtlpTemporality.CUMULATIVE) // or DELTA
                        .interval(Duration.ofSeconds(15))
                        .build())
                .build();                                        // or OtlpExporter.fromEnv(): the OTEL_* variables
        PrometheusExporter prometheus = PrometheusExporter.builder().port(prometheusPort).build();
        Metrics metrics = MetricsFactory.withExporters(prometheus, otlp);   // both at once, one engine
        metrics.engine().counter("jobs_total").increment(3);   // scraped, and pushed as a monotonic sum
        metrics.close();                                         // final export of everything, then stop
        // doc:end
    }
}
