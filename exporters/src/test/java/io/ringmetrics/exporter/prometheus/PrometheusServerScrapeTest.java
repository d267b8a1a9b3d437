package io.ringmetrics.exporter.prometheus;

import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.ringmetrics.Counter;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.it.FreePorts;
import io.ringmetrics.exporter.it.PrometheusServer;
import io.ringmetrics.store.HistogramSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus server (2.42, 127.0.0.1, temp config and TSDB, scrape every second) scrapes the exporter and
 * is queried through its HTTP API: {@code up == 1}, a counter equals what the test published (also after it
 * changed), {@code histogram_quantile} returns the expected bucket bound, the percentile summary is queryable,
 * and the number of series matches the exposition.
 * <p>
 * Prometheus 2.42 asks for OpenMetrics first, so the direct scrape checks the OpenMetrics output with
 * Prometheus' own parser; a second test puts a relay in front that forces the text format 0.0.4 (and records the
 * {@code Accept} header Prometheus really sends).
 */
@Timeout(120)
class PrometheusServerScrapeTest
{
    private static final Duration AWAIT = Duration.ofSeconds(30);
    private static final String NAMESPACE = "it";

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(2)).build();
    private MetricsEngine engine;
    private PrometheusExporter exporter;
    private Counter requests;

    @BeforeEach
    void start()
    {
        engine = MetricsEngine.start(Fixtures.blocking());
        requests = engine.counter("demo_requests_total", "Requests served.", new String[] { "route", "/a" });
        requests.increment(42);
        engine.counter("demo_requests_total", "Requests served.", new String[] { "route", "/b" }).increment(1);
        // 5 observations in (0, 0.1] and 5 in (0.1, 0.5]: rank 5 of 10 is exactly the top of the first bucket.
        final Histogram latency = engine.histogram("demo_latency_seconds", "Latency.",
            HistogramSpec.secondsWithBuckets(0.1, 0.5, 1, 5), new String[0]);
        for (final double v : new double[] { 0.01, 0.02, 0.03, 0.04, 0.05, 0.2, 0.3, 0.4, 0.45, 0.5 })
        {
            latency.observe(v);
        }
        engine.gauge("demo_queue_depth", "Queue depth.", new String[] { "queue", "q1" }).set(7);
        exporter = PrometheusExporter.builder().host("127.0.0.1").port(0).namespace(NAMESPACE).build();
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

    @Test
    void prometheusScrapesTheEndpointDirectly() throws Exception
    {
        try (PrometheusServer prom = PrometheusServer.start(exporter.port()))
        {
            assertQueries(prom);
        }
    }

    @Test
    void prometheusParsesTheTextFormatToo() throws Exception
    {
        final AtomicReference<String> prometheusAccept = new AtomicReference<>();
        final HttpServer relay = HttpServer.create(new InetSocketAddress(FreePorts.loopback(), 0), 0);
        relay.createContext("/metrics", exchange ->
        {
            prometheusAccept.set(exchange.getRequestHeaders().getFirst("Accept"));
            try
            {
                final HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
                    .header("Accept", "text/plain;version=0.0.4").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
                exchange.getResponseHeaders().set("Content-Type",
                    response.headers().firstValue("Content-Type").orElseThrow());
                exchange.sendResponseHeaders(response.statusCode(), response.body().length);
                try (OutputStream out = exchange.getResponseBody())
                {
                    out.write(response.body());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(500, -1);
            }
            finally
            {
                exchange.close();
            }
        });
        relay.start();
        try (PrometheusServer prom = PrometheusServer.start(relay.getAddress().getPort()))
        {
            assertQueries(prom);
            final String accept = prometheusAccept.get();
            assertTrue(accept.startsWith("application/openmetrics-text"), accept);
            assertSame(OpenMetricsTextFormatWriter.class, ExpositionFormats.init().findWriter(accept).getClass(),
                "so the direct scrape was OpenMetrics");
        }
        finally
        {
            relay.stop(0);
        }
    }

    private void assertQueries(final PrometheusServer prom) throws IOException, InterruptedException
    {
        assertEquals(1.0, prom.awaitScalar("up", v -> v == 1.0, AWAIT), prom::describe);
        assertEquals(42.0, prom.awaitScalar("it_demo_requests_total{route=\"/a\"}", v -> v == 42.0, AWAIT));
        assertEquals(1.0, prom.queryScalar("it_demo_requests_total{route=\"/b\"}"));
        assertEquals(7.0, prom.queryScalar("it_demo_queue_depth{queue=\"q1\"}"));

        assertEquals(0.1, prom.awaitScalar("histogram_quantile(0.5, it_demo_latency_seconds_bucket)",
            v -> !Double.isNaN(v), AWAIT), 1e-12);
        assertEquals(0.5, prom.queryScalar("histogram_quantile(1.0, it_demo_latency_seconds_bucket)"), 1e-12);
        assertEquals(10.0, prom.queryScalar("it_demo_latency_seconds_count"));
        assertEquals(0.5, prom.queryScalar("it_demo_latency_seconds_max"), 0.5 * 0.01);
        assertEquals(0.05, prom.queryScalar("it_demo_latency_seconds_percentiles{quantile=\"0.5\"}"), 0.05 * 0.01);

        // every series of the exposition, and nothing else, is in Prometheus
        final Samples exposition = Samples.of(fetchText());
        final int exposed = exposition.size();
        assertTrue(exposition.has("it_metrics_series"), "meta-metrics included");
        assertEquals(1.0, prom.queryScalar("it_metrics_series_limit") / 10_000);
        assertEquals(exposed, prom.querySeriesCount("{__name__=~\"it_.+\"}"));
        assertEquals((double)exposed, prom.queryScalar("scrape_samples_scraped"));

        // a later change shows up
        requests.increment(8);
        assertEquals(50.0, prom.awaitScalar("it_demo_requests_total{route=\"/a\"}", v -> v == 50.0, AWAIT));
        assertEquals(1.0, prom.queryScalar("up"));
    }

    private String fetchText() throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
