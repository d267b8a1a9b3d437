package io.ringmetrics.exporter.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an exposition for assertions: sample lines ({@code name{labels} value}) by their series text, and the
 * comment lines.
 */
final class Samples
{
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> comments = new ArrayList<>();
    private final String text;

    private Samples(final String text)
    {
        this.text = text;
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("#"))
            {
                comments.add(line);
            }
            else if (!line.isEmpty())
            {
                final int space = line.lastIndexOf(' ');
                values.put(line.substring(0, space), line.substring(space + 1));
            }
        }
    }

    static Samples of(final String text)
    {
        return new Samples(text);
    }

    /** @return the raw value text of a series, e.g. {@code "5.0"}, or {@code null}. */
    String raw(final String series)
    {
        return values.get(series);
    }

    /** @return the value of a series; fails if absent. */
    double value(final String series)
    {
        final String v = values.get(series);
        if (v == null)
        {
            throw new AssertionError("no series " + series + " in:\n" + text);
        }
        return v.equals("+Inf") ? Double.POSITIVE_INFINITY : v.equals("-Inf") ? Double.NEGATIVE_INFINITY :
            Double.parseDouble(v);
    }

    boolean has(final String series)
    {
        return values.containsKey(series);
    }

    /** @return series whose text starts with a prefix. */
    List<String> seriesStartingWith(final String prefix)
    {
        final List<String> found = new ArrayList<>();
        for (final String s : values.keySet())
        {
            if (s.startsWith(prefix))
            {
                found.add(s);
            }
        }
        return found;
    }

    List<String> comments()
    {
        return comments;
    }

    int size()
    {
        return values.size();
    }

    String text()
    {
        return text;
    }
}
