package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.MetricsErrorConfig;
import io.ringmetrics.error.ErrorHandler;
import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ExportException;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.registry.MetricFamily;
import io.ringmetrics.registry.NameRules;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.snapshot.MetricsSnapshot;
import io.ringmetrics.snapshot.MetricsSnapshot.FamilySamples;
import io.ringmetrics.store.HistogramSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exposes a {@link MetricsEngine} to Prometheus client_java: a {@link MultiCollector} whose {@link #collect()}
 * converts one engine snapshot into {@link MetricSnapshots}, so the engine can be registered in any
 * {@code PrometheusRegistry} and served by client_java's HTTP server, servlet exporters or pushgateway, next to other
 * metrics:
 * <pre>{@code
 * PrometheusRegistry registry = new PrometheusRegistry();
 * registry.register(RingMetricsCollector.builder(engine).namespace("whisper_api").build());
 * HTTPServer.builder().port(9400).registry(registry).buildAndStart();
 * }</pre>
 * <b>Mapping.</b>
 * <ul>
 *   <li>Counter → {@link CounterSnapshot}. client_java strips one {@code _total} from the name and always exposes
 *       {@code <base>_total}: {@code http_requests_total} and {@code http_requests} both become
 *       {@code http_requests_total} (OpenMetrics family {@code http_requests}). Two engine counters that differ only
 *       by {@code _total} collide (see conflicts below).</li>
 *   <li>Gauge → {@link GaugeSnapshot}.</li>
 *   <li>Histogram → {@link HistogramSnapshot} with the exact classic buckets (non-cumulative counts handed to
 *       {@link ClassicHistogramBuckets#of(double[], long[])}, exposed cumulative, {@code +Inf} = count), count and
 *       sum. Query it with {@code histogram_quantile(0.99, rate(<name>_bucket[5m]))}.</li>
 *   <li>The HdrHistogram percentiles of a histogram (p50, p90, p99, p99.9) → a separate {@link SummarySnapshot}
 *       family {@code <name>_percentiles} with only {@code quantile} samples (no {@code _count}/{@code _sum}: those
 *       are the histogram's), and its largest observation → a gauge family {@code <name>_max}. Query them with
 *       {@code <name>_percentiles{quantile="0.99"}} and {@code <name>_max}. A summary is Prometheus' type for
 *       client-side quantiles; it needs a name of its own because a histogram and a summary cannot share one, and
 *       promtool rejects both a type name in the metric name ({@code _summary}) and a {@code quantile} label on a
 *       gauge. Unlike client_java's windowed summaries, these percentiles cover every observation since the series
 *       was created (they never decay) and are {@code NaN} before the first observation; they cannot be aggregated
 *       across instances — use the buckets for that. Turn them off with {@link Builder#percentiles(boolean)}.</li>
 *   <li>The engine's meta-metrics ({@link MetaMetrics}) → counters and gauges, like user metrics.</li>
 *   <li>A family registered without help text gets {@code "<name> (<type>, no help text registered)"}, since
 *       promtool flags families without {@code # HELP}.</li>
 *   <li>With a namespace, every exposed name (meta-metrics included) is {@code <namespace>_<name>}.</li>
 * </ul>
 * <b>Conflicts.</b> Each family claims the names its exposition uses (e.g. a counter {@code x}: {@code x},
 * {@code x_total}, {@code x_created}; a histogram {@code x}: {@code x}, {@code x_bucket}, {@code x_count},
 * {@code x_sum}, {@code x_created}). Meta-metrics claim first, then user metrics in registration order, then the
 * percentile and max families; a family whose names are already claimed is left out of the exposition (the others
 * are still exposed) and counted once as {@code metrics_export_errors_total{exporter="prometheus",
 * error_type="format_failed"}}, and logged like any export error (see below).
 * <p>
 * <b>Threading.</b> Any thread, including concurrently; meant for exporter threads. A collect waits for the
 * engine's writer at most {@code EngineConfig.snapshotTimeout()}. Names, help texts and label sets are converted
 * once per family and per series (cached in {@link SeriesDescriptor#exporterCache()}), not on every scrape.
 * <p>
 * <b>Failures.</b> {@link #collect()} never throws: if the snapshot times out (counted as {@code snapshot_timeout})
 * or the engine is closed, it returns no metrics, and a registry's other metrics are still served.
 * {@link #writeText(OutputStream)} and {@link #writeOpenMetrics(OutputStream)} count and throw. Failures are counted
 * and logged by the collector's {@link ErrorHandler} ({@link Builder#errorHandler(ErrorHandler)}; by default one
 * with {@link MetricsErrorConfig#DEFAULTS}): at its {@code errorLogLevel}, at most once per 10 s per error type, not
 * at all if its {@code logExportErrors} is off.
 */
public final class RingMetricsCollector implements MultiCollector
{
    /** Default {@code exporter} label of the export error meta-metric. */
    public static final String DEFAULT_EXPORTER_NAME = "prometheus";

    private static final Comparator<ExpositionModel.Entry> EXPOSITION_ORDER =
        Comparator.comparing(e -> e.exposed.sortName());

    private final MetricsEngine engine;
    private final String namespace;
    private final boolean percentiles;
    private final boolean created;
    private final String exporterName;
    private final ErrorHandler errorHandler;
    private final ConcurrentHashMap<String, ExposedFamily> metaFamilies = new ConcurrentHashMap<>();
    private final SinkPool sinks = new SinkPool();
    private volatile Map<MetricFamily, FamilyRendering> renderings = new IdentityHashMap<>();

    private RingMetricsCollector(final Builder b)
    {
        this.engine = b.engine;
        this.namespace = b.namespace;
        this.percentiles = b.percentiles;
        this.created = b.created;
        this.exporterName = b.exporterName;
        this.errorHandler = b.errorHandler != null ? b.errorHandler :
            new ErrorHandler(MetricsErrorConfig.DEFAULTS, engine.config().limits(), engine.errors());
    }

    /**
     * @param engine the engine to expose.
     * @return a builder.
     */
    public static Builder builder(final MetricsEngine engine)
    {
        return new Builder(engine);
    }

    /** @return the namespace prefix, or {@code null}. */
    public String namespace()
    {
        return namespace;
    }

    /** @return whether histograms also yield their {@code _percentiles} and {@code _max} families. */
    public boolean percentiles()
    {
        return percentiles;
    }

    /** @return whether counters and histograms carry {@code _created} samples. */
    public boolean created()
    {
        return created;
    }

    /**
     * Takes one engine snapshot and converts it. Never throws; see the class comment.
     *
     * @return the engine's metrics, sorted by client_java.
     */
    @Override
    public MetricSnapshots collect()
    {
        final MetricsSnapshot snapshot;
        try
        {
            snapshot = engine.snapshot();
        }
        catch (final ExportException ex)
        {
            failed(ex.errorType(), "snapshot failed: " + ex.getMessage());
            return MetricSnapshots.of();
        }
        catch (final ResourceLimitException ex)
        {
            return MetricSnapshots.of(); // engine closed
        }
        try
        {
            return toMetricSnapshots(model(snapshot));
        }
        catch (final RuntimeException ex)
        {
            failed(ErrorType.FORMAT_FAILED, "conversion failed: " + ex);
            return MetricSnapshots.of();
        }
    }

    /**
     * Takes one engine snapshot and writes it in the Prometheus text format 0.0.4, byte for byte what
     * client_java's {@code PrometheusTextFormatWriter} writes for {@link #collect()}, but without building
     * client_java's model.
     *
     * @param out destination; not closed.
     * @throws IOException     from {@code out}.
     * @throws ExportException if the snapshot timed out ({@code snapshot_timeout}) or formatting failed
     *                         ({@code format_failed}); counted.
     * @throws ResourceLimitException if the engine is closed.
     */
    public void writeText(final OutputStream out) throws IOException
    {
        write(out, false);
    }

    /**
     * As {@link #writeText(OutputStream)}, in OpenMetrics 1.0 (client_java's {@code OpenMetricsTextFormatWriter}).
     *
     * @param out destination; not closed.
     * @throws IOException     from {@code out}.
     * @throws ExportException if the snapshot timed out or formatting failed; counted.
     * @throws ResourceLimitException if the engine is closed.
     */
    public void writeOpenMetrics(final OutputStream out) throws IOException
    {
        write(out, true);
    }

    private void write(final OutputStream out, final boolean openMetrics) throws IOException
    {
        final MetricsSnapshot snapshot = snapshot();
        final ByteSink sink = sinks.acquire();
        try
        {
            render(snapshot, openMetrics, sink);
            sink.writeTo(out);
        }
        finally
        {
            sinks.release(sink);
        }
    }

    /**
     * Takes a snapshot, counting a timeout.
     *
     * @return the snapshot.
     * @throws ExportException        on timeout (counted).
     * @throws ResourceLimitException if the engine is closed.
     */
    MetricsSnapshot snapshot()
    {
        try
        {
            return engine.snapshot();
        }
        catch (final ExportException ex)
        {
            failed(ex.errorType(), "snapshot failed: " + ex.getMessage());
            throw ex;
        }
    }

    /**
     * Fast path: writes a snapshot into a sink.
     *
     * @param snapshot    the snapshot.
     * @param openMetrics OpenMetrics 1.0, else text 0.0.4.
     * @param sink        destination.
     * @throws ExportException ({@code format_failed}, counted) if writing failed.
     */
    void render(final MetricsSnapshot snapshot, final boolean openMetrics, final ByteSink sink)
    {
        try
        {
            ExpositionWriter.write(model(snapshot), openMetrics, sink);
        }
        catch (final MetricsException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            failed(ErrorType.FORMAT_FAILED, "formatting failed: " + ex);
            throw new ExportException(ErrorType.FORMAT_FAILED, "formatting the exposition failed: " + ex);
        }
    }

    /** @return buffers shared by this collector's scrapes. */
    SinkPool sinks()
    {
        return sinks;
    }

    /**
     * Counts an export error and logs it, rate-limited, through the error handler.
     *
     * @param type   error type.
     * @param detail what failed.
     */
    void failed(final ErrorType type, final String detail)
    {
        errorHandler.handleExport(exporterName, type, detail);
    }

    /**
     * Builds the families of one scrape in exposition order, resolving name conflicts.
     *
     * @param snapshot an engine snapshot.
     * @return the model.
     */
    ExpositionModel model(final MetricsSnapshot snapshot)
    {
        final MetricsResourceConfig limits = engine.config().limits();
        final List<MetaMetrics.Family> metas = MetaMetrics.collect(
            snapshot.stats(), engine.errors(), limits.maxLabelCombinations(), limits.maxMetrics());
        final List<FamilySamples> families = snapshot.families();
        final List<ExpositionModel.Entry> entries = new ArrayList<>(metas.size() + 3 * families.size());
        final Set<String> claimed = new HashSet<>();

        for (final MetaMetrics.Family meta : metas)
        {
            final ExposedFamily exposed = metaFamilies.computeIfAbsent(meta.name(), n -> new ExposedFamily(
                meta.kind() == MetaMetrics.Kind.COUNTER ? ExposedFamily.Kind.COUNTER : ExposedFamily.Kind.GAUGE,
                exposedName(n), meta.help(), null));
            claim(claimed, exposed);
            entries.add(ExpositionModel.Entry.meta(exposed, meta));
        }

        final Map<MetricFamily, FamilyRendering> previous = renderings;
        final Map<MetricFamily, FamilyRendering> current = new IdentityHashMap<>(2 * families.size());
        final List<ExpositionModel.Entry> histograms = new ArrayList<>();
        for (final FamilySamples samples : families)
        {
            final MetricFamily family = samples.family();
            FamilyRendering rendering = previous.get(family);
            if (rendering == null)
            {
                rendering = new FamilyRendering(family, exposedName(family.name()), percentiles);
            }
            current.put(family, rendering);
            if (!claim(claimed, rendering.main()))
            {
                conflict(rendering, rendering.main());
                continue;
            }
            final ExpositionModel.Entry entry =
                ExpositionModel.Entry.series(rendering.main(), ExpositionModel.Role.SERIES, rendering, samples);
            entries.add(entry);
            if (rendering.percentiles() != null)
            {
                histograms.add(entry);
            }
        }
        for (final ExpositionModel.Entry histogram : histograms)
        {
            final FamilyRendering rendering = histogram.rendering;
            if (claim(claimed, rendering.percentiles()))
            {
                entries.add(ExpositionModel.Entry.series(
                    rendering.percentiles(), ExpositionModel.Role.PERCENTILES, rendering, histogram.samples));
            }
            else
            {
                conflict(rendering, rendering.percentiles());
            }
            if (claim(claimed, rendering.max()))
            {
                entries.add(ExpositionModel.Entry.series(
                    rendering.max(), ExpositionModel.Role.MAX, rendering, histogram.samples));
            }
            else
            {
                conflict(rendering, rendering.max());
            }
        }
        renderings = current; // drops renderings of families that no longer exist
        entries.sort(EXPOSITION_ORDER);
        return new ExpositionModel(snapshot, entries, created);
    }

    private String exposedName(final String name)
    {
        if (namespace == null)
        {
            return name;
        }
        return namespace.endsWith("_") ? namespace + name : namespace + '_' + name;
    }

    private static boolean claim(final Set<String> claimed, final ExposedFamily exposed)
    {
        final String[] names = exposed.claims();
        for (final String name : names)
        {
            if (claimed.contains(name))
            {
                return false;
            }
        }
        for (final String name : names)
        {
            claimed.add(name);
        }
        return true;
    }

    private void conflict(final FamilyRendering rendering, final ExposedFamily exposed)
    {
        if (rendering.firstConflict())
        {
            final MetricFamily family = rendering.family();
            final String what = exposed == rendering.main() ?
                family.type().label() + " '" + family.name() + "'" :
                "family " + exposed.clientName() + " of histogram '" + family.name() + "'";
            failed(ErrorType.FORMAT_FAILED, what + " is left out of the exposition: one of the names it needs (" +
                String.join(", ", exposed.claims()) + ") is already used by another metric");
        }
    }

    /**
     * Converts a model into client_java's snapshots: the reference the fast path is checked against.
     *
     * @param model a scrape.
     * @return the snapshots.
     */
    static MetricSnapshots toMetricSnapshots(final ExpositionModel model)
    {
        final MetricSnapshots.Builder result = MetricSnapshots.builder();
        for (final ExpositionModel.Entry entry : model.entries())
        {
            if (entry.size() > 0)
            {
                result.metricSnapshot(toMetricSnapshot(entry, model.created()));
            }
        }
        return result.build();
    }

    private static MetricSnapshot toMetricSnapshot(final ExpositionModel.Entry entry, final boolean created)
    {
        final ExposedFamily exposed = entry.exposed;
        final String name = exposed.clientName();
        final String help = exposed.help();
        final FamilySamples samples = entry.samples;
        switch (entry.role)
        {
            case META:
                return toMetricSnapshot(exposed, entry.meta);
            case PERCENTILES:
            {
                final SummarySnapshot.Builder summary = SummarySnapshot.builder().name(name).help(help);
                for (int i = 0; i < samples.size(); i++)
                {
                    final HistogramSample h = samples.histogram(i);
                    final List<Quantile> quantiles = new ArrayList<>(HistogramSpec.QUANTILES.length);
                    for (int q = 0; q < HistogramSpec.QUANTILES.length; q++)
                    {
                        quantiles.add(new Quantile(HistogramSpec.QUANTILES[q], percentile(h, q)));
                    }
                    summary.dataPoint(SummaryDataPointSnapshot.builder()
                        .quantiles(Quantiles.of(quantiles)).labels(labels(samples.series(i))).build());
                }
                return summary.build();
            }
            case MAX:
            {
                final GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
                for (int i = 0; i < samples.size(); i++)
                {
                    gauge.dataPoint(GaugeDataPointSnapshot.builder()
                        .value(max(samples.histogram(i))).labels(labels(samples.series(i))).build());
                }
                return gauge.build();
            }
            case SERIES:
                break;
            default:
                throw new IllegalStateException(entry.role.toString());
        }
        switch (exposed.kind())
        {
            case COUNTER:
            {
                final CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
                for (int i = 0; i < samples.size(); i++)
                {
                    final CounterDataPointSnapshot.Builder point = CounterDataPointSnapshot.builder()
                        .value(samples.counterValue(i)).labels(labels(samples.series(i)));
                    if (created)
                    {
                        point.createdTimestampMillis(samples.series(i).createdMillis());
                    }
                    final Exemplar exemplar = ExemplarPoints.of(samples.counterExemplar(i));
                    if (exemplar != null)
                    {
                        point.exemplar(exemplar);
                    }
                    counter.dataPoint(point.build());
                }
                return counter.build();
            }
            case GAUGE:
            {
                final GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
                for (int i = 0; i < samples.size(); i++)
                {
                    gauge.dataPoint(GaugeDataPointSnapshot.builder()
                        .value(samples.gaugeValue(i)).labels(labels(samples.series(i))).build());
                }
                return gauge.build();
            }
            case HISTOGRAM:
            {
                final double[] bounds = entry.rendering.bucketBounds();
                final HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name(name).help(help);
                for (int i = 0; i < samples.size(); i++)
                {
                    final HistogramSample h = samples.histogram(i);
                    final HistogramDataPointSnapshot.Builder point = HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, h.bucketCounts()))
                        .labels(labels(samples.series(i)));
                    point.sum(h.sum());
                    point.exemplars(ExemplarPoints.of(h));
                    NativeHistogramPoints.addTo(point, h.nativeBuckets());
                    if (created)
                    {
                        point.createdTimestampMillis(samples.series(i).createdMillis());
                    }
                    histogram.dataPoint(point.build());
                }
                return histogram.build();
            }
            default:
                throw new IllegalStateException(exposed.kind().toString());
        }
    }

    private static MetricSnapshot toMetricSnapshot(final ExposedFamily exposed, final MetaMetrics.Family meta)
    {
        if (exposed.kind() == ExposedFamily.Kind.COUNTER)
        {
            final CounterSnapshot.Builder counter =
                CounterSnapshot.builder().name(exposed.clientName()).help(exposed.help());
            for (int i = 0; i < meta.size(); i++)
            {
                counter.dataPoint(CounterDataPointSnapshot.builder()
                    .value(meta.value(i)).labels(metaLabels(meta, i)).build());
            }
            return counter.build();
        }
        final GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(exposed.clientName()).help(exposed.help());
        for (int i = 0; i < meta.size(); i++)
        {
            gauge.dataPoint(GaugeDataPointSnapshot.builder().value(meta.value(i)).labels(metaLabels(meta, i)).build());
        }
        return gauge.build();
    }

    private static Labels labels(final SeriesDescriptor series)
    {
        return SeriesRendering.of(series).labels(series);
    }

    /**
     * @param meta a meta-metric family.
     * @param i    sample index.
     * @return the sample's labels.
     */
    static Labels metaLabels(final MetaMetrics.Family meta, final int i)
    {
        return Labels.of(meta.labelNames(), meta.labelValues(i));
    }

    /**
     * @param h a histogram sample.
     * @param q index into {@link HistogramSpec#QUANTILES}.
     * @return the percentile as exposed: {@code NaN} before the first observation.
     */
    static double percentile(final HistogramSample h, final int q)
    {
        return h.count() == 0 ? Double.NaN : h.quantileValue(q);
    }

    /**
     * @param h a histogram sample.
     * @return the maximum as exposed: {@code NaN} before the first observation.
     */
    static double max(final HistogramSample h)
    {
        return h.count() == 0 ? Double.NaN : h.max();
    }

    /** Builder of {@link RingMetricsCollector}. */
    public static final class Builder
    {
        private final MetricsEngine engine;
        private String namespace;
        private boolean percentiles = true;
        private boolean created;
        private String exporterName = DEFAULT_EXPORTER_NAME;
        private ErrorHandler errorHandler;

        private Builder(final MetricsEngine engine)
        {
            this.engine = Objects.requireNonNull(engine, "engine");
        }

        /**
         * @param namespace prefix of every exposed name ({@code PROMETHEUS_NAMESPACE}), joined with {@code _}
         *                  unless it already ends with one; {@code null} for none. Must match
         *                  {@code [a-zA-Z_:][a-zA-Z0-9_:]*}.
         * @return this.
         * @throws io.ringmetrics.error.ValidationException if invalid.
         */
        public Builder namespace(final String namespace)
        {
            if (namespace != null)
            {
                NameRules.checkNamespace("PROMETHEUS_NAMESPACE", namespace);
            }
            this.namespace = namespace;
            return this;
        }

        /**
         * @param enabled whether histograms also yield {@code <name>_percentiles} and {@code <name>_max}
         *                (default true).
         * @return this.
         */
        public Builder percentiles(final boolean enabled)
        {
            this.percentiles = enabled;
            return this;
        }

        /**
         * @param enabled whether every counter and histogram series carries a {@code _created} sample, the time it was
         *                registered ({@code METRICS_EXPOSE_CREATED}, default false: the exposition is then exactly as
         *                without this option). {@link #collect()} sets client_java's created timestamps, which its
         *                writers expose only when their own option is on.
         * @return this.
         */
        public Builder created(final boolean enabled)
        {
            this.created = enabled;
            return this;
        }

        /**
         * @param name {@code exporter} label under which this collector counts its errors (default
         *             {@code prometheus}).
         * @return this.
         */
        public Builder exporterName(final String name)
        {
            this.exporterName = Objects.requireNonNull(name, "exporter name");
            return this;
        }

        /**
         * @param handler where export errors are counted and logged; it must count into the engine's
         *                {@code errors()} (e.g. {@code Metrics.errorHandler()}, or
         *                {@code new ErrorHandler(config, engine.config().limits(), engine.errors())}). Default: one
         *                with {@link MetricsErrorConfig#DEFAULTS}.
         * @return this.
         */
        public Builder errorHandler(final ErrorHandler handler)
        {
            this.errorHandler = Objects.requireNonNull(handler, "error handler");
            return this;
        }

        /** @return the collector. */
        public RingMetricsCollector build()
        {
            return new RingMetricsCollector(this);
        }
    }
}
