package io.ringmetrics;

import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.writer.WriterIdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineDataPathTest
{
    @Test
    void countsAreExactAfterFlushWithOneThread()
    {
        // A tight loop publishes faster than any writer applies: BLOCK makes the caller wait instead of dropping.
        try (MetricsEngine engine = MetricsEngine.start(blocking()))
        {
            final Counter counter = engine.counter("requests_total", "method", "GET");
            for (int i = 0; i < 100_000; i++)
            {
                counter.increment();
            }
            counter.increment(5);
            final MetricsSnapshot snapshot = engine.snapshot();
            assertEquals(100_005, snapshot.counter("requests_total", "method", "GET"));
        }
    }

    @Test
    void countsAreExactAfterFlushWithSeveralThreads() throws Exception
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking()))
        {
            final Counter counter = engine.counter("jobs_total");
            final Gauge gauge = engine.gauge("in_flight");
            final int threads = 4;
            final int perThread = 200_000;
            final List<Thread> workers = new ArrayList<>();
            final CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < threads; t++)
            {
                final Thread worker = new Thread(() ->
                {
                    awaitQuietly(start);
                    for (int i = 0; i < perThread; i++)
                    {
                        counter.increment();
                        gauge.increment();
                        gauge.decrement();
                    }
                });
                workers.add(worker);
                worker.start();
            }
            start.countDown();
            for (final Thread worker : workers)
            {
                worker.join();
            }
            final MetricsSnapshot snapshot = engine.snapshot();
            assertEquals((long)threads * perThread, snapshot.counter("jobs_total"));
            assertEquals(0.0, snapshot.gauge("in_flight"));
            final EngineStats stats = snapshot.stats();
            assertEquals(0, stats.pending());
            assertEquals(0, stats.dropped(), "BLOCK never drops while the engine runs");
            assertEquals(3L * threads * perThread, stats.published());
            assertEquals(stats.published(), stats.applied() + stats.dropped());
        }
    }

    @Test
    void sameNameAndLabelsInAnyOrderIsOneSeries()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            final Counter a = engine.counter("http_requests_total", "method", "GET", "status", "200");
            final Counter b = engine.counter("http_requests_total", "status", "200", "method", "GET");
            assertSame(a.series(), b.series());
            a.increment();
            b.increment();
            assertEquals(2, engine.snapshot().counter("http_requests_total", "status", "200", "method", "GET"));
        }
    }

    @Test
    void dropAccountingHoldsWithATinyRing() throws Exception
    {
        final EngineConfig config = slowWriter().ringSize(16).build();
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            final Counter counter = engine.counter("c_total");
            final Histogram histogram = engine.histogram("h_seconds");
            final int calls = 1_000_000;
            for (int i = 0; i < calls; i++)
            {
                counter.increment();
                histogram.observe(0.001);
            }
            final MetricsSnapshot snapshot = engine.snapshot();
            final EngineStats stats = snapshot.stats();
            assertEquals(2L * calls, stats.published(), "every call is counted as published");
            assertEquals(stats.published(), stats.applied() + stats.dropped());
            final long counterDropped = stats.dropped(EngineStats.DropReason.RING_FULL, 0);
            assertTrue(counterDropped > 0, "a 16-slot ring must overflow under this load");
            assertEquals(calls - counterDropped, snapshot.counter("c_total"), "applied counter updates are exact");
            final HistogramSample h = snapshot.histogram("h_seconds");
            assertEquals(calls - stats.dropped(EngineStats.DropReason.RING_FULL, 2), h.count());
        }
    }

    @Test
    void aGrowingRingDropsNothingWithinItsMaximumAndKeepsGaugeOrder() throws Exception
    {
        // The writer is slow to wake, so a 16-slot first ring fills and must grow.
        final EngineConfig config = slowWriter().initialRingSize(16).ringSize(1 << 16).build();
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            final Counter counter = engine.counter("grow_total");
            final Gauge gauge = engine.gauge("grow_last");
            final int calls = 30_000; // 60 000 updates: fits in the rings a thread may grow to
            for (int i = 1; i <= calls; i++)
            {
                counter.increment();
                gauge.set(i);
            }
            final MetricsSnapshot snapshot = engine.snapshot();
            final EngineStats stats = snapshot.stats();
            assertEquals(0, stats.dropped(), "nothing dropped below the maximum ring size");
            assertEquals(2L * calls, stats.published());
            assertEquals(stats.published(), stats.applied());
            assertEquals(calls, snapshot.counter("grow_total"));
            assertEquals(calls, snapshot.gauge("grow_last"), "the last set wins: rings are drained oldest first");
        }
    }

    @Test
    void histogramBucketsCountSumAndPercentilesMatchAReference()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking()))
        {
            final Histogram histogram = engine.histogram("latency_seconds", "endpoint", "/api");
            final Random random = new Random(42);
            final int n = 50_000;
            final double[] values = new double[n];
            double sum = 0;
            final double[] bounds = HistogramSpec.DEFAULT_BUCKETS;
            final long[] expectedBuckets = new long[bounds.length + 1];
            for (int i = 0; i < n; i++)
            {
                final double v = Math.exp(random.nextGaussian() * 1.5 - 3.0); // log-normal, median ~50 ms
                values[i] = v;
                sum += v;
                int b = 0;
                while (b < bounds.length && v > bounds[b])
                {
                    b++;
                }
                expectedBuckets[b]++;
                if ((i & 1) == 0)
                {
                    histogram.observe(v);
                }
                else
                {
                    histogram.observeNanos(Math.round(v * 1e9));
                }
            }
            final HistogramSample sample = engine.snapshot().histogram("latency_seconds", "endpoint", "/api");
            assertEquals(n, sample.count());
            assertEquals(sum, sample.sum(), sum * 1e-9);
            long bucketTotal = 0;
            for (int b = 0; b < sample.bucketCount(); b++)
            {
                bucketTotal += sample.bucketCountAt(b);
            }
            assertEquals(n, bucketTotal, "count equals the sum of the buckets");
            // Nanosecond observations are rounded; only values within 1 ns of a bound could move bucket.
            for (int b = 0; b < expectedBuckets.length; b++)
            {
                assertEquals(expectedBuckets[b], sample.bucketCountAt(b), 2.0, "bucket " + b);
            }
            java.util.Arrays.sort(values);
            final double[] quantiles = HistogramSpec.QUANTILES;
            for (int q = 0; q < quantiles.length; q++)
            {
                final double exact = values[(int)Math.ceil(quantiles[q] * n) - 1];
                final double reported = sample.quantileValue(q);
                assertEquals(exact, reported, exact * 0.01 + 1e-6, "quantile " + quantiles[q] + " to 2 digits");
            }
            assertEquals(values[n - 1], sample.max(), values[n - 1] * 0.01);
        }
    }

    @Test
    void everySnapshotSeesEveryObservationInThePercentiles()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking()))
        {
            final Histogram a = engine.histogram("a_seconds");
            final Histogram b = engine.histogram("b_seconds");
            double max = 0;
            for (int round = 1; round <= 100; round++) // 1..100 observations per snapshot, most not a full batch
            {
                for (int i = 0; i < round; i++)
                {
                    a.observe(0.001 * round);
                    b.observe(0.5);
                }
                max = 0.001 * round;
                final MetricsSnapshot snapshot = engine.snapshot();
                final HistogramSample sampleA = snapshot.histogram("a_seconds");
                assertEquals(max, sampleA.max(), max * 0.01, "round " + round + ": max includes the last observation");
                assertEquals(max, sampleA.quantileValue(HistogramSpec.QUANTILES.length - 1), max * 0.01, "round " + round + ": p999");
                assertEquals(0.5, snapshot.histogram("b_seconds").max(), 0.5 * 0.01);
            }
        }
    }

    @Test
    void invalidValuesAreCountedAndNeverCorruptOtherData()
    {
        try (MetricsEngine engine = MetricsEngine.start())
        {
            final Counter counter = engine.counter("ok_total");
            final Gauge gauge = engine.gauge("temperature");
            final Histogram histogram = engine.histogram("size_seconds");
            counter.increment(3);
            counter.increment(-7);
            gauge.set(21.5);
            gauge.set(Double.NaN);
            gauge.increment(Double.POSITIVE_INFINITY);
            histogram.observe(0.2);
            histogram.observe(Double.NaN);
            final MetricsSnapshot snapshot = engine.snapshot();
            assertEquals(3, snapshot.counter("ok_total"));
            assertEquals(21.5, snapshot.gauge("temperature"));
            assertEquals(1, snapshot.histogram("size_seconds").count());
            assertEquals(4, snapshot.stats().dropped(EngineStats.DropReason.INVALID_VALUE, 0) +
                snapshot.stats().dropped(EngineStats.DropReason.INVALID_VALUE, 1) +
                snapshot.stats().dropped(EngineStats.DropReason.INVALID_VALUE, 2));
        }
    }

    @Test
    void aNegativeOrNonFiniteObservationThroughAHandleNeverTouchesTheSeries()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking()))
        {
            final Histogram histogram = engine.histogram("work_seconds");
            histogram.observe(0.25);
            histogram.observe(0.5);
            histogram.observe(-1.0);
            histogram.observe(-Double.MIN_VALUE);
            histogram.observe(Double.NEGATIVE_INFINITY);
            histogram.observe(Double.POSITIVE_INFINITY);
            histogram.observe(Double.NaN);
            histogram.observeNanos(-1L);
            final MetricsSnapshot snapshot = engine.snapshot();
            final HistogramSample sample = snapshot.histogram("work_seconds");
            assertEquals(2, sample.count(), "only the two valid observations");
            assertEquals(0.75, sample.sum(), "the sum never goes backwards");
            assertEquals(0, sample.bucketCountAt(0), "nothing landed in the lowest bucket");
            assertEquals(0.5, sample.max());
            assertEquals(0.25, sample.quantileValue(0), 0.25 * 0.01);
            assertEquals(6, snapshot.stats().dropped(EngineStats.DropReason.INVALID_VALUE, UpdateOp.KIND_HISTOGRAM),
                "each refused observation is counted as invalid_value, the same rule as observeNanos(-1)");
            assertEquals(2, snapshot.stats().applied(UpdateOp.KIND_HISTOGRAM));
        }
    }

    @Test
    void observationsBeyondThePercentileRangeStayExactInCountSumBucketsAndMax()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking()))
        {
            final Histogram histogram = engine.histogram("huge_seconds");
            histogram.observe(1e12);
            final HistogramSample one = engine.snapshot().histogram("huge_seconds");
            assertEquals(1, one.count());
            assertEquals(1e12, one.sum());
            assertEquals(1, one.bucketCountAt(one.bucketCount() - 1), "+Inf bucket");
            assertEquals(1e12, one.max(), "max never below a single observation");
            assertEquals(1e12, one.quantileValue(HistogramSpec.QUANTILES.length - 1));
            histogram.observe(12.5);
            final HistogramSample two = engine.snapshot().histogram("huge_seconds");
            assertEquals(2, two.count());
            assertEquals(1e12 + 12.5, two.sum());
            assertEquals(1e12, two.max());
        }
    }

    @Test
    void oneObservationIsReportedExactlyAsMaxAndAtEveryQuantile()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking()))
        {
            engine.histogram("job_seconds").observe(12.5);
            engine.histogram("small_seconds").observe(0.2);
            engine.histogram("nanos_seconds").observeNanos(200_000_000L);
            final MetricsSnapshot snapshot = engine.snapshot();
            for (final String name : new String[] { "job_seconds", "small_seconds", "nanos_seconds" })
            {
                final HistogramSample sample = snapshot.histogram(name);
                final double expected = name.equals("job_seconds") ? 12.5 : 0.2;
                assertEquals(expected, sample.sum(), name);
                assertEquals(expected, sample.max(), name + " max");
                for (int q = 0; q < HistogramSpec.QUANTILES.length; q++)
                {
                    assertEquals(expected, sample.quantileValue(q), name + " quantile " + HistogramSpec.QUANTILES[q]);
                }
            }
        }
    }

    /** A writer that parks up to 50 ms when idle, so callers' rings fill. */
    private static EngineConfig.Builder slowWriter()
    {
        return EngineConfig.builder().idleStrategy(WriterIdleStrategy.BACKOFF).maxIdlePark(java.time.Duration.ofMillis(50));
    }

    static EngineConfig blocking()
    {
        return EngineConfig.builder().backpressure(BackpressurePolicy.BLOCK).build();
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
