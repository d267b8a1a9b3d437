package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.it.Promtool;
import io.ringmetrics.store.HistogramSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exemplars served: in OpenMetrics on the bucket each falls in (well-formed for the strict checker), in protobuf on
 * the classic buckets, and not in the text format 0.0.4, which stays lint-clean.
 */
@Timeout(60)
class ExemplarExpositionTest
{
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void exemplarsAreServedInOpenMetricsAndProtobuf() throws Exception
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            final Histogram h = engine.histogram("checkout_seconds", "Checkout.",
                HistogramSpec.secondsWithBuckets(0.1, 1.0), new String[] { "route", "/pay" });
            h.observe(0.05);
            h.observe(0.07, TRACE, SPAN);
            h.observe(0.4, 1L, 2L, 3L);
            engine.counter("payments_total", "Payments.", new String[0]).increment(3, 0xAL, 0xBL, 0xCL);
            final PrometheusExporter exporter = PrometheusExporter.builder().host("127.0.0.1").port(0).build();
            exporter.start(engine);
            try
            {
                final String om = get(exporter.port(), "application/openmetrics-text;version=1.0.0");
                assertEquals(List.of(), OpenMetricsStructureTest.check(om), om);
                final Matcher first = Pattern.compile("checkout_seconds_bucket\\{route=\"/pay\",le=\"0.1\"} 2 # " +
                    "\\{span_id=\"" + SPAN + "\",trace_id=\"" + TRACE + "\"} 0.07 (\\d+\\.\\d+)\n").matcher(om);
                assertTrue(first.find(), om);
                assertTrue(Math.abs(Double.parseDouble(first.group(1)) * 1000 - System.currentTimeMillis()) < 60_000);
                assertTrue(om.contains("checkout_seconds_bucket{route=\"/pay\",le=\"1.0\"} 3 # {span_id=\"" +
                    "0000000000000003\",trace_id=\"00000000000000010000000000000002\"} 0.4 "), om);
                assertTrue(om.contains("checkout_seconds_bucket{route=\"/pay\",le=\"+Inf\"} 3\n"), om);
                assertTrue(om.contains("payments_total 3.0 # {span_id=\"000000000000000c\"," +
                    "trace_id=\"000000000000000a000000000000000b\"} 3.0 "), om);

                final String text = get(exporter.port(), "text/plain;version=0.0.4");
                assertFalse(text.contains("trace_id"), text);
                Promtool.assertClean(text);

                final Metrics.Histogram proto = ProtobufScrape.scrape(exporter.port()).get("checkout_seconds")
                    .getMetric(0).getHistogram();
                final Metrics.Exemplar exemplar = proto.getBucket(0).getExemplar();
                final Map<String, String> labels = new HashMap<>();
                exemplar.getLabelList().forEach(l -> labels.put(l.getName(), l.getValue()));
                assertEquals(Map.of("trace_id", TRACE, "span_id", SPAN), labels);
                assertEquals(0.07, exemplar.getValue());
                assertEquals(0.4, proto.getBucket(1).getExemplar().getValue());
                assertEquals(3.0, ProtobufScrape.scrape(exporter.port()).get("payments_total").getMetric(0)
                    .getCounter().getExemplar().getValue());
            }
            finally
            {
                exporter.close();
            }
        }
    }

    private static String get(final int port, final String accept) throws Exception
    {
        final HttpResponse<String> response = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", accept).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }
}
