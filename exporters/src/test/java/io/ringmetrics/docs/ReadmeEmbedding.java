package io.ringmetrics.docs;

// doc:begin readme-embedding
import io.ringmetrics.*;
import io.ringmetrics.exporter.MetricsFactory;

// doc:end
/**
 * README.md's "Embedding it" block, verbatim between the {@code doc:} markers ({@link DocSnippetsMatchTest} keeps
 * the two equal). {@link DocSnippetsRunTest} runs {@link #main} in its own JVM with a chosen environment and checks
 * the scrape printed by the probe against the series the README promises.
 */
public final class ReadmeEmbedding
{
    private ReadmeEmbedding()
    {
    }

    /**
     * Runs the example once, as a service would for one request.
     *
     * @param args unused.
     * @throws Exception if the probe's scrape fails.
     */
    public static void main(final String[] args) throws Exception
    {
        embed(new Object());
    }

    static void embed(final Object request) throws Exception
    {
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
        DocProbe.printScrape(metrics);
        // doc:begin readme-embedding

        metrics.close();   // final flush, stop the writer, free off-heap memory
        // doc:end
    }

    private static void handle(final Object request)
    {
        // the service's work
    }
}
