package io.ringmetrics.stress;

import io.ringmetrics.registry.MetricType;
import io.ringmetrics.shm.SeriesReading;
import io.ringmetrics.shm.StoreFile;
import io.ringmetrics.shm.StoreReader;
import io.ringmetrics.store.HistogramSeries;
import io.ringmetrics.store.HistogramSpec;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The store file's protocol ({@link StoreFile} writes, {@link StoreReader} reads from another thread, as another
 * process does): the writer's record publication, value updates, histogram updates and reclamation with reuse,
 * against a reader. A reader never sees a torn value, a half-written record, or a value under another series' name.
 * <p>
 * Each state lays the store out in memory of its own ({@link StoreFile#inMemory}), one slot; the writer actor does
 * what {@code MetricsWriter} does, in its order (the reclaim-and-reuse test skips the reuse timeout on purpose: the
 * state and generation checks alone must hold).
 */
public final class StoreFileTests
{
    private StoreFileTests()
    {
    }

    private static String describe(final SeriesReading s)
    {
        if (s == null)
        {
            return "none";
        }
        return s.name() + ":" + String.join(",", s.labels()) + "=" + s.count();
    }

    /** A record published while a reader reads it. */
    @JCStressTest
    @Description("The writer publishes counter a{k=v} and stores its value 5; a reader reads the record.")
    @Outcome(id = "none", expect = ACCEPTABLE, desc = "not published yet")
    @Outcome(id = "a:k,v=0", expect = ACCEPTABLE, desc = "published, value not yet stored")
    @Outcome(id = "a:k,v=5", expect = ACCEPTABLE, desc = "published with its value")
    @Outcome(expect = FORBIDDEN, desc = "a half-written record or a torn value")
    @State
    public static class RecordPublication
    {
        final StoreFile file = StoreFile.inMemory(1, 1000);
        final StoreReader reader = StoreReader.wrap(file.byteBuffer(), "stress");

        /** Writer thread: describe the series, then the update. */
        @Actor
        public void writer()
        {
            file.publish(0, MetricType.COUNTER, "a", new String[] { "k", "v" }, null, null);
            file.values().putLongRelease(0, 5);
        }

        /** Another process. */
        @Actor
        public void reader(final L_Result r)
        {
            r.r1 = describe(reader.readSeries(0));
        }
    }

    /** Values stored while a reader reads them. */
    @JCStressTest
    @Description("A published counter; the writer stores 0x5555..., then -1 (every bit), then 0x2AAA...; a reader" +
        " reads the value twice.")
    @Outcome(id = {"0 0", "0 A", "0 B", "0 C", "A A", "A B", "A C", "B B", "B C", "C C"}, expect = ACCEPTABLE,
        desc = "whole values, in order")
    @Outcome(expect = FORBIDDEN, desc = "a torn value, or values out of order")
    @State
    public static class ValueUpdates
    {
        static final long A = 0x5555_5555_5555_5555L;
        static final long B = -1L;
        static final long C = 0x2AAA_AAAA_AAAA_AAAAL;
        final StoreFile file = StoreFile.inMemory(1, 1000);
        final StoreReader reader = StoreReader.wrap(file.byteBuffer(), "stress");

        {
            file.publish(0, MetricType.COUNTER, "c", new String[0], null, null);
        }

        /** Writer thread. */
        @Actor
        public void writer()
        {
            file.values().putLongRelease(0, A);
            file.values().putLongRelease(0, B);
            file.values().putLongRelease(0, C);
        }

        private String name(final long v)
        {
            return v == 0 ? "0" : v == A ? "A" : v == B ? "B" : v == C ? "C" : Long.toHexString(v);
        }

        /** Another process. */
        @Actor
        public void reader(final L_Result r)
        {
            r.r1 = name(reader.readSeries(0).count()) + " " + name(reader.readSeries(0).count());
        }
    }

    /** A histogram observed while a reader reads it. */
    @JCStressTest
    @Description("A published histogram; the writer records 0.003 then 7 (different buckets); a reader checks that " +
        "count, sum and buckets belong to one instant.")
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "before the first observation")
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "after the first")
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "after both")
    @Outcome(expect = FORBIDDEN, desc = "count, sum and buckets from different instants")
    @State
    public static class HistogramObservations
    {
        final StoreFile file = StoreFile.inMemory(1, 1000);
        final StoreReader reader = StoreReader.wrap(file.byteBuffer(), "stress");
        final HistogramSeries histogram = new HistogramSeries(HistogramSpec.DEFAULT_SECONDS);

        {
            histogram.mirrorTo(file.buffer(), file.histogramArea(0));
            file.publish(0, MetricType.HISTOGRAM, "h", new String[0], HistogramSpec.DEFAULT_SECONDS, histogram);
        }

        /** Writer thread. */
        @Actor
        public void writer()
        {
            histogram.record(0.003);
            histogram.record(7);
        }

        /** Another process. */
        @Actor
        public void reader(final L_Result r)
        {
            final SeriesReading s = reader.readSeries(0);
            final long[] b = s.bucketCounts();
            long inBuckets = 0;
            for (final long c : b)
            {
                inBuckets += c;
            }
            final boolean consistent = inBuckets == s.count() && (s.count() == 0 && s.value() == 0 ||
                s.count() == 1 && s.value() == 0.003 && b[0] == 1 ||
                s.count() == 2 && s.value() == 7.003 && b[0] == 1 && b[10] == 1);
            r.r1 = consistent ? Long.toString(s.count()) : "torn " + s.count() + " " + s.value() + " " +
                java.util.Arrays.toString(b);
        }
    }

    /** A series removed and its slot given to another series while a reader reads the slot. */
    @JCStressTest
    @Description("Counter old=7 is published; the writer reclaims its record, zeroes the value, publishes counter " +
        "new in the same slot (no reuse timeout) and stores 9; a reader reads the slot.")
    @Outcome(id = "old:=7", expect = ACCEPTABLE, desc = "the old series, before the removal")
    @Outcome(id = "none", expect = ACCEPTABLE, desc = "reclaimed, not yet reused")
    @Outcome(id = "new:=0", expect = ACCEPTABLE, desc = "reused, the new series not yet updated")
    @Outcome(id = "new:=9", expect = ACCEPTABLE_INTERESTING, desc = "reused and updated")
    @Outcome(expect = FORBIDDEN, desc = "a value shown under another series' name (old=0, old=9, new=7)")
    @State
    public static class ReclaimAndReuse
    {
        final StoreFile file = StoreFile.inMemory(1, 1000);
        final StoreReader reader = StoreReader.wrap(file.byteBuffer(), "stress");

        {
            file.publish(0, MetricType.COUNTER, "old", new String[0], null, null);
            file.values().putLongRelease(0, 7);
        }

        /** Writer thread: MetricsWriter.freeSlot, then a new series in the slot. */
        @Actor
        public void writer()
        {
            file.reclaim(0, 1L);
            file.values().putLongRelease(0, 0);
            file.publish(0, MetricType.COUNTER, "new", new String[0], null, null);
            file.values().putLongRelease(0, 9);
        }

        /** Another process. */
        @Actor
        public void reader(final L_Result r)
        {
            r.r1 = describe(reader.readSeries(0));
        }
    }
}
