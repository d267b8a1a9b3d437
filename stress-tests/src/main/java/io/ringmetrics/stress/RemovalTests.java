package io.ringmetrics.stress;

import io.ringmetrics.Counter;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.registry.MetricType;
import io.ringmetrics.registry.SeriesId;
import io.ringmetrics.snapshot.HistogramSample;
import io.ringmetrics.snapshot.MetricsSnapshot;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Removal racing with updates through a handle of the removed series and with re-registration of the same name.
 * <p>
 * A removed series' handle is stale: its updates must be dropped, never applied to the series registered again
 * under the same name, nor to any other series that reuses its slot. Every state of the shared engine checks the
 * exact value of its own new series, so an update that leaked into a reused slot of another state's series fails
 * that state too.
 */
public final class RemovalTests
{
    private RemovalTests()
    {
    }

    private static MetricsEngine engine()
    {
        return StressEngines.shared();
    }

    private static String slotReuse(final int oldId, final int newId)
    {
        if (oldId == newId)
        {
            return "SAME_ID";
        }
        return SeriesId.slot(oldId) == SeriesId.slot(newId) ? "slot reused" : "other slot";
    }

    /** Stale counter handle vs remove + re-register + one increment through the new handle. */
    @JCStressTest
    @Description("Actor 1 increments counter m twice through its handle; actor 2 removes m, registers m again and " +
        "increments it once. The new series must hold exactly 1.")
    @Outcome(id = "1, other slot", expect = ACCEPTABLE, desc = "stale increments dropped or applied to the old series")
    @Outcome(id = "1, slot reused", expect = ACCEPTABLE_INTERESTING,
        desc = "the new series reuses the old slot, with a new generation")
    @Outcome(expect = FORBIDDEN, desc = "a stale increment reached the new series, or its own increment was lost")
    @State
    public static class StaleCounterHandle
    {
        final String name = StressEngines.uniqueName("stress_removed_total_");
        final Counter old = engine().counter(name);
        Counter fresh;

        /** Updates through the handle that goes stale. */
        @Actor
        public void publisher()
        {
            old.increment();
            old.increment(5);
        }

        /** Removes and registers again. */
        @Actor
        public void remover()
        {
            engine().remove(name, MetricType.COUNTER);
            fresh = engine().counter(name);
            fresh.increment();
        }

        /** @param r the new series' value and whether it reuses the old slot. */
        @Arbiter
        public void arbiter(final LL_Result r)
        {
            r.r1 = engine().snapshot().counter(name);
            r.r2 = slotReuse(old.series().id(), fresh.series().id());
            StressEngines.removeQuietly(name, MetricType.COUNTER);
        }
    }

    /** Stale histogram handle vs remove + re-register. */
    @JCStressTest
    @Description("Actor 1 observes 0.5 and 2.0 through its handle; actor 2 removes histogram m, registers it " +
        "again and observes 0.01 once. Result: count/buckets/sum of the new series.")
    @Outcome(id = "1/1/0.01, other slot", expect = ACCEPTABLE, desc = "stale observations never reached it")
    @Outcome(id = "1/1/0.01, slot reused", expect = ACCEPTABLE_INTERESTING, desc = "reused slot, new generation")
    @Outcome(expect = FORBIDDEN, desc = "a stale observation reached the new series, or its own was lost")
    @State
    public static class StaleHistogramHandle
    {
        final String name = StressEngines.uniqueName("stress_removed_seconds_");
        final Histogram old = engine().histogram(name);
        Histogram fresh;

        /** Updates through the handle that goes stale. */
        @Actor
        public void publisher()
        {
            old.observe(0.5);
            old.observeNanos(2_000_000_000L);
        }

        /** Removes and registers again. */
        @Actor
        public void remover()
        {
            engine().remove(name, MetricType.HISTOGRAM);
            fresh = engine().histogram(name);
            fresh.observe(0.01);
        }

