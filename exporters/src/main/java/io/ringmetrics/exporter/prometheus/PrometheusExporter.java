package io.ringmetrics.exporter.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.ringmetrics.EngineHealth;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.config.MetricsSettings;
import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.error.ErrorHandler;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ExportException;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.exporter.MetricsExporter;
import io.ringmetrics.snapshot.MetricsSnapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * The Prometheus exporter: an embedded HTTP server (the JDK's {@code com.sun.net.httpserver}) that serves the
 * engine's metrics for Prometheus to scrape.
 * <ul>
 *   <li>{@code GET /metrics} — one engine snapshot, in the format chosen from the {@code Accept} header by
 *       client_java's {@code ExpositionFormats.findWriter}: OpenMetrics 1.0 (what Prometheus asks for first) or the
 *       text format 0.0.4 (the default, e.g. for a browser or curl); gzip-compressed when {@code Accept-Encoding}
 *       allows gzip. The {@code escaping} parameter of {@code Accept} is honoured as client_java does.</li>
 *   <li>{@code GET /health} — {@code 200 OK} while the engine records ({@link MetricsEngine#health()}); {@code 503}
 *       with the engine's one-line reason when its writer thread died, it is closed or disabled.</li>
 *   <li>{@code HEAD} on both: the same status and headers, no body. Any other method: {@code 405} with
 *       {@code Allow: GET, HEAD}. Any other path: {@code 404}.</li>
 *   <li>If the engine's writer does not serve a snapshot within {@code EngineConfig.snapshotTimeout()} (or the
 *       engine is closed), or formatting fails: {@code 503}, counted as
 *       {@code metrics_export_errors_total{exporter="prometheus",error_type="snapshot_timeout"|"format_failed"}}
 *       and logged by the exporter's {@link ErrorHandler}, built at {@link #start} from
 *       {@link Builder#errors(MetricsErrorConfig)} ({@code METRICS_LOG_EXPORT_ERRORS}, {@code METRICS_ERROR_LOG_LEVEL};
 *       at most one line per error type every 10 s).</li>
 * </ul>
 * The exposition is the one of {@link RingMetricsCollector} (see there for the mapping, percentiles and naming).
 * Text and OpenMetrics are written by the fast path ({@link ExpositionWriter}: byte-identical to client_java's
 * writers, without building client_java's model); other writers client_java may select (OpenMetrics 2.0 when
 * enabled through its properties) and the {@code dots}/{@code values} escaping schemes go through client_java's
 * writers. {@link Builder#fastPath(boolean)} forces client_java's writers for every request.
 * <p>
 * <b>Binding.</b> Host {@code METRICS_HTTP_HOST}, default {@code 127.0.0.1} (loopback only: set {@code 0.0.0.0}
 * explicitly to be scraped from other hosts, e.g. in a container); port {@code METRICS_HTTP_PORT}, default 8081,
 * {@code 0} for an ephemeral port (see {@link #port()}).
 * <p>
 * <b>Threading and bounds.</b> Connections are served by a pool of daemon threads that grows from
 * {@link Builder#threads(int)} (default 2) to {@link #MAX_CONNECTION_THREADS}, because the JDK server reads request
 * headers on these threads: a client that connects and stalls must not hold the only ones. At most
 * {@code threads} scrapes render at once (the others wait up to the snapshot timeout, then get 503), so memory stays
 * bounded. When every thread is busy the server's dispatcher waits for one, and further connections wait in the
 * socket backlog. A request that is not fully received within 10 s, or a response not taken within 60 s, is cut
 * (the JDK's {@code sun.net.httpserver.maxReqTime} / {@code maxRspTime}, set here unless the application set them
 * before any JDK HTTP server was created). A scrape runs only on these threads, never on caller
 * threads or the engine's writer, and waits for a snapshot at most the engine's snapshot timeout. The response
 * buffer of the previous scrape is reused (one is retained, see {@link SinkPool}).
 */
public final class PrometheusExporter implements MetricsExporter
{
    /** Exporter name, the {@code exporter} label of its errors. */
    public static final String NAME = "prometheus";
    /** Default host: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default port. */
    public static final int DEFAULT_PORT = 8081;
    /** Path of the exposition. */
    public static final String METRICS_PATH = "/metrics";
    /** Path of the health check. */
    public static final String HEALTH_PATH = "/health";

    /** Upper bound of the connection threads. */
    public static final int MAX_CONNECTION_THREADS = 32;

    static
    {
        // Read once by the JDK's HTTP server implementation when its first server is created.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null)
        {
            System.setProperty("sun.net.httpserver.maxReqTime", "10");
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null)
        {
            System.setProperty("sun.net.httpserver.maxRspTime", "60");
        }
    }

    private static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);
    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    private final String host;
    private final int requestedPort;
    private final String namespace;
    private final boolean percentiles;
    private final boolean fastPath;
    private final int threads;
    private Semaphore renders;
    private long snapshotTimeoutNanos;
    private final MetricsErrorConfig errors;
    private final Logger errorLogger;
    private final ExpositionFormats formats;
    private RingMetricsCollector collector;
    private volatile MetricsEngine engine;
    private HttpServer server;
    private ThreadPoolExecutor executor;
    private volatile int boundPort = -1;
    private boolean started;
    private boolean closed;

    private PrometheusExporter(final Builder b)
    {
        this.host = b.host;
        this.requestedPort = b.port;
        this.namespace = b.namespace;
        this.percentiles = b.percentiles;
        this.fastPath = b.fastPath;
        this.threads = b.threads;
        this.errors = b.errors;
        this.errorLogger = b.errorLogger;
        this.formats = ExpositionFormats.init();
    }

    /** @return a builder with the defaults (127.0.0.1:8081, no namespace). */
    public static Builder builder()
    {
        return new Builder();
    }

    @Override
    public String name()
    {
        return NAME;
    }

    /**
     * Binds the HTTP server and starts serving.
     *
     * @param engine the running engine.
     * @throws ConfigurationException ({@code invalid_config}) if the address cannot be bound.
     * @throws IllegalStateException  if already started.
     */
    @Override
    public synchronized void start(final MetricsEngine engine)
    {
        if (started)
        {
            throw new IllegalStateException("the Prometheus exporter is already started");
        }
        started = true;
        this.engine = engine;
        final ErrorHandler errorHandler = errorLogger == null ?
            new ErrorHandler(errors, engine.config().limits(), engine.errors()) :
            new ErrorHandler(errors, engine.config().limits(), engine.errors(), errorLogger,
                ErrorHandler.LOG_INTERVAL_NANOS);
        collector = RingMetricsCollector.builder(engine)
            .namespace(namespace).percentiles(percentiles).exporterName(NAME).errorHandler(errorHandler).build();
        final AtomicInteger threadIndex = new AtomicInteger();
        renders = new Semaphore(threads);
        snapshotTimeoutNanos = engine.config().snapshotTimeout().toNanos();
        executor = new ThreadPoolExecutor(threads, Math.max(threads, MAX_CONNECTION_THREADS), 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r ->
            {
                final Thread t = new Thread(r, "ringmetrics-prometheus-http-" + threadIndex.incrementAndGet());
                t.setDaemon(true);
                return t;
            },
            PrometheusExporter::waitForRoom);
        try
        {
            server = HttpServer.create(new InetSocketAddress(host, requestedPort), 0);
        }
        catch (final IOException | RuntimeException ex)
        {
            executor.shutdownNow();
            throw new ConfigurationException(ErrorType.INVALID_CONFIG, "cannot listen on " + host + ':' +
                requestedPort + " (METRICS_HTTP_HOST / METRICS_HTTP_PORT): " + ex);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        boundPort = server.getAddress().getPort();
    }

    private static void waitForRoom(final Runnable task, final ThreadPoolExecutor pool)
    {
        if (pool.isShutdown())
        {
            throw new RejectedExecutionException("the Prometheus exporter is closed");
        }
        try
        {
            pool.getQueue().put(task);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a free HTTP thread", ex);
        }
    }

    /** @return the bound port once started (useful with port 0), else the configured port. */
    public int port()
    {
        final int port = boundPort;
        return port >= 0 ? port : requestedPort;
    }

    /** @return the configured host. */
    public String host()
    {
        return host;
    }

    /** @return the collector serving this exporter, to register it in a client_java registry too; once started. */
    public synchronized RingMetricsCollector collector()
    {
        if (collector == null)
        {
            throw new IllegalStateException("the Prometheus exporter is not started");
        }
        return collector;
    }

    /**
     * Stops the HTTP server (open exchanges are cut) and its threads. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (server != null)
        {
            server.stop(0);
        }
        if (executor != null)
        {
            executor.shutdownNow();
            try
            {
                executor.awaitTermination(1, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void handle(final HttpExchange exchange)
    {
        try (exchange)
        {
            final String path = exchange.getRequestURI().getPath();
            final String method = exchange.getRequestMethod();
            final boolean head = "HEAD".equals(method);
            if (!METRICS_PATH.equals(path) && !HEALTH_PATH.equals(path))
            {
                respond(exchange, 404, head, "Not Found: " + METRICS_PATH + " and " + HEALTH_PATH + " only\n");
            }
            else if (!head && !"GET".equals(method))
            {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, false, "Method Not Allowed: GET or HEAD\n");
            }
            else if (HEALTH_PATH.equals(path))
            {
                health(exchange, head);
            }
            else
            {
                scrape(exchange, head);
            }
        }
        catch (final IOException ex)
        {
            // The client went away; nothing to answer.
        }
        catch (final RuntimeException ex)
        {
            collector.failed(ErrorType.FORMAT_FAILED, "request failed: " + ex);
        }
    }

    private void health(final HttpExchange exchange, final boolean head) throws IOException
    {
        final EngineHealth health = engine.health();
        if (health.isHealthy())
        {
            respond(exchange, 200, head, OK);
        }
        else
        {
            respond(exchange, 503, head, "Service Unavailable: " + health.reason() + "\n");
        }
    }

    private void scrape(final HttpExchange exchange, final boolean head) throws IOException
    {
        boolean acquired = false;
        try
        {
            acquired = renders.tryAcquire(snapshotTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (!acquired)
        {
            respond(exchange, 503, head, "Service Unavailable: too many scrapes at once\n");
            return;
        }
        try
        {
            renderAndSend(exchange, head);
        }
        finally
        {
            renders.release();
        }
    }

    private void renderAndSend(final HttpExchange exchange, final boolean head) throws IOException
    {
        final String accept = joinedHeader(exchange, "Accept");
        final EscapingScheme escaping = EscapingScheme.fromAcceptHeader(accept);
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) // protobuf asked for, but its writer is not on the classpath
        {
            writer = formats.getOpenMetricsTextFormatWriter().accepts(accept) ?
                formats.getOpenMetricsTextFormatWriter() : formats.getPrometheusTextFormatWriter();
        }

        final MetricsSnapshot snapshot;
        try
        {
            snapshot = collector.snapshot(); // counts a timeout
        }
        catch (final ExportException | ResourceLimitException ex)
        {
            respond(exchange, 503, head, "Service Unavailable: " + ex.getMessage() + '\n');
            return;
        }

        final ByteSink body = collector.sinks().acquire();
        try
        {
            try
            {
                render(snapshot, writer, escaping, body);
            }
            catch (final ExportException ex)
            {
                respond(exchange, 503, head, "Service Unavailable: " + ex.getMessage() + '\n');
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
            if (acceptsGzip(exchange))
            {
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                exchange.sendResponseHeaders(200, head ? -1 : 0);
                if (!head)
                {
                    try (GZIPOutputStream gzip = new GZIPOutputStream(exchange.getResponseBody(), 8192))
                    {
                        body.writeTo(gzip);
                    }
                }
            }
            else
            {
                exchange.sendResponseHeaders(200, head ? -1 : body.size());
                if (!head)
                {
                    try (OutputStream out = exchange.getResponseBody())
                    {
                        body.writeTo(out);
                    }
                }
            }
        }
        finally
        {
            collector.sinks().release(body);
        }
    }

    private void render(
        final MetricsSnapshot snapshot, final ExpositionFormatWriter writer, final EscapingScheme escaping,
        final ByteSink body)
    {
        // Names are validated to [a-zA-Z_:][a-zA-Z0-9_:]*, which these two schemes leave untouched.
        final boolean namesUnchanged =
            escaping == EscapingScheme.UNDERSCORE_ESCAPING || escaping == EscapingScheme.ALLOW_UTF8;
        if (fastPath && namesUnchanged && writer == formats.getPrometheusTextFormatWriter())
        {
            collector.render(snapshot, false, body);
        }
        else if (fastPath && namesUnchanged && writer == formats.getOpenMetricsTextFormatWriter())
        {
            collector.render(snapshot, true, body);
        }
        else
        {
            try
            {
                writer.write(body, RingMetricsCollector.toMetricSnapshots(collector.model(snapshot)), escaping);
            }
            catch (final IOException | RuntimeException ex)
            {
                collector.failed(ErrorType.FORMAT_FAILED, "formatting failed: " + ex);
                throw new ExportException(ErrorType.FORMAT_FAILED, "formatting the exposition failed: " + ex);
            }
        }
    }

    private static String joinedHeader(final HttpExchange exchange, final String name)
    {
        final List<String> values = exchange.getRequestHeaders().get(name);
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }

    /**
     * @param exchange a request.
     * @return whether {@code Accept-Encoding} lists {@code gzip} (or {@code *}) without {@code q=0}.
     */
    static boolean acceptsGzip(final HttpExchange exchange)
    {
        final String header = joinedHeader(exchange, "Accept-Encoding");
        if (header == null)
        {
            return false;
        }
        for (final String token : header.split(","))
        {
            final String[] parts = token.split(";");
            final String coding = parts[0].trim().toLowerCase(Locale.ROOT);
            if (coding.equals("gzip") || coding.equals("x-gzip") || coding.equals("*"))
            {
                boolean refused = false;
                for (int i = 1; i < parts.length; i++)
                {
                    final String p = parts[i].replace(" ", "");
                    refused |= p.equals("q=0") || p.equals("q=0.0") || p.equals("q=0.00") || p.equals("q=0.000");
                }
                if (!refused)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static void respond(final HttpExchange exchange, final int status, final boolean head, final String text)
        throws IOException
    {
        respond(exchange, status, head, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(final HttpExchange exchange, final int status, final boolean head, final byte[] body)
        throws IOException
    {
        exchange.getResponseHeaders().set("Content-Type", TEXT_PLAIN);
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head)
        {
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
        }
    }

    /** Builder of {@link PrometheusExporter}. */
    public static final class Builder
    {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String namespace;
        private boolean percentiles = true;
        private boolean fastPath = true;
        private int threads = 2;
        private MetricsErrorConfig errors = MetricsErrorConfig.DEFAULTS;
        private Logger errorLogger;

        private Builder()
        {
        }

        /**
         * Takes host, port, namespace and error settings from the environment-derived settings.
         *
         * @param settings {@code METRICS_HTTP_HOST}, {@code METRICS_HTTP_PORT}, {@code PROMETHEUS_NAMESPACE} and
         *                 {@link MetricsSettings#errors()} ({@code METRICS_LOG_EXPORT_ERRORS},
         *                 {@code METRICS_ERROR_LOG_LEVEL}).
         * @return this.
         */
        public Builder settings(final MetricsSettings settings)
        {
            return host(settings.httpHost()).port(settings.httpPort()).namespace(settings.prometheusNamespace())
                .errors(settings.errors());
        }

        /**
         * @param config error settings of the exporter's error handler: export errors are logged if
         *               {@link MetricsErrorConfig#logExportErrors()}, at {@link MetricsErrorConfig#errorLogLevel()}
         *               (they are always counted); default {@link MetricsErrorConfig#DEFAULTS}.
         * @return this.
         */
        public Builder errors(final MetricsErrorConfig config)
        {
            this.errors = Objects.requireNonNull(config, "errors");
            return this;
        }

        /**
         * @param logger where the error handler logs instead of its default logger; for tests.
         * @return this.
         */
        Builder errorLogger(final Logger logger)
        {
            this.errorLogger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /**
         * @param host address to bind ({@code METRICS_HTTP_HOST}); default {@code 127.0.0.1}. Use {@code 0.0.0.0}
         *             to listen on every interface.
         * @return this.
         */
        public Builder host(final String host)
        {
            if (host == null || host.isBlank())
            {
                throw new IllegalArgumentException("METRICS_HTTP_HOST must not be empty");
            }
            this.host = host.trim();
            return this;
        }

        /**
         * @param port port ({@code METRICS_HTTP_PORT}): 0..65535, 0 for an ephemeral port; default 8081.
         * @return this.
         */
        public Builder port(final int port)
        {
            if (port < 0 || port > 65_535)
            {
                throw new IllegalArgumentException("METRICS_HTTP_PORT must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param namespace prefix of every exposed name ({@code PROMETHEUS_NAMESPACE}), or {@code null}; validated
         *                  as a metric name.
         * @return this.
         * @throws io.ringmetrics.error.ValidationException if invalid.
         */
        public Builder namespace(final String namespace)
        {
            if (namespace != null)
            {
                io.ringmetrics.registry.NameRules.checkNamespace("PROMETHEUS_NAMESPACE", namespace);
            }
            this.namespace = namespace;
            return this;
        }

        /**
         * @param enabled whether histograms also yield {@code _percentiles} and {@code _max} families (default
         *                true).
         * @return this.
         */
        public Builder percentiles(final boolean enabled)
        {
            this.percentiles = enabled;
            return this;
        }

        /**
         * @param enabled whether text and OpenMetrics are written by the fast path (default true) or by
         *                client_java's writers (same bytes, slower).
         * @return this.
         */
        public Builder fastPath(final boolean enabled)
        {
            this.fastPath = enabled;
            return this;
        }

        /**
         * @param count HTTP threads, 1..16 (default 2).
         * @return this.
         */
        public Builder threads(final int count)
        {
            if (count < 1 || count > 16)
            {
                throw new IllegalArgumentException("HTTP threads must be between 1 and 16, was " + count);
            }
            this.threads = count;
            return this;
        }

        /** @return the exporter, not yet started. */
        public PrometheusExporter build()
        {
            Objects.requireNonNull(host, "host");
            return new PrometheusExporter(this);
        }
    }
}
