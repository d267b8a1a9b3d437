package io.ringmetrics.jmh.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.limits.MetricsResourceConfig;
import io.ringmetrics.snapshot.EngineStats;

/**
 * Caller threads from a thread pool, each publishing at a realistic rate (issue 17).
 * <p><b>Paced</b>: for T = 1, 2, 4, 16, 64 pool threads ({@link Executors#newFixedThreadPool(int)}), each publishes
 * {@code rate} counter increments per second (default 100 000: 100 every millisecond, parking in between) spread over
 * 1000 series, for a window of {@code seconds} after a 1 s warm-up. Reported: updates published, applied and dropped
 * in the window, the caller's publish cost (nanoseconds per increment, timed around each batch of 100), the writer
 * thread's CPU share of one core (ThreadMXBean, from the OS) and the ring memory the engine holds
 * ({@code stats().ringBytes()}), in all and per thread.
 * <p><b>Ring memory</b>: a pool of {@code P} threads (default 500) that each publish as fast as they can for 50 ms, so
 * that every ring fills and grows, with the default ring memory budget and with an unbounded one (2^40 bytes, as
 * before the budget existed): ring bytes held while the threads are alive, and the share of updates dropped.
 * <p>Run: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx1g -XX:MaxDirectMemorySize=2g -cp
 * jmh/target/benchmarks.jar io.ringmetrics.jmh.load.ThreadsScale [threads=1,2,4,16,64] [rate=100000] [seconds=5]
 * [pool=500] [json=threads-scale.json]}.
 */
public final class ThreadsScale {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int SERIES = 1000;

    private ThreadsScale() {
    }

    public static void main(String[] args) throws Exception {
        int[] threads = Arrays.stream((args.length > 0 ? args[0] : "1,2,4,16,64").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int pool = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        Path json = Path.of(args.length > 4 ? args[4] : "threads-scale.json");
        List<String> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "pool threads at %d updates/s each over %d series, %d s (JVM %s, %d cores)%n",
                rate, SERIES, seconds, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%7s %12s %12s %10s %8s %10s %8s %12s %12s%n", "threads", "published/s",
                "applied/s", "dropped", "drop %", "publish ns", "writer %", "ring KiB", "KiB/thread");
        for (int t : threads) {
            rows.add(paced(t, rate, seconds));
            Files.writeString(json, "[\n" + String.join(",\n", rows) + "\n]\n");
        }
        System.out.printf(Locale.ROOT, "%n%d pool threads, each filling its ring for 50 ms%n", pool);
        System.out.printf(Locale.ROOT, "%-22s %12s %14s %10s%n", "ring memory budget", "ring MiB", "KiB/thread",
                "drop %");
        for (long budget : new long[] {EngineConfig.DEFAULT_RING_MEMORY_BUDGET, EngineConfig.MAX_RING_MEMORY_BUDGET}) {
            rows.add(filling(pool, budget));
            Files.writeString(json, "[\n" + String.join(",\n", rows) + "\n]\n");
        }
        System.out.println("wrote " + json.toAbsolutePath());
    }

    private static MetricsEngine engine(long budget) {
        return MetricsEngine.start(EngineConfig.builder().ringMemoryBudget(budget)
                .limits(MetricsResourceConfig.builder().maxLabelCombinations(10_000).build()).build());
    }

    private static Counter[] counters(MetricsEngine engine) {
        Counter[] counters = new Counter[SERIES];
        for (int i = 0; i < SERIES; i++) {
            counters[i] = engine.counter("jobs_total", "queue", "q" + (i & 7), "task", "task-" + i);
        }
        return counters;
    }

