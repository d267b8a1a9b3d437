package io.ringmetrics;

import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.snapshot.EngineStats;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20, item 3: {@link MetricsEngine#health()} reports the engine's real state. The writer is killed for real:
 * its idle strategy throws, which ends {@code MetricsWriter.run()} on the writer thread.
 */
class EngineHealthTest
{
    /** Parks 100 µs per idle until {@link #kill} is set, then throws on the writer thread. */
    static final class KillableIdle implements IdleStrategy
    {
        final AtomicBoolean kill = new AtomicBoolean();

        @Override
        public void idle(final int workCount)
        {
            idle();
        }

        @Override
        public void idle()
        {
            if (kill.get())
            {
                throw new IllegalStateException("writer killed by the test");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }

        @Override
        public void reset()
        {
        }
    }

    /** Starts an engine whose writer dies on demand. */
    static MetricsEngine killable(final KillableIdle idle)
    {
        return MetricsEngine.start(EngineConfig.builder().customIdleStrategy(() -> idle)
            .snapshotTimeout(Duration.ofSeconds(60)).build());
    }

    static void awaitState(final MetricsEngine engine, final EngineHealth.State state) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (engine.health().state() != state && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertEquals(state, engine.health().state(), engine.health().toString());
    }

    @Test
    void aRunningEngineIsHealthyAndAClosedOneSaysSo()
    {
        final MetricsEngine engine = MetricsEngine.start();
        assertTrue(engine.health().isHealthy());
        assertEquals("running", engine.health().reason());
        engine.close();
        assertFalse(engine.health().isHealthy());
        assertEquals(EngineHealth.State.CLOSED, engine.health().state());
        assertEquals("the metrics engine is closed", engine.health().reason());
    }

    @Test
    void aWriterThatDiesIsReportedWithItsCauseAndSnapshotsFailAtOnce() throws Exception
    {
        final KillableIdle idle = new KillableIdle();
        final MetricsEngine engine = killable(idle);
        try
        {
            final Counter counter = engine.counter("before_total");
            counter.increment();
            assertEquals(1, engine.snapshot().counter("before_total"));
            assertTrue(engine.health().isHealthy());

            idle.kill.set(true);
            awaitState(engine, EngineHealth.State.WRITER_DIED);
            assertEquals("the metrics writer thread died: java.lang.IllegalStateException: writer killed by the test",
                engine.health().reason());

            // The snapshot timeout is 60 s: a dead writer must be reported at once, not after the timeout.
            final ResourceLimitException ex = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(ResourceLimitException.class, engine::snapshot));
            assertEquals(ErrorType.ENGINE_CLOSED, ex.errorType());
            assertTrue(ex.getMessage().contains("writer killed by the test"), ex.getMessage());
            counter.increment(); // never throws, never touches the freed store
        }
        finally
        {
            engine.close();
        }
        assertEquals(EngineHealth.State.CLOSED, engine.health().state());
        final EngineStats stats = engine.stats();
        assertEquals(stats.published(), stats.applied() + stats.dropped(), stats.toString());
    }

    @Test
    void aDisabledEngineHandsOutHandlesRecordsNothingAndSaysWhy()
    {
        final MetricsEngine engine = MetricsEngine.disabled("no engine for the test");
        assertEquals(EngineHealth.State.DISABLED, engine.health().state());
        assertEquals("metrics are disabled: no engine for the test", engine.health().reason());
        final Counter counter = engine.counter("requests_total", "method", "GET");
        for (int i = 0; i < 100; i++)
        {
            counter.increment();
        }
        final ResourceLimitException ex = assertThrows(ResourceLimitException.class, engine::snapshot);
        assertEquals("metrics are disabled: no engine for the test", ex.getMessage());
        assertEquals(1, engine.remove("requests_total", io.ringmetrics.registry.MetricType.COUNTER));
        engine.close();
        final EngineStats stats = engine.stats();
        assertEquals(100, stats.published(), stats.toString());
        assertEquals(0, stats.applied());
        assertEquals(100, stats.dropped(), stats.toString());
    }
}
