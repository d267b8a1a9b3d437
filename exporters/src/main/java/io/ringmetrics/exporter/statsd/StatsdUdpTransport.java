package io.ringmetrics.exporter.statsd;

import io.ringmetrics.error.ErrorType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * A connected, non-blocking UDP {@link DatagramChannel} to the StatsD daemon.
 * <p>
 * Connecting a UDP channel makes the kernel report an ICMP "port unreachable" for an earlier datagram as
 * {@link PortUnreachableException} on a later send or receive; {@link #probe()} does a non-blocking receive to
 * collect such an error without sending anything. The host is resolved when connecting; every failure closes the
 * channel, so the next {@link #connect()} resolves the host again (a DNS change or a host that was unknown is
 * picked up).
 * <p>
 * Every method returns the {@link ErrorType} of a failure, or {@code null}, and never throws; {@link #lastError()}
 * describes the failure for the log.
 * <p>
 * <b>Threading.</b> Owned by the flush thread. Nothing blocks: sends are non-blocking, and a send the kernel cannot
 * take (send buffer full) is retried for at most {@link #SEND_RETRY_NANOS} before it counts as
 * {@link ErrorType#SEND_BUFFER_FULL}. Only host resolution may wait for the system resolver.
 * <p>
 * What UDP cannot see: a daemon that is alive but does not read fast enough. The kernel takes every datagram into
 * the (loopback or network) path and the daemon's receive buffer drops what does not fit, without an error on this
 * side; see docs/statsd.md.
 */
final class StatsdUdpTransport extends StatsdChannelTransport<DatagramChannel>
{
    /** Longest time a datagram is retried while the socket send buffer is full: 5 ms. */
    static final long SEND_RETRY_NANOS = 5_000_000L;

    private final ByteBuffer probeBuffer = ByteBuffer.allocateDirect(512);

    StatsdUdpTransport(final String host, final int port)
    {
        super(host, port);
    }

    @Override
    DatagramChannel open(final InetSocketAddress address) throws IOException
    {
        final DatagramChannel opened = DatagramChannel.open();
        try
        {
            opened.configureBlocking(false);
            opened.connect(address);
            return opened;
        }
        catch (final IOException | RuntimeException ex)
        {
            closeQuietly(opened);
            throw ex;
        }
    }

    @Override
    ErrorType connectFailure(final InetSocketAddress address, final Exception failure)
    {
        return fail(ErrorType.SEND_FAILED, "cannot connect a UDP channel to " + address + ": " + failure);
    }

    /**
     * Sends one datagram.
     *
     * @param datagram payload, from position to limit.
     * @return {@code null} if the kernel took it; {@link ErrorType#CONNECTION_REFUSED} if an ICMP port unreachable
     *         for an earlier datagram surfaced (this datagram was not sent); {@link ErrorType#SEND_BUFFER_FULL} if
     *         the kernel did not take it within {@link #SEND_RETRY_NANOS}; {@link ErrorType#SEND_FAILED} otherwise.
     */
    @Override
    public ErrorType send(final ByteBuffer datagram)
    {
        if (channel == null)
        {
            return fail(ErrorType.SEND_FAILED, "not connected");
        }
        try
        {
            long deadline = 0;
            while (channel.write(datagram) == 0)
            {
                final long now = System.nanoTime();
                if (deadline == 0)
                {
                    deadline = now + SEND_RETRY_NANOS;
                }
                else if (now - deadline > 0)
                {
                    return fail(ErrorType.SEND_BUFFER_FULL, "socket send buffer full for " +
                        SEND_RETRY_NANOS / 1_000_000 + " ms, datagram of " + datagram.remaining() + " bytes dropped");
                }
                LockSupport.parkNanos(50_000L);
            }
            return null;
        }
        catch (final PortUnreachableException ex)
        {
            return fail(ErrorType.CONNECTION_REFUSED, portUnreachable());
        }
        catch (final IOException | RuntimeException ex)
        {
            return fail(ErrorType.SEND_FAILED, "send to " + host + ':' + port + " failed: " + ex);
        }
    }

    /**
     * Collects a pending socket error without sending: drains anything received (StatsD never answers) and
     * reports an ICMP port unreachable that arrived since the last call.
     *
     * @return {@code null}, {@link ErrorType#CONNECTION_REFUSED} or {@link ErrorType#SEND_FAILED}.
     */
    @Override
    public ErrorType probe()
    {
        if (channel == null)
        {
            return null;
        }
        try
        {
            for (int i = 0; i < 16; i++)
            {
                probeBuffer.clear();
                if (channel.read(probeBuffer) <= 0)
                {
                    break;
                }
            }
            return null;
        }
        catch (final PortUnreachableException ex)
        {
            return fail(ErrorType.CONNECTION_REFUSED, portUnreachable());
        }
        catch (final IOException | RuntimeException ex)
        {
            return fail(ErrorType.SEND_FAILED, "socket error on the channel to " + host + ':' + port + ": " + ex);
        }
    }

    private String portUnreachable()
    {
        return "ICMP port unreachable from " + host + ':' + port + " (no StatsD daemon listening)";
    }

    /** {@inheritDoc} Nothing is held back: a datagram is taken whole or not at all. */
    @Override
    public ErrorType sendHeldBack()
    {
        return null;
    }

    /**
     * {@inheritDoc} Yes: an ICMP refusal or another socket error surfacing later means the earlier datagrams may
     * not have arrived, so they are sent again.
     */
    @Override
    public boolean probeErrorLosesUnconfirmed()
    {
        return true;
    }
}
