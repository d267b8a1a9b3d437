package io.ringmetrics.exporter.prometheus;

import io.ringmetrics.registry.MetricFamily;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.snapshot.MetricsSnapshot.FamilySamples;
import io.ringmetrics.store.HistogramSpec;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one {@link RingMetricsCollector} precomputes per metric family: the exposed families it yields (the metric
 * itself and, for a histogram, its {@code _percentiles} summary and {@code _max} gauge) and the exposition order of
 * its series.
 * <p>
 * <b>Threading.</b> Exporter threads. Immutable apart from the cached series order, which is an immutable object
 * replaced through a volatile field (two concurrent scrapes may both compute it; either result is kept).
 */
final class FamilyRendering
{
    /** Suffix of the summary family carrying a histogram's HdrHistogram percentiles. */
    static final String PERCENTILES_SUFFIX = "_percentiles";
    /** Suffix of the gauge family carrying a histogram's largest observation. */
    static final String MAX_SUFFIX = "_max";

    private final MetricFamily family;
    private final ExposedFamily main;
    private final ExposedFamily percentiles;
    private final ExposedFamily max;
    private final double[] bucketBounds;
    private final AtomicBoolean conflictReported = new AtomicBoolean();
    private volatile SeriesOrder order;

    /** Series of one snapshot in slot order, and the permutation that sorts them by labels. */
    private static final class SeriesOrder
    {
        final SeriesDescriptor[] series;
        final int[] sorted;

        SeriesOrder(final SeriesDescriptor[] series, final int[] sorted)
        {
            this.series = series;
            this.sorted = sorted;
        }
    }

    /**
     * @param family      the metric family.
     * @param name        its exposed name (namespace applied).
     * @param percentiles whether a histogram also yields the percentile and max families.
     */
    FamilyRendering(final MetricFamily family, final String name, final boolean percentiles)
    {
        this.family = family;
        final String help = family.help().isEmpty() ?
            family.name() + " (" + family.type().label() + ", no help text registered)" : family.help();
        if (family.type() == MetricType.HISTOGRAM)
        {
            final double[] bounds = family.histogramSpec().bucketBounds();
            bucketBounds = Arrays.copyOf(bounds, bounds.length + 1);
            bucketBounds[bounds.length] = Double.POSITIVE_INFINITY;
            main = new ExposedFamily(ExposedFamily.Kind.HISTOGRAM, name, help, bucketBounds);
            if (percentiles)
            {
                this.percentiles = new ExposedFamily(ExposedFamily.Kind.SUMMARY, name + PERCENTILES_SUFFIX,
                    percentilesHelp(name, family.histogramSpec()), HistogramSpec.QUANTILES);
                this.max = new ExposedFamily(ExposedFamily.Kind.GAUGE, name + MAX_SUFFIX,
                    maxHelp(name, family.histogramSpec()), null);
            }
            else
            {
                this.percentiles = null;
                this.max = null;
            }
        }
        else
        {
            bucketBounds = null;
            main = new ExposedFamily(family.type() == MetricType.COUNTER ?
                ExposedFamily.Kind.COUNTER : ExposedFamily.Kind.GAUGE, name, help, null);
            this.percentiles = null;
            this.max = null;
        }
    }

    /**
     * The HELP text of a histogram's percentile summary: what the HdrHistogram rounds, stated with the spec's own
     * figures. HdrHistogram reports the highest value equivalent to a recorded one, so a percentile may read up to
     * {@code 10^-digits} (relatively) above the observations it stands for; clamping to the exact smallest and
     * largest observation removes that rounding at both ends.
     *
     * @param name exposed name of the histogram.
     * @param spec its shape.
     * @return the help text.
     */
    static String percentilesHelp(final String name, final HistogramSpec spec)
    {
        final double unit = spec.ticksPerUnit();
        return "Percentiles of " + name + " over " + windowText(spec) + ": HdrHistogram " +
            "values with " + spec.significantDigits() + " significant digits (up to " +
            plain(100 * Math.pow(10, -spec.significantDigits())) + " % above the observations they stand for, " +
            "resolution " + plain(spec.lowestDiscernibleTicks() / unit) + "), clamped to the exact smallest and " +
            "largest observation, so a single observation reads exactly; observations above " +
            plain(spec.highestTrackableTicks() / unit) + " count as " + plain(spec.highestTrackableTicks() / unit) +
            " here only (count, sum, buckets and max stay exact). NaN before the first observation" +
            (spec.window().isZero() ? "." : ", 0 while the window holds none.");
    }

    /**
     * @param name exposed name of the histogram.
     * @param spec its shape.
     * @return the HELP text of its {@code _max} gauge.
     */
    static String maxHelp(final String name, final HistogramSpec spec)
    {
        return spec.window().isZero() ?
            "Largest observation of " + name + " since the series was created (exact; NaN before the first " +
                "observation)." :
            "Largest observation of " + name + " over " + windowText(spec) + " (NaN before the first observation, " +
                "0 while the window holds none).";
    }

    /** {@code all observations since the series was created}, or {@code the last 60 s (sliding every 12 s)}. */
    private static String windowText(final HistogramSpec spec)
    {
        if (spec.window().isZero())
        {
            return "all observations since the series was created";
        }
        final double seconds = spec.window().toNanos() / 1e9;
        return "the last " + plain(seconds) + " s (sliding every " + plain(seconds / spec.windowSlices()) + " s)";
    }

    private static String plain(final double value)
    {
        return BigDecimal.valueOf(value).round(MathContext.DECIMAL64).stripTrailingZeros().toPlainString();
    }

    /** @return the metric family. */
    MetricFamily family()
    {
        return family;
    }

    /** @return the family itself as exposed. */
    ExposedFamily main()
    {
        return main;
    }

    /** @return the percentile summary of a histogram, or {@code null}. */
    ExposedFamily percentiles()
    {
        return percentiles;
    }

    /** @return the max gauge of a histogram, or {@code null}. */
    ExposedFamily max()
    {
        return max;
    }

    /** @return histogram upper bounds including {@code +Inf} (shared, do not modify), or {@code null}. */
    double[] bucketBounds()
    {
        return bucketBounds;
    }

    /**
     * @return {@code true} the first time only: a name conflict of this family is reported once.
     */
    boolean firstConflict()
    {
        return conflictReported.compareAndSet(false, true);
    }

    /**
     * The exposition order of a family's series in one snapshot: by label names, then label values, as
     * client_java's {@code Labels.compareTo}. Computed again only when the set of series changed since the last
     * scrape; otherwise this costs one reference comparison per series.
     *
     * @param samples the family's series in a snapshot.
     * @return indexes into {@code samples}, in exposition order; shared, do not modify.
     */
    int[] order(final FamilySamples samples)
    {
        final int n = samples.size();
        final SeriesOrder cached = order;
        if (cached != null && cached.series.length == n)
        {
            int i = 0;
            while (i < n && cached.series[i] == samples.series(i))
            {
                i++;
            }
            if (i == n)
            {
                return cached.sorted;
            }
        }
        final SeriesDescriptor[] series = new SeriesDescriptor[n];
        final Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++)
        {
            series[i] = samples.series(i);
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> SeriesRendering.LABEL_ORDER.compare(series[a], series[b]));
        final int[] sorted = new int[n];
        for (int i = 0; i < n; i++)
        {
            sorted[i] = boxed[i];
        }
        order = new SeriesOrder(series, sorted);
        return sorted;
    }
}
