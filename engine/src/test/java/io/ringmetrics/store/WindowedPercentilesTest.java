package io.ringmetrics.store;

import io.ringmetrics.snapshot.HistogramSample;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windowed percentiles (issue 14, item 1) against a reference computed here: the since-start HdrHistogram path of
 * {@link HistogramSeries} (zero window) fed with exactly the observations whose time falls in the live sub-windows.
 * Time is a manual clock, never a sleep.
 */
class WindowedPercentilesTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final HistogramSpec SINCE_START = HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ZERO, 1);
    private static final HistogramSpec MINUTE = HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofSeconds(60), 5);

    /** A settable nanosecond source. */
    private static final class ManualTime
    {
        long nanos = 1_000 * SECOND; // not 0: epochs are not aligned to the first recording
    }

    /** One observation and when it was made. */
    private record Timed(double value, long nanos)
    {
    }

    /** The reference: the since-start path over the observations in the live sub-windows at {@code now}. */
    private static HistogramSample reference(
        final HistogramSpec spec, final List<Timed> observations, final long now)
    {
        final long slice = spec.window().toNanos() / spec.windowSlices();
        final long oldestLive = Math.floorDiv(now, slice) - spec.windowSlices() + 1;
        final HistogramSeries reference = new HistogramSeries(spec.withWindow(Duration.ZERO, 1));
        for (final Timed t : observations)
        {
            if (Math.floorDiv(t.nanos, slice) >= oldestLive)
            {
                reference.recordPercentile(reference.record(t.value));
            }
        }
        return reference.sample();
    }

    private static double[] quantiles(final HistogramSample sample)
    {
        final double[] q = new double[HistogramSpec.QUANTILES.length];
        for (int i = 0; i < q.length; i++)
        {
            q[i] = sample.quantileValue(i);
        }
        return q;
    }

    /**
     * Equal, up to one tick where the reference clamps to an exact extreme that the window only knows in ticks (an
     * extreme of the window that is not the series' since-start extreme).
     */
    private static void assertSameWindow(
        final HistogramSpec spec, final HistogramSample expected, final HistogramSample actual, final String at)
    {
        final double tick = 1 / spec.ticksPerUnit();
        final double[] e = quantiles(expected);
        final double[] a = quantiles(actual);
        for (int i = 0; i < e.length; i++)
        {
            assertEquals(e[i], a[i], tick, at + ": quantile " + HistogramSpec.QUANTILES[i]);
        }
        assertEquals(expected.max(), actual.max(), tick, at + ": max");
    }

    private static void assertExactlySameWindow(
        final HistogramSample expected, final HistogramSample actual, final String at)
    {
        assertArrayEquals(quantiles(expected), quantiles(actual), at + ": quantiles");
        assertEquals(expected.max(), actual.max(), at + ": max");
    }

    @Test
    void whileEveryObservationIsInTheWindowItReadsExactlyWhatTheSinceStartHistogramReads()
    {
        final ManualTime time = new ManualTime();
        final HistogramSeries windowed = new HistogramSeries(MINUTE, WindowClock.live(() -> time.nanos));
        final HistogramSeries sinceStart = new HistogramSeries(SINCE_START);
        final SplittableRandom random = new SplittableRandom(14);
        for (int i = 0; i < 100_000; i++)
        {
            final double value = Math.exp(random.nextGaussian() * 1.5 - 4.5); // log-normal latencies, ~11 ms median
            windowed.recordPercentile(windowed.record(value));
            sinceStart.recordPercentile(sinceStart.record(value));
        }
        windowed.recordPercentile(windowed.record(0.0));
        sinceStart.recordPercentile(sinceStart.record(0.0));
        assertExactlySameWindow(sinceStart.sample(), windowed.sample(), "one sub-window");
        assertArrayEquals(sinceStart.sample().bucketCounts(), windowed.sample().bucketCounts());
    }

    @Test
    void afterTheWindowSlidesOldValuesAreGoneAndRecentOnesPresent()
    {
        final ManualTime time = new ManualTime();
        time.nanos = 0;
        final HistogramSeries series = new HistogramSeries(MINUTE, WindowClock.live(() -> time.nanos));
        for (int i = 0; i < 1000; i++) // t = 0 .. 10 s: slow requests, 2 s .. 3 s
        {
            time.nanos = i * 10_000_000L;
            series.recordPercentile(series.record(2.0 + i / 1000.0));
        }
        for (int i = 0; i < 1000; i++) // t = 30 .. 40 s: fast requests, 1 ms .. 2 ms
        {
            time.nanos = 30 * SECOND + i * 10_000_000L;
            series.recordPercentile(series.record(0.001 + i / 1e6));
        }

        time.nanos = 45 * SECOND; // both in the window (sub-windows of 12 s: [0, 12) is still live)
        HistogramSample sample = series.sample();
        assertEquals(2.999, sample.max(), 1e-9);
        assertTrue(sample.quantileValue(2) >= 2.0, "p99 sees the slow requests: " + sample.quantileValue(2));
        assertTrue(sample.quantileValue(0) < 0.0021, "p50 at the boundary of both: " + sample.quantileValue(0));

        time.nanos = 61 * SECOND; // [0, 12) left the window at 60 s
        sample = series.sample();
        assertEquals(0.001999, sample.max(), 1e-12, "the slow requests are gone from the max");
        assertTrue(sample.quantileValue(3) < 0.00201, "and from p99.9: " + sample.quantileValue(3));
        assertTrue(sample.quantileValue(0) > 0.0014 && sample.quantileValue(0) < 0.00152, "p50 of the fast ones: " +
            sample.quantileValue(0));
        assertEquals(2000, sample.count(), "_count stays cumulative");
        assertEquals(1000, sample.bucketCountAt(0), "classic buckets stay cumulative (le=0.005)");
        assertEquals(1000, sample.bucketCountAt(8) + sample.bucketCountAt(9), "le=2.5 and le=5 still hold the slow ones");

        time.nanos = 85 * SECOND; // [24, 36) and [36, 48) left at 84 s and 96 s: at 85 s only [36, 48) is live
        sample = series.sample();
        assertTrue(sample.quantileValue(0) >= 0.0016, "only the last 4 s of fast requests: " + sample.quantileValue(0));

        time.nanos = 100 * SECOND; // nothing left in the window
        sample = series.sample();
        assertArrayEquals(new double[HistogramSpec.QUANTILES.length], quantiles(sample), "an empty window reads 0");
        assertEquals(0.0, sample.max());
        assertEquals(2000, sample.count());
        assertEquals(2.0 * 1000 + 0.4995 * 1000 + 0.001 * 1000 + 0.0004995 * 1000, sample.sum(), 1e-6);

        time.nanos = 101 * SECOND;
        series.recordPercentile(series.record(0.25));
        sample = series.sample();
        assertEquals(0.25, sample.max(), "a new observation after an empty window reads exactly");
        assertEquals(0.25, sample.quantileValue(2));
    }

    @Test
    void atEveryMomentTheWindowEqualsTheReferenceOverItsLiveSubWindows()
    {
        for (final HistogramSpec spec : new HistogramSpec[] {
            MINUTE,
            HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofSeconds(10), 1),
            HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofMillis(700), 7),
            HistogramSpec.secondsWithBuckets(0.1, 1).withWindow(Duration.ofSeconds(3), 60),
            new HistogramSpec(new double[] { 1, 10 }, 1e6, 1, 3_600_000_000L, 3).withWindow(Duration.ofSeconds(5), 4),
        })
        {
            final ManualTime time = new ManualTime();
            final HistogramSeries series = new HistogramSeries(spec, WindowClock.live(() -> time.nanos));
            final List<Timed> observations = new ArrayList<>();
            final SplittableRandom random = new SplittableRandom(spec.hashCode());
            final long horizon = spec.window().toNanos() * 20;
            final long start = time.nanos;
            int samples = 0;
            while (time.nanos - start < horizon)
            {
                // bursts and pauses, some longer than the whole window
                time.nanos += random.nextInt(2000) == 0 ? random.nextLong(spec.window().toNanos() * 2) :
                    random.nextLong(spec.window().toNanos() / 500 + 1);
                final int phase = (int)((time.nanos - start) / (spec.window().toNanos() / 2)) % 3;
                final double value = Math.exp(random.nextGaussian() + (phase - 5)); // the level moves over time
                observations.add(new Timed(value, time.nanos));
                series.recordPercentile(series.record(value));
                if (random.nextInt(200) == 0)
                {
                    assertSameWindow(spec, reference(spec, observations, time.nanos), series.sample(),
                        spec + " at +" + (time.nanos - start) + " ns");
                    samples++;
                }
            }
            assertTrue(samples > 20, "samples taken: " + samples);
            assertEquals(observations.size(), series.sample().count());
        }
    }

    @Test
    void rotationUnderLoadKeepsEveryCountRight()
    {
        final ManualTime time = new ManualTime();
        final HistogramSpec spec = HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofMillis(100), 5);
        final WindowClock clock = WindowClock.cached(() -> time.nanos);
        final HistogramSeries[] series = new HistogramSeries[64];
        for (int s = 0; s < series.length; s++)
        {
            series[s] = new HistogramSeries(spec, clock);
        }
        final long[] inWindowReference = new long[series.length];
        final SplittableRandom random = new SplittableRandom(7);
        final int rounds = 2_000;
        final int perRound = 1_000;
        final long[][] perSliceCounts = new long[series.length][5];
        long slice = -1;
        for (int round = 0; round < rounds; round++)
        {
            time.nanos += 1_000_000L + random.nextInt(1_000_000); // 1..2 ms a round: a rotation every ~13 rounds
            clock.refresh();
            final long epoch = Math.floorDiv(time.nanos, 20_000_000L);
            if (epoch != slice)
            {
                for (long e = slice + 1; e <= epoch && slice >= 0; e++)
                {
                    for (int s = 0; s < series.length; s++)
                    {
                        perSliceCounts[s][(int)Math.floorMod(e, 5L)] = 0;
                    }
                }
                slice = epoch;
            }
            for (int i = 0; i < perRound; i++)
            {
                final int s = random.nextInt(series.length);
                series[s].recordPercentile(series[s].record(random.nextDouble() * random.nextDouble() * 20));
                perSliceCounts[s][(int)Math.floorMod(epoch, 5L)]++;
            }
        }
        long total = 0;
        for (int s = 0; s < series.length; s++)
        {
            final HistogramSample sample = series[s].sample();
            long buckets = 0;
            for (int b = 0; b < sample.bucketCount(); b++)
            {
                buckets += sample.bucketCountAt(b);
            }
            assertEquals(sample.count(), buckets, "buckets add up to the cumulative count");
            total += sample.count();
            for (final long c : perSliceCounts[s])
            {
                inWindowReference[s] += c;
            }
            assertEquals(inWindowReference[s], series[s].windowCount(), "observations in the window of series " + s);
        }
        assertEquals((long)rounds * perRound, total);
    }

    @Test
    void countsThatOverflowABytePerIndexWidenWithoutLosingAny()
    {
        final ManualTime time = new ManualTime();
        final HistogramSeries series = new HistogramSeries(MINUTE, WindowClock.live(() -> time.nanos));
        final HistogramSeries sinceStart = new HistogramSeries(SINCE_START);
        for (int i = 0; i < 200_000; i++) // 200 000 equal values: past 255 (byte) and 65 535 (char)
        {
            series.recordPercentile(series.record(0.0042));
            sinceStart.recordPercentile(sinceStart.record(0.0042));
            if (i % 3 == 0)
            {
                series.recordPercentile(series.record(0.5));
                sinceStart.recordPercentile(sinceStart.record(0.5));
            }
        }
        assertExactlySameWindow(sinceStart.sample(), series.sample(), "wide counts");
        assertEquals(200_000 + 66_667, series.windowCount());
    }

    @Test
    void steadyStateRecordingAndRotationAllocateNothing()
    {
        final ManualTime time = new ManualTime();
        final WindowClock clock = WindowClock.cached(() -> time.nanos);
        final HistogramSeries series = new HistogramSeries(MINUTE, clock);
        final SplittableRandom random = new SplittableRandom(3);
        final double[] values = new double[4096];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = Math.exp(random.nextGaussian() - 4.5);
        }
        final Runnable traffic = () ->
        {
            for (int i = 0; i < 200_000; i++)
            {
                if (i % 1000 == 0)
                {
                    time.nanos += 100_000_000L; // a rotation every 120 loops: many rotations per run
                    clock.refresh();
                }
                series.recordPercentile(series.record(values[i & 4095]));
            }
        };
        for (int warm = 0; warm < 10; warm++)
        {
            traffic.run(); // every sub-window has seen the range; the JIT has compiled the loop
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        traffic.run();
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "bytes allocated by 200 000 recordings over 166 rotations: " + allocated);
    }

    @Test
    void aWindowOutOfRangeIsRefusedNamingTheValue()
    {
        final HistogramSpec spec = HistogramSpec.DEFAULT_SECONDS;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec.withWindow(Duration.ofSeconds(-1), 5))
            .getMessage().contains("between 0 (since start) and 86400 s, was PT-1S"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec.withWindow(Duration.ofDays(2), 5))
            .getMessage().contains("was PT48H"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec.withWindow(Duration.ofSeconds(60), 0))
            .getMessage().contains("slices must be between 1 and 60, was 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec.withWindow(Duration.ofSeconds(60), 61))
            .getMessage().contains("was 61"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec.withWindow(Duration.ofMillis(5), 10))
            .getMessage().contains("at least 1 ms"));
        assertEquals(Duration.ZERO, spec.withWindow(Duration.ZERO, 0).window(), "slices do not matter without window");
    }

    @Test
    void aSpecWithoutItsOwnWindowTakesTheDefaultsWindowAndOneWithItKeepsIt()
    {
        final HistogramSpec engineDefault = HistogramSpec.DEFAULT_SECONDS.withWindow(Duration.ofSeconds(300), 10);
        final HistogramSpec plain = HistogramSpec.secondsWithBuckets(0.1, 1);
        assertEquals(HistogramSpec.DEFAULT_WINDOW, plain.window(), "unregistered: the built-in default");
        assertEquals(Duration.ofSeconds(300), plain.withDefaultWindow(engineDefault).window());
        assertEquals(10, plain.withDefaultWindow(engineDefault).windowSlices());
        final HistogramSpec own = plain.withWindow(Duration.ofSeconds(10), 2);
        assertEquals(own, own.withDefaultWindow(engineDefault));
        assertEquals(Duration.ofSeconds(10), own.withDefaultWindow(engineDefault).window());
        assertTrue(!own.equals(plain.withWindow(Duration.ofSeconds(10), 5)), "the window is part of the shape");
    }

    @Test
    void theDefaultWindowsFootprintIsWhatTheBenchmarksReport()
    {
        final ManualTime time = new ManualTime();
        final HistogramSeries series = new HistogramSeries(HistogramSpec.DEFAULT_SECONDS.withoutNativeBuckets(),
            WindowClock.live(() -> time.nanos)); // the window's share; native buckets add their own (NativeBucketsTest)
        final long empty = series.footprintBytes();
        assertTrue(empty < 400, "no sub-window before the first observation: " + empty);
        series.recordPercentile(series.record(0.010));
        assertTrue(series.footprintBytes() - empty < 250, "one small sub-window: " + series.footprintBytes());
    }
}
