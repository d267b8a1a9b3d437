package io.ringmetrics.registry;

import io.ringmetrics.error.ErrorType;
import io.ringmetrics.error.ResourceLimitException;
import io.ringmetrics.error.ValidationException;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.limits.SeriesBudget;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.SlotAllocator;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Registers series: validates names and labels, puts labels in canonical order, rejects type and label-set
 * conflicts, and enforces the resource limits atomically.
 * <p>
 * <b>Threading.</b> Any thread. A metric family is created by {@link ConcurrentHashMap#computeIfAbsent} with its
 * {@code max_metrics} reservation made inside, so two threads racing on one name get one family and the limit is
 * never passed. Series are added under the family's monitor after a compare-and-set reservation against
 * {@code max_label_combinations}. Lookups ({@link #find}) take no lock and allocate nothing: one hash of the name
 * and the label pairs (in any order), one probe of the registry-wide {@link SeriesIndex}. The fixed-arity lookups
 * try first the series in the hash's home slot, compared by reference, with the hashes the strings have cached:
 * a call with the strings the series was registered with (constants, usually) compiles to a few loads and
 * compares that C2 inlines into the caller (docs/benchmarks.md, "the name + labels lookup").
 * <p>
 * When {@code max_label_combinations} is reached, a new label set of an existing metric is not lost: it resolves to
 * the metric's overflow series (single label {@code overflow="true"}), so totals stay right. Overflow series do not
 * count against the limit; their slots are reserved (one per metric).
 */
public final class SeriesRegistry
{
    /** Label name of the overflow series. */
    public static final String OVERFLOW_LABEL = "overflow";

    /** Longest wait for a removed series' slot to come back from the writer at registration: 1 s. */
    private static final long SLOT_WAIT_NANOS = 1_000_000_000L;

    private final MetricsResourceConfig config;
    private final NameRules rules;
    private final SeriesBudget budget;
    private final SlotAllocator slots;
    private final ConcurrentHashMap<String, MetricFamily> families = new ConcurrentHashMap<>();
    private final SeriesIndex index = new SeriesIndex();
    private final AtomicReferenceArray<SeriesDescriptor> bySlot;
    private final AtomicInteger familyOrdinal = new AtomicInteger();
    private final Set<String> reservedNames;
    private final HistogramSpec defaultHistogram;

    /**
     * @param config        resource limits.
     * @param slots         slot allocator of the value store, sized by {@link #slotCapacity(MetricsResourceConfig)}.
     * @param reservedNames names used by the engine's meta-metrics, refused for user metrics.
     * @param defaultHistogram histogram shape of a histogram registered without one.
     */
    public SeriesRegistry(
        final MetricsResourceConfig config, final SlotAllocator slots, final Set<String> reservedNames,
        final HistogramSpec defaultHistogram)
    {
        this.defaultHistogram = defaultHistogram.withDefaultWindow(defaultHistogram); // the window, always set
        this.config = config;
        this.rules = new NameRules(config);
        this.budget = new SeriesBudget(config);
        this.slots = slots;
        this.bySlot = new AtomicReferenceArray<>(slots.capacity());
        this.reservedNames = Set.copyOf(reservedNames);
    }

    /**
     * Slots a store needs for these limits: every series, one overflow series per metric, and some slack for slots
     * whose release is still in flight to the writer.
     *
     * @param config limits.
     * @return slot capacity.
     */
    public static int slotCapacity(final MetricsResourceConfig config)
    {
        final long capacity = (long)config.maxLabelCombinations() + config.maxMetrics() + 64;
        return (int)Math.min(capacity, SeriesId.SLOT_MASK + 1);
    }

    /**
     * Registers (or finds) the series for {@code name} with the given labels.
     *
     * @param type       metric type.
     * @param name       metric name.
     * @param help       help text, may be {@code null}.
     * @param spec       histogram shape for histograms, {@code null} for the default (and to accept whatever shape
     *                   the metric already has); ignored otherwise.
     * @param labelPairs label name/value pairs in any order.
     * @return the series, or the metric's overflow series if {@code max_label_combinations} is reached.
     * @throws ValidationException    on an invalid name or label, or a type or label-set conflict.
     * @throws ResourceLimitException when {@code max_metrics} is reached for a new name.
     */
    public SeriesDescriptor register(
        final MetricType type, final String name, final String help, final HistogramSpec spec,
        final String[] labelPairs)
    {
        final SeriesDescriptor found = find(type, name, labelPairs);
        if (found != null)
        {
            return found;
        }
        rules.checkMetricName(name);
        if (reservedNames.contains(name))
        {
            throw new ValidationException(ErrorType.RESERVED_NAME, "metric name '" + name +
                "' is reserved for the engine's own meta-metrics; choose another name");
        }
        final String[] pairs = labelPairs == null ? new String[0] : labelPairs;
        final String[] labelNames = rules.checkLabels(pairs);
        final HistogramSpec histogramSpec =
            type == MetricType.HISTOGRAM ? (spec == null ? defaultHistogram : spec.withDefaultWindow(defaultHistogram)) :
                null;

        while (true)
        {
            final MetricFamily family = familyFor(type, name, help, labelNames, histogramSpec, spec != null);
            synchronized (family)
            {
                if (family.removed)
                {
                    continue; // removed concurrently: create it again
                }
                SeriesDescriptor series = family.find(pairs);
                if (series != null)
                {
                    return series;
                }
                if (!budget.tryReserveSeries())
                {
                    return overflowSeries(family);
                }
                final int id = slots.allocate();
                if (id >= 0)
                {
                    final String[] values = new String[labelNames.length];
                    for (int i = 0; i < labelNames.length; i++)
                    {
                        values[i] = SeriesMatch.valueOf(labelNames[i], pairs);
                    }
                    series = new SeriesDescriptor(id, family, values, SeriesHash.of(name, labelNames, values));
                    bySlot.setRelease(SeriesId.slot(id), series);
                    index.insert(series);
                    family.indexed++;
                    return series;
                }
                budget.releaseSeries();
            }
            // Every slot is taken, but slots of removed series may still be on their way back from the writer:
            // wait for one outside the family lock (bounded), then try again.
            if (!awaitSlotFromRemoval())
            {
                synchronized (family)
                {
                    return overflowSeries(family);
                }
            }
        }
    }

    private MetricFamily familyFor(
        final MetricType type, final String name, final String help, final String[] labelNames,
        final HistogramSpec spec, final boolean specGiven)
    {
        MetricFamily family = families.get(name);
        if (family == null)
        {
            final boolean[] refused = new boolean[1];
            family = families.computeIfAbsent(name, n ->
            {
                if (!budget.tryReserveMetric())
                {
                    refused[0] = true;
                    return null;
                }
                return new MetricFamily(n, type, help == null ? "" : help, labelNames, spec,
                    familyOrdinal.getAndIncrement(), index);
            });
            if (family == null)
            {
                throw new ResourceLimitException(ErrorType.METRIC_LIMIT_EXCEEDED, "cannot register metric '" + name +
                    "': max_metrics=" + budget.maxMetrics() + " reached");
            }
        }
        if (family.type() != type)
        {
            throw new ValidationException(ErrorType.TYPE_CONFLICT, "metric '" + name + "' is already registered as a " +
                family.type().label() + ", cannot register it as a " + type.label());
        }
        if (!java.util.Arrays.equals(family.labelNamesNoCopy(), labelNames))
        {
            throw new ValidationException(ErrorType.LABEL_NAMES_CONFLICT, "metric '" + name +
                "' is already registered with labels " + java.util.Arrays.toString(family.labelNamesNoCopy()) +
                ", cannot register it with " + java.util.Arrays.toString(labelNames));
        }
        if (specGiven && !spec.equals(family.histogramSpec()))
        {
            throw new ValidationException(ErrorType.LABEL_NAMES_CONFLICT, "histogram '" + name +
                "' is already registered with " + family.histogramSpec() + ", cannot register it with " + spec);
        }
        return family;
    }

    /**
     * Waits, bounded and holding no lock, for a slot given up by a removal to come back from the writer; the slot
     * is put back in the free queue for the caller's retry.
     *
     * @return {@code true} if a slot is free now.
     */
    private boolean awaitSlotFromRemoval()
    {
        final int id = slots.allocate(SLOT_WAIT_NANOS);
        if (id < 0)
        {
            return false;
        }
        slots.release(id); // put it back; the retry takes it (or another free one) under the family lock
        return true;
    }

    private SeriesDescriptor overflowSeries(final MetricFamily family)
    {
        SeriesDescriptor overflow = family.overflowSeries;
        if (overflow == null)
        {
            final int id = slots.allocate();
            if (id < 0)
            {
                throw new ResourceLimitException(ErrorType.LABEL_COMBINATION_LIMIT_EXCEEDED,
                    "no slot left for the overflow series of '" + family.name() + "'");
            }
            overflow = SeriesDescriptor.overflow(id, family); // not indexed
            bySlot.setRelease(SeriesId.slot(id), overflow);
            family.overflowSeries = overflow;
        }
        return overflow;
    }

    /**
     * Finds a registered series without validating, locking or allocating.
     *
     * @param type       expected type.
     * @param name       metric name.
     * @param labelPairs label name/value pairs in any order.
     * @return the series, or {@code null} if it is not registered as given (including a type mismatch, a
     *         {@code null} string, an odd number of strings or a label name given twice).
     */
    public SeriesDescriptor find(final MetricType type, final String name, final String[] labelPairs)
    {
        if (labelPairs == null || labelPairs.length == 0)
        {
            return find(type, name);
        }
        if (name == null || !wellFormed(labelPairs))
        {
            return null; // the registration path reports it as invalid
        }
        return ofType(type, index.find(SeriesHash.ofPairs(name, labelPairs), name, labelPairs));
    }

    /**
     * {@link #find(MetricType, String, String[])} for a series without labels.
     * <p>
     * The fixed-arity lookups first try the series in the hash's home slot, compared by reference
     * ({@link SeriesMatch#identical}), with the hashes the strings have cached ({@link SeriesHash#cachedOrZero}):
     * the path of a call with constant strings, small enough for C2 to inline into the caller. Anything else (a
     * string without a cached hash, another object with equal contents, the pairs in another order, a collision)
     * takes the general probe, compared by value.
     *
     * @param type expected type.
     * @param name metric name.
     * @return the series or {@code null}.
     */
    public SeriesDescriptor find(final MetricType type, final String name)
    {
        if (name == null)
        {
            return null;
        }
        final int hn = SeriesHash.cachedOrZero(name);
        final int hash;
        if (hn != 0)
        {
            hash = SeriesHash.of(hn, 0);
            final SeriesDescriptor home = index.home(hash);
            if (home != null && SeriesMatch.identical(home, type, name))
            {
                return home;
            }
        }
        else
        {
            hash = SeriesHash.of(name, 0);
        }
        return ofType(type, index.find(hash, name));
    }

    /**
     * {@link #find(MetricType, String, String[])} for one label pair.
     *
     * @param type expected type.
     * @param name metric name.
     * @param k1   label name.
     * @param v1   label value.
     * @return the series or {@code null}.
     */
    public SeriesDescriptor find(final MetricType type, final String name, final String k1, final String v1)
    {
        if (name == null || k1 == null || v1 == null)
        {
            return null;
        }
        final int hn = SeriesHash.cachedOrZero(name);
        final int hk1 = SeriesHash.cachedOrZero(k1);
        final int hv1 = SeriesHash.cachedOrZero(v1);
        final int hash;
        if ((SeriesHash.knownMask(hn) & SeriesHash.knownMask(hk1) & SeriesHash.knownMask(hv1)) < 0)
        {
            hash = SeriesHash.of(hn, SeriesHash.pair(hk1, hv1));
            final SeriesDescriptor home = index.home(hash);
            if (home != null && SeriesMatch.identical(home, type, name, k1, v1))
            {
                return home;
            }
        }
        else
        {
            hash = SeriesHash.of(name, SeriesHash.pair(k1, v1));
        }
        return ofType(type, index.find(hash, name, k1, v1));
    }

    /**
     * {@link #find(MetricType, String, String[])} for two label pairs, in either order.
     *
     * @param type expected type.
     * @param name metric name.
     * @param k1   label name.
     * @param v1   label value.
     * @param k2   label name.
     * @param v2   label value.
     * @return the series or {@code null}.
     */
    public SeriesDescriptor find(
        final MetricType type, final String name, final String k1, final String v1, final String k2, final String v2)
    {
        if (name == null || k1 == null || v1 == null || k2 == null || v2 == null)
        {
            return null;
        }
        final int hn = SeriesHash.cachedOrZero(name);
        final int hk1 = SeriesHash.cachedOrZero(k1);
        final int hv1 = SeriesHash.cachedOrZero(v1);
        final int hk2 = SeriesHash.cachedOrZero(k2);
        final int hv2 = SeriesHash.cachedOrZero(v2);
        final int hash;
        if ((SeriesHash.knownMask(hn) & SeriesHash.knownMask(hk1) & SeriesHash.knownMask(hv1) &
            SeriesHash.knownMask(hk2) & SeriesHash.knownMask(hv2)) < 0)
        {
            hash = SeriesHash.of(hn, SeriesHash.pair(hk1, hv1) + SeriesHash.pair(hk2, hv2));
            final SeriesDescriptor home = index.home(hash);
            if (home != null && SeriesMatch.identical(home, type, name, k1, v1, k2, v2))
            {
                return home;
            }
        }
        else
        {
            hash = SeriesHash.of(name, SeriesHash.pair(k1, v1) + SeriesHash.pair(k2, v2));
        }
        return ofType(type, index.find(hash, name, k1, v1, k2, v2));
    }

    /**
     * {@link #find(MetricType, String, String[])} for three label pairs, in any order.
     *
     * @param type expected type.
     * @param name metric name.
     * @param k1   label name.
     * @param v1   label value.
     * @param k2   label name.
     * @param v2   label value.
     * @param k3   label name.
     * @param v3   label value.
     * @return the series or {@code null}.
     */
    public SeriesDescriptor find(
        final MetricType type, final String name, final String k1, final String v1, final String k2, final String v2,
        final String k3, final String v3)
    {
        if (name == null || k1 == null || v1 == null || k2 == null || v2 == null || k3 == null || v3 == null)
        {
            return null;
        }
        final int hn = SeriesHash.cachedOrZero(name);
        final int hk1 = SeriesHash.cachedOrZero(k1);
        final int hv1 = SeriesHash.cachedOrZero(v1);
        final int hk2 = SeriesHash.cachedOrZero(k2);
        final int hv2 = SeriesHash.cachedOrZero(v2);
        final int hk3 = SeriesHash.cachedOrZero(k3);
        final int hv3 = SeriesHash.cachedOrZero(v3);
        final int hash;
        if ((SeriesHash.knownMask(hn) & SeriesHash.knownMask(hk1) & SeriesHash.knownMask(hv1) &
            SeriesHash.knownMask(hk2) & SeriesHash.knownMask(hv2) & SeriesHash.knownMask(hk3) &
            SeriesHash.knownMask(hv3)) < 0)
        {
            hash = SeriesHash.of(hn,
                SeriesHash.pair(hk1, hv1) + SeriesHash.pair(hk2, hv2) + SeriesHash.pair(hk3, hv3));
            final SeriesDescriptor home = index.home(hash);
            if (home != null && SeriesMatch.identical(home, type, name, k1, v1, k2, v2, k3, v3))
            {
                return home;
            }
        }
        else
        {
            hash = SeriesHash.of(name, SeriesHash.pair(k1, v1) + SeriesHash.pair(k2, v2) + SeriesHash.pair(k3, v3));
        }
        return ofType(type, index.find(hash, name, k1, v1, k2, v2, k3, v3));
    }

    private static SeriesDescriptor ofType(final MetricType type, final SeriesDescriptor series)
    {
        return series != null && series.family.type() == type ? series : null;
    }

    /**
     * @param pairs label pairs.
     * @return {@code true} if there is an even number of strings and none is {@code null}.
     */
    static boolean wellFormed(final String[] pairs)
    {
        if ((pairs.length & 1) != 0)
        {
            return false;
        }
        for (final String s : pairs)
        {
            if (s == null)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes a metric and all its series. Their slots are freed by the writer once it applies the returned
     * series' release, so updates already published are never applied to a reused slot.
     *
     * @param name metric name.
     * @param type expected type.
     * @return the removed series, whose slots the caller must hand to the writer.
     * @throws ResourceLimitException if no such metric is registered with that type.
     */
    public List<SeriesDescriptor> remove(final String name, final MetricType type)
    {
        final MetricFamily family = name == null ? null : families.get(name);
        if (family == null || family.type() != type)
        {
            throw new ResourceLimitException(ErrorType.UNKNOWN_METRIC, "cannot remove " + type.label() + " '" + name +
                "': no such " + type.label() + " is registered");
        }
        final List<SeriesDescriptor> removed;
        synchronized (family)
        {
            if (family.removed)
            {
                return List.of();
            }
            family.removed = true;
            // Out of the index before the name is free again, so a family registered anew under the same name never
            // shares the index with these series.
            removed = index.removeFamily(family, family.indexed);
            family.indexed = 0;
            for (int i = 0; i < removed.size(); i++)
            {
                budget.releaseSeries();
            }
            families.remove(name, family);
            if (family.overflowSeries != null)
            {
                removed.add(family.overflowSeries);
            }
            for (final SeriesDescriptor series : removed)
            {
                bySlot.setRelease(series.slot(), null);
                slots.releasing(); // the caller hands the slot to the writer, which gives it back when cleared
            }
        }
        budget.releaseMetric();
        return removed;
    }

    /**
     * Evicts one idle series (cleanup). The caller frees its slot afterwards.
     *
     * @param series the series.
     * @return {@code true} if it was still registered and is now evicted.
     */
    public boolean evict(final SeriesDescriptor series)
    {
        final MetricFamily family = series.family();
        synchronized (family)
        {
            if (family.removed || bySlot.get(series.slot()) != series)
            {
                return false;
            }
            if (series.isOverflow())
            {
                family.overflowSeries = null;
            }
            else
            {
                index.remove(series);
                family.indexed--;
                budget.releaseSeries();
            }
            bySlot.setRelease(series.slot(), null);
            return true;
        }
    }

    /**
     * The series in a slot, read with acquire semantics.
     *
     * @param slot slot index.
     * @return the series or {@code null}.
     */
    public SeriesDescriptor bySlot(final int slot)
    {
        return bySlot.getAcquire(slot);
    }

    /**
     * @param name metric name.
     * @return the family or {@code null}.
     */
    public MetricFamily family(final String name)
    {
        return name == null ? null : families.get(name);
    }

    /** @return the registered families, unordered view. */
    public Collection<MetricFamily> families()
    {
        return families.values();
    }

    /** @return the budget with the current counts. */
    public SeriesBudget budget()
    {
        return budget;
    }

    /** @return the limits in force. */
    public MetricsResourceConfig config()
    {
        return config;
    }

    /** @return the name and label rules. */
    public NameRules rules()
    {
        return rules;
    }

    /** @return one past the highest slot ever used. */
    public int highWater()
    {
        return slots.highWater();
    }

    /** @return the slot allocator. */
    public SlotAllocator slots()
    {
        return slots;
    }
}
