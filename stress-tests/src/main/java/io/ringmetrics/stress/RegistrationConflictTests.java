package io.ringmetrics.stress;

import io.ringmetrics.registry.MetricFamily;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesRegistry;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

import java.util.Arrays;

import static io.ringmetrics.stress.Registrations.outcome;
import static io.ringmetrics.stress.Registrations.register;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * One new metric name registered concurrently in two incompatible ways: exactly one registration wins, the other
 * gets a {@code ValidationException} naming the conflict, and the family left behind is the winner's.
 */
public final class RegistrationConflictTests
{
    private RegistrationConflictTests()
    {
    }

    private static String family(final SeriesRegistry registry, final String name)
    {
        final MetricFamily family = registry.family(name);
        if (family == null)
        {
            return "none";
        }
        return family.type().label() + Arrays.toString(family.labelNames()) + "/metrics=" +
            registry.budget().metricCount() + "/series=" + registry.budget().seriesCount();
    }

    /** A counter and a gauge of one name. */
    @JCStressTest
    @Description("Actor 1 registers counter m, actor 2 gauge m.")
    @Outcome(id = "SERIES, TYPE_CONFLICT, counter\\[\\]/metrics=1/series=1", expect = ACCEPTABLE,
        desc = "the counter won, the gauge was refused")
    @Outcome(id = "TYPE_CONFLICT, SERIES, gauge\\[\\]/metrics=1/series=1", expect = ACCEPTABLE,
        desc = "the gauge won, the counter was refused")
    @Outcome(expect = FORBIDDEN, desc = "both won, both refused, a mixed family, or an error")
    @State
    public static class TwoTypes
    {
        final SeriesRegistry registry = StressEngines.registry(10, 10);
        Registrations.Attempt a1;
        Registrations.Attempt a2;

        /** Registers counter {@code m}. */
        @Actor
        public void actor1()
        {
            a1 = register(registry, MetricType.COUNTER, "m");
        }

        /** Registers gauge {@code m}. */
        @Actor
        public void actor2()
        {
            a2 = register(registry, MetricType.GAUGE, "m");
        }

        /** @param r outcomes and the family registered. */
        @Arbiter
        public void arbiter(final LLL_Result r)
        {
            r.r1 = outcome(a1);
            r.r2 = outcome(a2);
            r.r3 = family(registry, "m");
        }
    }

    /** Two label-name sets of one name and type. */
    @JCStressTest
    @Description("Actor 1 registers histogram m{a=x}, actor 2 histogram m{b=x}.")
    @Outcome(id = "SERIES, LABEL_NAMES_CONFLICT, histogram\\[a\\]/metrics=1/series=1", expect = ACCEPTABLE,
        desc = "labels [a] won")
    @Outcome(id = "LABEL_NAMES_CONFLICT, SERIES, histogram\\[b\\]/metrics=1/series=1", expect = ACCEPTABLE,
        desc = "labels [b] won")
    @Outcome(expect = FORBIDDEN, desc = "both won, both refused, a mixed family, or an error")
    @State
    public static class TwoLabelSets
    {
        final SeriesRegistry registry = StressEngines.registry(10, 10);
        Registrations.Attempt a1;
        Registrations.Attempt a2;

        /** Registers {@code m{a=x}}. */
        @Actor
        public void actor1()
        {
            a1 = register(registry, MetricType.HISTOGRAM, "m", "a", "x");
        }

        /** Registers {@code m{b=x}}. */
        @Actor
        public void actor2()
        {
            a2 = register(registry, MetricType.HISTOGRAM, "m", "b", "x");
        }

        /** @param r outcomes and the family registered. */
        @Arbiter
        public void arbiter(final LLL_Result r)
        {
            r.r1 = outcome(a1);
            r.r2 = outcome(a2);
            r.r3 = family(registry, "m");
        }
    }

    /** Different type and different labels at once: the type check comes first. */
    @JCStressTest
    @Description("Actor 1 registers counter m{a=x}, actor 2 gauge m{a=x,b=y}.")
    @Outcome(id = "SERIES, TYPE_CONFLICT, counter\\[a\\]/metrics=1/series=1", expect = ACCEPTABLE,
        desc = "the counter won")
    @Outcome(id = "TYPE_CONFLICT, SERIES, gauge\\[a, b\\]/metrics=1/series=1", expect = ACCEPTABLE,
        desc = "the gauge won")
    @Outcome(expect = FORBIDDEN, desc = "both won, both refused, a mixed family, or an error")
    @State
    public static class TypeAndLabels
    {
        final SeriesRegistry registry = StressEngines.registry(10, 10);
        Registrations.Attempt a1;
        Registrations.Attempt a2;

        /** Registers counter {@code m{a=x}}. */
        @Actor
        public void actor1()
        {
            a1 = register(registry, MetricType.COUNTER, "m", "a", "x");
        }

        /** Registers gauge {@code m{a=x,b=y}}. */
        @Actor
        public void actor2()
        {
            a2 = register(registry, MetricType.GAUGE, "m", "b", "y", "a", "x");
        }

        /** @param r outcomes and the family registered. */
        @Arbiter
        public void arbiter(final LLL_Result r)
        {
            r.r1 = outcome(a1);
            r.r2 = outcome(a2);
            r.r3 = family(registry, "m");
        }
    }
}
