package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.exporter.it.Promtool;
import io.ringmetrics.exporter.prometheus.RingMetricsCollector;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the bridge promises beyond Micrometer's kit: Prometheus names and labels in the engine's exposition,
 * sampled meters read on the scraping thread, weak references kept, rejections counted as no-op meters, removal
 * reaching the engine, and the JVM binders' series being lint-clean.
 */
@Timeout(60)
class RingMetricsMeterRegistryTest
{
    private final MetricsEngine engine = MetricsEngine.start();
    private final RingMetricsMeterRegistry registry = new RingMetricsMeterRegistry(engine, null, new MockClock());

    @AfterEach
    void close()
    {
        registry.close();
        engine.close();
    }

    private String scrape() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        RingMetricsCollector.builder(engine).build().writeText(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void namesAndTagsFollowMicrometersPrometheusConvention() throws IOException
    {
        Timer.builder("http.server.requests").tags("http.method", "GET", "uri", "/api").register(registry)
            .record(12, TimeUnit.MILLISECONDS);
        registry.counter("cache.misses", "cache", "models").increment(3);
        DistributionSummary.builder("payload.size").baseUnit("bytes").register(registry).record(2048);
        registry.gauge("queue.depth", List.of(), new AtomicLong(7));

        final String text = scrape();
        assertTrue(text.contains("http_server_requests_seconds_count{http_method=\"GET\",uri=\"/api\"} 1"), text);
        assertTrue(text.contains("http_server_requests_seconds_sum{http_method=\"GET\",uri=\"/api\"} 0.012"), text);
        assertTrue(text.contains("http_server_requests_seconds_max{http_method=\"GET\",uri=\"/api\"} 0.012"), text);
        assertTrue(text.contains("cache_misses_total{cache=\"models\"} 3"), text);
        assertTrue(text.contains("payload_size_bytes_count 1"), text);
        assertTrue(text.contains("queue_depth 7"), text);
        Promtool.assertClean(text);
    }

    @Test
    void commonTagsAndFiltersApplyBeforeTheEngineSeesTheMeter() throws IOException
    {
        registry.config().commonTags("region", "eu").meterFilter(MeterFilter.ignoreTags("instance"));
        registry.counter("jobs", "instance", "i-1").increment();
        registry.counter("jobs", "instance", "i-2").increment();

        assertTrue(scrape().contains("jobs_total{region=\"eu\"} 2"));
    }

    @Test
    void gaugesAreSampledOnTheScrapingThreadNotTheWriter() throws Exception
    {
        final AtomicReference<String> samplingThread = new AtomicReference<>();
        Gauge.builder("pool.size", () -> {
            samplingThread.set(Thread.currentThread().getName());
            return 5;
        }).register(registry);
        samplingThread.set(null); // registration itself never samples on the exporter's behalf

        final AtomicReference<String> text = new AtomicReference<>();
        final Thread scraper = new Thread(() -> {
            try
            {
                text.set(scrape());
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        }, "test-scraper");
        scraper.start();
        scraper.join();

        assertTrue(text.get().contains("pool_size 5"), text.get());
        assertEquals("test-scraper", samplingThread.get());
    }

    @Test
    void theRegistryDoesNotKeepAGaugesObjectAlive() throws Exception
    {
        Object observed = new AtomicLong(3);
        final WeakReference<Object> ref = new WeakReference<>(observed);
        registry.gauge("weak.gauge", List.of(), (AtomicLong)observed, AtomicLong::doubleValue);
        assertTrue(scrape().contains("weak_gauge 3"));

        observed = null;
        for (int i = 0; i < 50 && ref.get() != null; i++)
        {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(ref.get(), "the gauge's object was collected");
        assertTrue(Double.isNaN(registry.get("weak.gauge").gauge().value()));
        scrape(); // sampling a collected gauge is not an error
        assertEquals(0, engine.errors().total(ErrorType.INVALID_VALUE));
    }

    @Test
    void functionMetersAndLongTaskTimersAreExposedFromSamples() throws IOException
    {
        final AtomicLong hits = new AtomicLong(41);
        FunctionCounter.builder("cache.hits", hits, AtomicLong::doubleValue).register(registry);
        FunctionTimer.builder("cache.gets", hits, h -> 4, h -> 250, TimeUnit.MILLISECONDS).register(registry);
        final LongTaskTimer ltt = LongTaskTimer.builder("batch.run").register(registry);
        ltt.start();
        ((MockClock)registry.config().clock()).add(Duration.ofSeconds(3));
        Meter.builder("custom.meter", Meter.Type.OTHER, List.of(new Measurement(() -> 9.0, Statistic.VALUE),
            new Measurement(() -> 2.0, Statistic.COUNT))).register(registry);

        String text = scrape();
        assertTrue(text.contains("cache_hits_total 41"), text);
        assertTrue(text.contains("cache_gets_count_total 4"), text);
        assertTrue(text.contains("cache_gets_time_seconds 0.25"), text);
        assertTrue(text.contains("batch_run_active_tasks 1"), text);
        assertTrue(text.contains("batch_run_duration_seconds 3"), text);
        assertTrue(text.contains("custom_meter 9"), text);
        assertTrue(text.contains("custom_meter_observations 2"), text);
        Promtool.assertClean(text);

        hits.addAndGet(2);
        text = scrape();
        assertTrue(text.contains("cache_hits_total 43"), text);
    }

    @Test
    void aMeterTheEngineRefusesIsANoopCountedLikeAnyRejectedRegistration()
    {
        final AtomicReference<String> failure = new AtomicReference<>();
        registry.config().onMeterRegistrationFailed((id, reason) -> failure.set(id.getName() + ": " + reason));
        registry.counter("requests", "method", "GET").increment();

        final Counter other = registry.counter("requests", "status", "200"); // other label names: refused
        other.increment();

        assertInstanceOf(NoopCounter.class, other);
        assertEquals(1, engine.errors().total(ErrorType.LABEL_NAMES_CONFLICT));
        assertTrue(failure.get().startsWith("requests: "), failure.get());
        assertEquals(1, engine.snapshot().counter("requests_total", "method", "GET"));
    }

    @Test
    void fractionalIncrementsAddUpExactly()
    {
        final Counter c = registry.counter("work.units");
        for (int i = 0; i < 10; i++)
        {
            c.increment(0.25);
        }
        assertEquals(2.5, c.count(), 1e-9);
        assertEquals(2, engine.snapshot().counter("work_units_total"));
    }

    @Test
    void removingTheLastMeterOfANameRemovesTheEngineMetric()
    {
        final Counter a = registry.counter("orders", "shop", "a");
        final Counter b = registry.counter("orders", "shop", "b");
        a.increment();
        b.increment();
        registry.remove(a);
        MetricsSnapshot snapshot = engine.snapshot();
        assertEquals(1, snapshot.counter("orders_total", "shop", "b"), "b still uses the metric");

        registry.remove(b);
        snapshot = engine.snapshot();
        assertEquals(-1, snapshot.counter("orders_total", "shop", "b"));
        assertNull(engine.registry().family("orders_total"));
    }

    @Test
    void removalRefusedByTheEngineIsCountedNotThrown()
    {
        engine.setAllowMetricRemoval(false);
        final Counter c = registry.counter("kept");
        registry.clear();
        assertEquals(1, engine.errors().total(ErrorType.REMOVAL_NOT_ALLOWED));
        assertTrue(registry.getMeters().isEmpty());
        c.increment(); // still harmless
    }

    @Test
    void jvmMetricsAreServedAndLintClean() throws IOException
    {
        try (JvmMetrics jvm = JvmMetrics.bindTo(registry))
        {
            final String text = scrape();
            for (final String series : new String[] {
                "jvm_memory_used_bytes{", "jvm_threads_live_threads ", "jvm_classes_loaded_classes ",
                "system_cpu_processors ", "process_uptime_seconds ", "process_files_open_files " })
            {
                assertTrue(text.contains(series), series + " in\n" + text);
            }
            Promtool.assertClean(text);
            assertEquals(0, engine.errors().total(ErrorType.Category.VALIDATION), text);
        }
    }
}
