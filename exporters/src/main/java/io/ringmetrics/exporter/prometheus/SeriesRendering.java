package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.model.snapshots.Labels;
import io.ringmetrics.registry.SeriesDescriptor;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * What the Prometheus exporter precomputes once per series and keeps in {@link SeriesDescriptor#exporterCache()}:
 * the label set rendered as exposition bytes, {@code {a="x",b="y"} without the closing brace (empty when the series
 * has no labels), and, built on first use by the client_java path, its {@link Labels}.
 * <p>
 * <b>Threading.</b> Any exporter thread. Created on the first scrape that sees the series; two concurrent scrapes may
 * both create one, and either is kept. The bytes are final; {@link Labels} is immutable with final fields, so the
 * lazily set field is published safely by the race (single-check idiom).
 * <p>
 * The rendering does not depend on the namespace, so every Prometheus exporter of one engine shares it. If another
 * exporter stores something else in the descriptor, it is rebuilt on the next scrape.
 */
final class SeriesRendering
{
    /** The order of client_java's {@code Labels.compareTo}: label names first, then values, as strings. */
    static final Comparator<SeriesDescriptor> LABEL_ORDER = SeriesRendering::compareLabels;

    private final byte[] labelsOpen;
    private Labels labels; // lazily, see class comment

    private SeriesRendering(final byte[] labelsOpen)
    {
        this.labelsOpen = labelsOpen;
    }

    /**
     * The rendering of a series, created and cached on first use.
     *
     * @param series a series.
     * @return its rendering.
     */
    static SeriesRendering of(final SeriesDescriptor series)
    {
        final Object cached = series.exporterCache();
        if (cached instanceof SeriesRendering)
        {
            return (SeriesRendering)cached;
        }
        final SeriesRendering rendering = new SeriesRendering(renderLabels(series));
        series.exporterCache(rendering);
        return rendering;
    }

    /** @return {@code {name="value",...} without the closing brace, or an empty array for no labels. */
    byte[] labelsOpen()
    {
        return labelsOpen;
    }

    /**
     * @param series the series this rendering belongs to.
     * @return its labels for client_java's model.
     */
    Labels labels(final SeriesDescriptor series)
    {
        Labels l = labels;
        if (l == null)
        {
            final int n = series.labelCount();
            final String[] names = new String[n];
            final String[] values = new String[n];
            for (int i = 0; i < n; i++)
            {
                names[i] = series.labelName(i);
                values[i] = series.labelValue(i);
            }
            l = Labels.of(names, values);
            labels = l;
        }
        return l;
    }

    private static byte[] renderLabels(final SeriesDescriptor series)
    {
        final int n = series.labelCount();
        if (n == 0)
        {
            return new byte[0];
        }
        final StringBuilder sb = new StringBuilder(16 * n);
        sb.append('{');
        for (int i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            sb.append(series.labelName(i)).append("=\"");
            appendEscapedLabelValue(sb, series.labelValue(i));
            sb.append('"');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Escapes a label value as {@code TextFormatUtil.writeEscapedString}: backslash, double quote and newline.
     *
     * @param sb    destination.
     * @param value label value.
     */
    static void appendEscapedLabelValue(final StringBuilder sb, final String value)
    {
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '\\':
                    sb.append("\\\\");
                    break;
                case '"':
                    sb.append("\\\"");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                default:
                    sb.append(c);
            }
        }
    }

    private static int compareLabels(final SeriesDescriptor a, final SeriesDescriptor b)
    {
        final int na = a.labelCount();
        final int nb = b.labelCount();
        for (int i = 0; i < na; i++)
        {
            if (i >= nb)
            {
                return 1;
            }
            final int c = a.labelName(i).compareTo(b.labelName(i));
            if (c != 0)
            {
                return c;
            }
        }
        if (nb > na)
        {
            return -1;
        }
        for (int i = 0; i < na; i++)
        {
            final int c = a.labelValue(i).compareTo(b.labelValue(i));
            if (c != 0)
            {
                return c;
            }
        }
        return 0;
    }
}
