package io.ringmetrics.config;

/**
 * Aggregation temporality of the OTLP exporter's sums and histograms
 * ({@code OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE}). Gauges have none.
 */
public enum OtlpTemporality
{
    /** Totals since the series started (the default, as in the OTel SDK); a failed export loses nothing. */
    CUMULATIVE,
    /**
     * What changed since the last export the collector accepted: a failed export's deltas are carried over and sent
     * once, summed with what came after. ({@code lowmemory} selects this too: ringmetrics has no up-down counters.)
     */
    DELTA
}
