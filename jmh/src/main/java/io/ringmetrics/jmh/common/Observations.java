package io.ringmetrics.jmh.common;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Realistic observed values, precomputed once and cycled through with a per-thread index, so that
 * no benchmark records a compile-time constant (which the JIT could fold) and the histogram
 * benchmarks spread their observations over many buckets, as real latencies do.
 *
 * <p>Latencies are log-normal with a median of 5 ms (sigma 1.0): most values fall between ~0.5 ms
 * and ~50 ms, with a tail to a few hundred ms, which exercises the Prometheus default buckets
 * (5 ms .. 10 s). Gauge values are queue depths between 0 and 1023.
 *
 * <p>Each thread starts at a different offset of the same tables, so that {@code -t 2} does not
 * make both threads record identical sequences.
 */
@State(Scope.Thread)
public class Observations {
    public static final int SIZE = 4096;
    private static final int MASK = SIZE - 1;

    private static final long[] LATENCY_NANOS = new long[SIZE];
    private static final double[] LATENCY_SECONDS = new double[SIZE];
    private static final long[] GAUGE_VALUES = new long[SIZE];
    private static final AtomicInteger THREADS = new AtomicInteger();

    static {
        SplittableRandom random = new SplittableRandom(0x5EEDL);
        double mu = Math.log(5_000_000.0); // median 5 ms, in ns
        for (int i = 0; i < SIZE; i++) {
            long nanos = Math.max(1_000L, Math.round(Math.exp(mu + gaussian(random))));
            LATENCY_NANOS[i] = nanos;
            LATENCY_SECONDS[i] = nanos / 1e9;
            GAUGE_VALUES[i] = random.nextLong(1024);
        }
    }

    private int index;

    @Setup
    public void setup() {
        index = (THREADS.getAndIncrement() * 977) & MASK;
    }

    /** Next latency in nanoseconds. */
    public long nextNanos() {
        int i = index;
        index = (i + 1) & MASK;
        return LATENCY_NANOS[i];
    }

    /** Next latency in seconds (the Prometheus / OpenTelemetry base unit). */
    public double nextSeconds() {
        int i = index;
        index = (i + 1) & MASK;
        return LATENCY_SECONDS[i];
    }

    /** Next gauge value (0..1023). */
    public long nextGauge() {
        int i = index;
        index = (i + 1) & MASK;
        return GAUGE_VALUES[i];
    }

    /** The i-th latency in nanoseconds, for harnesses that do not use JMH state. */
    public static long latencyNanos(int i) {
        return LATENCY_NANOS[i & MASK];
    }

    /** The i-th latency in seconds, for harnesses that do not use JMH state. */
    public static double latencySeconds(int i) {
        return LATENCY_SECONDS[i & MASK];
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian on JDK 17.
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
