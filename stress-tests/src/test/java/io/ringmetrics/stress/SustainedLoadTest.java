package io.ringmetrics.stress;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.EngineStats.DropReason;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sustained multi-thread load, bounded in time ({@code -Dstress.seconds=N}, default 3 per policy), with thread
 * churn, label-set churn up to the limits, metric removal and re-registration, invalid values, and a thread taking
 * snapshots in a tight loop.
 * <p>
 * While it runs, every snapshot must show counters that never go backwards, histograms whose count equals their
 * buckets' sum, and limits that hold. At the end, after close: every call made on a handle is accounted for
 * exactly ({@code published = calls = applied + dropped}), with drops by reason matching what the test did, the
 * rings of the dead threads are retired and pooled within the pool bound, slots of removed metrics are reused
 * (no slot leak), and the writer thread is gone.
 */
class SustainedLoadTest
{
    private static final long SECONDS = Long.getLong("stress.seconds", 3);
    private static final int WORKERS = 4;
    private static final int MAX_POOLED_RINGS = 4;
    private static final int MAX_METRICS = 40;
    private static final int MAX_SERIES = 300;
    private static final int USER_IDS = 1_000; // more label values than MAX_SERIES: drives the overflow series

    /** What the publishing threads did, summed when each thread ends. */
    private static final class Tally
    {
        final LongAdder calls = new LongAdder();
        final LongAdder invalid = new LongAdder();
        final LongAdder stale = new LongAdder();
        final LongAdder histogramBeforeRemove = new LongAdder();
        final LongAdder fixedIncrements = new LongAdder();
        final AtomicLong threadsStarted = new AtomicLong();
        final AtomicLong removals = new AtomicLong();
        final AtomicLong slotWaits = new AtomicLong();
    }

