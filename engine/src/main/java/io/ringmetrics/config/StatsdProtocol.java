package io.ringmetrics.config;

/**
 * How the StatsD exporter reaches its daemon ({@code STATSD_PROTOCOL}).
 */
public enum StatsdProtocol
{
    /**
     * Datagrams to {@code host:port}. Cheap and fire-and-forget: a daemon that is down is detected (ICMP port
     * unreachable), a daemon that is alive but not reading is not (the kernel drops what its receive buffer cannot
     * hold, and nobody is told).
     */
    UDP,
    /**
     * One TCP connection to {@code host:port}, newline-terminated lines (Etsy statsd's {@code servers/tcp},
     * Telegraf's {@code statsd} input with {@code protocol = "tcp"}). A daemon that stops reading fills the socket
     * buffers; the exporter then sends nothing more, counts {@code send_buffer_full} and keeps the deltas for a
     * later flush.
     */
    TCP;

    /** The default, the one source of truth for {@code STATSD_PROTOCOL}, the builders and the docs. */
    public static final StatsdProtocol DEFAULT = UDP;
}
