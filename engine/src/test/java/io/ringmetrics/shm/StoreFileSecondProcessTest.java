package io.ringmetrics.shm;

import io.ringmetrics.MetricsEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real second JVM ({@link StoreWritingChild}) writes its store file; this process reads it while the child runs,
 * then after {@code kill -9}.
 */
class StoreFileSecondProcessTest
{
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anotherProcessReadsLiveValuesAndTheLastValuesAfterKill9(@TempDir final Path dir) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StoreWritingChild.class.getName());
        command.add(dir.toString());
        final Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try
        {
            final BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8));
            final PrintStream in = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
            final String first = out.readLine();
            assertNotNull(first, "the child printed nothing");
            assertTrue(first.startsWith("file "), first);
            final Path file = Path.of(first.substring(5));
            assertEquals(dir.resolve("ringmetrics-" + child.pid() + ".dat"), file);

            try (StoreReader reader = StoreReader.open(file))
            {
                final StoreHeader header = reader.header();
                assertEquals(child.pid(), header.pid());
                assertTrue(header.writerAlive(System.currentTimeMillis(), 2_000), "heartbeat of the running child");

                // live: the background counter increases between reads
                long previous = -1;
                for (int i = 0; i < 3; i++)
                {
                    final long ticks = waitForIncrease(reader, "child_ticks_total", previous);
                    assertTrue(ticks > previous, ticks + " after " + previous);
                    previous = ticks;
                }

                // exact after the child's flush
                in.println("step 1000");
                assertEquals("done", out.readLine());
                assertExact(reader, 1000, 1000);
                in.println("step 500");
                assertEquals("done", out.readLine());
                assertExact(reader, 1500, 500);

                in.println("quiesce");
                final String quiet = out.readLine();
                assertTrue(quiet != null && quiet.startsWith("quiet "), quiet);
                final long applied = Long.parseLong(quiet.substring(6));
                assertEquals(applied, find(reader.readSeries(), "child_ticks_total").count());

                // kill -9: the file stays with what the child had applied
                child.destroyForcibly(); // SIGKILL on Unix
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "killed by SIGKILL");
                assertTrue(Files.exists(file), "a crashed process leaves its file");
                final StoreHeader after = reader.header();
                assertFalse(after.closedCleanly());
                assertFalse(after.processAlive());
                assertFalse(after.writerAlive(System.currentTimeMillis(), 2_000));
                assertExact(reader, 1500, 500);
                assertEquals(applied, find(reader.readSeries(), "child_ticks_total").count());
            }
            try (StoreReader reopened = StoreReader.open(file)) // a fresh reader of the dead process's file
            {
                assertExact(reopened, 1500, 500);
            }

            // the next engine started in that directory removes the dead process's file
            try (MetricsEngine engine = MetricsEngine.start(io.ringmetrics.EngineConfig.builder().shmDirectory(dir)
                .build()))
            {
                assertFalse(Files.exists(file), "stale file of a dead process removed at start");
                assertTrue(Files.exists(engine.storeFile()));
            }
        }
        finally
        {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static long waitForIncrease(final StoreReader reader, final String name, final long previous)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            final SeriesReading series = findOrNull(reader.readSeries(), name);
            if (series != null && series.count() > previous)
            {
                return series.count();
            }
            Thread.sleep(20);
        }
        return previous;
    }

    private static void assertExact(final StoreReader reader, final long requests, final long lastStep)
    {
        final List<SeriesReading> series = reader.readSeries();
        final SeriesReading counter = find(series, "child_requests_total");
        assertEquals("counter", counter.type());
        assertEquals(List.of("method", "GET"), counter.labels());
        assertEquals(requests, counter.count());
        assertEquals((double)requests, counter.value());
        final SeriesReading histogram = find(series, "child_latency_seconds");
        assertEquals(requests, histogram.count());
        assertEquals(requests * 0.003, histogram.value(), 1e-9);
        assertArrayEquals(new double[] { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0 },
            histogram.bucketBounds());
        final long[] buckets = new long[12];
        buckets[0] = requests; // 0.003 <= 0.005
        assertArrayEquals(buckets, histogram.bucketCounts());
        assertEquals((double)lastStep, find(series, "child_queue_depth").value());
    }

    static SeriesReading find(final List<SeriesReading> series, final String name)
    {
        final SeriesReading found = findOrNull(series, name);
        assertNotNull(found, name + " not in " + series);
        return found;
    }

    private static SeriesReading findOrNull(final List<SeriesReading> series, final String name)
    {
        for (final SeriesReading s : series)
        {
            if (s.name().equals(name))
            {
                return s;
            }
        }
        return null;
    }
}
