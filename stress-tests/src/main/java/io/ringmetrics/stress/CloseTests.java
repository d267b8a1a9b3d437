package io.ringmetrics.stress;

import io.ringmetrics.Counter;
import io.ringmetrics.Gauge;
import io.ringmetrics.Histogram;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.error.MetricsException;
import io.ringmetrics.snapshot.EngineStats;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.LL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@code close()} racing with publishers and readers.
 * <p>
 * Each iteration needs its own engine. JCStress keeps thousands of states alive, so the engine is not started in
 * the state's constructor: the first actor starts a small one ({@link StressEngines#small()}), registers its
 * handles and hands the engine over through a volatile field; the closing actor waits for it (a short spin, the
 * only coupling between the actors) and closes it in the same iteration. No writer thread outlives its iteration.
 */
public final class CloseTests
{
    private CloseTests()
    {
    }

    /** Spins until the first actor has started this iteration's engine. */
    private static MetricsEngine await(final Handover state)
    {
        MetricsEngine engine;
        while ((engine = state.engine) == null)
        {
            Thread.onSpinWait();
        }
        return engine;
    }

    /** Base of the states: the engine handed from the starting actor to the closing one. */
    public abstract static class Handover
    {
        volatile MetricsEngine engine;
    }

    /** Three updates (one per kind) racing with close. */
    @JCStressTest
    @Description("Actor 1 starts an engine, registers a counter, gauge and histogram, then updates each once and " +
        "raises a volatile flag; actor 2 reads the flag and closes the engine. After close, engine.stats() must " +
        "account for every update: published = applied + dropped, and if the flag was up before close, all three" +
        " are applied. Result: applied, dropped, published, flag seen by the closer.")
    @Outcome(id = { "3, 0, 3, 1" }, expect = ACCEPTABLE, desc = "all published before close: all applied")
    @Outcome(id = { "3, 0, 3, 0" }, expect = ACCEPTABLE, desc = "applied before the writer stopped")
    @Outcome(id = { "2, 1, 3, 0", "1, 2, 3, 0" }, expect = ACCEPTABLE_INTERESTING,
        desc = "close in the middle: the rest counted as dropped")
    @Outcome(id = { "0, 3, 3, 0" }, expect = ACCEPTABLE, desc = "closed before any update: all dropped")
    @Outcome(expect = FORBIDDEN, desc = "an update neither applied nor dropped, or one published before close lost")
    @State
    public static class PublishVsClose extends Handover
    {
        Counter counter;
        Gauge gauge;
        Histogram histogram;
        volatile boolean allPublished;
        boolean flagSeen;

        /** Starts the engine, then publishes one update of each kind. */
        @Actor
        public void publisher()
        {
            final MetricsEngine engine = StressEngines.small();
            try
            {
                counter = engine.counter("requests_total");
                gauge = engine.gauge("in_flight");
                histogram = engine.histogram("latency_seconds");
            }
            finally
            {
                this.engine = engine;
            }
            counter.increment();
            gauge.set(3.0);
            histogram.observe(0.2);
            allPublished = true;
        }

        /** Closes the engine. */
        @Actor
        public void closer()
        {
            final MetricsEngine engine = await(this);
            flagSeen = allPublished;
            engine.close();
        }

        /** @param r applied, dropped, published, flag. */
        @Arbiter
        public void arbiter(final IIII_Result r)
        {
            final EngineStats stats = engine.stats();
            r.r1 = (int)stats.applied();
            r.r2 = (int)stats.dropped();
            r.r3 = (int)stats.published();
            r.r4 = flagSeen ? 1 : 0;
        }
    }

    /** Reading stats, a snapshot and registering while another thread closes. */
    @JCStressTest
    @Description("Actor 1 starts an engine, hands it over and calls stats(); actor 2 closes it. stats() is " +
        "documented as usable while running and after close.")
    @Outcome(id = "stats ok, closed", expect = ACCEPTABLE, desc = "stats() answered")
    @Outcome(id = "ENGINE_CLOSED, closed", expect = FORBIDDEN,
        desc = "stats() refused while close() was in progress (the bug fixed in 66cb54b)")
    @Outcome(expect = FORBIDDEN, desc = "another exception, or close did not finish")
    @State
    public static class StatsVsClose extends Handover
    {
        String seen = "not run";
        String closed = "not run";

        /** Starts the engine, then reads stats. */
        @Actor
        public void reader()
        {
            final MetricsEngine engine = StressEngines.small();
            this.engine = engine;
            try
            {
                engine.stats();
                seen = "stats ok";
            }
            catch (final MetricsException ex)
            {
                seen = ex.errorType().name();
            }
            catch (final RuntimeException ex)
            {
                seen = "ERROR:" + ex;
            }
        }

        /** Closes the engine. */
        @Actor
        public void closer()
        {
            final MetricsEngine engine = await(this);
            engine.close();
            closed = engine.isClosed() ? "closed" : "open";
        }

        /** @param r what the reader saw, and the engine state. */
        @Arbiter
        public void arbiter(final LL_Result r)
        {
            r.r1 = seen;
            r.r2 = closed;
        }
    }

    /** Snapshot and registration while another thread closes. */
    @JCStressTest
    @Description("Actor 1 starts an engine, hands it over, registers a counter, increments it and takes a " +
        "snapshot; actor 2 closes it. Each call either works or throws ResourceLimitException(engine_closed).")
    @Outcome(id = "snapshot 1", expect = ACCEPTABLE, desc = "snapshot before close, with the update")
    @Outcome(id = "ENGINE_CLOSED", expect = ACCEPTABLE_INTERESTING, desc = "registration or snapshot after close")
    @Outcome(expect = FORBIDDEN, desc = "another exception, a hang, or a snapshot without the update")
    @State
    public static class SnapshotVsClose extends Handover
    {
        String seen = "not run";

        /** Starts the engine, then registers, updates and snapshots. */
        @Actor
        public void reader()
        {
            final MetricsEngine engine = StressEngines.small();
            this.engine = engine;
            try
            {
                engine.counter("jobs_total").increment();
                seen = "snapshot " + engine.snapshot().counter("jobs_total");
            }
            catch (final MetricsException ex)
            {
                seen = ex.errorType().name();
            }
            catch (final RuntimeException ex)
            {
                seen = "ERROR:" + ex;
            }
        }

        /** Closes the engine. */
        @Actor
        public void closer()
        {
            await(this).close();
        }

        /** @param r what the reader saw. */
        @Arbiter
        public void arbiter(final org.openjdk.jcstress.infra.results.L_Result r)
        {
            r.r1 = seen;
        }
    }
}