    private static String paced(int threads, int rate, int seconds) throws Exception {
        try (MetricsEngine engine = engine(EngineConfig.DEFAULT_RING_MEMORY_BUDGET)) {
            Counter[] counters = counters(engine);
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            AtomicLong publishNanos = new AtomicLong();
            AtomicLong publishes = new AtomicLong();
            long warmUpEnd = System.nanoTime() + 1_000_000_000L;
            long end = warmUpEnd + seconds * 1_000_000_000L;
            int perTick = Math.max(1, rate / 1000);
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                final int seed = t * 7919;
                executor.execute(() -> {
                    long nanos = 0;
                    long count = 0;
                    int k = seed % SERIES;
                    long next = System.nanoTime();
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        long t0 = System.nanoTime();
                        for (int i = 0; i < perTick; i++) {
                            counters[k].increment();
                            k = k + 1 == SERIES ? 0 : k + 1;
                        }
                        if (t0 >= warmUpEnd) {
                            nanos += System.nanoTime() - t0;
                            count += perTick;
                        }
                        next += 1_000_000L;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    publishNanos.addAndGet(nanos);
                    publishes.addAndGet(count);
                    done.countDown();
                });
            }
            LockSupport.parkNanos(warmUpEnd - System.nanoTime());
            Thread writer = writerThread();
            long cpu0 = CPU.getThreadCpuTime(writer.getId());
            EngineStats s0 = engine.stats();
            long start = System.nanoTime();
            done.await();
            long wall = System.nanoTime() - start;
            double writerPct = 100.0 * (CPU.getThreadCpuTime(writer.getId()) - cpu0) / wall;
            long ringBytes = engine.stats().ringBytes(); // the pool's threads are alive: their rings are held
            engine.flush();
            EngineStats s1 = engine.stats();
            executor.shutdown();
            executor.awaitTermination(10, TimeUnit.SECONDS);
            long published = s1.published() - s0.published();
            long applied = s1.applied() - s0.applied();
            long dropped = s1.dropped() - s0.dropped();
            double ns = publishes.get() == 0 ? 0 : (double)publishNanos.get() / publishes.get();
            System.out.printf(Locale.ROOT, "%7d %12.0f %12.0f %10d %7.3f%% %10.1f %7.2f%% %12.1f %12.1f%n", threads,
                    published / (wall / 1e9), applied / (wall / 1e9), dropped, 100.0 * dropped / Math.max(1, published),
                    ns, writerPct, ringBytes / 1024.0, ringBytes / 1024.0 / threads);
            return String.format(Locale.ROOT, "{\"kind\":\"threads_paced\",\"threads\":%d,\"rate_per_thread\":%d,"
                    + "\"published_per_s\":%.0f,\"applied_per_s\":%.0f,\"dropped\":%d,\"publish_ns\":%.2f,"
                    + "\"writer_cpu_pct\":%.3f,\"ring_bytes\":%d}", threads, rate, published / (wall / 1e9),
                    applied / (wall / 1e9), dropped, ns, writerPct, ringBytes);
        }
    }

    private static String filling(int pool, long budget) throws Exception {
        try (MetricsEngine engine = engine(budget)) {
            Counter[] counters = counters(engine);
            ExecutorService executor = Executors.newFixedThreadPool(pool);
            CountDownLatch filled = new CountDownLatch(pool);
            CountDownLatch release = new CountDownLatch(1);
            for (int t = 0; t < pool; t++) {
                executor.execute(() -> {
                    long end = System.nanoTime() + 50_000_000L;
                    int k = 0;
                    while (System.nanoTime() < end) {
                        for (int i = 0; i < 1024; i++) {
                            counters[k].increment();
                            k = k + 1 == SERIES ? 0 : k + 1;
                        }
                    }
                    filled.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            filled.await();
            long ringBytes = engine.stats().ringBytes();
            release.countDown();
            executor.shutdown();
            executor.awaitTermination(30, TimeUnit.SECONDS);
            engine.flush();
            EngineStats stats = engine.stats();
            double dropPct = 100.0 * stats.dropped() / Math.max(1, stats.published());
            String label = budget == EngineConfig.MAX_RING_MEMORY_BUDGET ? "unbounded (before)" : (budget >> 20) + " MiB";
            System.out.printf(Locale.ROOT, "%-22s %12.1f %14.1f %9.2f%%%n", label, ringBytes / 1048576.0,
                    ringBytes / 1024.0 / pool, dropPct);
            return String.format(Locale.ROOT, "{\"kind\":\"threads_ring_memory\",\"threads\":%d,\"budget\":%d,"
                    + "\"ring_bytes\":%d,\"drop_pct\":%.4f}", pool, budget, ringBytes, dropPct);
        }
    }

    private static Thread writerThread() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("ringmetrics-writer")) {
                return thread;
            }
        }
        throw new IllegalStateException("no writer thread");
    }
}
