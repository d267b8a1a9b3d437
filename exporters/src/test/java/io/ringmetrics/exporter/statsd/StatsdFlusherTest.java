package io.ringmetrics.exporter.statsd;

import io.ringmetrics.exporter.CapturingLogger;
import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.config.StatsdTagStyle;
import io.ringmetrics.error.ErrorHandler;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.exporter.it.FreePorts;
import io.ringmetrics.ring.BackpressurePolicy;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one flush puts on the wire, checked with a bare UDP receiver on 127.0.0.1: deltas, change detection, the
 * histogram mapping, packing, and carry-over while the port is closed.
 */
class StatsdFlusherTest
{
    private static final Duration AWAIT = Duration.ofSeconds(5);
    private static final String P = "t.";

    @Test
    void countersAreSentAsDeltasAndNothingWhenUnchanged()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start();
            StatsdFlusher flusher = new StatsdFlusher(config(receiver.port()).build(), engine))
        {
            final Counter get = engine.counter("requests_total", "method", "GET");
            final Counter post = engine.counter("requests_total", "method", "POST");
            get.increment(5);
            post.increment();
            assertTrue(flushAndAwait(flusher, engine, receiver));
            List<String> lines = userLines(receiver);
            assertEquals(5.0, StatsdLines.single(lines, "t.requests_total.method_GET").value());
            assertEquals(1.0, StatsdLines.single(lines, "t.requests_total.method_POST").value());

            receiver.clear();
            assertTrue(flushAndAwait(flusher, engine, receiver));
            assertEquals(List.of(), userLines(receiver), "nothing changed, nothing sent");

            receiver.clear();
            get.increment(3);
            assertTrue(flushAndAwait(flusher, engine, receiver));
            lines = userLines(receiver);
            assertEquals(List.of("t.requests_total.method_GET:3|c"), lines);
        }
    }

    @Test
    void gaugesAreSentWhenChangedAndNegativeValuesAsZeroThenValue()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start();
            StatsdFlusher flusher = new StatsdFlusher(config(receiver.port()).build(), engine))
        {
            final Gauge gauge = engine.gauge("temperature", "room", "a b");
            gauge.set(7.5);
            flushAndAwait(flusher, engine, receiver);
            assertEquals(List.of("t.temperature.room_a_b:7.5|g"), userLines(receiver));

            receiver.clear();
            gauge.set(7.5);
            flushAndAwait(flusher, engine, receiver);
            assertEquals(List.of(), userLines(receiver), "same value, nothing sent");

            receiver.clear();
            gauge.set(-5);
            flushAndAwait(flusher, engine, receiver);
            final List<byte[]> datagrams = receiver.datagrams();
            final String first = new String(datagrams.get(0), StandardCharsets.UTF_8);
            assertTrue(first.startsWith("t.temperature.room_a_b:0|g\nt.temperature.room_a_b:-5|g"),
                "zero then the negative value, in one datagram: " + first);
        }
    }

    @Test
    void histogramsSendCountAndSumDeltasAndPercentileGauges()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start();
            StatsdFlusher flusher = new StatsdFlusher(config(receiver.port()).build(), engine))
        {
            final Histogram latency = engine.histogram("latency_seconds", "route", "/api");
            for (int i = 1; i <= 100; i++)
            {
                latency.observe(i / 1000.0);
            }
            flushAndAwait(flusher, engine, receiver);
            List<String> lines = userLines(receiver);
            final String k = "t.latency_seconds.route__api";
            assertEquals(100.0, StatsdLines.single(lines, k + ".count").value());
            assertEquals("c", StatsdLines.single(lines, k + ".count").type());
            assertEquals(5.05, StatsdLines.single(lines, k + ".sum").value(), 1e-9);
            assertEquals(0.050, StatsdLines.single(lines, k + ".p50").value(), 0.001);
            assertEquals(0.090, StatsdLines.single(lines, k + ".p90").value(), 0.001);
            assertEquals(0.099, StatsdLines.single(lines, k + ".p99").value(), 0.001);
            assertEquals(0.100, StatsdLines.single(lines, k + ".p999").value(), 0.001);
            assertEquals(0.100, StatsdLines.single(lines, k + ".max").value(), 0.001);
            assertEquals("g", StatsdLines.single(lines, k + ".max").type());
            assertEquals(7, lines.size(), lines.toString());

            receiver.clear();
            flushAndAwait(flusher, engine, receiver);
            assertEquals(List.of(), userLines(receiver));

            receiver.clear();
            latency.observe(0.001);
            flushAndAwait(flusher, engine, receiver);
            lines = userLines(receiver);
            assertEquals(1.0, StatsdLines.single(lines, k + ".count").value());
            assertEquals(0.001, StatsdLines.single(lines, k + ".sum").value(), 1e-9);
            assertFalse(lines.stream().anyMatch(l -> l.startsWith(k + ".max:")), "max unchanged: " + lines);
        }
    }

    @Test
    void percentileGaugesCoverTheHistogramsWindowNotItsWholeLife() throws InterruptedException
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start();
            StatsdFlusher flusher = new StatsdFlusher(config(receiver.port()).build(), engine))
        {
            final Histogram latency = engine.histogram("window_seconds", "Windowed.",
                io.ringmetrics.store.HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofMillis(300), 3), new String[0]);
            latency.observe(5.0);
            flushAndAwait(flusher, engine, receiver);
            assertEquals(5.0, StatsdLines.single(userLines(receiver), "t.window_seconds.p99").value());
            final long deadline = System.nanoTime() + AWAIT.toNanos();
            while (engine.snapshot().histogram("window_seconds").max() != 0.0 && System.nanoTime() < deadline)
            {
                Thread.sleep(20); // the 300 ms window slides past 5.0
            }
            latency.observe(0.002);
            receiver.clear();
            flushAndAwait(flusher, engine, receiver);
            final List<String> lines = userLines(receiver);
            assertEquals(0.002, StatsdLines.single(lines, "t.window_seconds.p99").value(), lines.toString());
            assertEquals(0.002, StatsdLines.single(lines, "t.window_seconds.max").value(), lines.toString());
            assertEquals(1.0, StatsdLines.single(lines, "t.window_seconds.count").value(), "count: a delta as ever");
        }
    }

    @Test
    void dogstatsdTagsFollowTheType()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start();
            StatsdFlusher flusher = new StatsdFlusher(
                config(receiver.port()).tagStyle(StatsdTagStyle.DOGSTATSD).build(), engine))
        {
            engine.counter("jobs_total", "queue", "a:b, c#d.e").increment(2);
            engine.histogram("job_seconds", "queue", "x").observe(0.5);
            flushAndAwait(flusher, engine, receiver);
            final List<String> lines = userLines(receiver);
            assertTrue(lines.contains("t.jobs_total:2|c|#queue:a:b__c#d.e"), lines.toString());
            assertTrue(lines.contains("t.job_seconds.count:1|c|#queue:x"), lines.toString());
            assertTrue(lines.contains("t.job_seconds.sum:0.5|c|#queue:x"), lines.toString());
            assertEquals(Map.of("queue", "x"), StatsdLines.single(lines, "t.job_seconds.p99").tags());
        }
    }

    @Test
    void metaMetricsAreSentWithThePrefix()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start();
            StatsdFlusher flusher = new StatsdFlusher(config(receiver.port()).build(), engine))
        {
            engine.counter("c_total").increment();
            flushAndAwait(flusher, engine, receiver);
            final List<String> lines = receiver.lines();
            assertEquals(1.0, StatsdLines.single(lines, "t.metrics_series").value());
            assertTrue(StatsdLines.single(lines, "t.metrics_updates_published_total").value() >= 1);
            assertEquals("c", StatsdLines.single(lines, "t.metrics_updates_published_total").type());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("t.metrics_rings.state_active:")), lines.toString());
        }
    }

    @Test
    void tenThousandLinesArePackedIntoFullDatagramsNeverSplit()
    {
        final int max = 512;
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start();
            StatsdFlusher flusher = new StatsdFlusher(config(receiver.port()).maxPacketSize(max).build(), engine))
        {
            final Map<String, Long> expected = new HashMap<>();
            for (int i = 0; i < 10_000; i++)
            {
                final String value = "v" + i + ":x, y#" + "z".repeat(i % 37);
                engine.counter("requests_total", "path", value).increment(i + 1);
                expected.put("t.requests_total.path_v" + i + "_x__y_" + "z".repeat(i % 37), i + 1L);
            }
            assertTrue(flushAndAwait(flusher, engine, receiver));
            final StatsdFlusher.Stats stats = flusher.stats();
            receiver.awaitLines(l -> l.size() >= stats.lastFlushLines(), AWAIT);
            final List<byte[]> datagrams = receiver.datagrams();
            assertEquals(stats.lastFlushDatagrams(), datagrams.size());
            long bytes = 0;
            for (final byte[] d : datagrams)
            {
                assertTrue(d.length <= max, d.length + " bytes");
                bytes += d.length;
            }
            assertEquals(stats.lastFlushBytes(), bytes);
            final Map<String, Long> received = new HashMap<>();
            for (final String line : userLines(receiver))
            {
                final StatsdLines.Line p = StatsdLines.parse(line);
                received.put(p.key(), (long)p.value());
            }
            assertEquals(expected, received);
            assertTrue(stats.bytesPerDatagram() > max - 60, "well packed: " + stats.bytesPerDatagram());
        }
    }

    @Test
    void aLineLongerThanAPacketIsSkippedAndCountedOnce()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdTestReceiver receiver = StatsdTestReceiver.start();
            StatsdFlusher flusher = new StatsdFlusher(config(receiver.port()).maxPacketSize(100).build(), engine))
        {
            final Counter huge = engine.counter("c_total", "k", "x".repeat(150));
            final Counter small = engine.counter("d_total");
            huge.increment();
            small.increment();
            flushAndAwait(flusher, engine, receiver);
            huge.increment();
            small.increment();
            flushAndAwait(flusher, engine, receiver);
            assertEquals(2.0, StatsdLines.counterTotal(userLines(receiver), "t.d_total"));
            assertEquals(1, engine.errors().total(ErrorType.FORMAT_FAILED));
            receiver.datagrams().forEach(d -> assertTrue(d.length <= 100));
        }
    }

    @Test
    void deltasRefusedByAClosedPortAreCarriedOverUntilItOpens()
    {
        final int port = FreePorts.udp();
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdFlusher flusher = new StatsdFlusher(config(port).build(), engine))
        {
            final Counter counter = engine.counter("sent_total");
            final Gauge gauge = engine.gauge("level");
            final Histogram histogram = engine.histogram("op_seconds");
            for (int round = 1; round <= 3; round++)
            {
                counter.increment(round);
                gauge.set(round);
                histogram.observe(0.25);
                assertFalse(flusher.flush(engine.snapshot()), "nobody listens on " + port);
            }
            assertTrue(engine.errors().total(ErrorType.CONNECTION_REFUSED) >= 3);
            assertEquals(3, flusher.stats().failedFlushes());

            try (StatsdTestReceiver receiver = StatsdTestReceiver.startOnPort(port))
            {
                counter.increment(4);
                assertTrue(flushAndAwait(flusher, engine, receiver));
                List<String> lines = userLines(receiver);
                assertEquals(10.0, StatsdLines.counterTotal(lines, "t.sent_total"), "1+2+3+4, nothing lost");
                assertEquals(3.0, StatsdLines.single(lines, "t.level").value());
                assertEquals(3.0, StatsdLines.counterTotal(lines, "t.op_seconds.count"));
                assertEquals(0.75, StatsdLines.counterTotal(lines, "t.op_seconds.sum"), 1e-12);
                assertTrue(StatsdLines.counterTotal(receiver.lines(), "t.metrics_export_errors_total" +
                    ".exporter_statsd.error_type_connection_refused") >= 3);

                receiver.clear();
                counter.increment();
                assertTrue(flushAndAwait(flusher, engine, receiver));
                lines = userLines(receiver);
                assertEquals(List.of("t.sent_total:1|c"), lines, "the baseline advanced after the confirmed send");
            }
        }
    }

    @Test
    void anUnresolvableHostIsCountedAndNothingIsLost()
    {
        try (MetricsEngine engine = MetricsEngine.start(blocking());
            StatsdFlusher flusher = new StatsdFlusher(
                StatsdConfig.builder().host("no-such-host.invalid").port(8125).build(), engine))
        {
            engine.counter("c_total").increment();
            assertFalse(flusher.flush(engine.snapshot()));
            assertFalse(flusher.flush(engine.snapshot()));
            assertEquals(2, engine.errors().total(ErrorType.UNRESOLVED_HOST));
            assertEquals(0, flusher.stats().datagrams());
        }
    }

    @Test
    void exportErrorsAreCountedOnceEachAndLoggedRateLimitedAtTheErrorLogLevelUnlessSwitchedOff()
    {
        for (final boolean log : new boolean[] { true, false })
        {
            final CapturingLogger logger = new CapturingLogger();
            final StatsdConfig config = StatsdConfig.builder().host("no-such-host.invalid").port(8125)
                .errors(MetricsErrorConfig.builder().logExportErrors(log).errorLogLevel(Level.ERROR).build()).build();
            try (MetricsEngine engine = MetricsEngine.start(blocking());
                StatsdFlusher flusher = new StatsdFlusher(config, engine, handler(config, engine, logger)))
            {
                engine.counter("c_total").increment();
                for (int i = 0; i < 3; i++)
                {
                    assertFalse(flusher.flush(engine.snapshot()));
                }
                assertEquals(3, engine.errors().total(ErrorType.UNRESOLVED_HOST), "log=" + log);
                assertEquals(3, engine.errors().total(ErrorType.Category.EXPORT), "log=" + log);
                if (log)
                {
                    assertEquals(1, logger.lines.size(), "one line per interval: " + logger.lines);
                    assertEquals(Level.ERROR, logger.lines.get(0).level(), "METRICS_ERROR_LOG_LEVEL");
                    assertEquals("Metrics export via statsd failed: unresolved_host: cannot resolve host " +
                        "'no-such-host.invalid'; unsent deltas are kept for the next flush",
                        logger.lines.get(0).message());
                }
                else
                {
                    assertEquals(List.of(), logger.lines, "METRICS_LOG_EXPORT_ERRORS=false");
                }
            }
        }
    }

    @Test
    void theRecoveryLineFollowsTheExportLogSwitch()
    {
        for (final boolean log : new boolean[] { true, false })
        {
            final int port = FreePorts.udp();
            final CapturingLogger logger = new CapturingLogger();
            final StatsdConfig config =
                config(port).errors(MetricsErrorConfig.builder().logExportErrors(log).build()).build();
            try (MetricsEngine engine = MetricsEngine.start(blocking());
                StatsdFlusher flusher = new StatsdFlusher(config, engine, handler(config, engine, logger)))
            {
                engine.counter("c_total").increment();
                assertFalse(flusher.flush(engine.snapshot()), "nobody listens on " + port);
                try (StatsdTestReceiver receiver = StatsdTestReceiver.startOnPort(port))
                {
                    assertTrue(flushAndAwait(flusher, engine, receiver));
                }
                assertTrue(engine.errors().total(ErrorType.CONNECTION_REFUSED) >= 1);
                if (log)
                {
                    final CapturingLogger.Line first = logger.lines.get(0);
                    assertEquals(Level.WARNING, first.level());
                    assertTrue(first.message().startsWith("Metrics export via statsd failed: connection_refused: "),
                        first.message());
                    assertEquals(new CapturingLogger.Line(Level.INFO,
                        "Metrics export via statsd: recovered after 1 failed flush(es)"),
                        logger.lines.get(logger.lines.size() - 1));
                }
                else
                {
                    assertEquals(List.of(), logger.lines);
                }
            }
        }
    }

    /** An error handler as the exporter builds it, logging into {@code logger}. */
    static ErrorHandler handler(final StatsdConfig config, final MetricsEngine engine, final CapturingLogger logger)
    {
        return new ErrorHandler(config.errors(), engine.config().limits(), engine.errors(), logger,
            ErrorHandler.LOG_INTERVAL_NANOS);
    }

    static EngineConfig blocking()
    {
        return EngineConfig.builder().backpressure(BackpressurePolicy.BLOCK).build();
    }

    static StatsdConfig.Builder config(final int port)
    {
        return StatsdConfig.builder().host(FreePorts.LOOPBACK).port(port).prefix("t");
    }

    /** Flushes and waits until the receiver has every datagram of it. */
    static boolean flushAndAwait(
        final StatsdFlusher flusher, final MetricsEngine engine, final StatsdTestReceiver receiver)
    {
        final int before = receiver.datagrams().size();
        final long datagramsBefore = flusher.stats().datagrams();
        final boolean ok = flusher.flush(engine.snapshot());
        final long sent = flusher.stats().datagrams() - datagramsBefore;
        final long deadline = System.nanoTime() + AWAIT.toNanos();
        while (receiver.datagrams().size() < before + sent && System.nanoTime() < deadline)
        {
            StatsdTestReceiver.sleep(2);
        }
        assertEquals(before + sent, receiver.datagrams().size(), "datagrams received");
        return ok;
    }

    /** Lines that are not meta-metrics. */
    static List<String> userLines(final StatsdTestReceiver receiver)
    {
        return receiver.lines().stream().filter(l -> !l.startsWith(P + "metrics_")).toList();
    }
}
