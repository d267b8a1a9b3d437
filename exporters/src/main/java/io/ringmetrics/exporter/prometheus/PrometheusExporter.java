package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.config.ExporterProperties;
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
import io.ringmetrics.MetricsExporter;
import io.ringmetrics.snapshot.MetricsSnapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * The Prometheus exporter: an embedded HTTP server ({@link ScrapeServer}, a small non-blocking HTTP/1.1 server of
 * its own) that serves the engine's metrics for Prometheus to scrape.
 * <ul>
 *   <li>{@code GET /metrics} — one engine snapshot, in the format chosen from the {@code Accept} header by
 *       client_java's {@code ExpositionFormats.findWriter}: protobuf with native histograms and exemplars (what
 *       Prometheus asks for first with native histograms on; client_java's {@code PrometheusProtobufWriter}),
 *       OpenMetrics 1.0 (what Prometheus asks for first otherwise) or the text format 0.0.4 (the default, e.g. for a
 *       browser or curl); gzip-compressed when {@code Accept-Encoding}
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
 * writers, and so does OpenMetrics when the snapshot holds an exemplar (the fast path writes none).
 * {@link Builder#fastPath(boolean)} forces client_java's writers for every request.
 * <p>
 * <b>Binding.</b> Host {@code METRICS_HTTP_HOST}, default {@code 127.0.0.1} (loopback only: set {@code 0.0.0.0}
 * explicitly to be scraped from other hosts, e.g. in a container); port {@code METRICS_HTTP_PORT}, default 8081,
 * {@code 0} for an ephemeral port (see {@link #port()}).
 * <p>
 * <b>Threading and bounds</b> (see {@link ScrapeServer}). One selector thread accepts connections and reads request
 * heads without blocking, so slow or stalled clients hold no thread: a head must be complete within
 * {@link Builder#requestTimeout(Duration)} of the accept ({@code METRICS_HTTP_REQUEST_TIMEOUT_MS}) or the connection
 * is cut; at most {@link Builder#maxConnections(int)} connections are open ({@code METRICS_HTTP_MAX_CONNECTIONS}; one
 * more cuts the one that has waited longest for its head). Only complete {@code GET}/{@code HEAD /metrics} requests
 * reach the {@link Builder#threads(int)} scrape workers ({@code METRICS_HTTP_THREADS}) through a queue of
 * {@link ScrapeServer#MAX_QUEUED_SCRAPES}; a scrape finding it full, or queued longer than the snapshot timeout, gets
 * {@code 503}. A worker has {@link Builder#responseTimeout(Duration)} ({@code METRICS_HTTP_RESPONSE_TIMEOUT_MS}) to
 * hand the response to the client. Every refused or cut connection is counted in
 * {@code metrics_export_errors_total{exporter="prometheus",error_type=...}} by reason ({@code too_many_scrapes},
 * {@code too_many_connections}, {@code request_timeout}, {@code request_too_large}, {@code bad_request},
 * {@code response_timeout}). Defaults are those of {@link MetricsSettings}. A scrape runs only on the workers, never
 * on caller threads or the engine's writer, and waits for a snapshot at most the engine's snapshot timeout. The
 * response buffer of the previous scrape is reused (one is retained, see {@link SinkPool}).
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


    private final String host;
    private final int requestedPort;
    private final String namespace;
    private final boolean percentiles;
    private final boolean created;
    private final boolean fastPath;
    private final int threads;
    private final int maxConnections;
    private final Duration requestTimeout;
    private final Duration responseTimeout;
    private final MetricsErrorConfig errors;
    private final Logger errorLogger;
    private final ExpositionFormats formats;
    private RingMetricsCollector collector;
    private volatile MetricsEngine engine;
    private final SinkPool gzipSinks = new SinkPool();
    private ScrapeServer server;
    private volatile int boundPort = -1;
    private boolean started;
    private boolean closed;

    private PrometheusExporter(final Builder b)
    {
        this.host = b.host;
        this.requestedPort = b.port;
        this.namespace = b.namespace;
        this.percentiles = b.percentiles;
        this.created = b.created;
        this.fastPath = b.fastPath;
        this.threads = b.threads;
        this.maxConnections = b.maxConnections;
        this.requestTimeout = b.requestTimeout;
        this.responseTimeout = b.responseTimeout;
        this.errors = b.errors;
        this.errorLogger = b.errorLogger;
        this.formats = created ? ExpositionFormats.init(ExporterProperties.builder().includeCreatedTimestamps(true)
            .build()) : ExpositionFormats.init();
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
            .namespace(namespace).percentiles(percentiles).created(created).exporterName(NAME).errorHandler(errorHandler).build();
        try
        {
            server = new ScrapeServer(host, requestedPort, threads, maxConnections, requestTimeout.toNanos(),
                responseTimeout.toNanos(), engine.config().snapshotTimeout().toNanos(), new Routes());
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new ConfigurationException(ErrorType.INVALID_CONFIG, "cannot listen on " + host + ':' +
                requestedPort + " (METRICS_HTTP_HOST / METRICS_HTTP_PORT): " + ex);
        }
        boundPort = server.port();
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
            server.close();
        }
    }

    /**
     * @return connections the scrape endpoint holds open right now (reading a request, being served, or lingering
     *         after an answer), at most {@code METRICS_HTTP_MAX_CONNECTIONS}; 0 before start and after close.
     */
    public synchronized int openConnections()
    {
        return server == null ? 0 : server.openConnections();
    }

    /** What the endpoint serves: routing on the selector thread, scrapes on the workers. */
    private final class Routes implements ScrapeServer.Router
    {
        @Override
        public byte[] route(final RequestHead head)
        {
            final String path = head.path();
            final String method = head.method();
            final boolean headOnly = "HEAD".equals(method);
            if (!METRICS_PATH.equals(path) && !HEALTH_PATH.equals(path))
            {
                return ScrapeServer.answer(404, "Not Found: " + METRICS_PATH + " and " + HEALTH_PATH + " only\n",
                    headOnly, null);
            }
            if (!headOnly && !"GET".equals(method))
            {
                return ScrapeServer.answer(405, "Method Not Allowed: GET or HEAD\n", false, "Allow: GET, HEAD");
            }
            if (HEALTH_PATH.equals(path))
            {
                final EngineHealth health = engine.health();
                return health.isHealthy() ? ScrapeServer.answer(200, "OK", headOnly, null) :
                    ScrapeServer.answer(503, "Service Unavailable: " + health.reason() + "\n", headOnly, null);
            }
            return null; // a scrape: to a worker
        }

        @Override
        public void serve(final RequestHead head, final OutputStream out) throws IOException
        {
            try
            {
                scrape(head, "HEAD".equals(head.method()), out);
            }
            catch (final RuntimeException ex)
            {
                collector.failed(ErrorType.FORMAT_FAILED, "request failed: " + ex);
            }
        }

        @Override
        public void count(final ErrorType reason, final String detail)
        {
            collector.failed(reason, detail);
        }
    }

    private void scrape(final RequestHead request, final boolean head, final OutputStream out) throws IOException
    {
        final String accept = request.header("accept");
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
            out.write(ScrapeServer.answer(503, "Service Unavailable: " + ex.getMessage() + '\n', head, null));
            return;
        }

        final ByteSink body = collector.sinks().acquire();
        ByteSink gzipped = null;
        try
        {
            try
            {
                render(snapshot, writer, escaping, body);
            }
            catch (final ExportException ex)
            {
                out.write(ScrapeServer.answer(503, "Service Unavailable: " + ex.getMessage() + '\n', head, null));
                return;
            }
            ByteSink sent = body;
            if (acceptsGzip(request.header("accept-encoding")))
            {
                gzipped = gzipSinks.acquire();
                try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped, 8192))
                {
                    body.writeTo(gzip);
                }
                sent = gzipped;
            }
            out.write(ScrapeServer.responseHead(200, writer.getContentType(), sent.size(),
                sent == gzipped ? "Content-Encoding: gzip" : null));
            if (!head)
            {
                sent.writeTo(out);
            }
        }
        finally
        {
            collector.sinks().release(body);
            if (gzipped != null)
            {
                gzipSinks.release(gzipped);
            }
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
        else if (fastPath && namesUnchanged && writer == formats.getOpenMetricsTextFormatWriter() &&
            !ExemplarPoints.anyIn(snapshot)) // the fast path writes no exemplars
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

    /**
     * @param header the request's {@code Accept-Encoding}, or {@code null}.
     * @return whether it lists {@code gzip} (or {@code *}) without {@code q=0}.
     */
    static boolean acceptsGzip(final String header)
    {
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

    /** Builder of {@link PrometheusExporter}. */
    public static final class Builder
    {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String namespace;
        private boolean percentiles = true;
        private boolean created;
        private boolean fastPath = true;
        private int threads = MetricsSettings.DEFAULT_HTTP_THREADS;
        private int maxConnections = MetricsSettings.DEFAULT_HTTP_MAX_CONNECTIONS;
        private Duration requestTimeout = MetricsSettings.DEFAULT_HTTP_REQUEST_TIMEOUT;
        private Duration responseTimeout = MetricsSettings.DEFAULT_HTTP_RESPONSE_TIMEOUT;
        private MetricsErrorConfig errors = MetricsErrorConfig.DEFAULTS;
        private Logger errorLogger;

        private Builder()
        {
        }

        /**
         * Takes host, port, server bounds, namespace and error settings from the environment-derived settings.
         *
         * @param settings {@code METRICS_HTTP_HOST}, {@code METRICS_HTTP_PORT}, {@code METRICS_HTTP_THREADS},
         *                 {@code METRICS_HTTP_MAX_CONNECTIONS}, {@code METRICS_HTTP_REQUEST_TIMEOUT_MS},
         *                 {@code METRICS_HTTP_RESPONSE_TIMEOUT_MS}, {@code PROMETHEUS_NAMESPACE}, {@code METRICS_EXPOSE_CREATED} and
         *                 {@link MetricsSettings#errors()} ({@code METRICS_LOG_EXPORT_ERRORS},
         *                 {@code METRICS_ERROR_LOG_LEVEL}).
         * @return this.
         */
        public Builder settings(final MetricsSettings settings)
        {
            return host(settings.httpHost()).port(settings.httpPort()).threads(settings.httpThreads())
                .maxConnections(settings.httpMaxConnections()).requestTimeout(settings.httpRequestTimeout())
                .responseTimeout(settings.httpResponseTimeout()).namespace(settings.prometheusNamespace())
                .created(settings.exposeCreated()).errors(settings.errors());
        }

        /**
         * @param enabled whether every counter and histogram series carries a {@code _created} sample, the time it was
         *                registered, in both text formats ({@code METRICS_EXPOSE_CREATED}, default false: the
         *                exposition is then byte for byte as without this option).
         * @return this.
         */
        public Builder created(final boolean enabled)
        {
            this.created = enabled;
            return this;
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
         * @param count scrape workers ({@code METRICS_HTTP_THREADS}): 1..{@link MetricsSettings#MAX_HTTP_THREADS},
         *              default {@link MetricsSettings#DEFAULT_HTTP_THREADS}. At most this many scrapes render at once.
         * @return this.
         */
        public Builder threads(final int count)
        {
            if (count < 1 || count > MetricsSettings.MAX_HTTP_THREADS)
            {
                throw new IllegalArgumentException("METRICS_HTTP_THREADS must be between 1 and " +
                    MetricsSettings.MAX_HTTP_THREADS + ", was " + count);
            }
            this.threads = count;
            return this;
        }

        /**
         * @param count open connections kept ({@code METRICS_HTTP_MAX_CONNECTIONS}):
         *              1..{@link MetricsSettings#MAX_HTTP_MAX_CONNECTIONS}, default
         *              {@link MetricsSettings#DEFAULT_HTTP_MAX_CONNECTIONS}.
         * @return this.
         */
        public Builder maxConnections(final int count)
        {
            if (count < 1 || count > MetricsSettings.MAX_HTTP_MAX_CONNECTIONS)
            {
                throw new IllegalArgumentException("METRICS_HTTP_MAX_CONNECTIONS must be between 1 and " +
                    MetricsSettings.MAX_HTTP_MAX_CONNECTIONS + ", was " + count);
            }
            this.maxConnections = count;
            return this;
        }

        /**
         * @param timeout time from accept to a complete request head ({@code METRICS_HTTP_REQUEST_TIMEOUT_MS}), default
         *                {@link MetricsSettings#DEFAULT_HTTP_REQUEST_TIMEOUT}.
         * @return this.
         */
        public Builder requestTimeout(final Duration timeout)
        {
            this.requestTimeout = checkedTimeout("METRICS_HTTP_REQUEST_TIMEOUT_MS", timeout);
            return this;
        }

        /**
         * @param timeout time a client has to take a whole response ({@code METRICS_HTTP_RESPONSE_TIMEOUT_MS}),
         *                default {@link MetricsSettings#DEFAULT_HTTP_RESPONSE_TIMEOUT}.
         * @return this.
         */
        public Builder responseTimeout(final Duration timeout)
        {
            this.responseTimeout = checkedTimeout("METRICS_HTTP_RESPONSE_TIMEOUT_MS", timeout);
            return this;
        }

        private static Duration checkedTimeout(final String name, final Duration timeout)
        {
            Objects.requireNonNull(timeout, name);
            if (timeout.toMillis() < MetricsSettings.MIN_HTTP_TIMEOUT_MS ||
                timeout.toMillis() > MetricsSettings.MAX_HTTP_TIMEOUT_MS)
            {
                throw new IllegalArgumentException(name + " must be between " + MetricsSettings.MIN_HTTP_TIMEOUT_MS +
                    " and " + MetricsSettings.MAX_HTTP_TIMEOUT_MS + " ms, was " + timeout.toMillis());
            }
            return timeout;
        }

        /** @return the exporter, not yet started. */
        public PrometheusExporter build()
        {
            Objects.requireNonNull(host, "host");
            return new PrometheusExporter(this);
        }
    }
}
