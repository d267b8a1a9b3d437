package io.ringmetrics.exporter.statsd;

import io.ringmetrics.config.StatsdProtocol;
import io.ringmetrics.error.ErrorType;

import java.nio.ByteBuffer;

/**
 * The way to the StatsD daemon: {@link StatsdUdpTransport} (datagrams) or {@link StatsdTcpTransport} (one stream).
 * <p>
 * Every method returns the {@link ErrorType} of a failure, or {@code null}, and never throws; {@link #lastError()}
 * describes the failure for the log. A failure that breaks the channel closes it, so that the next
 * {@link #connect()} resolves the host and connects again.
 * <p>
 * <b>Threading.</b> Owned by the flush thread. Nothing waits on the daemon: writes are non-blocking, and the only
 * bounded waits are a short retry (UDP), a connect timeout (TCP) and the system resolver.
 */
interface StatsdTransport extends AutoCloseable
{
    /**
     * @param protocol protocol.
     * @param host     host name or IP literal, resolved at each connect.
     * @param port     port.
     * @param maxWrite largest payload passed to {@link #send(ByteBuffer)}.
     * @return a transport for the protocol, not connected yet.
     */
    static StatsdTransport open(final StatsdProtocol protocol, final String host, final int port, final int maxWrite)
    {
        return protocol == StatsdProtocol.TCP ?
            new StatsdTcpTransport(host, port, maxWrite) : new StatsdUdpTransport(host, port);
    }

    /** @return whether a channel is open. */
    boolean isConnected();

    /**
     * Resolves the host and connects a new channel, unless already connected.
     *
     * @return {@code null}, or the error ({@link ErrorType#UNRESOLVED_HOST}, {@link ErrorType#CONNECTION_REFUSED},
     *         {@link ErrorType#SEND_FAILED}).
     */
    ErrorType connect();

    /**
     * Sends one packet of whole lines ({@code line '\n' line ...}, no trailing newline).
     *
     * @param packet payload, from position to limit; consumed or copied before the call returns.
     * @return {@code null} if the lines were taken (they will reach the daemon unless the channel breaks);
     *         otherwise the error, and none of the lines was taken.
     */
    ErrorType send(ByteBuffer packet);

    /**
     * Tries to pass on bytes of an earlier packet that the kernel could only take in part.
     *
     * @return {@code null} if nothing is held back any more; {@link ErrorType#SEND_BUFFER_FULL} if bytes are still
     *         held back (the daemon is not reading); another error if the channel broke.
     */
    ErrorType sendHeldBack();

    /**
     * Collects a pending error of the channel without sending (e.g. an ICMP port unreachable, or the daemon having
     * closed the connection).
     *
     * @return {@code null} or the error.
     */
    ErrorType probe();

    /**
     * @return whether an error found by {@link #probe()} means the lines sent since the previous probe may not have
     *         arrived, so that they must be sent again; otherwise lines the kernel took count as delivered.
     */
    boolean probeErrorLosesUnconfirmed();

    /** @return description of the last failure. */
    String lastError();

    /** Closes the channel; a later {@link #connect()} opens a new one. */
    @Override
    void close();
}
