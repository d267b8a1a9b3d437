package io.ringmetrics.exporter.prometheus;

import java.nio.charset.StandardCharsets;

/**
 * One family as it appears in an exposition, precomputed once: its names as client_java derives them, the
 * {@code # HELP}/{@code # TYPE} header in both text formats, and the encoded sample names and extra labels.
 * <p>
 * <b>Threading.</b> Immutable; shared by every scrape.
 * <p>
 * Names follow client_java 1.10.0 exactly, since its writers are the reference:
 * <ul>
 *   <li>counter {@code x_total} or {@code x}: base name {@code x} (one {@code _total} stripped), samples
 *       {@code x_total}, text header on {@code x_total}, OpenMetrics header on {@code x};</li>
 *   <li>gauge and summary {@code x}: samples and headers on {@code x};</li>
 *   <li>histogram {@code x}: samples {@code x_bucket}, {@code x_count}, {@code x_sum}, headers on {@code x}.</li>
 * </ul>
 * Families are ordered by {@link #sortName()} (client_java's {@code MetricSnapshots} order: the base name), and
 * every family "claims" the names its samples and metadata use, so that two families that would collide in an
 * exposition are detected before writing one (see {@link RingMetricsCollector}).
 */
final class ExposedFamily
{
    /** Prometheus type of the family. */
    enum Kind
    {
        COUNTER("counter"),
        GAUGE("gauge"),
        HISTOGRAM("histogram"),
        SUMMARY("summary");

        final String typeName;

        Kind(final String typeName)
        {
            this.typeName = typeName;
        }
    }

    private static final String TOTAL = "_total";

    private final Kind kind;
    private final String clientName;
    private final String sortName;
    private final String help;
    private final String[] claims;
    private final byte[] textHeader;
    private final byte[] openMetricsHeader;
    private final byte[] sampleName;
    private final byte[] countName;
    private final byte[] sumName;
    private final byte[][] extraLabels;
    private final byte[] createdName;
    private final byte[] createdTextHeader;

