package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.store.HistogramSpec;

import java.util.NavigableSet;

/**
 * How one Micrometer timer or distribution summary maps onto an engine histogram: its {@link HistogramSpec}
 * (buckets and percentile range) from Micrometer's {@link DistributionStatisticConfig}, and the conversion of an
 * engine {@link HistogramSample} back into Micrometer's {@link HistogramSnapshot}.
 * <ul>
 *   <li>Buckets: the SLO boundaries plus, with {@code publishPercentileHistogram}, Micrometer's percentile-histogram
 *       buckets between the minimum and maximum expected values (Micrometer's own choice of bounds). Without either,
 *       timers get the engine's default buckets ({@link HistogramSpec#DEFAULT_BUCKETS}, seconds) and summaries
 *       decades {@code 1 .. 1e9}; these are exposed to Prometheus but not reported in
 *       {@link HistogramSnapshot#histogramCounts()}, as in Micrometer.</li>
 *   <li>Percentiles: the engine computes p50, p90, p99, p99.9 ({@link HistogramSpec#QUANTILES}) and the exact max
 *       over every observation since the series was created. A configured percentile among those (or {@code 1.0},
 *       the max) is reported; any other is left out of the snapshot (so {@code percentile(p)} is {@code NaN}).
 *       {@code percentilePrecision} sets the HdrHistogram's significant digits (at least 2, at most 3).</li>
 *   <li>Not mapped: {@code expiry} and {@code bufferLength} (the engine's percentiles and max never decay), and the
 *       minimum expected value (the engine tracks from 1 µs for timers, from 0.001 for summaries).</li>
 * </ul>
 * Immutable and thread-safe.
 */
final class DistributionShape
{
    /** Buckets of a summary with no SLOs and no percentile histogram: decades. */
    static final double[] DEFAULT_SUMMARY_BUCKETS = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
    /** Percentile resolution of summaries: 1/1000 of the unit. */
    static final double SUMMARY_TICKS_PER_UNIT = 1_000;
    private static final double NANOS_PER_SECOND = 1e9;

    private final boolean timer;
    private final HistogramSpec spec;
    private final double[] micrometerBuckets;
    private final boolean publishBuckets;
    private final double[] percentiles;

    private DistributionShape(
        final boolean timer, final HistogramSpec spec, final double[] micrometerBuckets, final boolean publishBuckets,
        final double[] percentiles)
    {
        this.timer = timer;
        this.spec = spec;
        this.micrometerBuckets = micrometerBuckets;
        this.publishBuckets = publishBuckets;
        this.percentiles = percentiles;
    }

    /**
     * @param config a timer's merged config (values in nanoseconds).
     * @return the shape of the timer, in seconds.
     */
    static DistributionShape timer(final DistributionStatisticConfig config)
    {
        final double[] nanos = buckets(config);
        final double[] seconds;
        if (nanos.length == 0)
        {
            seconds = HistogramSpec.DEFAULT_BUCKETS;
        }
        else
        {
            seconds = new double[nanos.length];
            for (int i = 0; i < nanos.length; i++)
            {
                seconds[i] = nanos[i] / NANOS_PER_SECOND;
            }
        }
        final long highest = Math.max(HistogramSpec.DEFAULT_SECONDS.highestTrackableTicks(),
            expectedMaxTicks(config.getMaximumExpectedValueAsDouble(), 1));
        final HistogramSpec spec = new HistogramSpec(seconds, NANOS_PER_SECOND,
            HistogramSpec.DEFAULT_SECONDS.lowestDiscernibleTicks(), highest, digits(config));
        return new DistributionShape(true, spec, nanos.length == 0 ? scale(seconds, NANOS_PER_SECOND) : nanos,
            nanos.length > 0, percentiles(config));
    }

