package io.ringmetrics.registry;

/**
 * Immutable identity of one series: its id, its metric family, its label values in canonical (sorted by label
 * name) order and its {@link SeriesHash hash}.
 * <p>
 * Created once at registration; exporters may attach one precomputed, immutable rendering through
 * {@link #exporterCache(Object)} so that names and labels are escaped once, not on every scrape.
 * <p>
 * <b>Memory.</b> 48 bytes with compressed oops (8 of them the creation time, for {@code _created} samples), with up to two label values inline (the common case needs no
 * value array; from the third value on they are kept in a {@code String[]}). The label names are the family's;
 * the overflow series is recognised by a marker array rather than by a flag.
 * <p>
 * <b>Threading.</b> Every field but the exporter cache is final, so a descriptor read through a race (the lock-free
 * {@link SeriesIndex}) is seen whole.
 */
public final class SeriesDescriptor
{
    private static final String[] NO_MORE = new String[0];
    /** {@link #more} of every overflow series: {@link #isOverflow()} compares against this array by reference. */
    private static final String[] OVERFLOW = new String[0];
    private static final String OVERFLOW_VALUE = "true";

    private final int id;
    final int hash;
    final MetricFamily family;
    final String value0; // first value in canonical order, or null
    final String value1; // second value, or null
    final String[] more; // third value on, or NO_MORE, or OVERFLOW
    private final long createdMillis;
    private Object exporterCache; // benign race: immutable objects, safely published through final fields

    /**
     * @param id     series id.
     * @param family family; its label names are this series' names.
     * @param values values in the family's canonical label order (not kept: copied).
     * @param hash   {@link SeriesHash} of the family name and these labels.
     */
    SeriesDescriptor(final int id, final MetricFamily family, final String[] values, final int hash)
    {
        this(id, family, values.length > 0 ? values[0] : null, values.length > 1 ? values[1] : null,
            values.length > 2 ? java.util.Arrays.copyOfRange(values, 2, values.length) : NO_MORE, hash);
    }

    private SeriesDescriptor(
        final int id, final MetricFamily family, final String value0, final String value1, final String[] more,
        final int hash)
    {
        this.id = id;
        this.family = family;
        this.value0 = value0;
        this.value1 = value1;
        this.more = more;
        this.hash = hash;
        this.createdMillis = System.currentTimeMillis();
    }

    /**
     * @return when this series was registered (its counts started from zero), in milliseconds since the epoch: the
     *         value of its {@code _created} sample.
     */
    public long createdMillis()
    {
        return createdMillis;
    }

    /**
     * The series of a family that collects updates refused by {@code max_label_combinations}: single label
     * {@code overflow="true"}.
     *
     * @param id     series id.
     * @param family family.
     * @return the series, whose hash is 0 (it is not indexed).
     */
    static SeriesDescriptor overflow(final int id, final MetricFamily family)
    {
        return new SeriesDescriptor(id, family, OVERFLOW_VALUE, null, OVERFLOW, 0);
    }

    /**
     * @param i index in canonical order, not checked.
     * @return the value.
     */
    String value(final int i)
    {
        return i == 0 ? value0 : i == 1 ? value1 : more[i - 2];
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
        return more == OVERFLOW ? 1 : family.labelCount();
    }

    /**
     * @param i index in canonical order.
     * @return label name.
     */
    public String labelName(final int i)
    {
        java.util.Objects.checkIndex(i, labelCount());
        return more == OVERFLOW ? SeriesRegistry.OVERFLOW_LABEL : family.labelName(i);
    }

    /**
     * @param i index in canonical order.
     * @return label value.
     */
    public String labelValue(final int i)
    {
        java.util.Objects.checkIndex(i, labelCount());
        return value(i);
    }

    /** @return {@code true} for the series that collects updates refused by {@code max_label_combinations}. */
    public boolean isOverflow()
    {
        return more == OVERFLOW;
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
        for (int i = 0; i < labelCount(); i++)
        {
            if (i > 0)
            {
                sb.append(',');
            }
            sb.append(labelName(i)).append("=\"").append(value(i)).append('"');
        }
        return sb.append('}').toString();
    }
}
