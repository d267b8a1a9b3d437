package io.ringmetrics.registry;

/**
 * Immutable identity of one series: its id, its metric family and its label values in canonical (sorted by label
 * name) order.
 * <p>
 * Created once at registration; exporters may attach one precomputed, immutable rendering through
 * {@link #exporterCache(Object)} so that names and labels are escaped once, not on every scrape.
 */
public final class SeriesDescriptor
{
    private final int id;
    private final MetricFamily family;
    private final String[] labelNames;
    private final String[] labelValues;
    private final boolean overflow;
    private Object exporterCache; // benign race: immutable objects, safely published through final fields

    SeriesDescriptor(
        final int id, final MetricFamily family, final String[] labelNames, final String[] labelValues,
        final boolean overflow)
    {
        this.id = id;
        this.family = family;
        this.labelNames = labelNames;
        this.labelValues = labelValues;
        this.overflow = overflow;
    }

    /** @return the id the handle carries. */
    public int id()
    {
        return id;
    }

    /** @return the slot index. */
    public int slot()
    {
        return SeriesId.slot(id);
    }

    /** @return the metric family. */
    public MetricFamily family()
    {
        return family;
    }

    /** @return number of labels. */
    public int labelCount()
    {
        return labelNames.length;
    }

    /**
     * @param i index in canonical order.
     * @return label name.
     */
    public String labelName(final int i)
    {
        return labelNames[i];
    }

    /**
     * @param i index in canonical order.
     * @return label value.
     */
    public String labelValue(final int i)
    {
        return labelValues[i];
    }

    String[] labelValuesNoCopy()
    {
        return labelValues;
    }

    /** @return {@code true} for the series that collects updates refused by {@code max_label_combinations}. */
    public boolean isOverflow()
    {
        return overflow;
    }

    /**
     * @return what an exporter attached, or {@code null}.
     */
    public Object exporterCache()
    {
        return exporterCache;
    }

    /**
     * Attaches an immutable, exporter-specific rendering of this series.
     *
     * @param cache immutable object with final fields.
     */
    public void exporterCache(final Object cache)
    {
        this.exporterCache = cache;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder(family.name()).append('{');
        for (int i = 0; i < labelNames.length; i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            sb.append(labelNames[i]).append("=\"").append(labelValues[i]).append('"');
        }
        return sb.append('}').toString();
    }
}