    @ParameterizedTest
    @EnumSource(BackpressurePolicy.class)
    void loadWithThreadChurnAccountsForEveryUpdate(final BackpressurePolicy policy) throws Exception
    {
        final EngineConfig config = EngineConfig.builder()
            .initialRingSize(16) // rings grow (16 -> 256 slots) while threads churn and die with grown rings
            .ringSize(256) // small: with DROP the rings do overflow under this load
            .backpressure(policy)
            .maxPooledRings(MAX_POOLED_RINGS)
            .snapshotTimeout(Duration.ofSeconds(30))
            .limits(MetricsResourceConfig.builder().maxMetrics(MAX_METRICS).maxLabelCombinations(MAX_SERIES).build())
            .build();
        final int writersBefore = writerThreads();
        final MetricsEngine engine = MetricsEngine.start(config);
        final Tally tally = new Tally();
        final Counter[] fixed = new Counter[WORKERS];
        for (int w = 0; w < WORKERS; w++)
        {
            fixed[w] = engine.counter("requests_total", "worker", "w" + w);
        }
        final Gauge inFlight = engine.gauge("in_flight");
        final Histogram latency = engine.histogram("latency_seconds");

        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final SnapshotChecker checker = new SnapshotChecker(engine, failures);
        final Thread snapshots = new Thread(checker, "stress-snapshots");
        snapshots.start();
        final Thread remover = new Thread(() -> removeAndReRegister(engine, deadline, tally, failures), "stress-remover");
        remover.start();

        // Worker slots: each worker publishes a random amount, then dies and is replaced by a new thread.
        final Thread[] workers = new Thread[WORKERS];
        while (System.nanoTime() < deadline && failures.isEmpty())
        {
            for (int w = 0; w < WORKERS; w++)
            {
                if (workers[w] == null || !workers[w].isAlive())
                {
                    final int slot = w;
                    workers[w] = new Thread(() -> publish(engine, fixed[slot], inFlight, latency, tally, failures),
                        "stress-worker-" + tally.threadsStarted.incrementAndGet());
                    workers[w].start();
                }
            }
            Thread.sleep(1);
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        remover.join();
        checker.stop();
        snapshots.join();
        assertTrue(failures.isEmpty(), () -> "failures during the load: " + failures);

        // Rings of dead threads are retired by the writer's housekeeping (every 10 ms) and pooled within the bound.
        EngineStats running = engine.snapshot().stats();
        final long ringDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running.activeRings() > 0 && System.nanoTime() < ringDeadline)
        {
            Thread.sleep(20);
            running = engine.snapshot().stats();
        }
        assertEquals(0, running.activeRings(), "every publishing thread is dead: no active ring may remain");
        assertTrue(running.pooledRings() <= MAX_POOLED_RINGS, "pool bound, pooled=" + running.pooledRings());
        assertTrue(tally.threadsStarted.get() >= 2 * WORKERS, "threads churned: " + tally.threadsStarted);
        assertTrue(checker.snapshots.get() > 10, "snapshots taken in the loop: " + checker.snapshots);

        final MetricsSnapshot last = engine.snapshot();
        checker.check(last);
        assertTrue(last.stats().seriesCount() <= MAX_SERIES && last.stats().metricCount() <= MAX_METRICS);
        int nonOverflow = 0;
        for (int i = 0; i < last.size(); i++)
        {
            nonOverflow += last.series(i).isOverflow() ? 0 : 1;
        }
        assertEquals(nonOverflow, last.stats().seriesCount(), "the series budget matches the live series");
        assertTrue(last.counter("users_total", "overflow", "true") > 0, "max_label_combinations was reached");
        long fixedTotal = 0;
        for (int w = 0; w < WORKERS; w++)
        {
            fixedTotal += last.counter("requests_total", "worker", "w" + w);
        }
        if (policy == BackpressurePolicy.BLOCK)
        {
            assertEquals(tally.fixedIncrements.sum(), fixedTotal, "BLOCK: every valid increment applied");
        }
        else
        {
            assertTrue(fixedTotal <= tally.fixedIncrements.sum(), "DROP: never more than was published");
        }

        engine.close();
        final EngineStats stats = engine.stats();
        assertEquals(tally.calls.sum(), stats.published(), "every handle call is counted as published");
        assertEquals(stats.published(), stats.applied() + stats.dropped(), "published = applied + dropped");
        assertEquals(0, stats.pending());
        assertEquals(0, dropped(stats, DropReason.CLOSED), "close applies everything published before it");
        if (policy == BackpressurePolicy.BLOCK)
        {
            assertEquals(0, dropped(stats, DropReason.RING_FULL), "BLOCK never drops while running");
            assertEquals(tally.invalid.sum(), dropped(stats, DropReason.INVALID_VALUE), "invalid values dropped");
        }
        else
        {
            assertTrue(dropped(stats, DropReason.INVALID_VALUE) <= tally.invalid.sum());
        }
        // Every update through a stale handle is dropped as stale (BLOCK: none is lost to a full ring). Besides,
        // the first observation of a histogram published just before remove() may be counted stale_series rather
        // than applied: the writer creates histogram state lazily from the registry, which remove() clears before
        // the writer sees the slot's release. Either way it is accounted for, and it never reaches another series.
        final long stale = dropped(stats, DropReason.STALE_SERIES);
        assertTrue(stale <= tally.stale.sum() + tally.histogramBeforeRemove.sum(), "stale drops: " + stale);
        if (policy == BackpressurePolicy.BLOCK)
        {
            assertTrue(stale >= tally.stale.sum(), "every stale update dropped: " + stale + " < " + tally.stale);
        }
        assertTrue(tally.removals.get() > 10, "metrics removed and registered again: " + tally.removals);
        awaitWriterThreads(writersBefore);
        System.out.printf("SustainedLoadTest %s: %d s, %d threads, %d snapshots, %d removals (%d slot waits), " +
            "published %d = applied %d + dropped %d (ring_full %d, stale %d [stale handle calls %d], invalid %d)%n",
            policy, SECONDS, tally.threadsStarted.get(), checker.snapshots.get(), tally.removals.get(),
            tally.slotWaits.get(), stats.published(), stats.applied(), stats.dropped(),
            dropped(stats, DropReason.RING_FULL), stale, tally.stale.sum(), dropped(stats, DropReason.INVALID_VALUE));
    }

    private static long dropped(final EngineStats stats, final DropReason reason)
    {
        return stats.dropped(reason, UpdateOp.KIND_COUNTER) + stats.dropped(reason, UpdateOp.KIND_GAUGE) +
            stats.dropped(reason, UpdateOp.KIND_HISTOGRAM);
    }

