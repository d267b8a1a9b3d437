package io.ringmetrics.shm;

import java.util.List;

/**
 * One series read from a store file, consistent in itself: its record did not change while it was read, and a
 * histogram's count equals the sum of its buckets.
 *
 * @param slot          record index.
 * @param generation    record generation: bumped each time the record is given to a new series.
 * @param type          {@code counter}, {@code gauge} or {@code histogram}.
 * @param name          metric name.
 * @param labels        label names and values, alternating, in the engine's canonical (sorted) order.
 * @param keyTruncated  whether labels were left out because name and labels exceed the record's key area.
 * @param value         a counter's value, a gauge's value; a histogram's sum.
 * @param count         a histogram's count (a counter's value as a long; 0 for a gauge).
 * @param bucketBounds  a histogram's finite bucket upper bounds (empty otherwise, or when not in the file).
 * @param bucketCounts  a histogram's per-bucket counts, not cumulative, the last one {@code +Inf}.
 */
public record SeriesReading(
    int slot, int generation, String type, String name, List<String> labels, boolean keyTruncated, double value,
    long count, double[] bucketBounds, long[] bucketCounts)
{
    /** @return whether this is a histogram. */
    public boolean isHistogram()
    {
        return "histogram".equals(type);
    }

    /**
     * @return {@code name{k="v",...}} with Prometheus escaping of the values.
     */
    public String seriesName()
    {
        final StringBuilder sb = new StringBuilder(name);
        if (!labels.isEmpty())
        {
            sb.append('{');
            for (int i = 0; i < labels.size(); i += 2)
            {
                if (i > 0)
                {
                    sb.append(',');
                }
                sb.append(labels.get(i)).append("=\"");
                final String v = labels.get(i + 1);
                for (int c = 0; c < v.length(); c++)
                {
                    final char ch = v.charAt(c);
                    sb.append(ch == '\\' ? "\\\\" : ch == '"' ? "\\\"" : ch == '\n' ? "\\n" : String.valueOf(ch));
                }
                sb.append('"');
            }
            sb.append('}');
        }
        return sb.toString();
    }
}
