package io.ringmetrics.jmh.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.ringmetrics.Counter;
import io.ringmetrics.EngineConfig;
import io.ringmetrics.MetricsEngine;
import io.ringmetrics.exporter.prometheus.PrometheusExporter;
import io.ringmetrics.exporter.statsd.StatsdConfig;
import io.ringmetrics.exporter.statsd.StatsdExporter;
import io.ringmetrics.snapshot.EngineStats;
import io.ringmetrics.writer.WriterIdleStrategy;

/**
 * CPU the engine's own threads use at light load, measured from the OS per thread (issue 17).
 *
 * <p>For each writer idle strategy and each rate (default 0, 1 000 and 100 000 updates/s): an engine with default
 * settings, a Prometheus exporter (HTTP threads on an ephemeral loopback port) and a StatsD exporter (flushing every
 * 10 s to a loopback UDP socket that receives and never reads), and one caller thread that publishes {@code rate / 1000} counter increments
 * every millisecond and parks in between. After a 2 s warm-up, the CPU time of every thread is read twice, a window
 * apart, with {@link ThreadMXBean#getThreadCpuTime(long)} (user + system time from the OS,
 * {@code /proc/self/task/<tid>/stat} on Linux) and reported as the share of one core over the window: the writer
 * ({@code ringmetrics-writer}), the exporters' threads ({@code ringmetrics-statsd}, {@code ringmetrics-prometheus-*})
 * and, apart, the caller.
 *
 * <p>Then, at rate 0: the latency of {@code engine.snapshot()} when the writer has been idle (parked) for 200 ms, 20
 * times; and the drops of a burst at 10 M updates/s (100 000 increments paced by spinning on {@code nanoTime}) that
 * starts after 500 ms of idleness, 10 times: what a long park could cost.
 *
 * <p>Run: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx256m -cp jmh/target/benchmarks.jar
 * io.ringmetrics.jmh.load.IdleCpu [windowSeconds=10] [strategies=BACKOFF,YIELD,BUSY_SPIN,AGRONA_BACKOFF_100US] [rates=0,1000,100000]
 * [json=idle-cpu.json] [maxIdleParkMicros=the default]} (jmh/run-scale.sh runs it).
 */
