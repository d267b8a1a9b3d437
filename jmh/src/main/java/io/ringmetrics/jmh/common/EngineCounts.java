package io.ringmetrics.jmh.common;

import java.util.Locale;

import io.ringmetrics.MetricsEngine;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.EngineStats.DropReason;

/**
 * The engine's own accounting (published / applied / dropped updates) at one point in time, so that a benchmark
 * can show, per iteration or per trial, whether the writer kept up or the ring was full and updates took the drop
 * path.
 *
 * <p>{@link #of(MetricsEngine)} takes an engine snapshot: the writer first applies everything published before the
 * call, so {@code pending} is normally 0 and {@code published = applied + dropped}. It allocates (a snapshot is
 * built on the writer thread), so call it outside the measured loop only: in {@code @Setup} / {@code @TearDown} of
 * level Iteration or Trial.
 */
public record EngineCounts(long published, long applied, long droppedRingFull, long droppedOther, long pending) {

    /** Zero counts. */
    public static final EngineCounts ZERO = new EngineCounts(0, 0, 0, 0, 0);

    /** Reads the engine's counts, after the writer has applied everything published so far. */
    public static EngineCounts of(MetricsEngine engine) {
        EngineStats stats = engine.stats();
        long ringFull = 0;
        for (int kind = 0; kind < UpdateOp.KIND_CONTROL; kind++) {
            ringFull += stats.dropped(DropReason.RING_FULL, kind);
        }
        return new EngineCounts(stats.published(), stats.applied(), ringFull, stats.dropped() - ringFull,
                stats.pending());
    }

    /** Counts accumulated since {@code earlier}. */
    public EngineCounts minus(EngineCounts earlier) {
        return new EngineCounts(published - earlier.published, applied - earlier.applied,
                droppedRingFull - earlier.droppedRingFull, droppedOther - earlier.droppedOther,
                pending - earlier.pending);
    }

    /** All dropped updates. */
    public long dropped() {
        return droppedRingFull + droppedOther;
    }

    /** Dropped updates as a percentage of what was handed to the engine (0 if nothing was). */
    public double droppedPercent() {
        long total = applied + dropped();
        return total == 0 ? 0.0 : 100.0 * dropped() / total;
    }

    /** One line for the benchmark log. */
    public String describe(String label) {
        return String.format(Locale.ROOT,
                "[ringmetrics] %s: published=%d applied=%d dropped(ring_full)=%d dropped(other)=%d pending=%d"
                        + " -> %.2f %% dropped%s",
                label, published, applied, droppedRingFull, droppedOther, pending, droppedPercent(),
                dropped() == 0 ? " (no-drop path)" : droppedRingFull > 0 ? " (ring full: drop path measured too)" : "");
    }
}
