package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.store.HistogramSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The protobuf exposition (what Prometheus asks for with native histograms on), parsed back with client_java's
 * protobuf classes: each histogram has native buckets whose counts equal a reference exponential bucketing of the
 * observed values computed here, plus its classic buckets; the text and OpenMetrics outputs do not change.
 */
@Timeout(60)
class NativeHistogramProtobufTest
{
    /** Smallest {@code i} with {@code v <= 2^(i / 2^schema)}, by logarithm then corrected. */
    static int referenceIndex(final double v, final int schema)
    {
        final double perDoubling = Math.pow(2, schema);
        int i = (int)Math.ceil(Math.log(v) / Math.log(2) * perDoubling);
        while (v > Math.pow(2, i / perDoubling))
        {
            i++;
        }
        while (v <= Math.pow(2, (i - 1) / perDoubling))
        {
            i--;
        }
        return i;
    }

    static double[] latencies(final long seed, final int n)
    {
        final Random random = new Random(seed);
        final double[] values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = Math.exp(Math.log(0.02) + 0.6 * random.nextGaussian()); // ~20 ms, log-normal
        }
        return values;
    }

    @Test
    void nativeBucketsEqualAReferenceBucketingNextToTheClassicOnes() throws Exception
    {
        final double[] values = latencies(1, 5_000);
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            final Histogram latency = engine.histogram("rpc_latency_seconds", "RPC latency.",
                HistogramSpec.secondsWithBuckets(0.01, 0.05, 0.1).withNativeBuckets(3, 1000), new String[0]);
            for (final double v : values)
            {
                latency.observe(v);
            }
            latency.observe(0.0); // the zero bucket
            final PrometheusExporter exporter = PrometheusExporter.builder().host("127.0.0.1").port(0).build();
            exporter.start(engine);
            try
            {
                final Metrics.MetricFamily family = ProtobufScrape.scrape(exporter.port()).get("rpc_latency_seconds");
                assertEquals(Metrics.MetricType.HISTOGRAM, family.getType());
                final Metrics.Histogram h = family.getMetric(0).getHistogram();
                assertEquals(3, h.getSchema());
                assertEquals(0x1p-128, h.getZeroThreshold());
                assertEquals(1, h.getZeroCount());
                final TreeMap<Integer, Long> reference = new TreeMap<>();
                for (final double v : values)
                {
                    reference.merge(referenceIndex(v, 3), 1L, Long::sum);
                }
                assertEquals(reference, new TreeMap<>(ProtobufScrape.buckets(h.getPositiveSpanList(),
                    h.getPositiveDeltaList())));
                assertEquals(0, h.getNegativeSpanCount());
                assertEquals(values.length + 1, h.getSampleCount());

                // the classic buckets are still there, cumulative, for classic-only scrapers
                assertEquals(4, h.getBucketCount());
                long below = 1; // the 0.0
                for (int b = 0; b < 3; b++)
                {
                    final double bound = h.getBucket(b).getUpperBound();
                    for (final double v : values)
                    {
                        below += v <= bound && (b == 0 || v > h.getBucket(b - 1).getUpperBound()) ? 1 : 0;
                    }
                    assertEquals(below, h.getBucket(b).getCumulativeCount(), "le=" + bound);
                }
            }
            finally
            {
                exporter.close();
            }
        }
    }

    @Test
    void theDefaultIsSchemaFiveReducedWhenTheRangeIsTooWide() throws Exception
    {
        final double[] values = latencies(2, 5_000);
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            final Histogram latency = engine.histogram("wide_seconds", "Wide.",
                HistogramSpec.DEFAULT_SECONDS, new String[0]);
            for (final double v : values)
            {
                latency.observe(v);
            }
            final PrometheusExporter exporter = PrometheusExporter.builder().host("127.0.0.1").port(0).build();
            exporter.start(engine);
            try
            {
                final Metrics.Histogram h = ProtobufScrape.scrape(exporter.port()).get("wide_seconds")
                    .getMetric(0).getHistogram();
                final int schema = h.getSchema();
                assertTrue(schema <= 5 && schema >= 2, "schema " + schema);
                final Map<Integer, Long> served = ProtobufScrape.buckets(h.getPositiveSpanList(),
                    h.getPositiveDeltaList());
                final TreeMap<Integer, Long> reference = new TreeMap<>();
                for (final double v : values)
                {
                    reference.merge(referenceIndex(v, schema), 1L, Long::sum);
                }
                assertEquals(reference, new TreeMap<>(served));
                assertTrue(reference.lastKey() - reference.firstKey() < HistogramSpec.DEFAULT_NATIVE_MAX_BUCKETS);
            }
            finally
            {
                exporter.close();
            }
        }
    }

    @Test
    void textAndOpenMetricsAreTheSameWithOrWithoutNativeBuckets() throws Exception
    {
        final String[] withNative = render(HistogramSpec.secondsWithBuckets(0.01, 0.05, 0.1));
        final String[] without = render(HistogramSpec.secondsWithBuckets(0.01, 0.05, 0.1).withoutNativeBuckets());
        assertEquals(without[0], withNative[0], "text 0.0.4");
        assertEquals(without[1], withNative[1], "OpenMetrics");
        assertFalse(withNative[1].isEmpty());
    }

    private static String[] render(final HistogramSpec spec) throws Exception
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            final Histogram latency = engine.histogram("rpc_latency_seconds", "RPC latency.", spec, new String[0]);
            for (final double v : latencies(3, 1_000))
            {
                latency.observe(v);
            }
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
            final ByteArrayOutputStream text = new ByteArrayOutputStream();
            final ByteArrayOutputStream openMetrics = new ByteArrayOutputStream();
            collector.writeText(text);
            collector.writeOpenMetrics(openMetrics);
            // client_java's own writer over the same snapshots (what the slow path serves) too
            final ByteArrayOutputStream viaClientJava = new ByteArrayOutputStream();
            io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter.create()
                .write(viaClientJava, collector.collect());
            // the one line that may differ is the heap the native buckets take
            final String heap = "(?m)^metrics_memory_bytes\\{area=\"histogram_heap\"} .*$";
            return new String[] { text.toString(StandardCharsets.UTF_8).replaceAll(heap, ""),
                (openMetrics.toString(StandardCharsets.UTF_8) + viaClientJava.toString(StandardCharsets.UTF_8))
                    .replaceAll(heap, "") };
        }
    }
}
