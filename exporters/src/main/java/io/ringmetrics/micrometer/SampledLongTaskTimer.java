package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.internal.DefaultLongTaskTimer;
import io.ringmetrics.registry.SeriesDescriptor;

import java.util.concurrent.TimeUnit;

/**
 * A Micrometer {@link io.micrometer.core.instrument.LongTaskTimer}: Micrometer's own implementation tracks the
 * active tasks (starting and stopping a task is Micrometer's cost, not a ring publish), and at each snapshot three
 * engine gauges are set: {@code <name>_active_tasks}, {@code <name>_duration_seconds} (summed duration of the active
 * tasks) and {@code <name>_max_seconds} (the oldest active task). Percentiles and SLO buckets configured on it are
 * available through {@link #takeSnapshot()} only.
 */
final class SampledLongTaskTimer extends DefaultLongTaskTimer implements Sampled
{
    private final io.ringmetrics.Gauge active;
    private final io.ringmetrics.Gauge duration;
    private final io.ringmetrics.Gauge max;

    SampledLongTaskTimer(
        final Id id, final Clock clock, final DistributionStatisticConfig config, final io.ringmetrics.Gauge active,
        final io.ringmetrics.Gauge duration, final io.ringmetrics.Gauge max)
    {
        super(id, clock, TimeUnit.SECONDS, config, false);
        this.active = active;
        this.duration = duration;
        this.max = max;
    }

    @Override
    public void sample()
    {
        active.set(activeTasks());
        duration.set(duration(TimeUnit.SECONDS));
        max.set(max(TimeUnit.SECONDS));
    }

    @Override
    public SeriesDescriptor[] series()
    {
        return new SeriesDescriptor[] { active.series(), duration.series(), max.series() };
    }
}
