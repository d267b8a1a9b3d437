package io.ringmetrics.config;

/**
 * The exporters {@code METRICS_EXPORTER} can select: one, or several at once as a comma-separated list
 * ({@code prometheus,statsd,otlp}), each running on its own threads on the same engine. {@link #NULL} stands alone.
 */
public enum ExporterKind
{
    /** Prometheus scrape endpoint (default). */
    PROMETHEUS,
    /** StatsD push over UDP or TCP ({@link StatsdProtocol}). */
    STATSD,
    /** OTLP/HTTP protobuf push to an OpenTelemetry Collector (or any OTLP receiver), configured by the
     * {@code OTEL_*} variables ({@link OtlpSettings}). */
    OTLP,
    /** No export: for tests and as a safe fallback. */
    NULL
}
