package io.ringmetrics.micrometer;

import io.micrometer.core.instrument.AbstractMeter;
import io.micrometer.core.instrument.Counter;
import io.ringmetrics.registry.SeriesDescriptor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A Micrometer {@link Counter} publishing into an engine counter: {@link #increment()} and whole amounts are one
 * ring publish (no lock, no allocation). The engine counts in whole numbers; the fractional part of an amount is
 * carried here (one CAS loop, on that path only) and published as soon as it adds up to one, so {@link #count()}
 * is exact and the exposed value is its whole part. A negative or {@code NaN} amount is not applied and is counted
 * by the writer as dropped ({@code reason="invalid_value"}).
 * <p>
 * {@link #count()} takes an engine snapshot (it reflects every increment published before it, from any thread):
 * meant for tests and tools, not hot paths.
 */
final class RingCounter extends AbstractMeter implements Counter, EngineBacked
{
    private final io.ringmetrics.Counter handle;
    private final RingMetricsMeterRegistry registry;
    private final AtomicLong fractionBits = new AtomicLong(Double.doubleToRawLongBits(0.0));

    RingCounter(final Id id, final io.ringmetrics.Counter handle, final RingMetricsMeterRegistry registry)
    {
        super(id);
        this.handle = handle;
        this.registry = registry;
    }

    @Override
    public void increment()
    {
        handle.increment();
    }

    @Override
    public void increment(final double amount)
    {
        final long whole = (long)amount;
        if (whole == amount)
        {
            if (whole != 0)
            {
                handle.increment(whole);
            }
            return;
        }
        if (!(amount > 0))
        {
            handle.increment(-1L); // negative or NaN: dropped by the writer and counted as invalid_value
            return;
        }
        if (whole > 0)
        {
            handle.increment(whole);
        }
        addFraction(amount - whole);
    }

    private void addFraction(final double fraction)
    {
        while (true)
        {
            final long bits = fractionBits.get();
            final double sum = Double.longBitsToDouble(bits) + fraction;
            final long carry = (long)sum;
            if (fractionBits.compareAndSet(bits, Double.doubleToRawLongBits(sum - carry)))
            {
                if (carry > 0)
                {
                    handle.increment(carry);
                }
                return;
            }
        }
    }

    @Override
    public double count()
    {
        return registry.counterValue(handle.series()) + Double.longBitsToDouble(fractionBits.get());
    }

    @Override
    public SeriesDescriptor[] series()
    {
        return new SeriesDescriptor[] { handle.series() };
    }
}
