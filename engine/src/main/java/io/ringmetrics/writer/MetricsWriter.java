package io.ringmetrics.writer;

import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.registry.SeriesId;
import io.ringmetrics.registry.SeriesRegistry;
import io.ringmetrics.ring.RingDirectory;
import io.ringmetrics.ring.ThreadRing;
import io.ringmetrics.ring.UpdateOp;
import io.ringmetrics.shm.StoreFile;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.snapshot.EngineStats.DropReason;
import io.ringmetrics.snapshot.ExemplarSample;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import io.ringmetrics.store.ExemplarSlots;
import io.ringmetrics.store.HistogramSeries;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.ValueStore;
import io.ringmetrics.store.WindowClock;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The single writer: drains every caller ring, applies updates to the off-heap {@link ValueStore} and to
 * {@link HistogramSeries}, and serves snapshot requests between batches.
 * <p>
 * <b>Threading.</b> {@link #run()} runs on one dedicated thread, which alone mutates the store, the histograms
 * and the per-slot tables below; applying an update takes no lock (housekeeping briefly takes the ring
 * directory's monitor to retire rings, and a family's monitor to evict an idle series). Other threads interact only through
 * {@link #requestSnapshot(boolean)} (a lock-free queue) and {@link #stop()} (a volatile flag).
 * <p>
 * <b>Draining.</b> Each pass applies the batches the callers have published ({@link ThreadRing#drainBatches}), which
 * reads only cache lines their owners have finished with; every {@link #TAIL_SWEEP_INTERVAL_NANOS}, and for every
 * snapshot request, close and dead-owner reclamation, the pass is complete ({@link ThreadRing#drain}), so an update
 * that no later batch follows waits at most that long (plus the idle strategy's park).
 * <p>
 * <b>Snapshots.</b> A request is served after one complete pass over the rings made after the request was seen, so a
 * snapshot reflects every update published (slot header released) before the request was made. Building a large
 * snapshot (histogram percentiles cost ~25 µs each) is interleaved with ring drains every
 * {@link #SNAPSHOT_CHUNK_WORK} units of work, so callers' rings do not fill while the writer samples; each series
 * is still sampled whole (a histogram's count always equals its buckets' sum) and counters never go backwards,
 * but two series may be sampled a few microseconds apart.
 * <p>
 * <b>Per slot</b> the writer keeps one {@code int} ({@code slotState}) and, with cleanup enabled, the time it last saw
 * an update:
 * <pre>
 *   slotState[slot]:  | histogram index + 1 (24 bits; 0 = none) | live generation (7 bits) |
 * </pre>
 * The generation rejects updates from stale handles; the histogram index points into a dense
 * {@code HistogramSeries[]} that holds only histogram series (freed indexes are reused), so a counter or gauge
 * series costs the writer 4 bytes, not 8.
 * <p>
 * <b>Histograms.</b> An observation's count, sum and bucket are applied at once; its percentile recording is
 * deferred into a {@link PercentileBatch} of 64, applied before any histogram is sampled or freed and at every
 * housekeeping; that flush also sets the time of the percentile windows' rotation (see
 * {@code io.ringmetrics.store.WindowedPercentiles}).
 * <p>
 * <b>Store file</b> ({@code METRICS_SHM_DIR}). The store's slab is then the file's values region; the writer also
 * writes each new series' record (every 10 ms and before serving a snapshot or flush request, so after
 * {@code flush()} every series registered before it is in the file), mirrors histograms into their records, marks a
 * freed slot's record reclaimed before zeroing it, keeps the slot from the allocator for the reuse timeout, and
 * stores the heartbeat. See {@link StoreFile}.
 */
public final class MetricsWriter implements Runnable
{
    private static final long HOUSEKEEPING_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Longest time between two complete drains of every ring: the bound on how long an update that no later batch
     * follows waits in its ring (plus the idle strategy's park), when no snapshot asks for it sooner.
     */
    static final long TAIL_SWEEP_INTERVAL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /** Work between two ring drains while building a snapshot: a counter or gauge is 1, a histogram 256. */
    static final int SNAPSHOT_CHUNK_WORK = 4096;
    private static final int HISTOGRAM_SAMPLE_WORK = 256;

    private final SeriesRegistry registry;
    private final RingDirectory rings;
    private final ValueStore store;
    private final IdleStrategy idleStrategy;
    private final long cleanupIntervalNanos;
    private final StoreFile file;
    private static final int HISTOGRAM_SHIFT = 7; // bits of SeriesId.GENERATION_MASK
    private static final int STALE = -1;          // never a slot state: histogram indexes stay below 2^24
    private static final int NO_HISTOGRAM = -1;

    private final int[] slotState;
    private HistogramSeries[] histograms = new HistogramSeries[16];
    private int histogramsUsed;
    private final IntArrayList freeHistogramIndexes = new IntArrayList();
    private final WindowClock windowClock = WindowClock.cached(System::nanoTime);
    private final PercentileBatch percentiles = new PercentileBatch(windowClock);
    private final ExemplarAssembly exemplarParts = new ExemplarAssembly();
    private Int2ObjectHashMap<ExemplarSlots> counterExemplars; // by slot; created on the first counter exemplar
    private final long[] lastTouchedNanos;
    private final ManyToOneConcurrentLinkedQueue<SnapshotRequest> requests = new ManyToOneConcurrentLinkedQueue<>();
    private volatile Thread writerThread; // unparked by a snapshot request, so a scrape never waits for a park
    private final long[] applied = new long[UpdateOp.KIND_COUNT];
    private final long[][] dropped = new long[DropReason.values().length][UpdateOp.KIND_COUNT];
    private final ThreadRing.UpdateHandler applier = this::apply;
    private final long startNanos = System.nanoTime();

    private volatile boolean running = true;
    private volatile boolean terminated;
    private long nowNanos;
    private long nextHousekeepingNanos;
    private long nextTailSweepNanos;
    private long nextCleanupNanos;
    private long histogramClamped;
    private long histogramHeapBytes;

    /**
     * @param registry             series registry (read for histogram shapes and snapshots).
     * @param rings                the caller rings.
     * @param store                the off-heap value store, sized to the registry's slot capacity.
     * @param idleStrategy         how to wait when idle.
     * @param cleanupIntervalNanos evict series not updated for this long; 0 disables cleanup.
     */
    public MetricsWriter(
        final SeriesRegistry registry, final RingDirectory rings, final ValueStore store,
        final IdleStrategy idleStrategy, final long cleanupIntervalNanos)
    {
        this(registry, rings, store, idleStrategy, cleanupIntervalNanos, null);
    }

    /**
     * @param registry             series registry (read for histogram shapes and snapshots).
     * @param rings                the caller rings.
     * @param store                the off-heap value store, sized to the registry's slot capacity.
     * @param idleStrategy         how to wait when idle.
     * @param cleanupIntervalNanos evict series not updated for this long; 0 disables cleanup.
     * @param file                 the store file whose values region is {@code store}'s slab, or {@code null}.
     */
    public MetricsWriter(
        final SeriesRegistry registry, final RingDirectory rings, final ValueStore store,
        final IdleStrategy idleStrategy, final long cleanupIntervalNanos, final StoreFile file)
    {
        this.file = file;
        this.registry = registry;
        this.rings = rings;
        this.store = store;
        this.idleStrategy = idleStrategy;
        this.cleanupIntervalNanos = cleanupIntervalNanos;
        this.slotState = new int[store.capacity()];
        this.lastTouchedNanos = cleanupIntervalNanos > 0 ? new long[store.capacity()] : null;
        this.nextCleanupNanos = startNanos + cleanupIntervalNanos / 4;
    }

    /**
     * The writer loop. Returns after {@link #stop()}, once everything published before the stop has been
     * applied and the store has been freed.
     */
    @Override
    public void run()
    {
        writerThread = Thread.currentThread();
        try
        {
            while (running)
            {
                nowNanos = System.nanoTime();
                final boolean sweep = nowNanos - nextTailSweepNanos >= 0;
                if (sweep)
                {
                    nextTailSweepNanos = nowNanos + TAIL_SWEEP_INTERVAL_NANOS;
                }
                int work = drainAll(sweep);
                work += serveRequests();
                if (nowNanos - nextHousekeepingNanos >= 0)
                {
                    housekeeping();
                }
                idleStrategy.idle(work);
            }
            nowNanos = System.nanoTime();
            drainAll(true);
            serveRequests();
            if (file != null)
            {
                syncStoreFile();
            }
        }
        finally
        {
            terminated = true;
            failPendingRequests();
            store.free();
        }
    }

    /**
     * One pass over the rings: {@code complete}, everything published (a snapshot barrier, the tail sweep, close);
     * otherwise the batches the owners have published, which never reads a cache line an owner is still writing.
     */
    private int drainAll(final boolean complete)
    {
        int work = 0;
        for (final ThreadRing ring : rings.activeRings())
        {
            exemplarParts.reset(); // an exemplar's parts never come from two rings
            work += complete ? drain(ring) : RingDirectory.drainBatches(ring, applier);
        }
        return work;
    }

    private int drain(final ThreadRing ring)
    {
        exemplarParts.reset();
        return RingDirectory.drain(ring, applier);
    }

    private void apply(final int id, final int op, final long value)
    {
        final int slot = SeriesId.slot(id);
        final int kind = UpdateOp.kindOf(op);
        final int state = slot < slotState.length ? slotState[slot] : STALE;
        if (state == STALE || (state & SeriesId.GENERATION_MASK) != SeriesId.generation(id))
        {
            dropped[DropReason.STALE_SERIES.ordinal()][kind]++;
            if (op == UpdateOp.FREE_SERIES)
            {
                registry.slots().released(); // announced by the removal; nothing left to give back
            }
            return;
        }
        switch (op)
        {
            case UpdateOp.COUNTER_ADD:
                if (value < 0)
                {
                    dropped[DropReason.INVALID_VALUE.ordinal()][kind]++;
                    return;
                }
                store.addLong(slot, value);
                break;

            case UpdateOp.GAUGE_SET:
            {
                final double v = Double.longBitsToDouble(value);
                if (!Double.isFinite(v))
                {
                    dropped[DropReason.INVALID_VALUE.ordinal()][kind]++;
                    return;
                }
                store.putDouble(slot, v);
                break;
            }

            case UpdateOp.GAUGE_ADD:
            {
                final double v = Double.longBitsToDouble(value);
                if (!Double.isFinite(v))
                {
                    dropped[DropReason.INVALID_VALUE.ordinal()][kind]++;
                    return;
                }
                store.addDouble(slot, v);
                break;
            }

            case UpdateOp.HISTOGRAM_OBSERVE:
            {
                final double v = Double.longBitsToDouble(value);
                final boolean valid = HistogramSeries.accepts(v); // finite and not negative
                final int index = valid ? histogramIndexAt(slot, state) : NO_HISTOGRAM;
                if (index == NO_HISTOGRAM)
                {
                    dropped[(valid ? DropReason.STALE_SERIES : DropReason.INVALID_VALUE).ordinal()][kind]++;
                    return;
                }
                deferPercentile(index, histograms[index].record(v));
                break;
            }

            case UpdateOp.HISTOGRAM_OBSERVE_NANOS:
            {
                if (value < 0)
                {
                    dropped[DropReason.INVALID_VALUE.ordinal()][kind]++; // a negative duration is a clock misuse
                    return;
                }
                final int index = histogramIndexAt(slot, state);
                if (index == NO_HISTOGRAM)
                {
                    dropped[DropReason.STALE_SERIES.ordinal()][kind]++;
                    return;
                }
                deferPercentile(index, histograms[index].recordNanos(value));
                break;
            }

            case UpdateOp.EXEMPLAR_TRACE_HIGH:
            case UpdateOp.EXEMPLAR_TRACE_LOW:
            case UpdateOp.EXEMPLAR_SPAN:
                exemplarParts.part(id, op, value);
                break;

            case UpdateOp.COUNTER_ADD_EXEMPLAR:
            {
                final boolean withExemplar = exemplarParts.completeFor(id);
                if (value < 0)
                {
                    dropped[DropReason.INVALID_VALUE.ordinal()][kind]++;
                    return;
                }
                store.addLong(slot, value);
                if (withExemplar)
                {
                    keepCounterExemplar(slot, value);
                }
                break;
            }

            case UpdateOp.HISTOGRAM_OBSERVE_EXEMPLAR:
            {
                final boolean withExemplar = exemplarParts.completeFor(id);
                final double v = Double.longBitsToDouble(value);
                final boolean valid = HistogramSeries.accepts(v);
                final int index = valid ? histogramIndexAt(slot, state) : NO_HISTOGRAM;
                if (index == NO_HISTOGRAM)
                {
                    dropped[(valid ? DropReason.STALE_SERIES : DropReason.INVALID_VALUE).ordinal()][kind]++;
                    return;
                }
                deferPercentile(index, histograms[index].record(v));
                if (withExemplar)
                {
                    histograms[index].keepExemplar(v, exemplarParts.traceHigh(), exemplarParts.traceLow(),
                        exemplarParts.spanId(), System.currentTimeMillis());
                }
                break;
            }

            case UpdateOp.FREE_SERIES:
                freeSlot(slot, true);
                break;

            default:
                dropped[DropReason.INVALID_VALUE.ordinal()][kind]++;
                return;
        }
        applied[kind]++;
        if (lastTouchedNanos != null)
        {
            lastTouchedNanos[slot] = nowNanos;
        }
    }

    private void keepCounterExemplar(final int slot, final long amount)
    {
        if (counterExemplars == null)
        {
            counterExemplars = new Int2ObjectHashMap<>();
        }
        ExemplarSlots exemplar = counterExemplars.get(slot);
        if (exemplar == null)
        {
            exemplar = new ExemplarSlots(1);
            counterExemplars.put(slot, exemplar);
        }
        exemplar.keep(0, amount, exemplarParts.traceHigh(), exemplarParts.traceLow(), exemplarParts.spanId(),
            System.currentTimeMillis());
    }

    private void deferPercentile(final int index, final long ticks)
    {
        if (percentiles.add(index, ticks))
        {
            percentiles.flush(histograms);
        }
    }

    /** Dense index of the slot's histogram, created on its first observation; NO_HISTOGRAM for other types. */
    private int histogramIndexAt(final int slot, final int state)
    {
        final int index = state >>> HISTOGRAM_SHIFT;
        if (index != 0)
        {
            return index - 1;
        }
        final SeriesDescriptor series = registry.bySlot(slot);
        if (series == null || series.family().type() != MetricType.HISTOGRAM)
        {
            return NO_HISTOGRAM;
        }
        final HistogramSeries histogram = new HistogramSeries(series.family().histogramSpec(), windowClock);
        final int dense = freeHistogramIndexes.isEmpty() ? histogramsUsed++ : freeHistogramIndexes.popInt();
        if (dense == histograms.length)
        {
            histograms = java.util.Arrays.copyOf(histograms, 2 * histograms.length);
        }
        histograms[dense] = histogram;
        if (file != null)
        {
            histogram.mirrorTo(file.buffer(), file.histogramArea(slot));
        }
        slotState[slot] = (state & SeriesId.GENERATION_MASK) | ((dense + 1) << HISTOGRAM_SHIFT);
        return dense;
    }

    private HistogramSeries histogramOf(final int slot)
    {
        final int index = slotState[slot] >>> HISTOGRAM_SHIFT;
        return index == 0 ? null : histograms[index - 1];
    }

    private int generationAt(final int slot)
    {
        return slotState[slot] & SeriesId.GENERATION_MASK;
    }

    /** @param announced the removal announced the slot ({@code SlotAllocator.releasing}), eviction did not. */
    private void freeSlot(final int slot, final boolean announced)
    {
        if (file != null)
        {
            file.reclaim(slot, System.currentTimeMillis()); // before the value is zeroed
        }
        store.putLongRelease(slot, 0L);
        if (counterExemplars != null)
        {
            counterExemplars.remove(slot);
        }
        final int state = slotState[slot];
        final int index = state >>> HISTOGRAM_SHIFT;
        if (index != 0)
        {
            percentiles.flush(histograms); // before the index can be reused
            histogramClamped += histograms[index - 1].clampedCount();
            histograms[index - 1] = null;
            freeHistogramIndexes.pushInt(index - 1);
        }
        if (lastTouchedNanos != null)
        {
            lastTouchedNanos[slot] = 0;
        }
        final int next = SeriesId.nextGeneration(state & SeriesId.GENERATION_MASK);
        slotState[slot] = next;
        if (file != null)
        {
            file.deferRelease(SeriesId.of(slot, next), announced, nowNanos); // reused after the timeout
        }
        else
        {
            registry.slots().release(SeriesId.of(slot, next));
            if (announced)
            {
                registry.slots().released();
            }
        }
    }

    /** Publishes the records of series registered since the last call, reuses reclaimed slots, heartbeat. */
    private void syncStoreFile()
    {
        final int highWater = registry.highWater();
        for (int slot = 0; slot < highWater; slot++)
        {
            final SeriesDescriptor series = registry.bySlot(slot);
            if (series != null && SeriesId.generation(series.id()) == generationAt(slot) &&
                !file.isPublished(slot, series))
            {
                file.publish(slot, series, histogramOf(slot));
            }
        }
        file.releaseDue(nowNanos, registry.slots());
        file.heartbeat(System.currentTimeMillis());
    }

    private int serveRequests()
    {
        int served = 0;
        SnapshotRequest request;
        while ((request = requests.poll()) != null)
        {
            drainAll(true); // everything published before the request was enqueued is in a ring by now
            if (file != null)
            {
                syncStoreFile();
            }
            request.result.complete(request.barrierOnly ? null : buildSnapshot());
            served++;
        }
        return served;
    }

    private void housekeeping()
    {
        nextHousekeepingNanos = nowNanos + HOUSEKEEPING_INTERVAL_NANOS;
        rings.reclaimDeadOwners(this::drain);
        if (file != null)
        {
            syncStoreFile();
        }
        percentiles.flush(histograms); // a deferred recording joins its percentile window within this interval
        if (lastTouchedNanos != null && nowNanos - nextCleanupNanos >= 0)
        {
            nextCleanupNanos = nowNanos + Math.max(cleanupIntervalNanos / 4, HOUSEKEEPING_INTERVAL_NANOS);
            evictIdleSeries();
        }
    }

    private void evictIdleSeries()
    {
        final int highWater = registry.highWater();
        for (int slot = 0; slot < highWater; slot++)
        {
            final SeriesDescriptor series = registry.bySlot(slot);
            if (series == null || SeriesId.generation(series.id()) != generationAt(slot))
            {
                continue;
            }
            if (lastTouchedNanos[slot] == 0)
            {
                lastTouchedNanos[slot] = nowNanos; // first seen: the idle clock starts now
            }
            else if (nowNanos - lastTouchedNanos[slot] >= cleanupIntervalNanos && registry.evict(series))
            {
                freeSlot(slot, false);
            }
        }
    }

    private MetricsSnapshot buildSnapshot()
    {
        final int highWater = registry.highWater();
        final SeriesDescriptor[] series = new SeriesDescriptor[highWater];
        final long[] values = new long[highWater];
        HistogramSample[] samples = null;
        ExemplarSample[] counterExemplarSamples = null;
        long heapBytes = 0;
        int size = 0;
        int work = 0;
        for (int slot = 0; slot < highWater; slot++)
        {
            if (work >= SNAPSHOT_CHUNK_WORK)
            {
                drainAll(false); // keep callers' rings from filling during a long snapshot
                work = 0;
            }
            final SeriesDescriptor descriptor = registry.bySlot(slot);
            if (descriptor == null || SeriesId.generation(descriptor.id()) != generationAt(slot))
            {
                continue;
            }
            series[size] = descriptor;
            if (descriptor.family().type() == MetricType.HISTOGRAM)
            {
                if (samples == null)
                {
                    samples = new HistogramSample[highWater];
                }
                percentiles.flush(histograms); // drains between samples may have deferred more
                final HistogramSeries histogram = histogramOf(slot);
                samples[size] = histogram == null ? emptySample(descriptor.family().histogramSpec()) : histogram.sample();
                if (histogram != null)
                {
                    heapBytes += histogram.footprintBytes();
                }
                work += HISTOGRAM_SAMPLE_WORK;
            }
            else
            {
                values[size] = store.getLong(slot);
                final ExemplarSlots exemplar = counterExemplars == null ? null : counterExemplars.get(slot);
                if (exemplar != null)
                {
                    if (counterExemplarSamples == null)
                    {
                        counterExemplarSamples = new ExemplarSample[highWater];
                    }
                    counterExemplarSamples[size] = exemplar.sample()[0];
                }
                work++;
            }
            size++;
        }
        histogramHeapBytes = heapBytes;
        return new MetricsSnapshot(series, values, samples, counterExemplarSamples, size, stats(),
            System.currentTimeMillis());
    }

    private static HistogramSample emptySample(final HistogramSpec spec)
    {
        return new HistogramSample(0, 0.0, new long[spec.bucketCount()], new double[HistogramSpec.QUANTILES.length], 0);
    }

    private EngineStats stats()
    {
        final long[][] droppedCopy = new long[dropped.length][];
        for (int r = 0; r < dropped.length; r++)
        {
            droppedCopy[r] = dropped[r].clone();
        }
        long published = rings.publishedCount() - applied[UpdateOp.KIND_CONTROL] -
            dropped[DropReason.STALE_SERIES.ordinal()][UpdateOp.KIND_CONTROL];
        for (int kind = 0; kind < UpdateOp.KIND_CONTROL; kind++)
        {
            final long full = rings.droppedFull(kind);
            droppedCopy[DropReason.RING_FULL.ordinal()][kind] = full;
            published += full;
        }
        long pending = rings.pendingCount();
        if (terminated)
        {
            droppedCopy[DropReason.CLOSED.ordinal()][UpdateOp.KIND_COUNTER] += pending; // kind unknown once unread
            pending = 0;
        }
        long clamped = histogramClamped;
        for (final HistogramSeries histogram : histograms)
        {
            if (histogram != null)
            {
                clamped += histogram.clampedCount();
            }
        }
        final int[] ringCounts = rings.ringCounts();
        return new EngineStats(published, applied.clone(), droppedCopy, pending, ringCounts[0], ringCounts[1],
            registry.budget().seriesCount(), registry.budget().metricCount(), store.offHeapBytes(),
            histogramHeapBytes, rings.slotBytes(), clamped);
    }

    /**
     * Asks the writer for a snapshot (or only a barrier). Any thread.
     *
     * @param barrierOnly complete with {@code null} once everything published before is applied.
     * @return completes on the writer thread; completes exceptionally if the writer has stopped.
     */
    public CompletableFuture<MetricsSnapshot> requestSnapshot(final boolean barrierOnly)
    {
        final SnapshotRequest request = new SnapshotRequest(barrierOnly);
        requests.offer(request);
        final Thread writer = writerThread;
        if (writer != null)
        {
            LockSupport.unpark(writer); // the idle strategy may be parked: serve the request now
        }
        if (terminated)
        {
            failPendingRequests(); // the writer may have missed it: never leave a request hanging
        }
        return request.result;
    }

    private void failPendingRequests()
    {
        SnapshotRequest request;
        while ((request = requests.poll()) != null)
        {
            request.result.completeExceptionally(new IllegalStateException("the metrics engine is closed"));
        }
    }

    /**
     * Accounting once the writer has terminated: what remained in rings is counted as dropped ({@code closed}).
     *
     * @return final stats.
     * @throws IllegalStateException if the writer is still running.
     */
    public EngineStats finalStats()
    {
        if (!terminated)
        {
            throw new IllegalStateException("the writer is still running");
        }
        return stats();
    }

    /**
     * Asks the writer to apply what is published and stop. Any thread.
     */
    public void stop()
    {
        running = false;
    }

    /**
     * @return whether the writer loop has ended and the store is freed.
     */
    public boolean isTerminated()
    {
        return terminated;
    }
}
