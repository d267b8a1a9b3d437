package io.ringmetrics.stress;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.exporter.statsd.StatsdConfig;
import io.ringmetrics.exporter.statsd.StatsdExporter;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.ring.BackpressurePolicy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exporters under load, loopback only, bounded in time ({@code -Dstress.seconds=N}, default 3).
 * <ul>
 *   <li>Prometheus: publishers with thread and label-set churn, metric removal, and hostile HTTP clients (silent
 *       connections, garbage requests) while a scraper reads {@code /metrics} in a tight loop: every body passes
 *       the strict format check ({@link ExpositionCheck}) and, for the first, a middle and the last body,
 *       {@code promtool check metrics}; counters and histogram counts never go backwards between scrapes; scrapes
 *       keep answering; the final scrape holds exactly what was published; no export error.</li>
 *   <li>StatsD: the daemon is absent (nothing bound: every flush is refused), then present: refusals are counted
 *       as {@code connection_refused}, publishers never block, and once the daemon is there it receives every
 *       counter increment made while it was absent and after, exactly once.</li>
 * </ul>
 */
class ExporterUnderLoadTest
{
    private static final long SECONDS = Long.getLong("stress.seconds", 3);
    private static final String[] ODD_VALUES = { "a b", "x=y,z", "{}", "ü😀", "#x", "é.:/" };

    @Test
    void scrapesStayWellFormedAndMonotonicUnderLoadAndHostileClients() throws Exception
    {
        Logger.getLogger("io.ringmetrics").setLevel(Level.SEVERE);
        final MetricsEngine engine = MetricsEngine.start(EngineConfig.builder()
            .backpressure(BackpressurePolicy.BLOCK)
            .ringSize(1024)
            .limits(MetricsResourceConfig.builder().maxMetrics(30).maxLabelCombinations(200).build())
            .build());
        final PrometheusExporter exporter = PrometheusExporter.builder().port(0).threads(2)
            .errors(MetricsErrorConfig.builder().logExportErrors(false).build()).build();
        exporter.start(engine);
        final URI uri = URI.create("http://127.0.0.1:" + exporter.port() + PrometheusExporter.METRICS_PATH);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong threadsStarted = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Counter[] fixed = new Counter[3];
        for (int w = 0; w < fixed.length; w++)
        {
            fixed[w] = engine.counter("requests_total", "worker", "w" + w, "path", ODD_VALUES[w]);
        }
        final Gauge inFlight = engine.gauge("in_flight");
        final Histogram latency = engine.histogram("request_duration_seconds", "route", ODD_VALUES[3]);

        final List<Thread> background = new ArrayList<>();
        background.add(start("stress-remover", () ->
        {
            for (int i = 0; running.get(); i++)
            {
                final String name = "tmp_" + (i & 3) + "_total";
                final String value = ODD_VALUES[i % ODD_VALUES.length];
                registering(engine, () -> engine.counter(name, "k", value)).increment();
                engine.remove(name, MetricType.COUNTER);
                if ((i & 15) == 15)
                {
                    // Keep at most 16 slot releases in flight: more would exhaust the allocator's slack and make
                    // the publishers' registrations fail too (open bug, see registering()).
                    engine.flush();
                }
            }
        }, failures));
        final List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            silent.add(new Socket("127.0.0.1", exporter.port())); // connect and never send a byte
        }
        final AtomicLong garbage = new AtomicLong();
        background.add(start("stress-garbage", () -> sendGarbage(exporter.port(), running, garbage), failures));

        final Scraper scraper = new Scraper(uri);
        final Thread scraping = start("stress-scraper", () ->
        {
            while (running.get())
            {
                scraper.scrape();
            }
        }, failures);

