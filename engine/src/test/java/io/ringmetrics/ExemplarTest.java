package io.ringmetrics;

import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.ExemplarSample;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.store.HistogramSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exemplars: the latest per classic bucket, ids carried through the ring intact, accounting unchanged. */
@Timeout(60)
class ExemplarTest
{
    private static final HistogramSpec SPEC = HistogramSpec.secondsWithBuckets(0.1, 1.0);

    @Test
    void keepsTheLatestExemplarOfEachBucket()
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking()))
        {
            final Histogram h = engine.histogram("rpc_seconds", "RPC.", SPEC, new String[0]);
            h.observe(0.05, 1L, 2L, 3L);            // bucket le=0.1
            h.observe(0.07, 0xABCDEFL, -1L, 0x42L); // same bucket: replaces it
            h.observe(0.5, 5L, 6L, 7L);             // le=1
            h.observe(3.0);                          // +Inf, no exemplar
            h.observe(0.08);                         // plain: the le=0.1 exemplar stays
            final HistogramSample s = engine.snapshot().histogram("rpc_seconds");
            assertEquals(5, s.count());
            assertEquals(0.05 + 0.07 + 0.5 + 3.0 + 0.08, s.sum(), 1e-12);
            final ExemplarSample first = s.exemplarAt(0);
            assertEquals(0.07, first.value());
            assertEquals("0000000000abcdefffffffffffffffff", first.traceIdHex());
            assertEquals("0000000000000042", first.spanIdHex());
            assertTrue(Math.abs(first.timestampMillis() - System.currentTimeMillis()) < 60_000);
            assertEquals(0.5, s.exemplarAt(1).value());
            assertEquals(5L, s.exemplarAt(1).traceHigh());
            assertEquals(6L, s.exemplarAt(1).traceLow());
            assertEquals(7L, s.exemplarAt(1).spanId());
            assertNull(s.exemplarAt(2));

            final EngineStats stats = engine.stats();
            assertEquals(5, stats.applied(io.ringmetrics.ring.UpdateOp.KIND_HISTOGRAM), "exemplar parts are not updates");
            assertEquals(stats.published(), stats.applied() + stats.dropped() + stats.pending(), stats.toString());
        }
    }

    @Test
    void aCounterKeepsItsLatestExemplar()
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking()))
        {
            final Counter plain = engine.counter("plain_total");
            final Counter traced = engine.counter("traced_total");
            plain.increment(2);
            traced.increment(3, 1L, 2L, 3L);
            traced.increment(4, 0xAL, 0xBL, 0xCL); // the latest: kept
            traced.increment(5);                     // plain: the exemplar stays
            traced.increment(-1, 7L, 7L, 7L);        // invalid: dropped, exemplar unchanged
            final io.ringmetrics.snapshot.MetricsSnapshot snapshot = engine.snapshot();
            assertEquals(12, snapshot.counter("traced_total"));
            assertEquals(2, snapshot.counter("plain_total"));
            final ExemplarSample e = snapshot.counterExemplar(snapshot.indexOf("traced_total"));
            assertEquals(4.0, e.value());
            assertEquals("000000000000000a000000000000000b", e.traceIdHex());
            assertEquals("000000000000000c", e.spanIdHex());
            assertNull(snapshot.counterExemplar(snapshot.indexOf("plain_total")));
            final EngineStats stats = engine.stats();
            assertEquals(1, stats.dropped(EngineStats.DropReason.INVALID_VALUE, io.ringmetrics.ring.UpdateOp.KIND_COUNTER));
            assertEquals(stats.published(), stats.applied() + stats.dropped() + stats.pending(), stats.toString());
        }
    }

    @Test
    void aSeriesObservedPlainlyHasNoExemplars()
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking()))
        {
            final Histogram h = engine.histogram("plain_seconds", "Plain.", SPEC, new String[0]);
            h.observe(0.05);
            h.observe(0.05, 0L, 0L, 9L); // no valid trace: observed without exemplar
            final HistogramSample s = engine.snapshot().histogram("plain_seconds");
            assertEquals(2, s.count());
            assertFalse(s.hasExemplars());
        }
    }

    @Test
    void hexIdsAreParsedAndBadOnesGiveAPlainObservation()
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking()))
        {
            final Histogram h = engine.histogram("hex_seconds", "Hex.", SPEC, new String[0]);
            h.observe(0.05, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7");
            h.observe(0.5, "not-a-trace-id", "00f067aa0ba902b7");
            h.observe(0.6, "4bf92f3577b34da6a3ce929d0e0e473g", "00f067aa0ba902b7");
            final HistogramSample s = engine.snapshot().histogram("hex_seconds");
            assertEquals(3, s.count());
            assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", s.exemplarAt(0).traceIdHex());
            assertEquals("00f067aa0ba902b7", s.exemplarAt(0).spanIdHex());
            assertNull(s.exemplarAt(1));
        }
    }

    @Test
    void idsNeverMixAcrossThreadsOrSeries() throws Exception
    {
        // Each thread observes values whose ids encode the value and the thread: any exemplar assembled from parts
        // of two updates would break the relation.
        try (MetricsEngine engine = MetricsEngine.start(EngineDataPathTest.blocking()))
        {
            final Histogram[] series = {
                engine.histogram("mix_seconds", "Mix.", SPEC, new String[] { "s", "a" }),
                engine.histogram("mix_seconds", "Mix.", SPEC, new String[] { "s", "b" }) };
            final int perThread = 200_000;
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++)
            {
                final long thread = t + 1;
                threads.add(new Thread(() ->
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        final double v = (i % 1500) / 1000.0;
                        final Histogram h = series[i & 1];
                        final long bits = Double.doubleToRawLongBits(v);
                        h.observe(v, bits, thread * 31 + (i & 1), ~bits ^ thread);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (final Thread t : threads)
            {
                t.join();
            }
            for (int which = 0; which < 2; which++)
            {
                final HistogramSample s = engine.snapshot().histogram("mix_seconds", "s", which == 0 ? "a" : "b");
                assertEquals(2L * perThread, s.count());
                for (int b = 0; b < s.bucketCount(); b++)
                {
                    final ExemplarSample e = s.exemplarAt(b);
                    assertNotNull(e, "bucket " + b);
                    assertEquals(Double.doubleToRawLongBits(e.value()), e.traceHigh(), "trace high is the value's");
                    final long thread = (e.traceLow() - which) / 31;
                    assertEquals(which, (int)(e.traceLow() - thread * 31), "series part of trace low");
                    assertEquals(~e.traceHigh() ^ thread, e.spanId(), "span from the same update");
                }
            }
            final EngineStats stats = engine.stats();
            assertEquals(stats.published(), stats.applied() + stats.dropped() + stats.pending(), stats.toString());
        }
    }
}
