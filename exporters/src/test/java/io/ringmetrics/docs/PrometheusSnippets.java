package io.ringmetrics.docs;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.exporter.prometheus.RingMetricsCollector;
import io.ringmetrics.store.HistogramSpec;

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

    /**
     * @param engine a running engine.
     * @return the histogram the block observed into.
     */
    static Histogram exemplars(final MetricsEngine engine)
    {
        // doc:begin prometheus-exemplars
        Histogram checkout = engine.histogram("checkout_seconds", "Checkout latency.",
            HistogramSpec.DEFAULT_SECONDS.withNativeBuckets(5, 160), new String[0]);   // schema 5, 160 buckets: the defaults
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";   // e.g. Span.current().getSpanContext().getTraceId()
        String spanId = "00f067aa0ba902b7";                    // e.g. Span.current().getSpanContext().getSpanId()
        checkout.observe(0.042, traceId, spanId);              // parsed without allocating; kept as its bucket's exemplar
        checkout.observe(0.013);                               // a plain observation, exactly as before
        // doc:end
        return checkout;
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