        /** @param r the new series' state and whether it reuses the old slot. */
        @Arbiter
        public void arbiter(final LL_Result r)
        {
            final HistogramSample sample = engine().snapshot().histogram(name);
            long buckets = 0;
            for (int i = 0; sample != null && i < sample.bucketCount(); i++)
            {
                buckets += sample.bucketCountAt(i);
            }
            r.r1 = sample == null ? "absent" : sample.count() + "/" + buckets + "/" + sample.sum();
            r.r2 = slotReuse(old.series().id(), fresh.series().id());
            StressEngines.removeQuietly(name, MetricType.HISTOGRAM);
        }
    }

    /** Stale counter handle vs remove + re-register of the name as a gauge. */
    @JCStressTest
    @Description("Actor 1 increments counter m through its handle; actor 2 removes it, registers gauge m and sets " +
        "it to 0.25. A stale counter add on the gauge's slot would corrupt the double's bits.")
    @Outcome(id = "0.25, other slot", expect = ACCEPTABLE, desc = "the gauge holds exactly what was set")
    @Outcome(id = "0.25, slot reused", expect = ACCEPTABLE_INTERESTING, desc = "reused slot, new generation")
    @Outcome(expect = FORBIDDEN, desc = "a stale counter update reached the gauge, or the set was lost")
    @State
    public static class StaleHandleOtherType
    {
        final String name = StressEngines.uniqueName("stress_retyped_");
        final Counter old = engine().counter(name);
        Gauge fresh;

        /** Updates through the handle that goes stale. */
        @Actor
        public void publisher()
        {
            old.increment();
            old.increment(3);
        }

        /** Removes the counter and registers a gauge of the same name. */
        @Actor
        public void remover()
        {
            engine().remove(name, MetricType.COUNTER);
            fresh = engine().gauge(name);
            fresh.set(0.25);
        }

        /** @param r the gauge's value and whether it reuses the old slot. */
        @Arbiter
        public void arbiter(final LL_Result r)
        {
            r.r1 = engine().snapshot().gauge(name);
            r.r2 = slotReuse(old.series().id(), fresh.series().id());
            StressEngines.removeQuietly(name, MetricType.GAUGE);
        }
    }

    /** Registration of a new label set racing with removal of its metric. */
    @JCStressTest
    @Description("m{k=0} is registered; actor 1 registers m{k=1} and increments it; actor 2 removes m. Result: " +
        "the value of m{k=1} afterwards, and actor 2's outcome.")
    @Outcome(id = "absent, removed", expect = ACCEPTABLE, desc = "m{k=1} joined the metric before it was removed")
    @Outcome(id = "1, removed", expect = ACCEPTABLE_INTERESTING,
        desc = "the metric was removed first; m{k=1} created it again")
    @Outcome(expect = FORBIDDEN, desc = "a live series lost its update, or an exception")
    @State
    public static class RegisterVsRemove
    {
        final String name = StressEngines.uniqueName("stress_churn_total_");
        final Counter first = engine().counter(name, "k", "0");
        String registered = "not run";
        String removed = "not run";

        /** Registers a new label set and updates it. */
        @Actor
        public void registrar()
        {
            try
            {
                engine().counter(name, "k", "1").increment();
                registered = "ok";
            }
            catch (final MetricsException ex)
            {
                registered = ex.errorType().name();
            }
        }

        /** Removes the metric. */
        @Actor
        public void remover()
        {
            try
            {
                removed = engine().remove(name, MetricType.COUNTER) > 0 ? "removed" : "nothing removed";
            }
            catch (final MetricsException ex)
            {
                removed = ex.errorType().name();
            }
        }

        /** @param r the value of m{k=1} and the removal outcome. */
        @Arbiter
        public void arbiter(final LL_Result r)
        {
            final MetricsSnapshot snapshot = engine().snapshot();
            final int i = snapshot.indexOf(name, "k", "1");
            r.r1 = "ok".equals(registered) ? (i < 0 ? "absent" : String.valueOf(snapshot.counterValue(i))) : registered;
            r.r2 = removed;
            StressEngines.removeQuietly(name, MetricType.COUNTER);
        }
    }
}
