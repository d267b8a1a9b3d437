package io.ringmetrics.snapshot;

import io.ringmetrics.Counter;
import io.ringmetrics.Gauge;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.ring.UpdateOp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineStatsTest
{
    @Test
    void toStringShowsTheAccountingByKindAndReason()
    {
        final EngineStats stats;
        try (MetricsEngine engine = MetricsEngine.start())
        {
            final Counter counter = engine.counter("requests_total");
            final Gauge gauge = engine.gauge("queue_depth");
            counter.increment();
            counter.increment(2);
            gauge.set(Double.NaN); // dropped on the writer: invalid_value
            engine.flush();
            stats = engine.stats();
        }
        assertEquals(3, stats.published());
        final String text = stats.toString();
        assertTrue(text.startsWith("EngineStats{published=3, applied=2 (counter=2), dropped=1 (invalid_value/gauge=1)" +
            ", pending=0, rings=1 active + 0 pooled, series=2, metrics=2, off_heap_bytes="), text);
        assertTrue(text.endsWith(", histogram_clamped=0}"), text);
        assertTrue(text.contains(", ring_bytes=" + stats.ringBytes() + ","), text);
    }

    @Test
    void toStringSaysNoneWhenNothingWasAppliedOrDropped()
    {
        final long[][] dropped = new long[EngineStats.DropReason.values().length][UpdateOp.KIND_COUNT];
        final EngineStats empty = new EngineStats(0, new long[UpdateOp.KIND_COUNT], dropped, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals("EngineStats{published=0, applied=0 (none), dropped=0 (none), pending=0, rings=0 active + 0 pooled" +
            ", series=0, metrics=0, off_heap_bytes=0, histogram_heap_bytes=0, ring_bytes=0, histogram_clamped=0}",
            empty.toString());
    }
}
