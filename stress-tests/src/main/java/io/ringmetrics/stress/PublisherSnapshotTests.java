package io.ringmetrics.stress;

import io.ringmetrics.Counter;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;
import org.openjdk.jcstress.infra.results.LL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A publisher thread racing with a thread that takes snapshots: snapshots are consistent cuts.
 * <p>
 * Every state registers its own series in the shared engine ({@link StressEngines#shared()}) and the arbiter
 * removes it again, so outcomes are exact per iteration: the publisher's ring, the writer and the snapshot
 * request are the only moving parts.
 */
public final class PublisherSnapshotTests
{
    /** A gauge value whose two 32-bit halves differ from {@link #GAUGE_B}'s: a torn read is a third pattern. */
    static final long GAUGE_A = 0x3FF1_1111_1111_1111L;
    /** The other gauge value. */
    static final long GAUGE_B = 0x4002_2222_2222_2222L;

    private PublisherSnapshotTests()
    {
    }

    /** Counter increments against two successive snapshots. */
    @JCStressTest
    @Description("Actor 1 increments a counter twice; actor 2 takes two snapshots; the arbiter reads the total.")
    @Outcome(id = { "0, 0, 2", "1, 1, 2", "2, 2, 2" }, expect = ACCEPTABLE, desc = "both snapshots between updates")
    @Outcome(id = { "0, 1, 2", "1, 2, 2", "0, 2, 2" }, expect = ACCEPTABLE_INTERESTING,
        desc = "updates applied between the snapshots")
    @Outcome(expect = FORBIDDEN, desc = "counter went backwards, absent, or an update lost")
    @State
    public static class CounterNeverGoesBackwards
    {
        final String name = StressEngines.uniqueName("stress_counter_");
        final Counter counter = StressEngines.shared().counter(name);

        /** Two increments. */
        @Actor
        public void publisher()
        {
            counter.increment();
            counter.increment();
        }

        /** @param r first and second snapshot values. */
        @Actor
        public void reader(final JJJ_Result r)
        {
            r.r1 = StressEngines.shared().snapshot().counter(name);
            r.r2 = StressEngines.shared().snapshot().counter(name);
        }

        /** @param r the value once both actors are done. */
        @Arbiter
        public void arbiter(final JJJ_Result r)
        {
            r.r3 = StressEngines.shared().snapshot().counter(name);
            StressEngines.removeQuietly(name, MetricType.COUNTER);
        }
    }

    /** Histogram observations against a snapshot. */
    @JCStressTest
    @Description("Actor 1 observes 0.5 then 2.0; actor 2 takes a snapshot; the arbiter reads the final state. " +
        "Each result is count/sum of buckets/sum.")
    @Outcome(id = "0/0/0.0, 2/2/2.5", expect = ACCEPTABLE, desc = "snapshot before both observations")
    @Outcome(id = "1/1/0.5, 2/2/2.5", expect = ACCEPTABLE_INTERESTING, desc = "snapshot between the observations")
    @Outcome(id = "2/2/2.5, 2/2/2.5", expect = ACCEPTABLE, desc = "snapshot after both observations")
    @Outcome(expect = FORBIDDEN, desc = "count, buckets and sum disagree (torn histogram), or an observation lost")
    @State
    public static class HistogramCountEqualsBuckets
    {
        final String name = StressEngines.uniqueName("stress_histogram_seconds_");
        final Histogram histogram = StressEngines.shared().histogram(name);

        /** Two observations in different buckets. */
        @Actor
        public void publisher()
        {
            histogram.observe(0.5);
            histogram.observe(2.0);
        }

        /** @param r count/buckets/sum seen by a snapshot. */
        @Actor
        public void reader(final LL_Result r)
        {
            r.r1 = describe(StressEngines.shared().snapshot().histogram(name));
        }

        /** @param r the final state. */
        @Arbiter
        public void arbiter(final LL_Result r)
        {
            r.r2 = describe(StressEngines.shared().snapshot().histogram(name));
            StressEngines.removeQuietly(name, MetricType.HISTOGRAM);
        }

        private static String describe(final HistogramSample sample)
        {
            if (sample == null)
            {
                return "absent";
            }
            long buckets = 0;
            for (int i = 0; i < sample.bucketCount(); i++)
            {
                buckets += sample.bucketCountAt(i);
            }
            return sample.count() + "/" + buckets + "/" + sample.sum();
        }
    }

    /** Two gauge sets from two threads, one of them reading its own set back. */
    @JCStressTest
    @Description("Actor 1 sets A; actor 2 sets B then takes a snapshot; the arbiter reads the final value. A and " +
        "B differ in both 32-bit halves, so a torn value would be neither.")
    @Outcome(id = "B, B", expect = ACCEPTABLE, desc = "A applied before B")
    @Outcome(id = "B, A", expect = ACCEPTABLE_INTERESTING, desc = "snapshot saw B, A applied afterwards")
    @Outcome(id = "A, A", expect = ACCEPTABLE, desc = "B applied, then A, then the snapshot")
    @Outcome(id = "A, B", expect = FORBIDDEN, desc = "snapshot saw A after B, but the final value is B")
    @Outcome(expect = FORBIDDEN, desc = "torn value, initial value after our own set, or absent")
    @State
    public static class GaugeNeverTorn
    {
        final String name = StressEngines.uniqueName("stress_gauge_");
        final Gauge gauge = StressEngines.shared().gauge(name);

        /** Sets A. */
        @Actor
        public void setA()
        {
            gauge.set(Double.longBitsToDouble(GAUGE_A));
        }

        /** @param r the value a snapshot sees right after our own set of B. */
        @Actor
        public void setBAndRead(final LL_Result r)
        {
            gauge.set(Double.longBitsToDouble(GAUGE_B));
            r.r1 = describe(StressEngines.shared().snapshot());
        }

        /** @param r the final value. */
        @Arbiter
        public void arbiter(final LL_Result r)
        {
            r.r2 = describe(StressEngines.shared().snapshot());
            StressEngines.removeQuietly(name, MetricType.GAUGE);
        }

        private String describe(final MetricsSnapshot snapshot)
        {
            final int i = snapshot.indexOf(name);
            if (i < 0)
            {
                return "absent";
            }
            final long bits = Double.doubleToRawLongBits(snapshot.gaugeValue(i));
            if (bits == GAUGE_A)
            {
                return "A";
            }
            if (bits == GAUGE_B)
            {
                return "B";
            }
            return bits == 0 ? "initial" : "torn:" + Long.toHexString(bits);
        }
    }
}
