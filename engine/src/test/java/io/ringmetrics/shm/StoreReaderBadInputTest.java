package io.ringmetrics.shm;

import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.ringmetrics.shm.StoreFileEngineTest.patchInt;
import static io.ringmetrics.shm.StoreFileEngineTest.patchLong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad file gives one {@link StoreFileException} naming the file and the problem, never a crash. */
class StoreReaderBadInputTest
{
    @TempDir
    Path dir;
    private Path good;
    private int slot;
    private long record;

    @BeforeEach
    void writeAGoodFile()
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineConfig.builder().shmDirectory(dir)
            .shmDeleteOnClose(false).build()))
        {
            engine.counter("good_total", "k", "v").increment(4);
            engine.histogram("good_seconds").observe(1);
            good = engine.storeFile();
        }
        try (StoreReader reader = StoreReader.open(good))
        {
            slot = StoreFileSecondProcessTest.find(reader.readSeries(), "good_total").slot();
        }
        record = StoreFileDescriptor.recordsOffset(readHeader().capacity()) +
            (long)slot * StoreFileDescriptor.RECORD_LENGTH;
    }

    private StoreHeader readHeader()
    {
        try (StoreReader reader = StoreReader.open(good))
        {
            return reader.header();
        }
    }

    private void assertRefused(final Path file, final String problem)
    {
        final StoreFileException ex = assertThrows(StoreFileException.class, () ->
        {
            try (StoreReader reader = StoreReader.open(file))
            {
                reader.readSeries();
            }
        });
        assertTrue(ex.getMessage().startsWith(file + ": "), ex.getMessage());
        assertTrue(ex.getMessage().contains(problem), ex.getMessage());
        assertEquals(1, ex.getMessage().lines().count(), ex.getMessage());
    }

    @Test
    void theGoodFileReads()
    {
        try (StoreReader reader = StoreReader.open(good))
        {
            assertEquals(2, reader.readSeries().size());
        }
    }

    @Test
    void missing()
    {
        assertRefused(dir.resolve("ringmetrics-1.dat"), "no such file");
    }

    @Test
    void aDirectory()
    {
        assertRefused(dir, "is a directory");
    }

    @Test
    void empty() throws IOException
    {
        assertRefused(Files.write(dir.resolve("empty.dat"), new byte[0]), "truncated: 0 bytes");
    }

    @Test
    void foreign() throws IOException
    {
        assertRefused(Files.writeString(dir.resolve("foreign.dat"), "GIF89a and more ".repeat(20)),
            "not a ringmetrics store file (magic number");
        assertRefused(Files.write(dir.resolve("zeros.dat"), new byte[8192]), "no magic number");
    }

    @Test
    void otherByteOrder() throws IOException
    {
        patchLong(good, StoreFileDescriptor.MAGIC_OFFSET, Long.reverseBytes(StoreFileDescriptor.MAGIC));
        assertRefused(good, "other byte order");
    }

    @Test
    void newerLayout() throws IOException
    {
        patchInt(good, StoreFileDescriptor.VERSION_OFFSET, StoreFileDescriptor.LAYOUT_VERSION + 1);
        assertRefused(good, "layout version 2 is newer than this reader's (1)");
    }

    @Test
    void truncated() throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(good.toFile(), "rw"))
        {
            file.setLength(file.length() - 1);
        }
        assertRefused(good, "truncated: ");
        try (RandomAccessFile file = new RandomAccessFile(good.toFile(), "rw"))
        {
            file.setLength(100);
        }
        assertRefused(good, "truncated: 100 bytes");
    }

    @Test
    void corruptHeaderFields() throws IOException
    {
        patchInt(good, StoreFileDescriptor.CAPACITY_OFFSET, Integer.MAX_VALUE);
        assertRefused(good, "corrupt header: slot capacity");
        writeAGoodFile();
        patchLong(good, StoreFileDescriptor.RECORDS_OFFSET_OFFSET, Long.MAX_VALUE - 8);
        assertRefused(good, "corrupt header: regions out of bounds");
        writeAGoodFile();
        patchInt(good, StoreFileDescriptor.RECORD_LENGTH_OFFSET, 7);
        assertRefused(good, "corrupt header: record length 7");
        writeAGoodFile();
        patchInt(good, StoreFileDescriptor.STATUS_OFFSET, 9);
        assertRefused(good, "corrupt header: status 9");
    }

    @Test
    void corruptRecords() throws IOException
    {
        for (final Object[] c : List.<Object[]>of(
            new Object[] { StoreFileDescriptor.STATE_OFFSET, 7, "state 7" },
            new Object[] { StoreFileDescriptor.TYPE_OFFSET, 9, "type 9" },
            new Object[] { StoreFileDescriptor.KEY_LENGTH_OFFSET, 100_000, "key length 100000" },
            new Object[] { StoreFileDescriptor.KEY_LENGTH_OFFSET, 1, "key length 1" },
            new Object[] { StoreFileDescriptor.LABEL_PAIRS_OFFSET, -1, "label pair count -1" },
            new Object[] { StoreFileDescriptor.LABEL_PAIRS_OFFSET, 2, "key ends inside a string length" },
            new Object[] { StoreFileDescriptor.LABEL_PAIRS_OFFSET, 0, "key has 6 bytes after its 0 label pairs" },
            new Object[] { StoreFileDescriptor.KEY_OFFSET, 0x7FFF, "a string of 32767 bytes" }))
        {
            writeAGoodFile();
            final int offset = (Integer)c[0];
            if (offset == StoreFileDescriptor.KEY_OFFSET)
            {
                try (var ch = java.nio.channels.FileChannel.open(good, java.nio.file.StandardOpenOption.WRITE))
                {
                    ch.write(java.nio.ByteBuffer.allocate(2).order(java.nio.ByteOrder.nativeOrder())
                        .putShort(0, (short)0x7FFF), record + offset);
                }
            }
            else
            {
                patchInt(good, record + offset, (Integer)c[1]);
            }
            assertRefused(good, "corrupt record " + slot + ": " + c[2]);
        }
    }

    @Test
    void corruptHistogramArea() throws IOException
    {
        final int histogramSlot;
        try (StoreReader reader = StoreReader.open(good))
        {
            histogramSlot = StoreFileSecondProcessTest.find(reader.readSeries(), "good_seconds").slot();
        }
        final long area = StoreFileDescriptor.recordsOffset(readHeader().capacity()) +
            (long)histogramSlot * StoreFileDescriptor.RECORD_LENGTH + StoreFileDescriptor.HISTOGRAM_AREA_OFFSET;
        patchInt(good, area + StoreFileDescriptor.H_BOUNDS_COUNT, 1000);
        assertRefused(good, "corrupt record " + histogramSlot + ": histogram bound count 1000");
        writeAGoodFile();
        patchLong(good, (int)(area + StoreFileDescriptor.H_BOUNDS + 8), Double.doubleToRawLongBits(-1.0));
        assertRefused(good, "histogram bounds are not increasing");
    }
}