    private static void publish(
        final MetricsEngine engine, final Counter fixed, final Gauge inFlight, final Histogram latency,
        final Tally tally, final ConcurrentLinkedQueue<Throwable> failures)
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final int rounds = random.nextInt(500, 20_000);
        long calls = 0;
        long invalid = 0;
        long fixedIncrements = 0;
        try
        {
            for (int i = 0; i < rounds; i++)
            {
                fixed.increment();
                fixedIncrements++;
                inFlight.increment();
                latency.observe(random.nextDouble() * 2);
                inFlight.decrement();
                calls += 4;
                if ((i & 63) == 0)
                {
                    // New label sets until max_label_combinations, then the overflow series.
                    engine.counter("users_total", "user", "u" + random.nextInt(USER_IDS)).increment(2);
                    calls++;
                }
                if ((i & 1023) == 0)
                {
                    fixed.increment(-1);
                    inFlight.set(Double.NaN);
                    latency.observe(Double.POSITIVE_INFINITY);
                    calls += 3;
                    invalid += 3;
                }
            }
        }
        catch (final Throwable t)
        {
            failures.add(t);
        }
        finally
        {
            tally.calls.add(calls);
            tally.invalid.add(invalid);
            tally.fixedIncrements.add(fixedIncrements);
        }
    }

    /** Registers metrics, updates them, removes them and updates once more through the stale handle. */
    private static void removeAndReRegister(
        final MetricsEngine engine, final long deadline, final Tally tally,
        final ConcurrentLinkedQueue<Throwable> failures)
    {
        long calls = 0;
        long stale = 0;
        long histogramBeforeRemove = 0;
        try
        {
            for (int i = 0; System.nanoTime() < deadline; i++)
            {
                final String name = "tmp_" + (i & 7) + "_total";
                final String value = "v" + (i & 3);
                Counter counter;
                try
                {
                    counter = engine.counter(name, "k", value);
                }
                catch (final ResourceLimitException ex)
                {
                    // No free slot (not even for the overflow series): slots of removed metrics may still be in
                    // flight to the writer. Once it has applied everything, they must be back; if not, they leaked.
                    tally.slotWaits.incrementAndGet();
                    engine.flush();
                    counter = engine.counter(name, "k", value);
                }
                counter.increment();
                counter.increment();
                final Histogram histogram = engine.histogram("tmp_" + (i & 7) + "_seconds");
                histogram.observe(0.1);
                histogramBeforeRemove++;
                calls += 3;
                engine.remove(name, MetricType.COUNTER);
                engine.remove("tmp_" + (i & 7) + "_seconds", MetricType.HISTOGRAM);
                counter.increment(); // stale now: must be dropped, never applied to a series reusing the slot
                histogram.observe(0.2);
                calls += 2;
                stale += 2;
                tally.removals.incrementAndGet();
            }
        }
        catch (final Throwable t)
        {
            failures.add(t);
        }
        finally
        {
            tally.calls.add(calls);
            tally.stale.add(stale);
            tally.histogramBeforeRemove.add(histogramBeforeRemove);
        }
    }

    /** Takes snapshots in a tight loop and checks each one against the previous ones. */
    private static final class SnapshotChecker implements Runnable
    {
        private final MetricsEngine engine;
        private final ConcurrentLinkedQueue<Throwable> failures;
        private final Map<SeriesDescriptor, Long> lastCounter = new IdentityHashMap<>();
        private final Map<SeriesDescriptor, Long> lastCount = new IdentityHashMap<>();
        private final AtomicReference<Boolean> running = new AtomicReference<>(true);
        final AtomicLong snapshots = new AtomicLong();

        SnapshotChecker(final MetricsEngine engine, final ConcurrentLinkedQueue<Throwable> failures)
        {
            this.engine = engine;
            this.failures = failures;
        }

        void stop()
        {
            running.set(false);
        }

        @Override
        public void run()
        {
            try
            {
                while (running.get())
                {
                    check(engine.snapshot());
                    snapshots.incrementAndGet();
                }
            }
            catch (final Throwable t)
            {
                failures.add(t);
            }
        }

        synchronized void check(final MetricsSnapshot snapshot)
        {
            final EngineStats stats = snapshot.stats();
            if (stats.seriesCount() > MAX_SERIES || stats.metricCount() > MAX_METRICS)
            {
                throw new AssertionError("limits exceeded: series=" + stats.seriesCount() + ", metrics=" +
                    stats.metricCount());
            }
            for (int i = 0; i < snapshot.size(); i++)
            {
                final SeriesDescriptor series = snapshot.series(i);
                final MetricType type = series.family().type();
                if (type == MetricType.COUNTER)
                {
                    final long value = snapshot.counterValue(i);
                    final Long previous = lastCounter.put(series, value);
                    if (value < 0 || (previous != null && value < previous))
                    {
                        throw new AssertionError(series + " went from " + previous + " to " + value);
                    }
                }
                else if (type == MetricType.HISTOGRAM)
                {
                    final HistogramSample sample = snapshot.histogram(i);
                    long buckets = 0;
                    for (int b = 0; b < sample.bucketCount(); b++)
                    {
                        buckets += sample.bucketCountAt(b);
                    }
                    final Long previous = lastCount.put(series, sample.count());
                    if (buckets != sample.count() || (previous != null && sample.count() < previous))
                    {
                        throw new AssertionError(series + ": count " + sample.count() + ", buckets " + buckets +
                            ", previous count " + previous);
                    }
                }
                else if (!Double.isFinite(snapshot.gaugeValue(i)))
                {
                    throw new AssertionError(series + " holds " + snapshot.gaugeValue(i) + " though NaN is dropped");
                }
            }
        }
    }

    private static int writerThreads()
    {
        int count = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith("ringmetrics-writer") && thread.isAlive())
            {
                count++;
            }
        }
        return count;
    }

    private static void awaitWriterThreads(final int expected) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (writerThreads() > expected && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertEquals(expected, writerThreads(), "close() stops the writer thread");
    }
}
