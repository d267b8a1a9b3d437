package io.ringmetrics.exporter.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An OTLP/HTTP metrics receiver for tests: the JDK's HTTP server on 127.0.0.1, {@code POST /v1/metrics} decoded with
 * the official schema classes ({@code io.opentelemetry.proto:opentelemetry-proto}), every request kept with its
 * headers. It can go down and come back on the same port ({@link #stop()}, {@link #restart()}), answer with an error
 * status ({@link #failWith(int)}), or hold every request without answering ({@link #hang()}).
 */
public final class OtlpTestReceiver implements AutoCloseable
{
    /** One request as received. */
    public record Received(String path, Map<String, String> headers, ExportMetricsServiceRequest request)
    {
        /** @return every metric of every resource and scope. */
        public List<Metric> metrics()
        {
            final List<Metric> all = new ArrayList<>();
            for (final ResourceMetrics rm : request.getResourceMetricsList())
            {
                for (final ScopeMetrics sm : rm.getScopeMetricsList())
                {
                    all.addAll(sm.getMetricsList());
                }
            }
            return all;
        }

        /** @return the resource attributes of the first resource, as strings. */
        public Map<String, String> resource()
        {
            return attributes(request.getResourceMetrics(0).getResource().getAttributesList());
        }
    }

    private final int port;
    private final List<Received> received = new ArrayList<>();
    private HttpServer server;
    private ExecutorService executor;
    private volatile int failStatus;
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();

    private OtlpTestReceiver(final int port)
    {
        this.port = port;
    }

    /** @return a receiver listening on an ephemeral 127.0.0.1 port. */
    public static OtlpTestReceiver start()
    {
        final OtlpTestReceiver r = new OtlpTestReceiver(FreePorts.tcp());
        r.restart();
        return r;
    }

    /** @return the port. */
    public int port()
    {
        return port;
    }

    /** @return the base endpoint, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it. */
    public String endpoint()
    {
        return "http://127.0.0.1:" + port;
    }

    /** Starts listening again on the same port (after {@link #stop()}). */
    public synchronized void restart()
    {
        try
        {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot listen on 127.0.0.1:" + port, ex);
        }
        executor = Executors.newCachedThreadPool(r ->
        {
            final Thread t = new Thread(r, "otlp-test-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Stops listening: connections are refused until {@link #restart()}. */
    public synchronized void stop()
    {
        if (server == null)
        {
            return;
        }
        hold.countDown();
        server.stop(0);
        server = null;
        executor.shutdownNow();
    }

    /** @param status the status every request gets from now on; 0 to accept again. */
    public void failWith(final int status)
    {
        failStatus = status;
    }

    /** Holds every request from now on without answering, until {@link #release()}. */
    public void hang()
    {
        hold = new CountDownLatch(1);
    }

    /** @return requests being held now ({@link #hang()}). */
    public int held()
    {
        return held.get();
    }

    /** Answers the held requests and every later one normally. */
    public void release()
    {
        hold.countDown();
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            final byte[] body;
            try (InputStream in = exchange.getRequestBody())
            {
                body = in.readAllBytes();
            }
            held.incrementAndGet();
            try
            {
                hold.await(60, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            finally
            {
                held.decrementAndGet();
            }
            final int status = failStatus;
            if (status != 0)
            {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()))
            {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
            final Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            synchronized (this)
            {
                received.add(new Received(exchange.getRequestURI().getPath(), headers, request));
                notifyAll();
            }
            final byte[] response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, response.length);
            exchange.getResponseBody().write(response);
        }
    }

    /** @return every request accepted so far. */
    public synchronized List<Received> received()
    {
        return List.copyOf(received);
    }

    /**
     * Waits until the requests accepted so far satisfy {@code until}.
     *
     * @param until   the condition.
     * @param timeout longest wait.
     * @return the requests.
     * @throws AssertionError on timeout.
     */
    public synchronized List<Received> await(final Predicate<List<Received>> until, final Duration timeout)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!until.test(received))
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new AssertionError("the OTLP receiver did not get what was expected within " + timeout +
                    "; got " + received.size() + " request(s)");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(received);
    }

    /** @param attributes OTLP attributes @return key to value as a string */
    public static Map<String, String> attributes(final List<KeyValue> attributes)
    {
        final Map<String, String> map = new LinkedHashMap<>();
        for (final KeyValue kv : attributes)
        {
            final AnyValue v = kv.getValue();
            map.put(kv.getKey(), v.hasStringValue() ? v.getStringValue() : v.toString().trim());
        }
        return map;
    }

    @Override
    public void close()
    {
        stop();
    }
}
