package io.ringmetrics.exporter.statsd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A strict parser of the lines the exporter sends, for tests: {@code key:value|type[|#name:value,...]} where the
 * key uses only {@code [a-zA-Z0-9_.-]}, the value is a number, the type {@code c} or {@code g}, and each tag name
 * matches {@code [a-zA-Z_][a-zA-Z0-9_]*}.
 */
final class StatsdLines
{
    /** One parsed line. */
    record Line(String key, double value, String type, Map<String, String> tags)
    {
    }

    private StatsdLines()
    {
    }

    static Line parse(final String line)
    {
        final int colon = line.indexOf(':');
        assertTrue(colon > 0, () -> "no key in '" + line + "'");
        final String key = line.substring(0, colon);
        assertTrue(key.matches("[a-zA-Z0-9_.-]+") && !key.startsWith(".") && !key.endsWith(".") &&
            !key.contains(".."), () -> "unsafe key '" + key + "' in '" + line + "'");
        final String[] fields = line.substring(colon + 1).split("\\|", -1);
        assertTrue(fields.length == 2 || fields.length == 3, () -> "expected value|type[|#tags]: '" + line + "'");
        final double value;
        try
        {
            value = Double.parseDouble(fields[0]);
        }
        catch (final NumberFormatException ex)
        {
            return fail("not a number: '" + fields[0] + "' in '" + line + "'");
        }
        assertTrue(fields[1].equals("c") || fields[1].equals("g"), () -> "type '" + fields[1] + "' in '" + line + "'");
        final Map<String, String> tags = new LinkedHashMap<>();
        if (fields.length == 3)
        {
            assertTrue(fields[2].startsWith("#") && fields[2].length() > 1, () -> "bad tag block in '" + line + "'");
            for (final String tag : fields[2].substring(1).split(",", -1))
            {
                final int sep = tag.indexOf(':');
                assertTrue(sep > 0 && tag.substring(0, sep).matches("[a-zA-Z_][a-zA-Z0-9_]*"),
                    () -> "bad tag '" + tag + "' in '" + line + "'");
                final String tagValue = tag.substring(sep + 1);
                assertTrue(tagValue.chars().noneMatch(c -> c == ',' || c == '|' || Character.isWhitespace(c)),
                    () -> "unsafe tag value in '" + line + "'");
                tags.put(tag.substring(0, sep), tagValue);
            }
        }
        return new Line(key, value, fields[1], tags);
    }

    /**
     * @param lines lines.
     * @param key   key.
     * @return the only line with that key (and type), parsed.
     */
    static Line single(final List<String> lines, final String key)
    {
        Line found = null;
        for (final String l : lines)
        {
            final Line p = parse(l);
            if (p.key().equals(key))
            {
                if (found != null)
                {
                    fail("more than one line for '" + key + "': " + lines);
                }
                found = p;
            }
        }
        if (found == null)
        {
            return fail("no line for '" + key + "' in " + lines);
        }
        return found;
    }

    /**
     * @param lines lines.
     * @param key   key.
     * @return sum of the values of counter lines with that key.
     */
    static double counterTotal(final List<String> lines, final String key)
    {
        double total = 0;
        for (final String l : lines)
        {
            final Line p = parse(l);
            if (p.key().equals(key))
            {
                assertEquals("c", p.type(), l);
                total += p.value();
            }
        }
        return total;
    }

    /**
     * @param lines  lines.
     * @param prefix key prefix.
     * @return lines whose key starts with the prefix.
     */
    static List<String> withKeyPrefix(final List<String> lines, final String prefix)
    {
        return lines.stream().filter(l -> l.startsWith(prefix)).toList();
    }
}
