package example.consumer;

// doc:begin readme-embedding
import io.ringmetrics.*;
import io.ringmetrics.exporter.MetricsFactory;

// doc:end
import io.ringmetrics.exporter.prometheus.PrometheusExporter;

import java.io.IOException;
import java.io.InputStream;

/**
 * README.md's "Embedding it" example in a service built outside the ringmetrics reactor: the regions between the
 * {@code doc:} markers are the README's block (the ringmetrics build's ConsumerExampleMatchesReadmeTest keeps them
 * equal). It records the example's metrics, prints the address of {@code /metrics}, serves until its standard input
 * closes, then closes the metrics and exits 0; it exits 3 if the engine does not run (its health line says why).
 */
public final class ConsumerApp
{
    private ConsumerApp()
    {
    }

    /**
     * Runs the example and serves its metrics until standard input closes.
     *
     * @param args unused.
     * @throws IOException if standard input cannot be read.
     */
    public static void main(final String[] args) throws IOException
    {
        final Object request = new Object();
        // doc:begin readme-embedding
        Metrics metrics = MetricsFactory.fromEnvOrNullExporter();   // METRICS_EXPORTER, PROMETHEUS_*, STATSD_*, METRICS_*

        // Hot paths: register once, keep the handle (one ring publish per update, 0 B/op).
        MetricsEngine engine = metrics.engine();
        Counter requests = engine.counter("http_requests_total", "method", "GET", "endpoint", "/api", "status", "200");
        Histogram latency = engine.histogram("http_request_duration_seconds", "method", "GET", "endpoint", "/api");

        long start = System.nanoTime();
        handle(request);
        requests.increment();
        latency.observeNanos(System.nanoTime() - start);

        // Elsewhere: by name, labels in any order (validated once, then a lock-free lookup).
        metrics.recordHttpRequest("/api/v1/transcribe", "POST", "200", 0.145);
        //   http_requests_total{method,endpoint,status}, http_request_duration_seconds{method,endpoint}:
        //   the label names of the handles above, so both feed the same metrics
        metrics.recordJobCompleted("whisper-large", "en", 12.5, "success");
        //   jobs_completed_total{model,language,status}, job_duration_seconds{model,language}
        metrics.increment("cache_misses_total", "cache", "models");
        // doc:end
        final Module module = ConsumerApp.class.getModule();
        System.out.println("consumer: " + (module.isNamed() ? "module " + module.getName() : "class path") + ", " +
            engine.health());
        if (engine.health().state() != EngineHealth.State.RUNNING)
        {
            metrics.close();
            System.exit(3); // e.g. the JVM lacks the option Agrona needs: the health line above names it
        }
        engine.flush();
        if (metrics.exporter() instanceof PrometheusExporter)
        {
            System.out.println("consumer: serving http://127.0.0.1:" + ((PrometheusExporter)metrics.exporter()).port() +
                "/metrics");
        }
        System.out.flush();
        drain(System.in);
        // doc:begin readme-embedding

        metrics.close();   // final flush, stop the writer, free off-heap memory
        // doc:end
        System.out.println("consumer: closed");
    }

    private static void handle(final Object request)
    {
        // the service's work
    }

    private static void drain(final InputStream in) throws IOException
    {
        while (in.read() != -1)
        {
            // serve until the launcher closes our standard input
        }
    }
}
