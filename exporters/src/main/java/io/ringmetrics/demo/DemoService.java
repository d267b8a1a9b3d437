package io.ringmetrics.demo;

import io.ringmetrics.Metrics;
import io.ringmetrics.config.EnvironmentConfig;
import io.ringmetrics.config.MetricsSettings;
import io.ringmetrics.error.ConfigurationException;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.exporter.CompositeExporter;
import io.ringmetrics.exporter.MetricsFactory;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.store.HistogramSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The demo service (README command 1): embeds the engine, runs a simulated transcription API workload and
 * exports it — Prometheus {@code /metrics} and {@code /health} on {@code METRICS_HTTP_HOST:METRICS_HTTP_PORT}
 * (default 127.0.0.1:8081), or StatsD with {@code METRICS_EXPORTER=statsd}.
 * <p>
 * Configuration comes from the environment (every variable of {@code docs/configuration.md}) plus
 * {@code DEMO_WORKERS} (default 2) and {@code DEMO_REQUESTS_PER_SECOND} per worker (default 200). A bad value
 * prints what was wrong and exits with status 2, as does a start-up failure due to the settings (the address is in
 * use, the limits leave no room for the demo's metrics, the JVM lacks the option Agrona needs); any other start-up
 * failure exits with 1. Either way within a second, with one line on stderr and nothing left listening. SIGTERM or
 * Ctrl-C stops the workload, flushes, closes and exits 0.
 */
public final class DemoService
{
    private DemoService()
    {
    }

    /**
     * @param args ignored.
     */
    public static void main(final String[] args)
    {
        final Map<String, String> env = System.getenv();
        final List<String> problems = new ArrayList<>();
        final int workers = demoSetting(env, "DEMO_WORKERS", 2, 1, 64, problems);
        final int rate = demoSetting(env, "DEMO_REQUESTS_PER_SECOND", 200, 1, 100_000, problems);
        MetricsSettings settings = null;
        try
        {
            settings = EnvironmentConfig.from(env);
        }
        catch (final ConfigurationException ex)
        {
            problems.add(ex.getMessage());
        }
        if (!problems.isEmpty())
        {
            exit(2, String.join("\n  ", problems));
            return;
        }
        final Metrics metrics;
        try
        {
            metrics = MetricsFactory.create(settings);
        }
        catch (final MetricsException ex) // e.g. the HTTP port is already in use, or the JVM lacks a needed option
        {
            exit(2, ex.getMessage());
            return;
        }
        catch (final RuntimeException | LinkageError ex)
        {
            exit(1, "cannot start: " + ex);
            return;
        }
        final List<TranscriptionWorkload> workloads = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        try
        {
            preregisterJobHistograms(metrics);
            for (int i = 0; i < workers; i++)
            {
                final TranscriptionWorkload workload = new TranscriptionWorkload(metrics, rate, 42 + i);
                final Thread thread = new Thread(workload, "demo-worker-" + i);
                workloads.add(workload);
                threads.add(thread);
            }
            // After the demo's own metrics: limits too small for those stop the demo with one line, not a warning
            // per JVM meter first.
            MicrometerDemo.start(metrics); // Micrometer-instrumented endpoints and JVM metrics (issue 13)
        }
        catch (final RuntimeException ex) // the limits leave no room for the demo's own metrics: stop serving
        {
            metrics.close();
            exit(ex instanceof MetricsException ? 2 : 1, "cannot register the demo's metrics: " + ex.getMessage());
            return;
        }

        final CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);

        System.out.println("ringmetrics demo: simulated transcription API, " + workers + " workers x " + rate +
            " requests/s");
        final PrometheusExporter prometheus =
            CompositeExporter.find(metrics.exporter(), PrometheusExporter.class).orElse(null);
        System.out.println("ringmetrics demo: configuration: " +
            (prometheus != null ? settings.toString(prometheus.port()) : settings.toString()));
        if (prometheus != null)
        {
            System.out.println("ringmetrics demo: serving http://" + settings.httpHost() + ':' + prometheus.port() +
                "/metrics and /health");
        }
        if (settings.exporters().contains(io.ringmetrics.config.ExporterKind.STATSD))
        {
            System.out.println("ringmetrics demo: exporting with statsd to " + settings.statsdHost() + ':' +
                settings.statsdPort());
        }
        if (settings.exporters().contains(io.ringmetrics.config.ExporterKind.OTLP))
        {
            System.out.println("ringmetrics demo: exporting with otlp to " + settings.otlp().endpoint());
        }
        if (prometheus == null && settings.exporters().contains(io.ringmetrics.config.ExporterKind.NULL))
        {
            System.out.println("ringmetrics demo: exporting with null");
        }
        System.out.println("ringmetrics demo: press Ctrl-C (or send SIGTERM) to stop");
        threads.forEach(Thread::start);

        awaitUninterruptibly(stop);
        System.out.println("ringmetrics demo: stopping: final flush and close");
        workloads.forEach(TranscriptionWorkload::stop);
        for (final Thread thread : threads)
        {
            joinUninterruptibly(thread);
        }
        metrics.close();
        System.out.println("ringmetrics demo: stopped");
        System.exit(0);
    }

    /**
     * Ends the process after a start-up failure: one line (or one per bad variable) on stderr, nothing left running.
     *
     * @param status 2 for a configuration the demo cannot run with, 1 for anything else.
     * @param why    what went wrong.
     */
    private static void exit(final int status, final String why)
    {
        System.err.println("ringmetrics demo: " + why);
        System.exit(status);
    }

    /**
     * Transcription jobs run for up to a minute: register their histogram with buckets that cover that (the
     * default buckets stop at 10 s), for every model and language, so the series exist from the start.
     */
    private static void preregisterJobHistograms(final Metrics metrics)
    {
        final HistogramSpec jobBuckets = HistogramSpec.secondsWithBuckets(
            0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 45, 60, 120);
        for (final String model : TranscriptionWorkload.MODELS)
        {
            for (final String language : TranscriptionWorkload.LANGUAGES)
            {
                metrics.engine().histogram("job_duration_seconds", "Transcription job duration.", jobBuckets,
                    new String[] { "model", model, "language", language });
            }
        }
    }

    private static int demoSetting(
        final Map<String, String> env, final String name, final int defaultValue, final int min, final int max,
        final List<String> problems)
    {
        final String value = env.get(name);
        if (value == null || value.isBlank())
        {
            return defaultValue;
        }
        try
        {
            final int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        problems.add(name + "='" + value + "' is invalid; allowed: a whole number from " + min + " to " + max);
        return defaultValue;
    }

    private static void awaitUninterruptibly(final CountDownLatch latch)
    {
        while (true)
        {
            try
            {
                latch.await();
                return;
            }
            catch (final InterruptedException ignored)
            {
                // keep waiting for the signal
            }
        }
    }

    private static void joinUninterruptibly(final Thread thread)
    {
        while (thread.isAlive())
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ignored)
            {
                // keep waiting
            }
        }
    }
}
