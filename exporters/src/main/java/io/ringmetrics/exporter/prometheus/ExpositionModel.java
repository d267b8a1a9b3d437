package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.snapshot.MetaMetrics;
import io.ringmetrics.snapshot.MetricsSnapshot;
import io.ringmetrics.snapshot.MetricsSnapshot.FamilySamples;

import java.util.List;

/**
 * One scrape, ready to be written: the snapshot and the families to expose, in exposition order, with name
 * conflicts already resolved. Both the client_java path ({@link RingMetricsCollector#collect()}) and the fast path
 * ({@link ExpositionWriter}) are driven from it, so they expose exactly the same families.
 * <p>
 * <b>Threading.</b> Built and used by one exporter thread, per scrape.
 */
final class ExpositionModel
{
    /** Where an exposed family's samples come from. */
    enum Role
    {
        /** A user metric's own values (counter, gauge or histogram buckets). */
        SERIES,
        /** A histogram's HdrHistogram percentiles, as a summary. */
        PERCENTILES,
        /** A histogram's largest observation, as a gauge. */
        MAX,
        /** One of the engine's meta-metric families. */
        META
    }

    /** One exposed family. */
    static final class Entry
    {
        final ExposedFamily exposed;
        final Role role;
        final FamilyRendering rendering;
        final FamilySamples samples;
        final MetaMetrics.Family meta;

        private Entry(
            final ExposedFamily exposed, final Role role, final FamilyRendering rendering, final FamilySamples samples,
            final MetaMetrics.Family meta)
        {
            this.exposed = exposed;
            this.role = role;
            this.rendering = rendering;
            this.samples = samples;
            this.meta = meta;
        }

        static Entry series(
            final ExposedFamily exposed, final Role role, final FamilyRendering rendering, final FamilySamples samples)
        {
            return new Entry(exposed, role, rendering, samples, null);
        }

        static Entry meta(final ExposedFamily exposed, final MetaMetrics.Family meta)
        {
            return new Entry(exposed, Role.META, null, null, meta);
        }

        /** @return number of data points (series). */
        int size()
        {
            return role == Role.META ? meta.size() : samples.size();
        }
    }

    private final MetricsSnapshot snapshot;
    private final List<Entry> entries;
    private final boolean created;

    /**
     * @param snapshot the engine snapshot.
     * @param entries  exposed families sorted by {@link ExposedFamily#sortName()}.
     */
    ExpositionModel(final MetricsSnapshot snapshot, final List<Entry> entries)
    {
        this(snapshot, entries, false);
    }

    /**
     * @param snapshot the engine snapshot.
     * @param entries  exposed families sorted by {@link ExposedFamily#sortName()}.
     * @param created  whether counters and histograms carry {@code _created} samples.
     */
    ExpositionModel(final MetricsSnapshot snapshot, final List<Entry> entries, final boolean created)
    {
        this.snapshot = snapshot;
        this.entries = entries;
        this.created = created;
    }

    /** @return whether counters and histograms carry {@code _created} samples (their series' registration time). */
    boolean created()
    {
        return created;
    }

    /** @return exposed families in exposition order. */
    List<Entry> entries()
    {
        return entries;
    }
}