        final Thread[] workers = new Thread[3];
        while (System.nanoTime() < deadline && failures.isEmpty())
        {
            for (int w = 0; w < workers.length; w++)
            {
                if (workers[w] == null || !workers[w].isAlive())
                {
                    final Counter counter = fixed[w];
                    threadsStarted.incrementAndGet();
                    workers[w] = start("stress-publisher", () ->
                    {
                        final ThreadLocalRandom random = ThreadLocalRandom.current();
                        final int rounds = random.nextInt(1_000, 20_000);
                        for (int i = 0; i < rounds; i++)
                        {
                            counter.increment();
                            inFlight.set(random.nextInt(100));
                            latency.observe(random.nextDouble());
                            if ((i & 255) == 0)
                            {
                                final String user = "u" + random.nextInt(1_000);
                                final String path = ODD_VALUES[random.nextInt(ODD_VALUES.length)];
                                registering(engine, () -> engine.counter("users_total", "user", user, "path", path))
                                    .increment();
                            }
                        }
                        requests.addAndGet(rounds);
                    }, failures);
                }
            }
            Thread.sleep(1);
        }
        for (final Thread worker : workers)
        {
            if (worker != null)
            {
                worker.join();
            }
        }
        running.set(false);
        scraping.join();
        for (final Thread thread : background)
        {
            thread.join();
        }
        for (final Socket socket : silent)
        {
            socket.close();
        }
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);

        // The final scrape reflects everything published (BLOCK: nothing dropped).
        engine.flush();
        final String last = scraper.scrape();
        long total = 0;
        long refusedGarbage = 0;
        for (final ExpositionCheck.Sample s : ExpositionCheck.parse(last))
        {
            if (s.name.equals("requests_total"))
            {
                total += (long)s.value;
            }
            if (s.name.equals("metrics_export_errors_total"))
            {
                // the garbage thread's requests are refused and counted (bad_request, request_too_large), and the
                // silent connections are cut after the request timeout in longer runs; nothing else may fail
                if (s.key().contains("bad_request") || s.key().contains("request_too_large"))
                {
                    refusedGarbage += (long)s.value;
                }
                else if (!s.key().contains("request_timeout"))
                {
                    assertEquals(0.0, s.value, "no export error expected: " + s.key());
                }
            }
        }
        assertEquals(requests.get(), total, "final scrape holds every increment");
        assertTrue(refusedGarbage > 0, "malformed requests are counted by reason");
        assertTrue(last.contains("users_total{overflow=\"true\"}"), "max_label_combinations was reached");
        assertTrue(scraper.scrapes >= 5, "scrapes: " + scraper.scrapes); // CPU-bound box: all threads compete
        assertTrue(scraper.maxMillis < 5_000, "slowest scrape " + scraper.maxMillis + " ms");
        for (final String body : List.of(scraper.first, scraper.middle, last))
        {
            final String promtool = ExpositionCheck.promtool(body);
            assertTrue(promtool.trim().equals("0:"), () -> "promtool check metrics: " + promtool + "\n" + body);
        }
        System.out.printf("ExporterUnderLoadTest prometheus: %d s, %d publisher threads, %d scrapes (slowest %d ms," +
            " last %d bytes), %d garbage requests, 6 silent connections, %d increments%n", SECONDS,
            threadsStarted.get(), scraper.scrapes, scraper.maxMillis, last.length(), garbage.get(), requests.get());
        exporter.close();
        engine.close();
    }

    @Test
    void statsdAbsentThenPresentLosesNoCounterIncrement() throws Exception
    {
        Logger.getLogger("io.ringmetrics").setLevel(Level.SEVERE);
        final int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            port = probe.getLocalPort(); // free now; nothing listens there until the daemon "comes up"
        }
        final MetricsEngine engine = MetricsEngine.start(EngineConfig.builder()
            .backpressure(BackpressurePolicy.BLOCK).build());
        final StatsdExporter exporter = new StatsdExporter(StatsdConfig.builder()
            .host("127.0.0.1").port(port).flushInterval(Duration.ofMillis(20))
            .maxPacketSize(StatsdConfig.MAX_PACKET_SIZE) // one datagram per flush: no partial-flush double count
            .errors(MetricsErrorConfig.builder().logExportErrors(false).build())
            .build());
        exporter.start(engine);
        final Counter jobs = engine.counter("jobs_total");
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong published = new AtomicLong();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final List<Thread> publishers = new ArrayList<>();
        for (int t = 0; t < 2; t++)
        {
            publishers.add(start("stress-statsd-publisher", () ->
            {
                long n = 0;
                while (running.get())
                {
                    jobs.increment();
                    n++;
                    if ((n & 1023) == 0)
                    {
                        Thread.yield();
                    }
                }
                published.addAndGet(n);
            }, failures));
        }

        final long absentMillis = Math.max(500, TimeUnit.SECONDS.toMillis(SECONDS) / 2);
        Thread.sleep(absentMillis);
        final long refused = engine.errors().total(ErrorType.CONNECTION_REFUSED);
        final long publishedWhileAbsent = engine.snapshot().counter("jobs_total");

        final Daemon daemon = new Daemon(port);
        final Thread receiving = start("stress-statsd-daemon", daemon, failures);
        Thread.sleep(absentMillis);
        running.set(false);
        for (final Thread publisher : publishers)
        {
            publisher.join();
        }
        exporter.close(); // final flush of everything published before close
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (daemon.total("jobs_total") < published.get() && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        daemon.stop();
        receiving.join();
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
        assertTrue(refused > 0, "flushes while the daemon was absent are counted as connection_refused");
        assertTrue(publishedWhileAbsent > 0, "publishers kept going while the daemon was absent");
        assertEquals(published.get(), engine.snapshot().counter("jobs_total"), "engine total");
        assertEquals(published.get(), daemon.total("jobs_total"),
            "the daemon got every increment exactly once, including those made while it was absent");
        System.out.printf("ExporterUnderLoadTest statsd: absent %d ms (%d refusals, %d increments), then present " +
            "%d ms; daemon received %d datagrams, jobs_total %d = published %d%n", absentMillis, refused,
            publishedWhileAbsent, absentMillis, daemon.datagrams, daemon.total("jobs_total"), published.get());
        engine.close();
    }

    /**
     * Registers; if refused for lack of slots, waits for the writer to release the slots of removed metrics and
     * tries once more. The remover's churn keeps up to a ring's worth of slot releases in flight, more than the
     * allocator's slack, and then any registration, of any metric, is refused (open bug, see
     * StressFindingsRegressionTest.registrationRightAfterRemovalIsNotRefusedBelowTheLimits).
     */
    private static Counter registering(final MetricsEngine engine, final java.util.function.Supplier<Counter> register)
    {
        try
        {
            return register.get();
        }
        catch (final ResourceLimitException ex)
        {
            engine.flush();
            return register.get();
        }
    }

    private static Thread start(final String name, final ThrowingRunnable body,
        final ConcurrentLinkedQueue<Throwable> failures)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable t)
            {
                failures.add(t);
            }
        }, name);
        thread.start();
        return thread;
    }

    /** A runnable that may throw. */
    @FunctionalInterface
    private interface ThrowingRunnable
    {
        void run() throws Exception;
    }

    /** Connects, sends one malformed request, reads whatever comes back, closes; in a loop. */
    private static void sendGarbage(final int port, final AtomicBoolean running, final AtomicLong sent)
        throws IOException
    {
        final byte[][] payloads = {
            "BLAH\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            "GET /metrics HTTP/9.9\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            "GET /metrics\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            ("GET /metrics HTTP/1.1\r\nX: " + "y".repeat(70_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
            "POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII),
            new byte[] { 0, 1, 2, 3, (byte)0xff, (byte)0xfe, '\r', '\n', '\r', '\n' },
        };
        for (int i = 0; running.get(); i++)
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                socket.setSoTimeout(2_000);
                final OutputStream out = socket.getOutputStream();
                out.write(payloads[i % payloads.length]);
                sent.incrementAndGet();
                out.flush();
                socket.shutdownOutput();
                final InputStream in = socket.getInputStream();
                final byte[] buffer = new byte[4096];
                while (in.read(buffer) >= 0)
                {
                    // drain until the server closes
                }
            }
            catch (final SocketTimeoutException | java.net.SocketException ex)
            {
                // the server may reset or not answer garbage: fine, as long as scrapes keep working
            }
        }
    }

    /** Scrapes {@code /metrics}, checks every body and monotonicity against the previous scrapes. */
    private static final class Scraper
    {
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final HttpRequest request;
        private final Map<String, Double> monotonic = new HashMap<>();
        volatile int scrapes;
        volatile long maxMillis;
        volatile String first;
        volatile String middle;

        Scraper(final URI uri)
        {
            this.request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        }

        synchronized String scrape() throws IOException, InterruptedException
        {
            final long start = System.nanoTime();
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            maxMillis = Math.max(maxMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            assertEquals(200, response.statusCode(), response::body);
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            final String body = response.body();
            for (final ExpositionCheck.Sample s : ExpositionCheck.parse(body))
            {
                final boolean counting = "counter".equals(s.type) ||
                    "histogram".equals(s.type) && (s.name.endsWith("_count") || s.name.endsWith("_bucket"));
                if (counting && !s.family.startsWith("tmp_")) // tmp_* are removed and registered again
                {
                    final Double previous = monotonic.put(s.key(), s.value);
                    if (previous != null && s.value < previous)
                    {
                        throw new AssertionError(s.key() + " went from " + previous + " to " + s.value);
                    }
                }
            }
            scrapes++;
            if (first == null)
            {
                first = body;
            }
            else if (scrapes == 10)
            {
                middle = body;
            }
            return body;
        }
    }

    /** A StatsD daemon on a UDP port: sums counter lines ({@code key:delta|c}) per key. */
    private static final class Daemon implements ThrowingRunnable
    {
        private final DatagramSocket socket;
        private final Map<String, Double> counters = new HashMap<>();
        private volatile boolean running = true;
        volatile long datagrams;

        Daemon(final int port) throws IOException
        {
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            this.socket.setSoTimeout(50);
        }

        @Override
        public void run() throws IOException
        {
            final byte[] buffer = new byte[65_535];
            try
            {
                while (running)
                {
                    final DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try
                    {
                        socket.receive(packet);
                    }
                    catch (final SocketTimeoutException ex)
                    {
                        continue;
                    }
                    datagrams++;
                    final String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                    for (final String line : text.split("\n"))
                    {
                        final int colon = line.lastIndexOf(':');
                        if (line.endsWith("|c") && colon > 0)
                        {
                            final double delta = Double.parseDouble(line.substring(colon + 1, line.length() - 2));
                            synchronized (counters)
                            {
                                counters.merge(line.substring(0, colon), delta, Double::sum);
                            }
                        }
                    }
                }
            }
            finally
            {
                socket.close();
            }
        }

        long total(final String key)
        {
            synchronized (counters)
            {
                return (long)(double)counters.getOrDefault(key, 0.0);
            }
        }

        void stop()
        {
            running = false;
        }
    }
}
