package io.ringmetrics.writer;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdaptiveBackoffIdleStrategyTest
{
    private static final long MAX_PARK = 1_000_000;

    /** Idle passes back off to the longest park, a trickle of work only halves it, a busy pass spins again. */
    @Test
    void lightWorkHalvesTheParkAndBusyWorkResetsIt()
    {
        final AdaptiveBackoffIdleStrategy strategy = new AdaptiveBackoffIdleStrategy(MAX_PARK, () -> 0L);
        for (int i = 0; i < 64 + 16; i++)
        {
            strategy.idle(0); // spins, then yields: no park yet
        }
        assertEquals(0, strategy.nextParkNanos());
        long previous = 0;
        while (strategy.nextParkNanos() < MAX_PARK)
        {
            strategy.idle(0);
            assertTrue(strategy.nextParkNanos() > previous, "each empty pass parks longer");
            previous = strategy.nextParkNanos();
        }
        strategy.idle(0);
        assertEquals(MAX_PARK, strategy.nextParkNanos(), "never beyond the maximum");

        strategy.idle(1);
        assertEquals(MAX_PARK / 2, strategy.nextParkNanos(), "one update: half the park, not back to spinning");
        strategy.idle(AdaptiveBackoffIdleStrategy.BUSY_WORK - 1);
        assertEquals(MAX_PARK / 4, strategy.nextParkNanos());
        strategy.idle(AdaptiveBackoffIdleStrategy.BUSY_WORK);
        assertEquals(0, strategy.nextParkNanos(), "a busy pass spins again");
    }

    /** Within a second of a busy pass the park stays short (100 µs), so a burst that comes back soon finds the writer
     * near; a second later it may grow to the maximum again. */
    @Test
    void afterABusyPassTheParkStaysShortForASecond()
    {
        final long[] now = { 0 };
        final AdaptiveBackoffIdleStrategy strategy = new AdaptiveBackoffIdleStrategy(MAX_PARK, () -> now[0]);
        strategy.idle(AdaptiveBackoffIdleStrategy.BUSY_WORK);
        for (int i = 0; i < 200; i++)
        {
            strategy.idle(0);
        }
        assertEquals(AdaptiveBackoffIdleStrategy.BURSTY_MAX_PARK_NANOS, strategy.nextParkNanos(), "short after a burst");
        now[0] += AdaptiveBackoffIdleStrategy.BURST_MEMORY_NANOS;
        for (int i = 0; i < 20; i++)
        {
            strategy.idle(0);
        }
        assertEquals(MAX_PARK, strategy.nextParkNanos(), "a second without a burst: the long park again");
    }

    /**
     * A snapshot does not wait for the writer's park: with the longest park allowed (100 ms) and the writer idle
     * between requests, ten snapshots take far less than without the wake-up (measured: 240 ms in all, up to 87 ms
     * each).
     */
    @Test
    void aSnapshotWakesAParkedWriter() throws Exception
    {
        final EngineConfig config = EngineConfig.builder().maxIdlePark(Duration.ofMillis(100)).build();
        try (MetricsEngine engine = MetricsEngine.start(config))
        {
            final Counter counter = engine.counter("parked_total");
            long waited = 0;
            for (int i = 0; i < 10; i++)
            {
                counter.increment();
                Thread.sleep(300); // the writer backs off to its 100 ms park
                final long start = System.nanoTime();
                assertEquals(i + 1, engine.snapshot().counter("parked_total"));
                waited += System.nanoTime() - start;
            }
            assertTrue(waited < 100_000_000L, "ten snapshots of a parked writer took " + waited / 1_000_000 + " ms");
        }
    }
}