    /**
     * @param kind             Prometheus type.
     * @param name             the name as given to client_java's builder (namespace included; counters with or
     *                         without {@code _total}); must match {@code [a-zA-Z_:][a-zA-Z0-9_:]*}.
     * @param help             help text, not empty.
     * @param extraLabelValues histogram: upper bounds including {@code +Inf}; summary: quantiles; else
     *                         {@code null}.
     */
    ExposedFamily(final Kind kind, final String name, final String help, final double[] extraLabelValues)
    {
        this.kind = kind;
        this.clientName = name;
        this.help = help;
        final String metadataName; // name of the OpenMetrics family
        final String textName; // name in the text format's HELP/TYPE lines
        switch (kind)
        {
            case COUNTER:
                metadataName = name.endsWith(TOTAL) ? name.substring(0, name.length() - TOTAL.length()) : name;
                textName = metadataName + TOTAL;
                claims = new String[] { metadataName, metadataName + TOTAL, metadataName + "_created" };
                sampleName = ascii(textName);
                countName = null;
                sumName = null;
                break;
            case GAUGE:
                metadataName = name;
                textName = name;
                claims = new String[] { name };
                sampleName = ascii(name);
                countName = null;
                sumName = null;
                break;
            case HISTOGRAM:
                metadataName = name;
                textName = name;
                claims = new String[] { name, name + "_bucket", name + "_count", name + "_sum", name + "_created" };
                sampleName = ascii(name + "_bucket");
                countName = ascii(name + "_count");
                sumName = ascii(name + "_sum");
                break;
            case SUMMARY:
                metadataName = name;
                textName = name;
                claims = new String[] { name, name + "_count", name + "_sum", name + "_created" };
                sampleName = ascii(name);
                countName = ascii(name + "_count");
                sumName = ascii(name + "_sum");
                break;
            default:
                throw new IllegalArgumentException(kind.toString());
        }
        this.sortName = metadataName;
        this.textHeader = ((help.isEmpty() ? "" : "# HELP " + textName + ' ' + escapeTextHelp(help) + '\n') +
            "# TYPE " + textName + ' ' + kind.typeName + '\n').getBytes(StandardCharsets.UTF_8);
        this.openMetricsHeader = ("# TYPE " + metadataName + ' ' + kind.typeName + '\n' +
            (help.isEmpty() ? "" : "# HELP " + metadataName + ' ' + escapeOpenMetricsHelp(help) + '\n'))
            .getBytes(StandardCharsets.UTF_8);
        this.extraLabels = extraLabelValues == null ? null : extraLabels(kind, extraLabelValues);
        this.createdName = ascii(metadataName + "_created");
        this.createdTextHeader = ((help.isEmpty() ? "" : "# HELP " + metadataName + "_created " +
            escapeTextHelp(help) + '\n') + "# TYPE " + metadataName + "_created gauge\n")
            .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[][] extraLabels(final Kind kind, final double[] values)
    {
        final String labelName = kind == Kind.HISTOGRAM ? "le" : "quantile";
        final byte[][] labels = new byte[values.length][];
        for (int i = 0; i < values.length; i++)
        {
            final double v = values[i];
            final String text = v == Double.POSITIVE_INFINITY ? "+Inf" :
                v == Double.NEGATIVE_INFINITY ? "-Inf" : Double.toString(v);
            labels[i] = ascii(labelName + "=\"" + text + "\"}");
        }
        return labels;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** As {@code PrometheusTextFormatWriter.writeEscapedHelp}: backslash and newline. */
    private static String escapeTextHelp(final String help)
    {
        final StringBuilder sb = new StringBuilder(help.length() + 8);
        for (int i = 0; i < help.length(); i++)
        {
            final char c = help.charAt(i);
            if (c == '\\')
            {
                sb.append("\\\\");
            }
            else if (c == '\n')
            {
                sb.append("\\n");
            }
            else
            {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** As {@code TextFormatUtil.writeEscapedString}: backslash, double quote and newline. */
    private static String escapeOpenMetricsHelp(final String help)
    {
        final StringBuilder sb = new StringBuilder(help.length() + 8);
        SeriesRendering.appendEscapedLabelValue(sb, help);
        return sb.toString();
    }

    /** @return the Prometheus type. */
    Kind kind()
    {
        return kind;
    }

    /** @return the name given to client_java's snapshot builder. */
    String clientName()
    {
        return clientName;
    }

    /** @return client_java's {@code prometheusName}: the exposition order key. */
    String sortName()
    {
        return sortName;
    }

    /** @return help text. */
    String help()
    {
        return help;
    }

    /** @return every exposition name this family uses or reserves. */
    String[] claims()
    {
        return claims;
    }

    /**
     * @param openMetrics OpenMetrics 1.0 ({@code # TYPE} first) or text 0.0.4 ({@code # HELP} first).
     * @return the header lines.
     */
    byte[] header(final boolean openMetrics)
    {
        return openMetrics ? openMetricsHeader : textHeader;
    }

    /** @return name of the main samples: {@code x_total}, {@code x}, or {@code x_bucket}. */
    byte[] sampleName()
    {
        return sampleName;
    }

    /** @return {@code x_count} for histograms and summaries, else {@code null}. */
    byte[] countName()
    {
        return countName;
    }

    /** @return {@code x_sum} for histograms and summaries, else {@code null}. */
    byte[] sumName()
    {
        return sumName;
    }

    /** @return {@code x_created}: the name of a counter's or histogram's creation time samples. */
    byte[] createdName()
    {
        return createdName;
    }

    /**
     * @return the header of the text format's separate {@code x_created} gauge family, which client_java's
     *         {@code PrometheusTextFormatWriter} writes after every other family when created timestamps are on.
     */
    byte[] createdTextHeader()
    {
        return createdTextHeader;
    }

    /**
     * @param i bucket or quantile index.
     * @return {@code le="<bound>"}} or {@code quantile="<q>"}}, closing brace included.
     */
    byte[] extraLabel(final int i)
    {
        return extraLabels[i];
    }

    /** @return number of buckets or quantiles. */
    int extraLabelCount()
    {
        return extraLabels == null ? 0 : extraLabels.length;
    }
}
