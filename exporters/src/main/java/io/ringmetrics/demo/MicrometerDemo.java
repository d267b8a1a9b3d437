package io.ringmetrics.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.ringmetrics.Metrics;
import io.ringmetrics.micrometer.JvmMetrics;
import io.ringmetrics.micrometer.RingMetricsMeterRegistry;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's Micrometer side: JVM metrics from Micrometer's binders, and a model-download API instrumented with
 * plain Micrometer code, both through a {@link RingMetricsMeterRegistry} over the demo's engine, so they are served
 * on the same {@code /metrics} as the engine's own series:
 * {@code http_server_requests_seconds{method,uri,status}} (timer with SLO buckets), {@code model_downloads_total}
 * (counter), {@code model_download_size_bytes} (summary) and {@code model_cache_entries} (gauge), plus
 * {@code jvm_*}, {@code process_*} and {@code system_*}.
 * <p>
 * One daemon thread, {@code demo-micrometer}, issues about 50 requests per second until the JVM exits.
 */
final class MicrometerDemo implements Runnable
{
    private static final String[] URIS = { "/api/v1/models/{name}/download", "/api/v1/models/{name}/card" };

    private final RingMetricsMeterRegistry registry;
    private final Counter downloads;
    private final DistributionSummary downloadSize;
    private final ConcurrentHashMap<Integer, Boolean> cache = new ConcurrentHashMap<>();
    private final SplittableRandom random = new SplittableRandom(7);

    private MicrometerDemo(final Metrics metrics)
    {
        this.registry = new RingMetricsMeterRegistry(metrics);
        JvmMetrics.bindTo(registry);
        this.downloads = Counter.builder("model.downloads").description("Model files downloaded.")
            .register(registry);
        this.downloadSize = DistributionSummary.builder("model.download.size").baseUnit("bytes")
            .description("Size of downloaded model files.")
            .serviceLevelObjectives(1e6, 1e7, 1e8, 1e9).register(registry);
        Gauge.builder("model.cache.entries", cache, ConcurrentHashMap::size)
            .description("Models held in the download cache.").register(registry);
    }

    /**
     * Starts the Micrometer side of the demo on a daemon thread.
     *
     * @param metrics the demo's metrics.
     */
    static void start(final Metrics metrics)
    {
        final Thread thread = new Thread(new MicrometerDemo(metrics), "demo-micrometer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run()
    {
        while (!Thread.currentThread().isInterrupted())
        {
            final String uri = URIS[random.nextInt(URIS.length)];
            final boolean failed = random.nextDouble() < 0.02;
            final long nanos = (long)(TimeUnit.MILLISECONDS.toNanos(5) * (0.5 + 3 * random.nextDouble()));
            Timer.builder("http.server.requests").description("Model API requests (Micrometer).")
                .tags("method", "GET", "uri", uri, "status", failed ? "500" : "200")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
            if (!failed && uri == URIS[0])
            {
                downloads.increment();
                downloadSize.record(1e6 + random.nextDouble() * 1.5e9);
                cache.put(random.nextInt(12), Boolean.TRUE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
