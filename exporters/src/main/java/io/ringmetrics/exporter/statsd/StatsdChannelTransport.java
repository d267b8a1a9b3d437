package io.ringmetrics.exporter.statsd;

import io.ringmetrics.error.ErrorType;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.UnresolvedAddressException;

/**
 * What the UDP and TCP transports share: the daemon's address, resolved at each {@link #connect()}, one channel,
 * and the rule that a failure closes it (so the next connect resolves the host again) and is described by
 * {@link #lastError()}.
 * <p>
 * <b>Threading.</b> Owned by the flush thread, like every {@link StatsdTransport}.
 *
 * @param <C> the channel type.
 */
abstract class StatsdChannelTransport<C extends Channel> implements StatsdTransport
{
    /** Host name or IP literal of the daemon. */
    final String host;
    /** Port of the daemon. */
    final int port;
    /** The open channel, or {@code null}. */
    C channel;
    private String lastError = "";

    StatsdChannelTransport(final String host, final int port)
    {
        this.host = host;
        this.port = port;
    }

    /**
     * Opens a channel connected to the daemon, non-blocking. Closes what it opened if it throws.
     *
     * @param address the resolved address.
     * @return the connected channel.
     * @throws IOException if it cannot connect; described by {@link #connectFailure(InetSocketAddress, Exception)}.
     */
    abstract C open(InetSocketAddress address) throws IOException;

    /**
     * The error type of a failed {@link #open}, after {@link #fail(ErrorType, String)} has described it.
     *
     * @param address the address.
     * @param failure what {@link #open} threw.
     * @return the error type.
     */
    abstract ErrorType connectFailure(InetSocketAddress address, Exception failure);

    @Override
    public final boolean isConnected()
    {
        return channel != null;
    }

    @Override
    public final ErrorType connect()
    {
        if (channel != null)
        {
            return null;
        }
        final InetSocketAddress address;
        try
        {
            address = new InetSocketAddress(host, port);
        }
        catch (final IllegalArgumentException | SecurityException ex)
        {
            return fail(ErrorType.UNRESOLVED_HOST, "cannot resolve " + host + ": " + ex.getMessage());
        }
        if (address.isUnresolved())
        {
            return fail(ErrorType.UNRESOLVED_HOST, "cannot resolve host '" + host + "'");
        }
        try
        {
            channel = open(address);
            return null;
        }
        catch (final UnresolvedAddressException ex)
        {
            return fail(ErrorType.UNRESOLVED_HOST, "cannot resolve host '" + host + "'");
        }
        catch (final IOException | RuntimeException ex)
        {
            return connectFailure(address, ex);
        }
    }

    @Override
    public final String lastError()
    {
        return lastError;
    }

    /** Describes a condition that leaves the channel open. */
    final void describe(final String detail)
    {
        lastError = detail;
    }

    /** Describes a failure and closes the channel; returns {@code type}. */
    final ErrorType fail(final ErrorType type, final String detail)
    {
        lastError = detail;
        close();
        return type;
    }

    @Override
    public void close()
    {
        closeQuietly(channel);
        channel = null;
    }

    static void closeQuietly(final Channel c)
    {
        if (c != null)
        {
            try
            {
                c.close();
            }
            catch (final IOException ignored)
            {
                // nothing to do: the channel is discarded
            }
        }
    }
}
