package io.ringmetrics.docs;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.MetricsFactory;
import io.ringmetrics.exporter.it.FreePorts;
import io.ringmetrics.exporter.prometheus.RingMetricsCollector;
import io.ringmetrics.micrometer.JvmMetrics;
import io.ringmetrics.micrometer.RingMetricsMeterRegistry;
import io.ringmetrics.store.HistogramSpec;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The ringmetrics blocks of docs/migration.md, verbatim between the {@code doc:} markers, run in this order on one
 * {@code Metrics} by {@link DocSnippetsRunTest} in its own JVM (the first block reads the environment).
 */
public final class MigrationSnippets
{
    /** The Micrometer block's gauge object: held by the application, as Micrometer's gauges require. */
    static final Collection<String> JOB_QUEUE = new ConcurrentLinkedQueue<>(java.util.List.of("job-1", "job-2"));

    private MigrationSnippets()
    {
    }

    /**
     * Runs every block, then prints the scrape of the client_java server of the last one.
     *
     * @param args unused.
     * @throws Exception if a scrape fails.
     */
    public static void main(final String[] args) throws Exception
    {
        // doc:begin migration-setup
        Metrics metrics = MetricsFactory.fromEnv();    // or fromEnvOrNullExporter(), withPrometheusExporter(), ... (configuration.md)
        MetricsEngine engine = metrics.engine();       // handles are registered on the engine
        // doc:end
        counter(metrics, engine);
        gauge(metrics, engine);
        histogram(metrics, engine);
        convenience(metrics);
        micrometer(metrics);
        final HTTPServer server = registry(engine, FreePorts.tcp());
        try
        {
            DocProbe.printScrape(metrics);
        }
        finally
        {
            server.close();
            metrics.close();
        }
    }

    static void micrometer(final Metrics metrics)
    {
        final Collection<String> queue = JOB_QUEUE;
        // doc:begin migration-micrometer
        // Micrometer: keep the code, swap the registry (add io.micrometer:micrometer-core yourself: ringmetrics has it optional)
        MeterRegistry registry = new RingMetricsMeterRegistry(metrics);   // publishes into metrics.engine()
        JvmMetrics.bindTo(registry);                                       // JVM and process metrics: off unless bound

        Timer timer = Timer.builder("http.server.requests").tags("method", "POST", "uri", "/api/v1/transcribe")
            .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500))   // become the buckets
            .register(registry);                                 // keep it: registry lookups cost a map probe
        timer.record(145, TimeUnit.MILLISECONDS);                // http_server_requests_seconds: one ring publish
        Counter.builder("cache.misses").tag("cache", "models").register(registry).increment();   // cache_misses_total
        registry.gauge("queue.depth", queue, Collection::size);  // queue_depth: read at scrape time; keep `queue` referenced
        // doc:end
    }

    static void counter(final Metrics metrics, final MetricsEngine engine)
    {
        // doc:begin migration-counter
        // ringmetrics, handle: one handle per series (name + label pairs, any order); keep it, as you would a child
        io.ringmetrics.Counter requests = engine.counter("http_requests_total",
            "method", "POST", "endpoint", "/api/v1/transcribe", "status", "200");
        requests.increment();          // or increment(long amount)

        // ringmetrics, by name: validated and registered on first use, then a lock-free lookup
        metrics.increment("http_requests_total", "method", "POST", "endpoint", "/api/v1/transcribe", "status", "200");
        metrics.incrementBy("bytes_received_total", 1024, "endpoint", "/api/v1/transcribe");
        // doc:end
    }

    static void gauge(final Metrics metrics, final MetricsEngine engine)
    {
        // doc:begin migration-gauge
        // ringmetrics: the gauge holds a double; set it or add to it
        io.ringmetrics.Gauge inFlight = engine.gauge("transcriptions_in_flight", "Transcriptions in progress", new String[0]);
        inFlight.increment();
        inFlight.decrement();
        inFlight.set(3);
        metrics.incrementGauge("transcriptions_in_flight", 1);     // name-based: setGauge, incrementGauge, decrementGauge
        // doc:end
    }

    static void histogram(final Metrics metrics, final MetricsEngine engine)
    {
        // doc:begin migration-histogram
        // ringmetrics: a histogram in seconds with the Prometheus default buckets, plus HdrHistogram percentiles
        io.ringmetrics.Histogram latency = engine.histogram("http_request_duration_seconds",
            "method", "POST", "endpoint", "/api/v1/transcribe");
        latency.observe(0.145);
        long start = System.nanoTime();
        handle();
        latency.observeNanos(System.nanoTime() - start);           // the timer: nanoseconds into a seconds histogram

        metrics.observeHistogram("http_request_duration_seconds", 0.145, "method", "POST", "endpoint", "/api/v1/transcribe");

        // other buckets for one metric (the default for all: METRICS_HISTOGRAM_BUCKETS)
        io.ringmetrics.Histogram audio = engine.histogram("audio_length_seconds", "Length of the submitted audio",
            HistogramSpec.secondsWithBuckets(1, 5, 15, 30, 60, 120, 300), new String[] { "model", "whisper-large" });
        audio.observe(42.0);
        // doc:end
    }

    static void convenience(final Metrics metrics)
    {
        // doc:begin migration-convenience
        metrics.recordHttpRequest("/api/v1/transcribe", "POST", "200", 0.145);
        //   http_requests_total{method,endpoint,status} += 1, http_request_duration_seconds{method,endpoint} observes 0.145
        metrics.recordJobCompleted("whisper-large", "en", 12.5, "success");
        //   jobs_completed_total{model,language,status} += 1, job_duration_seconds{model,language} observes 12.5
        metrics.recordError("validation", "invalid_file_format");
        //   errors_total{category,error_type} += 1
        // doc:end
    }

    static HTTPServer registry(final MetricsEngine engine, final int port) throws java.io.IOException
    {
        // doc:begin migration-registry
        PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;            // or your own
        registry.register(RingMetricsCollector.builder(engine).namespace("whisper_api").build());
        HTTPServer server = HTTPServer.builder().hostname("127.0.0.1").port(port)   // port: e.g. 9400
            .registry(registry).buildAndStart();                                    // client_java's server, servlet, ...
        // doc:end
        return server;
    }

    private static void handle()
    {
        // the service's work
    }
}
