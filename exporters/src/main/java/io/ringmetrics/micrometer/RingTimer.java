package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.AbstractTimer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.NoopHistogram;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.util.TimeUtils;
import io.ringmetrics.Histogram;
import io.ringmetrics.registry.SeriesDescriptor;

import java.util.concurrent.TimeUnit;

/**
 * A Micrometer {@link io.micrometer.core.instrument.Timer} publishing into an engine histogram in seconds:
 * {@code record(amount, unit)} is one ring publish of the duration in nanoseconds (no lock, no allocation); bucket
 * search, sum, max and the HdrHistogram record happen on the writer. Negative durations are ignored, as in
 * Micrometer. Micrometer's own histogram is not used ({@link NoopHistogram}); {@code Runnable}/{@code Callable}/
 * {@code Sample} timing uses the registry's clock as in every Micrometer timer.
 * <p>
 * {@link #count()}, {@link #totalTime(TimeUnit)}, {@link #max(TimeUnit)} and {@link #takeSnapshot()} take an
 * engine snapshot: cumulative since the series was created, max included (it does not decay).
 */
final class RingTimer extends AbstractTimer implements EngineBacked
{
    private final Histogram handle;
    private final DistributionShape shape;
    private final RingMetricsMeterRegistry registry;

    RingTimer(final Id id, final Clock clock, final PauseDetector pauseDetector, final Histogram handle,
        final DistributionShape shape, final RingMetricsMeterRegistry registry)
    {
        super(id, clock, pauseDetector, TimeUnit.SECONDS, NoopHistogram.INSTANCE);
        this.handle = handle;
        this.shape = shape;
        this.registry = registry;
    }

    @Override
    protected void recordNonNegative(final long amount, final TimeUnit unit)
    {
        handle.observeNanos(unit.toNanos(amount));
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
    public double totalTime(final TimeUnit unit)
    {
        return TimeUtils.nanosToUnit(takeSnapshot().total(), unit);
    }

    @Override
    public double max(final TimeUnit unit)
    {
        return TimeUtils.nanosToUnit(takeSnapshot().max(), unit);
    }

    @Override
    public SeriesDescriptor[] series()
    {
        return new SeriesDescriptor[] { handle.series() };
    }
}
