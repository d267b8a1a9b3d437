package io.ringmetrics.stat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.ringmetrics.shm.SeriesReading;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus text (format 0.0.4) of the series read from a store file, written by client_java's
 * {@link PrometheusTextFormatWriter} as the Prometheus exporter's output is: counters, gauges, and histograms as
 * {@code _bucket}, {@code _count} and {@code _sum} (the file holds no percentiles). The file holds no HELP texts.
 * Series whose labels did not fit the record ({@link SeriesReading#keyTruncated()}) are left out: with labels
 * missing they could collide with another series.
 */
public final class StorePrometheusText
{
    private StorePrometheusText()
    {
    }

    /**
     * @param series what a {@code StoreReader} read.
     * @return the snapshots, one per metric name, in the order the names first appear.
     */
    public static MetricSnapshots snapshots(final List<SeriesReading> series)
    {
        final Map<String, List<SeriesReading>> families = new LinkedHashMap<>();
        for (final SeriesReading s : series)
        {
            if (!s.keyTruncated())
            {
                families.computeIfAbsent(s.type() + ' ' + s.name(), k -> new ArrayList<>()).add(s);
            }
        }
        final MetricSnapshots.Builder result = MetricSnapshots.builder();
        for (final List<SeriesReading> family : families.values())
        {
            final SeriesReading first = family.get(0);
            switch (first.type())
            {
                case "counter":
                {
                    final String name = first.name().endsWith("_total") ?
                        first.name().substring(0, first.name().length() - 6) : first.name();
                    final CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name);
                    for (final SeriesReading s : family)
                    {
                        counter.dataPoint(CounterDataPointSnapshot.builder().value(s.count()).labels(labels(s)).build());
                    }
                    result.metricSnapshot(counter.build());
                    break;
                }
                case "gauge":
                {
                    final GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(first.name());
                    for (final SeriesReading s : family)
                    {
                        gauge.dataPoint(GaugeDataPointSnapshot.builder().value(s.value()).labels(labels(s)).build());
                    }
                    result.metricSnapshot(gauge.build());
                    break;
                }
                default:
                {
                    final HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name(first.name());
                    for (final SeriesReading s : family)
                    {
                        final double[] bounds = java.util.Arrays.copyOf(s.bucketBounds(), s.bucketBounds().length + 1);
                        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
                        histogram.dataPoint(HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, s.bucketCounts()))
                            .sum(s.value()).labels(labels(s)).build());
                    }
                    result.metricSnapshot(histogram.build());
                    break;
                }
            }
        }
        return result.build();
    }

    private static Labels labels(final SeriesReading series)
    {
        final List<String> pairs = series.labels();
        final String[] names = new String[pairs.size() / 2];
        final String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = pairs.get(2 * i);
            values[i] = pairs.get(2 * i + 1);
        }
        return Labels.of(names, values);
    }

    /**
     * @param out    where to write.
     * @param series what a {@code StoreReader} read.
     * @throws IOException from {@code out}.
     */
    public static void write(final OutputStream out, final List<SeriesReading> series) throws IOException
    {
        PrometheusTextFormatWriter.create().write(out, snapshots(series));
    }
}
