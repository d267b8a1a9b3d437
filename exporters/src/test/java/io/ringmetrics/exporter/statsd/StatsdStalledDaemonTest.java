package io.ringmetrics.exporter.statsd;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.StatsdProtocol;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.exporter.it.FreePorts;
import io.ringmetrics.exporter.it.StatsdDaemon;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A daemon that is alive but does not read: the real Etsy statsd is stopped with SIGSTOP while the application keeps
 * counting, then continued with SIGCONT. Over TCP nothing is lost or doubled and the stall is counted
 * ({@code send_buffer_full}); over UDP the kernel drops what the daemon's receive buffer cannot hold and nobody is
 * told. Each test prints one line of figures (docs/stress.md, "Stalled StatsD daemon").
 * <p>
 * Workload: {@value #SERIES} counters {@code stall_total{n="<i>"}}, every one incremented every
 * {@value #ROUND_MILLIS} ms, flush interval {@value #FLUSH_MILLIS} ms: each flush sends about
 * {@value #SERIES} lines (~100 KB), enough to fill the socket buffers of a stopped daemon within seconds.
 */
class StatsdStalledDaemonTest
{
    private static final int SERIES = 4_000;
    private static final long ROUND_MILLIS = 10;
    private static final long FLUSH_MILLIS = 50;
    private static final Duration AWAIT = Duration.ofSeconds(30);
    /** Bytes sent while a UDP daemon is stopped: far more than any default socket receive buffer (212 992). */
    private static final long UDP_STALL_BYTES = 8L << 20;

    @Test
    void tcpStalledDaemonLosesNothingDoublesNothingAndTheStallIsCounted()
    {
        try (StatsdDaemon statsd = StatsdDaemon.startTcp();
            MetricsEngine engine = MetricsEngine.start(EngineConfig.DEFAULTS))
        {
            final StatsdExporter exporter = exporter(statsd, StatsdProtocol.TCP);
            final Workload work = new Workload(engine);
            exporter.start(engine);
            try
            {
                work.runFor(Duration.ofMillis(500));
                statsd.await(s -> s.counter(key(0)) > 0, AWAIT); // delivering before the stall
                final long failedBefore = exporter.stats().failedFlushes();

                statsd.suspend();
                final long stallStart = System.nanoTime();
                work.runUntil(() -> engine.errors().total(ErrorType.SEND_BUFFER_FULL) >= 3, Duration.ofSeconds(30),
                    "3 send_buffer_full errors while the daemon is stopped");
                final long stallMillis = (System.nanoTime() - stallStart) / 1_000_000;
                statsd.resume();

                work.runFor(Duration.ofMillis(300));
                final long published = work.publishedTotal(engine);
                statsd.await(s -> received(s) == published, AWAIT);
                final long failedDuringStall = exporter.stats().failedFlushes() - failedBefore;

                exporter.close(); // final flush; nothing new since the last one
                final StatsdDaemon.Snapshot settled = statsd.awaitFlushes(2, AWAIT);
                assertEquals(published, received(settled), "totals exact: nothing lost, nothing counted twice");
                final MetricsSnapshot last = engine.snapshot();
                for (int i = 0; i < SERIES; i++)
                {
                    assertEquals((double)last.counter("stall_total", "n", Integer.toString(i)), settled.counter(key(i)),
                        key(i));
                }
                assertEquals(0.0, settled.badLinesSeen(), "no line was cut");
                final long full = engine.errors().total(ErrorType.SEND_BUFFER_FULL);
                assertTrue(full >= 3, "the stall was counted: " + full);
                // callers never wait for the daemon (the flush thread alone sends); generous bound: a shared machine
                assertTrue(work.worstCallNanos < Duration.ofSeconds(1).toNanos(),
                    "a publishing call took " + work.worstCallNanos / 1_000_000 + " ms");
                System.out.printf("stalled-daemon tcp: %d series, stopped %d ms; increments made %d, applied %d, " +
                        "received %d (lost %d); send_buffer_full %d, failed flushes during the stall %d, " +
                        "other export errors %d, worst publishing call %d us%n",
                    SERIES, stallMillis, work.calls, published, (long)received(settled),
                    published - (long)received(settled),
                    full, failedDuringStall,
                    engine.errors().total(ErrorType.Category.EXPORT) - full, work.worstCallNanos / 1_000);
            }
            finally
            {
                exporter.close();
            }
        }
    }

    @Test
    void udpStalledDaemonLosesIncrementsAndNoErrorIsSeen()
    {
        try (StatsdDaemon statsd = StatsdDaemon.start();
            MetricsEngine engine = MetricsEngine.start(EngineConfig.DEFAULTS))
        {
            final StatsdExporter exporter = exporter(statsd, StatsdProtocol.UDP);
            final Workload work = new Workload(engine);
            exporter.start(engine);
            try
            {
                work.runFor(Duration.ofMillis(500));
                statsd.await(s -> s.counter(key(0)) > 0, AWAIT);

                statsd.suspend();
                final long stallStart = System.nanoTime();
                final long bytesBefore = exporter.stats().bytes();
                work.runUntil(() -> exporter.stats().bytes() - bytesBefore >= UDP_STALL_BYTES, Duration.ofSeconds(30),
                    UDP_STALL_BYTES + " bytes sent while the daemon is stopped");
                final long stallMillis = (System.nanoTime() - stallStart) / 1_000_000;
                statsd.resume();

                work.runFor(Duration.ofMillis(300));
                final long published = work.publishedTotal(engine);
                exporter.close();
                final StatsdDaemon.Snapshot settled = statsd.awaitFlushes(3, AWAIT);
                final long received = (long)received(settled);
                final long errors = engine.errors().total(ErrorType.Category.EXPORT);
                System.out.printf("stalled-daemon udp: %d series, stopped %d ms; increments made %d, applied %d, " +
                        "received %d (lost %d, %.1f %%); export errors %d%n",
                    SERIES, stallMillis, work.calls, published, received, published - received,
                    100.0 * (published - received) / published, errors);
                assertTrue(received < published, "a stopped daemon's receive buffer cannot hold " +
                    UDP_STALL_BYTES + " bytes: " + received + " of " + published);
                assertEquals(0, errors, "UDP cannot see a daemon that does not read");
            }
            finally
            {
                exporter.close();
            }
        }
    }

    private static StatsdExporter exporter(final StatsdDaemon statsd, final StatsdProtocol protocol)
    {
        return new StatsdExporter(StatsdConfig.builder().host(FreePorts.LOOPBACK).port(statsd.port())
            .protocol(protocol).prefix("s").flushInterval(Duration.ofMillis(FLUSH_MILLIS)).build());
    }

    private static String key(final int i)
    {
        return "s.stall_total.n_" + i;
    }

    private static double received(final StatsdDaemon.Snapshot s)
    {
        double sum = 0;
        for (final Map.Entry<String, Double> e : s.counters().entrySet())
        {
            if (e.getKey().startsWith("s.stall_total."))
            {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /** Increments every series once per round, one round every {@value #ROUND_MILLIS} ms, on the test thread. */
    private static final class Workload
    {
        private final Counter[] counters = new Counter[SERIES];
        long worstCallNanos;
        long calls;

        Workload(final MetricsEngine engine)
        {
            for (int i = 0; i < SERIES; i++)
            {
                counters[i] = engine.counter("stall_total", "n", Integer.toString(i));
            }
        }

        void runFor(final Duration duration)
        {
            final long end = System.nanoTime() + duration.toNanos();
            runUntil(() -> System.nanoTime() - end > 0, duration.plusSeconds(1), "time");
        }

        void runUntil(final BooleanSupplier done, final Duration limit, final String what)
        {
            final long deadline = System.nanoTime() + limit.toNanos();
            while (!done.getAsBoolean())
            {
                assertTrue(System.nanoTime() - deadline < 0, "not reached within " + limit + ": " + what);
                for (final Counter c : counters)
                {
                    final long t0 = System.nanoTime();
                    c.increment();
                    worstCallNanos = Math.max(worstCallNanos, System.nanoTime() - t0);
                }
                calls += SERIES;
                sleep(ROUND_MILLIS);
            }
        }

        long publishedTotal(final MetricsEngine engine)
        {
            final MetricsSnapshot snapshot = engine.snapshot();
            long sum = 0;
            for (int i = 0; i < SERIES; i++)
            {
                sum += snapshot.counter("stall_total", "n", Integer.toString(i));
            }
            return sum;
        }
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
