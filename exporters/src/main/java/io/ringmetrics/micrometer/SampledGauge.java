package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.internal.DefaultGauge;
import io.ringmetrics.registry.SeriesDescriptor;

import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link Gauge} exposed through an engine gauge. As in Micrometer, the gauge holds its object through
 * a weak reference (unless registered with {@code strongReference(true)}) and {@link #value()} applies the function
 * on the calling thread, {@code NaN} once the object is collected. At each snapshot the value is published into the
 * engine gauge; a {@code NaN} or infinite value is not published (the engine only holds finite gauges), so the
 * exposed value stays the last finite one.
 *
 * @param <T> type of the observed object.
 */
final class SampledGauge<T> extends DefaultGauge<T> implements Sampled
{
    private final io.ringmetrics.Gauge handle;

    SampledGauge(final Id id, final T obj, final ToDoubleFunction<T> f, final io.ringmetrics.Gauge handle)
    {
        super(id, obj, f);
        this.handle = handle;
    }

    @Override
    public void sample()
    {
        final double v = value();
        if (Double.isFinite(v))
        {
            handle.set(v);
        }
    }

    @Override
    public SeriesDescriptor[] series()
    {
        return new SeriesDescriptor[] { handle.series() };
    }
}
