package io.ringmetrics.jmh.peers;

import static io.ringmetrics.jmh.common.Labels.METHOD_VALUE;
import static io.ringmetrics.jmh.common.Labels.PATH_VALUE;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.jmh.common.Observations;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDK floor: a bare {@link LongAdder} as counter, an {@link AtomicLong} as gauge, and a
 * {@link ConcurrentHashMap} keyed by the label values for the lookup variant (key built per
 * operation, as a minimal label-keyed registry would).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class LongAdderBenchmark {

    record LabelKey(String method, String path) {
    }

    private LongAdder adder;
    private AtomicLong gauge;
    private ConcurrentHashMap<LabelKey, LongAdder> series;
    private String method;
    private String path;

    @Setup
    public void setup() {
        adder = new LongAdder();
        gauge = new AtomicLong();
        series = new ConcurrentHashMap<>();
        // Fields, not constants, so the JIT cannot fold the key or its hash code.
        method = METHOD_VALUE;
        path = PATH_VALUE;
        series.put(new LabelKey(method, path), new LongAdder());
    }

    @Benchmark
    public void counterIncrement() {
        adder.increment();
    }

    @Benchmark
    public void gaugeSet(Observations obs) {
        gauge.set(obs.nextGauge());
    }

    @Benchmark
    public void counterIncrementByLabels() {
        series.computeIfAbsent(new LabelKey(method, path), k -> new LongAdder()).increment();
    }
}
