package io.ringmetrics.exporter.otlp;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Histogram;
import io.ringmetrics.Metrics;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.OtlpSettings;
import io.ringmetrics.config.OtlpTemporality;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.exporter.MetricsFactory;
import io.ringmetrics.exporter.it.OtlpTestReceiver;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OTLP exporter against a real OTLP/HTTP receiver ({@link OtlpTestReceiver}, decoding with the official schema
 * classes): exact totals from a multi-thread workload in both temporalities across a receiver outage, the mapping of
 * every kind, and the {@code OTEL_*} variables (endpoint path, headers, resource).
 */
class OtlpExporterTest
{
    private static final int THREADS = 4;
    private static final int PER_THREAD_PER_PHASE = 20_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static OtlpExporter exporter(final OtlpTestReceiver receiver, final OtlpTemporality temporality)
    {
        return OtlpExporter.builder()
            .otlp(OtlpSettings.builder().endpoint(OtlpSettings.metricsEndpoint(receiver.endpoint()))
                .interval(Duration.ofMillis(100)).timeout(Duration.ofSeconds(2)).temporality(temporality).build())
            .retries(2, Duration.ofMillis(10), Duration.ofMillis(20))
            .build();
    }

    /** Runs {@code PER_THREAD_PER_PHASE} updates on each of {@code THREADS} threads at once, and waits for them. */
    private static void workload(final Counter[] counters, final Histogram[] histograms) throws InterruptedException
    {
        final CountDownLatch go = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++)
        {
            final Counter counter = counters[t % 2];
            final Histogram histogram = histograms[t % 2];
            final Thread thread = new Thread(() ->
            {
                try
                {
                    go.await();
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                for (int k = 0; k < PER_THREAD_PER_PHASE; k++)
                {
                    counter.increment();
                    histogram.observe((k % 8) * 0.125); // exact in binary: sums are exact
                }
            });
            thread.start();
            threads.add(thread);
        }
        go.countDown();
        for (final Thread thread : threads)
        {
            thread.join();
        }
    }

