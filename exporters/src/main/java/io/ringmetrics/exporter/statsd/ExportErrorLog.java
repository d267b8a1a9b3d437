package io.ringmetrics.exporter.statsd;

import io.ringmetrics.error.ErrorType;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Rate-limited log of export errors: at most one line per error type per interval; the next line says how many
 * were suppressed meanwhile. A recovery after failures is logged once, at {@link Level#INFO}.
 * <p>
 * <b>Threading.</b> Used by the flush thread only (the exporter's close waits for that thread), so plain fields.
 */
final class ExportErrorLog
{
    static final Logger LOGGER = System.getLogger("io.ringmetrics.exporter.statsd");

    private final boolean enabled;
    private final Level level;
    private final long intervalNanos;
    private final long[] lastLogged = new long[ErrorType.values().length];
    private final boolean[] everLogged = new boolean[ErrorType.values().length];
    private final long[] suppressed = new long[ErrorType.values().length];

    ExportErrorLog(final boolean enabled, final Level level, final long intervalNanos)
    {
        this.enabled = enabled;
        this.level = level;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Logs an error unless one of the same type was logged less than an interval ago.
     *
     * @param type   error type.
     * @param detail what failed.
     */
    void error(final ErrorType type, final String detail)
    {
        if (!enabled)
        {
            return;
        }
        final int t = type.ordinal();
        final long now = System.nanoTime();
        if (everLogged[t] && now - lastLogged[t] < intervalNanos)
        {
            suppressed[t]++;
            return;
        }
        final long skipped = suppressed[t];
        everLogged[t] = true;
        lastLogged[t] = now;
        suppressed[t] = 0;
        LOGGER.log(level, "StatsD export failed (" + type.label() + "): " + detail +
            (skipped == 0 ? "" : " [" + skipped + " more " + type.label() + " errors suppressed]") +
            (isNetwork(type) ? "; unsent deltas are kept for the next flush" : ""));
    }

    private static boolean isNetwork(final ErrorType type)
    {
        return type == ErrorType.SEND_FAILED || type == ErrorType.UNRESOLVED_HOST ||
            type == ErrorType.CONNECTION_REFUSED;
    }

    /**
     * Logs that a flush succeeded after failed ones.
     *
     * @param failedFlushes failed flushes before this one.
     */
    void recovered(final long failedFlushes)
    {
        if (enabled)
        {
            LOGGER.log(Level.INFO, "StatsD export recovered after " + failedFlushes + " failed flush(es)");
        }
    }
}
