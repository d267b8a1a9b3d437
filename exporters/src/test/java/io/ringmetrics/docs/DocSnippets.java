package io.ringmetrics.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The code blocks of README.md and docs/*.md, and the regions of this package's sources they must equal.
 * <p>
 * <b>In a source file</b> a region is the lines between {@code // doc:begin <name>} and {@code // doc:end}, with
 * the region's common indentation removed. One name may have several parts in one file; they join in order, so
 * the file may run code between them that the docs do not show (a probe, a check).
 * <p>
 * <b>In markdown</b> every {@code ```java} block is preceded by one of two comment lines:
 * {@code <!-- snippet: <name> -->} (it must equal that region), or {@code <!-- not ringmetrics: <why> -->} for code
 * of another library shown for comparison. A {@code ```text} block preceded by {@code <!-- output: <name> -->}
 * states what the snippet produces.
 */
final class DocSnippets
{
    /** The repository root, seen from the exporters module where the tests run. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** This package's sources. */
    static final Path SOURCES = Path.of("src/test/java/io/ringmetrics/docs").toAbsolutePath();

    private static final Pattern BEGIN = Pattern.compile("^\\s*// doc:begin ([a-z0-9-]+)\\s*$");
    private static final Pattern END = Pattern.compile("^\\s*// doc:end\\s*$");
    private static final Pattern FENCE = Pattern.compile("^(\\s*)```(\\w*).*$");
    private static final Pattern MARKER = Pattern.compile("^<!-- (snippet|not ringmetrics|output): ?(.*?) -->\\s*$");

    /** One fenced block of a markdown file. */
    static final class Block
    {
        final Path file;
        final int line;
        final String language;
        final String markerKind; // snippet, not ringmetrics, output; null when unmarked
        final String markerValue;
        final String text;

        Block(final Path file, final int line, final String language, final String markerKind,
            final String markerValue, final String text)
        {
            this.file = file;
            this.line = line;
            this.language = language;
            this.markerKind = markerKind;
            this.markerValue = markerValue;
            this.text = text;
        }

        @Override
        public String toString()
        {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    private DocSnippets()
    {
    }

    /** @return README.md and every docs/*.md. */
    static List<Path> markdownFiles()
    {
        final List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs")))
        {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return files;
    }

    /**
     * @param file a markdown file.
     * @return its fenced blocks, each with the marker on the line above it (if any), indentation removed.
     */
    static List<Block> blocks(final Path file)
    {
        final List<String> lines = read(file);
        final List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches())
            {
                continue;
            }
            int close = i + 1;
            while (close < lines.size() && !lines.get(close).trim().equals("```"))
            {
                close++;
            }
            final Matcher marker = i > 0 ? MARKER.matcher(lines.get(i - 1).trim()) : null;
            final boolean marked = marker != null && marker.matches();
            blocks.add(new Block(file, i + 1, open.group(2), marked ? marker.group(1) : null,
                marked ? marker.group(2) : null, dedent(lines.subList(i + 1, Math.min(close, lines.size())))));
            i = close;
        }
        return blocks;
    }

    /** @return every region of this package's sources, by name. */
    static Map<String, String> regions()
    {
        final Map<String, String> regions = new LinkedHashMap<>();
        try (Stream<Path> sources = Files.list(SOURCES))
        {
            for (final Path source : (Iterable<Path>)sources.sorted()::iterator)
            {
                regionsOf(source, regions);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return regions;
    }

    /**
     * @param source a Java source outside this package (the consumer example).
     * @return its regions, by name.
     */
    static Map<String, String> regionsIn(final Path source)
    {
        final Map<String, String> regions = new LinkedHashMap<>();
        regionsOf(source, regions);
        return regions;
    }

    private static void regionsOf(final Path source, final Map<String, String> regions)
    {
        final List<String> lines = read(source);
        final Map<String, String> own = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final Matcher begin = BEGIN.matcher(lines.get(i));
            if (!begin.matches())
            {
                continue;
            }
            int end = i + 1;
            while (end < lines.size() && !END.matcher(lines.get(end)).matches())
            {
                if (BEGIN.matcher(lines.get(end)).matches())
                {
                    throw new IllegalStateException(source + ":" + (end + 1) + ": doc:begin inside a region");
                }
                end++;
            }
            if (end == lines.size())
            {
                throw new IllegalStateException(source + ":" + (i + 1) + ": doc:begin without doc:end");
            }
            final String part = dedent(lines.subList(i + 1, end));
            own.merge(begin.group(1), part, (a, b) -> a + "\n" + b);
            i = end;
        }
        for (final Map.Entry<String, String> region : own.entrySet())
        {
            if (regions.putIfAbsent(region.getKey(), region.getValue()) != null)
            {
                throw new IllegalStateException("region " + region.getKey() + " is defined in two files");
            }
        }
    }

    /** Removes the common leading spaces of the non-blank lines, and trailing spaces. */
    static String dedent(final List<String> lines)
    {
        int indent = Integer.MAX_VALUE;
        for (final String line : lines)
        {
            if (!line.isBlank())
            {
                int n = 0;
                while (n < line.length() && line.charAt(n) == ' ')
                {
                    n++;
                }
                indent = Math.min(indent, n);
            }
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            text.append(line.isBlank() ? "" : line.substring(indent).stripTrailing());
            if (i < lines.size() - 1)
            {
                text.append('\n');
            }
        }
        return text.toString();
    }

    private static List<String> read(final Path file)
    {
        try
        {
            return Files.readAllLines(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
