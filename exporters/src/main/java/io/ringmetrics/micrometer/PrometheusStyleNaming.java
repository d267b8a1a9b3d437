package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;

/**
 * Micrometer's Prometheus naming convention, as {@code micrometer-registry-prometheus} applies it, without
 * depending on that module: dotted names become snake case, a meter's base unit is appended once, counters end in
 * {@code _total}, and every character Prometheus does not allow becomes {@code _}.
 * <table>
 *   <caption>Examples</caption>
 *   <tr><th>meter</th><th>name</th></tr>
 *   <tr><td>timer {@code http.server.requests}</td><td>{@code http_server_requests_seconds}</td></tr>
 *   <tr><td>counter {@code cache.misses}</td><td>{@code cache_misses_total}</td></tr>
 *   <tr><td>gauge {@code jvm.memory.used}, base unit {@code bytes}</td><td>{@code jvm_memory_used_bytes}</td></tr>
 *   <tr><td>tag {@code http.method}</td><td>label {@code http_method}</td></tr>
 * </table>
 * Stateless and thread-safe.
 */
public final class PrometheusStyleNaming implements NamingConvention
{
    /** The one instance. */
    public static final PrometheusStyleNaming INSTANCE = new PrometheusStyleNaming();

    private static final String TOTAL = "_total";

    private PrometheusStyleNaming()
    {
    }

    @Override
    public String name(final String name, final Meter.Type type, final String baseUnit)
    {
        String result = NamingConvention.snakeCase.name(name, type, baseUnit);
        switch (type)
        {
            case COUNTER:
            case DISTRIBUTION_SUMMARY:
            case GAUGE:
                result = withUnit(result, baseUnit);
                break;
            case TIMER:
            case LONG_TASK_TIMER:
                result = withUnit(result, "seconds");
                break;
            default:
                break;
        }
        result = sanitize(result, true);
        if (type == Meter.Type.COUNTER)
        {
            result = result.endsWith(TOTAL) ? result : result + TOTAL;
        }
        return result;
    }

    @Override
    public String tagKey(final String key)
    {
        return sanitize(NamingConvention.snakeCase.tagKey(key), false);
    }

    private static String withUnit(final String name, final String baseUnit)
    {
        if (baseUnit == null || baseUnit.isEmpty())
        {
            return name;
        }
        final String suffix = "_" + NamingConvention.snakeCase.name(baseUnit, Meter.Type.OTHER, null);
        final String stem = name.endsWith(TOTAL) ? name.substring(0, name.length() - TOTAL.length()) : name;
        return stem.endsWith(suffix) ? stem : stem + suffix;
    }

    /**
     * @param name        a snake-case name.
     * @param allowColons whether {@code :} is allowed (metric names) or not (label names).
     * @return the name with every disallowed character replaced by {@code _}, and {@code m_} (metrics) or
     *         {@code _} (labels) in front of a leading digit.
     */
    static String sanitize(final String name, final boolean allowColons)
    {
        final StringBuilder sb = new StringBuilder(name.length() + 2);
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                (c >= '0' && c <= '9') || (allowColons && c == ':');
            sb.append(ok ? c : '_');
        }
        if (sb.length() == 0 || (sb.charAt(0) >= '0' && sb.charAt(0) <= '9'))
        {
            sb.insert(0, allowColons ? "m_" : "_");
        }
        return sb.toString();
    }
}
