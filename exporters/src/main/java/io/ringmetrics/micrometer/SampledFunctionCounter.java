package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.cumulative.CumulativeFunctionCounter;
import io.ringmetrics.registry.SeriesDescriptor;

import java.util.function.ToDoubleFunction;

/**
 * A Micrometer {@link io.micrometer.core.instrument.FunctionCounter} exposed through an engine counter. The object
 * is held weakly, as in Micrometer; {@link #count()} applies the function on the calling thread. At each snapshot
 * the whole part of the function's value is compared with what was published before and the increase is published;
 * a decrease (a reset of the source) is not published, the engine counter keeps its value and grows again once the
 * source passes it.
 *
 * @param <T> type of the observed object.
 */
final class SampledFunctionCounter<T> extends CumulativeFunctionCounter<T> implements Sampled
{
    private final io.ringmetrics.Counter handle;
    private long published;

    SampledFunctionCounter(final Id id, final T obj, final ToDoubleFunction<T> f, final io.ringmetrics.Counter handle)
    {
        super(id, obj, f);
        this.handle = handle;
    }

    @Override
    public synchronized void sample()
    {
        final double v = count();
        if (Double.isFinite(v) && v >= published + 1)
        {
            final long whole = (long)v;
            handle.increment(whole - published);
            published = whole;
        }
    }

    @Override
    public SeriesDescriptor[] series()
    {
        return new SeriesDescriptor[] { handle.series() };
    }
}
