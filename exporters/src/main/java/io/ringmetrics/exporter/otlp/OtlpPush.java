package io.ringmetrics.exporter.otlp;

import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.config.OtlpSettings;
import io.ringmetrics.error.ErrorHandler;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.snapshot.MetricsSnapshot;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The running part of {@link OtlpExporter}, the only class that touches the OTel SDK's exporter (so that
 * {@code OtlpExporter} loads without it and can say in one line that it is missing): the export thread, the SDK's
 * {@link OtlpHttpMetricExporter}, and the {@link OtlpSnapshotMapper}.
 * <p>
 * <b>Threading.</b> {@link #start} and {@link #close} from the owning exporter; the rest on the export thread.
 */
final class OtlpPush
{
    private static final long CLOSE_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final OtlpSettings settings;
    private final MetricsEngine engine;
    private final ErrorHandler errorHandler;
    private final OtlpHttpMetricExporter exporter;
    private final OtlpSnapshotMapper mapper;
    private final long exportBoundNanos;
    private final Thread thread;
    private volatile boolean closing;
    private volatile OtlpExporter.Stats stats = new OtlpExporter.Stats(0, 0, 0);
    private boolean engineClosed;
    private long consecutiveFailures;

    OtlpPush(
        final OtlpSettings settings, final String namespace, final MetricsErrorConfig errors, final int maxAttempts,
        final Duration initialBackoff, final Duration maxBackoff, final MetricsEngine engine)
    {
        this.settings = settings;
        this.engine = engine;
        this.errorHandler = new ErrorHandler(errors, engine.config().limits(), engine.errors());
        final OtlpHttpMetricExporterBuilder builder = OtlpHttpMetricExporter.builder()
            .setEndpoint(settings.endpoint())
            .setTimeout(settings.timeout())
            .setConnectTimeout(settings.timeout())
            // The SDK's policy takes 2 to 5 attempts; null is "no retry".
            .setRetryPolicy(maxAttempts == 1 ? null : RetryPolicy.builder().setMaxAttempts(maxAttempts)
                .setInitialBackoff(initialBackoff).setMaxBackoff(maxBackoff).setBackoffMultiplier(1.5).build())
            .setMeterProvider(MeterProvider::noop);
        settings.headers().forEach(builder::addHeader);
        this.exporter = builder.build();
        // Each attempt is bounded by the timeout, each back-off by maxBackoff; beyond that the result is abandoned.
        this.exportBoundNanos = maxAttempts * (settings.timeout().toNanos() * 2 + maxBackoff.toNanos()) +
            TimeUnit.SECONDS.toNanos(1);
        this.mapper = OtlpSnapshotMapper.forEngine(settings, namespace, engine);
        this.thread = new Thread(this::run, "ringmetrics-otlp");
        this.thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    OtlpExporter.Stats stats()
    {
        return stats;
    }

    private void run()
    {
        final long interval = settings.interval().toNanos();
        long next = System.nanoTime() + interval;
        try
        {
            while (!closing)
            {
                final long wait = next - System.nanoTime();
                if (wait > 0)
                {
                    LockSupport.parkNanos(this, wait);
                    Thread.interrupted(); // only close() stops this thread
                    continue;
                }
                exportOnce();
                final long now = System.nanoTime();
                next += interval;
                if (next - now < 0)
                {
                    next = now + interval; // an export longer than the interval: no catch-up burst
                }
            }
            exportOnce(); // final export: everything published before close()
        }
        finally
        {
            exporter.shutdown().join(5, TimeUnit.SECONDS);
        }
    }

    private void exportOnce()
    {
        if (engineClosed)
        {
            return;
        }
        final MetricsSnapshot snapshot;
        try
        {
            snapshot = engine.snapshot();
        }
        catch (final MetricsException ex)
        {
            if (ex.errorType() == ErrorType.ENGINE_CLOSED)
            {
                engineClosed = true;
                errorHandler.logExportEvent(OtlpExporter.NAME, Level.WARNING, "the engine was closed before the " +
                    "exporter; nothing more is sent (close the exporter first: its final export needs the engine)");
            }
            else
            {
                failed(ex.errorType(), "snapshot failed: " + ex.getMessage());
            }
            return;
        }
        catch (final RuntimeException ex)
        {
            failed(ErrorType.SNAPSHOT_TIMEOUT, "snapshot failed: " + ex);
            return;
        }
        final List<MetricData> metrics;
        try
        {
            metrics = mapper.map(snapshot);
        }
        catch (final RuntimeException ex)
        {
            mapper.discard();
            failed(ErrorType.FORMAT_FAILED, "mapping the snapshot failed: " + ex);
            return;
        }
        if (metrics.isEmpty())
        {
            return;
        }
        final CompletableResultCode result = exporter.export(metrics);
        result.join(exportBoundNanos, TimeUnit.NANOSECONDS);
        if (result.isSuccess())
        {
            mapper.commit();
            long points = 0;
            for (final MetricData m : metrics)
            {
                points += m.getData().getPoints().size();
            }
            final OtlpExporter.Stats s = stats;
            stats = new OtlpExporter.Stats(s.exports() + 1, s.failedExports(), s.points() + points);
            if (consecutiveFailures > 0)
            {
                errorHandler.logExportEvent(OtlpExporter.NAME, Level.INFO,
                    "recovered after " + consecutiveFailures + " failed export(s)");
            }
            consecutiveFailures = 0;
            return;
        }
        mapper.discard();
        if (!result.isDone())
        {
            mapper.abandonPoints(); // the SDK may still read them
        }
        final Throwable failure = result.getFailureThrowable();
        failed(reason(result.isDone(), failure), "export to " + settings.endpoint() + " failed" +
            (failure == null ? (result.isDone() ? "" : ": no answer in time") : ": " + describe(failure)) +
            "; " + (settings.temporality() == io.ringmetrics.config.OtlpTemporality.DELTA ?
            "its deltas are kept for the next export" : "the next export sends the totals"));
        final OtlpExporter.Stats s = stats;
        stats = new OtlpExporter.Stats(s.exports() + 1, s.failedExports() + 1, s.points());
        consecutiveFailures++;
    }

    private void failed(final ErrorType type, final String detail)
    {
        errorHandler.handleExport(OtlpExporter.NAME, type, type.label() + ": " + detail);
    }

    /** The reason of a failed export, from the cause the SDK's exporter gives. */
    static ErrorType reason(final boolean done, final Throwable failure)
    {
        if (!done)
        {
            return ErrorType.EXPORT_TIMEOUT;
        }
        for (Throwable t = failure; t != null; t = t.getCause())
        {
            if (t instanceof ConnectException)
            {
                return ErrorType.CONNECTION_REFUSED;
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException)
            {
                return ErrorType.UNRESOLVED_HOST;
            }
            if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException)
            {
                return ErrorType.EXPORT_TIMEOUT;
            }
            if (t instanceof IOException)
            {
                return ErrorType.SEND_FAILED;
            }
        }
        return ErrorType.EXPORT_REJECTED; // the collector answered with an error status
    }

    private static String describe(final Throwable failure)
    {
        final StringBuilder sb = new StringBuilder();
        for (Throwable t = failure; t != null && sb.length() < 300; t = t.getCause())
        {
            sb.append(sb.length() == 0 ? "" : ": ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null)
            {
                sb.append(' ').append(t.getMessage().replaceAll("\\s+", " "));
            }
        }
        return sb.toString();
    }

    void close()
    {
        closing = true;
        LockSupport.unpark(thread);
        // One request's timeout for the final export, not its retries: a service stopping beside a dead collector
        // waits at most snapshot timeout + OTEL_EXPORTER_OTLP_TIMEOUT + 10 s, then the export is abandoned.
        final long deadline = System.nanoTime() + engine.config().snapshotTimeout().toNanos() +
            settings.timeout().toNanos() + CLOSE_MARGIN_NANOS;
        boolean interrupted = false;
        while (thread.isAlive())
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                errorHandler.logExportEvent(OtlpExporter.NAME, Level.WARNING, "the final export did not finish in time");
                thread.interrupt();
                break;
            }
            try
            {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
