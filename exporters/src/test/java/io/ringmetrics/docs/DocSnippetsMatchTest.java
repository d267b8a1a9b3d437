package io.ringmetrics.docs;

import io.ringmetrics.config.EnvironmentConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Java block of README.md and docs/*.md is a region of a compiled source of this package (and so compiles),
 * character for character; every region appears in the docs exactly once. Editing one side without the other fails
 * here. {@link DocSnippetsRunTest} runs the regions.
 */
class DocSnippetsMatchTest
{
    /** What only ringmetrics code contains: a block marked as another library's must show none of it. */
    private static final Pattern RINGMETRICS_API = Pattern.compile(
        "io\\.ringmetrics|MetricsFactory|MetricsEngine|RingMetricsCollector|\\bmetrics\\.|\\bengine\\.");
    /** An environment variable name with one of our prefixes. */
    private static final Pattern VARIABLE = Pattern.compile("\\b(?:METRICS|PROMETHEUS|STATSD)_[A-Z0-9_]*[A-Z0-9]\\b");

    @Test
    void everyJavaBlockEqualsACompiledRegionAndEveryRegionIsShownOnce()
    {
        final Map<String, String> regions = DocSnippets.regions();
        final Map<String, List<String>> shown = new HashMap<>();
        final List<String> problems = new ArrayList<>();
        int checked = 0;
        for (final Path file : DocSnippets.markdownFiles())
        {
            for (final DocSnippets.Block block : DocSnippets.blocks(file))
            {
                if (!block.language.equals("java"))
                {
                    continue;
                }
                if ("not ringmetrics".equals(block.markerKind))
                {
                    final Matcher ours = RINGMETRICS_API.matcher(block.text);
                    if (ours.find())
                    {
                        problems.add(block + ": marked as another library's code but uses '" + ours.group() +
                            "'; show ringmetrics code in its own block, from a snippet region");
                    }
                    continue;
                }
                if (!"snippet".equals(block.markerKind))
                {
                    problems.add(block + ": a java block needs '<!-- snippet: <name> -->' on the line above (a " +
                        "region of " + DocSnippets.ROOT.relativize(DocSnippets.SOURCES) + ") or '<!-- not " +
                        "ringmetrics: <why> -->'");
                    continue;
                }
                shown.computeIfAbsent(block.markerValue, k -> new ArrayList<>()).add(block.toString());
                final String region = regions.get(block.markerValue);
                if (region == null)
                {
                    problems.add(block + ": no region '" + block.markerValue + "' in " + DocSnippets.SOURCES);
                }
                else if (!region.equals(block.text))
                {
                    problems.add(block + ": differs from region '" + block.markerValue + "'" +
                        firstDifference(region, block.text));
                }
                checked++;
            }
        }
        for (final String name : regions.keySet())
        {
            final List<String> where = shown.getOrDefault(name, List.of());
            if (where.size() != 1)
            {
                problems.add("region '" + name + "' is shown " + where.size() + " times in the docs " + where +
                    ", expected once");
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
        assertTrue(checked >= 10, "found only " + checked + " snippet blocks: is the docs folder where expected?");
    }

    @Test
    void everyEnvironmentVariableNamedInTheDocsExists()
    {
        final List<String> problems = new ArrayList<>();
        for (final Path file : DocSnippets.markdownFiles())
        {
            for (final DocSnippets.Block block : DocSnippets.blocks(file))
            {
                if ("not ringmetrics".equals(block.markerKind))
                {
                    continue;
                }
                final Matcher variable = VARIABLE.matcher(block.text);
                while (variable.find())
                {
                    final boolean shownAsUnknown = block.text.startsWith("unknown variable ", // the warning's example
                        variable.start() - "unknown variable ".length());
                    if (!shownAsUnknown && !EnvironmentConfig.VARIABLES.contains(variable.group()))
                    {
                        problems.add(block + ": " + variable.group() + " is not a variable ringmetrics reads " +
                            "(EnvironmentConfig.VARIABLES)");
                    }
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    private static String firstDifference(final String expected, final String actual)
    {
        final String[] a = expected.split("\n", -1);
        final String[] b = actual.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++)
        {
            final String x = i < a.length ? a[i] : "<none>";
            final String y = i < b.length ? b[i] : "<none>";
            if (!x.equals(y))
            {
                return " at line " + (i + 1) + " of the block:\n  source: " + x + "\n  docs:   " + y;
            }
        }
        return "";
    }
}
