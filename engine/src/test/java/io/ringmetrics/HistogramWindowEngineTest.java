package io.ringmetrics;

import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import io.ringmetrics.store.HistogramSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windowed percentiles through the whole engine (issue 14, item 1): the window a histogram gets (its own, or the
 * engine's default), and rotation on the writer while callers publish. The writer's clock is the real one, so these
 * tests wait for windows with generous liveness bounds; the sliding itself is checked against a reference with a
 * manual clock in {@code io.ringmetrics.store.WindowedPercentilesTest}.
 */
class HistogramWindowEngineTest
{
    private static final long LIVENESS_NANOS = 10_000_000_000L;

    private static double p99(final HistogramSample sample)
    {
        return sample.quantileValue(2);
    }

    @Test
    void aHistogramWithoutItsOwnWindowTakesTheEnginesDefaultAndOneWithItKeepsIt() throws InterruptedException
    {
        final EngineConfig config = EngineConfig.builder().backpressure(BackpressurePolicy.BLOCK)
            .defaultHistogram(HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofMillis(300), 3)).build();
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            final Histogram byDefault = engine.histogram("default_seconds");
            final Histogram ownBuckets = engine.histogram("buckets_seconds", "Own buckets, default window.",
                HistogramSpec.secondsWithBuckets(0.01, 1, 10), new String[0]);
            final Histogram sinceStart = engine.histogram("since_start_seconds", "No window.",
                HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ZERO, 1), new String[0]);
            final Histogram hour = engine.histogram("hour_seconds", "A one-hour window.",
                HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofHours(1), 6), new String[0]);
            for (final Histogram h : new Histogram[] { byDefault, ownBuckets, sinceStart, hour })
            {
                h.observe(5.0);
            }
            MetricsSnapshot snapshot = engine.snapshot();
            assertEquals(5.0, snapshot.histogram("default_seconds").max());
            final long deadline = System.nanoTime() + LIVENESS_NANOS;
            while (engine.snapshot().histogram("default_seconds").max() != 0.0 && System.nanoTime() < deadline)
            {
                Thread.sleep(20); // the 300 ms window slides past the observation
            }
            for (final Histogram h : new Histogram[] { byDefault, ownBuckets, sinceStart, hour })
            {
                h.observe(0.010);
            }
            snapshot = engine.snapshot();
            for (final String name : new String[] { "default_seconds", "buckets_seconds" })
            {
                final HistogramSample sample = snapshot.histogram(name);
                assertEquals(0.010, sample.max(), name + ": 5.0 left the engine's default window");
                assertEquals(0.010, p99(sample), name);
                assertEquals(2, sample.count(), name + ": _count stays cumulative");
                assertEquals(5.010, sample.sum(), 1e-12, name + ": _sum stays cumulative");
            }
            for (final String name : new String[] { "since_start_seconds", "hour_seconds" })
            {
                final HistogramSample sample = snapshot.histogram(name);
                assertEquals(5.0, sample.max(), name + ": its own window still holds 5.0");
                assertEquals(5.0, p99(sample), name);
            }
        }
    }

    @Test
    void registeringAHistogramAgainWithAnotherWindowIsRefused()
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineConfig.DEFAULTS))
        {
            final HistogramSpec minute = HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofSeconds(60), 5);
            engine.histogram("windowed_seconds", "h", minute, new String[] { "path", "/a" });
            engine.histogram("windowed_seconds", "h", HistogramSpec.DEFAULT_SECONDS, // = the engine's default window
                new String[] { "path", "/b" });
            final RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> engine.histogram("windowed_seconds", "h",
                    HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofSeconds(10), 5), new String[] { "path", "/c" }));
            assertTrue(refused.getMessage().contains("window=PT10S/5"), refused.getMessage());
        }
    }

    @Test
    void rotationUnderLoadFromManyThreadsLosesNothingAndNeverStopsTheWriter() throws Exception
    {
        final EngineConfig config = EngineConfig.builder().backpressure(BackpressurePolicy.BLOCK)
            .defaultHistogram(HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofMillis(20), 4)).build();
        final int threads = 4;
        final int perThread = 300_000;
        final int seriesCount = 16;
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            final Histogram[] series = new Histogram[seriesCount];
            for (int s = 0; s < seriesCount; s++)
            {
                series[s] = engine.histogram("load_seconds", "path", "/" + s);
            }
            final AtomicBoolean publishing = new AtomicBoolean(true);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int seed = t;
                callers.add(new Thread(() ->
                {
                    final SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < perThread; i++)
                    {
                        series[random.nextInt(seriesCount)].observe(0.001 + random.nextDouble() * 0.999);
                    }
                }));
            }
            final Thread sampler = new Thread(() ->
            {
                try
                {
                    while (publishing.get())
                    {
                        final MetricsSnapshot snapshot = engine.snapshot();
                        for (int i = 0; i < snapshot.size(); i++)
                        {
                            final HistogramSample sample = snapshot.histogram(i);
                            for (int q = 0; q < HistogramSpec.QUANTILES.length; q++)
                            {
                                final double v = sample.quantileValue(q);
                                if (v != 0.0 && (v < 0.001 || v > 1.0))
                                {
                                    throw new AssertionError("quantile outside the observed range: " + v);
                                }
                            }
                        }
                        Thread.sleep(1);
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            });
            sampler.start();
            callers.forEach(Thread::start);
            for (final Thread caller : callers)
            {
                caller.join(60_000);
            }
            publishing.set(false);
            sampler.join(10_000);
            assertNull(failure.get());
            final MetricsSnapshot snapshot = engine.snapshot();
            long total = 0;
            for (int s = 0; s < seriesCount; s++)
            {
                final HistogramSample sample = snapshot.histogram("load_seconds", "path", "/" + s);
                long buckets = 0;
                for (int b = 0; b < sample.bucketCount(); b++)
                {
                    buckets += sample.bucketCountAt(b);
                }
                assertEquals(sample.count(), buckets);
                total += sample.count();
            }
            assertEquals((long)threads * perThread, total, "every observation counted");
            assertEquals((long)threads * perThread, snapshot.stats().applied(UpdateOp.KIND_HISTOGRAM));
            assertTrue(engine.health().isHealthy(), engine.health().toString());
        }
    }
}
