package io.ringmetrics.stat;

import io.ringmetrics.shm.SeriesReading;
import io.ringmetrics.shm.StoreFileDescriptor;
import io.ringmetrics.shm.StoreFileException;
import io.ringmetrics.shm.StoreHeader;
import io.ringmetrics.shm.StoreReader;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ringmetrics-stat}: prints every series of a ringmetrics store file (or of every store file in a
 * directory) with its values and whether its writer is alive, again every {@code --interval} ms like Aeron's
 * {@code AeronStat}, or once as Prometheus text. Needs no engine and no JVM option; the service may be running or
 * dead (a crashed service's file keeps its last values).
 * <pre>
 *   java -jar exporters/target/ringmetrics-stat.jar [--interval MS] [--count N] [--once] [--prometheus]
 *        [--max-heartbeat-age MS] FILE_OR_DIRECTORY
 * </pre>
 * Exit status: 0; 2 for a bad argument or an unreadable file, with one line on stderr naming it and the problem.
 */
public final class RingmetricsStat
{
    static final String USAGE = "usage: ringmetrics-stat [--interval MS] [--count N] [--once] [--prometheus] " +
        "[--max-heartbeat-age MS] FILE_OR_DIRECTORY";

    private RingmetricsStat()
    {
    }

    /**
     * @param args see the class comment.
     */
    public static void main(final String[] args)
    {
        final PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        final int status = run(args, out, System.err);
        out.flush();
        System.exit(status);
    }

    /**
     * Runs the CLI.
     *
     * @param args arguments.
     * @param out  listings and Prometheus text.
     * @param err  errors, one line each.
     * @return exit status: 0, or 2 for bad arguments or an unreadable file.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        long interval = 1000;
        long count = Long.MAX_VALUE;
        long maxAge = StoreHeader.DEFAULT_MAX_HEARTBEAT_AGE_MILLIS;
        boolean prometheus = false;
        Path target = null;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--interval":
                        interval = positive(args, ++i);
                        break;
                    case "--count":
                        count = positive(args, ++i);
                        break;
                    case "--max-heartbeat-age":
                        maxAge = positive(args, ++i);
                        break;
                    case "--once":
                        count = 1;
                        break;
                    case "--prometheus":
                        prometheus = true;
                        count = 1;
                        break;
                    case "-h":
                    case "--help":
                        out.println(USAGE);
                        return 0;
                    default:
                        if (args[i].startsWith("-") || target != null)
                        {
                            throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
                        }
                        target = Path.of(args[i]);
                }
            }
            if (target == null)
            {
                throw new IllegalArgumentException("no store file or directory given");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("ringmetrics-stat: " + ex.getMessage() + "; " + USAGE);
            return 2;
        }
        try
        {
            for (long n = 0; n < count; n++)
            {
                if (n > 0)
                {
                    Thread.sleep(interval);
                }
                final List<Path> files = files(target);
                for (final Path file : files)
                {
                    try (StoreReader reader = StoreReader.open(file))
                    {
                        if (prometheus)
                        {
                            StorePrometheusText.write(out, reader.readSeries());
                        }
                        else
                        {
                            print(out, reader, maxAge);
                        }
                    }
                }
                out.flush();
            }
            return 0;
        }
        catch (final StoreFileException ex)
        {
            err.println("ringmetrics-stat: " + ex.getMessage());
            return 2;
        }
        catch (final IOException | UncheckedIOException ex)
        {
            err.println("ringmetrics-stat: " + target + ": " + ex.getMessage());
            return 2;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static long positive(final String[] args, final int i)
    {
        if (i >= args.length)
        {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        try
        {
            final long value = Long.parseLong(args[i]);
            if (value >= 1)
            {
                return value;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new IllegalArgumentException(args[i - 1] + " '" + args[i] + "' is not a whole number >= 1");
    }

    /** The file, or every store file of a directory (an empty directory is an error: nothing to show). */
    private static List<Path> files(final Path target) throws IOException
    {
        if (!Files.isDirectory(target))
        {
            return List.of(target);
        }
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(target,
            StoreFileDescriptor.FILE_PREFIX + "*" + StoreFileDescriptor.FILE_SUFFIX))
        {
            dir.forEach(files::add);
        }
        if (files.isEmpty())
        {
            throw new StoreFileException(target, "no " + StoreFileDescriptor.FILE_PREFIX + "*" +
                StoreFileDescriptor.FILE_SUFFIX + " store file in this directory (is METRICS_SHM_DIR set for the " +
                "service?)");
        }
        files.sort(null);
        return files;
    }

    private static void print(final PrintStream out, final StoreReader reader, final long maxAge)
    {
        final StoreHeader header = reader.header();
        final List<SeriesReading> series = reader.readSeries();
        final long now = System.currentTimeMillis();
        final String state = header.closedCleanly() ? "closed cleanly" :
            header.writerAlive(now, maxAge) ? "writer alive" :
            header.processAlive() ? "writer NOT ALIVE (no heartbeat for " + (now - header.heartbeatMillis()) + " ms)" :
            "process NOT RUNNING (crashed: last values as it left them)";
        out.println(Instant.ofEpochMilli(now) + " - " + header.file() + " pid " + header.pid() + ", " + state +
            ", heartbeat " + (now - header.heartbeatMillis()) + " ms ago, " + series.size() + " series");
        out.println(String.format("%6s %4s %-9s %20s  %s", "slot", "gen", "type", "value", "series"));
        for (final SeriesReading s : series)
        {
            final String value = s.type().equals("counter") ? Long.toString(s.count()) :
                s.type().equals("gauge") ? Double.toString(s.value()) : Long.toString(s.count());
            out.println(String.format("%6d %4d %-9s %20s  %s%s", s.slot(), s.generation(), s.type(), value,
                s.seriesName(), s.keyTruncated() ? " (labels left out: longer than the record's key)" : ""));
            if (s.isHistogram())
            {
                out.println(String.format("%43s  sum=%s buckets %s", "", s.value(), buckets(s)));
            }
        }
        out.println();
    }

    private static String buckets(final SeriesReading s)
    {
        final StringBuilder sb = new StringBuilder();
        final double[] bounds = s.bucketBounds();
        final long[] counts = s.bucketCounts();
        for (int i = 0; i < counts.length; i++)
        {
            sb.append(i > 0 ? " " : "").append("le=").append(i < bounds.length ? Double.toString(bounds[i]) : "+Inf")
                .append(':').append(counts[i]);
        }
        return counts.length == 0 ? Arrays.toString(counts) : sb.toString();
    }
}
