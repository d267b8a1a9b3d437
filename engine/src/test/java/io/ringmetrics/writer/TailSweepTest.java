package io.ringmetrics.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.ring.BackpressurePolicy;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.ThreadRing;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.SlotAllocator;
import io.ringmetrics.store.ValueStore;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The writer applies an update that no later batch follows without being asked: its periodic complete drain (the tail
 * sweep) finds it by its header. No snapshot, flush or close is requested here.
 */
class TailSweepTest
{
    @ParameterizedTest
    @EnumSource(WriterIdleStrategy.class)
    void aLoneUpdateIsAppliedWithoutASnapshotRequest(final WriterIdleStrategy idle) throws Exception
    {
        final MetricsResourceConfig limits = MetricsResourceConfig.builder().build();
        final SeriesRegistry registry = new SeriesRegistry(limits, new SlotAllocator(SeriesRegistry.slotCapacity(limits)),
            Set.of(), HistogramSpec.DEFAULT_SECONDS);
        final RingDirectory rings = new RingDirectory(1024, 1024, 4, BackpressurePolicy.DROP);
        final MetricsWriter writer = new MetricsWriter(registry, rings, new ValueStore(SeriesRegistry.slotCapacity(limits)),
            idle.create(TimeUnit.MICROSECONDS.toNanos(100)), 0);
        final Thread thread = new Thread(writer, "tail-sweep-writer");
        thread.start();
        try
        {
            for (int update = 1; update <= 3; update++)
            {
                assertTrue(rings.publish(1, UpdateOp.COUNTER_ADD, 1)); // fewer than a batch: the cursor stays put
                final ThreadRing ring = rings.activeRings()[0];
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (ring.consumedCount() < update && System.nanoTime() < deadline)
                {
                    Thread.sleep(1);
                }
                assertEquals(update, ring.consumedCount(), "update " + update + " applied by the sweep alone");
            }
        }
        finally
        {
            writer.stop();
            thread.join(5_000);
        }
    }
}
