package io.ringmetrics.exporter.prometheus;

import io.prometheus.metrics.model.snapshots.Labels;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.snapshot.MetricsSnapshot.FamilySamples;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The fast path: writes an {@link ExpositionModel} in the Prometheus text format 0.0.4 or OpenMetrics 1.0 straight
 * into a {@link ByteSink}, from names, headers and label sets encoded once per family and per series.
 * <p>
 * <b>Threading.</b> Stateless; one exporter thread per call. Allocates nothing per series once the series'
 * renderings exist and their order is cached, except {@link Double#toString(double)} for values that are not whole
 * numbers below 10<sup>7</sup>.
 * <p>
 * <b>Contract.</b> The output is byte for byte what client_java 1.10.0's {@code PrometheusTextFormatWriter} or
 * {@code OpenMetricsTextFormatWriter} write for {@link RingMetricsCollector#collect()} of the same snapshot, with the
 * default ({@code underscores}) or {@code allow-utf-8} escaping scheme; {@code ExpositionWriterEquivalenceTest}
 * checks it over many fixtures. Line layout (written by {@code TextFormatUtil}):
 * <pre>
 *   name{a="x",b="y"} value          name value                  (no labels)
 *   name_bucket{a="x",le="0.5"} 3     name_bucket{le="0.5"} 3     (le / quantile always last)
 * </pre>
 */
final class ExpositionWriter
{
    private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);

    private ExpositionWriter()
    {
    }

    /**
     * @param model       the scrape.
     * @param openMetrics OpenMetrics 1.0 if {@code true}, else the text format 0.0.4.
     * @param out         destination.
     */
    static void write(final ExpositionModel model, final boolean openMetrics, final ByteSink out)
    {
        final List<ExpositionModel.Entry> entries = model.entries();
        for (int e = 0, n = entries.size(); e < n; e++)
        {
            final ExpositionModel.Entry entry = entries.get(e);
            if (entry.size() == 0)
            {
                continue;
            }
            out.put(entry.exposed.header(openMetrics));
            switch (entry.role)
            {
                case SERIES:
                    writeSeries(entry, openMetrics && model.created(), out);
                    break;
                case PERCENTILES:
                    writePercentiles(entry, out);
                    break;
                case MAX:
                    writeMax(entry, out);
                    break;
                case META:
                    writeMeta(entry, out);
                    break;
                default:
                    throw new IllegalStateException(entry.role.toString());
            }
        }
        if (openMetrics)
        {
            out.put(EOF);
        }
        else if (model.created())
        {
            writeCreatedFamilies(entries, out);
        }
    }

    /**
     * The text format's {@code _created} samples: one gauge family {@code x_created} per counter and histogram, after
     * every other family, in the same order.
     */
    private static void writeCreatedFamilies(final List<ExpositionModel.Entry> entries, final ByteSink out)
    {
        for (int e = 0, n = entries.size(); e < n; e++)
        {
            final ExpositionModel.Entry entry = entries.get(e);
            final ExposedFamily exposed = entry.exposed;
            if (entry.role != ExpositionModel.Role.SERIES || entry.size() == 0 ||
                (exposed.kind() != ExposedFamily.Kind.COUNTER && exposed.kind() != ExposedFamily.Kind.HISTOGRAM))
            {
                continue;
            }
            out.put(exposed.createdTextHeader());
            final FamilySamples samples = entry.samples;
            for (final int i : entry.rendering.order(samples))
            {
                writeCreated(out, exposed, SeriesRendering.of(samples.series(i)).labelsOpen(),
                    samples.series(i).createdMillis());
            }
        }
    }

    /**
     * A {@code _created} sample: seconds since the epoch with three decimals, as client_java writes it in both
     * formats (with its default {@code prometheusTimestampsInMs=false}).
     */
    private static void writeCreated(
        final ByteSink out, final ExposedFamily exposed, final byte[] labels, final long createdMillis)
    {
        nameAndLabels(out, exposed.createdName(), labels);
        out.putLong(createdMillis / 1000);
        out.put((byte)'.');
        final long millis = createdMillis % 1000;
        out.put((byte)('0' + millis / 100));
        out.put((byte)('0' + millis / 10 % 10));
        out.put((byte)('0' + millis % 10));
        out.put((byte)'\n');
    }

    private static void writeSeries(final ExpositionModel.Entry entry, final boolean created, final ByteSink out)
    {
        final FamilySamples samples = entry.samples;
        final int[] order = entry.rendering.order(samples);
        final ExposedFamily exposed = entry.exposed;
        final byte[] name = exposed.sampleName();
        switch (exposed.kind())
        {
            case COUNTER:
                for (final int i : order)
                {
                    final byte[] labels = SeriesRendering.of(samples.series(i)).labelsOpen();
                    nameAndLabels(out, name, labels);
                    out.putDouble(samples.counterValue(i));
                    out.put((byte)'\n');
                    if (created)
                    {
                        writeCreated(out, exposed, labels, samples.series(i).createdMillis());
                    }
                }
                break;
            case GAUGE:
                for (final int i : order)
                {
                    nameAndLabels(out, name, SeriesRendering.of(samples.series(i)).labelsOpen());
                    out.putDouble(samples.gaugeValue(i));
                    out.put((byte)'\n');
                }
                break;
            case HISTOGRAM:
                final byte[] countName = exposed.countName();
                final byte[] sumName = exposed.sumName();
                final int buckets = exposed.extraLabelCount();
                for (final int i : order)
                {
                    final byte[] labels = SeriesRendering.of(samples.series(i)).labelsOpen();
                    final HistogramSample h = samples.histogram(i);
                    long cumulative = 0;
                    for (int b = 0; b < buckets; b++)
                    {
                        cumulative += h.bucketCountAt(b);
                        nameLabelsAndExtra(out, name, labels, exposed.extraLabel(b));
                        out.putLong(cumulative);
                        out.put((byte)'\n');
                    }
                    nameAndLabels(out, countName, labels);
                    out.putLong(cumulative);
                    out.put((byte)'\n');
                    nameAndLabels(out, sumName, labels);
                    out.putDouble(h.sum());
                    out.put((byte)'\n');
                    if (created)
                    {
                        writeCreated(out, exposed, labels, samples.series(i).createdMillis());
                    }
                }
                break;
            default:
                throw new IllegalStateException(exposed.kind().toString());
        }
    }

    private static void writePercentiles(final ExpositionModel.Entry entry, final ByteSink out)
    {
        final FamilySamples samples = entry.samples;
        final ExposedFamily exposed = entry.exposed;
        final byte[] name = exposed.sampleName();
        final int quantiles = exposed.extraLabelCount();
        for (final int i : entry.rendering.order(samples))
        {
            final byte[] labels = SeriesRendering.of(samples.series(i)).labelsOpen();
            final HistogramSample h = samples.histogram(i);
            for (int q = 0; q < quantiles; q++)
            {
                nameLabelsAndExtra(out, name, labels, exposed.extraLabel(q));
                out.putDouble(RingMetricsCollector.percentile(h, q));
                out.put((byte)'\n');
            }
        }
    }

    private static void writeMax(final ExpositionModel.Entry entry, final ByteSink out)
    {
        final FamilySamples samples = entry.samples;
        final byte[] name = entry.exposed.sampleName();
        for (final int i : entry.rendering.order(samples))
        {
            nameAndLabels(out, name, SeriesRendering.of(samples.series(i)).labelsOpen());
            out.putDouble(RingMetricsCollector.max(samples.histogram(i)));
            out.put((byte)'\n');
        }
    }

    private static void writeMeta(final ExpositionModel.Entry entry, final ByteSink out)
    {
        final MetaMetrics.Family meta = entry.meta;
        final int n = meta.size();
        final Labels[] labels = new Labels[n];
        final Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = RingMetricsCollector.metaLabels(meta, i);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> labels[a].compareTo(labels[b]));
        final byte[] name = entry.exposed.sampleName();
        final StringBuilder sb = new StringBuilder(64);
        for (final int i : order)
        {
            final Labels l = labels[i];
            out.put(name);
            if (!l.isEmpty())
            {
                sb.setLength(0);
                for (int k = 0; k < l.size(); k++)
                {
                    sb.append(k == 0 ? '{' : ',').append(l.getName(k)).append("=\"");
                    SeriesRendering.appendEscapedLabelValue(sb, l.getValue(k));
                    sb.append('"');
                }
                sb.append('}');
                out.put(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
            out.put((byte)' ');
            out.putDouble(meta.value(i));
            out.put((byte)'\n');
        }
    }

    private static void nameAndLabels(final ByteSink out, final byte[] name, final byte[] labelsOpen)
    {
        if (labelsOpen.length == 0)
        {
            out.put(name);
        }
        else
        {
            out.put(name, labelsOpen);
            out.put((byte)'}');
        }
        out.put((byte)' ');
    }

    private static void nameLabelsAndExtra(
        final ByteSink out, final byte[] name, final byte[] labelsOpen, final byte[] extraLabel)
    {
        if (labelsOpen.length == 0)
        {
            out.put(name);
            out.put((byte)'{');
        }
        else
        {
            out.put(name, labelsOpen);
            out.put((byte)',');
        }
        out.put(extraLabel);
        out.put((byte)' ');
    }
}
