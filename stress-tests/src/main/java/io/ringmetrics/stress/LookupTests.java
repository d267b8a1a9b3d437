package io.ringmetrics.stress;

import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesDescriptor;
import io.ringmetrics.registry.SeriesRegistry;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;
import org.openjdk.jcstress.infra.results.L_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The lock-free name + labels lookup ({@code SeriesRegistry.find}, what every name-based update does first) racing
 * with a registration that grows the index, and with a removal. A lookup may miss a series being registered (the
 * caller then takes the locked registration path), but whatever it returns must be the series it asked for, seen
 * whole (family and label values), and a series nobody touches must never be missed. The lookup reads a string's
 * cached hash with a plain load ({@code SeriesHash.cached}) and must find the series while another thread is the
 * first to hash that very string.
 */
public final class LookupTests
{
    /** Series registered before the race: the next one makes the 16-slot index pass 2/3 and be rebuilt. */
    private static final int PREFILLED = 10;

    private LookupTests()
    {
    }

    private static SeriesRegistry prefilled()
    {
        final SeriesRegistry registry = StressEngines.registry(10, 100);
        for (int i = 0; i < PREFILLED; i++)
        {
            registry.register(MetricType.COUNTER, "m", null, null, new String[] { "k", Integer.toString(i), "j", "x" });
        }
        return registry;
    }

    /**
     * @return {@code none}, {@code found} if it is {@code m{j="x", k=value}} seen whole, else what it is.
     */
    private static String check(final SeriesDescriptor series, final String value)
    {
        if (series == null)
        {
            return "none";
        }
        if (series.family() == null || !"m".equals(series.family().name()) || series.labelCount() != 2 ||
            !"j".equals(series.labelName(0)) || !"x".equals(series.labelValue(0)) ||
            !"k".equals(series.labelName(1)) || !value.equals(series.labelValue(1)))
        {
            return "wrong";
        }
        return "found";
    }

    /** A lookup of the series being registered, and of one registered before, while the index grows. */
    @JCStressTest
    @Description("m{k=0..9, j=x} registered; actor 1 registers m{k=new, j=x} (the index is rebuilt); actor 2 " +
        "looks up m{k=new} and m{k=3}.")
    @Outcome(id = "found, found", expect = ACCEPTABLE, desc = "the new series was published before the lookup")
    @Outcome(id = "none, found", expect = ACCEPTABLE_INTERESTING,
        desc = "the lookup ran first: the caller would register (and find it under the lock)")
    @Outcome(expect = FORBIDDEN, desc = "a wrong or partly seen series, or the old series missed")
    @State
    public static class FindWhileGrowing
    {
        final SeriesRegistry registry = prefilled();

        /** Registers {@code m{k=new, j=x}}. */
        @Actor
        public void actor1()
        {
            registry.register(MetricType.COUNTER, "m", null, null, new String[] { "j", "x", "k", "new" });
        }

        /** @param r the lookup of the new and of an old series. */
        @Actor
        public void actor2(final LL_Result r)
        {
            r.r1 = check(registry.find(MetricType.COUNTER, "m", "k", "new", "j", "x"), "new");
            r.r2 = check(registry.find(MetricType.COUNTER, "m", "j", "x", "k", "3"), "3");
        }
    }

    /** A lookup while the metric is removed. */
    @JCStressTest
    @Description("m{k=0..9, j=x} registered; actor 1 removes m; actor 2 looks up m{k=3} and m{k=7}.")
    @Outcome(id = "found, found", expect = ACCEPTABLE, desc = "both lookups before the removal")
    @Outcome(id = "found, none", expect = ACCEPTABLE_INTERESTING, desc = "the removal ran between the lookups")
    @Outcome(id = "none, found", expect = ACCEPTABLE_INTERESTING,
        desc = "k=3's slot was cleared before k=7's in the one-pass removal, or the table order put k=7 first")
    @Outcome(id = "none, none", expect = ACCEPTABLE, desc = "both lookups after the removal")
    @Outcome(expect = FORBIDDEN, desc = "a wrong or partly seen series")
    @State
    public static class FindWhileRemoving
    {
        final SeriesRegistry registry = prefilled();

        /** Removes {@code m}. */
        @Actor
        public void actor1()
        {
            registry.remove("m", MetricType.COUNTER);
        }

        /** @param r two lookups. */
        @Actor
        public void actor2(final LL_Result r)
        {
            r.r1 = check(registry.find(MetricType.COUNTER, "m", "k", "3", "j", "x"), "3");
            r.r2 = check(registry.find(MetricType.COUNTER, "m", new String[] { "j", "x", "k", "7" }), "7");
        }
    }

    /**
     * A lookup whose label value is a string no thread has hashed yet, while another thread hashes it: the lookup
     * reads the string's cached hash field as the other thread may be writing it, and computes the hash itself when
     * it reads zero.
     */
    @JCStressTest
    @Description("m{k=0..9, j=x} registered; the label value \"7\" is a new string with no cached hash; actor 1 " +
        "calls its hashCode() (which stores the hash in the string); actor 2 looks up m{k=7} with it.")
    @Outcome(id = "found", expect = ACCEPTABLE, desc = "whichever thread hashed the string first")
    @Outcome(expect = FORBIDDEN, desc = "a wrong hash read: the series was missed, or a wrong one found")
    @State
    public static class FindWhileItsValueIsHashed
    {
        final SeriesRegistry registry = prefilled();
        final String value = new String(new char[] { '7' });

        /** Hashes the value string, storing its hash. */
        @Actor
        public void actor1()
        {
            if (value.hashCode() != "7".hashCode())
            {
                throw new AssertionError("String.hashCode");
            }
        }

        /** @param r the lookup with the value string. */
        @Actor
        public void actor2(final L_Result r)
        {
            r.r1 = check(registry.find(MetricType.COUNTER, "m", "j", "x", "k", value), "7");
        }
    }
}
