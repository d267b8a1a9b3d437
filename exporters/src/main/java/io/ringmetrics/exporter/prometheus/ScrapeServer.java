package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.error.ErrorType;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The small HTTP/1.1 server of the scrape endpoint, built so that slow or hostile clients cannot hold the threads
 * that serve scrapes.
 * <ul>
 *   <li><b>One selector thread</b> ({@code ringmetrics-prometheus-http}) accepts connections and reads request heads
 *       without blocking, each into its own buffer of at most {@link #MAX_HEAD_BYTES} bytes ({@code 431} beyond).
 *       A head must be complete within the <em>request timeout</em> from accept, however slowly its bytes come;
 *       else the connection gets {@code 408} and is cut. Small answers (the {@link Router}'s, {@code 400},
 *       {@code 408}, {@code 431}, {@code 503}) are written by this thread in one non-blocking write, which a fresh
 *       connection's send buffer always takes; then the output is shut down and unread input is discarded for at
 *       most {@link #LINGER_MILLIS} ms before the close, so that the client reads the answer instead of a reset.</li>
 *   <li><b>At most {@code maxConnections} connections</b> are open. One more cuts the connection that has waited
 *       longest for its head (or lingered longest); if every open connection is being served, the new one is closed
 *       at once. A well-behaved client, which sends its head at once, therefore always gets in.</li>
 *   <li><b>Only complete requests reach the scrape workers</b> ({@code ringmetrics-prometheus-scrape-<n>}, a fixed
 *       pool of {@code threads}), through a queue of {@link #MAX_QUEUED_SCRAPES}; a request finding the queue full,
 *       or waiting in it longer than the queue wait limit, gets {@code 503}. A worker writes the response itself,
 *       without blocking on the socket: a client that has not taken the whole response within the
 *       <em>response timeout</em> is cut.</li>
 *   <li>Every answer carries {@code Connection: close}: one request per connection, so no idle connection is kept.</li>
 * </ul>
 * Every refused or cut connection is reported to {@link Router#count} with its reason ({@code too_many_scrapes},
 * {@code too_many_connections}, {@code request_timeout}, {@code request_too_large}, {@code bad_request},
 * {@code response_timeout}). A client that closes its own connection, or fails while taking its response, is not
 * counted: nothing was refused.
 * <p>
 * Memory is bounded by {@code maxConnections × MAX_HEAD_BYTES} for heads plus what the {@code threads} workers hold;
 * threads by {@code 1 + threads}.
 */
final class ScrapeServer implements AutoCloseable
{
    /** Largest request head read, in bytes; larger heads are answered {@code 431}. */
    static final int MAX_HEAD_BYTES = 8192;
    /** Complete requests that may wait for a scrape worker. */
    static final int MAX_QUEUED_SCRAPES = 16;
    /** Listen backlog: connections the kernel completes while the selector thread is busy (capped by somaxconn). */
    static final int BACKLOG = 1024;
    /** How long unread input is discarded after a small answer, before the connection is closed. */
    static final long LINGER_MILLIS = 1000;

    /** What the server serves. */
    interface Router
    {
        /**
         * Answers a request that needs no scrape worker. Called on the selector thread: must not block.
         *
         * @param head the request.
         * @return the whole answer ({@link ScrapeServer#answer}), or {@code null} to hand it to a scrape worker.
         */
        byte[] route(RequestHead head);

        /**
         * Serves a request on a scrape worker.
         *
         * @param head the request.
         * @param out  where the whole answer goes; writes fail with {@link ResponseTimeoutException} when the client
         *             does not take them in time.
         * @throws IOException if the client went away or did not take the response in time.
         */
        void serve(RequestHead head, OutputStream out) throws IOException;

        /**
         * Counts (and may log) a refused or cut connection. Any thread; must not block for long.
         *
         * @param reason the error type.
         * @param detail what happened.
         */
        void count(ErrorType reason, String detail);
    }

    /** A client that did not take its response within the response timeout. */
    static final class ResponseTimeoutException extends IOException
    {
        private static final long serialVersionUID = 1L;

        ResponseTimeoutException(final String message)
        {
            super(message);
        }
    }

    private enum State
    {
        READING, LINGERING, SERVED
    }

    private static final class Connection
    {
        final SocketChannel channel;
        final SelectionKey key;
        State state = State.READING;
        byte[] head = new byte[512];
        int length;
        long deadlineNanos;

        Connection(final SocketChannel channel, final SelectionKey key, final long deadlineNanos)
        {
            this.channel = channel;
            this.key = key;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private static final ThreadLocal<Selector> WRITE_SELECTOR = new ThreadLocal<>();

    private final Router router;
    private final int maxConnections;
    private final long requestTimeoutNanos;
    private final long responseTimeoutNanos;
    private final long queueWaitNanos;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final SelectionKey acceptKey;
    private final ThreadPoolExecutor workers;
    private final Thread ioThread;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(MAX_HEAD_BYTES);
    /** Connections reading their head, oldest first (all share one timeout, so deadlines are in order). */
    private final LinkedHashSet<Connection> reading = new LinkedHashSet<>();
    /** Connections lingering after a small answer, oldest first. */
    private final LinkedHashSet<Connection> lingering = new LinkedHashSet<>();
    private final AtomicInteger open = new AtomicInteger();
    private long acceptPausedUntil;
    private volatile boolean running = true;

    /**
     * Binds and starts serving.
     *
     * @param host                 address to bind.
     * @param port                 port, 0 for an ephemeral one.
     * @param threads              scrape workers.
     * @param maxConnections       open connections kept.
     * @param requestTimeoutNanos  time from accept to a complete head.
     * @param responseTimeoutNanos time a client has to take a whole response.
     * @param queueWaitNanos       longest wait of a complete request for a worker.
     * @param router               what is served.
     * @throws IOException if the address cannot be bound.
     */
    ScrapeServer(
        final String host, final int port, final int threads, final int maxConnections, final long requestTimeoutNanos,
        final long responseTimeoutNanos, final long queueWaitNanos, final Router router) throws IOException
    {
        this.router = router;
        this.maxConnections = maxConnections;
        this.requestTimeoutNanos = requestTimeoutNanos;
        this.responseTimeoutNanos = responseTimeoutNanos;
        this.queueWaitNanos = queueWaitNanos;
        this.selector = Selector.open();
        final ServerSocketChannel channel;
        try
        {
            channel = ServerSocketChannel.open();
        }
        catch (final IOException | RuntimeException ex)
        {
            selector.close();
            throw ex;
        }
        try
        {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(host, port), BACKLOG);
            channel.configureBlocking(false);
            acceptKey = channel.register(selector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException | RuntimeException ex)
        {
            selector.close();
            channel.close();
            throw ex;
        }
        server = channel;
        final AtomicInteger index = new AtomicInteger();
        workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_SCRAPES),
            r ->
            {
                final Thread t = new Thread(() ->
                {
                    try
                    {
                        r.run();
                    }
                    finally
                    {
                        closeWriteSelector();
                    }
                }, "ringmetrics-prometheus-scrape-" + index.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        ioThread = new Thread(this::run, "ringmetrics-prometheus-http");
        ioThread.setDaemon(true);
        ioThread.start();
    }

    /** @return the bound port. */
    int port()
    {
        return server.socket().getLocalPort();
    }

    /** @return open connections, for tests. */
    int openConnections()
    {
        return open.get();
    }

    /**
     * Stops accepting, cuts every connection, stops the threads; the port is free when this returns. Idempotent.
     */
    @Override
    public void close()
    {
        running = false;
        selector.wakeup();
        workers.shutdownNow();
        try
        {
            ioThread.join(TimeUnit.SECONDS.toMillis(2));
            workers.awaitTermination(1, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        closeQuietly(server);
    }

    private void run()
    {
        try
        {
            while (running)
            {
                final long waitMillis = cutExpired(System.nanoTime());
                selector.select(waitMillis);
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid())
                    {
                        continue;
                    }
                    if (key == acceptKey)
                    {
                        acceptAll();
                    }
                    else if (key.isReadable())
                    {
                        read((Connection)key.attachment());
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            router.count(ErrorType.SEND_FAILED, "the scrape endpoint's selector failed: " + ex);
        }
        finally
        {
            final List<Connection> all = new ArrayList<>(reading);
            all.addAll(lingering);
            all.forEach(this::close);
            closeQuietly(server);
            closeQuietly(selector);
        }
    }

    /** Cuts connections past their deadline; returns the time until the next deadline, in ms (1..1000). */
    private long cutExpired(final long now)
    {
        if (acceptPausedUntil != 0 && now - acceptPausedUntil >= 0)
        {
            acceptPausedUntil = 0;
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
        for (Iterator<Connection> it = reading.iterator(); it.hasNext(); )
        {
            final Connection c = it.next();
            if (c.deadlineNanos - now > 0)
            {
                break;
            }
            it.remove();
            router.count(ErrorType.REQUEST_TIMEOUT, "request head not complete within " +
                TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos) + " ms (" + c.length + " bytes received); " +
                "connection cut");
            writeOnce(c, answer(408, "Request Timeout: the request head must arrive within " +
                TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos) + " ms\n", false, null));
            close(c);
        }
        for (Iterator<Connection> it = lingering.iterator(); it.hasNext(); )
        {
            final Connection c = it.next();
            if (c.deadlineNanos - now > 0)
            {
                break;
            }
            it.remove();
            close(c);
        }
        long next = now + TimeUnit.SECONDS.toNanos(1);
        if (!reading.isEmpty())
        {
            next = Math.min(next, reading.iterator().next().deadlineNanos);
        }
        if (!lingering.isEmpty())
        {
            next = Math.min(next, lingering.iterator().next().deadlineNanos);
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now) + 1);
    }

    private void acceptAll()
    {
        for (int i = 0; i < 64; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = server.accept();
            }
            catch (final IOException ex)
            {
                // e.g. out of file descriptors: stop accepting for a moment instead of spinning
                router.count(ErrorType.TOO_MANY_CONNECTIONS, "accepting a connection failed: " + ex);
                acceptKey.interestOps(0);
                acceptPausedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                return;
            }
            if (channel == null)
            {
                return;
            }
            if (open.get() >= maxConnections && !cutOldestWaiting())
            {
                router.count(ErrorType.TOO_MANY_CONNECTIONS, "connection limit " + maxConnections +
                    " reached and every connection is being served; new connection closed");
                closeQuietly(channel);
                continue;
            }
            try
            {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                final Connection c = new Connection(channel, key, System.nanoTime() + requestTimeoutNanos);
                key.attach(c);
                open.incrementAndGet();
                reading.add(c);
            }
            catch (final IOException ex)
            {
                closeQuietly(channel);
            }
        }
    }

    private boolean cutOldestWaiting()
    {
        final LinkedHashSet<Connection> from = !lingering.isEmpty() ? lingering : reading;
        if (from.isEmpty())
        {
            return false;
        }
        final Connection oldest = from.iterator().next();
        from.remove(oldest);
        if (oldest.state == State.READING)
        {
            router.count(ErrorType.TOO_MANY_CONNECTIONS, "connection limit " + maxConnections +
                " reached; cut the connection that waited longest for its request head");
        }
        close(oldest);
        return true;
    }

    private void read(final Connection c)
    {
        readBuffer.clear();
        final int n;
        try
        {
            n = c.channel.read(readBuffer);
        }
        catch (final IOException ex)
        {
            forget(c);
            return;
        }
        if (n < 0)
        {
            forget(c); // the client closed: nothing refused
            return;
        }
        if (c.state != State.READING)
        {
            return; // lingering: discard
        }
        readBuffer.flip();
        if (c.length + n > MAX_HEAD_BYTES)
        {
            router.count(ErrorType.REQUEST_TOO_LARGE, "request head larger than " + MAX_HEAD_BYTES + " bytes");
            answerAndLinger(c, answer(431, "Request Header Fields Too Large: at most " + MAX_HEAD_BYTES +
                " bytes\n", false, null));
            return;
        }
        if (c.length + n > c.head.length)
        {
            c.head = java.util.Arrays.copyOf(c.head, Math.min(MAX_HEAD_BYTES, Math.max(c.head.length * 2,
                c.length + n)));
        }
        readBuffer.get(c.head, c.length, n);
        c.length += n;
        final int end = RequestHead.endOf(c.head, c.length);
        if (end < 0)
        {
            return;
        }
        final RequestHead head;
        try
        {
            head = RequestHead.parse(c.head, end);
        }
        catch (final RequestHead.MalformedException ex)
        {
            router.count(ErrorType.BAD_REQUEST, "bad request: " + ex.getMessage());
            answerAndLinger(c, answer(400, "Bad Request: " + ex.getMessage() + '\n', false, null));
            return;
        }
        final byte[] small = router.route(head);
        if (small != null)
        {
            answerAndLinger(c, small);
            return;
        }
        dispatch(c, head);
    }

    private void dispatch(final Connection c, final RequestHead head)
    {
        reading.remove(c);
        c.state = State.SERVED;
        c.head = null;
        c.key.interestOps(0);
        final long queuedAt = System.nanoTime();
        try
        {
            workers.execute(() -> serve(c, head, queuedAt));
        }
        catch (final RejectedExecutionException ex)
        {
            router.count(ErrorType.TOO_MANY_SCRAPES, "all " + workers.getMaximumPoolSize() +
                " scrape workers busy and " + MAX_QUEUED_SCRAPES + " scrapes queued");
            c.state = State.READING;
            answerAndLinger(c, answer(503, "Service Unavailable: too many scrapes at once\n",
                "HEAD".equals(head.method()), null));
        }
    }

    /** On a scrape worker. */
    private void serve(final Connection c, final RequestHead head, final long queuedAt)
    {
        try
        {
            final ChannelOutput out = new ChannelOutput(c.channel, System.nanoTime() + responseTimeoutNanos);
            if (System.nanoTime() - queuedAt > queueWaitNanos)
            {
                router.count(ErrorType.TOO_MANY_SCRAPES, "waited more than " +
                    TimeUnit.NANOSECONDS.toMillis(queueWaitNanos) + " ms for a scrape worker");
                out.write(answer(503, "Service Unavailable: too many scrapes at once\n",
                    "HEAD".equals(head.method()), null));
            }
            else
            {
                router.serve(head, out);
            }
            c.channel.shutdownOutput();
        }
        catch (final ResponseTimeoutException ex)
        {
            router.count(ErrorType.RESPONSE_TIMEOUT, ex.getMessage());
        }
        catch (final IOException ex)
        {
            // the client went away, or the server is closing
        }
        finally
        {
            closeQuietly(c.channel);
            open.decrementAndGet();
        }
    }

    private void answerAndLinger(final Connection c, final byte[] answer)
    {
        reading.remove(c);
        c.head = null;
        if (!writeOnce(c, answer))
        {
            close(c);
            return;
        }
        try
        {
            c.channel.shutdownOutput();
        }
        catch (final IOException ex)
        {
            close(c);
            return;
        }
        c.state = State.LINGERING;
        c.key.interestOps(SelectionKey.OP_READ);
        c.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);
        lingering.add(c);
    }

    private static boolean writeOnce(final Connection c, final byte[] answer)
    {
        try
        {
            c.channel.write(ByteBuffer.wrap(answer));
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /** Closes a connection the selector thread owns and forgets it. */
    private void forget(final Connection c)
    {
        reading.remove(c);
        lingering.remove(c);
        close(c);
    }

    private void close(final Connection c)
    {
        if (c.state == State.SERVED)
        {
            closeQuietly(c.channel); // the worker counts it down
            return;
        }
        c.state = State.SERVED;
        c.head = null;
        closeQuietly(c.channel);
        open.decrementAndGet();
    }

    private static void closeQuietly(final java.io.Closeable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final IOException ignored)
        {
            // nothing to do
        }
    }

    private static void closeWriteSelector()
    {
        final Selector s = WRITE_SELECTOR.get();
        if (s != null)
        {
            WRITE_SELECTOR.remove();
            closeQuietly(s);
        }
    }

    /**
     * A whole answer with a text body.
     *
     * @param status      status code.
     * @param text        body.
     * @param headOnly    whether the body is left out (a {@code HEAD} request).
     * @param extraHeader one more header line without CRLF, or {@code null}.
     * @return head and body.
     */
    static byte[] answer(final int status, final String text, final boolean headOnly, final String extraHeader)
    {
        final byte[] body = text.getBytes(StandardCharsets.UTF_8);
        final byte[] head = responseHead(status, "text/plain; charset=utf-8", body.length, extraHeader);
        if (headOnly)
        {
            return head;
        }
        final byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /**
     * A response head with {@code Content-Length} and {@code Connection: close}.
     *
     * @param status        status code.
     * @param contentType   {@code Content-Type}.
     * @param contentLength body length in bytes (for {@code HEAD}: the length a {@code GET} would get).
     * @param extraHeader   one more header line without CRLF, or {@code null}.
     * @return the head's bytes.
     */
    static byte[] responseHead(final int status, final String contentType, final long contentLength,
        final String extraHeader)
    {
        return ("HTTP/1.1 " + status + ' ' + reason(status) + "\r\nContent-Type: " + contentType +
            "\r\nContent-Length: " + contentLength + "\r\n" + (extraHeader == null ? "" : extraHeader + "\r\n") +
            "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String reason(final int status)
    {
        switch (status)
        {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 431: return "Request Header Fields Too Large";
            case 503: return "Service Unavailable";
            default: return "Status";
        }
    }

    /**
     * The response side of a connection on a scrape worker: writes without blocking on the socket, waiting for room
     * on the worker's own selector, and fails with {@link ResponseTimeoutException} at the deadline.
     */
    private static final class ChannelOutput extends OutputStream
    {
        private final SocketChannel channel;
        private final long deadlineNanos;

        ChannelOutput(final SocketChannel channel, final long deadlineNanos)
        {
            this.channel = channel;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void write(final int b) throws IOException
        {
            write(new byte[] { (byte)b }, 0, 1);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            final ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            SelectionKey key = null;
            try
            {
                while (buffer.hasRemaining())
                {
                    if (channel.write(buffer) > 0)
                    {
                        continue;
                    }
                    final long left = deadlineNanos - System.nanoTime();
                    if (left <= 0)
                    {
                        throw new ResponseTimeoutException("the client did not take the response within the " +
                            "response timeout (" + buffer.remaining() + " bytes left); connection cut");
                    }
                    Selector s = WRITE_SELECTOR.get();
                    if (s == null)
                    {
                        s = Selector.open();
                        WRITE_SELECTOR.set(s);
                    }
                    if (key == null)
                    {
                        key = channel.register(s, SelectionKey.OP_WRITE);
                    }
                    s.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    s.selectedKeys().clear();
                }
            }
            catch (final ClosedChannelException ex)
            {
                throw new IOException("connection closed", ex);
            }
            finally
            {
                if (key != null)
                {
                    key.cancel();
                    WRITE_SELECTOR.get().selectNow(); // deregisters the channel
                }
            }
        }
    }
}