    /**
     * @param config a summary's merged config.
     * @return the shape of the summary, in its own unit.
     */
    static DistributionShape summary(final DistributionStatisticConfig config)
    {
        final double[] bounds = buckets(config);
        final double[] used = bounds.length == 0 ? DEFAULT_SUMMARY_BUCKETS : bounds;
        final long highest = Math.max(1_000_000_000_000_000L,
            expectedMaxTicks(config.getMaximumExpectedValueAsDouble(), SUMMARY_TICKS_PER_UNIT));
        final HistogramSpec spec = new HistogramSpec(used, SUMMARY_TICKS_PER_UNIT, 1, highest, digits(config));
        return new DistributionShape(false, spec, used.clone(), bounds.length > 0, percentiles(config));
    }

    private static double[] buckets(final DistributionStatisticConfig config)
    {
        final NavigableSet<Double> set = config.getHistogramBuckets(true);
        return set.stream().mapToDouble(Double::doubleValue).filter(b -> b > 0 && Double.isFinite(b)).toArray();
    }

    private static long expectedMaxTicks(final Double max, final double ticksPerUnit)
    {
        if (max == null || !Double.isFinite(max) || max <= 0)
        {
            return 0;
        }
        final double ticks = max * ticksPerUnit;
        return ticks >= Long.MAX_VALUE / 4.0 ? Long.MAX_VALUE / 4 : (long)ticks;
    }

    private static int digits(final DistributionStatisticConfig config)
    {
        final Integer precision = config.getPercentilePrecision();
        return precision == null ? 2 : Math.max(2, Math.min(3, precision));
    }

    private static double[] percentiles(final DistributionStatisticConfig config)
    {
        final double[] p = config.getPercentiles();
        return p == null ? new double[0] : p.clone();
    }

    private static double[] scale(final double[] values, final double factor)
    {
        final double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++)
        {
            result[i] = values[i] * factor;
        }
        return result;
    }

    /** @return the engine histogram shape. */
    HistogramSpec spec()
    {
        return spec;
    }

    /**
     * Micrometer's view of an engine sample, in Micrometer's units (nanoseconds for timers).
     *
     * @param sample     the series' sample, or {@code null} before its first observation.
     * @param familySpec the shape the engine family really has (the first registration's, which equals
     *                   {@link #spec()} unless the metric was registered elsewhere with other buckets).
     * @return count, total, max, the configured percentiles the engine has, and cumulative bucket counts if SLOs
     *         or a percentile histogram were configured.
     */
    HistogramSnapshot snapshot(final HistogramSample sample, final HistogramSpec familySpec)
    {
        final double toMicrometer = timer ? NANOS_PER_SECOND : 1.0;
        if (sample == null)
        {
            return HistogramSnapshot.empty(0, 0, 0);
        }
        final long count = sample.count();
        final double max = count == 0 ? 0 : sample.max() * toMicrometer;
        final ValueAtPercentile[] values = new ValueAtPercentile[percentiles.length];
        int n = 0;
        for (final double p : percentiles)
        {
            final double value = percentileValue(sample, p);
            if (!Double.isNaN(value))
            {
                values[n++] = new ValueAtPercentile(p, value * toMicrometer);
            }
        }
        CountAtBucket[] counts = null;
        if (publishBuckets)
        {
            final double[] bounds = spec.equals(familySpec) ? micrometerBuckets :
                scale(familySpec.bucketBounds(), toMicrometer);
            counts = new CountAtBucket[bounds.length];
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++)
            {
                cumulative += sample.bucketCountAt(i);
                counts[i] = new CountAtBucket(bounds[i], cumulative);
            }
        }
        return new HistogramSnapshot(count, sample.sum() * toMicrometer, max,
            java.util.Arrays.copyOf(values, n), counts, null);
    }

    private static double percentileValue(final HistogramSample sample, final double p)
    {
        if (sample.count() == 0)
        {
            return Double.NaN;
        }
        if (p == 1.0)
        {
            return sample.max();
        }
        for (int q = 0; q < HistogramSpec.QUANTILES.length; q++)
        {
            if (HistogramSpec.QUANTILES[q] == p)
            {
                return sample.quantileValue(q);
            }
        }
        return Double.NaN;
    }
}
