package io.ringmetrics.exporter.statsd;

import io.ringmetrics.MetricsEngine;
import io.ringmetrics.error.ErrorCounters;
import io.ringmetrics.error.ErrorHandler;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.snapshot.MetricsSnapshot;
import io.ringmetrics.store.HistogramSpec;

import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns snapshots into StatsD datagrams and remembers, per series, what the daemon has already received, so that
 * each flush sends only what changed.
 * <p>
 * <b>Mapping</b> (key = {@code [prefix.]name}, plus folded labels with tag style NONE):
 * <pre>
 *   counter     key:&lt;delta&gt;|c                      delta since the last confirmed flush; nothing if 0
 *   gauge       key:&lt;value&gt;|g                      only when it differs from the last confirmed value;
 *               key:0|g\nkey:-5|g                  a negative value is preceded by 0 in the same datagram,
 *                                                  because a leading '-' means "decrement" in StatsD
 *   histogram   key.count:&lt;delta&gt;|c                observations since the last confirmed flush
 *               key.sum:&lt;delta&gt;|c                  sum of those observations (base unit, e.g. seconds)
 *               key.p50|p90|p99|p999:&lt;v&gt;|g          percentiles since start (HdrHistogram), when changed
 *               key.max:&lt;v&gt;|g                      largest observation since start, when changed
 *   meta        metrics_*_total as counters (deltas), other meta-metrics as gauges, same rules
 * </pre>
 * With tag style DOGSTATSD every line ends in {@code |#label:value,...}.
 * <p>
 * <b>Delivery and carry-over.</b> The new baselines of the lines a flush sends are kept in a commit log and
 * applied only once the lines are known to have left without error: at the start of the next flush, after a probe
 * of the channel ({@link StatsdTransport#probe()}) finds no pending error (a probe right after the sends catches a
 * local refusal at once). A line that is not sent keeps its old baseline, so its delta is sent again, summed with
 * what came since, at a later flush:
 * <ul>
 *   <li>UDP ({@link StatsdUdpTransport}): a datagram the kernel accepts may still be refused, the ICMP port
 *       unreachable only surfacing on a later operation of the connected channel. On a refusal, or another error
 *       found by the probe, all unconfirmed baselines are discarded and the next flush sends the deltas again, in
 *       full; on another send failure, the lines of the failed datagram and of those not yet sent are discarded.
 *       A daemon that is alive but drops datagrams (receive buffer full) is <i>not</i> seen: those lines are
 *       lost.</li>
 *   <li>TCP ({@link StatsdTcpTransport}): lines the kernel took on an open connection count as delivered. When the
 *       daemon stops reading and the socket buffers are full, the flush stops at the first packet not taken,
 *       counts {@link ErrorType#SEND_BUFFER_FULL}, and that packet's lines and all later ones keep their
 *       baselines (exactly as for a closed port); a flush that finds bytes of an earlier packet still held back
 *       sends nothing new. A connection that breaks loses what the kernel still held; the next flush connects
 *       again.</li>
 * </ul>
 * Counter deltas are therefore never lost while the daemon is down, unreachable or unresolvable, nor (TCP) while it
 * does not read. They can be counted twice only if the daemon comes up or goes down between two datagrams of the
 * same flush (UDP).
 * <p>
 * <b>Threading.</b> Not thread-safe: owned by one thread (the exporter's flush thread, or a benchmark). It reuses
 * its buffers; per flush it allocates the meta-metric families and, per non-integral double, a {@link String}.
 */
public final class StatsdFlusher implements AutoCloseable
{
    /** Exporter name, the {@code exporter} label of its errors. */
    public static final String EXPORTER = "statsd";

    static final byte[] COUNTER = ascii("|c");
    static final byte[] GAUGE = ascii("|g");
    static final byte[] SUFFIX_COUNT = ascii(".count");
    static final byte[] SUFFIX_SUM = ascii(".sum");
    static final byte[] SUFFIX_MAX = ascii(".max");
    static final byte[][] SUFFIX_QUANTILES = quantileSuffixes();

    private static final int FIELD_COUNT = -1;
    private static final int HIST_SUM = 0;
    private static final int HIST_QUANTILE = 1;
    private static final int HIST_MAX = HIST_QUANTILE + HistogramSpec.QUANTILES.length;

    private final StatsdConfig config;
    private final ErrorCounters errors;
    private final ErrorHandler errorHandler;
    private final int seriesLimit;
    private final int metricLimit;
    private final StatsdTransport transport;
    private final StatsdPacket packet;
    private final CommitLog commits = new CommitLog();
    private final Map<String, SeriesState> metaStates = new HashMap<>();
    private final StringBuilder metaKey = new StringBuilder(128);
    private SeriesState[] bySlot = new SeriesState[256];
    private int datagramCommitStart;
    private ErrorType flushError;

    private long flushes;
    private long failedFlushes;
    private long consecutiveFailures;
    private long datagrams;
    private long bytes;
    private long lines;
    private int flushDatagrams;
    private long flushBytes;
    private int flushLines;
    private int largestDatagram;
    private volatile Stats stats = new Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * A flusher with an error handler of its own, built from {@link StatsdConfig#errors()}.
     *
     * @param config settings.
     * @param engine engine whose error counters and limits are used (snapshots are passed to {@link #flush}).
     */
    public StatsdFlusher(final StatsdConfig config, final MetricsEngine engine)
    {
        this(config, engine, new ErrorHandler(config.errors(), engine.config().limits(), engine.errors()));
    }

    /**
     * @param config       settings.
     * @param engine       engine whose error counters (meta-metrics) and limits are used.
     * @param errorHandler where export errors are counted and logged; counts into {@code engine.errors()}.
     */
    StatsdFlusher(final StatsdConfig config, final MetricsEngine engine, final ErrorHandler errorHandler)
    {
        this.config = config;
        this.errors = engine.errors();
        this.errorHandler = errorHandler;
        this.seriesLimit = engine.config().limits().maxLabelCombinations();
        this.metricLimit = engine.config().limits().maxMetrics();
        this.transport = StatsdTransport.open(config.protocol(), config.host(), config.port(), config.maxPacketSize());
        this.packet = new StatsdPacket(config.maxPacketSize());
    }

    /**
     * Sends what changed since the last confirmed flush.
     *
     * @param snapshot engine snapshot.
     * @return {@code true} if no error was detected (the datagrams may still be refused later; see the class
     *         comment).
     */
    public boolean flush(final MetricsSnapshot snapshot)
    {
        final long start = System.nanoTime();
        flushError = null;
        flushDatagrams = 0;
        flushBytes = 0;
        flushLines = 0;

        final ErrorType pending = transport.probe();
        if (pending == null || !transport.probeErrorLosesUnconfirmed())
        {
            commits.apply();
        }
        else
        {
            commits.clear();
        }
        if (pending != null)
        {
            fail(pending, transport.lastError() +
                (transport.probeErrorLosesUnconfirmed() ? " (previous flush is sent again)" : ""));
        }

        final ErrorType connect = transport.connect();
        final ErrorType heldBack = connect == null ? transport.sendHeldBack() : null;
        if (connect != null)
        {
            fail(connect, transport.lastError());
        }
        else if (heldBack != null)
        {
            fail(heldBack, transport.lastError()); // nothing new is sent while the daemon has not taken the last packet
        }
        else
        {
            packet.clearDatagram();
            datagramCommitStart = 0;
            if (emitSeries(snapshot) && emitMeta(snapshot) && sendDatagram() && flushDatagrams > 0)
            {
                final ErrorType refused = transport.probe();
                if (refused != null)
                {
                    if (transport.probeErrorLosesUnconfirmed())
                    {
                        commits.clear();
                    }
                    fail(refused, transport.lastError());
                }
            }
        }
        finish(start);
        return flushError == null;
    }

    /**
     * Reports an error that happened around a flush (e.g. the snapshot timed out): counts it and logs it,
     * rate-limited, through the error handler.
     *
     * @param type   error type.
     * @param detail what failed.
     */
    public void reportError(final ErrorType type, final String detail)
    {
        errorHandler.handleExport(EXPORTER, type, type.label() + ": " + detail +
            (isNetwork(type) ? "; unsent deltas are kept for the next flush" : ""));
    }

    private static boolean isNetwork(final ErrorType type)
    {
        return type == ErrorType.SEND_FAILED || type == ErrorType.UNRESOLVED_HOST ||
            type == ErrorType.CONNECTION_REFUSED || type == ErrorType.SEND_BUFFER_FULL;
    }

    /** @return totals since creation; safe to read from any thread. */
    public Stats stats()
    {
        return stats;
    }

    /** Closes the channel. */
    @Override
    public void close()
    {
        transport.close();
    }

    private boolean emitSeries(final MetricsSnapshot snapshot)
    {
        final int size = snapshot.size();
        for (int i = 0; i < size; i++)
        {
            final SeriesDescriptor series = snapshot.series(i);
            final SeriesState s = state(series);
            final MetricType type = series.family().type();
            final boolean ok;
            if (type == MetricType.COUNTER)
            {
                ok = emitCounter(s, snapshot.counterValue(i));
            }
            else if (type == MetricType.GAUGE)
            {
                ok = emitGauge(s, null, snapshot.gaugeValue(i), 0);
            }
            else
            {
                ok = emitHistogram(s, snapshot.histogram(i));
            }
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private boolean emitCounter(final SeriesState s, final long value)
    {
        final long delta = value >= s.count ? value - s.count : value; // lower: series was reset
        if (delta == 0)
        {
            return true;
        }
        packet.beginUnit();
        keyAndColon(s, null);
        packet.putLong(delta);
        typeAndTags(s, COUNTER);
        return place(s, FIELD_COUNT, value);
    }

    private boolean emitGauge(final SeriesState s, final byte[] suffix, final double value, final int field)
    {
        if (!Double.isFinite(value) || value == s.last[field])
        {
            return true;
        }
        packet.beginUnit();
        if (value < 0)
        {
            keyAndColon(s, suffix);
            packet.put((byte)'0');
            typeAndTags(s, GAUGE);
            packet.newLine();
        }
        keyAndColon(s, suffix);
        packet.putDouble(value);
        typeAndTags(s, GAUGE);
        return place(s, field, Double.doubleToRawLongBits(value));
    }

    private boolean emitDoubleCounter(final SeriesState s, final byte[] suffix, final double value, final int field)
    {
        final double base = s.last[field];
        final double delta = value - base;
        if (!Double.isFinite(delta) || delta == 0)
        {
            return true;
        }
        packet.beginUnit();
        keyAndColon(s, suffix);
        packet.putDouble(delta);
        typeAndTags(s, COUNTER);
        return place(s, field, Double.doubleToRawLongBits(value));
    }

    private boolean emitHistogram(final SeriesState s, final HistogramSample h)
    {
        final long count = h.count();
        if (count != s.count)
        {
            final long delta = count > s.count ? count - s.count : count;
            packet.beginUnit();
            keyAndColon(s, SUFFIX_COUNT);
            packet.putLong(delta);
            typeAndTags(s, COUNTER);
            if (!place(s, FIELD_COUNT, count))
            {
                return false;
            }
        }
        if (!emitDoubleCounter(s, SUFFIX_SUM, h.sum(), HIST_SUM))
        {
            return false;
        }
        if (count == 0)
        {
            return true;
        }
        for (int q = 0; q < SUFFIX_QUANTILES.length; q++)
        {
            if (!emitGauge(s, SUFFIX_QUANTILES[q], h.quantileValue(q), HIST_QUANTILE + q))
            {
                return false;
            }
        }
        return emitGauge(s, SUFFIX_MAX, h.max(), HIST_MAX);
    }

    private boolean emitMeta(final MetricsSnapshot snapshot)
    {
        final List<MetaMetrics.Family> families =
            MetaMetrics.collect(snapshot.stats(), errors, seriesLimit, metricLimit);
        for (final MetaMetrics.Family family : families)
        {
            final boolean counter = family.kind() == MetaMetrics.Kind.COUNTER;
            for (int j = 0; j < family.size(); j++)
            {
                final String[] values = family.labelValues(j);
                final SeriesState s = metaState(family, values, counter);
                final double value = family.value(j);
                final boolean ok;
                if (counter)
                {
                    if (value < s.last[0])
                    {
                        s.last[0] = 0; // reset: send the whole value
                    }
                    ok = emitDoubleCounter(s, null, value, 0);
                }
                else
                {
                    ok = emitGauge(s, null, value, 0);
                }
                if (!ok)
                {
                    return false;
                }
            }
        }
        return true;
    }

    private SeriesState metaState(final MetaMetrics.Family family, final String[] values, final boolean counter)
    {
        metaKey.setLength(0);
        metaKey.append(family.name());
        for (final String v : values)
        {
            metaKey.append('\u0000').append(v);
        }
        final String key = metaKey.toString();
        SeriesState s = metaStates.get(key);
        if (s == null)
        {
            final String[] names = family.labelNames();
            s = new SeriesState(null,
                StatsdNames.key(config.prefix(), family.name(), config.tagStyle(), names, values),
                StatsdNames.tags(config.tagStyle(), names, values), 1, counter ? 0.0 : Double.NaN);
            metaStates.put(key, s);
        }
        return s;
    }

    private void keyAndColon(final SeriesState s, final byte[] suffix)
    {
        packet.put(s.key);
        if (suffix != null)
        {
            packet.put(suffix);
        }
        packet.put((byte)':');
    }

    private void typeAndTags(final SeriesState s, final byte[] type)
    {
        packet.put(type);
        packet.put(s.tags);
    }

    /**
     * Places the unit just built into the datagram, sending the datagram first if the unit does not fit, and logs
     * the baseline the unit establishes.
     *
     * @return {@code false} if a send failed and the flush must stop.
     */
    private boolean place(final SeriesState s, final int field, final long newBaseline)
    {
        if (packet.unitTooLong())
        {
            if (!s.unsendable)
            {
                s.unsendable = true;
                reportError(ErrorType.FORMAT_FAILED, "a line of " + describe(s) + " is longer than the max packet " +
                    "size of " + config.maxPacketSize() + " bytes; it is never sent");
            }
            return true;
        }
        if (!packet.unitFitsDatagram() && !sendDatagram())
        {
            return false;
        }
        packet.appendUnit();
        commits.add(s, field, newBaseline);
        return true;
    }

    private boolean sendDatagram()
    {
        if (packet.isDatagramEmpty())
        {
            return true;
        }
        final int datagramLines = packet.datagramLines();
        final ByteBuffer buffer = packet.datagramForSend();
        final int size = buffer.remaining();
        final ErrorType error = transport.send(buffer);
        packet.clearDatagram();
        if (error == null)
        {
            flushDatagrams++;
            flushBytes += size;
            flushLines += datagramLines;
            largestDatagram = Math.max(largestDatagram, size);
            datagramCommitStart = commits.size();
            return true;
        }
        if (error == ErrorType.CONNECTION_REFUSED)
        {
            commits.clear(); // an earlier datagram of this flush was refused, we cannot tell which
        }
        else
        {
            commits.truncate(datagramCommitStart);
        }
        fail(error, transport.lastError());
        return false;
    }

    private void fail(final ErrorType type, final String detail)
    {
        if (flushError == null)
        {
            flushError = type;
        }
        reportError(type, detail);
    }

    private void finish(final long startNanos)
    {
        flushes++;
        datagrams += flushDatagrams;
        bytes += flushBytes;
        lines += flushLines;
        if (flushError == null)
        {
            if (consecutiveFailures > 0)
            {
                errorHandler.logExportEvent(EXPORTER, Level.INFO,
                    "recovered after " + consecutiveFailures + " failed flush(es)");
            }
            consecutiveFailures = 0;
        }
        else
        {
            failedFlushes++;
            consecutiveFailures++;
        }
        stats = new Stats(flushes, failedFlushes, datagrams, bytes, lines, largestDatagram,
            System.nanoTime() - startNanos, flushDatagrams, flushBytes, flushLines);
    }

    private SeriesState state(final SeriesDescriptor series)
    {
        final int slot = series.slot();
        if (slot >= bySlot.length)
        {
            bySlot = Arrays.copyOf(bySlot, Math.max(slot + 1, bySlot.length * 2));
        }
        SeriesState s = bySlot[slot];
        if (s == null || s.series != series)
        {
            final String[] names = new String[series.labelCount()];
            final String[] values = new String[names.length];
            for (int l = 0; l < names.length; l++)
            {
                names[l] = series.labelName(l);
                values[l] = series.labelValue(l);
            }
            final boolean histogram = series.family().type() == MetricType.HISTOGRAM;
            s = new SeriesState(series,
                StatsdNames.key(config.prefix(), series.family().name(), config.tagStyle(), names, values),
                StatsdNames.tags(config.tagStyle(), names, values),
                histogram ? HIST_MAX + 1 : 1, Double.NaN);
            if (histogram)
            {
                s.last[HIST_SUM] = 0.0;
            }
            bySlot[slot] = s;
        }
        return s;
    }

    private static String describe(final SeriesState s)
    {
        return s.series != null ? s.series.toString() : new String(s.key, StandardCharsets.UTF_8);
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] quantileSuffixes()
    {
        final double[] quantiles = HistogramSpec.QUANTILES;
        final byte[][] suffixes = new byte[quantiles.length][];
        for (int i = 0; i < quantiles.length; i++)
        {
            // 0.5 -> .p50, 0.99 -> .p99, 0.999 -> .p999
            final String percent = BigDecimal.valueOf(quantiles[i]).movePointRight(2).stripTrailingZeros()
                .toPlainString().replace(".", "");
            suffixes[i] = ascii(".p" + percent);
        }
        return suffixes;
    }

    /** What the daemon has received (confirmed) of one series, and its rendered key. Flush thread only. */
    static final class SeriesState
    {
        final SeriesDescriptor series;
        final byte[] key;
        final byte[] tags;
        final double[] last;
        long count;
        boolean unsendable;

        SeriesState(
            final SeriesDescriptor series, final byte[] key, final byte[] tags, final int doubles,
            final double initial)
        {
            this.series = series;
            this.key = key;
            this.tags = tags;
            this.last = new double[doubles];
            Arrays.fill(last, initial);
        }
    }

    /**
     * Baselines established by sent but unconfirmed lines: (state, field, value), applied together once the
     * datagrams are known to have left without error. Field {@value #FIELD_COUNT} is the long count, others index
     * {@link SeriesState#last}.
     */
    static final class CommitLog
    {
        private SeriesState[] states = new SeriesState[1024];
        private int[] fields = new int[1024];
        private long[] values = new long[1024];
        private int size;

        void add(final SeriesState s, final int field, final long value)
        {
            if (size == states.length)
            {
                states = Arrays.copyOf(states, size * 2);
                fields = Arrays.copyOf(fields, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            states[size] = s;
            fields[size] = field;
            values[size] = value;
            size++;
        }

        int size()
        {
            return size;
        }

        void truncate(final int newSize)
        {
            Arrays.fill(states, newSize, size, null);
            size = newSize;
        }

        void clear()
        {
            truncate(0);
        }

        void apply()
        {
            for (int i = 0; i < size; i++)
            {
                if (fields[i] == FIELD_COUNT)
                {
                    states[i].count = values[i];
                }
                else
                {
                    states[i].last[fields[i]] = Double.longBitsToDouble(values[i]);
                }
            }
            clear();
        }
    }

    /**
     * Totals since the flusher was created, and the figures of the last flush.
     *
     * @param flushes             flushes attempted.
     * @param failedFlushes       flushes with at least one error.
     * @param datagrams           datagrams (TCP: packets of whole lines) the kernel accepted.
     * @param bytes               payload bytes of those datagrams (without the newline ending a TCP packet).
     * @param lines               StatsD lines in those datagrams.
     * @param largestDatagram     largest payload sent, in bytes.
     * @param lastFlushNanos      duration of the last flush (building and sending, not the snapshot).
     * @param lastFlushDatagrams  datagrams of the last flush.
     * @param lastFlushBytes      bytes of the last flush.
     * @param lastFlushLines      lines of the last flush.
     */
    public record Stats(
        long flushes, long failedFlushes, long datagrams, long bytes, long lines, int largestDatagram,
        long lastFlushNanos, int lastFlushDatagrams, long lastFlushBytes, int lastFlushLines)
    {
        /** @return average payload per datagram, 0 before the first datagram. */
        public double bytesPerDatagram()
        {
            return datagrams == 0 ? 0.0 : (double)bytes / datagrams;
        }
    }
}
