package io.ringmetrics.jmh.peers;

import java.util.concurrent.TimeUnit;

import io.ringmetrics.jmh.common.BenchmarkJvm;
import io.ringmetrics.jmh.common.Observations;
import org.HdrHistogram.Recorder;
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
 * HdrHistogram {@link Recorder} (multi-writer, wait-free recording through a WriterReaderPhaser):
 * the floor for a recording histogram that keeps full precision. Values are nanoseconds, range
 * 1 ns .. 1 h, 3 significant digits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {BenchmarkJvm.ADD_EXPORTS_JDK_INTERNAL_MISC, BenchmarkJvm.XMS, BenchmarkJvm.XMX})
@Threads(1)
public class HdrHistogramBenchmark {

    private Recorder recorder;

    @Setup
    public void setup() {
        recorder = new Recorder(1, TimeUnit.HOURS.toNanos(1), 3);
    }

    @Benchmark
    public void histogramObserve(Observations obs) {
        recorder.recordValue(obs.nextNanos());
    }
}
