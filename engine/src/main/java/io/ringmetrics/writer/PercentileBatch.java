package io.ringmetrics.writer;

import io.ringmetrics.store.HistogramSeries;
import io.ringmetrics.store.WindowClock;

/**
 * Percentile recordings deferred into small batches, so that their cache misses overlap.
 * <p>
 * Over many series, recording an observation in a series' HdrHistogram mostly misses the writer core's caches (the
 * counts arrays of 1000 series are several MB). Made one by one amid the ring reads and bucket updates of each
 * observation, those misses are taken one after another; made {@link #CAPACITY} at a time in a tight loop, the
 * core has several in flight at once. Only the percentiles lag: count, sum and buckets are recorded immediately,
 * and the writer flushes the batch before it samples a histogram and before it frees one.
 * <p>
 * Entries name a histogram by its index in the writer's dense {@code HistogramSeries[]}, not by reference, so
 * adding one stores no reference (no GC write barrier on the hot path).
 * <pre>
 *   histogramIndex: | i0 | i1 | ... | i(size-1) |        ticks: | t0 | t1 | ... | t(size-1) |
 * </pre>
 * Each flush first {@linkplain WindowClock#refresh() refreshes} the writer's window clock, so the recordings it
 * makes are placed in the percentile sub-window of the flush's time (at most one batch, or one housekeeping interval,
 * after they were observed).
 * <p>
 * <b>Threading.</b> Writer thread only.
 */
final class PercentileBatch
{
    /** Recordings per batch: enough to keep the core's outstanding misses busy, small enough to stay in L1. */
    static final int CAPACITY = 64;

    private final int[] histogramIndex = new int[CAPACITY];
    private final long[] ticks = new long[CAPACITY];
    private final WindowClock clock;
    private int size;

    /**
     * @param clock the clock of the writer's percentile windows, refreshed at every flush.
     */
    PercentileBatch(final WindowClock clock)
    {
        this.clock = clock;
    }

    /**
     * Defers one recording.
     *
     * @param index dense index of the histogram.
     * @param value ticks returned by {@link HistogramSeries#record(double)}.
     * @return {@code true} when the batch is now full and must be {@linkplain #flush(HistogramSeries[]) flushed}.
     */
    boolean add(final int index, final long value)
    {
        final int size = this.size;
        histogramIndex[size] = index;
        ticks[size] = value;
        this.size = size + 1;
        return size + 1 == CAPACITY;
    }

    /**
     * Records every deferred value in its histogram's percentiles and empties the batch.
     *
     * @param histograms the writer's dense histogram array, in which every deferred index is live.
     */
    void flush(final HistogramSeries[] histograms)
    {
        clock.refresh();
        final int[] histogramIndex = this.histogramIndex;
        final long[] ticks = this.ticks;
        for (int i = 0; i < size; i++)
        {
            histograms[histogramIndex[i]].recordPercentile(ticks[i]);
        }
        size = 0;
    }
}
