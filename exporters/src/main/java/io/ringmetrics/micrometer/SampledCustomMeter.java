package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.internal.DefaultMeter;
import io.ringmetrics.registry.SeriesDescriptor;

/**
 * A custom Micrometer {@link io.micrometer.core.instrument.Meter} ({@code Meter.builder(name, type, measurements)}):
 * each measurement is an engine gauge, set at each snapshot from the measurement's supplier. The gauge of a
 * {@code VALUE} or {@code UNKNOWN} statistic is named {@code <name>}, any other {@code <name>_<suffix>}
 * ({@link #suffix(io.micrometer.core.instrument.Statistic)}).
 */
final class SampledCustomMeter extends DefaultMeter implements Sampled
{
    private final Measurement[] measurements;
    private final io.ringmetrics.Gauge[] handles;

    SampledCustomMeter(final Id id, final Type type, final Measurement[] measurements,
        final io.ringmetrics.Gauge[] handles)
    {
        super(id, type, java.util.Arrays.asList(measurements));
        this.measurements = measurements;
        this.handles = handles;
    }

    /**
     * @param statistic a measurement's statistic.
     * @return the name suffix of its gauge, empty for {@code VALUE} and {@code UNKNOWN}; chosen so that no gauge
     *         ends in a suffix Prometheus reserves for counters, histograms or summaries.
     */
    static String suffix(final io.micrometer.core.instrument.Statistic statistic)
    {
        switch (statistic)
        {
            case TOTAL:
                return "_amount";
            case TOTAL_TIME:
                return "_time";
            case COUNT:
                return "_observations";
            case MAX:
                return "_max";
            case ACTIVE_TASKS:
                return "_active_tasks";
            case DURATION:
                return "_duration";
            default:
                return "";
        }
    }

    @Override
    public void sample()
    {
        for (int i = 0; i < measurements.length; i++)
        {
            final double v = measurements[i].getValue();
            if (Double.isFinite(v))
            {
                handles[i].set(v);
            }
        }
    }

    @Override
    public SeriesDescriptor[] series()
    {
        final SeriesDescriptor[] result = new SeriesDescriptor[handles.length];
        for (int i = 0; i < handles.length; i++)
        {
            result[i] = handles[i].series();
        }
        return result;
    }
}
