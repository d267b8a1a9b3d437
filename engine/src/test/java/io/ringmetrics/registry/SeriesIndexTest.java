package io.ringmetrics.registry;

import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.store.HistogramSpec;
import io.ringmetrics.store.SlotAllocator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeriesIndexTest
{
    private static final int FORCED_HASH = 42;

    private final SeriesIndex index = new SeriesIndex();
    private int nextId;

    private MetricFamily family(final String name, final String... labelNames)
    {
        final String[] sorted = labelNames.clone();
        java.util.Arrays.sort(sorted);
        return new MetricFamily(name, MetricType.COUNTER, "", sorted, null, 0, index);
    }

    /** A series whose values are given in the family's canonical order, inserted with its real hash. */
    private SeriesDescriptor add(final MetricFamily family, final String... values)
    {
        return add(SeriesHash.of(family.name(), family.labelNamesNoCopy(), values), family, values);
    }

    private SeriesDescriptor add(final int hash, final MetricFamily family, final String... values)
    {
        final SeriesDescriptor series = new SeriesDescriptor(nextId++, family, values, hash);
        index.insert(series);
        return series;
    }

    private static SeriesRegistry registry(final int maxSeries)
    {
        final MetricsResourceConfig limits = MetricsResourceConfig.builder().maxLabelCombinations(maxSeries).build();
        return new SeriesRegistry(limits, new SlotAllocator(SeriesRegistry.slotCapacity(limits)), Set.of(),
            HistogramSpec.DEFAULT_SECONDS);
    }

    @Test
    void hashDoesNotDependOnPairOrderButOnWhichValueBelongsToWhichName()
    {
        final int ab = SeriesHash.of("m", SeriesHash.pair("a", "1") + SeriesHash.pair("b", "2"));
        final int ba = SeriesHash.of("m", SeriesHash.pair("b", "2") + SeriesHash.pair("a", "1"));
        assertEquals(ab, ba);
        assertEquals(ab, SeriesHash.of("m", new String[] { "a", "b" }, new String[] { "1", "2" }));
        assertEquals(ab, SeriesHash.ofPairs("m", new String[] { "b", "2", "a", "1" }));
        assertNotEquals(ab, SeriesHash.of("m", SeriesHash.pair("a", "2") + SeriesHash.pair("b", "1")));
        assertNotEquals(ab, SeriesHash.of("n", SeriesHash.pair("a", "1") + SeriesHash.pair("b", "2")));
    }

    @Test
    void everyArityFindsItsSeriesWithPairsInAnyOrder()
    {
        final SeriesDescriptor none = add(family("m0"));
        final SeriesDescriptor one = add(family("m1", "a"), "1");
        final SeriesDescriptor two = add(family("m2", "b", "a"), "1", "2"); // canonical: a=1, b=2
        final SeriesDescriptor three = add(family("m3", "c", "a", "b"), "1", "2", "3"); // a=1, b=2, c=3

        assertSame(none, index.find(SeriesHash.of("m0", 0), "m0"));
        assertSame(none, find("m0"));
        assertSame(one, find("m1", "a", "1"));
        assertSame(two, find("m2", "a", "1", "b", "2"));
        assertSame(two, find("m2", "b", "2", "a", "1"));
        final String[][] orders = {
            { "a", "1", "b", "2", "c", "3" }, { "a", "1", "c", "3", "b", "2" }, { "b", "2", "a", "1", "c", "3" },
            { "b", "2", "c", "3", "a", "1" }, { "c", "3", "a", "1", "b", "2" }, { "c", "3", "b", "2", "a", "1" } };
        for (final String[] pairs : orders)
        {
            assertSame(three, find("m3", pairs), java.util.Arrays.toString(pairs));
        }
    }

    @Test
    void equalStringsThatAreNotTheSameObjectsMatch()
    {
        final SeriesDescriptor series = add(family("m2", "method", "path"), "GET", "/api");
        assertSame(series, find(new String("m2"), new String("path"), new String("/api"), new String("method"),
            new String("GET")));
    }

    @Test
    void forcedEqualHashesNeverConfuseSeries()
    {
        final MetricFamily m = family("m", "a", "b");
        final SeriesDescriptor a1b2 = add(FORCED_HASH, m, "1", "2");
        final SeriesDescriptor a2b1 = add(FORCED_HASH, m, "2", "1");
        final SeriesDescriptor a1b1 = add(FORCED_HASH, m, "1", "1");
        final SeriesDescriptor other = add(FORCED_HASH, family("other", "a", "b"), "1", "2");
        final SeriesDescriptor single = add(FORCED_HASH, family("single", "a"), "1");
        final SeriesDescriptor bare = add(FORCED_HASH, family("bare"));
        final MetricFamily t = family("t", "a", "b", "c");
        final SeriesDescriptor t123 = add(FORCED_HASH, t, "1", "2", "3");
        final SeriesDescriptor t321 = add(FORCED_HASH, t, "3", "2", "1");

        assertSame(a1b2, forced("m", "a", "1", "b", "2"));
        assertSame(a1b2, forced("m", "b", "2", "a", "1"));
        assertSame(a2b1, forced("m", "a", "2", "b", "1"));
        assertSame(a2b1, forced("m", "b", "1", "a", "2"));
        assertSame(a1b1, forced("m", "b", "1", "a", "1"));
        assertSame(other, forced("other", "a", "1", "b", "2"));
        assertSame(single, forced("single", "a", "1"));
        assertSame(bare, forced("bare"));
        assertSame(t123, forced("t", "c", "3", "b", "2", "a", "1"));
        assertSame(t321, forced("t", "b", "2", "c", "1", "a", "3"));

        // label names that differ from the family's, values that would match
        assertNull(forced("m", "a", "1", "c", "2"));
        assertNull(forced("m", "x", "1", "b", "2"));
        assertNull(forced("t", "a", "1", "b", "2", "d", "3"));
        // a label name given twice: a=1 twice would match a1b1's values if pairs were only looked up by name
        assertNull(forced("m", "a", "1", "a", "1"));
        assertNull(forced("m", "b", "1", "b", "1"));
        assertNull(forced("t", "a", "1", "a", "1", "c", "3"));
        assertNull(forced("t", "a", "1", "b", "2", "b", "2"));
        assertNull(forced("t", "c", "3", "c", "3", "c", "3"));
        // other values, arity or name
        assertNull(forced("m", "a", "2", "b", "2"));
        assertNull(forced("m", "a", "1"));
        assertNull(forced("m"));
        assertNull(forced("single", "a", "2"));
        assertNull(forced("single", "b", "1"));
        assertNull(forced("bare", "a", "1"));
        assertNull(forced("nope", "a", "1", "b", "2"));
        assertNull(forced("t", "a", "1", "b", "2"));
    }

    @Test
    void stringsWithCollidingHashCodesAreDistinctSeries()
    {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertEquals(SeriesHash.of("c", SeriesHash.pair("k", "Aa")), SeriesHash.of("c", SeriesHash.pair("k", "BB")));
        final SeriesRegistry registry = registry(100);
        final SeriesDescriptor valueAa = registry.register(MetricType.COUNTER, "c", null, null, pairs("k", "Aa"));
        final SeriesDescriptor valueBB = registry.register(MetricType.COUNTER, "c", null, null, pairs("k", "BB"));
        final SeriesDescriptor nameAa = registry.register(MetricType.COUNTER, "d", null, null, pairs("Aa", "x"));
        final SeriesDescriptor metricAa = registry.register(MetricType.COUNTER, "Aa", null, null, pairs("k", "x"));
        final SeriesDescriptor metricBB = registry.register(MetricType.COUNTER, "BB", null, null, pairs("k", "x"));
        final SeriesDescriptor pairsAaBB =
            registry.register(MetricType.COUNTER, "e", null, null, pairs("Aa", "BB", "BB", "Aa"));
        final SeriesDescriptor pairsAaAa =
            registry.register(MetricType.COUNTER, "e", null, null, pairs("Aa", "Aa", "BB", "BB"));
        assertEquals(7, registry.budget().seriesCount(), "seven distinct series");

        assertSame(valueAa, registry.find(MetricType.COUNTER, "c", "k", "Aa"));
        assertSame(valueBB, registry.find(MetricType.COUNTER, "c", "k", "BB"));
        assertSame(nameAa, registry.find(MetricType.COUNTER, "d", "Aa", "x"));
        assertNull(registry.find(MetricType.COUNTER, "d", "BB", "x"));
        assertSame(metricAa, registry.find(MetricType.COUNTER, "Aa", "k", "x"));
        assertSame(metricBB, registry.find(MetricType.COUNTER, "BB", "k", "x"));
        assertSame(pairsAaBB, registry.find(MetricType.COUNTER, "e", "BB", "Aa", "Aa", "BB"));
        assertSame(pairsAaAa, registry.find(MetricType.COUNTER, "e", "BB", "BB", "Aa", "Aa"));
        assertNull(registry.find(MetricType.COUNTER, "e", "Aa", "BB", "Aa", "BB"), "duplicate label name");
    }

    @Test
    void registryFindChecksTypeNullsAndShape()
    {
        final SeriesRegistry registry = registry(100);
        final SeriesDescriptor series = registry.register(MetricType.GAUGE, "g", null, null, pairs("a", "1", "b", "2"));
        assertSame(series, registry.find(MetricType.GAUGE, "g", "b", "2", "a", "1"));
        assertSame(series, registry.find(MetricType.GAUGE, "g", pairs("b", "2", "a", "1")));
        assertNull(registry.find(MetricType.COUNTER, "g", "a", "1", "b", "2"), "other type");
        assertNull(registry.find(MetricType.GAUGE, "g", "a", null, "b", "2"));
        assertNull(registry.find(MetricType.GAUGE, "g", null, "1", "b", "2"));
        assertNull(registry.find(MetricType.GAUGE, null, "a", "1", "b", "2"));
        assertNull(registry.find(MetricType.GAUGE, "g", pairs("a", "1", "b")));
        assertNull(registry.find(MetricType.GAUGE, "g", pairs("a", "1", "b", null)));
        assertSame(series, registry.family("g").find(pairs("b", "2", "a", "1")));
    }

    /** A copy of a string: equal, another object, no hash cached yet. */
    private static String copy(final String s)
    {
        return new String(s.toCharArray());
    }

    @Test
    void theSameStringsTheirCopiesHashedOrNotAndAnyOrderFindTheSameSeriesAtEveryArity()
    {
        final SeriesRegistry registry = registry(100);
        final SeriesDescriptor s0 = registry.register(MetricType.COUNTER, "c0", null, null, pairs());
        final SeriesDescriptor s1 = registry.register(MetricType.COUNTER, "c1", null, null, pairs("a", "1"));
        final SeriesDescriptor s2 = registry.register(MetricType.COUNTER, "c2", null, null, pairs("a", "1", "b", "2"));
        final SeriesDescriptor s3 =
            registry.register(MetricType.COUNTER, "c3", null, null, pairs("a", "1", "b", "2", "c", "3"));
        for (int hashed = 0; hashed < 2; hashed++)
        {
            final String[] c = { copy("c0"), copy("c1"), copy("c2"), copy("c3"), copy("a"), copy("1"), copy("b"),
                copy("2"), copy("c"), copy("3") };
            if (hashed == 1)
            {
                for (final String s : c)
                {
                    assertNotEquals(0, s.hashCode()); // now cached: the fast path's test passes, its match fails
                }
            }
            assertSame(s0, registry.find(MetricType.COUNTER, c[0]));
            assertSame(s1, registry.find(MetricType.COUNTER, c[1], c[4], c[5]));
            assertSame(s2, registry.find(MetricType.COUNTER, c[2], c[4], c[5], c[6], c[7]));
            assertSame(s2, registry.find(MetricType.COUNTER, c[2], c[6], c[7], c[4], c[5]));
            assertSame(s3, registry.find(MetricType.COUNTER, c[3], c[4], c[5], c[6], c[7], c[8], c[9]));
            assertSame(s3, registry.find(MetricType.COUNTER, c[3], c[8], c[9], c[4], c[5], c[6], c[7]));
            assertNull(registry.find(MetricType.GAUGE, c[2], c[4], c[5], c[6], c[7]), "other type");
        }
        assertSame(s0, registry.find(MetricType.COUNTER, "c0"));
        assertSame(s1, registry.find(MetricType.COUNTER, "c1", "a", "1"));
        assertSame(s2, registry.find(MetricType.COUNTER, "c2", "a", "1", "b", "2"));
        assertSame(s2, registry.find(MetricType.COUNTER, "c2", "b", "2", "a", "1"));
        assertSame(s3, registry.find(MetricType.COUNTER, "c3", "a", "1", "b", "2", "c", "3"));
        assertSame(s3, registry.find(MetricType.COUNTER, "c3", "c", "3", "b", "2", "a", "1"));
        for (final MetricType other : new MetricType[] { MetricType.GAUGE, MetricType.HISTOGRAM })
        {
            assertNull(registry.find(other, "c0"));
            assertNull(registry.find(other, "c1", "a", "1"));
            assertNull(registry.find(other, "c2", "a", "1", "b", "2"));
            assertNull(registry.find(other, "c3", "a", "1", "b", "2", "c", "3"));
        }
        assertNull(registry.find(MetricType.COUNTER, "c2", "a", "1"), "fewer pairs than the family has");
        assertNull(registry.find(MetricType.COUNTER, "c1", "a", "1", "b", "2"), "more pairs than the family has");
        assertNull(registry.find(MetricType.COUNTER, "c2", "a", "2", "b", "1"), "values swapped");
    }

    @Test
    void theFastPathsMatchOnlyTheirOwnStringsInCanonicalOrderAndNeverTheTombstone()
    {
        final SeriesRegistry registry = registry(100);
        final SeriesDescriptor s2 = registry.register(MetricType.COUNTER, "m", null, null, pairs("a", "1", "b", "2"));
        assertTrue(SeriesMatch.identical(s2, MetricType.COUNTER, "m", "a", "1", "b", "2"));
        assertFalse(SeriesMatch.identical(s2, MetricType.COUNTER, "m", "b", "2", "a", "1"), "not canonical order");
        assertFalse(SeriesMatch.identical(s2, MetricType.COUNTER, copy("m"), "a", "1", "b", "2"), "a copy");
        assertFalse(SeriesMatch.identical(s2, MetricType.COUNTER, "m", "a", copy("1"), "b", "2"), "a copy");
        assertFalse(SeriesMatch.identical(s2, MetricType.GAUGE, "m", "a", "1", "b", "2"), "other type");
        assertFalse(SeriesMatch.identical(s2, MetricType.COUNTER, "m", "a", "1"), "fewer labels");
        assertFalse(SeriesMatch.identical(s2, MetricType.COUNTER, "m"), "no labels");
        final SeriesDescriptor t = SeriesIndex.TOMBSTONE;
        for (final MetricType type : MetricType.values())
        {
            assertFalse(SeriesMatch.identical(t, type, "(removed)"), "the name a caller could give");
            assertFalse(SeriesMatch.identical(t, type, "m", "a", "1"));
            assertFalse(SeriesMatch.identical(t, type, "m", "a", "1", "b", "2"));
            assertFalse(SeriesMatch.identical(t, type, "m", "a", "1", "b", "2", "c", "3"));
        }
    }

    @Test
    void aRemovedSeriesIsNotFoundThroughTheTombstoneInItsHomeSlotAndItsSuccessorIs()
    {
        final SeriesRegistry registry = registry(100);
        final SeriesDescriptor first = registry.register(MetricType.COUNTER, "gone", null, null, pairs("a", "1"));
        final SeriesDescriptor bare = registry.register(MetricType.COUNTER, "bare", null, null, pairs());
        assertSame(first, registry.find(MetricType.COUNTER, "gone", "a", "1"));
        registry.remove("gone", MetricType.COUNTER);
        registry.remove("bare", MetricType.COUNTER);
        assertNull(registry.find(MetricType.COUNTER, "gone", "a", "1"));
        assertNull(registry.find(MetricType.COUNTER, "bare"));
        final SeriesDescriptor second = registry.register(MetricType.COUNTER, "gone", null, null, pairs("a", "1"));
        assertNotSame(first, second);
        assertSame(second, registry.find(MetricType.COUNTER, "gone", "a", "1"));
        assertNotSame(bare, registry.register(MetricType.COUNTER, "bare", null, null, pairs()));
    }

    @Test
    void descriptorsKeepTheirLabelsWhateverTheirCount()
    {
        final SeriesRegistry registry = registry(100);
        for (int count = 0; count <= 5; count++)
        {
            final String[] pairs = new String[2 * count];
            for (int i = 0; i < count; i++)
            {
                pairs[2 * i] = "l" + (count - i); // reverse of canonical order
                pairs[2 * i + 1] = "v" + (count - i);
            }
            final SeriesDescriptor series = registry.register(MetricType.COUNTER, "c" + count, null, null, pairs);
            assertEquals(count, series.labelCount());
            final StringBuilder expected = new StringBuilder("c" + count + "{");
            for (int i = 0; i < count; i++)
            {
                assertEquals("l" + (i + 1), series.labelName(i));
                assertEquals("v" + (i + 1), series.labelValue(i));
                expected.append(i > 0 ? "," : "").append("l").append(i + 1).append("=\"v").append(i + 1).append('"');
            }
            assertEquals(expected.append('}').toString(), series.toString());
            final int past = count;
            assertThrows(IndexOutOfBoundsException.class, () -> series.labelValue(past));
            assertThrows(IndexOutOfBoundsException.class, () -> series.labelName(past));
            assertTrue(!series.isOverflow());
            assertSame(series, registry.find(MetricType.COUNTER, "c" + count, pairs));
        }
    }

    @Test
    void theOverflowSeriesIsNotIndexedAndNamesItsOneLabel()
    {
        final SeriesRegistry registry = registry(1);
        final SeriesDescriptor kept = registry.register(MetricType.COUNTER, "o", null, null, pairs("a", "1", "b", "1"));
        final SeriesDescriptor overflow = registry.register(MetricType.COUNTER, "o", null, null, pairs("a", "2", "b", "2"));
        assertTrue(overflow.isOverflow());
        assertEquals(1, overflow.labelCount());
        assertEquals(SeriesRegistry.OVERFLOW_LABEL, overflow.labelName(0));
        assertEquals("true", overflow.labelValue(0));
        assertThrows(IndexOutOfBoundsException.class, () -> overflow.labelValue(1));
        assertEquals("o{overflow=\"true\"}", overflow.toString());
        assertSame(kept, registry.find(MetricType.COUNTER, "o", "b", "1", "a", "1"));
        assertNull(registry.find(MetricType.COUNTER, "o", "a", "2", "b", "2"));
        assertNull(registry.find(MetricType.COUNTER, "o", SeriesRegistry.OVERFLOW_LABEL, "true"));
        assertEquals(List.of(kept), registry.family("o").series());
    }

    @Test
    void manyLabelsGoThroughTheGenericMatchInAnyOrder()
    {
        final MetricsResourceConfig limits = MetricsResourceConfig.builder().maxLabelsPerMetric(100).build();
        final SeriesRegistry registry = new SeriesRegistry(limits,
            new SlotAllocator(SeriesRegistry.slotCapacity(limits)), Set.of(), HistogramSpec.DEFAULT_SECONDS);
        for (final int count : new int[] { 10, 63, 64, 65, 100 })
        {
            final List<String[]> pairList = new ArrayList<>();
            for (int i = 0; i < count; i++)
            {
                pairList.add(new String[] { "l" + i, "v" + i });
            }
            final String name = "many" + count;
            final SeriesDescriptor series = registry.register(MetricType.GAUGE, name, null, null, flatten(pairList));
            java.util.Collections.shuffle(pairList, new java.util.Random(count));
            assertSame(series, registry.find(MetricType.GAUGE, name, flatten(pairList)), count + " labels shuffled");
            final String[] other = flatten(pairList);
            other[other.length - 1] = "other";
            assertNull(registry.find(MetricType.GAUGE, name, other), count + " labels, one value differs");
            final String[] duplicate = flatten(pairList);
            duplicate[0] = duplicate[2];
            duplicate[1] = duplicate[3];
            assertNull(registry.find(MetricType.GAUGE, name, duplicate), count + " labels, one name twice");
            final String[] renamed = flatten(pairList);
            renamed[0] = "zz";
            assertNull(registry.find(MetricType.GAUGE, name, renamed), count + " labels, one name differs");
        }
    }

    private static String[] flatten(final List<String[]> pairList)
    {
        final String[] pairs = new String[2 * pairList.size()];
        for (int i = 0; i < pairList.size(); i++)
        {
            pairs[2 * i] = pairList.get(i)[0];
            pairs[2 * i + 1] = pairList.get(i)[1];
        }
        return pairs;
    }

    @Test
    void growthKeepsEveryEntryFindableAtOneAndAHalfToTwoSlotsPerSeries()
    {
        final MetricFamily family = family("grow", "i", "j");
        final int n = 50_000;
        final List<SeriesDescriptor> all = new ArrayList<>();
        int capacity = index.capacity();
        int growths = 0;
        for (int i = 0; i < n; i++)
        {
            all.add(add(family, Integer.toString(i), Integer.toString(i % 7)));
            if (index.capacity() != capacity)
            {
                capacity = index.capacity();
                growths++;
                assertTrue(capacity <= 2 * index.size(), "rebuilt to 2x live: " + capacity + " for " + index.size());
            }
        }
        assertTrue(growths > 10, "grew " + growths + " times");
        assertEquals(n, index.size());
        assertTrue(index.capacity() >= 1.5 * n && index.capacity() <= 2 * n, "capacity " + index.capacity());
        for (int i = 0; i < n; i++)
        {
            assertSame(all.get(i), find("grow", "j", Integer.toString(i % 7), "i", Integer.toString(i)));
        }
    }

    @Test
    void longProbeChainsWrapAroundTheTable()
    {
        final MetricFamily family = family("same", "k");
        final List<SeriesDescriptor> all = new ArrayList<>();
        for (int i = 0; i < 300; i++)
        {
            all.add(add(-1, family, Integer.toString(i))); // hash -1: the last slot, so chains wrap to slot 0
        }
        for (int i = 0; i < 300; i++)
        {
            assertSame(all.get(i), index.find(-1, "same", "k", Integer.toString(i)));
        }
        assertNull(index.find(-1, "same", "k", "300"));
    }

    @Test
    void removalLeavesTheOthersFindableAndTombstonesDoNotGrowTheTable()
    {
        final MetricFamily family = family("r", "k");
        final SeriesDescriptor[] live = new SeriesDescriptor[1000];
        for (int i = 0; i < live.length; i++)
        {
            live[i] = add(family, Integer.toString(i));
        }
        final int capacity = index.capacity();
        for (int round = 0; round < 50; round++)
        {
            for (int i = round & 1; i < live.length; i += 2)
            {
                assertTrue(index.remove(live[i]));
                assertTrue(!index.remove(live[i]), "removed once");
                assertNull(find("r", "k", Integer.toString(i)));
            }
            for (int i = (round & 1) ^ 1; i < live.length; i += 2)
            {
                assertSame(live[i], find("r", "k", Integer.toString(i)));
            }
            for (int i = round & 1; i < live.length; i += 2)
            {
                final SeriesDescriptor again = add(family, Integer.toString(i));
                assertNotSame(live[i], again);
                live[i] = again;
            }
        }
        for (int i = 0; i < live.length; i++)
        {
            assertSame(live[i], find("r", "k", Integer.toString(i)));
        }
        assertEquals(live.length, index.size());
        assertTrue(index.capacity() <= Math.max(capacity, 2 * live.length + 2), "capacity " + index.capacity());
    }

    @Test
    void removalThenRegistrationAgainThroughTheRegistry()
    {
        final SeriesRegistry registry = registry(100);
        final SeriesDescriptor first = registry.register(MetricType.COUNTER, "r_total", null, null, pairs("k", "v"));
        registry.register(MetricType.COUNTER, "r_total", null, null, pairs("k", "w"));
        registry.register(MetricType.COUNTER, "kept_total", null, null, pairs("k", "v"));
        assertEquals(2, registry.remove("r_total", MetricType.COUNTER).size());
        assertNull(registry.find(MetricType.COUNTER, "r_total", "k", "v"));
        assertNull(registry.find(MetricType.COUNTER, "r_total", "k", "w"));
        assertEquals(1, registry.budget().seriesCount());

        final SeriesDescriptor gauge = registry.register(MetricType.GAUGE, "r_total", null, null, pairs("k", "v"));
        assertNotSame(first, gauge);
        assertSame(gauge, registry.find(MetricType.GAUGE, "r_total", "k", "v"));
        assertNull(registry.find(MetricType.COUNTER, "r_total", "k", "v"));
        assertEquals(List.of(gauge), registry.family("r_total").series());

        assertTrue(registry.evict(gauge));
        assertNull(registry.find(MetricType.GAUGE, "r_total", "k", "v"));
        final SeriesDescriptor again = registry.register(MetricType.GAUGE, "r_total", null, null, pairs("k", "v"));
        assertNotSame(gauge, again);
        assertSame(again, registry.find(MetricType.GAUGE, "r_total", "k", "v"));
        assertEquals(2, registry.budget().seriesCount());

        final SeriesDescriptor w = registry.register(MetricType.GAUGE, "r_total", null, null, pairs("k", "w"));
        final SeriesDescriptor x = registry.register(MetricType.GAUGE, "r_total", null, null, pairs("k", "x"));
        assertTrue(registry.evict(w));
        assertEquals(Set.of(again, x), Set.copyOf(registry.remove("r_total", MetricType.GAUGE)),
            "removal finds exactly the series left after an eviction");
        assertNull(registry.find(MetricType.GAUGE, "r_total", "k", "x"));
        assertEquals(1, registry.family("kept_total").series().size());
        assertEquals(1, registry.budget().seriesCount());
    }

    @Test
    void lookupsDuringConcurrentRegistrationNeverReturnAWrongSeries() throws Exception
    {
        final int stableCount = 1000;
        final int growCount = 100_000;
        final SeriesRegistry registry = registry(stableCount + growCount);
        final SeriesDescriptor[] stable = new SeriesDescriptor[stableCount];
        for (int i = 0; i < stableCount; i++)
        {
            stable[i] = registry.register(MetricType.COUNTER, "stable", null, null,
                pairs("k", "v" + i, "j", Integer.toString(i % 3)));
        }
        final String[] values = new String[growCount];
        for (int i = 0; i < growCount; i++)
        {
            values[i] = Integer.toString(i);
        }
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicReference<String> failure = new AtomicReference<>();
        final AtomicLong found = new AtomicLong();
        final Thread registering = new Thread(() ->
        {
            try
            {
                for (int i = 0; i < growCount; i++)
                {
                    registry.register(MetricType.COUNTER, "grow", null, null, pairs("a", values[i], "b", "x"));
                }
            }
            finally
            {
                done.set(true);
            }
        });
        final Runnable lookups = () ->
        {
            final ThreadLocalRandom random = ThreadLocalRandom.current();
            final String[] stableValues = new String[stableCount];
            for (int i = 0; i < stableCount; i++)
            {
                stableValues[i] = "v" + i;
            }
            while (!done.get() && failure.get() == null)
            {
                final int s = random.nextInt(stableCount);
                final SeriesDescriptor hit = (s & 1) == 0 ?
                    registry.find(MetricType.COUNTER, "stable", "j", Integer.toString(s % 3), "k", stableValues[s]) :
                    registry.find(MetricType.COUNTER, "stable", "k", stableValues[s], "j", Integer.toString(s % 3));
                if (hit != stable[s])
                {
                    failure.compareAndSet(null, "stable series " + s + " resolved to " + hit);
                }
                final int g = random.nextInt(growCount);
                final SeriesDescriptor grown = registry.find(MetricType.COUNTER, "grow", "b", "x", "a", values[g]);
                if (grown != null)
                {
                    found.incrementAndGet();
                    if (!"grow".equals(grown.family().name()) || !values[g].equals(grown.labelValue(0)) ||
                        !"x".equals(grown.labelValue(1)))
                    {
                        failure.compareAndSet(null, "grow series " + g + " resolved to " + grown);
                    }
                }
            }
        };
        final Thread reader = new Thread(lookups);
        reader.start();
        registering.start();
        lookups.run();
        registering.join();
        reader.join();
        assertNull(failure.get());
        assertTrue(found.get() > 0, "some lookups raced with registration and found their series");
        for (int i = 0; i < growCount; i += 97)
        {
            assertEquals(values[i], registry.find(MetricType.COUNTER, "grow", "a", values[i], "b", "x").labelValue(0));
        }
    }

    @Test
    void lookupsDuringConcurrentRemovalAndReRegistrationNeverReturnAWrongSeries() throws Exception
    {
        final SeriesRegistry registry = registry(10_000);
        final SeriesDescriptor stable = registry.register(MetricType.COUNTER, "stable", null, null, pairs("k", "v"));
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread flipping = new Thread(() ->
        {
            try
            {
                for (int i = 0; i < 2000; i++)
                {
                    final MetricType type = (i & 1) == 0 ? MetricType.COUNTER : MetricType.GAUGE;
                    for (int v = 0; v < 4; v++)
                    {
                        registry.register(type, "flip", null, null, pairs("k", Integer.toString(v), "t", type.label()));
                    }
                    registry.remove("flip", type);
                }
            }
            finally
            {
                done.set(true);
            }
        });
        flipping.start();
        while (!done.get() && failure.get() == null)
        {
            if (registry.find(MetricType.COUNTER, "stable", "k", "v") != stable)
            {
                failure.set("stable series lost");
            }
            for (final MetricType type : new MetricType[] { MetricType.COUNTER, MetricType.GAUGE })
            {
                final SeriesDescriptor hit = registry.find(type, "flip", "t", type.label(), "k", "2");
                if (hit != null && (hit.family().type() != type || !"2".equals(hit.labelValue(0)) ||
                    !type.label().equals(hit.labelValue(1))))
                {
                    failure.set("flip resolved to " + hit + " as " + type);
                }
            }
        }
        flipping.join();
        assertNull(failure.get());
        assertNull(registry.family("flip"));
        assertEquals(1, registry.budget().seriesCount());
    }

    private SeriesDescriptor find(final String name, final String... pairs)
    {
        final int hash = SeriesHash.ofPairs(name, pairs);
        final SeriesDescriptor generic = index.find(hash, name, pairs);
        final SeriesDescriptor fixed = findFixed(hash, name, pairs);
        assertSame(generic, fixed, "fixed-arity and generic lookups agree");
        return fixed;
    }

    private SeriesDescriptor forced(final String name, final String... pairs)
    {
        final SeriesDescriptor generic = index.find(FORCED_HASH, name, pairs);
        final SeriesDescriptor fixed = findFixed(FORCED_HASH, name, pairs);
        assertSame(generic, fixed, "fixed-arity and generic lookups agree");
        return fixed;
    }

    private SeriesDescriptor findFixed(final int hash, final String name, final String[] p)
    {
        switch (p.length)
        {
            case 0:
                return index.find(hash, name);
            case 2:
                return index.find(hash, name, p[0], p[1]);
            case 4:
                return index.find(hash, name, p[0], p[1], p[2], p[3]);
            case 6:
                return index.find(hash, name, p[0], p[1], p[2], p[3], p[4], p[5]);
            default:
                throw new IllegalArgumentException("arity");
        }
    }

    private static String[] pairs(final String... pairs)
    {
        return pairs;
    }
}
