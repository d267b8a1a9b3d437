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
import org.openjdk.jcstress.infra.results.LLLL_Result;

import static io.ringmetrics.stress.Registrations.outcome;
import static io.ringmetrics.stress.Registrations.register;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two registrations racing for the last free unit of {@code max_label_combinations} or {@code max_metrics}.
 * <p>
 * Each state is a fresh {@link SeriesRegistry} (the component that enforces the limits, exactly as
 * {@code MetricsEngine.register} uses it) filled up to one free unit. The arbiter reads the budget's counts and
 * the families' series, so a limit passed, a series created for a refused caller, or two series for one label set
 * all show up as a FORBIDDEN outcome.
 */
public final class RegistrationLimitTests
{
    private RegistrationLimitTests()
    {
    }

    private static String seriesCount(final SeriesRegistry registry, final String... names)
    {
        int indexed = 0;
        for (final String name : names)
        {
            final MetricFamily family = registry.family(name);
            indexed += family == null ? 0 : family.series().size();
        }
        final int budgeted = registry.budget().seriesCount();
        return budgeted == indexed ? "series=" + budgeted : "series=" + budgeted + "/indexed=" + indexed;
    }

    /** Two new label sets of one metric, one free series left. */
    @JCStressTest
    @Description("max_label_combinations=2, m{k=0} registered; actors register m{k=1} and m{k=2}.")
    @Outcome(id = "SERIES, OVERFLOW, series=2", expect = ACCEPTABLE, desc = "actor 1 took the last series")
    @Outcome(id = "OVERFLOW, SERIES, series=2", expect = ACCEPTABLE, desc = "actor 2 took the last series")
    @Outcome(expect = FORBIDDEN, desc = "limit passed, both refused, a refused caller left a series, or an error")
    @State
    public static class LastSeriesDistinctLabels
    {
        final SeriesRegistry registry = StressEngines.registry(10, 2);
        Registrations.Attempt a1;
        Registrations.Attempt a2;

        /** Fills all but one series. */
        public LastSeriesDistinctLabels()
        {
            registry.register(MetricType.COUNTER, "m", null, null, new String[] { "k", "0" });
        }

        /** Registers {@code m{k=1}}. */
        @Actor
        public void actor1()
        {
            a1 = register(registry, MetricType.COUNTER, "m", "k", "1");
        }

        /** Registers {@code m{k=2}}. */
        @Actor
        public void actor2()
        {
            a2 = register(registry, MetricType.COUNTER, "m", "k", "2");
        }

        /** @param r outcomes and the resulting series count. */
        @Arbiter
        public void arbiter(final LLL_Result r)
        {
            r.r1 = outcome(a1);
            r.r2 = outcome(a2);
            r.r3 = seriesCount(registry, "m");
        }
    }

    /** The same new label set from both actors, one free series left. */
    @JCStressTest
    @Description("max_label_combinations=2, m{k=0} registered; both actors register m{k=1}.")
    @Outcome(id = "SERIES, SERIES, same, series=2", expect = ACCEPTABLE, desc = "one series, found by the loser")
    @Outcome(expect = FORBIDDEN, desc = "two series for one label set, a spurious overflow, or an error")
    @State
    public static class LastSeriesSameLabels
    {
        final SeriesRegistry registry = StressEngines.registry(10, 2);
        Registrations.Attempt a1;
        Registrations.Attempt a2;

        /** Fills all but one series. */
        public LastSeriesSameLabels()
        {
            registry.register(MetricType.COUNTER, "m", null, null, new String[] { "k", "0" });
        }

        /** Registers {@code m{k=1}}. */
        @Actor
        public void actor1()
        {
            a1 = register(registry, MetricType.COUNTER, "m", "k", "1");
        }

        /** Registers {@code m{k=1}}, label pairs in another array. */
        @Actor
        public void actor2()
        {
            a2 = register(registry, MetricType.COUNTER, "m", "k", "1");
        }

        /** @param r outcomes, whether both got the same series, and the series count. */
        @Arbiter
        public void arbiter(final LLLL_Result r)
        {
            r.r1 = outcome(a1);
            r.r2 = outcome(a2);
            r.r3 = a1.series != null && a1.series == a2.series ? "same" : "different";
            r.r4 = seriesCount(registry, "m");
        }
    }

