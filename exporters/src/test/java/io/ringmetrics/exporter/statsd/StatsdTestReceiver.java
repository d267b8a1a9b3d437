package io.ringmetrics.exporter.statsd;

import io.ringmetrics.exporter.it.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A bare UDP receiver on 127.0.0.1 that records every datagram as received, for tests of what the exporter puts on
 * the wire (sizes, line boundaries). A daemon thread drains the socket so nothing is dropped for a full buffer.
 */
final class StatsdTestReceiver implements AutoCloseable
{
    private final DatagramChannel channel;
    private final Thread thread;
    private final ConcurrentLinkedQueue<byte[]> datagrams = new ConcurrentLinkedQueue<>();

    private StatsdTestReceiver(final DatagramChannel channel)
    {
        this.channel = channel;
        this.thread = new Thread(this::drain, "statsd-test-receiver");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** @return a receiver on a free port. */
    static StatsdTestReceiver start()
    {
        return startOnPort(0);
    }

    /**
     * @param port port to bind, 0 for a free one.
     * @return a receiver.
     */
    static StatsdTestReceiver startOnPort(final int port)
    {
        try
        {
            final DatagramChannel channel = DatagramChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.bind(new InetSocketAddress(FreePorts.loopback(), port));
            return new StatsdTestReceiver(channel);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot bind a UDP receiver on " + FreePorts.LOOPBACK + ':' + port, ex);
        }
    }

    private void drain()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(70_000);
        try
        {
            while (true)
            {
                buffer.clear();
                channel.receive(buffer);
                buffer.flip();
                final byte[] datagram = new byte[buffer.remaining()];
                buffer.get(datagram);
                datagrams.add(datagram);
            }
        }
        catch (final AsynchronousCloseException ex)
        {
            // closed
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    int port()
    {
        try
        {
            return ((InetSocketAddress)channel.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** @return raw datagrams received so far. */
    List<byte[]> datagrams()
    {
        return new ArrayList<>(datagrams);
    }

    /** @return every line received so far, in order. */
    List<String> lines()
    {
        final List<String> lines = new ArrayList<>();
        for (final byte[] d : datagrams)
        {
            lines.addAll(Arrays.asList(new String(d, StandardCharsets.UTF_8).split("\n", -1)));
        }
        return lines;
    }

    /** Forgets what was received. */
    void clear()
    {
        datagrams.clear();
    }

    /**
     * Waits until the received lines satisfy {@code until}.
     *
     * @param until   condition on all lines so far.
     * @param timeout longest wait.
     * @return the lines.
     */
    List<String> awaitLines(final Predicate<List<String>> until, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final List<String> lines = lines();
            if (until.test(lines))
            {
                return lines;
            }
            if (System.nanoTime() - deadline > 0)
            {
                return fail("received lines did not satisfy the condition within " + timeout + ": " + lines);
            }
            sleep(5);
        }
    }

    /**
     * Waits a little for stragglers: until no datagram arrived for {@code quiet}.
     *
     * @param quiet quiet period.
     */
    void awaitQuiet(final Duration quiet)
    {
        int last = -1;
        while (true)
        {
            final int now = datagrams.size();
            if (now == last)
            {
                return;
            }
            last = now;
            sleep(quiet.toMillis());
        }
    }

    static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
            thread.join(5_000);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
