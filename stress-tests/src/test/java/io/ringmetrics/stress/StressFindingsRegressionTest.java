package io.ringmetrics.stress;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.writer.WriterIdleStrategy;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Minimal reproductions of the bugs the stress tests found, all fixed, kept as regression tests. A new finding that
 * is not fixed yet is tagged {@code known-bug} (excluded from the default build; run it with
 * {@code -Dgroups=known-bug -DexcludedGroups=none}).
 */
class StressFindingsRegressionTest
{
    /**
     * {@code SeriesRegistry.register} calls {@code find()} before validating; {@code find()} did
     * {@code families.get(name)} on a {@code ConcurrentHashMap}, which throws {@link NullPointerException} for a
     * {@code null} key. Expected: {@code ValidationException(INVALID_NAME)}, as {@code NameRules.checkMetricName}
     * would give.
     */
    @Test
    void nullMetricNameIsAValidationErrorNotANullPointerException()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            final MetricsException ex = assertThrows(MetricsException.class, () -> engine.counter(null));
            assertEquals(ErrorType.INVALID_NAME, ex.errorType());
        }
    }

    /**
     * Same cause through the Metrics API: {@code Metrics.update} calls {@code registry().find()} outside its
     * try/catch, so the {@link NullPointerException} escaped silent mode.
     */
    @Test
    void silentModeDoesNotThrowForANullMetricName()
    {
        try (Metrics metrics = silentMetrics())
        {
            assertDoesNotThrow(() -> metrics.increment(null));
        }
    }

    /**
     * Once a metric with a label exists, a {@code null} value for that label reached
     * {@code LabelIndex.hashPairs}, which called {@code valueOf(name, pairs).hashCode()} on {@code null}
     * (lookup path, before validation). Expected: {@code ValidationException(INVALID_LABEL_VALUE)} from
     * {@code NameRules.checkLabelValue}, which handles {@code null}.
     */
    @Test
    void nullLabelValueOfAnExistingMetricIsAValidationError()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            engine.counter("requests_total", "method", "GET");
            final String[] pairs = { "method", null }; // an array: ("method", null) would pick counter(name, help, pairs)
            final MetricsException ex = assertThrows(MetricsException.class, () -> engine.counter("requests_total", pairs));
            assertEquals(ErrorType.INVALID_LABEL_VALUE, ex.errorType());
        }
    }

    /** Same cause through a convenience method: the NPE escaped silent mode on the second call. */
    @Test
    void silentModeDoesNotThrowForANullLabelValue()
    {
        try (Metrics metrics = silentMetrics())
        {
            metrics.recordHttpRequest("/api", "GET", "200", 0.1);
            assertDoesNotThrow(() -> metrics.recordHttpRequest(null, "GET", "200", 0.1));
        }
    }

    /**
     * {@code MetricsEngine.stats()} is documented as usable while running and after close, but while another
     * thread was inside {@code close()} ({@code closed} already set, writer not yet terminated) it went through
     * {@code snapshot()} and {@code ensureOpen()} threw {@code ResourceLimitException(ENGINE_CLOSED)}. JCStress
     * {@code CloseTests.StatsVsClose} saw it in 1-35 % of iterations; this loop reproduced it within a few
     * attempts.
     */
    @Test
    void statsDuringCloseDoesNotThrow() throws Exception
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int attempt = 0; attempt < 300 && failure.get() == null; attempt++)
        {
            final MetricsEngine engine = MetricsEngine.start(
                EngineConfig.builder().idleStrategy(WriterIdleStrategy.YIELD).build());
            final Thread closer = new Thread(engine::close);
            closer.start();
            while (closer.isAlive() && failure.get() == null)
            {
                try
                {
                    engine.stats();
                }
                catch (final RuntimeException ex)
                {
                    failure.set(ex);
                }
            }
            closer.join();
        }
        assertNull(failure.get(), () -> "stats() threw during close(): " + failure.get());
    }

    /**
     * Hostile counter increments: every increment is non-negative, yet the counter wrapped to a negative value once
     * the total passed {@link Long#MAX_VALUE} ({@code ValueStore.addLong} was a plain {@code +}). A counter must never go
     * backwards nor be exported negative; saturating at {@code Long.MAX_VALUE} or dropping the update as
     * {@code invalid_value} would both satisfy this test.
     */
    @Test
    void counterNeverWrapsNegative()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            final Counter counter = engine.counter("bytes_total");
            counter.increment(Long.MAX_VALUE);
            final long before = engine.snapshot().counter("bytes_total");
            counter.increment(1);
            final long after = engine.snapshot().counter("bytes_total");
            assertTrue(after >= before, "counter went backwards: " + before + " -> " + after);
        }
    }

    /**
     * {@code MetricsEngine.remove(null, type)} reached {@code SeriesRegistry.remove}, whose
     * {@code families.get(name)} threw {@link NullPointerException} for a {@code null} key (fixed in 73bb26d).
     * Expected: a {@code MetricsException} ({@code UNKNOWN_METRIC} or {@code INVALID_NAME}).
     */
    @Test
    void removeOfANullNameIsRefusedNotANullPointerException()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            assertThrows(MetricsException.class, () -> engine.remove(null, MetricType.COUNTER));
        }
    }

    /**
     * Same cause through the Metrics API: {@code Metrics.remove} catches only {@code MetricsException}, so
     * {@code removeCounter(null)} let the {@link NullPointerException} escape silent mode (fixed in 73bb26d).
     */
    @Test
    void silentModeDoesNotThrowForRemovingANullName()
    {
        try (Metrics metrics = silentMetrics())
        {
            assertDoesNotThrow(() -> metrics.removeCounter(null));
        }
    }

    /**
     * FIXED (registration waits, bounded and outside any lock, for slots still on their way back from the writer).
     * Removing a metric and registering it again in a loop was refused with
     * {@code ResourceLimitException(label_combination_limit_exceeded, "no slot left for the overflow series")}
     * although neither limit is reached: {@code remove()} gives the series budget back at once, but the slot only
     * when the writer applies the {@code FREE_SERIES} control op. The slot allocator's slack
     * ({@code SeriesRegistry.slotCapacity}: {@code max_label_combinations + max_metrics + 64}) is smaller than what
     * a remover can have in flight (up to a ring's worth), so {@code SlotAllocator.allocate()} returns -1 in
     * {@code SeriesRegistry.register} and then in {@code overflowSeries}. Found by {@code ExporterUnderLoadTest}
     * (a remove/re-register loop). Expected: a registration below the limits succeeds (e.g. wait for the in-flight
     * releases before refusing).
     */
    @Test
    void registrationRightAfterRemovalIsNotRefusedBelowTheLimits()
    {
        final EngineConfig config = EngineConfig.builder()
            .limits(io.ringmetrics.limits.MetricsResourceConfig.builder().maxMetrics(2).maxLabelCombinations(2).build())
            .build();
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            for (int i = 0; i < 100_000; i++)
            {
                final int cycle = i;
                assertDoesNotThrow(() -> engine.counter("churn_total").increment(),
                    () -> "cycle " + cycle + ": one metric and one series of limits 2/2");
                engine.remove("churn_total", MetricType.COUNTER);
            }
        }
    }

    /**
     * FIXED (connection threads grow to 32, renders are bounded separately, and a request not received within 10 s
     * is cut). Two HTTP clients that send a partial request (request line and one header, no blank line) and then
     * stall make {@code /metrics} unavailable until they disconnect: the JDK {@code com.sun.net.httpserver} reads
     * the request headers on an executor thread, with no time limit by default
     * ({@code sun.net.httpserver.maxReqTime} is -1), and {@code PrometheusExporter.start} gives it a pool of
     * {@code threads} (default 2) threads. Found by {@code ExporterUnderLoadTest}'s hostile clients (a scrape timed
     * out after 3 s while 4 such clients were connected; it answered again once they closed). Expected: a scrape
     * still answers within a few seconds.
     */
    @Test
    void stalledPartialRequestsDoNotBlockScrapes() throws Exception
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            final PrometheusExporter exporter = PrometheusExporter.builder().port(0).build();
            exporter.start(engine);
            final List<Socket> stalled = new ArrayList<>();
            try
            {
                for (int i = 0; i < 2; i++)
                {
                    final Socket socket = new Socket("127.0.0.1", exporter.port());
                    socket.getOutputStream().write(
                        "GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    stalled.add(socket);
                }
                Thread.sleep(100);
                final HttpRequest request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + exporter.port() + "/metrics")).timeout(Duration.ofSeconds(5)).build();
                final HttpResponse<String> response = assertDoesNotThrow(() -> HttpClient.newHttpClient()
                    .send(request, HttpResponse.BodyHandlers.ofString()), "scrape while 2 clients stall");
                assertEquals(200, response.statusCode());
            }
            finally
            {
                for (final Socket socket : stalled)
                {
                    socket.close();
                }
                exporter.close();
            }
        }
    }

    private static Metrics silentMetrics()
    {
        Logger.getLogger("io.ringmetrics").setLevel(Level.OFF);
        return new Metrics(MetricsEngine.start(), new HostileInputPropertiesTest.NoExporter(),
            MetricsErrorConfig.DEFAULTS);
    }
}
