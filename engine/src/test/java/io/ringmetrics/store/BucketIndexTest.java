package io.ringmetrics.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BucketIndexTest
{
    /** Reference: the first bound {@code >= value}, by a linear scan. */
    private static int expected(final double[] bounds, final double value)
    {
        int i = 0;
        while (i < bounds.length && bounds[i] < value)
        {
            i++;
        }
        return i;
    }

    private static void assertAgrees(final double[] bounds, final double value)
    {
        final BucketIndex index = new BucketIndex(bounds);
        assertEquals(expected(bounds, value), index.indexOf(value),
            () -> "value " + value + " in " + java.util.Arrays.toString(bounds));
    }

    /** Each bound, its neighbours one ulp away, zero, negatives, the extremes and random values in between. */
    private static void assertAgreesEverywhere(final double[] bounds, final SplittableRandom random)
    {
        final BucketIndex index = new BucketIndex(bounds);
        final List<Double> values = new ArrayList<>(List.of(0.0, -0.0, -1.0, -Double.MAX_VALUE, Double.MAX_VALUE,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL));
        for (final double bound : bounds)
        {
            values.add(bound);
            values.add(Math.nextDown(bound));
            values.add(Math.nextUp(bound));
            values.add(bound / 2);
            values.add(bound * 2);
        }
        final double low = bounds[0];
        final double high = bounds[bounds.length - 1];
        for (int i = 0; i < 2_000; i++)
        {
            values.add(low - (high - low) * 0.1 + random.nextDouble() * (high - low) * 1.2);
            values.add(Math.abs(low) * Math.pow(2, random.nextDouble(-8, 8)));
        }
        for (final double value : values)
        {
            assertEquals(expected(bounds, value), index.indexOf(value),
                () -> "value " + value + " in " + java.util.Arrays.toString(bounds));
        }
    }

    @Test
    void defaultBucketsUseASmallTableWithOneBoundPerCell()
    {
        final BucketIndex index = new BucketIndex(HistogramSpec.DEFAULT_BUCKETS);
        assertTrue(index.tableCells() > 0 && index.tableCells() <= 64, "cells: " + index.tableCells());
        assertAgreesEverywhere(HistogramSpec.DEFAULT_BUCKETS, new SplittableRandom(1));
    }

    @Test
    void valuesOnABoundGoInThatBucket()
    {
        final double[] bounds = HistogramSpec.DEFAULT_BUCKETS;
        final BucketIndex index = new BucketIndex(bounds);
        for (int i = 0; i < bounds.length; i++)
        {
            assertEquals(i, index.indexOf(bounds[i]), "le semantics at " + bounds[i]);
            assertEquals(i + 1, index.indexOf(Math.nextUp(bounds[i])), "just above " + bounds[i]);
        }
        assertEquals(0, index.indexOf(0.0));
        assertEquals(0, index.indexOf(-3.0));
        assertEquals(bounds.length, index.indexOf(1e300), "+Inf bucket");
    }

    @Test
    void denseLinearBucketsAgreeWithTheScan()
    {
        final double[] linear = new double[200];
        for (int i = 0; i < linear.length; i++)
        {
            linear[i] = 0.5 * (i + 1);
        }
        assertTrue(new BucketIndex(linear).tableCells() <= BucketIndex.MAX_CELLS);
        assertAgreesEverywhere(linear, new SplittableRandom(2));
    }

    @Test
    void layoutsWithZeroOrNegativeBoundsUseTheBinarySearch()
    {
        final double[] signed = { -10, -1, -0.5, 0.0, 0.5, 1, 10 };
        assertEquals(0, new BucketIndex(signed).tableCells());
        assertAgreesEverywhere(signed, new SplittableRandom(3));
        assertAgrees(new double[] { 0.0 }, -0.0);
        assertAgrees(new double[] { -0.0 }, 0.0);
    }

    @Test
    void hugeSpansUseTheBinarySearch()
    {
        final double[] huge = { 1e-300, 1e-100, 1, 1e100, 1e300 };
        assertEquals(0, new BucketIndex(huge).tableCells());
        assertAgreesEverywhere(huge, new SplittableRandom(4));
    }

    @Test
    void randomLayoutsAgreeWithTheScan()
    {
        final SplittableRandom random = new SplittableRandom(5);
        for (int layout = 0; layout < 300; layout++)
        {
            final int n = 1 + random.nextInt(40);
            final double[] bounds = new double[n];
            double bound = Math.pow(10, random.nextDouble(-9, 6));
            for (int i = 0; i < n; i++)
            {
                bounds[i] = bound;
                bound = random.nextBoolean() ? bound * (1 + random.nextDouble(1e-6, 3)) : Math.nextUp(bound);
            }
            assertAgreesEverywhere(bounds, random);
        }
    }

    @Test
    void oneBound()
    {
        assertAgreesEverywhere(new double[] { 1.0 }, new SplittableRandom(6));
        assertAgreesEverywhere(new double[] { Double.MIN_VALUE }, new SplittableRandom(7));
        assertAgreesEverywhere(new double[] { Double.MAX_VALUE }, new SplittableRandom(8));
    }
}
