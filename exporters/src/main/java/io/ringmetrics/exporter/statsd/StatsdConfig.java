package io.ringmetrics.exporter.statsd;

import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.config.MetricsSettings;
import io.ringmetrics.config.StatsdProtocol;
import io.ringmetrics.config.StatsdTagStyle;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a {@link StatsdExporter}. Build with {@link #builder()}, or take them from
 * {@link MetricsSettings} ({@link #from(MetricsSettings)}, which is how {@code STATSD_HOST}, {@code STATSD_PORT},
 * {@code STATSD_PREFIX}, {@code STATSD_FLUSH_INTERVAL_MS}, {@code STATSD_MAX_PACKET_SIZE}, {@code STATSD_TAG_STYLE},
 * {@code STATSD_PROTOCOL} and the {@code METRICS_*} error settings arrive). Builder setters reject a value out of range with an
 * {@link IllegalArgumentException} naming the setting, the value and what is allowed.
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>host</td><td>{@code localhost}</td><td>host name or IP literal, resolved at the first flush and again
 *       after every failure</td></tr>
 *   <tr><td>port</td><td>8125</td><td>1..65535</td></tr>
 *   <tr><td>protocol</td><td>{@link StatsdProtocol#DEFAULT} ({@code UDP})</td><td>{@code UDP}, or {@code TCP}: one
 *       connection, back-pressure instead of loss when the daemon stops reading (see {@link StatsdFlusher})</td></tr>
 *   <tr><td>prefix</td><td>none</td><td>dot-separated segments of {@code [a-zA-Z0-9_-]}, e.g. {@code myapp.prod};
 *       joined to every key with {@code .}</td></tr>
 *   <tr><td>flush interval</td><td>10 s</td><td>10 ms..1 h</td></tr>
 *   <tr><td>max packet size</td><td>1432 bytes</td><td>64..65507 bytes of UDP payload (over TCP: the largest
 *       write, which also bounds a line)</td></tr>
 *   <tr><td>tag style</td><td>{@code NONE}</td><td>{@code NONE} (labels folded into the dotted name) or
 *       {@code DOGSTATSD} ({@code |#k:v,...})</td></tr>
 *   <tr><td>errors</td><td>{@link MetricsErrorConfig#DEFAULTS}</td><td>error settings of the exporter's
 *       {@link io.ringmetrics.error.ErrorHandler}: {@code logExportErrors} ({@code METRICS_LOG_EXPORT_ERRORS})
 *       and {@code errorLogLevel} ({@code METRICS_ERROR_LOG_LEVEL}) govern its log lines</td></tr>
 * </table>
 */
public final class StatsdConfig
{
    /** Defaults: localhost:8125, no prefix, 10 s, 1432 bytes, NONE. */
    public static final StatsdConfig DEFAULTS = builder().build();

    /** Smallest accepted max packet size. */
    public static final int MIN_PACKET_SIZE = 64;
    /** Largest UDP payload over IPv4. */
    public static final int MAX_PACKET_SIZE = 65_507;

    private final String host;
    private final int port;
    private final StatsdProtocol protocol;
    private final String prefix;
    private final Duration flushInterval;
    private final int maxPacketSize;
    private final StatsdTagStyle tagStyle;
    private final MetricsErrorConfig errors;

    private StatsdConfig(final Builder b)
    {
        this.host = b.host;
        this.port = b.port;
        this.protocol = b.protocol;
        this.prefix = b.prefix;
        this.flushInterval = b.flushInterval;
        this.maxPacketSize = b.maxPacketSize;
        this.tagStyle = b.tagStyle;
        this.errors = b.errors;
    }

    /** @return a builder with the defaults. */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * The StatsD part of resolved settings: host, port, protocol, prefix, flush interval, packet size and tag style, plus the
     * error settings ({@link MetricsSettings#errors()}).
     *
     * @param settings settings, e.g. from {@link EnvironmentConfig#fromEnv()}.
     * @return the configuration.
     * @throws IllegalArgumentException if a value is out of range.
     */
    public static StatsdConfig from(final MetricsSettings settings)
    {
        return builder()
            .host(settings.statsdHost())
            .port(settings.statsdPort())
            .protocol(settings.statsdProtocol())
            .prefix(settings.statsdPrefix())
            .flushInterval(settings.statsdFlushInterval())
            .maxPacketSize(settings.statsdMaxPacketSize())
            .tagStyle(settings.statsdTagStyle())
            .errors(settings.errors())
            .build();
    }

    /**
     * Reads the process environment ({@code STATSD_*} and the error-log variables).
     *
     * @return the configuration.
     * @throws io.ringmetrics.error.ConfigurationException listing every bad variable.
     */
    public static StatsdConfig fromEnv()
    {
        return from(EnvironmentConfig.fromEnv());
    }

    /** @return a builder holding this configuration. */
    public Builder toBuilder()
    {
        return builder().host(host).port(port).protocol(protocol).prefix(prefix).flushInterval(flushInterval).maxPacketSize(maxPacketSize)
            .tagStyle(tagStyle).errors(errors);
    }

    /** @return host name or address of the StatsD daemon. */
    public String host()
    {
        return host;
    }

    /** @return UDP or TCP port of the StatsD daemon. */
    public int port()
    {
        return port;
    }

    /** @return how the daemon is reached. */
    public StatsdProtocol protocol()
    {
        return protocol;
    }

    /** @return key prefix without trailing dot, or {@code null} for none. */
    public String prefix()
    {
        return prefix;
    }

    /** @return time between two flushes. */
    public Duration flushInterval()
    {
        return flushInterval;
    }

    /** @return largest datagram payload sent, in bytes. */
    public int maxPacketSize()
    {
        return maxPacketSize;
    }

    /** @return how labels are sent. */
    public StatsdTagStyle tagStyle()
    {
        return tagStyle;
    }

    /** @return error settings of the exporter's error handler (export log switch and level). */
    public MetricsErrorConfig errors()
    {
        return errors;
    }

    @Override
    public String toString()
    {
        return "statsd{host=" + host + ", port=" + port + ", protocol=" + protocol + ", prefix=" + (prefix == null ? "" : prefix) +
            ", flush_interval=" + flushInterval.toMillis() + "ms, max_packet_size=" + maxPacketSize +
            ", tag_style=" + tagStyle + '}';
    }

    /**
     * Checks a StatsD key prefix: dot-separated, non-empty segments of {@code [a-zA-Z0-9_-]} (the same rule as
     * {@code STATSD_PREFIX}). These characters survive every StatsD key sanitizer unchanged and cannot be taken for
     * a delimiter ({@code :}, {@code |}, {@code @}, {@code #}, newline).
     *
     * @param prefix candidate.
     * @return whether it is valid.
     */
    public static boolean isValidPrefix(final String prefix)
    {
        if (prefix.isEmpty() || prefix.startsWith(".") || prefix.endsWith(".") || prefix.contains(".."))
        {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++)
        {
            final char c = prefix.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '.';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    /** Builder of {@link StatsdConfig}. */
    public static final class Builder
    {
        private String host = "localhost";
        private int port = 8125;
        private StatsdProtocol protocol = StatsdProtocol.DEFAULT;
        private String prefix;
        private Duration flushInterval = Duration.ofSeconds(10);
        private int maxPacketSize = 1432;
        private StatsdTagStyle tagStyle = StatsdTagStyle.NONE;
        private MetricsErrorConfig errors = MetricsErrorConfig.DEFAULTS;

        private Builder()
        {
        }

        /**
         * @param value host name or IP literal, non-blank, without whitespace.
         * @return this.
         */
        public Builder host(final String value)
        {
            if (value == null || value.isBlank())
            {
                throw new IllegalArgumentException("statsd host must be a host name or IP address, was " +
                    (value == null ? "null" : "blank"));
            }
            for (int i = 0; i < value.length(); i++)
            {
                if (Character.isWhitespace(value.charAt(i)) || Character.isISOControl(value.charAt(i)))
                {
                    throw new IllegalArgumentException("statsd host '" + value.strip() +
                        "' contains whitespace or a control character; allowed: a host name or IP address");
                }
            }
            host = value;
            return this;
        }

        /**
         * @param value UDP or TCP port, 1..65535.
         * @return this.
         */
        public Builder port(final int value)
        {
            if (value < 1 || value > 65_535)
            {
                throw new IllegalArgumentException("statsd port must be between 1 and 65535, was " + value);
            }
            port = value;
            return this;
        }

        /**
         * @param value {@link StatsdProtocol#UDP} or {@link StatsdProtocol#TCP}.
         * @return this.
         */
        public Builder protocol(final StatsdProtocol value)
        {
            protocol = Objects.requireNonNull(value, "protocol");
            return this;
        }

        /**
         * @param value key prefix (see {@link #isValidPrefix(String)}); {@code null} or empty for none.
         * @return this.
         */
        public Builder prefix(final String value)
        {
            if (value == null || value.isEmpty())
            {
                prefix = null;
                return this;
            }
            if (!isValidPrefix(value))
            {
                throw new IllegalArgumentException("statsd prefix '" + printable(value) + "' is invalid; allowed: " +
                    "dot-separated segments of [a-zA-Z0-9_-], e.g. myapp.prod (no leading, trailing or double dot)");
            }
            prefix = value;
            return this;
        }

        /**
         * @param value time between flushes, 10 ms..1 h.
         * @return this.
         */
        public Builder flushInterval(final Duration value)
        {
            Objects.requireNonNull(value, "flush interval");
            if (value.toMillis() < 10 || value.compareTo(Duration.ofHours(1)) > 0)
            {
                throw new IllegalArgumentException(
                    "statsd flush interval must be between 10 ms and 1 h, was " + value.toMillis() + " ms");
            }
            flushInterval = value;
            return this;
        }

        /**
         * @param value largest datagram payload in bytes, 64..65507. 1432 fits a 1500-byte MTU with room for IPv6
         *              and tunnel headers; 8932 suits jumbo frames; loopback-only setups may use more.
         * @return this.
         */
        public Builder maxPacketSize(final int value)
        {
            if (value < MIN_PACKET_SIZE || value > MAX_PACKET_SIZE)
            {
                throw new IllegalArgumentException("statsd max packet size must be between " + MIN_PACKET_SIZE +
                    " and " + MAX_PACKET_SIZE + " bytes, was " + value);
            }
            maxPacketSize = value;
            return this;
        }

        /**
         * @param value how labels are sent.
         * @return this.
         */
        public Builder tagStyle(final StatsdTagStyle value)
        {
            tagStyle = Objects.requireNonNull(value, "tag style");
            return this;
        }

        /**
         * @param value error settings of the exporter's error handler: export errors are logged if
         *              {@link MetricsErrorConfig#logExportErrors()}, at {@link MetricsErrorConfig#errorLogLevel()}
         *              (they are always counted).
         * @return this.
         */
        public Builder errors(final MetricsErrorConfig value)
        {
            errors = Objects.requireNonNull(value, "errors");
            return this;
        }

        /** @return the configuration. */
        public StatsdConfig build()
        {
            return new StatsdConfig(this);
        }

        private static String printable(final String s)
        {
            final String cut = s.length() > 64 ? s.substring(0, 61) + "..." : s;
            final StringBuilder sb = new StringBuilder(cut.length());
            for (int i = 0; i < cut.length(); i++)
            {
                final char c = cut.charAt(i);
                if (c < 0x20 || c == 0x7F)
                {
                    sb.append(String.format("\\u%04x", (int)c));
                }
                else
                {
                    sb.append(c);
                }
            }
            return sb.toString();
        }
    }
}
