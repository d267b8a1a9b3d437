package io.ringmetrics.shm;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.store.HistogramSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import static io.ringmetrics.shm.StoreFileSecondProcessTest.find;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's store file read back in the same process: contents, reclamation and reuse, close, stale files. */
class StoreFileEngineTest
{
    private static EngineConfig.Builder config(final Path dir)
    {
        return EngineConfig.builder().shmDirectory(dir);
    }

    @Test
    void offByDefault()
    {
        assertNull(EngineConfig.DEFAULTS.shmDirectory());
        try (MetricsEngine engine = MetricsEngine.start(EngineConfig.DEFAULTS))
        {
            assertNull(engine.storeFile());
        }
    }

    @Test
    void everySeriesIsInTheFileAfterAFlush(@TempDir final Path dir)
    {
        try (MetricsEngine engine = MetricsEngine.start(config(dir).build()))
        {
            engine.counter("requests_total", "method", "GET", "code", "200").increment(7);
            engine.gauge("temperature_celsius").set(-3.5);
            final var latency = engine.histogram("latency_seconds", "path", "/a");
            latency.observe(0.002);
            latency.observe(0.2);
            latency.observe(20);
            engine.histogram("idle_seconds"); // registered, never observed
            engine.flush();
            try (StoreReader reader = StoreReader.open(engine.storeFile()))
            {
                final StoreHeader header = reader.header();
                assertEquals(ProcessHandle.current().pid(), header.pid());
                assertTrue(header.writerAlive(System.currentTimeMillis(), 2_000));
                assertFalse(header.closedCleanly());
                final List<SeriesReading> series = reader.readSeries();
                final SeriesReading counter = find(series, "requests_total");
                assertEquals(List.of("code", "200", "method", "GET"), counter.labels()); // canonical order
                assertEquals(7, counter.count());
                assertEquals("requests_total{code=\"200\",method=\"GET\"}", counter.seriesName());
                assertEquals(-3.5, find(series, "temperature_celsius").value());
                final SeriesReading histogram = find(series, "latency_seconds");
                assertEquals(3, histogram.count());
                assertEquals(20.202, histogram.value(), 1e-12);
                assertArrayEquals(new long[] { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 }, histogram.bucketCounts());
                final SeriesReading idle = find(series, "idle_seconds");
                assertEquals(0, idle.count());
                assertEquals(12, idle.bucketCounts().length);
            }
        }
    }

    @Test
    void aRemovedSeriesDisappearsAndItsSlotIsReusedOnlyAfterTheTimeoutWithTheNextGeneration(@TempDir final Path dir)
        throws Exception
    {
        try (MetricsEngine engine = MetricsEngine.start(config(dir).shmReuseTimeout(Duration.ofMillis(300)).build()))
        {
            engine.counter("old_total").increment(5);
            engine.flush();
            try (StoreReader reader = StoreReader.open(engine.storeFile()))
            {
                final SeriesReading old = find(reader.readSeries(), "old_total");
                engine.remove("old_total", MetricType.COUNTER);
                engine.flush();
                assertNull(reader.readSeries(old.slot()), "a reclaimed record is not listed");
                final long removedAt = System.nanoTime();
                engine.counter("early_total").increment();
                engine.flush();
                final SeriesReading early = find(reader.readSeries(), "early_total");
                if (System.nanoTime() - removedAt < Duration.ofMillis(300).toNanos())
                {
                    assertTrue(early.slot() != old.slot(), "slot reused before the timeout");
                }
                Thread.sleep(400); // past the timeout; housekeeping (10 ms) gives the slot back
                engine.flush();
                engine.counter("new_total").increment(2);
                engine.flush();
                final SeriesReading reused = find(reader.readSeries(), "new_total");
                assertEquals(old.slot(), reused.slot());
                assertEquals(old.generation() + 1, reused.generation());
                assertEquals(2, reused.count(), "the old series' value was zeroed");
            }
        }
    }

    @Test
    void histogramsWithMoreBoundsThanTheRecordHoldsKeepCountAndSum(@TempDir final Path dir)
    {
        final double[] bounds = new double[StoreFileDescriptor.MAX_FINITE_BOUNDS + 1];
        for (int i = 0; i < bounds.length; i++)
        {
            bounds[i] = i + 1;
        }
        try (MetricsEngine engine = MetricsEngine.start(config(dir).build()))
        {
            final var wide = engine.histogram("wide", "help", HistogramSpec.secondsWithBuckets(bounds), new String[0]);
            wide.observe(3);
            wide.observe(100);
            engine.flush();
            try (StoreReader reader = StoreReader.open(engine.storeFile()))
            {
                final SeriesReading series = find(reader.readSeries(), "wide");
                assertEquals(2, series.count());
                assertEquals(103.0, series.value());
                assertEquals(0, series.bucketBounds().length);
                assertArrayEquals(new long[] { 2 }, series.bucketCounts());
            }
        }
    }

    @Test
    void labelsBeyondTheKeyAreaAreLeftOutAndFlagged(@TempDir final Path dir)
    {
        final String v = "x".repeat(200);
        try (MetricsEngine engine = MetricsEngine.start(config(dir).build()))
        {
            engine.counter("long_labels_total", "a", v, "b", v, "c", v).increment();
            engine.flush();
            try (StoreReader reader = StoreReader.open(engine.storeFile()))
            {
                final SeriesReading series = find(reader.readSeries(), "long_labels_total");
                assertTrue(series.keyTruncated());
                assertEquals(List.of("a", v, "b", v), series.labels());
                assertEquals(1, series.count());
            }
        }
    }

