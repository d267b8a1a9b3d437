package io.ringmetrics.limits;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Atomic counts of registered metrics and series against their limits.
 * <p>
 * <b>Threading.</b> Any thread. {@link #tryReserveMetric()} and {@link #tryReserveSeries()} are compare-and-set
 * loops that never let a count pass its limit, however many threads race for the last unit; a reservation is given
 * back with {@link #releaseMetric()} / {@link #releaseSeries()}. Used only at registration and removal, never on
 * the update path.
 */
public final class SeriesBudget
{
    private final int maxMetrics;
    private final int maxSeries;
    private final AtomicInteger metrics = new AtomicInteger();
    private final AtomicInteger series = new AtomicInteger();

    /**
     * @param config the limits.
     */
    public SeriesBudget(final MetricsResourceConfig config)
    {
        this.maxMetrics = config.maxMetrics();
        this.maxSeries = config.maxLabelCombinations();
    }

    /**
     * @return {@code true} if one metric was reserved, {@code false} if {@code max_metrics} is reached.
     */
    public boolean tryReserveMetric()
    {
        return tryIncrement(metrics, maxMetrics);
    }

    /**
     * @return {@code true} if one series was reserved, {@code false} if {@code max_label_combinations} is reached.
     */
    public boolean tryReserveSeries()
    {
        return tryIncrement(series, maxSeries);
    }

    private static boolean tryIncrement(final AtomicInteger count, final int limit)
    {
        int current;
        do
        {
            current = count.get();
            if (current >= limit)
            {
                return false;
            }
        }
        while (!count.compareAndSet(current, current + 1));
        return true;
    }

    /** Gives back one metric reservation. */
    public void releaseMetric()
    {
        metrics.decrementAndGet();
    }

    /** Gives back one series reservation. */
    public void releaseSeries()
    {
        series.decrementAndGet();
    }

    /** @return metrics registered now. */
    public int metricCount()
    {
        return metrics.get();
    }

    /** @return series registered now (overflow series excluded). */
    public int seriesCount()
    {
        return series.get();
    }

    /** @return the metric limit. */
    public int maxMetrics()
    {
        return maxMetrics;
    }

    /** @return the series limit. */
    public int maxSeries()
    {
        return maxSeries;
    }
}
