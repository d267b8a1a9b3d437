package io.ringmetrics.docs;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.exporter.prometheus.RingMetricsCollector;

import java.util.function.IntFunction;

/**
 * The blocks of docs/prometheus.md, verbatim between the {@code doc:} markers, run by {@link DocSnippetsRunTest}.
 */
final class PrometheusSnippets
{
    private PrometheusSnippets()
    {
    }

    /**
     * @param scrape called with the exporter's port while it serves; returns the body scraped.
     * @return what {@code scrape} returned.
     */
    static String exporter(final IntFunction<String> scrape)
    {
        final String scraped;
        // doc:begin prometheus-exporter
        MetricsEngine engine = MetricsEngine.start();
        PrometheusExporter exporter = PrometheusExporter.builder()
            .host("127.0.0.1")          // METRICS_HTTP_HOST, default 127.0.0.1 (loopback only); "0.0.0.0" for every interface
            .port(0)                    // METRICS_HTTP_PORT, default 8081; 0 = ephemeral, see exporter.port()
            .namespace("whisper_api")   // PROMETHEUS_NAMESPACE, default none
            .build();                   // or .settings(EnvironmentConfig.fromEnv())
        exporter.start(engine);         // binds; a port that cannot be bound -> ConfigurationException(invalid_config)
        engine.counter("jobs_total").increment();   // served as whisper_api_jobs_total at http://127.0.0.1:<exporter.port()>/metrics
        // doc:end
        try
        {
            scraped = scrape.apply(exporter.port());
        }
        finally
        {
            // doc:begin prometheus-exporter
            exporter.close();               // stops the server and its threads
            // doc:end
            engine.close();
        }
        return scraped;
    }

    static HTTPServer registry(final MetricsEngine engine, final int port) throws java.io.IOException
    {
        // doc:begin prometheus-registry
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(RingMetricsCollector.builder(engine).namespace("whisper_api").build());
        HTTPServer server = HTTPServer.builder().hostname("127.0.0.1").port(port)   // port: e.g. 9400
            .registry(registry).buildAndStart();                                    // client_java's server
        // doc:end
        return server;
    }
}
