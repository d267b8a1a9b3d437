package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsSettings;
import io.ringmetrics.error.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documented defaults are the code's (issue 20, item 12: the docs said "a fixed pool of 2 daemon threads and a
 * queue of 16" while the code grew to 32 threads). The code's one source of truth is what
 * {@link EnvironmentConfig} resolves for an unset variable (its defaults come from {@link MetricsSettings}); a
 * documented default is right when setting the variable to it explicitly changes nothing.
 * <ul>
 *   <li>every row of the variable tables of docs/configuration.md: default and range;</li>
 *   <li>every "{@code `VARIABLE`, default N}" in README.md and docs/*.md prose;</li>
 *   <li>the fixed bounds of the scrape server quoted in the docs (queue, request head size).</li>
 * </ul>
 */
class DocumentedDefaultsTest
{
    private static final Pattern ROW = Pattern.compile(
        "^\\| `([A-Z][A-Z0-9_]+)` \\| ([^|]*) \\| ([^|]*) \\|", Pattern.MULTILINE);
    private static final Pattern RANGE = Pattern.compile("^(?:[a-z ,]*)?(\\d+) – (\\d+)");
    private static final Pattern PROSE_DEFAULT = Pattern.compile(
        "`([A-Z][A-Z0-9_]+)`(?:[^`.|\\n]|`[^`]*`){0,40}?,? default `?(\\d(?:[\\d\\u00a0\\u202f ]*\\d)?)`?( ms| s)?");

    private static final String DEFAULTS = EnvironmentConfig.from(Map.of()).toString();

    private static Path repo()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/configuration.md")))
        {
            dir = dir.getParent();
        }
        assertTrue(dir != null, "docs/configuration.md not found above " + Path.of("").toAbsolutePath());
        return dir;
    }

    private static String read(final String relative) throws IOException
    {
        return Files.readString(repo().resolve(relative));
    }

    /** Whether setting {@code name=value} explicitly gives exactly the defaults. */
    private static void assertIsTheDefault(final String where, final String name, final String value)
    {
        final String explicit = EnvironmentConfig.from(Map.of(name, value)).toString();
        assertEquals(DEFAULTS, explicit, where + ": " + name + " is documented with default " + value +
            " but the code's default differs");
    }

    @Test
    void everyVariableIsDocumentedWithTheCodesDefaultAndRange() throws IOException
    {
        final String doc = read("docs/configuration.md");
        final Map<String, String[]> rows = new LinkedHashMap<>();
        final Matcher m = ROW.matcher(doc);
        while (m.find())
        {
            rows.put(m.group(1), new String[] { m.group(2).trim(), m.group(3).trim() });
        }
        final TreeSet<String> undocumented = new TreeSet<>(EnvironmentConfig.VARIABLES);
        undocumented.removeAll(rows.keySet());
        assertEquals(new TreeSet<String>(), undocumented, "variables read but not in docs/configuration.md");

        int checked = 0;
        for (final String name : EnvironmentConfig.VARIABLES)
        {
            final String documented = rows.get(name)[0];
            if (documented.startsWith("`") && documented.endsWith("`"))
            {
                assertIsTheDefault("docs/configuration.md", name, documented.substring(1, documented.length() - 1));
                checked++;
            }
            final Matcher range = RANGE.matcher(rows.get(name)[1]);
            if (range.find())
            {
                final long min = Long.parseLong(range.group(1));
                final long max = Long.parseLong(range.group(2));
                for (final long inside : new long[] { min, max })
                {
                    assertDoesNotThrow(() -> EnvironmentConfig.from(Map.of(name, Long.toString(inside))),
                        name + "=" + inside + " is documented as allowed");
                }
                for (final long outside : new long[] { min - 1, max + 1 })
                {
                    assertThrows(ConfigurationException.class,
                        () -> EnvironmentConfig.from(Map.of(name, Long.toString(outside))),
                        name + "=" + outside + " is documented as not allowed");
                }
            }
        }
        assertTrue(checked >= 25, "defaults checked: " + checked);
    }

    @Test
    void defaultsQuotedInProseAreTheCodes() throws IOException
    {
        final List<String> files = new ArrayList<>(List.of("README.md"));
        try (var docs = Files.list(repo().resolve("docs")))
        {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(p -> files.add("docs/" + p.getFileName()));
        }
        int checked = 0;
        for (final String file : files)
        {
            final Matcher m = PROSE_DEFAULT.matcher(read(file));
            while (m.find())
            {
                final String name = m.group(1);
                if (!EnvironmentConfig.VARIABLES.contains(name))
                {
                    continue;
                }
                long value = Long.parseLong(m.group(2).replaceAll("[^0-9]", ""));
                if (" s".equals(m.group(3)) && name.endsWith("_MS"))
                {
                    value *= 1000;
                }
                assertIsTheDefault(file + " (\"" + m.group() + "\")", name, Long.toString(value));
                checked++;
            }
        }
        assertTrue(checked >= 5, "prose defaults checked: " + checked);
    }

    @Test
    void theScrapeServersFixedBoundsAreTheDocumentedOnes() throws IOException
    {
        for (final String file : new String[] { "docs/prometheus.md", "docs/configuration.md" })
        {
            final Matcher queue = Pattern.compile("queue of (\\d+)").matcher(read(file));
            assertTrue(queue.find(), file + " states the scrape queue");
            do
            {
                assertEquals(ScrapeServer.MAX_QUEUED_SCRAPES, Integer.parseInt(queue.group(1)), file);
            }
            while (queue.find());
        }
        final Matcher head = Pattern.compile("(?:at most|over) (\\d+) bytes").matcher(read("docs/prometheus.md"));
        assertTrue(head.find());
        do
        {
            assertEquals(ScrapeServer.MAX_HEAD_BYTES, Integer.parseInt(head.group(1)), "docs/prometheus.md");
        }
        while (head.find());

        final PrometheusExporter defaults = PrometheusExporter.builder().build();
        assertEquals(MetricsSettings.DEFAULT_HTTP_THREADS, EnvironmentConfig.from(Map.of()).httpThreads());
        assertEquals(PrometheusExporter.DEFAULT_PORT, EnvironmentConfig.from(Map.of()).httpPort());
        assertEquals(PrometheusExporter.DEFAULT_HOST, EnvironmentConfig.from(Map.of()).httpHost());
        assertEquals(PrometheusExporter.DEFAULT_PORT, defaults.port());
    }
}
