package io.ringmetrics.shm;

import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.store.HistogramSeries;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.SlotAllocator;
import org.agrona.IoUtil;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.invoke.VarHandle;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.ringmetrics.shm.StoreFileDescriptor.*;

/**
 * The engine's side of a store file (layout: {@link StoreFileDescriptor}): creates and maps
 * {@code <dir>/ringmetrics-<pid>.dat}, holds the value slab the {@code ValueStore} writes into, and publishes,
 * reclaims and reuses the per-series records.
 * <p>
 * <b>Threading.</b> Created on the thread that starts the engine; from then on every method is called by the writer
 * thread only, which is the only writer of the file. The caller's publish never touches it.
 * <p>
 * <b>Ordering rules</b> (readers: {@link StoreReader}):
 * <ul>
 *   <li>a record is published by writing its type, key and histogram area with plain stores, then its state word
 *   {@code (generation + 1, ALLOCATED)} with a release store; a reader acquires the state word first and reads it
 *   again after the rest, and keeps what it read only if both are equal;</li>
 *   <li>a record is reclaimed by a release store of {@code (generation, RECLAIMED)} followed by a store-store
 *   fence, before the slot's value is zeroed or the record rewritten, so a reader that saw the old state sees the
 *   state change before it could see any later byte;</li>
 *   <li>a reclaimed slot goes back to the slot allocator only after the reuse timeout (its record keeps its
 *   reclaimed state until a new series is published in it, with the next generation);</li>
 *   <li>a histogram area is a sequence lock: odd sequence (release, then a store-store fence), the values, even
 *   sequence (release); see {@link HistogramSeries#mirrorTo}.</li>
 * </ul>
 */
public final class StoreFile
{
    private static final System.Logger LOGGER = System.getLogger("io.ringmetrics");

    private final Path path;
    private final int capacity;
    private final java.nio.ByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final UnsafeBuffer values;
    private final int recordsOffset;
    private final long reuseTimeoutNanos;
    private final long reuseTimeoutMillis;
    private final boolean deleteOnClose;
    private final SeriesDescriptor[] published;
    private final LongArrayQueue pendingIds = new LongArrayQueue(Long.MIN_VALUE);
    private final LongArrayQueue pendingDeadlines = new LongArrayQueue(Long.MIN_VALUE);
    private boolean closed;

    private StoreFile(
        final Path path, final int capacity, final java.nio.ByteBuffer mapped, final long reuseTimeoutMillis,
        final boolean deleteOnClose)
    {
        this.path = path;
        this.capacity = capacity;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.values = new UnsafeBuffer(buffer, VALUES_OFFSET, capacity * Long.BYTES);
        this.recordsOffset = (int)StoreFileDescriptor.recordsOffset(capacity);
        this.reuseTimeoutMillis = reuseTimeoutMillis;
        this.reuseTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(reuseTimeoutMillis);
        this.deleteOnClose = deleteOnClose;
        this.published = new SeriesDescriptor[capacity];
    }

    /**
     * Removes stale files of dead processes from {@code directory}, then creates this process's file, maps it and
     * writes its header.
     *
     * @param directory          where the file goes; created if missing.
     * @param capacity           slots, at most {@link StoreFileDescriptor#MAX_CAPACITY}.
     * @param reuseTimeoutMillis how long a reclaimed record stays unused, at least 1.
     * @param deleteOnClose      whether {@link #close()} deletes the file.
     * @return the mapped file.
     * @throws IOException              if the directory or the file cannot be created or mapped.
     * @throws IllegalArgumentException if the capacity is too large for one file.
     */
    public static StoreFile create(
        final Path directory, final int capacity, final long reuseTimeoutMillis, final boolean deleteOnClose)
        throws IOException
    {
        if (capacity <= 0 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("a store file holds at most " + MAX_CAPACITY + " slots, the limits" +
                " need " + capacity + " (max_label_combinations + max_metrics + 64)");
        }
        Files.createDirectories(directory);
        removeStaleFiles(directory);
        final long pid = ProcessHandle.current().pid();
        final long length = fileLength(capacity);
        Path path = null;
        for (int n = 1; path == null; n++)
        {
            final Path candidate = directory.resolve(FILE_PREFIX + pid + (n == 1 ? "" : "-" + n) + FILE_SUFFIX);
            try
            {
                Files.createFile(candidate);
                path = candidate;
            }
            catch (final FileAlreadyExistsException taken) // another engine of this process
            {
                if (n > 10_000)
                {
                    throw taken;
                }
            }
        }
        final MappedByteBuffer mapped;
        try
        {
            try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
            {
                file.setLength(length); // sparse: pages are backed only once written
            }
            mapped = IoUtil.mapExistingFile(path.toFile(), "ringmetrics store");
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(path);
            throw ex;
        }
        final StoreFile store = new StoreFile(path, capacity, mapped, reuseTimeoutMillis, deleteOnClose);
        store.writeHeader(pid, length);
        return store;
    }

