package io.ringmetrics.exporter.statsd;

import io.ringmetrics.config.StatsdTagStyle;

import java.nio.charset.StandardCharsets;

/**
 * Renders StatsD keys and DogStatsD tag blocks, once per series, as UTF-8 bytes.
 * <p>
 * What the registry already guarantees: metric names match {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names
 * {@code [a-zA-Z_][a-zA-Z0-9_]*}, label values contain no {@code "}, {@code \}, {@code |}, newline or control
 * character. What is left to escape here:
 * <ul>
 *   <li><b>metric name</b>: {@code :} (the StatsD name/value separator) becomes {@code _};</li>
 *   <li><b>label value folded into the name</b> ({@link StatsdTagStyle#NONE}): every character outside
 *       {@code [a-zA-Z0-9_-]} becomes {@code _} (one per code point), so that a value can neither add a level
 *       ({@code .}), end the key ({@code :}), nor be silently dropped or rewritten by a daemon's key sanitizer
 *       ({@code #}, {@code ,}, {@code @}, spaces, {@code /}, non-ASCII). Folding is lossy: {@code "10.0.0.1:80"}
 *       and {@code "10_0_0_1_80"} give the same key;</li>
 *   <li><b>DogStatsD tag value</b> ({@link StatsdTagStyle#DOGSTATSD}): {@code ,} (the tag separator) and whitespace
 *       become {@code _}; everything else, including {@code :}, {@code .}, {@code #}, {@code @} and non-ASCII, is sent
 *       as is (the first {@code :} of a tag separates name and value, and label names never contain one); an unpaired
 *       surrogate becomes {@code _} as well.</li>
 * </ul>
 * <b>Threading.</b> Stateless; called on the flush thread when a series is first seen.
 */
final class StatsdNames
{
    private StatsdNames()
    {
    }

    /**
     * The key of a series without its statistic suffix: {@code [prefix.]name} and, with tag style NONE,
     * {@code .label_value} per label in the given order.
     *
     * @param prefix      prefix or {@code null}.
     * @param metricName  metric name.
     * @param style       tag style.
     * @param labelNames  label names.
     * @param labelValues label values, same order.
     * @return UTF-8 bytes.
     */
    static byte[] key(
        final String prefix, final String metricName, final StatsdTagStyle style, final String[] labelNames,
        final String[] labelValues)
    {
        final StringBuilder sb = new StringBuilder(64);
        if (prefix != null)
        {
            sb.append(prefix).append('.');
        }
        appendMetricName(sb, metricName);
        if (style == StatsdTagStyle.NONE)
        {
            for (int i = 0; i < labelNames.length; i++)
            {
                sb.append('.').append(labelNames[i]).append('_');
                appendFoldedValue(sb, labelValues[i]);
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The tag block appended after the type: {@code |#name:value,name:value}, or empty for NONE or no labels.
     *
     * @param style       tag style.
     * @param labelNames  label names.
     * @param labelValues label values, same order.
     * @return UTF-8 bytes, possibly empty.
     */
    static byte[] tags(final StatsdTagStyle style, final String[] labelNames, final String[] labelValues)
    {
        if (style != StatsdTagStyle.DOGSTATSD || labelNames.length == 0)
        {
            return new byte[0];
        }
        final StringBuilder sb = new StringBuilder(32).append("|#");
        for (int i = 0; i < labelNames.length; i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            sb.append(labelNames[i]).append(':');
            appendTagValue(sb, labelValues[i]);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void appendMetricName(final StringBuilder sb, final String name)
    {
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            sb.append(isKeyChar(c) ? c : '_');
        }
    }

    static void appendFoldedValue(final StringBuilder sb, final String value)
    {
        for (int i = 0; i < value.length(); )
        {
            final int cp = value.codePointAt(i);
            sb.append(cp < 0x80 && isKeyChar((char)cp) ? (char)cp : '_');
            i += Character.charCount(cp);
        }
    }

    static void appendTagValue(final StringBuilder sb, final String value)
    {
        for (int i = 0; i < value.length(); )
        {
            final int cp = value.codePointAt(i);
            if (cp == ',' || cp == '|' || cp == '\n' || Character.isWhitespace(cp) || Character.isSpaceChar(cp) ||
                Character.isISOControl(cp) || (cp <= 0xFFFF && Character.isSurrogate((char)cp)))
            {
                sb.append('_');
            }
            else
            {
                sb.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
    }

    private static boolean isKeyChar(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
}
