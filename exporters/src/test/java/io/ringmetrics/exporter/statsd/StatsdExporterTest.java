package io.ringmetrics.exporter.statsd;

import io.ringmetrics.exporter.CapturingLogger;
import io.ringmetrics.Counter;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorType;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;

import static io.ringmetrics.exporter.statsd.StatsdFlusherTest.blocking;
import static io.ringmetrics.exporter.statsd.StatsdFlusherTest.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lifecycle of the exporter: its own flush thread, periodic flushes, the final flush on close. */
class StatsdExporterTest
{
    private static final Duration AWAIT = Duration.ofSeconds(10);

    @Test
    void closeSendsEverythingPublishedBeforeClose()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start())
        {
            final StatsdExporter exporter = new StatsdExporter(
                config(receiver.port()).flushInterval(Duration.ofHours(1)).build());
            exporter.start(engine);
            final Counter counter = engine.counter("jobs_total");
            for (int i = 0; i < 10_000; i++)
            {
                counter.increment();
            }
            engine.gauge("level").set(3);
            exporter.close();
            final List<String> lines = receiver.awaitLines(l -> l.stream().anyMatch(x -> x.startsWith("t.level:")),
                AWAIT);
            assertEquals(10_000.0, StatsdLines.counterTotal(lines, "t.jobs_total"));
            assertEquals(3.0, StatsdLines.single(lines, "t.level").value());
            assertEquals(1, exporter.stats().flushes(), "only the final flush");
        }
    }

    @Test
    void flushesPeriodicallyOnItsOwnDaemonThread()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start();
            StatsdExporter exporter = new StatsdExporter(
                config(receiver.port()).flushInterval(Duration.ofMillis(20)).build()))
        {
            exporter.start(engine);
            final Thread flushThread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("ringmetrics-statsd")).findFirst().orElseThrow();
            assertTrue(flushThread.isDaemon());
            final Counter counter = engine.counter("ticks_total");
            for (int i = 1; i <= 5; i++)
            {
                counter.increment();
                final long expected = i;
                receiver.awaitLines(l -> StatsdLines.counterTotal(l, "t.ticks_total") == expected, AWAIT);
            }
            assertTrue(exporter.stats().flushes() >= 5);
            assertEquals(0, exporter.stats().failedFlushes());
        }
    }

    @Test
    void startIsOnceAndCloseIsIdempotent()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start())
        {
            final StatsdExporter exporter = new StatsdExporter(config(receiver.port()).build());
            assertEquals("statsd", exporter.name());
            assertEquals(0, exporter.stats().flushes());
            exporter.start(engine);
            assertThrows(IllegalStateException.class, () -> exporter.start(engine));
            exporter.close();
            exporter.close();
            assertThrows(IllegalStateException.class, () -> exporter.start(engine));

            final StatsdExporter neverStarted = new StatsdExporter(StatsdConfig.DEFAULTS);
            neverStarted.close();
            assertSame(StatsdConfig.DEFAULTS, neverStarted.config());
        }
    }

    @Test
    void closingAfterTheEngineNeitherHangsNorThrows()
    {
        final MetricsEngine engine = MetricsEngine.start(blocking());
        try (StatsdTestReceiver receiver = StatsdTestReceiver.start())
        {
            final StatsdExporter exporter = new StatsdExporter(config(receiver.port()).build());
            exporter.start(engine);
            engine.counter("c_total").increment();
            engine.close();
            final long start = System.nanoTime();
            exporter.close();
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
            assertFalse(receiver.lines().stream().anyMatch(l -> l.startsWith("t.c_total")));
            assertEquals(0, engine.errors().total(ErrorType.SNAPSHOT_TIMEOUT));
        }
    }

    @Test
    void withExportLoggingOffNothingIsLoggedAndEveryFailureIsStillCountedOnce()
    {
        for (final boolean log : new boolean[] { true, false })
        {
            final CapturingLogger logger = new CapturingLogger();
            final MetricsEngine engine = MetricsEngine.start(blocking());
            final StatsdExporter exporter = new StatsdExporter(StatsdConfig.builder().host("no-such-host.invalid")
                .flushInterval(Duration.ofMillis(10))
                .errors(MetricsErrorConfig.builder().logExportErrors(log).build()).build(), logger);
            try
            {
                exporter.start(engine);
                engine.counter("c_total").increment();
                final long deadline = System.nanoTime() + AWAIT.toNanos();
                while (engine.errors().total(ErrorType.UNRESOLVED_HOST) < 3 && System.nanoTime() < deadline)
                {
                    StatsdTestReceiver.sleep(5);
                }
                engine.close(); // misuse the exporter notices (and would log) at its next flush
            }
            finally
            {
                exporter.close();
                engine.close();
            }
            final long failed = exporter.stats().failedFlushes();
            assertTrue(failed >= 3, "failed flushes: " + failed);
            assertEquals(failed, engine.errors().total(ErrorType.UNRESOLVED_HOST), "counted once per failure");
            if (log)
            {
                assertTrue(logger.lines.contains(new CapturingLogger.Line(Level.WARNING, "Metrics export via statsd " +
                    "failed: unresolved_host: cannot resolve host 'no-such-host.invalid'; unsent deltas are kept " +
                    "for the next flush")), logger.lines.toString());
                assertTrue(logger.lines.stream().anyMatch(l -> l.message().startsWith(
                    "Metrics export via statsd: the engine was closed before the exporter")), logger.lines.toString());
            }
            else
            {
                assertEquals(List.of(), logger.lines, "METRICS_LOG_EXPORT_ERRORS=false");
            }
        }
    }
}
