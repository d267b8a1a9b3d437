package io.ringmetrics.stat;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RingmetricsStat} run in this JVM against the store file of an engine of this JVM. */
class RingmetricsStatTest
{
    private record Result(int status, String out, String err)
    {
    }

    private static Result run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = RingmetricsStat.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listsEverySeriesWithItsValuesAndTheWriterState(@TempDir final Path dir)
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineConfig.builder().shmDirectory(dir).build()))
        {
            engine.counter("requests_total", "method", "GET").increment(42);
            engine.gauge("queue_depth").set(2.5);
            engine.histogram("latency_seconds").observe(0.02);
            engine.flush();
            final Result r = run("--once", dir.toString());
            assertEquals(0, r.status(), r.err());
            assertEquals("", r.err());
            assertTrue(r.out().contains(engine.storeFile() + " pid " + ProcessHandle.current().pid() +
                ", writer alive"), r.out());
            assertTrue(r.out().matches("(?s).*counter\\s+42  requests_total\\{method=\"GET\"}\n.*"), r.out());
            assertTrue(r.out().matches("(?s).*gauge\\s+2.5  queue_depth\n.*"), r.out());
            assertTrue(r.out().matches("(?s).*histogram\\s+1  latency_seconds\n\\s+sum=0.02 buckets le=0.005:0 " +
                "le=0.01:0 le=0.025:1 .* le=\\+Inf:0\n.*"), r.out());
        }
    }

    @Test
    void refreshesEveryIntervalWithLiveValues(@TempDir final Path dir) throws Exception
    {
        try (MetricsEngine engine = MetricsEngine.start(EngineConfig.builder().shmDirectory(dir).build()))
        {
            final Counter ticks = engine.counter("ticks_total");
            final Thread ticker = new Thread(() ->
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    ticks.increment();
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            });
            ticks.increment();
            engine.flush();
            ticker.start();
            final Result r;
            try
            {
                r = run("--interval", "100", "--count", "4", engine.storeFile().toString());
            }
            finally
            {
                ticker.interrupt();
                ticker.join();
            }
            assertEquals(0, r.status(), r.err());
            final Matcher m = Pattern.compile("counter\\s+(\\d+)  ticks_total\n").matcher(r.out());
            final List<Long> values = new ArrayList<>();
            while (m.find())
            {
                values.add(Long.parseLong(m.group(1)));
            }
            assertEquals(4, values.size(), r.out());
            for (int i = 1; i < values.size(); i++)
            {
                assertTrue(values.get(i) > values.get(i - 1), "increasing: " + values);
            }
        }
    }

    @Test
    void printsPrometheusTextOfTheFile(@TempDir final Path dir)
    {
        final Path file;
        try (MetricsEngine engine = MetricsEngine.start(EngineConfig.builder().shmDirectory(dir)
            .shmDeleteOnClose(false).build()))
        {
            engine.counter("requests_total", "method", "GET", "code", "200").increment(3);
            engine.gauge("queue_depth").set(-1);
            final var latency = engine.histogram("latency_seconds", "path", "/a");
            latency.observe(0.02);
            latency.observe(7);
            file = engine.storeFile();
        }
        final Result r = run("--prometheus", file.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("# TYPE latency_seconds histogram\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"0.005\"} 0\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"0.01\"} 0\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"0.025\"} 1\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"0.05\"} 1\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"0.1\"} 1\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"0.25\"} 1\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"0.5\"} 1\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"1.0\"} 1\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"2.5\"} 1\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"5.0\"} 1\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"10.0\"} 2\n" +
            "latency_seconds_bucket{path=\"/a\",le=\"+Inf\"} 2\n" +
            "latency_seconds_count{path=\"/a\"} 2\n" +
            "latency_seconds_sum{path=\"/a\"} 7.02\n" +
            "# TYPE queue_depth gauge\n" +
            "queue_depth -1.0\n" +
            "# TYPE requests_total counter\n" +
            "requests_total{code=\"200\",method=\"GET\"} 3.0\n", r.out()); // client_java sorts by name
        final Result listing = run("--once", file.toString());
        assertTrue(listing.out().contains("closed cleanly"), listing.out());
    }

    @Test
    void badArgumentsAndBadFilesGiveOneLineAndStatusTwo(@TempDir final Path dir) throws Exception
    {
        final Path foreign = Files.writeString(dir.resolve("foreign.dat"), "x".repeat(500));
        final String[][] cases = {
            { "no store file or directory given" },
            { "--interval", "0", dir.toString(), "--interval '0' is not a whole number >= 1" },
            { "--colour", dir.toString(), "unexpected argument '--colour'" },
            { dir.resolve("missing.dat").toString(), dir.resolve("missing.dat") + ": no such file" },
            { foreign.toString(), foreign + ": not a ringmetrics store file (magic number" },
            { dir.toString(), dir + ": no ringmetrics-*.dat store file in this directory" },
        };
        for (final String[] c : cases)
        {
            final Result r = run(java.util.Arrays.copyOf(c, c.length - 1));
            assertEquals(2, r.status(), String.join(" ", c));
            assertTrue(r.err().startsWith("ringmetrics-stat: "), r.err());
            assertTrue(r.err().contains(c[c.length - 1]), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertEquals("", r.out());
        }
    }
}
