package io.ringmetrics.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the OTLP exporter, resolved as the OpenTelemetry SDK's autoconfigure resolves the standard
 * {@code OTEL_*} variables (read by {@link EnvironmentConfig}; built in code with {@link #builder()}). Immutable.
 * <ul>
 *   <li>endpoint: {@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT} as given, else {@code OTEL_EXPORTER_OTLP_ENDPOINT} with
 *       {@value #METRICS_PATH} appended (after a {@code /}), else {@value #DEFAULT_ENDPOINT}{@value #METRICS_PATH};
 *       {@code http} or {@code https} only;</li>
 *   <li>headers and resource attributes: {@code key=value} pairs separated by commas, values percent-decoded;</li>
 *   <li>{@code service.name}: {@code OTEL_SERVICE_NAME}, else the one in {@code OTEL_RESOURCE_ATTRIBUTES}, else
 *       {@value #DEFAULT_SERVICE_NAME};</li>
 *   <li>timeout (per request) and export interval: milliseconds, or a number with a unit {@code ms}, {@code s},
 *       {@code m}, {@code h}.</li>
 * </ul>
 */
public final class OtlpSettings
{
    /** Default of {@code OTEL_EXPORTER_OTLP_ENDPOINT} (OTLP/HTTP). */
    public static final String DEFAULT_ENDPOINT = "http://localhost:4318";
    /** Path appended to {@code OTEL_EXPORTER_OTLP_ENDPOINT} for metrics. */
    public static final String METRICS_PATH = "/v1/metrics";
    /** Default of {@code OTEL_EXPORTER_OTLP_TIMEOUT}: the longest wait for one request. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@code OTEL_METRIC_EXPORT_INTERVAL}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    /** {@code service.name} when neither {@code OTEL_SERVICE_NAME} nor the resource attributes give one. */
    public static final String DEFAULT_SERVICE_NAME = "unknown_service:java";
    /** Shortest timeout and interval, in milliseconds. */
    public static final long MIN_MILLIS = 1;
    /** Longest timeout and interval, in milliseconds (one hour). */
    public static final long MAX_MILLIS = 3_600_000;
    /** The only protocol ({@code OTEL_EXPORTER_OTLP_PROTOCOL}). */
    public static final String PROTOCOL = "http/protobuf";

    /** Every default. */
    public static final OtlpSettings DEFAULTS = builder().build();

    private final String endpoint;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final Duration interval;
    private final Map<String, String> resource;
    private final OtlpTemporality temporality;

    private OtlpSettings(final Builder b)
    {
        this.endpoint = b.endpoint;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.timeout = b.timeout;
        this.interval = b.interval;
        final Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("service.name", b.serviceName != null ? b.serviceName :
            b.resourceAttributes.getOrDefault("service.name", DEFAULT_SERVICE_NAME));
        b.resourceAttributes.forEach(attributes::putIfAbsent);
        this.resource = Collections.unmodifiableMap(attributes);
        this.temporality = b.temporality;
    }

    /** @return a builder with every default. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** @return the full URL metrics are posted to, e.g. {@code http://localhost:4318/v1/metrics}. */
    public String endpoint()
    {
        return endpoint;
    }

    /** @return headers of every request, in the order given. */
    public Map<String, String> headers()
    {
        return headers;
    }

    /** @return longest wait for one request. */
    public Duration timeout()
    {
        return timeout;
    }

    /** @return time between two exports. */
    public Duration interval()
    {
        return interval;
    }

    /** @return resource attributes, {@code service.name} first. */
    public Map<String, String> resource()
    {
        return resource;
    }

    /** @return temporality of sums and histograms. */
    public OtlpTemporality temporality()
    {
        return temporality;
    }

    @Override
    public String toString()
    {
        return endpoint + " interval=" + interval.toMillis() + "ms timeout=" + timeout.toMillis() + "ms temporality=" +
            temporality.name().toLowerCase(Locale.ROOT) + " headers=" + headers.keySet() + " resource=" + resource;
    }

    /**
     * The metrics URL for {@code OTEL_EXPORTER_OTLP_ENDPOINT}: {@value #METRICS_PATH} appended after one {@code /}.
     *
     * @param base the base endpoint, e.g. {@code http://collector:4318}.
     * @return e.g. {@code http://collector:4318/v1/metrics}.
     */
    public static String metricsEndpoint(final String base)
    {
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + METRICS_PATH;
    }

    /**
     * Checks an OTLP/HTTP URL.
     *
     * @param url the URL.
     * @return {@code null} if it is an absolute {@code http} or {@code https} URL with a host, else what is wrong.
     */
    static String checkUrl(final String url)
    {
        try
        {
            final URI uri = new URI(url);
            final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null)
            {
                return "an http:// or https:// URL with a host, e.g. " + DEFAULT_ENDPOINT;
            }
            return null;
        }
        catch (final URISyntaxException ex)
        {
            return "an http:// or https:// URL with a host, e.g. " + DEFAULT_ENDPOINT;
        }
    }

    /**
     * Parses {@code key1=value1,key2=value2} as the OTel SDK does: pairs separated by commas, each split at its first
     * {@code =}, key and value trimmed, neither empty; values percent-decoded ({@code %20}); a later key wins.
     *
     * @param text the variable's value.
     * @return the pairs in order.
     * @throws IllegalArgumentException if a pair has no {@code =}, an empty key or value, or a bad {@code %} escape.
     */
    static Map<String, String> keyValues(final String text)
    {
        final Map<String, String> pairs = new LinkedHashMap<>();
        for (final String pair : text.split(","))
        {
            if (pair.isBlank())
            {
                continue;
            }
            final int eq = pair.indexOf('=');
            if (eq < 0)
            {
                throw new IllegalArgumentException(pair.trim());
            }
            final String key = pair.substring(0, eq).trim();
            final String value = percentDecode(pair.substring(eq + 1).trim());
            if (key.isEmpty() || value.isEmpty())
            {
                throw new IllegalArgumentException(pair.trim());
            }
            pairs.put(key, value);
        }
        return pairs;
    }

    private static String percentDecode(final String text)
    {
        if (text.indexOf('%') < 0)
        {
            return text;
        }
        final byte[] out = new byte[text.length() * 3];
        int n = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '%')
            {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0 ||
                    Character.digit(text.charAt(i + 2), 16) < 0)
                {
                    throw new IllegalArgumentException(text);
                }
                out[n++] = (byte)(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 2;
            }
            else
            {
                final byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, out, n, utf8.length);
                n += utf8.length;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Parses a duration as the OTel SDK's autoconfigure does: a whole number of milliseconds, or a whole number
     * followed by {@code ms}, {@code s}, {@code m} or {@code h}.
     *
     * @param text the value.
     * @return milliseconds, or -1 if it is not such a duration.
     */
    static long millis(final String text)
    {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        int end = 0;
        while (end < t.length() && Character.isDigit(t.charAt(end)))
        {
            end++;
        }
        if (end == 0 || end > 12)
        {
            return -1;
        }
        final long number = Long.parseLong(t.substring(0, end));
        switch (t.substring(end).trim())
        {
            case "":
            case "ms":
                return number;
            case "s":
                return number * 1_000;
            case "m":
                return number * 60_000;
            case "h":
                return number * 3_600_000;
            default:
                return -1;
        }
    }

    /** Builder of {@link OtlpSettings}. */
    public static final class Builder
    {
        private String endpoint = metricsEndpoint(DEFAULT_ENDPOINT);
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration interval = DEFAULT_INTERVAL;
        private String serviceName;
        private final Map<String, String> resourceAttributes = new LinkedHashMap<>();
        private OtlpTemporality temporality = OtlpTemporality.CUMULATIVE;

        private Builder()
        {
        }

        /**
         * @param url the full metrics URL (as {@code OTEL_EXPORTER_OTLP_METRICS_ENDPOINT}).
         * @return this
         * @throws IllegalArgumentException if not an http or https URL.
         */
        public Builder endpoint(final String url)
        {
            final String problem = checkUrl(Objects.requireNonNull(url, "url"));
            if (problem != null)
            {
                throw new IllegalArgumentException("OTLP endpoint '" + url + "' is invalid; allowed: " + problem);
            }
            endpoint = url;
            return this;
        }

        /** @param name header name @param value header value @return this */
        public Builder header(final String name, final String value)
        {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** @param v longest wait for one request, positive @return this */
        public Builder timeout(final Duration v)
        {
            timeout = positive(v, "timeout");
            return this;
        }

        /** @param v time between two exports, positive @return this */
        public Builder interval(final Duration v)
        {
            interval = positive(v, "interval");
            return this;
        }

        /** @param v {@code service.name}, or {@code null} for the resource attributes' or the default @return this */
        public Builder serviceName(final String v)
        {
            serviceName = v;
            return this;
        }

        /** @param key attribute key @param value attribute value @return this */
        public Builder resourceAttribute(final String key, final String value)
        {
            resourceAttributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** @param v temporality of sums and histograms @return this */
        public Builder temporality(final OtlpTemporality v)
        {
            temporality = Objects.requireNonNull(v, "temporality");
            return this;
        }

        /** @return the settings. */
        public OtlpSettings build()
        {
            return new OtlpSettings(this);
        }

        private static Duration positive(final Duration v, final String what)
        {
            if (v == null || v.isNegative() || v.isZero())
            {
                throw new IllegalArgumentException("the OTLP " + what + " must be positive: " + v);
            }
            return v;
        }
    }
}
