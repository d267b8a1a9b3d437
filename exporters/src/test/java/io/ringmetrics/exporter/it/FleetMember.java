package io.ringmetrics.exporter.it;

import io.ringmetrics.Counter;
import io.ringmetrics.Histogram;
import io.ringmetrics.Metrics;
import io.ringmetrics.exporter.MetricsFactory;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.store.HistogramSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One service of the fleet test ({@link FleetAgainstRealTsdbTest}), run as its own JVM: the public API and the
 * Prometheus exporter, configured from the environment like any service ({@code METRICS_*}), serving a deterministic
 * workload so the test knows exactly what it published.
 * <p>
 * It registers {@code http_requests_total{method="POST",endpoint="/api/v1/transcribe",status="202"}} and
 * {@code http_request_duration_seconds{method="POST",endpoint="/api/v1/transcribe"}} (default buckets), prints
 * {@code fleet member: serving http://<host>:<port>/metrics}, and waits, with both series at zero, until a file
 * named {@code go} exists in its working directory. Then it serves {@code FLEET_REQUESTS} requests at
 * {@code FLEET_REQUESTS_PER_SECOND}, paced in ticks of 100 ms (a tenth of the rate per tick, at a fixed rate:
 * a late tick is caught up), each one a counter increment and one observation of {@code FLEET_LATENCY_SECONDS};
 * prints {@code fleet member: published <n> requests in <ms> ms} and idles, still serving {@code /metrics}, until
 * SIGTERM, which closes the metrics and exits 0. Nothing in it knows it belongs to a fleet: the instance is named by
 * whoever scrapes it.
 * <p>
 * A bad {@code FLEET_*} value or a failed start prints one line and exits 2.
 */
public final class FleetMember
{
    /** The counter every member increments once per request. */
    public static final String REQUESTS = "http_requests_total";
    /** The histogram every member observes once per request. */
    public static final String DURATION = "http_request_duration_seconds";
    /** Requests are paced in ticks of this length. */
    public static final long TICK_MILLIS = 100;

    private FleetMember()
    {
    }

    /**
     * @param args ignored; see the class comment for the environment.
     * @throws InterruptedException never in practice (the main thread is not interrupted).
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final long rate;
        final long total;
        final double latency;
        try
        {
            rate = Long.parseLong(System.getenv("FLEET_REQUESTS_PER_SECOND"));
            total = Long.parseLong(System.getenv("FLEET_REQUESTS"));
            latency = Double.parseDouble(System.getenv("FLEET_LATENCY_SECONDS"));
        }
        catch (final RuntimeException ex)
        {
            exit("FLEET_REQUESTS_PER_SECOND, FLEET_REQUESTS and FLEET_LATENCY_SECONDS must be numbers: " + ex);
            return;
        }
        final long perTick = rate * TICK_MILLIS / 1000;
        if (rate <= 0 || perTick * 1000 != rate * TICK_MILLIS || total <= 0 || total % perTick != 0 ||
            !(latency > 0))
        {
            exit("FLEET_REQUESTS_PER_SECOND must be a positive multiple of " + 1000 / TICK_MILLIS +
                ", FLEET_REQUESTS a positive multiple of a tick's requests, FLEET_LATENCY_SECONDS positive");
            return;
        }

        final Metrics metrics;
        try
        {
            metrics = MetricsFactory.fromEnv();
        }
        catch (final RuntimeException ex)
        {
            exit("cannot start: " + ex.getMessage());
            return;
        }
        final String[] requestLabels = { "method", "POST", "endpoint", "/api/v1/transcribe", "status", "202" };
        final Counter requests = metrics.engine().counter(REQUESTS, "Requests served.", requestLabels);
        final Histogram duration = metrics.engine().histogram(DURATION, "Request latency.",
            HistogramSpec.DEFAULT_SECONDS, new String[] { "method", "POST", "endpoint", "/api/v1/transcribe" });

        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            stop.countDown();
            try
            {
                stopped.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ignored)
            {
                // the JVM is going down anyway
            }
        }, "fleet-member-shutdown"));

        final int port = ((PrometheusExporter)metrics.exporter()).port();
        System.out.println("fleet member: serving http://127.0.0.1:" + port + "/metrics");

        final Path go = Path.of("go");
        while (!Files.exists(go) && stop.getCount() > 0)
        {
            Thread.sleep(20);
        }

        final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "fleet-member-pacer");
            t.setDaemon(true);
            return t;
        });
        final AtomicLong served = new AtomicLong();
        final long start = System.nanoTime();
        if (stop.getCount() > 0)
        {
            pacer.scheduleAtFixedRate(() ->
            {
                if (served.get() >= total)
                {
                    return;
                }
                for (long i = 0; i < perTick; i++)
                {
                    requests.increment();
                    duration.observe(latency);
                }
                if (served.addAndGet(perTick) >= total)
                {
                    System.out.println("fleet member: published " + total + " requests in " +
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
                }
            }, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }

        stop.await();
        pacer.shutdownNow();
        pacer.awaitTermination(5, TimeUnit.SECONDS);
        metrics.close();
        System.out.println("fleet member: stopped after " + served.get() + " requests");
        stopped.countDown();
    }

    private static void exit(final String why)
    {
        System.err.println("fleet member: " + why);
        System.exit(2);
    }
}
