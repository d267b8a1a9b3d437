/**
 * Prometheus export of a {@link io.ringmetrics.MetricsEngine}.
 * <ul>
 *   <li>{@link io.ringmetrics.exporter.prometheus.PrometheusExporter} — the scrape endpoint: an embedded HTTP server
 *       serving {@code /metrics} (text 0.0.4, OpenMetrics 1.0 or protobuf with native histograms, by
 *       {@code Accept}; gzip) and {@code /health}.</li>
 *   <li>{@link io.ringmetrics.exporter.prometheus.RingMetricsCollector} — the engine as a client_java
 *       {@code MultiCollector}, for any {@code PrometheusRegistry}; also the entry point of the fast writers.</li>
 * </ul>
 * Data path of one scrape (exporter thread):
 * <pre>
 *   engine.snapshot()  --&gt;  ExpositionModel (families in exposition order, conflicts resolved)
 *        |                        |                                   |
 *        |            ExpositionWriter (fast path)        RingMetricsCollector.collect()
 *        |            bytes from per-family headers        client_java MetricSnapshots
 *        |            and per-series label blocks          + client_java's writers (reference)
 *        v                        v                                   v
 *   SeriesDescriptor.exporterCache = SeriesRendering (label block encoded once per series)
 * </pre>
 * The two paths produce identical bytes for the text and OpenMetrics formats; protobuf (native buckets,
 * {@code NativeHistogramPoints}) and exemplars
 * ({@code ExemplarPoints}) go through client_java's writers only; see
 * {@code docs/prometheus.md}.
 */
package io.ringmetrics.exporter.prometheus;
