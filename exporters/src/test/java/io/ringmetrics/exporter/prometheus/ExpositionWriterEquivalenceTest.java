package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.config.ExporterProperties;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast path ({@link ExpositionWriter}) writes exactly the bytes client_java's own writers
 * ({@link PrometheusTextFormatWriter}, {@link OpenMetricsTextFormatWriter}, the reference) write for
 * {@link RingMetricsCollector#collect()} of the same snapshot: every fixture, both formats, several namespaces,
 * with and without percentile families, with and without {@code _created} samples, on a first scrape and on later
 * scrapes that reuse the caches.
 */
class ExpositionWriterEquivalenceTest
{
    private static final String[] NAMESPACES = { null, "ns", "whisper_api_", "a:b" };

    static Stream<Arguments> cases()
    {
        final List<Arguments> cases = new ArrayList<>();
        for (final Fixtures.Fixture fixture : Fixtures.all())
        {
            for (final String namespace : NAMESPACES)
            {
                for (final boolean percentiles : new boolean[] { true, false })
                {
                    cases.add(Arguments.of(fixture, namespace, percentiles, false));
                }
            }
            cases.add(Arguments.of(fixture, null, true, true));
            cases.add(Arguments.of(fixture, "ns", false, true));
        }
        return cases.stream();
    }

    /** Writers with client_java's created timestamps on, as {@code PrometheusExporter} makes them for that option. */
    private static final ExpositionFormats CREATED =
        ExpositionFormats.init(ExporterProperties.builder().includeCreatedTimestamps(true).build());

    @ParameterizedTest(name = "{0} namespace={1} percentiles={2} created={3}")
    @MethodSource("cases")
    void fastPathIsByteIdenticalToClientJavaWriters(
        final Fixtures.Fixture fixture, final String namespace, final boolean percentiles, final boolean created)
        throws IOException
    {
        try (MetricsEngine engine = fixture.start())
        {
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).namespace(namespace)
                .percentiles(percentiles).created(created).build();
            for (int scrape = 0; scrape < 3; scrape++)
            {
                if (scrape > 0)
                {
                    // new families, then new series sorting before and after the old ones: orders are recomputed
                    for (final String k : scrape == 1 ? new String[] { "5" } : new String[] { "-1", "9" })
                    {
                        engine.counter("added_later_total", "Added between scrapes.", new String[] { "k", k })
                            .increment();
                    }
                }
                assertSameBytes(collector, engine.snapshot(), fixture + " scrape " + scrape);
            }
        }
    }

    @Test
    void manyRandomEngines() throws IOException
    {
        for (long seed = 100; seed < 140; seed++)
        {
            final long s = seed;
            final Fixtures.Fixture fixture = new Fixtures.Fixture("random-" + s, Fixtures.blocking(),
                e -> Fixtures.random(e, s));
            try (MetricsEngine engine = fixture.start())
            {
                final RingMetricsCollector collector =
                    RingMetricsCollector.builder(engine).namespace(s % 2 == 0 ? null : "app").build();
                assertSameBytes(collector, engine.snapshot(), fixture.name());
            }
        }
    }

    @Test
    void numbersFormatLikeDoubleToString()
    {
        final double[] values = { 0, -0.0, 1, -1, 9_999_999, 10_000_000, -9_999_999, -10_000_000, 0.5, 1e-9, 0.1,
            123456.0, 1e6, Long.MAX_VALUE, Long.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, 4503599627370497.0, 9_999_999.5 };
        final ByteSink sink = new ByteSink(16);
        for (final double v : values)
        {
            sink.reset();
            sink.putDouble(v);
            final String expected = v == Double.POSITIVE_INFINITY ? "+Inf" :
                v == Double.NEGATIVE_INFINITY ? "-Inf" : Double.toString(v);
            assertEquals(expected, sink.toString(), "double " + v);
        }
        for (final long v : new long[] { 0, 1, -1, 9, 10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, -Long.MAX_VALUE,
            999_999_999_999_999_999L, 1_000_000_000_000_000_000L })
        {
            sink.reset();
            sink.putLong(v);
            assertEquals(Long.toString(v), sink.toString(), "long " + v);
        }
    }

    /**
     * Builds one model and writes it with both paths and both formats.
     */
    static void assertSameBytes(
        final RingMetricsCollector collector, final MetricsSnapshot snapshot, final String what) throws IOException
    {
        final ExpositionModel model = collector.model(snapshot);
        for (final boolean openMetrics : new boolean[] { false, true })
        {
            final ExpositionFormatWriter reference = model.created() ?
                (openMetrics ? CREATED.getOpenMetricsTextFormatWriter() : CREATED.getPrometheusTextFormatWriter()) :
                openMetrics ? OpenMetricsTextFormatWriter.create() : PrometheusTextFormatWriter.create();
            final ByteArrayOutputStream expected = new ByteArrayOutputStream();
            reference.write(expected, RingMetricsCollector.toMetricSnapshots(model));
            final ByteSink actual = new ByteSink(1024);
            ExpositionWriter.write(model, openMetrics, actual);
            final String format = openMetrics ? "OpenMetrics" : "text";
            if (!java.util.Arrays.equals(expected.toByteArray(), actual.toByteArray()))
            {
                assertEquals(expected.toString(StandardCharsets.UTF_8), actual.toString(), what + " " + format);
            }
            assertArrayEquals(expected.toByteArray(), actual.toByteArray(), what + " " + format);
            assertTrue(expected.size() > 0, what);
        }
    }
}