    /** Two new metrics each with one label set, one free series left (the limit is global). */
    @JCStressTest
    @Description("max_label_combinations=2, a{k=0} registered; actors register b{k=1} and c{k=1}.")
    @Outcome(id = "SERIES, OVERFLOW, series=2", expect = ACCEPTABLE, desc = "b took the last series, c overflowed")
    @Outcome(id = "OVERFLOW, SERIES, series=2", expect = ACCEPTABLE, desc = "c took the last series, b overflowed")
    @Outcome(expect = FORBIDDEN, desc = "limit passed, both refused, or an error")
    @State
    public static class LastSeriesTwoMetrics
    {
        final SeriesRegistry registry = StressEngines.registry(10, 2);
        Registrations.Attempt a1;
        Registrations.Attempt a2;

        /** Fills all but one series. */
        public LastSeriesTwoMetrics()
        {
            registry.register(MetricType.GAUGE, "a", null, null, new String[] { "k", "0" });
        }

        /** Registers {@code b{k=1}}. */
        @Actor
        public void actor1()
        {
            a1 = register(registry, MetricType.GAUGE, "b", "k", "1");
        }

        /** Registers {@code c{k=1}}. */
        @Actor
        public void actor2()
        {
            a2 = register(registry, MetricType.COUNTER, "c", "k", "1");
        }

        /** @param r outcomes and the resulting series count. */
        @Arbiter
        public void arbiter(final LLL_Result r)
        {
            r.r1 = outcome(a1);
            r.r2 = outcome(a2);
            r.r3 = seriesCount(registry, "a", "b", "c");
        }
    }

    /** Two new metric names, one free metric left. */
    @JCStressTest
    @Description("max_metrics=2, m0 registered; actors register m1 and m2.")
    @Outcome(id = "SERIES, METRIC_LIMIT_EXCEEDED, metrics=2", expect = ACCEPTABLE, desc = "m1 took the last metric")
    @Outcome(id = "METRIC_LIMIT_EXCEEDED, SERIES, metrics=2", expect = ACCEPTABLE, desc = "m2 took the last metric")
    @Outcome(expect = FORBIDDEN, desc = "limit passed, both refused, a refused name registered, or an error")
    @State
    public static class LastMetricDistinctNames
    {
        final SeriesRegistry registry = StressEngines.registry(2, 100);
        Registrations.Attempt a1;
        Registrations.Attempt a2;

        /** Fills all but one metric. */
        public LastMetricDistinctNames()
        {
            registry.register(MetricType.COUNTER, "m0", null, null, null);
        }

        /** Registers {@code m1}. */
        @Actor
        public void actor1()
        {
            a1 = register(registry, MetricType.COUNTER, "m1");
        }

        /** Registers {@code m2}. */
        @Actor
        public void actor2()
        {
            a2 = register(registry, MetricType.HISTOGRAM, "m2");
        }

        /** @param r outcomes and the resulting metric count. */
        @Arbiter
        public void arbiter(final LLL_Result r)
        {
            r.r1 = outcome(a1);
            r.r2 = outcome(a2);
            r.r3 = metricCount(registry);
        }
    }

    /** The same new metric name from both actors, one free metric left. */
    @JCStressTest
    @Description("max_metrics=2, m0 registered; both actors register m1{k=v}.")
    @Outcome(id = "SERIES, SERIES, same, metrics=2", expect = ACCEPTABLE, desc = "one metric and series, shared")
    @Outcome(expect = FORBIDDEN, desc = "two families or series for one name, a spurious refusal, or an error")
    @State
    public static class LastMetricSameName
    {
        final SeriesRegistry registry = StressEngines.registry(2, 100);
        Registrations.Attempt a1;
        Registrations.Attempt a2;

        /** Fills all but one metric. */
        public LastMetricSameName()
        {
            registry.register(MetricType.COUNTER, "m0", null, null, null);
        }

        /** Registers {@code m1{k=v}}. */
        @Actor
        public void actor1()
        {
            a1 = register(registry, MetricType.COUNTER, "m1", "k", "v");
        }

        /** Registers {@code m1{k=v}}. */
        @Actor
        public void actor2()
        {
            a2 = register(registry, MetricType.COUNTER, "m1", "k", "v");
        }

        /** @param r outcomes, whether both got the same series, and the metric count. */
        @Arbiter
        public void arbiter(final LLLL_Result r)
        {
            r.r1 = outcome(a1);
            r.r2 = outcome(a2);
            r.r3 = a1.series != null && a1.series == a2.series ? "same" : "different";
            r.r4 = metricCount(registry);
        }
    }

    private static String metricCount(final SeriesRegistry registry)
    {
        final int budgeted = registry.budget().metricCount();
        final int families = registry.families().size();
        return budgeted == families ? "metrics=" + budgeted : "metrics=" + budgeted + "/families=" + families;
    }
}
