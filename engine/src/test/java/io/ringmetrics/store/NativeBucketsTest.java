package io.ringmetrics.store;

import io.ringmetrics.snapshot.NativeHistogramSample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native bucket counts against a reference computed here another way: the bucket of {@code v} is the smallest
 * {@code i} with {@code |v| <= 2^(i / 2^schema)}, found from {@code log2 |v|} and corrected by comparing with
 * {@code Math.pow(2, i / 2^schema)}.
 */
class NativeBucketsTest
{
    private static int referenceIndex(final double v, final int schema)
    {
        final double magnitude = Math.abs(v);
        final double perDoubling = Math.pow(2, schema);
        int i = (int)Math.ceil(Math.log(magnitude) / Math.log(2) * perDoubling);
        while (magnitude > Math.pow(2, (i) / perDoubling))
        {
            i++;
        }
        while (magnitude <= Math.pow(2, (i - 1) / perDoubling))
        {
            i--;
        }
        return i;
    }

    /** Reference buckets: [zero count], positive map, negative map. */
    private static final class Reference
    {
        long zero;
        final TreeMap<Integer, Long> positive = new TreeMap<>();
        final TreeMap<Integer, Long> negative = new TreeMap<>();

        Reference(final List<Double> values, final int schema)
        {
            for (final double v : values)
            {
                if (Math.abs(v) <= 0x1p-128)
                {
                    zero++;
                }
                else
                {
                    (v > 0 ? positive : negative).merge(referenceIndex(v, schema), 1L, Long::sum);
                }
            }
        }

        void assertMatches(final NativeHistogramSample sample, final int schema)
        {
            assertEquals(schema, sample.schema());
            assertEquals(zero, sample.zeroCount(), "zero bucket");
            assertArrayEquals(positive.keySet().stream().mapToInt(Integer::intValue).toArray(), sample.positiveIndexes(),
                "positive indexes");
            assertArrayEquals(positive.values().stream().mapToLong(Long::longValue).toArray(), sample.positiveCounts(),
                "positive counts");
            assertArrayEquals(negative.keySet().stream().mapToInt(Integer::intValue).toArray(), sample.negativeIndexes(),
                "negative indexes");
            assertArrayEquals(negative.values().stream().mapToLong(Long::longValue).toArray(), sample.negativeCounts(),
                "negative counts");
        }
    }

    private static List<Double> mixedValues(final long seed, final int n)
    {
        final Random random = new Random(seed);
        final List<Double> values = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final double magnitude = Math.pow(10, -9 + 12 * random.nextDouble()); // 1 ns .. 1000 s
            values.add(random.nextInt(5) == 0 ? -magnitude : magnitude);
        }
        // exact boundaries, zero and the zero threshold, tiny, huge and subnormal values
        for (final double v : new double[] {
            0.0, -0.0, 0x1p-128, -0x1p-128, 0x1.0000000000001p-128, Double.MIN_VALUE, Double.MIN_NORMAL,
            1.0, 2.0, 0.5, 1024.0, -1.0, -0.25, Double.MAX_VALUE, -Double.MAX_VALUE, 1e300, 1e-300, 3.0, 0.1,
            Math.nextUp(1.0), Math.nextDown(1.0), Math.nextUp(2.0), Math.nextDown(2.0) })
        {
            values.add(v);
        }
        return values;
    }

    @Test
    void countsEqualAReferenceBucketingAtEverySchema()
    {
        final List<Double> values = mixedValues(42, 20_000);
        for (int schema = NativeBuckets.MIN_SCHEMA; schema <= NativeBuckets.MAX_SCHEMA; schema++)
        {
            final NativeBuckets buckets = new NativeBuckets(schema, 1 << 20); // wide enough: no reduction
            values.forEach(buckets::record);
            new Reference(values, schema).assertMatches(buckets.sample(), schema);
        }
    }

    @Test
    void boundariesAreUpperInclusive()
    {
        // 2^(i/2^s) is the upper bound of bucket i, for every schema: powers of two are exact boundaries.
        for (int schema = NativeBuckets.MIN_SCHEMA; schema <= NativeBuckets.MAX_SCHEMA; schema++)
        {
            for (int exponent = -100; exponent <= 100; exponent++)
            {
                final double v = Math.scalb(1.0, exponent);
                final int expected = schema >= 0 ? exponent << schema : (int)Math.ceil(exponent / Math.pow(2, -schema));
                assertEquals(expected, NativeBuckets.indexOf(v, schema), "2^" + exponent + " at schema " + schema);
                if (schema >= 0 || exponent % (1 << -schema) == 0) // then 2^exponent is a boundary
                {
                    assertEquals(expected + 1, NativeBuckets.indexOf(Math.nextUp(v), schema),
                        "just above 2^" + exponent + " at schema " + schema);
                }
            }
        }
        assertEquals(1, NativeBuckets.indexOf(Math.pow(2, 1.0 / 32), 5), "2^(1/32) closes bucket 1 at schema 5");
        assertEquals(2, NativeBuckets.indexOf(Math.nextUp(Math.pow(2, 1.0 / 32)), 5));
    }

    @Test
    void valuesAtAndNextToEveryBoundaryMatchTheReference()
    {
        for (int schema = 1; schema <= NativeBuckets.MAX_SCHEMA; schema++)
        {
            final int perDoubling = 1 << schema;
            for (int i = -3 * perDoubling; i <= 3 * perDoubling; i++)
            {
                final double bound = Math.pow(2, (double)i / perDoubling);
                for (final double v : new double[] { bound, Math.nextUp(bound), Math.nextDown(bound),
                    Math.scalb(bound, 40), Math.nextUp(Math.scalb(bound, -40)) })
                {
                    assertEquals(referenceIndex(v, schema), NativeBuckets.indexOf(v, schema),
                        v + " at schema " + schema);
                }
            }
        }
    }

    @Test
    void tooWideARangeHalvesTheResolutionToExactlyTheCoarserBucketing()
    {
        final List<Double> values = mixedValues(7, 5_000);
        final NativeBuckets buckets = new NativeBuckets(5, 160);
        values.forEach(buckets::record);
        final NativeHistogramSample sample = buckets.sample();
        assertTrue(sample.schema() < 5, "1e-9..1e3 and the extremes cannot fit 160 buckets at schema 5");
        new Reference(values, sample.schema()).assertMatches(sample, sample.schema());
        for (final int[] indexes : new int[][] { sample.positiveIndexes(), sample.negativeIndexes() })
        {
            assertTrue(indexes[indexes.length - 1] - indexes[0] < 160, "range of indexes per sign is bounded");
        }
    }

    @Test
    void memoryStaysBoundedUnderADriftingRange()
    {
        final NativeBuckets buckets = new NativeBuckets(8, 160);
        double v = 1e-6;
        for (int i = 0; i < 100_000; i++)
        {
            buckets.record(v);
            v *= 1.0003; // drifts over ~13 decades
        }
        assertTrue(buckets.footprintBytes() < 2 * (160 * 8 * 2 + 200), "footprint " + buckets.footprintBytes());
        final NativeHistogramSample sample = buckets.sample();
        long total = 0;
        for (final long c : sample.positiveCounts())
        {
            total += c;
        }
        assertEquals(100_000, total);
    }

    @Test
    void refusesASchemaOutOfRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new NativeBuckets(9, 160));
        assertThrows(IllegalArgumentException.class, () -> new NativeBuckets(-5, 160));
        assertThrows(IllegalArgumentException.class, () -> new NativeBuckets(5, 0));
    }
}