    /**
     * A store laid out in anonymous memory instead of a file, for tests and JCStress: read it with
     * {@link StoreReader#wrap(java.nio.ByteBuffer, String)} over {@link #byteBuffer()}.
     *
     * @param capacity           slots.
     * @param reuseTimeoutMillis reuse timeout.
     * @return the store; {@link #close()} only marks it closed.
     */
    public static StoreFile inMemory(final int capacity, final long reuseTimeoutMillis)
    {
        final long length = fileLength(capacity);
        final StoreFile store = new StoreFile(null, capacity,
            org.agrona.BufferUtil.allocateDirectAligned((int)length, PAGE), reuseTimeoutMillis, false);
        store.writeHeader(ProcessHandle.current().pid(), length);
        return store;
    }

    /** @return the memory of the file (read-only use: {@link StoreReader#wrap}). */
    public java.nio.ByteBuffer byteBuffer()
    {
        return mapped.duplicate();
    }

    private void writeHeader(final long pid, final long length)
    {
        buffer.putInt(VERSION_OFFSET, LAYOUT_VERSION);
        buffer.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        buffer.putLong(PID_OFFSET, pid);
        buffer.putLong(START_TIME_OFFSET, StoreHeader.processStartMillis(ProcessHandle.current()));
        buffer.putLong(HEARTBEAT_OFFSET, System.currentTimeMillis());
        buffer.putInt(CAPACITY_OFFSET, capacity);
        buffer.putInt(RECORD_LENGTH_OFFSET, RECORD_LENGTH);
        buffer.putLong(VALUES_OFFSET_OFFSET, VALUES_OFFSET);
        buffer.putLong(RECORDS_OFFSET_OFFSET, recordsOffset);
        buffer.putLong(FILE_LENGTH_OFFSET, length);
        buffer.putInt(REUSE_TIMEOUT_OFFSET, (int)Math.min(Integer.MAX_VALUE, reuseTimeoutMillis));
        buffer.putIntRelease(STATUS_OFFSET, STATUS_RUNNING);
        buffer.putLongRelease(MAGIC_OFFSET, MAGIC); // last: a reader seeing the magic sees the whole header
    }

