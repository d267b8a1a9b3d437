package io.ringmetrics.exporter;

import io.ringmetrics.MetricsEngine;
import io.ringmetrics.MetricsExporter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Several exporters on one engine ({@code METRICS_EXPORTER=prometheus,statsd,otlp}): each keeps its own threads and
 * takes its own snapshots ({@link MetricsEngine#snapshot()}) on its own schedule, so a collector that is down, a
 * StatsD daemon that stopped reading or a slow scrape client delays only the exporter facing it. The writer serves
 * each snapshot request on its own; callers only publish into their rings and never see any exporter.
 * <pre>{@code
 * Metrics metrics = MetricsFactory.withFullConfig(
 *     CompositeExporter.of(MetricsFactory.prometheusExporter(), MetricsFactory.otlpExporter()),
 *     EngineConfig.DEFAULTS, MetricsResourceConfig.DEFAULTS, MetricsErrorConfig.DEFAULTS);
 * PrometheusExporter prometheus = CompositeExporter.find(metrics.exporter(), PrometheusExporter.class).orElseThrow();
 * }</pre>
 * <b>Lifecycle.</b> {@link #start} starts the exporters in the order given; if one fails, those already started are
 * closed and the failure is thrown, so nothing is left running. {@link #close} closes them in reverse order, each
 * one whatever the others do. Not for concurrent {@code start}/{@code close}; {@link #exporters()} is safe anywhere.
 */
public final class CompositeExporter implements MetricsExporter
{
    /** Name of the composite itself (each exporter counts its errors under its own name). */
    public static final String NAME = "composite";

    private final List<MetricsExporter> exporters;
    private boolean started;
    private boolean closed;

    private CompositeExporter(final List<MetricsExporter> exporters)
    {
        this.exporters = exporters;
    }

    /**
     * @param exporters unstarted exporters, at least one, with distinct {@link MetricsExporter#name()}s (the name is
     *                  the {@code exporter} label of their errors).
     * @return an unstarted composite.
     * @throws IllegalArgumentException if none is given or two share a name.
     */
    public static CompositeExporter of(final MetricsExporter... exporters)
    {
        return of(List.of(exporters));
    }

    /**
     * @param exporters unstarted exporters, at least one, with distinct names.
     * @return an unstarted composite.
     * @throws IllegalArgumentException if none is given or two share a name.
     */
    public static CompositeExporter of(final List<? extends MetricsExporter> exporters)
    {
        if (exporters.isEmpty())
        {
            throw new IllegalArgumentException("a composite exporter needs at least one exporter");
        }
        final Set<String> names = new HashSet<>();
        for (final MetricsExporter exporter : exporters)
        {
            if (!names.add(Objects.requireNonNull(exporter, "exporter").name()))
            {
                throw new IllegalArgumentException("two exporters named '" + exporter.name() + "'; each exporter " +
                    "may run once (its name labels its errors)");
            }
        }
        return new CompositeExporter(List.copyOf(exporters));
    }

    /**
     * Finds an exporter of a type in what {@code Metrics.exporter()} returns: that exporter itself, or one of a
     * composite's.
     *
     * @param exporter an exporter, possibly a composite.
     * @param type     the type wanted, e.g. {@code PrometheusExporter.class}.
     * @param <T>      that type.
     * @return the first exporter of that type, or empty.
     */
    public static <T extends MetricsExporter> Optional<T> find(final MetricsExporter exporter, final Class<T> type)
    {
        if (type.isInstance(exporter))
        {
            return Optional.of(type.cast(exporter));
        }
        if (exporter instanceof CompositeExporter)
        {
            for (final MetricsExporter e : ((CompositeExporter)exporter).exporters)
            {
                if (type.isInstance(e))
                {
                    return Optional.of(type.cast(e));
                }
            }
        }
        return Optional.empty();
    }

    /** @return the exporters, in the order given. */
    public List<MetricsExporter> exporters()
    {
        return exporters;
    }

    /** @return {@value #NAME}. */
    @Override
    public String name()
    {
        return NAME;
    }

    /**
     * Starts every exporter, in order. If one throws, the ones started are closed (reverse order) and the failure
     * is rethrown: nothing is left running.
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
            throw new IllegalStateException("the composite exporter " + (closed ? "is closed" : "was already started"));
        }
        started = true;
        final List<MetricsExporter> running = new ArrayList<>();
        for (final MetricsExporter exporter : exporters)
        {
            try
            {
                exporter.start(engine);
                running.add(exporter);
            }
            catch (final RuntimeException | Error ex)
            {
                closeAll(running, ex);
                // The ones not started are closed too: an exporter may hold resources from its constructor.
                closeAll(exporters.subList(exporters.indexOf(exporter), exporters.size()), ex);
                closed = true;
                throw ex;
            }
        }
    }

    /** Closes every exporter in reverse order (push exporters flush first), each one whatever the others do. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        closeAll(exporters, null);
    }

    private static void closeAll(final List<MetricsExporter> exporters, final Throwable cause)
    {
        RuntimeException failure = null;
        for (int i = exporters.size() - 1; i >= 0; i--)
        {
            try
            {
                exporters.get(i).close();
            }
            catch (final RuntimeException ex)
            {
                if (cause != null)
                {
                    cause.addSuppressed(ex);
                }
                else if (failure == null)
                {
                    failure = ex;
                }
                else
                {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    @Override
    public String toString()
    {
        return "CompositeExporter" + exporters;
    }
}