    @ParameterizedTest
    @EnumSource(OtlpTemporality.class)
    void aMultiThreadWorkloadArrivesExactlyOnceAcrossAReceiverOutage(final OtlpTemporality temporality)
        throws Exception
    {
        try (OtlpTestReceiver receiver = OtlpTestReceiver.start();
            MetricsEngine engine = MetricsEngine.start(EngineConfig.builder().backpressure(BackpressurePolicy.BLOCK)
                .build()))
        {
            final Counter[] counters = { engine.counter("jobs_total", "worker", "0"),
                engine.counter("jobs_total", "worker", "1") };
            final Histogram[] histograms = { engine.histogram("job_duration_seconds", "worker", "0"),
                engine.histogram("job_duration_seconds", "worker", "1") };
            final OtlpExporter exporter = exporter(receiver, temporality);
            exporter.start(engine);

            workload(counters, histograms);
            receiver.await(r -> r.size() >= 2, WAIT);

            receiver.stop(); // the collector goes down while the workload goes on
            workload(counters, histograms);
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (exporter.stats().failedExports() < 2 && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertTrue(exporter.stats().failedExports() >= 2, "exports failed while the receiver was down");

            receiver.restart();
            workload(counters, histograms);
            exporter.close(); // final export

            final MetricsSnapshot truth = engine.snapshot();
            final List<OtlpTestReceiver.Received> received = receiver.received();
            for (final String worker : new String[] { "0", "1" })
            {
                final long published = 3L * 2 * PER_THREAD_PER_PHASE; // 3 phases, 2 threads per worker label
                assertEquals(published, truth.counter("jobs_total", "worker", worker));
                assertEquals(published, counterTotal(received, "jobs_total", worker, temporality),
                    "jobs_total{worker=" + worker + "} at the receiver, " + temporality);

                final HistogramSample h = truth.histogram("job_duration_seconds", "worker", worker);
                assertEquals(published, h.count());
                final HistogramDataPoint total = histogramTotal(received, "job_duration_seconds", worker, temporality);
                assertEquals(h.count(), total.getCount());
                assertEquals(h.sum(), total.getSum(), 0.0, "sums of multiples of 1/8 are exact");
                assertArrayEquals(h.bucketCounts(), total.getBucketCountsList().stream().mapToLong(Long::longValue)
                    .toArray(), "bucket counts");
            }
            assertTrue(engine.errors().total(ErrorType.CONNECTION_REFUSED) >= 2,
                "the outage is counted as connection_refused: " + engine.errors().entries(ErrorType.Category.EXPORT));
        }
    }

    private static List<Metric> metricsNamed(final List<OtlpTestReceiver.Received> received, final String name)
    {
        final List<Metric> metrics = new ArrayList<>();
        for (final OtlpTestReceiver.Received r : received)
        {
            r.metrics().stream().filter(m -> m.getName().equals(name)).forEach(metrics::add);
        }
        return metrics;
    }

    /** Cumulative: the latest point's value; delta: the sum of every point. */
    private static long counterTotal(
        final List<OtlpTestReceiver.Received> received, final String name, final String worker,
        final OtlpTemporality temporality)
    {
        long total = 0;
        long latestTime = -1;
        for (final Metric m : metricsNamed(received, name))
        {
            assertTrue(m.hasSum() && m.getSum().getIsMonotonic(), name + " is a monotonic sum");
            assertEquals(temporality == OtlpTemporality.DELTA ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA :
                AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, m.getSum().getAggregationTemporality());
            for (final NumberDataPoint p : m.getSum().getDataPointsList())
            {
                if (worker != null && !worker.equals(OtlpTestReceiver.attributes(p.getAttributesList()).get("worker")))
                {
                    continue;
                }
                if (temporality == OtlpTemporality.DELTA)
                {
                    total += p.getAsInt();
                }
                else if (p.getTimeUnixNano() >= latestTime)
                {
                    assertTrue(p.getAsInt() >= total, "a cumulative total never goes down");
                    total = p.getAsInt();
                    latestTime = p.getTimeUnixNano();
                }
            }
        }
        return total;
    }

    private static HistogramDataPoint histogramTotal(
        final List<OtlpTestReceiver.Received> received, final String name, final String worker,
        final OtlpTemporality temporality)
    {
        HistogramDataPoint latest = null;
        long count = 0;
        double sum = 0;
        long[] buckets = null;
        for (final Metric m : metricsNamed(received, name))
        {
            assertTrue(m.hasHistogram(), name + " is an explicit-bucket histogram");
            for (final HistogramDataPoint p : m.getHistogram().getDataPointsList())
            {
                if (!worker.equals(OtlpTestReceiver.attributes(p.getAttributesList()).get("worker")))
                {
                    continue;
                }
                if (latest == null || p.getTimeUnixNano() >= latest.getTimeUnixNano())
                {
                    latest = p;
                }
                count += p.getCount();
                sum += p.getSum();
                if (buckets == null)
                {
                    buckets = new long[p.getBucketCountsCount()];
                }
                for (int b = 0; b < buckets.length; b++)
                {
                    buckets[b] += p.getBucketCounts(b);
                }
            }
        }
        assertTrue(latest != null, "no point of " + name + "{worker=" + worker + "}");
        if (temporality == OtlpTemporality.CUMULATIVE)
        {
            return latest;
        }
        final HistogramDataPoint.Builder total = HistogramDataPoint.newBuilder().setCount(count).setSum(sum);
        for (final long b : buckets)
        {
            total.addBucketCounts(b);
        }
        return total.build();
    }

    @Test
    void everyKindIsMappedWithItsLabelsNamespaceAndTheMetaMetricsAndTheResourceComesFromTheVariables()
        throws Exception
    {
        try (OtlpTestReceiver receiver = OtlpTestReceiver.start())
        {
            final Map<String, String> env = new HashMap<>();
            env.put("METRICS_EXPORTER", "otlp");
            env.put("PROMETHEUS_NAMESPACE", "svc");
            env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint() + "/");
            env.put("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=s3cret,x-tenant=team%20a");
            env.put("OTEL_METRIC_EXPORT_INTERVAL", "100");
            env.put("OTEL_SERVICE_NAME", "checkout");
            env.put("OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored,deployment.environment=prod,host.name=web-1");
            final Metrics metrics = MetricsFactory.create(EnvironmentConfig.from(env));
            try
            {
                final MetricsEngine engine = metrics.engine();
                engine.counter("orders_total", "status", "ok").increment(3);
                engine.gauge("queue_depth", "queue", "in").set(-2.5);
                final Histogram latency = engine.histogram("latency_seconds", "route", "/a");
                latency.observe(0.003);
                latency.observe(0.2);
                latency.observe(4.0);
                engine.flush();
                final List<OtlpTestReceiver.Received> all = receiver.await(r -> r.stream().anyMatch(x ->
                    x.metrics().stream().anyMatch(m -> m.getName().equals("svc_latency_seconds"))), WAIT);
                final OtlpTestReceiver.Received r = all.stream().filter(x -> x.metrics().stream()
                    .anyMatch(m -> m.getName().equals("svc_latency_seconds"))).findFirst().orElseThrow();

                assertEquals("/v1/metrics", r.path(), "OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/metrics appended");
                assertEquals("s3cret", r.headers().get("x-api-key"));
                assertEquals("team a", r.headers().get("x-tenant"), "header values are percent-decoded");
                assertEquals("application/x-protobuf", r.headers().get("content-type"));
                final Map<String, String> resource = r.resource();
                assertEquals("checkout", resource.get("service.name"), "OTEL_SERVICE_NAME wins: " + resource);
                assertEquals("prod", resource.get("deployment.environment"));
                assertEquals("web-1", resource.get("host.name"));
                assertEquals("io.ringmetrics", r.request().getResourceMetrics(0).getScopeMetrics(0).getScope()
                    .getName());

                final Map<String, Metric> byName = new HashMap<>();
                r.metrics().forEach(m -> byName.put(m.getName(), m));
                final Metric orders = byName.get("svc_orders_total");
                assertTrue(orders.getSum().getIsMonotonic());
                assertEquals(3, orders.getSum().getDataPoints(0).getAsInt());
                assertEquals(Map.of("status", "ok"),
                    OtlpTestReceiver.attributes(orders.getSum().getDataPoints(0).getAttributesList()));

                final Metric depth = byName.get("svc_queue_depth");
                assertTrue(depth.hasGauge());
                assertEquals(-2.5, depth.getGauge().getDataPoints(0).getAsDouble());

                final HistogramDataPoint h = byName.get("svc_latency_seconds").getHistogram().getDataPoints(0);
                assertEquals(3, h.getCount());
                assertEquals(4.203, h.getSum(), 1e-12);
                assertTrue(h.hasMin() && h.hasMax());
                assertEquals(0.003, h.getMin());
                assertEquals(4.0, h.getMax());
                final HistogramSample truth = engine.snapshot().histogram("latency_seconds", "route", "/a");
                assertArrayEquals(truth.bucketCounts(), h.getBucketCountsList().stream().mapToLong(Long::longValue)
                    .toArray());
                assertEquals(h.getBucketCountsCount() - 1, h.getExplicitBoundsCount());
                assertEquals(0.005, h.getExplicitBounds(0), "the family's own bounds");

                final Metric published = byName.get("svc_metrics_updates_published_total");
                assertTrue(published != null && published.getSum().getIsMonotonic(), "meta-metrics are sent: " +
                    byName.keySet());
                assertTrue(byName.containsKey("svc_metrics_series"), byName.keySet().toString());
                assertFalse(byName.containsKey("orders_total"), "the namespace applies to every name");
            }
            finally
            {
                metrics.close();
            }
        }
    }

