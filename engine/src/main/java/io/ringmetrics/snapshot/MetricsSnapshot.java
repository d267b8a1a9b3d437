package io.ringmetrics.snapshot;

import io.ringmetrics.registry.MetricFamily;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Immutable, consistent view of every series at one instant: taken by the writer between two batches, so it
 * reflects every update published before it was requested, counters never go backwards between two snapshots,
 * and a histogram's count always equals the sum of its buckets.
 * <p>
 * Built on the writer thread as flat arrays (series, raw 8-byte values, histogram samples); grouping into
 * families ({@link #families()}) happens lazily on the exporter thread that asks for it.
 */
public final class MetricsSnapshot
{
    private final SeriesDescriptor[] series;
    private final long[] values;
    private final HistogramSample[] histograms;
    private final ExemplarSample[] counterExemplars;
    private final int size;
    private final EngineStats stats;
    private final long timestampMillis;
    private List<FamilySamples> families;

    /**
     * @param series          series, one per entry; owned by the snapshot.
     * @param values          raw value per entry: counter long or gauge double bits.
     * @param histograms      histogram sample per entry, {@code null} for counters and gauges.
     * @param size            number of entries used.
     * @param stats           engine accounting.
     * @param timestampMillis wall-clock time of the snapshot.
     */
    public MetricsSnapshot(
        final SeriesDescriptor[] series, final long[] values, final HistogramSample[] histograms, final int size,
        final EngineStats stats, final long timestampMillis)
    {
        this(series, values, histograms, null, size, stats, timestampMillis);
    }

    /**
     * @param series           series, one per entry; owned by the snapshot.
     * @param values           raw value per entry: counter long or gauge double bits.
     * @param histograms       histogram sample per entry, {@code null} for counters and gauges.
     * @param counterExemplars latest exemplar per counter entry ({@code null} elsewhere), or {@code null} if no
     *                         counter has one.
     * @param size             number of entries used.
     * @param stats            engine accounting.
     * @param timestampMillis  wall-clock time of the snapshot.
     */
    public MetricsSnapshot(
        final SeriesDescriptor[] series, final long[] values, final HistogramSample[] histograms,
        final ExemplarSample[] counterExemplars, final int size, final EngineStats stats, final long timestampMillis)
    {
        this.counterExemplars = counterExemplars;
        this.series = series;
        this.values = values;
        this.histograms = histograms;
        this.size = size;
        this.stats = stats;
        this.timestampMillis = timestampMillis;
    }

    /** @return number of series. */
    public int size()
    {
        return size;
    }

    /** @return engine accounting at the time of the snapshot. */
    public EngineStats stats()
    {
        return stats;
    }

    /** @return wall-clock time of the snapshot, in milliseconds since the epoch. */
    public long timestampMillis()
    {
        return timestampMillis;
    }

    /**
     * Series grouped by metric family, families in registration order, series in slot order.
     *
     * @return families, computed once per snapshot.
     */
    public synchronized List<FamilySamples> families()
    {
        if (families == null)
        {
            families = group();
        }
        return families;
    }

    private List<FamilySamples> group()
    {
        // Counting sort by family ordinal: linear in the number of series, stable (slot order within a family).
        int maxOrdinal = -1;
        for (int i = 0; i < size; i++)
        {
            maxOrdinal = Math.max(maxOrdinal, series[i].family().ordinal());
        }
        final int[] counts = new int[maxOrdinal + 2];
        for (int i = 0; i < size; i++)
        {
            counts[series[i].family().ordinal() + 1]++;
        }
        for (int o = 1; o < counts.length; o++)
        {
            counts[o] += counts[o - 1];
        }
        final int[] order = new int[size];
        final int[] next = counts.clone();
        for (int i = 0; i < size; i++)
        {
            order[next[series[i].family().ordinal()]++] = i;
        }
        final List<FamilySamples> result = new ArrayList<>();
        for (int o = 0; o <= maxOrdinal; o++)
        {
            final int start = counts[o];
            final int end = counts[o + 1];
            if (end > start)
            {
                result.add(new FamilySamples(series[order[start]].family(), Arrays.copyOfRange(order, start, end)));
            }
        }
        return Collections.unmodifiableList(result);
    }

    /**
     * Finds one series by name and canonical label values, for tests and tools.
     *
     * @param name        metric name.
     * @param labelPairs  label name/value pairs in any order.
     * @return the entry index, or -1.
     */
    public int indexOf(final String name, final String... labelPairs)
    {
        outer:
        for (int i = 0; i < size; i++)
        {
            final SeriesDescriptor s = series[i];
            if (!s.family().name().equals(name) || 2 * s.labelCount() != labelPairs.length)
            {
                continue;
            }
            for (int l = 0; l < s.labelCount(); l++)
            {
                boolean matched = false;
                for (int p = 0; p < labelPairs.length; p += 2)
                {
                    if (labelPairs[p].equals(s.labelName(l)) && labelPairs[p + 1].equals(s.labelValue(l)))
                    {
                        matched = true;
                        break;
                    }
                }
                if (!matched)
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * @param i entry index.
     * @return the series.
     */
    public SeriesDescriptor series(final int i)
    {
        return series[i];
    }

    /**
     * @param i entry index of a counter.
     * @return its value.
     */
    public long counterValue(final int i)
    {
        return values[i];
    }

    /**
     * @param i entry index of a gauge.
     * @return its value.
     */
    public double gaugeValue(final int i)
    {
        return Double.longBitsToDouble(values[i]);
    }

    /**
     * @param i entry index of a counter.
     * @return its latest exemplar, or {@code null}.
     */
    public ExemplarSample counterExemplar(final int i)
    {
        return counterExemplars == null ? null : counterExemplars[i];
    }

    /** @return whether any counter in this snapshot has an exemplar. */
    public boolean hasCounterExemplars()
    {
        return counterExemplars != null;
    }

    /**
     * @param i entry index of a histogram.
     * @return its sample.
     */
    public HistogramSample histogram(final int i)
    {
        return histograms[i];
    }

    /**
     * Counter value by name and labels, or -1 if absent. Convenience for tests.
     *
     * @param name       metric name.
     * @param labelPairs label pairs.
     * @return value or -1.
     */
    public long counter(final String name, final String... labelPairs)
    {
        final int i = indexOf(name, labelPairs);
        return i < 0 || series[i].family().type() != MetricType.COUNTER ? -1 : values[i];
    }

    /**
     * Gauge value by name and labels, or NaN if absent. Convenience for tests.
     *
     * @param name       metric name.
     * @param labelPairs label pairs.
     * @return value or NaN.
     */
    public double gauge(final String name, final String... labelPairs)
    {
        final int i = indexOf(name, labelPairs);
        return i < 0 || series[i].family().type() != MetricType.GAUGE ? Double.NaN : gaugeValue(i);
    }

    /**
     * Histogram sample by name and labels, or {@code null}. Convenience for tests.
     *
     * @param name       metric name.
     * @param labelPairs label pairs.
     * @return sample or null.
     */
    public HistogramSample histogram(final String name, final String... labelPairs)
    {
        final int i = indexOf(name, labelPairs);
        return i < 0 ? null : histograms[i];
    }

    /**
     * The series of one metric family within a snapshot.
     */
    public final class FamilySamples
    {
        private final MetricFamily family;
        private final int[] entries;

        FamilySamples(final MetricFamily family, final int[] entries)
        {
            this.family = family;
            this.entries = entries;
        }

        /** @return the family. */
        public MetricFamily family()
        {
            return family;
        }

        /** @return number of series. */
        public int size()
        {
            return entries.length;
        }

        /**
         * @param i index within the family.
         * @return the series.
         */
        public SeriesDescriptor series(final int i)
        {
            return series[entries[i]];
        }

        /**
         * @param i index within the family.
         * @return counter value.
         */
        public long counterValue(final int i)
        {
            return values[entries[i]];
        }

        /**
         * @param i index within the family.
         * @return the counter's latest exemplar, or {@code null}.
         */
        public ExemplarSample counterExemplar(final int i)
        {
            return counterExemplars == null ? null : counterExemplars[entries[i]];
        }

        /**
         * @param i index within the family.
         * @return gauge value.
         */
        public double gaugeValue(final int i)
        {
            return Double.longBitsToDouble(values[entries[i]]);
        }

        /**
         * @param i index within the family.
         * @return histogram sample.
         */
        public HistogramSample histogram(final int i)
        {
            return histograms[entries[i]];
        }
    }
}
