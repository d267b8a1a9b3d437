package io.ringmetrics.exporter.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.config.OtlpSettings;
import io.ringmetrics.config.OtlpTemporality;
import io.ringmetrics.error.ErrorCounters;
import io.ringmetrics.registry.MetricFamily;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.snapshot.MetricsSnapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Turns snapshots into the OTel SDK's {@link MetricData}, and remembers, per series, what the collector has
 * accepted, so that delta temporality sends each increment exactly once.
 * <p>
 * <b>Mapping</b> (name = {@code [namespace_]name}, labels → attributes, help → description):
 * <pre>
 *   counter     monotonic LONG_SUM       cumulative: the total; delta: the change since the last accepted export
 *   gauge       DOUBLE_GAUGE             the current value, in both temporalities
 *   histogram   explicit-bucket HISTOGRAM the family's bounds, per-bucket counts, count and sum (totals, or changes);
 *                                        cumulative also carries the exact min and max since the series started
 *                                        (delta has none: the engine keeps no per-interval min and max)
 *   meta        metrics_*_total as monotonic DOUBLE_SUM, the other meta-metrics as DOUBLE_GAUGE, same rules
 * </pre>
 * <b>Carry-over (delta).</b> {@link #map} computes every delta against the baselines of the last export the collector
 * accepted and keeps the new baselines as pending; {@link #commit()} applies them once the export succeeded,
 * {@link #discard()} drops them after a failure, so the next export sends the unsent deltas summed with what came
 * after (its start time is that of the last accepted export). A series with nothing new is left out of a delta
 * export. A series that was removed and registered again, or whose counter went down, starts over from zero.
 * <p>
 * <b>Start times.</b> Cumulative points start when this mapper first saw the series (the previous export, or the
 * exporter's start for series present then); delta points at their baseline's time.
 * <p>
 * <b>Allocation.</b> Each series keeps its point objects ({@link ReusablePoints}) and each family its point list,
 * refilled at every export, so an export allocates little beyond the snapshot: the caller must have the previous
 * export's result before calling {@link #map} again, or call {@link #abandonPoints()}.
 * <p>
 * <b>Threading.</b> Not thread-safe: owned by the exporter thread (or a benchmark). Public for benchmarks and for a
 * service that hands the SDK's exporter its own {@code MetricData}; {@link OtlpExporter} is the way to push.
 */
public final class OtlpSnapshotMapper
{
    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    private final String namespace;
    private final boolean delta;
    private final AggregationTemporality temporality;
    private final ErrorCounters errors;
    private final int seriesLimit;
    private final int metricLimit;
    private final Map<String, MetaState> metaStates = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final Map<MetricFamily, List<Object>> pointLists = new IdentityHashMap<>();
    private final Map<MetricFamily, List<Double>> bounds = new IdentityHashMap<>();
    private SeriesState[] bySlot = new SeriesState[256];
    private int generation;
    private long previousEpochNanos;

    /**
     * @param resource       the resource of every metric.
     * @param namespace      prefix of every name, or {@code null}.
     * @param temporality    of sums and histograms.
     * @param errors         the engine's error counts (meta-metrics).
     * @param seriesLimit    {@code max_label_combinations}, for the meta-metrics.
     * @param metricLimit    {@code max_metrics}, for the meta-metrics.
     * @param startEpochNanos the exporter's start: start time of the series present at the first export.
     */
    OtlpSnapshotMapper(
        final Resource resource, final String namespace, final OtlpTemporality temporality, final ErrorCounters errors,
        final int seriesLimit, final int metricLimit, final long startEpochNanos)
    {
        this.resource = resource;
        this.scope = InstrumentationScopeInfo.create("io.ringmetrics");
        this.namespace = namespace;
        this.delta = temporality == OtlpTemporality.DELTA;
        this.temporality = delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
        this.errors = errors;
        this.seriesLimit = seriesLimit;
        this.metricLimit = metricLimit;
        this.previousEpochNanos = startEpochNanos;
    }

    /**
     * A mapper for an engine, as {@link OtlpExporter} builds it: the resource from the settings plus
     * {@code telemetry.sdk.language=java} and {@code telemetry.sdk.name=ringmetrics}, the engine's limits for the
     * meta-metrics, series present now starting now.
     *
     * @param settings  resource and temporality.
     * @param namespace prefix of every name, or {@code null}.
     * @param engine    the engine whose snapshots will be mapped.
     * @return a new mapper.
     */
    public static OtlpSnapshotMapper forEngine(
        final OtlpSettings settings, final String namespace, final MetricsEngine engine)
    {
        final AttributesBuilder resource = Attributes.builder()
            .put("telemetry.sdk.language", "java")
            .put("telemetry.sdk.name", "ringmetrics");
        settings.resource().forEach(resource::put);
        return new OtlpSnapshotMapper(Resource.create(resource.build()), namespace, settings.temporality(),
            engine.errors(), engine.config().limits().maxLabelCombinations(), engine.config().limits().maxMetrics(),
            TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));
    }

    /**
     * The metrics of one snapshot; with delta temporality, the new baselines wait for {@link #commit()} or
     * {@link #discard()} (a second {@code map} without either discards them first).
     *
     * @param snapshot the snapshot.
     * @return one {@link MetricData} per family with points, meta-metrics last.
     */
    public List<MetricData> map(final MetricsSnapshot snapshot)
    {
        pending.clear();
        final long now = TimeUnit.MILLISECONDS.toNanos(snapshot.timestampMillis());
        final List<MetricData> metrics = new ArrayList<>();
        for (final MetricsSnapshot.FamilySamples samples : snapshot.families())
        {
            final MetricFamily family = samples.family();
            switch (family.type())
            {
                case COUNTER:
                    counter(samples, now, metrics);
                    break;
                case GAUGE:
                    gauge(samples, now, metrics);
                    break;
                default:
                    histogram(samples, now, metrics);
                    break;
            }
        }
        meta(snapshot, now, metrics);
        previousEpochNanos = now;
        return metrics;
    }

    /** The export of the last {@link #map} was accepted: its values become the baselines. */
    public void commit()
    {
        for (final Pending p : pending)
        {
            p.apply();
        }
        pending.clear();
    }

    /** The export of the last {@link #map} failed: the baselines stay, its deltas are sent again later. */
    public void discard()
    {
        pending.clear();
    }

    private void counter(final MetricsSnapshot.FamilySamples samples, final long now, final List<MetricData> out)
    {
        final List<LongPointData> points = pointList(samples.family());
        for (int i = 0; i < samples.size(); i++)
        {
            final SeriesState s = state(samples.series(i));
            final long value = samples.counterValue(i);
            if (!delta)
            {
                points.add(s.longPoint(generation).set(s.startNanos, now, value));
                continue;
            }
            final long base = value >= s.count ? s.count : 0;
            if (value != base)
            {
                points.add(s.longPoint(generation).set(s.baselineNanos, now, value - base));
                pending.add(new Pending(s, now, value, 0.0, null));
            }
        }
        if (!points.isEmpty())
        {
            out.add(metric(samples.family(), MetricDataType.LONG_SUM,
                SumData.createLongSumData(true, temporality, points)));
        }
    }

    private void gauge(final MetricsSnapshot.FamilySamples samples, final long now, final List<MetricData> out)
    {
        final List<DoublePointData> points = pointList(samples.family());
        for (int i = 0; i < samples.size(); i++)
        {
            final SeriesState s = state(samples.series(i));
            final double value = samples.gaugeValue(i);
            if (Double.isFinite(value))
            {
                points.add(s.doublePoint(generation).set(s.startNanos, now, value));
            }
        }
        if (!points.isEmpty())
        {
            out.add(metric(samples.family(), MetricDataType.DOUBLE_GAUGE, GaugeData.createDoubleGaugeData(points)));
        }
    }

    private void histogram(final MetricsSnapshot.FamilySamples samples, final long now, final List<MetricData> out)
    {
        final List<Double> bounds = boundaries(samples.family());
        final List<HistogramPointData> points = pointList(samples.family());
        for (int i = 0; i < samples.size(); i++)
        {
            final SeriesState s = state(samples.series(i));
            final HistogramSample h = samples.histogram(i);
            if (h.bucketCount() != bounds.size() + 1)
            {
                throw new IllegalStateException(samples.series(i) + ": " + h.bucketCount() + " buckets for " +
                    bounds.size() + " bounds");
            }
            if (!delta)
            {
                final ReusablePoints.HistogramPoint p = s.histogramPoint(generation, bounds);
                for (int b = 0; b < p.counts.length; b++)
                {
                    p.counts[b] = h.bucketCountAt(b);
                }
                points.add(p.set(s.startNanos, now, h.sum(), h.count() > 0, h.min(), h.lifetimeMax()));
                continue;
            }
            final boolean reset = s.buckets == null || h.count() < s.count;
            if (h.count() == (reset ? 0 : s.count))
            {
                continue;
            }
            final long[] counts = h.bucketCounts();
            final ReusablePoints.HistogramPoint p = s.histogramPoint(generation, bounds);
            for (int b = 0; b < p.counts.length; b++)
            {
                p.counts[b] = reset ? counts[b] : counts[b] - s.buckets[b];
            }
            points.add(p.set(s.baselineNanos, now, reset ? h.sum() : h.sum() - s.sum, false, 0, 0));
            pending.add(new Pending(s, now, h.count(), h.sum(), counts));
        }
        if (!points.isEmpty())
        {
            out.add(metric(samples.family(), MetricDataType.HISTOGRAM, HistogramData.create(temporality, points)));
        }
    }

    private void meta(final MetricsSnapshot snapshot, final long now, final List<MetricData> out)
    {
        for (final MetaMetrics.Family family : MetaMetrics.collect(snapshot.stats(), errors, seriesLimit, metricLimit))
        {
            final boolean counter = family.kind() == MetaMetrics.Kind.COUNTER;
            final List<DoublePointData> points = new ArrayList<>(family.size());
            for (int j = 0; j < family.size(); j++)
            {
                final String[] values = family.labelValues(j);
                final MetaState s = metaState(family, values);
                final double value = family.value(j);
                if (!counter)
                {
                    points.add(DoublePointData.create(s.startNanos, now, s.attributes, value, List.of()));
                }
                else if (!delta)
                {
                    points.add(DoublePointData.create(s.startNanos, now, s.attributes, value, List.of()));
                }
                else
                {
                    final double base = value >= s.value ? s.value : 0.0;
                    if (value != base)
                    {
                        points.add(DoublePointData.create(s.baselineNanos, now, s.attributes, value - base, List.of()));
                        pending.add(new Pending(s, now, value));
                    }
                }
            }
            if (!points.isEmpty())
            {
                out.add(new OtlpMetric(resource, scope, name(family.name()), family.help(), "",
                    counter ? MetricDataType.DOUBLE_SUM : MetricDataType.DOUBLE_GAUGE,
                    counter ? SumData.createDoubleSumData(true, temporality, points) :
                        GaugeData.createDoubleGaugeData(points)));
            }
        }
    }

    private MetricData metric(final MetricFamily family, final MetricDataType type,
        final io.opentelemetry.sdk.metrics.data.Data<?> data)
    {
        return new OtlpMetric(resource, scope, name(family.name()), family.help() == null ? "" : family.help(), "",
            type, data);
    }

    private String name(final String name)
    {
        if (namespace == null)
        {
            return name;
        }
        return names.computeIfAbsent(name, n -> namespace.endsWith("_") ? namespace + n : namespace + '_' + n);
    }

    private SeriesState state(final SeriesDescriptor series)
    {
        final int slot = series.slot();
        if (slot >= bySlot.length)
        {
            bySlot = Arrays.copyOf(bySlot, Math.max(slot + 1, bySlot.length * 2));
        }
        SeriesState s = bySlot[slot];
        if (s == null || s.series != series)
        {
            final AttributesBuilder attributes = Attributes.builder();
            for (int l = 0; l < series.labelCount(); l++)
            {
                attributes.put(series.labelName(l), series.labelValue(l));
            }
            s = new SeriesState(series, attributes.build(), previousEpochNanos);
            bySlot[slot] = s;
        }
        return s;
    }

    private MetaState metaState(final MetaMetrics.Family family, final String[] values)
    {
        final String key = family.name() + '\u0000' + String.join("\u0000", values);
        MetaState s = metaStates.get(key);
        if (s == null)
        {
            final String[] labelNames = family.labelNames();
            final AttributesBuilder attributes = Attributes.builder();
            for (int l = 0; l < labelNames.length; l++)
            {
                attributes.put(labelNames[l], values[l]);
            }
            s = new MetaState(attributes.build(), previousEpochNanos);
            metaStates.put(key, s);
        }
        return s;
    }

    /**
     * The export of the last {@link #map} was abandoned before it completed: the SDK's exporter may still read its
     * points, so the next exports use new ones.
     */
    public void abandonPoints()
    {
        generation++;
        pointLists.clear();
    }

    /** The family's point list of this export: one list per family, emptied and refilled at every export. */
    @SuppressWarnings("unchecked")
    private <P> List<P> pointList(final MetricFamily family)
    {
        final List<Object> list = pointLists.computeIfAbsent(family, f -> new ArrayList<>());
        list.clear();
        return (List<P>)list;
    }

    private List<Double> boundaries(final MetricFamily family)
    {
        return bounds.computeIfAbsent(family, f ->
        {
            final List<Double> list = new ArrayList<>();
            for (final double b : f.histogramSpec().bucketBounds())
            {
                if (b != Double.POSITIVE_INFINITY)
                {
                    list.add(b);
                }
            }
            return List.copyOf(list);
        });
    }

    /** One series: its attributes, start, and (delta) the baseline the collector has accepted. */
    private static final class SeriesState
    {
        final SeriesDescriptor series;
        final Attributes attributes;
        final long startNanos;
        long baselineNanos;
        long count;
        double sum;
        long[] buckets;
        private Object point;
        private int pointGeneration;

        SeriesState(final SeriesDescriptor series, final Attributes attributes, final long startNanos)
        {
            this.series = series;
            this.attributes = attributes;
            this.startNanos = startNanos;
            this.baselineNanos = startNanos;
        }

        ReusablePoints.LongPoint longPoint(final int generation)
        {
            if (point == null || pointGeneration != generation)
            {
                point = new ReusablePoints.LongPoint(attributes);
                pointGeneration = generation;
            }
            return (ReusablePoints.LongPoint)point;
        }

        ReusablePoints.DoublePoint doublePoint(final int generation)
        {
            if (point == null || pointGeneration != generation)
            {
                point = new ReusablePoints.DoublePoint(attributes);
                pointGeneration = generation;
            }
            return (ReusablePoints.DoublePoint)point;
        }

        ReusablePoints.HistogramPoint histogramPoint(final int generation, final List<Double> boundaries)
        {
            if (point == null || pointGeneration != generation)
            {
                point = new ReusablePoints.HistogramPoint(attributes, boundaries);
                pointGeneration = generation;
            }
            return (ReusablePoints.HistogramPoint)point;
        }
    }

    /** One meta-metric series. */
    private static final class MetaState
    {
        final Attributes attributes;
        final long startNanos;
        long baselineNanos;
        double value;

        MetaState(final Attributes attributes, final long startNanos)
        {
            this.attributes = attributes;
            this.startNanos = startNanos;
            this.baselineNanos = startNanos;
        }
    }

    /** A baseline to apply once the export is accepted. */
    private static final class Pending
    {
        private final SeriesState series;
        private final MetaState meta;
        private final long nanos;
        private final long count;
        private final double value;
        private final long[] buckets;

        Pending(final SeriesState series, final long nanos, final long count, final double sum, final long[] buckets)
        {
            this.series = series;
            this.meta = null;
            this.nanos = nanos;
            this.count = count;
            this.value = sum;
            this.buckets = buckets;
        }

        Pending(final MetaState meta, final long nanos, final double value)
        {
            this.series = null;
            this.meta = meta;
            this.nanos = nanos;
            this.count = 0;
            this.value = value;
            this.buckets = null;
        }

        void apply()
        {
            if (meta != null)
            {
                meta.value = value;
                meta.baselineNanos = nanos;
                return;
            }
            series.count = count;
            series.sum = value;
            series.buckets = buckets;
            series.baselineNanos = nanos;
        }
    }
}