    @Test
    void aCollectorAnsweringWithAnErrorIsCountedAsRejectedAndTheDeltasArriveOnceItAccepts() throws Exception
    {
        try (OtlpTestReceiver receiver = OtlpTestReceiver.start();
            MetricsEngine engine = MetricsEngine.start())
        {
            final Counter counter = engine.counter("events_total");
            final OtlpExporter exporter = exporter(receiver, OtlpTemporality.DELTA);
            receiver.failWith(400); // not retryable
            exporter.start(engine);
            counter.increment(5);
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (engine.errors().total(ErrorType.EXPORT_REJECTED) < 2 && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertTrue(engine.errors().total(ErrorType.EXPORT_REJECTED) >= 2, "rejections counted: " +
                engine.errors().entries(ErrorType.Category.EXPORT));
            counter.increment(7);
            receiver.failWith(0);
            exporter.close();
            assertEquals(12, counterTotal(receiver.received(), "events_total", null, OtlpTemporality.DELTA));
        }
    }

    @Test
    void aCollectorThatNeverAnswersIsCountedAsExportTimeoutAndCloseStillReturns() throws Exception
    {
        try (OtlpTestReceiver receiver = OtlpTestReceiver.start();
            MetricsEngine engine = MetricsEngine.start())
        {
            receiver.hang();
            final OtlpExporter exporter = OtlpExporter.builder()
                .otlp(OtlpSettings.builder().endpoint(OtlpSettings.metricsEndpoint(receiver.endpoint()))
                    .interval(Duration.ofMillis(50)).timeout(Duration.ofMillis(300)).build())
                .retries(1, Duration.ofMillis(10), Duration.ofMillis(10))
                .build();
            exporter.start(engine);
            engine.counter("events_total").increment();
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (engine.errors().total(ErrorType.EXPORT_TIMEOUT) < 2 && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertTrue(engine.errors().total(ErrorType.EXPORT_TIMEOUT) >= 2, "timeouts counted: " +
                engine.errors().entries(ErrorType.Category.EXPORT));
            final long start = System.nanoTime();
            exporter.close(); // the final export times out as well
            final long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(closeMillis < WAIT.toMillis(), "close returned, after " + closeMillis + " ms");
            assertEquals(0, exporter.stats().points(), "nothing was accepted");
            receiver.release();
        }
    }
}
