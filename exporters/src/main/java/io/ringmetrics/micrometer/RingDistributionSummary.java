package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.AbstractDistributionSummary;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.NoopHistogram;
import io.ringmetrics.Histogram;
import io.ringmetrics.registry.SeriesDescriptor;

/**
 * A Micrometer {@link io.micrometer.core.instrument.DistributionSummary} publishing into an engine histogram in its
 * own unit: {@code record(amount)} is one ring publish of {@code scale * amount} (no lock, no allocation). Negative
 * amounts are ignored, as in Micrometer. Reads ({@link #count()}, {@link #totalAmount()}, {@link #max()},
 * {@link #takeSnapshot()}) take an engine snapshot and are cumulative since the series was created.
 */
final class RingDistributionSummary extends AbstractDistributionSummary implements EngineBacked
{
    private final Histogram handle;
    private final DistributionShape shape;
    private final RingMetricsMeterRegistry registry;

    RingDistributionSummary(final Id id, final double scale, final Histogram handle, final DistributionShape shape,
        final RingMetricsMeterRegistry registry)
    {
        super(id, scale, NoopHistogram.INSTANCE);
        this.handle = handle;
        this.shape = shape;
        this.registry = registry;
    }

    @Override
    protected void recordNonNegative(final double amount)
    {
        handle.observe(amount);
    }

    @Override
    public HistogramSnapshot takeSnapshot()
    {
        final SeriesDescriptor series = handle.series();
        return shape.snapshot(registry.histogramValue(series), series.family().histogramSpec());
    }

    @Override
    public long count()
    {
        return takeSnapshot().count();
    }

    @Override
    public double totalAmount()
    {
        return takeSnapshot().total();
    }

    @Override
    public double max()
    {
        return takeSnapshot().max();
    }

    @Override
    public SeriesDescriptor[] series()
    {
        return new SeriesDescriptor[] { handle.series() };
    }
}
