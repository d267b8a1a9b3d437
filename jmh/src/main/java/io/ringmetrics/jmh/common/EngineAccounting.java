package io.ringmetrics.jmh.common;

import io.ringmetrics.MetricsEngine;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Secondary results of every ringmetrics benchmark: how many updates the engine applied and dropped during each
 * iteration (JMH aux counters, type EVENTS: reported as {@code <benchmark>:applied} and {@code :dropped}, in the
 * human-readable output and in the JSON results). JMH sums EVENTS over the measurement iterations, so the scores are
 * the totals of the measurement; the dropped share is {@code dropped / (applied + dropped)}.
 *
 * <p>A benchmark registers its engine with {@link #watch(MetricsEngine)} in its trial set-up and takes this state as
 * a parameter of its {@code @Benchmark} method. The counts are engine-wide: the first thread reports them and the
 * others report 0, so JMH's sum over threads is the engine's count. A JMH fork runs one benchmark, so one engine is
 * watched per JVM.
 *
 * <p>Reading the counts takes an engine snapshot (see {@link EngineCounts}), outside the measured loop.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class EngineAccounting {

    private static volatile MetricsEngine watched;

    /** Updates the writer applied during the iteration. */
    public long applied;
    /** Updates dropped during the iteration: ring full (policy DROP) or any other reason. */
    public long dropped;

    private boolean reporter;
    private EngineCounts start;

    /** Makes {@code engine} the engine whose counts are reported. */
    public static void watch(MetricsEngine engine) {
        watched = engine;
    }

    @Setup(Level.Iteration)
    public void begin(ThreadParams thread) {
        MetricsEngine engine = watched;
        reporter = thread.getThreadIndex() == 0 && engine != null;
        if (reporter) {
            start = EngineCounts.of(engine);
        }
    }

    @TearDown(Level.Iteration)
    public void end() {
        if (reporter) {
            EngineCounts iteration = EngineCounts.of(watched).minus(start);
            applied = iteration.applied();
            dropped = iteration.dropped();
        }
    }
}
