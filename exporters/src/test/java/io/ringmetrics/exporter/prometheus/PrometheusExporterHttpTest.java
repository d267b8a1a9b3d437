package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.exporter.CapturingLogger;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scrape endpoint over real HTTP on 127.0.0.1: content negotiation, gzip, health, HEAD, 404, 405, failures.
 */
@Timeout(60)
class PrometheusExporterHttpTest
{
    /** What Prometheus 2.42 sends. */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;" +
        "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private final HttpClient http = HttpClient.newBuilder()
        .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(2)).build();
    private MetricsEngine engine;
    private PrometheusExporter exporter;

    @BeforeEach
    void start()
    {
        engine = MetricsEngine.start(Fixtures.blocking());
        Fixtures.service(engine);
        exporter = PrometheusExporter.builder().port(0).build();
        exporter.start(engine);
    }

    @AfterEach
    void stop()
    {
        if (exporter != null)
        {
            exporter.close();
        }
        if (engine != null)
        {
            engine.close();
        }
    }

    private HttpResponse<byte[]> send(final String method, final String path, final String... headers)
        throws IOException, InterruptedException
    {
        return send(exporter, method, path, headers);
    }

    private HttpResponse<byte[]> send(
        final PrometheusExporter target, final String method, final String path, final String... headers)
        throws IOException, InterruptedException
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + target.port() + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2)
        {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String body(final HttpResponse<byte[]> response)
    {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static String header(final HttpResponse<?> response, final String name)
    {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void bindsLoopbackOnAnEphemeralPortByDefaultConfiguration()
    {
        assertEquals("127.0.0.1", PrometheusExporter.builder().build().host());
        assertEquals(8081, PrometheusExporter.builder().build().port());
        assertTrue(exporter.port() > 0);
        assertEquals("prometheus", exporter.name());
    }

    @Test
    void metricsDefaultsToTheTextFormat() throws Exception
    {
        final HttpResponse<byte[]> response = send("GET", "/metrics");
        assertEquals(200, response.statusCode());
        assertEquals(PrometheusTextFormatWriter.CONTENT_TYPE, header(response, "Content-Type"));
        final Samples s = Samples.of(body(response));
        assertEquals(100.0, s.value(
            "http_requests_total{endpoint=\"/api/v1/transcribe\",method=\"GET\",status=\"200\"}"));
        assertFalse(body(response).contains("# EOF"));
        assertEquals(null, header(response, "Content-Encoding"));

        final HttpResponse<byte[]> plain = send("GET", "/metrics?debug=1", "Accept", "text/plain");
        assertEquals(PrometheusTextFormatWriter.CONTENT_TYPE, header(plain, "Content-Type"));
    }

    @Test
    void openMetricsWhenAskedForAsPrometheusDoes() throws Exception
    {
        final HttpResponse<byte[]> response = send("GET", "/metrics", "Accept", PROMETHEUS_ACCEPT);
        assertEquals(200, response.statusCode());
        assertEquals(OpenMetricsTextFormatWriter.CONTENT_TYPE, header(response, "Content-Type"));
        final String text = body(response);
        assertTrue(text.endsWith("# EOF\n"), text);
        assertTrue(text.contains("# TYPE http_requests counter\n"), text);
    }

    @Test
    void gzipWhenAccepted() throws Exception
    {
        final HttpResponse<byte[]> plain = send("GET", "/metrics", "Accept", PROMETHEUS_ACCEPT);
        final HttpResponse<byte[]> gzipped = send("GET", "/metrics", "Accept", PROMETHEUS_ACCEPT,
            "Accept-Encoding", "gzip, deflate");
        assertEquals(200, gzipped.statusCode());
        assertEquals("gzip", header(gzipped, "Content-Encoding"));
        final byte[] inflated;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())))
        {
            inflated = in.readAllBytes();
        }
        assertArrayEquals(plain.body(), inflated);
        assertTrue(gzipped.body().length < plain.body().length);

        assertEquals(null, header(send("GET", "/metrics", "Accept-Encoding", "gzip;q=0"), "Content-Encoding"));
        assertEquals(null, header(send("GET", "/metrics", "Accept-Encoding", "br"), "Content-Encoding"));
    }

    @Test
    void healthAnswersOk() throws Exception
    {
        final HttpResponse<byte[]> response = send("GET", "/health");
        assertEquals(200, response.statusCode());
        assertEquals("OK", body(response));
        final HttpResponse<byte[]> head = send("HEAD", "/health");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
    }

    @Test
    void headOnMetricsHasHeadersButNoBody() throws Exception
    {
        final HttpResponse<byte[]> head = send("HEAD", "/metrics");
        assertEquals(200, head.statusCode());
        assertEquals(PrometheusTextFormatWriter.CONTENT_TYPE, header(head, "Content-Type"));
        assertEquals(0, head.body().length);
    }

    @Test
    void unknownPathsAre404() throws Exception
    {
        for (final String path : new String[] { "/", "/metrics/", "/metricsx", "/healthz", "/-/healthy", "/a/b" })
        {
            assertEquals(404, send("GET", path).statusCode(), path);
        }
        assertEquals(404, send("POST", "/nothing").statusCode());
    }

    @Test
    void otherMethodsAre405() throws Exception
    {
        for (final String method : new String[] { "POST", "PUT", "DELETE", "PATCH", "OPTIONS" })
        {
            for (final String path : new String[] { "/metrics", "/health" })
            {
                final HttpResponse<byte[]> response = send(method, path);
                assertEquals(405, response.statusCode(), method + ' ' + path);
                assertEquals("GET, HEAD", header(response, "Allow"));
            }
        }
    }

    @Test
    void fastPathAndClientJavaWritersServeTheSameBytes() throws Exception
    {
        final PrometheusExporter reference = PrometheusExporter.builder().port(0).fastPath(false).build();
        reference.start(engine);
        try
        {
            for (final String accept : new String[] { null, PROMETHEUS_ACCEPT })
            {
                final String[] headers = accept == null ? new String[0] : new String[] { "Accept", accept };
                send("GET", "/metrics", headers); // same meta-metric state for both from here on
                final HttpResponse<byte[]> fast = send("GET", "/metrics", headers);
                final HttpResponse<byte[]> slow = send(reference, "GET", "/metrics", headers);
                assertEquals(header(slow, "Content-Type"), header(fast, "Content-Type"));
                assertEquals(body(slow), body(fast));
            }
        }
        finally
        {
            reference.close();
        }
    }

    @Test
    void otherEscapingSchemesGoThroughClientJava() throws Exception
    {
        final String text = body(send("GET", "/metrics", "Accept", "text/plain;version=0.0.4;escaping=dots"));
        assertTrue(text.contains("http__requests__total{"), text);
    }

    @Test
    void concurrentScrapesAllSucceed() throws Exception
    {
        final List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < 24; i++)
        {
            responses.add(http.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + exporter.port() + (i % 3 == 0 ? "/health" : "/metrics")))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (final CompletableFuture<HttpResponse<byte[]>> response : responses)
        {
            assertEquals(200, response.get().statusCode());
        }
    }

    @Test
    void closedEngineAnswers503() throws Exception
    {
        engine.close();
        final HttpResponse<byte[]> response = send("GET", "/metrics");
        assertEquals(503, response.statusCode());
        final HttpResponse<byte[]> health = send("GET", "/health");
        assertEquals(503, health.statusCode(), "a closed engine records nothing: not healthy");
        assertEquals("Service Unavailable: the metrics engine is closed\n", body(health));
    }

    @Test
    void healthAnswers503WithTheCauseOnceTheWriterThreadDied() throws Exception
    {
        final java.util.concurrent.atomic.AtomicBoolean kill = new java.util.concurrent.atomic.AtomicBoolean();
        final org.agrona.concurrent.IdleStrategy killable = new org.agrona.concurrent.IdleStrategy()
        {
            @Override
            public void idle(final int workCount)
            {
                idle();
            }

            @Override
            public void idle()
            {
                if (kill.get())
                {
                    throw new IllegalStateException("writer killed by the test");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }

            @Override
            public void reset()
            {
            }
        };
        try (MetricsEngine dying = MetricsEngine.start(
            io.ringmetrics.EngineConfig.builder().customIdleStrategy(() -> killable).build()))
        {
            final PrometheusExporter served = PrometheusExporter.builder().port(0).build();
            served.start(dying);
            try
            {
                assertEquals(200, send(served, "GET", "/health").statusCode());
                kill.set(true);
                HttpResponse<byte[]> health = send(served, "GET", "/health");
                final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                while (health.statusCode() == 200 && System.nanoTime() < deadline)
                {
                    Thread.sleep(10);
                    health = send(served, "GET", "/health");
                }
                assertEquals(503, health.statusCode());
                assertEquals("Service Unavailable: the metrics writer thread died: java.lang.IllegalStateException: " +
                    "writer killed by the test\n", body(health));
                assertEquals(503, send(served, "HEAD", "/health").statusCode());
            }
            finally
            {
                served.close();
            }
        }
    }

    @Test
    void aSnapshotTimeoutAnswers503AndIsCounted() throws Exception
    {
        // 20 000 histogram series with observations take the writer well over 1 ms to snapshot (percentiles).
        final int series = 20_000;
        try (MetricsEngine slow = MetricsEngine.start(EngineConfig.builder()
            .backpressure(BackpressurePolicy.BLOCK)
            .snapshotTimeout(Duration.ofMillis(1))
            .limits(MetricsResourceConfig.builder().maxLabelCombinations(series).build())
            .build()))
        {
            for (int i = 0; i < series; i++)
            {
                slow.histogram("slow_seconds", "Slow to snapshot.", null, new String[] { "i", Integer.toString(i) })
                    .observe(i * 1e-4);
            }
            slow.flush(Duration.ofSeconds(30));
            final PrometheusExporter timed = PrometheusExporter.builder().port(0).build();
            timed.start(slow);
            try
            {
                // The 1 ms snapshot timeout also bounds a scrape's wait for a worker: on a loaded machine the first
                // worker thread can start later than that, and the answer is then a (counted) too_many_scrapes 503.
                // That is not what this test is about, so it asks again, a bounded number of times.
                HttpResponse<byte[]> response = send(timed, "GET", "/metrics");
                for (int attempt = 1; attempt < 20 && body(response).contains("too many scrapes"); attempt++)
                {
                    response = send(timed, "GET", "/metrics");
                }
                assertEquals(503, response.statusCode(), body(response));
                assertTrue(body(response).contains("snapshot"), body(response));
                assertTrue(slow.errors().total(ErrorType.SNAPSHOT_TIMEOUT) >= 1);
            }
            finally
            {
                timed.close();
            }
        }
    }

    @Test
    void settingsCarryTheExportLogSwitchAndLevelToTheErrorHandler() throws Exception
    {
        for (final boolean log : new boolean[] { true, false })
        {
            final CapturingLogger logger = new CapturingLogger();
            try (MetricsEngine conflicting = MetricsEngine.start(Fixtures.blocking()))
            {
                Fixtures.conflicts(conflicting);
                final PrometheusExporter logged = PrometheusExporter.builder().settings(EnvironmentConfig.from(Map.of(
                        "METRICS_HTTP_PORT", "0", "METRICS_LOG_EXPORT_ERRORS", Boolean.toString(log),
                        "METRICS_ERROR_LOG_LEVEL", "error")))
                    .errorLogger(logger).build();
                logged.start(conflicting);
                try
                {
                    assertEquals(200, send(logged, "GET", "/metrics").statusCode());
                    assertEquals(200, send(logged, "GET", "/metrics", "Accept", PROMETHEUS_ACCEPT).statusCode());
                    assertEquals(5, conflicting.errors().total(ErrorType.FORMAT_FAILED), "log=" + log);
                    if (log)
                    {
                        assertEquals(1, logger.lines.size(), logger.lines.toString());
                        assertEquals(Level.ERROR, logger.lines.get(0).level());
                        assertTrue(logger.lines.get(0).message().startsWith("Metrics export via prometheus failed: "),
                            logger.lines.get(0).message());
                    }
                    else
                    {
                        assertEquals(List.of(), logger.lines, "METRICS_LOG_EXPORT_ERRORS=false");
                    }
                }
                finally
                {
                    logged.close();
                }
            }
        }
    }

    @Test
    void aPortInUseIsAConfigurationError()
    {
        final PrometheusExporter second = PrometheusExporter.builder().port(exporter.port()).build();
        final ConfigurationException ex = assertThrows(ConfigurationException.class, () -> second.start(engine));
        assertEquals(ErrorType.INVALID_CONFIG, ex.errorType());
        assertTrue(ex.getMessage().contains("127.0.0.1:" + exporter.port()), ex.getMessage());
        second.close();
    }

    @Test
    void builderRejectsBadSettings()
    {
        assertThrows(IllegalArgumentException.class, () -> PrometheusExporter.builder().port(-1));
        assertThrows(IllegalArgumentException.class, () -> PrometheusExporter.builder().port(65_536));
        assertThrows(IllegalArgumentException.class, () -> PrometheusExporter.builder().host(" "));
        assertThrows(IllegalArgumentException.class, () -> PrometheusExporter.builder().threads(0));
    }

    @Test
    void closeIsIdempotentAndStopsServing() throws Exception
    {
        final int port = exporter.port();
        exporter.close();
        exporter.close();
        assertThrows(IOException.class, () -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding()));
    }
}
