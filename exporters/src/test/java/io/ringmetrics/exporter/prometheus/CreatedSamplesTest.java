package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.Counter;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code _created} samples (issue 14, item 4): off by default, nothing changes; on, every counter and histogram
 * series carries the time it was registered, in both text formats and over HTTP. Byte equality with client_java's
 * writers is checked by {@link ExpositionWriterEquivalenceTest}; this test checks what the samples say.
 */
@Timeout(60)
class CreatedSamplesTest
{
    private static String text(final RingMetricsCollector collector, final boolean openMetrics) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (openMetrics)
        {
            collector.writeOpenMetrics(out);
        }
        else
        {
            collector.writeText(out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double value(final String exposition, final String sample)
    {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(exposition);
        assertTrue(m.find(), sample + " in:\n" + exposition);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void offByDefaultNoCreatedSampleAnywhere() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            Fixtures.service(engine);
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
            assertFalse(collector.created());
            for (final boolean openMetrics : new boolean[] { false, true })
            {
                assertFalse(text(collector, openMetrics).contains("_created"), "format openMetrics=" + openMetrics);
            }
        }
    }

    @Test
    void onEveryCounterAndHistogramSeriesCarriesItsRegistrationTime() throws IOException, InterruptedException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            final double before = System.currentTimeMillis() / 1000.0;
            final Counter get = engine.counter("requests_total", "method", "GET");
            final Histogram latency = engine.histogram("latency_seconds", "route", "/a");
            Thread.sleep(20);
            final double between = System.currentTimeMillis() / 1000.0;
            Thread.sleep(20);
            final Counter post = engine.counter("requests_total", "method", "POST");
            engine.gauge("temperature").set(3);
            get.increment();
            post.increment();
            latency.observe(0.2);
            final double after = System.currentTimeMillis() / 1000.0;
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).created(true).build();

            final String openMetrics = text(collector, true);
            final double getCreated = value(openMetrics, "requests_created{method=\"GET\"}");
            final double postCreated = value(openMetrics, "requests_created{method=\"POST\"}");
            assertTrue(before - 0.001 <= getCreated && getCreated <= between, "GET registered first: " + getCreated);
            assertTrue(between <= postCreated && postCreated <= after + 0.001, "POST later: " + postCreated);
            assertTrue(openMetrics.contains("requests_total{method=\"GET\"} 1.0\nrequests_created{method=\"GET\"} "),
                "OpenMetrics: right after its _total sample\n" + openMetrics);
            final double latencyCreated = value(openMetrics, "latency_seconds_created{route=\"/a\"}");
            assertTrue(before - 0.001 <= latencyCreated && latencyCreated <= between);
            assertTrue(openMetrics.contains("latency_seconds_sum{route=\"/a\"} 0.2\nlatency_seconds_created{"),
                "OpenMetrics: right after its _sum sample\n" + openMetrics);
            for (final String none : List.of("temperature_created", "latency_seconds_percentiles_created",
                "latency_seconds_max_created"))
            {
                assertFalse(openMetrics.contains(none), none + ": gauges and the percentile families have none");
            }

            final String text = text(collector, false);
            assertEquals(getCreated, value(text, "requests_created{method=\"GET\"}"), "the same value in both formats");
            assertTrue(text.contains("# TYPE requests_created gauge\n"), "text: a gauge family of its own\n" + text);
            assertTrue(text.indexOf("# TYPE requests_created gauge") > text.indexOf("# TYPE temperature gauge"),
                "text: after every other family, as client_java writes it");
        }
    }

    @Test
    void metricsExposeCreatedReachesTheScrapeEndpoint() throws IOException, InterruptedException
    {
        final MetricsSettings settings = EnvironmentConfig.from(Map.of("METRICS_EXPOSE_CREATED", "true",
            "METRICS_HTTP_PORT", "0"));
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking());
            PrometheusExporter exporter = PrometheusExporter.builder().settings(settings).build())
        {
            engine.counter("jobs_total").increment();
            exporter.start(engine);
            final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(2)).build();
            for (final String accept : new String[] { PrometheusExporterHttpTest.PROMETHEUS_ACCEPT, "text/plain" })
            {
                final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + exporter.port() + "/metrics")).header("Accept", accept).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertTrue(response.body().contains("\njobs_created "), accept + ":\n" + response.body());
            }
        }
    }
}
