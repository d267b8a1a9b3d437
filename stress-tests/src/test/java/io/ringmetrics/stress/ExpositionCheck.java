package io.ringmetrics.stress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, for checking every scrape of a stress run (promtool is a
 * process per call, too slow for a tight loop; {@link #promtool(String)} runs it on selected bodies).
 * <p>
 * Checks: every line is a {@code # HELP}, a {@code # TYPE} or a sample; names, label names and escapes are valid;
 * values parse as Go floats; each family is typed once, before its samples, and every sample belongs to the
 * family typed last (with the suffixes its type allows); no series appears twice; histogram buckets are cumulative,
 * end with {@code le="+Inf"} and that bucket equals {@code _count}.
 */
final class ExpositionCheck
{
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
    private static final Pattern TYPE =
        Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Pattern VALUE =
        Pattern.compile("NaN|[+-]Inf|[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");

    /** One sample: its name, its labels (in exposition order) and its value. */
    static final class Sample
    {
        final String family;
        final String type;
        final String name;
        final Map<String, String> labels;
        final double value;

        Sample(final String family, final String type, final String name, final Map<String, String> labels,
            final double value)
        {
            this.family = family;
            this.type = type;
            this.name = name;
            this.labels = labels;
            this.value = value;
        }

        /** @return name and labels, the series identity. */
        String key()
        {
            return name + labels;
        }
    }

    private ExpositionCheck()
    {
    }

    /**
     * Parses and checks a body.
     *
     * @param body the exposition.
     * @return its samples.
     * @throws AssertionError naming the first problem and its line.
     */
    static List<Sample> parse(final String body)
    {
        final List<Sample> samples = new ArrayList<>();
        final Set<String> typed = new HashSet<>();
        final Set<String> series = new HashSet<>();
        String family = null;
        String type = null;
        final String[] lines = body.split("\n", -1);
        if (!lines[lines.length - 1].isEmpty())
        {
            throw problem("no newline at the end", lines.length, lines[lines.length - 1]);
        }
        for (int lineNumber = 1; lineNumber < lines.length; lineNumber++)
        {
            final String line = lines[lineNumber - 1];
            if (line.isEmpty())
            {
                throw problem("empty line", lineNumber, line);
            }
            if (line.startsWith("#"))
            {
                final Matcher type0 = TYPE.matcher(line);
                if (type0.matches())
                {
                    family = type0.group(1);
                    type = type0.group(2);
                    if (!typed.add(family))
                    {
                        throw problem("family typed twice", lineNumber, line);
                    }
                }
                else if (!HELP.matcher(line).matches() || !validHelp(HELP.matcher(line).replaceAll("$2")))
                {
                    throw problem("bad comment line", lineNumber, line);
                }
                continue;
            }
            final Sample sample = sample(line, lineNumber, family, type);
            if (!series.add(sample.key()))
            {
                throw problem("series twice", lineNumber, line);
            }
            samples.add(sample);
        }
        checkHistograms(samples);
        return samples;
    }

    private static Sample sample(final String line, final int lineNumber, final String family, final String type)
    {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ')
        {
            i++;
        }
        final String name = line.substring(0, i);
        if (!NAME.matcher(name).matches())
        {
            throw problem("bad metric name", lineNumber, line);
        }
        if (family == null || !belongs(name, family, type))
        {
            throw problem("sample outside its family (last TYPE " + family + " " + type + ")", lineNumber, line);
        }
        final Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{')
        {
            final int close = closingBrace(line, i);
            if (close < 0)
            {
                throw problem("unterminated label set", lineNumber, line);
            }
            final String inner = line.substring(i + 1, close);
            final Matcher m = LABEL.matcher(inner);
            int at = 0;
            while (at < inner.length())
            {
                if (!m.find(at) || m.start() != at)
                {
                    throw problem("bad label", lineNumber, line);
                }
                if (labels.put(m.group(1), unescape(m.group(2))) != null)
                {
                    throw problem("label twice", lineNumber, line);
                }
                at = m.end();
                if (at < inner.length())
                {
                    if (inner.charAt(at) != ',')
                    {
                        throw problem("labels not separated by ','", lineNumber, line);
                    }
                    at++;
                }
            }
            i = close + 1;
        }
        if (i >= line.length() || line.charAt(i) != ' ')
        {
            throw problem("no value", lineNumber, line);
        }
        final String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length > 2 || !VALUE.matcher(rest[0]).matches() ||
            (rest.length == 2 && !rest[1].matches("-?[0-9]+")))
        {
            throw problem("bad value or timestamp", lineNumber, line);
        }
        return new Sample(family, type, name, labels, parseValue(rest[0]));
    }

    private static int closingBrace(final String line, final int open)
    {
        boolean quoted = false;
        for (int i = open + 1; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '}')
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean validHelp(final String help)
    {
        for (int i = 0; i < help.length(); i++)
        {
            if (help.charAt(i) == '\\')
            {
                if (i + 1 >= help.length() || (help.charAt(i + 1) != '\\' && help.charAt(i + 1) != 'n'))
                {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    private static boolean belongs(final String name, final String family, final String type)
    {
        switch (type)
        {
            case "counter":
                return name.equals(family) || name.equals(family + "_total") || name.equals(family + "_created") ||
                    family.endsWith("_total") && name.equals(family);
            case "histogram":
                return name.equals(family + "_bucket") || name.equals(family + "_count") ||
                    name.equals(family + "_sum") || name.equals(family + "_created");
            case "summary":
                return name.equals(family) || name.equals(family + "_count") || name.equals(family + "_sum") ||
                    name.equals(family + "_created");
            default:
                return name.equals(family);
        }
    }

    private static String unescape(final String value)
    {
        return value.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static double parseValue(final String value)
    {
        switch (value)
        {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(value);
        }
    }

    private static void checkHistograms(final List<Sample> samples)
    {
        final Map<String, List<Sample>> buckets = new LinkedHashMap<>();
        final Map<String, Double> counts = new HashMap<>();
        for (final Sample s : samples)
        {
            if (!"histogram".equals(s.type))
            {
                continue;
            }
            final Map<String, String> labels = new LinkedHashMap<>(s.labels);
            labels.remove("le");
            final String key = s.family + labels;
            if (s.name.endsWith("_bucket"))
            {
                if (!s.labels.containsKey("le"))
                {
                    throw new AssertionError("bucket without le: " + s.key());
                }
                buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            }
            else if (s.name.endsWith("_count"))
            {
                counts.put(key, s.value);
            }
        }
        for (final Map.Entry<String, List<Sample>> entry : buckets.entrySet())
        {
            double previousLe = Double.NEGATIVE_INFINITY;
            double previous = 0;
            Sample last = null;
            for (final Sample b : entry.getValue())
            {
                final double le = parseValue(b.labels.get("le"));
                if (!(le > previousLe) || b.value < previous)
                {
                    throw new AssertionError("buckets not increasing or not cumulative: " + entry.getKey());
                }
                previousLe = le;
                previous = b.value;
                last = b;
            }
            if (last == null || !"+Inf".equals(last.labels.get("le")))
            {
                throw new AssertionError("histogram without an le=\"+Inf\" bucket last: " + entry.getKey());
            }
            final Double count = counts.get(entry.getKey());
            if (count == null || count != last.value)
            {
                throw new AssertionError("+Inf bucket " + last.value + " != _count " + count + ": " + entry.getKey());
            }
        }
    }

    private static AssertionError problem(final String what, final int lineNumber, final String line)
    {
        return new AssertionError(what + " at line " + lineNumber + ": " + line);
    }

    /**
     * Runs {@code promtool check metrics} on a body.
     *
     * @param body exposition in text format 0.0.4.
     * @return promtool's exit code (0 clean, 3 lint problems, 1 parse error) and output, as "code: output".
     */
    static String promtool(final String body) throws IOException, InterruptedException
    {
        final Path promtool = findOnPath("promtool");
        if (promtool == null)
        {
            throw new AssertionError("promtool not on PATH: run `bash .ci/install-test-deps.sh` from the repository" +
                " root (installs Debian `prometheus`, which provides promtool)");
        }
        final Process process = new ProcessBuilder(promtool.toString(), "check", "metrics")
            .redirectErrorStream(true).start();
        final CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        try (OutputStream in = process.getOutputStream())
        {
            in.write(body.getBytes(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            // promtool may stop reading after a parse error; its output says why
        }
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("promtool did not finish within 30 s");
        }
        return process.exitValue() + ": " + output.join().trim();
    }

    private static Path findOnPath(final String executable)
    {
        final String path = System.getenv("PATH");
        if (path == null)
        {
            return null;
        }
        for (final String dir : path.split(java.io.File.pathSeparator))
        {
            final Path candidate = Path.of(dir, executable);
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static String readAll(final InputStream in)
    {
        try
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "(cannot read promtool output: " + ex + ")";
        }
    }
}
