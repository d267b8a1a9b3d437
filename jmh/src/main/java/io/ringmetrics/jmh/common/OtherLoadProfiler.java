package io.ringmetrics.jmh.common;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * JMH profiler that reports, per iteration, how many cores processes <em>other than the benchmark fork</em> kept
 * busy: {@code <benchmark>:·other.cores}. On a 2-core machine where ringmetrics' writer needs a core of its own,
 * any other load (a build, a test run) changes the results, so every result carries its own evidence of a quiet or
 * a busy machine.
 *
 * <p>Computed as (busy time of all CPUs from {@code /proc/stat} - CPU time of this JVM) / wall time. The JMH host
 * JVM, which mostly waits, is counted as "other". Linux only; elsewhere it reports nothing.
 *
 * <p>Use: {@code java -jar benchmarks.jar -prof io.ringmetrics.jmh.common.OtherLoadProfiler ...}.
 */
public class OtherLoadProfiler implements InternalProfiler {

    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** USER_HZ: the unit of /proc/stat, 100 on every mainstream Linux. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long startWallNanos;
    private long startBusyTicks;
    private long startProcessCpuNanos;

    @Override
    public String getDescription() {
        return "cores kept busy by other processes during each iteration (Linux /proc/stat)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        startBusyTicks = busyTicks();
        startProcessCpuNanos = os.getProcessCpuTime();
        startWallNanos = System.nanoTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        long wall = System.nanoTime() - startWallNanos;
        long busy = busyTicks();
        if (busy < 0 || startBusyTicks < 0 || wall <= 0) {
            return List.of();
        }
        double busySeconds = (busy - startBusyTicks) / TICKS_PER_SECOND;
        double ownSeconds = (os.getProcessCpuTime() - startProcessCpuNanos) / 1e9;
        double otherCores = Math.max(0.0, (busySeconds - ownSeconds) / (wall / 1e9));
        return List.of(new ScalarResult("·other.cores", otherCores, "cores", AggregationPolicy.AVG));
    }

    /** Busy ticks of all CPUs (everything but idle and iowait), or -1 if unavailable. */
    private static long busyTicks() {
        try {
            for (String line : Files.readAllLines(PROC_STAT)) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long busy = 0;
                    for (int i = 1; i < f.length && i <= 8; i++) {
                        if (i != 4 && i != 5) { // idle, iowait
                            busy += Long.parseLong(f[i]);
                        }
                    }
                    return busy;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
