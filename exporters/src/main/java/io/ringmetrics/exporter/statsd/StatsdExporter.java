package io.ringmetrics.exporter.statsd;

import io.ringmetrics.MetricsEngine;
import io.ringmetrics.error.ErrorHandler;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.MetricsExporter;
import io.ringmetrics.snapshot.MetricsSnapshot;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Pushes the engine's metrics to a StatsD (or DogStatsD) daemon over UDP or TCP ({@link StatsdConfig#protocol()}),
 * every flush interval, from its own daemon thread {@code ringmetrics-statsd}. What is sent, and how unsent counter deltas are carried over, is
 * described in {@link StatsdFlusher}; the settings in {@link StatsdConfig}.
 * <pre>{@code
 * StatsdExporter exporter = new StatsdExporter(StatsdConfig.builder().host("127.0.0.1").prefix("myapp").build());
 * exporter.start(engine);     // first flush one interval later
 * ...
 * exporter.close();           // final flush of everything published before close, then stop
 * engine.close();
 * }</pre>
 * <b>Threading.</b> {@link #start} and {@link #close} may be called from any thread; everything else happens on the
 * flush thread, which takes {@link MetricsEngine#snapshot()} and never touches caller threads: an unreachable,
 * unresolvable, refusing or (TCP) stalled daemon costs callers nothing. Failures are counted in
 * {@code metrics_export_errors_total{exporter="statsd",error_type=...}} ({@code send_failed},
 * {@code send_buffer_full}, {@code unresolved_host}, {@code connection_refused}, {@code snapshot_timeout},
 * {@code format_failed}) and logged
 * through an {@link ErrorHandler} built from {@link StatsdConfig#errors()} at start: at most once per error type per
 * 10 s, at {@code METRICS_ERROR_LOG_LEVEL}, not at all with {@code METRICS_LOG_EXPORT_ERRORS=false}.
 * <p>
 * Close the exporter before the engine: the final flush needs a snapshot.
 */
public final class StatsdExporter implements MetricsExporter
{
    /** Longest wait in {@link #close()} beyond the engine's snapshot timeout. */
    private static final long CLOSE_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final StatsdConfig config;
    private final Logger errorLogger;
    private volatile MetricsEngine engine;
    private volatile ErrorHandler errorHandler;
    private volatile StatsdFlusher flusher;
    private volatile boolean closing;
    private boolean engineClosed; // flush thread only
    private Thread thread;
    private boolean started;
    private boolean closed;

    /**
     * @param config settings.
     */
    public StatsdExporter(final StatsdConfig config)
    {
        this(config, null);
    }

    /**
     * @param config      settings.
     * @param errorLogger where the error handler logs, or {@code null} for its default logger; for tests.
     */
    StatsdExporter(final StatsdConfig config, final Logger errorLogger)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.errorLogger = errorLogger;
    }

    /**
     * An exporter configured from the process environment ({@code STATSD_*}).
     *
     * @return a new, unstarted exporter.
     */
    public static StatsdExporter fromEnv()
    {
        return new StatsdExporter(StatsdConfig.fromEnv());
    }

    @Override
    public String name()
    {
        return StatsdFlusher.EXPORTER;
    }

    /** @return the settings. */
    public StatsdConfig config()
    {
        return config;
    }

    /**
     * Starts the flush thread; the first flush happens one flush interval later.
     *
     * @param engine the running engine.
     * @throws IllegalStateException if already started or closed.
     */
    @Override
    public synchronized void start(final MetricsEngine engine)
    {
        Objects.requireNonNull(engine, "engine");
        if (started || closed)
        {
            throw new IllegalStateException("the statsd exporter " + (closed ? "is closed" : "was already started"));
        }
        started = true;
        this.engine = engine;
        this.errorHandler = errorLogger == null ?
            new ErrorHandler(config.errors(), engine.config().limits(), engine.errors()) :
            new ErrorHandler(config.errors(), engine.config().limits(), engine.errors(), errorLogger,
                ErrorHandler.LOG_INTERVAL_NANOS);
        this.flusher = new StatsdFlusher(config, engine, errorHandler);
        thread = new Thread(this::run, "ringmetrics-statsd");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Totals of the flushes so far: datagrams, bytes, lines, failures, last flush duration.
     *
     * @return stats, all zero before {@link #start}.
     */
    public StatsdFlusher.Stats stats()
    {
        final StatsdFlusher f = flusher;
        return f == null ? new StatsdFlusher.Stats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0) : f.stats();
    }

    private void run()
    {
        final long interval = config.flushInterval().toNanos();
        long next = System.nanoTime() + interval;
        try
        {
            while (!closing)
            {
                final long wait = next - System.nanoTime();
                if (wait > 0)
                {
                    LockSupport.parkNanos(this, wait);
                    Thread.interrupted(); // only close() stops this thread; an interrupt must not make it spin
                    continue;
                }
                flushOnce();
                final long now = System.nanoTime();
                next += interval;
                if (next - now < 0)
                {
                    next = now + interval; // a flush longer than the interval: no catch-up burst
                }
            }
            flushOnce(); // final flush: everything published before close()
        }
        finally
        {
            flusher.close();
        }
    }

    private void flushOnce()
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
                errorHandler.logExportEvent(StatsdFlusher.EXPORTER, Level.WARNING, "the engine was closed before " +
                    "the exporter; nothing more is sent (close the exporter first: its final flush needs the engine)");
            }
            else
            {
                flusher.reportError(ex.errorType(), "snapshot failed: " + ex.getMessage());
            }
            return;
        }
        catch (final RuntimeException ex)
        {
            flusher.reportError(ErrorType.SNAPSHOT_TIMEOUT, "snapshot failed: " + ex);
            return;
        }
        try
        {
            flusher.flush(snapshot);
        }
        catch (final RuntimeException ex)
        {
            flusher.reportError(ErrorType.FORMAT_FAILED, "flush failed: " + ex);
        }
    }

    /**
     * Flushes everything published before this call, then stops the flush thread and closes the channel. Waits
     * for the final flush at most the engine's snapshot timeout plus 10 s. Idempotent.
     */
    @Override
    public void close()
    {
        final Thread t;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            t = thread;
        }
        if (t == null)
        {
            return;
        }
        closing = true;
        LockSupport.unpark(t);
        final long deadline = System.nanoTime() + engine.config().snapshotTimeout().toNanos() + CLOSE_MARGIN_NANOS;
        boolean interrupted = false;
        while (t.isAlive())
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                errorHandler.logExportEvent(StatsdFlusher.EXPORTER, Level.WARNING,
                    "the final flush did not finish in time");
                t.interrupt();
                break;
            }
            try
            {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
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

    @Override
    public String toString()
    {
        return "StatsdExporter{" + config + '}';
    }
}
