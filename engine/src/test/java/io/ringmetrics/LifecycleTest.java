package io.ringmetrics;

import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import io.ringmetrics.store.HistogramSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LifecycleTest
{
    @Test
    void threadChurnLeaksNoRing() throws Exception
    {
        final EngineConfig config = EngineConfig.builder().backpressure(BackpressurePolicy.BLOCK).maxPooledRings(8).build();
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            final Counter counter = engine.counter("churn_total");
            final int threads = 10_000;
            for (int batch = 0; batch < threads / 100; batch++)
            {
                final Thread[] workers = new Thread[100];
                for (int i = 0; i < workers.length; i++)
                {
                    workers[i] = new Thread(() ->
                    {
                        for (int k = 0; k < 10; k++)
                        {
                            counter.increment();
                        }
                    });
                    workers[i].start();
                }
                for (final Thread worker : workers)
                {
                    worker.join();
                }
            }
            // Dead threads' rings are reclaimed by the writer's housekeeping (every 10 ms).
            EngineStats stats = engine.snapshot().stats();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (stats.activeRings() > 1 && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
                stats = engine.snapshot().stats();
            }
            assertEquals(10L * threads, engine.snapshot().counter("churn_total"));
            assertTrue(stats.activeRings() <= 1, "rings of dead threads are retired, active=" + stats.activeRings());
            assertTrue(stats.pooledRings() <= 8, "pool is bounded, pooled=" + stats.pooledRings());
            assertEquals(stats.published(), stats.applied() + stats.dropped());
        }
    }

    @Test
    void threadPoolThatReplacesThreadsReusesRings() throws Exception
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking()))
        {
            final Counter counter = engine.counter("pool_total");
            for (int round = 0; round < 20; round++)
            {
                final ExecutorService pool = Executors.newFixedThreadPool(4);
                for (int task = 0; task < 40; task++)
                {
                    pool.execute(counter::increment);
                }
                pool.shutdown();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }
            Thread.sleep(100);
            final EngineStats stats = engine.snapshot().stats();
            assertEquals(800, engine.snapshot().counter("pool_total"));
            assertTrue(stats.activeRings() + stats.pooledRings() <= 64 + 1,
                "active=" + stats.activeRings() + " pooled=" + stats.pooledRings());
        }
    }

    @Test
    void closeAppliesEverythingPublishedBeforeIt()
    {
        final MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking());
        final Counter counter = engine.counter("before_close_total");
        for (int i = 0; i < 50_000; i++)
        {
            counter.increment();
        }
        engine.close();
        final EngineStats stats = engine.stats();
        assertEquals(50_000, stats.published());
        assertEquals(50_000, stats.applied(), "close drains the rings before stopping the writer");
        assertEquals(0, stats.dropped());
    }

    @Test
    void useAfterCloseFailsClearlyAndNeverCrashes()
    {
        final MetricsEngine engine = MetricsEngine.start();
        final Counter counter = engine.counter("x_total");
        final Histogram histogram = engine.histogram("h_seconds");
        engine.close();
        engine.close(); // idempotent
        final ResourceLimitException onSnapshot = assertThrows(ResourceLimitException.class, engine::snapshot);
        assertEquals(ErrorType.ENGINE_CLOSED, onSnapshot.errorType());
        assertThrows(ResourceLimitException.class, () -> engine.counter("y_total"));
        for (int i = 0; i < 10_000; i++)
        {
            counter.increment(); // lands in the ring (then is counted as dropped), never in freed memory
            histogram.observe(1.0);
        }
        final EngineStats stats = engine.stats();
        assertEquals(20_000, stats.published());
        assertEquals(0, stats.applied());
        assertEquals(stats.published(), stats.applied() + stats.dropped());
    }

    @Test
    void removalFreesTheSlotAndStaleHandlesNeverReachTheNewSeries()
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking()))
        {
            final Counter old = engine.counter("reused_total", "k", "v");
            old.increment(10);
            engine.flush();
            assertEquals(1, engine.remove("reused_total", MetricType.COUNTER));
            final Counter fresh = engine.counter("reused_total", "k", "v");
            old.increment(1000);
            fresh.increment(1);
            final MetricsSnapshot snapshot = engine.snapshot();
            assertEquals(1, snapshot.counter("reused_total", "k", "v"), "stale handle updates are not applied");
            assertEquals(1, snapshot.stats().dropped(EngineStats.DropReason.STALE_SERIES, 0), "one stale update");
        }
    }

    @Test
    void removedHistogramsGiveTheirStateBackAndNewOnesStartEmpty()
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking()))
        {
            final Histogram kept = engine.histogram("kept_seconds");
            kept.observe(0.5);
            for (int round = 0; round < 50; round++)
            {
                final Histogram temporary = engine.histogram("temporary_seconds", "round", "r" + (round % 3));
                final Counter between = engine.counter("between_total", "round", "r" + (round % 3));
                temporary.observe(round);
                between.increment(round);
                kept.observe(0.5);
                final MetricsSnapshot snapshot = engine.snapshot();
                final HistogramSample sample = snapshot.histogram("temporary_seconds", "round", "r" + (round % 3));
                assertEquals(1, sample.count(), "round " + round + ": a re-created histogram starts empty");
                assertEquals(round, sample.sum(), 0.0);
                assertEquals(round, snapshot.counter("between_total", "round", "r" + (round % 3)));
                assertEquals(round + 2, snapshot.histogram("kept_seconds").count(), "other histograms untouched");
                engine.remove("temporary_seconds", MetricType.HISTOGRAM);
                engine.remove("between_total", MetricType.COUNTER);
            }
            assertEquals(1, engine.snapshot().stats().seriesCount(), "only the kept histogram is left");
        }
    }

    @Test
    void percentilesDeferredForARemovedHistogramNeverReachItsSuccessor()
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking()))
        {
            for (int round = 0; round < 20; round++)
            {
                final Histogram temporary = engine.histogram("temporary_seconds");
                temporary.observe(100.0 + round); // deferred percentile recordings, never sampled
                temporary.observe(200.0 + round);
                engine.remove("temporary_seconds", MetricType.HISTOGRAM);
            }
            engine.histogram("temporary_seconds").observe(0.002);
            final HistogramSample sample = engine.snapshot().histogram("temporary_seconds");
            assertEquals(1, sample.count());
            assertEquals(0.002, sample.max(), 0.002 * 0.01, "max from this histogram only");
            for (int q = 0; q < HistogramSpec.QUANTILES.length; q++)
            {
                assertEquals(0.002, sample.quantileValue(q), 0.002 * 0.01, "quantile " + q);
            }
        }
    }

    @Test
    void registrationRightAfterRemovalWaitsForTheSlotInsteadOfRefusing()
    {
        final EngineConfig config = EngineConfig.builder()
            .limits(io.ringmetrics.limits.MetricsResourceConfig.builder().maxMetrics(2).maxLabelCombinations(2).build())
            .build();
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            for (int cycle = 0; cycle < 2_000; cycle++)
            {
                final Counter counter = engine.counter("churn_total");
                assertTrue(!counter.series().isOverflow(), "cycle " + cycle + " got the overflow series");
                counter.increment();
                engine.remove("churn_total", MetricType.COUNTER);
            }
            engine.counter("other_total").increment();
            assertEquals(1, engine.snapshot().counter("other_total"), "slots are not leaked");
        }
    }

    @Test
    void removalCanBeRefused()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            engine.gauge("g");
            engine.setAllowMetricRemoval(false);
            final ResourceLimitException ex =
                assertThrows(ResourceLimitException.class, () -> engine.remove("g", MetricType.GAUGE));
            assertEquals(ErrorType.REMOVAL_NOT_ALLOWED, ex.errorType());
            assertTrue(ex.getMessage().contains("PROMETHEUS_ALLOW_REMOVAL"), ex.getMessage());
            engine.setAllowMetricRemoval(true);
            assertEquals(1, engine.remove("g", MetricType.GAUGE));
            assertEquals(ErrorType.UNKNOWN_METRIC,
                assertThrows(ResourceLimitException.class, () -> engine.remove("g", MetricType.GAUGE)).errorType());
        }
    }

    @Test
    void snapshotWaitIsBounded()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            final long start = System.nanoTime();
            engine.snapshot(Duration.ofSeconds(1));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1));
        }
    }
}