    @Test
    void aCleanCloseDeletesTheFileOrMarksItClosed(@TempDir final Path dir)
    {
        final Path deleted;
        try (MetricsEngine engine = MetricsEngine.start(config(dir).build()))
        {
            deleted = engine.storeFile();
            assertTrue(Files.exists(deleted));
        }
        assertFalse(Files.exists(deleted));

        final Path kept;
        try (MetricsEngine engine = MetricsEngine.start(config(dir).shmDeleteOnClose(false).build()))
        {
            kept = engine.storeFile();
            engine.counter("kept_total").increment(3);
        }
        try (StoreReader reader = StoreReader.open(kept))
        {
            assertTrue(reader.header().closedCleanly());
            assertFalse(reader.header().writerAlive(System.currentTimeMillis(), 60_000));
            assertEquals(3, find(reader.readSeries(), "kept_total").count(), "everything applied before close");
        }
    }

    @Test
    void twoEnginesOfOneProcessGetTwoFiles(@TempDir final Path dir)
    {
        try (MetricsEngine a = MetricsEngine.start(config(dir).build());
             MetricsEngine b = MetricsEngine.start(config(dir).build()))
        {
            assertEquals("ringmetrics-" + ProcessHandle.current().pid() + ".dat", a.storeFile().getFileName().toString());
            assertEquals("ringmetrics-" + ProcessHandle.current().pid() + "-2.dat",
                b.storeFile().getFileName().toString());
        }
    }

    @Test
    void startRemovesFilesOfDeadProcessesOnly(@TempDir final Path dir) throws Exception
    {
        final Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, gone.waitFor());
        final Path kept;
        try (MetricsEngine engine = MetricsEngine.start(config(dir).shmDeleteOnClose(false).build()))
        {
            kept = engine.storeFile();
        }
        final Path dead = dir.resolve("ringmetrics-" + gone.pid() + ".dat");
        Files.copy(kept, dead);
        patchLong(dead, StoreFileDescriptor.PID_OFFSET, gone.pid());
        final Path foreign = dir.resolve("ringmetrics-notes.dat");
        Files.writeString(foreign, "not a store file, left alone ".repeat(10));
        try (MetricsEngine engine = MetricsEngine.start(config(dir).build()))
        {
            assertFalse(Files.exists(dead), "file of a dead process");
            assertTrue(Files.exists(kept), "file of this (live) process, closed cleanly");
            assertTrue(Files.exists(foreign), "not a store file");
        }
    }

    @Test
    void aDirectoryThatCannotBeCreatedStopsTheStartWithOneLine(@TempDir final Path dir) throws IOException
    {
        final Path file = Files.writeString(dir.resolve("plain-file"), "x");
        final var ex = org.junit.jupiter.api.Assertions.assertThrows(io.ringmetrics.error.ConfigurationException.class,
            () -> MetricsEngine.start(config(file.resolve("sub")).build()));
        assertTrue(ex.getMessage().contains("METRICS_SHM_DIR=" + file.resolve("sub")), ex.getMessage());
    }

    @Test
    void handlesKeepWorkingWithTheFile(@TempDir final Path dir)
    {
        try (MetricsEngine engine = MetricsEngine.start(config(dir).build()))
        {
            final Counter c = engine.counter("c_total");
            for (int i = 0; i < 100_000; i++)
            {
                c.increment();
            }
            assertEquals(100_000, engine.snapshot().stats().applied());
        }
    }

    @Test
    void theVariablesSetTheEngineConfigAndBadValuesAreNamed(@TempDir final Path dir)
    {
        final EngineConfig config = io.ringmetrics.config.EnvironmentConfig.from(java.util.Map.of(
            "METRICS_SHM_DIR", dir.toString(), "METRICS_SHM_DELETE_ON_CLOSE", "false",
            "METRICS_SHM_REUSE_TIMEOUT_MS", "250")).engine();
        assertEquals(dir, config.shmDirectory());
        assertFalse(config.shmDeleteOnClose());
        assertEquals(Duration.ofMillis(250), config.shmReuseTimeout());
        final var ex = org.junit.jupiter.api.Assertions.assertThrows(io.ringmetrics.error.ConfigurationException.class,
            () -> io.ringmetrics.config.EnvironmentConfig.from(java.util.Map.of("METRICS_SHM_REUSE_TIMEOUT_MS", "0",
                "METRICS_SHM_DELETE_ON_CLOSE", "maybe")));
        assertTrue(ex.getMessage().contains("METRICS_SHM_REUSE_TIMEOUT_MS='0' is invalid; allowed: a whole number " +
            "from 1 to 600000"), ex.getMessage());
        assertTrue(ex.getMessage().contains("METRICS_SHM_DELETE_ON_CLOSE='maybe' is invalid"), ex.getMessage());
    }

    static void patchLong(final Path file, final long offset, final long value) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, value), offset);
        }
    }

    static void patchInt(final Path file, final long offset, final int value) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value), offset);
        }
    }
}
