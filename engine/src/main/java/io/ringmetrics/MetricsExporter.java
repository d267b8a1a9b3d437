package io.ringmetrics;

/**
 * Takes snapshots of an engine and makes them available outside the process (Prometheus scrape, StatsD push) or
 * nowhere (Null). Implementations live in the {@code ringmetrics-exporters} module.
 * <p>
 * <b>Threading.</b> An exporter does its work on its own threads (HTTP server, flush thread) and never on caller
 * threads or the writer thread; it obtains data only through {@link MetricsEngine#snapshot()}. Failures are
 * counted with {@code engine.errors().recordExport(name(), type)} and never thrown to callers.
 */
public interface MetricsExporter extends AutoCloseable
{
    /**
     * @return short name used in the {@code exporter} label of {@code metrics_export_errors_total}.
     */
    String name();

    /**
     * Starts exporting the engine's metrics. Called once.
     *
     * @param engine the running engine.
     */
    void start(MetricsEngine engine);

    /**
     * Stops exporting; push exporters send a final flush of everything published before close. Idempotent.
     */
    @Override
    void close();
}
