package io.ringmetrics.exporter.statsd;

import io.ringmetrics.error.ErrorType;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One non-blocking TCP connection to the StatsD daemon, carrying newline-terminated lines (Etsy statsd's
 * {@code servers/tcp}, Telegraf's statsd input with {@code protocol = "tcp"}).
 * <p>
 * <b>Back-pressure instead of loss.</b> A daemon that stops reading (stalled, swapped out, stopped with SIGSTOP)
 * lets the kernel buffers of the connection fill. A write then takes fewer bytes than offered, or none:
 * <ul>
 *   <li>none: the packet is not taken, {@link #send} returns {@link ErrorType#SEND_BUFFER_FULL} and the caller keeps
 *       its lines (the flusher sends the deltas again, summed, at a later flush);</li>
 *   <li>a part: the rest is <i>held back</i> here (at most one packet) and the packet counts as taken; nothing else
 *       is sent until {@link #sendHeldBack()} or a later {@link #send} has passed it on, so a line is never cut by
 *       another.</li>
 * </ul>
 * Nothing waits for the daemon: the channel is non-blocking; only {@link #connect()} waits, at most
 * {@link #CONNECT_TIMEOUT_NANOS}, for the handshake.
 * <p>
 * <b>What TCP cannot promise either.</b> Bytes the kernel took count as delivered. If the connection breaks
 * (daemon killed or restarted) the bytes still in the kernel buffers and those held back here are lost; the error
 * is counted ({@code send_failed}) and the next flush connects again.
 * <p>
 * <b>Threading.</b> Owned by the flush thread.
 */
final class StatsdTcpTransport extends StatsdChannelTransport<SocketChannel>
{
    /** Longest wait for a TCP handshake: 1 s. */
    static final long CONNECT_TIMEOUT_NANOS = 1_000_000_000L;

    /** The packet being written plus its final newline; bytes between position and limit are held back. */
    private final ByteBuffer out;
    private final ByteBuffer probeBuffer = ByteBuffer.allocateDirect(512);

    /**
     * @param host     host name or IP literal.
     * @param port     TCP port.
     * @param maxWrite largest packet passed to {@link #send}.
     */
    StatsdTcpTransport(final String host, final int port, final int maxWrite)
    {
        super(host, port);
        this.out = ByteBuffer.allocateDirect(maxWrite + 1);
        out.limit(0);
    }

    @Override
    SocketChannel open(final InetSocketAddress address) throws IOException
    {
        final SocketChannel opened = SocketChannel.open();
        try
        {
            opened.configureBlocking(false);
            boolean connected = opened.connect(address);
            final long deadline = System.nanoTime() + CONNECT_TIMEOUT_NANOS;
            while (!connected)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new SocketTimeoutException("TCP connect to " + address + " timed out after " +
                        CONNECT_TIMEOUT_NANOS / 1_000_000 + " ms");
                }
                LockSupport.parkNanos(100_000L);
                connected = opened.finishConnect();
            }
            out.position(0).limit(0);
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
        if (failure instanceof ConnectException)
        {
            return fail(ErrorType.CONNECTION_REFUSED, "TCP connection to " + address + " refused (no StatsD " +
                "daemon listening on TCP there; is its servers/tcp server configured?)");
        }
        return fail(ErrorType.SEND_FAILED, failure instanceof SocketTimeoutException ? failure.getMessage() :
            "cannot connect over TCP to " + address + ": " + failure);
    }

    /**
     * Writes the packet and a final newline, after any held-back bytes.
     *
     * @return {@code null} if the packet was taken (whole, or in part with the rest held back);
     *         {@link ErrorType#SEND_BUFFER_FULL} if not a byte of it could be written (the connection stays open);
     *         {@link ErrorType#SEND_FAILED} if the connection broke.
     */
    @Override
    public ErrorType send(final ByteBuffer packet)
    {
        if (channel == null)
        {
            return fail(ErrorType.SEND_FAILED, "not connected");
        }
        final ErrorType held = sendHeldBack();
        if (held != null)
        {
            return held;
        }
        out.clear();
        out.put(packet);
        out.put((byte)'\n');
        out.flip();
        final int size = out.remaining();
        final ErrorType error = write();
        if (error == null && out.remaining() == size)
        {
            out.position(0).limit(0); // not taken: the caller keeps these lines
            return bufferFull(size);
        }
        return error;
    }

    @Override
    public ErrorType sendHeldBack()
    {
        if (channel == null || !out.hasRemaining())
        {
            return null;
        }
        final ErrorType error = write();
        return error != null || !out.hasRemaining() ? error : bufferFull(0);
    }

    private ErrorType write()
    {
        try
        {
            channel.write(out);
            return null;
        }
        catch (final IOException | RuntimeException ex)
        {
            return fail(ErrorType.SEND_FAILED, "TCP send to " + host + ':' + port + " failed (the connection " +
                "is opened again at the next flush): " + ex);
        }
    }

    private ErrorType bufferFull(final int refused)
    {
        describe("socket send buffer full: the daemon at " + host + ':' + port + " accepts no more data (stalled " +
            "or too slow); " + (refused > 0 ? "a packet of " + refused + " bytes was not sent, " : "") +
            (out.hasRemaining() ? out.remaining() + " bytes of an earlier packet are held back" : "nothing is held back"));
        return ErrorType.SEND_BUFFER_FULL;
    }

    /**
     * Drains anything the daemon sent (StatsD never answers) and detects a connection the daemon closed or reset.
     *
     * @return {@code null} or {@link ErrorType#SEND_FAILED}.
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
                final int n = channel.read(probeBuffer);
                if (n < 0)
                {
                    return fail(ErrorType.SEND_FAILED, "the StatsD daemon at " + host + ':' + port +
                        " closed the TCP connection (it is opened again at the next flush)");
                }
                if (n == 0)
                {
                    break;
                }
            }
            return null;
        }
        catch (final IOException | RuntimeException ex)
        {
            return fail(ErrorType.SEND_FAILED, "TCP connection to " + host + ':' + port + " broken (it is opened " +
                "again at the next flush): " + ex);
        }
    }

    /** {@inheritDoc} No: bytes the kernel took on a connection that was open count as delivered. */
    @Override
    public boolean probeErrorLosesUnconfirmed()
    {
        return false;
    }

    @Override
    public void close()
    {
        super.close();
        out.position(0).limit(0);
    }
}
