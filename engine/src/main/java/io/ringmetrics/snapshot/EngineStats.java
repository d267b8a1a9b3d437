package io.ringmetrics.snapshot;

import io.ringmetrics.ring.UpdateOp;

/**
 * The engine's own accounting at snapshot time, exported as meta-metrics.
 * <p>
 * Invariant, once no update is in flight ({@link #pending()} = 0): {@code published = applied + dropped}, where
 * published counts every update a caller handed to the engine, applied those the writer applied, and dropped
 * those refused for a full ring, a stale series id, an invalid value, or because the engine closed first.
 */
public final class EngineStats
{
    /** Why an update was dropped. */
    public enum DropReason
    {
        /** The caller's ring was full (policy DROP). */
        RING_FULL("ring_full"),
        /** The series was removed or evicted before the update was applied. */
        STALE_SERIES("stale_series"),
        /** NaN, infinite, or a negative counter increment. */
        INVALID_VALUE("invalid_value"),
        /** Published after the writer stopped. */
        CLOSED("closed");

        private final String label;

        DropReason(final String label)
        {
            this.label = label;
        }

        /** @return the {@code reason} label value. */
        public String label()
        {
            return label;
        }
    }

    private final long published;
    private final long[] applied;
    private final long[][] dropped;
    private final long pending;
    private final int activeRings;
    private final int pooledRings;
    private final int seriesCount;
    private final int metricCount;
    private final long offHeapBytes;
    private final long histogramHeapBytes;
    private final long ringBytes;
    private final long histogramClamped;

    /**
     * @param published          updates handed to the engine, counted on the caller side (ring cursors and
     *                           full-ring drops), independently of what the writer counts.
     * @param applied            applied updates per kind ({@link UpdateOp} kind index).
     * @param dropped            dropped updates, {@code [reason.ordinal()][kind]}.
     * @param pending            published but not yet consumed.
     * @param activeRings        rings of live threads.
     * @param pooledRings        rings kept for reuse.
     * @param seriesCount        registered series (overflow series excluded).
     * @param metricCount        registered metrics.
     * @param offHeapBytes       off-heap bytes held by the value store.
     * @param histogramHeapBytes estimated heap bytes of histogram series.
     * @param ringBytes          off-heap bytes of the caller rings' slots (active, being replaced and pooled).
     * @param histogramClamped   observations clamped into the percentile range.
     */
    public EngineStats(
        final long published, final long[] applied, final long[][] dropped, final long pending, final int activeRings, final int pooledRings,
        final int seriesCount, final int metricCount, final long offHeapBytes, final long histogramHeapBytes,
        final long ringBytes, final long histogramClamped)
    {
        this.published = published;
        this.applied = applied;
        this.dropped = dropped;
        this.pending = pending;
        this.activeRings = activeRings;
        this.pooledRings = pooledRings;
        this.seriesCount = seriesCount;
        this.metricCount = metricCount;
        this.offHeapBytes = offHeapBytes;
        this.histogramHeapBytes = histogramHeapBytes;
        this.ringBytes = ringBytes;
        this.histogramClamped = histogramClamped;
    }

    /**
     * @param kind {@link UpdateOp} kind index.
     * @return updates applied for that kind.
     */
    public long applied(final int kind)
    {
        return applied[kind];
    }

    /** @return updates applied, all kinds (control operations excluded). */
    public long applied()
    {
        return applied[UpdateOp.KIND_COUNTER] + applied[UpdateOp.KIND_GAUGE] + applied[UpdateOp.KIND_HISTOGRAM];
    }

    /**
     * @param reason why.
     * @param kind   {@link UpdateOp} kind index.
     * @return updates dropped.
     */
    public long dropped(final DropReason reason, final int kind)
    {
        return dropped[reason.ordinal()][kind];
    }

    /** @return updates dropped, all reasons and kinds (control operations excluded). */
    public long dropped()
    {
        long total = 0;
        for (final long[] byKind : dropped)
        {
            total += byKind[UpdateOp.KIND_COUNTER] + byKind[UpdateOp.KIND_GAUGE] + byKind[UpdateOp.KIND_HISTOGRAM];
        }
        return total;
    }

    /**
     * Updates handed to the engine, counted on the caller side: what entered the rings plus what a full ring
     * refused. Counted independently of {@link #applied()} and {@link #dropped()}, so the invariant
     * {@code published = applied + dropped} (when nothing is pending) is a real check.
     *
     * @return updates published.
     */
    public long published()
    {
        return published;
    }

    /** @return updates published but not yet consumed by the writer. */
    public long pending()
    {
        return pending;
    }

    /** @return rings owned by live threads. */
    public int activeRings()
    {
        return activeRings;
    }

    /** @return rings pooled for reuse. */
    public int pooledRings()
    {
        return pooledRings;
    }

    /** @return registered series. */
    public int seriesCount()
    {
        return seriesCount;
    }

    /** @return registered metrics. */
    public int metricCount()
    {
        return metricCount;
    }

    /** @return off-heap bytes of the value store. */
    public long offHeapBytes()
    {
        return offHeapBytes;
    }

    /** @return estimated heap bytes of histogram series state. */
    public long histogramHeapBytes()
    {
        return histogramHeapBytes;
    }

    /** @return off-heap bytes of the caller rings' slots: active rings, rings being replaced, pooled rings. */
    public long ringBytes()
    {
        return ringBytes;
    }

    /** @return observations clamped into the percentile range. */
    public long histogramClamped()
    {
        return histogramClamped;
    }

    /**
     * One line for logs and test failures: the accounting first, then sizes; drops by reason and kind, only those
     * that happened. E.g. {@code EngineStats{published=10, applied=8 (counter=8), dropped=2 (ring_full/counter=2),
     * pending=0, rings=1 active + 0 pooled, series=1, metrics=1, off_heap_bytes=80000, histogram_heap_bytes=0,
     * ring_bytes=16384, histogram_clamped=0}}.
     */
    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("EngineStats{published=").append(published)
            .append(", applied=").append(applied()).append(" (");
        int shown = 0;
        for (int kind = 0; kind < UpdateOp.KIND_CONTROL; kind++)
        {
            if (applied[kind] != 0)
            {
                sb.append(shown++ == 0 ? "" : ", ").append(UpdateOp.kindName(kind)).append('=').append(applied[kind]);
            }
        }
        sb.append(shown == 0 ? "none)" : ")").append(", dropped=").append(dropped()).append(" (");
        shown = 0;
        for (final DropReason reason : DropReason.values())
        {
            for (int kind = 0; kind < UpdateOp.KIND_CONTROL; kind++)
            {
                final long count = dropped[reason.ordinal()][kind];
                if (count != 0)
                {
                    sb.append(shown++ == 0 ? "" : ", ").append(reason.label()).append('/')
                        .append(UpdateOp.kindName(kind)).append('=').append(count);
                }
            }
        }
        return sb.append(shown == 0 ? "none)" : ")")
            .append(", pending=").append(pending)
            .append(", rings=").append(activeRings).append(" active + ").append(pooledRings).append(" pooled")
            .append(", series=").append(seriesCount)
            .append(", metrics=").append(metricCount)
            .append(", off_heap_bytes=").append(offHeapBytes)
            .append(", histogram_heap_bytes=").append(histogramHeapBytes)
            .append(", ring_bytes=").append(ringBytes)
            .append(", histogram_clamped=").append(histogramClamped)
            .append('}').toString();
    }
}
