package io.ringmetrics.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(0.0015, series.min());
        assertEquals(0.005, series.max());
    }

    @Test
    void onlyFiniteNonNegativeObservationsAreAccepted()
    {
        assertTrue(HistogramSeries.accepts(0.0));
        assertTrue(HistogramSeries.accepts(-0.0));
        assertTrue(HistogramSeries.accepts(Double.MIN_VALUE));
        assertTrue(HistogramSeries.accepts(1e12));
        assertTrue(HistogramSeries.accepts(Double.MAX_VALUE));
        assertFalse(HistogramSeries.accepts(-1.0));
        assertFalse(HistogramSeries.accepts(-Double.MIN_VALUE));
        assertFalse(HistogramSeries.accepts(Double.NaN));
        assertFalse(HistogramSeries.accepts(Double.POSITIVE_INFINITY));
        assertFalse(HistogramSeries.accepts(Double.NEGATIVE_INFINITY));
    }

    @Test
    void valuesAboveTheTrackedRangeAreClampedForThePercentilesOnly()
    {
        final HistogramSeries series = new HistogramSeries(SECONDS);
        final long small = series.record(0.5);
        final long above = series.record(1e12); // far above the tracked hour
        assertEquals(500_000_000L, small);
        assertEquals(SECONDS.highestTrackableTicks(), above);
        assertEquals(1, series.clampedCount());
        series.recordPercentile(small);
        series.recordPercentile(above);

        final HistogramSample sample = series.sample();
        assertEquals(2, sample.count());
        assertEquals(1e12 + 0.5, sample.sum(), "the sum stays exact");
        assertEquals(1, sample.bucketCountAt(6), "0.5 is in le=0.5");
        assertEquals(1, sample.bucketCountAt(sample.bucketCount() - 1), "1e12 is in +Inf");
        assertEquals(1e12, sample.max(), "the max is the exact observation, not the clamped one");
        assertEquals(0.5, sample.quantileValue(0), 0.5 * 0.01, "p50 to 2 digits, within the tracked range");
        assertEquals(3600.0, sample.quantileValue(HistogramSpec.QUANTILES.length - 1), 3600.0 * 0.01,
            "p999 reads the top of the tracked range (1 h), as the HELP text states");
    }

    @Test
    void aSingleAboveRangeObservationReadsExactlyEverywhere()
    {
        final HistogramSeries series = new HistogramSeries(SECONDS);
        series.recordPercentile(series.record(1e12));
        final HistogramSample sample = series.sample();
        assertEquals(1e12, sample.sum());
        assertEquals(1e12, sample.max(), "never below the single observation");
        for (int q = 0; q < HistogramSpec.QUANTILES.length; q++)
        {
            assertEquals(1e12, sample.quantileValue(q), "quantile " + HistogramSpec.QUANTILES[q]);
        }
    }

    @Test
    void oneObservationReadsExactlyAtEveryQuantileAndAsMax()
    {
        for (final double value : new double[] { 12.5, 0.2, 0.145, 3e-7, 0.0, 3599.99 })
        {
            final HistogramSeries series = new HistogramSeries(SECONDS);
            series.recordPercentile(series.record(value));
            final HistogramSample sample = series.sample();
            assertEquals(value, sample.max(), "max of one observation of " + value);
            for (int q = 0; q < HistogramSpec.QUANTILES.length; q++)
            {
                assertEquals(value, sample.quantileValue(q),
                    "quantile " + HistogramSpec.QUANTILES[q] + " of one observation of " + value);
            }
        }
        final HistogramSeries nanos = new HistogramSeries(SECONDS);
        nanos.recordPercentile(nanos.recordNanos(12_500_000_000L));
        assertEquals(12.5, nanos.sample().max());
        assertEquals(12.5, nanos.sample().quantileValue(HistogramSpec.QUANTILES.length - 1));
    }

    @Test
    void quantilesNeverLeaveTheExactRangeOfTheObservations()
    {
        final HistogramSeries series = new HistogramSeries(SECONDS);
        for (int i = 0; i < 1000; i++)
        {
            series.recordPercentile(series.record(i % 2 == 0 ? 0.2 : 12.5));
        }
        final HistogramSample sample = series.sample();
        assertEquals(12.5, sample.max());
        assertTrue(sample.quantileValue(0) >= 0.2 && sample.quantileValue(0) <= 0.2 * 1.01,
            "p50 is the lower value to 2 digits, never below the min: " + sample.quantileValue(0));
        assertEquals(12.5, sample.quantileValue(1), "p90 is the upper value, exactly: clamped to the max");
        assertEquals(12.5, sample.quantileValue(HistogramSpec.QUANTILES.length - 1), "p999, exactly");
    }

    @Test
    void minusZeroIsRecordedAsZero()
    {
        final HistogramSeries series = new HistogramSeries(SECONDS);
        series.recordPercentile(series.record(-0.0));
        final HistogramSample sample = series.sample();
        assertEquals("0.0", Double.toString(sample.max()));
        assertEquals("0.0", Double.toString(sample.quantileValue(0)));
        assertEquals("0.0", Double.toString(sample.sum()));
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
        assertEquals(0.100, first.max());
        assertEquals(0.050, first.quantileValue(0), 0.050 * 0.01, "p50");

        series.recordPercentile(series.record(0.5));
        final HistogramSample second = series.sample();
        assertEquals(101, second.count());
        assertEquals(0.5, second.max(), "a new observation invalidates the reused quantiles");
        assertEquals(0.5, second.quantileValue(HistogramSpec.QUANTILES.length - 1), "p999 clamped to the max");
    }
}
