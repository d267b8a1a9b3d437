package io.ringmetrics.stress;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cleanup (idle-series eviction) racing with updates and re-registration: a hot series is updated all the time and
 * must never be evicted; idle series are evicted and their slots reused by new series, while stale handles to the
 * evicted series keep publishing. No stale update may land in a series that reuses the slot, the hot total is
 * exact, and published = applied + dropped.
 */
class CleanupRaceTest
{
    @Test
    void evictionRacingWithUpdatesAndReRegistrationNeverMixesSeries() throws Exception
    {
        final EngineConfig config = EngineConfig.builder()
            .backpressure(BackpressurePolicy.BLOCK)
            .limits(MetricsResourceConfig.builder().maxLabelCombinations(64).enableMetricCleanup(true)
                .cleanupIntervalSeconds(1).build())
            .build();
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            final Counter hot = engine.counter("hot_total");
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong hotCalls = new AtomicLong();
            final Thread hotWriter = new Thread(() ->
            {
                while (running.get())
                {
                    hot.increment();
                    hotCalls.incrementAndGet();
                }
            });
            hotWriter.start();

            // Rounds: register a batch and use it once; let it idle past the cleanup interval (evicted, slots freed);
            // then the stale handles publish while a new batch registers into the freed slots.
            final List<Counter> stale = new ArrayList<>();
            for (int round = 0; round < 3; round++)
            {
                for (final Counter c : stale)
                {
                    c.increment(1_000_000); // evicted: must be dropped as stale, never land in a reused slot
                }
                final List<Counter> batch = new ArrayList<>();
                for (int i = 0; i < 4; i++)
                {
                    final Counter c = engine.counter("idle_total", "round", String.valueOf(round), "i", String.valueOf(i));
                    c.increment();
                    batch.add(c);
                }
                for (final Counter c : stale)
                {
                    c.increment(1_000_000);
                }
                stale.addAll(batch);
                Thread.sleep(1_700); // > interval + the writer's scan period (interval / 4)
            }
            final Counter fresh = engine.counter("fresh_total"); // reuses an evicted slot
            final long freshExpected = 1000;
            for (int i = 0; i < freshExpected; i++)
            {
                fresh.increment();
            }
            for (final Counter c : stale)
            {
                c.increment(1_000_000);
            }
            running.set(false);
            hotWriter.join();

            final MetricsSnapshot snapshot = engine.snapshot();
            assertEquals(hotCalls.get(), snapshot.counter("hot_total"), "the hot series is exact and never evicted");
            assertEquals(freshExpected, snapshot.counter("fresh_total"), "no stale update reached a reused slot");
            assertEquals(-1, snapshot.counter("idle_total", "round", "0", "i", "0"), "idle series were evicted");
            final EngineStats stats = snapshot.stats();
            assertTrue(stats.dropped(EngineStats.DropReason.STALE_SERIES, 0) > 0, "evicted handles were stale");
            assertTrue(stats.seriesCount() <= 64, "limit respected: " + stats.seriesCount());
            assertEquals(0, stats.pending());
            assertEquals(stats.published(), stats.applied() + stats.dropped());
            for (int i = 0; i < snapshot.size(); i++)
            {
                final String name = snapshot.series(i).family().name();
                if (name.equals("idle_total") && !snapshot.series(i).isOverflow())
                {
                    final long v = snapshot.counterValue(i);
                    assertEquals(1, v, "an idle series holds only its own update: " + snapshot.series(i));
                }
            }
        }
    }
}
