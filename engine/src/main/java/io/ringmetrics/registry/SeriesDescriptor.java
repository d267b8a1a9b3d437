package io.ringmetrics.registry;

/**
 * Immutable identity of one series: its id, its metric family, its label values in canonical (sorted by label
 * name) order and its {@link SeriesHash hash}.
 * <p>
 * Created once at registration; exporters may attach one precomputed, immutable rendering through
 * {@link #exporterCache(Object)} so that names and labels are escaped once, not on every scrape.
 * <p>
 * <b>Memory.</b> 32 bytes with compressed oops (plus the value array): the label names are the family's, and the
 * overflow series is recognised by its shared value array rather than by a flag.
 * <p>
 * <b>Threading.</b> Every field but the exporter cache is final, so a descriptor read through a race (the lock-free
 * {@link SeriesIndex}) is seen whole.
 */
public final class SeriesDescriptor
{
    /** Values of every overflow series; {@link #isOverflow()} compares against this array by reference. */
    static final String[] OVERFLOW_VALUES = { "true" };
    private static final String[] OVERFLOW_NAMES = { SeriesRegistry.OVERFLOW_LABEL };

    private final int id;
    final int hash;
    final MetricFamily family;
    final String[] labelValues;
    private Object exporterCache; // benign race: immutable objects, safely published through final fields

    /**
     * @param id          series id.
     * @param family      family; its label names are this series' names (unless overflow).
     * @param labelValues values in the family's canonical label order, or {@link #OVERFLOW_VALUES}.
     * @param hash        {@link SeriesHash} of the family name and these labels.
     */
    SeriesDescriptor(final int id, final MetricFamily family, final String[] labelValues, final int hash)
    {
        this.id = id;
        this.family = family;
        this.labelValues = labelValues;
        this.hash = hash;
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
        return labelValues.length;
    }

    /**
     * @param i index in canonical order.
     * @return label name.
     */
    public String labelName(final int i)
    {
        return labelValues == OVERFLOW_VALUES ? OVERFLOW_NAMES[i] : family.labelName(i);
    }

    /**
     * @param i index in canonical order.
     * @return label value.
     */
    public String labelValue(final int i)
    {
        return labelValues[i];
    }

    /** @return {@code true} for the series that collects updates refused by {@code max_label_combinations}. */
    public boolean isOverflow()
    {
        return labelValues == OVERFLOW_VALUES;
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
        for (int i = 0; i < labelValues.length; i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            sb.append(labelName(i)).append("=\"").append(labelValues[i]).append('"');
        }
        return sb.append('}').toString();
    }
}
