package io.ringmetrics.shm;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.ringmetrics.shm.StoreFileDescriptor.*;

/**
 * Reads a ringmetrics store file ({@link StoreFileDescriptor}) written by an engine in this or another process,
 * running or dead, without any engine: {@link #header()} tells who wrote it and whether its writer is alive,
 * {@link #readSeries()} lists every allocated series with its values.
 * <pre>
 *   try (StoreReader reader = StoreReader.open(Path.of("/dev/shm/ringmetrics/ringmetrics-4242.dat")))
 *   {
 *       boolean alive = reader.header().writerAlive(System.currentTimeMillis(), 1000);
 *       for (SeriesReading series : reader.readSeries()) ...
 *   }
 * </pre>
 * <b>What a reader sees.</b> Each series is read as the writer left it at one instant: the record's state word is
 * read (acquire) before and after its key and value and the reading is kept only if both are equal, so a record
 * being published, reclaimed or given to another series is never reported half written or with another series'
 * value; values are 8-byte aligned 8-byte loads (acquire), never torn; a histogram is read under its sequence lock,
 * so its count equals the sum of its buckets. Different series are read at slightly different instants.
 * <p>
 * <b>Bad input.</b> Everything read from the file is bounds-checked; a missing, foreign, truncated or corrupt file,
 * or one of a newer layout, is a {@link StoreFileException} naming the file and the problem. The reader uses only
 * the JDK (a read-only mapping and {@link VarHandle} views), so it needs no JVM option.
 * <p>
 * <b>Threading.</b> One reader per thread; it never writes the file.
 */
public final class StoreReader implements AutoCloseable
{
    private static final VarHandle LONGS =
        MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INTS =
        MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final int RECORD_ATTEMPTS = 1000;
    private static final int HISTOGRAM_ATTEMPTS = 10_000;

    private final String name;
    private final ByteBuffer buffer;
    private final int capacity;
    private final int valuesOffset;
    private final int recordsOffset;

    private StoreReader(final String name, final ByteBuffer buffer)
    {
        this.name = name;
        this.buffer = buffer.duplicate().order(ByteOrder.nativeOrder());
        final StoreHeader header = header();
        this.capacity = header.capacity();
        this.valuesOffset = (int)this.buffer.getLong(VALUES_OFFSET_OFFSET);
        this.recordsOffset = (int)this.buffer.getLong(RECORDS_OFFSET_OFFSET);
    }

    /**
     * Maps a store file read-only and checks its header.
     *
     * @param file the file.
     * @return a reader.
     * @throws StoreFileException if the file is missing, unreadable, not a store file, truncated, corrupt or of a
     *                            newer layout.
     */
    public static StoreReader open(final Path file)
    {
        final long size;
        final MappedByteBuffer mapped;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            size = channel.size();
            if (size < HEADER_LENGTH)
            {
                throw new StoreFileException(file, "truncated: " + size + " bytes, a store file's header alone is " +
                    HEADER_LENGTH + " bytes");
            }
            if (size > Integer.MAX_VALUE)
            {
                throw new StoreFileException(file, "not a ringmetrics store file: " + size + " bytes, a store file" +
                    " is at most " + Integer.MAX_VALUE);
            }
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        catch (final NoSuchFileException ex)
        {
            throw new StoreFileException(file, "no such file (is METRICS_SHM_DIR the same for the service?)", ex);
        }
        catch (final AccessDeniedException ex)
        {
            throw new StoreFileException(file, "permission denied", ex);
        }
        catch (final IOException ex)
        {
            throw new StoreFileException(file, Files.isDirectory(file) ? "is a directory, not a store file" :
                "cannot be read: " + ex, ex);
        }
        return new StoreReader(file.toString(), mapped);
    }

