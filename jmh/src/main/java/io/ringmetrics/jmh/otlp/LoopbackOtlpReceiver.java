package io.ringmetrics.jmh.otlp;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP endpoint on 127.0.0.1 for benchmarks: reads each request body into one reused buffer, counts its
 * bytes and answers {@code 200} with an empty body (an empty {@code ExportMetricsServiceResponse}). One thread.
 * The same for every peer, so its cost (in the same JVM) weighs equally on each.
 */
public final class LoopbackOtlpReceiver implements AutoCloseable
{
    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] buffer = new byte[1 << 16];
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /** Starts listening on an ephemeral port. */
    public LoopbackOtlpReceiver()
    {
        try
        {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "otlp-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange ->
        {
            long n = 0;
            try (InputStream in = exchange.getRequestBody())
            {
                for (int r; (r = in.read(buffer)) > 0; )
                {
                    n += r;
                }
            }
            requests.incrementAndGet();
            bytes.addAndGet(n);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** @return the metrics URL, {@code http://127.0.0.1:<port>/v1/metrics}. */
    public String metricsUrl()
    {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
    }

    /** @return the base endpoint, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it. */
    public String endpoint()
    {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** @return requests received. */
    public long requests()
    {
        return requests.get();
    }

    /** @return request body bytes received. */
    public long bytes()
    {
        return bytes.get();
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }
}