public final class IdleCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static java.time.Duration maxPark = java.time.Duration.ofNanos(EngineConfig.DEFAULTS.maxIdleParkNanos());

    private IdleCpu() {
    }

    public static void main(String[] args) throws Exception {
        int window = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<String> strategies = new ArrayList<>();
        for (String s : (args.length > 1 ? args[1] : "BACKOFF,YIELD,BUSY_SPIN").split(",")) {
            strategies.add(s.trim());
        }
        int[] rates = Arrays.stream((args.length > 2 ? args[2] : "0,1000,100000").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        Path json = Path.of(args.length > 3 ? args[3] : "idle-cpu.json");
        if (args.length > 4) {
            maxPark = java.time.Duration.ofNanos(Long.parseLong(args[4]) * 1000);
        }

        System.out.printf(Locale.ROOT, "writer and exporter CPU, %% of one core over %d s (JVM %s, %d cores)%n", window,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-10s %9s %9s %9s %9s %9s %9s%n", "strategy", "rate/s", "writer", "statsd",
                "http", "caller", "applied");
        List<String> rows = new ArrayList<>();
        for (String strategy : strategies) {
            for (int rate : rates) {
                Map<String, Double> cpu = measure(strategy, rate, window);
                System.out.printf(Locale.ROOT, "%-10s %9d %8.3f%% %8.3f%% %8.3f%% %8.3f%% %9.0f%n", strategy, rate,
                        cpu.get("writer"), cpu.get("statsd"), cpu.get("http"), cpu.get("caller"), cpu.get("applied"));
                rows.add(String.format(Locale.ROOT, "{\"kind\":\"cpu\",\"strategy\":\"%s\",\"rate\":%d,\"window_s\":%d,"
                        + "\"writer_pct\":%.4f,\"statsd_pct\":%.4f,\"http_pct\":%.4f,\"caller_pct\":%.4f,"
                        + "\"applied\":%.0f}", strategy, rate, window, cpu.get("writer"), cpu.get("statsd"),
                        cpu.get("http"), cpu.get("caller"), cpu.get("applied")));
            }
        }
        double floor = bareParkFloor(window);
        System.out.printf(Locale.ROOT, "floor: a thread that only parks %d us at a time uses %.3f%% of one core%n",
                maxPark.toNanos() / 1000, floor);
        rows.add(String.format(Locale.ROOT, "{\"kind\":\"park_floor\",\"park_us\":%d,\"pct\":%.4f}",
                maxPark.toNanos() / 1000, floor));
        for (String strategy : strategies) {
            rows.addAll(parkedLatencyAndBurst(strategy));
        }
        Files.writeString(json, "[\n" + String.join(",\n", rows) + "\n]\n");
        System.out.println("wrote " + json.toAbsolutePath());
    }

    /**
     * The engine for one strategy: a {@link WriterIdleStrategy} name, or {@code AGRONA_BACKOFF_100US}, the BACKOFF of
     * before issue 17 (Agrona's {@code BackoffIdleStrategy}, parks up to 100 µs, snapshots not waking the writer's
     * park), for a before/after comparison in one run.
     */
    private static EngineConfig config(String strategy) {
        if (strategy.equals("AGRONA_BACKOFF_100US")) {
            return EngineConfig.builder().customIdleStrategy(() -> new org.agrona.concurrent.BackoffIdleStrategy(
                    64, 16, 1_000, 100_000)).build();
        }
        return EngineConfig.builder().idleStrategy(WriterIdleStrategy.valueOf(strategy)).maxIdlePark(maxPark).build();
    }

    private static Map<String, Double> measure(String strategy, int rate, int window) throws Exception {
        try (MetricsEngine engine = MetricsEngine.start(config(strategy));
             java.net.DatagramSocket statsdDaemon = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            PrometheusExporter http = PrometheusExporter.builder().host("127.0.0.1").port(0).build();
            StatsdExporter statsd = new StatsdExporter(StatsdConfig.builder().host("127.0.0.1").port(statsdDaemon.getLocalPort())
                    .flushInterval(java.time.Duration.ofSeconds(10)).build());
            http.start(engine);
            statsd.start(engine);
            Counter counter = engine.counter("idle_cpu_requests_total", "method", "GET");
            Thread caller = new Thread(() -> pace(counter, rate), "idle-cpu-caller");
            caller.setDaemon(true);
            caller.start();
            try {
                Thread.sleep(2_000);
                Map<String, Long> before = cpuByRole();
                long start = System.nanoTime();
                long applied0 = engine.stats().applied();
                Thread.sleep(TimeUnit.SECONDS.toMillis(window));
                Map<String, Long> after = cpuByRole();
                double wall = System.nanoTime() - start;
                Map<String, Double> share = new LinkedHashMap<>();
                for (String role : List.of("writer", "statsd", "http", "caller")) {
                    share.put(role, 100.0 * (after.getOrDefault(role, 0L) - before.getOrDefault(role, 0L)) / wall);
                }
                share.put("applied", (double)(engine.stats().applied() - applied0));
                return share;
            } finally {
                caller.interrupt();
                caller.join();
                statsd.close();
                http.close();
            }
        }
    }

    /**
     * The OS's price of waking up: CPU share of a thread that does nothing but park for the longest BACKOFF park, the
     * floor under an idle writer's figure on this machine.
     */
    private static double bareParkFloor(int window) throws InterruptedException {
        long park = maxPark.toNanos();
        Thread parker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(park);
            }
        }, "idle-cpu-parker");
        parker.start();
        Thread.sleep(1_000);
        long before = THREADS.getThreadCpuTime(parker.getId());
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(window));
        double share = 100.0 * (THREADS.getThreadCpuTime(parker.getId()) - before) / (System.nanoTime() - start);
        parker.interrupt();
        parker.join();
        return share;
    }

    /** Publishes {@code rate / 1000} increments every millisecond, parking in between, until interrupted. */
    private static void pace(Counter counter, int rate) {
        if (rate == 0) {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(100_000_000L);
            }
            return;
        }
        long perTickMicros = rate >= 1000 ? 1000 : 1_000_000 / rate;
        int perTick = rate >= 1000 ? rate / 1000 : 1;
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            for (int i = 0; i < perTick; i++) {
                counter.increment();
            }
            next += perTickMicros * 1000;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** CPU nanoseconds per role, summed over the live threads of that role. */
    private static Map<String, Long> cpuByRole() {
        Map<String, Long> byRole = new LinkedHashMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String role = role(thread.getName());
            long cpu = THREADS.getThreadCpuTime(thread.getId());
            if (role != null && cpu > 0) {
                byRole.merge(role, cpu, Long::sum);
            }
        }
        return byRole;
    }

    private static String role(String name) {
        if (name.equals("ringmetrics-writer")) {
            return "writer";
        }
        if (name.equals("ringmetrics-statsd")) {
            return "statsd";
        }
        if (name.startsWith("ringmetrics-prometheus")) {
            return "http";
        }
        return name.equals("idle-cpu-caller") ? "caller" : null;
    }

    private static List<String> parkedLatencyAndBurst(String strategy) throws Exception {
        List<String> rows = new ArrayList<>();
        try (MetricsEngine engine = MetricsEngine.start(config(strategy))) {
            Counter counter = engine.counter("idle_cpu_burst_total");
            engine.snapshot();
            long[] micros = new long[20];
            for (int i = 0; i < micros.length; i++) {
                Thread.sleep(200);
                long t0 = System.nanoTime();
                engine.snapshot();
                micros[i] = (System.nanoTime() - t0) / 1000;
            }
            Arrays.sort(micros);
            System.out.printf(Locale.ROOT, "%-10s snapshot after 200 ms idle: median %d us, max %d us%n", strategy,
                    micros[micros.length / 2], micros[micros.length - 1]);
            rows.add(String.format(Locale.ROOT, "{\"kind\":\"parked_snapshot\",\"strategy\":\"%s\",\"median_us\":%d,"
                    + "\"max_us\":%d}", strategy, micros[micros.length / 2], micros[micros.length - 1]));

            // A caller thread that lives across the bursts, as a service's worker does: its ring grows once.
            long[] drops = new long[1];
            long[] sent = new long[1];
            Thread burster = new Thread(() -> {
                for (int b = 0; b < 10; b++) {
                    LockSupport.parkNanos(500_000_000L);
                    long start = System.nanoTime();
                    for (int i = 0; i < 100_000; i++) {
                        long due = start + i * 100L; // 10 M/s
                        while (System.nanoTime() < due) {
                            Thread.onSpinWait();
                        }
                        counter.increment();
                    }
                    sent[0] += 100_000;
                }
            }, "idle-cpu-burster");
            burster.start();
            burster.join();
            engine.flush();
            EngineStats stats = engine.stats();
            drops[0] = stats.dropped();
            System.out.printf(Locale.ROOT, "%-10s bursts at 10 M/s after 500 ms idle: %d of %d dropped%n", strategy,
                    drops[0], sent[0]);
            rows.add(String.format(Locale.ROOT, "{\"kind\":\"burst_after_idle\",\"strategy\":\"%s\",\"sent\":%d,"
                    + "\"dropped\":%d}", strategy, sent[0], drops[0]));
        }
        return rows;
    }
}