    /**
     * Reads a store laid out in memory (tests, or a file mapped by the caller).
     *
     * @param buffer      the store's bytes, from position 0; a direct buffer, so 8-byte fields are aligned.
     * @param description how errors name it.
     * @return a reader.
     * @throws StoreFileException as {@link #open(Path)}.
     */
    public static StoreReader wrap(final ByteBuffer buffer, final String description)
    {
        if (!buffer.isDirect())
        {
            throw new IllegalArgumentException("a store is read from a direct buffer (aligned 8-byte loads)");
        }
        if (buffer.capacity() < HEADER_LENGTH)
        {
            throw new StoreFileException(description, "truncated: " + buffer.capacity() + " bytes, a store file's " +
                "header alone is " + HEADER_LENGTH + " bytes");
        }
        return new StoreReader(description, buffer);
    }

    /** @return how errors name the file. */
    public String name()
    {
        return name;
    }

    /**
     * Reads and checks the header; the heartbeat and status are read fresh on every call.
     *
     * @return the header.
     * @throws StoreFileException if it is not a valid header of a layout this reader knows.
     */
    public StoreHeader header()
    {
        try
        {
            final long magic = (long)LONGS.getAcquire(buffer, MAGIC_OFFSET);
            if (magic != MAGIC)
            {
                throw new StoreFileException(name, magic == 0 ? "not a ringmetrics store file, or its header is not" +
                    " written yet (no magic number)" : magic == Long.reverseBytes(MAGIC) ? "written on a machine" +
                    " of the other byte order" : "not a ringmetrics store file (magic number 0x" +
                    Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC) + ")");
            }
            final int version = buffer.getInt(VERSION_OFFSET);
            if (version > LAYOUT_VERSION)
            {
                throw new StoreFileException(name, "layout version " + version + " is newer than this reader's (" +
                    LAYOUT_VERSION + "): read it with the ringmetrics-stat of the service's ringmetrics version");
            }
            check(version >= 1, "layout version " + version + " is not valid (1.." + LAYOUT_VERSION + ")");
            check(buffer.getInt(HEADER_LENGTH_OFFSET) == HEADER_LENGTH,
                "header length " + buffer.getInt(HEADER_LENGTH_OFFSET) + ", expected " + HEADER_LENGTH);
            final int capacity = buffer.getInt(CAPACITY_OFFSET);
            check(capacity >= 1 && capacity <= MAX_CAPACITY, "slot capacity " + capacity + " is not 1.." +
                MAX_CAPACITY);
            final int recordLength = buffer.getInt(RECORD_LENGTH_OFFSET);
            check(recordLength == RECORD_LENGTH, "record length " + recordLength + ", expected " + RECORD_LENGTH);
            final long fileLength = buffer.getLong(FILE_LENGTH_OFFSET);
            final long valuesOffset = buffer.getLong(VALUES_OFFSET_OFFSET);
            final long recordsOffset = buffer.getLong(RECORDS_OFFSET_OFFSET);
            check(valuesOffset >= HEADER_LENGTH && valuesOffset % Long.BYTES == 0 &&
                valuesOffset + (long)capacity * Long.BYTES <= recordsOffset && recordsOffset % Long.BYTES == 0 &&
                recordsOffset + (long)capacity * RECORD_LENGTH <= fileLength,
                "regions out of bounds (values at " + valuesOffset + ", records at " + recordsOffset + " for " +
                    capacity + " slots, file length " + fileLength + ")");
            if (fileLength > buffer.capacity())
            {
                throw new StoreFileException(name, "truncated: " + buffer.capacity() + " bytes, its header says " +
                    fileLength);
            }
            final int status = (int)INTS.getAcquire(buffer, STATUS_OFFSET);
            check(status == STATUS_RUNNING || status == STATUS_CLOSED, "status " + status + " is not 1 (running) or" +
                " 2 (closed)");
            return new StoreHeader(name, version, buffer.getLong(PID_OFFSET), buffer.getLong(START_TIME_OFFSET),
                (long)LONGS.getAcquire(buffer, HEARTBEAT_OFFSET), capacity, status == STATUS_CLOSED,
                buffer.getInt(REUSE_TIMEOUT_OFFSET));
        }
        catch (final InternalError ex) // the file shrank under the mapping (SIGBUS turned into an error by the JDK)
        {
            throw new StoreFileException(name, "truncated while mapped: " + ex.getMessage());
        }
    }

    private void check(final boolean ok, final String problem)
    {
        if (!ok)
        {
            throw new StoreFileException(name, "corrupt header: " + problem);
        }
    }

    /**
     * Reads every allocated series, in slot order.
     *
     * @return the series.
     * @throws StoreFileException if a record is corrupt (the message names the record).
     */
    public List<SeriesReading> readSeries()
    {
        final List<SeriesReading> series = new ArrayList<>();
        try
        {
            for (int slot = 0; slot < capacity; slot++)
            {
                final SeriesReading reading = readSeries(slot);
                if (reading != null)
                {
                    series.add(reading);
                }
            }
        }
        catch (final InternalError ex)
        {
            throw new StoreFileException(name, "truncated while mapped: " + ex.getMessage());
        }
        return series;
    }

    /**
     * Reads one record.
     *
     * @param slot record index, {@code 0 <= slot < capacity}.
     * @return the series, or {@code null} if the record is free or reclaimed (or kept changing for
     *         1000 attempts).
     * @throws StoreFileException if the record is corrupt.
     */
    public SeriesReading readSeries(final int slot)
    {
        java.util.Objects.checkIndex(slot, capacity);
        final int record = recordsOffset + slot * RECORD_LENGTH;
        byte[] key = null; // only for allocated records: a listing reads every record, most of them free
        for (int attempt = 0; attempt < RECORD_ATTEMPTS; attempt++)
        {
            final long before = (long)LONGS.getAcquire(buffer, record + STATE_OFFSET);
            final int state = state(before);
            if (state != STATE_ALLOCATED)
            {
                if (state != STATE_FREE && state != STATE_RECLAIMED)
                {
                    throw corrupt(slot, "state " + state + " is not 0 (free), 1 (allocated) or 2 (reclaimed)");
                }
                return null;
            }
            final int type = buffer.getInt(record + TYPE_OFFSET);
            final int flags = buffer.getInt(record + FLAGS_OFFSET);
            final int keyLength = buffer.getInt(record + KEY_LENGTH_OFFSET);
            final int pairs = buffer.getInt(record + LABEL_PAIRS_OFFSET);
            if (key == null)
            {
                key = new byte[KEY_CAPACITY];
            }
            buffer.get(record + KEY_OFFSET, key, 0, KEY_CAPACITY);
            long raw = 0;
            HistogramValues histogram = null;
            if (type == TYPE_HISTOGRAM)
            {
                histogram = readHistogram(record + HISTOGRAM_AREA_OFFSET);
            }
            else
            {
                raw = (long)LONGS.getAcquire(buffer, valuesOffset + slot * Long.BYTES);
            }
            VarHandle.acquireFence(); // the loads above before the state is read again
            final long after = (long)LONGS.getAcquire(buffer, record + STATE_OFFSET);
            if (after != before)
            {
                continue; // the record changed while read: read it again
            }
            return decode(slot, generation(before), type, flags, keyLength, pairs, key, raw, histogram);
        }
        return null;
    }

    private record HistogramValues(long count, double sum, int bounds, double[] boundValues, long[] counts)
    {
    }

    private HistogramValues readHistogram(final int area)
    {
        for (int attempt = 0; ; attempt++)
        {
            final long before = (long)LONGS.getAcquire(buffer, area + H_SEQUENCE);
            final boolean writing = (before & 1) != 0;
            if (writing && attempt < HISTOGRAM_ATTEMPTS)
            {
                Thread.onSpinWait();
                continue;
            }
            final long count = buffer.getLong(area + H_COUNT);
            final double sum = Double.longBitsToDouble(buffer.getLong(area + H_SUM));
            final int n = buffer.getInt(area + H_BOUNDS_COUNT);
            double[] bounds = null;
            long[] counts = null;
            if (n >= 0 && n <= MAX_FINITE_BOUNDS)
            {
                bounds = new double[n];
                counts = new long[n + 1];
                for (int i = 0; i < n; i++)
                {
                    bounds[i] = Double.longBitsToDouble(buffer.getLong(area + H_BOUNDS + 8 * i));
                }
                for (int i = 0; i <= n; i++)
                {
                    counts[i] = buffer.getLong(area + H_BOUNDS + 8 * (n + i));
                }
            }
            VarHandle.acquireFence();
            final long after = (long)LONGS.getAcquire(buffer, area + H_SEQUENCE);
            if (after == before && (!writing || attempt >= HISTOGRAM_ATTEMPTS))
            {
                // an odd sequence that never changes: the writer died inside an update; report what it left
                return new HistogramValues(count, sum, n, bounds, counts);
            }
        }
    }

    private SeriesReading decode(
        final int slot, final int generation, final int type, final int flags, final int keyLength, final int pairs,
        final byte[] key, final long raw, final HistogramValues histogram)
    {
        final String typeName = type == TYPE_COUNTER ? "counter" : type == TYPE_GAUGE ? "gauge" :
            type == TYPE_HISTOGRAM ? "histogram" : null;
        if (typeName == null)
        {
            throw corrupt(slot, "type " + type + " is not 1 (counter), 2 (gauge) or 3 (histogram)");
        }
        if (keyLength < 2 || keyLength > KEY_CAPACITY)
        {
            throw corrupt(slot, "key length " + keyLength + " is not 2.." + KEY_CAPACITY);
        }
        if (pairs < 0 || pairs > KEY_CAPACITY / 4)
        {
            throw corrupt(slot, "label pair count " + pairs + " is not 0.." + KEY_CAPACITY / 4);
        }
        final int[] at = { 0 };
        final String metric = string(slot, key, keyLength, at);
        final List<String> labels = new ArrayList<>(2 * pairs);
        for (int i = 0; i < 2 * pairs; i++)
        {
            labels.add(string(slot, key, keyLength, at));
        }
        if (at[0] != keyLength)
        {
            throw corrupt(slot, "key has " + (keyLength - at[0]) + " bytes after its " + pairs + " label pairs");
        }
        final boolean truncated = (flags & FLAG_KEY_TRUNCATED) != 0;
        if (histogram == null)
        {
            return new SeriesReading(slot, generation, typeName, metric, List.copyOf(labels), truncated,
                type == TYPE_COUNTER ? raw : Double.longBitsToDouble(raw), type == TYPE_COUNTER ? raw : 0,
                new double[0], new long[0]);
        }
        if (histogram.counts() == null)
        {
            throw corrupt(slot, "histogram bound count " + histogram.bounds() + " is not 0.." + MAX_FINITE_BOUNDS);
        }
        final double[] bounds = histogram.boundValues();
        for (int i = 1; i < bounds.length; i++)
        {
            if (!(bounds[i] > bounds[i - 1]))
            {
                throw corrupt(slot, "histogram bounds are not increasing: " + Arrays.toString(bounds));
            }
        }
        final long[] counts = (flags & FLAG_NO_BUCKETS) != 0 ? new long[] { histogram.count() } : histogram.counts();
        return new SeriesReading(slot, generation, typeName, metric, List.copyOf(labels), truncated,
            histogram.sum(), histogram.count(), (flags & FLAG_NO_BUCKETS) != 0 ? new double[0] : bounds, counts);
    }

    private String string(final int slot, final byte[] key, final int keyLength, final int[] at)
    {
        if (at[0] + 2 > keyLength)
        {
            throw corrupt(slot, "key ends inside a string length at byte " + at[0] + " of " + keyLength);
        }
        final int length = ByteBuffer.wrap(key, at[0], 2).order(ByteOrder.nativeOrder()).getShort() & 0xFFFF;
        if (at[0] + 2 + length > keyLength)
        {
            throw corrupt(slot, "a string of " + length + " bytes at byte " + at[0] + " runs past the key's " +
                keyLength + " bytes");
        }
        final String s = new String(key, at[0] + 2, length, StandardCharsets.UTF_8);
        at[0] += 2 + length;
        return s;
    }

    private StoreFileException corrupt(final int slot, final String problem)
    {
        return new StoreFileException(name, "corrupt record " + slot + ": " + problem);
    }

    /** Releases the mapping when the buffer is collected (a read-only mapping has nothing to flush). */
    @Override
    public void close()
    {
        // MappedByteBuffer has no public unmap; the mapping goes with the buffer. Nothing is held open.
    }
}
