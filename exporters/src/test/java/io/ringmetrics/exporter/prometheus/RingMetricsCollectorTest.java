package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.exporter.CapturingLogger;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.ringmetrics.Histogram;
import io.ringmetrics.Metrics;
import io.ringmetrics.exporter.NullExporter;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorHandler;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.error.ValidationException;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.store.HistogramSpec;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RingMetricsCollectorTest
{
    static String text(final RingMetricsCollector collector) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        collector.writeText(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static String openMetrics(final RingMetricsCollector collector) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        collector.writeOpenMetrics(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void countersAreExposedWithTotalWhetherOrNotTheNameHasIt() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            engine.counter("http_requests_total", "Requests.", new String[] { "method", "GET" }).increment(5);
            engine.counter("jobs", "Jobs.", new String[0]).increment(2);
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();

            final String text = text(collector);
            final Samples samples = Samples.of(text);
            assertEquals("5.0", samples.raw("http_requests_total{method=\"GET\"}"));
            assertEquals("2.0", samples.raw("jobs_total"));
            assertTrue(text.contains("# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n"));
            assertTrue(text.contains("# TYPE jobs_total counter\n"));

            final String om = openMetrics(collector);
            assertTrue(om.contains("# TYPE jobs counter\n# HELP jobs Jobs.\njobs_total 2.0\n"), om);
            assertTrue(om.contains("# TYPE http_requests counter\n"), om);
            assertTrue(om.endsWith("# EOF\n"));

            final CounterSnapshot jobs = (CounterSnapshot)find(collector.collect(), "jobs");
            assertEquals(2.0, jobs.getDataPoints().get(0).getValue());
        }
    }

    @Test
    void gaugesKeepTheirValue() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            engine.gauge("queue_depth", "Depth.", new String[] { "queue", "a" }).set(1e-9);
            engine.gauge("queue_depth", "Depth.", new String[] { "queue", "b" }).set(-2.5);
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
            final Samples samples = Samples.of(text(collector));
            assertEquals("1.0E-9", samples.raw("queue_depth{queue=\"a\"}"));
            assertEquals(-2.5, samples.value("queue_depth{queue=\"b\"}"));
            assertInstanceOf(GaugeSnapshot.class, find(collector.collect(), "queue_depth"));
        }
    }

    @Test
    void histogramBucketsAreCumulativeAndInfEqualsCount() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            final Histogram h = engine.histogram("latency_seconds", "Latency.",
                HistogramSpec.secondsWithBuckets(0.1, 0.5, 1), new String[] { "route", "/a" });
            for (final double v : new double[] { 0.05, 0.1, 0.2, 0.3, 0.7, 3, 4 })
            {
                h.observe(v);
            }
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
            final Samples s = Samples.of(text(collector));
            assertEquals(2, s.value("latency_seconds_bucket{route=\"/a\",le=\"0.1\"}")); // le is inclusive
            assertEquals(4, s.value("latency_seconds_bucket{route=\"/a\",le=\"0.5\"}"));
            assertEquals(5, s.value("latency_seconds_bucket{route=\"/a\",le=\"1.0\"}"));
            assertEquals(7, s.value("latency_seconds_bucket{route=\"/a\",le=\"+Inf\"}"));
            assertEquals(7, s.value("latency_seconds_count{route=\"/a\"}"));
            assertEquals(8.35, s.value("latency_seconds_sum{route=\"/a\"}"), 1e-9);
            assertEquals(4, s.seriesStartingWith("latency_seconds_bucket").size());

            final HistogramSnapshot snapshot = (HistogramSnapshot)find(collector.collect(), "latency_seconds");
            final HistogramSnapshot.HistogramDataPointSnapshot point = snapshot.getDataPoints().get(0);
            assertEquals(7, point.getCount());
            assertEquals(4, point.getClassicBuckets().size());
            assertEquals(Double.POSITIVE_INFINITY, point.getClassicBuckets().getUpperBound(3));
            assertEquals(2, point.getClassicBuckets().getCount(3)); // non-cumulative in the model
        }
    }

    @Test
    void percentilesAreASummaryFamilyAndMaxAGauge() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            final Histogram h = engine.histogram("work_seconds", "Work.", null, new String[0]);
            for (int i = 1; i <= 1000; i++)
            {
                h.observe(i / 1000.0); // 1 ms .. 1 s
            }
            engine.histogram("idle_seconds", "Never observed.", null, new String[0]);
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
            final String text = text(collector);
            final Samples s = Samples.of(text);
            assertTrue(text.contains("# TYPE work_seconds_percentiles summary\n"), text);
            assertTrue(text.contains("# TYPE work_seconds_max gauge\n"), text);
            assertEquals(0.5, s.value("work_seconds_percentiles{quantile=\"0.5\"}"), 0.5 * 0.01);
            assertEquals(0.9, s.value("work_seconds_percentiles{quantile=\"0.9\"}"), 0.9 * 0.01);
            assertEquals(0.99, s.value("work_seconds_percentiles{quantile=\"0.99\"}"), 0.99 * 0.01);
            assertEquals(0.999, s.value("work_seconds_percentiles{quantile=\"0.999\"}"), 0.999 * 0.01);
            assertEquals(1.0, s.value("work_seconds_max"), 0.01);
            assertFalse(s.has("work_seconds_percentiles_count"), "count and sum belong to the histogram");
            assertEquals("NaN", s.raw("idle_seconds_percentiles{quantile=\"0.5\"}"));
            assertEquals("NaN", s.raw("idle_seconds_max"));
            assertInstanceOf(SummarySnapshot.class, find(collector.collect(), "work_seconds_percentiles"));

            final String without = text(RingMetricsCollector.builder(engine).percentiles(false).build());
            assertFalse(without.contains("_percentiles"), without);
            assertFalse(without.contains("_max"), without);
            assertTrue(without.contains("work_seconds_bucket"), without);
        }
    }

    @Test
    void oneObservationIsExposedExactlyAsMaxAndAtEveryQuantile() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            engine.histogram("job_seconds", "Jobs.", null, new String[0]).observe(12.5);
            engine.histogram("small_seconds", "Small.", null, new String[0]).observeNanos(200_000_000L);
            engine.histogram("huge_seconds", "Huge.", null, new String[0]).observe(1e12);
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
            for (final String exposition : new String[] { text(collector), openMetrics(collector) })
            {
                final Samples s = Samples.of(exposition);
                for (final String[] expected : new String[][] {
                    { "job_seconds", "12.5" }, { "small_seconds", "0.2" }, { "huge_seconds", "1.0E12" } })
                {
                    final String name = expected[0];
                    assertEquals(expected[1], s.raw(name + "_sum"), exposition);
                    assertEquals(expected[1], s.raw(name + "_max"), name + ": max is the observation, exactly");
                    for (final double q : HistogramSpec.QUANTILES)
                    {
                        assertEquals(expected[1], s.raw(name + "_percentiles{quantile=\"" + q + "\"}"),
                            name + ": quantile " + q + " of one observation is that observation");
                    }
                }
            }
            final GaugeSnapshot max = (GaugeSnapshot)find(collector.collect(), "job_seconds_max");
            assertEquals(12.5, max.getDataPoints().get(0).getValue(), "the client_java model carries it too");
            final SummarySnapshot percentiles = (SummarySnapshot)find(collector.collect(), "small_seconds_percentiles");
            assertEquals(0.2, percentiles.getDataPoints().get(0).getQuantiles().get(0).getValue());
        }
    }

    @Test
    void theHelpTextStatesThePercentileRoundingAndRange() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            engine.histogram("job_seconds", "Jobs.", null, new String[0]).observe(12.5);
            engine.histogram("all_seconds", "All.", HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ZERO, 1),
                new String[0]).observe(12.5);
            final String text = text(RingMetricsCollector.builder(engine).build());
            assertTrue(text.contains("# HELP job_seconds_percentiles Percentiles of job_seconds over the last 60 s" +
                " (sliding every 12 s): HdrHistogram values with 2 significant digits (up to 1 % above the" +
                " observations they stand for, resolution 0.000001), clamped to the exact smallest and largest" +
                " observation, so a single observation reads exactly; observations above 3600 count as 3600 here" +
                " only (count, sum, buckets and max stay exact). NaN before the first observation, 0 while the" +
                " window holds none.\n"), text);
            assertTrue(text.contains("# HELP job_seconds_max Largest observation of job_seconds over the last 60 s" +
                " (sliding every 12 s) (NaN before the first observation, 0 while the window holds none).\n"), text);
            assertTrue(text.contains("# HELP all_seconds_percentiles Percentiles of all_seconds over all observations" +
                " since the series was created: HdrHistogram values with 2 significant digits (up to 1 % above the" +
                " observations they stand for, resolution 0.000001), clamped to the exact smallest and largest" +
                " observation, so a single observation reads exactly; observations above 3600 count as 3600 here" +
                " only (count, sum, buckets and max stay exact). NaN before the first observation.\n"), text);
            assertTrue(text.contains("# HELP all_seconds_max Largest observation of all_seconds since the series was" +
                " created (exact; NaN before the first observation).\n"), text);
        }
    }

    @Test
    void aNegativeObservationNeverReachesTheExpositionByHandleOrByName() throws IOException
    {
        final MetricsErrorConfig[] modes = {
            MetricsErrorConfig.DEFAULTS, MetricsErrorConfig.builder().propagateErrors(true).build() };
        for (final MetricsErrorConfig mode : modes)
        {
            try (Metrics metrics = new Metrics(MetricsEngine.start(Fixtures.blocking()), new NullExporter(), mode))
            {
                final Histogram handle = metrics.engine().histogram("handle_seconds", "By handle.", null,
                    new String[0]);
                handle.observe(0.5);
                handle.observe(-1);
                metrics.observeHistogram("name_seconds", 0.5);
                if (mode.propagateErrors())
                {
                    final ValidationException ex = assertThrows(ValidationException.class,
                        () -> metrics.observeHistogram("name_seconds", -1));
                    assertEquals(ErrorType.INVALID_VALUE, ex.errorType());
                }
                else
                {
                    metrics.observeHistogram("name_seconds", -1);
                }
                final Samples s = Samples.of(text(RingMetricsCollector.builder(metrics.engine()).build()));
                for (final String name : new String[] { "handle_seconds", "name_seconds" })
                {
                    assertEquals("1", s.raw(name + "_count"), name);
                    assertEquals("0.5", s.raw(name + "_sum"), name + ": the sum never goes backwards");
                    assertEquals("0", s.raw(name + "_bucket{le=\"0.005\"}"), name + ": nothing in the lowest bucket");
                    assertEquals("0.5", s.raw(name + "_max"), name);
                }
                assertEquals(1.0, s.value(MetaMetrics.UPDATES_DROPPED + "{kind=\"histogram\",reason=\"invalid_value\"}"),
                    "the handle's refusal is a counted drop");
                assertEquals(1.0, s.value(MetaMetrics.VALIDATION_ERRORS +
                    "{error_type=\"invalid_value\",metric_name=\"name_seconds\",operation=\"observe_histogram\"}"),
                    "the name-based refusal is a counted validation error");
            }
        }
    }

    @Test
    void namespacePrefixesEveryNameIncludingMetaMetrics() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            engine.counter("http_requests_total").increment();
            engine.histogram("lat_seconds").observe(0.1);
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).namespace("whisper_api").build();
            assertEquals("whisper_api", collector.namespace());
            final Samples s = Samples.of(text(collector));
            assertEquals(1.0, s.value("whisper_api_http_requests_total"));
            assertEquals(1.0, s.value("whisper_api_lat_seconds_count"));
            assertTrue(s.has("whisper_api_lat_seconds_max"));
            assertTrue(s.has("whisper_api_" + MetaMetrics.SERIES));
            for (final String comment : s.comments())
            {
                assertTrue(comment.startsWith("# HELP whisper_api_") || comment.startsWith("# TYPE whisper_api_"),
                    comment);
            }
            assertEquals(s.size(), s.seriesStartingWith("whisper_api_").size());

            final Samples trailing = Samples.of(text(RingMetricsCollector.builder(engine).namespace("app_").build()));
            assertTrue(trailing.has("app_http_requests_total"), trailing.text());
        }
    }

    @Test
    void invalidNamespacesAreRejected()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            for (final String bad : new String[] { "", "bad-ns", "1ns", "sp ace", "ü" })
            {
                final ValidationException ex = assertThrows(ValidationException.class,
                    () -> RingMetricsCollector.builder(engine).namespace(bad), bad);
                assertEquals(ErrorType.INVALID_NAME, ex.errorType());
                assertTrue(ex.getMessage().contains("PROMETHEUS_NAMESPACE"), ex.getMessage());
            }
            assertThrows(ValidationException.class, () -> PrometheusExporter.builder().namespace("bad-ns"));
        }
    }

    @Test
    void metaMetricsArePresent() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            engine.counter("a_total").increment();
            engine.gauge("b").set(1);
            engine.errors().recordExport("statsd", ErrorType.SEND_FAILED);
            final String text = text(RingMetricsCollector.builder(engine).build());
            final Samples s = Samples.of(text);
            assertEquals(2, s.value(MetaMetrics.SERIES));
            assertEquals(2, s.value(MetaMetrics.METRICS));
            assertEquals(10_000, s.value(MetaMetrics.SERIES_LIMIT));
            assertEquals(1000, s.value(MetaMetrics.METRICS_LIMIT));
            assertEquals(2, s.value(MetaMetrics.UPDATES_PUBLISHED));
            assertEquals(1, s.value(MetaMetrics.UPDATES_APPLIED + "{kind=\"counter\"}"));
            assertEquals(1, s.value(MetaMetrics.EXPORT_ERRORS + "{error_type=\"send_failed\",exporter=\"statsd\"}"));
            for (final String name : new String[] { MetaMetrics.UPDATES_DROPPED, MetaMetrics.MEMORY_BYTES,
                MetaMetrics.RINGS })
            {
                assertFalse(s.seriesStartingWith(name + "{").isEmpty(), name);
            }
        }
    }

    @Test
    void familiesWithoutHelpGetOneSoPromtoolAcceptsThem() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            engine.counter("plain_total").increment();
            final String text = text(RingMetricsCollector.builder(engine).build());
            assertTrue(text.contains("# HELP plain_total plain_total (counter, no help text registered)\n"), text);
        }
    }

    @Test
    void conflictingFamiliesAreLeftOutAndCountedOnce() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            Fixtures.conflicts(engine);
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
            text(collector);
            text(collector);
            final Samples s = Samples.of(text(collector));
            assertEquals(1.0, s.value("dup_total"), "the first registered keeps the name");
            assertEquals(1.0, s.value("clash_total"));
            assertEquals(5.0, s.value("lat_seconds_max"), "the user's gauge registered first keeps the name");
            assertEquals(1.0, s.value("lat_seconds_count"));
            assertTrue(s.has("lat_seconds_percentiles{quantile=\"0.5\"}"));
            assertFalse(s.has("metrics_series_total"));
            // dup_total, clash_total, lat_seconds_count, metrics_series_total, lat_seconds' max: once each
            assertEquals(5, s.value(MetaMetrics.EXPORT_ERRORS + "{error_type=\"format_failed\",exporter=\"prometheus\"}"));
            assertEquals(5, engine.errors().total(ErrorType.FORMAT_FAILED));
        }
    }

    @Test
    void exportErrorsAreLoggedByTheGivenErrorHandlerAndSilencedByItsSwitchWithCountsUnchanged() throws IOException
    {
        for (final boolean log : new boolean[] { true, false })
        {
            try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
            {
                Fixtures.conflicts(engine);
                final CapturingLogger logger = new CapturingLogger();
                final RingMetricsCollector collector = RingMetricsCollector.builder(engine).errorHandler(
                    new ErrorHandler(MetricsErrorConfig.builder().logExportErrors(log).errorLogLevel(Level.ERROR)
                        .build(), engine.config().limits(), engine.errors(), logger, ErrorHandler.LOG_INTERVAL_NANOS))
                    .build();
                text(collector);
                openMetrics(collector);
                collector.collect();
                assertEquals(5, engine.errors().total(ErrorType.FORMAT_FAILED), "each conflict once, log=" + log);
                if (log)
                {
                    assertEquals(1, logger.lines.size(), "one line per interval and error type: " + logger.lines);
                    assertEquals(Level.ERROR, logger.lines.get(0).level(), "METRICS_ERROR_LOG_LEVEL");
                    final String line = logger.lines.get(0).message();
                    assertTrue(line.startsWith("Metrics export via prometheus failed: ") &&
                        line.contains(" is left out of the exposition: "), line);
                }
                else
                {
                    assertEquals(List.of(), logger.lines, "METRICS_LOG_EXPORT_ERRORS=false");
                }
            }
        }
    }

    @Test
    void labelsAreBuiltOncePerSeries() throws IOException
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            final SeriesDescriptor series =
                engine.counter("cached_total", "C.", new String[] { "b", "2", "a", "1" }).series();
            final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
            text(collector);
            final Object rendering = series.exporterCache();
            assertInstanceOf(SeriesRendering.class, rendering);
            assertEquals("{a=\"1\",b=\"2\"", new String(((SeriesRendering)rendering).labelsOpen(), StandardCharsets.UTF_8));
            text(collector);
            openMetrics(collector);
            final CounterSnapshot first = (CounterSnapshot)find(collector.collect(), "cached");
            final CounterSnapshot second = (CounterSnapshot)find(collector.collect(), "cached");
            assertSame(rendering, series.exporterCache(), "one rendering per series, reused by every scrape");
            assertSame(first.getDataPoints().get(0).getLabels(), second.getDataPoints().get(0).getLabels());
            // another collector (other namespace) shares the namespace-independent rendering
            text(RingMetricsCollector.builder(engine).namespace("x").build());
            assertSame(rendering, series.exporterCache());
        }
    }

    @Test
    void collectNeverThrowsAndWriteThrowsOnceTheEngineIsClosed()
    {
        final MetricsEngine engine = MetricsEngine.start(Fixtures.blocking());
        engine.counter("x_total").increment();
        final RingMetricsCollector collector = RingMetricsCollector.builder(engine).build();
        engine.close();
        assertEquals(0, collector.collect().size());
        assertThrows(ResourceLimitException.class, () -> text(collector));
    }

    @Test
    void servedByClientJavasHttpServerNextToOtherMetrics() throws Exception
    {
        try (MetricsEngine engine = MetricsEngine.start(Fixtures.blocking()))
        {
            engine.counter("engine_requests_total", "From ringmetrics.", new String[] { "k", "v" }).increment(3);
            final PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(RingMetricsCollector.builder(engine).namespace("app").build());
            registry.register(() -> CounterSnapshot.builder().name("client_java_events").help("From client_java.")
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(4).build()).build());

            final MetricSnapshots scraped = registry.scrape();
            assertNotNull(find(scraped, "app_engine_requests"));
            assertNotNull(find(scraped, "client_java_events"));

            try (HTTPServer server = HTTPServer.builder().hostname("127.0.0.1").port(0).registry(registry)
                .buildAndStart())
            {
                final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                    .connectTimeout(Duration.ofSeconds(2)).build();
                final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.getPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                final Samples s = Samples.of(response.body());
                assertEquals(3.0, s.value("app_engine_requests_total{k=\"v\"}"));
                assertEquals(4.0, s.value("client_java_events_total"));
                assertTrue(s.has("app_" + MetaMetrics.SERIES));
            }
        }
    }

    static MetricSnapshot find(final MetricSnapshots snapshots, final String name)
    {
        final List<String> names = new java.util.ArrayList<>();
        for (final MetricSnapshot s : snapshots)
        {
            if (s.getMetadata().getName().equals(name))
            {
                return s;
            }
            names.add(s.getMetadata().getName());
        }
        throw new AssertionError("no family " + name + " in " + names);
    }
}