    /**
     * Deletes every {@code ringmetrics-*.dat} in {@code directory} whose process is gone (or whose pid now belongs to
     * a process started at another time); files that are not store files, or not readable, are left alone.
     *
     * @param directory the directory.
     * @return the files deleted.
     */
    public static List<Path> removeStaleFiles(final Path directory)
    {
        final List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, FILE_PREFIX + "*" + FILE_SUFFIX))
        {
            for (final Path file : files)
            {
                final StoreHeader header;
                try (StoreReader reader = StoreReader.open(file))
                {
                    header = reader.header();
                }
                catch (final StoreFileException notOurs)
                {
                    continue;
                }
                if (!header.processAlive())
                {
                    Files.deleteIfExists(file);
                    removed.add(file);
                    LOGGER.log(System.Logger.Level.INFO, "removed the stale metrics store file " + file +
                        " of process " + header.pid() + ", which is no longer running");
                }
            }
        }
        catch (final IOException ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "could not clean stale metrics store files in " + directory +
                ": " + ex);
        }
        return removed;
    }

    /** @return the file. */
    public Path path()
    {
        return path;
    }

    /** @return the values region: {@code 8 * capacity} bytes, one slot per series, for the {@code ValueStore}. */
    public UnsafeBuffer values()
    {
        return values;
    }

    /** @return slots. */
    public int capacity()
    {
        return capacity;
    }

    /** @return the whole mapped file (writer thread; tests). */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    private int record(final int slot)
    {
        return recordsOffset + slot * RECORD_LENGTH;
    }

    /**
     * @param slot a slot.
     * @return offset in {@link #buffer()} of the slot's histogram area.
     */
    public int histogramArea(final int slot)
    {
        return record(slot) + HISTOGRAM_AREA_OFFSET;
    }

    /**
     * @param slot   a slot.
     * @param series the series now live in it.
     * @return whether the slot's record already describes this series.
     */
    public boolean isPublished(final int slot, final SeriesDescriptor series)
    {
        return published[slot] == series;
    }

    /**
     * Writes the record of a series now live in {@code slot}, then releases its state as allocated with the next
     * generation. Writer thread.
     *
     * @param slot      the slot.
     * @param series    its series.
     * @param histogram its histogram state if it has one yet, else {@code null}.
     */
    public void publish(final int slot, final SeriesDescriptor series, final HistogramSeries histogram)
    {
        final String[] labels = new String[2 * series.labelCount()];
        for (int i = 0; i < series.labelCount(); i++)
        {
            labels[2 * i] = series.labelName(i);
            labels[2 * i + 1] = series.labelValue(i);
        }
        publish(slot, series.family().type(), series.family().name(), labels, series.family().histogramSpec(),
            histogram);
        published[slot] = series;
    }

    /**
     * {@link #publish(int, SeriesDescriptor, HistogramSeries)} from its parts (tests, JCStress). Writer thread.
     *
     * @param slot      the slot.
     * @param type      metric type.
     * @param name      metric name.
     * @param labels    label names and values, alternating.
     * @param spec      the histogram's shape (histograms only).
     * @param histogram its histogram state if it has one yet, else {@code null}.
     */
    public void publish(
        final int slot, final MetricType type, final String name, final String[] labels, final HistogramSpec spec,
        final HistogramSeries histogram)
    {
        final int record = record(slot);
        final long oldState = buffer.getLong(record + STATE_OFFSET);
        if (state(oldState) == STATE_ALLOCATED) // never expected: the writer reclaims before a slot is reused
        {
            reclaimRecord(record, oldState);
        }
        int flags = writeKey(record, name, labels);
        buffer.putInt(record + TYPE_OFFSET, type == MetricType.COUNTER ? TYPE_COUNTER :
            type == MetricType.GAUGE ? TYPE_GAUGE : TYPE_HISTOGRAM);
        buffer.putLong(record + RECLAIMED_AT_OFFSET, 0L);
        if (type == MetricType.HISTOGRAM)
        {
            final int area = record + HISTOGRAM_AREA_OFFSET;
            if (histogram != null)
            {
                histogram.mirrorTo(buffer, area);
            }
            else
            {
                writeEmptyHistogram(buffer, area, spec);
            }
            if (spec.bucketCount() - 1 > MAX_FINITE_BOUNDS)
            {
                flags |= FLAG_NO_BUCKETS;
            }
        }
        buffer.putInt(record + FLAGS_OFFSET, flags);
        buffer.putLongRelease(record + STATE_OFFSET, stateWord(generation(oldState) + 1, STATE_ALLOCATED));
    }

    /**
     * Writes an empty histogram area (bounds, zero counts) under its sequence lock.
     *
     * @param buffer the file.
     * @param area   offset of the area.
     * @param spec   the histogram's shape.
     */
    public static void writeEmptyHistogram(final UnsafeBuffer buffer, final int area, final HistogramSpec spec)
    {
        final double[] bounds = spec.bucketBounds();
        final int n = bounds.length <= MAX_FINITE_BOUNDS ? bounds.length : 0;
        final long sequence = beginHistogramWrite(buffer, area);
        buffer.putLong(area + H_COUNT, 0L);
        buffer.putLong(area + H_SUM, Double.doubleToRawLongBits(0.0));
        buffer.putInt(area + H_BOUNDS_COUNT, n);
        for (int i = 0; i < n; i++)
        {
            buffer.putLong(area + H_BOUNDS + 8 * i, Double.doubleToRawLongBits(bounds[i]));
        }
        for (int i = 0; i <= n; i++)
        {
            buffer.putLong(area + H_BOUNDS + 8 * (n + i), 0L);
        }
        endHistogramWrite(buffer, area, sequence);
    }

    /**
     * Opens a write of a histogram area: an odd sequence, release-stored, then a store-store fence so no value store
     * that follows becomes visible before it.
     *
     * @param buffer the file.
     * @param area   offset of the area.
     * @return the odd sequence, for {@link #endHistogramWrite}.
     */
    public static long beginHistogramWrite(final UnsafeBuffer buffer, final int area)
    {
        final long odd = (buffer.getLong(area + H_SEQUENCE) | 1L) + 2L; // from an even (or torn-free odd) value
        buffer.putLongRelease(area + H_SEQUENCE, odd);
        VarHandle.storeStoreFence();
        return odd;
    }

    /**
     * Closes a write of a histogram area: the next even sequence, release-stored after the values.
     *
     * @param buffer   the file.
     * @param area     offset of the area.
     * @param sequence what {@link #beginHistogramWrite} returned.
     */
    public static void endHistogramWrite(final UnsafeBuffer buffer, final int area, final long sequence)
    {
        buffer.putLongRelease(area + H_SEQUENCE, sequence + 1);
    }

    private int writeKey(final int record, final String metricName, final String[] labels)
    {
        int at = record + KEY_OFFSET;
        final int end = at + KEY_CAPACITY;
        int flags = 0;
        byte[] name = metricName.getBytes(StandardCharsets.UTF_8);
        if (name.length > KEY_CAPACITY - 2)
        {
            name = java.util.Arrays.copyOf(name, KEY_CAPACITY - 2); // names are ASCII ([a-zA-Z_:][a-zA-Z0-9_:]*)
            flags |= FLAG_KEY_TRUNCATED;
        }
        at = putString(at, name);
        int pairs = 0;
        for (int i = 0; i + 1 < labels.length; i += 2)
        {
            final byte[] k = labels[i].getBytes(StandardCharsets.UTF_8);
            final byte[] v = labels[i + 1].getBytes(StandardCharsets.UTF_8);
            if (at + 4 + k.length + v.length > end)
            {
                flags |= FLAG_KEY_TRUNCATED;
                break;
            }
            at = putString(putString(at, k), v);
            pairs++;
        }
        buffer.putInt(record + KEY_LENGTH_OFFSET, at - record - KEY_OFFSET);
        buffer.putInt(record + LABEL_PAIRS_OFFSET, pairs);
        return flags;
    }

    private int putString(final int at, final byte[] bytes)
    {
        buffer.putShort(at, (short)bytes.length);
        buffer.putBytes(at + 2, bytes);
        return at + 2 + bytes.length;
    }

    /**
     * Marks the slot's record reclaimed, before the writer zeroes its value. Writer thread.
     *
     * @param slot      the slot being freed.
     * @param nowMillis wall-clock time.
     */
    public void reclaim(final int slot, final long nowMillis)
    {
        final int record = record(slot);
        buffer.putLong(record + RECLAIMED_AT_OFFSET, nowMillis);
        reclaimRecord(record, buffer.getLong(record + STATE_OFFSET));
        published[slot] = null;
    }

    private void reclaimRecord(final int record, final long state)
    {
        buffer.putLongRelease(record + STATE_OFFSET, stateWord(generation(state), STATE_RECLAIMED));
        VarHandle.storeStoreFence(); // nothing written after (zeroed value, new key) is visible before the state
    }

    /**
     * Keeps a freed slot from the allocator until the reuse timeout has passed. Writer thread.
     *
     * @param nextId    the slot with its next generation, for {@link SlotAllocator#release(int)}.
     * @param announced whether a removal announced it ({@link SlotAllocator#releasing()}), so
     *                  {@link SlotAllocator#released()} follows the release.
     * @param nowNanos  monotonic time.
     */
    public void deferRelease(final int nextId, final boolean announced, final long nowNanos)
    {
        pendingIds.addLong((nextId & 0xFFFF_FFFFL) | (announced ? 1L << 32 : 0L));
        pendingDeadlines.addLong(nowNanos + reuseTimeoutNanos);
    }

    /**
     * Gives back to the allocator every freed slot whose reuse timeout has passed. Writer thread.
     *
     * @param nowNanos monotonic time.
     * @param slots    the allocator.
     * @return slots given back.
     */
    public int releaseDue(final long nowNanos, final SlotAllocator slots)
    {
        int released = 0;
        while (!pendingDeadlines.isEmpty() && nowNanos - pendingDeadlines.peekLong() >= 0)
        {
            pendingDeadlines.pollLong();
            final long entry = pendingIds.pollLong();
            slots.release((int)entry);
            if ((entry >>> 32) != 0)
            {
                slots.released();
            }
            released++;
        }
        return released;
    }

    /** @return freed slots waiting for their reuse timeout. */
    public int pendingReuse()
    {
        return pendingIds.size();
    }

    /**
     * Updates the heartbeat (release store). Writer thread.
     *
     * @param nowMillis wall-clock time.
     */
    public void heartbeat(final long nowMillis)
    {
        if (!closed)
        {
            buffer.putLongRelease(HEARTBEAT_OFFSET, nowMillis);
        }
    }

    /**
     * Marks the file closed cleanly, unmaps it and, if configured, deletes it. Idempotent; writer thread, after its
     * last store.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        heartbeat(System.currentTimeMillis());
        buffer.putIntRelease(STATUS_OFFSET, STATUS_CLOSED);
        closed = true;
        buffer.wrap(new byte[0]);
        values.wrap(new byte[0]);
        if (path == null)
        {
            return; // in memory
        }
        IoUtil.unmap(mapped);
        if (deleteOnClose)
        {
            try
            {
                Files.deleteIfExists(path);
            }
            catch (final IOException ex)
            {
                LOGGER.log(System.Logger.Level.WARNING, "could not delete the metrics store file " + path + ": " + ex);
            }
        }
    }
}
