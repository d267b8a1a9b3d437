package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.it.PrometheusServer;
import io.ringmetrics.store.HistogramSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Prometheus (Debian's 2.42, 127.0.0.1) with {@code --enable-feature=native-histograms} scrapes the exporter
 * over protobuf: {@code histogram_quantile(0.99, rate(x[1m]))} on the native series is within the schema's relative
 * error of the exact 0.99 quantile of the observed values. A second job scrapes the same endpoint in OpenMetrics
 * (2.42 has no {@code scrape_classic_histograms}: a protobuf scrape with native buckets is stored as native only), and
 * finds the classic buckets.
 * <p>
 * With {@code --enable-feature=exemplar-storage}, {@code /api/v1/query_exemplars} returns the latest exemplar of each
 * classic bucket.
 * <p>
 * The same values are observed twice, the second time after Prometheus has seen the first, so whatever scrapes the
 * rate's window holds, its increase is a whole number of copies of the batch: the reference quantile is the batch's.
 */
@Timeout(120)
class NativeHistogramPrometheusTest
{
    private static final Duration AWAIT = Duration.ofSeconds(40);

    @Test
    void prometheusComputesQuantilesFromTheNativeBuckets() throws Exception
    {
        final double[] batch = NativeHistogramProtobufTest.latencies(11, 20_000);
        final double[] sorted = batch.clone();
        Arrays.sort(sorted);
        final double p99 = sorted[(int)Math.ceil(0.99 * sorted.length) - 1];

        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            final Histogram latency = engine.histogram("native_latency_seconds", "Latency.",
                HistogramSpec.DEFAULT_SECONDS, new String[0]);
            final PrometheusExporter exporter = PrometheusExporter.builder().host("127.0.0.1").port(0).build();
            exporter.start(engine);
            final Map<String, String> jobs = new LinkedHashMap<>();
            try (OpenMetricsRelay relay = new OpenMetricsRelay(exporter.port()))
            {
                jobs.put("native", exporter.port() + "/metrics");
                jobs.put("classic", relay.port() + "/metrics");
                try (PrometheusServer prom = PrometheusServer.start(jobs,
                    List.of("--enable-feature=native-histograms", "--enable-feature=exemplar-storage")))
                {
                    observe(latency, batch);
                    prom.awaitScalar("histogram_count(native_latency_seconds{job=\"native\"})",
                        v -> v == batch.length, AWAIT);
                    observe(latency, batch);
                    prom.awaitScalar("histogram_count(native_latency_seconds{job=\"native\"})",
                        v -> v == 2 * batch.length, AWAIT);

                    final int schema = ProtobufScrape.scrape(exporter.port()).get("native_latency_seconds")
                        .getMetric(0).getHistogram().getSchema();
                    final double relativeError = Math.pow(2, Math.pow(2, -schema)) - 1;
                    final double quantile = prom.queryScalar(
                        "histogram_quantile(0.99, rate(native_latency_seconds{job=\"native\"}[1m]))");
                    assertTrue(Math.abs(quantile - p99) <= relativeError * p99,
                        "native p99 " + quantile + " vs exact " + p99 + " at schema " + schema +
                            " (relative error allowed " + relativeError + ")");

                    // classic-only scrapers still get the classic buckets: 11 bounds + Inf
                    prom.awaitQuery("native_latency_seconds_bucket{job=\"classic\"}",
                        samples -> samples.size() == HistogramSpec.DEFAULT_BUCKETS.length + 1, AWAIT);
                    assertEquals(2.0 * batch.length,
                        prom.awaitScalar("native_latency_seconds_count{job=\"classic\"}",
                            v -> v == 2 * batch.length, AWAIT));

                    // the exemplars (OpenMetrics job: 2.42 takes no exemplars from a native histogram): exactly the
                    // latest of each classic bucket, computed here from the batch
                    final Set<String> expected = new TreeSet<>();
                    final double[] bounds = HistogramSpec.DEFAULT_BUCKETS;
                    final String[] latest = new String[bounds.length + 1];
                    for (int i = EXEMPLAR_EVERY - 1; i < batch.length; i += EXEMPLAR_EVERY)
                    {
                        int bucket = 0;
                        while (bucket < bounds.length && batch[i] > bounds[bucket])
                        {
                            bucket++;
                        }
                        latest[bucket] = traceId(i);
                    }
                    for (final String id : latest)
                    {
                        if (id != null)
                        {
                            expected.add(id);
                        }
                    }
                    final String exemplars = awaitExemplars(prom, "native_latency_seconds_bucket{job=\"classic\"}",
                        expected.size());
                    final Set<String> served = new TreeSet<>();
                    final Matcher ids = Pattern.compile("\"trace_id\":\"([0-9a-f]{32})\"").matcher(exemplars);
                    while (ids.find())
                    {
                        served.add(ids.group(1));
                    }
                    assertEquals(expected, served, exemplars);
                }
            }
            finally
            {
                exporter.close();
            }
        }
    }

    private static final int EXEMPLAR_EVERY = 1000;

    /** Every {@link #EXEMPLAR_EVERY}th value with an exemplar: the same values, so the same quantiles. */
    private static void observe(final Histogram histogram, final double[] values)
    {
        for (int i = 0; i < values.length; i++)
        {
            if (i % EXEMPLAR_EVERY == EXEMPLAR_EVERY - 1)
            {
                histogram.observe(values[i], traceId(i), "00000000000000aa");
            }
            else
            {
                histogram.observe(values[i]);
            }
        }
    }

    private static String traceId(final int i)
    {
        return String.format("%032x", i + 1);
    }

    private static String awaitExemplars(final PrometheusServer prom, final String selector, final int series)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        String json = prom.queryExemplars(selector);
        while (json.split("seriesLabels", -1).length - 1 < series && System.nanoTime() < deadline)
        {
            Thread.sleep(200);
            json = prom.queryExemplars(selector);
        }
        assertTrue(json.contains("\"span_id\":\"00000000000000aa\""), json);
        return json;
    }
}
