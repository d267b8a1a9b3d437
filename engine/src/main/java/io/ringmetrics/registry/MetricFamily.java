package io.ringmetrics.registry;

import io.ringmetrics.store.HistogramSpec;

import java.util.List;

/**
 * One metric name: its type, help text, canonical label names (sorted), histogram shape, and its series.
 * <p>
 * <b>Threading.</b> Immutable. Its series live in the registry's {@link SeriesIndex}: they are found lock-free
 * ({@link #find(String[])}) and added or removed under this object's monitor by {@link SeriesRegistry}.
 */
public final class MetricFamily
{
    private final String name;
    private final MetricType type;
    private final String help;
    private final String[] labelNames;
    private final HistogramSpec histogramSpec;
    private final int ordinal;
    private final SeriesIndex index;
    SeriesDescriptor overflowSeries; // under this monitor
    boolean removed; // under this monitor
    int indexed; // series of this family in the index, under this monitor

    MetricFamily(
        final String name, final MetricType type, final String help, final String[] labelNames,
        final HistogramSpec histogramSpec, final int ordinal, final SeriesIndex index)
    {
        this.index = index;
        this.name = name;
        this.type = type;
        this.help = help;
        this.labelNames = labelNames;
        this.histogramSpec = histogramSpec;
        this.ordinal = ordinal;
    }

    /** @return the metric name, as registered (without namespace). */
    public String name()
    {
        return name;
    }

    /** @return the type. */
    public MetricType type()
    {
        return type;
    }

    /** @return help text, never {@code null} (may be empty). */
    public String help()
    {
        return help;
    }

    /** @return number of label names. */
    public int labelCount()
    {
        return labelNames.length;
    }

    /**
     * @param i index in canonical (sorted) order.
     * @return label name.
     */
    public String labelName(final int i)
    {
        return labelNames[i];
    }

    /** @return a copy of the canonical label names. */
    public String[] labelNames()
    {
        return labelNames.clone();
    }

    String[] labelNamesNoCopy()
    {
        return labelNames;
    }

    /** @return histogram shape, {@code null} unless a histogram. */
    public HistogramSpec histogramSpec()
    {
        return histogramSpec;
    }

    /** @return registration order of the family, used to order expositions. */
    public int ordinal()
    {
        return ordinal;
    }

    /**
     * Finds a series by name/value pairs in any order, without locking or allocating.
     *
     * @param pairs name/value pairs whose names are exactly this family's label names.
     * @return the series or {@code null}.
     */
    public SeriesDescriptor find(final String[] pairs)
    {
        if (pairs == null || !SeriesRegistry.wellFormed(pairs))
        {
            return null;
        }
        final SeriesDescriptor series = index.find(SeriesHash.ofPairs(name, pairs), name, pairs);
        return series != null && series.family == this ? series : null;
    }

    /** @return the live series, a copy (a scan of the registry's index). */
    public List<SeriesDescriptor> series()
    {
        return index.entries(this);
    }

    @Override
    public String toString()
    {
        return type.label() + ' ' + name + java.util.Arrays.toString(labelNames);
    }
}
