package io.ringmetrics.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringmetrics.snapshot.HistogramSample;
import org.junit.jupiter.api.Test;

class HistogramSeriesTest
{
    private static final HistogramSpec SECONDS = HistogramSpec.DEFAULT_SECONDS; // ns ticks, 1 µs .. 1 h

    @Test
    void recordReturnsTheObservationInTicksAndKeepsTheExactPartAtOnce()
    {
        final HistogramSeries series = new HistogramSeries(SECONDS);
        assertEquals(5_000_000L, series.record(0.005));
        assertEquals(1_500_000L, series.recordNanos(1_500_000L));
        assertEquals(2, series.count());
        assertEquals(0, series.clampedCount());
    }

    @Test
    void valuesOutsideTheTrackedRangeAreClampedForThePercentilesOnly()
    {
        final HistogramSeries series = new HistogramSeries(SECONDS);
        final long below = series.record(-0.5);
        final long above = series.record(7200.0); // 2 h, above the tracked hour
        assertEquals(0L, below);
        assertEquals(SECONDS.highestTrackableTicks(), above);
        assertEquals(2, series.clampedCount());
        series.recordPercentile(below);
        series.recordPercentile(above);

        final HistogramSample sample = series.sample();
        assertEquals(2, sample.count());
        assertEquals(7199.5, sample.sum(), 1e-9, "the sum stays exact");
        assertEquals(1, sample.bucketCountAt(0), "-0.5 is in the first bucket");
        assertEquals(1, sample.bucketCountAt(sample.bucketCount() - 1), "2 h is in +Inf");
        assertEquals(3600.0, sample.max(), 3600.0 * 0.01, "the percentiles saw the clamped value");
    }

    @Test
    void aSampleReflectsEveryRecordingMadeBeforeIt()
    {
        final HistogramSeries series = new HistogramSeries(SECONDS);
        for (int i = 1; i <= 100; i++)
        {
            series.recordPercentile(series.record(i / 1000.0)); // 1 .. 100 ms
        }
        final HistogramSample first = series.sample();
        assertEquals(0.100, first.max(), 0.100 * 0.01);
        assertEquals(0.050, first.quantileValue(0), 0.050 * 0.01, "p50");

        series.recordPercentile(series.record(0.5));
        final HistogramSample second = series.sample();
        assertEquals(101, second.count());
        assertEquals(0.5, second.max(), 0.5 * 0.01, "a new observation invalidates the reused quantiles");
    }
}
