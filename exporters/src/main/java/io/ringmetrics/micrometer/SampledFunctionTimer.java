package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.cumulative.CumulativeFunctionTimer;
import io.ringmetrics.registry.SeriesDescriptor;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * A Micrometer {@link io.micrometer.core.instrument.FunctionTimer} exposed through two engine series: a counter
 * {@code <name>_count_total} (the count function; increases published at each snapshot, as for
 * {@link SampledFunctionCounter}) and a gauge {@code <name>_time_seconds} (the total time function, in seconds).
 * The object is held weakly, as in Micrometer.
 *
 * @param <T> type of the observed object.
 */
final class SampledFunctionTimer<T> extends CumulativeFunctionTimer<T> implements Sampled
{
    private final io.ringmetrics.Counter countHandle;
    private final io.ringmetrics.Gauge timeHandle;
    private long published;

    SampledFunctionTimer(
        final Id id, final T obj, final ToLongFunction<T> countFunction, final ToDoubleFunction<T> totalTimeFunction,
        final TimeUnit totalTimeFunctionUnit, final io.ringmetrics.Counter countHandle,
        final io.ringmetrics.Gauge timeHandle)
    {
        super(id, obj, countFunction, totalTimeFunction, totalTimeFunctionUnit, TimeUnit.SECONDS);
        this.countHandle = countHandle;
        this.timeHandle = timeHandle;
    }

    @Override
    public synchronized void sample()
    {
        final double count = count();
        if (Double.isFinite(count) && count >= published + 1)
        {
            final long whole = (long)count;
            countHandle.increment(whole - published);
            published = whole;
        }
        final double seconds = totalTime(TimeUnit.SECONDS);
        if (Double.isFinite(seconds))
        {
            timeHandle.set(seconds);
        }
    }

    @Override
    public SeriesDescriptor[] series()
    {
        return new SeriesDescriptor[] { countHandle.series(), timeHandle.series() };
    }
}
