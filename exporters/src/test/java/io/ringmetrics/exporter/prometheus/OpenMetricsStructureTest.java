package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.MetricsEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * promtool 2.42 cannot check OpenMetrics, so the OpenMetrics 1.0 output of every fixture is checked here against
 * the structural rules of the specification that a parser enforces (a real Prometheus server parsing it is in
 * {@link PrometheusServerScrapeTest}):
 * <ul>
 *   <li>the body ends with exactly one {@code # EOF} line, no blank lines;</li>
 *   <li>each family is declared once, {@code # TYPE} first then {@code # HELP}, and its samples follow it
 *       contiguously, named after the family with the suffixes its type allows;</li>
 *   <li>label names are valid and unique per sample, values correctly escaped, numbers parse;</li>
 *   <li>histogram buckets are cumulative, end with {@code le="+Inf"} which equals {@code _count}; counters are
 *       not negative.</li>
 * </ul>
 */
class OpenMetricsStructureTest
{
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) " +
        "(counter|gauge|histogram|gaugehistogram|summary|info|stateset|unknown)");
    private static final Pattern EXEMPLAR = Pattern.compile("\\{(.*)\\} (\\S+)(?: (\\S+))?");
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Pattern NUMBER = Pattern.compile("[+-]?Inf|NaN|[+-]?[0-9]+(\\.[0-9]*)?([eE][+-]?[0-9]+)?|" +
        "[+-]?\\.[0-9]+([eE][+-]?[0-9]+)?");
    private static final Map<String, List<String>> SUFFIXES = Map.of(
        "counter", List.of("_total", "_created"),
        "gauge", List.of(""),
        "histogram", List.of("_bucket", "_count", "_sum", "_created"),
        "summary", List.of("", "_count", "_sum", "_created"));

    static List<Fixtures.Fixture> fixtures()
    {
        return Fixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void openMetricsOutputIsWellFormed(final Fixtures.Fixture fixture) throws IOException
    {
        try (MetricsEngine engine = fixture.start())
        {
            for (final String namespace : new String[] { null, "ns", "created" })
            {
                final String om = RingMetricsCollectorTest.openMetrics(RingMetricsCollector.builder(engine)
                    .namespace(namespace).created("created".equals(namespace)).build()); // _created samples on
                final List<String> problems = check(om);
                if (!problems.isEmpty())
                {
                    fail(fixture + ": " + String.join("\n", problems) + "\n--- exposition ---\n" + om);
                }
            }
        }
    }

    @Test
    void theCheckerRejectsBrokenExpositions()
    {
        assertFalse(check("# TYPE a counter\na_total 1\n").isEmpty(), "no # EOF");
        assertFalse(check("# TYPE a counter\na 1\n# EOF\n").isEmpty(), "counter sample without _total");
        assertFalse(check("# TYPE a gauge\na 1\n# TYPE a gauge\na 2\n# EOF\n").isEmpty(), "family twice");
        assertFalse(check("# HELP a x\n# TYPE a gauge\na 1\n# EOF\n").isEmpty(), "HELP before TYPE");
        assertFalse(check("# TYPE h histogram\nh_bucket{le=\"1.0\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n" +
            "h_sum 1\n# EOF\n").isEmpty(), "buckets decrease");
        assertFalse(check("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\nh_sum 1\n# EOF\n").isEmpty(),
            "+Inf != count");
        assertFalse(check("# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n# EOF\n").isEmpty(), "duplicate label");
        assertFalse(check("# TYPE a gauge\na{x=\"q\"q\"} 1\n# EOF\n").isEmpty(), "unescaped quote");
        assertFalse(check("# TYPE a gauge\na 1\n\n# EOF\n").isEmpty(), "blank line");
        assertEquals(List.of(), check("# TYPE a counter\n# HELP a x\na_total{k=\"\\\"\"} 1.0\n# EOF\n"));
        assertFalse(check("# TYPE a gauge\na 1 # {trace_id=\"1\"} 1\n# EOF\n").isEmpty(), "exemplar on a gauge");
        assertFalse(check("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1 # trace 1\nh_count 1\nh_sum 1\n# EOF\n")
            .isEmpty(), "malformed exemplar");
        assertEquals(List.of(), check("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1 # {trace_id=\"ab\"} 0.5 1.7e9\n" +
            "h_count 1\nh_sum 0.5\n# EOF\n"));
    }

    /**
     * @param om an OpenMetrics exposition.
     * @return problems found, empty if none.
     */
    static List<String> check(final String om)
    {
        final List<String> problems = new ArrayList<>();
        if (!om.endsWith("# EOF\n"))
        {
            problems.add("does not end with '# EOF\\n'");
        }
        final String[] lines = om.split("\n", -1);
        final Set<String> declared = new HashSet<>();
        String family = null;
        String type = null;
        boolean sawSample = false;
        boolean sawHelp = false;
        final Map<String, Long> lastBucket = new HashMap<>(); // per label set (without le)
        final Map<String, Double> infBucket = new LinkedHashMap<>();
        final Map<String, Double> counts = new LinkedHashMap<>();
        for (int n = 0; n < lines.length - 1; n++) // the split leaves an empty string after the last \n
        {
            final String line = lines[n];
            final String where = "line " + (n + 1) + " '" + line + "': ";
            if (line.equals("# EOF"))
            {
                if (n != lines.length - 2)
                {
                    problems.add(where + "# EOF before the end");
                }
                continue;
            }
            if (line.isEmpty())
            {
                problems.add(where + "blank line");
                continue;
            }
            Matcher m;
            if ((m = TYPE.matcher(line)).matches())
            {
                checkHistogramTotals(family, type, infBucket, counts, problems);
                family = m.group(1);
                type = m.group(2);
                sawSample = false;
                sawHelp = false;
                lastBucket.clear();
                if (!declared.add(family))
                {
                    problems.add(where + "family declared twice");
                }
                continue;
            }
            if ((m = HELP.matcher(line)).matches())
            {
                if (!m.group(1).equals(family) || sawSample || sawHelp)
                {
                    problems.add(where + "HELP not right after the TYPE of its family");
                }
                sawHelp = true;
                continue;
            }
            if (line.startsWith("#"))
            {
                problems.add(where + "unknown comment");
                continue;
            }
            final int exemplarAt = line.indexOf(" # ");
            final String sample = exemplarAt < 0 ? line : line.substring(0, exemplarAt);
            if (exemplarAt >= 0)
            {
                checkExemplar(line.substring(exemplarAt + 3), sample, type, where, problems);
            }
            if (!(m = SAMPLE.matcher(sample)).matches())
            {
                problems.add(where + "not a sample");
                continue;
            }
            sawSample = true;
            final String name = m.group(1);
            if (family == null || !namedAfter(name, family, type))
            {
                problems.add(where + "sample not named after its family " + family + " (" + type + ")");
                continue;
            }
            final Map<String, String> labels = labels(m.group(3), where, problems);
            if (!NUMBER.matcher(m.group(4)).matches())
            {
                problems.add(where + "bad number");
                continue;
            }
            final double value = parse(m.group(4));
            if (type.equals("counter") && name.endsWith("_total") && value < 0)
            {
                problems.add(where + "negative counter");
            }
            if (type.equals("histogram"))
            {
                final String le = labels.remove("le");
                final String key = labels.toString();
                if (name.endsWith("_bucket"))
                {
                    if (le == null)
                    {
                        problems.add(where + "bucket without le");
                        continue;
                    }
                    final long previous = lastBucket.getOrDefault(key, 0L);
                    if (value < previous)
                    {
                        problems.add(where + "buckets are not cumulative");
                    }
                    lastBucket.put(key, (long)value);
                    if (le.equals("+Inf"))
                    {
                        infBucket.put(key, value);
                    }
                }
                else if (name.endsWith("_count"))
                {
                    counts.put(key, value);
                }
            }
        }
        checkHistogramTotals(family, type, infBucket, counts, problems);
        return problems;
    }

    /**
     * OpenMetrics 1.0 exemplar: {@code {labels} value [timestamp]}, only on a histogram bucket or a counter's
     * {@code _total}, its label names and values at most 128 UTF-8 characters together.
     */
    private static void checkExemplar(
        final String exemplar, final String sample, final String type, final String where, final List<String> problems)
    {
        final Matcher m = EXEMPLAR.matcher(exemplar);
        if (!m.matches())
        {
            problems.add(where + "malformed exemplar");
            return;
        }
        final String name = sample.replaceFirst("[{ ].*", "");
        if (!("histogram".equals(type) && name.endsWith("_bucket") || "counter".equals(type) && name.endsWith("_total")))
        {
            problems.add(where + "exemplar on a sample that cannot have one");
        }
        int length = 0;
        for (final Map.Entry<String, String> label : labels(m.group(1), where, problems).entrySet())
        {
            length += label.getKey().codePointCount(0, label.getKey().length()) +
                label.getValue().codePointCount(0, label.getValue().length());
        }
        if (length > 128)
        {
            problems.add(where + "exemplar labels longer than 128 characters");
        }
        if (!NUMBER.matcher(m.group(2)).matches() || m.group(3) != null && !NUMBER.matcher(m.group(3)).matches())
        {
            problems.add(where + "bad exemplar number");
        }
    }

    private static boolean namedAfter(final String sample, final String family, final String type)
    {
        for (final String suffix : SUFFIXES.getOrDefault(type, List.of()))
        {
            if (sample.equals(family + suffix))
            {
                return true;
            }
        }
        return false;
    }

    private static void checkHistogramTotals(
        final String family, final String type, final Map<String, Double> inf, final Map<String, Double> counts,
        final List<String> problems)
    {
        if ("histogram".equals(type))
        {
            if (!inf.keySet().equals(counts.keySet()))
            {
                problems.add(family + ": every series needs a +Inf bucket and a _count: " + inf + " vs " + counts);
            }
            for (final Map.Entry<String, Double> e : inf.entrySet())
            {
                if (!e.getValue().equals(counts.get(e.getKey())))
                {
                    problems.add(family + e.getKey() + ": +Inf bucket " + e.getValue() + " != count " +
                        counts.get(e.getKey()));
                }
            }
        }
        inf.clear();
        counts.clear();
    }

    private static Map<String, String> labels(final String text, final String where, final List<String> problems)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        if (text == null)
        {
            return labels;
        }
        final Matcher m = LABEL.matcher(text);
        int pos = 0;
        while (pos < text.length())
        {
            if (!m.find(pos) || m.start() != pos)
            {
                problems.add(where + "bad label set at " + pos);
                return labels;
            }
            if (labels.put(m.group(1), m.group(2)) != null)
            {
                problems.add(where + "duplicate label " + m.group(1));
            }
            pos = m.end();
            if (pos < text.length())
            {
                if (text.charAt(pos) != ',')
                {
                    problems.add(where + "expected ',' at " + pos);
                    return labels;
                }
                pos++;
            }
        }
        return labels;
    }

    private static double parse(final String number)
    {
        switch (number)
        {
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(number);
        }
    }
}
