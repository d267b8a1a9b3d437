package io.ringmetrics.registry;

import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ValidationException;
import io.ringmetrics.limits.MetricsResourceConfig;

/**
 * Validation of metric names, label names and label values, run once at registration.
 * <ul>
 *   <li>metric name: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, 1..{@code max_metric_name_length} characters;</li>
 *   <li>label name: {@code [a-zA-Z_][a-zA-Z0-9_]*}, not starting with {@code __} (reserved by Prometheus),
 *       1..{@code max_label_name_length} characters, unique within a series;</li>
 *   <li>label value: at most {@code max_label_value_length} characters, none of {@code "}, {@code \}, newline,
 *       carriage return, {@code |} (the StatsD field delimiter) or another control character.</li>
 * </ul>
 * Every failure is a {@link ValidationException} whose message says what was wrong and what is allowed.
 */
public final class NameRules
{
    private final MetricsResourceConfig limits;

    /**
     * @param limits length and count limits.
     */
    public NameRules(final MetricsResourceConfig limits)
    {
        this.limits = limits;
    }

    /**
     * @param name metric name.
     * @throws ValidationException if invalid.
     */
    public void checkMetricName(final String name)
    {
        if (name == null || name.isEmpty())
        {
            throw new ValidationException(ErrorType.INVALID_NAME,
                "metric name is empty; allowed: [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        if (name.length() > limits.maxMetricNameLength())
        {
            throw new ValidationException(ErrorType.NAME_TOO_LONG, "metric name '" + abbreviate(name) + "' has " +
                name.length() + " characters; allowed: at most " + limits.maxMetricNameLength());
        }
        if (!isValidMetricName(name))
        {
            throw new ValidationException(ErrorType.INVALID_NAME, "metric name '" + abbreviate(name) +
                "' is invalid; allowed: [a-zA-Z_:][a-zA-Z0-9_:]* (no hyphen, no leading digit)");
        }
    }

    /**
     * A namespace or prefix follows the metric-name rule, without length limit other than the name's.
     *
     * @param what      what is checked, for the message, e.g. {@code "namespace"}.
     * @param namespace the value.
     * @throws ValidationException if invalid.
     */
    public static void checkNamespace(final String what, final String namespace)
    {
        if (namespace == null || namespace.isEmpty() || !isValidMetricName(namespace))
        {
            throw new ValidationException(ErrorType.INVALID_NAME, what + " '" + abbreviate(String.valueOf(namespace)) +
                "' is invalid; allowed: [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
    }

    /**
     * @param name label name.
     * @throws ValidationException if invalid.
     */
    public void checkLabelName(final String name)
    {
        if (name == null || name.isEmpty())
        {
            throw new ValidationException(ErrorType.INVALID_LABEL_NAME,
                "label name is empty; allowed: [a-zA-Z_][a-zA-Z0-9_]*, not starting with __");
        }
        if (name.length() > limits.maxLabelNameLength())
        {
            throw new ValidationException(ErrorType.LABEL_NAME_TOO_LONG, "label name '" + abbreviate(name) +
                "' has " + name.length() + " characters; allowed: at most " + limits.maxLabelNameLength());
        }
        if (!isValidLabelName(name) || name.startsWith("__"))
        {
            throw new ValidationException(ErrorType.INVALID_LABEL_NAME, "label name '" + printable(name) +
                "' is invalid; allowed: [a-zA-Z_][a-zA-Z0-9_]*, not starting with __ (reserved)");
        }
    }

    /**
     * @param name  label name, for the message.
     * @param value label value.
     * @throws ValidationException if invalid.
     */
    public void checkLabelValue(final String name, final String value)
    {
        if (value == null)
        {
            throw new ValidationException(ErrorType.INVALID_LABEL_VALUE, "label '" + name + "' has a null value");
        }
        if (value.length() > limits.maxLabelValueLength())
        {
            throw new ValidationException(ErrorType.LABEL_VALUE_TOO_LONG, "value of label '" + name + "' has " +
                value.length() + " characters; allowed: at most " + limits.maxLabelValueLength());
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == '|' || c < 0x20 || c == 0x7F)
            {
                throw new ValidationException(ErrorType.INVALID_LABEL_VALUE, "value of label '" + name + "' ('" +
                    printable(abbreviate(value)) + "') contains " + describe(c) +
                    "; not allowed: double quote, backslash, '|', newline or other control characters");
            }
        }
    }

    /**
     * @param strings the odd number of label strings given.
     * @return e.g. {@code labels must be name/value pairs (an even number of strings); got 1 string: a label name
     *         without its value}.
     */
    static String oddPairsMessage(final int strings)
    {
        return "labels must be name/value pairs (an even number of strings); got " + strings +
            (strings == 1 ? " string: a label name without its value" : " strings: the last label name has no value");
    }

    /**
     * Checks a label set given as name/value pairs, and returns the names sorted (canonical order).
     *
     * @param pairs name/value pairs.
     * @return sorted label names.
     * @throws ValidationException if the pairs are malformed or any name or value is invalid.
     */
    public String[] checkLabels(final String[] pairs)
    {
        if (pairs == null)
        {
            return new String[0];
        }
        if ((pairs.length & 1) != 0)
        {
            throw new ValidationException(ErrorType.INVALID_LABELS, oddPairsMessage(pairs.length));
        }
        final int count = pairs.length / 2;
        if (count > limits.maxLabelsPerMetric())
        {
            throw new ValidationException(ErrorType.TOO_MANY_LABELS, count + " labels given; allowed: at most " +
                limits.maxLabelsPerMetric() + " per metric");
        }
        final String[] names = new String[count];
        for (int i = 0; i < count; i++)
        {
            final String name = pairs[2 * i];
            checkLabelName(name);
            checkLabelValue(name, pairs[2 * i + 1]);
            names[i] = name;
        }
        java.util.Arrays.sort(names);
        for (int i = 1; i < count; i++)
        {
            if (names[i].equals(names[i - 1]))
            {
                throw new ValidationException(ErrorType.DUPLICATE_LABEL, "label '" + names[i] +
                    "' is given more than once; label names must be unique within a series");
            }
        }
        return names;
    }

    /**
     * @param name candidate.
     * @return whether it matches {@code [a-zA-Z_:][a-zA-Z0-9_:]*}.
     */
    public static boolean isValidMetricName(final String name)
    {
        if (name.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                (i > 0 && c >= '0' && c <= '9');
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param name candidate.
     * @return whether it matches {@code [a-zA-Z_][a-zA-Z0-9_]*}.
     */
    public static boolean isValidLabelName(final String name)
    {
        if (name.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                (i > 0 && c >= '0' && c <= '9');
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static String describe(final char c)
    {
        switch (c)
        {
            case '"':
                return "a double quote";
            case '\\':
                return "a backslash";
            case '\n':
                return "a newline";
            case '\r':
                return "a carriage return";
            case '|':
                return "'|' (the StatsD field delimiter)";
            default:
                return String.format("control character U+%04X", (int)c);
        }
    }

    private static String abbreviate(final String s)
    {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    private static String printable(final String s)
    {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\"", "\\\"");
    }
}
