package io.ringmetrics.config;

/**
 * Which exporter {@code METRICS_EXPORTER} selects.
 */
public enum ExporterKind
{
    /** Prometheus scrape endpoint (default). */
    PROMETHEUS,
    /** StatsD push over UDP or TCP ({@link StatsdProtocol}). */
    STATSD,
    /** No export: for tests and as a safe fallback. */
    NULL
}
